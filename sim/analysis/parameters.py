"""Numeric parameters of a validated scenario, addressed by dotted path.

The path syntax is that of :func:`sim.scenario.modify.modify`: mapping keys by name, list
items by their ``id``/``code`` or by index (``"payoffs.sectors.cars.eps"``,
``"disagreement.adjustments.US"``, ``"payoffs.weights.JP.election_premium.0.value"``).

* :func:`declared_parameters` lists every :class:`~sim.quantity.Quantity` that declares a
  ``range`` (the uncertainties of EMA Workbench's vocabulary, Kwakkel 2017, *Environmental
  Modelling & Software* 96:239-250).
* :func:`check_columns` checks a table of draws once per column (the path exists, holds a
  number, every value lies in the declared range or, without one, is finite).
* :func:`patch_scenario` applies numeric changes to a validated :class:`Scenario` with
  pydantic's ``model_copy(update=...)``: no YAML, no re-validation, no reference checks
  (the values were checked by :func:`check_columns`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel

from sim.errors import Problem, ScenarioError
from sim.quantity import Quantity
from sim.scenario.paths import _get, _step, lookup

__all__ = [
    "Parameter",
    "check_columns",
    "declared_parameters",
    "lookup",
    "patch_scenario",
    "quantities",
]


@dataclass(frozen=True)
class Parameter:
    """A number of the scenario with a declared plausible range.

    Attributes
    ----------
    path : str            dotted path accepted by ``sim.evaluate`` (and by ``sim.modify``
                          unless a key holds a dot, like the level label ``"+0.5 Mt"``).
    value : float         the scenario's value.
    range : (lo, hi)      the declared range.
    source, context, note : str or None
        The provenance, as written in the scenario.
    """

    path: str
    value: float
    range: tuple[float, float]
    source: str | None = None
    context: str | None = None
    note: str | None = None

    def to_dict(self) -> dict:
        """JSON-safe dictionary (builtins only)."""
        return {
            "path": self.path,
            "value": float(self.value),
            "range": [float(self.range[0]), float(self.range[1])],
            "source": self.source,
            "context": self.context,
            "note": self.note,
        }


def _item_key(item: Any, index: int) -> str:
    for attr in ("id", "code"):
        key = getattr(item, attr, None)
        if isinstance(key, str):
            return key
    return str(index)


def _walk(node: Any, parts: tuple[str, ...]) -> Iterator[tuple[tuple[str, ...], Quantity]]:
    if isinstance(node, Quantity):
        yield parts, node
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from _walk(getattr(node, name), (*parts, name))
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _walk(value, (*parts, str(key)))
    elif isinstance(node, tuple | list):
        for i, value in enumerate(node):
            yield from _walk(value, (*parts, _item_key(value, i)))


def declared_parameters(loaded) -> list[Parameter]:
    """Every Quantity of the scenario that declares a ``range``, in document order.

    Parameters
    ----------
    loaded : LoadedScenario or Scenario

    Returns
    -------
    list of Parameter
        Paths that :func:`sim.modify` and :func:`sim.evaluate` accept.

    Examples
    --------
    >>> import sim
    >>> params = sim.declared_parameters(sim.load("scenarios/japan_us_2025.yaml"))
    >>> "payoffs.sectors.cars.eta" in {p.path for p in params}
    True
    """
    scenario = getattr(loaded, "scenario", loaded)
    return [
        Parameter(
            ".".join(parts), float(q.value), tuple(map(float, q.range)), q.source, q.context, q.note
        )
        for parts, q in _walk(scenario, ())
        if q.range is not None
    ]


def quantities(loaded) -> list[tuple[str, Quantity]]:
    """Every number of the scenario written as a :class:`~sim.quantity.Quantity` (with or
    without a ``range``), with its dotted path, in document order (what a report lists as
    the scenario's parameters).

    Examples
    --------
    >>> import sim
    >>> qs = dict(quantities(sim.load("scenarios/japan_us_2025.yaml")))
    >>> qs["calendar.breakdown_risk"].value
    0.05
    """
    scenario = getattr(loaded, "scenario", loaded)
    return [(".".join(parts), q) for parts, q in _walk(scenario, ())]


def _is_number(v: Any) -> bool:
    return isinstance(v, int | float | np.integer | np.floating) and not isinstance(v, bool)


def check_columns(loaded, draws) -> dict[str, np.ndarray]:
    """Check every column of ``draws`` once; return the columns as float arrays.

    Parameters
    ----------
    loaded : LoadedScenario
    draws : pandas.DataFrame
        Columns are dotted paths, rows are draws.

    Returns
    -------
    dict path -> (n_draws,) float array

    Raises
    ------
    ScenarioError
        Naming the path: unknown path, a path that does not hold a number, a value outside
        the declared range (or not finite where no range is declared).
    """
    scenario = loaded.scenario
    out: dict[str, np.ndarray] = {}
    problems: list[Problem] = []

    def fail(path: str, msg: str) -> None:
        problems.append(Problem(loaded.path, None, path, msg))

    for path in draws.columns:
        path = str(path)
        try:
            current = lookup(scenario, path)
        except KeyError as exc:
            fail(path, f"unknown parameter path: {exc.args[0]}")
            continue
        if not (isinstance(current, Quantity) or _is_number(current)):
            fail(path, f"not a number but {type(current).__name__}; only numbers can be drawn")
            continue
        try:
            values = np.asarray(draws[path].to_numpy(), dtype=float)
        except (TypeError, ValueError):
            fail(path, "the column holds values that are not numbers")
            continue
        rng = current.range if isinstance(current, Quantity) else None
        if rng is not None:
            bad = ~((values >= rng[0]) & (values <= rng[1]))
            if bad.any():
                v = values[np.flatnonzero(bad)[0]]
                fail(path, f"value {v:g} lies outside its declared range [{rng[0]:g}, {rng[1]:g}]")
                continue
        elif not np.isfinite(values).all():
            fail(path, "values must be finite numbers")
            continue
        out[path] = values
    if problems:
        raise ScenarioError(problems)
    return out


def _patched(node: Any, parts: list[str], value: float) -> Any:
    if not parts:
        if isinstance(node, Quantity):
            return node.model_copy(update={"value": float(value)})
        return int(value) if isinstance(node, int) and float(value).is_integer() else float(value)
    kind, index, rest = _step(node, parts)
    new = _patched(_get(node, kind, index), rest, value)
    if kind == "attr":
        return node.model_copy(update={index: new})
    if kind == "key":
        return {**node, index: new}
    items = list(node)
    items[index] = new
    return type(node)(items)


def patch_scenario(scenario: BaseModel, changes: Mapping[str, float]) -> BaseModel:
    """A copy of a validated scenario with numbers changed at dotted paths (not re-validated).

    A Quantity keeps its range and provenance; only its ``value`` changes, as in
    :func:`sim.scenario.modify.modify`.  Values must have been checked with
    :func:`check_columns`.
    """
    for path, value in changes.items():
        if not math.isfinite(float(value)) and not isinstance(lookup(scenario, path), Quantity):
            raise ValueError(f"{path}: {value} is not a finite number")
        scenario = _patched(scenario, path.split("."), value)
    return scenario
