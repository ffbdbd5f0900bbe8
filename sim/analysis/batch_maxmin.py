"""Kalai--Smorodinsky and egalitarian solutions of many draws on flat arrays, by branch and
bound.

Both maximise ``min_i (u_i - d_i) / r_i`` along a ray ``r`` (egalitarian: the weights;
Kalai--Smorodinsky: ``ideal - d``) over the utility set, the Minkowski sum of the issues'
point sets and curves.  The candidates, values, tolerances and ties are those of
:func:`sim.analysis.batch_axiomatic._max_min` and ``_ir`` (the weakly undominated vertex
sums; per curve its edges ``P0 + s E`` over the weakly undominated sums of the other
summands, at both ends and where they cross the ray's line; the ideal point from the vertex
sums with ``u >= d`` and the edges' crossings of ``u_i = d_i``), kept as in
:mod:`sim.analysis.batch_nash`: the partial sums of every draw in flat arrays, pruned by the
bounds of :mod:`sim.analysis.maxmin_bound`.  A partial sum is dropped only if no completion
reaches the orthant a candidate needs (above ``d + (t - 2 tol_t) r`` for a max-min value
``t`` found at a point of the set; above ``(L_1, d_2)`` or ``(d_1, L_2)`` for the ideal
point), so every candidate that could tie the best survives and the answers are the padded
geometry's draw for draw.

Which draws have an agreement zone (some Nash candidate gains more than ``tol`` for both,
as ``_solve_one`` asks): yes where a point found gains more than ``4 tol`` for both (a
Pareto-optimal point above it lies on an edge of weakly undominated summands, whose Nash
point keeps at least half of each gain; or at a vertex sum); no where the support functions
bound every point's smaller gain below ``tol``.  Draws in between, those whose optimum
falls short of the lower bound's value, and those with a disagreement point or ray not
finite and positive are solved again by ``fallback`` (the padded geometry).  Draws without
an agreement zone get a placeholder cell (their records are empty).
"""

from __future__ import annotations

import numpy as np

from sim.analysis.batch_nash import (
    _base,
    _found,
    _rowmax,
    _summands,
    chains,
    extent,
    stepper,
    winners,
)
from sim.analysis.maxmin_bound import OrthantBound, climb, extents, picks, support
from sim.bargaining.groups import bounds

__all__ = ["solve_maxmin"]


class _Sums:
    """The vertex sums ``T`` and, per curve, its edges over the other summands' sums, as
    ``step(s, t, included, levels)`` keeps them (:func:`sim.analysis.batch_nash.stepper`,
    built by :func:`sim.analysis.batch_nash.chains`); ``segments``, if given, the linear test
    ``(L0, L1, C, per)`` of complete sums a segment ``P0 + s E`` of the edges must be able
    to pass to be kept (:func:`sim.analysis.flat_prune.segments`)."""

    def __init__(self, values, geo, step, segments=None):
        from sim.analysis.flat_prune import segments as reach

        N, (_, cont, verts, vvalid, _) = values.n, geo
        test = (np.zeros((N, 0)),) * 3 + (1,) if segments is None else segments
        self.T, others = chains(values, geo, step)
        self.edges = []
        for c, S in zip(cont, others, strict=True):
            x, y = S.pts[:, 0].copy(), S.pts[:, 1].copy()
            i, sg = reach(bounds(S.row, N), x, y, verts[c], vvalid[c], *test)
            A = verts[c][S.row[i], sg]
            E = verts[c][S.row[i], sg + 1] - A
            self.edges.append((c, S.take(i), sg, S.pts[i] + A, E))


def _orthant(values, geo, bound):
    """:class:`_Sums`'s ``step`` and ``segments`` for max-min: the weakly undominated sums,
    pruned by ``bound`` (an :class:`OrthantBound`; None: not pruned)."""
    test = None if bound is None else bound.test
    step = stepper(values.n, geo[1], _base(values, geo[1]), test, weak=True)
    return step, None if bound is None else bound.test(set(bound.h))


def _ir(sums: _Sums, d):
    """The individually rational candidates of :func:`sim.analysis.batch_axiomatic._ir`, in
    its order, as groups ``(S, edge, pts, ok)``: the vertex sums with ``u >= d``, then per
    edge and side ``i`` the crossings of ``u_i = d_i`` where the other side keeps ``d``."""
    T = sums.T
    out = [(T, None, T.pts, (T.pts >= d[T.row]).all(axis=1))]
    for c, S, sg, P0, E in sums.edges:
        dr = d[S.row]
        for i in (0, 1):
            a = P0[:, i] - dr[:, i]
            b = a + E[:, i]
            cross = (a * b) < 0
            with np.errstate(divide="ignore", invalid="ignore"):
                s = np.where(cross, a / (a - b), 0.0)
            pts = P0 + s[:, None] * E
            ok = cross & (pts[:, 1 - i] >= dr[:, 1 - i])
            pts[:, i] = dr[:, i]
            out.append((S, (c, sg, s), pts, ok))
    return out


