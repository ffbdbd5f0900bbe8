"""Iterated elimination of strictly dominated strategies (pure and mixed dominators).

A strategy that is strictly dominated, by another pure strategy or by a mixture of
the remaining ones, is never played in a Nash equilibrium, and removing it keeps
the set of Nash equilibria unchanged (Myerson 1991, *Game Theory*, sec. 3.9;
Fudenberg and Tirole 1991, sec. 2.1).  Dominance by a mixture is decided by the
linear programme ``max t  s.t.  sum_k s_k A[k, j] - A[i, j] >= t  (all j),
s in simplex`` (scipy ``linprog``/HiGHS); ``i`` is dominated when ``t`` exceeds
``tol * payoff range``, so near-ties are conservatively kept.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Elimination", "eliminate_dominated"]


@dataclass(frozen=True)
class Elimination:
    """One eliminated strategy: which player, which strategy, in which round, by what."""

    player: int
    strategy: int
    round: int
    by: str  # "pure:<index>" or "mixed"

    def to_dict(self) -> dict:
        return {
            "player": self.player,
            "strategy": self.strategy,
            "round": self.round,
            "by": self.by,
        }


#: Most booleans compared at once by :func:`pure_dominated` (bounds its memory: 16 MB).
_BLOCK = 1 << 24


def pure_dominated(M: np.ndarray, eps: float) -> list[tuple[int, int]]:
    """Every row of ``M`` strictly dominated by another row: ``[(dominated, dominator)]``,
    the dominator being the first row that beats it; in row order.

    Compared in blocks of rows so that memory stays at :data:`_BLOCK` booleans whatever the
    game's size (a 2,000 x 2,000 game would need 32 GB at once).
    """
    r, c = M.shape
    step = max(1, _BLOCK // max(1, r * c))
    out = []
    for start in range(0, r, step):
        rows = M[start : start + step]  # the candidates for being dominated
        dom = (M[None, :, :] > rows[:, None, :] + eps).all(axis=2)  # dom[i, k]: k beats i
        hit = dom.any(axis=1)
        first = dom.argmax(axis=1)
        out.extend((start + int(i), int(first[i])) for i in np.flatnonzero(hit))
    return out


def _mixed_dominated(M: np.ndarray, eps: float) -> int | None:
    """First row of ``M`` strictly dominated by a mixture of the other rows."""
    r, c = M.shape
    if r < 3:  # with two rows, mixed dominance reduces to pure dominance
        return None
    # a row that is a best reply to some pure column is never strictly dominated
    best_somewhere = (M >= M.max(axis=0) - eps).any(axis=1)
    from scipy.optimize import linprog  # heavy (0.3 s): only when a mixture is tested

    for i in np.flatnonzero(~best_somewhere):
        others = np.delete(M, i, axis=0)
        # variables (s_1..s_{r-1}, t); minimise -t
        cost = np.zeros(r)
        cost[-1] = -1.0
        a_ub = np.hstack([-others.T, np.ones((c, 1))])
        b_ub = -M[i]
        a_eq = np.hstack([np.ones((1, r - 1)), np.zeros((1, 1))])
        bounds = [(0, None)] * (r - 1) + [(None, None)]
        res = linprog(
            cost, A_ub=a_ub, b_ub=b_ub, A_eq=a_eq, b_eq=[1.0], bounds=bounds, method="highs"
        )
        if res.status == 0 and -res.fun > eps:
            return int(i)
    return None


def eliminate_dominated(
    A: np.ndarray, B: np.ndarray, *, tol: float = 1e-9, mixed: bool = True
) -> tuple[np.ndarray, np.ndarray, list[Elimination]]:
    """Iteratively remove strictly dominated strategies of a bimatrix game.

    Parameters
    ----------
    A, B : ndarray, shape (m, n)
        Payoff matrices of the row and column player.
    tol : float
        A dominance margin must exceed ``tol * payoff range`` to count.
    mixed : bool
        Also test dominance by mixed strategies (one LP per strategy and round).

    Returns
    -------
    rows, cols : ndarray of int
        Indices (into the original game) of the surviving strategies.
    eliminated : list of Elimination
        The removed strategies in order (indices into the original game).

    Examples
    --------
    >>> A = np.array([[3, 0], [5, 1]]); B = A.T  # prisoners' dilemma
    >>> rows, cols, gone = eliminate_dominated(A, B)
    >>> rows.tolist(), cols.tolist(), len(gone)
    ([1], [1], 2)
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    eps = tol * max(
        float(np.ptp(A)) if A.size else 0.0, float(np.ptp(B)) if B.size else 0.0, 1e-300
    )
    rows = np.arange(A.shape[0])
    cols = np.arange(A.shape[1])
    eliminated: list[Elimination] = []
    rnd = 0
    changed = True
    while changed:
        changed = False
        rnd += 1
        for player in (0, 1):
            while True:
                M = A[np.ix_(rows, cols)] if player == 0 else B[np.ix_(rows, cols)].T
                live = rows if player == 0 else cols
                if len(live) < 2:
                    break
                # every pure-dominated strategy at once: strict dominance is a strict partial
                # order, so an undominated strategy survives, and the order of removal does
                # not change what remains (Gilboa, Kalai and Zemel 1990)
                hits = pure_dominated(M, eps)
                gone = [(i, f"pure:{int(live[k])}") for i, k in hits]
                if not gone:
                    i = _mixed_dominated(M, eps) if mixed else None
                    if i is None:
                        break
                    gone = [(i, "mixed")]
                for i, by in gone:
                    eliminated.append(Elimination(player, int(live[i]), rnd, by))
                drop = [i for i, _ in gone]
                if player == 0:
                    rows = np.delete(rows, drop)
                else:
                    cols = np.delete(cols, drop)
                changed = True
    return rows, cols, eliminated
