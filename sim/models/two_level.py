"""Model ``two_level``: transitional entry point over ``sim.models.ratification``.

Transitional: the adapter moves into this file."""

from __future__ import annotations

from sim.scenario.dynamic_options import TwoLevelScenarioOptions as Options

SUMMARY = "Two-level game: deals each side can ratify at home (win-sets), tied-hands sweep"


def run(space, options: Options, *, rng=None):
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.models.ratification import run_two_level

    return run_two_level(space, options)
