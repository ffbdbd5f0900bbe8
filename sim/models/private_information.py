"""Model ``private_information``: transitional entry point over ``sim.models.dynamic_info``.

Transitional: the adapter moves into this file."""

from __future__ import annotations

from sim.scenario.dynamic_options import PrivateInformationScenarioOptions as Options

SUMMARY = "Offers to a side of unknown type: take-it-or-leave-it and two-period screening"


def run(space, options: Options, *, rng=None):
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.models.dynamic_info import run_private_information

    return run_private_information(space, options)
