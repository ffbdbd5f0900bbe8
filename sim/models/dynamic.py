"""Alternating offers in a scenario: ``rubinstein`` (infinite horizon) and ``deadline``
(the calendar's dated rounds up to a deadline).

Thin layer over :mod:`sim.bargaining.alternating` and :mod:`sim.bargaining.finite_horizon`: the
frontier comes from the scenario's outcomes (:mod:`sim.models._frontier`), discounting and
breakdown risk from the calendar unless the model's options set them, and agreements are
mapped back to deals.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from sim.models import _frontier as sf
from sim.scenario.dynamic_options import DeadlineScenarioOptions, RubinsteinScenarioOptions
from sim.space import OutcomeSpace

_pd = sf._pd


def _fmt_deal(agreement: dict | None, space: OutcomeSpace) -> str:
    if agreement is None:
        return "no deal"
    dis = space.describe(space.disagreement_outcome("final"))
    parts = []
    for k, v in agreement.items():
        if v != dis[k]:
            parts.append(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}")
    return ", ".join(parts) or "the disagreement outcome"


def _point(deal: sf.Deal | None, parties, payoffs) -> dict | None:
    """``equilibrium_point``: the model's own point (and, if a lottery, its two deals)."""
    if deal is not None:
        return deal.equilibrium_point()
    pay = _pd(parties, payoffs)
    return None if pay is None else {"payoffs": pay, "exact_deal": None}


@dataclass(frozen=True)
class NotConfigured:
    """A model that cannot run on this scenario (e.g. no calendar), with the reason."""

    model: str
    reason: str
    configured: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {"model": self.model, "configured": False, "reason": self.reason}

    def summary(self) -> str:
        return f"not run: {self.reason}"


# ---------------------------------------------------------------------- rubinstein
@dataclass(frozen=True)
class RubinsteinRun:
    """Rubinstein (1982) / BRW (1986) alternating offers on the scenario's frontier."""

    core: Any  # sim.bargaining.alternating.RubinsteinResult
    parties: tuple[str, str]
    deal: sf.Deal | None
    disagreement: dict[str, float]
    first_proposer: str
    period_days: float | None
    nash_limit_weights: dict[str, float] | None
    nash_limit_hazard: float | None
    options: dict[str, Any]
    unit: str
    space: OutcomeSpace = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()

    @property
    def agreement(self) -> dict | None:
        return None if self.deal is None else self.deal.agreement

    def to_dict(self) -> dict[str, Any]:
        c, P = self.core, self.parties
        offers = [
            {
                "round": k + 1,
                "proposer": P[i],
                "offer": _pd(P, c.offer_by_1 if i == 0 else c.offer_by_2),
                "accepted": k == 0 and c.agreement,
            }
            for k, i in enumerate((c.proposer, 1 - c.proposer))
        ]
        return {
            "model": "rubinstein",
            "agreement": self.agreement,
            "payoffs": None if self.deal is None else self.deal.payoffs,
            "equilibrium_point": _point(self.deal, P, c.payoffs if c.agreement else None),
            "agreement_round": c.agreement_round,
            "agreement_date": None,
            "disagreement": self.disagreement,
            "first_proposer": self.first_proposer,
            "offer_path": offers,
            "delta": _pd(P, c.delta),
            "period_days": self.period_days,
            "breakdown": c.breakdown,
            "outside_options": {p: v for p, v in zip(P, c.outside, strict=True)},
            "outside_binding": {p: v for p, v in zip(P, c.outside_binding, strict=True)},
            "unique": c.unique,
            "n_equilibria": len(c.equilibria),
            "nash_limit_weights": self.nash_limit_weights,
            "nash_limit_hazard_per_year": self.nash_limit_hazard,
            "deal": None if self.deal is None else self.deal.to_dict(),
            "reason": c.reason,
            "unit": self.unit,
            "options": self.options,
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        c = self.core
        if not c.agreement:
            return c.reason
        head = f"{self.first_proposer} proposes first, accepted at once: "
        if self.deal is not None and self.deal.agreement is None:
            return head + self.deal.lottery_text(self.unit)
        pay = ", ".join(f"{p} {v:.2f}" for p, v in (self.deal.payoffs or {}).items())
        return (
            f"{head}{_fmt_deal(self.agreement, self.space)}{self.deal.flag()}; "
            f"payoffs {pay} {self.unit}"
        )


def run_rubinstein(
    space: OutcomeSpace, options: RubinsteinScenarioOptions
) -> RubinsteinRun | NotConfigured:
    """Stationary SPE of alternating offers (Rubinstein 1982; Binmore, Rubinstein & Wolinsky
    1986) on the scenario's frontier, with calendar discounting and breakdown risk."""
    from sim.bargaining.alternating import nash_weights_limit, rubinstein

    P = space.parties
    cal_rounds = space.scenario.calendar.rounds
    default_first = cal_rounds[0].proposer if cal_rounds else None
    first = sf.party_index(space, options.first_proposer or default_first)
    period = options.period_days or sf.mean_round_gap_days(space)
    try:
        delta = sf.discount_pair(space, options.delta, period)
    except ValueError as exc:
        return NotConfigured("rubinstein", str(exc))
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
        delta=delta,
        proposer=first,
        breakdown=sf.breakdown_value(space, options.breakdown),
        outside=outside,
    )
    deal = None
    if core.agreement:
        no_deal = max(v for v in (core.disagreement[first], core.outside[first]) if v is not None)
        deal = front.deal_at(core.payoffs, proposer=first, proposer_min=float(no_deal))
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
    return RubinsteinRun(
        core=core,
        parties=P,
        deal=deal,
        disagreement=_pd(P, d) or {},
        first_proposer=P[first],
        period_days=None if options.delta is not None else period,
        nash_limit_weights=limit,
        nash_limit_hazard=hazard,
        options=options.model_dump(mode="json"),
        unit=space.values.unit,
        space=space,
        notes=tuple(notes),
    )


