"""Every package's restricted problem solved at once, as rows of one batch.

The restricted problems of :mod:`sim.analysis.compare` differ only in the level each fixed
issue takes (and, with draws, in the drawn numbers), so they are one problem with the
discrete issues pinned: rows ``(package, draw)`` of a
:class:`~sim.analysis.batch_values.BatchedValues` whose fixed issues have the one level the
package sets (its values read from the scenario's compiled levels), each row's no-deal
adjustment lowered by the package's own payoff change (the module docstring of
:mod:`sim.analysis.compare`).  The axiomatic models solve all rows as arrays
(:func:`sim.analysis.evaluate._solve`); the other models run per row through the registry
on the package's restricted scenario, patched without validation, on the row's compiled
value functions.  The margin of a package no deal clears is the best smaller gain,
``max_u min_i (u_i - d_i)``, from the same rows (:func:`sim.analysis.batch_axiomatic.
max_min_value`).
"""

from __future__ import annotations

import numpy as np

from sim.analysis.batch_values import BatchedValues

__all__ = ["CHOOSE_PACKAGES", "solve_rows", "stack"]

#: Models whose options choose among the scenario's packages themselves: not compared.
CHOOSE_PACKAGES = ("strategic", "game_tree")
#: Rows (package x draw) per batch.
BLOCK = 4096


def stack(values: BatchedValues, issues, fixed: dict, draw: np.ndarray) -> BatchedValues:
    """Rows ``draw[r]`` of ``values`` with each fixed issue ``j`` at level ``fixed[j][r]``
    (a one-level issue of ``issues``)."""
    levels = {}
    for j, lv in values.levels.items():
        if j in fixed:
            levels[j] = lv[:, draw, fixed[j]][:, :, None]
        else:
            levels[j] = lv[:, draw]
    return BatchedValues(
        values.parties,
        tuple(issues),
        len(draw),
        {j: v[draw] for j, v in values.xs.items()},
        {j: v[:, draw] for j, v in values.vs.items()},
        {j: v[draw] for j, v in values.count.items()},
        levels,
        values.unit,
    )


def _exists(sc, path: str, cache: dict) -> bool:
    from sim.analysis.parameters import lookup

    key = (id(sc.payoffs), path)
    if key not in cache:
        try:
            lookup(sc, path)
            cache[key] = True
        except KeyError:
            cache[key] = False
    return cache[key]


