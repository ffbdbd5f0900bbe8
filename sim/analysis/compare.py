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

The restricted problems of all packages are solved together, as rows (package, draw) of one
batch (:mod:`sim.analysis.compare_solve`), for the scenario's own numbers and, with
``samples``, for each draw.  Per (package, model[, draw])
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


def _fixed(sc, cand: Candidate, index: dict | None = None) -> list[tuple[int, int, int]]:
    """``(issue index, package level, no-deal level)`` of every issue the package sets
    (``index``: :func:`_level_index` of ``sc``, computed once for many packages)."""
    index = _level_index(sc) if index is None else index
    out = []
    for j, issue in enumerate(sc.issues):
        if issue.id in cand.settings:
            at = index[issue.id]
            out.append((j, at[cand.settings[issue.id]], at[sc.disagreement.outcome[issue.id]]))
    return out


def _level_index(sc) -> dict:
    """Per discrete issue, each setting's level index (labels, and values where they name a
    level, as ``Issue.coordinate`` reads them)."""
    out = {}
    for issue in sc.issues:
        if issue.kind != "continuous":
            levels = issue.level_list()
            out[issue.id] = _Index(issue, {lv.label: k for k, lv in enumerate(levels)})
    return out


class _Index(dict):
    """Label -> level index; any other setting through ``Issue.coordinate``."""

    def __init__(self, issue, labels):
        super().__init__(labels)
        self.issue = issue

    def __missing__(self, setting):
        return int(self.issue.coordinate(setting))


def deltas(values, fixed) -> np.ndarray:
    """``(C, n, P)`` payoff change of each package (``fixed``: one list per package, as
    :func:`_fixed`) applied to the no-deal outcome, per draw."""
    out = np.zeros((len(fixed), values.n, len(values.parties)))
    rows = [(c, j, lvl, base) for c, f in enumerate(fixed) for j, lvl, base in f]
    for j in {r[1] for r in rows}:
        c, _, lvl, base = (np.array(x) for x in zip(*[r for r in rows if r[1] == j], strict=True))
        lv = values.levels[j]
        np.add.at(out, c, (lv[:, :, lvl] - lv[:, :, base]).transpose(2, 1, 0))
    return out


def restrict(sc, cand: Candidate, delta: np.ndarray, cache: dict | None = None):
    """The scenario with the package's issues fixed at its levels (module docstring).

    ``delta`` (P,) is the package's payoff change on its own; each party's no-deal
    adjustment is lowered by it (a range-less Quantity, so that draws can move it freely).
    ``cache`` (a dict kept over calls on one scenario) reuses the one-level issues and
    payoff entries of earlier packages.
    """
    from sim.quantity import Quantity
    from sim.scenario.schema import Level

    cache = {} if cache is None else cache
    issues = list(sc.issues)
    dis = sc.disagreement
    outcome = dict(dis.outcome)
    changes = list(dis.changes)
    for j, issue in enumerate(issues):
        if issue.id not in cand.settings:
            continue
        key = ("issue", issue.id, cand.settings[issue.id])
        if key not in cache:
            level = issue.level_list()[int(issue.coordinate(cand.settings[issue.id]))]
            if any(issue.id in c.outcome for c in changes):
                raise ValueError(
                    f"issue {issue.id!r} changes in the no-deal timeline: not supported"
                )
            one = (Level(label=level.label, value=level.value),)
            cache[key] = issue.model_copy(update={"kind": "discrete", "levels": one})
        issues[j] = cache[key]
        outcome[issue.id] = issues[j].levels[0].label
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
        kept = {i.id: i.levels[0].label for i in issues if i.id in cand.settings}

        def one_level(p, k, v):
            key = ("payoff", p, k, kept[k])
            if key not in cache:
                lv = {kept[k]: v.levels[kept[k]]} if kept[k] in v.levels else {}
                cache[key] = v.model_copy(update={"levels": lv})
            return cache[key]

        parties = {
            p: {
                k: one_level(p, k, v) if k in kept and v.levels is not None else v
                for k, v in spec.items()
            }
            for p, spec in sc.payoffs.parties.items()
        }
        update["payoffs"] = sc.payoffs.model_copy(update={"parties": parties})
    return sc.model_copy(update=update)


