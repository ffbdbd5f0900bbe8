"""Tests for sim.bargaining.ratification: win-sets, empty intersections, Schelling's tied hands."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from sim.bargaining.ratification import nash_over_candidates, tied_hands, two_level
from tests.strategies import pie_utilities

N = 20
GRID = np.column_stack([np.arange(N + 1) / N, 1 - np.arange(N + 1) / N])  # pie on k / 20


# ------------------------------------------------------------------ closed forms on a pie
@pytest.mark.parametrize("w1", [0.5, 0.3, 0.75])
def test_pie_nash_split_follows_weights(w1):
    """Asymmetric Nash on a pie with d = 0: party 1 gets its weight w1."""
    res = two_level(GRID, [0, 0], weights=(w1, 1 - w1))
    assert res.payoffs == pytest.approx((w1, 1 - w1), abs=1e-12)
    assert res.agreement and not res.empty


@pytest.mark.parametrize(
    ("t1", "t2", "expected"),
    [
        (0.6, None, (0.6, 0.4)),  # party 1's hands tied above its Nash share: deal moves to it
        (0.4, None, (0.5, 0.5)),  # threshold below the Nash share: nothing changes
        (None, 0.65, (0.35, 0.65)),
        (0.6, 0.35, (0.6, 0.4)),
    ],
)
def test_pie_thresholds_closed_form(t1, t2, expected):
    """On a pie: u1 = clip(w1, t1, 1 - t2) (Nash product is single-peaked in u1)."""
    res = two_level(GRID, [0, 0], min_payoff=[t1, t2])
    assert res.payoffs == pytest.approx(expected, abs=1e-12)


def test_pie_incompatible_thresholds_empty():
    res = two_level(GRID, [0, 0], min_payoff=[0.6, 0.5])
    assert res.empty and not res.agreement and res.payoffs is None
    assert "do not intersect" in res.reason
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d and d["intersection"] == []


def test_masks_as_issue_constraints():
    # outcomes 0..20; Japan (party 1) can only ratify outcomes 12..20 (e.g. no car tariff)
    japan = np.arange(N + 1) >= 12
    res = two_level(GRID, [0, 0], acceptable=[japan, None])
    assert res.deal_index == 12 and res.payoffs == pytest.approx((0.6, 0.4))
    assert res.to_dict()["win_sets"][0] == list(range(12, 21))


def test_zone_excludes_outcomes_below_disagreement():
    res = two_level(GRID, [0.3, 0.3], min_payoff=[None, None])
    assert res.zone.sum() == (np.abs(GRID - 0.5).max(axis=1) <= 0.2 + 1e-12).sum()
    none = two_level(GRID, [0.6, 0.6])
    assert not none.empty and not none.agreement and "disagreement" in none.reason


def test_custom_solver_is_called_on_the_zone():
    seen = {}

    def solver(u, mask, d, w):
        seen["mask"] = mask.copy()
        k = int(np.flatnonzero(mask)[-1])
        return u[k], k

    res = two_level(GRID, [0, 0], min_payoff=[None, 0.7], solver=solver)
    assert seen["mask"].sum() == 7 and res.deal_index == 6  # u2 >= 0.7 -> indices 0..6


# ------------------------------------------------------------------ properties
@settings(max_examples=60, deadline=None)
@given(u=pie_utilities(), data=st.data())
def test_empty_intersection_means_no_agreement(u, data):
    n = u.shape[0]
    a = data.draw(hnp.arrays(bool, n))
    b = data.draw(hnp.arrays(bool, n)) & ~a  # disjoint win-sets
    res = two_level(u, [0, 0], acceptable=[a, b])
    assert res.empty and not res.agreement and res.payoffs is None


utils = hnp.arrays(
    float,
    st.tuples(st.integers(2, 40), st.just(2)),
    elements=st.floats(-5, 10, allow_nan=False, allow_infinity=False),
)


@settings(max_examples=80, deadline=None)
@given(u=utils, party=st.sampled_from([0, 1]), w1=st.floats(0.1, 0.9), data=st.data())
def test_schelling_tied_hands_never_lower_own_payoff(u, party, w1, data):
    """Raising a side's ratification threshold never lowers its payoff while a deal exists."""
    mask = data.draw(hnp.arrays(bool, u.shape[0]))
    res = tied_hands(
        u, [0, 0], party=party, steps=15, weights=(w1, 1 - w1), acceptable=[mask, None]
    )
    own = res.payoffs[res.agreement, party]
    assert np.all(np.diff(own) >= -1e-12)
    # once the win-set is too small for a deal, no larger threshold brings one back
    if (~res.agreement).any():
        first_fail = int(np.argmax(~res.agreement))
        assert not res.agreement[first_fail:].any()


@settings(max_examples=40, deadline=None)
@given(u=utils, w1=st.floats(0.1, 0.9))
def test_nash_over_candidates_matches_brute_force(u, w1):
    d = np.zeros(2)
    sol = nash_over_candidates(u, np.ones(len(u), bool), d, (w1, 1 - w1))
    pos = np.all(u > 0, axis=1)
    if pos.any():
        prods = np.where(pos, np.prod(np.abs(u) ** [w1, 1 - w1], axis=1), -1)
        assert np.prod(sol[0] ** [w1, 1 - w1]) == pytest.approx(prods.max(), rel=1e-12)


def test_tied_hands_frame_and_options():
    res = tied_hands(GRID, [0, 0], party=0, thresholds=[0.0, 0.5, 0.6, 0.9, 1.0, 1.01])
    assert res.payoffs[:, 0][:5] == pytest.approx([0.5, 0.5, 0.6, 0.9, 1.0])
    assert res.agreement.tolist() == [True] * 5 + [False]
    frame = res.to_frame()
    assert list(frame.columns) == ["threshold", "agreement", "u1", "u2", "deal_index"]
    json.dumps(res.to_dict())
    with pytest.raises(ValueError, match="positive"):
        two_level(GRID, [0, 0], weights=(0, 1))


def test_bad_inputs():
    with pytest.raises(ValueError, match="one entry per outcome"):
        two_level(GRID, [0, 0], acceptable=[np.ones(3, bool), None])
    with pytest.raises(ValueError, match=r"shape \(n, 2\)"):
        two_level(np.ones(5), [0, 0])
