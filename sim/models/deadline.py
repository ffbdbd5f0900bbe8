"""Model ``deadline``: transitional entry point over ``sim.models.dynamic``.

Transitional: the adapter moves into this file."""

from __future__ import annotations

from sim.scenario.dynamic_options import DeadlineScenarioOptions as Options

SUMMARY = "Alternating offers over the calendar's rounds up to a deadline (backward induction)"


def run(space, options: Options, *, rng=None):
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.models.dynamic import run_deadline

    return run_deadline(space, options)
