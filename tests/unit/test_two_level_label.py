"""The two-level summary labels its "vs. no ratification" numbers as differences."""

from __future__ import annotations

from sim.models.two_level import Result


def test_two_level_differences_are_labelled_as_differences():
    res = Result(
        model="two_level",
        status="ok",
        unit="$bn/yr",
        payoffs={"US": 1.0, "JP": 2.0},
        disagreement={"US": 0.0, "JP": 0.0},
        without_ratification={"payoffs": {"US": 1.5, "JP": 1.0}},
    )
    text = res.summary()
    assert "changes the payoffs by US -0.50, JP +1.00 $bn/yr" in text, text
