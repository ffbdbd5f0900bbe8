"""Bounds that let the batched Nash solution skip most partial sums (branch and bound).

The utility set is a Minkowski sum ``U = S_1 + ... + S_J`` of the issues' point sets and
piecewise-linear curves (:mod:`sim.analysis.batch_axiomatic`).  Two bounds on the Nash value
``w . log(u - d)`` make most partial sums irrelevant before they are ever added up:

* **A lower bound** ``b``: the value of a point of ``U`` found by coordinate ascent (each
  summand in turn moved to its best point given the others; on a curve the best point of each
  segment is its stationary point), started from the best of the weighted-sum maximisers in
  ``K`` directions (each of which picks every summand's best point on its own).  Every
  point of ``U`` is feasible, so the optimum is at least ``b``.
* **An upper bound** for a partial sum ``p`` (the summands ``I`` added, ``R`` still to come):
  every completion lies in ``p + conv(R)``, and ``conv(R)`` lies in each half-plane
  ``{q : lam . q <= h_R(lam)}``, ``h_R(lam) = sum_{j in R} max_{q in S_j} lam . q`` (the
  support function of a Minkowski sum is the sum of the summands', Schneider 2014, *Convex
  Bodies*, Thm 1.7.5).  The Nash value over a half-plane ``lam . g <= B`` (``g = u - d``,
  ``lam > 0``) is largest at ``g_i = w_i B / (lam_i W)``, ``W = w_1 + w_2`` (Nash 1950,
  Econometrica 18:155-162, with weights as Kalai 1977), so a completion of ``p`` can reach
  ``b`` only if ``lam . (p - d) + h_R(lam) >= W exp((b - sum_i w_i log(w_i / lam_i)) / W)``
  for every direction ``lam``: a linear test, one matrix product per partial-sum array.

The directions are ``K`` angles spread over the positive quadrant in units of each draw's
extent, and the gradient of the Nash product at the lower-bound point with two neighbours
(where the bound is tightest).  The bound only ever drops partial sums all of whose
completions are worse than a known point (by a margin far above rounding), so the solution
is unchanged; :func:`sim.analysis.batch_axiomatic.solve_batch` checks that the pruned
optimum reaches ``b`` and solves any row where it does not without the bound.
"""

from __future__ import annotations

import numpy as np

__all__ = ["NashBound", "log_gain"]

#: Margin, relative to the magnitudes involved, below which nothing is dropped.
_MARGIN = 1e-8


