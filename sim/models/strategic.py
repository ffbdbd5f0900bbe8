"""The strategic-form tariff game of a scenario, solved for its Nash equilibria.

Each party picks one of its strategies at the same time (the US a tariff setting, Japan a
concession package, "hold" or "retaliate", a third country "accept similar terms" or
"hold out"); the outcome is the disagreement outcome with every player's settings applied
in party order, and payoffs come from the scenario's preferences plus the moves' shifts.
Two players: every extreme equilibrium; three or four: every pure equilibrium and one
found by the logit homotopy (:mod:`sim.equilibria.nplayer`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field

from sim.scenario.types import DisagreementAt, Frozen, Identifier, IssueSetting, Q

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Strategic-form tariff game: all Nash equilibria, Pareto-dominance labelled"
PARTIES = (2, 4)
DEFAULT = True


class StrategicPlayer(Frozen):
    """One player's strategies in the strategic-form game.

    ``grid`` builds one strategy per combination of issue values; ``packages`` one per
    package; ``hold`` adds "concede nothing"; ``moves`` adds explicit named strategies.
    """

    grid: dict[str, tuple[IssueSetting, ...]] | None = None
    packages: tuple[str, ...] | None = None
    hold: bool = True
    moves: tuple[Move, ...] = ()


class Move(Frozen):
    id: Identifier
    settings: dict[str, IssueSetting] = Field(default_factory=dict)
    shift: dict[str, Q] = Field(
        default_factory=dict, description="Payoff added per party code when this move is played."
    )
    note: str | None = None
    source: str | None = None


StrategicPlayer.model_rebuild()


class StrategicOptions(Frozen):
    players: dict[str, StrategicPlayer] | None = Field(
        default=None,
        description="Party code -> strategies. Default: each party's issues "
        "(controlled_by) at their disagreement value and at every level / range end, "
        "plus every package it offers.",
    )
    method: Literal["auto", "vertex", "support", "lemke-howson", "pure", "logit"] = Field(
        default="auto",
        description="Equilibrium method (sim.equilibria): 'vertex' finds every extreme "
        "equilibrium; 'auto' picks by size and says why. With more than two players only "
        "'auto' (every pure equilibrium and the logit homotopy's end point), 'logit' (the "
        "same) and 'pure' apply.",
    )
    disagreement_at: DisagreementAt = Field(
        default="final", description="Disagreement values of the issues no strategy sets."
    )


Options = StrategicOptions


@dataclass(frozen=True)
class Strategy:
    name: str
    settings: dict[str, Any]
    shift: np.ndarray  # payoff added per party


@dataclass(frozen=True)
class Equilibrium:
    """One Nash equilibrium: mixed strategies, payoffs, and whether it is Pareto-dominated."""

    profile: tuple[np.ndarray, ...]
    payoffs: np.ndarray
    pareto_dominated: bool

    @property
    def pure(self) -> bool:
        return all(np.isclose(p.max(), 1.0) for p in self.profile)


@dataclass(frozen=True)
class StrategicResult:
    """All Nash equilibria of the scenario's strategic-form game (two or more players).

    Attributes
    ----------
    parties : tuple of str
        The players in party order (row player first).
    strategies : tuple of tuple of str
        Strategy names of each player.
    payoff_arrays : tuple of ndarray
        Each player's payoffs, shape ``(n_1, ..., n_k)``: entry ``[s_1, ..., s_k]`` is the
        payoff when player ``i`` plays strategy ``s_i``.
    equilibria : tuple of Equilibrium
    complete : bool
        Whether the list is every (extreme) equilibrium.
    method : str
        Solver used.
    """

    parties: tuple[str, ...]
    strategies: tuple[tuple[str, ...], ...]
    payoff_arrays: tuple[np.ndarray, ...]
    outcomes: dict[str, Any]
    equilibria: tuple[Equilibrium, ...]
    complete: bool
    method: str
    unit: str
    notes: tuple[str, ...] = field(default=())

    @property
    def payoff_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column player's payoff matrices (two-player games only)."""
        if len(self.parties) != 2:
            raise ValueError(
                f"payoff_matrices is for two players; this game has {len(self.parties)} "
                "(use payoff_arrays)"
            )
        return self.payoff_arrays[0], self.payoff_arrays[1]

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
        key = "payoff_matrices" if len(self.parties) == 2 else "payoff_arrays"
        return {
            "model": "strategic",
            "players": list(self.parties),
            "strategies": {p: list(s) for p, s in zip(self.parties, self.strategies, strict=True)},
            key: {p: m.tolist() for p, m in zip(self.parties, self.payoff_arrays, strict=True)},
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
    """Strategies, payoff arrays and outcomes of every strategy profile (vectorised).

    The outcome of a profile is the disagreement outcome with each player's settings
    applied in party order (a later party's setting of an issue wins); payoffs are the
    scenario's preferences of that outcome plus the shifts of the moves played.

    Returns
    -------
    strategies : list of list of Strategy
        Each player's strategies (duplicates dropped).
    payoffs : tuple of ndarray
        One array per player, shape ``(n_1, ..., n_k)``.
    coords : ndarray, shape (n_1, ..., n_k, m)
        Outcome coordinates of every profile.
    """
    players = options.players or {}
    base = space.disagreement_outcome(options.disagreement_at)
    m = len(space.issues)
    n = len(space.parties)
    strategies, shape = [], []
    for code in space.parties:
        strats = _player_strategies(space, code, players.get(code))
        if not strats:
            raise ValueError(f"player {code} needs at least one strategy")
        strats, _ = _distinct(space, strats, base)
        strategies.append(strats)
        shape.append(len(strats))
    coords = np.broadcast_to(base, (*shape, m)).copy()
    shifts = np.zeros((*shape, n))
    for i, strats in enumerate(strategies):
        axis = [1] * n
        axis[i] = shape[i]
        own = np.array([space.outcome(s.settings, base) for s in strats]).reshape(*axis, m)
        sets = np.array([[issue.id in s.settings for issue in space.issues] for s in strats])
        coords = np.where(sets.reshape(*axis, m), own, coords)
        shifts = shifts + np.array([s.shift for s in strats]).reshape(*axis, n)
    # disagreement adjustments (outside options) apply only if talks fail, not here
    u = space.payoffs(coords.reshape(-1, m)).reshape(*shape, n) + shifts
    return strategies, tuple(np.ascontiguousarray(u[..., i]) for i in range(n)), coords


def _pareto_dominated(payoffs: np.ndarray, arrays: tuple[np.ndarray, ...], tol: float) -> bool:
    """Whether some pure profile gives every player at least ``payoffs`` and one more."""
    U = np.stack([a.ravel() for a in arrays], axis=1)  # (profiles, players)
    better = np.all(U >= payoffs - tol, axis=1)
    strictly = np.any(U > payoffs + tol, axis=1)
    return bool(np.any(better & strictly))


def expected_payoffs(arrays: tuple[np.ndarray, ...], profile) -> np.ndarray:
    """Each player's expected payoff of each own pure strategy against ``profile``.

    Returns a list: entry ``i`` has shape ``(n_i,)``.
    """
    out = []
    for i, a in enumerate(arrays):
        v = a
        for k in reversed(range(len(arrays))):
            if k != i:
                v = np.tensordot(v, profile[k], axes=([k], [0]))
        out.append(v)
    return out


def surviving_strategies(arrays: tuple[np.ndarray, ...], tol: float) -> list[np.ndarray]:
    """Iterated elimination of pure strategies strictly dominated by a pure strategy.

    Removing strictly dominated strategies never removes a strategy played in any Nash
    equilibrium, mixed or pure (Osborne and Rubinstein 1994, Prop. 61.2 / Ex. 61.2), so
    when one strategy per player survives its profile is the game's *unique* equilibrium.
    A strategy counts as dominated only if another one beats it by more than ``tol``
    against every surviving profile of the others.

    Returns
    -------
    list of ndarray
        The surviving strategy indices of each player.
    """
    alive = [np.arange(n) for n in arrays[0].shape]
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(arrays):
            sub = np.moveaxis(a[np.ix_(*alive)], i, 0).reshape(len(alive[i]), -1)
            beaten = (sub[:, None, :] > sub[None, :, :] + tol).all(axis=2)  # [k, j]: k beats j
            dominated = beaten.any(axis=0)
            if dominated.any():
                alive[i] = alive[i][~dominated]
                changed = True
    return alive


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


def solve_arrays(arrays: tuple[np.ndarray, ...], method: str = "auto", labels=None):
    """Nash equilibria of a game given by payoff arrays, two players or more.

    Two players: every extreme equilibrium (:func:`sim.equilibria.solve`).  More:
    every pure equilibrium and the end point of the logit homotopy
    (:func:`sim.equilibria.solve_nplayer`; McKelvey and Palfrey 1995), not complete
    unless iterated strict dominance leaves a single profile (then it is the unique
    equilibrium, see :func:`surviving_strategies`).

    Returns
    -------
    profiles : list of tuple of ndarray
    complete : bool
    method : str
    """
    if len(arrays) == 2:
        return solve_bimatrix(arrays[0], arrays[1], method, labels=labels)
    from sim.equilibria import Game, solve_nplayer

    game = Game(tuple(arrays), strategies=labels or ())
    res = solve_nplayer(game, method="pure" if method == "pure" else "auto")
    profiles = [tuple(np.asarray(p) for p in e.strategies) for e in res.equilibria]
    reason = res.reason
    scale = max(max(np.ptp(a) for a in arrays), 1e-12)
    alive = surviving_strategies(tuple(arrays), 1e-9 * scale)
    unique = all(len(k) == 1 for k in alive)
    if (
        unique
        and len(profiles) == 1
        and all(p[k[0]] > 1 - 1e-9 for p, k in zip(profiles[0], alive, strict=True))
    ):
        return (
            profiles,
            True,
            (
                f"{res.method} (iterated elimination of strictly dominated strategies leaves one "
                "profile: the unique equilibrium, so the list is complete)"
            ),
        )
    return profiles, res.complete, f"{res.method} ({reason})" if reason else res.method


def run_strategic(space: OutcomeSpace, options: StrategicOptions) -> StrategicResult:
    """Build the scenario's strategic-form game and find its Nash equilibria.

    Two players: every extreme equilibrium (``complete`` as the engine reports).  Three
    or four: every pure equilibrium and one by the logit homotopy (``complete`` False
    unless iterated strict dominance proves the equilibrium unique).
    Each reported profile is re-checked here: no player gains more than ``1e-6`` of the
    payoff range by a pure deviation (Nash 1951).
    """
    strategies, arrays, coords = build_game(space, options)
    labels = [[s.name for s in strats] for strats in strategies]
    profiles, complete, method = solve_arrays(arrays, options.method, labels=labels)
    scale = max(max(np.ptp(a) for a in arrays), 1e-12)
    tol = 1e-9 * scale + 1e-12
    eqs = []
    for prof in profiles:
        prof = [np.clip(np.asarray(p, float), 0, None) for p in prof]
        prof = tuple(p / p.sum() for p in prof)
        values = expected_payoffs(arrays, prof)
        pay = np.array([v @ p for v, p in zip(values, prof, strict=True)])
        # best-response check: no pure deviation gains more than the tolerance
        if max(v.max() - u for v, u in zip(values, pay, strict=True)) > 1e-6 * scale:
            raise AssertionError("solver returned a profile that is not an equilibrium")
        eqs.append(Equilibrium(prof, pay, _pareto_dominated(pay, arrays, tol)))
    eqs.sort(key=lambda e: (-e.payoffs.sum(), *(tuple(-p) for p in e.profile)))
    notes = []
    for code, strats in zip(space.parties, strategies, strict=True):
        if len(strats) == 1:
            notes.append(
                f"{code} has a single strategy ({strats[0].name}): give it strategies under "
                f"models.strategic.players.{code}, or issues with controlled_by: {code}"
            )
    if eqs and all(e.pareto_dominated for e in eqs):
        notes.append(
            "every equilibrium is Pareto-dominated: the one-shot game is a trade "
            "dilemma, a deal needs commitment or linkage"
        )
    shape = coords.shape[:-1]
    outcomes = (
        {
            " | ".join(labels[i][k] for i, k in enumerate(idx)): space.describe(coords[idx])
            for idx in np.ndindex(*shape)
        }
        if int(np.prod(shape)) <= 400
        else {}
    )
    return StrategicResult(
        parties=space.parties,
        strategies=tuple(tuple(names) for names in labels),
        payoff_arrays=arrays,
        outcomes=outcomes,
        equilibria=tuple(eqs),
        complete=complete,
        method=method,
        unit=space.values.unit,
        notes=tuple(notes),
    )


def run(space: OutcomeSpace, options: StrategicOptions, *, rng=None):
    """Registry entry point (see :mod:`sim.registry`)."""
    return run_strategic(space, options)


def check(scenario, options: StrategicOptions):
    """The method suits the number of players; strategies name real issues, levels,
    packages and parties."""
    from sim.scenario.references import party_key_problems, settings_problems

    n = len(scenario.parties)
    issues = {i.id: i for i in scenario.issues}
    ids = {p.id for p in scenario.packages}
    if n > 2 and options.method in ("vertex", "support", "lemke-howson"):
        yield (
            ("method",),
            f"method {options.method!r} is for two players; with {n} parties use "
            "'auto', 'logit' or 'pure'",
        )
    if n == 2 and options.method == "logit":
        yield (
            ("method",),
            "method 'logit' is for more than two players; two-player games use "
            "'auto', 'vertex', 'support', 'lemke-howson' or 'pure'",
        )
    if options.players is None:
        return
    yield from party_key_problems(scenario, options.players, ("players",))
    for code, player in options.players.items():
        loc = ("players", code)
        for issue_id, values in (player.grid or {}).items():
            if issue_id not in issues:
                yield (*loc, "grid", issue_id), f"no issue {issue_id!r}"
                continue
            for k, value in enumerate(values):
                try:
                    issues[issue_id].coordinate(value)
                except ValueError as exc:
                    yield (*loc, "grid", issue_id, k), str(exc)
        for k, pkg_id in enumerate(player.packages or ()):
            if pkg_id not in ids:
                yield (*loc, "packages", k), f"no package {pkg_id!r}"
        for k, move in enumerate(player.moves):
            yield from settings_problems(scenario, move.settings, (*loc, "moves", k, "settings"))
            yield from party_key_problems(scenario, move.shift, (*loc, "moves", k, "shift"))
