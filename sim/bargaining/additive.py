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

__all__ = ["MAX_CELLS", "extent", "pareto_cells"]

_CHUNK = 2_000_000  # entries per (segments x cells) block
MARGIN = 1e-7  # strict-dominance margin, relative to the set's extent
CONTAIN = 1e-11  # containment tolerance for "already in an earlier cell", relative
_POINTS = 2_000  # most point cells tested as dense pairs (:func:`_keep_points`)
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
    chains = np.asarray(chains, dtype=bool)
    max_cells = MAX_CELLS if max_cells is None else max_cells
    if scale is None:
        scale = extent(sets)
    scale = scale or 1.0
    idx = np.zeros((1, 0), dtype=np.int64)
    off = np.zeros((1, 2))
    sid = np.zeros(1, dtype=np.int64)  # each partial cell's shape: its pieces' generators
    gens = np.zeros((1, 2, 0))  # (S, 2, k) per shape
    for j, (s, chain) in enumerate(zip(sets, chains, strict=True)):
        n = len(s) - 1 if chain else len(s)
        P = len(idx)
        if P * n > max_cells:
            from sim.errors import TooLargeError

            raise TooLargeError(
                f"the utility set's reduction would examine {P * n:,} partial cells at issue "
                f"{j + 1} of {len(sets)} (limit {max_cells:,}): {P:,} cells of the first "
                f"{j} issues reach the Pareto frontier; bundle yes/no concessions into "
                "packages, merge levels or raise the continuous issues' tolerance"
            )
        rep = np.repeat(np.arange(P), n)
        piece = np.tile(np.arange(n), P)
        idx = np.hstack([idx[rep], piece[:, None]])
        off = off[rep] + s[piece]
        sid = sid[rep]
        if chain:  # a new shape per (shape, piece) pair
            _, first, inv = np.unique(sid * n + piece, return_index=True, return_inverse=True)
            g = (s[piece[first] + 1] - s[piece[first]])[:, :, None]
            gens = np.concatenate([gens[sid[first]], g], axis=2)
            sid = inv.ravel()
        keep = _keep(off, sid, gens, MARGIN * scale, CONTAIN * scale)
        idx, off = idx[keep], off[keep]
        used, sid = np.unique(sid[keep], return_inverse=True)
        gens, sid = gens[used], sid.ravel()
    return idx


def _keep(off: np.ndarray, shape: np.ndarray, gens: np.ndarray, m: float, ctol: float):
    """Which cells ``off[p] + gens[shape[p]] @ x`` hold a point ``p`` with ``p + (m, m)`` not
    dominated by the union and ``p`` in no earlier cell (``ctol`` relaxes containment): see
    the module docstring."""
    P = len(off)
    if P == 1:
        return np.ones(1, bool)
    if gens.shape[2] == 0 and P <= _POINTS:
        return _keep_points(off, m, ctol)
    uset = UtilitySet(off, shape, gens)
    ideal = uset.cell_ideal()
    pts = uset.corner_points()[0]
    alive = _not_cornered(pts, ideal, m)
    surv = np.flatnonzero(alive)
    if len(surv) <= 1:
        return alive
    a, b, cell = _weak_chains(uset, surv)
    # a segment whose corner (max u1, max u2) is below a vertex is dominated: skip it
    open_ = _not_cornered(pts, np.maximum(a, b), m)
    a, b, cell = a[open_], b[open_], cell[open_]
    covered = _covered(uset, a, b, cell, surv, ideal[surv], m, ctol)
    keep = np.zeros(P, bool)
    keep[cell[~covered]] = True
    return keep


def _keep_points(off: np.ndarray, m: float, ctol: float) -> np.ndarray:
    """:func:`_keep` when every cell is a point (the same tests, as dense pairs).

    A point ``p`` not cornered (:func:`_not_cornered`) is not dominated by a surviving
    point either (so the dominance intervals of :func:`_covered` are empty); it is dropped
    when an earlier surviving point ``q`` is within ``ctol`` of it, by the tests of
    :func:`_covered`'s containment, written out for a point (a zero-length segment in a
    cell whose half-planes are its bounding box).
    """
    alive = _not_cornered(off, off, m)
    surv = np.flatnonzero(alive)
    if len(surv) <= 1:
        return alive
    a = off[surv]
    A = a[:, None, :] - a[None, :, :]  # A[i, j] = p_i - q_j
    lo, hi = a - ctol, a + ctol
    near = (
        (np.arange(len(surv))[None, :] < np.arange(len(surv))[:, None])  # q earlier
        & (a[None, :, 0] >= lo[:, None, 0])
        & (a[None, :, 1] >= lo[:, None, 1])
        & (a[None, :, 0] <= hi[:, None, 0])
        & (a[None, :, 1] <= hi[:, None, 1])
    )
    # the bounding box's half-planes (rows (1, 0), (-1, 0), (0, 1), (0, -1)) with rhs ctol
    for n0, n1 in ((1.0, 0.0), (-1.0, 0.0), (0.0, 1.0), (0.0, -1.0)):
        near &= ~(ctol - n0 * A[..., 0] - n1 * A[..., 1] < 0)
    keep = np.zeros(len(off), bool)
    keep[surv[~near.any(axis=1)]] = True
    return keep


