"""Model ``rubinstein``: transitional entry point over ``sim.models.dynamic``.

Transitional: the adapter moves into this file."""

from __future__ import annotations

from sim.scenario.dynamic_options import RubinsteinScenarioOptions as Options

SUMMARY = "Alternating offers, infinite horizon: discounting, breakdown risk, outside options"


def run(space, options: Options, *, rng=None):
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.models.dynamic import run_rubinstein

    return run_rubinstein(space, options)
