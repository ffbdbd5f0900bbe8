"""Bounds that let the batched max-min solutions skip most partial sums (branch and bound).

Kalai--Smorodinsky, the egalitarian solution and Kalai--Smorodinsky's ideal point all ask
which points of the Minkowski sum ``U = S_1 + ... + S_J`` (:mod:`sim.analysis.batch_maxmin`)
reach an orthant ``{u : u >= q}``: the max-min value ``max min_i (u_i - d_i) / r_i`` is at
least ``t`` exactly where ``U`` meets the orthant above ``q = d + t r`` (``r > 0``), and the
ideal point's first coordinate is at least ``L`` where ``U`` meets the orthant above
``(L, d_2)``.  Two bounds make most partial sums irrelevant:

* **A lower bound**, from a point of ``U`` found by coordinate ascent (:func:`climb`: each
  summand in turn moved to its best point given the others, on a curve also a point chosen
  on each segment), started from the best of the weighted-sum maximisers in ``K``
  directions (:func:`picks`).  Every point of ``U`` is feasible, so the optimum is at least
  its value.
* **An upper bound** for a partial sum ``p`` (the summands ``I`` added, ``R`` still to come):
  every completion lies in ``p + conv(R)``, inside each half-plane
  ``{g : lam . g <= lam . p + h_R(lam)}``, ``h_R`` the sum of the remaining summands' support
  functions (Schneider 2014, *Convex Bodies*, Thm 1.7.5).  A half-plane with ``lam > 0``
  meets the orthant above ``q`` only if ``lam . p + h_R(lam) >= lam . q``: a linear test per
  direction, as :class:`sim.analysis.nash_bound.NashBound`'s.  (Over ``lam . g <= B`` the
  largest ``min_i g_i / r_i`` is ``B / (lam . r)``: the same test with ``q = d + t r``.)

The directions are ``K`` angles over the positive quadrant in units of each draw's extent and,
per target, the angle of a finer grid where ``h_U(lam) - lam . q`` is least (where the
test is tightest) with two neighbours.  A partial sum is dropped only when it fails by a
margin far above rounding, so every candidate the exact solution could pick survives.
"""

from __future__ import annotations

import numpy as np

from sim.analysis.nash_bound import _MARGIN, directions, passes, remaining

__all__ = ["OrthantBound", "climb", "extents", "picks", "support"]


def extents(summands: dict):
    """Each draw's ``lo``, ``hi`` (N, 2): the sums of the summands' smallest and largest
    coordinates (a box holding ``U``)."""
    lo = sum(np.where(v[..., None], p, np.inf).min(axis=1) for p, v, _ in summands.values())
    hi = sum(np.where(v[..., None], p, -np.inf).max(axis=1) for p, v, _ in summands.values())
    return lo, hi


def support(summands: dict, lam) -> dict:
    """Each summand's support function ``h_j(lam) = max_q lam . q`` (N, K)."""
    return {
        j: np.where(v[..., None], p @ lam, -np.inf).max(axis=1)
        for j, (p, v, _) in summands.items()
    }


def picks(summands: dict, ext, K: int = 32) -> dict:
    """Each summand's point maximising ``lam . q`` for ``K`` directions: {j: (N, K, 2)}."""
    lam = directions((np.arange(K) + 0.5) / K * (np.pi / 2), ext)
    out = {}
    for j, (p, v, _) in summands.items():
        score = np.where(v[..., None], p @ lam, -np.inf)  # (N, m, K)
        out[j] = np.take_along_axis(p, np.argmax(score, axis=1)[..., None], axis=1)
    return out