def solve_rows(
    loaded, cands, fixed, names, values, arrays, adj, delta, restrict, *, used=(), shortfall=False
):
    """Solve every package's restricted problem on every draw (module docstring).

    Parameters
    ----------
    loaded : LoadedScenario
    cands : list of Candidate
    fixed : list of list of (issue index, package level, no-deal level), per candidate
    names : list of str
    values : BatchedValues
        The scenario's compiled payoffs over the ``n`` draws.
    arrays : dict path -> (n,) array
        The drawn numbers (checked).
    adj : (n, P) array
        Each party's no-deal adjustment per draw.
    delta : (C, n, P) array
        The package's payoff change on its own, per draw.
    restrict : callable
        ``restrict(scenario, candidate, delta, cache)``, the restricted scenario
        (:func:`sim.analysis.compare.restrict`).
    used : set of str
        The drawn paths ``values`` reflects: an axiomatic model is solved as arrays when
        the draws that can change its answer are these or no-deal numbers (as
        :func:`sim.analysis.evaluate.evaluate`); else it runs per row too.
    shortfall : bool
        Add ``_shortfall``: for rows without agreement, the best smaller gain
        ``max_u min_i (u_i - d_i)`` over the package's outcomes (d the row's no-deal payoffs).

    Returns
    -------
    pandas.DataFrame
        One row per (package, draw, model), in that order: ``_cand`` (index in ``cands``),
        ``draw``, ``model`` and the record columns of :func:`sim.analysis.evaluate.evaluate`.
    """
    import pandas as pd

    from sim.analysis.batch_axiomatic import max_min_value
    from sim.analysis.evaluate import AXIOMATIC, _affects, _solve

    sc = loaded.scenario
    parties = sc.party_codes
    n = values.n
    frames = []
    groups: dict = {}
    for c, f in enumerate(fixed):
        groups.setdefault(tuple(j for j, _, _ in f), []).append(c)
    copies: dict = {}  # one-level issues and payoff entries, shared by the packages
    for ids, members in groups.items():
        step = max(1, BLOCK // max(n, 1))
        for lo in range(0, len(members), step):
            block = np.asarray(members[lo : lo + step])
            cache: dict = {}  # which drawn paths each restricted scenario has
            row_cand = np.repeat(block, n)
            row_draw = np.tile(np.arange(n), len(block))
            level = {j: np.array([fixed[c][k][1] for c in row_cand]) for k, j in enumerate(ids)}
            scens = _Restricted(sc, cands, restrict, copies)
            template = scens[int(block[0])]
            rows = stack(values, template.issues, level, row_draw)
            row_arrays = {p: v[row_draw] for p, v in arrays.items() if _exists(template, p, cache)}
            for i, p in enumerate(parties):
                row_arrays[f"disagreement.adjustments.{p}"] = (
                    adj[row_draw, i] - delta[row_cand, row_draw, i]
                )
            for pos, name in enumerate(names):
                relevant = {p: v for p, v in row_arrays.items() if _affects(p, name)}
                fast = all(p.startswith("disagreement.") or p in used for p in relevant)
                if name in AXIOMATIC and fast:
                    part = pd.DataFrame(_solve(template, rows, relevant, name, chunk=256))
                else:
                    part = _per_row(loaded, name, scens, rows, row_arrays, row_cand, cache)
                part.insert(0, "_cand", row_cand)
                part.insert(1, "draw", row_draw)
                part.insert(2, "model", name)
                part["_pos"] = pos
                if shortfall and (part["status"] == "no_agreement").any():
                    dcols = [f"disagreement.{p}" for p in parties]
                    d = part.reindex(columns=dcols).to_numpy(dtype=float, copy=True)
                    d[(part["status"] != "no_agreement").to_numpy()] = np.nan
                    part["_shortfall"] = max_min_value(rows, d)
                frames.append(part)
    frame = pd.concat(frames, ignore_index=True)
    frame = frame.sort_values(["_cand", "draw", "_pos"], kind="stable").drop(columns="_pos")
    return frame.reset_index(drop=True)


class _Restricted(dict):
    """Package index -> its restricted scenario (:func:`sim.analysis.compare.restrict`),
    built when first asked for."""

    def __init__(self, sc, cands, restrict, copies):
        super().__init__()
        self.args = (sc, cands, restrict, copies)

    def __missing__(self, c):
        sc, cands, restrict, copies = self.args
        self[c] = restrict(sc, cands[c], np.zeros(len(sc.party_codes)), copies)
        return self[c]


def _per_row(loaded, name, scens, rows, arrays, row_cand, cache):
    """Records of a model the batch does not solve: per row through the registry on the
    package's restricted scenario (not_run rows where it cannot solve it)."""
    import pandas as pd

    if name in CHOOSE_PACKAGES:
        reason = "chooses among the packages itself (see sim run): not compared package by package"
        return pd.DataFrame({"status": ["not_run"] * len(row_cand), "reason": reason})
    from sim import registry

    stream = registry.rngs(None)[name].bit_generator.seed_seq  # as `sim.run` without a seed
    recs: list = []
    for c in dict.fromkeys(row_cand.tolist()):
        at = np.flatnonzero(row_cand == c)
        sc = scens[c]
        mine = {p: v[at] for p, v in arrays.items() if _exists(sc, p, cache)}
        try:
            got = _records(sc, name, mine, rows, at, stream)
        except Exception as exc:  # a model that cannot solve the restricted problem
            reason = f"cannot solve the restricted problem: {exc}"
            got = [{"status": "not_run", "reason": reason} for _ in at]
        recs.extend(got)
    return pd.DataFrame(recs).drop(columns=["model"], errors="ignore")


def _records(sc, name: str, arrays: dict, rows: BatchedValues, at, stream) -> list[dict]:
    """Records of model ``name`` on rows ``at`` of ``rows``, ``arrays`` their drawn numbers
    (patched into ``sc`` without validation), each row with a fresh random stream from the
    seed sequence ``stream``.  A model's ``deal`` function, where it has one, stands for
    ``run``: the deal alone, without what only reports show."""
    from sim import registry
    from sim.analysis.evaluate import _options, _record, _with_smooth
    from sim.analysis.parameters import patch_scenario
    from sim.space import OutcomeSpace

    module = registry.model(name)
    solve = getattr(module, "deal", module.run)
    out = []
    for k, r in enumerate(at):
        patched = patch_scenario(sc, {p: v[k] for p, v in arrays.items()})
        space = OutcomeSpace(patched, _with_smooth(rows.draw(int(r)), patched))
        result = solve(space, _options(patched, name), rng=np.random.default_rng(stream))
        out.append(_record(result, patched))
    return out
