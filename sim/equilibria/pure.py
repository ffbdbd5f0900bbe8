"""Pure-strategy Nash equilibria of an N-player game, vectorised over all profiles.

A pure profile is an equilibrium when each player's payoff is a maximum along
that player's own axis of their payoff array (Nash 1951; Osborne and Rubinstein
1994, Def. 14.1).  One ``max`` per player over the full payoff tensor.
"""

from __future__ import annotations

import numpy as np

__all__ = ["pure_equilibria"]


def pure_equilibria(
    payoffs: tuple[np.ndarray, ...] | list[np.ndarray], *, tol: float = 1e-9
) -> np.ndarray:
    """All pure Nash equilibria, as an integer array of profiles ``(k, n_players)``.

    ``tol`` is relative to the largest payoff range.

    Examples
    --------
    >>> A = np.array([[2, 0], [0, 1]])
    >>> pure_equilibria([A, A]).tolist()
    [[0, 0], [1, 1]]
    """
    arrays = [np.asarray(p, dtype=float) for p in payoffs]
    scale = max(max(float(np.ptp(a)) for a in arrays), 1e-300)
    ok = np.ones(arrays[0].shape, dtype=bool)
    for i, U in enumerate(arrays):
        ok &= U >= U.max(axis=i, keepdims=True) - tol * scale
    return np.argwhere(ok)
