"""The strategic-form tariff game of a scenario, solved for all Nash equilibria.

Each party picks one of its strategies at the same time (the US a tariff setting, Japan a
concession package, "hold" or "retaliate"); the outcome is the disagreement outcome with
both strategies' settings applied, and payoffs come from the scenario's preferences.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.schema import StrategicOptions, StrategicPlayer
from sim.space import OutcomeSpace


@dataclass(frozen=True)
class Strategy:
    name: str
    settings: dict[str, Any]
    shift: np.ndarray  # payoff added per party


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium: mixed strategies, payoffs, and whether it is Pareto-dominated."""

    profile: tuple[np.ndarray, np.ndarray]
    payoffs: np.ndarray
    pareto_dominated: bool

    @property
    def pure(self) -> bool:
        return all(np.isclose(p.max(), 1.0) for p in self.profile)


@dataclass(frozen=True)
class StrategicResult:
    """All Nash equilibria of the scenario's strategic-form game.

    Attributes
    ----------
    parties : tuple of str
        Row player, column player.
    strategies : tuple of tuple of str
        Strategy names of each player.
    payoff_matrices : tuple of ndarray
        Row player's and column player's payoffs, shape (n_row, n_col).
    equilibria : tuple of Equilibrium
    complete : bool
        Whether the list is every (extreme) equilibrium.
    method : str
        Solver used.
    """

    parties: tuple[str, str]
    strategies: tuple[tuple[str, ...], tuple[str, ...]]
    payoff_matrices: tuple[np.ndarray, np.ndarray]
    outcomes: dict[str, Any]
    equilibria: tuple[Equilibrium, ...]
    complete: bool
    method: str
    unit: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        eqs = []
        for eq in self.equilibria:
            eqs.append(
                {
                    "strategies": {
                        party: {
                            name: float(p)
                            for name, p in zip(self.strategies[i], eq.profile[i], strict=True)
                            if p > 1e-12
                        }
                        for i, party in enumerate(self.parties)
                    },
                    "payoffs": {p: float(v) for p, v in zip(self.parties, eq.payoffs, strict=True)},
                    "pure": eq.pure,
                    "pareto_dominated": eq.pareto_dominated,
                }
            )
        return {
            "model": "strategic",
            "players": list(self.parties),
            "strategies": {p: list(s) for p, s in zip(self.parties, self.strategies, strict=True)},
            "payoff_matrices": {
                p: m.tolist() for p, m in zip(self.parties, self.payoff_matrices, strict=True)
            },
            "equilibria": eqs,
            "complete": self.complete,
            "method": self.method,
            "unit": self.unit,
            "notes": list(self.notes),
        }

    def to_frame(self):
        import pandas as pd

        rows = []
        for k, eq in enumerate(self.equilibria):
            for i, party in enumerate(self.parties):
                for name, p in zip(self.strategies[i], eq.profile[i], strict=True):
                    if p > 1e-12:
                        rows.append(
                            {
                                "equilibrium": k,
                                "party": party,
                                "strategy": name,
                                "probability": float(p),
                                "payoff": float(eq.payoffs[i]),
                            }
                        )
        return pd.DataFrame(rows)


def _player_strategies(
    space: OutcomeSpace, code: str, spec: StrategicPlayer | None
) -> list[Strategy]:
    parties = space.parties
    zero = np.zeros(len(parties))
    if spec is None:  # default: own issues at every level / range end, plus own packages
        own = [i for i in space.issues if i.controlled_by == code]
        spec_grid = {}
        for issue in own:
            if issue.kind == "continuous":
                lo, hi = issue.range  # type: ignore[misc]
                spec_grid[issue.id] = (lo, (lo + hi) / 2, hi)
            else:
                spec_grid[issue.id] = tuple(lv.label for lv in issue.level_list())
        pkgs = tuple(p.id for p in space.scenario.packages if p.offered_by == code)
        spec = StrategicPlayer(grid=spec_grid or None, packages=pkgs or None, hold=True)
    out: list[Strategy] = []
    if spec.hold:
        out.append(Strategy("hold", {}, zero))
    if spec.grid:
        keys = list(spec.grid)
        for combo in itertools.product(*(spec.grid[k] for k in keys)):
            settings = dict(zip(keys, combo, strict=True))
            name = " ".join(
                f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in settings.items()
            )
            out.append(Strategy(name, settings, zero))
    for pkg in spec.packages or ():
        out.append(Strategy(pkg, space.package_settings(pkg), zero))
    for move in spec.moves:
        shift = np.array([move.shift[p].value if p in move.shift else 0.0 for p in parties])
        out.append(Strategy(move.id, dict(move.settings), shift))
    return out


