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

__all__ = ["NashBound", "passes", "remaining"]

#: Margin, relative to the magnitudes involved, below which nothing is dropped.
_MARGIN = 1e-8


def directions(theta, ext):
    """Directions ``(cos, sin) / ext`` (N, 2, K) for angles ``theta`` (K,) or (N, K)."""
    theta = np.broadcast_to(theta, (ext.shape[0], np.shape(theta)[-1]))
    return np.stack([np.cos(theta) / ext[:, :1], np.sin(theta) / ext[:, 1:]], axis=1)


def remaining(h: dict, included, like) -> np.ndarray:
    """The sum of the support functions ``h`` (summand -> (N, K)) of the summands not
    ``included``: what the partial sums of ``included`` may still gain in each direction."""
    return sum((hj for j, hj in h.items() if j not in included), np.zeros_like(like))


def passes(test, pts, row, E=None) -> np.ndarray:
    """Which points ``pts`` (P, 2) of the draws ``row`` (P,) pass ``test = (L0, L1, C,
    per)``: ``x L0 + y L1 + C >= 0`` in every direction of some group of ``per``; with ``E``
    (P, 2), which segments ``pts + s E``, ``s`` in [0, 1], may (a segment's support is its
    better end's).  The arrays' form of :func:`sim.analysis.flat_prune.add_prune`'s test."""
    L0, L1, C, per = test
    reach = pts[:, :1] * L0[row] + pts[:, 1:] * L1[row] + C[row]
    if E is not None:
        reach = reach + np.maximum(E[:, :1] * L0[row] + E[:, 1:] * L1[row], 0.0)
    if not C.shape[1]:
        return np.ones(len(row), bool)
    return (reach >= 0).reshape(len(row), -1, per).all(axis=2).any(axis=1)


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
        from sim.analysis.nash_kernels import box, support

        self.d, self.w = d, w
        parts = list(summands.values())  # side by side, as the compiled loops take them
        self._off = np.cumsum([0] + [p.shape[1] for p, _, _ in parts])
        self._pts = np.concatenate([p for p, _, _ in parts], axis=1)
        self._valid = np.concatenate([v for _, v, _ in parts], axis=1)
        self._curve = np.array([c for _, _, c in parts])
        lo, hi = box(self._pts, self._valid, self._off)
        ext = np.maximum(hi - lo, 1e-300)
        grid = directions((np.arange(K) + 0.5) / K * (np.pi / 2), ext)
        self.best, point = self._lower(ext, tol, rounds)
        # the Nash gradient at the point found, and two neighbours, where the bound is tight
        gain = np.where(np.isfinite(self.best)[:, None], point - d, ext)
        g = w[None, :] / np.maximum(gain, 1e-300)
        ang = np.arctan2(g[:, 1] * ext[:, 1], g[:, 0] * ext[:, 0])
        extra = [ang + t for t in (-0.05, 0.0, 0.05)]
        extra = np.stack([np.clip(a, 1e-3, np.pi / 2 - 1e-3) for a in extra], 1)  # (N, 3)
        lam = np.concatenate([grid, directions(extra, ext)], axis=2)  # (N, 2, K + 3)
        self.lam0, self.lam1 = np.ascontiguousarray(lam[:, 0]), np.ascontiguousarray(lam[:, 1])
        h = support(self._pts, self._valid, self._off, self.lam0, self.lam1)
        self.h = dict(zip(summands, h, strict=True))
        # the least lam . (u - d) over {u : w . log(u - d) >= b}, less a margin
        W = w.sum()
        b = self.best - _MARGIN * (1.0 + np.abs(self.best))
        with np.errstate(divide="ignore", over="ignore"):
            logs = (w[None, :, None] * np.log(w[None, :, None] / lam)).sum(axis=1)
            need = W * np.exp((b[:, None] - logs) / W)  # 0 where b is -inf
        mag = (np.abs(lam) * (np.abs(d) + np.maximum(np.abs(lo), np.abs(hi)))[:, :, None]).sum(1)
        self.need = need + np.einsum("nik,ni->nk", lam, d) - _MARGIN * (mag + need)

    def _lower(self, ext, tol, rounds: int, K: int = 32):
        """The lower bound's value and point (N,), (N, 2): coordinate ascent from the best of
        the weighted-sum maximisers in ``K`` directions (:mod:`sim.analysis.nash_kernels`)."""
        from sim.analysis.nash_kernels import lower_bound

        w = np.asarray(self.w, float)
        return lower_bound(
            self._pts, self._valid, self._off, self._curve, self.d, w, tol, ext, K, rounds
        )

    def test(self, included):
        """The linear test of the partial sums of the summands ``included``: ``(L0, L1, C,
        per)``, each array (N, K), such that a partial sum ``(x, y)`` of draw ``n`` may still
        be completed to a point worth at least the lower bound only if ``x L0 + y L1 + C >=
        0`` in every direction (one group: ``per = K``; module docstring)."""
        C = remaining(self.h, included, self.need) - self.need
        return self.lam0, self.lam1, C, C.shape[1]

    def alive(self, pts, row, included) -> np.ndarray:
        """Which partial sums ``pts`` (P, 2) of the summands ``included``, of the draws
        ``row`` (P,), pass :meth:`test` (:func:`passes`)."""
        return passes(self.test(included), pts, row)
