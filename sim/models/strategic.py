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
import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

import numpy as np
from pydantic import Field

from sim.results.model import ModelResult, Status
from sim.scenario.types import DisagreementAt, Frozen, Identifier, IssueSetting, Q

if TYPE_CHECKING:
    from sim.equilibria.result import Equilibrium
    from sim.space import OutcomeSpace

SUMMARY = "Strategic-form tariff game: all Nash equilibria, Pareto-dominance labelled"
PARTIES = (2, 4)
DEFAULT = True
TABLE = "strategic_table"
FIGURES = {"strategic_game": "strategic_heatmap"}
GAMES = "games"


class StrategicPlayer(Frozen):
    """One player's strategies in the strategic-form game.

    ``grid`` builds one strategy per combination of issue values (a product: its size is
    checked, :func:`size`); ``packages`` one per package; ``hold`` adds "concede nothing";
    ``moves`` adds explicit named strategies.
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
        description="Party code -> strategies. Default (linear in the issues, never a "
        "product): hold, every package the party offers, each of its issues (controlled_by) "
        "alone at every level or range end and midpoint, and its issues together (every "
        "range at its low end, midpoint, high end; every discrete issue at its last level). "
        "At most 2,000 strategies a player and 1,000,000 profiles.",
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


@dataclass(frozen=True, kw_only=True)
class Result(ModelResult):
    """All Nash equilibria of the scenario's strategic-form game (two or more players).

    Attributes (beyond :class:`sim.results.model.ModelResult`)
    ----------
    players : tuple of str
        The players in party order (row player first).
    strategies : tuple of tuple of str
        Strategy names of each player.
    payoff_arrays : tuple of ndarray
        Each player's payoffs, shape ``(n_1, ..., n_k)``: entry ``[s_1, ..., s_k]`` is the
        payoff when player ``i`` plays strategy ``s_i``.
    equilibria : tuple of sim.equilibria.Equilibrium
        Each with ``pareto_dominated`` set.
    complete : bool
        Whether the list is every (extreme) equilibrium.
    method : str
        Solver used, and why.

    ``payoffs`` is set when there is exactly one equilibrium; ``agreement`` stays None (a
    profile of strategies is not one deal).
    """

    players: tuple[str, ...] = ()
    strategies: tuple[tuple[str, ...], ...] = ()
    payoff_arrays: tuple[np.ndarray, ...] = ()
    equilibria: tuple[Equilibrium, ...] = ()
    complete: bool = False
    method: str = ""

    @property
    def parties(self) -> tuple[str, ...]:
        return self.players

    @property
    def payoff_matrices(self) -> tuple[np.ndarray, np.ndarray]:
        """Row and column player's payoff matrices (two-player games only)."""
        if len(self.players) != 2:
            raise ValueError(
                f"payoff_matrices is for two players; this game has {len(self.players)} "
                "(use payoff_arrays)"
            )
        return self.payoff_arrays[0], self.payoff_arrays[1]

    def _named(self, eq: Equilibrium) -> dict[str, Any]:
        return {
            "strategies": {
                party: {
                    name: float(p)
                    for name, p in zip(self.strategies[i], eq.strategies[i], strict=True)
                    if p > 1e-12
                }
                for i, party in enumerate(self.players)
            },
            "payoffs": dict(zip(self.players, eq.payoffs, strict=True)),
            "pure": eq.pure,
            "pareto_dominated": bool(eq.pareto_dominated),
        }

    def to_dict(self) -> dict[str, Any]:
        """The protocol's fields, then the game: strategies per player, the payoff matrices
        (two players, ``payoff_matrices``) or arrays (``payoff_arrays``), the equilibria
        with strategy names and payoffs per player."""
        out = super().to_dict()
        del out["payoff_arrays"]
        key = "payoff_matrices" if len(self.players) == 2 else "payoff_arrays"
        out["strategies"] = {p: list(s) for p, s in zip(self.players, self.strategies, strict=True)}
        out[key] = {p: m.tolist() for p, m in zip(self.players, self.payoff_arrays, strict=True)}
        out["equilibria"] = [self._named(eq) for eq in self.equilibria]
        return out

    def summary(self) -> str:
        n = len(self.equilibria)
        full = "complete" if self.complete else "not a complete list"
        return f"{n} Nash equilibri{'um' if n == 1 else 'a'} ({full})"

    def to_frame(self):
        """One row per (equilibrium, player, strategy played with positive probability)."""
        import pandas as pd

        rows = []
        for k, eq in enumerate(self.equilibria):
            for i, party in enumerate(self.players):
                for name, p in zip(self.strategies[i], eq.strategies[i], strict=True):
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