# ---------------------------------------------------------------------- deadline
def _from_date(space: OutcomeSpace, option, rounds) -> tuple[dt.date, str]:
    """The first date whose rounds still count, and why (``from_date`` option)."""
    if option == "first_round":
        return rounds[0].date, "from_date: first_round"
    if option == "as_of":
        return space.scenario.as_of, "the scenario's as_of date"
    return option, "from_date"


@dataclass(frozen=True)
class DeadlineRun:
    """Backward induction over the calendar's dated rounds up to a deadline (Ståhl 1972)."""

    core: Any  # sim.bargaining.finite_horizon.DeadlineResult
    parties: tuple[str, str]
    labels: tuple[str, ...]
    deal: sf.Deal | None
    deadline: dict[str, Any]
    d_before: dict[str, float]
    d_after: dict[str, float]
    options: dict[str, Any]
    unit: str
    space: OutcomeSpace = field(repr=False, compare=False)
    notes: tuple[str, ...] = ()

    @property
    def agreement(self) -> dict | None:
        return None if self.deal is None else self.deal.agreement

    def offer_path(self) -> list[dict]:
        c, P = self.core, self.parties
        out = []
        for k, rec in enumerate(c.offer_path):
            out.append(
                {
                    "round": rec["round"],
                    "date": rec["date"],
                    "label": self.labels[k],
                    "proposer": P[rec["proposer"]],
                    "offer": _pd(P, rec["offer"]),
                    "accepted_if_reached": rec["accepted"],
                    "values": _pd(P, c.values[k]),
                    "reservation": _pd(P, c.reservation[k]),
                    "disagreement_value": _pd(P, c.disagreement[k]),
                    "p_deal_by": float(c.p_deal_by[k]),
                }
            )
        return out

    def to_dict(self) -> dict[str, Any]:
        c, P = self.core, self.parties
        eff = c.deadline_effect
        shift = {}
        for i, p in enumerate(P):
            v = eff.get(f"party_{i + 1}_offer_shift")
            shift[p] = None if v is None else _pd(P, v)
        return {
            "model": "deadline",
            "agreement": self.agreement,
            "payoffs": None if self.deal is None else self.deal.payoffs,
            "equilibrium_point": _point(self.deal, P, c.agreement_payoffs),
            "expected_payoffs": _pd(P, c.payoffs),
            "agreement_round": c.agreement_round,
            "agreement_date": c.agreement_date,
            "deadline": self.deadline,
            "disagreement_before": self.d_before,
            "disagreement_after": self.d_after,
            "offer_path": self.offer_path(),
            "p_deal_by": {
                (c.dates[k] if c.dates else str(k + 1)): float(v) for k, v in enumerate(c.p_deal_by)
            },
            "p_no_deal": c.p_no_deal,
            "deadline_effect": {
                "disagreement_shift": _pd(P, eff["disagreement_shift"]),
                "offer_shift_by_proposer": shift,
            },
            "deal": None if self.deal is None else self.deal.to_dict(),
            "reason": c.reason,
            "unit": self.unit,
            "options": self.options,
            "notes": list(self.notes),
        }

    def summary(self) -> str:
        c = self.core
        if not c.agreement:
            return c.reason
        d = self.to_dict()["deadline_effect"]["disagreement_shift"]
        shift = ", ".join(f"{p} {v:+.2f}" for p, v in d.items())
        head = f"agreement in round {c.agreement_round} ({c.agreement_date}): "
        if self.deal is not None and self.deal.agreement is None:
            body = self.deal.lottery_text(self.unit)
        else:
            flag = "" if self.deal is None else self.deal.flag()
            body = f"{_fmt_deal(self.agreement, self.space)}{flag}"
        if len(c.proposers) == 1:
            return (
                f"{head}{body}; the only round left before the deadline "
                f"{self.deadline['date']}: a take-it-or-leave-it offer"
            )
        return (
            f"{head}{body}; deadline {self.deadline['date']} moves "
            f"the no-deal values by {shift} {self.unit}"
        )


