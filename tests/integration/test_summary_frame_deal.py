"""``RunResult.summary_frame()`` includes the deal itself, not only the payoffs."""

from __future__ import annotations

from conftest import ROOT

import sim


def test_summary_frame_has_the_deal():
    run = sim.run(ROOT / "scenarios" / "japan_us_2025.yaml", models=["nash_bargaining"])
    frame = run.summary_frame()
    deal = run.models["nash_bargaining"].agreement
    assert deal
    row = frame[frame["model"] == "nash_bargaining"].iloc[0]
    for issue, value in deal.items():
        assert row[f"agreement.{issue}"] == value
