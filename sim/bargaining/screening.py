"""Bargaining when the proposer does not know the responder's reservation value.

The responder's *type* is its reservation payoff ``theta`` (what it gets without a deal, in
the scenario's unit): it accepts an offer worth ``x`` to it iff ``x >= theta``.  The
uninformed proposer knows only a prior over ``theta`` -- two (or more) named types, e.g. a
US that is "hawkish" (high ``theta``) or "keen for an early model deal" (low ``theta``),
or a uniform prior on ``[low, high]``.

* :func:`take_it_or_leave_it` -- one offer: the proposer trades off a better deal against a
  lower chance of acceptance, exactly like a monopolist setting a price (for a uniform prior
  and a linear frontier the offer is the midpoint rule of monopoly pricing).
* :func:`screening` -- two offers with discounting (Fudenberg & Tirole 1991, *Game Theory*,
  section 10.2; Sobel & Takahashi 1983): responders who need little accept early, the others
  wait for a better second offer ("skimming").  Closed forms for a linear frontier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Literal

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, model_validator

from sim.bargaining.chain import Frontier

__all__ = [
    "DiscretePrior",
    "ScreeningResult",
    "TIOLIResult",
    "UniformPrior",
    "screening",
    "take_it_or_leave_it",
]


class DiscretePrior(BaseModel):
    """Finitely many responder types: reservation ``values`` with ``probs`` (sum to 1)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["discrete"] = "discrete"
    values: tuple[float, ...]
    probs: tuple[Annotated[float, Field(ge=0)], ...]
    labels: tuple[str, ...] | None = None

    @model_validator(mode="after")
    def _check(self) -> DiscretePrior:
        if len(self.values) < 1 or len(self.values) != len(self.probs):
            raise ValueError("A discrete prior needs one probability per type value.")
        if self.labels is not None and len(self.labels) != len(self.values):
            raise ValueError("A discrete prior needs one label per type value.")
        if abs(sum(self.probs) - 1.0) > 1e-9:
            raise ValueError(f"The prior's probabilities sum to {sum(self.probs):g}, not 1.")
        if len(set(self.values)) != len(self.values):
            raise ValueError("The types of a discrete prior must have distinct values.")
        return self


