"""A run's two-party payoff space as a few plain arrays, of bounded size whatever the number of
outcomes: what the figures draw, computed once per run (:func:`summarise`).

The exact Pareto frontier and the convex hull describe the utility set; a bounded random
sample of outcomes shows where the outcomes lie inside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

__all__ = ["MAX_POINTS", "PayoffSpace", "convex_hull", "minkowski_hull", "summarise"]

#: Most outcomes kept in the sample of a payoff space.
MAX_POINTS = 4000
#: Grid values per continuous issue from which outcomes are sampled.
PER_ISSUE = 11


@dataclass(frozen=True)
class PayoffSpace:
    """The two parties' payoff plane of a run.

    Attributes
    ----------
    parties : tuple of str
        The two party codes (x axis, then y axis).
    unit : str
        Unit of the payoffs.
    frontier : tuple of ndarray
        The exact Pareto frontier of the outcomes, as connected polylines ``(n_i, 2)``
        (first coordinate increasing).
    hull : ndarray
        Vertices ``(h, 2)`` of the convex hull of the utility set, counter-clockwise.
    points : ndarray
        Payoffs ``(n, 2)`` of outcomes: every outcome of a grid (every level of a discrete
        issue, :data:`PER_ISSUE` values of a continuous one) when there are at most
        :data:`MAX_POINTS` of them, else a uniform random sample of that many.
    n_outcomes : int
        Number of outcomes of the grid ``points`` stand for.
    package_ids : tuple of str
        Packages of the scenario.
    packages : ndarray
        Payoffs ``(len(package_ids), 2)`` of each package applied alone to the final
        disagreement outcome.
    disagreement : dict
        ``"final"`` and ``"as_of"`` -> the disagreement point ``(2,)`` at that date.
    """

    parties: tuple[str, str]
    unit: str
    frontier: tuple[np.ndarray, ...]
    hull: np.ndarray
    points: np.ndarray
    n_outcomes: int
    package_ids: tuple[str, ...]
    packages: np.ndarray
    disagreement: dict[str, np.ndarray]

    @property
    def nbytes(self) -> int:
        """Bytes held in arrays (bounded whatever the number of outcomes)."""
        arrays = [*self.frontier, self.hull, self.points, self.packages]
        return sum(a.nbytes for a in arrays) + sum(a.nbytes for a in self.disagreement.values())


def summarise(space: OutcomeSpace, *, rng: np.random.Generator) -> PayoffSpace:
    """The :class:`PayoffSpace` of a two-party outcome space.

    Reads the utility set's exact Pareto frontier (computed once per set and shared with
    the models that need it), the hull of the whole set (:func:`minkowski_hull` of the
    per-issue sets) and a sample of outcomes drawn with ``rng``.
    """
    if len(space.parties) != 2:
        raise ValueError("a payoff space is drawn for two parties")
    from sim.bargaining.frontier import pareto_frontier

    uset = space.utility_set
    frontier = tuple(np.asarray(line, dtype=float) for line in pareto_frontier(uset).polylines())
    ids, coords = space.package_outcomes()
    n, sample = _sample(space, rng)
    return PayoffSpace(
        parties=(space.parties[0], space.parties[1]),
        unit=space.values.unit,
        frontier=frontier,
        hull=minkowski_hull(space.issue_sets()),
        points=space.payoffs(sample),
        n_outcomes=n,
        package_ids=tuple(ids),
        packages=space.payoffs(coords).reshape(len(ids), 2),
        disagreement={at: space.disagreement_point(at) for at in ("final", "as_of")},
    )


def _sample(space: OutcomeSpace, rng: np.random.Generator) -> tuple[int, np.ndarray]:
    """``(grid size, coordinates)``: the grid of outcomes, or a random sample of it."""
    grids = []
    for issue in space.issues:
        if issue.kind == "continuous":
            grids.append(np.linspace(*issue.range, PER_ISSUE))
        else:
            grids.append(np.arange(len(issue.level_list()), dtype=float))
    total = int(np.prod([len(g) for g in grids], dtype=float))
    if total <= MAX_POINTS:
        mesh = np.meshgrid(*grids, indexing="ij")
        return total, np.stack([m.ravel() for m in mesh], axis=1).reshape(total, len(grids))
    cols = [g[rng.integers(0, len(g), MAX_POINTS)] for g in grids]
    return total, np.stack(cols, axis=1)


def minkowski_hull(sets) -> np.ndarray:
    """Vertices of the convex hull of the Minkowski sum of point sets ``(n_j, 2)``.

    The hull of a Minkowski sum is the sum of the hulls (Schneider, *Convex Bodies: The
    Brunn-Minkowski Theory*, 2nd ed., 2014, Thm. 1.1.2 and §3.1), and the hull of a sum of
    polygons has at most as many vertices as the summands together: added one issue at a
    time, the cost grows linearly in the number of issues.  A continuous issue's set is
    the chain through its breakpoints (its hull is that of the breakpoints).
    """
    hull = np.zeros((1, 2))
    for s in sets:
        pts = np.asarray(s, dtype=float).reshape(-1, 2)
        hull = convex_hull((hull[:, None, :] + convex_hull(pts)[None, :, :]).reshape(-1, 2))
    return hull


def convex_hull(points: np.ndarray) -> np.ndarray:
    """Vertices of the convex hull of points ``(n, 2)``, counter-clockwise, no repeats.

    Andrew's monotone chain (Andrew 1979, *Inf. Process. Lett.* 9(5): 216-219) after the
    Akl-Toussaint filter (Akl & Toussaint 1978, *Inf. Process. Lett.* 7(5): 219-222), here
    with the extreme points in 32 directions: the points strictly inside their polygon are
    dropped first, in numpy, so the chain walks only the few that remain.
    """
    p = np.asarray(points, dtype=float).reshape(-1, 2)
    if len(p) > 64:
        angles = np.linspace(0.0, 2 * np.pi, 32, endpoint=False)
        ext = np.argmax(np.stack([np.cos(angles), np.sin(angles)], axis=1) @ p.T, axis=1)
        poly = p[ext[np.r_[True, ext[1:] != ext[:-1]]]]  # hull vertices, counter-clockwise
        inside = np.ones(len(p), dtype=bool)
        for a, b in zip(poly, np.roll(poly, -1, axis=0), strict=True):
            inside &= (b[0] - a[0]) * (p[:, 1] - a[1]) - (b[1] - a[1]) * (p[:, 0] - a[0]) > 0
        p = p[~inside] if len(poly) >= 3 else p
    p = np.unique(p, axis=0)  # sorted by x, then y
    if len(p) <= 2:
        return p

    def chain(pts) -> list:
        out: list = []
        for q in pts:
            while len(out) >= 2 and _cross(out[-2], out[-1], q) <= 0:
                out.pop()
            out.append(q)
        return out

    pts = p.tolist()
    lower, upper = chain(pts), chain(pts[::-1])
    return np.array(lower[:-1] + upper[:-1], dtype=float)


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
