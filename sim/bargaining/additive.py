"""The two-party utility set of additive payoffs, reduced to the cells that matter.

With payoffs additive over issues the utility set is the Minkowski sum
``U = S_1 + ... + S_n`` of per-issue sets: a finite set of points for a discrete issue, a
polygonal chain (one segment per linear piece) for a continuous one.  Its cells (one piece
or level per issue) number the product of the issues' sizes.  Only few of them reach the
weak Pareto frontier: a point ``u = s_1 + ... + s_n`` not strictly dominated by ``U`` has
every partial sum ``s_1 + ... + s_j`` not strictly dominated by ``S_1 + ... + S_j`` (if a
partial sum ``t`` beat it, ``t + s_{j+1} + ... + s_n`` would beat ``u``).  So a dynamic
programme over issues that drops, after each Minkowski step, every *partial cell* whose
points are all strictly dominated by the partial union (or already held by a cell earlier in
the order of :attr:`sim.space.OutcomeSpace.cells`) loses no point of the weak Pareto
frontier and keeps, for each of its points, the first cell holding it: the tie-breaking
rule of :mod:`sim.bargaining.axiomatic` and :mod:`sim.bargaining.frontier`.  This is the
Nemhauser & Ullmann (1969, *Management Science* 15(9):494-505) dynamic programme for the
Pareto set of knapsack-like sums, here over segments as well as points; Beier & Vöcking
(2004, *J. Comput. Syst. Sci.* 69(3):306-329) show the Pareto set of such sums has
polynomial expected size.

Every solution, frontier and dominance test of :mod:`sim.bargaining` reads only the weak
Pareto frontier (the maximiser of an increasing objective, the largest point on a ray from
``d``, the frontier and the convex frontier are on it; a point is dominated by ``U`` iff it
is dominated by its Pareto points), so the reduced set gives the same answers, in the same
cells.  A margin (``1e-7`` of the set's extent) keeps cells that nearly reach the frontier,
so rounding never decides which cell holds an optimum.
"""

from __future__ import annotations

import numpy as np

from sim.bargaining.geometry import UtilitySet, clip_interval
from sim.bargaining.groups import (
    blocks,
    bounds,
    group_argsort,
    group_search,
    group_suffix_argmax,
    group_suffix_max,
    ragged,
)

__all__ = ["MAX_CELLS", "extent", "pareto_cells", "pareto_cells_batch"]

_CHUNK = 65_536  # (segment, cell) pairs tested together (small blocks stay in cache)
MARGIN = 1e-7  # strict-dominance margin, relative to the set's extent
CONTAIN = 1e-11  # containment tolerance for "already in an earlier cell", relative
_POINTS = 2_000  # most point cells of a draw tested pair by pair (:func:`_keep_points`)
#: Most partial cells one step examines (about 2 KB each with their hulls at 8 continuous
#: issues: 5e5 is about 1 GB); above, :class:`sim.errors.TooLargeError`.
MAX_CELLS = 500_000


def extent(sets) -> float:
    """The scale of :attr:`UtilitySet.tol` for the sum of ``sets`` (each (n_j, 2) points):
    ``max(ptp(U).max(), 1e-4 * |U|.max())``, from per-issue extremes (the maximum of a sum
    is the sum of the maxima)."""
    lo = np.sum([np.min(s, axis=0) for s in sets], axis=0) if sets else np.zeros(2)
    hi = np.sum([np.max(s, axis=0) for s in sets], axis=0) if sets else np.zeros(2)
    return max(float((hi - lo).max()), 1e-4 * float(np.abs([lo, hi]).max()))


def pareto_cells(
    sets, chains: np.ndarray, *, scale: float | None = None, max_cells: int | None = None
) -> np.ndarray:
    """Indices of the cells of ``S_1 + ... + S_n`` that reach the weak Pareto frontier.

    Parameters
    ----------
    sets : list of (n_j, 2) arrays
        Per issue, in the order of the cell index (most significant first): the points of
        a discrete issue's levels, or the vertices of a continuous issue's chain.
    chains : (n,) bool array
        Which sets are chains (cells take a segment ``[v_i, v_{i+1}]``; piece ``i``) rather
        than points (cells take a point ``i``).
    scale : float, optional
        Extent of the set (default :func:`extent`); margins are relative to it.
    max_cells : int, optional
        Most partial cells one step may examine (default :data:`MAX_CELLS`): above,
        :class:`sim.errors.TooLargeError` (before allocating them).

    Returns
    -------
    (P, n) int array
        Level or piece index per issue of each kept cell, in lexicographic order.  Every
        point of ``U`` not strictly dominated by ``U`` lies in a kept cell, and so does the
        first cell (in this order) holding it.
    """
    sets = [np.asarray(s, dtype=float).reshape(-1, 2) for s in sets]
    out = pareto_cells_batch(
        [sets], chains, scales=[extent(sets) if scale is None else scale], max_cells=max_cells
    )[0]
    if isinstance(out, Exception):
        raise out
    return out


