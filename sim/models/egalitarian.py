"""Model ``egalitarian``: equal gains over the no-deal point (Kalai 1977), the largest such
deal, solved exactly on the utility set
(:func:`sim.bargaining.axiomatic.egalitarian`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sim.models._axiomatic import AxiomaticOptions, AxiomaticResult, solve
from sim.models._size import utility_set_size as size  # noqa: F401 (sizes: registry)

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Egalitarian point: equal gains over disagreement (reference)"
DEFAULT = True
Options = AxiomaticOptions
Result = AxiomaticResult


def run(space: OutcomeSpace, options: Options, *, rng=None) -> AxiomaticResult:
    """Registry entry point (see :mod:`sim.registry`)."""
    from sim.bargaining.axiomatic import egalitarian as solver

    return solve("egalitarian", space, options, solver)
