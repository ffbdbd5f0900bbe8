"""Model ``private_information``: offers to a side whose reservation payoff is private.

The informed party's *type* is its reservation payoff: its disagreement payoff plus the
type's ``adjustment`` (e.g. a "hawkish" US that needs $3bn/yr more than no deal, or one
"keen for an early model deal" that would take less).  The uninformed side proposes on the
scenario's frontier (:mod:`sim.models._frontier`): first a single take-it-or-leave-it offer
(monopoly pricing; :func:`sim.bargaining.screening.take_it_or_leave_it`), then the
two-period screening plan (Fudenberg & Tirole 1991, section 10.2;
:func:`sim.bargaining.screening.screening`) on the chord of the frontier spanned by the
types' reservation payoffs.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, field_validator

from sim.models._size import utility_set_size as size  # noqa: F401 (sizes: registry)
from sim.results.model import ModelResult, Status, jsonable
from sim.scenario.types import (
    DisagreementAt,
    Frozen,
    Q,
    Quantity,
    discount_factors,
    probability,
)

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Offers to a side of unknown type: take-it-or-leave-it and two-period screening"
FIGURES = {"timeline": "timeline"}
NO_PRIOR = "no prior over types given (models.private_information.types)"


# ---------------------------------------------------------------------------- options
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


class Options(Frozen):
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
        return discount_factors(v)


def check(scenario, options: Options):
    """Parties named exist; the proposer is not the informed side; one prior, well formed."""
    from sim.scenario.references import party_key_problems

    for name in ("informed", "proposer"):
        code = getattr(options, name)
        for _, message in party_key_problems(scenario, {} if code is None else {code: 0}, ()):
            yield (name,), message
    if options.informed is not None and options.informed == options.proposer:
        yield ("proposer",), "the proposer must be the uninformed party, not the informed one"
    if options.types is not None and options.uniform is not None:
        yield (), "give either types or uniform, not both"
    if options.uniform is not None and not options.uniform.low < options.uniform.high:
        yield ("uniform",), "a uniform prior needs low < high"
    yield from party_key_problems(scenario, options.delta or {}, ("delta",))


# ---------------------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, kw_only=True)
class Result(ModelResult):
    """The uninformed proposer's single offer and its two-offer screening plan.

    Attributes (beyond :class:`sim.results.model.ModelResult`)
    ----------
    proposer, informed : str or None
        The uninformed proposer and the party whose type is private.
    prior : dict or None
        ``kind`` and each type's reservation payoff (or the uniform interval).
    offer : dict or None
        The single offer as a point of the frontier (party -> payoff).
    acceptance_probability : float or None
        Prior probability that the single offer is accepted.
    accepting_types : list of str or None
        Labels of the types that accept it (discrete prior).
    expected_payoffs : dict or None
        Each side's expected payoff, counting the risk of refusal.
    equilibrium_point, deal : dict or None
        The offer as a point (for a lottery of two deals, both and the weight) and the deal
        behind it (see :mod:`sim.models._frontier`).
    screening : dict or None
        The two-offer plan: ``regime``, ``offer_path``, ``acceptance_probabilities``
        (``early``, ``late``, ``never``), ``early_types``, ``late_types``, ``cutoff``,
        ``mix``, ``proposer_expected_gain``, ``delta``; None when it was not solved (the
        notes say why).
    """

    proposer: str | None = None
    informed: str | None = None
    prior: Mapping[str, Any] | None = None
    offer: Mapping[str, float] | None = None
    acceptance_probability: float | None = None
    accepting_types: tuple[str, ...] | None = None
    expected_payoffs: Mapping[str, float] | None = None
    equilibrium_point: Mapping[str, Any] | None = None
    deal: Mapping[str, Any] | None = None
    screening: Mapping[str, Any] | None = None

    def summary(self) -> str:
        if self.status == Status.NOT_RUN:
            return super().summary()
        if self.acceptance_probability is None or self.offer is None:
            return f"{self.proposer} makes no offer any type of {self.informed} accepts"
        who = ", ".join(self.accepting_types) if self.accepting_types else "some types"
        txt = (
            f"{super().summary()}; {self.proposer}'s best single offer gives {self.informed} "
            f"{self.offer[self.informed]:.2f} {self.unit}, accepted with probability "
            f"{self.acceptance_probability:.2f} ({who})"
        )
        if self.deal is not None and not self.deal["exact"] and self.agreement is not None:
            txt += " (nearest exact deal: the equilibrium point is a lottery of two deals)"
        s = self.screening
        if s is not None:
            acc = s["acceptance_probabilities"]
            txt += (
                f"; two offers: {s['regime']}, accepted early {acc['early']:.2f}, "
                f"late {acc['late']:.2f}, never {acc['never']:.2f}"
            )
        return txt


# ---------------------------------------------------------------------------- run
def run(space: OutcomeSpace, options: Options, *, rng=None) -> Result:
    """Optimal offers of an uninformed proposer (monopoly-pricing logic; Fudenberg & Tirole
    1991, section 10.2) on the scenario's frontier."""
    from sim.bargaining.screening import (
        DiscretePrior,
        UniformPrior,
        screening,
        take_it_or_leave_it,
    )
    from sim.models import _frontier as sf
    from sim.models._alternating import lottery_text

    P = space.parties
    common: dict[str, Any] = {
        "model": "private_information",
        "unit": space.values.unit,
        "options": options.model_dump(mode="json"),
    }
    if options.types is None and options.uniform is None:
        return Result.not_run(reason=NO_PRIOR, **common)
    if options.informed is not None:
        j = P.index(options.informed)
        i = 1 - j
    else:
        i = sf.party_index(space, options.proposer)
        j = 1 - i
    d = space.disagreement_point(options.disagreement_at)
    if options.types is not None:
        prior = DiscretePrior(
            values=tuple(float(d[j] + t.adjustment.value) for t in options.types),
            probs=tuple(t.probability.value for t in options.types),
            labels=tuple(t.label for t in options.types),
        )
        prior_d: dict[str, Any] = {
            "kind": "discrete",
            "types": [
                {"label": lab, "probability": p, "reservation": v}
                for lab, p, v in zip(prior.labels or (), prior.probs, prior.values, strict=True)
            ],
        }
    else:
        u = options.uniform
        assert u is not None
        prior = UniformPrior(low=float(d[j] + u.low), high=float(d[j] + u.high))
        prior_d = {"kind": "uniform", "low": prior.low, "high": prior.high}
    common.update(proposer=P[i], informed=P[j], prior=prior_d, disagreement=sf._pd(P, d))
    front = sf.ScenarioFrontier.build(space, "convex")
    chain = front.chain
    d_i = float(d[i])
    tioli = take_it_or_leave_it(chain, prior, proposer=i, d_proposer=d_i)
    deal = front.deal_at(tioli.offer, proposer=i, proposer_min=d_i) if tioli.deal else None
    notes: list[str] = []
    scr = None
    if isinstance(prior, DiscretePrior) and len(prior.values) != 2:
        notes.append("two-period screening is solved for two types or a uniform prior only")
    elif chain.points.shape[0] >= 2:
        try:
            scr = _screening(space, options, front, prior, i, j, d_i, screening)
        except ValueError as exc:
            notes.append(f"no screening: {exc}")
        else:
            notes.append(
                "screening is solved in closed form on the chord of the frontier between the "
                "lowest and highest reservation payoffs (exact where the frontier is straight); "
                "its offers are then placed on the frontier"
            )
    if not tioli.deal:
        status, reason = Status.NO_AGREEMENT, f"{P[i]} makes no offer any type of {P[j]} accepts"
    elif deal is None or deal.agreement is None:
        reason = lottery_text(deal.equilibrium_point() if deal else {}, space.values.unit)
        status = Status.NO_AGREEMENT
    else:
        status, reason = Status.OK, None
    res = Result(
        status=status,
        reason=reason,
        agreement=None if deal is None else deal.agreement,
        payoffs=None if deal is None else deal.payoffs,
        equilibrium_point=None if deal is None else deal.equilibrium_point(),
        acceptance_probability=float(tioli.acceptance_probability),
        accepting_types=tioli.accepting_types,
        offer=sf._pd(P, tioli.offer),
        expected_payoffs=sf._pd(P, tioli.expected_payoffs),
        deal=None if deal is None else deal.to_dict(),
        screening=scr,
        notes=tuple(notes),
        **common,
    )
    try:  # a model that has no finite answer says so, never writes inf or nan
        jsonable(dataclasses.asdict(res))
    except ValueError as exc:
        return Result.not_run(reason=f"no finite answer: {exc}", **common)
    return res


