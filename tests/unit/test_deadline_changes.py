"""The deadline model's no-deal value changes at each dated change, not at the deadline:
hand computations (present value of a step in the no-deal flow, exp(-r t))."""

from __future__ import annotations

import datetime as dt
import math

import pytest

from sim.bargaining.chain import Frontier
from sim.bargaining.finite_horizon import deadline
from sim.space import OutcomeSpace

PIE = Frontier.from_pie(1.0)


def test_one_round_before_a_dated_change():
    # one round on 15 May; the responder's no-deal flow rises from 0 to 0.5 on 1 July;
    # the deadline (9 July) changes nothing more.  The responder accepts the present value
    # of no deal: 0 until 1 July, 0.5 after, = 0.5 exp(-r2 * 47 days); the proposer keeps
    # the rest of the pie.
    res = deadline(
        PIE,
        [dt.date(2025, 5, 15)],
        d_before=[0.0, 0.0],
        changes=[(dt.date(2025, 7, 1), [0.0, 0.5]), (dt.date(2025, 7, 9), [0.0, 0.5])],
        deadline_at=dt.date(2025, 7, 9),
        rates=[0.2, 1.0],
    )
    give = 0.5 * math.exp(-1.0 * 47 / 365.25)
    assert res.agreement_payoffs == pytest.approx((1 - give, give), abs=1e-12)
    assert res.disagreement[0] == pytest.approx([0.0, give], abs=1e-12)


def test_two_changes_add_up():
    # flows: 0 before 1 June, 0.2 from 1 June, 0.6 from 9 July; a round on 1 May
    res = deadline(
        PIE,
        [dt.date(2025, 5, 1)],
        d_before=[0.0, 0.0],
        changes=[(dt.date(2025, 6, 1), [0.0, 0.2]), (dt.date(2025, 7, 9), [0.0, 0.6])],
        deadline_at=dt.date(2025, 7, 9),
        rates=[0.3, 0.7],
    )
    hand = 0.2 * math.exp(-0.7 * 31 / 365.25) + 0.4 * math.exp(-0.7 * 69 / 365.25)
    assert res.disagreement[0][1] == pytest.approx(hand, abs=1e-12)


def test_deadline_model_on_a_scenario(write_scenario, minimal_text):
    # minimal scenario: no-deal payoffs A 1.0, B -3.0; from 1 July B's adjustment is -1
    text = (
        minimal_text.replace("as_of: 2025-05-31", "as_of: 2025-05-10")
        .replace(
            "    - date: 2025-07-09\n      label: deadline passes",
            "    - date: 2025-07-01\n      label: tariff change",
        )
        .replace(
            "    - {date: 2025-04-16, label: first, proposer: A}\n"
            "    - {date: 2025-05-01, label: second, proposer: B}\n",
            "    - {date: 2025-05-15, label: only, proposer: A}\n",
        )
        .replace("  breakdown_risk: 0.05\n", "  discount_rate: {A: 0.5, B: 1.0}\n")
        + "models:\n  deadline: {}\n"
    )
    import sim

    loaded = sim.load(write_scenario(text))
    space = OutcomeSpace.from_scenario(loaded.scenario)
    assert space.disagreement_point(dt.date(2025, 5, 15)).tolist() == pytest.approx([1.0, -3.0])
    res = sim.run(loaded, models=["deadline"]).models["deadline"]
    first = res.offer_path[0]["disagreement_value"]
    assert first["A"] == pytest.approx(1.0, abs=1e-12)
    assert first["B"] == pytest.approx(-3.0 - math.exp(-1.0 * 47 / 365.25), abs=1e-12)
    summary = res.summary()
    assert "2025-07-01" in summary and "B -1.00" in summary, summary
    assert not any("as of 2025-07-08" in n for n in res.notes), res.notes
