"""Tests for sim.bargaining.finite_horizon: Ståhl's closed form, limit to Rubinstein, calendar."""

from __future__ import annotations

import datetime as dt
import json

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.bargaining.alternating import rubinstein
from sim.bargaining.chain import Frontier
from sim.bargaining.finite_horizon import deadline
from tests.strategies import concave_frontiers, discount

PIE = Frontier.from_pie(1.0)
CALENDAR = ["2025-04-16", "2025-05-01", "2025-05-23", "2025-05-30", "2025-06-16", "2025-07-09"]


def stahl_share(d1, d2, T):
    """Ståhl (1972): first proposer's share of a unit pie with T alternating rounds."""
    n, odd = divmod(T, 2)
    base = (1 - d2) * (1 - (d1 * d2) ** n) / (1 - d1 * d2)
    return base + (d1 * d2) ** n if odd else base


@given(d1=discount, d2=discount, T=st.integers(1, 40), p=st.floats(0, 0.5))
def test_stahl_closed_form(d1, d2, T, p):
    res = deadline(PIE, T, d_before=[0, 0], delta=[d1, d2], breakdown=p)
    x = stahl_share((1 - p) * d1, (1 - p) * d2, T)
    assert res.agreement_round == 1
    assert res.payoffs[0] == pytest.approx(x, abs=1e-9)
    assert res.payoffs[1] == pytest.approx(1 - x, abs=1e-9)
    assert res.offers[0] == pytest.approx([x, 1 - x], abs=1e-9)


def test_second_proposer_first():
    res = deadline(PIE, 3, d_before=[0, 0], delta=[0.5, 0.8], first_proposer=1)
    assert res.payoffs[1] == pytest.approx(stahl_share(0.8, 0.5, 3), abs=1e-12)
    assert res.proposers == (1, 0, 1)


