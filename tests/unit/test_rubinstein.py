"""Tests for sim.bargaining.alternating against closed forms and a brute-force Nash oracle."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.bargaining.alternating import rubinstein
from sim.bargaining.chain import Frontier
from tests.strategies import concave_frontiers, discount

PIE = Frontier.from_pie(1.0)


# ------------------------------------------------------------------ closed forms on a pie
@given(d1=discount, d2=discount, size=st.floats(0.5, 100.0), proposer=st.sampled_from([0, 1]))
def test_pie_share_closed_form(d1, d2, size, proposer):
    """Rubinstein (1982): first proposer i gets (1 - delta_j) / (1 - delta_i delta_j)."""
    res = rubinstein(Frontier.from_pie(size), [0, 0], delta=[d1, d2], proposer=proposer)
    dl = (d1, d2)
    i, j = proposer, 1 - proposer
    expected = size * (1 - dl[j]) / (1 - dl[i] * dl[j])
    assert res.agreement and res.agreement_round == 1
    assert res.payoffs[i] == pytest.approx(expected, abs=1e-9 * size)
    assert res.payoffs[j] == pytest.approx(size - expected, abs=1e-9 * size)
    assert res.unique


def test_textbook_symmetric_number():
    # delta = 0.9 for both: 1 / (1 + delta) = 0.526315789...
    res = rubinstein(PIE, [0, 0], delta=[0.9, 0.9])
    assert res.payoffs[0] == pytest.approx(1 / 1.9, abs=1e-12)
    assert res.proposer_payoff == pytest.approx(1 / 1.9, abs=1e-12)
    assert res.responder_payoff == pytest.approx(0.9 / 1.9, abs=1e-12)


@given(
    d1=discount, d2=discount, p=st.floats(0.0, 0.9), dis1=st.floats(0, 0.3), dis2=st.floats(0, 0.3)
)
def test_breakdown_and_disagreement_closed_form(d1, d2, p, dis1, dis2):
    """BRW (1986): risk of breakdown p multiplies the discount; surplus over d is split."""
    res = rubinstein(PIE, [dis1, dis2], delta=[d1, d2], breakdown=p)
    e1, e2 = (1 - p) * d1, (1 - p) * d2
    surplus = 1 - dis1 - dis2
    expected = dis1 + surplus * (1 - e2) / (1 - e1 * e2)
    assert res.payoffs[0] == pytest.approx(expected, abs=1e-9)


def test_rates_and_period_give_exp_discount():
    a = rubinstein(PIE, [0, 0], rates=[0.10, 0.30], period_years=0.5)
    b = rubinstein(PIE, [0, 0], delta=[np.exp(-0.05), np.exp(-0.15)])
    assert a.payoffs[0] == pytest.approx(b.payoffs[0], abs=1e-12)
    assert a.delta == pytest.approx((np.exp(-0.05), np.exp(-0.15)))


# ------------------------------------------------------------------ outside-option principle
@pytest.mark.parametrize("o2", [0.0, 0.2, 0.40, 0.47, 0.48, 0.6, 0.9])
def test_outside_option_principle_pie(o2):
    """Binmore, Shaked & Sutton (1989); Osborne & Rubinstein (1990) section 3.12.

    Party 2 (responding to 1) gets max(o2, delta/(1+delta)): its outside option only
    matters if it beats what it gets in the game.
    """
    delta = 0.9
    res = rubinstein(PIE, [0, 0], delta=[delta, delta], outside=[None, o2])
    rub2 = delta / (1 + delta)  # 0.4736...
    assert res.payoffs[1] == pytest.approx(max(o2, rub2), abs=1e-9)
    assert res.outside_binding == (False, o2 > rub2)
    # when 2 proposes, 1 (no outside option) gets delta times its share as proposer
    assert res.offer_by_2[0] == pytest.approx(delta * (1 - max(o2, rub2)), abs=1e-9)


def test_outside_option_principle_asymmetric_and_both():
    d1, d2 = 0.8, 0.95
    base = rubinstein(PIE, [0, 0], delta=[d1, d2], proposer=1)
    # party 1's threshold as responder: delta1 * x1 in the game
    thr = d1 * base.offer_by_1[0]
    low = rubinstein(PIE, [0, 0], delta=[d1, d2], proposer=1, outside=[thr - 0.01, None])
    assert low.payoffs == pytest.approx(base.payoffs, abs=1e-12)
    high = rubinstein(PIE, [0, 0], delta=[d1, d2], proposer=1, outside=[thr + 0.05, None])
    assert high.payoffs[0] == pytest.approx(thr + 0.05, abs=1e-9)
    assert high.outside_binding == (True, False)
    # both outside options binding: each proposer gives exactly the other's option
    both = rubinstein(PIE, [0, 0], delta=[0.5, 0.5], outside=[0.45, 0.45])
    assert both.offer_by_1 == pytest.approx((0.55, 0.45), abs=1e-9)
    assert both.offer_by_2 == pytest.approx((0.45, 0.55), abs=1e-9)


def test_no_agreement_when_outside_options_exceed_the_pie():
    res = rubinstein(PIE, [0, 0], delta=[0.9, 0.9], outside=[0.6, 0.5])
    assert not res.agreement and res.payoffs is None and res.agreement_round is None
    assert "No agreement" in res.reason
    json.dumps(res.to_dict())


def test_no_agreement_when_disagreement_beats_frontier():
    res = rubinstein(PIE, [0.7, 0.4], delta=[0.9, 0.9])
    assert not res.agreement


# ------------------------------------------------------------------ Nash limit (BRW 1986)
def _nash_brute(points, d, w, n=400_001):
    f = Frontier(points)
    u1 = np.linspace(d[0], f.max_u1, n)
    u2 = f.u2_of_u1(u1)
    ok = u2 > d[1]
    val = np.full(n, -np.inf)
    val[ok] = w[0] * np.log(u1[ok] - d[0] + 1e-300) + w[1] * np.log(u2[ok] - d[1])
    k = int(np.argmax(val))
    return np.array([u1[k], u2[k]])


@pytest.mark.parametrize(
    ("rates", "d"),
    [((0.05, 0.20), (0.0, 0.0)), ((0.3, 0.1), (1.0, 2.0)), ((0.1, 0.1), (0.5, 0.0))],
)
def test_limit_is_asymmetric_nash_on_polygon(rates, d):
    """As the time between offers shrinks the SPE tends to the Nash solution with
    weights (r2, r1) / (r1 + r2) (Binmore, Rubinstein & Wolinsky 1986)."""
    pts = np.array([[0.0, 10.0], [3.0, 9.0], [6.0, 6.5], [8.0, 3.0], [9.0, 0.0]])
    r1, r2 = rates
    w = (r2 / (r1 + r2), r1 / (r1 + r2))
    target = _nash_brute(pts, d, w)
    errs = []
    for dt in (1e-2, 1e-4, 1e-6):
        res = rubinstein(Frontier(pts), d, rates=rates, period_years=dt)
        errs.append(np.max(np.abs(np.array(res.payoffs) - target)))
    assert errs[-1] < 2e-4  # brute-force grid: 2.3e-5 in u1, slope <= 3.5
    assert errs[-1] <= errs[0]


@given(
    r1=st.floats(0.01, 5.0),
    r2=st.floats(0.01, 5.0),
    h=st.sampled_from([1e-3, 1e-6, 1e-9, 1e-12, 1e-15, 1e-100]),
    p=st.sampled_from([0.0, 1e-9, 0.01]),
)
def test_short_periods_keep_full_precision(r1, r2, h, p):
    """Issue 14: with delta_i = exp(-r_i h), 1 - delta1 delta2 cancels as h -> 0.  Oracle:
    Rubinstein's share (1 - e2) / (1 - e1 e2) with e_i = (1 - p) exp(-r_i h) in expm1 form,
    and its limit r2 / (r1 + r2) (Binmore, Rubinstein & Wolinsky 1986)."""
    res = rubinstein(PIE, [0, 0], rates=[r1, r2], period_years=h, breakdown=p)
    eps1, eps2 = (-math.expm1(math.log1p(-p) - r * h) for r in (r1, r2))  # 1 - e_i
    share = eps2 / (eps1 + eps2 - eps1 * eps2)
    assert res.unique
    assert res.payoffs[0] == pytest.approx(share, abs=1e-12)
    if p == 0 and h <= 1e-12:
        assert res.payoffs[0] == pytest.approx(r2 / (r1 + r2), abs=1e-10)


def test_issue_14_example_period_of_1e_12_years():
    res = rubinstein(PIE, [0, 0], rates=[1.0, 2.0], period_years=1e-12)
    assert res.payoffs[0] == pytest.approx(2 / 3, abs=1e-11)


def test_short_period_on_polygon_converges_to_nash_and_vertices():
    """Tiny periods on a polygon: the SPE is the weighted Nash point (on an edge, or at a
    vertex when the weights' supporting line turns there), computed exactly, not noise."""
    pts = np.array([[0.0, 10.0], [3.0, 9.0], [6.0, 6.5], [8.0, 3.0], [9.0, 0.0]])
    for rates in ((0.05, 0.20), (0.3, 0.1), (0.1, 0.1), (1.0, 1.3)):
        r1, r2 = rates
        target = _nash_brute(pts, (0.0, 0.0), (r2 / (r1 + r2), r1 / (r1 + r2)))
        res = rubinstein(Frontier(pts), [0, 0], rates=rates, period_years=1e-13)
        assert res.unique
        assert np.max(np.abs(np.array(res.payoffs) - target)) < 2e-4  # brute-force grid


# ------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(
    d1=discount,
    d2=discount,
    p=st.floats(0, 0.5),
    proposer=st.sampled_from([0, 1]),
    o=st.tuples(st.none() | st.floats(0, 1), st.none() | st.floats(0, 1)),
)
def test_shares_in_unit_interval_on_pie(d1, d2, p, proposer, o):
    res = rubinstein(PIE, [0, 0], delta=[d1, d2], breakdown=p, proposer=proposer, outside=o)
    if res.agreement:
        assert 0 <= res.payoffs[0] <= 1 and 0 <= res.payoffs[1] <= 1
        assert res.payoffs[0] + res.payoffs[1] == pytest.approx(1.0, abs=1e-12)