def _screening(space, options, front, prior, i: int, j: int, d_i: float, screening) -> dict:
    """The two-offer plan on the chord of the frontier, its offers placed on the frontier.

    Raises ValueError when it cannot be solved (no period between offers, no chord, or a
    non-finite answer)."""
    from sim.models import _frontier as sf

    chain = front.chain
    period = options.period_days or sf.mean_round_gap_days(space)
    dl = sf.discount_pair(space, options.delta, period)
    s = screening_plan(chain, prior, i, j, d_i, dl, screening)
    deals = []
    for x in s.offers_to_responder:  # the same offers, on the real frontier
        x = float(np.clip(x, *sorted((chain.points[0, j], chain.points[-1, j]))))
        pt = [0.0, 0.0]
        pt[j], pt[i] = x, float(chain.other(j, x))
        deals.append(front.deal_at(pt, proposer=i, proposer_min=d_i).agreement)
    return screening_fields(space.parties, s, deals, dl)


def screening_plan(chain, prior, i: int, j: int, d_i: float, dl, screening):
    """:func:`sim.bargaining.screening.screening` on the chord of ``chain`` between the
    types' reservation payoffs (ValueError when they span no part of it)."""
    line = _chord(chain, prior, j)
    if line is None:
        raise ValueError("the types' reservation payoffs span no part of the frontier")
    return screening(line, prior, proposer=i, d_proposer=d_i, delta=(dl[i], dl[j]))


