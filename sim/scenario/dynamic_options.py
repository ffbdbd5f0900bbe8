"""Scenario options of the dynamic models: ``models: private_information / two_level``.

Structural checks (numbers in range, priors summing to 1) live here as pydantic
validators; references to parties, issues, levels and packages are checked against
the whole scenario in :mod:`sim.scenario.dynamic_refs`.  ``docs/models/*.md`` shows each
section in YAML.

Built from :mod:`sim.scenario.types` only, so that model files can import these options
without the scenario schema.
"""

from __future__ import annotations

from pydantic import Field, field_validator

from sim.scenario.types import (
    DisagreementAt,
    Frozen,
    IssueSetting,
    Q,
    Quantity,
    probability,
)
from sim.scenario.types import discount_factors as _factors


class PriorType(Frozen):
    """One possible type of the informed party: a label, a probability and how much its
    reservation payoff differs from its disagreement payoff."""

    label: str = Field(min_length=1)
    probability: Q
    adjustment: Q = Field(
        description="Payoff added to the informed party's disagreement payoff: what this "
        "type needs to accept (its reservation payoff is d + adjustment)."
    )
    note: str | None = None
    source: str | None = None

    @field_validator("probability")
    @classmethod
    def _prob(cls, v: Quantity) -> Quantity:
        return probability(v)


class UniformTypes(Frozen):
    """Reservation payoff uniform on ``d + [low, high]``."""

    low: float
    high: float
    note: str | None = None
    source: str | None = None


class PrivateInformationScenarioOptions(Frozen):
    """``models: private_information:`` an uninformed proposer and a responder of unknown
    type (take-it-or-leave-it offer and two-period screening)."""

    informed: str | None = Field(
        default=None,
        description="Party code whose type is private (default: the second party's "
        "counterpart of the proposer).",
    )
    proposer: str | None = Field(
        default=None, description="Party code of the uninformed proposer (default: the other)."
    )
    types: tuple[PriorType, ...] | None = Field(
        default=None,
        description="Discrete prior over the informed party's types (probabilities sum to 1).",
    )
    uniform: UniformTypes | None = Field(
        default=None, description="Alternatively a uniform prior on the reservation payoff."
    )
    delta: dict[str, Q] | None = Field(
        default=None,
        description="Party code -> discount factor between the two offers of the screening "
        "model, in (0, 1]. Default: from calendar.discount_rate and period_days.",
    )
    period_days: float | None = Field(
        default=None, gt=0, description="Days between the two offers (default: mean round gap)."
    )
    disagreement_at: DisagreementAt = "final"

    @field_validator("types")
    @classmethod
    def _sum_to_one(cls, v):
        if v is not None:
            if not v:
                raise ValueError("give at least one type")
            total = sum(t.probability.value for t in v)
            if abs(total - 1.0) > 1e-9:
                raise ValueError(f"the types' probabilities sum to {total:g}, not 1")
            labels = [t.label for t in v]
            if len(set(labels)) != len(labels):
                raise ValueError(f"type labels must be unique, got {labels}")
        return v

    @field_validator("delta")
    @classmethod
    def _delta(cls, v):
        return _factors(v)


class IssueBound(Frozen):
    """Bounds on one issue: numbers (continuous) or level labels (discrete/binary, in
    the order of the levels)."""

    min: Quantity | IssueSetting | None = Field(
        default=None, description="Lowest setting (a number, {value, range, source}, a label)."
    )
    max: Quantity | IssueSetting | None = Field(default=None, description="Highest setting.")
    source: str | None = None
    note: str | None = None

    def setting(self, end: str) -> IssueSetting | None:
        """The bound ``end`` ('min' or 'max') as a plain issue setting."""
        v = getattr(self, end)
        return v.value if isinstance(v, Quantity) else v


class WinSet(Frozen):
    """What one side can ratify at home: issue bounds and/or a minimum gain."""

    bounds: dict[str, IssueBound] = Field(
        default_factory=dict, description="Issue id -> {min, max} the side can ratify."
    )
    min_gain: Q | None = Field(
        default=None, description="Smallest gain over the disagreement payoff it can ratify."
    )
    note: str | None = None
    source: str | None = None


class TwoLevelScenarioOptions(Frozen):
    """``models: two_level:`` Putnam's two-level game with win-sets per party."""

    win_sets: dict[str, WinSet] = Field(default_factory=dict)
    weights: dict[str, float] | None = Field(
        default=None, description="Bargaining power per party code (equal if left out)."
    )
    tied_hands: str | None = Field(
        default=None,
        description="Party code whose ratification threshold is swept (default: the first "
        "party with a win-set, else the first party).",
    )
    steps: int = Field(default=11, ge=2, le=200)
    disagreement_at: DisagreementAt = "final"

    @field_validator("weights")
    @classmethod
    def _positive(cls, v):
        if v is not None and any(w <= 0 for w in v.values()):
            raise ValueError("bargaining weights must be > 0")
        return v
