"""Model ``deadline``: alternating offers over the calendar's dated rounds up to a deadline,
solved by backward induction (Ståhl 1972; Osborne & Rubinstein 1990, section 3.6), the
no-deal point switching at the deadline (the dated ``disagreement.changes``).

The backward induction is pure maths in :func:`sim.bargaining.finite_horizon.deadline`;
the frontier and the way back to a deal are in :mod:`sim.models._frontier`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Literal

from pydantic import Field

from sim.models import _alternating as alt
from sim.models._size import utility_set_size as size  # noqa: F401 (sizes: registry)
from sim.scenario.types import Round

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Alternating offers over the calendar's rounds up to a deadline (backward induction)"
FIGURES = {"timeline": "timeline"}


class DeadlineOptions(alt.TimeOptions):
    """``models: deadline:`` alternating offers over the calendar's rounds to a deadline."""

    deadline: dt.date | None = Field(
        default=None, description="Deadline date (default: the calendar's first deadline)."
    )
    extra_rounds: tuple[Round, ...] = Field(
        default=(),
        description="Rounds added to the calendar's for this model (e.g. a leaders' meeting "
        "at an event); merged in date order.",
    )
    first_proposer: str | None = Field(
        default=None,
        description="Party code proposing first when rounds do not name proposers "
        "(then proposers alternate).",
    )
    from_date: Literal["as_of", "first_round"] | dt.date = Field(
        default="as_of",
        description="Rounds that still count: those on or after the scenario's as_of date "
        "(default: earlier rounds ended without a deal), on or after a given date, or "
        "'first_round' (every round, as if the talks were about to start).",
    )
    frontier: alt.FrontierKind = Field(default="convex", description=alt.FRONTIER_DESCRIPTION)


Options = DeadlineOptions


@dataclasses.dataclass(frozen=True, kw_only=True)
class Result(alt.AlternatingResult):
    """The subgame-perfect equilibrium of alternating offers over dated rounds.

    ``disagreement`` is the no-deal point after the deadline (what holds if talks fail for
    good); ``disagreement_before`` the one before it.

    Attributes (beyond :class:`sim.models._alternating.AlternatingResult`)
    ----------
    expected_payoffs : dict or None
        Each side's equilibrium payoff from the first round (with breakdown risk).
    deadline : dict or None
        ``date`` (ISO) and ``label`` of the deadline.
    disagreement_before, disagreement_after : dict or None
        Party code -> no-deal payoff before and from the deadline.
    p_deal_by : dict
        Round date -> probability that a deal is done by then; ``p_no_deal`` the rest.
    deadline_effect : dict or None
        How the deadline moves the no-deal values and each proposer's offer.
    """

    expected_payoffs: Mapping[str, float] | None = None
    deadline: Mapping[str, str] | None = None
    disagreement_before: Mapping[str, float] | None = None
    disagreement_after: Mapping[str, float] | None = None
    p_deal_by: Mapping[str, float] = dataclasses.field(default_factory=dict)
    p_no_deal: float | None = None
    deadline_effect: Mapping[str, Any] | None = None

    def summary(self) -> str:
        """Who proposes in which round, the deal, and what the deadline changes."""
        if self.equilibrium_point is None or self.equilibrium_point.get("payoffs") is None:
            return super().summary()
        k = (self.agreement_round or 1) - 1
        who = self.offer_path[k]["proposer"] if k < len(self.offer_path) else "?"
        head = (
            f"{who} proposes in round {self.agreement_round} ({self.agreement_date}), "
            f"accepted: {self.deal_text()}"
        )
        if self.agreement is not None:
            head += f"; {self.payoff_text()}"
        when = (self.deadline or {}).get("date")
        changes = (self.deadline_effect or {}).get("no_deal_changes") or []
        moves = "; ".join(
            f"{c['date']}: " + ", ".join(f"{p} {v:+.2f}" for p, v in c["shift"].items())
            for c in changes
        )
        tail = (
            f"no-deal values move ({self.unit}) on {moves}"
            if changes
            else "no-deal values unchanged from the first round to the deadline"
        )
        if len(self.offer_path) == 1:
            return (
                f"{head}; the only round left before the deadline {when}: "
                f"a take-it-or-leave-it offer; {tail}"
            )
        return f"{head}; deadline {when}; {tail}"


def _no_deal_changes(P, first: dt.date, d0, steps) -> list[dict]:
    """Each dated change of the no-deal flow after the first round: date and shift."""
    out, prev = [], d0
    for when, d in steps:
        if when > first and any(abs(d - prev) > 1e-12):
            out.append(
                {
                    "date": when.isoformat(),
                    "shift": {p: float(v) for p, v in zip(P, d - prev, strict=True)},
                }
            )
        prev = d
    return out


def check(scenario, options: DeadlineOptions):
    """Proposers name parties; there are dated rounds and a deadline after the first one;
    discounting is defined."""
    yield from alt.party_problems(scenario, options.first_proposer, ("first_proposer",))
    for i, rnd in enumerate(options.extra_rounds):
        yield from alt.party_problems(scenario, rnd.proposer, ("extra_rounds", i, "proposer"))
    cal = scenario.calendar
    dates = [r.date for r in cal.rounds] + [r.date for r in options.extra_rounds]
    if not dates:
        yield (), "needs dated rounds (calendar.rounds or extra_rounds)"
    elif len(set(dates)) != len(dates):
        yield ("extra_rounds",), "two rounds fall on the same date"
    if options.deadline is None and not cal.deadlines:
        yield (), "needs a deadline (calendar.deadlines or deadline)"
    when = options.deadline or (cal.deadlines[0].date if cal.deadlines else None)
    if when is not None and dates and when < min(dates):
        yield ("deadline",), f"the deadline {when} falls before the first round"
    yield from alt.time_problems(scenario, options, len(dates), 1.0)


