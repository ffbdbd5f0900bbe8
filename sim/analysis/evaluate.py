"""Batched evaluation: one scenario, a table of parameter draws, one record per draw and model.

``evaluate(scenario, draws, models=...)`` checks each column of ``draws`` once
(:func:`sim.analysis.parameters.check_columns`), then

* compiles the payoffs of all draws as arrays (:mod:`sim.analysis.batch_values`) when the
  draws change numbers only (payoffs, disagreement, model options, calendar), and solves
  the four axiomatic models as arrays over draws (:mod:`sim.analysis.batch_axiomatic`,
  polished on the true trade functions by :mod:`sim.analysis.batch_polish`) when their
  draws change only payoff and disagreement numbers;
* solves ``rubinstein``, ``deadline`` and ``private_information`` over draws on each draw's
  convex frontier built without cells (:mod:`sim.analysis.batch_dynamic`), and
  ``two_level``'s record from its ratifiable deal alone (:mod:`sim.analysis.batch_two_level`);
  the draws they do not settle go to the per-draw path below;
* runs every other model per draw through :mod:`sim.registry` on the batch-compiled value
  functions and the scenario patched with ``model_copy``
  (:func:`sim.analysis.parameters.patch_scenario`): no YAML, no pydantic validation, no
  reference checks; when a draw changes the structure (an issue's range), the payoffs are
  compiled per draw too.

Records are flat rows of scalars: ``draw``, the input columns, ``model``, ``status``
(``"ok"``, ``"no_agreement"``, ``"not_run"``), ``agreement.<issue>`` (float for a continuous
issue, level label for a discrete one; NaN/None without agreement), ``payoff.<party>``,
``disagreement.<party>``, ``gain.<party>``.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from sim.analysis.batch_trade import Params
from sim.analysis.parameters import check_columns, patch_scenario
from sim.errors import UnknownModelError
from sim.scenario.loader import LoadedScenario, load_scenario

__all__ = ["evaluate"]

#: Models whose answer depends only on the payoffs and the disagreement point.
AXIOMATIC = ("nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian")
#: Solved as arrays over draws (:func:`sim.analysis.batch_axiomatic.solve_batch`).
BATCHED = AXIOMATIC
#: Solved over draws where they can be (:mod:`sim.analysis.batch_dynamic`,
#: :mod:`sim.analysis.batch_two_level`), else per draw.
DYNAMIC = ("rubinstein", "deadline", "private_information", "two_level")
#: Models run per draw on a utility set (its reduction is made for CHUNK_CELLS draws at once).
CELLS = (*AXIOMATIC, *DYNAMIC)
CHUNK_CELLS = 64
#: Models that polish their answers on the true value functions (``values.smooth``).
POLISHED = (*AXIOMATIC, "rubinstein")
#: Sections whose drawn numbers leave the payoffs' structure alone (payoffs compiled as arrays).
_NUMBERS = ("payoffs.", "disagreement.", "models.", "calendar.")


def _options(scenario, name: str):
    from sim import registry

    options = getattr(scenario.models, name, None)
    return options if options is not None else registry.options_class(name)()


def _affects(path: str, model: str) -> bool:
    """Whether a drawn number can change an axiomatic model's answer."""
    return not (
        path.startswith("calendar.")
        or (path.startswith("models.") and not path.startswith(f"models.{model}."))
    )


def _changes_included(scenario, at) -> list[int]:
    changes = scenario.disagreement.changes
    if at == "final":
        return list(range(len(changes)))
    when = scenario.as_of if at == "as_of" else at
    assert isinstance(when, dt.date)
    return [k for k, c in enumerate(changes) if c.date <= when]


def _disagreement(scenario, values, params: Params, at) -> np.ndarray:
    """(N, P) disagreement payoffs: the no-deal outcome's payoffs plus adjustments
    (as :meth:`sim.space.OutcomeSpace.disagreement_point`)."""
    from sim.space import OutcomeSpace

    coords = OutcomeSpace(scenario, values=None).disagreement_outcome(at)  # type: ignore[arg-type]
    u = values.evaluate(coords)
    dis = scenario.disagreement
    adj = np.zeros_like(u)
    for i, c in enumerate(scenario.party_codes):
        if c in dis.adjustments:
            adj[:, i] += params.get(f"disagreement.adjustments.{c}", dis.adjustments[c])
    for k in _changes_included(scenario, at):
        for i, c in enumerate(scenario.party_codes):
            q = dis.changes[k].adjustments.get(c)
            if q is not None:
                adj[:, i] += params.get(f"disagreement.changes.{k}.adjustments.{c}", q)
    return u + adj