@settings(max_examples=60, deadline=None)
@given(
    pts=concave_frontiers(),
    d1=discount,
    d2=discount,
    bump=st.floats(0.0, 0.9),
    proposer=st.sampled_from([0, 1]),
)
def test_more_patient_party_never_gets_less(pts, d1, d2, bump, proposer):
    f = Frontier(pts)
    d = pts.min(axis=0)
    a = rubinstein(f, d, delta=[d1, d2], proposer=proposer)
    d1b = d1 + bump * (1 - d1)
    b = rubinstein(f, d, delta=[d1b, d2], proposer=proposer)
    scale = 1 + np.abs(pts).max()
    assert b.payoffs[0] >= a.payoffs[0] - 1e-9 * scale
    assert b.payoffs[1] <= a.payoffs[1] + 1e-9 * scale


@settings(max_examples=40, deadline=None)
@given(pts=concave_frontiers(), d1=discount, d2=discount, p=st.floats(0, 0.5))
def test_equilibrium_conditions_hold_on_concave_frontier(pts, d1, d2, p):
    """Independent check of the indifference conditions (Osborne & Rubinstein Prop. 3.3)."""
    f = Frontier(pts)
    d = pts.min(axis=0)
    res = rubinstein(f, d, delta=[d1, d2], breakdown=p)
    x, y = np.array(res.offer_by_1), np.array(res.offer_by_2)
    e = (1 - p) * np.array([d1, d2])
    scale = 1 + np.abs(pts).max()
    assert x[1] == pytest.approx(d[1] + e[1] * (y[1] - d[1]), abs=1e-9 * scale)
    assert y[0] == pytest.approx(d[0] + e[0] * (x[0] - d[0]), abs=1e-9 * scale)
    assert f.u2_of_u1(x[0]) == pytest.approx(x[1], abs=1e-9 * scale)
    assert res.unique  # concave frontier: unique SPE