def climb(summands: dict, chosen: dict, score, on_segment, rounds: int = 3):
    """Coordinate ascent from the summand points ``chosen`` {j: (N, 2)}.

    ``score(pts (n, M, 2), rows (n,))`` returns ``(fin, key)`` (n, M): points with ``fin``
    beat those without, then the larger ``key`` wins.  ``on_segment(P0, E, rows)`` gives each
    segment ``P0 + s E`` (n, S, 2) of a curve the parameter ``s`` in [0, 1] of a point to try
    besides its ends.  Returns the point ``u`` (N, 2), its ``fin`` and ``key`` (N,), and
    the summands' points.
    """
    chosen = {j: c.copy() for j, c in chosen.items()}
    u = sum(chosen.values())
    N = u.shape[0]
    fin, key = (a[:, 0] for a in score(u[:, None, :], np.arange(N)))
    act = np.arange(N)
    for _ in range(rounds):
        moved = np.zeros(N, bool)
        for j, (p, v, curve) in summands.items():
            rest = u[act] - chosen[j][act]
            pa, ok = p[act], v[act]
            pts = rest[:, None, :] + pa
            if curve:
                P0, E = pts[:, :-1], pa[:, 1:] - pa[:, :-1]
                s = np.nan_to_num(on_segment(P0, E, act), nan=0.0)
                pts = np.concatenate([pts, P0 + np.clip(s, 0.0, 1.0)[..., None] * E], axis=1)
                ok = np.concatenate([ok, ok[:, 1:]], axis=1)
            f, k = score(pts, act)
            f, k = f & ok, np.where(ok, k, -np.inf)
            i = np.argmax(np.where(f | ~f.any(axis=1, keepdims=True), k, -np.inf), axis=1)
            at = np.arange(act.size)
            f_i, k_i = f[at, i], k[at, i]
            better = (f_i & ~fin[act]) | ((f_i == fin[act]) & (k_i > key[act]))
            b = act[better]
            moved[b] = True
            u[b] = pts[at[better], i[better]]
            chosen[j][b] = u[b] - rest[better]
            key[b], fin[b] = k_i[better], fin[b] | f_i[better]
        act = np.flatnonzero(moved)
        if not act.size:
            break
    return u, fin, key, chosen


class OrthantBound:
    """The upper bound of the module docstring for ``N`` draws and one or more targets.

    Parameters
    ----------
    summands : dict
        Summand id -> ``(points (N, m, 2), valid (N, m), is_curve)``.
    targets : list of (N, 2) arrays
        Corners ``q``: a partial sum stays alive if its completions may reach the orthant
        above any of them; a row whose corners are not finite keeps nothing.
    K, fine : int
        Directions on the angle grid; angles of the finer grid searched for the tightest.
    """

    def __init__(self, summands: dict, targets: list, K: int = 8, fine: int = 64):
        lo, hi = extents(summands)
        ext = np.maximum(hi - lo, 1e-300)
        mag = np.maximum(np.abs(lo), np.abs(hi))
        step = np.pi / 2 / fine
        theta = (np.arange(fine) + 0.5) * step
        lam_f = directions(theta, ext)
        h_f = sum(support(summands, lam_f).values())
        grid = directions((np.arange(K) + 0.5) / K * (np.pi / 2), ext)
        lams, needs = [], []
        for q in targets:
            qq = np.nan_to_num(q, nan=0.0, posinf=0.0, neginf=0.0)
            tight = theta[np.argmin(h_f - np.einsum("nik,ni->nk", lam_f, qq), axis=1)]
            near = np.clip(tight[:, None] + np.array([-step, 0.0, step]), 1e-4, np.pi / 2 - 1e-4)
            lam = np.concatenate([grid, directions(near, ext)], axis=2)
            size = (np.abs(lam) * (np.abs(qq) + mag)[:, :, None]).sum(axis=1)
            need = np.einsum("nik,ni->nk", lam, qq) - _MARGIN * size
            lams.append(lam)
            needs.append(np.where(np.isfinite(q).all(axis=1)[:, None], need, np.inf))
        self.per = lams[0].shape[2]
        lam = np.concatenate(lams, axis=2)  # (N, 2, T * per)
        self.need = np.concatenate(needs, axis=1)
        self.h = support(summands, lam)
        self.lam0, self.lam1 = np.ascontiguousarray(lam[:, 0]), np.ascontiguousarray(lam[:, 1])

    def test(self, included):
        """The test :meth:`alive` makes of partial sums of the summands ``included``, for
        :func:`sim.analysis.flat_prune.add_prune`: ``(L0, L1, C, per)``, a partial sum
        ``(x, y)`` of draw ``n`` alive if ``x L0 + y L1 + C >= 0`` in every direction of some
        group of ``per`` (one group a target)."""
        C = remaining(self.h, included, self.need) - self.need
        return self.lam0, self.lam1, C, self.per

    def alive(self, pts, row, included, E=None) -> np.ndarray:
        """Which partial sums ``pts`` (P, 2) of the summands ``included``, of the draws
        ``row`` (P,), may be completed into the orthant above one of the targets; with ``E``
        (P, 2), which segments ``pts + s E`` (``s`` in [0, 1]) may (:func:`passes`)."""
        return passes(self.test(included), pts, row, E)
