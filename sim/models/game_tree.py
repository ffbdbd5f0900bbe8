"""Model ``game_tree``: transitional entry point over ``sim.models.tree_scenario``.

Transitional: the adapter moves into this file."""

from __future__ import annotations

from sim.scenario.dynamic_options import GameTreeScenarioOptions as Options

SUMMARY = "A sequential game tree solved by backward induction (subgame-perfect path)"


def run(space, options: Options, *, rng=None):
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.models.tree_scenario import run_game_tree

    return run_game_tree(space, options)