def _not_cornered(pts: np.ndarray, ideal: np.ndarray, m: float) -> np.ndarray:
    """Points ``ideal`` (n, 2) whose ``+ (m, m)`` is not weakly below one of ``pts`` (the
    vertices of the union) (sorting, as Kung, Luccio & Preparata 1975, J. ACM
    22(4):469-476)."""
    order = np.argsort(pts[:, 0], kind="stable")
    u1 = pts[order, 0]
    best = np.maximum.accumulate(pts[order, 1][::-1])[::-1]  # max u2 over u1 >= u1[i]
    j = np.searchsorted(u1, ideal[:, 0] + m, side="left")
    top = np.full(len(ideal), -np.inf)
    ok = j < len(u1)
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


def _covered(uset, a, b, cell, surv, ideal, m, ctol) -> np.ndarray:
    """Segments covered by intervals where ``p + (m, m)`` lies below a surviving cell or
    ``p`` lies in an earlier one (tested only for segments the first leaves uncovered)."""
    h = uset.hulls
    lo_c, hi_c = np.minimum(a, b), np.maximum(a, b)

    def dominance(i, j):  # the region below cell q is q - R^2_+
        q = surv[j]
        shp = uset.shape[q]
        D = b[i] - a[i]
        return (i, *_clip(h.dom_normals[shp], h.dom_rhs[shp], a[i] + m - uset.offsets[q], D))

    seg, lo, hi = _pairs(len(a), lo_c, ideal, m, dominance)
    covered = _full_cover(len(a), seg, lo, hi)
    rest = np.flatnonzero(~covered)
    if rest.size == 0 or ctol <= 0:
        return covered
    PN, PR = _polygon_planes(uset)
    box_lo = uset.offsets[surv] + h.vertices.min(axis=1)[uset.shape[surv]]

    def containment(i, j):  # p in an earlier cell q
        i = rest[i]
        pick = (
            (surv[j] < cell[i])
            & (box_lo[j, 0] <= hi_c[i, 0] + ctol)
            & (box_lo[j, 1] <= hi_c[i, 1] + ctol)
            & (ideal[j, 0] >= lo_c[i, 0] - ctol)
            & (ideal[j, 1] >= lo_c[i, 1] - ctol)
        )
        i, q = i[pick], surv[j[pick]]
        shp = uset.shape[q]
        return (i, *_clip(PN[shp], PR[shp] + ctol, a[i] - uset.offsets[q], b[i] - a[i]))

    s2, lo2, hi2 = _pairs(len(rest), lo_c[rest], ideal, -ctol, containment)
    return _full_cover(
        len(a), np.concatenate([seg, s2]), np.concatenate([lo, lo2]), np.concatenate([hi, hi2])
    )


def _pairs(n, lo_c, ideal, m, test):
    """Intervals ``test(i, j)`` for segment ``i`` and surviving cell ``j`` whose ideal point
    is at least ``lo_c[i] + m``, in blocks of :data:`_CHUNK` pairs."""
    order = np.argsort(ideal[:, 0], kind="stable")
    ideal_sorted = ideal[order, 0]
    segs, los, his = [np.zeros(0, np.int64)], [np.zeros(0)], [np.zeros(0)]
    step = max(1, _CHUNK // len(ideal))
    for s0 in range(0, n, step):
        blk = np.arange(s0, min(n, s0 + step))
        first = np.searchsorted(ideal_sorted, lo_c[blk, 0] + m, side="left")
        cand = np.arange(len(ideal))[None, :] >= first[:, None]  # ideal u1 high enough
        cand &= ideal[order][None, :, 1] >= lo_c[blk, None, 1] + m
        i, r = np.nonzero(cand)
        i, lo, hi, ok = test(blk[i], order[r])
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