def pareto_cells_batch(draws, chains, *, scales, max_cells: int | None = None) -> list:
    """:func:`pareto_cells` of many sums of the same issues at once (one per draw).

    Parameters
    ----------
    draws : list of lists of (n_j, 2) arrays
        Per draw, the per-issue sets (the same issues and kinds in every draw; a chain may
        have a different number of vertices in each).
    chains : (n,) bool array
    scales : sequence of float
        Each draw's extent.
    max_cells : int, optional

    Returns
    -------
    list
        Per draw, the (P, n) indices :func:`pareto_cells` returns, or the
        :class:`sim.errors.TooLargeError` it would raise.  The draws' partial cells are
        concatenated (with each one's draw) and every test of the programme is made within
        a draw (:mod:`sim.bargaining.groups`): the same comparisons as one draw at a time.
    """
    chains = np.asarray(chains, dtype=bool)
    max_cells = MAX_CELLS if max_cells is None else max_cells
    nd = len(draws)
    scale = np.array([float(s) or 1.0 for s in scales])
    m, ctol = MARGIN * scale, CONTAIN * scale
    result: list = [None] * nd
    dr = np.arange(nd)  # each partial cell's draw (cells grouped by draw, in order)
    idx = np.zeros((nd, 0), dtype=np.int64)
    off = np.zeros((nd, 2))
    sid = np.zeros(nd, dtype=np.int64)  # each partial cell's shape: its pieces' generators
    gens = np.zeros((1, 2, 0))  # (S, 2, k) per shape
    for j, chain in enumerate(chains):
        sj = [np.asarray(d[j], dtype=float).reshape(-1, 2) for d in draws]
        n = np.array([len(s) - int(chain) for s in sj])
        P = np.bincount(dr, minlength=nd)
        failed = np.array([r is not None for r in result])
        for d in np.flatnonzero((P * n > max_cells) & ~failed):
            result[d] = _too_large(int(P[d]), int(n[d]), j, len(chains), max_cells)
            live = dr != d
            dr, idx, off, sid = dr[live], idx[live], off[live], sid[live]
        width = max(len(s) for s in sj)
        S = np.zeros((nd, width, 2))
        for d, s in enumerate(sj):
            S[d, : len(s)] = s
        count = n[dr]
        rep = np.repeat(np.arange(len(dr)), count)
        piece = np.arange(len(rep)) - np.repeat(np.cumsum(count) - count, count)
        dr = dr[rep]
        idx = np.hstack([idx[rep], piece[:, None]])
        off = off[rep] + S[dr, piece]
        sid = sid[rep]
        if chain:  # a new shape per (shape, draw, piece)
            key = (sid * nd + dr) * width + piece
            _, first, inv = np.unique(key, return_index=True, return_inverse=True)
            p0, d0 = piece[first], dr[first]
            g = (S[d0, p0 + 1] - S[d0, p0])[:, :, None]
            gens = np.concatenate([gens[sid[first]], g], axis=2)
            sid = inv.ravel()
        keep = _keep(off, dr, sid, gens, m, ctol, nd)
        idx, off, dr = idx[keep], off[keep], dr[keep]
        used, sid = np.unique(sid[keep], return_inverse=True)
        gens, sid = gens[used], sid.ravel()
    bounds = np.searchsorted(dr, np.arange(nd + 1))
    return [
        idx[bounds[d] : bounds[d + 1]] if result[d] is None else result[d] for d in range(nd)
    ]


def _too_large(P: int, n: int, j: int, issues: int, max_cells: int):
    from sim.errors import TooLargeError

    return TooLargeError(
        f"the utility set's reduction would examine {P * n:,} partial cells at issue "
        f"{j + 1} of {issues} (limit {max_cells:,}): {P:,} cells of the first "
        f"{j} issues reach the Pareto frontier; bundle yes/no concessions into "
        "packages, merge levels or raise the continuous issues' tolerance"
    )


