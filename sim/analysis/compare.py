"""Concession packages compared: what each costs, what deal it buys, and how sure we are.

A package is a set of settings of the concession issues one side (the giver) controls.
For each package and model, :func:`compare` solves the *restricted* problem in which the
package is what is on the table: every issue the package sets has the one level it sets,
and the model settles the others (the tariffs above all).  The restricted scenario is a
``model_copy`` of the validated one (no re-validation, as :mod:`sim.analysis.parameters`
patches numbers):

* each fixed issue becomes a discrete issue with the single level the package sets, in the
  outcome and in the no-deal outcome;
* the no-deal payoffs stay what they are without the package: with additive value
  functions the no-deal payoff of the restricted scenario differs from the original by
  ``delta_i = f_ij(package level) - f_ij(no-deal level)`` summed over the fixed issues, so
  each party's no-deal adjustment is lowered by ``delta_i`` (per draw, when parameters are
  drawn).

The restricted problems are solved with :func:`sim.analysis.evaluate.evaluate` (one row of
draws for the scenario's own numbers, or the ``samples`` draws).  Per (package, model[, draw])
the table holds the package's cost to its giver and value to its receiver on its own
(``$bn/yr``, the package applied to the no-deal outcome, as ``sim explain --package``), the
predicted deal, the tariff relief against no deal (percentage points per tariff issue and in
total), each side's payoff and gain, whether both sides accept (the deal beats their no-deal
value), the margin by which it clears or misses, relief per unit of cost, whether the package
is efficient (no other package buys at least as much relief for at most the cost, strictly
better in one: Pareto efficiency in (cost, relief), Kung, Luccio & Preparata 1975) and its
rank.  Packages are ranked by the giver's gain from the predicted deal (the worth of the
relief net of the cost, in the payoff unit): accepted packages first, ties broken by more
relief, then less cost.

Where the scenario declares win-sets (``models: two_level``), acceptance also needs the
deal within every side's bounds and minimum gain (Putnam 1988, *International
Organization* 42(3):427-460); the bounds on the package's own issues are checked on the
package and dropped from the restricted problem.  ``strategic`` and ``game_tree`` choose
among the packages themselves and are reported as not run.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from sim.scenario.loader import LoadedScenario, load_scenario

__all__ = ["Candidate", "candidates", "compare", "efficient_mask", "restrict"]

#: Gains above ``-TOL`` count as accepting (the solvers' own tolerance is ~1e-9 x scale).
TOL = 1e-7


@dataclasses.dataclass(frozen=True)
class Candidate:
    """A package to compare: id, display name, giving party, issue settings (labels) and
    the scenario package it is (``named``; "" for a combination no package names)."""

    id: str
    name: str
    giver: str
    settings: dict
    named: str = ""


def _label(issue, setting) -> str:
    return issue.level_list()[int(issue.coordinate(setting))].label


def candidates(sc, packages=None, *, all_combinations: bool = False) -> list[Candidate]:
    """The packages to compare: named ones, or every combination of the giver's levels.

    Parameters
    ----------
    sc : Scenario
    packages : list of str, optional
        Package ids (default: every package of the scenario).
    all_combinations : bool
        Every combination of levels of the non-continuous issues the offering side
        controls (``2**k`` for ``k`` yes/no issues), the empty package included; the
        offering side is the one that offers the scenario's packages (or, without
        packages, the party controlling most discrete issues).

    Raises
    ------
    ValueError
        On an unknown package, a package that sets a continuous issue, or a scenario
        without two parties.
    """
    if len(sc.party_codes) != 2:
        raise ValueError("packages are compared between two parties")
    issues = {i.id: i for i in sc.issues}
    if all_combinations:
        givers = [p.offered_by for p in sc.packages if p.offered_by]
        if not givers:
            givers = [i.controlled_by for i in sc.issues if i.kind != "continuous"]
        givers = [g for g in givers if g]
        if not givers:
            raise ValueError("no party offers packages or controls a discrete issue")
        giver = max(sorted(set(givers)), key=givers.count)
        mine = [i for i in sc.issues if i.kind != "continuous" and i.controlled_by == giver]
        if not mine:
            raise ValueError(f"{giver} controls no discrete issue to concede")
        base = {i.id: _label(i, sc.disagreement.outcome[i.id]) for i in mine}
        named = {}
        for c in candidates(sc):
            if c.giver == giver and set(c.settings) == set(base):
                named.setdefault(tuple(sorted(c.settings.items())), c.id)
        out = []
        for combo in itertools.product(*[[lv.label for lv in i.level_list()] for i in mine]):
            settings = {i.id: lab for i, lab in zip(mine, combo, strict=True)}
            given = [f"{k}={v}" for k, v in settings.items() if v != base[k]]
            pid = "+".join(given) or "none"
            key = tuple(sorted(settings.items()))
            out.append(Candidate(pid, named.get(key, pid), giver, settings, named.get(key, "")))
        return out
    ids = [p.id for p in sc.packages]
    wanted = ids if packages is None else list(packages)
    unknown = [p for p in wanted if p not in ids]
    if unknown:
        raise ValueError(f"no package {unknown[0]!r} (packages: {', '.join(ids) or 'none'})")
    from sim.space import OutcomeSpace

    space = OutcomeSpace(sc, values=None)  # type: ignore[arg-type]  # settings only
    out = []
    for pid in wanted:
        pkg = sc.package(pid)
        settings = space.package_settings(pid)
        cont = [k for k in settings if issues[k].kind == "continuous"]
        if cont:
            raise ValueError(
                f"package {pid!r} sets the continuous issue {cont[0]!r}: not supported"
            )
        giver = pkg.offered_by or (issues[next(iter(settings))].controlled_by if settings else None)
        if giver is None:
            raise ValueError(f"package {pid!r} names no offered_by")
        labels = {k: _label(issues[k], v) for k, v in settings.items()}
        out.append(
            Candidate(pid, pkg.name or pid, giver, {**_not_offered(sc, giver), **labels}, pid)
        )
    return out


def _not_offered(sc, giver: str) -> dict:
    """The giver's concession issues at their no-deal levels: what a package leaves out is
    not on the table (else the model would settle it and every package would look alike)."""
    return {
        i.id: _label(i, sc.disagreement.outcome[i.id])
        for i in sc.issues
        if i.kind != "continuous" and i.controlled_by == giver
    }


def _fixed(sc, cand: Candidate) -> list[tuple[int, int, int]]:
    """``(issue index, package level, no-deal level)`` of every issue the package sets."""
    out = []
    for j, issue in enumerate(sc.issues):
        if issue.id in cand.settings:
            lvl = int(issue.coordinate(cand.settings[issue.id]))
            out.append((j, lvl, int(issue.coordinate(sc.disagreement.outcome[issue.id]))))
    return out


def deltas(values, fixed) -> np.ndarray:
    """``(n, P)`` payoff change of the package applied to the no-deal outcome, per draw."""
    out = np.zeros((values.n, len(values.parties)))
    for j, lvl, base in fixed:
        out += (values.levels[j][:, :, lvl] - values.levels[j][:, :, base]).T
    return out


def restrict(sc, cand: Candidate, delta: np.ndarray):
    """The scenario with the package's issues fixed at its levels (module docstring).

    ``delta`` (P,) is the package's payoff change on its own; each party's no-deal
    adjustment is lowered by it (a range-less Quantity, so that draws can move it freely).
    """
    from sim.quantity import Quantity
    from sim.scenario.schema import Level

    issues = list(sc.issues)
    dis = sc.disagreement
    outcome = dict(dis.outcome)
    changes = list(dis.changes)
    for j, issue in enumerate(issues):
        if issue.id not in cand.settings:
            continue
        level = issue.level_list()[int(issue.coordinate(cand.settings[issue.id]))]
        if any(issue.id in c.outcome for c in changes):
            raise ValueError(f"issue {issue.id!r} changes in the no-deal timeline: not supported")
        issues[j] = issue.model_copy(
            update={"kind": "discrete", "levels": (Level(label=level.label, value=level.value),)}
        )
        outcome[issue.id] = level.label
    adjustments = dict(dis.adjustments)
    for i, p in enumerate(sc.party_codes):
        old = adjustments[p].value if p in adjustments else 0.0
        adjustments[p] = Quantity(value=float(old - delta[i]))
    dis = dis.model_copy(update={"outcome": outcome, "adjustments": adjustments})
    update = {"issues": tuple(issues), "disagreement": dis}
    tl = getattr(sc.models, "two_level", None)
    if tl is not None and tl.win_sets:  # the package's own bounds are checked by _ratifiable
        ws = {
            p: w.model_copy(
                update={"bounds": {k: b for k, b in w.bounds.items() if k not in cand.settings}}
            )
            for p, w in tl.win_sets.items()
        }
        models = sc.models.model_copy(update={"two_level": tl.model_copy(update={"win_sets": ws})})
        update["models"] = models
    if sc.payoffs.model == "linear":  # values of the levels dropped go too
        kept = {k: _label(i, v) for k, v in cand.settings.items() for i in sc.issues if i.id == k}
        parties = {
            p: {
                k: v.model_copy(
                    update={"levels": {kept[k]: v.levels[kept[k]]} if kept[k] in v.levels else {}}
                )
                if k in kept and v.levels is not None
                else v
                for k, v in spec.items()
            }
            for p, spec in sc.payoffs.parties.items()
        }
        update["payoffs"] = sc.payoffs.model_copy(update={"parties": parties})
    return sc.model_copy(update=update)


def _exists(sc, path: str) -> bool:
    from sim.analysis.parameters import lookup

    try:
        lookup(sc, path)
    except KeyError:
        return False
    return True


def efficient_mask(relief: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Packages no other beats: none has relief >= and cost <= with one strict.

    NaN entries are never efficient and never dominate.
    """
    r = np.asarray(relief, dtype=float)
    c = np.asarray(cost, dtype=float)
    ok = np.isfinite(r) & np.isfinite(c)
    ge = (r[None, :] >= r[:, None]) & (c[None, :] <= c[:, None])  # [p, q]: q weakly better
    strict = (r[None, :] > r[:, None]) | (c[None, :] < c[:, None])
    dominated = (ge & strict & ok[None, :]).any(axis=1)
    return ok & ~dominated


