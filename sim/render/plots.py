"""Figures of a run, drawn from its result data alone: the payoff-space summary
(:class:`sim.results.payoff_space.PayoffSpace`) and the models' ``to_dict()``.

Every function takes the :class:`sim.results.RunResult` and ``ax=None`` (or draws its own
figure), and returns the Figure, or None when the run holds nothing it can draw.  They never
solve anything, and draw a bounded number of artists whatever the number of outcomes.
Figures are plain :class:`matplotlib.figure.Figure` objects (no pyplot state), so they are
rendered by Agg whatever the interactive backend.
"""

from __future__ import annotations

import numpy as np

from sim.render.names import short_name
from sim.render.timeline import timeline  # noqa: F401  (figures are looked up here by name)

SOLUTION_STYLE = {  # marker and colour; drawn in this order, Nash last (on top)
    "kalai_smorodinsky": ("D", "tab:purple"),
    "utilitarian": ("^", "tab:green"),
    "egalitarian": ("v", "tab:olive"),
    "nash_bargaining": ("*", "tab:red"),
}
OTHER_MARKERS = ("P", "s", "h", "p", "d", "<", ">", "8")
PARTY_COLORS = ("tab:blue", "tab:red", "tab:green", "tab:orange")
#: Most annotations of one kind (package labels, equilibrium labels) on a figure.
MAX_LABELS = 40
#: Most tick labels on one axis of a heatmap (a larger game shows every k-th strategy).
MAX_TICKS = 40


def _ticks(labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """At most :data:`MAX_TICKS` evenly spaced positions of ``labels`` and their labels."""
    n = len(labels)
    at = np.unique(np.linspace(0, n - 1, min(n, MAX_TICKS)).round().astype(int)) if n else []
    return np.asarray(at, dtype=int), [labels[i] for i in at]


def _figure(ax, size=(7.5, 6), *, legend_right: bool = False):
    if ax is not None:
        return ax.figure, ax
    from matplotlib.figure import Figure

    w, h = size
    fig = Figure(figsize=(w + (3.0 if legend_right else 0.0), h))
    ax = fig.add_subplot()
    right = 1 - 3.1 / (w + 3.0) if legend_right else 0.96
    fig.subplots_adjust(left=0.1 * 7.5 / w, right=right, bottom=0.1, top=0.93)
    return fig, ax


def _legend_right(ax) -> None:
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)


def _payoff_axes(ax, parties, unit: str, title: str) -> None:
    """Labels, title, grid and legend of a plot in the two parties' payoff space."""
    ax.set_xlabel(f"{parties[0]} payoff ({unit})")
    ax.set_ylabel(f"{parties[1]} payoff ({unit})")
    ax.set_title(wrap_title(title), fontsize=10)
    ax.grid(alpha=0.3)
    _legend_right(ax)


def wrap_title(title: str, width: int = 70) -> str:
    """A long title on several lines (never cut)."""
    import textwrap

    return "\n".join(textwrap.wrap(title, width)) or title


def _draw_space(ax, ps, *, points: bool = True, frontier_color="tab:blue") -> None:
    """The outcomes (one artist), the convex hull and the Pareto frontier (one line each)."""
    if points and len(ps.points):
        what = (
            "outcomes"
            if len(ps.points) == ps.n_outcomes
            else (f"outcomes (sample of {len(ps.points)} of {ps.n_outcomes})")
        )
        ax.scatter(
            ps.points[:, 0],
            ps.points[:, 1],
            s=5,
            color="0.75",
            label=what,
            zorder=1,
            rasterized=len(ps.points) > 2000,  # keeps the SVG small and fast
            linewidths=0,
        )
    if len(ps.hull) >= 3:
        closed = np.vstack([ps.hull, ps.hull[:1]])
        ax.plot(
            closed[:, 0],
            closed[:, 1],
            color="0.55",
            lw=0.8,
            ls="--",
            zorder=1.5,
            label="convex hull",
        )
    lines = [ln for ln in ps.frontier if len(ln) > 1]
    if lines:
        nan = np.full((1, 2), np.nan)
        xy = np.vstack([part for ln in lines for part in (ln, nan)])
        ax.plot(xy[:, 0], xy[:, 1], color=frontier_color, lw=1.8, zorder=2, label="Pareto frontier")
    dots = [ln[0] for ln in ps.frontier if len(ln) == 1]
    if dots:
        d = np.array(dots)
        ax.scatter(
            d[:, 0],
            d[:, 1],
            s=12,
            color=frontier_color,
            zorder=2,
            label=None if lines else "Pareto frontier",
        )