def _keep(off, dr, shape, gens, m, ctol, nd: int) -> np.ndarray:
    """Which cells ``off[p] + gens[shape[p]] @ x`` (of draw ``dr[p]``) hold a point ``p``
    with ``p + (m, m)`` not dominated by their draw's union and ``p`` in no earlier cell of
    it (``ctol`` relaxes containment; both per draw): see the module docstring."""
    P = np.bincount(dr, minlength=nd)
    if len(off) == 0:
        return np.zeros(0, bool)
    if gens.shape[2] == 0 and P.max(initial=0) <= _POINTS:
        keep = _keep_points(off, dr, m, ctol, nd)
    else:
        keep = _keep_cells(off, dr, shape, gens, m, ctol, nd)
    keep[P[dr] == 1] = True
    return keep


def _crowded(alive: np.ndarray, dr: np.ndarray, nd: int) -> np.ndarray:
    """The surviving cells of draws with two or more survivors (a lone survivor is kept)."""
    surv = np.flatnonzero(alive)
    many = np.bincount(dr[surv], minlength=nd) > 1
    return surv[many[dr[surv]]]


def _keep_points(off, dr, m, ctol, nd: int) -> np.ndarray:
    """:func:`_keep` when every cell is a point (the same tests, pair by pair).

    A point ``p`` not cornered (:func:`_not_cornered`) is not dominated by a surviving
    point either (so the dominance intervals of :func:`_covered` are empty); it is dropped
    when an earlier surviving point ``q`` of its draw is within ``ctol`` of it, by the tests
    of :func:`_covered`'s containment, written out for a point (a zero-length segment in a
    cell whose half-planes are its bounding box).
    """
    alive = _not_cornered(off, dr, off, dr, m[dr], nd)
    keep = alive.copy()
    surv = _crowded(alive, dr, nd)
    a, g = off[surv], dr[surv]
    start = np.searchsorted(g, g, side="left")  # each one's draw's first survivor
    here = np.arange(len(surv))
    for blk in blocks(start, here, _CHUNK):  # pairs (i, r): r earlier in i's draw
        i, r = ragged(start[blk], here[blk])
        i = i + blk.start
        c = ctol[g[i]]
        lo, hi = a[i] - c[:, None], a[i] + c[:, None]
        A = a[i] - a[r]
        near = (
            (a[r, 0] >= lo[:, 0])
            & (a[r, 1] >= lo[:, 1])
            & (a[r, 0] <= hi[:, 0])
            & (a[r, 1] <= hi[:, 1])
        )
        # the bounding box's half-planes (rows (1, 0), (-1, 0), (0, 1), (0, -1)), rhs ctol
        for n0, n1 in ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)):
            near &= ~(c - n0 * A[:, 0] - n1 * A[:, 1] < 0)
        keep[surv[i[near]]] = False
    return keep


def _keep_cells(off, dr, shape, gens, m, ctol, nd: int) -> np.ndarray:
    uset = UtilitySet(off, shape, gens)
    ideal = uset.cell_ideal()
    pts, pcell, _ = uset.corner_points()
    pdr = dr[pcell]
    alive = _not_cornered(pts, pdr, ideal, dr, m[dr], nd)
    keep = alive.copy()
    surv = _crowded(alive, dr, nd)
    if surv.size == 0:
        return keep
    keep[surv] = False
    a, b, cell = _weak_chains(uset, surv)
    g = dr[cell]
    # a segment whose corner (max u1, max u2) is below a vertex is dominated: skip it
    open_ = _not_cornered(pts, pdr, np.maximum(a, b), g, m[g], nd)
    a, b, cell, g = a[open_], b[open_], cell[open_], g[open_]
    covered = _covered(uset, (a, b, cell, g), surv, ideal[surv], dr[surv], m, ctol)
    keep[cell[~covered]] = True
    return keep


def _not_cornered(pts, pdr, ideal, dr, m, nd: int) -> np.ndarray:
    """Points ``ideal`` (n, 2) whose ``+ (m, m)`` is not weakly below one of ``pts`` (the
    vertices of the union, grouped by draw) of their draw (``pdr``, ``dr``) (sorting, as
    Kung, Luccio & Preparata 1975, J. ACM 22(4):469-476)."""
    b = bounds(pdr, nd)
    order = group_argsort(pts[:, 0], b)
    best = group_suffix_max(pts[order, 1], b)  # max u2 over u1 >= u1[i] in the draw
    j = group_search(pts[order, 0], b, ideal[:, 0] + m, dr)
    top = np.full(len(ideal), -np.inf)
    ok = j < b[dr + 1]
    top[ok] = best[j[ok]]
    return top < ideal[:, 1] + m