def _ideal(sums: _Sums, d, N):
    """Each side's best ``u_i`` over :func:`_ir`'s candidates (-inf: none)."""
    return np.stack(
        [np.max([_rowmax(S.row[ok], p[ok, i], N) for S, _, p, ok in _ir(sums, d)], 0)
         for i in (0, 1)], axis=1
    )  # fmt: skip


def _groups(sums: _Sums, d, r, tol):
    """Max-min candidates as groups ``(S, edge, ok, on_ray, lo, hi)`` (as
    :func:`sim.analysis.batch_axiomatic._max_min_groups`; ``edge``: ``(c, sg, s)``)."""
    rn = np.hypot(r[:, 0], r[:, 1])

    def group(S, edge, pts, ok, ray):
        norm = (pts - d[S.row]) / r[S.row]
        lo, hi = norm.min(axis=1), norm.max(axis=1)
        return S, edge, ok, ray & ok & (lo >= -(tol / rn)[S.row]), lo, hi

    T = sums.T
    no = np.zeros(T.row.size, bool)
    out = [group(T, None, T.pts, ~no, no)]
    for c, S, sg, P0, E in sums.edges:
        rr = r[S.row]
        gap = (P0 - d[S.row]) / rr
        fa = gap[:, 0] - gap[:, 1]
        fb = fa + (E[:, 0] / rr[:, 0] - E[:, 1] / rr[:, 1])
        yes, no = np.ones(S.row.size, bool), np.zeros(S.row.size, bool)
        for s in (np.zeros(S.row.size), np.ones(S.row.size)):
            out.append(group(S, (c, sg, s), P0 + s[:, None] * E, yes, no))
        ta = gap[:, 0]
        tb = ta + E[:, 0] / rr[:, 0]
        col = (fa == 0) & (fb == 0)
        cross = ((fa * fb) <= 0) & ~col
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(cross, fa / (fa - fb), np.where(col & (tb >= ta), 1.0, 0.0))
        s = np.clip(s, 0.0, 1.0)
        on = cross | col
        out.append(group(S, (c, sg, s), P0 + s[:, None] * E, on, on))
    return out


def _choose(values, geo, sums, d, r, tol):
    """The max-min answer of every draw (as ``batch_axiomatic._max_min``): its ``best``
    value and ``(zone, combo, coords)``."""
    N, cont = values.n, geo[1]
    groups = _groups(sums, d, r, tol)
    tol_t = tol / np.abs(r).min(axis=1)
    best = np.max([_rowmax(g[0].row, np.where(g[2], g[4], -np.inf), N) for g in groups], 0)
    tmax = np.max([_rowmax(g[0].row, np.where(g[3], g[4], -np.inf), N) for g in groups], 0)
    use_ray = np.isfinite(tmax) & (tmax >= best - tol_t)
    base, found = _base(values, cont), []
    for S, edge, ok, ray, lo, hi in groups:
        u = use_ray[S.row]
        tied = np.where(u, ray & (lo >= (tmax - tol_t)[S.row]), ok & (lo >= (best - tol_t)[S.row]))
        found.append(_found(values, cont, base, S, edge, np.flatnonzero(tied), np.where(u, lo, hi)))
    got = winners(found, np.zeros(N, np.int64), {c: values.xs[c][:, 0] for c in cont})
    return best, got


def _max_min_score(d, r):
    """:func:`climb`'s score and segment point for ``min_i (u_i - d_i) / r_i``: the
    crossing of the ray's line."""

    def score(pts, rows):
        lo = ((pts - d[rows, None]) / r[rows, None]).min(axis=-1)
        return np.ones(lo.shape, bool), lo

    def on_segment(P0, E, rows):
        rr = r[rows, None]
        fa = ((P0 - d[rows, None]) / rr) @ np.array([1.0, -1.0])
        fb = fa + (E / rr) @ np.array([1.0, -1.0])
        with np.errstate(divide="ignore", invalid="ignore"):
            return fa / (fa - fb)

    return score, on_segment


