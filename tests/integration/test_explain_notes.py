"""`sim explain` shows the notes behind "no fact: see note", the difference from the status
quo, and fits 100 columns."""

from __future__ import annotations

from conftest import ROOT
from typer.testing import CliRunner

import sim
from sim.cli import app

BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


def test_notes_in_to_dict_and_to_frame():
    ex = sim.explain(BASELINE)
    notes = ex.to_dict()["notes"]
    # the corn margin has no fact: its note is there, under its path
    assert "payoffs.concessions.corn.seller_margin" in notes
    assert notes["payoffs.concessions.corn.seller_margin"]
    frame = ex.to_frame()
    corn = frame[frame["item"] == "corn"]
    assert corn["notes"].str.contains("seller_margin").any()


def test_notes_view_and_difference_and_width():
    runner = CliRunner()
    res = runner.invoke(app, ["explain", "--notes", str(BASELINE)], env={"COLUMNS": "100"})
    assert res.exit_code == 0, res.output
    assert "payoffs.concessions.corn.seller_margin" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 100
    res = runner.invoke(
        app, ["explain", "--outcome", "car_tariff=10", str(BASELINE)], env={"COLUMNS": "100"}
    )
    assert res.exit_code == 0, res.output
    assert "vs. status quo" in res.output
    assert max(len(line) for line in res.output.splitlines()) <= 100
    ex = sim.explain(BASELINE, outcome={"car_tariff": 10})
    sq = sim.explain(BASELINE, outcome={})
    diff = ex.to_dict()["difference_from_status_quo"]
    for party, t in ex.outcomes[0].totals().items():
        assert diff[party] == t["objective"] - sq.outcomes[0].totals()[party]["objective"]