def _batched_columns(scenario, values, solved, d, polish=None) -> dict:
    """Record columns of a batched solution; ``polish(coords, u, d, zone)`` (optional) returns
    them polished on the true value functions (:func:`_polisher`)."""
    from sim.analysis.batch_axiomatic import coordinates

    cols: dict = {"status": np.where(solved.zone, "ok", "no_agreement").astype(object)}
    coords = coordinates(scenario.issues, solved.combo, solved.coords)
    u = values.evaluate(coords)
    if polish is not None:
        coords, u, d = polish(coords, u, d, solved.zone)
    for j, issue in enumerate(scenario.issues):
        if issue.kind == "continuous":
            value = np.round(coords[:, j], 10)
            cols[f"agreement.{issue.id}"] = np.where(solved.zone, value, np.nan)
        else:
            labels = np.array([lv.label for lv in issue.level_list()], dtype=object)
            level = coords[:, j].astype(np.intp)
            cols[f"agreement.{issue.id}"] = np.where(solved.zone, labels[level], None)
    for i, p in enumerate(scenario.party_codes):
        cols[f"payoff.{p}"] = np.where(solved.zone, u[:, i], np.nan)
        cols[f"disagreement.{p}"] = d[:, i]
        cols[f"gain.{p}"] = np.where(solved.zone, u[:, i] - d[:, i], np.nan)
    return cols


def _record(result, scenario) -> dict:
    """Record columns of one model result (``to_record()`` when the result has one)."""
    if hasattr(result, "to_record"):
        return result.to_record()
    r = result.to_dict()
    parties = scenario.party_codes
    out: dict = {}
    agreement = r.get("agreement") if r.get("configured", True) is not False else None
    out["status"] = (
        "not_run" if r.get("configured", True) is False else "ok" if agreement else "no_agreement"
    )
    for issue in scenario.issues:
        missing = np.nan if issue.kind == "continuous" else None
        v = (agreement or {}).get(issue.id, missing)
        out[f"agreement.{issue.id}"] = (
            float(v) if issue.kind == "continuous" and v is not None else v
        )
    pay = r.get("payoffs") or {}
    dis = r.get("disagreement") or {}
    for p in parties:
        u = float(pay[p]) if agreement and p in pay and pay[p] is not None else np.nan
        dv = float(dis[p]) if p in dis and dis[p] is not None else np.nan
        out[f"payoff.{p}"], out[f"disagreement.{p}"], out[f"gain.{p}"] = u, dv, u - dv
    return out


def _with_smooth(vf, scenario):
    """A draw's value functions with the true forms ``sim.run`` polishes on (issue 9)."""
    if scenario.payoffs.model != "trade":
        return vf
    import dataclasses

    from sim.payoffs.trade_values import smooth_functions

    spec = scenario.payoffs
    return dataclasses.replace(
        vf, smooth=smooth_functions(spec, scenario.issues, scenario.party_codes)
    )


def _polisher(sc, values, arrays, name: str, weights, at):
    """``polish(coords, u, d, zone)``: each draw's batched answer polished on its true value
    functions, as ``sim.run`` does (:mod:`sim.analysis.batch_polish`); None when the payoffs
    have no true forms beyond the interpolant."""
    from sim.analysis.batch_polish import polisher, scalar_polisher

    scalar = scalar_polisher(sc, values, arrays, name, weights, at, _with_smooth)
    return polisher(sc, values, arrays, name, weights, at, scalar)


def _per_draw(loaded, name: str, arrays: dict, n: int, values=None, draws=None) -> list[dict]:
    """Records of one model, draw by draw, through the registry (no validation); with
    ``values`` (:class:`~sim.analysis.batch_values.BatchedValues`), on each draw's
    batch-compiled value functions; ``draws``: only these (default: all ``n``)."""
    from sim import registry
    from sim.space import OutcomeSpace

    sc = loaded.scenario
    rows = []
    spaces: dict = {}
    todo = list(range(n)) if draws is None else list(draws)
    smooth = name in POLISHED  # the others never read the true functions
    for pos, k in enumerate(todo):
        if k not in spaces:  # the next chunk, its utility sets reduced together
            chunk = todo[pos : pos + CHUNK_CELLS]
            for c in chunk:
                patched = patch_scenario(sc, {p: v[c] for p, v in arrays.items()})
                if values is not None:
                    vf = values.draw(c)
                    spaces[c] = OutcomeSpace(patched, _with_smooth(vf, patched) if smooth else vf)
                else:
                    spaces[c] = OutcomeSpace.from_scenario(patched)
            if values is not None and name in CELLS:
                OutcomeSpace.prime_cells([spaces[c] for c in chunk])
        space = spaces.pop(k)
        patched = space.scenario
        # a fresh stream per draw: the one `sim.run` gives the model without a seed
        rng = registry.rngs(None)[name]
        result = registry.model(name).run(space, _options(patched, name), rng=rng)
        rows.append(_record(result, patched))
    return rows