def test_nonconcave_frontier_reports_all_stationary_equilibria():
    pts = np.array([[0, 10], [1, 9.9], [2, 2.0], [9, 1.9], [10, 0]], dtype=float)
    res = rubinstein(Frontier(pts), [0, 0], delta=[0.6, 0.6])
    assert len(res.equilibria) >= 2 and not res.unique  # kinked non-concave frontier
    for x, y in res.equilibria:
        assert x[1] == pytest.approx(0.6 * y[1], abs=1e-9)
        assert y[0] == pytest.approx(0.6 * x[0], abs=1e-9)


def test_tags_map_agreement_back_to_outcomes():
    pts = np.array([[0, 4], [2, 3], [4, 0]], dtype=float)
    res = rubinstein(Frontier(pts, tags=[10, 11, 12]), [0, 0], delta=[0.99, 0.99])
    k = res.segment
    point = (1 - res.weight) * pts[k] + res.weight * pts[k + 1]
    assert point == pytest.approx(np.array(res.payoffs), abs=1e-12)
    assert res.tags == (10 + k, 11 + k)


# ------------------------------------------------------------------ errors and wiring
@pytest.mark.parametrize(
    "kwargs",
    [
        {"delta": [1.2, 0.9]},
        {"delta": [0.0, 0.9]},
        {"delta": [0.9, 0.9], "rates": [0.1, 0.1], "period_years": 1},
        {},
        {"rates": [0.1, 0.1]},
        {"delta": [0.9, 0.9], "breakdown": 1.0},
        {"delta": [0.9, 0.9], "proposer": 2},
    ],
)
def test_bad_parameters_raise_clear_value_error(kwargs):
    with pytest.raises(ValueError, match=r"\w+"):
        rubinstein(PIE, [0, 0], **kwargs)


