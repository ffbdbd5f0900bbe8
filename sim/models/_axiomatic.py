"""What the four axiomatic models share: their options, their result type, and the step from
a solution on the utility set back to a deal.

The solutions themselves are pure maths in :mod:`sim.bargaining.axiomatic`; each model file
(``nash_bargaining``, ``kalai_smorodinsky``, ``utilitarian``, ``egalitarian``) names one.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field

from sim.results.model import ModelResult, Status
from sim.scenario.types import DisagreementAt, Frozen

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

NO_ZONE = "no zone of agreement: no outcome gives both sides more than disagreement"


class AxiomaticOptions(Frozen):
    disagreement_at: DisagreementAt = Field(
        default="final",
        description="Which disagreement point to bargain against: 'final' (every dated change "
        "applied: what holds if talks fail for good), 'as_of' (what holds on the scenario's "
        "as-of date) or a date.",
    )


@dataclasses.dataclass(frozen=True, kw_only=True)
class AxiomaticResult(ModelResult):
    """A predicted deal from an axiomatic bargaining solution.

    Attributes (beyond :class:`sim.results.model.ModelResult`)
    ----------
    zone_of_agreement : bool
        Whether some outcome gives both parties strictly more than disagreement.
    is_pareto : bool
        Whether the agreement is Pareto-optimal among all outcomes.
    """

    zone_of_agreement: bool = False
    is_pareto: bool = False


def solve(name: str, space: OutcomeSpace, options: AxiomaticOptions, solver, **kw: Any):
    """Solve ``solver(utility_set, d, **kw)`` on the scenario and map the point to a deal."""
    from sim.models._smooth import polish_axiomatic

    d = space.disagreement_point(options.disagreement_at)
    point = solver(space.utility_set, d, **kw)
    coords = space.cell_outcome(int(point.cell), point.x) if point.zone_of_agreement else None
    w = point.options.get("weights", (1.0, 1.0))
    polished = polish_axiomatic(name, space, coords, options.disagreement_at, w)
    return result_from_point(name, space, point, d, options.model_dump(mode="json"), polished)


def result_from_point(
    name: str, space: OutcomeSpace, point: Any, d: np.ndarray, options: dict, polished=None
) -> AxiomaticResult:
    """An :class:`AxiomaticResult` from a :class:`sim.bargaining.axiomatic.BargainingPoint`,
    or from ``polished = (coords, payoffs, d)``, its answer on the true value functions
    (:func:`sim.models._smooth.polish_axiomatic`)."""
    if polished is not None:
        from sim.models._smooth import NOTE

        coords, u, d = polished
        notes = (NOTE,) if point.is_pareto else (NOTE, "the solution is only weakly Pareto-optimal")
        return AxiomaticResult(
            status=Status.OK,
            agreement=space.describe(coords),
            payoffs={p: float(v) for p, v in zip(space.parties, u, strict=True)},
            zone_of_agreement=True,
            is_pareto=bool(point.is_pareto),
            notes=notes,
            model=name,
            disagreement={p: float(v) for p, v in zip(space.parties, d, strict=True)},
            unit=space.values.unit,
            options=options,
        )
    parties = space.parties
    common = {
        "model": name,
        "disagreement": {p: float(v) for p, v in zip(parties, d, strict=True)},
        "unit": space.values.unit,
        "options": options,
    }
    if not point.zone_of_agreement:
        return AxiomaticResult(
            status=Status.NO_AGREEMENT, reason=NO_ZONE, notes=(NO_ZONE,), **common
        )
    coords = space.cell_outcome(int(point.cell), point.x)
    u = space.payoffs(coords)
    if not np.allclose(u, point.utility, atol=1e-7 * (1 + np.abs(u).max())):
        raise AssertionError("solution does not map back to its outcome")  # pragma: no cover
    notes = () if point.is_pareto else ("the solution is only weakly Pareto-optimal",)
    return AxiomaticResult(
        status=Status.OK,
        agreement=space.describe(coords),
        payoffs={p: float(v) for p, v in zip(parties, u, strict=True)},
        zone_of_agreement=True,
        is_pareto=bool(point.is_pareto),
        notes=notes,
        **common,
    )
