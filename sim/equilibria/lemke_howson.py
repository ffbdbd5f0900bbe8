"""Lemke–Howson complementary pivoting with a lexicographic ratio test and a guard.

Follows the description of von Stengel (2002), "Computing equilibria for
two-person games", Handbook of Game Theory 3, ch. 45, sec. 3.4–3.5 (Lemke and
Howson 1964): drop a label ``k`` at the artificial equilibrium ``(0, 0)`` of the
best-response polytopes and pivot alternately in the two tableaux until ``k``
is picked up again.  Ties in the minimum-ratio test are broken lexicographically
(sec. 3.6), which prevents cycling in degenerate games.  Each run is capped by a
number of pivots and a wall-clock deadline; callers verify the end point, so a
path that breaks down yields nothing rather than a wrong answer.
"""

from __future__ import annotations

import time

import numpy as np

from sim.equilibria.polytope import scale_positive

__all__ = ["lemke_howson"]


class _Tableau:
    """Rows ``basic = rhs - ...`` stored as ``[M | I | 1]`` with the basis recorded."""

    def __init__(self, M: np.ndarray, var_labels: np.ndarray) -> None:
        r, c = M.shape
        self.T = np.hstack([M, np.eye(r), np.ones((r, 1))])
        self.basis = list(range(c, c + r))  # slacks basic
        self.labels = var_labels  # label of each variable (columns)
        self.slack = slice(c, c + r)

    def pivot(self, col: int, eps: float) -> int | None:
        """Enter ``col``; return the leaving variable (lexicographic min-ratio)."""
        T = self.T
        pos = np.flatnonzero(T[:, col] > eps)
        if len(pos) == 0:
            return None
        # lexicographic minimum of (rhs, slack block) / pivot entry
        keys = np.hstack([T[pos, -1:], T[pos, self.slack]]) / T[pos, col][:, None]
        cand = pos
        for k in range(keys.shape[1]):
            vals = keys[:, k]
            best = vals.min()
            keep = vals <= best + eps * max(1.0, abs(best))
            cand, keys = cand[keep], keys[keep]
            if len(cand) == 1:
                break
        row = int(cand[0])
        T[row] /= T[row, col]
        others = np.arange(T.shape[0]) != row
        T[others] -= np.outer(T[others, col], T[row])
        leaving = self.basis[row]
        self.basis[row] = col
        return leaving

    def values(self, n: int) -> np.ndarray:
        out = np.zeros(n)
        for row, var in enumerate(self.basis):
            if var < n:
                out[var] = self.T[row, -1]
        return out


def lemke_howson(
    A: np.ndarray,
    B: np.ndarray,
    label: int,
    *,
    max_pivots: int = 10_000,
    deadline: float | None = None,
    eps: float = 1e-12,
) -> tuple[np.ndarray, np.ndarray] | None:
    """One Lemke–Howson path from the artificial equilibrium, dropping ``label``.

    Parameters
    ----------
    A, B : ndarray, shape (m, n)
        Payoff matrices.
    label : int
        Label to drop: ``0..m-1`` row strategies, ``m..m+n-1`` column strategies.
    max_pivots : int
        Give up after this many pivots.
    deadline : float, optional
        ``time.perf_counter()`` value after which the path is abandoned.

    Returns
    -------
    (x, y) or None
        The end point (normalised mixed strategies), unverified; ``None`` when the
        path was abandoned or broke down.

    Examples
    --------
    >>> x, y = lemke_howson(np.array([[1., -1.], [-1., 1.]]), np.array([[-1., 1.], [1., -1.]]), 0)
    >>> np.round(x, 6).tolist(), np.round(y, 6).tolist()
    ([0.5, 0.5], [0.5, 0.5])
    """
    A = scale_positive(np.asarray(A, dtype=float))
    B = scale_positive(np.asarray(B, dtype=float))
    m, n = A.shape
    # P tableau over (x_0..x_{m-1}, s_0..s_{n-1}): B^T x + s = 1
    tab_p = _Tableau(B.T.copy(), np.concatenate([np.arange(m), m + np.arange(n)]))
    # Q tableau over (y_0..y_{n-1}, r_0..r_{m-1}): A y + r = 1
    tab_q = _Tableau(A.copy(), np.concatenate([m + np.arange(n), np.arange(m)]))
    if label < m:
        tab, col = tab_p, label
    else:
        tab, col = tab_q, label - m
    for _ in range(max_pivots):
        if deadline is not None and time.perf_counter() > deadline:
            return None
        leaving = tab.pivot(col, eps)
        if leaving is None:
            return None
        lab = int(tab.labels[leaving])
        if lab == label:
            break
        tab = tab_q if tab is tab_p else tab_p
        col = int(np.flatnonzero(tab.labels == lab)[0])
    else:
        return None
    x, y = tab_p.values(m), tab_q.values(n)
    if x.sum() <= 0 or y.sum() <= 0 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        return None
    return np.clip(x, 0, None) / x.sum(), np.clip(y, 0, None) / y.sum()