#: Most strategies of one player, and most strategy profiles of the game: above them the
#: scenario is refused (``size``).  2,000 x 2,000 payoff matrices are 64 MB of floats, and
#: 10^6 profiles of a 3-4 player game are 32 MB a player; enumeration beyond is hopeless.
MAX_STRATEGIES = 2_000
MAX_PROFILES = 1_000_000
#: Own issues of a player above which its joint default strategies get a short name.
_NAMED_ISSUES = 3


def _setting_name(settings: dict[str, Any]) -> str:
    return " ".join(
        f"{k}={v:g}" if isinstance(v, float) else f"{k}={v}" for k, v in settings.items()
    )


def _issue_settings(issue) -> tuple:
    """An issue's settings in a default strategy: range ends and midpoint, or every level."""
    if issue.kind == "continuous":
        lo, hi = issue.range
        return (float(lo), (lo + hi) / 2, float(hi))
    return tuple(lv.label for lv in issue.level_list())


def default_strategies(issues, packages) -> list[tuple[str, dict[str, Any] | None]]:
    """A player's default strategies: ``(name, settings)``, linear in its issues.

    ``issues`` are the issues the player controls, ``packages`` the ids of the packages it
    offers.  The strategies are every package, then each issue alone at each of its
    settings (range ends and midpoint of a continuous issue, every level of a discrete or
    binary one) with the other issues left at their disagreement values, then the joint
    moves: every continuous issue at its low end, at its midpoint and at its high end
    together ("the tariff levels"), and every discrete issue at its last level together
    ("all concessions").  A package's settings are None (the caller looks them up).
    ``hold`` is added by the caller.  The count is
    ``len(packages) + sum(settings per issue) + 4`` at most, never a product: twenty yes/no
    concessions give 44 strategies, not 2^20; an explicit ``grid`` builds the product.
    """
    out: list[tuple[str, dict[str, Any] | None]] = [(pkg, None) for pkg in packages]
    for issue in issues:
        for value in _issue_settings(issue):
            out.append((_setting_name({issue.id: value}), {issue.id: value}))
    cont = [i for i in issues if i.kind == "continuous"]
    disc = [i for i in issues if i.kind != "continuous"]
    joint = [({i.id: _issue_settings(i)[k] for i in cont}, ("low end", "midpoint", "high end")[k])
             for k in range(3) if len(cont) > 1]  # fmt: skip
    if len(disc) > 1:
        joint.append(({i.id: _issue_settings(i)[-1] for i in disc}, "last level"))
    for settings, where in joint:
        name = (
            _setting_name(settings)
            if len(settings) <= _NAMED_ISSUES
            else f"all {len(settings)} {'ranges' if where != 'last level' else 'levels'} "
            f"at {where}"
        )
        out.append((name, settings))
    return out


def _own(space_or_scenario, code: str):
    issues = [i for i in space_or_scenario.issues if i.controlled_by == code]
    pkgs = tuple(p.id for p in space_or_scenario.packages if p.offered_by == code)
    return issues, pkgs


def strategy_count(scenario, code: str, spec: StrategicPlayer | None) -> int:
    """Strategies of player ``code`` before duplicates are dropped (what is built)."""
    if spec is None:
        issues, pkgs = _own(scenario, code)
        return 1 + len(default_strategies(issues, pkgs))
    grid = math.prod(len(v) for v in spec.grid.values()) if spec.grid else 0
    return int(spec.hold) + grid + len(spec.packages or ()) + len(spec.moves)


def _player_strategies(
    space: OutcomeSpace, code: str, spec: StrategicPlayer | None
) -> list[Strategy]:
    parties = space.parties
    zero = np.zeros(len(parties))
    out: list[Strategy] = []
    if spec is None:  # default: hold, packages, each own issue alone, joint moves
        issues, pkgs = _own(space.scenario, code)
        out.append(Strategy("hold", {}, zero))
        for name, settings in default_strategies(issues, pkgs):
            settings = space.package_settings(name) if settings is None else settings
            out.append(Strategy(name, settings, zero))
        return out
    if spec.hold:
        out.append(Strategy("hold", {}, zero))
    if spec.grid:
        keys = list(spec.grid)
        for combo in itertools.product(*(spec.grid[k] for k in keys)):
            settings = dict(zip(keys, combo, strict=True))
            out.append(Strategy(_setting_name(settings), settings, zero))
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
    too_large = [sz for sz in size(space.scenario, options) if sz.exceeded]
    if too_large:
        from sim.errors import TooLargeError

        raise TooLargeError(too_large[0].message("strategic"))
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


