"""Sensitivity and discovery on a scenario built for them (tests/fixtures/sweep/split.yaml):
the Nash share is x* = 0.75 + a_A / 2 (closed form in the file), so A's no-deal adjustment
a_A explains all of its variance and the breakdown risk none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.design import make_design
from sim.analysis.discovery import agreement_by_date, condition_mask, discover, issue_summary
from sim.analysis.sensitivity import grid_means, morris_indices, sobol_indices, tornado

SPLIT = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "sweep" / "split.yaml"
A, RISK = "disagreement.adjustments.A", "calendar.breakdown_risk"


@pytest.fixture(scope="module")
def loaded():
    return sim.load(SPLIT)


def _run(loaded, design):
    return sim.evaluate(loaded, design.draws(), models="nash_bargaining")


def test_table_matches_the_closed_form(loaded):
    design = make_design(loaded, method="lhs", samples=200, seed=1)
    table = _run(loaded, design)
    np.testing.assert_allclose(table["agreement.x"], 0.75 + table[A] / 2, atol=1e-9)


def test_sobol_no_effect_near_zero_and_decisive_near_one(loaded):
    design = make_design(loaded, method="sobol", samples=2048, seed=7)
    s = sobol_indices(_run(loaded, design), design, loaded.scenario, model="nash_bargaining",
                      outcome="agreement.x").set_index("parameter")
    assert s.loc[A, "S1"] == pytest.approx(1.0, abs=0.05)
    assert s.loc[A, "ST"] == pytest.approx(1.0, abs=0.05)
    assert abs(s.loc[RISK, "S1"]) < 0.02 and abs(s.loc[RISK, "ST"]) < 0.02
    assert (s["S1_conf"] >= 0).all()


def test_morris_ranks_the_decisive_parameter(loaded):
    design = make_design(loaded, method="morris", samples=60, seed=2)
    m = morris_indices(_run(loaded, design), design, loaded.scenario,
                       model="nash_bargaining", outcome="agreement.x").set_index("parameter")
    # x* is linear in a_A: every elementary effect is the slope 1/2 times the range 0.8
    assert m.loc[A, "mu_star"] == pytest.approx(0.4, abs=1e-9)
    assert m.loc[A, "sigma"] == pytest.approx(0.0, abs=1e-9)
    assert m.loc[RISK, "mu_star"] == 0


def test_tornado_swings(loaded):
    design = make_design(loaded, method="lhs", samples=10)
    t = tornado(loaded, design.factors, model="nash_bargaining", outcome="agreement.x")
    top = t.iloc[0]
    assert top["parameter"] == A
    assert top["outcome_low"] == pytest.approx(0.75 - 0.25)
    assert top["outcome_high"] == pytest.approx(0.9)
    assert top["base"] == pytest.approx(0.75)
    assert t.set_index("parameter").loc[RISK, "swing"] == 0


def test_prim_finds_the_planted_box(loaded):
    # agreement.x >= 0.8  <=>  a_A >= 0.1: the box a_A in [0.1, 0.3], whatever the risk
    design = make_design(loaded, method="lhs", samples=1000, seed=4)
    table = _run(loaded, design)
    box = discover(table, design, loaded.scenario, "agreement.x >= 0.8",
                   model="nash_bargaining")
    assert list(box["parameter"]) == [A]
    assert box["min"].iloc[0] == pytest.approx(0.1, abs=0.01)
    assert box["coverage"].iloc[0] > 0.95 and box["density"].iloc[0] > 0.95


def test_conditions(loaded):
    design = make_design(loaded, method="mc", samples=50, seed=4)
    table = _run(loaded, design)
    assert (condition_mask(table, loaded.scenario, "status == ok")).all()
    assert not condition_mask(table, loaded.scenario, "status == no_agreement").any()
    with pytest.raises(ValueError, match="COLUMN OP VALUE"):
        condition_mask(table, loaded.scenario, "agreement.x")
    with pytest.raises(ValueError, match="no column"):
        condition_mask(table, loaded.scenario, "nope == 1")


def test_grid_means_and_summaries(loaded):
    design = make_design(loaded, grid=[f"{A}=-0.5:0.3:3", f"{RISK}=0:0.2:2"])
    table = _run(loaded, design)
    g = grid_means(table, design, loaded.scenario, model="nash_bargaining", outcome="agreement.x")
    assert len(g) == 6
    np.testing.assert_allclose(g["value"], 0.75 + g[A] / 2)
    s = issue_summary(table, loaded.scenario)
    assert s.loc[0, "p_agreement"] == 1.0 and s.loc[0, "median"] == pytest.approx(0.75 - 0.1 / 2)


def test_agreement_by_date_counts_dated_deals():
    table = pd.DataFrame({"model": "m", "status": ["ok", "ok", "no_agreement", "ok"],
                          "agreement_date": ["2025-05-01", "2025-06-15", None, "2025-07-09"]})
    sc = sim.load(Path(__file__).resolve().parents[2] / "scenarios" / "japan_us_2025.yaml").scenario
    by = agreement_by_date(table, sc).set_index("date")["probability"]
    assert by["2025-05-01"] == 0.25 and by["2025-06-15"] == 0.5 and by["2025-07-09"] == 0.75
    assert by.is_monotonic_increasing
