"""Which assumptions drive the answer: Sobol' indices, Morris screening, tornado, grids.

Every function takes a sweep's table (one row per draw and model, see
:mod:`sim.analysis.sweep`) and returns a pandas DataFrame.  Outcomes are numbers per draw
(:func:`outcome_values`): ``agreed`` (1 with a deal, 0 without), ``agreement.<issue>`` (the
value that holds: the deal's, or the no-deal outcome's after every dated change, with a
discrete issue's level as its numeric value), ``gain.<party>`` (0 without a deal),
``payoff.<party>`` (the no-deal payoff without a deal), or any numeric record column.
"""

from __future__ import annotations

import numpy as np

__all__ = ["grid_means", "morris_indices", "outcome_values", "sobol_indices", "tornado"]


def _no_deal_value(scenario, issue_id: str) -> float:
    dis = scenario.disagreement
    setting = dis.outcome[issue_id]
    for change in dis.changes:
        setting = change.outcome.get(issue_id, setting)
    return _numeric(scenario.issue(issue_id), setting)


def _numeric(issue, setting) -> float:
    if issue.kind == "continuous":
        return float(setting)
    return float(issue.level_list()[int(issue.coordinate(setting))].value)


def outcome_values(table, scenario, outcome: str) -> np.ndarray:
    """One number per row of ``table`` for ``outcome`` (see the module docstring).

    Raises
    ------
    ValueError
        On an outcome that is no column of the table or not numeric.
    """
    import pandas as pd

    if outcome == "agreed":
        return (table["status"] == "ok").to_numpy(dtype=float)
    if outcome not in table.columns:
        cols = [c for c in table.columns if c.startswith(("agreement.", "gain.", "payoff."))]
        raise ValueError(f"no outcome {outcome!r}; outcomes: agreed, {', '.join(cols)}")
    col = table[outcome]
    ok = (table["status"] == "ok").to_numpy()
    if outcome.startswith("agreement."):
        issue = scenario.issue(outcome.split(".", 1)[1])
        fallback = _no_deal_value(scenario, issue.id)
        if issue.kind == "continuous":
            v = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
        else:
            by_label = {lv.label: float(lv.value) for lv in issue.level_list()}
            v = col.map(by_label).to_numpy(dtype=float)  # NaN: no such level
        return np.where(ok & np.isfinite(v), v, fallback)
    v = pd.to_numeric(col, errors="coerce").to_numpy(dtype=float)
    if outcome.startswith("gain."):
        return np.where(ok, v, 0.0)
    if outcome.startswith("payoff."):
        return np.where(ok, v, table[f"disagreement.{outcome.split('.', 1)[1]}"].to_numpy())
    if not np.isfinite(v).all():
        raise ValueError(f"outcome {outcome!r} is missing in some draws")
    return v


def _model_rows(table, model: str):
    rows = table[table["model"] == model].sort_values("draw", kind="stable")
    if rows.empty:
        raise ValueError(f"no rows of model {model!r} in the sweep")
    return rows


def sobol_indices(table, design, scenario, *, model: str, outcome: str, seed: int = 0):
    """First-order and total Sobol' indices with 95 % bootstrap intervals.

    Saltelli et al. (2010, *Comput. Phys. Commun.* 181:259-270) estimators through
    :func:`SALib.analyze.sobol.analyze`, on a ``sobol`` design's rows.

    Returns
    -------
    pandas.DataFrame
        ``parameter, S1, S1_conf, ST, ST_conf`` (all zero when the outcome never varies).
    """
    import pandas as pd
    from SALib.analyze import sobol

    if design.method != "sobol":
        raise ValueError("Sobol' indices need a sweep with --method sobol")
    y = outcome_values(_model_rows(table, model), scenario, outcome)
    names = [f.path for f in design.factors]
    if np.ptp(y) == 0:
        z = np.zeros(len(names))
        res = {"S1": z, "S1_conf": z, "ST": z, "ST_conf": z}
    else:
        res = sobol.analyze(design.problem, y, calc_second_order=False, seed=seed)
    return pd.DataFrame({"model": model, "outcome": outcome, "parameter": names,
                         **{k: np.asarray(res[k], dtype=float)
                            for k in ("S1", "S1_conf", "ST", "ST_conf")}})


def morris_indices(table, design, scenario, *, model: str, outcome: str, seed: int = 0):
    """Morris elementary effects: ``mu``, ``mu_star`` (mean absolute effect, Campolongo,
    Cariboni & Saltelli 2007), ``sigma`` and ``mu_star_conf`` (:func:`SALib.analyze.morris`).
    Effects are per unit of the design's ``[0, 1]`` scale (the quantile of each input)."""
    import pandas as pd
    from SALib.analyze import morris

    from sim.analysis.design import MORRIS_LEVELS

    if design.method != "morris":
        raise ValueError("Morris screening needs a sweep with --method morris")
    y = outcome_values(_model_rows(table, model), scenario, outcome)
    res = morris.analyze(design.problem, design.points, y, num_levels=MORRIS_LEVELS, seed=seed)
    return pd.DataFrame({"model": model, "outcome": outcome,
                         "parameter": [f.path for f in design.factors],
                         **{k: np.asarray(res[k], dtype=float)
                            for k in ("mu", "mu_star", "sigma", "mu_star_conf")}})


def tornado(loaded, factors, *, model: str, outcome: str):
    """One-at-a-time swings: each factor at the ends of its support, the others at the
    scenario's values (tied paths move with their lead).

    Returns
    -------
    pandas.DataFrame
        ``parameter, low, high, outcome_low, outcome_high, base, swing``, largest swing first.
    """
    import pandas as pd

    from sim.analysis.evaluate import evaluate
    from sim.analysis.parameters import lookup

    sc = loaded.scenario
    paths = [p for f in factors for p in (f.path, *f.followers)]
    base = {p: float(getattr(lookup(sc, p), "value", lookup(sc, p))) for p in paths}
    rows = [dict(base)]
    for f in factors:
        for end in (f.lo, f.hi):
            rows.append({**base, **{p: end for p in (f.path, *f.followers)}})
    out = evaluate(loaded, pd.DataFrame(rows), models=[model])
    y = outcome_values(out, sc, outcome)
    lo, hi = y[1::2], y[2::2]
    frame = pd.DataFrame({"model": model, "outcome": outcome,
                          "parameter": [f.path for f in factors],
                          "low": [f.lo for f in factors], "high": [f.hi for f in factors],
                          "outcome_low": lo, "outcome_high": hi, "base": y[0],
                          "swing": np.abs(hi - lo)})
    return frame.sort_values("swing", ascending=False, kind="stable").reset_index(drop=True)


def grid_means(table, design, scenario, *, model: str, outcome: str):
    """Mean outcome at each point of a grid sweep: one column per grid path, then
    ``value`` (a long table; pivot two paths for a heatmap)."""
    import pandas as pd

    if not design.grid:
        raise ValueError("grid means need a sweep with --grid")
    rows = _model_rows(table, model)
    frame = pd.DataFrame({p: rows[p].to_numpy() for p, _ in design.grid})
    frame["value"] = outcome_values(rows, scenario, outcome)
    out = frame.groupby([p for p, _ in design.grid], sort=True).mean().reset_index()
    out.insert(0, "outcome", outcome)
    out.insert(0, "model", model)
    return out
