"""What the alternating-offers models ``rubinstein`` and ``deadline`` share: their time
options (discounting and breakdown, set in the model or taken from the calendar), the
reference checks of those options, and the fields and summary of their results.

The equilibria themselves are pure maths in :mod:`sim.bargaining.alternating` (infinite
horizon) and :mod:`sim.bargaining.finite_horizon` (rounds up to a deadline); the frontier
they bargain over, and the way back from a point of it to a deal, are in
:mod:`sim.models._frontier`.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Mapping
from typing import Any, Literal

from pydantic import Field, field_validator

from sim.results.model import ModelResult, Status
from sim.scenario.types import Frozen, Q, Quantity, discount_factors, probability

Loc = tuple[str | int, ...]
Found = Iterator[tuple[Loc, str]]

FrontierKind = Literal["convex", "union"]
FRONTIER_DESCRIPTION = (
    "'convex' (the concave hull frontier: a unique equilibrium) or 'union' (the exact "
    "frontier of the outcomes; its gaps are bridged linearly)."
)


def _below_one(q: Quantity | None) -> Quantity | None:
    if q is None:
        return None
    probability(q)
    if q.value >= 1.0:
        raise ValueError(f"a breakdown probability must be below 1, got {q.value}")
    return q


class TimeOptions(Frozen):
    """Discounting and breakdown: set here, or taken from the scenario's ``calendar``."""

    delta: dict[str, Q] | None = Field(
        default=None,
        description="Party code -> discount factor per round, in (0, 1]. Default: "
        "exp(-r t) with the calendar's yearly discount_rate r and t the time between rounds.",
    )
    breakdown: Q | None = Field(
        default=None,
        description="Probability that talks break down after a rejected offer "
        "(default: calendar.breakdown_risk, else 0).",
    )

    @field_validator("delta")
    @classmethod
    def _delta(cls, v):
        return discount_factors(v)

    @field_validator("breakdown")
    @classmethod
    def _breakdown(cls, v):
        return _below_one(v)


# ---------------------------------------------------------------------- reference checks
def party_problems(scenario, code: str | None, loc: Loc) -> Found:
    """``code`` (if given) names a party of the scenario."""
    from sim.scenario.references import party_key_problems

    for _, message in party_key_problems(scenario, {} if code is None else {code: None}, loc):
        yield loc, message


def time_problems(scenario, options: TimeOptions, n_rounds: int, period: float | None) -> Found:
    """Discount factors for every party, or calendar rates and a time between rounds."""
    from sim.scenario.references import party_key_problems

    codes = scenario.party_codes
    yield from party_key_problems(scenario, options.delta or {}, ("delta",))
    if options.delta is not None:
        missing = [p for p in codes if p not in options.delta]
        if missing:
            yield ("delta",), f"give a discount factor for every party (missing: {missing})"
        return
    missing = [p for p in codes if p not in scenario.calendar.discount_rate]
    if missing:
        yield (
            (),
            "needs a discount factor per round (delta) or calendar.discount_rate for every "
            f"party (missing: {', '.join(missing)})",
        )
    if n_rounds < 2 and period is None:
        yield (), "needs two dated calendar rounds (or period_days) to turn rates into delta"


# ---------------------------------------------------------------------- results
@dataclasses.dataclass(frozen=True, kw_only=True)
class AlternatingResult(ModelResult):
    """An equilibrium of alternating offers, mapped back to a deal.

    Attributes (beyond :class:`sim.results.model.ModelResult`)
    ----------
    equilibrium_point : dict or None
        The model's own point: ``payoffs`` and ``exact_deal`` (whether a real deal has
        these payoffs); for a lottery also its two ``deals``, their ``deal_payoffs`` and
        ``weight_second``.  ``agreement`` and ``payoffs`` are those of the real deal
        reported (see :mod:`sim.models._frontier`).
    agreement_round, agreement_date : int or None, str or None
        When the agreement is reached (round 1 is the first modelled round).
    offer_path : tuple of dict
        The offers round by round.
    deal : dict or None
        The deal reported: ``agreement``, ``deal_payoffs``, ``exact``, ``lottery``.
    no_deal_outcome : dict or None
        Issue id -> setting of the final no-deal outcome (the summary lists what a deal
        changes from it).
    """

    equilibrium_point: Mapping[str, Any] | None = None
    agreement_round: int | None = None
    agreement_date: str | None = None
    offer_path: tuple[Mapping[str, Any], ...] = ()
    deal: Mapping[str, Any] | None = None
    no_deal_outcome: Mapping[str, Any] | None = None

    def deal_text(self) -> str:
        """The deal as what it changes from no deal (or why no real deal reproduces it)."""
        if self.agreement is None:
            return lottery_text(self.equilibrium_point or {}, self.unit)
        dis = self.no_deal_outcome or {}
        parts = [
            f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}"
            for k, v in self.agreement.items()
            if v != dis.get(k)
        ]
        text = ", ".join(parts) or "the disagreement outcome"
        if self.deal is not None and not self.deal.get("exact", True):
            text += " (nearest exact deal: the equilibrium point is a lottery of two deals)"
        return text

    def payoff_text(self) -> str:
        pay = ", ".join(f"{p} {v:.2f}" for p, v in (self.payoffs or {}).items())
        return f"payoffs {pay} {self.unit}".rstrip()


def lottery_text(point: Mapping[str, Any], unit: str = "") -> str:
    """The summary of an equilibrium point that no real deal achieves."""
    w = float(point.get("weight_second", float("nan")))
    pay = ", ".join(f"{p} {v:.2f}" for p, v in (point.get("payoffs") or {}).items())
    return (
        f"no real deal: the equilibrium point ({pay} {unit}) is a lottery "
        f"({1 - w:.2f} / {w:.2f}) of two deals, and no single deal gives the responder "
        "its equilibrium payoff and the proposer its no-deal value"
    )


def status_of(core_agreement: bool, core_reason: str, fields: Mapping[str, Any], unit: str):
    """``(status, reason)``: ok with a real deal; no agreement when the equilibrium has none
    (the solver's reason) or when its point is a lottery no real deal reproduces."""
    if not core_agreement:
        return Status.NO_AGREEMENT, core_reason
    if fields.get("agreement") is None:
        return Status.NO_AGREEMENT, lottery_text(fields.get("equilibrium_point") or {}, unit)
    return Status.OK, core_reason