def run_deadline(
    space: OutcomeSpace, options: DeadlineScenarioOptions
) -> DeadlineRun | NotConfigured:
    """Finite-horizon alternating offers over the calendar's rounds (Ståhl 1972), the
    disagreement point switching at the deadline (the dated ``disagreement.changes``)."""
    from sim.bargaining.finite_horizon import deadline

    P = space.parties
    cal = space.scenario.calendar
    every = sorted([*cal.rounds, *options.extra_rounds], key=lambda r: r.date)
    if not every:
        return NotConfigured("deadline", "no dated rounds (calendar.rounds)")
    if options.deadline is not None:
        when, label = options.deadline, "deadline"
    elif cal.deadlines:
        when, label = cal.deadlines[0].date, cal.deadlines[0].label
    else:
        return NotConfigured("deadline", "no deadline (calendar.deadlines)")
    start, why = _from_date(space, options.from_date, every)
    rounds = [r for r in every if r.date >= start]
    dropped = len(every) - len(rounds)
    if not rounds:
        return NotConfigured(
            "deadline",
            f"no round on or after {start} ({why}; {dropped} earlier round(s) ended without a "
            "deal): add the rounds still to come under models.deadline.extra_rounds, or set "
            "from_date: first_round",
        )
    if options.delta is None:
        try:
            sf.rates_pair(space)
        except ValueError as exc:
            return NotConfigured("deadline", str(exc))
    d_before = space.disagreement_point(when - dt.timedelta(days=1))
    d_after = space.disagreement_point(when)
    if all(r.proposer is not None for r in rounds) and options.first_proposer is None:
        proposers = [P.index(r.proposer) for r in rounds]  # type: ignore[arg-type]
    else:
        first = sf.party_index(space, options.first_proposer or rounds[0].proposer)
        proposers = [(first + k) % 2 for k in range(len(rounds))]
    front = sf.ScenarioFrontier.build(space, options.frontier)
    kw: dict[str, Any] = {}
    if options.delta is not None:
        kw["delta"] = [options.delta[p].value for p in P]
    else:
        kw["rates"] = list(sf.rates_pair(space))
    core = deadline(
        front.chain,
        [r.date for r in rounds],
        d_before=d_before,
        d_after=d_after,
        deadline_at=when,
        breakdown=sf.breakdown_value(space, options.breakdown),
        proposers=proposers,
        **kw,
    )
    deal = None
    if core.agreement:
        k0 = core.agreement_round - 1
        i0 = proposers[k0]
        no_deal = float(core.disagreement[k0][i0])
        deal = front.deal_at(core.offers[k0], proposer=i0, proposer_min=no_deal)
    notes = [
        f"disagreement before the deadline: as of {when - dt.timedelta(days=1)}; "
        f"after: as of {when} (disagreement.changes)"
    ]
    if dropped:
        notes.append(
            f"rounds from {start} ({why}): {len(rounds)} of {len(every)}; the {dropped} "
            "earlier round(s) ended without a deal and are not modelled"
        )
    if len(rounds) == 1:
        notes.append(
            "a single round remains: its proposer makes a take-it-or-leave-it offer worth the "
            "responder's no-deal value"
        )
    if rounds[-1].date < when:
        notes.append(
            f"the last round ({rounds[-1].date}) comes before the deadline: its responder "
            "accepts its present value of no deal, part before and part after the deadline"
        )
    return DeadlineRun(
        core=core,
        parties=P,
        labels=tuple(r.label for r in rounds),
        deal=deal,
        deadline={"date": when.isoformat(), "label": label},
        d_before=_pd(P, d_before) or {},
        d_after=_pd(P, d_after) or {},
        options=options.model_dump(mode="json"),
        unit=space.values.unit,
        space=space,
        notes=tuple(notes),
    )
