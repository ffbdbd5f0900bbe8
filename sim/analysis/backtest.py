"""Backtests: where what happened falls in what each model predicted, and proper scores.

Each model's predictive distribution (:class:`sim.analysis.forecast.Predictive`) comes
either from a fresh evaluation over the sweep sampler's draws (:func:`predict`) or from a
stored ``forecast.json`` (:func:`sim.analysis.forecast.read_forecast`); the same
:func:`score` reads both, so a stored forecast scores exactly as it did when it was made.

For every observed issue and model (:mod:`sim.analysis.scores`): its percentile in the
predictive sample, whether it lies in the central 50 % and 90 % bands, whether it lies
beyond every draw (reported as such: the observation is never clipped), the CRPS of
continuous and discrete issues (also divided by the issue's span, to average across
issues), the probability given to what happened and its Brier and log scores (yes/no
issues; the log score for discrete levels too); then the events *agreement at all* and
*agreement by the observed date* (Brier and log scores; the latter only for models that
date their deal).  :func:`model_table` ranks the models; :func:`coverage_curve` gives the
share of observations inside each central band, the calibration plot's points.
"""

from __future__ import annotations

import numpy as np

from sim.analysis import scores as S

__all__ = ["LEVELS", "coverage_curve", "model_table", "observed_number", "predict", "score"]

#: Central band levels of the coverage (calibration) curve.
LEVELS = (*tuple(np.round(np.arange(0.1, 1.0, 0.1), 2)), 0.95)
NO_TIMING = "this model says whether there is a deal, not when"


def predict(loaded, *, samples: int, seed: int | None, models, method: str = "lhs"):
    """The design (the sweep sampler's: :func:`sim.analysis.design.make_design`) and the
    records of ``models`` over its draws (:func:`sim.analysis.evaluate.evaluate`)."""
    from sim.analysis.design import make_design
    from sim.analysis.evaluate import evaluate

    design = make_design(loaded, method=method, samples=samples, seed=seed)
    return design, evaluate(loaded, design.draws(), models=models)


def observed_number(issue, value) -> float:
    """An observed setting as the number the predictive sample holds (a level's value)."""
    if issue.kind == "continuous":
        return float(value)
    return float(issue.level_list()[int(issue.coordinate(value))].value)


def _span(issue) -> float:
    if issue.kind == "continuous":
        return float(issue.range[1] - issue.range[0])
    values = [lv.value for lv in issue.level_list()]
    return float(max(values) - min(values)) or 1.0


def _issue_row(p, issue, item) -> dict:
    x = p.issues[issue.id]
    y = observed_number(issue, item.value)
    row: dict = {"kind": issue.kind, "observed": str(item.value), "value": y,
                 "source": item.source}
    q = np.quantile(x, [0.05, 0.25, 0.5, 0.75, 0.95])
    row.update(zip(("p05", "p25", "median", "p75", "p95"), map(float, q), strict=True))
    row["percentile"] = S.percentile(x, y)
    for level in S.BANDS if issue.kind != "binary" else ():  # yes/no: scored by probability
        lo, hi = S.band(x, level, discrete=issue.kind != "continuous")
        row[f"in_{round(level * 100)}"] = bool(lo <= y <= hi)
    row["outside"] = S.where(x, y)
    if issue.kind == "continuous" and not issue.range[0] <= y <= issue.range[1]:
        row["note"] = (f"outside the issue's range [{issue.range[0]:g}, {issue.range[1]:g}]: "
                       "no model of this scenario could predict it")
    if issue.kind != "binary":
        row["crps"] = S.crps(x, y)
        row["crps_scaled"] = row["crps"] / _span(issue)
    prob = float(np.mean(x == y))
    row["probability"] = prob if issue.kind != "continuous" else np.nan
    if issue.kind == "binary":
        p_yes = float(np.mean(x == 1.0))
        row["brier"] = S.brier(p_yes, y == 1.0)
    if issue.kind != "continuous":
        row["log_score"] = S.log_score(prob, True, len(x))
    return row


def _event_row(p, name: str, prob, happened: bool, note: str = "") -> dict:
    row: dict = {"observation": name, "kind": "event", "observed": "yes" if happened else "no",
                 "value": float(happened), "note": note}
    if prob is None:
        row["probability"] = np.nan
        row["note"] = NO_TIMING
        return row
    row["probability"] = prob if happened else 1 - prob
    row["brier"] = S.brier(prob, happened)
    row["log_score"] = S.log_score(prob, happened, p.n)
    return row


