"""Plots of a run.  Every function takes ``ax=None`` (or draws its own figure) and
returns the Figure; they read results and never solve anything."""

from __future__ import annotations

import numpy as np

SOLUTION_STYLE = {  # drawn in this order: Nash last, on top
    "kalai_smorodinsky": ("Kalai–Smorodinsky", "D", "tab:purple"),
    "utilitarian": ("utilitarian", "^", "tab:green"),
    "egalitarian": ("egalitarian", "v", "tab:olive"),
    "nash_bargaining": ("Nash", "*", "tab:red"),
}


def _figure(ax, size=(7.5, 6)):
    import matplotlib.pyplot as plt

    if ax is None:
        fig, ax = plt.subplots(figsize=size, layout="constrained")
    else:
        fig = ax.figure
    return fig, ax


def frontier_polylines(run) -> list[np.ndarray]:
    """The exact Pareto frontier of the outcomes, as connected runs (u1 increasing)."""
    from sim.models.axiomatic import utility_set

    return utility_set(run.space).pareto_frontier().polylines()


def payoff_space(run, ax=None):
    """Every outcome as a point, the Pareto frontier, disagreement, solutions, packages.

    Parameters
    ----------
    run : sim.results.RunResult
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _figure(ax)
    space = run.space
    p1, p2 = space.parties
    unit = space.values.unit
    pts = space.payoffs(space.sample_outcomes(per_issue=11))
    ax.scatter(
        pts[:, 0],
        pts[:, 1],
        s=6,
        color="0.75",
        label="outcomes",
        zorder=1,
        rasterized=len(pts) > 2000,
    )  # keeps the SVG small and fast
    for k, line in enumerate(frontier_polylines(run)):
        ax.plot(
            line[:, 0],
            line[:, 1],
            color="tab:blue",
            lw=1.8,
            zorder=2,
            marker="." if len(line) == 1 else None,
            label="Pareto frontier" if k == 0 else None,
        )

    d_final = space.disagreement_point("final")
    d_now = space.disagreement_point("as_of")
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

    for name, (label, marker, color) in SOLUTION_STYLE.items():
        res = run.models.get(name)
        if res is None or not res.zone_of_agreement:
            continue
        u = [res.payoffs[p1], res.payoffs[p2]]
        ax.scatter(
            *u,
            marker=marker,
            s=140 if marker == "*" else 70,
            color=color,
            edgecolor="black",
            linewidth=0.6,
            zorder=6,
            label=label,
        )

    if space.scenario.packages:
        ids, coords = space.package_outcomes()
        pu = space.payoffs(coords)
        ax.scatter(
            pu[:, 0],
            pu[:, 1],
            s=22,
            color="tab:orange",
            zorder=4,
            label="packages (alone, no tariff change)",
        )
        for pid, (x, y) in zip(ids, pu, strict=True):
            ax.annotate(
                pid,
                (x, y),
                textcoords="offset points",
                xytext=(4, 3),
                fontsize=7,
                color="tab:orange",
            )
    ax.set_xlabel(f"{p1} payoff ({unit})")
    ax.set_ylabel(f"{p2} payoff ({unit})")
    ax.set_title(f"{run.scenario.title}: payoff space")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")
    return fig


def strategic_heatmap(result, axes=None):
    """Both players' payoff matrices as heatmaps with the equilibria marked.

    Pure equilibria are stars; a mixed equilibrium marks every cell of its support with a
    circle whose area is the cell's probability.
    """
    import matplotlib.pyplot as plt

    A, B = result.payoff_matrices
    rows, cols = result.strategies
    if axes is None:
        w = min(4 + 0.35 * len(cols), 16)
        h = min(2.5 + 0.3 * len(rows), 14)
        fig, axes = plt.subplots(1, 2, figsize=(2 * w, h), layout="constrained")
    else:
        fig = axes[0].figure
    markers = ["*", "o", "s", "P", "X", "h"]
    for ax, M, party in zip(axes, (A, B), result.parties, strict=True):
        im = ax.imshow(M, cmap="viridis", aspect="auto")
        fig.colorbar(im, ax=ax, label=f"{party} payoff ({result.unit})")
        ax.set_xticks(range(len(cols)), cols, rotation=60, ha="right", fontsize=7)
        ax.set_yticks(range(len(rows)), rows, fontsize=7)
        ax.set_xlabel(f"{result.parties[1]} strategy")
        ax.set_ylabel(f"{result.parties[0]} strategy")
        ax.set_title(f"{party}'s payoff")
        for k, eq in enumerate(result.equilibria):
            x, y = eq.profile
            cells = np.argwhere(np.outer(x, y) > 1e-9)
            prob = np.outer(x, y)[cells[:, 0], cells[:, 1]]
            ax.scatter(
                cells[:, 1],
                cells[:, 0],
                s=30 + 220 * prob,
                marker=markers[k % len(markers)],
                facecolor="none" if not eq.pure else "red",
                edgecolor="red",
                linewidth=1.2,
            )
            for r, c in cells:
                ax.annotate(
                    f"E{k + 1}",
                    (c, r),
                    textcoords="offset points",
                    xytext=(7, 5),
                    fontsize=7,
                    color="red",
                    fontweight="bold",
                )
        if M.size <= 150:  # small games: print the payoffs in the cells
            for (r, c), v in np.ndenumerate(M):
                ax.text(
                    c,
                    r + 0.3,
                    f"{v:.1f}",
                    ha="center",
                    va="center",
                    fontsize=6,
                    color="white" if v < (M.min() + M.max()) / 2 else "black",
                )
    fig.suptitle(
        "Strategic-form game: payoffs and Nash equilibria (E1, E2, ...; a mixed "
        "equilibrium marks its support, area = probability)"
    )
    return fig
