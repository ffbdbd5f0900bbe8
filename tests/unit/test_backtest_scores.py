"""The scores of a backtest against oracles that share no code with them: the CRPS's
integral definition and its closed form for a normal forecast (Gneiting & Raftery 2007),
hand counts, hand-computed Brier and log scores."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats

from sim.analysis import scores as S
from sim.analysis.backtest import score
from sim.analysis.forecast import Predictive


def _crps_integral(sample, y):
    """CRPS(F, y) = integral of (F(x) - 1{y <= x})^2 dx (Gneiting & Raftery 2007, eq. 20),
    integrated piece by piece between the sorted points of the sample and y."""
    x = np.sort(np.asarray(sample, dtype=float))
    knots = np.unique(np.append(x, y))
    total = 0.0
    for a, b in itertools.pairwise(knots):
        mid = (a + b) / 2
        f = np.mean(x <= mid)
        total += integrate.quad(lambda _t, f=f, mid=mid: (f - (y <= mid)) ** 2, a, b)[0]
    return total


@pytest.mark.parametrize("y", [-3.0, 0.2, 0.5, 0.77, 4.0])
def test_crps_is_the_integral_of_the_squared_cdf_difference(y):
    sample = np.random.default_rng(3).uniform(0, 1, 37)
    assert S.crps(sample, y) == pytest.approx(_crps_integral(sample, y), abs=1e-9)


def test_crps_of_a_large_normal_sample_matches_the_closed_form():
    # CRPS(N(0, 1), y) = y (2 Phi(y) - 1) + 2 phi(y) - 1/sqrt(pi)  (Gneiting & Raftery 2007)
    sample = stats.norm.ppf((np.arange(20000) + 0.5) / 20000)
    for y in (0.0, 1.3, -2.0):
        exact = y * (2 * stats.norm.cdf(y) - 1) + 2 * stats.norm.pdf(y) - 1 / math.sqrt(math.pi)
        assert S.crps(sample, y) == pytest.approx(exact, abs=1e-3)


def test_crps_far_outside_grows_with_the_distance_never_clipped():
    sample = np.linspace(0, 1, 11)
    half_spread = 0.5 * np.mean(np.abs(sample[:, None] - sample[None, :]))
    for y in (10.0, 1000.0):
        assert S.crps(sample, y) == pytest.approx(y - sample.mean() - half_spread, abs=1e-9)


def test_percentile_bands_and_where_by_hand():
    sample = np.array([0.0, 1.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0])
    assert S.percentile(sample, 1.0) == pytest.approx(0.1 + 0.5 * 0.2)
    assert S.percentile(sample, -1.0) == 0.0
    assert S.percentile(sample, 9.0) == 1.0
    assert S.band(sample, 0.5) == (pytest.approx(1.25), pytest.approx(5.75))
    assert S.band(sample, 0.5, discrete=True) == (1.0, 6.0)
    assert S.where(sample, 9.0) == "above every draw"
    assert S.where(sample, -0.5) == "below every draw"
    assert S.where(sample, 3.5) == ""


def test_brier_and_log_scores_by_hand():
    assert S.brier(0.3, True) == pytest.approx(0.49)
    assert S.brier(0.3, False) == pytest.approx(0.09)
    assert S.log_score(0.3, True, 10) == pytest.approx(-math.log(0.3))
    assert S.log_score(0.3, False, 10) == pytest.approx(-math.log(0.7))
    # a probability of 0 in 10 draws is read as 1/20: finite, and worse than any other
    assert S.log_score(0.0, True, 10) == pytest.approx(math.log(20))
    assert S.log_score(1.0, False, 10) == pytest.approx(math.log(20))


class _Issue:
    def __init__(self, id_, kind="continuous", rng=(0.0, 10.0)):
        self.id, self.kind, self.range = id_, kind, rng


class _Scenario:
    issues = (_Issue("x"),)

    def issue(self, _id):
        return self.issues[0]


def _observed(reached=True, date="2025-07-01", x=None):
    from sim.scenario.observed import Observed

    data = {"agreement": {"reached": reached, "date": date, "source": "test"}}
    if x is not None:
        data["issues"] = {"x": {"value": x, "source": "test"}}
    return Observed.model_validate(data)


def test_agreement_by_date_counts_the_draws_agreeing_by_then():
    p = Predictive("dated", 10, {"x": np.zeros(10)}, 0.5, {"2025-06-15": 3, "2025-07-09": 2})
    assert p.by_date("2025-07-01") == pytest.approx(0.3)
    assert p.by_date("2025-07-09") == pytest.approx(0.5)
    rows = score({"dated": p}, _observed(), _Scenario()).set_index("observation")
    by = rows.loc["agreement by 2025-07-01"]
    assert by["probability"] == pytest.approx(0.3)
    assert by["brier"] == pytest.approx(0.49)
    assert by["log_score"] == pytest.approx(-math.log(0.3))
    ever = rows.loc["agreement"]
    assert ever["brier"] == pytest.approx(0.25)
    # a breakdown: the event "agreement by then" did not happen
    gone = score({"dated": p}, _observed(False), _Scenario()).set_index("observation")
    assert gone.loc["agreement by 2025-07-01", "brier"] == pytest.approx(0.09)
    assert gone.loc["agreement by 2025-07-01", "probability"] == pytest.approx(0.7)


def test_a_model_without_timing_says_so():
    p = Predictive("undated", 4, {"x": np.zeros(4)}, 1.0, None)
    rows = score({"undated": p}, _observed(), _Scenario()).set_index("observation")
    by = rows.loc["agreement by 2025-07-01"]
    assert np.isnan(by["probability"]) and np.isnan(by["brier"])
    assert "not when" in by["note"]


def test_an_observation_far_outside_is_reported_as_it_is():
    sample = np.linspace(1, 2, 50)
    p = Predictive("m", 50, {"x": sample}, 1.0, None)
    row = score({"m": p}, _observed(x=9.5), _Scenario()).set_index("observation").loc["x"]
    assert row["value"] == 9.5 and row["outside"] == "above every draw"
    assert row["percentile"] == 1.0 and not row["in_90"] and not row["in_50"]
    assert row["crps"] == pytest.approx(_crps_integral(sample, 9.5), abs=1e-9)
    assert row["crps_scaled"] == pytest.approx(row["crps"] / 10)
