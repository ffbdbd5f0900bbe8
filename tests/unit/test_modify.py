"""Changing scenarios from Python: dotted paths, provenance kept, validation, new hash."""

from __future__ import annotations

import pytest

import sim
from sim.errors import ScenarioError


def test_modify_changes_value_and_hash(write_scenario, minimal_text):
    base = sim.load(write_scenario(minimal_text))
    changed = sim.modify(
        base, {"payoffs.parties.A.tariff.linear": 0.5, "issues.tariff.range": [0, 20]}
    )
    assert changed.scenario.payoffs.parties["A"]["tariff"].linear.value == 0.5
    assert changed.scenario.issue("tariff").range == (0, 20)
    assert changed.sha256 != base.sha256
    assert base.scenario.payoffs.parties["A"]["tariff"].linear.value == 0.1  # unchanged


def test_modify_keeps_provenance(write_scenario, minimal_text):
    text = minimal_text.replace(
        "tariff: {linear: 0.1}", "tariff: {linear: {value: 0.1, range: [0, 1], note: mine}}"
    )
    changed = sim.modify(sim.load(write_scenario(text)), {"payoffs.parties.A.tariff.linear": 0.7})
    q = changed.scenario.payoffs.parties["A"]["tariff"].linear
    assert (q.value, q.range, q.note) == (0.7, (0, 1), "mine")
    with pytest.raises(ScenarioError, match="outside its range"):
        sim.modify(changed, {"payoffs.parties.A.tariff.linear": 3})


def test_modify_validates_references(write_scenario, minimal_text):
    base = sim.load(write_scenario(minimal_text))
    with pytest.raises(ScenarioError, match="no party 'Z'"):
        sim.modify(base, {"calendar.rounds.0.proposer": "Z"})
    with pytest.raises(ScenarioError, match="no 'nope'"):
        sim.modify(base, {"issues.nope.range": [0, 1]})


def test_modified_scenario_runs(write_scenario, minimal_text):
    base = sim.load(write_scenario(minimal_text))
    run = sim.run(sim.modify(base, {"disagreement.adjustments.A": 0.2}), models=["nash_bargaining"])
    assert run.models["nash_bargaining"].disagreement["A"] == pytest.approx(1.2)


def test_modify_goes_the_loaders_way(write_scenario, minimal_text):
    """One load-validate-hash path: no change, same hash; problems worded as the loader's."""
    base = sim.load(write_scenario(minimal_text))
    same = sim.modify(base, {})
    assert (same.sha256, same.data, same.files) == (base.sha256, base.data, base.files)
    with pytest.raises(ScenarioError) as err:
        sim.modify(base, {"payoffs.parties.A.tariff.bogus": 1})
    problem = err.value.first
    assert problem.line is None  # a change from Python has no line
    assert problem.field == "payoffs.parties.A.tariff.bogus"
    assert problem.message.startswith("unknown key 'bogus'")