def efficient_mask(relief: np.ndarray, cost: np.ndarray) -> np.ndarray:
    """Packages no other beats: none has relief >= and cost <= with one strict.

    NaN entries are never efficient and never dominate.  By sorting (Kung, Luccio &
    Preparata 1975): a package is dominated when a strictly cheaper one buys at least as
    much relief or one of the same cost buys more.
    """
    r = np.asarray(relief, dtype=float)
    c = np.asarray(cost, dtype=float)
    ok = np.isfinite(r) & np.isfinite(c)
    idx = np.flatnonzero(ok)
    order = idx[np.lexsort((-r[idx], c[idx]))]
    rs, cs = r[order], c[order]
    new = np.r_[True, cs[1:] != cs[:-1]]
    start = np.maximum.accumulate(np.where(new, np.arange(len(rs)), 0))
    best = np.maximum.accumulate(rs)
    cheaper = np.where(start > 0, best[np.maximum(start - 1, 0)], -np.inf)
    out = np.zeros(len(r), bool)
    out[order] = (cheaper < rs) & (rs[start] <= rs)
    return out


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
    from sim.analysis.compare_solve import solve_rows
    from sim.analysis.parameters import check_columns
    from sim.registry import model

    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    sc = loaded.scenario
    names = [models] if isinstance(models, str) else list(models or sc.models.selected())
    for name in names:
        model(name)  # UnknownModelError naming the models there are
    cands = candidates(sc, packages, all_combinations=all_combinations)
    index = _level_index(sc)
    fixed = [_fixed(sc, c, index) for c in cands]
    parties = sc.party_codes
    adj0 = np.array(
        [
            sc.disagreement.adjustments[p].value if p in sc.disagreement.adjustments else 0.0
            for p in parties
        ]
    )
    blocks = [(compile_batch(sc, Params({}, 1)), {}, adj0[None, :], set())]
    if samples:
        draws = draw_parameters(loaded, samples, seed)
        arrays = dict(check_columns(loaded, draws))
        params = Params(arrays, samples)
        drawn = compile_batch(sc, params)
        adj = np.column_stack(
            [
                arrays.get(f"disagreement.adjustments.{p}", np.full(samples, adj0[i]))
                for i, p in enumerate(parties)
            ]
        )
        blocks.append((drawn, arrays, adj, params.used))
    frames = []
    for k, (values, arrays, adj, used) in enumerate(blocks):
        delta = deltas(values, fixed)
        rows = solve_rows(
            loaded,
            cands,
            fixed,
            names,
            values,
            arrays,
            adj,
            delta,
            restrict,
            used=used,
            shortfall=k == 0,
        )
        rows["_block"] = k
        frames.append(_describe(rows, sc, cands, delta))
    out = pd.concat(frames, ignore_index=True)
    out = out.sort_values(["_cand", "_block"], kind="stable")
    out["draw"] = pd.array(np.where(out["_block"] == 0, None, out["draw"]), dtype="Int64")
    out = _score(out.drop(columns=["_cand", "_block"]).reset_index(drop=True))
    lead = ["package", "name", "giver", "receiver", "named", "settings", "draw", "model", "status"]
    out = out[lead + [c for c in out.columns if c not in lead]]
    return out.reset_index(drop=True)


def _describe(rows, sc, cands: list[Candidate], delta: np.ndarray) -> object:
    """Add each row's package columns and the relief, acceptance and margin of each row
    (acceptance is <NA> where the model reports no no-deal payoffs)."""
    import pandas as pd

    parties = sc.party_codes
    cand = rows["_cand"].to_numpy()
    draw = rows["draw"].to_numpy().astype(int)
    gi = np.array([parties.index(c.giver) for c in cands])[cand]
    base = {
        i.id: _label(i, sc.disagreement.outcome[i.id]) for i in sc.issues if i.kind != "continuous"
    }
    given = [
        ", ".join(f"{k}={v}" for k, v in c.settings.items() if v != base.get(k)) or "nothing"
        for c in cands
    ]
    rows = rows.copy()
    own = {
        "package": [c.id for c in cands],
        "name": [c.name for c in cands],
        "giver": [c.giver for c in cands],
        "receiver": [parties[1 - parties.index(c.giver)] for c in cands],
        "named": [c.named for c in cands],
        "settings": given,
    }
    for pos, (col, vals) in enumerate(own.items()):
        rows.insert(pos, col, np.asarray(vals, dtype=object)[cand])
    # the package's own issues at its levels (the restricted problem's one level)
    status = rows["status"].to_numpy()
    ok = status == "ok"
    for issue in sc.issues:
        col = f"agreement.{issue.id}"
        labels = [c.settings.get(issue.id) for c in cands]
        has = np.array([lab is not None for lab in labels])
        if col in rows and has.any():
            mine = np.asarray(labels, dtype=object)[cand]
            got = np.where(ok & has[cand], mine, rows[col].to_numpy(object))
            rows[col] = pd.Series(got, index=rows.index, dtype=object)
    rows["reason"] = rows["reason"].astype(object) if "reason" in rows else None
    rows["reason"] = rows["reason"].where(rows["reason"].notna(), None)
    rows["cost"] = -delta[cand, draw, gi]
    rows["value"] = delta[cand, draw, 1 - gi]
    ran = status != "not_run"
    total = np.zeros(len(rows))
    fixed_ids = {k for c in cands for k in c.settings}
    no_deal = {m: _no_deal(sc, m) for m in dict.fromkeys(rows["model"])}
    for issue in _tariff_issues(sc, fixed_ids):
        nd = rows["model"].map({m: v[issue.id] for m, v in no_deal.items()}).to_numpy(float)
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
    ratifiable = _ratifiable(sc, cands, cand, rows, gains)
    if ratifiable is not None:
        rows["ratifiable"] = pd.array(np.where(ok, ratifiable, None), dtype="boolean")
        accepted &= ratifiable
    rows["accepted"] = pd.array(np.where(known, accepted, None), dtype="boolean")
    margin = np.where(ok, gains.min(axis=1), np.nan)
    if "_shortfall" in rows:
        margin = np.where(status == "no_agreement", rows["_shortfall"].to_numpy(float), margin)
        rows = rows.drop(columns="_shortfall")
    rows["margin"] = margin
    cost = rows["cost"].to_numpy(dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        rows["relief_per_cost"] = np.where(cost > TOL, rows["relief"] / cost, np.nan)
    return rows


def _ratifiable(sc, cands, cand, rows, gains) -> np.ndarray | None:
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
            if issue.kind == "continuous":
                x = rows[f"agreement.{issue_id}"].to_numpy(dtype=float)
            else:
                labels = [lv.label for lv in issue.level_list()]
                x = np.array([labels.index(v) if v in labels else np.nan
                              for v in rows[f"agreement.{issue_id}"]])  # fmt: skip
            own = [issue.coordinate(c.settings.get(issue_id, issue.level_list()[0].label))
                   if issue_id in c.settings else np.nan for c in cands]  # fmt: skip
            own = np.asarray(own, dtype=float)[cand]
            x = np.where(np.isnan(own), x, own)  # the package's own setting
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
        if f"gain.{g}" in out:  # absent when no model ran
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
