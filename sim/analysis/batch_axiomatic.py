"""Axiomatic bargaining solutions of many draws at once, on the Minkowski structure.

With additive value functions the utility set is a Minkowski sum
``U = D_1 + ... + D_J + C_1 + ... + C_k`` of the discrete issues' point sets and the
continuous issues' piecewise-linear curves (docs/dev/architecture.md): the cells of
:attr:`sim.space.OutcomeSpace.cells` are ``p + seg_a + seg_b + ...``.  Two facts make the
exact solution cheap:

* A point ``u = sum_j s_j`` that maximises a strictly increasing objective over ``U`` is
  Pareto optimal, and then every summand ``s_j`` is Pareto optimal in its own set (if some
  ``s'_j`` dominated ``s_j``, swapping it in would dominate ``u``).  Dominated partial sums
  are therefore dropped after every Minkowski step (a Pareto filter by sorting, Kung, Luccio
  & Preparata 1975, J. ACM 22(4):469-476).
* On a cell the maximiser lies on an edge ``p + seg + (vertices of the other curves)``, at
  a vertex or, for Nash, at the stationary point
  ``s* = -(w1 Δ1 y0 + w2 Δ2 x0) / ((w1 + w2) Δ1 Δ2)`` (Nash 1950, Econometrica 18:155-162;
  Kalai 1977 for weights), for the utilitarian solution at a crossing of ``u_i = d_i``
  (Dantzig: a linear objective is maximised at a vertex of the individually rational piece),
  for Kalai--Smorodinsky and egalitarian (max of ``min_i (u_i - d_i) / r_i``, weakly
  increasing: a Pareto-optimal maximiser exists) at a vertex or where the two normalised
  gains are equal; Kalai--Smorodinsky's ideal point (each side's best ``u_i`` with
  ``u >= d``) is the utilitarian machinery with weights ``(1, 0)`` and ``(0, 1)``
  (Kalai & Smorodinsky 1975, Econometrica 43:513-518; Kalai 1977, Econometrica 45:1623).

These are the candidates of :mod:`sim.bargaining.axiomatic`, restricted to undominated
summands, evaluated as padded arrays over draws.  Ties are broken as there: lowest cell (in
the order of :attr:`OutcomeSpace.cells`: discrete combination, then pieces), then larger
``u1``.  Not reproduced: dropping a dominated candidate that ties within ``1e-12`` of the
best with another (a distinct near-tie, of probability ~0 under continuous draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.batch_maxmin import solve_maxmin
from sim.analysis.batch_nash import _base, extent, log_gain, log_value, solve_flat, winners
from sim.analysis.batch_utilitarian import solve_utilitarian

__all__ = ["Solved", "coordinates", "log_gain", "solve_batch"]

_BIG = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Set:
    """Padded partial sums: points (N, M, 2), valid (N, M), combo (N, M), bp {c: (N, M)}."""

    pts: np.ndarray
    valid: np.ndarray
    combo: np.ndarray
    bp: dict


def _prune(s: _Set, key: np.ndarray, weak: bool = False) -> _Set:
    """Keep the undominated points of every row (lowest ``key`` among exact duplicates);
    ``weak``: every point no other beats in both coordinates (the weakly Pareto-optimal)."""
    N, M = s.valid.shape
    u1 = np.where(s.valid, s.pts[..., 0], -np.inf)
    u2 = np.where(s.valid, s.pts[..., 1], -np.inf)
    order = np.lexsort((key, -u2, -u1), axis=1)
    u2s = np.take_along_axis(u2, order, axis=1)
    best = np.maximum.accumulate(u2s, axis=1)  # the highest u2 so far (u1 at least as high)
    shift = lambda a, fill: np.concatenate([np.full((N, 1), fill), a[:, :-1]], axis=1)  # noqa: E731
    if weak:  # the highest u2 among points with a strictly higher u1
        u1s = np.take_along_axis(u1, order, axis=1)
        new = u1s != shift(u1s, np.nan)
        start = np.maximum.accumulate(np.where(new, np.arange(M), 0), axis=1)
        above = np.where(start > 0, np.take_along_axis(best, np.maximum(start - 1, 0), 1), -np.inf)
        good = (u2s >= above) & (new | (u2s != shift(u2s, np.nan)))
    else:
        good = u2s > shift(best, -np.inf)
    keep = np.take_along_axis(s.valid, order, axis=1) & good
    m = max(int(keep.sum(axis=1).max()), 1)
    rows, cols = np.nonzero(keep)
    dest = (np.cumsum(keep, axis=1) - 1)[rows, cols]
    src = order[rows, cols]

    def pack(a, fill):
        out = np.full((N, m, *a.shape[2:]), fill, dtype=a.dtype)
        out[rows, dest] = a[rows, src]
        return out

    return _Set(
        pack(s.pts, 0.0),
        pack(s.valid, False),
        pack(s.combo, 0),
        {c: pack(b, -1) for c, b in s.bp.items()},
    )


def _add(s: _Set, t: _Set, *, levels: int | None = None) -> _Set:
    """Minkowski sum of every row's sets ``s`` and ``t``: (N, M * L) elements.

    ``levels`` (a discrete issue's number of levels) appends the position in ``t`` to the
    combination index (mixed radix, first issue most significant, as ``np.meshgrid``'s
    ``indexing="ij"``); otherwise ``t``'s breakpoint indices are carried over.
    """
    N, M = s.valid.shape
    L = t.valid.shape[1]
    out = (s.pts[:, :, None, :] + t.pts[:, None, :, :]).reshape(N, M * L, 2)
    ok = (s.valid[:, :, None] & t.valid[:, None, :]).reshape(N, M * L)
    if levels is not None:
        cmb = (s.combo[:, :, None] * levels + np.arange(L)).reshape(N, M * L)
    else:
        cmb = np.repeat(s.combo, L, axis=1)
    bps = {c: np.repeat(b, L, axis=1) for c, b in s.bp.items()}
    for c, b in t.bp.items():
        bps[c] = np.broadcast_to(b[:, None, :], (N, M, L)).reshape(N, M * L)
    return _Set(out, ok, cmb, bps)


def _key(s: _Set, order: list[int], base: int) -> np.ndarray:
    """Cell order of :attr:`OutcomeSpace.cells`: combination, then the pieces (a breakpoint
    ``i`` lies in piece ``max(i - 1, 0)``)."""
    key = s.combo.astype(np.int64)
    for c in order:
        b = s.bp.get(c)
        piece = np.zeros_like(key) if b is None else np.maximum(b - 1, 0)
        key = key * base + piece
    return key


@dataclass(frozen=True)
class Solved:
    """Per draw: agreement reached, the discrete combination and continuous coordinates."""

    zone: np.ndarray  # (N,) bool
    combo: np.ndarray  # (N,) int
    coords: dict  # issue index -> (N,) float


class _Geometry:
    """What does not depend on ``d``: the undominated vertex sums ``T`` and, per curve ``c``,
    the edges ``P0 + s E`` (``c`` on any of its segments, the other curves at undominated
    vertices); candidates are points of these at a parameter ``s`` per edge.  ``weak``:
    weakly undominated (only points another beats in both coordinates are dropped)."""

    def __init__(self, values, weak: bool = False):
        N = self.N = values.n
        self.values = values
        disc, cont, verts, vvalid, self.tol = extent(values)
        self.cont = cont
        base = self.base = _base(values, cont)

        # undominated discrete combinations, then partial sums with the continuous curves
        D = _Set(np.zeros((N, 1, 2)), np.ones((N, 1), bool), np.zeros((N, 1), np.int64), {})
        for j in disc:
            lv = np.moveaxis(values.levels[j], 0, -1)
            t = _Set(lv, np.ones(lv.shape[:2], bool), np.zeros(lv.shape[:2], np.int64), {})
            D = _add(D, t, levels=lv.shape[1])
            D = _prune(D, _key(D, cont, base), weak)
        V = {}
        for c in cont:
            one = _Set(
                verts[c],
                vvalid[c],
                np.zeros(vvalid[c].shape, np.int64),
                {c: np.broadcast_to(np.arange(vvalid[c].shape[1]), vvalid[c].shape)},
            )
            V[c] = _prune(one, _key(one, cont, base), weak)

        def plus(s, t):
            s = _add(s, t)
            return _prune(s, _key(s, cont, base), weak)

        # the sums without curve c from prefix and suffix sums: Pareto(A + B) is
        # Pareto(Pareto(A) + Pareto(B)), and a prefix's fields are the more significant
        # ones of the cell order, so exact duplicates keep the same (lowest) cell
        prefix = [D]
        for c in cont:
            prefix.append(plus(prefix[-1], V[c]))
        suffix = [None] * (len(cont) + 1)
        for k in range(len(cont) - 1, 0, -1):
            suffix[k] = V[cont[k]] if suffix[k + 1] is None else plus(V[cont[k]], suffix[k + 1])

        self.T = prefix[-1]
        self.rows = np.arange(N)[:, None]
        self.edges = []
        for k, c in enumerate(cont):
            S = prefix[k] if suffix[k + 1] is None else plus(prefix[k], suffix[k + 1])
            A, B = verts[c][:, :-1], verts[c][:, 1:]
            both = S.valid[:, :, None] & vvalid[c][:, 1:][:, None, :]
            self.edges.append(
                (
                    c,
                    S,
                    S.pts[:, :, None, :] + A[:, None, :, :],  # P0 (N, Mt, Sg, 2)
                    (B - A)[:, None, :, :],  # E (N, 1, Sg, 2)
                    both,
                )
            )

    def vertices(self, ok):
        """Candidates at the vertex sums ``T`` (``ok`` (N, M) selects)."""
        T = self.T
        xs = {c: self.values.xs[c][self.rows, np.maximum(T.bp[c], 0)] for c in self.cont}
        return T.pts, ok, _key(T, self.cont, self.base), T.combo, xs

    def on_edge(self, edge, s, ok):
        """Candidates at ``P0 + s E`` of one curve's edges (``s``, ``ok`` of shape (N, Mt, Sg));
        the key is the lowest cell holding the point (a breakpoint ``i`` lies in piece
        ``i - 1`` when it ends the segment, else in ``i``)."""
        c, S, P0, E, both = edge
        xs_c = self.values.xs[c]
        seg_i = np.broadcast_to(np.arange(E.shape[2]), both.shape)
        piece = np.where(s >= 1.0, seg_i, np.where(s <= 0.0, np.maximum(seg_i - 1, 0), seg_i))
        key = S.combo[:, :, None].astype(np.int64)
        for cc in self.cont:
            p = piece if cc == c else np.maximum(S.bp[cc] - 1, 0)[:, :, None]
            key = key * self.base + p
        xs = {
            cc: np.broadcast_to(
                self.values.xs[cc][self.rows, np.maximum(S.bp[cc], 0)][:, :, None], both.shape
            )
            for cc in self.cont
            if cc != c
        }
        xa, xb = xs_c[:, :-1][:, None, :], xs_c[:, 1:][:, None, :]
        xs[c] = np.where(s >= 1.0, xb, xa + s * (xb - xa))
        pts = P0 + s[..., None] * E
        return pts, ok & both, key, np.broadcast_to(S.combo[:, :, None], both.shape), xs


def _stack(cands, N, cont):
    """Concatenate candidate groups ``(pts, ok, key, combo, xs)`` along the candidate axis."""
    pts = np.concatenate([c[0].reshape(N, -1, 2) for c in cands], axis=1)
    ok = np.concatenate([c[1].reshape(N, -1) for c in cands], axis=1)
    key = np.concatenate([c[2].reshape(N, -1) for c in cands], axis=1)
    combo = np.concatenate([c[3].reshape(N, -1) for c in cands], axis=1)
    xs = {j: np.concatenate([c[4][j].reshape(N, -1) for c in cands], axis=1) for j in cont}
    return pts, ok, key, combo, xs


def _choose(g: _Geometry, cands, tied, second, zone) -> Solved:
    """Among ``tied`` candidates the lowest key (cell), then the largest ``second``."""
    key, combo, xs = cands[2:]
    kmin = np.where(tied, key, _BIG).min(axis=1)
    tied = tied & (key == kmin[:, None])
    pick = np.argmax(np.where(tied, second, -np.inf), axis=1)
    r = np.arange(g.N)
    return Solved(
        zone=zone & tied.any(axis=1),
        combo=combo[r, pick],
        coords={c: xs[c][r, pick] for c in g.cont},
    )


def _nash_groups(g: _Geometry, d, w):
    """Nash candidates: the vertex sums and the stationary point of every edge (module
    docstring), as groups ``(edge or None, points, ok, s)``."""
    dd, tl = d[:, None, :], g.tol[:, None]
    ok = g.T.valid & ((g.T.pts - dd) > tl[..., None]).all(axis=2)
    groups = [(None, g.T.pts, ok, None)]
    for edge in g.edges:
        _, _, P0, E, both = edge
        x0, y0 = P0[..., 0] - d[:, None, None, 0], P0[..., 1] - d[:, None, None, 1]
        slanted = (np.abs(E[..., 0]) > tl[..., None]) & (np.abs(E[..., 1]) > tl[..., None])
        with np.errstate(divide="ignore", invalid="ignore"):
            s = -(w[0] * E[..., 0] * y0 + w[1] * E[..., 1] * x0) / (w.sum() * E[..., 0] * E[..., 1])
        s = np.clip(np.where(slanted, s, 0.0), 0.0, 1.0)
        pts = P0 + s[..., None] * E
        good = slanted & ((pts - dd[:, None]) > tl[..., None, None]).all(-1)
        groups.append((edge, pts, good & both, s))
    return groups


def _nash(g: _Geometry, d, w):
    """The Nash solution of every row.  Values are computed for every candidate; the cell
    and coordinates only for those tying with the best (ties as :func:`_choose`)."""
    N = g.N
    groups, vals = _nash_groups(g, d, w), []
    for _, pts, ok, _ in groups:
        vals.append(log_value(pts.reshape(N, -1, 2), d[:, None, :], w, ok.reshape(N, -1)))
    best = np.max([v.max(axis=1, initial=-np.inf) for v in vals], axis=0)
    thr = (best - (1e-12 + 1e-12 * np.abs(best)))[:, None]
    found = [
        _found(g, edge, s, ok.reshape(N, -1) & (val >= thr), pts[..., 0])
        for (edge, pts, ok, s), val in zip(groups, vals, strict=True)
    ]
    return _winners(g, found)


def _found(g: _Geometry, edge, s, tied, second):
    """``(row, key, second, combo, {issue: coordinate})`` of the candidates ``tied`` (N, C)
    of one group: the vertex sums (``edge`` None) or an edge group at parameters ``s``; the
    key is the lowest cell holding the point (a breakpoint ``i`` lies in piece ``i - 1``
    when it ends the segment, else in ``i``)."""
    r, flat = np.nonzero(tied)
    T, base = g.T, g.base
    if edge is None:
        m = flat
        key = _key(T, g.cont, base)[r, m]
        xs = {c: g.values.xs[c][r, np.maximum(T.bp[c][r, m], 0)] for c in g.cont}
        return r, key, second.reshape(g.N, -1)[r, m], T.combo[r, m], xs
    c, S = edge[:2]
    m, sg = np.unravel_index(flat, s.shape[1:])
    sv = s[r, m, sg]
    piece = np.where(sv <= 0.0, np.maximum(sg - 1, 0), sg)
    key = S.combo[r, m].astype(np.int64)
    xs = {}
    for cc in g.cont:
        if cc == c:
            key = key * base + np.where(sv >= 1.0, sg, piece)
            xa, xb = g.values.xs[c][r, sg], g.values.xs[c][r, sg + 1]
            xs[c] = np.where(sv >= 1.0, xb, xa + sv * (xb - xa))
        else:
            key = key * base + np.maximum(S.bp[cc][r, m] - 1, 0)
            xs[cc] = g.values.xs[cc][r, np.maximum(S.bp[cc][r, m], 0)]
    return r, key, second[r, m, sg], S.combo[r, m], xs


def _winners(g: _Geometry, found) -> Solved:
    """Each draw's winner among ``found`` (:func:`sim.analysis.batch_nash.winners`); draws
    without a candidate keep the first vertex sum's cell (their zone is False)."""
    T = g.T
    zone, combo, coords = winners(
        found,
        T.combo[:, 0],
        {c: g.values.xs[c][np.arange(g.N), np.maximum(T.bp[c][:, 0], 0)] for c in g.cont},
    )
    return Solved(zone=zone, combo=combo, coords=coords)


def _ir(g: _Geometry, d):
    """Vertices of the individually rational pieces (as :func:`ir_candidates`): vertex sums
    with ``u >= d`` and the crossings of edges with ``u_i = d_i`` where the other gets ``d``."""
    cands = [g.vertices(g.T.valid & (g.T.pts >= d[:, None, :]).all(axis=2))]
    for edge in g.edges:
        _, _, P0, E, _ = edge
        for i in (0, 1):
            a = P0[..., i] - d[:, None, None, i]
            b = a + E[..., i]
            cross = (a * b) < 0
            with np.errstate(divide="ignore", invalid="ignore"):
                s = np.where(cross, a / (a - b), 0.0)
            other = P0[..., 1 - i] + s * E[..., 1 - i]
            pts, ok, key, combo, xs = g.on_edge(edge, s, cross & (other >= d[:, None, None, 1 - i]))
            pts = pts.copy()
            pts[..., i] = np.broadcast_to(d[:, None, None, i], pts.shape[:-1])
            cands.append((pts, ok, key, combo, xs))
    return _stack(cands, g.N, g.cont)


def _max_min_groups(g: _Geometry, d, r):
    """Candidates of ``max min_i (u_i - d_i) / r_i`` (:func:`_max_min`) as groups
    ``(edge or None, s, points, ok, on_ray, lo, hi)``: the vertex sums, then per edge its two
    ends and its crossing with the ray's line; ``on_ray``: the crossings (on the ray, not
    behind ``d``); ``lo``, ``hi``: the smaller and larger normalised gains."""
    rr, dd = r[:, None, :], d[:, None, :]
    rn = np.hypot(r[:, 0], r[:, 1])

    def group(edge, s, pts, ok, ray):
        norm = (pts - d.reshape(g.N, *([1] * (pts.ndim - 2)), 2)) / r.reshape(
            g.N, *([1] * (pts.ndim - 2)), 2
        )
        lo, hi = norm.min(axis=-1), norm.max(axis=-1)
        ray = ray & ok & (lo >= -(g.tol / rn).reshape(g.N, *([1] * (pts.ndim - 2))))
        return edge, s, pts, ok, ray, lo, hi

    groups = [group(None, None, g.T.pts, g.T.valid, np.zeros(g.T.valid.shape, bool))]
    for edge in g.edges:
        _, _, P0, E, both = edge
        gap = (P0 - dd[:, None]) / rr[:, None]  # normalised gains at the edge's start
        fa = gap[..., 0] - gap[..., 1]
        fb = fa + (E[..., 0] / rr[:, None, :, 0] - E[..., 1] / rr[:, None, :, 1])
        for s in (np.zeros(both.shape), np.ones(both.shape)):  # the edge's ends
            groups.append(group(edge, s, P0 + s[..., None] * E, both, np.zeros(both.shape, bool)))
        # the crossing with the ray's line (a collinear edge: its farther end)
        ta = gap[..., 0]
        tb = ta + E[..., 0] / rr[:, None, :, 0]
        col = (fa == 0) & (fb == 0)
        cross = ((fa * fb) <= 0) & ~col
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(cross, fa / (fa - fb), np.where(col & (tb >= ta), 1.0, 0.0))
        s = np.clip(s, 0.0, 1.0)
        on = both & (cross | col)
        groups.append(group(edge, s, P0 + s[..., None] * E, on, on))
    return groups


def _rowmax(groups, field: int, mask: int) -> np.ndarray:
    """Each row's largest ``field`` among the groups' entries where ``mask`` holds."""
    return np.max(
        [np.where(gr[mask], gr[field], -np.inf).reshape(gr[mask].shape[0], -1).max(
            axis=1, initial=-np.inf) for gr in groups],
        axis=0,
    )  # fmt: skip


def max_min_value(values, d: np.ndarray, r=(1.0, 1.0)) -> np.ndarray:
    """``max_u min_i (u_i - d_i) / r_i`` over each row's utility set (exact, as
    :func:`_max_min`); NaN where ``d`` is."""
    g = _Geometry(values)
    r = np.broadcast_to(np.asarray(r, dtype=float), (g.N, 2))
    best = _rowmax(_max_min_groups(g, np.nan_to_num(d), r), 5, 3)
    return np.where(np.isfinite(d).all(axis=1), best, np.nan)


def _max_min(g: _Geometry, d, r, zone) -> Solved:
    """The largest ``t`` with ``d + t r`` in the set, else the free-disposal point maximising
    ``min_i (u_i - d_i) / r_i`` (as :func:`sim.bargaining.axiomatic.kalai_smorodinsky` and
    ``egalitarian``; ties: lowest cell, then the larger ``t``).

    The best value ``v = max min_i (u_i - d_i) / r_i`` is attained at a Pareto-optimal
    point, which lies on an edge whose other summands are undominated; on an edge the
    smaller normalised gain is concave with one kink, where the two are equal (on the ray's
    line), so the maximum is at an end or at that crossing.  The ray's farthest point in the
    set, when it attains ``v``, is weakly Pareto optimal: on the boundary, so on an edge of
    a cell, whose summands no point of their own set beats in both coordinates (else a
    point of the set would beat it); the geometry keeps those (``weak``), so the crossings
    include it.  Likewise every vertex tying with the free-disposal maximiser.  The cells
    and coordinates are computed only for the candidates that tie.
    """
    r = np.where(zone[:, None], r, 1.0)
    groups = _max_min_groups(g, d, r)
    tol_t = g.tol / np.abs(r).min(axis=1)
    best = _rowmax(groups, 5, 3)
    tmax = _rowmax(groups, 5, 4)
    use_ray = np.isfinite(tmax) & (tmax >= best - tol_t)
    found = []
    for edge, s, _, ok, on_ray, lo, hi in groups:
        shape = (g.N, *([1] * (lo.ndim - 1)))
        ray = use_ray.reshape(shape)
        tied = np.where(
            ray,
            on_ray & (lo >= (tmax - tol_t).reshape(shape)),
            ok & (lo >= (best - tol_t).reshape(shape)),
        )
        found.append(_found(g, edge, s, tied.reshape(g.N, -1), np.where(ray, lo, hi)))
    got = _winners(g, found)
    return Solved(zone=zone & got.zone, combo=got.combo, coords=got.coords)


def coordinates(issues, combo: np.ndarray, xs: dict) -> np.ndarray:
    """Outcome coordinates (M, n_issues) of answers given as :class:`Solved` holds them: the
    discrete issues' levels from ``combo`` (mixed radix, first issue most significant), the
    continuous issues' values from ``xs`` {issue: (M,)}."""
    disc = [j for j, i in enumerate(issues) if i.kind != "continuous"]
    sizes = [len(issues[j].level_list()) for j in disc]
    strides = np.cumprod([1, *sizes[::-1]])[::-1][1:] if sizes else []
    coords = np.zeros((len(combo), len(issues)))
    for j, issue in enumerate(issues):
        if issue.kind == "continuous":
            coords[:, j] = xs[j]
        else:
            k = disc.index(j)
            coords[:, j] = (combo // strides[k]) % sizes[k]
    return coords


def _vertex_sums(values) -> int:
    """How many vertex sums a row's utility set has at most (levels times breakpoints)."""
    n = 1
    for j, issue in enumerate(values.issues):
        if issue.kind == "continuous":
            n *= int(values.count[j].max(initial=1))
        else:
            n *= values.levels[j].shape[2]
    return n


#: Every solution by branch and bound on flat arrays (:mod:`sim.analysis.batch_nash`,
#: :mod:`sim.analysis.batch_maxmin`, :mod:`sim.analysis.batch_utilitarian`) where a row has
#: more vertex sums than this; else on the padded geometry.
_PLAIN = 1024
#: Draws solved together: on flat arrays (memory: their partial sums), and on the padded
#: geometry (padded to the chunk's largest set).
_NASH_CHUNK, _SMALL = 1024, 16


def solve_batch(
    values, d: np.ndarray, *, solution: str, weights=(0.5, 0.5), chunk: int | None = None
) -> Solved:
    """One axiomatic solution of every draw (module docstring).

    Parameters
    ----------
    values : sim.analysis.batch_values.BatchedValues
        Two parties.
    d : (N, 2) array
        Disagreement points.
    solution : {"nash", "utilitarian", "egalitarian", "kalai_smorodinsky"}
    weights : (2,) positive
        Nash bargaining weights, utilitarian weights or the egalitarian direction
        (ignored by ``kalai_smorodinsky``).
    chunk : int, optional
        Draws solved together on the padded geometry (its arrays are padded to the chunk's
        largest set: rows alike, such as packages of one scenario, can take many); the flat
        paths cap their rows' sets instead.
    """
    w = np.asarray(weights, dtype=float)

    def plain(v, dd):  # the padded geometry, a chunk at a time
        return _chunks(v, dd, chunk or _SMALL, lambda a, b: _solve_one(a, b, solution, w))

    large = _vertex_sums(values) > _PLAIN  # small sets: bounds would cost more than they save
    if solution == "nash" and large:
        size, one = _NASH_CHUNK, lambda v, dd: Solved(*solve_flat(v, dd, w))
    elif solution == "nash":
        size, one = chunk or _SMALL, lambda v, dd: _nash(_Geometry(v), dd, w)
    elif solution in ("kalai_smorodinsky", "egalitarian") and large:
        size, one = _NASH_CHUNK, lambda v, dd: Solved(*solve_maxmin(v, dd, solution, w, plain))
    elif solution == "utilitarian" and large and _nonnegative(w):
        size, one = _NASH_CHUNK, lambda v, dd: Solved(*solve_utilitarian(v, dd, w, plain))
    else:
        return plain(values, d)
    return _chunks(values, d, size, one)


def _nonnegative(w) -> bool:
    """Weights the utilitarian bound takes (its directions ``w + nu`` must be ``>= 0``)."""
    return bool((w >= 0).all() and w.sum() > 0)


def _chunks(values, d, size: int, one) -> Solved:
    """``one(values, d)`` on slices of ``size`` draws, joined."""
    parts = [
        one(values.take(slice(k, k + size)), d[k : k + size]) for k in range(0, values.n, size)
    ]
    return Solved(
        zone=np.concatenate([p.zone for p in parts]),
        combo=np.concatenate([p.combo for p in parts]),
        coords={c: np.concatenate([p.coords[c] for p in parts]) for c in parts[0].coords},
    )


def _solve_one(values, d, solution: str, w) -> Solved:
    """A non-Nash solution of one chunk of draws."""
    g = _Geometry(values, weak=solution in ("egalitarian", "kalai_smorodinsky"))
    N = g.N
    # some point gains for both: a vertex or an edge's Nash point (module docstring)
    zone = np.any(
        [ok.reshape(N, -1).any(axis=1) for _, _, ok, _ in _nash_groups(g, d, np.ones(2))], 0
    )
    ir = _ir(g, d) if solution != "egalitarian" else None
    if solution == "utilitarian":
        val = np.where(ir[1], ir[0] @ w, -np.inf)
        best = val.max(axis=1)
        slack = g.tol * w.sum() + 1e-12 * np.abs(best)
        tied = ir[1] & (val >= (best - slack)[:, None])
        return _choose(g, ir, tied, ir[0][..., 0], zone & np.isfinite(best))
    if solution == "kalai_smorodinsky":  # the ideal point: each side's best IR outcome
        ideal = np.where(ir[1][..., None], ir[0], -np.inf).max(axis=1)
        w = ideal - d
    elif solution == "egalitarian":
        w = np.broadcast_to(w, (N, 2))
    else:
        raise ValueError(f"unknown solution {solution!r}")
    return _max_min(g, d, w, zone)
