"""Additive per-issue value functions: the form every payoff model compiles to.

``u_i(x) = sum_j f_ij(x_j)``: for a continuous issue ``f_ij`` is piecewise linear
(breakpoints ``xs``, values ``vs``), for a discrete or binary issue a value per level.
Evaluation is vectorised over any number of outcomes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class IssueFunction:
    """One party's value for one issue.

    Attributes
    ----------
    xs, vs : ndarray or None
        Breakpoints and values of a piecewise-linear function (continuous issues).
    level_values : ndarray or None
        Value of each level, indexed by level (discrete and binary issues).
    """

    xs: np.ndarray | None = None
    vs: np.ndarray | None = None
    level_values: np.ndarray | None = None

    def __call__(self, coord: np.ndarray) -> np.ndarray:
        coord = np.asarray(coord, dtype=float)
        if self.level_values is not None:
            return self.level_values[coord.astype(np.intp)]
        assert self.xs is not None and self.vs is not None
        return np.interp(coord, self.xs, self.vs)


@dataclass(frozen=True)
class ValueFunctions:
    """Value functions of every party over every issue.

    Attributes
    ----------
    parties : tuple of str
        Party codes, in the order of the payoff columns.
    functions : tuple of tuple of IssueFunction
        ``functions[i][j]`` is party ``i``'s value of issue ``j``.
    unit : str
        Unit of every payoff.
    smooth : tuple of tuple, or None
        ``smooth[i][j]``: party ``i``'s true value of continuous issue ``j`` where the
        piecewise-linear ``functions[i][j]`` only approximates it -- a vectorised callable
        with ``derivative(x)`` (closed form) and ``kinks`` (points where the derivative
        jumps) -- else None (discrete issues, linear and zero functions).  None when every
        function is exact (or the payoff model asks for no refinement).
    """

    parties: tuple[str, ...]
    functions: tuple[tuple[IssueFunction, ...], ...]
    unit: str = "$bn/yr"
    notes: tuple[str, ...] = field(default=())
    smooth: tuple[tuple[Any, ...], ...] | None = None

    def evaluate(self, coords: np.ndarray) -> np.ndarray:
        """Payoffs of outcomes.

        Parameters
        ----------
        coords : ndarray, shape (n, m) or (m,)
            Outcome coordinates: the value of each continuous issue and the level index of
            each discrete or binary issue.

        Returns
        -------
        ndarray, shape (n, n_parties) (or (n_parties,) for one outcome)
        """
        return self._total(coords, exact=False)

    def evaluate_exact(self, coords: np.ndarray) -> np.ndarray:
        """Payoffs of outcomes on the true functions (:attr:`smooth` where given), as
        :meth:`evaluate` otherwise."""
        return self._total(coords, exact=self.smooth is not None)

    def _total(self, coords: np.ndarray, *, exact: bool) -> np.ndarray:
        coords = np.asarray(coords, dtype=float)
        single = coords.ndim == 1
        coords = np.atleast_2d(coords)
        out = np.zeros((coords.shape[0], len(self.parties)))
        for i, row in enumerate(self.functions):
            for j, fn in enumerate(row):
                true = self.smooth[i][j] if exact else None  # type: ignore[index]
                out[:, i] += (fn if true is None else true)(coords[:, j])
        return out[0] if single else out

    def slope(self, i: int, j: int, x: np.ndarray) -> np.ndarray:
        """``d f_ij / d x`` of continuous issue ``j`` for party ``i``: closed form where
        :attr:`smooth` gives it, else the slope of the linear piece (right-continuous)."""
        x = np.asarray(x, dtype=float)
        true = None if self.smooth is None else self.smooth[i][j]
        if true is not None:
            return true.derivative(x)
        fn = self.functions[i][j]
        assert fn.xs is not None and fn.vs is not None
        k = np.clip(np.searchsorted(fn.xs, x, side="right") - 1, 0, len(fn.xs) - 2)
        return (fn.vs[k + 1] - fn.vs[k]) / (fn.xs[k + 1] - fn.xs[k])

    def breakpoints(self, j: int, lo: float, hi: float) -> np.ndarray:
        """All breakpoints of issue ``j`` over every party, within ``[lo, hi]``."""
        pts = [lo, hi]
        for row in self.functions:
            fn = row[j]
            if fn.xs is not None:
                pts.extend(float(x) for x in fn.xs if lo < x < hi)
        return np.unique(np.asarray(pts, dtype=float))