def screening_fields(P, s, agreements, dl) -> dict:
    """The result's ``screening`` entry: the plan ``s`` with the deal behind each offer
    (``agreements``); ValueError on a non-finite number."""
    from sim.models import _frontier as sf

    i = int(s.proposer)
    out = {
        "regime": s.regime,
        "offer_path": [
            {
                "round": k + 1,
                "proposer": P[i],
                "offer": sf._pd(P, s.offers[k]),
                "agreement": agreements[k],
                "acceptance_probability": a,
            }
            for k, a in enumerate((s.accept_early, s.accept_late))
        ],
        "acceptance_probabilities": {
            "early": s.accept_early,
            "late": s.accept_late,
            "never": s.never,
        },
        "early_types": None if s.early_types is None else list(s.early_types),
        "late_types": None if s.late_types is None else list(s.late_types),
        "cutoff": s.cutoff,
        "mix": s.mix,
        "proposer_expected_gain": s.proposer_value,
        "delta": sf._pd(P, dl),
    }
    return jsonable(out)  # raises ValueError on a non-finite number


def _chord(chain, prior, j: int):
    """The straight frontier between the lowest and highest reservation payoffs of ``j``."""
    from sim.bargaining.chain import Frontier
    from sim.bargaining.screening import DiscretePrior

    if isinstance(prior, DiscretePrior):
        lo, hi = min(prior.values), max(prior.values)
    else:
        lo, hi = prior.low, prior.high
    ends = sorted((chain.points[0, j], chain.points[-1, j]))
    lo, hi = float(np.clip(lo, *ends)), float(np.clip(hi, *ends))
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        return None
    pts = np.zeros((2, 2))
    pts[:, j] = (lo, hi)
    pts[:, 1 - j] = chain.other(j, np.array([lo, hi]))
    return Frontier(pts[np.argsort(pts[:, 0])])
