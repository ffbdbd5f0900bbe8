"""Pareto frontiers of a union of convex polygons: exact, and of its convex hull.

The Pareto set of a union is contained in the union of the cells' Pareto chains.  Each chain
segment ``s`` loses the points dominated by another cell ``q``; those form an interval of
``s`` because the region ``q`` dominates, ``q - R^2_+``, is convex (a Minkowski sum of convex
sets), so the interval is found by Liang--Barsky clipping against its half-planes
(Liang & Barsky 1984, ACM TOG 3:1-22).  The surviving pieces of all segments, sorted by
``u1``, form the frontier.  Gaps appear where the union is not convex; a piece endpoint at a
gap may be a limit point that is only weakly Pareto, and is flagged so.  Cells whose ideal
point is dominated by a vertex of another cell are discarded first.

Duplicates (the same point reached in several cells) are resolved to the lowest cell index.
Both frontiers are computed once per :class:`~sim.bargaining.geometry.UtilitySet` (a weak
cache: it goes with the set).
"""

from __future__ import annotations

from dataclasses import dataclass
from weakref import WeakKeyDictionary

import numpy as np

from sim.bargaining.geometry import UtilitySet, clip_interval
from sim.bargaining.primitives import dominated

__all__ = ["Frontier", "convex_frontier", "pareto_frontier"]

_CACHE: dict[str, WeakKeyDictionary] = {"union": WeakKeyDictionary(), "convex": WeakKeyDictionary()}


def _cached(kind: str, uset: UtilitySet, compute) -> Frontier:
    cache = _CACHE[kind]
    found = cache.get(uset)
    if found is None:
        found = cache[uset] = compute(uset)
    return found


@dataclass(frozen=True, eq=False)
class Frontier:
    """A Pareto frontier as segments sorted by ``u1`` (zero-length segments are points).

    Attributes
    ----------
    start, end : (n, 2) arrays      segment endpoints, ``start[:, 0] <= end[:, 0]``.
    cell_start, cell_end : (n,) int cell of each endpoint (equal on the exact frontier; on the
                                    convex frontier a segment may join two cells: a lottery).
    x_start, x_end : (n, k) arrays  cell coordinates of the endpoints.
    start_pareto, end_pareto : (n,) bool
        False where the endpoint is only a limit of Pareto points (weakly Pareto).
    kind : str                      ``"union"`` or ``"convex"``.
    """

    start: np.ndarray
    end: np.ndarray
    cell_start: np.ndarray
    cell_end: np.ndarray
    x_start: np.ndarray
    x_end: np.ndarray
    start_pareto: np.ndarray
    end_pareto: np.ndarray
    kind: str

    def __len__(self) -> int:
        return len(self.start)

    def connected(self, tol: float = 1e-9) -> np.ndarray:
        """(n-1,) bool: segment ``i`` ends where segment ``i + 1`` starts."""
        gap = np.abs(self.end[:-1] - self.start[1:]).max(axis=1, initial=0.0)
        return gap <= tol * max(1.0, float(np.abs(self.start).max(initial=0.0)))

    def polylines(self) -> list[np.ndarray]:
        """Connected runs of the frontier as (m, 2) arrays (for plotting)."""
        if len(self) == 0:
            return []
        cuts = np.flatnonzero(~self.connected()) + 1
        runs = []
        for seg in np.split(np.arange(len(self)), cuts):
            runs.append(np.vstack([self.start[seg], self.end[seg[-1]][None]]))
        return runs

    def to_dict(self) -> dict:
        """JSON-safe representation."""
        return {
            "kind": self.kind,
            "segments": [
                {
                    "start": [float(v) for v in self.start[i]],
                    "end": [float(v) for v in self.end[i]],
                    "cell_start": int(self.cell_start[i]),
                    "cell_end": int(self.cell_end[i]),
                    "x_start": [float(v) for v in self.x_start[i]],
                    "x_end": [float(v) for v in self.x_end[i]],
                    "start_pareto": bool(self.start_pareto[i]),
                    "end_pareto": bool(self.end_pareto[i]),
                }
                for i in range(len(self))
            ],
        }


def _chain_segments(uset: UtilitySet, cells: np.ndarray):
    """Strictly decreasing hull edges of the given cells, oriented with ``u1`` increasing;
    cells with no such edge contribute their lexicographic-maximum vertex as a point."""
    h = uset.hulls
    V, X = h.vertices, h.corners
    E = np.roll(V, -1, axis=1) - V
    tol = uset.tol
    strict = (E[..., 0] < -tol) & (E[..., 1] > tol)  # (S, m): CCW edge going up-left
    # the cell's top-right vertex up to tol: u1 within tol of the maximum, then the largest
    # u2 (up to tol), then the largest u1
    right = V[..., 0] >= V[..., 0].max(axis=1, keepdims=True) - tol
    score = np.where(right, V[..., 1], -np.inf)
    top = score >= score.max(axis=1, keepdims=True) - tol
    lex = np.argmax(np.where(top, V[..., 0], -np.inf), axis=1)
    shp = uset.shape[cells]
    segs = strict[shp]
    ci, ei = np.nonzero(segs)
    c = cells[ci]
    sh = shp[ci]
    off = uset.offsets[c]
    # CCW edge A -> B goes up-left: start (small u1) is B, end is A
    start = off + np.roll(V, -1, axis=1)[sh, ei]
    end = off + V[sh, ei]
    xs, xe = np.roll(X, -1, axis=1)[sh, ei], X[sh, ei]
    lone = ~segs.any(axis=1)
    lc = cells[lone]
    lv = lex[uset.shape[lc]]
    p = uset.offsets[lc] + V[uset.shape[lc], lv]
    xp = X[uset.shape[lc], lv]
    return (
        np.concatenate([start, p]),
        np.concatenate([end, p]),
        np.concatenate([c, lc]),
        np.concatenate([xs, xp]),
        np.concatenate([xe, xp]),
    )


