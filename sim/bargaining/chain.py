"""A piecewise-linear Pareto frontier for two-party bargaining models.

The scenario geometry (``sim.bargaining``) hands the dynamic models the Pareto frontier of
the scenario's outcomes as a chain of vertices ``(u1, u2)`` with ``u1`` strictly increasing
and ``u2`` strictly decreasing, in the scenario's own unit (e.g. $bn/yr).  This module
holds that chain and answers the two questions every alternating-offers model asks:
"if the other side must get ``v``, what is left for me?" (:meth:`Frontier.u1_of_u2`,
:meth:`Frontier.u2_of_u1`) and "which outcomes does an agreement correspond to?"
(:meth:`Frontier.locate`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["Frontier", "FrontierLocation"]


@dataclass(frozen=True)
class FrontierLocation:
    """Where points lie on a frontier: on segment ``segment[k]``, at weight ``weight[k]``.

    The point is ``(1 - weight) * points[segment] + weight * points[segment + 1]``; for a
    single-vertex frontier ``segment`` is 0 and ``weight`` is 0.  ``tags`` gives the tags of
    the two end vertices (``None`` when the frontier has no tags).
    """

    segment: NDArray[np.int64]
    weight: NDArray[np.float64]
    tags: tuple[NDArray[np.int64], NDArray[np.int64]] | None = None


@dataclass(frozen=True)
class Frontier:
    """A Pareto frontier given as a piecewise-linear chain of vertices.

    Parameters
    ----------
    points : array_like, shape (m, 2)
        Vertices ``(u1, u2)``, ``u1`` strictly increasing and ``u2`` strictly decreasing.
        Usually concave (a convexified frontier), but the models do not require it.
    tags : sequence of int, optional
        One tag per vertex (e.g. the index of the outcome the vertex comes from).

    Notes
    -----
    Outside its range the frontier is extended by free disposal: for ``u1`` below the
    first vertex ``u2_of_u1`` returns ``max_u2``; above ``max_u1`` no point exists and it
    returns ``-inf``.  ``u1_of_u2`` is symmetric.

    Examples
    --------
    >>> f = Frontier.from_pie(10.0)
    >>> float(f.u2_of_u1(4.0)), float(f.u1_of_u2(7.5))
    (6.0, 2.5)
    """

    points: NDArray[np.float64]
    tags: tuple[int, ...] | None = field(default=None)

    def __post_init__(self) -> None:
        pts = np.array(self.points, dtype=float, copy=True)
        if pts.ndim != 2 or pts.shape[1] != 2 or pts.shape[0] < 1:
            raise ValueError(
                f"A frontier needs an (m, 2) array of vertices; got shape {pts.shape}."
            )
        if not np.all(np.isfinite(pts)):
            raise ValueError("Frontier vertices must be finite numbers.")
        if pts.shape[0] > 1:
            if np.any(np.diff(pts[:, 0]) <= 0) or np.any(np.diff(pts[:, 1]) >= 0):
                raise ValueError(
                    "Frontier vertices must have u1 strictly increasing and u2 strictly "
                    "decreasing (a Pareto chain)."
                )
        pts.setflags(write=False)
        object.__setattr__(self, "points", pts)
        if self.tags is not None:
            tags = tuple(int(t) for t in self.tags)
            if len(tags) != pts.shape[0]:
                raise ValueError(
                    f"A frontier with {pts.shape[0]} vertices needs {pts.shape[0]} tags; "
                    f"got {len(tags)}."
                )
            object.__setattr__(self, "tags", tags)

    # ------------------------------------------------------------------ constructors
    @classmethod
    def from_pie(cls, size: float = 1.0) -> Frontier:
        """The frontier of splitting a pie of ``size``: ``u1 + u2 = size``, both >= 0."""
        if not size > 0:
            raise ValueError(f"A pie needs a positive size; got {size}.")
        return cls(np.array([[0.0, size], [size, 0.0]]))

    # ------------------------------------------------------------------ properties
    @property
    def max_u1(self) -> float:
        """Largest payoff party 1 can get on the frontier."""
        return float(self.points[-1, 0])

    @property
    def max_u2(self) -> float:
        """Largest payoff party 2 can get on the frontier."""
        return float(self.points[0, 1])

    @property
    def min_u1(self) -> float:
        """Party 1's payoff at party 2's best point."""
        return float(self.points[0, 0])

    @property
    def min_u2(self) -> float:
        """Party 2's payoff at party 1's best point."""
        return float(self.points[-1, 1])

    def is_concave(self, tol: float = 1e-12) -> bool:
        """Whether slopes are non-increasing (the frontier bounds a convex set)."""
        if self.points.shape[0] < 3:
            return True
        slopes = np.diff(self.points[:, 1]) / np.diff(self.points[:, 0])
        return bool(np.all(np.diff(slopes) <= tol * (1.0 + np.abs(slopes[:-1]))))

    # ------------------------------------------------------------------ evaluation
    def u2_of_u1(self, u1: ArrayLike) -> NDArray[np.float64] | float:
        """Party 2's best payoff given party 1 gets ``u1`` (vectorised)."""
        u1 = np.asarray(u1, dtype=float)
        x, y = self.points[:, 0], self.points[:, 1]
        out = np.interp(u1, x, y)
        out = np.where(u1 > x[-1], -np.inf, out)
        return out if out.ndim else float(out)

    def u1_of_u2(self, u2: ArrayLike) -> NDArray[np.float64] | float:
        """Party 1's best payoff given party 2 gets ``u2`` (vectorised inverse)."""
        u2 = np.asarray(u2, dtype=float)
        x, y = self.points[::-1, 1], self.points[::-1, 0]
        out = np.interp(u2, x, y)
        out = np.where(u2 > x[-1], -np.inf, out)
        return out if out.ndim else float(out)

    def other(self, party: int, u: ArrayLike) -> NDArray[np.float64] | float:
        """The other party's best payoff when ``party`` (0 or 1) gets ``u``."""
        if party == 0:
            return self.u2_of_u1(u)
        if party == 1:
            return self.u1_of_u2(u)
        raise ValueError(f"party must be 0 or 1; got {party}.")

    def max_of(self, party: int) -> float:
        """Largest payoff ``party`` (0 or 1) can get."""
        return self.max_u1 if party == 0 else self.max_u2

    def locate(self, u1: ArrayLike) -> FrontierLocation:
        """Segment index and weight of the frontier point(s) with first coordinate ``u1``.

        Values outside ``[min_u1, max_u1]`` are clipped to the end vertices.
        """
        u1 = np.atleast_1d(np.asarray(u1, dtype=float))
        x = self.points[:, 0]
        m = x.size
        if m == 1:
            seg = np.zeros(u1.shape, dtype=np.int64)
            w = np.zeros(u1.shape)
        else:
            xc = np.clip(u1, x[0], x[-1])
            seg = np.clip(np.searchsorted(x, xc, side="right") - 1, 0, m - 2).astype(np.int64)
            w = (xc - x[seg]) / (x[seg + 1] - x[seg])
        tags = None
        if self.tags is not None:
            t = np.asarray(self.tags, dtype=np.int64)
            tags = (t[seg], t[np.minimum(seg + 1, m - 1)])
        return FrontierLocation(segment=seg, weight=w, tags=tags)

    def to_dict(self) -> dict:
        """JSON-safe form."""
        return {
            "points": self.points.tolist(),
            "tags": list(self.tags) if self.tags is not None else None,
        }