def log_gain(pts, d, w):
    """``w . log(pts - d)`` where both gains are positive, else ``-inf`` (last axis: 2)."""
    gain = pts - d
    pos = (gain > 0).all(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(pos, np.log(np.where(gain > 0, gain, 1.0)) @ w, -np.inf)


def _value(pts, d, w, tol):
    """:func:`log_gain` where both gains exceed ``tol`` (a Nash candidate's test), else -inf."""
    ok = ((pts - d) > tol[..., None]).all(axis=-1)
    return np.where(ok, log_gain(pts, d, w), -np.inf)


def _key(pts, d, w, tol, ext):
    """Whether both gains exceed ``tol``, and then the Nash value, else the smaller gain in
    units of ``ext`` (what coordinate ascent climbs until both gain)."""
    val = _value(pts, d, w, tol)
    fin = np.isfinite(val)
    return fin, np.where(fin, val, ((pts - d) / ext).min(axis=-1))


def _segment_best(rest, A, E, d, w, tol, valid):
    """Each segment's best point ``rest + A + s E`` (stationary point clipped to [0, 1]) and
    its value; ``rest`` (N, 2), ``A``/``E`` (N, S, 2), ``valid`` (N, S)."""
    P0 = rest[:, None, :] + A
    x0, y0 = P0[..., 0] - d[:, None, 0], P0[..., 1] - d[:, None, 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        s = -(w[0] * E[..., 0] * y0 + w[1] * E[..., 1] * x0) / (w.sum() * E[..., 0] * E[..., 1])
    s = np.clip(np.nan_to_num(s, nan=0.0, posinf=1.0, neginf=0.0), 0.0, 1.0)
    pts = P0 + s[..., None] * E
    val = np.where(valid, _value(pts, d[:, None, :], w, tol[:, None]), -np.inf)
    return pts, val


class NashBound:
    """The two bounds of the module docstring for ``N`` draws.

    Parameters
    ----------
    summands : dict
        Summand id -> ``(points (N, m, 2), valid (N, m), is_curve)``; a curve's points are
        its breakpoints in order.
    d : (N, 2) array
    w : (2,) positive array
    tol : (N,) array
        The candidates' gain tolerance.
    K : int
        Directions on the angle grid.
    rounds : int
        Rounds of coordinate ascent.
    """

    def __init__(self, summands: dict, d, w, tol, K: int = 8, rounds: int = 2):
        self.summands, self.d, self.w = summands, d, w
        lo = sum(np.where(v[..., None], p, np.inf).min(axis=1) for p, v, _ in summands.values())
        hi = sum(np.where(v[..., None], p, -np.inf).max(axis=1) for p, v, _ in summands.values())
        ext = np.maximum(hi - lo, 1e-300)
        theta = (np.arange(K) + 0.5) / K * (np.pi / 2)
        grid = np.stack([np.cos(theta) / ext[:, :1], np.sin(theta) / ext[:, 1:]], axis=1)
        self.best, point = self._lower(ext, tol, rounds)
        # the Nash gradient at the point found, and two neighbours, where the bound is tight
        gain = np.where(np.isfinite(self.best)[:, None], point - d, ext)
        g = w[None, :] / np.maximum(gain, 1e-300)
        ang = np.arctan2(g[:, 1] * ext[:, 1], g[:, 0] * ext[:, 0])
        extra = [ang + t for t in (-0.05, 0.0, 0.05)]
        extra = np.stack([np.clip(a, 1e-3, np.pi / 2 - 1e-3) for a in extra], 1)  # (N, 3)
        near = np.stack([np.cos(extra) / ext[:, :1], np.sin(extra) / ext[:, 1:]], 1)
        lam = self.lam = np.concatenate([grid, near], axis=2)  # (N, 2, K + 3)
        self.h = {
            j: np.where(v[..., None], p @ lam, -np.inf).max(axis=1)
            for j, (p, v, _) in summands.items()
        }
        # the least lam . (u - d) over {u : w . log(u - d) >= b}, less a margin
        W = w.sum()
        b = self.best - _MARGIN * (1.0 + np.abs(self.best))
        with np.errstate(divide="ignore", over="ignore"):
            logs = (w[None, :, None] * np.log(w[None, :, None] / lam)).sum(axis=1)
            need = W * np.exp((b[:, None] - logs) / W)  # 0 where b is -inf
        mag = (np.abs(lam) * (np.abs(d) + np.maximum(np.abs(lo), np.abs(hi)))[:, :, None]).sum(1)
        self.need = need + np.einsum("nik,ni->nk", lam, d) - _MARGIN * (mag + need)

    def _lower(self, ext, tol, rounds, K: int = 32, starts: int = 1):
        """The lower bound's point: coordinate ascent from the ``starts`` best of the
        weighted-sum maximisers in ``K`` directions.  Until a point gains for both, the
        smaller normalised gain is climbed instead."""
        d, w = self.d, self.w
        N = d.shape[0]
        theta = (np.arange(K) + 0.5) / K * (np.pi / 2)
        grid = np.stack([np.cos(theta) / ext[:, :1], np.sin(theta) / ext[:, 1:]], axis=1)
        picks = {}
        for j, (p, v, _) in self.summands.items():  # each summand's best point per direction
            score = np.where(v[..., None], p @ grid, -np.inf)  # (N, m, K)
            picks[j] = np.take_along_axis(p, np.argmax(score, axis=1)[..., None], axis=1)
        fin, key = _key(sum(picks.values()), d[:, None, :], w, tol[:, None], ext[:, None, :])
        # the best starts (gaining for both first, then by key) as rows of their own
        sel = np.lexsort((-key, ~fin), axis=1)[:, :starts]
        S = sel.shape[1]
        rows = np.repeat(np.arange(N), S)
        dd, tt, ee = d[rows], tol[rows], ext[rows]
        chosen = {j: q[rows, sel.ravel()] for j, q in picks.items()}  # (N * S, 2)
        u = sum(chosen.values())
        cur_fin, cur = _key(u, dd, w, tt, ee)
        act = np.arange(N * S)  # rows still moving: a row that did not move is done
        for _ in range(rounds):
            moved = np.zeros(N * S, bool)
            rr, da, ta, ea = rows[act], dd[act], tt[act], ee[act]
            r = np.arange(act.size)
            for j, (p, v, curve) in self.summands.items():
                rest = u[act] - chosen[j][act]
                pa, ok = p[rr], v[rr]
                pts = rest[:, None, :] + pa
                if curve:
                    segs, _ = _segment_best(rest, pa[:, :-1], pa[:, 1:] - pa[:, :-1], da, w, ta,
                                            ok[:, 1:])  # fmt: skip
                    pts = np.concatenate([pts, segs], axis=1)
                    ok = np.concatenate([ok, ok[:, 1:]], axis=1)
                fin, key = _key(pts, da[:, None, :], w, ta[:, None], ea[:, None, :])
                fin &= ok
                key = np.where(ok, key, -np.inf)
                # the best: gaining for both first, then by key
                i = np.argmax(np.where(fin | ~fin.any(axis=1, keepdims=True), key, -np.inf), 1)
                f_i, k_i = fin[r, i], key[r, i]
                c_fin, c = cur_fin[act], cur[act]
                better = (f_i & ~c_fin) | ((f_i == c_fin) & (k_i > c))
                if better.any():
                    b = act[better]
                    moved[b] = True
                    chosen[j][b] = pts[r[better], i[better]] - rest[better]
                    u[b] = pts[r[better], i[better]]
                    cur[b] = k_i[better]
                    cur_fin[b] |= f_i[better]
            act = np.flatnonzero(moved)
            if not act.size:
                break
        val = np.where(cur_fin, cur, -np.inf).reshape(N, S)
        best = np.argmax(val, axis=1)
        return val[np.arange(N), best], u.reshape(N, S, 2)[np.arange(N), best]

    def alive(self, pts, row, included) -> np.ndarray:
        """Which partial sums ``pts`` (P, 2) of the summands ``included``, of the draws
        ``row`` (P,), may still be completed to a point worth at least the lower bound
        (module docstring)."""
        h = sum((hj for j, hj in self.h.items() if j not in included), np.zeros_like(self.need))
        lam = self.lam[row]  # (P, 2, K)
        reach = pts[:, :1] * lam[:, 0] + pts[:, 1:] * lam[:, 1] + (h - self.need)[row]
        return (reach >= 0).all(axis=1)
