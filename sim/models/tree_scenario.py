"""A scenario's game tree (``game_tree``), solved for its subgame-perfect equilibrium.

Thin layer over :mod:`sim.equilibria.tree`: the players are the scenario's parties (in
their order), chance nodes carry probabilities, and a terminal node either gives payoffs
per party or refers to an outcome -- a package and/or issue settings applied to the
disagreement outcome, or ``no_deal`` -- whose payoffs come from the scenario's preferences.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.dynamic_options import GameTreeScenarioOptions
from sim.space import OutcomeSpace


@dataclass(frozen=True)
class GameTreeRun:
    """Subgame-perfect equilibrium of the scenario's tree, with terminal outcomes as deals."""

    parties: tuple[str, str]
    configured: bool
    core: Any = None  # GameTreeResult
    outcomes: dict[str, dict | None] = field(default_factory=dict)  # terminal -> deal
    options: dict[str, Any] = field(default_factory=dict)
    unit: str = ""

    @property
    def agreement(self) -> dict | None:
        """The deal reached for sure on the equilibrium path (None if a lottery or no deal)."""
        if self.core is None:
            return None
        reached = [n for n, p in self.core.terminal_probabilities.items() if p > 1 - 1e-12]
        return self.outcomes.get(reached[0]) if reached else None

    def to_dict(self) -> dict[str, Any]:
        if not self.configured:
            return {
                "model": "game_tree",
                "configured": False,
                "reason": "no tree given (models.game_tree.root and nodes)",
                "options": self.options,
            }
        c, P = self.core, self.parties
        return {
            "model": "game_tree",
            "configured": True,
            "agreement": self.agreement,
            "payoffs": dict(zip(P, c.payoffs, strict=True)),
            "equilibrium_path": [dict(step) for step in c.path],
            "strategy": dict(c.strategy),
            "terminal_probabilities": dict(c.terminal_probabilities),
            "terminal_outcomes": {n: self.outcomes.get(n) for n in c.terminal_probabilities},
            "values": {k: dict(zip(P, v, strict=True)) for k, v in c.values.items()},
            "ties": list(c.ties),
            "unit": self.unit,
            "options": self.options,
        }

    def summary(self) -> str:
        if not self.configured:
            return "not configured (no tree)"
        c = self.core
        steps = [
            f"{s['player']}: {s['move']}"
            for s in c.path
            if s.get("move") is not None and s["probability"] > 1 - 1e-12
        ]
        ends = ", ".join(f"{n} ({p:.2f})" for n, p in c.terminal_probabilities.items())
        pay = ", ".join(f"{p} {v:.2f}" for p, v in zip(self.parties, c.payoffs, strict=True))
        tie = f"; ties at {', '.join(c.ties)}" if c.ties else ""
        return f"{' -> '.join(steps) or 'chance'}; ends at {ends}; payoffs {pay} {self.unit}{tie}"


def run_game_tree(space: OutcomeSpace, options: GameTreeScenarioOptions) -> GameTreeRun:
    """Backward induction (Kuhn 1953) on the scenario's game tree."""
    from sim.equilibria.tree import solve_game_tree

    P = space.parties
    dump = options.model_dump(mode="json")
    if options.root is None or not options.nodes:
        return GameTreeRun(P, False, options=dump, unit=space.values.unit)
    nodes: dict[str, dict] = {}
    payoffs: dict[str, np.ndarray] = {}
    deals: dict[str, dict | None] = {}
    base = space.disagreement_outcome(options.disagreement_at)
    for nid, node in options.nodes.items():
        spec: dict[str, Any] = {}
        if node.moves:
            spec["player"] = node.player
            spec["moves"] = dict(node.moves)
            if node.probabilities is not None:
                spec["probabilities"] = {m: q.value for m, q in node.probabilities.items()}
        elif node.payoffs is not None:
            spec["payoffs"] = [node.payoffs[p].value for p in P]
            deals[nid] = None
        else:
            out = node.outcome
            assert out is not None
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
            spec["outcome"] = nid
        nodes[nid] = spec
    tree = {"players": list(P), "root": options.root, "nodes": nodes}
    core = solve_game_tree(tree, outcome_payoffs={k: v.tolist() for k, v in payoffs.items()})
    return GameTreeRun(P, True, core, deals, dump, space.values.unit)
