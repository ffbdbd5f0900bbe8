"""Private information in a scenario: ``private_information``.

Thin layer over :mod:`sim.bargaining.screening`.  The informed party's *type* is its
reservation payoff: its disagreement payoff plus the type's ``adjustment`` (e.g. a
"hawkish" US that needs $3bn/yr more than no deal, or one "keen for an early model deal"
that would take less).  The uninformed side proposes on the scenario's frontier
(:mod:`sim.models._frontier`): first a single take-it-or-leave-it offer, then the
two-period screening plan on the frontier edge that offer lies on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.models import _frontier as sf
from sim.scenario.dynamic_options import PrivateInformationScenarioOptions
from sim.space import OutcomeSpace

_pd = sf._pd


@dataclass(frozen=True)
class PrivateInformationRun:
    """Take-it-or-leave-it offer and two-period screening against an unknown type."""

    parties: tuple[str, str]
    configured: bool
    proposer: str | None = None
    informed: str | None = None
    prior: dict[str, Any] | None = None
    disagreement: dict[str, float] | None = None
    tioli: Any = None  # TIOLIResult
    tioli_deal: sf.Deal | None = None
    screening: Any = None  # ScreeningResult or None
    screening_deals: tuple[sf.Deal, sf.Deal] | None = None
    delta: dict[str, float] | None = None
    options: dict[str, Any] = field(default_factory=dict)
    unit: str = ""
    notes: tuple[str, ...] = ()

    @property
    def agreement(self) -> dict | None:
        return None if self.tioli_deal is None else self.tioli_deal.agreement

    @property
    def acceptance_probability(self) -> float | None:
        return None if self.tioli is None else float(self.tioli.acceptance_probability)

    def to_dict(self) -> dict[str, Any]:
        P = self.parties
        if not self.configured:
            return {
                "model": "private_information",
                "configured": False,
                "reason": "no prior over types given (models.private_information.types)",
                "options": self.options,
            }
        t = self.tioli
        out: dict[str, Any] = {
            "model": "private_information",
            "configured": True,
            "proposer": self.proposer,
            "informed": self.informed,
            "prior": self.prior,
            "disagreement": self.disagreement,
            "agreement": self.agreement,
            "payoffs": None if self.tioli_deal is None else self.tioli_deal.payoffs,
            "equilibrium_point": (
                None if self.tioli_deal is None else self.tioli_deal.equilibrium_point()
            ),
            "acceptance_probability": float(t.acceptance_probability),
            "accepting_types": None if t.accepting_types is None else list(t.accepting_types),
            "offer": _pd(P, t.offer),
            "expected_payoffs": _pd(P, t.expected_payoffs),
            "deal": None if self.tioli_deal is None else self.tioli_deal.to_dict(),
            "screening": None,
            "unit": self.unit,
            "options": self.options,
            "notes": list(self.notes),
        }
        s = self.screening
        if s is not None:
            deals = self.screening_deals or (None, None)
            out["screening"] = {
                "regime": s.regime,
                "offer_path": [
                    {
                        "round": k + 1,
                        "proposer": self.proposer,
                        "offer": _pd(P, s.offers[k]),
                        "agreement": None if deals[k] is None else deals[k].agreement,
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
                "delta": self.delta,
            }
        return out

    def summary(self) -> str:
        if not self.configured:
            return "not configured (no prior over types)"
        t = self.tioli
        if not t.deal:
            return f"{self.proposer} makes no offer any type of {self.informed} accepts"
        who = ", ".join(t.accepting_types) if t.accepting_types else "some types"
        txt = (
            f"{self.proposer}'s best single offer gives {self.informed} "
            f"{t.offer_to_responder:.2f} {self.unit}, accepted with probability "
            f"{t.acceptance_probability:.2f} ({who})"
        )
        dl = self.tioli_deal
        if dl is not None and not dl.exact:
            txt += (
                dl.flag()
                if dl.agreement is not None
                else " (no real deal: the offer is a lottery of two deals; see equilibrium_point)"
            )
        s = self.screening
        if s is not None:
            txt += (
                f"; two offers: {s.regime}, accepted early {s.accept_early:.2f}, "
                f"late {s.accept_late:.2f}, never {s.never:.2f}"
            )
        return txt


def run_private_information(
    space: OutcomeSpace, options: PrivateInformationScenarioOptions
) -> PrivateInformationRun:
    """Optimal offers of an uninformed proposer (monopoly-pricing logic; Fudenberg & Tirole
    1991, section 10.2) on the scenario's frontier."""
    from sim.bargaining.screening import (
        DiscretePrior,
        UniformPrior,
        screening,
        take_it_or_leave_it,
    )

    P = space.parties
    opts_dump = options.model_dump(mode="json")
    if options.types is None and options.uniform is None:
        return PrivateInformationRun(P, False, options=opts_dump, unit=space.values.unit)
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
        prior_d = {
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
    front = sf.ScenarioFrontier.build(space, "convex")
    chain = front.chain
    tioli = take_it_or_leave_it(chain, prior, proposer=i, d_proposer=float(d[i]))
    notes = []
    d_i = float(d[i])
    deal = front.deal_at(tioli.offer, proposer=i, proposer_min=d_i) if tioli.deal else None
    # screening on the frontier edge of the single offer (closed forms need a line)
    scr = scr_deals = delta = None
    if isinstance(prior, DiscretePrior) and len(prior.values) != 2:
        notes.append("two-period screening is solved for two types or a uniform prior only")
    elif chain.points.shape[0] >= 2:
        line = _chord(chain, prior, j)
        period = options.period_days or sf.mean_round_gap_days(space)
        try:
            dl = sf.discount_pair(space, options.delta, period)
            if line is None:
                raise ValueError("the types' reservation payoffs span no part of the frontier")
            scr = screening(line, prior, proposer=i, d_proposer=float(d[i]), delta=(dl[i], dl[j]))
        except ValueError as exc:
            notes.append(f"no screening: {exc}")
        else:
            delta = _pd(P, dl)
            pts = []
            for x in scr.offers_to_responder:  # the same offers, on the real frontier
                x = float(np.clip(x, *sorted((chain.points[0, j], chain.points[-1, j]))))
                pt = [0.0, 0.0]
                pt[j], pt[i] = x, float(chain.other(j, x))
                pts.append(pt)
            scr_deals = tuple(front.deal_at(pt, proposer=i, proposer_min=d_i) for pt in pts)
            notes.append(
                "screening is solved in closed form on the chord of the frontier between the "
                "lowest and highest reservation payoffs (exact where the frontier is straight); "
                "its offers are then placed on the frontier"
            )
    return PrivateInformationRun(
        parties=P,
        configured=True,
        proposer=P[i],
        informed=P[j],
        prior=prior_d,
        disagreement=_pd(P, d),
        tioli=tioli,
        tioli_deal=deal,
        screening=scr,
        screening_deals=scr_deals,  # type: ignore[arg-type]
        delta=delta,
        options=opts_dump,
        unit=space.values.unit,
        notes=tuple(notes),
    )


def _chord(chain, prior, j: int):
    """The straight frontier between the lowest and highest reservation payoffs of ``j``."""
    from sim.bargaining.chain import Frontier
    from sim.bargaining.screening import DiscretePrior

    lo, hi = (
        (min(prior.values), max(prior.values))
        if isinstance(prior, DiscretePrior)
        else (
            prior.low,
            prior.high,
        )
    )
    ends = sorted((chain.points[0, j], chain.points[-1, j]))
    lo, hi = float(np.clip(lo, *ends)), float(np.clip(hi, *ends))
    if hi - lo <= 1e-12 * max(1.0, abs(hi)):
        return None
    pts = np.zeros((2, 2))
    pts[:, j] = (lo, hi)
    pts[:, 1 - j] = chain.other(j, np.array([lo, hi]))
    return Frontier(pts[np.argsort(pts[:, 0])])


__all__ = ["PrivateInformationRun", "run_private_information"]
