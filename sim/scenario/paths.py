"""Dotted paths into a validated scenario (the syntax of :func:`sim.scenario.modify.modify`).

Mapping keys by name, list items by their ``id``/``code`` or by index; a mapping key may
itself hold dots (a level label such as ``"+0.5 Mt"``).  Used by the batched evaluation
(:mod:`sim.analysis.parameters`) and by the checks of the ``uncertainty:`` section
(:mod:`sim.scenario.uncertainty`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from sim.quantity import Quantity

__all__ = ["lookup"]


def _child(node: Any, key: str) -> tuple[Any, Any]:
    """``(kind, index)`` of ``key`` in ``node`` (as :func:`sim.scenario.modify.set_path`)."""
    if isinstance(node, BaseModel) and not isinstance(node, Quantity):
        if key in type(node).model_fields:
            return "attr", key
    elif isinstance(node, Mapping):
        if key in node:
            return "key", key
    elif isinstance(node, tuple | list):
        for i, item in enumerate(node):
            if key in (getattr(item, "id", None), getattr(item, "code", None)):
                return "index", i
        if key.isdigit() and int(key) < len(node):
            return "index", int(key)
    raise KeyError(key)


def _step(node: Any, parts: list[str]) -> tuple[str, Any, list[str]]:
    """Resolve the first part(s) of a path: a mapping key may itself contain dots (a level
    label such as ``"+0.5 Mt"``), so longer keys are tried when the short one is missing."""
    for k in range(1, len(parts) + 1):
        try:
            kind, index = _child(node, ".".join(parts[:k]))
        except KeyError:
            if not isinstance(node, Mapping):
                break
            continue
        return kind, index, parts[k:]
    raise KeyError(parts[0])


def _get(node: Any, kind: str, index: Any) -> Any:
    return getattr(node, index) if kind == "attr" else node[index]


def lookup(scenario: BaseModel, path: str) -> Any:
    """The value at a dotted ``path`` of a validated scenario.

    Raises
    ------
    KeyError
        Naming the first part of the path that does not exist.
    """
    node: Any = scenario
    parts = path.split(".")
    while parts:
        try:
            kind, index, rest = _step(node, parts)
        except KeyError:
            done = path[: len(path) - len(".".join(parts))].rstrip(".")
            raise KeyError(f"no {parts[0]!r} at {done or 'the top level'}") from None
        node, parts = _get(node, kind, index), rest
    return node
