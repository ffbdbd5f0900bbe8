"""Alternating offers over dated rounds that end at a deadline (finite horizon).

The scenario's calendar (e.g. 2025-04-16, 05-01, 05-23, 05-30, the G7 in mid-June and the
July 9 end of the tariff suspension) gives the rounds.  Before the deadline the status quo
``d_before`` holds; from the deadline on ``d_after`` does (the reciprocal tariff returns).
Payoffs are flows (scenario unit per year), so the value at time ``t`` of never agreeing is

    S_j(t) = d_after_j + (d_before_j - d_after_j) * (1 - exp(-r_j * max(D - t, 0)))

(a present-value-weighted mix of the two regimes, ``D`` the deadline).  Backward induction
(Ståhl 1972; Osborne & Rubinstein 1990, section 3.6): in the last round the responder
accepts anything worth its disagreement value ``S_j``; in an earlier round ``k`` it accepts
what it would get by rejecting::

    R_j(k) = S_j(t_k) + (1 - p_k) * delta_j(k) * (V_j(k+1) - S_j(t_{k+1}))

with ``delta_j(k) = exp(-r_j (t_{k+1} - t_k))`` and breakdown probability ``p_k`` after a
rejection in round ``k`` (on breakdown, permanent disagreement from ``t_k``).  The proposer
offers exactly ``R_j`` if it then keeps at least its own ``R_i``; otherwise no acceptable
offer exists in that round and play moves on.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.bargaining.chain import Frontier

__all__ = ["DeadlineResult", "deadline"]

_DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class DeadlineResult:
    """Subgame-perfect equilibrium of alternating offers over dated rounds.

    Per-round arrays (length T, round ``k`` is ``k + 1`` in ``agreement_round``):
    ``offers`` the point the proposer of round k offers if that round is reached (NaN when
    no offer acceptable to both exists), ``accepts`` whether it is accepted, ``values`` each
    side's SPE payoff if round k is reached, ``reservation`` what each side gets by refusing,
    ``disagreement`` the value of never agreeing from that date, ``p_deal_by`` the
    probability a deal is done by round k (on the equilibrium path).
    """

    agreement: bool
    agreement_round: int | None
    agreement_date: str | None
    payoffs: tuple[float, float]
    agreement_payoffs: tuple[float, float] | None
    dates: tuple[str, ...] | None
    proposers: tuple[int, ...]
    offers: np.ndarray
    accepts: np.ndarray
    values: np.ndarray
    reservation: np.ndarray
    disagreement: np.ndarray
    discount: np.ndarray
    breakdown: np.ndarray
    p_deal_by: np.ndarray
    p_no_deal: float
    deadline_time: float
    times: np.ndarray
    segment: int | None
    weight: float | None
    tags: tuple[int, int] | None
    deadline_effect: dict
    reason: str

    @property
    def offer_path(self) -> list[dict]:
        """What each proposer would offer in each round, as records."""
        out = []
        for k in range(len(self.proposers)):
            off = self.offers[k]
            out.append(
                {
                    "round": k + 1,
                    "date": None if self.dates is None else self.dates[k],
                    "proposer": int(self.proposers[k]),
                    "offer": None if np.isnan(off).any() else [float(off[0]), float(off[1])],
                    "accepted": bool(self.accepts[k]),
                }
            )
        return out

    def to_dict(self) -> dict:
        """JSON-safe dictionary (builtins only)."""

        def rows(a):
            return [[None if np.isnan(v) else float(v) for v in r] for r in a]

        return {
            "model": "deadline",
            "agreement": self.agreement,
            "agreement_round": self.agreement_round,
            "agreement_date": self.agreement_date,
            "payoffs": list(self.payoffs),
            "agreement_payoffs": None
            if self.agreement_payoffs is None
            else list(self.agreement_payoffs),
            "offer_path": self.offer_path,
            "payoffs_by_round": rows(self.values),
            "reservation_by_round": rows(self.reservation),
            "disagreement_by_round": rows(self.disagreement),
            "p_deal_by": [float(v) for v in self.p_deal_by],
            "p_no_deal": self.p_no_deal,
            "dates": None if self.dates is None else list(self.dates),
            "segment": self.segment,
            "weight": self.weight,
            "tags": None if self.tags is None else list(self.tags),
            "deadline_effect": self.deadline_effect,
            "reason": self.reason,
        }

    def to_frame(self):
        """One row per round: offers, acceptance, values, disagreement, P(deal by)."""
        import pandas as pd

        t = len(self.proposers)
        return pd.DataFrame(
            {
                "round": np.arange(1, t + 1),
                "date": list(self.dates) if self.dates is not None else [None] * t,
                "proposer": list(self.proposers),
                "offer_u1": self.offers[:, 0],
                "offer_u2": self.offers[:, 1],
                "accepted": self.accepts,
                "value_u1": self.values[:, 0],
                "value_u2": self.values[:, 1],
                "reservation_u1": self.reservation[:, 0],
                "reservation_u2": self.reservation[:, 1],
                "disagreement_u1": self.disagreement[:, 0],
                "disagreement_u2": self.disagreement[:, 1],
                "p_deal_by": self.p_deal_by,
            }
        )


def _as_date(x) -> dt.date:
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    try:
        return dt.date.fromisoformat(str(x))
    except ValueError as exc:
        raise ValueError(f"Not a date (YYYY-MM-DD): {x!r}.") from exc


def _times(rounds, deadline_at, delta, rates):
    """Round times, deadline time and per-party rates in a common unit."""
    if (delta is None) == (rates is None):
        raise ValueError("Give either per-round discount factors (delta) or yearly rates.")
    if isinstance(rounds, int | np.integer):
        if rounds < 1:
            raise ValueError(f"Need at least one round; got {rounds}.")
        dates = None
        n = int(rounds)
    else:
        dates = [_as_date(x) for x in rounds]
        n = len(dates)
        if n < 1:
            raise ValueError("Need at least one dated round.")
        if any(b <= a for a, b in itertools.pairwise(dates)):
            raise ValueError("Round dates must be strictly increasing.")
    if delta is not None:
        dl = np.asarray(delta, dtype=float).reshape(-1)
        if dl.size != 2 or np.any(~np.isfinite(dl)) or np.any(dl <= 0) or np.any(dl > 1):
            raise ValueError(f"A discount factor must lie in (0, 1]; got {np.ravel(delta)}.")
        r = -np.log(dl)  # per round: time unit is one round
        tau = np.arange(n, dtype=float)
        if deadline_at is None:
            tau_d = float(n - 1)
        elif isinstance(deadline_at, int | np.integer):
            tau_d = float(deadline_at)
        else:
            if dates is None:
                raise ValueError("A deadline date needs dated rounds.")
            dd = _as_date(deadline_at)
            tau_d = float(sum(x < dd for x in dates))
    else:
        r = np.asarray(rates, dtype=float).reshape(-1)
        if r.size != 2 or np.any(~np.isfinite(r)) or np.any(r < 0):
            raise ValueError(f"Yearly discount rates must be two finite numbers >= 0; got {r}.")
        if dates is None:
            raise ValueError("Yearly discount rates need dated rounds.")
        tau = np.array([(x - dates[0]).days for x in dates], dtype=float) / _DAYS_PER_YEAR
        if deadline_at is None:
            tau_d = float(tau[-1])
        elif isinstance(deadline_at, int | np.integer):
            if not 0 <= deadline_at < n:
                raise ValueError(f"The deadline index {deadline_at} is not a round (0..{n - 1}).")
            tau_d = float(tau[deadline_at])
        else:
            tau_d = (_as_date(deadline_at) - dates[0]).days / _DAYS_PER_YEAR
    iso = None if dates is None else tuple(x.isoformat() for x in dates)
    return n, iso, tau, tau_d, r


def deadline(
    frontier: Frontier | Sequence[Frontier],
    rounds: int | Sequence[dt.date | str],
    *,
    d_before: ArrayLike,
    d_after: ArrayLike | None = None,
    deadline_at: dt.date | str | int | None = None,
    delta: ArrayLike | None = None,
    rates: ArrayLike | None = None,
    breakdown: float | ArrayLike = 0.0,
    proposers: Sequence[int] | None = None,
    first_proposer: int = 0,
    changes: Sequence[tuple[dt.date | str, ArrayLike]] = (),
) -> DeadlineResult:
    """Solve finite-horizon alternating offers over dated rounds by backward induction.

    Parameters
    ----------
    frontier : Frontier or sequence of Frontier
        The Pareto frontier, or one per round (when the feasible deals change over time).
    rounds : int or sequence of dates
        Number of rounds, or their dates (``datetime.date`` or ISO strings).
    d_before, d_after : array_like, shape (2,)
        Disagreement payoff flows before and from the deadline (``d_after`` defaults to
        ``d_before``: no deadline effect on the disagreement point).
    deadline_at : date, str or int, optional
        The deadline: a date, or a round index.  Default: the last round.
    delta : array_like, shape (2,), optional
        Per-round discount factors in (0, 1] (time is then counted in rounds).
    rates : array_like, shape (2,), optional
        Yearly discount rates (needs dated rounds): per-round factors follow the calendar.
    breakdown : float or array_like, shape (T,)
        Probability that talks break down after a rejection in each round.
    proposers : sequence of {0, 1}, optional
        Proposer of each round; default alternating from ``first_proposer``.
    changes : sequence of (date, array_like), optional
        Dated changes of the disagreement flow (needs dated rounds): the flow is
        ``d_before`` until the first change and each change's value from its date on.
        When given, they replace the single switch from ``d_before`` to ``d_after`` at
        ``deadline_at`` (which then only marks the deadline).

    Returns
    -------
    DeadlineResult

    Notes
    -----
    With a pie of size 1, ``d = 0``, constant ``delta`` and ``T`` rounds (party 1 first)
    party 1 gets ``(1 - d2)(1 - (d1 d2)^n) / (1 - d1 d2)`` for ``T = 2n`` and that plus
    ``(d1 d2)^n`` for ``T = 2n + 1`` (Ståhl 1972); as ``T`` grows this tends to the
    Rubinstein share.  With complete information, agreement (if any) comes in the first
    round whose proposer can satisfy the responder; with a single frontier that is round 1.

    Examples
    --------
    >>> res = deadline(Frontier.from_pie(1.0), 3, d_before=[0, 0], delta=[0.9, 0.9])
    >>> res.agreement_round, round(res.payoffs[0], 4)
    (1, 0.91)
    """
    n, dates, tau, tau_d, r = _times(rounds, deadline_at, delta, rates)
    fr = [frontier] * n if isinstance(frontier, Frontier) else list(frontier)
    if len(fr) != n or not all(isinstance(f, Frontier) for f in fr):
        raise ValueError(f"Need one Frontier, or one per round ({n}); got {len(fr)}.")
    db = np.asarray(d_before, dtype=float).reshape(-1)
    da = db if d_after is None else np.asarray(d_after, dtype=float).reshape(-1)
    if db.size != 2 or da.size != 2 or not np.all(np.isfinite(np.r_[db, da])):
        raise ValueError("Disagreement points need two finite numbers each.")
    p = np.broadcast_to(np.asarray(breakdown, dtype=float), (n,)).copy()
    if np.any(~np.isfinite(p)) or np.any(p < 0) or np.any(p >= 1):
        raise ValueError(f"Breakdown probabilities must lie in [0, 1); got {p.tolist()}.")
    if proposers is None:
        if first_proposer not in (0, 1):
            raise ValueError(f"first_proposer must be 0 or 1; got {first_proposer}.")
        prop = (first_proposer + np.arange(n)) % 2
    else:
        prop = np.asarray(proposers, dtype=int)
        if prop.shape != (n,) or np.any((prop != 0) & (prop != 1)):
            raise ValueError(f"Need one proposer (0 or 1) per round ({n}).")

    # value of never agreeing from each round's date, per party: shape (n, 2)
    S = _no_deal_values(tau, db, _steps(changes, dates, delta, tau_d, da), r)
    disc = np.exp(-r[None, :] * np.diff(tau)[:, None])  # (n-1, 2)
    disc = np.vstack([disc, np.full((1, 2), np.nan)])

    offers = np.full((n, 2), np.nan)
    accepts = np.zeros(n, dtype=bool)
    V = np.zeros((n, 2))
    R = np.zeros((n, 2))
    for k in range(n - 1, -1, -1):
        if k == n - 1:
            R[k] = S[k]
        else:
            R[k] = S[k] + (1 - p[k]) * disc[k] * (V[k + 1] - S[k + 1])
        i = int(prop[k])
        j = 1 - i
        f = fr[k]
        lo_j = f.min_u2 if j == 1 else f.min_u1  # j's payoff at i's best point
        give = max(R[k, j], lo_j)
        keep = float(f.other(j, give)) if give <= f.max_of(j) else -np.inf
        if keep >= R[k, i]:
            offers[k, j], offers[k, i] = give, keep
            accepts[k] = True
            V[k] = offers[k]
        else:
            V[k] = R[k]

    agree_idx = np.flatnonzero(accepts)
    survive = np.concatenate([[1.0], np.cumprod(1 - p[:-1])])  # P(no breakdown before k)
    p_by = np.zeros(n)
    if agree_idx.size:
        k0 = int(agree_idx[0])
        p_by[k0:] = survive[k0]
        loc = fr[k0].locate(offers[k0, 0])
        seg, w = int(loc.segment[0]), float(loc.weight[0])
        tags = None if loc.tags is None else (int(loc.tags[0][0]), int(loc.tags[1][0]))
        when = f"round {k0 + 1}" + ("" if dates is None else f" ({dates[k0]})")
        if k0 == 0:
            reason = (
                f"Immediate agreement in {when}: with complete information the first "
                "proposer's offer is accepted."
            )
        else:
            reason = (
                f"Agreement in {when}: no offer acceptable to both exists before it; the "
                f"probability of breakdown before then is {1 - survive[k0]:.3g}."
            )
    else:
        k0 = None
        seg = w = tags = None
        reason = "No agreement: in no round does an outcome beat both sides' disagreement values."

    effect = _deadline_effect(offers, prop, S)
    return DeadlineResult(
        agreement=k0 is not None,
        agreement_round=None if k0 is None else k0 + 1,
        agreement_date=None if (k0 is None or dates is None) else dates[k0],
        payoffs=(float(V[0, 0]), float(V[0, 1])),
        agreement_payoffs=None if k0 is None else (float(offers[k0, 0]), float(offers[k0, 1])),
        dates=dates,
        proposers=tuple(int(x) for x in prop),
        offers=offers,
        accepts=accepts,
        values=V,
        reservation=R,
        disagreement=S,
        discount=disc,
        breakdown=p,
        p_deal_by=p_by,
        p_no_deal=float(1 - p_by[-1]),
        deadline_time=tau_d,
        times=tau,
        segment=seg,
        weight=w,
        tags=tags,
        deadline_effect=effect,
        reason=reason,
    )


def _steps(changes, dates, delta, tau_d: float, da: np.ndarray) -> list:
    """``(time, flow)`` of each change of the disagreement flow, in the rounds' time unit."""
    if not changes:
        return [(tau_d, da)]
    if dates is None:
        raise ValueError("Dated changes of the disagreement point need dated rounds.")
    first = _as_date(dates[0])
    out = []
    for when, flow in changes:
        d = np.asarray(flow, dtype=float).reshape(-1)
        if d.size != 2 or not np.all(np.isfinite(d)):
            raise ValueError("Disagreement points need two finite numbers each.")
        day = _as_date(when)
        if delta is not None:  # time counted in rounds: the change comes at the next round
            t = float(sum(_as_date(x) < day for x in dates))
        else:
            t = (day - first).days / _DAYS_PER_YEAR
        out.append((t, d))
    return sorted(out, key=lambda step: step[0])


