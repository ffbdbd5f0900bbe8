"""Point labels placed without overlaps: a small deterministic placer.

Each label is tried at positions around its point, nearest first (rings of growing radius,
16 directions each, up and to the right first), and takes the first position whose box
lies inside the axes and overlaps neither a label already placed nor any of the points;
a label placed away from its point is joined to it by a thin line.  This is the greedy
first-fit of cartographic label placement (Christensen, Marks & Shieber, *An empirical
study of algorithms for point-feature label placement*, ACM TOG 14(3), 1995), on a finer
set of positions than their four or eight.  Unlike a force-directed repulsion (adjustText),
it cannot leave two labels on each other when there is room, and it gives the same picture
on every run.
"""

from __future__ import annotations

import textwrap

import numpy as np

__all__ = ["place_labels", "wrap_label"]

#: Distances (points) from a point to its label's box tried in turn.
RADII = (4, 8, 14, 22, 32, 44, 58, 75, 95, 120, 150)
#: Directions tried at each distance (radians), from up-right round the clock.
ANGLES = np.deg2rad(np.r_[45, 135, 315, 225, 90, 270, 0, 180, 22.5, 157.5, 337.5, 202.5,
                          67.5, 112.5, 292.5, 247.5])  # fmt: skip
POINT_PAD = 3.0  # points around each data point kept free of labels
GAP = 1.0  # points between two labels


def wrap_label(text: str, width: int = 26) -> str:
    """A long label on a few lines (never cut)."""
    return "\n".join(textwrap.wrap(text, width)) or text


def place_labels(ax, xy, labels, *, obstacles=None, line_color="0.4", **text_kw) -> list:
    """Draw ``labels`` next to the points ``xy`` so that no two labels overlap.

    Parameters
    ----------
    ax : matplotlib Axes
        Its limits are fixed first (labels and their lines do not rescale the axes).
    xy : array_like, shape (n, 2)
        The labelled points, in data coordinates.
    labels : sequence of str
    obstacles : array_like, shape (m, 2), optional
        Other points (data coordinates) labels keep clear of.
    line_color : color
        Of the line joining a moved label to its point.
    **text_kw
        Passed to :meth:`~matplotlib.axes.Axes.text` (fontsize, color, bbox, zorder...).

    Returns
    -------
    list of matplotlib.text.Text
    """
    if not len(labels):
        return []
    fig = ax.figure
    if not hasattr(fig.canvas, "get_renderer"):
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        FigureCanvasAgg(fig)
    renderer = fig.canvas.get_renderer()
    ax.set_xlim(ax.get_xlim())
    ax.set_ylim(ax.get_ylim())
    px = fig.dpi / 72.0
    to_px = ax.transData.transform
    pts = to_px(np.asarray(xy, dtype=float).reshape(-1, 2))
    others = [pts]
    if obstacles is not None and len(obstacles):
        others.append(to_px(np.asarray(obstacles, dtype=float).reshape(-1, 2)))
    points = np.vstack(others)
    points = points[np.isfinite(points).all(axis=1)]
    frame = ax.get_window_extent(renderer)

    def xy_data(x, y):
        return ax.transData.inverted().transform((x, y))

    placed: list[tuple[float, float, float, float]] = []
    texts = []
    for (x, y), label in zip(pts, labels, strict=False):
        if not np.isfinite([x, y]).all():
            continue
        t = ax.text(*xy_data(x, y), label, ha="center", va="center", **text_kw)
        box = t.get_window_extent(renderer)
        w, h = box.width + 2 * GAP * px, box.height + 2 * GAP * px
        best, fewest = None, None
        for r in RADII:
            for a in ANGLES:
                c, s = np.cos(a), np.sin(a)
                cx, cy = x + r * px * c + c * w / 2, y + r * px * s + s * h / 2
                cand = (cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
                clash = _clashes(cand, placed, points, POINT_PAD * px, frame)
                if fewest is None or clash < fewest:
                    best, fewest = (cx, cy, r), clash
                if clash == 0:
                    break
            if fewest == 0:
                break
        cx, cy, r = best
        placed.append((cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2))
        t.set_position(xy_data(cx, cy))
        if r > RADII[1]:
            end, start = xy_data(*_edge_point((x, y), placed[-1])), xy_data(x, y)
            ax.plot([start[0], end[0]], [start[1], end[1]], color=line_color, lw=0.5,
                    zorder=text_kw.get("zorder", 5) - 0.1, scalex=False, scaley=False)  # fmt: skip
        texts.append(t)
    return texts


def _clashes(box, placed, points, pad, frame) -> int:
    """How many labels and points ``box`` overlaps (+ 1000 if it leaves the frame)."""
    x0, y0, x1, y1 = box
    n = 0 if (x0 >= frame.x0 and y0 >= frame.y0 and x1 <= frame.x1 and y1 <= frame.y1) else 1000
    n += sum(1 for a0, b0, a1, b1 in placed if x0 < a1 and a0 < x1 and y0 < b1 and b0 < y1)
    inside = (
        (points[:, 0] > x0 - pad)
        & (points[:, 0] < x1 + pad)
        & (points[:, 1] > y0 - pad)
        & (points[:, 1] < y1 + pad)
    )
    return n + int(inside.sum())


def _edge_point(p, box) -> tuple[float, float]:
    """The point of ``box`` nearest to ``p`` (where a leader line meets the label)."""
    x0, y0, x1, y1 = box
    return float(np.clip(p[0], x0, x1)), float(np.clip(p[1], y0, y1))
