"""What the sweep predicts, and where: outcome distributions, agreement by date, and
scenario discovery with PRIM.

Scenario discovery (Bryant & Lempert 2010, *Technol. Forecast. Soc. Change* 77:34-49)
looks for the box of assumptions in which a stated outcome happens, using the Patient Rule
Induction Method (Friedman & Fisher 1999, *Statistics and Computing* 9:123-143) of the
``prim`` package: *coverage* is the share of the draws with the outcome that lie in the
box, *density* the share of the draws in the box that have the outcome.
"""

from __future__ import annotations

import re

import numpy as np

from sim.analysis.sensitivity import outcome_values

__all__ = ["agreement_by_date", "condition_mask", "discover", "issue_summary"]

_CONDITION = re.compile(r"^\s*([^\s<>=!]+)\s*(>=|<=|==|!=|>|<)\s*(.+?)\s*$")


def condition_mask(table, scenario, condition: str) -> np.ndarray:
    """Rows of ``table`` where ``"COLUMN OP VALUE"`` holds (OP one of ``>= <= == != > <``).

    A numeric VALUE compares the outcome's number (:func:`outcome_values`: an issue's value
    with or without a deal); any other VALUE compares the column's text
    (``status == no_agreement``, ``agreement.rice == none``).

    Raises
    ------
    ValueError
        On a malformed condition or an unknown column.
    """
    import operator

    m = _CONDITION.match(condition)
    if not m:
        raise ValueError(f"condition {condition!r}: expected COLUMN OP VALUE, e.g. "
                         "'agreement.car_tariff >= 10' or 'status == no_agreement'")
    column, op, value = m.groups()
    value = value.strip("'\"")
    ops = {">=": operator.ge, "<=": operator.le, "==": operator.eq, "!=": operator.ne,
           ">": operator.gt, "<": operator.lt}
    try:
        number = float(value)
    except ValueError:
        number = None
    if number is not None and (column == "agreed" or column in table.columns):
        return ops[op](outcome_values(table, scenario, column), number)
    if column not in table.columns:
        raise ValueError(f"condition {condition!r}: no column {column!r}")
    if op not in ("==", "!="):
        raise ValueError(f"condition {condition!r}: {op} needs a number")
    return ops[op](table[column].astype(str).to_numpy(), value)


def discover(table, design, scenario, condition: str, *, model: str, threshold: float = 0.8):
    """The box of drawn inputs in which ``condition`` holds, found by PRIM.

    Parameters
    ----------
    table : pandas.DataFrame
        A sweep's table.
    design : sim.analysis.design.Design
        Its design (the inputs are the factors', or the grid's, paths).
    condition : str
        See :func:`condition_mask`.
    model : str
    threshold : float
        Density PRIM peels towards (``prim.Prim``'s ``threshold``).

    Returns
    -------
    pandas.DataFrame
        One row per restricted input: ``parameter, min, max`` of the box, with the box's
        ``coverage``, ``density`` and ``mass`` (share of all draws) repeated on every row;
        no rows when no box reaches the threshold or the condition never holds.
    """
    import pandas as pd
    import prim

    rows = table[table["model"] == model].sort_values("draw", kind="stable")
    paths = [f.path for f in design.factors] or [p for p, _ in design.grid]
    x = pd.DataFrame({p: rows[p].to_numpy(dtype=float) for p in paths})
    y = condition_mask(rows, scenario, condition)
    columns = ["model", "condition", "parameter", "min", "max", "coverage", "density", "mass"]
    if not y.any():
        return pd.DataFrame(columns=columns)
    box = prim.Prim(x, y, threshold=threshold, threshold_type=">").find_box()
    if box is None:
        return pd.DataFrame(columns=columns)
    limits = box.limits
    return pd.DataFrame({"model": model, "condition": condition,
                         "parameter": list(limits.index),
                         "min": limits["min"].to_numpy(dtype=float),
                         "max": limits["max"].to_numpy(dtype=float),
                         "coverage": float(box.coverage), "density": float(box.density),
                         "mass": float(box.mass)}, columns=columns)


def issue_summary(table, scenario):
    """Per model and issue: share of draws with a deal, and the mean and quantiles of the
    issue's value that holds (deal or no deal, :func:`outcome_values`)."""
    import pandas as pd

    out = []
    for model, rows in table.groupby("model", sort=False):
        agreed = float((rows["status"] == "ok").mean())
        for issue in scenario.issues:
            col = f"agreement.{issue.id}"
            if col not in rows.columns:
                continue
            v = outcome_values(rows, scenario, col)
            q = np.quantile(v, [0.05, 0.25, 0.5, 0.75, 0.95])
            out.append({"model": model, "issue": issue.id, "p_agreement": agreed,
                        "mean": float(v.mean()), "p05": q[0], "p25": q[1], "median": q[2],
                        "p75": q[3], "p95": q[4]})
    return pd.DataFrame(out)


def agreement_by_date(table, scenario):
    """Probability of an agreement by each calendar date (rounds, deadlines, events and
    every agreement date drawn), for models that report ``agreement_date``."""
    import pandas as pd

    if "agreement_date" not in table.columns:
        return pd.DataFrame(columns=["model", "date", "probability"])
    cal = scenario.calendar
    dates = {str(x.date) for x in (*cal.rounds, *cal.deadlines, *cal.events)}
    out = []
    for model, rows in table.groupby("model", sort=False):
        when = rows["agreement_date"].where(rows["status"] == "ok")
        if when.isna().all():
            continue
        seen = dates | {str(d) for d in when.dropna()}
        when = np.array([str(d) if isinstance(d, str) else "9999" for d in when], dtype=object)
        for d in sorted(seen):
            ok = when <= d  # ISO dates order as text; no deal sorts last
            out.append({"model": model, "date": d, "probability": float(ok.mean())})
    return pd.DataFrame(out, columns=["model", "date", "probability"])
