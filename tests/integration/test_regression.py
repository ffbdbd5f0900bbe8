"""Regression check: every shipped scenario gives the results.json captured before the core
refactor (issue 8), apart from version fields.

This is a regression snapshot, not a correctness oracle (the closed-form and textbook
oracles in tests/unit are): it guards against numbers moving by accident.  A change that
moves numbers on purpose re-runs ``scripts/capture_regression.py`` and says why in its
commit.  The result protocol may add fields (``status``, ``reason``...); every field of the
snapshot must still be there with the same value, except those in ``REPLACED``.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

import sim

ROOT = Path(__file__).resolve().parents[2]
SNAPSHOTS = sorted((ROOT / "tests" / "fixtures" / "regression").glob("*.json"))

#: Fields of the old format said another way by the result protocol (and why).
REPLACED = {
    "configured": "'not run' is now the status 'not_run' with its reason",
}


def _same(old, new, path: str, problems: list[str]) -> None:
    if isinstance(old, dict):
        if not isinstance(new, dict):
            problems.append(f"{path}: was a mapping, now {new!r}")
            return
        for key, value in old.items():
            if key in REPLACED:
                continue
            if key not in new:
                problems.append(f"{path}.{key}: missing")
            else:
                _same(value, new[key], f"{path}.{key}", problems)
    elif isinstance(old, list):
        if not isinstance(new, list) or len(new) != len(old):
            problems.append(f"{path}: list changed ({old!r} -> {new!r})")
            return
        for k, (a, b) in enumerate(zip(old, new, strict=True)):
            _same(a, b, f"{path}[{k}]", problems)
    elif isinstance(old, float) and not isinstance(old, bool):
        if not isinstance(new, int | float) or not math.isclose(
            old, new, rel_tol=1e-9, abs_tol=1e-9
        ):
            problems.append(f"{path}: {old!r} -> {new!r}")
    elif old != new:
        problems.append(f"{path}: {old!r} -> {new!r}")


@pytest.mark.parametrize("snapshot", SNAPSHOTS, ids=lambda p: p.stem)
def test_results_match_the_snapshot(snapshot: Path) -> None:
    old = json.loads(snapshot.read_text())
    new = json.loads(sim.run(ROOT / "scenarios" / f"{snapshot.stem}.yaml").to_json())
    problems: list[str] = []
    _same(old, new, "", problems)
    assert not problems, "\n".join(problems[:40])


def test_snapshots_cover_every_shipped_scenario() -> None:
    shipped = {p.stem for p in (ROOT / "scenarios").glob("*.yaml")}
    assert shipped == {p.stem for p in SNAPSHOTS}
