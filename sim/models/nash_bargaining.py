"""Model ``nash_bargaining``: the Nash (1950) bargaining solution over the scenario's deals,
asymmetric with ``weights`` (Kalai 1977), solved exactly on the utility set
(:func:`sim.bargaining.axiomatic.nash_bargaining`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import Field, field_validator

from sim.models._axiomatic import AxiomaticOptions, AxiomaticResult, solve
from sim.models._size import utility_set_size as size  # noqa: F401 (sizes: registry)

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Nash bargaining solution (symmetric or asymmetric) over the outcomes"
DEFAULT = True
Result = AxiomaticResult


class Options(AxiomaticOptions):
    weights: dict[str, float] | None = Field(
        default=None,
        description="Bargaining power per party code (asymmetric Nash); equal if left out.",
    )

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None and any(w <= 0 for w in v.values()):
            raise ValueError("bargaining weights must be > 0")
        return v


def check(scenario, options: Options):
    """Weights name parties of the scenario."""
    from sim.scenario.references import party_key_problems

    yield from party_key_problems(scenario, options.weights or {}, ("weights",))


def run(space: OutcomeSpace, options: Options, *, rng=None) -> AxiomaticResult:
    """Maximise the (weighted) Nash product of gains over the deals both prefer to no deal."""
    from sim.bargaining.axiomatic import nash_bargaining

    w = options.weights or {}
    weights = tuple(float(w.get(p, 1.0)) for p in space.parties)
    return solve("nash_bargaining", space, options, nash_bargaining, weights=weights)