def _tariff_issues(sc, fixed_ids) -> list:
    pct = [i for i in sc.issues if i.kind == "continuous" and i.unit == "%"]
    pool = pct or [i for i in sc.issues if i.kind == "continuous"]
    return [i for i in pool if i.id not in fixed_ids]


def _no_deal(sc, model: str) -> dict:
    """No-deal coordinates of the continuous issues at the model's ``disagreement_at``."""
    from sim.analysis.evaluate import _options
    from sim.space import OutcomeSpace

    at = getattr(_options(sc, model), "disagreement_at", "final")
    coords = OutcomeSpace(sc, values=None).disagreement_outcome(at)  # type: ignore[arg-type]
    return {i.id: float(coords[j]) for j, i in enumerate(sc.issues) if i.kind == "continuous"}


#: Models whose options choose among the scenario's packages themselves: not compared.
CHOOSE_PACKAGES = ("strategic", "game_tree")


def _evaluate(loaded, draws, names) -> object:
    """``sim.evaluate`` with every model, or model by model when one fails (not_run rows)."""
    import pandas as pd

    from sim.analysis.evaluate import evaluate

    def not_run(name, reason):
        return pd.DataFrame(
            {"draw": np.arange(len(draws)), "model": name, "status": "not_run", "reason": reason}
        )

    skip = "chooses among the packages itself (see sim run): not compared package by package"
    solvable = [n for n in names if n not in CHOOSE_PACKAGES]
    if len(solvable) == len(names):
        try:
            return evaluate(loaded, draws, models=names)
        except Exception:  # a model that cannot solve the restricted problem
            pass
    frames = []
    for name in names:
        if name in CHOOSE_PACKAGES:
            frames.append(not_run(name, skip))
            continue
        try:
            frames.append(evaluate(loaded, draws, models=[name]))
        except Exception as exc:
            frames.append(not_run(name, f"cannot solve the restricted problem: {exc}"))
    out = pd.concat(frames, ignore_index=True)
    pos = {n: k for k, n in enumerate(names)}
    out["_pos"] = out["model"].map(pos)
    return out.sort_values(["draw", "_pos"], kind="stable").drop(columns="_pos")