def _survivors(uset: UtilitySet) -> np.ndarray:
    """Cells whose ideal point is not strictly dominated by a vertex of the union."""
    ideal = uset.cell_ideal()
    pts = uset.corner_points()[0]
    tol = uset.tol
    order = np.lexsort((-pts[:, 1], -pts[:, 0]))  # u1 descending, then u2 descending
    p = pts[order]
    best_u2 = np.maximum.accumulate(p[:, 1])  # max u2 among points with u1 >= p1 (so far)
    u1_asc, best_asc = p[::-1, 0], best_u2[::-1]

    def best_above(t):  # max u2 over vertices with u1 >= t
        j = np.searchsorted(u1_asc, t, side="left")
        out = np.full(len(t), -np.inf)
        ok = j < len(u1_asc)
        out[ok] = best_asc[j[ok]]
        return out

    dom = (best_above(ideal[:, 0] + tol) >= ideal[:, 1]) | (
        best_above(ideal[:, 0]) > ideal[:, 1] + tol
    )
    return np.flatnonzero(~dom)


def _dominated_intervals(uset, start, end, seg_cell, survivors):
    """Parameter intervals ``[lo, hi]`` of each segment dominated by another survivor cell."""
    tol = uset.tol
    h = uset.hulls
    ideal = uset.cell_ideal()[survivors]
    n = len(start)
    step = max(1, 4_000_000 // max(len(survivors), 1))
    out_seg, out_lo, out_hi = [], [], []
    for lo in range(0, n, step):
        a, b = start[lo : lo + step], end[lo : lo + step]
        cand = (ideal[None, :, 0] >= a[:, None, 0] - tol) & (
            ideal[None, :, 1] >= b[:, None, 1] - tol
        )
        i, j = np.nonzero(cand)
        q = survivors[j]
        own = seg_cell[lo + i]
        keep = q != own
        i, q, own = i[keep], q[keep], own[keep]
        if i.size == 0:
            continue
        N = h.dom_normals[uset.shape[q]]
        R = h.dom_rhs[uset.shape[q]]
        A, D = a[i] - uset.offsets[q], b[i] - a[i]
        coef = np.einsum("nhj,nj->nh", N, D)
        lower = (q < own)[:, None]
        shifts = [np.array([tol, 0.0]), np.array([0.0, tol])]
        for sh in shifts:
            rhs = np.where(lower, R + tol, R - np.einsum("nhj,j->nh", N, sh)) - np.einsum(
                "nhj,nj->nh", N, A
            )
            ilo, ihi, ok = clip_interval(coef, rhs)
            out_seg.append(lo + i[ok])
            out_lo.append(ilo[ok])
            out_hi.append(ihi[ok])
    if not out_seg:
        return np.zeros(0, np.int64), np.zeros(0), np.zeros(0)
    return np.concatenate(out_seg), np.concatenate(out_lo), np.concatenate(out_hi)


def _free_pieces(n, seg, lo, hi):
    """Complement in ``[0, 1]`` of the union of open intervals ``(lo, hi)`` per segment."""
    order = np.lexsort((lo, seg))
    seg, lo, hi = seg[order], lo[order], hi[order]
    run = np.maximum.accumulate(hi + 2.0 * seg) - 2.0 * seg
    first = np.ones(len(seg), bool)
    first[1:] = seg[1:] != seg[:-1]
    prev = np.where(first, 0.0, np.roll(run, 1))
    gap = lo >= prev
    last = np.ones(len(seg), bool)
    last[:-1] = seg[1:] != seg[:-1]
    covered = np.zeros(n, bool)
    covered[seg] = True
    free = np.flatnonzero(~covered)
    ps = np.concatenate([seg[gap], seg[last], free])
    pa = np.concatenate([prev[gap], run[last], np.zeros(len(free))])
    pb = np.concatenate([lo[gap], np.ones(last.sum()), np.ones(len(free))])
    ok = pa <= pb
    return ps[ok], pa[ok], pb[ok]


def pareto_frontier(uset: UtilitySet) -> Frontier:
    """Exact Pareto frontier of the union of cells, as segments sorted by ``u1``.

    Computed once per set (later calls return the same :class:`Frontier`).

    A point of the union is Pareto when no point of the union is at least as good for both
    parties and better for one.  The frontier of a non-convex union can have gaps; the
    returned segments cover the closure of the Pareto set, endpoints that are only limits
    being flagged ``*_pareto = False``.  Ties (one point in several cells) go to the lowest
    cell index.

    Examples
    --------
    >>> from sim.bargaining.geometry import UtilitySet
    >>> f = pareto_frontier(UtilitySet.from_points([[0, 1], [0.4, 0.4], [1, 0]]))
    >>> f.start.tolist()
    [[0.0, 1.0], [0.4, 0.4], [1.0, 0.0]]
    """
    return _cached("union", uset, _pareto_frontier)


def _pareto_frontier(uset: UtilitySet) -> Frontier:
    tol = uset.tol
    surv = _survivors(uset)
    start, end, cell, xs, xe = _chain_segments(uset, surv)
    seg, lo, hi = _dominated_intervals(uset, start, end, cell, surv)
    ps, pa, pb = _free_pieces(len(start), seg, lo, hi)
    c = cell[ps]
    pa, pb = pa[:, None], pb[:, None]  # lerp forms are exact at the segment ends
    xa = (1.0 - pa) * xs[ps] + pa * xe[ps]
    xb = (1.0 - pb) * xs[ps] + pb * xe[ps]
    a = (1.0 - pa) * start[ps] + pa * end[ps]
    b = (1.0 - pb) * start[ps] + pb * end[ps]
    length = np.hypot(*(b - a).T)
    point = length <= tol
    # isolated points: keep if undominated (ties to the lowest cell), de-duplicated
    keep = ~point
    pidx = np.flatnonzero(point)
    if pidx.size:
        alive = pidx[~dominated(uset, a[pidx], point_cell=c[pidx])]
        if alive.size:
            ends = np.vstack([a[keep], b[keep]])
            key = np.round(a[alive] / tol).astype(np.int64)
            _, first = np.unique(key, axis=0, return_index=True)
            alive = alive[np.sort(first)]
            if len(ends):
                near = (np.abs(a[alive][:, None, :] - ends[None]).max(axis=2) <= tol).any(axis=1)
                alive = alive[~near]
            keep[alive] = True
            b[alive] = a[alive]
            xb[alive] = xa[alive]
    a, b, c, xa, xb = a[keep], b[keep], c[keep], xa[keep], xb[keep]
    if len(a) == 0:  # rounding removed everything: the lexicographic maximum is Pareto
        pts, cells, xs_all = uset.corner_points()
        j = np.lexsort((cells, -pts[:, 1], -pts[:, 0]))[0]
        a, b, c = pts[j : j + 1], pts[j : j + 1], cells[j : j + 1]
        xa, xb = xs_all[j : j + 1], xs_all[j : j + 1]
    order = np.lexsort((-a[:, 1], a[:, 0]))
    a, b, c, xa, xb = a[order], b[order], c[order], xa[order], xb[order]
    flags = ~dominated(uset, np.vstack([a, b])) if len(a) else np.zeros(0, bool)
    return Frontier(a, b, c, c.copy(), xa, xb, flags[: len(a)], flags[len(a) :], "union")


def convex_frontier(uset: UtilitySet) -> Frontier:
    """Pareto chain of the convex hull of the union (what lotteries over outcomes reach).

    The vertices are nondominated cell vertices on the upper-right hull (Andrew's monotone
    chain, Andrew 1979, IPL 9:216-219); every vertex keeps its cell and ``x``.  Edges between
    two cells are lotteries, not outcomes (docs/dev/architecture.md).  Computed once per set.
    """
    return _cached("convex", uset, _convex_frontier)


def _convex_frontier(uset: UtilitySet) -> Frontier:
    pts, cells, xs = uset.corner_points()
    tol = uset.tol
    order = np.lexsort((cells, -pts[:, 1], -pts[:, 0]))  # u1 desc, u2 desc, lowest cell
    p = pts[order]
    prev_best = np.concatenate([[-np.inf], np.maximum.accumulate(p[:, 1])[:-1]])
    nd = order[p[:, 1] > prev_best + tol][::-1]  # staircase, u1 increasing
    P, C, X = pts[nd], cells[nd], xs[nd]
    hull: list[int] = []
    pl = P.tolist()  # Python floats: the same arithmetic, without numpy's per-call cost
    for i, p in enumerate(pl):  # upper hull of a staircase: keep right turns only
        while len(hull) >= 2:
            o, a = pl[hull[-2]], pl[hull[-1]]
            cross = (a[0] - o[0]) * (p[1] - o[1]) - (a[1] - o[1]) * (p[0] - o[0])
            if cross >= 0 or cross >= -tol * max(1.0, np.hypot(p[0] - o[0], p[1] - o[1])):
                hull.pop()
            else:
                break
        hull.append(i)
    h = np.array(hull, dtype=np.int64)
    if len(h) == 1:
        s, e = h, h
    else:
        s, e = h[:-1], h[1:]
    true = np.ones(len(s), bool)
    return Frontier(P[s], P[e], C[s], C[e], X[s], X[e], true, true.copy(), "convex")
