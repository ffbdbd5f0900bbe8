"""Every shipped scenario runs end to end (STYLE.md: every file in scenarios/ runs in CI)."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT

import sim

SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))


@pytest.mark.slow
@pytest.mark.parametrize("path", SCENARIOS, ids=[p.stem for p in SCENARIOS])
def test_scenario_runs_and_serialises(path, tmp_path):
    run = sim.run(path)
    assert run.models, "a scenario should select at least one model"
    folder = sim.save(run, tmp_path / "run", plots=False)
    data = json.loads((folder / "results.json").read_text())
    assert data["scenario"]["id"] == run.scenario.id
    assert set(data["models"]) == set(run.scenario.models.selected())
    if "strategic" in data["models"]:
        assert data["models"]["strategic"]["equilibria"], "a finite game has an equilibrium"


def test_every_scenario_is_covered():
    assert len(SCENARIOS) >= 5
