"""Result types of the equilibrium engine (frozen dataclasses, JSON-safe ``to_dict``)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.equilibria.cliques import NashSubset
from sim.equilibria.dominance import Elimination

__all__ = ["Equilibrium", "EquilibriumResult"]


@dataclass(frozen=True)
class Equilibrium:
    """One verified Nash equilibrium.

    Attributes
    ----------
    strategies : tuple of tuple of float
        One probability vector per player (over the full, unreduced strategy set).
    payoffs : tuple of float
        Expected payoff of each player.
    support : tuple of tuple of int
        Indices of the strategies played with positive probability, per player.
    regret : float
        Largest gain from a unilateral pure deviation (<= tol * payoff range).
    pareto_dominated : bool or None
        Whether some pure profile gives every player at least these payoffs and one player
        more (:func:`sim.equilibria.strategic.pareto_dominated`); None when not asked.
    """

    strategies: tuple[tuple[float, ...], ...]
    payoffs: tuple[float, ...]
    support: tuple[tuple[int, ...], ...]
    regret: float
    pareto_dominated: bool | None = None

    @property
    def pure(self) -> bool:
        """Whether every player plays one strategy for sure."""
        return all(len(s) == 1 for s in self.support)

    @property
    def profile(self) -> tuple[np.ndarray, ...]:
        """The strategies as probability vectors (numpy arrays), one per player."""
        return tuple(np.asarray(s, dtype=float) for s in self.strategies)

    def to_dict(self) -> dict:
        out = {
            "strategies": [list(s) for s in self.strategies],
            "payoffs": list(self.payoffs),
            "support": [list(s) for s in self.support],
            "regret": self.regret,
        }
        if self.pareto_dominated is not None:
            out["pareto_dominated"] = bool(self.pareto_dominated)
        return out


@dataclass(frozen=True)
class EquilibriumResult:
    """What a solver found, and whether it is everything.

    Attributes
    ----------
    equilibria : tuple of Equilibrium
        Verified equilibria (extreme equilibria for the complete 2-player methods).
    complete : bool
        True when ``equilibria`` contains every extreme Nash equilibrium of the game
        (so every equilibrium is a convex combination inside a maximal Nash subset).
    reason : str
        Why the result is (in)complete and why the method was chosen.
    method : str
        The method actually used; ``requested`` is what the caller asked for.
    labels : tuple of tuple of str
        Strategy labels per player.
    eliminated : tuple of Elimination
        Strictly dominated strategies removed before the search.
    nash_subsets : tuple of NashSubset
        Maximal Nash subsets (2-player complete methods), indexing ``row_extremes``
        and ``col_extremes``.
    timings : dict
        Seconds spent per step (``dominance``, ``search``, ``verify``, ``total``).
    tol : float
        Verification tolerance (relative to the payoff range).
    rejected : int
        Candidate profiles that failed the best-response check (never reported).
    """

    equilibria: tuple[Equilibrium, ...]
    complete: bool
    reason: str
    method: str
    requested: str
    labels: tuple[tuple[str, ...], ...]
    players: tuple[str, ...] = ()
    eliminated: tuple[Elimination, ...] = ()
    nash_subsets: tuple[NashSubset, ...] = ()
    row_extremes: tuple[tuple[float, ...], ...] = ()
    col_extremes: tuple[tuple[float, ...], ...] = ()
    timings: dict = field(default_factory=dict)
    tol: float = 1e-8
    rejected: int = 0

    def __len__(self) -> int:
        return len(self.equilibria)

    @property
    def components(self) -> int:
        """Number of connected components formed by the maximal Nash subsets."""
        return len({s.component for s in self.nash_subsets})

    def to_dict(self) -> dict:
        """JSON-safe dictionary (builtins only)."""
        return {
            "method": self.method,
            "requested": self.requested,
            "complete": bool(self.complete),
            "reason": self.reason,
            "tol": float(self.tol),
            "players": list(self.players),
            "labels": [list(s) for s in self.labels],
            "equilibria": [e.to_dict() for e in self.equilibria],
            "eliminated": [e.to_dict() for e in self.eliminated],
            "nash_subsets": [s.to_dict() for s in self.nash_subsets],
            "row_extremes": [list(v) for v in self.row_extremes],
            "col_extremes": [list(v) for v in self.col_extremes],
            "timings": {k: float(v) for k, v in self.timings.items()},
            "rejected": int(self.rejected),
        }

    def to_frame(self):
        """Tidy table: one row per (equilibrium, player, strategy) with positive probability."""
        import pandas as pd

        rows = []
        for k, eq in enumerate(self.equilibria):
            for p, probs in enumerate(eq.strategies):
                for s in eq.support[p]:
                    rows.append(
                        {
                            "equilibrium": k,
                            "player": self.players[p] if self.players else str(p + 1),
                            "strategy": self.labels[p][s],
                            "probability": probs[s],
                            "payoff": eq.payoffs[p],
                        }
                    )
        return pd.DataFrame(
            rows, columns=["equilibrium", "player", "strategy", "probability", "payoff"]
        )

    def _repr_html_(self) -> str:
        head = f"<p>{len(self)} equilibria ({self.method}; complete={self.complete}): "
        head += f"{self.reason}</p>"
        return head + self.to_frame().to_html(index=False)