def score(preds: dict, observed, scenario):
    """One row per (model, observation): see the module docstring.

    Parameters
    ----------
    preds : dict
        Model -> :class:`sim.analysis.forecast.Predictive`.
    observed : sim.scenario.observed.Observed
    scenario : Scenario

    Returns
    -------
    pandas.DataFrame
        Columns ``model, observation, kind, observed, value, median, p05 ... p95,
        percentile, in_50, in_90, outside, crps, crps_scaled, probability, brier,
        log_score, source, note``.
    """
    import pandas as pd

    columns = ["model", "observation", "kind", "observed", "value", "median", "p05", "p25",
               "p75", "p95", "percentile", "in_50", "in_90", "outside", "crps", "crps_scaled",
               "probability", "brier", "log_score", "source", "note"]
    ag = observed.agreement
    rows = []
    for model, p in preds.items():
        if p.n == 0:
            rows.append({"model": model, "observation": "agreement", "kind": "event",
                         "note": "the model did not run on any draw"})
            continue
        for issue_id, item in observed.issues.items():
            issue = scenario.issue(issue_id)
            if issue_id not in p.issues:
                continue
            rows.append({"model": model, "observation": issue_id,
                         **_issue_row(p, issue, item)})
        rows.append({"model": model, **_event_row(p, "agreement", p.p_agreement, ag.reached),
                     "source": ag.source})
        rows.append({"model": model, "source": ag.source,
                     **_event_row(p, f"agreement by {ag.date}", p.by_date(ag.date),
                                  ag.reached)})
    out = pd.DataFrame(rows)
    for c in columns:
        if c not in out.columns:
            out[c] = np.nan
    for c in ("note", "outside"):
        out[c] = out[c].astype(object).where(out[c].notna(), "")
    return out[columns]


def model_table(scored, preds: dict):
    """Per model: draws, observations, share inside the 50 % / 90 % bands, mean scaled
    CRPS, mean Brier and log scores, and the rank of each (1 = best; ties share a rank),
    sorted by the mean of the ranks."""
    import pandas as pd

    rows = []
    for model, part in scored.groupby("model", sort=False):
        issues = part[part["kind"] != "event"]
        banded = issues[issues["kind"] != "binary"]
        p = preds[model]
        rows.append({
            "model": model, "draws": p.n,
            "observations": len(issues) + int(part["probability"].notna()[
                part["kind"] == "event"].sum()),
            "in_50": float(banded["in_50"].astype(float).mean()) if len(banded) else np.nan,
            "in_90": float(banded["in_90"].astype(float).mean()) if len(banded) else np.nan,
            "outside_all": int((issues["outside"] != "").sum()),
            "crps_scaled": float(part["crps_scaled"].mean()),
            "brier": float(part["brier"].mean()),
            "log_score": float(part["log_score"].mean()),
            "timing": "not run" if not p.n else "dated" if p.dates is not None else "no timing",
        })
    table = pd.DataFrame(rows)
    ranks = []
    for col in ("crps_scaled", "brier", "log_score"):
        table[f"rank_{col}"] = table[col].rank(method="min")
        ranks.append(f"rank_{col}")
    table["rank"] = table[ranks].mean(axis=1, skipna=True).rank(method="min")
    return table.sort_values(["rank", "model"], kind="stable").reset_index(drop=True)


def coverage_curve(preds: dict, observed, scenario):
    """Per model and central band level (:data:`LEVELS`): the share of the observed
    continuous and discrete issues inside the band (a calibrated model's share is close to
    the level over many observations)."""
    import pandas as pd

    rows = []
    items = [(scenario.issue(i), v) for i, v in observed.issues.items()]
    items = [(issue, v) for issue, v in items if issue.kind != "binary"]
    for model, p in preds.items():
        got = [(p.issues[i.id], observed_number(i, v.value), i.kind != "continuous")
               for i, v in items if i.id in p.issues and p.n]
        if not got:
            continue
        for level in LEVELS:
            bands = [(S.band(x, level, discrete=d), y) for x, y, d in got]
            inside = [lo <= y <= hi for (lo, hi), y in bands]
            rows.append({"model": model, "level": float(level),
                         "coverage": float(np.mean(inside)), "observations": len(got)})
    return pd.DataFrame(rows, columns=["model", "level", "coverage", "observations"])
