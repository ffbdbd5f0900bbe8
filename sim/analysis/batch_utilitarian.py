"""The utilitarian solution of many draws on flat arrays, by branch and bound.

The utilitarian solution maximises ``w . u`` over the individually rational outcomes
``u >= d`` of the utility set, the Minkowski sum ``U = S_1 + ... + S_J`` of the issues'
point sets and curves.  The candidates, values, tolerances and ties are those of
:func:`sim.analysis.batch_axiomatic._solve_one` (the vertices of the individually rational
pieces, :func:`sim.analysis.batch_axiomatic._ir`: the undominated vertex sums with
``u >= d`` and the crossings of ``u_i = d_i`` on the edges ``P0 + s E``, one curve on a
segment and the other summands at undominated sums; ties: the lowest cell, then the larger
``u1``, then the first), kept as in :mod:`sim.analysis.batch_nash`: the partial sums of
every draw in flat arrays, added, tested and Pareto-pruned by the compiled
:func:`sim.analysis.flat_prune.add_prune`.

**The bound.**  A lower bound ``b``: ``w . u`` at an individually rational point ``u`` of
``U`` found by coordinate ascent (:func:`sim.analysis.maxmin_bound.climb`, from the best
weighted-sum pick or the max-min point). A partial sum ``p`` (the summands ``I`` added,
``R`` still to come) has its completions in ``p + conv(R)``, so for every direction
``lam >= 0`` each completion ``q`` has ``lam . q <= lam . p + h_R(lam)``, ``h_R`` the sum of
the remaining summands' support functions (Schneider 2014, *Convex Bodies*, Thm 1.7.5).  A
candidate that can tie the best has ``w . q >= b - slack`` and ``q >= d``, so with
``lam = w + nu`` (``nu >= 0``) it has ``lam . q >= b - slack + nu . d``: a partial sum
failing that for some direction holds no such candidate and is dropped (with a margin far
above rounding).  Directions: ``w`` itself and ``w`` tilted towards each axis.  The test is
monotone in ``p``, so dropping before the Pareto filter keeps the undominated survivors the
padded geometry's.

Which draws have an agreement zone (a Nash candidate gains more than ``tol`` for both, as
``_solve_one`` asks) is decided as :func:`sim.analysis.batch_maxmin.solve_maxmin` decides
it; draws decided neither way, with a disagreement point not finite, or whose answer falls
short of ``b`` (never expected) are solved again by ``fallback`` (the padded geometry).
"""

from __future__ import annotations

import numpy as np

from sim.analysis.batch_maxmin import _ir, _redo, _setup, _start, _Sums, _zone
from sim.analysis.batch_nash import _base, _found, _rowmax, stepper, winners
from sim.analysis.maxmin_bound import climb, extents, support
from sim.analysis.nash_bound import _MARGIN, passes, remaining

__all__ = ["LinearBound", "solve_utilitarian"]

#: Tilts of ``w`` towards each axis, in units of ``w``'s weight on the extents.
_TILTS = (0.25, 1.0, 4.0)


def _score(d, w, ext):
    """:func:`climb`'s score and segment point for ``w . u`` over ``u >= d`` (until a point
    is individually rational, its smaller gain in units of ``ext``): on a segment, the
    farthest point in the direction ``w`` improves before a gain turns negative."""

    def score(pts, rows):
        gain = pts - d[rows, None]
        fin = (gain >= 0).all(axis=-1)
        return fin, np.where(fin, pts @ w, (gain / ext[rows, None]).min(axis=-1))

    def on_segment(P0, E, rows):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (d[rows, None] - P0) / E  # where each gain is 0
        up = E @ w > 0
        cap = np.where(E < 0, t, np.inf).min(axis=-1)  # moving up: gains that fall
        floor = np.where(E > 0, t, -np.inf).max(axis=-1)  # moving down: gains that fall
        return np.where(up, np.minimum(cap, 1.0), np.maximum(floor, 0.0))

    return score, on_segment


