"""Model ``game_tree``: a scenario's small sequential game, solved for its subgame-perfect
equilibrium by backward induction (Kuhn 1953; :func:`sim.equilibria.backward_induction`).

The players are the scenario's parties (in their order); chance nodes carry probabilities;
a terminal node either gives payoffs per party or refers to an outcome -- a package and/or
issue settings applied to the disagreement outcome, or ``no_deal`` -- whose payoffs come
from the scenario's preferences.  The tree is validated by
:func:`sim.equilibria.tree.tree_problems` (the one validation of trees) and built as a
:class:`sim.equilibria.ExtensiveGame` (the one tree type), which ``sim run
--export-games`` also writes as a Gambit ``.efg`` file.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field

from sim.results.model import ModelResult, Status
from sim.scenario.types import DisagreementAt, Frozen, IssueSetting, Q

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "A sequential game tree solved by backward induction (subgame-perfect path)"
GAMES = "games"

NOT_CONFIGURED = "no tree given (models.game_tree.root and nodes)"
#: Most nodes of a tree: backward induction is linear in them, the limit only keeps the
#: result (a value per node and party) and the ``.efg`` export of a readable size.
MAX_NODES = 100_000


class OutcomeRef(Frozen):
    """A terminal outcome: a package and/or issue settings applied to the disagreement
    outcome at ``disagreement_at`` (or ``no_deal``), plus an optional payoff ``shift``."""

    package: str | None = None
    settings: dict[str, IssueSetting] = Field(default_factory=dict)
    no_deal: bool = Field(
        default=False,
        description="Talks fail: the disagreement point (outcome plus adjustments) at "
        "disagreement_at; takes no package or settings.",
    )
    shift: dict[str, Q] = Field(default_factory=dict)


class TreeNodeOptions(Frozen):
    """A node: decision (``player`` + ``moves``), chance (``player: chance``, ``moves``,
    ``probabilities``) or terminal (``payoffs`` per party, or ``outcome``)."""

    player: str | None = None
    moves: dict[str, str] = Field(default_factory=dict, description="Move label -> node id.")
    probabilities: dict[str, Q] | None = None
    payoffs: dict[str, Q] | None = None
    outcome: OutcomeRef | None = None
    note: str | None = None
    source: str | None = None


class GameTreeScenarioOptions(Frozen):
    """``models: game_tree:`` a small sequential game, solved by backward induction."""

    root: str | None = None
    nodes: dict[str, TreeNodeOptions] = Field(default_factory=dict)
    disagreement_at: DisagreementAt = Field(
        default="final", description="Base outcome that terminal outcomes modify."
    )


Options = GameTreeScenarioOptions


@dataclasses.dataclass(frozen=True, kw_only=True)
class Result(ModelResult):
    """Subgame-perfect equilibrium of the scenario's tree, terminal outcomes as deals.

    ``agreement`` is the deal reached for sure on the equilibrium path (status ``ok``);
    a path ending in a lottery over terminal nodes, at no deal or at a terminal node with
    payoffs but no deal has status ``no_agreement``.  ``payoffs`` are the expected payoffs
    at the root in every case.

    Attributes (beyond :class:`sim.results.model.ModelResult`)
    ----------
    equilibrium_path : tuple of dict
        Nodes reached with positive probability, in prefix order (``node``, ``player``,
        ``probability``, ``move``; ``payoffs`` at terminal nodes).
    strategy : dict
        Decision node -> move chosen (on and off the path).
    terminal_probabilities : dict
        Terminal node -> probability of ending there.
    terminal_outcomes : dict
        Terminal node reached -> its deal (None for no deal or given payoffs).
    values : dict
        Node -> party -> expected payoff under the equilibrium.
    ties : tuple of str
        Decision nodes where the mover was indifferent (the first move listed wins).
    """

    equilibrium_path: tuple[dict, ...] = ()
    strategy: dict[str, str] = dataclasses.field(default_factory=dict)
    terminal_probabilities: dict[str, float] = dataclasses.field(default_factory=dict)
    terminal_outcomes: dict[str, dict | None] = dataclasses.field(default_factory=dict)
    values: dict[str, dict[str, float]] = dataclasses.field(default_factory=dict)
    ties: tuple[str, ...] = ()

    def summary(self) -> str:
        if self.status == Status.NOT_RUN:
            return super().summary()
        steps = [
            f"{s['player']}: {s['move']}"
            for s in self.equilibrium_path
            if s.get("move") is not None and s["probability"] > 1 - 1e-12
        ]
        ends = ", ".join(f"{n} ({p:.2f})" for n, p in self.terminal_probabilities.items())
        pay = ", ".join(f"{p} {v:.2f}" for p, v in (self.payoffs or {}).items())
        tie = f"; ties at {', '.join(self.ties)}" if self.ties else ""
        return f"{' -> '.join(steps) or 'chance'}; ends at {ends}; payoffs {pay} {self.unit}{tie}"


def size(scenario, options: Options):
    """Nodes of the tree (each is written in the scenario; solved in linear time)."""
    from sim.models._size import Size

    n = len(options.nodes) if options is not None else 0
    change = "split the tree, or describe the moves with fewer nodes"
    return (Size("game-tree nodes", n, MAX_NODES, change, ("models", "game_tree", "nodes")),)


def check(scenario, options: Options):
    """The tree is one tree over the scenario's parties
    (:func:`sim.equilibria.tree.tree_problems`); outcomes name real packages, issues,
    levels and parties."""
    from sim.equilibria.tree import tree_problems
    from sim.scenario.references import party_key_problems, settings_problems

    if options is None or (options.root is None and not options.nodes):
        return
    yield from tree_problems(scenario.party_codes, options.root, options.nodes)
    if options.root not in options.nodes:
        return
    packages = {p.id for p in scenario.packages}
    for nid, node in options.nodes.items():
        out = node.outcome
        if node.moves or out is None:
            continue
        loc = ("nodes", nid, "outcome")
        if out.package is not None and out.package not in packages:
            yield (*loc, "package"), f"no package {out.package!r}"
        yield from settings_problems(scenario, out.settings, (*loc, "settings"))
        yield from party_key_problems(scenario, out.shift, (*loc, "shift"))
        if out.no_deal and (out.package is not None or out.settings):
            yield loc, "no_deal takes no package or settings"


def _terminals(space: OutcomeSpace, options: Options):
    """Payoffs (per party, in order) and deal of every terminal node."""
    P = space.parties
    base = space.disagreement_outcome(options.disagreement_at)
    payoffs: dict[str, np.ndarray] = {}
    deals: dict[str, dict | None] = {}
    for nid, node in options.nodes.items():
        if node.moves:
            continue
        if node.payoffs is not None:
            payoffs[nid] = np.array([node.payoffs[p].value for p in P])
            deals[nid] = None
            continue
        out = node.outcome
        shift = np.array([out.shift[p].value if p in out.shift else 0.0 for p in P])
        if out.no_deal:
            u = space.disagreement_point(options.disagreement_at)
            deals[nid] = None
        else:
            settings = dict(space.package_settings(out.package)) if out.package else {}
            settings.update(out.settings)
            coords = space.outcome(settings, base)
            u = space.payoffs(coords)
            deals[nid] = space.describe(coords)
        payoffs[nid] = u + shift
    return payoffs, deals


def run(space: OutcomeSpace, options: Options, *, rng=None) -> Result:
    """Backward induction (Kuhn 1953) on the scenario's game tree."""
    from sim.equilibria.extensive import backward_induction
    from sim.equilibria.tree import tree_from_nodes

    P = space.parties
    common: dict[str, Any] = {
        "model": "game_tree",
        "unit": space.values.unit,
        "options": options.model_dump(mode="json"),
    }
    if options.root is None or not options.nodes:
        return Result(status=Status.NOT_RUN, reason=NOT_CONFIGURED, **common)
    payoffs, deals = _terminals(space, options)
    core = backward_induction(tree_from_nodes(P, options.root, options.nodes, payoffs))
    sure = [n for n, p in core.terminal_probabilities.items() if p > 1 - 1e-12]
    agreement = deals.get(sure[0]) if sure else None
    if agreement is not None:
        status, reason = Status.OK, None
    elif not sure:
        status, reason = Status.NO_AGREEMENT, "the equilibrium path ends in a lottery"
    else:
        status, reason = Status.NO_AGREEMENT, f"the equilibrium path ends at {sure[0]}: no deal"
    return Result(
        status=status,
        reason=reason,
        agreement=agreement,
        payoffs=dict(zip(P, core.payoffs, strict=True)),
        equilibrium_path=core.path,
        strategy=dict(core.strategy),
        terminal_probabilities=dict(core.terminal_probabilities),
        terminal_outcomes={n: deals.get(n) for n in core.terminal_probabilities},
        values={k: dict(zip(P, v, strict=True)) for k, v in core.values.items()},
        ties=core.ties,
        **common,
    )


def games(result: Result, *, title: str = "") -> dict[str, str]:
    """The tree as a Gambit ``.efg`` file, with the terminal payoffs ``sim`` solved with
    (outcome references resolved): ``{"tree.efg": text}``; ``{}`` if the model did not
    run."""
    from fractions import Fraction

    from sim.equilibria.gambit_efg import dumps_efg
    from sim.equilibria.gambit_tokens import gambit_label
    from sim.equilibria.tree import tree_from_nodes

    if result.status == Status.NOT_RUN:
        return {}
    opts = Options.model_validate(result.options)
    parties = list(next(iter(result.values.values())))
    pay = {nid: [v[p] for p in parties] for nid, v in result.values.items()}
    tree = tree_from_nodes(
        parties,
        opts.root,
        opts.nodes,
        pay,
        title=gambit_label(f"{title}: game tree" if title else "game tree"),
        label=gambit_label,
        probability=lambda p: Fraction(str(p)).limit_denominator(10**9),
    )
    return {"tree.efg": dumps_efg(tree)}
