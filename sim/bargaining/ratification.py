"""Two-level games: a deal must also be ratified at home (Putnam 1988).

Each negotiator can only sign what its domestic constituency will ratify: its *win-set*.
Here a win-set is a subset of the scenario's candidate outcomes, given as a boolean mask
(computed by the scenario from issue bounds, e.g. "no car tariff left before the
upper-house election") and/or a minimum payoff (what must be shown at home, e.g. farm-state
gains).  An agreement must lie in both win-sets and be worth at least the disagreement
point to both; the predicted deal is the (asymmetric) Nash bargaining solution over that
set.  Shrinking one side's win-set is the "tied hands" of Schelling (1960): if the old
deal is no longer ratifiable the new one gives that side at least the raised threshold,
so its payoff never falls while a deal exists (in this model Schelling's conjecture holds).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "TiedHandsResult",
    "TwoLevelResult",
    "nash_over_candidates",
    "tied_hands",
    "two_level",
]

#: ``solver(utilities, mask, d, weights) -> (payoffs (2,), index or None) or None``
Solver = Callable[[np.ndarray, np.ndarray, np.ndarray, tuple[float, float]], tuple | None]


def nash_over_candidates(
    utilities: np.ndarray, mask: np.ndarray, d: np.ndarray, weights: tuple[float, float]
) -> tuple[np.ndarray, int] | None:
    """Maximise the asymmetric Nash product ``prod (u_i - d_i)^w_i`` over ``mask``.

    Only outcomes with ``u > d`` (both strictly) have a positive product; if none does but
    some give ``u >= d``, the one with the largest total gain is returned.  Ties go to the
    lowest index.  Returns ``None`` when no masked outcome is worth ``d`` to both.
    """
    u = np.asarray(utilities, dtype=float)
    ok = np.asarray(mask, dtype=bool) & np.all(u >= d, axis=1)
    if not ok.any():
        return None
    strict = ok & np.all(u > d, axis=1)
    if strict.any():
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.where(strict, np.log(np.where(strict[:, None], u - d, 1.0)) @ weights, -np.inf)
    else:
        val = np.where(ok, (u - d).sum(axis=1), -np.inf)
    k = int(np.argmax(val))
    return u[k].copy(), k


def _win_sets(u, acceptable, min_payoff):
    n = u.shape[0]
    wins = []
    for i in (0, 1):
        w = np.ones(n, dtype=bool)
        if acceptable is not None and acceptable[i] is not None:
            m = np.asarray(acceptable[i], dtype=bool)
            if m.shape != (n,):
                raise ValueError(
                    f"Party {i + 1}'s ratification mask needs one entry per outcome ({n}); "
                    f"got shape {m.shape}."
                )
            w &= m
        if min_payoff is not None and min_payoff[i] is not None:
            w &= u[:, i] >= float(min_payoff[i])
        wins.append(w)
    return wins


@dataclass(frozen=True)
class TwoLevelResult:
    """Win-sets, their intersection and the predicted deal.

    ``win_sets`` are boolean masks over the candidate outcomes; ``intersection`` those in
    both; ``zone`` the intersection restricted to outcomes worth at least ``d`` to both
    (the ratifiable zone of agreement).  ``agreement`` is False when the zone is empty.
    """

    win_sets: tuple[np.ndarray, np.ndarray]
    intersection: np.ndarray
    zone: np.ndarray
    empty: bool
    agreement: bool
    deal_index: int | None
    payoffs: tuple[float, float] | None
    reason: str

    def to_dict(self) -> dict:
        """JSON-safe dictionary; masks as lists of outcome indices."""

        def idx(m):
            return [int(i) for i in np.flatnonzero(m)]

        return {
            "model": "two_level",
            "win_sets": [idx(self.win_sets[0]), idx(self.win_sets[1])],
            "intersection": idx(self.intersection),
            "zone": idx(self.zone),
            "empty": self.empty,
            "agreement": self.agreement,
            "deal_index": self.deal_index,
            "payoffs": None if self.payoffs is None else list(self.payoffs),
            "reason": self.reason,
        }


def two_level(
    utilities: ArrayLike,
    d: ArrayLike,
    *,
    acceptable: Sequence[ArrayLike | None] | None = None,
    min_payoff: Sequence[float | None] | None = None,
    weights: Sequence[float] = (0.5, 0.5),
    solver: Solver | None = None,
) -> TwoLevelResult:
    """Putnam's two-level game over a finite set of candidate outcomes.

    Parameters
    ----------
    utilities : array_like, shape (n, 2)
        Each candidate outcome's payoff to the two parties.
    d : array_like, shape (2,)
        Disagreement point.
    acceptable : pair of bool arrays (n,) or None
        Domestic acceptability of each outcome for each party (``None``: no constraint).
    min_payoff : pair of float or None
        Minimum payoff each party needs for ratification.
    weights : pair of float
        Bargaining weights of the asymmetric Nash solution.
    solver : callable, optional
        ``solver(utilities, zone_mask, d, weights) -> (payoffs, index or None) | None``;
        default :func:`nash_over_candidates`.  The lead can pass the exact geometry solver.

    Examples
    --------
    >>> u = [[0.0, 1.0], [0.25, 0.75], [0.5, 0.5], [0.75, 0.25], [1.0, 0.0]]
    >>> two_level(u, [0, 0], min_payoff=[0.7, None]).payoffs
    (0.75, 0.25)
    """
    u = np.asarray(utilities, dtype=float)
    if u.ndim != 2 or u.shape[1] != 2:
        raise ValueError(f"utilities must have shape (n, 2); got {u.shape}.")
    dd = np.asarray(d, dtype=float).reshape(-1)
    if dd.shape != (2,):
        raise ValueError("The disagreement point needs two numbers.")
    w = tuple(float(x) for x in weights)
    if len(w) != 2 or min(w) <= 0:
        raise ValueError(f"Bargaining weights must be two positive numbers; got {weights}.")
    wins = _win_sets(u, acceptable, min_payoff)
    inter = wins[0] & wins[1]
    zone = inter & np.all(u >= dd, axis=1)
    solve = solver or nash_over_candidates
    sol = solve(u, zone, dd, w) if zone.any() else None
    if not inter.any():
        reason = "No agreement: the win-sets do not intersect (nothing both sides can ratify)."
    elif sol is None:
        reason = "No agreement: no ratifiable outcome is worth the disagreement point to both."
    else:
        reason = "Agreement on the Nash bargaining solution over the intersection of win-sets."
    pay = None if sol is None else (float(sol[0][0]), float(sol[0][1]))
    k = None if sol is None or sol[1] is None else int(sol[1])
    for m in (*wins, inter, zone):
        m.setflags(write=False)
    return TwoLevelResult(
        win_sets=(wins[0], wins[1]),
        intersection=inter,
        zone=zone,
        empty=not bool(inter.any()),
        agreement=sol is not None,
        deal_index=k,
        payoffs=pay,
        reason=reason,
    )


@dataclass(frozen=True)
class TiedHandsResult:
    """How the deal moves as ``party``'s ratification threshold rises (its win-set shrinks)."""

    party: int
    thresholds: np.ndarray
    payoffs: np.ndarray
    agreement: np.ndarray
    deal_index: np.ndarray

    def to_frame(self):
        import pandas as pd

        return pd.DataFrame(
            {
                "threshold": self.thresholds,
                "agreement": self.agreement,
                "u1": self.payoffs[:, 0],
                "u2": self.payoffs[:, 1],
                "deal_index": self.deal_index,
            }
        )

    def to_dict(self) -> dict:
        return {
            "party": self.party,
            "thresholds": [float(t) for t in self.thresholds],
            "agreement": [bool(a) for a in self.agreement],
            "payoffs": [
                None if np.isnan(p).any() else [float(p[0]), float(p[1])] for p in self.payoffs
            ],
            "deal_index": [None if i < 0 else int(i) for i in self.deal_index],
        }


