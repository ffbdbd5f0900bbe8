"""Calibration by approximate Bayesian computation (ABC) with rejection.

The prior is the sweep sampler's distribution of the scenario's uncertain numbers (its
``uncertainty:`` section or declared ranges); a draw is *accepted* when the model's outcome
in that draw reproduces the observation within a tolerance (Pritchard et al. 1999, *Mol.
Biol. Evol.* 16:1791-1798; Beaumont, Zhang & Balding 2002, *Genetics* 162:2025-2035):

* every observed continuous issue within ``tolerance`` times the issue's span of the
  observed value, and every observed discrete or yes/no issue at the observed level (the
  value that holds: the deal's, or the no-deal outcome's);
* an agreement when one was reached (for a model that dates its deal: on or before the
  observed date), none when the talks broke down (for a dated model: none by that date).

The accepted draws are a sample of the approximate posterior.  For every drawn parameter,
:func:`calibrate` reports the prior and posterior ranges and 5-95 % intervals, how much the
interval narrowed, and the Kolmogorov-Smirnov distance between posterior and prior samples
(:func:`scipy.stats.ks_2samp`; 0: the observation says nothing about it, 1: it moved
entirely); the parameters are ranked by it.  ``reading`` says what every accepted draw has
in common ("at least Y", "at most Y").

Sequential Monte Carlo ABC (``pyabc``) was not used: it would add a database server
client, SQLAlchemy and scikit-learn to the install and call the model one draw at a time,
where rejection reuses the batched evaluation of every draw.
"""

from __future__ import annotations

import numpy as np

__all__ = ["accepted", "calibrate"]

#: A posterior bound counts as informative when it moves by this share of the prior's span.
INFORMATIVE = 0.05


def accepted(rows, observed, scenario, *, tolerance: float) -> np.ndarray:
    """Boolean mask of the rows (one model's records) that reproduce the observation."""
    from sim.analysis.backtest import observed_number
    from sim.analysis.sensitivity import outcome_values

    ok = (rows["status"] == "ok").to_numpy()
    keep = rows["status"].to_numpy() != "not_run"
    ag = observed.agreement
    dated = "agreement_date" in rows.columns and rows["agreement_date"][ok].notna().any()
    if dated:
        day = str(ag.date)
        when = np.array([str(d) if isinstance(d, str) else "9999" for d in
                         rows["agreement_date"]], dtype=object)
        by = ok & (when <= day)
        keep &= by if ag.reached else ~by
    else:
        keep &= ok if ag.reached else ~ok
    for issue_id, item in observed.issues.items():
        issue = scenario.issue(issue_id)
        v = outcome_values(rows, scenario, f"agreement.{issue_id}")
        y = observed_number(issue, item.value)
        if issue.kind == "continuous":
            span = issue.range[1] - issue.range[0]
            keep &= np.abs(v - y) <= tolerance * span
        else:
            keep &= v == y
    return keep


def _reading(lo, hi, plo, phi) -> str:
    span = phi - plo
    up, down = lo - plo > INFORMATIVE * span, phi - hi > INFORMATIVE * span
    if up and down:
        return f"between {lo:.3g} and {hi:.3g}"
    if up:
        return f"at least {lo:.3g}"
    if down:
        return f"at most {hi:.3g}"
    return "not constrained"


def calibrate(table, factors, observed, scenario, *, tolerance: float = 0.05):
    """Posterior against prior of every drawn parameter, per model.

    Parameters
    ----------
    table : pandas.DataFrame
        Records over the prior's draws (one row per draw and model), with the drawn paths
        as columns (:func:`sim.analysis.backtest.predict`).
    factors : sequence of sim.analysis.design.Factor
        The drawn parameters (their declared support is the prior range).
    observed : sim.scenario.observed.Observed
    tolerance : float
        Share of a continuous issue's span within which a draw counts as reproducing it.

    Returns
    -------
    pandas.DataFrame
        One row per (model, parameter): ``accepted`` (draws kept), ``draws``,
        ``prior_lo, prior_hi`` (the support), ``prior_p05, prior_p95``, ``post_min,
        post_max, post_p05, post_median, post_p95``, ``narrowing`` (1 - posterior 5-95 %
        width / prior's), ``ks`` and ``rank`` (1: moved most), ``reading``; posterior
        columns are NaN when no draw is accepted.
    """
    import pandas as pd
    from scipy import stats

    rows = []
    for model, part in table.groupby("model", sort=False):
        keep = accepted(part, observed, scenario, tolerance=tolerance)
        for f in factors:
            prior = part[f.path].to_numpy(dtype=float)
            post = prior[keep]
            pq = np.quantile(prior, [0.05, 0.95])
            row = {"model": model, "parameter": f.path, "accepted": int(keep.sum()),
                   "draws": len(part), "prior_lo": f.lo, "prior_hi": f.hi,
                   "prior_p05": pq[0], "prior_p95": pq[1]}
            if len(post):
                q = np.quantile(post, [0.05, 0.5, 0.95])
                width = pq[1] - pq[0]
                row.update(post_min=post.min(), post_max=post.max(), post_p05=q[0],
                           post_median=q[1], post_p95=q[2],
                           narrowing=1 - (q[2] - q[0]) / width if width > 0 else 0.0,
                           ks=float(stats.ks_2samp(post, prior).statistic),
                           reading=_reading(post.min(), post.max(), f.lo, f.hi))
            elif (part["status"] == "not_run").all():
                row["reading"] = "the model did not run on these draws"
            else:
                row["reading"] = "no draw reproduces the observation: widen the tolerance " \
                                 "or add draws"
            rows.append(row)
    out = pd.DataFrame(rows)
    cols = ["post_min", "post_max", "post_p05", "post_median", "post_p95", "narrowing", "ks"]
    for c in cols:
        if c not in out.columns:
            out[c] = np.nan
    if len(out):
        out["rank"] = out.groupby("model")["ks"].rank(ascending=False, method="min")
        out = out.sort_values(["model", "rank"], kind="stable", na_position="last")
    return out.reset_index(drop=True)