def _ideal_score(d, i, ext):
    """:func:`climb`'s score and segment point for ``u_i`` over ``u >= d`` (until a point
    is individually rational, its smaller gain in units of ``ext``): the crossing of
    ``u_j = d_j``, ``j`` the other side."""

    def score(pts, rows):
        gain = pts - d[rows, None]
        fin = (gain >= 0).all(axis=-1)
        return fin, np.where(fin, pts[..., i], (gain / ext[rows, None]).min(axis=-1))

    def on_segment(P0, E, rows):
        a = P0[..., 1 - i] - d[rows, None, 1 - i]
        with np.errstate(divide="ignore", invalid="ignore"):
            return a / -E[..., 1 - i]

    return score, on_segment


def _start(summands, ext, score, extra=None):
    """The summand points of the best direction pick (:func:`picks`) by ``score``, or
    ``extra``'s where better."""
    pk = picks(summands, ext)
    N = ext.shape[0]
    fin, key = score(sum(pk.values()), np.arange(N))
    k = np.lexsort((-key, ~fin), axis=1)[:, 0]
    chosen = {j: p[np.arange(N), k] for j, p in pk.items()}
    if extra is not None:
        f0, k0 = fin[np.arange(N), k], key[np.arange(N), k]
        f1, k1 = (a[:, 0] for a in score(sum(extra.values())[:, None], np.arange(N)))
        take = (f1 & ~f0) | ((f1 == f0) & (k1 > k0))
        chosen = {j: np.where(take[:, None], extra[j], p) for j, p in chosen.items()}
    return chosen


def _zone(summands, d, r, ext, tol):
    """The max-min lower bound's point for the ray ``r`` (its value ``t`` and summand
    points) and the zone where decided: ``yes`` (the point gains more than ``4 tol`` for
    both), ``no`` (the support functions keep every point's smaller gain below ``tol``)."""
    score, seg = _max_min_score(d, r)
    u, _, t, chosen = climb(summands, _start(summands, ext, score), score, seg)
    ang = np.linspace(0.01, np.pi / 2 - 0.01, 64)
    lam = np.stack([np.cos(ang), np.sin(ang)])[None] / ext[:, :, None]  # (N, 2, 64)
    top = sum(support(summands, lam).values()) - np.einsum("nik,ni->nk", lam, d)
    ub = (top / lam.sum(axis=1)).min(axis=1)  # max_u min_i (u_i - d_i), at most
    yes = ((u - d) > 4 * tol[:, None]).all(axis=1)
    no = ub < tol * (1 - 1e-6) - 1e-12 * np.abs(d).max(axis=1)
    return t, chosen, yes, no


def _lows(summands, d, ext, chosen, todo):
    """Lower bounds ``L_i`` of each side's best individually rational ``u_i`` (a point found
    by coordinate ascent from ``chosen``, else ``d_i``: every candidate lies above ``d``),
    and the corners ``(L_1, d_2)``, ``(d_1, L_2)`` (NaN outside ``todo``)."""
    low = []
    for i in (0, 1):
        score, seg = _ideal_score(d, i, ext)
        _, fin, key, _ = climb(summands, _start(summands, ext, score, chosen), score, seg)
        low.append(np.where(todo, np.where(fin, key, d[:, i]), np.nan))
    return low, [np.stack([low[0], d[:, 1]], 1), np.stack([d[:, 0], low[1]], 1)]


def _ideal_point(values, geo, summands, d, ext, chosen, todo):
    """Kalai--Smorodinsky's ideal point of the draws ``todo`` (else -inf): lower bounds
    ``L_i`` by coordinate ascent from ``chosen``, then the candidates of :func:`_ideal`
    that may reach the orthants above ``(L_1, d_2)`` or ``(d_1, L_2)``; -inf where the
    answer falls short of a lower bound."""
    low, q = _lows(summands, d, ext, chosen, todo)
    sums = _Sums(values, geo, *_orthant(values, geo, OrthantBound(summands, q)))
    ideal = _ideal(sums, d, values.n)
    low = np.stack(low, axis=1)
    short = ~(ideal >= low - 1e-9 * (1 + np.abs(low))).all(axis=1)
    return np.where(short[:, None], -np.inf, ideal)