def _weak_chains(uset: UtilitySet, cells: np.ndarray):
    """Segments ``a -> b`` holding every weakly Pareto point of each cell: the hull edges with
    an outward normal in the closed positive quadrant, and the vertex maximising
    ``u1 + u2`` (as a point) -- a weakly Pareto point of a convex set maximises a
    nonnegative weighting (the supporting hyperplane theorem)."""
    h = uset.hulls
    V = h.vertices
    E = np.roll(V, -1, axis=1) - V
    upper = (E[..., 1] >= 0) & (E[..., 0] <= 0) & (np.abs(E).sum(axis=2) > 0)  # normal >= 0
    top = np.argmax(V.sum(axis=2), axis=1)
    shp = uset.shape[cells]
    ci, ei = np.nonzero(upper[shp])
    c = cells[ci]
    off = uset.offsets[c]
    point = uset.offsets[cells] + V[shp, top[shp]]
    a = np.concatenate([off + V[shp[ci], ei], point])
    b = np.concatenate([off + V[shp[ci], ei] + E[shp[ci], ei], point])
    return a, b, np.concatenate([c, cells])


def _polygon_planes(uset: UtilitySet) -> tuple[np.ndarray, np.ndarray]:
    """Half-planes ``n . (u - offset) <= rhs`` of each shape's hull: edge normals and the
    bounding box (so segments and points are described exactly too)."""
    V = uset.hulls.vertices
    E = np.roll(V, -1, axis=1) - V
    N = np.stack([E[..., 1], -E[..., 0]], axis=2)
    length = np.hypot(N[..., 0], N[..., 1])
    N = np.where(length[..., None] > 0, N / np.where(length > 0, length, 1.0)[..., None], 0.0)
    box = np.broadcast_to(np.array([[1.0, 0], [-1, 0], [0, 1], [0, -1]]), (len(V), 4, 2))
    N = np.concatenate([N, box], axis=1)
    R = np.einsum("shj,smj->shm", N, V).max(axis=2)
    return N, R


def _clip(N, R, A, D):
    """The ``s in [0, 1]`` with ``N . (A + s D) <= R`` for every row's half-planes;
    ``(lo, hi, ok)`` (:func:`sim.bargaining.geometry.clip_interval`)."""
    n0, n1 = N[..., 0], N[..., 1]
    coef = n0 * D[:, None, 0] + n1 * D[:, None, 1]
    rhs = R - n0 * A[:, None, 0] - n1 * A[:, None, 1]
    return clip_interval(coef, rhs)


def _covered(uset, segs, surv, ideal, sdr, m, ctol) -> np.ndarray:
    """Segments ``a -> b`` of ``cell`` (draw ``g``) covered by intervals where ``p + (m, m)``
    lies below a surviving cell of the draw or ``p`` lies in an earlier one (tested only for
    segments the first leaves uncovered)."""
    a, b, cell, g = segs
    h = uset.hulls
    lo_c, hi_c = np.minimum(a, b), np.maximum(a, b)

    def dominance(i, j):  # the region below cell q is q - R^2_+
        q = surv[j]
        shp = uset.shape[q]
        A = a[i] + m[g[i]][:, None] - uset.offsets[q]
        return (i, *_clip(h.dom_normals[shp], h.dom_rhs[shp], A, b[i] - a[i]))

    # first one likely cell per segment: a whole interval [0, 1] covers it whatever the
    # other cells give (see _whole); the others test every candidate cell
    whole = _whole(dominance, lo_c, hi_c, g, ideal, sdr, m)
    todo = np.flatnonzero(~whole)

    def dominance_todo(i, j):
        return dominance(todo[i], j)

    seg, lo, hi = _pairs(lo_c[todo], g[todo], ideal, sdr, m[g[todo]], dominance_todo, len(m))
    covered = _full_cover(len(a), seg, lo, hi) | whole
    rest = np.flatnonzero(~covered)
    rest = rest[ctol[g[rest]] > 0]
    if rest.size == 0:
        return covered
    PN, PR = _polygon_planes(uset)
    box_lo = uset.offsets[surv] + h.vertices.min(axis=1)[uset.shape[surv]]

    def containment(i, j):  # p in an earlier cell q
        i = rest[i]
        c = ctol[g[i]]
        pick = (
            (surv[j] < cell[i])
            & (box_lo[j, 0] <= hi_c[i, 0] + c)
            & (box_lo[j, 1] <= hi_c[i, 1] + c)
            & (ideal[j, 0] >= lo_c[i, 0] - c)
            & (ideal[j, 1] >= lo_c[i, 1] - c)
        )
        i, q, c = i[pick], surv[j[pick]], c[pick]
        shp = uset.shape[q]
        return (i, *_clip(PN[shp], PR[shp] + c[:, None], a[i] - uset.offsets[q], b[i] - a[i]))

    s2, lo2, hi2 = _pairs(lo_c[rest], g[rest], ideal, sdr, -ctol[g[rest]], containment, len(m))
    return whole | _full_cover(
        len(a), np.concatenate([seg, s2]), np.concatenate([lo, lo2]), np.concatenate([hi, hi2])
    )


