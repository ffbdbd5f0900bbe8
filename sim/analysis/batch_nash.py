"""The Nash solution of many draws on flat arrays, by branch and bound.

The utility set of a draw is the Minkowski sum of its issues' point sets and curves, and the
Nash solution is found, as in :mod:`sim.analysis.batch_axiomatic`, among the undominated
vertex sums and the stationary points of the edges ``P0 + s E`` (one curve on a segment, the
other summands at undominated vertices).  Here the partial sums of every draw are kept in
flat arrays (a row number per point, rows in order) rather than padded to the longest row:
with the bounds of :mod:`sim.analysis.nash_bound` most draws keep one or a few partial sums
while a few keep hundreds, and padding would make every draw pay for the largest.  Each step
(add two sets, apply the bound, keep the undominated sums) is one compiled loop per draw
(:func:`sim.analysis.flat_prune.add_prune`, tested against a brute force and, bit for bit,
against the array steps it replaced); the candidates' values stay in numpy, as every other
path computes them.

Same candidates, values and ties as :mod:`sim.analysis.batch_axiomatic` (ties: the lowest
cell of :attr:`sim.space.OutcomeSpace.cells`, then the larger ``u1``, then the first
candidate), so the answers are the same draw for draw.  A draw whose optimum falls short of
the lower bound's point is solved again without the bound.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.nash_bound import NashBound
from sim.bargaining.groups import bounds

__all__ = ["extent", "log_gain", "log_value", "solve_flat", "winners"]


def extent(values):
    """The discrete and continuous issues, each curve's vertices ``(N, m, 2)`` and which are
    real, and the gain tolerance ``1e-9`` times the set's scale (as ``UtilitySet.tol``: the
    sums of per-summand extents)."""
    N = values.n
    disc = [j for j, i in enumerate(values.issues) if i.kind != "continuous"]
    cont = [j for j, i in enumerate(values.issues) if i.kind == "continuous"]
    lo, hi = np.zeros((N, 2)), np.zeros((N, 2))
    for j in disc:
        lv = values.levels[j]
        lo += lv.min(axis=2).T
        hi += lv.max(axis=2).T
    verts, vvalid = {}, {}
    for c in cont:
        v = np.moveaxis(values.vs[c], 0, -1)
        ok = np.arange(v.shape[1])[None, :] < values.count[c][:, None]
        verts[c], vvalid[c] = v, ok
        lo += np.where(ok[..., None], v, np.inf).min(axis=1)
        hi += np.where(ok[..., None], v, -np.inf).max(axis=1)
    amax = np.maximum(np.abs(lo), np.abs(hi)).max(1)
    scale = np.maximum((hi - lo).max(axis=1), 1e-4 * amax)
    return disc, cont, verts, vvalid, 1e-9 * np.where(scale > 0, scale, 1.0)


@dataclass(frozen=True)
class _Flat:
    """Points of every draw in one array: ``row`` (P,) ascending, ``pts`` (P, 2), ``combo``
    (P,) the discrete combination, ``bp`` {curve: (P,) breakpoint index}."""

    row: np.ndarray
    pts: np.ndarray
    combo: np.ndarray
    bp: dict

    def take(self, i) -> _Flat:
        return _Flat(self.row[i], self.pts[i], self.combo[i], {c: b[i] for c, b in self.bp.items()})


def _sums(s: _Flat, t: _Flat, i, k, levels: int | None = None) -> _Flat:
    """The sums of the pairs ``(s[i], t[k])`` (``levels``: ``t`` is a discrete issue's
    levels, whose position extends the combination index, first issue most significant)."""
    combo = s.combo[i] * levels + t.combo[k] if levels is not None else s.combo[i]
    bp = {c: b[i] for c, b in s.bp.items()} | {c: b[k] for c, b in t.bp.items()}
    return _Flat(s.row[i], s.pts[i] + t.pts[k], combo, bp)


def _key(s: _Flat, cont, base: int) -> np.ndarray:
    """The cell order: combination, then each curve's piece (a breakpoint ``i`` lies in
    piece ``max(i - 1, 0)``)."""
    key = s.combo.astype(np.int64)
    for c in cont:
        b = s.bp.get(c)
        key = key * base + (0 if b is None else np.maximum(b - 1, 0))
    return key


def _columns(s: _Flat, cont, base: int):
    """``u1``, ``u2`` and the cell key of every point, as contiguous arrays."""
    return np.ascontiguousarray(s.pts[:, 0]), np.ascontiguousarray(s.pts[:, 1]), _key(s, cont, base)


def _base(values, cont) -> int:
    """The radix of a cell key's pieces (the most breakpoints of any curve)."""
    return max([int(values.count[c].max()) for c in cont] + [1])


