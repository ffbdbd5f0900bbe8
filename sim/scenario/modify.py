"""Change a loaded scenario from Python (notebooks, sweeps) and validate the result.

Paths are dotted: mapping keys by name, list items by their ``id``/``code`` or index, e.g.
``"disagreement.adjustments.US"`` or ``"issues.car_tariff.range"``.  Setting a number where
the scenario holds ``{value: ..., range: ..., source: ...}`` changes only ``value`` (the
provenance stays, and the value must stay within the stated range).
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import replace
from typing import Any

from sim.errors import Problem, ScenarioError
from sim.scenario.loader import LoadedScenario, validate_data


def _child(node: Any, key: str, path: str) -> tuple[Any, Any]:
    """The container key/index for ``key`` in ``node``."""
    if isinstance(node, dict):
        return node, key
    if isinstance(node, list):
        for i, item in enumerate(node):
            if isinstance(item, dict) and key in (item.get("id"), item.get("code")):
                return node, i
        if key.isdigit() and int(key) < len(node):
            return node, int(key)
    raise ScenarioError([Problem(None, None, path, f"no {key!r} at this path")])


def set_path(data: dict, path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` of plain scenario data (in place)."""
    parts = path.split(".")
    node: Any = data
    for k, key in enumerate(parts):
        container, index = _child(node, key, ".".join(parts[: k + 1]))
        if k == len(parts) - 1:
            current = (
                container[index] if isinstance(container, list) or index in container else None
            )
            if isinstance(current, dict) and "value" in current and isinstance(value, int | float):
                current["value"] = value
            else:
                container[index] = value
            return
        if isinstance(container, dict) and index not in container:
            container[index] = {}
        node = container[index]


def modify(loaded: LoadedScenario, changes: Mapping[str, Any]) -> LoadedScenario:
    """A new validated scenario with ``changes`` applied (the original is unchanged).

    The changed data goes through :func:`sim.scenario.loader.validate_data`, as a file does
    (schema, references, hash).

    Parameters
    ----------
    loaded : LoadedScenario
    changes : mapping of dotted path -> new value

    Returns
    -------
    LoadedScenario
        With a new ``sha256``.

    Raises
    ------
    ScenarioError
        If the changed scenario is invalid (the field is named; there is no line).

    Examples
    --------
    >>> import sim
    >>> base = sim.load("scenarios/japan_us_2025.yaml")                      # doctest: +SKIP
    >>> holdout = sim.modify(base, {"disagreement.adjustments.US": 3})     # doctest: +SKIP
    """
    data = copy.deepcopy(loaded.data)
    for path, value in changes.items():
        set_path(data, path, value)
    return replace(validate_data(data, loaded.path), files=loaded.files)