class LinearBound:
    """The bound of the module docstring for ``N`` draws.

    Parameters
    ----------
    summands : dict
        Summand id -> ``(points (N, m, 2), valid (N, m), is_curve)``.
    d : (N, 2) array
    w : (2,) array, ``w >= 0``
    best : (N,) array
        ``b``: ``w . u`` at an individually rational point of the set (``-inf``, NaN: none,
        and then nothing is kept).
    slack : (N,) array
        How far below the best value a candidate still ties.
    """

    def __init__(self, summands: dict, d, w, best, slack):
        N = d.shape[0]
        lo, hi = extents(summands)
        ext = np.maximum(hi - lo, 1e-300)
        unit = (ext @ w)[:, None] / ext  # (N, 2): a tilt worth w's weight on the extents
        nu = [np.zeros((N, 2))]
        nu += [a * unit * np.eye(2)[i] for a in _TILTS for i in (0, 1)]
        nu = np.stack(nu, axis=2)  # (N, 2, K)
        lam = w[None, :, None] + nu
        self.h = support(summands, lam)
        mag = np.abs(d) + np.maximum(np.abs(lo), np.abs(hi))
        size = (lam * mag[:, :, None]).sum(axis=1) + np.abs(best)[:, None]
        need = best[:, None] - slack[:, None] + np.einsum("nik,ni->nk", nu, d) - _MARGIN * size
        self.need = np.where(np.isfinite(best)[:, None], need, np.inf)
        self.lam0 = np.ascontiguousarray(lam[:, 0])
        self.lam1 = np.ascontiguousarray(lam[:, 1])

    def test(self, included):
        """``(L0, L1, C, per)``, each array (N, K): a partial sum ``(x, y)`` of the summands
        ``included`` of draw ``n`` may hold a candidate only if ``x L0 + y L1 + C >= 0`` in
        every direction (one group: ``per = K``)."""
        C = remaining(self.h, included, self.need) - self.need
        return self.lam0, self.lam1, C, C.shape[1]

    def alive(self, pts, row, included) -> np.ndarray:
        """Which partial sums ``pts`` (P, 2) of the draws ``row`` pass :meth:`test`."""
        return passes(self.test(included), pts, row)


def solve_utilitarian(values, d: np.ndarray, w, fallback):
    """The utilitarian solution (weights ``w >= 0``, not both 0) of every draw:
    :class:`sim.analysis.batch_axiomatic.Solved`'s ``(zone, combo, coords)`` (module
    docstring); ``fallback(values, d)`` solves, as a ``Solved``, the draws this cannot
    settle."""
    N = values.n
    geo, summands, ext = _setup(values)
    cont, tol = geo[1], geo[4]
    ok = np.isfinite(d).all(axis=1)
    given, d = d, np.where(ok[:, None], d, 0.0)
    _, chosen, yes, no = _zone(summands, d, np.ones((N, 2)), ext, tol)
    score, seg = _score(d, w, ext)
    _, fin, lb, _ = climb(summands, _start(summands, ext, score, chosen), score, seg)
    todo = ok & yes & fin
    lb = np.where(todo, lb, -np.inf)
    bound = LinearBound(summands, d, w, lb, tol * w.sum())
    base = _base(values, cont)
    groups = _ir(_Sums(values, geo, stepper(N, cont, base, bound.test)), d)
    vals = [np.where(k, p @ w, -np.inf) for _, _, p, k in groups]
    best = np.max([_rowmax(g[0].row, v, N) for g, v in zip(groups, vals, strict=True)], 0)
    thr = best - (tol * w.sum() + 1e-12 * np.abs(best))
    found = [
        _found(values, cont, base, S, edge, np.flatnonzero(k & (v >= thr[S.row])), p[:, 0])
        for (S, edge, p, k), v in zip(groups, vals, strict=True)
    ]
    _, combo, coords = winners(found, np.zeros(N, np.int64), {c: values.xs[c][:, 0] for c in cont})
    zone = todo & (best >= lb - 1e-9 * (1.0 + np.abs(lb)))  # else the bound dropped it
    again = np.flatnonzero(~zone & ~(ok & no))
    return _redo(fallback, values, given, again, zone, combo, coords)
