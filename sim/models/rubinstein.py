"""Model ``rubinstein``: alternating offers with an infinite horizon on the scenario's
frontier (Rubinstein 1982), with breakdown risk (Binmore, Rubinstein & Wolinsky 1986) and
outside options, discounting and breakdown taken from the calendar unless set here.

The stationary equilibrium is pure maths in :func:`sim.bargaining.alternating.rubinstein`;
the frontier and the way back to a deal are in :mod:`sim.models._frontier`.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from sim.models import _alternating as alt
from sim.models._size import utility_set_size as size  # noqa: F401 (sizes: registry)
from sim.scenario.types import DisagreementAt, Q

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Alternating offers, infinite horizon: discounting, breakdown risk, outside options"
FIGURES = {"timeline": "timeline"}


class RubinsteinOptions(alt.TimeOptions):
    """``models: rubinstein:`` alternating offers, infinite horizon (Rubinstein 1982)."""

    first_proposer: str | None = Field(
        default=None,
        description="Party code of the first proposer (default: the proposer of the "
        "calendar's first round, else the first party).",
    )
    period_days: float | None = Field(
        default=None,
        gt=0,
        description="Days between offers (default: the mean gap between calendar rounds).",
    )
    outside_options: dict[str, Q] | Literal["adjustments"] | None = Field(
        default=None,
        description="Party code -> outside option as a payoff added to the disagreement "
        "point (a responder may walk away and take it), or 'adjustments': the status quo "
        "during talks is the disagreement outcome alone and disagreement.adjustments are "
        "the outside options.",
    )
    disagreement_at: DisagreementAt = Field(
        default="final",
        description="Disagreement point bargained against ('final', 'as_of' or a date).",
    )
    frontier: alt.FrontierKind = Field(default="convex", description=alt.FRONTIER_DESCRIPTION)


Options = RubinsteinOptions


@dataclasses.dataclass(frozen=True, kw_only=True)
class Result(alt.AlternatingResult):
    """The stationary subgame-perfect equilibrium of alternating offers on the scenario.

    Attributes (beyond :class:`sim.models._alternating.AlternatingResult`)
    ----------
    first_proposer : str or None
        Party code of the first proposer (whose offer is accepted at once).
    delta : dict or None
        Party code -> discount factor per round.
    period_days : float or None
        Days between offers (None when ``delta`` is given).
    breakdown : float or None
        Probability that talks break down after a rejection.
    outside_options, outside_binding : dict or None
        Party code -> outside option (None for none); whether it sets the party's
        acceptance threshold.
    unique : bool or None
        Whether the stationary equilibrium is unique; ``n_equilibria`` how many were found.
    nash_limit_weights : dict or None
        Weights of the Nash solution the equilibrium tends to as the period shrinks.
    nash_limit_hazard_per_year : float or None
        The breakdown risk read as a hazard per year (added to each discount rate).
    """

    first_proposer: str | None = None
    delta: Mapping[str, float] | None = None
    period_days: float | None = None
    breakdown: float | None = None
    outside_options: Mapping[str, float | None] | None = None
    outside_binding: Mapping[str, bool] | None = None
    unique: bool | None = None
    n_equilibria: int = 0
    nash_limit_weights: Mapping[str, float] | None = None
    nash_limit_hazard_per_year: float | None = None

    @property
    def core(self) -> Any:
        """Transitional, for :func:`sim.render.plots.timeline` until it reads results
        (issue 8): the equilibrium point as ``core.agreement`` and ``core.payoffs``."""
        from types import SimpleNamespace

        pay = (self.equilibrium_point or {}).get("payoffs")
        return SimpleNamespace(
            agreement=pay is not None, payoffs=None if pay is None else tuple(pay.values())
        )

    def summary(self) -> str:
        """The first proposer, the deal it offers (accepted at once) and the payoffs."""
        if self.equilibrium_point is None or self.equilibrium_point.get("payoffs") is None:
            return super().summary()
        head = f"{self.first_proposer} proposes first, accepted at once: "
        if self.agreement is None:
            return head + self.deal_text()
        return f"{head}{self.deal_text()}; {self.payoff_text()}"


def check(scenario, options: RubinsteinOptions):
    """The first proposer and the outside options name parties; discounting is defined."""
    from sim.scenario.references import party_key_problems

    yield from alt.party_problems(scenario, options.first_proposer, ("first_proposer",))
    if isinstance(options.outside_options, dict):
        yield from party_key_problems(scenario, options.outside_options, ("outside_options",))
    yield from alt.time_problems(
        scenario, options, len(scenario.calendar.rounds), options.period_days
    )


def run(space: OutcomeSpace, options: RubinsteinOptions, *, rng=None) -> Result:
    """Stationary SPE of alternating offers (Rubinstein 1982; Binmore, Rubinstein & Wolinsky
    1986) on the scenario's frontier, with calendar discounting and breakdown risk.

    The per-round factors are ``exp(-r_i t)`` with the calendar's yearly rates and ``t`` the
    period between offers, unless ``delta`` is given; the Nash weights of the short-period
    limit (BRW 1986, section 4) are reported with them.
    """
    from sim.bargaining.alternating import nash_weights_limit, rubinstein
    from sim.models import _frontier as sf
    from sim.models import _smooth

    P = space.parties
    opts = options.model_dump(mode="json")
    cal_rounds = space.scenario.calendar.rounds
    default_first = cal_rounds[0].proposer if cal_rounds else None
    first = sf.party_index(space, options.first_proposer or default_first)
    period = options.period_days or sf.mean_round_gap_days(space)
    try:
        delta = sf.discount_pair(space, options.delta, period)
    except ValueError as exc:
        return Result.not_run("rubinstein", str(exc), unit=space.values.unit, options=opts)
    if options.delta is None:  # rates and period: exact for short periods (expm1 forms)
        time = {"rates": sf.rates_pair(space), "period_years": period / sf.DAYS_PER_YEAR}
    else:
        time = {"delta": delta}
    front = sf.ScenarioFrontier.build(space, options.frontier)
    d = space.disagreement_point(options.disagreement_at)
    outside = None
    notes = [f"frontier: {options.frontier} (see docs/models/rubinstein.md)"]
    if options.outside_options == "adjustments":
        adj = space.disagreement_adjustment(options.disagreement_at)
        dis = space.scenario.disagreement
        outside = [float(d[i]) if p in dis.adjustments else None for i, p in enumerate(P)]
        d = d - adj
        notes.append("status quo during talks: the disagreement outcome without adjustments")
    elif options.outside_options:
        outside = [
            float(d[i] + options.outside_options[p].value) if p in options.outside_options else None
            for i, p in enumerate(P)
        ]
    core = rubinstein(
        front.chain,
        d,
        **time,
        proposer=first,
        breakdown=sf.breakdown_value(space, options.breakdown),
        outside=outside,
    )
    deal = None
    if core.agreement:
        no_deal = max(v for v in (core.disagreement[first], core.outside[first]) if v is not None)
        deal = front.deal_at(core.payoffs, proposer=first, proposer_min=float(no_deal))
    offers_u = (core.offer_by_1, core.offer_by_2)
    polished = _smooth.polish_rubinstein(space, front, core, d, options.disagreement_at) if (
        deal is not None and deal.exact
    ) else None
    if polished is not None:  # the offers on the true value functions (issue 9)
        coords, u, offers_u, d = polished
        deal = sf.Deal(space.describe(coords), sf._pd(P, u), True, sf._pd(P, u))
        notes.append(_smooth.NOTE)
    limit = hazard = None
    if options.delta is None and period is not None:
        # breakdown p per round of `period` days, read as a constant hazard per year
        p_brk = core.breakdown
        hazard = -math.log1p(-p_brk) * sf.DAYS_PER_YEAR / period if p_brk > 0 else 0.0
        try:
            w = nash_weights_limit(sf.rates_pair(space), hazard=hazard)
            limit = {p: float(v) for p, v in zip(P, w, strict=True)}
        except ValueError:
            limit = None
        if p_brk > 0:
            notes.append(
                f"nash_limit_weights: breakdown {p_brk:g} per round of {period:g} days is read "
                f"as a hazard of {hazard:.4g} per year, added to each side's discount rate "
                "(Binmore, Rubinstein & Wolinsky 1986)"
            )
    if deal is not None and not deal.exact:
        notes.append(
            "the equilibrium point is a lottery between two deals (equilibrium_point); "
            + (
                "'agreement' is the real deal best for the proposer that gives the responder "
                "its equilibrium payoff and the proposer its no-deal value"
                if deal.agreement is not None
                else "no real deal gives the responder its equilibrium payoff and the "
                "proposer its no-deal value: 'agreement' is null"
            )
        )
    fields = sf.deal_fields(space, deal, core.payoffs if core.agreement else None)
    status, reason = alt.status_of(core.agreement, core.reason, fields, space.values.unit)
    offers = tuple(
        {
            "round": k + 1,
            "proposer": P[i],
            "offer": sf._pd(P, offers_u[i]),
            "accepted": k == 0 and core.agreement,
        }
        for k, i in enumerate((core.proposer, 1 - core.proposer))
    )
    return Result(
        model="rubinstein",
        status=status,
        reason=reason,
        disagreement=sf._pd(P, d) or {},
        unit=space.values.unit,
        options=opts,
        notes=tuple(notes),
        agreement_round=core.agreement_round,
        offer_path=offers,
        first_proposer=P[first],
        delta=sf._pd(P, core.delta),
        period_days=None if options.delta is not None else period,
        breakdown=core.breakdown,
        outside_options=dict(zip(P, core.outside, strict=True)),
        outside_binding=dict(zip(P, core.outside_binding, strict=True)),
        unique=core.unique,
        n_equilibria=len(core.equilibria),
        nash_limit_weights=limit,
        nash_limit_hazard_per_year=hazard,
        **fields,
    )
