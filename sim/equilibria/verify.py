"""Best-response verification and tolerant de-duplication of mixed profiles.

A profile ``(x, y)`` of a bimatrix game ``(A, B)`` is a Nash equilibrium when no
player gains by deviating to a pure strategy (Nash 1951):
``max_i (A y)_i - x A y <= eps`` and ``max_j (x B)_j - x B y <= eps``.  Every
solver in :mod:`sim.equilibria` passes its candidates through :func:`regret`
with ``eps = tol * payoff range`` and never reports a profile that fails.
"""

from __future__ import annotations

import numpy as np

__all__ = ["dedupe_profiles", "expected_payoffs", "payoff_range", "regret", "regret_nplayer"]


def payoff_range(*arrays: np.ndarray) -> float:
    """Largest payoff range over the players (1.0 for a constant game)."""
    spread = max(float(np.ptp(a)) if a.size else 0.0 for a in arrays)
    return spread if spread > 0 else 1.0


def regret(A: np.ndarray, B: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Largest gain from a unilateral pure deviation, for a batch of profiles.

    Parameters
    ----------
    A, B : ndarray, shape (m, n)
        Payoff matrices.
    x : ndarray, shape (k, m)
        Row player's mixed strategies.
    y : ndarray, shape (k, n)
        Column player's mixed strategies.

    Returns
    -------
    ndarray, shape (k,)
        ``max(max_i (A y)_i - x A y, max_j (x B)_j - x B y)`` per profile.
    """
    x = np.atleast_2d(x)
    y = np.atleast_2d(y)
    Ay = y @ A.T  # (k, m)
    xB = x @ B  # (k, n)
    u1 = np.einsum("km,km->k", x, Ay)
    u2 = np.einsum("kn,kn->k", xB, y)
    return np.maximum(Ay.max(axis=1) - u1, xB.max(axis=1) - u2)


def expected_payoffs(payoffs, profile, i: int) -> np.ndarray:
    """Player ``i``'s expected payoff of each of its pure strategies against ``profile``.

    ``payoffs`` holds one array per player, shape ``(n_1, ..., n_k)``; every other player's
    axis is contracted with its mixed strategy.  Returns shape ``(n_i,)``.
    """
    v = payoffs[i]
    for k in reversed(range(len(payoffs))):
        if k != i:
            v = np.tensordot(v, profile[k], axes=([k], [0]))
    return v


def regret_nplayer(payoffs: tuple[np.ndarray, ...], profile: list[np.ndarray]) -> float:
    """Largest gain from a unilateral pure deviation in an N-player game."""
    worst = 0.0
    for i in range(len(payoffs)):
        v = expected_payoffs(payoffs, profile, i)
        worst = max(worst, float(v.max() - v @ profile[i]))
    return worst


def dedupe_profiles(profiles: np.ndarray, atol: float = 1e-7) -> np.ndarray:
    """Indices of the first occurrence of each profile, equal within ``atol`` (max norm).

    Gambit and the polytope enumerators can return the same equilibrium more than
    once on degenerate games (see ANCHORS.md); rounding is not enough because two
    copies may straddle a rounding boundary, so this compares distances.
    """
    keep: list[int] = []
    if len(profiles) == 0:
        return np.array(keep, dtype=int)
    order = np.lexsort(profiles.T[::-1])
    sorted_p = profiles[order]
    for pos, idx in enumerate(order):
        p = sorted_p[pos]
        if keep:
            kept = profiles[np.array(keep)]
            if (np.abs(kept - p).max(axis=1) <= atol).any():
                continue
        keep.append(int(idx))
    return np.array(sorted(keep), dtype=int)