def _summands(values, geo) -> dict:
    """Summand id -> ``(points (N, m, 2), valid (N, m), is_curve)`` of every issue, as the
    bounds take them (``geo``: :func:`extent`'s tuple)."""
    disc, cont, verts, vvalid, _ = geo
    out = {}
    for j in disc:
        p = np.moveaxis(values.levels[j], 0, -1)
        out[j] = (p, np.ones(p.shape[:2], bool), False)
    return out | {c: (verts[c], vvalid[c], True) for c in cont}


def _found(values, cont, base, S, edge, t, second):
    """``(row, key, second, combo, {issue: coordinate})`` of the candidates ``t`` of a group
    (the key: the lowest cell holding the point, as ``batch_axiomatic._found``)."""
    Sx = S.take(t)
    r, key, xs = Sx.row, Sx.combo.astype(np.int64), {}
    for cc in cont:
        if edge is not None and cc == edge[0]:
            sg, sv = edge[1][t], edge[2][t]
            piece = np.where(sv >= 1.0, sg, np.where(sv <= 0.0, np.maximum(sg - 1, 0), sg))
            key = key * base + piece
            xa, xb = values.xs[cc][r, sg], values.xs[cc][r, sg + 1]
            xs[cc] = np.where(sv >= 1.0, xb, xa + sv * (xb - xa))
        else:
            at = Sx.bp[cc]
            key = key * base + np.maximum(at - 1, 0)
            xs[cc] = values.xs[cc][r, np.maximum(at, 0)]
    return r, key, second[t], Sx.combo, xs


def _zero(N: int) -> _Flat:
    """One point per draw at the origin (a sum's neutral element)."""
    return _Flat(np.arange(N), np.zeros((N, 2)), np.zeros(N, np.int64), {})


def stepper(N: int, cont, base: int, test=None, weak: bool = False):
    """``step(s, t, included, levels=None)``: the kept sums of ``s + t`` (``t`` None: of
    ``s``), ``included`` the summands in them, by :func:`sim.analysis.flat_prune.add_prune`
    with the linear test ``test(included) -> (L0, L1, C, per)`` (None: no test); ``weak``:
    the weakly Pareto-optimal sums instead of the Pareto-optimal."""
    from sim.analysis.flat_prune import add_prune

    zero = _zero(N)
    none = (np.zeros((N, 0)),) * 3 + (1,)

    def step(s: _Flat, t: _Flat | None, included, levels: int | None = None) -> _Flat:
        u = zero if t is None else t
        i, k = add_prune(
            bounds(s.row, N), *_columns(s, cont, base), bounds(u.row, N), *_columns(u, cont, base),
            levels or 1, *(none if test is None else test(included)), weak,
        )  # fmt: skip
        return s.take(i) if t is None else _sums(s, t, i, k, levels)

    return step


def chains(values, geo, step):
    """Every draw's complete sums and, per curve, the sums of all the other summands, each
    kept by ``step`` (:func:`stepper`) as they are built: the discrete issues' sums ``D``,
    then ``D + C_1 + ... + C_k`` and ``C_k + ... + C_last``, joined around each curve.
    ``geo``: ``(disc, cont, verts, vvalid)`` as :func:`extent` gives them.  Returns
    ``(T, [S_c for each curve c])``."""
    disc, cont, verts, vvalid = geo[:4]
    N = values.n
    rows = np.arange(N)
    D = _zero(N)
    for i, j in enumerate(disc):
        L = values.levels[j].shape[2]
        lv = np.moveaxis(values.levels[j], 0, -1).reshape(-1, 2)
        t = _Flat(np.repeat(rows, L), lv, np.tile(np.arange(L), N), {})
        D = step(D, t, set(disc[: i + 1]), L)
    V = {}
    for c in cont:
        r, m = np.nonzero(vvalid[c])
        V[c] = step(_Flat(r, verts[c][r, m], np.zeros(r.size, np.int64), {c: m}), None, {c})
    prefix = [D]  # D, D + C_1, D + C_1 + C_2, ...
    for k, c in enumerate(cont):
        prefix.append(step(prefix[-1], V[c], {*disc, *cont[: k + 1]}))
    suffix = [None] * (len(cont) + 1)  # C_k + ... + C_last
    for k in range(len(cont) - 1, 0, -1):
        nxt = suffix[k + 1]
        suffix[k] = V[cont[k]] if nxt is None else step(V[cont[k]], nxt, set(cont[k:]))
    others = [
        prefix[k] if suffix[k + 1] is None else step(prefix[k], suffix[k + 1], {*disc, *cont} - {c})
        for k, c in enumerate(cont)
    ]
    return prefix[-1], others


