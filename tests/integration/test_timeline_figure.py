"""The timeline figure tells the baseline's talks from the start to the July 9 deadline
(issue 14): one payoff axis, the dated no-deal change drawn and labelled, every dynamic
model's agreement round, labels that do not overlap, and the no-deal payoffs over time."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from conftest import ROOT
from matplotlib.dates import num2date

import sim
from sim.render import plots

BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


@pytest.fixture(scope="module")
def run():
    return sim.run(BASELINE, models=["deadline", "rubinstein", "private_information"])


@pytest.fixture(scope="module")
def fig(run):
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    f = plots.timeline(run)
    FigureCanvasAgg(f).draw()
    return f


def _texts(fig):
    return [t for ax in fig.axes for t in ax.texts]


def test_dates_run_from_the_first_round_and_as_of_to_the_deadline(run, fig):
    sc = run.scenario
    x0, x1 = (num2date(x).date() for x in fig.axes[-1].get_xlim())
    assert x0 <= min(sc.as_of, sc.calendar.rounds[0].date) <= dt.date(2025, 4, 16)
    assert x1 >= dt.date(2025, 7, 9)
    assert all(ax.get_xlim() == fig.axes[-1].get_xlim() for ax in fig.axes)  # one date axis


def test_one_payoff_axis_no_twins(run, fig):
    boxes = [tuple(ax.get_position().bounds) for ax in fig.axes]
    assert len(set(boxes)) == len(boxes)  # a twinx axis sits on its host
    assert [ax.get_ylabel() for ax in fig.axes if "payoff" in ax.get_ylabel()] == [
        f"payoff ({run.unit})"
    ]


def test_dated_no_deal_change_and_calendar_are_labelled(run, fig):
    text = " ".join(t.get_text().replace("\n", " ") for t in _texts(fig))
    change = run.scenario.disagreement.changes[0]
    assert change.date == dt.date(2025, 7, 9)
    assert f"no deal from here: {change.label}" in text
    assert "reciprocal_tariff \u2192 24" in text
    for r in run.scenario.calendar.rounds:
        assert r.label in text
    assert f"as of {run.scenario.as_of}" in text
    assert "deadline: Reciprocal-tariff suspension ends" in text


def test_calendar_labels_do_not_overlap(fig):
    renderer = fig.canvas.get_renderer()
    boxes = [t.get_window_extent(renderer) for t in fig.axes[0].texts]
    assert len(boxes) >= 6
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    top = fig.axes[0].get_window_extent(renderer)
    assert all(b.y1 <= top.y1 + 1 and b.x1 <= top.x1 + 1 for b in boxes)  # inside the panel


def test_each_dynamic_model_reports_its_round(run, fig):
    lanes = fig.axes[1]
    assert [t.get_text() for t in lanes.get_yticklabels()] == ["deadline", "Rubin.", "private info"]
    text = " ".join(t.get_text().replace("\n", " ") for t in lanes.texts)
    dl = run.models["deadline"].to_dict()
    assert f"round {dl['agreement_round']} on {dl['agreement_date']}" in text
    assert "Rubin.: agreement in round 1" in text
    assert "accepted with probability 1.00" in text


def test_no_deal_payoffs_over_time(run, fig):
    pay = fig.axes[-1]
    steps = {ln.get_label(): ln for ln in pay.get_lines() if "with no deal" in ln.get_label()}
    assert set(steps) == {f"{p} payoff with no deal" for p in run.parties}
    final = run.models["rubinstein"].to_dict()["disagreement"]  # bargained against 'final'
    for p in run.parties:
        ys = steps[f"{p} payoff with no deal"].get_ydata()
        assert ys[-1] == pytest.approx(final[p], abs=1e-9)
        assert ys[0] != pytest.approx(ys[-1])  # the change moves the no-deal payoff
    assert [nd.at for nd in run.no_deal_path] == ["2025-04-16", "2025-07-09"]
    # before July 9 the suspended 10 % holds; from July 9 the 24 % of 'final'
    data = run.to_dict()["no_deal_path"]
    assert [d["outcome"]["reciprocal_tariff"] for d in data] == [10, 24]