def tied_hands(
    utilities: ArrayLike,
    d: ArrayLike,
    *,
    party: int,
    thresholds: ArrayLike | None = None,
    steps: int = 21,
    acceptable: Sequence[ArrayLike | None] | None = None,
    min_payoff: Sequence[float | None] | None = None,
    weights: Sequence[float] = (0.5, 0.5),
    solver: Solver | None = None,
) -> TiedHandsResult:
    """Sweep ``party``'s ratification threshold and re-solve :func:`two_level` each time.

    By default the thresholds run over ``steps`` values from ``party``'s disagreement payoff
    to its best outcome.  A threshold combines with ``min_payoff`` by taking the larger.
    """
    if party not in (0, 1):
        raise ValueError(f"party must be 0 or 1; got {party}.")
    u = np.asarray(utilities, dtype=float)
    dd = np.asarray(d, dtype=float).reshape(-1)
    if thresholds is None:
        thresholds = np.linspace(dd[party], u[:, party].max(), steps)
    ts = np.asarray(thresholds, dtype=float).reshape(-1)
    base = list(min_payoff) if min_payoff is not None else [None, None]
    pays = np.full((ts.size, 2), np.nan)
    idx = np.full(ts.size, -1, dtype=np.int64)
    agree = np.zeros(ts.size, dtype=bool)
    for k, t in enumerate(ts):
        mp = list(base)
        mp[party] = t if mp[party] is None else max(t, float(mp[party]))
        res = two_level(u, dd, acceptable=acceptable, min_payoff=mp, weights=weights, solver=solver)
        if res.agreement:
            agree[k] = True
            pays[k] = res.payoffs
            idx[k] = -1 if res.deal_index is None else res.deal_index
    return TiedHandsResult(
        party=party, thresholds=ts, payoffs=pays, agreement=agree, deal_index=idx
    )