def test_keyword_options_validation_and_serialisation():
    res = rubinstein(PIE, [0, 0], rates=(0.1, 0.2), period_years=0.25, proposer=1, breakdown=0.05)
    assert res.proposer == 1
    assert res.delta == pytest.approx((math.exp(-0.025), math.exp(-0.05)))
    with pytest.raises(ValueError):
        rubinstein(PIE, [0, 0], delta=(1.5, 0.9))
    with pytest.raises(TypeError):
        rubinstein(PIE, [0, 0], delta=(0.9, 0.9), unknown=1)
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert list(res.to_frame()["proposer"]) == [0, 1]


def test_no_cost_of_delay_gives_a_continuum():
    res = rubinstein(PIE, [0, 0], delta=[1.0, 1.0])
    assert not res.unique and len(res.equilibria) == 2 and "continuum" in res.reason
    ends = sorted(e[0][0] for e in res.equilibria)
    assert ends == pytest.approx([0.0, 1.0], abs=1e-12)


@pytest.mark.parametrize(("r1", "r2", "lam"), [(2.0, 4.0, 0.0), (2.0, 4.0, 5.0), (0.0, 1.0, 3.0)])
def test_nash_weights_limit_with_breakdown_hazard(r1, r2, lam):
    # oracle: the Rubinstein closed form (1 - e2) / (1 - e1 e2) with per-offer factors
    # e_i = exp(-(r_i + lam) h) (discounting times survival of the talks), h -> 0
    from sim.bargaining.alternating import nash_weights_limit

    h = 1e-7
    e1, e2 = (math.exp(-(r + lam) * h) for r in (r1, r2))
    w1, w2 = nash_weights_limit((r1, r2), hazard=lam)
    assert abs(w1 - (1 - e2) / (1 - e1 * e2)) < 1e-6
    assert abs(w1 + w2 - 1) < 1e-12
    with pytest.raises(ValueError):
        nash_weights_limit((r1, r2), hazard=-1.0)
