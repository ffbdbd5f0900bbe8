"""Figures of a sweep: they read the analysis tables of :mod:`sim.analysis.sensitivity` and
:mod:`sim.analysis.discovery` (never solve).  Each takes ``ax=None`` and returns the Figure.
"""

from __future__ import annotations

import numpy as np

__all__ = ["agreement_curve", "grid_heatmap", "issue_distributions", "morris_chart",
           "sobol_chart", "tornado_chart"]


def _ax(ax, size):
    import matplotlib.pyplot as plt

    if ax is None:
        _fig, ax = plt.subplots(figsize=size, layout="constrained")
    return ax.figure, ax


def _short(path: str, width: int = 42) -> str:
    return path if len(path) <= width else "…" + path[-(width - 1):]


def sobol_chart(indices, *, top: int = 20, ax=None):
    """First-order (S1) and total (ST) Sobol' indices with their 95 % intervals, the
    ``top`` parameters by ST: ST near 0 means the parameter does not matter."""
    d = indices.sort_values("ST", ascending=False).head(top).iloc[::-1]
    fig, ax = _ax(ax, (7.5, 0.32 * len(d) + 1.4))
    y = np.arange(len(d))
    ax.barh(y + 0.2, d["ST"], height=0.4, xerr=d["ST_conf"], label="total (ST)", color="tab:blue")
    ax.barh(y - 0.2, d["S1"], height=0.4, xerr=d["S1_conf"], label="first order (S1)",
            color="tab:orange")
    ax.set_yticks(y, [_short(p) for p in d["parameter"]], fontsize=7)
    ax.set_xlabel("share of the outcome's variance")
    ax.set_title(f"Sobol' indices: {d['outcome'].iloc[0]} ({d['model'].iloc[0]})", fontsize=9)
    ax.legend(fontsize=7, loc="lower right")
    return fig


def morris_chart(indices, *, ax=None):
    """Morris screening: mean absolute effect (mu*) against its spread (sigma); parameters
    far right matter, high ones act through interactions or non-linearly."""
    fig, ax = _ax(ax, (6.5, 4.8))
    ax.scatter(indices["mu_star"], indices["sigma"], s=16)
    top = indices.sort_values("mu_star", ascending=False).head(8)
    for _, r in top.iterrows():
        ax.annotate(_short(r["parameter"], 30), (r["mu_star"], r["sigma"]), fontsize=6)
    ax.set_xlabel("mu* (mean |elementary effect|)")
    ax.set_ylabel("sigma")
    ax.set_title(f"Morris screening: {indices['outcome'].iloc[0]} "
                 f"({indices['model'].iloc[0]})", fontsize=9)
    return fig


def tornado_chart(swings, *, top: int = 15, ax=None):
    """One-at-a-time swings around the scenario's value: each bar spans the outcome with
    the parameter at the low and the high end of its range."""
    d = swings.head(top).iloc[::-1]
    fig, ax = _ax(ax, (7.5, 0.32 * len(d) + 1.4))
    y = np.arange(len(d))
    base = float(d["base"].iloc[0]) if len(d) else 0.0
    ax.barh(y, d["outcome_low"] - base, left=base, color="tab:blue", label="low end")
    ax.barh(y, d["outcome_high"] - base, left=base, color="tab:red", label="high end")
    ax.axvline(base, color="black", lw=0.8)
    ax.set_yticks(y, [_short(p) for p in d["parameter"]], fontsize=7)
    ax.set_xlabel(str(swings["outcome"].iloc[0]) if len(swings) else "")
    ax.set_title(f"Tornado ({swings['model'].iloc[0] if len(swings) else ''})", fontsize=9)
    ax.legend(fontsize=7)
    return fig


def grid_heatmap(means, *, ax=None):
    """Mean outcome over a two-parameter grid."""
    x, y = [c for c in means.columns if c not in ("model", "outcome", "value")][:2]
    pivot = means.pivot_table(index=y, columns=x, values="value")
    fig, ax = _ax(ax, (6.5, 5.0))
    im = ax.pcolormesh(pivot.columns.to_numpy(float), pivot.index.to_numpy(float),
                       pivot.to_numpy(float), shading="nearest", cmap="viridis")
    fig.colorbar(im, ax=ax, label=str(means["outcome"].iloc[0]))
    ax.set_xlabel(_short(x), fontsize=8)
    ax.set_ylabel(_short(y), fontsize=8)
    ax.set_title(f"{means['model'].iloc[0]}", fontsize=9)
    return fig


def issue_distributions(values, *, ax=None):
    """Histograms of one issue's value per model (``values``: columns ``model``,
    ``value``, ``issue``)."""
    fig, ax = _ax(ax, (6.5, 4.0))
    for model, rows in values.groupby("model", sort=False):
        ax.hist(rows["value"], bins=30, alpha=0.5, label=model, density=True)
    ax.set_xlabel(f"{values['issue'].iloc[0]} (deal or no deal)")
    ax.set_ylabel("density")
    ax.legend(fontsize=7)
    return fig


def agreement_curve(by_date, *, ax=None):
    """Probability of an agreement by each date, per model."""
    import datetime as dt

    fig, ax = _ax(ax, (6.5, 4.0))
    for model, rows in by_date.groupby("model", sort=False):
        dates = [dt.date.fromisoformat(d) for d in rows["date"]]
        ax.step(dates, rows["probability"], where="post", label=model)
    ax.set_ylim(0, 1)
    ax.set_ylabel("P(agreement by date)")
    ax.legend(fontsize=7)
    fig.autofmt_xdate()
    return fig
