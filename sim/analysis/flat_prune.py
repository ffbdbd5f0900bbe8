"""One step of the flat branch and bound, compiled (numba): add, bound, prune.

:func:`add_prune` forms the Minkowski sums of two flat point sets draw by draw (every point
of ``s`` plus every point of ``t`` of the same draw), drops the sums that fail a linear test
(the upper bound of :class:`sim.analysis.nash_bound.NashBound`: ``x L0 + y L1 + C >= 0`` in
every direction; of :class:`sim.analysis.maxmin_bound.OrthantBound`: in every direction of
one of its groups), and keeps the undominated ones (Kung, Luccio & Preparata 1975): sorted by
``u1`` falling, ``u2`` falling, then ``key`` rising, a point stays if its ``u2`` beats every
earlier point's; ``weak``: if no point with a strictly higher ``u1`` has a higher ``u2``
(the weakly Pareto-optimal points), exact duplicates once.

Only additions, products and comparisons, each in the order the array version wrote them,
so the sums, the test and the order are those of :mod:`sim.analysis.batch_nash`'s arrays
bit for bit: the draws' answers do not depend on which ran.  One loop per draw replaces a
dozen passes over temporaries, and a draw's sort is an insertion sort while it is short.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["add_prune"]

#: Sums of one draw up to which an insertion sort is used (then three stable merge sorts).
_SHORT = 48


@njit(cache=True, nogil=True)
def _before(x, y, key, a, b):
    """Whether point ``a`` sorts before point ``b``: ``u1`` falling, ``u2`` falling, key."""
    if x[a] != x[b]:
        return x[a] > x[b]
    if y[a] != y[b]:
        return y[a] > y[b]
    return key[a] < key[b]


@njit(cache=True, nogil=True)
def _order(x, y, key, m, order):
    """``order[:m]``: a stable sort of the first ``m`` points (:func:`_before`)."""
    if m <= _SHORT:
        for p in range(m):
            order[p] = p
        for p in range(1, m):
            cur = order[p]
            q = p - 1
            while q >= 0 and _before(x, y, key, cur, order[q]):
                order[q + 1] = order[q]
                q -= 1
            order[q + 1] = cur
        return
    o = np.argsort(key[:m], kind="mergesort")
    o = o[np.argsort(-y[o], kind="mergesort")]
    o = o[np.argsort(-x[o], kind="mergesort")]
    order[:m] = o


@njit(cache=True, nogil=True)
def _passes(x, y, ex, ey, L0, L1, C, per):
    """Whether ``(x, y)`` passes the linear test ``x L0 + y L1 + C >= 0`` in every direction
    of some group of ``per`` (no directions: it passes); with an edge ``(ex, ey)``, whether
    the segment from ``(x, y)`` may (its support in a direction is its better end's)."""
    K = C.size
    if K == 0:
        return True
    for first in range(0, K, per):
        ok = True
        for q in range(first, first + per):
            reach = x * L0[q] + y * L1[q] + C[q]
            if ex != 0.0 or ey != 0.0:
                reach = reach + max(ex * L0[q] + ey * L1[q], 0.0)
            if not (reach >= 0):
                ok = False
                break
        if ok:
            return True
    return False


@njit(cache=True, nogil=True)
def _pair_count(sb, valid):
    """How many (partial sum, segment with both ends valid) pairs there are."""
    total = 0
    for n in range(sb.size - 1):
        segs = 0
        for g in range(valid.shape[1] - 1):
            if valid[n, g + 1]:
                segs += 1
        total += (sb[n + 1] - sb[n]) * segs
    return total


@njit(cache=True, nogil=True)
def _segment(verts, n, g):
    """Segment ``g`` of draw ``n``'s curve: its first vertex and its edge."""
    ax, ay = verts[n, g, 0], verts[n, g, 1]
    return ax, ay, verts[n, g + 1, 0] - ax, verts[n, g + 1, 1] - ay


@njit(cache=True, nogil=True)
def add_prune(sb, sx, sy, skey, tb, tx, ty, tkey, mult, L0, L1, C, per, weak):
    """The kept sums of every draw, in order: ``(i, k)`` index arrays into ``s`` and ``t``.

    Parameters
    ----------
    sb, tb : (N + 1,) int arrays
        Where each draw's points start in ``s`` and ``t`` (rows ascending).
    sx, sy, skey, tx, ty, tkey : arrays
        The points' coordinates and cell keys; a sum's key is ``skey * mult + tkey``.
    L0, L1, C : (N, K) arrays
        The linear test (``K = 0``: none), in groups of ``per`` directions: a sum passes if
        it passes every direction of some group (one group: every direction).
    per : int
    weak : bool
        Keep the weakly Pareto-optimal points instead of the Pareto-optimal.
    """
    N = sb.size - 1
    total = 0
    most = 0
    for n in range(N):
        c = (sb[n + 1] - sb[n]) * (tb[n + 1] - tb[n])
        total += c
        most = max(most, c)
    out_i = np.empty(total, np.int64)
    out_k = np.empty(total, np.int64)
    x = np.empty(most)
    y = np.empty(most)
    key = np.empty(most, np.int64)
    ii = np.empty(most, np.int64)
    kk = np.empty(most, np.int64)
    order = np.empty(most, np.int64)
    got = 0
    for n in range(N):
        m = 0
        for i in range(sb[n], sb[n + 1]):
            for k in range(tb[n], tb[n + 1]):
                px = sx[i] + tx[k]
                py = sy[i] + ty[k]
                if _passes(px, py, 0.0, 0.0, L0[n], L1[n], C[n], per):
                    x[m], y[m], key[m] = px, py, skey[i] * mult + tkey[k]
                    ii[m], kk[m] = i, k
                    m += 1
        if m == 0:
            continue
        _order(x, y, key, m, order)
        best = -np.inf  # the highest u2 so far
        above = -np.inf  # the highest u2 among points with a strictly higher u1
        for p in range(m):
            a = order[p]
            if weak:
                new = p == 0 or x[a] != x[order[p - 1]]
                if new:
                    above = best
                keep = y[a] >= above and (new or y[a] != y[order[p - 1]])
            else:
                keep = y[a] > best
            best = max(best, y[a])
            if keep:
                out_i[got], out_k[got] = ii[a], kk[a]
                got += 1
    return out_i[:got], out_k[:got]


@njit(cache=True, nogil=True)
def edge_points(sb, sx, sy, verts, valid, d, tol, w, L0, L1, C):
    """The Nash candidates on one curve's edges: for every partial sum ``p`` of ``s`` (the
    other summands) and every segment ``A -> A + E`` of the curve (both ends valid) of the
    same draw, the stationary point of ``w . log(p + A + t E - d)`` over ``t`` in [0, 1] on
    a slanted segment (Nash 1950; as :func:`sim.analysis.batch_nash.solve_flat` writes it,
    operation for operation), kept where both gains exceed ``tol`` and the point passes the
    linear test ``x L0 + y L1 + C >= 0`` of the complete sums.

    Returns ``(i, seg, t, x, y)``: the index into ``s``, the segment (its first vertex), the
    position on it and the point, by ``i`` then segment.
    """
    N = sb.size - 1
    K = C.shape[1]
    m = verts.shape[1]
    w0, w1 = w[0], w[1]
    W = w0 + w1
    total = _pair_count(sb, valid)
    out_i = np.empty(total, np.int64)
    out_g = np.empty(total, np.int64)
    out_t = np.empty(total)
    out_x = np.empty(total)
    out_y = np.empty(total)
    got = 0
    for n in range(N):
        d0, d1, tl = d[n, 0], d[n, 1], tol[n]
        for i in range(sb[n], sb[n + 1]):
            for g in range(m - 1):
                if not valid[n, g + 1]:
                    continue
                ax, ay, ex, ey = _segment(verts, n, g)
                if not (abs(ex) > tl and abs(ey) > tl):
                    continue  # not slanted
                px, py = sx[i] + ax, sy[i] + ay
                x0, y0 = px - d0, py - d1
                t = -(w0 * ex * y0 + w1 * ey * x0) / (W * ex * ey)
                if t != t:
                    continue  # nan: no gain for both below
                t = min(max(t, 0.0), 1.0)
                qx, qy = px + t * ex, py + t * ey
                if not (qx - d0 > tl and qy - d1 > tl):
                    continue
                if _passes(qx, qy, 0.0, 0.0, L0[n], L1[n], C[n], max(K, 1)):
                    out_i[got], out_g[got], out_t[got] = i, g, t
                    out_x[got], out_y[got] = qx, qy
                    got += 1
    return out_i[:got], out_g[:got], out_t[:got], out_x[:got], out_y[:got]


@njit(cache=True, nogil=True)
def segments(sb, sx, sy, verts, valid, L0, L1, C, per):
    """The segments ``P0 + s E`` (``P0`` a partial sum of ``s`` plus a curve's vertex, ``E``
    the curve's edge from it, both ends valid, ``s`` in [0, 1]) of every draw that may pass
    the linear test in groups of :func:`add_prune`: in some group, ``P0 . l + max(E . l, 0)
    + C >= 0`` for every direction ``l`` (a segment's support is its better end's).

    Returns ``(i, seg)``: the index into ``s`` and the segment (its first vertex), by ``i``
    then segment.
    """
    N = sb.size - 1
    m = verts.shape[1]
    total = _pair_count(sb, valid)
    out_i = np.empty(total, np.int64)
    out_g = np.empty(total, np.int64)
    got = 0
    for n in range(N):
        for i in range(sb[n], sb[n + 1]):
            for g in range(m - 1):
                if not valid[n, g + 1]:
                    continue
                ax, ay, ex, ey = _segment(verts, n, g)
                px, py = sx[i] + ax, sy[i] + ay
                if _passes(px, py, ex, ey, L0[n], L1[n], C[n], per):
                    out_i[got], out_g[got] = i, g
                    got += 1
    return out_i[:got], out_g[:got]
