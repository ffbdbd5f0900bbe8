"""Model ``utilitarian``: the largest joint payoff among the deals both prefer to no deal (a
reference point), solved exactly on the utility set
(:func:`sim.bargaining.axiomatic.utilitarian`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.models._axiomatic import AxiomaticOptions, AxiomaticResult, solve
from sim.models._size import utility_set_size as size  # noqa: F401 (sizes: registry)

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Utilitarian point: largest joint payoff among deals both accept (reference)"
DEFAULT = True
Options = AxiomaticOptions
Result = AxiomaticResult


def run(space: OutcomeSpace, options: Options, *, rng=None) -> AxiomaticResult:
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.bargaining.axiomatic import utilitarian as solver

    return solve("utilitarian", space, options, solver)