def _distinct(space: OutcomeSpace, strategies: list[Strategy], base: np.ndarray):
    """Drop strategies identical to an earlier one (same outcome and shift), keeping order."""
    kept, coords, seen = [], [], set()
    for s in strategies:
        c = space.outcome(s.settings, base)
        key = (tuple(np.round(c, 12)), tuple(np.round(s.shift, 12)))
        if key not in seen:
            seen.add(key)
            kept.append(s)
            coords.append(c)
    return kept, np.array(coords)


def build_game(space: OutcomeSpace, options: StrategicOptions):
    """Strategies and payoff matrices (vectorised over all strategy pairs)."""
    players = options.players or {}
    row_code, col_code = space.parties
    rows = _player_strategies(space, row_code, players.get(row_code))
    cols = _player_strategies(space, col_code, players.get(col_code))
    if not rows or not cols:
        raise ValueError("each player needs at least one strategy")
    base = space.disagreement_outcome(options.disagreement_at)
    rows, row_coords = _distinct(space, rows, base)
    cols, col_coords = _distinct(space, cols, base)
    # the column player's settings apply after the row player's
    col_set = np.array([[issue.id in s.settings for issue in space.issues] for s in cols])
    coords = np.where(col_set[None, :, :], col_coords[None, :, :], row_coords[:, None, :])
    flat = coords.reshape(-1, len(space.issues))
    u = space.payoffs(flat).reshape(len(rows), len(cols), 2)
    # disagreement adjustments (outside options) apply only if talks fail, not here
    u = u + np.array([s.shift for s in rows])[:, None, :] + np.array([s.shift for s in cols])[None]
    return rows, cols, u[:, :, 0], u[:, :, 1], coords


def _pareto_dominated(payoffs: np.ndarray, A: np.ndarray, B: np.ndarray, tol: float) -> bool:
    better = (A >= payoffs[0] - tol) & (B >= payoffs[1] - tol)
    strictly = (A > payoffs[0] + tol) | (B > payoffs[1] + tol)
    return bool(np.any(better & strictly))


def solve_bimatrix(A: np.ndarray, B: np.ndarray, method: str = "auto", labels=None):
    """All extreme Nash equilibria of (A, B) with the engine of :mod:`sim.equilibria`.

    Returns
    -------
    profiles : list of (x, y)
    complete : bool
    method : str
        Method used, with the engine's reason.
    """
    from sim.equilibria import solve

    res = solve(A, B, method=method, labels=labels)
    profiles = [(np.asarray(e.strategies[0]), np.asarray(e.strategies[1])) for e in res.equilibria]
    return profiles, res.complete, f"{res.method} ({res.reason})" if res.reason else res.method


def run_strategic(space: OutcomeSpace, options: StrategicOptions) -> StrategicResult:
    """Build the scenario's strategic-form game and find all its Nash equilibria."""
    rows, cols, A, B, coords = build_game(space, options)
    labels = ([s.name for s in rows], [s.name for s in cols])
    profiles, complete, method = solve_bimatrix(A, B, options.method, labels=labels)
    scale = max(np.ptp(A), np.ptp(B), 1e-12)
    tol = 1e-9 * scale + 1e-12
    eqs = []
    for x, y in profiles:
        x, y = np.clip(np.asarray(x, float), 0, None), np.clip(np.asarray(y, float), 0, None)
        x, y = x / x.sum(), y / y.sum()
        # best-response check: no pure deviation gains more than the tolerance
        if (A @ y).max() - x @ A @ y > 1e-6 * scale or (x @ B).max() - x @ B @ y > 1e-6 * scale:
            raise AssertionError("solver returned a profile that is not an equilibrium")
        pay = np.array([x @ A @ y, x @ B @ y])
        eqs.append(Equilibrium((x, y), pay, _pareto_dominated(pay, A, B, tol)))
    eqs.sort(key=lambda e: (-e.payoffs.sum(), tuple(-e.profile[0]), tuple(-e.profile[1])))
    notes = []
    if eqs and all(e.pareto_dominated for e in eqs):
        notes.append(
            "every equilibrium is Pareto-dominated: the one-shot game is a trade "
            "dilemma, a deal needs commitment or linkage"
        )
    outcomes = (
        {
            f"{r.name} | {c.name}": space.describe(coords[i, j])
            for i, r in enumerate(rows)
            for j, c in enumerate(cols)
        }
        if len(rows) * len(cols) <= 400
        else {}
    )
    return StrategicResult(
        parties=space.parties,  # type: ignore[arg-type]
        strategies=(tuple(s.name for s in rows), tuple(s.name for s in cols)),
        payoff_matrices=(A, B),
        outcomes=outcomes,
        equilibria=tuple(eqs),
        complete=complete,
        method=method,
        unit=space.values.unit,
        notes=tuple(notes),
    )