@settings(max_examples=50, deadline=None)
@given(d1=discount, d2=discount, T=st.integers(1, 60), proposer=st.sampled_from([0, 1]))
def test_longer_horizon_converges_to_rubinstein(d1, d2, T, proposer):
    inf = rubinstein(PIE, [0, 0], delta=[d1, d2], proposer=proposer).payoffs
    a = deadline(PIE, T, d_before=[0, 0], delta=[d1, d2], first_proposer=proposer).payoffs
    b = deadline(PIE, T + 2, d_before=[0, 0], delta=[d1, d2], first_proposer=proposer).payoffs
    err_a, err_b = abs(a[0] - inf[0]), abs(b[0] - inf[0])
    assert err_b <= err_a + 1e-12
    assert err_a <= (d1 * d2) ** (T // 2) + 1e-12


@settings(max_examples=25, deadline=None)
@given(pts=concave_frontiers(), d1=st.floats(0.05, 0.9), d2=st.floats(0.05, 0.9))
def test_long_horizon_matches_rubinstein_on_general_frontier(pts, d1, d2):
    f = Frontier(pts)
    d = pts.min(axis=0)
    inf = rubinstein(f, d, delta=[d1, d2])
    fin = deadline(f, 400, d_before=d, delta=[d1, d2])
    scale = 1 + np.abs(pts).max()
    assert fin.payoffs == pytest.approx(inf.payoffs, abs=1e-9 * scale)


def test_dated_rounds_use_calendar_discounting():
    # two rounds 73.05 days apart (0.2 years), party 2 proposes last and takes everything
    r = [0.3, 0.7]
    res = deadline(PIE, ["2025-01-01", dt.date(2025, 3, 15)], d_before=[0, 0], rates=r)
    gap = (dt.date(2025, 3, 15) - dt.date(2025, 1, 1)).days / 365.25
    assert res.payoffs[0] == pytest.approx(1 - np.exp(-0.7 * gap), abs=1e-12)
    assert res.agreement_date == "2025-01-01"


def test_disagreement_value_moves_to_post_deadline_value():
    db, da, r = np.array([3.0, 2.0]), np.array([1.0, 2.5]), np.array([0.5, 0.2])
    res = deadline(Frontier.from_pie(10), CALENDAR, d_before=db, d_after=da, rates=r)
    years = np.array([(dt.date.fromisoformat(x) - dt.date(2025, 4, 16)).days for x in CALENDAR])
    left = (years[-1] - years) / 365.25
    expect = da + (db - da) * (1 - np.exp(-np.outer(left, r)))
    assert res.disagreement == pytest.approx(expect, abs=1e-12)
    # in the deadline round the responder (party 2 here: round 6 is proposed by 2, so
    # party 1 responds) gets exactly its post-deadline disagreement value
    assert res.proposers[-1] == 1
    assert res.offers[-1, 0] == pytest.approx(da[0], abs=1e-12)
    # deadline effect: party 1's disagreement value falls, and so do the offers it gets
    eff = res.deadline_effect
    assert eff["disagreement_shift"][0] < 0
    assert eff["party_2_offer_shift"][0] < 0 and eff["party_1_offer_shift"][0] < 0
    assert res.agreement_round == 1 and res.p_no_deal == 0.0


def test_deadline_as_date_or_index_with_round_delta():
    a = deadline(
        PIE, CALENDAR, d_before=[0.5, 0], d_after=[0, 0], delta=[0.9, 0.9], deadline_at="2025-06-01"
    )
    b = deadline(PIE, CALENDAR, d_before=[0.5, 0], d_after=[0, 0], delta=[0.9, 0.9], deadline_at=4)
    assert a.deadline_time == 4.0 and a.payoffs == pytest.approx(b.payoffs, abs=1e-15)
    # hand computation of party 1's never-agree value in round 1: 0.5 * (1 - 0.9**4)
    assert a.disagreement[0, 0] == pytest.approx(0.5 * (1 - 0.9**4), abs=1e-12)


def test_delay_when_early_frontier_is_too_small_and_deal_probability():
    p = 0.2
    fr = [Frontier.from_pie(0.1), Frontier.from_pie(1.0), Frontier.from_pie(1.0)]
    res = deadline(fr, 3, d_before=[0, 0], delta=[0.9, 0.9], breakdown=p)
    # round 2 (party 2 proposes, 2 rounds left): the Ståhl split with e = (1 - p) delta
    e = (1 - p) * 0.9
    v2 = np.array([e, 1 - e])  # round 2 offer by party 2 (Ståhl, T=2)
    assert res.agreement_round == 2
    assert res.offers[1] == pytest.approx(v2, abs=1e-12)
    assert np.isnan(res.offers[0]).all() and not res.accepts[0]
    assert res.p_deal_by == pytest.approx([0.0, 1 - p, 1 - p], abs=1e-15)
    assert res.p_no_deal == pytest.approx(p)
    assert res.payoffs == pytest.approx(tuple(e * v2), abs=1e-12)


def test_no_agreement_when_nothing_beats_disagreement():
    res = deadline(PIE, CALENDAR, d_before=[0.6, 0.6], delta=[0.9, 0.9])
    assert not res.agreement and res.agreement_round is None and res.agreement_date is None
    assert res.p_deal_by.tolist() == [0.0] * 6 and res.p_no_deal == 1.0
    assert "No agreement" in res.reason


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((3,), {"delta": [1.1, 0.9]}),
        ((3,), {"delta": [0.9, 0.9], "rates": [0.1, 0.1]}),
        ((3,), {"rates": [0.1, 0.1]}),
        ((["2025-05-01", "2025-04-01"],), {"delta": [0.9, 0.9]}),
        ((["2025-13-01"],), {"delta": [0.9, 0.9]}),
        ((3,), {"delta": [0.9, 0.9], "breakdown": 1.0}),
        ((3,), {"delta": [0.9, 0.9], "proposers": [0, 1]}),
        ((0,), {"delta": [0.9, 0.9]}),
    ],
)
def test_bad_parameters(args, kwargs):
    with pytest.raises(ValueError, match=r"\w+"):
        deadline(PIE, *args, d_before=[0, 0], **kwargs)


def test_keyword_options_and_serialisation():
    opts = {"rates": (0.4, 0.1), "breakdown": 0.02, "deadline_at": dt.date(2025, 7, 9)}
    res = deadline(PIE, CALENDAR, d_before=[0.1, 0.2], d_after=[0.0, 0.25], **opts)
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d
    assert len(d["offer_path"]) == 6 and d["offer_path"][0]["date"] == "2025-04-16"
    frame = res.to_frame()
    assert list(frame["round"]) == [1, 2, 3, 4, 5, 6]
    with pytest.raises(ValueError):
        deadline(PIE, CALENDAR, d_before=[0.1, 0.2], **{**opts, "breakdown": 1.5})
