"""Model ``kalai_smorodinsky``: Kalai & Smorodinsky (1975): the deal on the line from the
no-deal point to the ideal point, solved exactly on the utility set
(:func:`sim.bargaining.axiomatic.kalai_smorodinsky`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.models._axiomatic import AxiomaticOptions, AxiomaticResult, solve
from sim.models._size import utility_set_size as size  # noqa: F401 (sizes: registry)

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Kalai–Smorodinsky solution (proportional to each side's best acceptable deal)"
DEFAULT = True
Options = AxiomaticOptions
Result = AxiomaticResult


def run(space: OutcomeSpace, options: Options, *, rng=None) -> AxiomaticResult:
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.bargaining.axiomatic import kalai_smorodinsky as solver

    return solve("kalai_smorodinsky", space, options, solver)