def payoff_space(run, ax=None):
    """The outcomes, the Pareto frontier, the disagreement points, each model's predicted
    deal and the packages, in the two parties' payoff plane.

    Parameters
    ----------
    run : sim.results.RunResult
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure or None
        None for a run with more than two parties.
    """
    ps = run.payoff_space
    if ps is None:
        return None
    fig, ax = _figure(ax, legend_right=True)
    _draw_space(ax, ps)
    d_final, d_now = ps.disagreement["final"], ps.disagreement["as_of"]
    ax.scatter(
        *d_final,
        marker="X",
        s=90,
        color="black",
        zorder=5,
        label="disagreement (talks fail for good)",
    )
    if not np.allclose(d_final, d_now):
        ax.scatter(
            *d_now,
            marker="x",
            s=70,
            color="0.3",
            zorder=5,
            label=f"disagreement as of {run.scenario.as_of}",
        )
        ax.annotate(
            "", xy=d_final, xytext=d_now, arrowprops={"arrowstyle": "->", "color": "0.4", "lw": 1}
        )
    _draw_deals(ax, run, ps.parties)
    if len(ps.package_ids):
        ax.scatter(
            ps.packages[:, 0],
            ps.packages[:, 1],
            s=22,
            color="tab:orange",
            zorder=4,
            label="packages (each applied alone\nto the no-deal outcome)",
        )
        _package_labels(ax, ps, run.scenario, _deal_points(run, ps.parties))
    _payoff_axes(ax, ps.parties, ps.unit, f"{run.scenario.title}: payoff space")
    return fig


