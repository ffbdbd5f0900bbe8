"""Point labels never overlap (issue 14): package names on the comparison plot, placed by
sim.render.labels, checked on the drawn figure's text extents."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest

from sim.render.compare_plots import cost_relief, label_boxes_overlap
from sim.render.labels import place_labels

#: Eight named packages with similar names and clustered (cost, relief) points, as on the
#: enlarged baseline (steel, investment pledge, currency clause).
NAMES = [
    "Farm: +1 Mt corn, +0.5 Mt soybeans",
    "Farm+: +3 Mt corn, +1 Mt soybeans",
    "Steel quota",
    "Steel quota + farm",
    "Investment pledge ($550bn)",
    "Investment pledge + currency clause",
    "Currency clause",
    "What Japan reportedly offered: farm, ships, cars",
]
COST = [0.02, 0.04, 0.05, 0.06, 0.5, 0.52, 0.51, 0.55]
RELIEF = [34.0, 34.1, 34.05, 34.2, 36.8, 36.9, 36.85, 37.0]


def _table(models=("nash_bargaining", "kalai_smorodinsky")) -> pd.DataFrame:
    rows = []
    for model in models:
        for k, (name, c, r) in enumerate(zip(NAMES, COST, RELIEF, strict=True)):
            rows.append({"package": f"p{k}", "name": name, "named": f"p{k}", "giver": "JP",
                         "model": model, "status": "ok", "cost": c, "relief": r,
                         "efficient": k % 2 == 0, "accepted": True})  # fmt: skip
    return pd.DataFrame(rows)


def _boxes(ax, renderer):
    return [t.get_window_extent(renderer) for t in ax.texts]


def test_clustered_named_packages_are_labelled_by_name_without_overlap():
    fig = cost_relief(_table())
    assert not label_boxes_overlap(fig)
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        texts = sorted(t.get_text().replace("\n", " ") for t in ax.texts)
        assert texts == sorted(NAMES)  # names, whole, not ids
        frame = ax.get_window_extent(renderer)
        for b in _boxes(ax, renderer):  # inside the panel
            assert frame.x0 - 1 <= b.x0 and b.x1 <= frame.x1 + 1
            assert frame.y0 - 1 <= b.y0 and b.y1 <= frame.y1 + 1


@pytest.mark.parametrize("n", [8, 25, 40])
def test_many_labels_on_a_cluster_never_overlap(n):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    rng = np.random.default_rng(n)
    xy = np.vstack([rng.normal(0, 0.02, (n, 2)), [[-1, -1], [1, 1]]])  # a tight cluster
    fig = Figure(figsize=(7, 5))
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.scatter(xy[:, 0], xy[:, 1])
    texts = place_labels(ax, xy[:n], [f"package number {k}" for k in range(n)], fontsize=7)
    assert len(texts) == n
    renderer = fig.canvas.get_renderer()
    boxes = _boxes(ax, renderer)
    for a, b in itertools.combinations(boxes, 2):
        assert not a.overlaps(b)
    # no label covers a point
    pts = ax.transData.transform(xy)
    for b in boxes:
        assert not ((pts[:, 0] > b.x0) & (pts[:, 0] < b.x1) & (pts[:, 1] > b.y0)
                    & (pts[:, 1] < b.y1)).any()  # fmt: skip
