"""The lower bound of :class:`sim.analysis.nash_bound.NashBound`, compiled (numba).

For every draw: the weighted-sum maximisers of the utility set in ``K`` directions (each
summand's best point on its own, Schneider 2014, *Convex Bodies*, Thm 1.7.5), the best of
them by the Nash value as the start, then coordinate ascent over the summands (each moved to
its best point given the others; on a curve the best point of each segment is its
stationary point, clipped to the segment).  Until a point gains for both parties the
smaller gain, in units of the set's extent, is climbed instead.

Every point visited is a point of the utility set, so its Nash value is a lower bound on the
optimum whatever the arithmetic's last bits: nothing here needs to agree bit for bit with
the exact solver, which is why it may be compiled.  One loop per draw keeps the cost at
``K x (points)`` multiply-adds and ``rounds x (points)`` logarithms per draw, where the same
steps on padded arrays (``(N, m, K)`` temporaries) cost ten times as much.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

__all__ = ["lower_bound"]


@njit(cache=True, nogil=True)
def _key(x, y, d0, d1, w0, w1, tol, e0, e1):
    """``(gains for both, Nash value)`` or ``(False, smaller gain / extent)``."""
    g0, g1 = x - d0, y - d1
    if g0 > tol and g1 > tol:
        return True, w0 * math.log(g0) + w1 * math.log(g1)
    return False, min(g0 / e0, g1 / e1)


@njit(cache=True, nogil=True)
def _better(f, k, cf, ck):
    """Whether ``(f, k)`` beats ``(cf, ck)``: gaining for both first, then the key."""
    return (f and not cf) or (f == cf and k > ck)


@njit(cache=True, nogil=True)
def lower_bound(pts, valid, off, curve, d, w, tol, ext, K, rounds):
    """The lower bound's value and point of every draw.

    Parameters
    ----------
    pts : (N, M, 2) array
        Every summand's points side by side: summand ``j`` holds columns
        ``off[j]:off[j + 1]`` (a curve's breakpoints in order).
    valid : (N, M) bool array
    off : (J + 1,) int array
    curve : (J,) bool array
    d : (N, 2) array
    w : (2,) array
    tol, ext : (N,) and (N, 2) arrays
        The candidates' gain tolerance; the set's extent (the unit of the directions).
    K, rounds : int

    Returns
    -------
    best : (N,) array
        The Nash value of the point found (``-inf`` where no point gains for both).
    point : (N, 2) array
    """
    N = pts.shape[0]
    J = off.size - 1
    w0, w1 = w[0], w[1]
    W = w0 + w1
    best = np.full(N, -np.inf)
    point = np.zeros((N, 2))
    pick = np.zeros(J, np.int64)  # the chosen point of each summand (a vertex)
    cx, cy = np.zeros(J), np.zeros(J)  # its coordinates (a segment's point after ascent)
    for n in range(N):
        d0, d1, t, e0, e1 = d[n, 0], d[n, 1], tol[n], ext[n, 0], ext[n, 1]
        sf, sk = False, -np.inf
        sx, sy = 0.0, 0.0
        for k in range(K):
            th = (k + 0.5) / K * (np.pi / 2)
            l0, l1 = math.cos(th) / e0, math.sin(th) / e1
            x = y = 0.0
            for j in range(J):
                top, arg = -np.inf, -1
                for i in range(off[j], off[j + 1]):
                    if valid[n, i]:
                        s = pts[n, i, 0] * l0 + pts[n, i, 1] * l1
                        if s > top:
                            top, arg = s, i
                pick[j] = arg
                x += pts[n, arg, 0]
                y += pts[n, arg, 1]
            f, key = _key(x, y, d0, d1, w0, w1, t, e0, e1)
            if _better(f, key, sf, sk):
                sf, sk, sx, sy = f, key, x, y
                for j in range(J):
                    cx[j], cy[j] = pts[n, pick[j], 0], pts[n, pick[j], 1]
        x, y = sx, sy
        for _ in range(rounds):
            moved = False
            for j in range(J):
                rx, ry = x - cx[j], y - cy[j]
                bf, bk, bx, by = sf, sk, cx[j], cy[j]
                for i in range(off[j], off[j + 1]):
                    if not valid[n, i]:
                        continue
                    px, py = pts[n, i, 0], pts[n, i, 1]
                    f, key = _key(rx + px, ry + py, d0, d1, w0, w1, t, e0, e1)
                    if _better(f, key, bf, bk):
                        bf, bk, bx, by = f, key, px, py
                    if curve[j] and i > off[j]:  # the segment ending here: its stationary point
                        ax, ay = pts[n, i - 1, 0], pts[n, i - 1, 1]
                        ex, ey = px - ax, py - ay
                        den = W * ex * ey
                        if den == 0.0:
                            continue
                        s = -(w0 * ex * (ry + ay - d1) + w1 * ey * (rx + ax - d0)) / den
                        s = min(max(s, 0.0), 1.0)
                        qx, qy = ax + s * ex, ay + s * ey
                        f, key = _key(rx + qx, ry + qy, d0, d1, w0, w1, t, e0, e1)
                        if _better(f, key, bf, bk):
                            bf, bk, bx, by = f, key, qx, qy
                if bx != cx[j] or by != cy[j]:
                    moved = True
                    sf, sk = bf, bk
                    cx[j], cy[j] = bx, by
                    x, y = rx + bx, ry + by
            if not moved:
                break
        if sf:
            best[n] = sk
        point[n, 0], point[n, 1] = x, y
    return best, point


@njit(cache=True, nogil=True)
def support(pts, valid, off, L0, L1):
    """Every summand's support function in every direction: ``h[j, n, k]`` is the largest
    ``x L0[n, k] + y L1[n, k]`` over the valid points of summand ``j`` of draw ``n`` (arrays
    as :func:`lower_bound`'s)."""
    N, K = L0.shape
    J = off.size - 1
    h = np.full((J, N, K), -np.inf)
    for j in range(J):
        for n in range(N):
            for i in range(off[j], off[j + 1]):
                if valid[n, i]:
                    x, y = pts[n, i, 0], pts[n, i, 1]
                    for k in range(K):
                        s = x * L0[n, k] + y * L1[n, k]
                        if s > h[j, n, k]:
                            h[j, n, k] = s
    return h


@njit(cache=True, nogil=True)
def box(pts, valid, off):
    """The sums over the summands of each coordinate's least and largest valid value:
    ``lo``, ``hi`` (N, 2) (arrays as :func:`lower_bound`'s; the box holding the set)."""
    N = pts.shape[0]
    J = off.size - 1
    lo = np.zeros((N, 2))
    hi = np.zeros((N, 2))
    for n in range(N):
        for j in range(J):
            for c in range(2):
                a, b = np.inf, -np.inf
                for i in range(off[j], off[j + 1]):
                    if valid[n, i]:
                        a = min(a, pts[n, i, c])
                        b = max(b, pts[n, i, c])
                lo[n, c] += a
                hi[n, c] += b
    return lo, hi
