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


def _payoff_axes(ax, parties, unit: str, title: str) -> None:
    """Labels, title, grid and legend of a plot in the two parties' payoff space."""
    ax.set_xlabel(f"{parties[0]} payoff ({unit})")
    ax.set_ylabel(f"{parties[1]} payoff ({unit})")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7, loc="best")


def frontier_polylines(run) -> list[np.ndarray]:
    """The exact Pareto frontier of the outcomes, as connected runs (u1 increasing)."""
    from sim.bargaining.frontier import pareto_frontier

    return pareto_frontier(run.space.utility_set).polylines()


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
    _payoff_axes(ax, (p1, p2), unit, f"{run.scenario.title}: payoff space")
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


def _dates(strings):
    import datetime as dt

    return [dt.date.fromisoformat(s) for s in strings]


def timeline(run, ax=None):
    """Offers and each side's payoff by round, the deadline, and P(deal done by date).

    Draws the ``deadline`` model's offer path (each proposer's offer, as the payoff it gives
    each side), the no-deal value by round, the deadline and the calendar's events, and on
    a second axis the probability that a deal is done by each date; the ``rubinstein``
    agreement and the ``private_information`` acceptance probabilities are added when
    those models ran.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import datetime as dt

    fig, ax = _figure(ax, size=(9, 5.5))
    P = run.space.parties
    colors = {P[0]: "tab:blue", P[1]: "tab:red"}
    unit = run.space.values.unit
    cal = run.scenario.calendar
    dl = run.models.get("deadline")
    if dl is not None and not getattr(dl, "configured", True):
        dl = None
    dates = []
    if dl is not None:
        d = dl.to_dict()
        path = d["offer_path"]
        dates = _dates([r["date"] for r in path])
        for p in P:
            off = [np.nan if r["offer"] is None else r["offer"][p] for r in path]
            ax.plot(dates, off, "-o", color=colors[p], label=f"{p} payoff of the offer (deadline)")
            dis = [r["disagreement_value"][p] for r in path]
            ax.plot(dates, dis, ":", color=colors[p], label=f"{p} no-deal value")
            for r, x in zip(path, dates, strict=True):
                if r["proposer"] == p and r["offer"] is not None:
                    ax.annotate(
                        p,
                        (x, r["offer"][p]),
                        xytext=(0, 6),
                        textcoords="offset points",
                        fontsize=7,
                        ha="center",
                        color=colors[p],
                    )
        when = dt.date.fromisoformat(d["deadline"]["date"])
        ax.axvline(when, color="black", lw=1.5, ls="--")
        ax.annotate(
            d["deadline"]["label"],
            (when, 1),
            xycoords=("data", "axes fraction"),
            xytext=(-3, -3),
            textcoords="offset points",
            rotation=90,
            ha="right",
            va="top",
            fontsize=7,
        )
    else:
        dates = [r.date for r in cal.rounds]
    for ev in cal.events:
        ax.axvline(ev.date, color="0.6", lw=1, ls="-.")
        ax.annotate(
            ev.label,
            (ev.date, 0),
            xycoords=("data", "axes fraction"),
            xytext=(3, 3),
            textcoords="offset points",
            rotation=90,
            fontsize=7,
            color="0.4",
        )
    rb = run.models.get("rubinstein")
    if rb is not None and getattr(rb, "configured", True) and rb.core.agreement:
        for p, v in zip(P, rb.core.payoffs, strict=True):
            ax.axhline(v, color=colors[p], lw=0.8, alpha=0.5)
            ax.annotate(
                f"{p}: Rubinstein",
                (0, v),
                xycoords=("axes fraction", "data"),
                xytext=(2, 2),
                textcoords="offset points",
                fontsize=7,
                color=colors[p],
            )
    ax.set_ylabel(f"payoff ({unit})")
    ax.grid(alpha=0.3)
    ax2 = ax.twinx()
    if dl is not None:
        pd_by = dl.to_dict()["p_deal_by"]
        ax2.step(
            _dates(list(pd_by)),
            list(pd_by.values()),
            where="post",
            color="tab:green",
            lw=2,
            label="P(deal done by date), deadline model",
        )
    pi = run.models.get("private_information")
    if pi is not None and getattr(pi, "screening", None) is not None and len(dates) >= 2:
        acc = pi.screening["acceptance_probabilities"]
        ax2.step(
            dates[:2],
            [acc["early"], acc["early"] + acc["late"]],
            where="post",
            color="tab:purple",
            lw=2,
            ls="--",
            label="P(deal done), screening (first two rounds)",
        )
    ax2.set_ylim(-0.02, 1.05)
    ax2.set_ylabel("probability a deal is done")
    lines = ax.get_legend_handles_labels()
    lines2 = ax2.get_legend_handles_labels()
    ax.legend(lines[0] + lines2[0], lines[1] + lines2[1], fontsize=7, loc="lower left")
    ax.set_title(f"{run.scenario.title}: timeline")
    fig.autofmt_xdate()
    return fig


def win_sets(run, ax=None):
    """The ratification model's win-sets drawn on the payoff space.

    Candidate outcomes (binned on the result's ``candidate_map``) are coloured by who can
    ratify them (one side, both, neither); the ratifiable Nash deal, the deal without
    ratification constraints and no deal are marked.

    Returns
    -------
    matplotlib.figure.Figure
    """
    fig, ax = _figure(ax)
    res = run.models["two_level"]
    P = list(res.disagreement)
    cmap = res.candidate_map  # candidates binned on a grid: which groups have one per cell
    n = cmap["size"]
    bits = np.array([[int(c, 16) for c in row] for row in cmap["rows"]])
    (x0, x1), (y0, y1) = (cmap["bounds"][p] for p in P)
    xs, ys = x0 + (np.arange(n) + 0.5) * (x1 - x0) / n, y0 + (np.arange(n) + 0.5) * (y1 - y0) / n
    colors = ["0.85", "tab:blue", "tab:red", "tab:green"]
    for g, (color, label) in enumerate(zip(colors, cmap["groups"], strict=True)):
        rows, cols = np.nonzero(bits & (1 << g))
        if rows.size:
            ax.scatter(xs[cols], ys[rows], s=5, color=color, label=label, zorder=2, rasterized=True)
    for k, line in enumerate(frontier_polylines(run)):
        ax.plot(
            line[:, 0],
            line[:, 1],
            color="0.3",
            lw=1,
            zorder=3,
            label="Pareto frontier" if k == 0 else None,
        )
    ax.scatter(
        *res.disagreement.values(), marker="X", s=90, color="black", zorder=5, label="no deal"
    )
    if res.without_ratification is not None:
        ax.scatter(
            *res.without_ratification["payoffs"].values(),
            marker="*",
            s=120,
            color="white",
            edgecolor="black",
            zorder=6,
            label="Nash deal without ratification",
        )
    if res.payoffs is not None:
        ax.scatter(
            *res.payoffs.values(),
            marker="*",
            s=160,
            color="tab:green",
            edgecolor="black",
            zorder=7,
            label="ratifiable Nash deal",
        )
    _payoff_axes(ax, P, res.unit, f"{run.scenario.title}: win-sets (two-level game)")
    return fig
