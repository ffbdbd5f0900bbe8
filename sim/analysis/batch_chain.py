"""The convex Pareto frontier of many draws' utility sets, without cells, and the deals
behind its points.

With additive value functions the utility set is the Minkowski sum of the discrete issues'
point sets and the continuous issues' piecewise-linear curves
(:mod:`sim.analysis.batch_axiomatic`).  The alternating-offers models bargain on the Pareto
chain of its convex hull (``frontier: convex``), and the convex hull of a Minkowski sum is
the sum of the summands' hulls: its support function is the sum of theirs (Schneider,
*Convex Bodies*, 2nd ed., Thm 1.7.5), so its boundary is the merge, by slope, of the
summands' edges (de Berg et al., *Computational Geometry*, 3rd ed., section 13.3).  The
chain's first vertex is the sum of every summand's best point for party 2, and an edge of
the chain is an edge of one summand with every other summand at a vertex: each draw's chain
is built from a few dozen points (:func:`hull_chain`).

The outcome behind a point of the chain is read off the summands, as
:meth:`sim.models._frontier.ScenarioFrontier.deal_at` reads it off the cells: a vertex's
settings; along a curve's piece (a cell's edge) the interpolated coordinate, an exact deal;
along a curve's chord, the interpolated outcome if its payoffs are the point's; anywhere
else the point is a lottery of two deals, and the deal reported is the best exact deal for
the proposer that gives the responder the point's payoff (:class:`Deals`, over draws, by
:func:`sim.analysis.batch_axiomatic.solve_batch`).  Where the per-draw path, judging by its
tolerance, could draw the chain otherwise (near-collinear vertices, edges within the
tolerance of flat, outcomes with nearly equal payoffs) the edge is marked ``tied`` and the
draw is left to the per-draw path.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Chain", "Deals", "exact_at", "hull_chain", "tolerance"]

#: Draws of one :func:`sim.analysis.batch_axiomatic.solve_batch` call (padding: smaller wins).
CHUNK = 4


@dataclass(frozen=True)
class Chain:
    """One draw's Pareto chain of the convex hull, with the outcome at every vertex.

    Attributes
    ----------
    points : (m, 2) array
        Vertices, ``u1`` increasing and ``u2`` decreasing.
    coords : (m, n_issues) array
        The outcome at each vertex (level index or value per issue).
    exact : (m - 1,) bool array
        The edge lies in one curve and is affine in its issue (its points are deals).
    same_setting : (m - 1,) bool array
        The edge is one curve's (its ends share every discrete setting).
    tied : (m - 1,) bool array
        The per-draw reduction, judging by its tolerance, may draw this edge otherwise
        (a vertex it drops or keeps, a curve's edge it merges with a parallel one).
    issue : (m - 1,) int array
        The issue whose summand each edge is.
    upright : bool
        Some summand has two outcomes equal for one party (a flat or upright edge of the
        utility set, where the exact frontier's ties are the per-draw path's).
    """

    points: np.ndarray
    coords: np.ndarray
    exact: np.ndarray
    same_setting: np.ndarray
    tied: np.ndarray
    issue: np.ndarray
    upright: bool


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _turn(o, a, b, tol: float) -> int:
    """``a`` as the per-draw hull judges it (:func:`sim.bargaining.frontier.convex_frontier`:
    dropped when ``cross >= -tol * max(1, |b - o|)``): 1 kept, 0 dropped, -1 too close to
    that threshold to tell."""
    c = _cross(o, a, b)
    t = tol * max(1.0, math.hypot(b[0] - o[0], b[1] - o[1]))
    return 1 if c < -2.0 * t else 0 if c >= -0.5 * t else -1


def _summand(u: np.ndarray, x: np.ndarray, curve: bool, tol: float):
    """The Pareto chain of one summand's hull: vertex indices (``u1`` increasing), whether
    each edge is affine in the issue (a curve's consecutive breakpoints, or collinear
    pieces of equal speed), whether each is tied (:class:`Chain`), and whether the
    reported outcome at a vertex is a tie (another outcome with nearly its payoffs)."""
    order = np.lexsort((np.arange(len(u)), -u[:, 1], -u[:, 0]))
    best, keep, clean = -np.inf, [], True
    for i in order.tolist():  # staircase: u1 decreasing, u2 above all before by over tol
        rise = u[i, 1] - best
        if rise > tol:
            keep.append(i)
        if 0.5 * tol < rise <= 2.0 * tol:  # too close to the per-draw threshold to tell
            clean = False
        best = max(best, u[i, 1])
    keep.reverse()
    for i in keep:  # an outcome with nearly the same payoffs: which one is reported is a tie
        near = np.abs(u - u[i]).max(axis=1) <= 2 * tol
        exact_dup = (u == u[i]).all(axis=1)
        if (near & ~exact_dup).any() or (curve and np.ptp(x[exact_dup]) > 0):
            clean = False
    pts = u.tolist()
    hull: list[int] = []
    tied: list[bool] = []
    for i in keep:
        late = False
        while len(hull) >= 2:
            turn = _turn(pts[hull[-2]], pts[hull[-1]], pts[i], tol)
            if turn == 1:
                break
            late |= turn == -1
            hull.pop()
            tied.pop()
        if hull:
            tied.append(late)
        hull.append(i)
    affine = []
    for a, b in itertools.pairwise(hull):
        if not curve:
            affine.append(False)
            continue
        lo, hi = min(a, b), max(a, b)
        # the curve's points are its breakpoints in order: an edge over several pieces is
        # affine in the issue only if they are collinear with equal speed
        seg = np.arange(lo, hi + 1)
        du = np.diff(u[seg], axis=0) / np.diff(x[seg])[:, None]
        affine.append(bool(hi - lo == 1 or np.allclose(du, du[0], rtol=1e-12, atol=0.0)))
    return hull, affine, tied, clean


def hull_chain(values, row: int, tol: float) -> Chain | None:
    """The chain of draw ``row`` of :class:`~sim.analysis.batch_values.BatchedValues`
    (module docstring) with the per-draw tolerance ``tol``; None when the set is a single
    point or which outcome sits at a vertex is a tie."""
    issues = values.issues
    start = np.zeros(2)
    coords = np.zeros(len(issues))
    edges = []  # (slope, issue, end coordinate, vector, affine, tied)
    upright = False
    for j in range(len(issues)):
        if j in values.levels:
            u = values.levels[j][:, row, :].T
            x = np.arange(u.shape[0], dtype=float)
            curve = False
        else:
            c = int(values.count[j][row])
            u = values.vs[j][:, row, :c].T
            x = values.xs[j][row, :c]
            curve = True
        hull, affine, tied, clean = _summand(np.ascontiguousarray(u), x, curve, tol)
        if not clean:
            return None
        # two points within 2 tol in a coordinate (the closest pair is a neighbour in order)
        upright |= bool((np.diff(np.sort(u, axis=0), axis=0) <= 2 * tol).any())
        start += u[hull[0]]
        coords[j] = x[hull[0]]
        for a, b, aff, t in zip(hull[:-1], hull[1:], affine, tied, strict=True):
            v = u[b] - u[a]
            edges.append((v[1] / v[0], j, x[b], v, aff, t))
    if not edges:
        return None
    edges.sort(key=lambda e: -e[0])  # shallow first: the chain turns clockwise
    m = len(edges) + 1
    points, out = np.zeros((m, 2)), np.zeros((m, len(issues)))
    points[0], out[0] = start, coords
    exact, same, tied = np.zeros(m - 1, bool), np.zeros(m - 1, bool), np.zeros(m - 1, bool)
    issue = np.array([e[1] for e in edges], dtype=np.intp)
    for k, (_s, j, xb, v, aff, t) in enumerate(edges):
        points[k + 1] = points[k] + v
        out[k + 1] = out[k]
        out[k + 1, j] = xb
        exact[k], same[k] = aff, j not in values.levels
        # an edge within the tolerance of flat or upright: the per-draw chain drops it
        tied[k] = t or min(abs(v[0]), abs(v[1])) <= 2 * tol
    for k in range(1, m - 1):  # a curve's edge parallel to the next: merged per draw
        if _turn(points[k - 1], points[k], points[k + 1], tol) != 1 and (same[k - 1] or same[k]):
            tied[k - 1] = tied[k] = True
    return Chain(points, out, exact, same, tied, issue, upright)


def tolerance(values) -> np.ndarray:
    """(N,) ``1e-9`` times each draw's extent (as :attr:`sim.bargaining.geometry.
    UtilitySet.tol`, from the summands' extents)."""
    lo, hi = np.zeros((values.n, 2)), np.zeros((values.n, 2))
    for j in range(len(values.issues)):
        if j in values.levels:
            v = values.levels[j]  # (P, N, L)
            ok = np.ones(v.shape[1:], bool)
        else:
            v = values.vs[j]
            ok = np.arange(v.shape[2])[None, :] < values.count[j][:, None]
        lo += np.where(ok, v, np.inf).min(axis=2).T
        hi += np.where(ok, v, -np.inf).max(axis=2).T
    scale = np.maximum((hi - lo).max(axis=1), 1e-4 * np.maximum(np.abs(lo), np.abs(hi)).max(1))
    return 1e-9 * np.where(scale > 0, scale, 1.0)


def exact_at(chain: Chain, point, same_setting: bool):
    """The outcome at a point of the chain (as :meth:`sim.models._frontier.ScenarioFrontier.
    exact_coords`): a vertex, a point of an exact edge, with ``same_setting`` also a point
    of a curve's chord; None for a lottery.  Second: whether the edge is tied."""
    from sim.bargaining.chain import Frontier

    loc = Frontier(chain.points).locate(float(point[0]))
    seg, w = int(loc.segment[0]), float(loc.weight[0])
    m = len(chain.points)
    tied = m > 1 and bool(chain.tied[seg])
    if m == 1 or w <= 1e-12:
        return chain.coords[seg], tied
    if w >= 1 - 1e-12:
        return chain.coords[seg + 1], tied
    if chain.exact[seg] or (same_setting and chain.same_setting[seg]):
        return (1 - w) * chain.coords[seg] + w * chain.coords[seg + 1], tied
    return None, tied


def _deal_at(chain: Chain, values, row: int, point):
    """``(kind, coords)`` of the deal behind the equilibrium point (as the first part of
    :meth:`sim.models._frontier.ScenarioFrontier.deal_at`): ``"exact"`` with its outcome,
    ``"lottery"`` (an edge between two deals) or ``"tied"`` (for the per-draw path)."""
    coords, tied = exact_at(chain, point, False)
    if tied:
        return "tied", None
    if coords is not None:
        return "exact", coords
    from sim.bargaining.chain import Frontier

    loc = Frontier(chain.points).locate(float(point[0]))
    seg, w = int(loc.segment[0]), float(loc.weight[0])
    if chain.same_setting[seg]:  # a curve's chord: exact if the interpolated outcome is
        j = int(chain.issue[seg])
        c = int(values.count[j][row])
        xs, vs = values.xs[j][row, :c], values.vs[j][:, row, :c]
        a, b = chain.coords[seg], chain.coords[seg + 1]
        mid = (1 - w) * a + w * b
        f = [np.interp(v, xs, vs[i]) for i in (0, 1) for v in (a[j], mid[j])]
        u_mid = chain.points[seg] + np.array([f[1] - f[0], f[3] - f[2]])
        scale = max(1.0, float(np.abs(chain.points).max()))
        if np.abs(u_mid - np.asarray(point, float)).max() <= 1e-9 * scale:
            return "exact", mid
    return "lottery", None


def _best_exact(values, rows: np.ndarray, proposer: int, threshold, proposer_min):
    """Per row: the outcome best for ``proposer`` among those giving the responder at least
    ``threshold`` and the proposer at least ``proposer_min`` (as
    :func:`sim.models._frontier.best_exact` and its check in ``deal_at``), None where none
    does: the utilitarian machinery of :func:`sim.analysis.batch_axiomatic.solve_batch` with
    all the weight on the proposer."""
    from sim.analysis.batch_axiomatic import _chunks, solve_batch

    d = np.zeros((rows.size, 2))
    d[:, 1 - proposer] = threshold
    d[:, proposer] = proposer_min - 1e-9 * np.maximum(1.0, np.abs(proposer_min))
    w = np.eye(2)[proposer]
    # small chunks: the arrays are padded to a chunk's largest sets
    solved = _chunks(values.take(rows), d, CHUNK,
                     lambda v, dd: solve_batch(v, dd, solution="utilitarian", weights=w))
    disc = [j for j in range(len(values.issues)) if j in values.levels]
    sizes = [values.levels[j].shape[2] for j in disc]
    levels = np.unravel_index(solved.combo, sizes) if disc else ()
    out = []
    for k in range(rows.size):
        if not solved.zone[k]:
            out.append(None)
            continue
        coords = np.zeros(len(values.issues))
        for j, lv in zip(disc, levels, strict=True):
            coords[j] = lv[k]
        for j, x in solved.coords.items():
            coords[j] = x[k]
        out.append(coords)
    return out


class Deals:
    """The deals behind points of the draws' chains, lotteries resolved together.

    ``add`` reads a row's deal (exact, or a lottery to resolve); ``resolve`` finds every
    lottery's real deal; ``coords`` then maps each settled row to its outcome (None: no
    real deal reproduces the point, the model reports no agreement)."""

    def __init__(self, values):
        self.values = values
        self.coords: dict = {}
        self._lottery: list = []

    def add(self, row: int, chain: Chain, point, proposer: int, proposer_min: float) -> bool:
        """Read row ``row``'s deal at ``point``; False when the row is for the per-draw path
        (a tied edge, or a lottery where the exact frontier's ties are the per-draw one's)."""
        kind, coords = _deal_at(chain, self.values, row, point)
        if kind == "tied" or (kind == "lottery" and chain.upright):
            return False
        if kind == "exact":
            self.coords[row] = coords
        else:
            self._lottery.append((row, proposer, float(point[1 - proposer]), proposer_min))
        return True

    def resolve(self) -> None:
        """Each lottery's deal: best for the proposer among the exact outcomes giving the
        responder its payoff at the point and the proposer its no-deal value."""
        for proposer in (0, 1):
            todo = [t for t in self._lottery if t[1] == proposer]
            if not todo:
                continue
            rows = np.array([t[0] for t in todo])
            found = _best_exact(
                self.values, rows, proposer, np.array([t[2] for t in todo]),
                np.array([t[3] for t in todo]),
            )
            self.coords.update(zip(rows.tolist(), found, strict=True))
        self._lottery = []

    def payoffs(self) -> np.ndarray:
        """(N, 2) payoffs of the deals on the interpolant (0 where none)."""
        values = self.values
        full = np.zeros((values.n, len(values.issues)))
        rows = [r for r, c in self.coords.items() if c is not None]
        if rows:
            full[rows] = np.array([self.coords[r] for r in rows])
        return values.evaluate(full)
