"""Plain sentences for pydantic's validation errors, with "did you mean" for unknown keys.

Pydantic words its errors for programmers ("Tuple should have at least 2 items after
validation, not 1", "Input should be a valid dictionary or instance of Sector", "input is
too short" for a date); :func:`plain_message` says the same thing to an analyst.
"""

from __future__ import annotations

import functools
import types
import typing

from pydantic import BaseModel


def _kind(value: object) -> str:
    """``"a list"``, ``"a number"``, ``"the text 'cars'"``: what the input was."""
    if isinstance(value, bool):
        return f"{str(value).lower()} (yes/no)"
    if isinstance(value, int | float):
        return f"the number {value:g}"
    if isinstance(value, str):
        return f"the text {value!r}"
    if isinstance(value, list | tuple):
        return f"a list of {len(value)} item(s)"
    if isinstance(value, dict):
        return "a mapping"
    return "nothing" if value is None else type(value).__name__


def _models(tp: object, out: set[type[BaseModel]]) -> None:
    """Every pydantic model reachable from a type annotation."""
    if isinstance(tp, type) and issubclass(tp, BaseModel):
        if tp in out:
            return
        out.add(tp)
        for field in tp.model_fields.values():
            _models(field.annotation, out)
        return
    for arg in typing.get_args(tp):
        _models(arg, out)
    if isinstance(tp, types.UnionType):
        for arg in tp.__args__:
            _models(arg, out)


@functools.cache
def known_keys() -> tuple[str, ...]:
    """Every key the scenario format knows (fields of every model in the schema)."""
    from sim.scenario.schema import Scenario

    found: set[type[BaseModel]] = set()
    _models(Scenario, found)
    return tuple(sorted({name for model in found for name in model.model_fields}))


def plain_message(err: dict) -> str:
    """One pydantic error (``ValidationError.errors()`` item) as a plain sentence."""
    from sim.scenario.references import did_you_mean

    kind = err.get("type", "")
    msg = err.get("msg", "invalid value")
    value = err.get("input")
    ctx = err.get("ctx") or {}
    loc = err.get("loc") or ("",)
    if kind == "extra_forbidden":
        key = loc[-1]
        return f"unknown key {key!r}{did_you_mean(key, known_keys())} (see `sim schema`)"
    if kind == "missing" and isinstance(loc[-1], int):  # a too short fixed-size list
        if len(loc) > 1 and loc[-2] == "range":
            return "a range is two numbers [low, high]; the high end is missing"
        return f"item {loc[-1] + 1} of this list is missing"
    if kind == "missing":
        return "this required field is missing"
    if kind.startswith(("date_", "datetime_")):
        reason = str(ctx.get("error", ""))
        why = f" ({reason})" if ("month" in reason or "day" in reason) else ""
        return f"expected a date written YYYY-MM-DD (e.g. 2025-07-09), got {_kind(value)}{why}"
    if kind in ("too_short", "too_long"):
        if loc[-1] == "range":
            return f"a range is two numbers [low, high], got {_kind(value)}"
        bound = ctx.get("min_length") if kind == "too_short" else ctx.get("max_length")
        most = "at least" if kind == "too_short" else "at most"
        return f"expected {most} {bound} item(s), got {ctx.get('actual_length', '?')}"
    if kind in ("model_type", "model_attributes_type", "dict_type"):
        return f"expected a mapping (key: value lines), got {_kind(value)}"
    if kind in ("tuple_type", "list_type"):
        return f"expected a list [..., ...], got {_kind(value)}"
    if kind == "finite_number":
        return f"expected a finite number, got {value}"
    if kind in ("float_type", "float_parsing", "int_type", "int_parsing"):
        return f"expected a number, got {_kind(value)}"
    if kind in ("string_type",):
        return f"expected text, got {_kind(value)}"
    if kind in ("bool_type", "bool_parsing"):
        return f"expected yes or no, got {_kind(value)}"
    if kind == "string_pattern_mismatch":
        return (
            f"{_kind(value)} is not a valid name: use letters, digits, '_' and '-', "
            "starting with a letter"
        )
    for prefix in ("Value error, ", "Assertion failed, "):
        msg = msg.removeprefix(prefix)
    return msg.replace("Input should be", "expected")
