"""Plots of a package comparison (the table of :func:`sim.analysis.compare.compare`).

They read the table and never solve.  Named packages are labelled by their names, placed by
:func:`sim.render.labels.place_labels` so that no two labels overlap.
"""

from __future__ import annotations

import numpy as np

from sim.render.labels import place_labels, wrap_label

__all__ = ["cost_relief", "label_boxes_overlap", "rank_heatmap"]

_BOX = {"boxstyle": "round,pad=0.1", "fc": "white", "ec": "none", "alpha": 0.8}


def _central(table):
    return table[table["draw"].isna()] if "draw" in table else table


def _label_of(row) -> str:
    """The package's name (its id when it has none), on a few lines."""
    return wrap_label(str(row.get("name") or row["named"] or row["package"]))


def cost_relief(table, *, axes=None):
    """Cost to the giver against tariff relief, one panel per model that ran.

    Every package is a dot; the efficient ones are joined by the frontier (a step line:
    more relief needs more cost); named packages are labelled.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`sim.compare`.
    axes : sequence of matplotlib Axes, optional
        One per model that ran.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    t = _central(table)
    t = t[t["status"] != "not_run"]
    models = list(dict.fromkeys(t["model"]))
    if axes is None:
        cols = min(len(models), 2) or 1
        rows = max(1, -(-len(models) // cols))
        fig, grid = plt.subplots(
            rows, cols, figsize=(6.2 * cols, 4.6 * rows), layout="constrained", squeeze=False
        )
        axes = list(grid.ravel())
        for extra in axes[len(models) :]:
            extra.set_visible(False)
    fig = axes[0].figure if len(axes) else plt.figure()
    giver = t["giver"].iloc[0] if len(t) else ""
    for ax, model in zip(axes, models, strict=False):
        m = t[t["model"] == model]
        eff = m[m["efficient"]].sort_values("cost")
        rest = m[~m["efficient"]]
        ax.scatter(rest["cost"], rest["relief"], s=14, color="0.6", label="package", zorder=2)
        ax.scatter(eff["cost"], eff["relief"], s=26, color="tab:red", label="efficient", zorder=3)
        if len(eff):
            ax.step(eff["cost"], eff["relief"], where="post", color="tab:red", lw=1, zorder=2)
        refused = m[m["accepted"].fillna(False).astype(bool) == False]  # noqa: E712
        if len(refused):
            ax.scatter(refused["cost"], refused["relief"], s=60, facecolors="none",
                       edgecolors="black", label="not accepted", zorder=4)  # fmt: skip
        ax.set_title(model, fontsize=9)
        ax.set_xlabel(f"cost to {giver} ($bn/yr)")
        ax.set_ylabel("tariff relief (pp)")
        ax.grid(alpha=0.3)
        ax.legend(fontsize=7, loc="lower right")
    fig.canvas.draw()  # the layout is fixed before labels are placed in it
    fig.set_layout_engine("none")
    for ax, model in zip(axes, models, strict=False):
        m = t[t["model"] == model]
        named = m[m["named"] != ""]
        place_labels(
            ax,
            named[["cost", "relief"]].to_numpy(float),
            [_label_of(r) for _, r in named.iterrows()],
            obstacles=m[["cost", "relief"]].to_numpy(float),
            fontsize=7,
            zorder=5,
            bbox=_BOX,
        )
    return fig


def label_boxes_overlap(fig) -> bool:
    """Whether any two text labels of the figure's axes overlap (for tests)."""
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    for ax in fig.axes:
        boxes = [t.get_window_extent(renderer) for t in ax.texts]
        for i in range(len(boxes)):
            for j in range(i + 1, len(boxes)):
                if boxes[i].overlaps(boxes[j]):
                    return True
    return False


def rank_heatmap(table, *, ax=None):
    """Rank of each named package (rows) under each model (columns); 1 is best.

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib.pyplot as plt

    t = _central(table)
    t = t[t["named"] != ""]
    pivot = t.pivot_table(index="named", columns="model", values="rank", aggfunc="first")
    order = list(dict.fromkeys(t["named"]))
    pivot = pivot.reindex(index=order, columns=list(dict.fromkeys(t["model"])))
    if ax is None:
        fig, ax = plt.subplots(
            figsize=(1.0 + 0.8 * pivot.shape[1], 1.2 + 0.4 * pivot.shape[0]),
            layout="constrained",
        )
    else:
        fig = ax.figure
    data = pivot.to_numpy(dtype=float)
    im = ax.imshow(np.ma.masked_invalid(data), cmap="viridis_r", aspect="auto")
    for i in range(data.shape[0]):
        for j in range(data.shape[1]):
            v = data[i, j]
            ax.text(j, i, "–" if np.isnan(v) else f"{int(v)}", ha="center", va="center",
                    fontsize=8, color="white" if v <= np.nanmedian(data) else "black")  # fmt: skip
    ax.set_xticks(range(data.shape[1]), pivot.columns, rotation=40, ha="right", fontsize=8)
    ax.set_yticks(range(data.shape[0]), pivot.index, fontsize=8)
    ax.set_title("rank by model (1 = best; – = not run)", fontsize=9)
    fig.colorbar(im, ax=ax, shrink=0.8, label="rank")
    return fig