def _from_date(space: OutcomeSpace, option, rounds) -> tuple[dt.date, str]:
    """The first date whose rounds still count, and why (``from_date`` option)."""
    if option == "first_round":
        return rounds[0].date, "from_date: first_round"
    if option == "as_of":
        return space.scenario.as_of, "the scenario's as_of date"
    return option, "from_date"


def run(space: OutcomeSpace, options: DeadlineOptions, *, rng=None) -> Result:
    """Finite-horizon alternating offers over the calendar's rounds (Ståhl 1972), the
    disagreement point switching at the deadline (the dated ``disagreement.changes``).

    Rounds before ``from_date`` (default: the scenario's as-of date) ended without a deal
    and are not modelled; ``extra_rounds`` are merged in date order.
    """
    from sim.bargaining.finite_horizon import deadline
    from sim.models import _frontier as sf

    P = space.parties
    unit = space.values.unit
    opts = options.model_dump(mode="json")
    cal = space.scenario.calendar
    every = sorted([*cal.rounds, *options.extra_rounds], key=lambda r: r.date)
    if not every:
        return Result.not_run(
            "deadline", "no dated rounds (calendar.rounds)", unit=unit, options=opts
        )
    if options.deadline is not None:
        when, label = options.deadline, "deadline"
    elif cal.deadlines:
        when, label = cal.deadlines[0].date, cal.deadlines[0].label
    else:
        return Result.not_run(
            "deadline", "no deadline (calendar.deadlines)", unit=unit, options=opts
        )
    start, why = _from_date(space, options.from_date, every)
    rounds = [r for r in every if r.date >= start]
    dropped = len(every) - len(rounds)
    if not rounds:
        return Result.not_run(
            "deadline",
            f"no round on or after {start} ({why}; {dropped} earlier round(s) ended without a "
            "deal): add the rounds still to come under models.deadline.extra_rounds, or set "
            "from_date: first_round",
            unit=unit,
            options=opts,
        )
    if options.delta is None:
        try:
            sf.rates_pair(space)
        except ValueError as exc:
            return Result.not_run("deadline", str(exc), unit=unit, options=opts)
    d_before = space.disagreement_point(when - dt.timedelta(days=1))
    d_after = space.disagreement_point(when)
    # the no-deal flow changes at each dated change (and the deadline), not all at once
    change_dates = sorted({c.date for c in space.scenario.disagreement.changes} | {when})
    start_flow = min(change_dates[0], rounds[0].date) - dt.timedelta(days=1)
    d_start = space.disagreement_point(start_flow)
    steps = [(c, space.disagreement_point(c)) for c in change_dates]
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
        d_before=d_start,
        changes=steps,
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
        "no-deal value at each round: the disagreement in force on its date plus the present "
        "value of each dated change still to come ("
        + ", ".join(c.isoformat() for c in change_dates)
        + "; disagreement.changes and the deadline)"
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
    fields = sf.deal_fields(space, deal, core.agreement_payoffs)
    status, reason = alt.status_of(core.agreement, core.reason, fields, unit)
    pd_ = sf._pd
    offers = tuple(
        {
            "round": rec["round"],
            "date": rec["date"],
            "label": rounds[k].label,
            "proposer": P[rec["proposer"]],
            "offer": pd_(P, rec["offer"]),
            "accepted_if_reached": rec["accepted"],
            "values": pd_(P, core.values[k]),
            "reservation": pd_(P, core.reservation[k]),
            "disagreement_value": pd_(P, core.disagreement[k]),
            "p_deal_by": float(core.p_deal_by[k]),
        }
        for k, rec in enumerate(core.offer_path)
    )
    eff = core.deadline_effect
    shift = {}
    for i, p in enumerate(P):
        v = eff.get(f"party_{i + 1}_offer_shift")
        shift[p] = None if v is None else pd_(P, v)
    d_after_pd = pd_(P, d_after) or {}
    return Result(
        model="deadline",
        status=status,
        reason=reason,
        disagreement=d_after_pd,
        unit=unit,
        options=opts,
        notes=tuple(notes),
        agreement_round=core.agreement_round,
        agreement_date=core.agreement_date,
        offer_path=offers,
        expected_payoffs=pd_(P, core.payoffs),
        deadline={"date": when.isoformat(), "label": label},
        disagreement_before=pd_(P, d_before) or {},
        disagreement_after=d_after_pd,
        p_deal_by={
            (core.dates[k] if core.dates else str(k + 1)): float(v)
            for k, v in enumerate(core.p_deal_by)
        },
        p_no_deal=core.p_no_deal,
        deadline_effect={
            "disagreement_shift": pd_(P, eff["disagreement_shift"]),
            "offer_shift_by_proposer": shift,
            "no_deal_changes": _no_deal_changes(P, rounds[0].date, d_start, steps),
        },
        **fields,
    )
