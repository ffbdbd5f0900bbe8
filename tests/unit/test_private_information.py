"""Tests for sim.bargaining.screening against monopoly-pricing and Coasian closed forms."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.bargaining.chain import Frontier
from sim.bargaining.screening import (
    DiscretePrior,
    UniformPrior,
    screening,
    take_it_or_leave_it,
)

PIE = Frontier.from_pie(1.0)


# ------------------------------------------------------------------ take it or leave it
@given(
    S=st.floats(0.5, 20),
    a=st.floats(0, 1),
    w=st.floats(0.05, 1),
    d=st.floats(0, 0.2),
    proposer=st.sampled_from([0, 1]),
)
def test_tioli_uniform_monopoly_pricing(S, a, w, d, proposer):
    """x* = clip((S - d + a) / 2, a, b); acceptance (x* - a) / (b - a) (monopoly pricing)."""
    a, b = a * S * 0.8, a * S * 0.8 + w * S * 0.5
    res = take_it_or_leave_it(
        Frontier.from_pie(S), UniformPrior(low=a, high=b), proposer=proposer, d_proposer=d * S
    )
    x = min(max((S - d * S + a) / 2, a), b)
    P = (x - a) / (b - a)
    if P * (S - x - d * S) <= 0:
        assert not res.deal
        return
    # Documented tie rule: offers whose gains lie within 1e-12 (relative) of the best are
    # ties, and the one accepted more often wins.  Near the clip point b the gain is flat
    # (quadratic), so the full-acceptance offer b can tie with the interior optimum.
    gain_x, gain_b = P * (S - x - d * S), S - b - d * S
    if x < b and gain_b >= gain_x - 1e-12 * (1 + abs(gain_x)):
        x, P = b, 1.0
    assert res.offer_to_responder == pytest.approx(x, abs=1e-9 * S)
    # offers within 1e-9 S of a support end are snapped to it: P moves by 1e-9 S / (b - a)
    assert res.acceptance_probability == pytest.approx(P, abs=1e-9 + 1e-9 * S / (b - a))
    assert res.expected_payoffs[proposer] == pytest.approx(
        d * S + P * (S - x - d * S), abs=1e-9 * S
    )
    # responder: x when it accepts, its reservation theta otherwise
    resp = P * x + (b * b - x * x) / 2 / (b - a)
    assert res.expected_payoffs[1 - proposer] == pytest.approx(resp, abs=1e-9 * S)


def test_tioli_uniform_on_polygon_matches_brute_force():
    pts = np.array([[0.0, 10.0], [3.0, 9.0], [6.0, 6.5], [8.0, 3.0], [9.0, 0.0]])
    f = Frontier(pts)
    prior = UniformPrior(low=2.0, high=9.5)  # party 2 responds; its reservation value
    res = take_it_or_leave_it(f, prior, proposer=0, d_proposer=1.0)
    x = np.linspace(0, 10, 2_000_001)
    gain = np.clip((x - 2.0) / 7.5, 0, 1) * (f.u1_of_u2(x) - 1.0)
    k = np.argmax(np.where(np.isfinite(gain), gain, -np.inf))
    assert res.offer_to_responder == pytest.approx(x[k], abs=1e-5)
    assert res.expected_payoffs[0] == pytest.approx(1.0 + gain[k], abs=1e-9)


@given(p=st.floats(0.0, 1.0), tl=st.floats(0, 0.4), th=st.floats(0.45, 0.95))
def test_tioli_two_types_closed_form(p, tl, th):
    """Offer the hawk's value iff S - theta_H >= (1 - p)(S - theta_L), else the keen one's."""
    prior = DiscretePrior(values=(tl, th), probs=(1 - p, p), labels=("keen", "hawkish"))
    res = take_it_or_leave_it(PIE, prior, proposer=0)
    all_in, keen_only = 1 - th, (1 - p) * (1 - tl)
    if all_in >= keen_only - 1e-12:
        assert res.offer_to_responder == pytest.approx(th)
        assert res.acceptance_probability == pytest.approx(1.0)
        assert res.accepting_types == ("keen", "hawkish")
    else:
        assert res.offer_to_responder == pytest.approx(tl)
        assert res.acceptance_probability == pytest.approx(1 - p)
        assert res.accepting_types == ("keen",)
    assert res.expected_payoffs[0] == pytest.approx(max(all_in, keen_only), abs=1e-12)


def test_tioli_no_type_can_be_satisfied():
    res = take_it_or_leave_it(PIE, UniformPrior(low=1.5, high=2.0))
    assert not res.deal and res.acceptance_probability == 0.0
    json.dumps(res.to_dict())


# ------------------------------------------------------------------ two-period screening
@given(delta=st.floats(0.0, 1.0))
def test_screening_uniform_fudenberg_tirole(delta):
    """Values U[0, 1], equal discounting: kappa = (2 - d)/(4 - 3d), p1 = (2 - d)^2/(2(4 - 3d))."""
    res = screening(PIE, UniformPrior(low=0.0, high=1.0), delta=(delta, delta))
    kappa = (2 - delta) / (4 - 3 * delta)
    p1 = (2 - delta) ** 2 / (2 * (4 - 3 * delta))
    # responder's reservation theta = 1 - v; proposer's gain = price
    assert 1 - res.offers_to_responder[0] == pytest.approx(p1, abs=1e-9)
    assert 1 - res.offers_to_responder[1] == pytest.approx(kappa / 2, abs=1e-9)
    assert res.cutoff == pytest.approx(1 - kappa, abs=1e-9)
    assert res.accept_early == pytest.approx(1 - kappa, abs=1e-9)
    assert res.accept_late == pytest.approx(kappa / 2, abs=1e-9)
    assert res.proposer_value == pytest.approx((2 - delta) ** 2 / (4 * (4 - 3 * delta)), abs=1e-9)


def _brute_uniform(lv, hv, ds, db, n=200_001):
    """Grid search over the first-period cutoff k; the second offer is the monopoly price
    against the remaining values U[lv, k] (clip(k / 2, lv, k)), the first makes type k
    indifferent between accepting now and waiting (skimming)."""
    k = np.linspace(max(lv, 0), hv, n)
    p2 = np.clip(k / 2, max(lv, 0), k)
    p1 = k - db * (k - p2)
    return np.max((p1 * (hv - k) + ds * p2 * (k - p2)) / (hv - lv))


@settings(max_examples=25, deadline=None)
@given(lo=st.floats(0.0, 0.6), w=st.floats(0.1, 0.4), ds=st.floats(0, 1), db=st.floats(0, 1))
def test_screening_uniform_general_interval_brute_force(lo, w, ds, db):
    prior = UniformPrior(low=lo, high=min(lo + w, 1.0))
    res = screening(PIE, prior, delta=(ds, db))
    brute = _brute_uniform(1 - prior.high, 1 - prior.low, ds, db)
    assert res.proposer_value >= brute - 1e-9
    assert res.proposer_value <= brute + 1e-8
    assert res.accept_early + res.accept_late + res.never == pytest.approx(1.0)


@given(
    q=st.floats(0.01, 0.99), tl=st.floats(0, 0.4), th=st.floats(0.45, 0.95), delta=st.floats(0, 1)
)
def test_screening_two_types_limits(q, tl, th, delta):
    """One-shot limit (no patience) and a myopic responder (perfect skimming)."""
    prior = DiscretePrior(values=(tl, th), probs=(q, 1 - q))
    vH, vL = 1 - tl, 1 - th
    one_shot = screening(PIE, prior, delta=(0.0, 0.0))
    assert one_shot.proposer_value == pytest.approx(max(vL, q * vH), abs=1e-12)
    myopic = screening(PIE, prior, delta=(delta, 0.0))
    assert myopic.proposer_value == pytest.approx(max(vL, q * vH + (1 - q) * delta * vL), abs=1e-12)


def test_screening_two_types_exclusion_with_mixing():
    """High q: the proposer asks v_H twice; the keen type mixes so the posterior is v_L/v_H."""
    q, ds, db = 0.9, 0.9, 0.9
    prior = DiscretePrior(values=(0.0, 0.8), probs=(q, 1 - q), labels=("keen", "hawkish"))
    res = screening(PIE, prior, delta=(ds, db))
    vH, vL = 1.0, 0.2
    assert res.regime == "exclude"
    # posterior that the remaining responder is keen equals v_L / v_H (seller indifferent)
    posterior = res.accept_late / (res.accept_late + (1 - q))
    assert posterior == pytest.approx(vL / vH, abs=1e-12)
    assert res.proposer_value == pytest.approx(
        q * vH * res.mix + ds * q * (1 - res.mix) * vH, abs=1e-12
    )
    # no better pure plan: pooling or screening
    assert res.proposer_value >= vL
    assert res.proposer_value >= q * ((1 - db) * vH + db * vL) + (1 - q) * ds * vL
    assert res.early_types == ("keen",) and res.never == pytest.approx(1 - q)


def test_screening_two_types_screen_regime():
    prior = DiscretePrior(values=(0.1, 0.5), probs=(0.5, 0.5), labels=("keen", "hawkish"))
    res = screening(PIE, prior, delta=(0.9, 0.3))
    vH, vL = 0.9, 0.5
    p1 = 0.7 * vH + 0.3 * vL
    assert res.regime == "screen"
    assert res.offers_to_responder == pytest.approx((1 - p1, 1 - vL))
    assert res.proposer_value == pytest.approx(0.5 * p1 + 0.5 * 0.9 * vL)
    assert res.early_types == ("keen",) and res.late_types == ("hawkish",)
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d


# ------------------------------------------------------------------ errors
def test_prior_not_summing_to_one_is_a_clear_error():
    with pytest.raises(ValueError, match=r"sum to 0\.9, not 1"):
        DiscretePrior(values=(0.1, 0.5), probs=(0.5, 0.4))
    with pytest.raises(ValueError, match="sum to"):
        take_it_or_leave_it(PIE, {"values": [0.1, 0.5], "probs": [0.7, 0.7]})
    with pytest.raises(ValueError, match="low < high"):
        UniformPrior(low=1.0, high=1.0)
    with pytest.raises(ValueError, match="linear frontier"):
        screening(Frontier([[0, 2], [1, 1.5], [2, 0]]), UniformPrior(low=0, high=1))
    with pytest.raises(ValueError, match=r"sum to 0\.5"):
        take_it_or_leave_it(PIE, {"kind": "discrete", "values": [1], "probs": [0.5]})
    res = take_it_or_leave_it(PIE, {"kind": "uniform", "low": 0, "high": 1})
    assert res.offer_to_responder == pytest.approx(0.5)  # a dict describes a uniform prior


# ------------------------------------------------------------------ finite answers (issue 16)
def test_screening_offer_at_the_segment_end_stays_finite():
    """A type whose reservation payoff is the segment's end is offered exactly that end.

    Recovering the offer from the proposer's price rounds it a few ulps past the end; the
    frontier has no point there (-inf), which once made results.json unwritable.  Seeded
    segments include such cases (before the fix some of them gave -inf)."""
    rng = np.random.default_rng(16)
    for _ in range(300):
        a = rng.uniform(-10, 10, 2)
        b = a + rng.uniform(0.1, 10, 2) * np.array([1.0, -1.0])
        seg = Frontier([a, b])
        # responder is party 1 (proposer 2): types at the segment's far end and inside it
        prior = DiscretePrior(values=(float(b[0]), float(0.5 * (a[0] + b[0]))), probs=(0.5, 0.5))
        res = screening(seg, prior, proposer=1, d_proposer=float(b[1]) - 20.0, delta=(0.9, 0.9))
        assert np.all(np.isfinite(res.offers)), (a, b)
        assert all(a[0] <= x <= b[0] for x in res.offers_to_responder)
        json.dumps(res.to_dict(), allow_nan=False)


def test_screening_offer_beyond_the_segment_is_an_error():
    """Types needing more than the segment can give: a clear error, never an infinite point."""
    prior = DiscretePrior(values=(0.5, 1.5), probs=(0.5, 0.5))  # the pie gives at most 1
    with pytest.raises(ValueError, match="outside the frontier segment"):
        screening(PIE, prior, proposer=0, d_proposer=-5.0, delta=(0.9, 0.9))


def test_tioli_near_tie_at_the_support_end_prefers_full_acceptance():
    """S=1, uniform types on [0, 0.5], d=1e-6: the interior optimum 0.4999995 gains only
    5e-13 more than offering 0.5, which every type accepts: a tie, won by acceptance."""
    res = take_it_or_leave_it(
        Frontier.from_pie(1.0), UniformPrior(low=0.0, high=0.5), proposer=0, d_proposer=1e-6
    )
    assert res.offer_to_responder == 0.5 and res.acceptance_probability == 1.0
    interior = 0.4999995 * (1 - 0.4999995 - 1e-6) / 0.5
    assert res.expected_payoffs[0] - 1e-6 == pytest.approx(interior, abs=1e-12)