def _rowmax(row: np.ndarray, val: np.ndarray, N: int) -> np.ndarray:
    """The largest ``val`` of every draw (``row`` ascending; ``-inf`` for none)."""
    out = np.full(N, -np.inf)
    if row.size:
        starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]])
        out[row[starts]] = np.maximum.reduceat(val, starts)
    return out


def winners(found, combo: np.ndarray, coords: dict):
    """Each draw's answer among its candidates tying the best, ``found``: a list of
    ``(row, key, u1, combo, {issue: coordinate})`` arrays.  The lowest key (cell) wins, then
    the larger ``u1``, then the first found.  Returns ``zone`` (a candidate exists), and
    copies of ``combo`` (N,) and ``coords`` {issue: (N,)} (what draws with no candidate
    keep) with the winners' cells and coordinates."""
    r = np.concatenate([f[0] for f in found])
    key = np.concatenate([f[1] for f in found])
    u1 = np.concatenate([f[2] for f in found])
    order = np.lexsort((-u1, key, r))  # stable: equal keys and u1 keep the candidate order
    first = order[np.r_[True, r[order][1:] != r[order][:-1]]] if r.size else order
    win = r[first]
    zone = np.zeros(combo.shape[0], bool)
    zone[win] = True
    combo = combo.copy()
    combo[win] = np.concatenate([f[3] for f in found])[first]
    coords = {c: x.copy() for c, x in coords.items()}
    for c, x in coords.items():
        x[win] = np.concatenate([f[4][c] for f in found])[first]
    return zone, combo, coords


def log_value(pts, d, w, ok):
    """The Nash value ``w . log(pts - d)`` of the candidates ``ok``, else ``-inf`` (last axis
    of ``pts`` and ``d``: the two parties)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        logs = np.log(np.where(ok[..., None], pts - d, 1.0))
    return np.where(ok, logs @ w, -np.inf)


def log_gain(pts, d, w):
    """``w . log(pts - d)`` where both gains are positive, else ``-inf`` (last axis: 2)."""
    return log_value(pts, d, w, ((pts - d) > 0).all(axis=-1))


def solve_flat(values, d: np.ndarray, w: np.ndarray, bound: bool = True):
    """Nash solution of every draw: ``(zone, combo, coords)`` as
    :class:`sim.analysis.batch_axiomatic.Solved` holds them (module docstring)."""
    N = values.n
    geo = _, cont, verts, vvalid, tol = extent(values)
    base = _base(values, cont)
    nb = NashBound(_summands(values, geo), d, w, tol) if bound else None
    step = stepper(N, cont, base, None if nb is None else nb.test)
    T, others = chains(values, geo, step)

    # candidates: vertex sums, then each curve's edges at their stationary points
    from sim.analysis.flat_prune import edge_points

    full = (np.zeros((N, 0)),) * 3 if nb is None else nb.test(set(nb.h))[:3]  # complete sums
    dd = d[T.row]
    ok = ((T.pts - dd) > tol[T.row, None]).all(axis=1)
    groups = [(None, T, T.pts, ok, log_value(T.pts, dd, w, ok))]
    for c, S in zip(cont, others, strict=True):
        x, y = S.pts[:, 0].copy(), S.pts[:, 1].copy()
        i, sg, t, px, py = edge_points(bounds(S.row, N), x, y, verts[c], vvalid[c], d, tol, w,
                                       *full)  # fmt: skip
        pts = np.column_stack([px, py])
        ok = np.ones(i.size, bool)
        groups.append(((c, sg, t), S.take(i), pts, ok, log_value(pts, d[S.row[i]], w, ok)))
    best = np.max([_rowmax(g[1].row, g[4], N) for g in groups], axis=0)
    thr = best - (1e-12 + 1e-12 * np.abs(best))
    # (row, key, u1, combo, {issue: coordinate}) of the candidates tying the best
    found = [
        _found(values, cont, base, S, edge, np.flatnonzero(ok & (val >= thr[S.row])), pts[:, 0])
        for edge, S, pts, ok, val in groups
    ]
    zone, combo, coords = winners(
        found, np.zeros(N, np.int64), {c: values.xs[c][:, 0] for c in cont}
    )
    if nb is not None:  # rows short of the lower bound's point: again without the bound
        lb = nb.best
        short = np.flatnonzero(np.isfinite(lb) & ~(best >= lb - 1e-9 * (1.0 + np.abs(lb))))
        if short.size:
            z, cb, xs = solve_flat(values.take(short), d[short], w, bound=False)
            zone[short], combo[short] = z, cb
            for c in cont:
                coords[c][short] = xs[c]
    return zone, combo, coords