class UniformPrior(BaseModel):
    """Reservation value uniformly distributed on ``[low, high]``."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    kind: Literal["uniform"] = "uniform"
    low: float
    high: float

    @model_validator(mode="after")
    def _check(self) -> UniformPrior:
        if not self.low < self.high:
            raise ValueError(f"A uniform prior needs low < high; got [{self.low}, {self.high}].")
        return self


def _prior(prior) -> DiscretePrior | UniformPrior:
    if isinstance(prior, DiscretePrior | UniformPrior):
        return prior
    if isinstance(prior, dict):
        return (UniformPrior if prior.get("kind") == "uniform" else DiscretePrior)(**prior)
    raise ValueError("prior must be a DiscretePrior, a UniformPrior or a dict describing one.")


@dataclass(frozen=True)
class TIOLIResult:
    """Optimal take-it-or-leave-it offer to a responder of unknown type.

    ``offer`` is the proposed point ``(u1, u2)``, ``acceptance_probability`` the prior
    probability that it is accepted, ``expected_payoffs`` each side's expected payoff
    (a rejecting responder keeps its reservation value, the proposer its ``d_proposer``),
    ``accepting_types`` the labels of the types that accept (discrete priors).
    """

    proposer: int
    deal: bool
    offer: tuple[float, float] | None
    offer_to_responder: float | None
    acceptance_probability: float
    expected_payoffs: tuple[float, float]
    accepting_types: tuple[str, ...] | None

    def to_dict(self) -> dict:
        return {
            "model": "private_information",
            "kind": "take_it_or_leave_it",
            "proposer": self.proposer,
            "deal": self.deal,
            "offer": None if self.offer is None else list(self.offer),
            "offer_to_responder": self.offer_to_responder,
            "acceptance_probability": self.acceptance_probability,
            "expected_payoffs": list(self.expected_payoffs),
            "accepting_types": None if self.accepting_types is None else list(self.accepting_types),
        }


def _point(frontier: Frontier, j: int, x: float) -> tuple[float, float]:
    other = float(frontier.other(j, x))
    return (x, other) if j == 0 else (other, x)


def take_it_or_leave_it(
    frontier: Frontier, prior, *, proposer: int = 0, d_proposer: float = 0.0
) -> TIOLIResult:
    """The uninformed proposer's optimal single offer and its acceptance probability.

    The proposer maximises ``F(x) * (g(x) - d_proposer)`` over the responder's payoff ``x``,
    where ``F`` is the prior CDF of the responder's reservation value and ``g`` the
    proposer's payoff on the frontier.  For a discrete prior the optimum offers exactly one
    type's reservation value; for a uniform prior on ``[a, b]`` and a pie of size ``S``
    (``d_proposer = 0``) it is ``x* = clip((S + a) / 2, a, b)``, accepted with probability
    ``(x* - a) / (b - a)`` (monopoly pricing against a uniform demand).  Ties go to the
    offer accepted more often.

    Examples
    --------
    >>> res = take_it_or_leave_it(Frontier.from_pie(1.0), UniformPrior(low=0, high=1))
    >>> res.offer_to_responder, res.acceptance_probability
    (0.5, 0.5)
    """
    prior = _prior(prior)
    if proposer not in (0, 1):
        raise ValueError(f"proposer must be 0 or 1; got {proposer}.")
    j = 1 - proposer
    lo_j = frontier.min_u2 if j == 1 else frontier.min_u1
    hi_j = frontier.max_of(j)
    g = lambda x: np.asarray(frontier.other(j, x), dtype=float)  # noqa: E731
    if isinstance(prior, DiscretePrior):
        th = np.asarray(prior.values, dtype=float)
        pr = np.asarray(prior.probs, dtype=float)
        cand = np.maximum(th[th <= hi_j], lo_j)
        F = np.array([pr[th <= c].sum() for c in cand])
        gain = F * (g(cand) - d_proposer)
    else:
        a, b = prior.low, prior.high
        x = frontier.points[:, j]
        seg_lo, seg_hi = np.minimum(x[:-1], x[1:]), np.maximum(x[:-1], x[1:])
        cand = [np.clip([lo_j, hi_j, a, b], lo_j, hi_j), x]
        if x.size > 1:  # stationary point of (x - a)(alpha - d - beta x) on each segment
            y = frontier.points[:, proposer]
            beta = -(y[1:] - y[:-1]) / (x[1:] - x[:-1])
            alpha = y[:-1] + beta * x[:-1]
            cand.append(np.clip((alpha - d_proposer + beta * a) / (2 * beta), seg_lo, seg_hi))
        cand = np.unique(np.concatenate(cand))
        F = np.clip((cand - a) / (b - a), 0.0, 1.0)
        gain = F * (g(cand) - d_proposer)
    ok = (F > 0) & (gain >= 0)
    if not ok.any():
        pay = [0.0, 0.0]
        pay[proposer] = float(d_proposer)
        pay[j] = _mean(prior)
        return TIOLIResult(proposer, False, None, None, 0.0, tuple(pay), None)
    best = np.flatnonzero(ok & (gain >= gain[ok].max() - 1e-12 * (1 + abs(gain[ok].max()))))
    k = best[np.argmax(F[best])]
    xo, Fo = float(cand[k]), float(F[k])
    pay = [0.0, 0.0]
    pay[proposer] = float(d_proposer + gain[k])
    pay[j] = _responder_expected(prior, xo)
    labels = None
    if isinstance(prior, DiscretePrior):
        names = prior.labels or tuple(f"type {i + 1}" for i in range(len(prior.values)))
        labels = tuple(n for n, v in zip(names, prior.values, strict=True) if v <= xo)
    return TIOLIResult(proposer, True, _point(frontier, j, xo), xo, Fo, tuple(pay), labels)


def _mean(prior) -> float:
    if isinstance(prior, DiscretePrior):
        return float(np.dot(prior.values, prior.probs))
    return 0.5 * (prior.low + prior.high)


def _responder_expected(prior, x: float) -> float:
    """E[max(x, theta)]: accept when the offer beats the reservation value."""
    if isinstance(prior, DiscretePrior):
        return float(np.dot(np.maximum(x, prior.values), prior.probs))
    a, b = prior.low, prior.high
    xc = min(max(x, a), b)
    return float(((xc - a) * x + (b * b - xc * xc) / 2) / (b - a))


@dataclass(frozen=True)
class ScreeningResult:
    """Two-period screening (Fudenberg & Tirole 1991, section 10.2).

    Offers are in the responder's payoff (``offers_to_responder``) and as frontier points
    (``offers``).  ``accept_early`` / ``accept_late`` are the prior probabilities that the
    responder accepts the first / second offer; ``cutoff`` the reservation value below which
    types accept at once (uniform prior).  ``regime`` names the proposer's plan:
    ``"pool"`` (everyone accepts the first offer), ``"screen"`` (low-reservation types accept
    early, others wait), ``"exclude"`` (the high-reservation type is never served; in the
    two-type case the other type then accepts with a probability, ``mix``).
    ``proposer_value`` is the proposer's expected discounted gain over ``d_proposer``.
    """

    proposer: int
    regime: str
    offers_to_responder: tuple[float, float]
    offers: tuple[tuple[float, float], tuple[float, float]]
    accept_early: float
    accept_late: float
    never: float
    cutoff: float | None
    mix: float | None
    proposer_value: float
    early_types: tuple[str, ...] | None
    late_types: tuple[str, ...] | None

    def to_dict(self) -> dict:
        return {
            "model": "private_information",
            "kind": "screening",
            "proposer": self.proposer,
            "regime": self.regime,
            "offers_to_responder": list(self.offers_to_responder),
            "offers": [list(o) for o in self.offers],
            "acceptance_probabilities": {
                "early": self.accept_early,
                "late": self.accept_late,
                "never": self.never,
            },
            "cutoff": self.cutoff,
            "mix": self.mix,
            "proposer_value": self.proposer_value,
            "early_types": None if self.early_types is None else list(self.early_types),
            "late_types": None if self.late_types is None else list(self.late_types),
        }


def _on_segment(x: float, ends) -> float:
    """``x`` moved onto the segment's range of the responder's payoff ``ends`` when it lies
    outside only by rounding (an offer of the highest reservation value that is the
    segment's end); an offer beyond the segment is an error, never a non-finite point."""
    lo, hi = float(min(ends)), float(max(ends))
    tol = 1e-9 * max(1.0, abs(lo), abs(hi))
    if not (np.isfinite(x) and lo - tol <= x <= hi + tol):
        raise ValueError(
            f"The screening offer {x:g} lies outside the frontier segment [{lo:g}, {hi:g}]: "
            "the types' reservation payoffs must lie on the segment."
        )
    return min(max(x, lo), hi)


def _uniform_two_period(lv: float, hv: float, ds: float, db: float):
    """Zero-cost seller, buyer values U[lv, hv]: best first-period cutoff (closed forms).

    Returns (profit, p1, p2, kappa) with profit per unit mass; kappa = value above which
    buyers accept p1.  Regime A: p2 = kappa / 2; regime B: p2 = lv (all remaining buy).
    """
    w = hv - lv
    cands = [hv, max(lv, 0.0)]
    a_lo = max(2 * lv, 0.0)
    if a_lo <= hv:
        ka = (2 - db) * hv / (4 - 2 * db - ds)
        cands += [a_lo, min(max(ka, a_lo), hv)]
    if lv > 0:
        b_hi = min(2 * lv, hv)
        if db < 1:
            kb = ((1 - db) * hv + (ds - db) * lv) / (2 * (1 - db))
            cands.append(min(max(kb, lv), b_hi))
        cands.append(b_hi)
    best = None
    for k in cands:
        p2 = max(k / 2, lv)
        p1 = k - db * (k - p2)  # type k is indifferent (at k = hv nobody buys early)
        prof = (p1 * (hv - k) + ds * p2 * max(k - p2, 0.0)) / w
        if best is None or prof > best[0] + 1e-15:
            best = (prof, p1, p2, k)
    return best


def screening(
    frontier: Frontier,
    prior,
    *,
    proposer: int = 0,
    d_proposer: float = 0.0,
    delta: tuple[float, float] = (0.9, 0.9),
) -> ScreeningResult:
    """Two-period screening by an uninformed proposer with discounting.

    Parameters
    ----------
    frontier : Frontier
        Must be linear (two vertices): on a segment the problem is the Coasian seller's
        (Fudenberg & Tirole 1991, section 10.2.1) with the proposer's gain as the "price".
    prior : DiscretePrior with two types, or UniformPrior
        The responder's reservation value.
    delta : (proposer's, responder's) discount factor between the two offers, in [0, 1].

    Notes
    -----
    Uniform values on ``[0, 1]`` (``lv = 0``) and equal discount factors give the textbook
    solution: the cutoff ``kappa = (2 - delta) / (4 - 3 delta)``, first price
    ``(2 - delta)^2 / (2 (4 - 3 delta))``, second price ``kappa / 2``.  With two types
    ``v_L < v_H`` (high probability ``q``) the proposer compares pooling (``v_L``), screening
    (``q ((1 - delta_R) v_H + delta_R v_L) + (1 - q) delta_P v_L``) and, when
    ``q > v_L / v_H``, excluding the low type with mixed acceptance
    (``q v_H - (1 - delta_P) v_H v_L (1 - q) / (v_H - v_L)``).
    """
    prior = _prior(prior)
    if frontier.points.shape[0] != 2:
        raise ValueError(
            "Two-period screening needs a linear frontier (two vertices); pass the segment "
            "the deal lies on."
        )
    ds, db = (float(v) for v in delta)
    if not (0 <= ds <= 1 and 0 <= db <= 1):
        raise ValueError(f"Screening discount factors must lie in [0, 1]; got {delta}.")
    j = 1 - proposer
    # proposer gain pi = alpha - d - beta * x  (x: responder payoff); value v = alpha-d-beta*theta
    pj, pp = frontier.points[:, j], frontier.points[:, proposer]
    beta = -(pp[1] - pp[0]) / (pj[1] - pj[0])
    alpha = pp[0] + beta * pj[0]

    def v_of(theta):
        return alpha - d_proposer - beta * np.asarray(theta, dtype=float)

    def x_of(price):
        return float((alpha - d_proposer - price) / beta)

    early_t = late_t = None
    cutoff = mix = None
    if isinstance(prior, UniformPrior):
        hv, lv = float(v_of(prior.low)), float(v_of(prior.high))
        if hv <= 0:
            raise ValueError("No type of responder can be satisfied on this frontier.")
        prof, p1, p2, kap = _uniform_two_period(lv, hv, ds, db)
        early = (hv - kap) / (hv - lv)
        late = max(kap - p2, 0.0) / (hv - lv)
        regime = "pool" if kap <= max(lv, 0.0) + 1e-15 else "screen"
        cutoff = x_of(kap)  # types with reservation below this accept at once
    else:
        if len(prior.values) != 2:
            raise ValueError("Two-period screening is solved in closed form for two types.")
        order = np.argsort(prior.values)  # low reservation = high value
        th = np.asarray(prior.values)[order]
        q = float(np.asarray(prior.probs)[order][0])
        names = prior.labels or ("type 1", "type 2")
        names = tuple(names[i] for i in order)
        vH, vL = float(v_of(th[0])), float(v_of(th[1]))
        if vH <= 0:
            raise ValueError("No type of responder can be satisfied on this frontier.")
        opts = []
        if vL > 0:
            opts.append((vL, "pool", vL, vL, 1.0, 0.0, None))
            p1 = (1 - db) * vH + db * vL
            opts.append((q * p1 + (1 - q) * ds * vL, "screen", p1, vL, q, 1 - q, None))
        mu = max(vL, 0.0) / vH
        if q > mu or vL <= 0:
            late_h = 0.0 if vL <= 0 else max(vL, 0.0) * (1 - q) / (vH - vL)  # q(1 - beta)
            prof_c = q * vH - (1 - ds) * vH * late_h
            opts.append((prof_c, "exclude", vH, vH, q - late_h, late_h, (q - late_h) / q))
        top = max(o[0] for o in opts)
        # ties: prefer the earlier listed plan (pool, then screen): earlier agreement
        prof, regime, p1, p2, early, late, mix = next(
            o for o in opts if o[0] >= top - 1e-12 * (1 + abs(top))
        )
        early_t = {"pool": names, "screen": names[:1], "exclude": names[:1]}[regime]
        late_t = {"pool": (), "screen": names[1:], "exclude": names[:1] if late else ()}[regime]
    x1, x2 = (_on_segment(x_of(p), pj) for p in (p1, p2))
    return ScreeningResult(
        proposer=proposer,
        regime=regime,
        offers_to_responder=(x1, x2),
        offers=(_point(frontier, j, x1), _point(frontier, j, x2)),
        accept_early=float(early),
        accept_late=float(late),
        never=float(max(0.0, 1 - early - late)),
        cutoff=None if cutoff is None else float(cutoff),
        mix=None if mix is None else float(mix),
        proposer_value=float(prof),
        early_types=early_t,
        late_types=late_t,
    )