def _no_deal_values(tau: np.ndarray, d0: np.ndarray, steps: list, r: np.ndarray) -> np.ndarray:
    """Present value (as a flow) of never agreeing from each time ``tau``: the flow in force
    then, plus each later jump discounted to ``tau``,
    ``S(tau) = d(tau) + sum_{t_c > tau} (d_c - d_{c-1}) exp(-r (t_c - tau))``."""
    S = np.broadcast_to(d0, (tau.size, 2)).astype(float)
    prev = d0
    for t, d in steps:
        jump = d - prev
        wait = (t - tau)[:, None]
        S = S + np.where(wait > 0, jump * np.exp(-r[None, :] * np.maximum(wait, 0.0)), jump)
        prev = d
    return S


def _deadline_effect(offers: np.ndarray, prop: np.ndarray, S: np.ndarray) -> dict:
    """How each proposer's offers and the disagreement values move towards the deadline."""
    out: dict = {
        "disagreement_first": [float(v) for v in S[0]],
        "disagreement_last": [float(v) for v in S[-1]],
        "disagreement_shift": [float(v) for v in S[-1] - S[0]],
    }
    for i in (0, 1):
        ks = [k for k in np.flatnonzero(prop == i) if not np.isnan(offers[k]).any()]
        key = f"party_{i + 1}_offer_shift"
        out[key] = [float(v) for v in offers[ks[-1]] - offers[ks[0]]] if len(ks) >= 2 else None
    return out
