"""Figures of a backtest: they read its tables and predictive samples, never solve.

* :func:`predictive` -- one issue: each model's draws, its central 50 % and 90 % bands and
  median, and the observation as a vertical line (the axis always reaches it);
* :func:`coverage` -- the calibration plot: share of observations inside each central band
  against the band's level (a calibrated model lies near the diagonal);
* :func:`agreement_by_date` -- each dated model's probability of a deal by each day, with
  the observed date;
* :func:`posterior` -- ABC calibration of one model: prior and posterior range of each
  parameter, scaled to the prior's support.
"""

from __future__ import annotations

import numpy as np

__all__ = ["agreement_by_date", "coverage", "posterior", "predictive"]


def _figure(rows: int, width: float = 7.5):
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=(width, 1.6 + 0.6 * max(rows, 1)))


def predictive(preds: dict, issue_id: str, value: float, *, label: str = "", ax=None):
    """Each model's predictive sample of one issue with the observed ``value`` marked."""
    if ax is None:
        fig, ax = _figure(len(preds))
    else:
        fig = ax.figure
    rng = np.random.default_rng(0)  # jitter of the dots only
    names = [m for m, p in preds.items() if issue_id in p.issues and p.n]
    lo, hi = value, value
    for k, m in enumerate(names):
        x = np.asarray(preds[m].issues[issue_id], dtype=float)
        q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
        ax.scatter(x, k + rng.uniform(-0.18, 0.18, len(x)), s=6, alpha=0.25, color="tab:blue",
                   linewidths=0)
        ax.hlines(k, q[0], q[4], color="black", lw=1.2, label="90 % band" if k == 0 else None)
        ax.hlines(k, q[1], q[3], color="black", lw=4.5, label="50 % band" if k == 0 else None)
        ax.plot([q[2]], [k], "o", color="white", mec="black", ms=6)
        lo, hi = min(lo, x.min()), max(hi, x.max())
    ax.axvline(value, color="tab:red", lw=2, label=f"observed {label or value:}")
    pad = 0.05 * (hi - lo or 1.0)
    ax.set_xlim(lo - pad, hi + pad)
    ax.set_yticks(range(len(names)), names)
    ax.set_ylim(-0.6, len(names) - 0.4)
    ax.set_xlabel(issue_id)
    ax.set_title(f"Predictive distribution of {issue_id} and what happened")
    ax.legend(loc="best", fontsize=8)
    fig.tight_layout()
    return fig


def coverage(curve, ax=None):
    """Share of observations inside each central band against its level, per model."""
    if ax is None:
        import matplotlib

        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7.5, 5))
    else:
        fig = ax.figure
    ax.plot([0, 1], [0, 1], color="grey", ls="--", lw=1, label="calibrated")
    for model, part in curve.groupby("model", sort=False):
        ax.plot(part["level"], part["coverage"], "o-", ms=4, label=model)
    n = int(curve["observations"].max()) if len(curve) else 0
    ax.set_xlim(0, 1)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("central band of the predictive distribution (level)")
    ax.set_ylabel(f"share of the {n} observations inside it")
    ax.set_title("Calibration: observations inside each band")
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig


def agreement_by_date(preds: dict, observed_date, reached: bool, *, start=None, ax=None):
    """Probability of a deal by each day (from ``start``, the as-of date) for the models
    that date their deal (None if no model does)."""
    dated = {m: p for m, p in preds.items() if p.dates is not None and p.n}
    if not dated:
        return None
    import datetime as dt

    if ax is None:
        fig, ax = _figure(4)
    else:
        fig = ax.figure
    day = dt.date.fromisoformat(str(observed_date))
    for model, p in dated.items():
        days = sorted(set(p.dates) | {str(day)} | ({str(start)} if start else set()))
        xs = [dt.date.fromisoformat(d) for d in days]
        ax.step(xs, [p.by_date(d) for d in days], where="post", label=model)
    what = "agreement" if reached else "breakdown"
    ax.axvline(day, color="tab:red", lw=2, label=f"observed {what} ({day})")
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("probability of a deal by then")
    ax.set_title("Agreement by date: forecast and what happened")
    ax.legend(fontsize=8)
    fig.autofmt_xdate()
    fig.tight_layout()
    return fig


def posterior(calibration, model: str, *, top: int = 12, ax=None):
    """Prior (grey) and posterior (range: thin; 5-95 %: thick) of the parameters that moved
    most under one model, each scaled to its prior support (None if nothing accepted)."""
    part = calibration[(calibration["model"] == model) & calibration["ks"].notna()]
    part = part.sort_values("rank", kind="stable").head(top)
    if part.empty:
        return None
    if ax is None:
        fig, ax = _figure(len(part), width=8)
    else:
        fig = ax.figure
    span = (part["prior_hi"] - part["prior_lo"]).to_numpy()
    span = np.where(span > 0, span, 1.0)

    def scaled(col):
        return (part[col].to_numpy() - part["prior_lo"].to_numpy()) / span

    ys = np.arange(len(part))[::-1]
    ax.hlines(ys, 0, 1, color="lightgrey", lw=8, label="prior support")
    ax.hlines(ys, scaled("post_min"), scaled("post_max"), color="tab:blue", lw=1.5,
              label="posterior range")
    ax.hlines(ys, scaled("post_p05"), scaled("post_p95"), color="tab:blue", lw=5,
              label="posterior 5-95 %")
    ax.set_yticks(ys, list(part["parameter"]), fontsize=7)
    for y, reading in zip(ys, part["reading"], strict=True):
        ax.text(0.5, y + 0.28, reading, ha="center", va="bottom", fontsize=7, color="dimgrey")
    ax.set_xlim(-0.02, 1.02)
    ax.set_ylim(-0.6, len(part) - 0.2)
    ax.set_xlabel("position in the prior support (0 = low end, 1 = high end)")
    ax.set_title(f"What explains the observation under {model}\n"
                 f"({int(part['accepted'].iloc[0])} of {int(part['draws'].iloc[0])} draws "
                 "reproduce it)", fontsize=10)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    return fig