def _whole(dominance, lo_c, hi_c, g, ideal, sdr, m, bits: int = 40) -> np.ndarray:
    """Segments whose dominance interval for one candidate cell -- of their draw's cells with
    ideal u1 at least the segment's highest u1 + m, the one with the highest ideal u2 -- is
    the whole ``[0, 1]`` (up to :func:`_full_cover`'s ``2**-bits``).  Such a segment is
    covered by every set of intervals holding that one: sorted by start, the intervals
    before it start within ``2**-bits`` of 0, and it reaches 1."""
    nd = len(m)
    b = bounds(sdr, nd)
    order = group_argsort(ideal[:, 0], b)
    srt = ideal[order]
    top = group_suffix_argmax(srt[:, 1], b)
    first = group_search(srt[:, 0], b, hi_c[:, 0] + m[g], g)
    i = np.flatnonzero(first < b[g + 1])
    j = top[first[i]]
    # a candidate of _pairs too (its u1 is high enough as hi_c >= lo_c)
    pick = srt[j, 1] >= lo_c[i, 1] + m[g[i]]
    i, lo, hi, ok = dominance(i[pick], order[j[pick]])
    eps = 2.0**-bits
    full = ok & (lo <= eps) & (np.floor(np.clip(hi, 0.0, 1.0) * 2.0**bits) * eps >= 1.0 - eps)
    out = np.zeros(len(lo_c), bool)
    out[i[full]] = True
    return out


def _pairs(lo_c, g, ideal, sdr, m, test, nd: int):
    """Intervals ``test(i, j)`` for segment ``i`` (of draw ``g[i]``) and surviving cell ``j``
    (of draw ``sdr[j]``, grouped by draw) of the same draw whose ideal point is at least
    ``lo_c[i] + m[i]``, in blocks of about :data:`_CHUNK` pairs."""
    b = bounds(sdr, nd)
    order = group_argsort(ideal[:, 0], b)
    srt = ideal[order]
    first = group_search(srt[:, 0], b, lo_c[:, 0] + m, g)  # ideal u1 high enough
    # ... and no cell after `end` has ideal u2 high enough (its draw's running maximum)
    end = group_search(-group_suffix_max(srt[:, 1], b), b, -(lo_c[:, 1] + m), g, "right")
    segs, los, his = [np.zeros(0, np.int64)], [np.zeros(0)], [np.zeros(0)]
    for blk in blocks(first, end, _CHUNK):
        i, r = ragged(first[blk], end[blk])
        i = i + blk.start
        ok = srt[r, 1] >= lo_c[i, 1] + m[i]
        i, lo, hi, ok = test(i[ok], order[r[ok]])
        segs.append(i[ok]), los.append(lo[ok]), his.append(hi[ok])
    return np.concatenate(segs), np.concatenate(los), np.concatenate(his)


def _full_cover(n: int, seg, lo, hi, bits: int = 40) -> np.ndarray:
    """(n,) bool: the closed intervals ``[lo, hi]`` of each segment cover ``[0, 1]`` (up to
    gaps of ``2**-bits``)."""
    out = np.zeros(n, bool)
    if len(seg) == 0:
        return out
    eps = 2.0**-bits
    order = np.lexsort((lo, seg))
    seg, lo, hi = seg[order], lo[order], hi[order]
    # running max of hi within each segment: segment index above the quantised hi
    q = np.floor(np.clip(hi, 0.0, 1.0) * 2.0**bits).astype(np.int64) + (seg << (bits + 1))
    run = (np.maximum.accumulate(q) - (seg << (bits + 1))) * eps
    first = np.ones(len(seg), bool)
    first[1:] = seg[1:] != seg[:-1]
    prev = np.where(first, 0.0, np.roll(run, 1))
    gap = lo > prev + eps  # the segment's start is 0: a first interval must start there
    last = np.ones(len(seg), bool)
    last[:-1] = seg[1:] != seg[:-1]
    has_gap = np.zeros(n, bool)
    has_gap[seg[gap]] = True
    out[seg[last]] = run[last] >= 1.0 - eps
    return out & ~has_gap