def run(space: OutcomeSpace, options: StrategicOptions, *, rng=None) -> Result:
    """Build the scenario's strategic-form game and find its Nash equilibria.

    Two players: every extreme equilibrium (``complete`` as the engine reports).  Three
    or four: every pure equilibrium and one by the logit homotopy, whose random restarts
    draw from ``rng`` (``complete`` False unless iterated strict dominance proves the
    equilibrium unique).  Each reported profile is re-checked: no player gains more than
    ``1e-6`` of the payoff range by a pure deviation (Nash 1951); see
    :func:`sim.equilibria.strategic.strategic_equilibria`.
    """
    from sim.equilibria.strategic import strategic_equilibria

    strategies, arrays, _ = build_game(space, options)
    labels = [[s.name for s in strats] for strats in strategies]
    eqs, complete, method = strategic_equilibria(
        arrays, method=options.method, labels=labels, rng=rng
    )
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
    payoffs = dict(zip(space.parties, eqs[0].payoffs, strict=True)) if len(eqs) == 1 else None
    return Result(
        model="strategic",
        status=Status.OK,
        payoffs=payoffs,
        unit=space.values.unit,
        options=options.model_dump(mode="json"),
        notes=tuple(notes),
        players=space.parties,
        strategies=tuple(tuple(names) for names in labels),
        payoff_arrays=arrays,
        equilibria=eqs,
        complete=complete,
        method=method,
    )


def games(result: Result, *, title: str = "") -> dict[str, str]:
    """The game as a Gambit ``.nfg`` file (outcome version, strategy labels kept):
    ``{"strategic.nfg": text}``."""
    from sim.equilibria import Game, dumps_nfg
    from sim.equilibria.gambit_tokens import gambit_label

    labels = [[gambit_label(s) for s in side] for side in result.strategies]
    game = Game(
        tuple(result.payoff_arrays),
        strategies=labels,
        players=list(result.players),
        title=gambit_label(f"{title}: strategic game" if title else "strategic game"),
    )
    return {"strategic.nfg": dumps_nfg(game, version="outcome")}


def size(scenario, options: StrategicOptions):
    """Strategies per player and strategy profiles, counted before the game is built.

    Refused above :data:`MAX_STRATEGIES` strategies for one player or :data:`MAX_PROFILES`
    profiles (the game's payoff arrays hold one number per profile and player).
    """
    from sim.models._size import Size

    players = options.players or {}
    counts = [strategy_count(scenario, c, players.get(c)) for c in scenario.party_codes]
    out = []
    for code, count in zip(scenario.party_codes, counts, strict=True):
        spec = players.get(code)
        if spec is None:
            loc, how = ("models", "strategic"), (
                f"give {code} explicit strategies under models.strategic.players.{code}"
            )
        elif spec.grid and count > MAX_STRATEGIES:
            sizes = " x ".join(str(len(v)) for v in spec.grid.values())
            loc = ("models", "strategic", "players", code, "grid")
            how = (
                f"the grid is a product ({sizes} values): give fewer values or issues, or "
                f"leave grid out for the default strategies (each issue alone, then jointly)"
            )
        else:
            loc, how = ("models", "strategic", "players", code), "give fewer strategies"
        out.append(
            Size(f"strategies of player {code}", count, MAX_STRATEGIES, how, loc)
        )
    worst = max(range(len(counts)), key=lambda i: counts[i])
    out.append(
        Size(
            "strategy profiles",
            math.prod(counts),
            MAX_PROFILES,
            f"give the players fewer strategies (the largest is {scenario.party_codes[worst]}'s): "
            + out[worst].change,
            out[worst].loc,
            " x ".join(f"{c:,}" for c in counts) + " strategies",
        )
    )
    return tuple(out)


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
        if strategy_count(scenario, code, player) == 0:
            yield loc, (
                f"player {code} needs at least one strategy: give it grid values, packages, "
                "moves or hold: true"
            )
        for issue_id, values in (player.grid or {}).items():
            if issue_id not in issues:
                yield (*loc, "grid", issue_id), f"no issue {issue_id!r}"
                continue
            if not values:
                yield (*loc, "grid", issue_id), (
                    f"no values for {issue_id}: the grid is a product, so an empty list "
                    "leaves no grid strategy (give values or leave the issue out)"
                )
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