def evaluate(scenario: str | Path | LoadedScenario, draws, *, models=None):
    """Evaluate models on many parameter draws of one scenario.

    Parameters
    ----------
    scenario : path or LoadedScenario
    draws : pandas.DataFrame
        Columns are dotted parameter paths (as :func:`sim.modify` takes; see
        :func:`sim.analysis.parameters.declared_parameters`), rows are draws.
    models : str or iterable of str, optional
        Model names; default: those the scenario selects.

    Returns
    -------
    pandas.DataFrame
        One row per (draw, model), draw-major; columns as in the module docstring.

    Raises
    ------
    sim.errors.ScenarioError
        Naming the path of an unknown or non-numeric column or a value outside its range.
    sim.errors.UnknownModelError

    Examples
    --------
    >>> import pandas as pd, sim
    >>> draws = pd.DataFrame({"disagreement.adjustments.US": [0.0, 2.0]})
    >>> out = sim.evaluate("scenarios/japan_us_2025.yaml", draws, models="nash_bargaining")
    >>> out[["draw", "model", "status"]].values.tolist()
    [[0, 'nash_bargaining', 'ok'], [1, 'nash_bargaining', 'ok']]
    """
    import pandas as pd

    from sim.registry import MODELS

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    sc = loaded.scenario
    names = [models] if isinstance(models, str) else list(models or sc.models.selected())
    unknown = [m for m in names if m not in MODELS]
    if unknown:
        raise UnknownModelError(f"no model {unknown[0]!r}; models: {', '.join(MODELS)}")
    from sim.scenario.references import model_party_problems

    too_many = model_party_problems(sc, names)
    if too_many:
        from sim.scenario.loader import scenario_error

        raise scenario_error(loaded.path, [(("parties",), m) for m in too_many])
    arrays = check_columns(loaded, draws)
    n = len(draws)
    frames = []
    # payoffs compiled once for all draws (as arrays) unless a draw changes the structure
    payoff_cols = {p: v for p, v in arrays.items() if p.startswith("payoffs.")}
    structural = any(not p.startswith(_NUMBERS) for p in arrays)
    compiled: dict = {}

    def batch_values():
        if "values" not in compiled:
            from sim.analysis.batch_values import compile_batch

            params = Params(payoff_cols, n)
            values = compile_batch(sc, params)
            usable = all(p in params.used for p in payoff_cols)
            compiled["values"] = values if usable else None
        return compiled["values"]

    inputs = {"draw": np.arange(n)} | {c: draws[c].to_numpy() for c in draws.columns}
    for pos, name in enumerate(names):
        relevant = {p: v for p, v in arrays.items() if _affects(p, name)}
        per = relevant if name in AXIOMATIC else arrays
        values = batch_values() if n and not structural else None
        if values is None:
            recs = _per_draw(loaded, name, arrays, n) if n else []
            cols = pd.DataFrame(recs).to_dict("list") if recs else {}
        elif name in BATCHED and all(p.startswith(("payoffs.", "disagreement.")) for p in per):
            cols = _solve(sc, values, relevant, name)
        elif name in DYNAMIC:
            cols = _dynamic(loaded, values, per, name)
        else:
            cols = pd.DataFrame(_per_draw(loaded, name, per, n, values)).to_dict("list")
        frames.append(pd.DataFrame(inputs | {"model": name, "_pos": pos} | cols))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["draw", "_pos"], kind="stable").drop(columns="_pos")
    return out.reset_index(drop=True)


def _dynamic(loaded, values, arrays: dict, name: str) -> dict:
    """Record columns of an alternating-offers model: the draws
    :mod:`sim.analysis.batch_dynamic` settles, the others per draw (:func:`_per_draw`)."""
    import pandas as pd

    from sim.analysis import batch_dynamic, batch_two_level

    sc = loaded.scenario
    params = Params(arrays, values.n)
    solve = getattr(batch_two_level if name == "two_level" else batch_dynamic, f"{name}_batch")
    recs = solve(sc, values, arrays, lambda at: _disagreement(sc, values, params, at),
                 _options(sc, name))
    rest = [k for k, r in enumerate(recs) if r is None]
    for k, rec in zip(rest, _per_draw(loaded, name, arrays, values.n, values, rest), strict=True):
        recs[k] = rec
    return pd.DataFrame(recs).to_dict("list")


#: The solution of :func:`sim.analysis.batch_axiomatic.solve_batch` each model is.
SOLUTION = {
    "nash_bargaining": "nash",
    "kalai_smorodinsky": "kalai_smorodinsky",
    "utilitarian": "utilitarian",
    "egalitarian": "egalitarian",
}


def _solve(sc, values, arrays, name: str, chunk: int | None = None) -> dict:
    from sim.analysis.batch_axiomatic import solve_batch

    options = _options(sc, name)
    params = Params(arrays, values.n)
    d = _disagreement(sc, values, params, options.disagreement_at)
    if name == "nash_bargaining":
        w = getattr(options, "weights", None) or {}
        kw = {"solution": "nash", "weights": tuple(float(w.get(p, 1.0)) for p in sc.party_codes)}
    else:  # the registry's defaults (sim.bargaining.axiomatic)
        kw = {"solution": SOLUTION[name], "weights": (1.0, 1.0)}
    solved = solve_batch(values, d, chunk=chunk, **kw)
    polish = _polisher(sc, values, arrays, name, kw["weights"], options.disagreement_at)
    return _batched_columns(sc, values, solved, d, polish)