def _shortfall(loaded, d: np.ndarray) -> float:
    """``max min_i(u_i - d_i)`` over the restricted utility set: negative when no outcome
    beats no deal for both sides, by how much the package misses.

    Exact: on a convex cell the maximum of the smaller of two linear gains lies at a vertex
    or where the gains are equal on the boundary, so the candidates are the cells' vertices
    and the crossings of their edges with ``u_1 - d_1 = u_2 - d_2``.
    """
    from sim.space import OutcomeSpace

    uset = OutcomeSpace.from_scenario(loaded.scenario).utility_set
    A, B, _, _ = uset.cell_edges()
    ga, gb = A - d, B - d
    fa, fb = ga[..., 0] - ga[..., 1], gb[..., 0] - gb[..., 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = np.where(fa * fb < 0, fa / (fa - fb), 0.0)
    cross = ga + s[..., None] * (gb - ga)
    return float(max(ga.min(axis=-1).max(), cross.min(axis=-1).max()))


def draw_parameters(loaded, samples: int, seed) -> object:
    """``samples`` draws uniform within each declared range (probabilities left out: they
    must sum to one, which independent draws would break)."""
    import pandas as pd

    from sim.analysis.parameters import declared_parameters

    rng = np.random.default_rng(seed)
    params = [p for p in declared_parameters(loaded) if "probabilit" not in p.path]
    return pd.DataFrame({p.path: rng.uniform(*p.range, size=samples) for p in params})


def compare(
    scenario: str | Path | LoadedScenario,
    packages: Sequence[str] | None = None,
    *,
    all_combinations: bool = False,
    models=None,
    samples: int = 0,
    seed: int | None = None,
):
    """Compare concession packages under each model (see the module docstring).

    Parameters
    ----------
    scenario : path or LoadedScenario
        A two-party scenario.
    packages : list of str, optional
        Package ids; default every package of the scenario.
    all_combinations : bool
        Every combination of levels of the concession issues the offering side controls
        instead of the named packages.
    models : str or list of str, optional
        Model names; default those the scenario selects.
    samples : int
        Number of draws of the scenario's declared parameters (uniform within each range,
        as :func:`draw_parameters`); adds per-draw rows and the shares of draws in which
        each package ranks first / is efficient.
    seed : int, optional
        Seed of the draws.

    Returns
    -------
    pandas.DataFrame
        One row per (package, model) with ``draw`` missing (<NA>), then, with ``samples``,
        one row per (package, model, draw).  Columns: ``package``, ``name``, ``giver``,
        ``receiver``, ``named`` (the scenario package it is, or ""), ``settings``, ``draw``,
        ``model``, ``status``, ``reason``, ``cost``, ``value``, ``agreement.<issue>``,
        ``relief.<tariff issue>``, ``relief``, ``payoff.<party>``,
        ``disagreement.<party>``, ``gain.<party>``, ``ratifiable`` (with win-sets in
        ``models: two_level``), ``accepted`` (both gain and, with win-sets, ratifiable),
        ``margin``, ``relief_per_cost``, ``efficient``, ``rank``, ``first_models``,
        ``efficient_models`` (over models, on the scenario's numbers) and, with samples,
        ``share_first``, ``share_efficient``.

    Examples
    --------
    >>> import sim
    >>> t = sim.compare("scenarios/japan_us_2025.yaml", ["farm", "all"], models="nash_bargaining")
    >>> t[["package", "model", "accepted"]].values.tolist()
    [['farm', 'nash_bargaining', True], ['all', 'nash_bargaining', True]]
    """
    import pandas as pd

    from sim.analysis.batch_trade import Params
    from sim.analysis.batch_values import compile_batch
    from sim.analysis.parameters import check_columns
    from sim.registry import model

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    sc = loaded.scenario
    names = [models] if isinstance(models, str) else list(models or sc.models.selected())
    for name in names:
        model(name)  # UnknownModelError naming the models there are
    cands = candidates(sc, packages, all_combinations=all_combinations)
    parties = sc.party_codes
    central = compile_batch(sc, Params({}, 1))
    adj0 = np.array(
        [
            sc.disagreement.adjustments[p].value if p in sc.disagreement.adjustments else 0.0
            for p in parties
        ]
    )
    draws = draw_parameters(loaded, samples, seed) if samples else None
    drawn = None
    if draws is not None:
        arrays = check_columns(loaded, draws)
        drawn = compile_batch(sc, Params(dict(arrays), samples))
        adj_draws = np.column_stack(
            [
                arrays.get(f"disagreement.adjustments.{p}", np.full(samples, adj0[i]))
                for i, p in enumerate(parties)
            ]
        )
    frames = []
    for cand in cands:
        fixed = _fixed(sc, cand)
        d0 = deltas(central, fixed)[0]
        restricted = dataclasses.replace(loaded, scenario=restrict(sc, cand, d0))
        one = pd.DataFrame(
            {f"disagreement.adjustments.{p}": [adj0[i] - d0[i]] for i, p in enumerate(parties)}
        )
        rows = _evaluate(restricted, one, names).drop(columns=list(one.columns), errors="ignore")
        rows = rows.assign(draw=pd.NA)
        rows = _describe(rows, sc, cand, d0[None, :], names)
        margin = rows["margin"].to_numpy(dtype=float).copy()
        missing = (rows["status"] == "no_agreement").to_numpy()
        if missing.any():
            dpt = rows.loc[missing, [f"disagreement.{p}" for p in parties]].to_numpy(float)
            margin[missing] = [_shortfall(restricted, d) for d in dpt]
            rows["margin"] = margin
        frames.append(rows)
        if draws is not None:
            dd = deltas(drawn, fixed)
            per = draws[[c for c in draws.columns if _exists(restricted.scenario, c)]].copy()
            for i, p in enumerate(parties):
                per[f"disagreement.adjustments.{p}"] = adj_draws[:, i] - dd[:, i]
            rows = _evaluate(restricted, per, names)
            rows = rows.drop(columns=list(per.columns), errors="ignore")
            frames.append(_describe(rows, sc, cand, dd, names))
    out = pd.concat(frames, ignore_index=True)
    out["draw"] = out["draw"].astype("Int64")
    out = _score(out)
    lead = ["package", "name", "giver", "receiver", "named", "settings", "draw", "model", "status"]
    out = out[lead + [c for c in out.columns if c not in lead]]
    return out.reset_index(drop=True)


def _describe(rows, sc, cand: Candidate, delta: np.ndarray, names) -> object:
    """Add the package's own columns and the relief, acceptance and margin of each row
    (acceptance is <NA> where the model reports no no-deal payoffs)."""
    import pandas as pd

    parties = sc.party_codes
    gi = parties.index(cand.giver)
    ri = 1 - gi
    draw = rows["draw"].to_numpy()
    idx = np.zeros(len(rows), dtype=int) if delta.shape[0] == 1 else draw.astype(int)
    rows = rows.copy()
    rows.insert(0, "package", cand.id)
    rows.insert(1, "name", cand.name)
    rows.insert(2, "giver", cand.giver)
    rows.insert(3, "receiver", parties[ri])
    rows.insert(4, "named", cand.named)
    base = {
        i.id: _label(i, sc.disagreement.outcome[i.id]) for i in sc.issues if i.kind != "continuous"
    }
    given = [f"{k}={v}" for k, v in cand.settings.items() if v != base.get(k)]
    rows.insert(5, "settings", ", ".join(given) or "nothing")
    rows["reason"] = rows["reason"].astype(object) if "reason" in rows else None
    rows["reason"] = rows["reason"].where(rows["reason"].notna(), None)
    rows["cost"] = -delta[idx, gi]
    rows["value"] = delta[idx, ri]
    status = rows["status"].to_numpy()
    ok = status == "ok"
    ran = status != "not_run"
    tariffs = _tariff_issues(sc, set(cand.settings))
    total = np.zeros(len(rows))
    for issue in tariffs:
        nd = np.array([_no_deal(sc, m)[issue.id] for m in rows["model"]])
        deal = rows.get(f"agreement.{issue.id}")
        deal = np.full(len(rows), np.nan) if deal is None else deal.to_numpy(dtype=float)
        rel = np.where(ok, nd - deal, np.where(ran, 0.0, np.nan))
        rows[f"relief.{issue.id}"] = rel
        total = total + rel
    rows["relief"] = np.where(ran, total, np.nan)
    gains = np.column_stack(
        [rows.get(f"gain.{p}", np.full(len(rows), np.nan)) for p in parties]
    ).astype(float)
    known = ~ok | np.isfinite(gains).all(axis=1)
    accepted = ok & (np.nan_to_num(gains, nan=-np.inf) > -TOL).all(axis=1)
    ratifiable = _ratifiable(sc, cand, rows, gains)
    if ratifiable is not None:
        rows["ratifiable"] = pd.array(np.where(ok, ratifiable, None), dtype="boolean")
        accepted &= ratifiable
    rows["accepted"] = pd.array(np.where(known, accepted, None), dtype="boolean")
    rows["margin"] = np.where(ok, gains.min(axis=1), np.nan)
    cost = rows["cost"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["relief_per_cost"] = np.where(cost > TOL, rows["relief"] / cost, np.nan)
    return rows


def _ratifiable(sc, cand: Candidate, rows, gains) -> np.ndarray | None:
    """Whether each row's deal lies in every win-set of ``models: two_level`` (its issue
    bounds and minimum gains, Putnam 1988); None when the scenario declares none."""
    tl = getattr(sc.models, "two_level", None)
    if tl is None or not tl.win_sets:
        return None
    issues = {i.id: i for i in sc.issues}
    ok = np.ones(len(rows), bool)
    for p, ws in tl.win_sets.items():
        for issue_id, b in ws.bounds.items():
            issue = issues[issue_id]
            if issue_id in cand.settings:
                x = np.full(len(rows), issue.coordinate(cand.settings[issue_id]))
            elif issue.kind == "continuous":
                x = rows[f"agreement.{issue_id}"].to_numpy(dtype=float)
            else:
                labels = [lv.label for lv in issue.level_list()]
                x = np.array([labels.index(v) if v in labels else np.nan
                              for v in rows[f"agreement.{issue_id}"]])  # fmt: skip
            for end, cmp in (("min", np.greater_equal), ("max", np.less_equal)):
                if getattr(b, end) is not None:
                    bound = issue.coordinate(b.setting(end))
                    ok &= cmp(
                        np.nan_to_num(x, nan=bound), bound - TOL if end == "min" else bound + TOL
                    )
        if ws.min_gain is not None:
            g = gains[:, sc.party_codes.index(p)]
            ok &= np.nan_to_num(g, nan=-np.inf) >= ws.min_gain.value - TOL
    return ok


def _score(out):
    """Efficiency and rank within each (model, draw); robustness over models and draws."""
    import pandas as pd

    ok = (out["status"] == "ok").to_numpy()
    gcol = np.zeros(len(out))
    for g in out["giver"].unique():
        mine = (out["giver"] == g).to_numpy() & ok
        gcol[mine] = out.loc[mine, f"gain.{g}"].to_numpy(dtype=float)
    out = out.assign(_g=gcol, _key=out["draw"].fillna(-1).astype(int))
    out["efficient"] = False
    out["rank"] = pd.array([pd.NA] * len(out), dtype="Int64")
    for _, grp in out.groupby(["model", "_key"], sort=False):
        idx = grp.index
        out.loc[idx, "efficient"] = efficient_mask(grp["relief"], grp["cost"])
        ran = grp[grp["status"] != "not_run"].assign(_a=lambda g: g["accepted"].fillna(False))
        order = ran.sort_values(
            ["_a", "_g", "relief", "cost"],
            ascending=[False, False, False, True],
            kind="stable",
        ).index
        out.loc[order, "rank"] = np.arange(1, len(order) + 1)
    first = out["rank"] == 1
    central = out["draw"].isna()
    out["first_models"] = out["package"].map(out[central & first].groupby("package").size())
    out["efficient_models"] = out["package"].map(
        out[central & out["efficient"]].groupby("package").size()
    )
    out[["first_models", "efficient_models"]] = (
        out[["first_models", "efficient_models"]].fillna(0).astype(int)
    )
    if (~central).any():
        sampled = out[~central].assign(_first=first[~central].fillna(False).astype(float))
        shares = sampled.groupby(["package", "model"]).agg(
            share_first=("_first", "mean"), share_efficient=("efficient", "mean")
        )
        out = out.join(shares, on=["package", "model"])
    return out.drop(columns=["_g", "_key"])