def solve_maxmin(values, d: np.ndarray, solution: str, w, fallback):
    """Kalai--Smorodinsky or the egalitarian solution (direction ``w``) of every draw:
    :class:`sim.analysis.batch_axiomatic.Solved`'s ``(zone, combo, coords)`` (module
    docstring); ``fallback(values, d)`` solves, as a ``Solved``, the draws this cannot
    settle."""
    N = values.n
    geo, summands, ext = _setup(values)
    tol = geo[4]
    r = np.ones((N, 2)) if solution == "kalai_smorodinsky" else np.broadcast_to(w, (N, 2))
    ok = np.isfinite(d).all(axis=1) & (r > 0).all(axis=1)
    given, d, r = d, np.where(ok[:, None], d, 0.0), np.where(ok[:, None], r, 1.0)
    t_lb, chosen, yes, no = _zone(summands, d, r, ext, tol)
    todo = ok & yes
    if solution == "kalai_smorodinsky":
        r = _ideal_point(values, geo, summands, d, ext, chosen, todo) - d
        todo &= np.isfinite(r).all(axis=1) & (r > 0).all(axis=1)
        r = np.where(todo[:, None], r, 1.0)
        score, seg = _max_min_score(d, r)
        _, _, t_lb, _ = climb(summands, _start(summands, ext, score, chosen), score, seg)
    # every candidate tying the best lies in the orthant above d + (t - 2 tol_t) r
    tol_t = tol / r.min(axis=1)
    t = t_lb - 2 * tol_t - 1e-8 * (1 + np.abs(t_lb))
    target = np.where(todo[:, None], d + t[:, None] * r, np.nan)
    sums = _Sums(values, geo, *_orthant(values, geo, OrthantBound(summands, [target])))
    best, (_, combo, coords) = _choose(values, geo, sums, d, r, tol)
    todo &= best >= t_lb - tol_t  # else the bound dropped the optimum: never expected
    again = np.flatnonzero(~todo & ~(ok & no))
    return _redo(fallback, values, given, again, todo, combo, coords)


def _setup(values):
    """What the flat solutions start from: :func:`extent`'s tuple, the summands
    (:func:`_summands`) and the size of each draw's set (N, 2)."""
    geo = extent(values)
    summands = _summands(values, geo)
    lo, hi = extents(summands)
    return geo, summands, np.maximum(hi - lo, 1e-300)


def _redo(fallback, values, d, again, zone, combo, coords):
    """``zone``, ``combo`` and ``coords`` with the draws ``again`` solved by ``fallback``."""
    if again.size:
        got = fallback(values.take(again), d[again])
        zone[again], combo[again] = got.zone, got.combo
        for c, x in coords.items():
            x[again] = got.coords[c]
    return zone, combo, coords


def ideal_picks(values, d: np.ndarray):
    """Per party ``i``, :func:`sim.analysis.batch_ideal.ideal_starts`'s pick on flat arrays:
    ``(combo, {issue: coordinate}, u, unique)`` of the first individually rational candidate
    (in :func:`_ir`'s order) with the largest ``u_i`` (``u`` NaN where none), and whether all
    candidates tying with it are the same outcome; then the draws to solve again (a
    disagreement point not finite, no candidate, or an answer short of its lower bound)."""
    N = values.n
    geo, summands, ext = _setup(values)
    cont = geo[1]
    ok = np.isfinite(d).all(axis=1)
    d = np.where(ok[:, None], d, 0.0)
    chosen = _zone(summands, d, np.ones((N, 2)), ext, geo[4])[1]
    low, q = _lows(summands, d, ext, chosen, ok)
    groups = _ir(_Sums(values, geo, *_orthant(values, geo, OrthantBound(summands, q))), d)
    base, out = _base(values, cont), []
    again = ~ok
    for i in (0, 1):
        best = np.max([_rowmax(S.row[k], p[k, i], N) for S, _, p, k in groups], axis=0)
        again |= ~(best >= low[i] - 1e-9 * (1 + np.abs(low[i])))  # none found: padded too
        found = [_found(values, cont, base, S, edge, np.flatnonzero(k & (p[:, i] == best[S.row])),
                        p) for S, edge, p, k in groups]  # fmt: skip
        r = np.concatenate([f[0] for f in found])
        # the candidates tying the best, and a last one for draws with none
        pts = np.concatenate([*(f[2] for f in found), np.full((1, 2), np.nan)])
        combo = np.concatenate([*(f[3] for f in found), [0]])
        xs = {c: np.concatenate([*(f[4][c] for f in found), [0.0]]) for c in cont}
        order = np.argsort(r, kind="stable")  # by draw, then in the candidates' order
        first = order[np.r_[True, r[order][1:] != r[order][:-1]]] if r.size else order
        pick = np.full(N, r.size)
        pick[r[first]] = first
        same = combo[:-1] == combo[pick[r]]
        for c in cont:
            at = xs[c][pick[r]]
            same &= np.abs(xs[c][:-1] - at) <= 1e-12 * np.maximum(1.0, np.abs(at))
        unique = pick < r.size
        np.logical_and.at(unique, r, same)
        out.append((combo[pick], {c: x[pick] for c, x in xs.items()}, pts[pick], unique))
    return out, np.flatnonzero(again)