def _package_labels(ax, ps, scenario, deals) -> None:
    """Package names next to their points, placed so that none overlap nor cover a point
    of ``deals`` (each model's deal) or the disagreement points."""
    from sim.render.labels import place_labels, wrap_label

    names = {p.id: p.name or p.id for p in scenario.packages}
    shown = list(ps.package_ids)[:MAX_LABELS]
    place_labels(
        ax,
        ps.packages[: len(shown)],
        [wrap_label(names.get(pid, pid)) for pid in shown],
        obstacles=np.vstack([ps.packages, *ps.disagreement.values(), *deals]),
        line_color="tab:orange",
        fontsize=7,
        color="tab:orange",
        zorder=7,
        bbox={"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8},
    )


def _deals(run, parties) -> dict:
    """``to_dict()`` of each model with a deal (status ok, payoffs for both parties)."""
    return {
        name: d
        for name, d in run.deals().items()
        if d["status"] == "ok" and all(p in (d.get("payoffs") or {}) for p in parties)
    }


def _deal_points(run, parties) -> list[list[float]]:
    return [[d["payoffs"][p] for p in parties] for d in _deals(run, parties).values()]


def _draw_deals(ax, run, parties) -> None:
    """Each model's predicted deal (status ok, payoffs for both parties) as one marker."""
    deals = _deals(run, parties)
    order = [n for n in deals if n not in SOLUTION_STYLE]
    order += [n for n in SOLUTION_STYLE if n in deals]
    others = iter(OTHER_MARKERS * (1 + len(order) // len(OTHER_MARKERS)))
    for k, name in enumerate(order):
        marker, color = SOLUTION_STYLE.get(name) or (next(others), f"C{k % 10}")
        u = [deals[name]["payoffs"][p] for p in parties]
        ax.scatter(
            *u,
            marker=marker,
            s=140 if marker == "*" else 70,
            color=color,
            edgecolor="black",
            linewidth=0.6,
            zorder=6,
            label=short_name(name),
        )


def strategic_heatmap(run, axes=None):
    """Both players' payoff matrices of the ``strategic`` model as heatmaps, the equilibria
    marked.

    Each matrix is one image; a game with more than :data:`MAX_TICKS` strategies for a
    player labels every k-th of them, and only small games (150 cells) print the payoffs in
    the cells, so the figure has a bounded number of artists whatever the game's size.

    Pure equilibria are filled markers; a mixed equilibrium marks every cell of its support
    with an open marker whose area is the cell's probability.  Reads the result's
    ``to_dict()`` (``players``, ``strategies``, ``payoff_matrices``, ``equilibria``).

    Returns
    -------
    matplotlib.figure.Figure or None
        None unless the run has a two-player strategic game.
    """
    res = run.models.get("strategic")
    d = res.to_dict() if res is not None else {}
    players = d.get("players") or []
    if len(players) != 2 or not d.get("payoff_matrices"):
        return None
    rows, cols = (list(d["strategies"][p]) for p in players)
    mats = [np.asarray(d["payoff_matrices"][p], dtype=float) for p in players]
    (row_at, row_labels), (col_at, col_labels) = _ticks(rows), _ticks(cols)
    if axes is None:
        from matplotlib.figure import Figure

        w = min(4 + 0.35 * len(col_labels), 16)
        h = min(2.8 + 0.3 * len(row_labels) + 0.08 * max(map(len, col_labels)), 14)
        fig = Figure(figsize=(2 * w, h))
        axes = fig.subplots(1, 2)
        label_w = 0.09 * max(map(len, row_labels)) / (2 * w)  # inches of row labels
        fig.subplots_adjust(
            left=min(0.45, 0.03 + label_w),
            right=0.97,
            wspace=0.6,
            bottom=min(0.5, 0.1 + 0.08 * max(map(len, col_labels)) / h),
            top=0.85,
        )
    else:
        fig = axes[0].figure
    profiles = [
        (
            np.array([eq["strategies"][players[0]].get(s, 0.0) for s in rows]),
            np.array([eq["strategies"][players[1]].get(s, 0.0) for s in cols]),
            bool(eq.get("pure")),
        )
        for eq in d.get("equilibria", [])[:MAX_LABELS]
    ]
    markers = ["*", "o", "s", "P", "X", "h"]
    numbers = all(M.size <= 150 for M in mats)  # small games: payoffs printed in the cells
    # equilibrium markers in the upper part of a cell, the payoff in the lower part
    mark_dy, size = (-0.2, (20, 80)) if numbers else (0.0, (30, 220))
    for ax, M, party in zip(axes, mats, players, strict=True):
        im = ax.imshow(M, cmap="viridis", aspect="auto", interpolation="nearest")
        fig.colorbar(im, ax=ax, label=f"{party} payoff ({d.get('unit', '')})")
        ax.set_xticks(col_at, col_labels, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(row_at, row_labels, fontsize=7)
        more = [
            f" ({len(at)} of {len(names):,} labelled)" if len(at) < len(names) else ""
            for at, names in ((col_at, cols), (row_at, rows))
        ]
        ax.set_xlabel(f"{players[1]} strategy{more[0]}")
        ax.set_ylabel(f"{players[0]} strategy{more[1]}")
        ax.set_title(f"{party}'s payoff", fontsize=10)
        for k, (x, y, pure) in enumerate(profiles):
            prob = np.outer(x, y)
            cells = np.argwhere(prob > 1e-9)
            ax.scatter(
                cells[:, 1],
                cells[:, 0] + mark_dy,
                s=size[0] + size[1] * prob[cells[:, 0], cells[:, 1]],
                marker=markers[k % len(markers)],
                facecolor="red" if pure else "none",
                edgecolor="red",
                linewidth=1.2,
            )
            for r, c in cells[:4]:
                ax.annotate(
                    f"E{k + 1}",
                    (c, r + mark_dy),
                    textcoords="offset points",
                    xytext=(7, 3),
                    fontsize=7,
                    color="red",
                    fontweight="bold",
                )
        if numbers:
            mid = (M.min() + M.max()) / 2
            for (r, c), v in np.ndenumerate(M):
                ax.text(
                    c,
                    r + 0.3,
                    f"{v:.1f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if v < mid else "black",
                )
    fig.suptitle(
        "Strategic-form game: payoffs and Nash equilibria (E1, E2, ...; a mixed "
        "equilibrium marks its support, area = probability)",
        fontsize=10,
    )
    return fig


def _usable(run, name: str, *keys: str) -> dict | None:
    """The model's ``to_dict()`` if it ran and has every key in ``keys`` (non-empty)."""
    res = run.models.get(name)
    if res is None:
        return None
    d = res.to_dict()
    if d.get("status") == "not_run" or d.get("configured") is False:
        return None
    return d if all(d.get(k) for k in keys) else None


def win_sets(run, ax=None):
    """The ``two_level`` model's win-sets on the payoff space.

    The result's ``candidate_map`` (candidate outcomes binned on a grid of the payoff plane)
    is drawn as one image, each cell coloured by who can ratify a candidate in it (both,
    only one side, neither); without a map, each side's win-set is drawn as the box of its
    payoffs.  The ratifiable Nash deal, the deal without ratification constraints and no
    deal are marked.  Reads the result's ``to_dict()`` and the run's payoff-space summary.

    Returns
    -------
    matplotlib.figure.Figure or None
        None unless the model ran on a two-party run.
    """
    ps = run.payoff_space
    d = _usable(run, "two_level", "win_sets")
    if ps is None or d is None:
        return None
    P = ps.parties
    fig, ax = _figure(ax, legend_right=True)
    cmap = d.get("candidate_map") or {}
    if cmap.get("rows"):
        _draw_space(ax, ps, points=False, frontier_color="0.3")
        _draw_candidate_map(ax, cmap, P)
    else:
        _draw_space(ax, ps, frontier_color="0.3")
        _draw_win_set_boxes(ax, d, P)
    dis = d.get("disagreement") or {}
    if all(p in dis for p in P):
        ax.scatter(dis[P[0]], dis[P[1]], marker="X", s=90, color="black", zorder=5, label="no deal")
    free = (d.get("without_ratification") or {}).get("payoffs")
    if free:
        ax.scatter(free[P[0]], free[P[1]], marker="*", s=120, color="white", edgecolor="black",
                   zorder=6, label="Nash deal without ratification")  # fmt: skip
    if d.get("payoffs") and d.get("agreement"):
        ax.scatter(d["payoffs"][P[0]], d["payoffs"][P[1]], marker="*", s=160, color="tab:green",
                   edgecolor="black", zorder=7, label="ratifiable Nash deal")  # fmt: skip
    _payoff_axes(ax, P, ps.unit, f"{run.scenario.title}: win-sets (two-level game)")
    return fig


#: Colours of the candidate map's groups (neither, only the first party, only the second,
#: both can ratify); a cell takes the colour of the last group it holds.
GROUP_COLORS = ("0.82", "tab:blue", "tab:red", "tab:green")


def _draw_candidate_map(ax, cmap, parties) -> None:
    """The two-level model's candidate map as one image, with a legend entry per group."""
    from matplotlib.colors import to_rgba

    bits = np.array([[int(c, 16) for c in row] for row in cmap["rows"]], dtype=int)
    top = np.full(bits.shape, -1)
    for g in range(len(GROUP_COLORS)):
        top[(bits >> g) & 1 == 1] = g
    rgba = np.zeros((*bits.shape, 4))
    for g, color in enumerate(GROUP_COLORS):
        rgba[top == g] = to_rgba(color, alpha=0.85)
    (x0, x1), (y0, y1) = (cmap["bounds"][p] for p in parties)
    ax.imshow(rgba, origin="lower", extent=(x0, x1, y0, y1), aspect="auto",
              interpolation="nearest", zorder=1)  # fmt: skip
    for g, label in enumerate(cmap.get("groups", ())):
        if (top == g).any():
            ax.scatter([], [], marker="s", s=30, color=GROUP_COLORS[g], label=label)
    ax.set_xlim(min(x0, ax.get_xlim()[0]), max(x1, ax.get_xlim()[1]))
    ax.set_ylim(min(y0, ax.get_ylim()[0]), max(y1, ax.get_ylim()[1]))


def _draw_win_set_boxes(ax, d, parties) -> None:
    """Each side's win-set as the box of its payoffs, their intersection hatched."""
    from matplotlib.patches import Rectangle

    def box(b, **kw):
        (x0, x1), (y0, y1) = b[parties[0]], b[parties[1]]
        ax.add_patch(Rectangle((x0, y0), x1 - x0, y1 - y0, **kw))

    for p, color in zip(parties, PARTY_COLORS, strict=False):
        ws = d["win_sets"].get(p) or {}
        if ws.get("payoff_box"):
            share = ws.get("share")
            extra = f", {share:.0%} of outcomes" if isinstance(share, float) else ""
            box(ws["payoff_box"], facecolor=color, alpha=0.12, edgecolor=color, lw=1.5,
                zorder=2, label=f"payoffs {p} can ratify (range{extra})")  # fmt: skip
    inter = d.get("intersection") or {}
    if inter.get("payoff_box") and not inter.get("empty"):
        box(inter["payoff_box"], facecolor="none", edgecolor="tab:green", hatch="//", lw=1.5,
            zorder=3, label="both can ratify (range)")  # fmt: skip
