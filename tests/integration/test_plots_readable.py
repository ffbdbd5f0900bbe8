"""Figures an analyst reads: package labels that do not overlap, the legend's wording, long
titles wrapped (never cut), equilibrium markers apart from the cell's number."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from conftest import ROOT

import sim
from sim.render import plots

BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


@pytest.fixture(scope="module")
def run():
    loaded = sim.modify(sim.load(BASELINE), {"title": "A long title " * 12})
    return sim.run(loaded, models=["nash_bargaining", "strategic"])


def test_payoff_space_labels_legend_and_title(run):
    fig = plots.payoff_space(run)
    ax = fig.axes[0]
    fig.canvas.draw()
    frame = ax.get_window_extent(fig.canvas.get_renderer())
    renderer = fig.canvas.get_renderer()
    names = {p.name for p in run.scenario.packages}  # names, not ids, whole
    labels = [t for t in ax.texts if t.get_text().replace("\n", " ") in names]
    assert {t.get_text().replace("\n", " ") for t in labels} == names and len(names) > 1
    assert not {t.get_text() for t in ax.texts} & set(run.payoff_space.package_ids)
    boxes = [t.get_window_extent(renderer) for t in labels]
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    assert all(frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1 for b in boxes)
    legend = " ".join(t.get_text() for t in ax.get_legend().get_texts())
    assert "no tariff change" not in legend
    title = ax.get_title()
    assert "\n" in title and title.replace("\n", " ").split() == (
        f"{run.scenario.title}: payoff space".split()
    )


def test_equilibrium_markers_leave_the_number_visible(run):
    fig = plots.strategic_heatmap(run)
    ax = fig.axes[0]
    numbers = [t for t in ax.texts if t.get_text().replace(".", "").lstrip("-").isdigit()]
    assert numbers
    ys = {round(t.get_position()[1] % 1, 2) for t in numbers}
    marks = np.vstack([c.get_offsets() for c in ax.collections if len(c.get_offsets())])
    # markers sit in the upper part of a cell (y below its centre), the numbers lower
    assert all(abs((y % 1) - 0.8) < 1e-9 for y in marks[:, 1]), marks[:, 1]
    assert ys == {0.3}
