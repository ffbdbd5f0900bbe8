"""Backtests with a known truth, on a scenario built for it (tests/fixtures/sweep/split.yaml):
A and B split one unit; the Nash share is x* = 0.75 + a_A / 2 (closed form in the file), with
A's no-deal adjustment a_A ~ U[-0.5, 0.3] and a breakdown risk no axiomatic model reads.

* coverage: observations made by the model at parameters drawn from the prior (an
  independent generator) fall in the 90 % band about 90 % of the time;
* calibration: from x = 0.8, rejection ABC with tolerance 0.05 keeps exactly the draws with
  |a_A - 0.1| <= 0.1 (the closed form inverted), narrows a_A and leaves the risk alone;
* an observation beyond every draw is reported as it is.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis import scores as S
from sim.analysis.backtest import predict
from sim.analysis.forecast import predictives

ROOT = Path(__file__).resolve().parents[2]
SPLIT = ROOT / "tests" / "fixtures" / "sweep" / "split.yaml"
A, RISK = "disagreement.adjustments.A", "calendar.breakdown_risk"


@pytest.fixture(scope="module")
def loaded():
    return sim.load(SPLIT)


def _observed(tmp_path, x, reached=True):
    path = tmp_path / "observed.yaml"
    path.write_text(
        "scenario: sweep_split\n"
        f"agreement: {{reached: {str(reached).lower()}, date: 2025-03-01, source: the test}}\n"
        f"issues:\n  x: {{value: {x}, source: the test}}\n"
    )
    return path


def test_coverage_of_observations_drawn_from_the_prior(loaded):
    _design, table = predict(loaded, samples=300, seed=11, models=["nash_bargaining"])
    sample = predictives(table, loaded.scenario)["nash_bargaining"].issues["x"]
    trials = 400
    rng = np.random.default_rng(2024)  # the truth's own generator, not the sampler's
    truths = pd.DataFrame({A: rng.uniform(-0.5, 0.3, trials), RISK: rng.uniform(0, 0.2, trials)})
    observed = sim.evaluate(loaded, truths, models="nash_bargaining")["agreement.x"].to_numpy()
    for level, lo_ok, hi_ok in ((0.9, 0.85, 0.95), (0.5, 0.43, 0.57)):
        lo, hi = S.band(sample, level)
        inside = np.mean((observed >= lo) & (observed <= hi))
        assert lo_ok <= inside <= hi_ok, (level, inside)
    pits = np.array([S.percentile(sample, y) for y in observed])
    # calibrated: the percentiles are uniform (Kolmogorov-Smirnov against U[0, 1])
    from scipy import stats

    assert stats.kstest(pits, "uniform").pvalue > 0.01


def test_calibration_recovers_the_truth_and_narrows_what_matters(loaded, tmp_path):
    a_true = 0.1  # x = 0.75 + 0.1 / 2 = 0.8
    res = sim.backtest(loaded, _observed(tmp_path, 0.8), samples=400, seed=5,
                       models=["nash_bargaining"], tolerance=0.05)
    cal = res.calibration.set_index("parameter")
    a, risk = cal.loc[A], cal.loc[RISK]
    # |x - 0.8| <= 0.05  <=>  |a_A - 0.1| <= 0.1: the posterior support is [0.0, 0.2]
    assert a["post_min"] <= a_true <= a["post_max"]
    assert -1e-9 <= a["post_min"] < 0.02 and 0.18 < a["post_max"] <= 0.2 + 1e-9
    table = res.table
    expected = int((np.abs(table[A] - a_true) <= 0.1 + 1e-12).sum())
    assert a["accepted"] == expected > 50
    assert a["narrowing"] > 0.6 and a["rank"] == 1 and a["reading"].startswith("between")
    assert abs(risk["narrowing"]) < 0.3 and risk["ks"] < 0.2
    assert risk["reading"] == "not constrained"
    assert risk["post_min"] <= 0.05 <= risk["post_max"]  # the scenario's value is still in


def test_an_observation_beyond_every_draw_is_reported_never_clipped(loaded, tmp_path):
    res = sim.backtest(loaded, _observed(tmp_path, 0.98), samples=64, seed=1,
                       models=["nash_bargaining"])
    row = res.scores.set_index("observation").loc["x"]
    assert row["value"] == 0.98 and row["outside"] == "above every draw"
    assert row["percentile"] == 1.0 and not row["in_90"]
    sample = res.predictive["nash_bargaining"].issues["x"]
    spread = np.mean(np.abs(sample[:, None] - sample[None, :]))
    assert row["crps"] == pytest.approx(0.98 - sample.mean() - spread / 2, abs=1e-9)
    assert any("above every draw" in n for n in res.notes)
    assert res.models["outside_all"].iloc[0] == 1
    # beyond the issue's range: reported with a note, not refused and not clipped
    far = sim.backtest(loaded, _observed(tmp_path, 1.5), samples=16, seed=1,
                       models=["nash_bargaining"]).scores.set_index("observation").loc["x"]
    assert far["value"] == 1.5 and "outside the issue's range" in far["note"]
    assert far["crps"] > 0.5


def test_breakdown_scores_the_probability_of_no_deal(loaded, tmp_path):
    res = sim.backtest(loaded, _observed(tmp_path, 0.5, reached=False), samples=16, seed=1,
                       models=["nash_bargaining"])
    ev = res.scores.set_index("observation").loc["agreement"]
    # the Nash solution always agrees here: P(no deal) = 0, Brier 1
    assert ev["probability"] == 0.0 and ev["brier"] == 1.0
    assert (res.calibration["accepted"] == 0).all()
