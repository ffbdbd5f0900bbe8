"""Alternating offers with an infinite horizon (Rubinstein 1982) on a general frontier.

Two parties take turns proposing a point on the Pareto frontier; the responder accepts,
rejects (the game moves to the next round, after which the roles swap), or, if it has an
outside option, leaves and takes it.  After each rejection talks break down with
probability ``breakdown`` and both get the disagreement point ``d`` (Binmore, Rubinstein &
Wolinsky 1986).  While talks go on both live with the status quo ``d`` (an inside option,
Muthoo 1999, ch. 5), so delay costs each party its discount on the surplus over ``d``.

In the stationary subgame-perfect equilibrium party 1 always offers ``x`` and party 2
always offers ``y``, with the responder indifferent between accepting and its best
alternative (Osborne & Rubinstein 1990, Prop. 3.3; the outside-option principle of
Binmore, Shaked & Sutton 1989, Osborne & Rubinstein 1990, section 3.12)::

    x2 = max(o2, d2 + (1 - p) * delta2 * (y2 - d2))
    y1 = max(o1, d1 + (1 - p) * delta1 * (x1 - d1))

The first proposer's offer is accepted at once.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from sim.bargaining.chain import Frontier

__all__ = [
    "RubinsteinResult",
    "discount_factors",
    "nash_weights_limit",
    "rubinstein",
]


def discount_factors(
    delta: ArrayLike | None = None,
    rates: ArrayLike | None = None,
    period_years: float | None = None,
) -> np.ndarray:
    """Per-round discount factors, given directly or as ``exp(-rate * period_years)``.

    Raises
    ------
    ValueError
        If neither or both forms are given, or a factor is outside (0, 1].
    """
    if (delta is None) == (rates is None):
        raise ValueError("Give either discount factors (delta) or yearly rates with a period.")
    if delta is not None:
        out = np.asarray(delta, dtype=float).reshape(-1)
    else:
        r = np.asarray(rates, dtype=float).reshape(-1)
        if period_years is None or not period_years > 0:
            raise ValueError("Yearly discount rates need a positive period between rounds.")
        if np.any(~np.isfinite(r)) or np.any(r < 0):
            raise ValueError(f"Discount rates must be finite and >= 0; got {r.tolist()}.")
        out = np.exp(-r * period_years)
    if out.size != 2:
        raise ValueError(f"Need one discount factor per party (2); got {out.size}.")
    if np.any(~np.isfinite(out)) or np.any(out <= 0) or np.any(out > 1):
        raise ValueError(f"A discount factor must lie in (0, 1]; got {out.tolist()}.")
    return out


def _pair(v: ArrayLike | None, fill: float, name: str) -> np.ndarray:
    if v is None:
        return np.full(2, fill)
    arr = np.array([fill if x is None else x for x in v], dtype=float)
    if arr.shape != (2,) or np.any(np.isnan(arr)):
        raise ValueError(f"{name} needs one number per party (2).")
    return arr


def _tup(a) -> tuple[float, float] | None:
    return None if a is None else (float(a[0]), float(a[1]))


@dataclass(frozen=True)
class RubinsteinResult:
    """Stationary SPE of alternating offers.

    ``offer_by_1`` / ``offer_by_2`` are the points each party proposes whenever it is its
    turn; ``payoffs`` is the immediate agreement (the first proposer's offer) or ``None``
    when no agreement is possible.  ``agreement_round`` is 1 (agreement is immediate) or
    ``None``.  ``outside_binding[i]`` says whether party i's outside option sets its
    acceptance threshold.  ``unique`` is False when several stationary equilibria were found
    (possible on a non-concave frontier or with no discounting); the reported one is the
    most favourable to party 2 and ``equilibria`` lists all of them as ``(x, y)`` pairs.
    """

    agreement: bool
    proposer: int
    payoffs: tuple[float, float] | None
    offer_by_1: tuple[float, float] | None
    offer_by_2: tuple[float, float] | None
    agreement_round: int | None
    delta: tuple[float, float]
    effective_delta: tuple[float, float]
    breakdown: float
    disagreement: tuple[float, float]
    outside: tuple[float | None, float | None]
    outside_binding: tuple[bool, bool]
    unique: bool
    equilibria: tuple[tuple[tuple[float, float], tuple[float, float]], ...]
    segment: int | None
    weight: float | None
    tags: tuple[int, int] | None
    reason: str

    @property
    def proposer_payoff(self) -> float | None:
        return None if self.payoffs is None else self.payoffs[self.proposer]

    @property
    def responder_payoff(self) -> float | None:
        return None if self.payoffs is None else self.payoffs[1 - self.proposer]

    def to_dict(self) -> dict:
        """JSON-safe dictionary (builtins only)."""
        return {
            "model": "rubinstein",
            "agreement": self.agreement,
            "proposer": self.proposer,
            "payoffs": None if self.payoffs is None else list(self.payoffs),
            "proposer_payoff": self.proposer_payoff,
            "responder_payoff": self.responder_payoff,
            "offer_by_1": None if self.offer_by_1 is None else list(self.offer_by_1),
            "offer_by_2": None if self.offer_by_2 is None else list(self.offer_by_2),
            "agreement_round": self.agreement_round,
            "delta": list(self.delta),
            "effective_delta": list(self.effective_delta),
            "breakdown": self.breakdown,
            "disagreement": list(self.disagreement),
            "outside": list(self.outside),
            "outside_binding": list(self.outside_binding),
            "unique": self.unique,
            "equilibria": [[list(x), list(y)] for x, y in self.equilibria],
            "segment": self.segment,
            "weight": self.weight,
            "tags": None if self.tags is None else list(self.tags),
            "reason": self.reason,
        }

    def to_frame(self):
        """The two stationary offers as a table (one row per proposer)."""
        import pandas as pd

        rows = []
        for i, off in enumerate((self.offer_by_1, self.offer_by_2)):
            rows.append(
                {
                    "proposer": i,
                    "u1": None if off is None else off[0],
                    "u2": None if off is None else off[1],
                    "first": i == self.proposer,
                }
            )
        return pd.DataFrame(rows)


def _fixed_points(frontier: Frontier, d, o, e, lo: float, hi: float, n_grid: int = 4097):
    """All fixed points y1 of y1 -> T1(T2(y1)) on [lo, hi] (bracketing + bisection)."""
    f, g = frontier.u2_of_u1, frontier.u1_of_u2

    def t2(y1):
        return np.maximum(o[1], d[1] + e[1] * (f(y1) - d[1]))

    def t1(x2):
        return np.maximum(o[0], d[0] + e[0] * (g(x2) - d[0]))

    def h(y):
        return t1(t2(y)) - y

    if hi - lo <= 0:
        return np.array([lo]), t1, t2
    xs = frontier.points[:, 0]
    grid = np.union1d(np.linspace(lo, hi, n_grid), xs[(xs > lo) & (xs < hi)])
    hv = h(grid)
    scale = max(1.0, abs(lo), abs(hi))
    hv = np.where(np.abs(hv) <= 1e-14 * scale, 0.0, hv)
    zero = grid[hv == 0.0]
    br = np.flatnonzero(hv[:-1] * hv[1:] < 0)
    a, b = grid[br], grid[br + 1]
    ha = hv[br]
    if len(br) == 1:  # one bracket (the usual case): the same bisection on Python floats
        a, b = _bisect_one(frontier, d, o, e, float(a[0]), float(b[0]), float(ha[0]), scale)
    for _ in range(200 if len(br) != 1 else 0):
        m = 0.5 * (a + b)
        hm = h(m)
        left = np.sign(hm) == np.sign(ha)
        a = np.where(left, m, a)
        ha = np.where(left, hm, ha)
        b = np.where(left, b, m)
        if np.all(b - a <= 1e-15 * scale):
            break
    roots = np.sort(np.concatenate([zero, 0.5 * (a + b)]))
    if roots.size == 0:  # cannot happen for continuous h with h(lo) >= 0 >= h(hi)
        roots = np.array([lo if abs(hv[0]) <= abs(hv[-1]) else hi])
    keep = np.concatenate([[True], np.diff(roots) > 1e-9 * scale])
    return roots[keep], t1, t2


def _interp(x: float, xp: list[float], fp: list[float]) -> float:
    """:func:`numpy.interp` of one float, the same operations (numpy's ``arr_interp``)."""
    n = len(xp)
    if x != x:
        return x
    if x < xp[0]:
        return fp[0]
    if x >= xp[-1]:
        return fp[-1]
    j = bisect.bisect_right(xp, x) - 1
    if xp[j] == x:
        return fp[j]
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]) if n > 1 else 0.0
    out = slope * (x - xp[j]) + fp[j]
    if out != out:
        out = slope * (x - xp[j + 1]) + fp[j + 1]
        if out != out and fp[j] == fp[j + 1]:
            out = fp[j]
    return out


def _bisect_one(frontier: Frontier, d, o, e, a: float, b: float, ha: float, scale: float):
    """The bisection of :func:`_fixed_points` for a single bracket, on Python floats (the
    same operations as the array loop there, without numpy's per-call cost)."""
    x1, x2 = frontier.points[:, 0].tolist(), frontier.points[:, 1].tolist()
    r1, r2 = x2[::-1], x1[::-1]
    d0, d1, o0, o1, e0, e1 = (float(v) for v in (d[0], d[1], o[0], o[1], e[0], e[1]))

    def vmax(p: float, q: float) -> float:  # numpy.maximum: NaN propagates
        return q if q != q else (p if p != p or p >= q else q)

    def h(y: float) -> float:
        f = -math.inf if y > x1[-1] else _interp(y, x1, x2)
        x = vmax(o1, d1 + e1 * (f - d1))
        g = -math.inf if x > r1[-1] else _interp(x, r1, r2)
        return vmax(o0, d0 + e0 * (g - d0)) - y

    def sign(v: float) -> float:
        return v if v != v else (v > 0) - (v < 0)

    for _ in range(200):
        m = 0.5 * (a + b)
        hm = h(m)
        if sign(hm) == sign(ha):
            a, ha = m, hm
        else:
            b = m
        if b - a <= 1e-15 * scale:
            break
    return np.array([a]), np.array([b])


def _impatience(dl, rates, period_years, breakdown: float) -> np.ndarray:
    """``1 - (1 - breakdown) * delta_i`` without cancellation: ``-expm1(log1p(-p) + log
    delta_i)``, with ``log delta_i = -rate_i * period_years`` taken exactly from the rates."""
    if rates is not None:
        log_d = -np.asarray(rates, dtype=float).reshape(-1) * float(period_years)
    else:
        log_d = np.log(dl)
    return -np.expm1(np.log1p(-breakdown) + log_d)


def _stationary_on_segments(frontier: Frontier, d, b, eps) -> list:
    """Stationary offers ``(x, y)`` with no outside option binding, solved exactly in terms
    of the impatience ``eps = 1 - e`` on each segment and each pair of adjacent segments.

    With ``x`` on segment ``k`` and ``y`` on segment ``j`` (``j = k`` or ``k - 1``),
    ``X = x1 - v1`` and ``Y = y1 - v1`` from the vertex ``v`` starting segment ``k`` solve
    the linear equations ``x1 - y1 = eps1 (x1 - d1)`` and ``y2 - x2 = eps2 (y2 - d2)``:
    ``X = (b2 - s_j (1 - eps2) b1) / D``, ``Y = ((1 - eps1) b2 - s_k b1) / D`` with
    ``b = eps * (v - d)``, slopes ``-s`` and ``D = (s_k - s_j) + s_j (eps1 + eps2 - eps1
    eps2)``.  No term subtracts numbers close to 1, so short periods (``eps -> 0``) keep
    full precision: on a pie ``X = eps2 / (eps1 + eps2 - eps1 eps2)``, Rubinstein's share.
    """
    P = frontier.points
    m = len(P) - 1
    if m < 1:
        return []
    slope = (P[:-1, 1] - P[1:, 1]) / (P[1:, 0] - P[:-1, 0])
    k = np.concatenate([np.arange(m), np.arange(1, m)])
    j = np.concatenate([np.arange(m), np.arange(m - 1)])
    e1, e2 = (float(v) for v in eps)
    sk, sj = slope[k], slope[j]
    v1, v2 = P[k, 0], P[k, 1]
    b1, b2 = e1 * (v1 - d[0]), e2 * (v2 - d[1])
    D = (sk - sj) + sj * (e1 + e2 - e1 * e2)
    with np.errstate(divide="ignore", invalid="ignore"):
        X = (b2 - sj * (1 - e2) * b1) / D
        Y = ((1 - e1) * b2 - sk * b1) / D
    x1, y1 = v1 + X, v1 + Y
    x2, y2 = v2 - sk * X, v2 - sj * Y
    # on the segments, judged relative to X and Y (they are O(eps) near a vertex)
    tol = 1e-14 * (np.abs(X) + np.abs(Y))
    Lk = P[k + 1, 0] - v1
    y_lo = np.where(j == k, 0.0, P[j, 0] - v1)
    y_hi = np.where(j == k, Lk, 0.0)
    big = 1e-12 * max(1.0, float(np.abs(P).max()))
    ok = (
        (D > 0)
        & (X >= -tol)
        & (X <= Lk + tol)
        & (Y >= y_lo - tol)
        & (Y <= y_hi + tol)
        & (y1 >= b[0] - big)
        & (x2 >= b[1] - big)
    )
    out: list = []
    for i in np.flatnonzero(ok)[np.argsort(y1[ok])]:
        eq = ((float(x1[i]), float(x2[i])), (float(y1[i]), float(y2[i])))
        if not out or abs(eq[1][0] - out[-1][1][0]) > 1e-9 * max(1.0, abs(eq[1][0])):
            out.append(eq)
    return out


def rubinstein(
    frontier: Frontier,
    d: ArrayLike,
    *,
    delta: ArrayLike | None = None,
    rates: ArrayLike | None = None,
    period_years: float | None = None,
    proposer: int = 0,
    breakdown: float = 0.0,
    outside: ArrayLike | None = None,
) -> RubinsteinResult:
    """Subgame-perfect equilibrium of infinite-horizon alternating offers.

    Parameters
    ----------
    frontier : Frontier
        Pareto frontier of the feasible agreements (scenario units).
    d : array_like, shape (2,)
        Disagreement point: the status quo while talks go on and the payoff if they break
        down (Binmore, Rubinstein & Wolinsky 1986).
    delta : array_like, shape (2,), optional
        Per-round discount factors in (0, 1].
    rates, period_years : optional
        Alternatively yearly discount rates and years between rounds:
        ``delta_i = exp(-rates_i * period_years)``.
    proposer : {0, 1}
        Who makes the first offer.
    breakdown : float in [0, 1)
        Probability that talks break down after a rejected offer.
    outside : array_like of float or None, shape (2,), optional
        Outside options: a responder may walk away and take ``outside[i]`` (the other side
        keeps its disagreement payoff).  ``None`` for a party without one.

    Returns
    -------
    RubinsteinResult

    Notes
    -----
    The stationary offers solve the fixed point in the module docstring; with
    ``e_i = (1 - breakdown) * delta_i`` the map ``y1 -> x2 -> y1`` is increasing on
    ``[b1, u1(b2)]`` with ``b = max(d, outside)``, so fixed points exist (Tarski) and are
    bracketed on a grid and refined by bisection; each is then solved exactly on its
    segment (or pair of adjacent segments) in terms of the impatience ``1 - e_i``, taken
    as ``-expm1(log1p(-breakdown) - rates_i * period_years)`` when rates are given, so
    that short periods lose no precision (where ``1 - e1 e2`` would cancel, the exact
    solutions replace the bisection's).  On a pie with
    ``d = 0`` and no outside options the first proposer gets
    ``(1 - e2) / (1 - e1 e2)`` (Rubinstein 1982); with ``delta_i = exp(-r_i * Delta)`` and
    ``Delta -> 0`` the agreement tends to the Nash solution with weights
    ``(r2, r1) / (r1 + r2)`` (Binmore, Rubinstein & Wolinsky 1986, section 4).

    Examples
    --------
    >>> res = rubinstein(Frontier.from_pie(1.0), [0, 0], delta=[0.9, 0.9])
    >>> round(res.payoffs[0], 6)
    0.526316
    """
    if not isinstance(frontier, Frontier):
        frontier = Frontier(frontier)
    dl = discount_factors(delta, rates, period_years)
    if proposer not in (0, 1):
        raise ValueError(f"proposer must be 0 or 1; got {proposer}.")
    if not 0 <= breakdown < 1:
        raise ValueError(f"The breakdown probability must lie in [0, 1); got {breakdown}.")
    dd = _pair(d, 0.0, "The disagreement point")
    if np.any(~np.isfinite(dd)):
        raise ValueError("The disagreement point must be finite.")
    oo = _pair(outside, -np.inf, "outside")
    e = (1.0 - breakdown) * dl
    b = np.maximum(dd, oo)
    out_t = tuple(None if not np.isfinite(v) else float(v) for v in oo)
    base = dict(
        proposer=proposer,
        delta=_tup(dl),
        effective_delta=_tup(e),
        breakdown=float(breakdown),
        disagreement=_tup(dd),
        outside=out_t,
    )
    f, g = frontier.u2_of_u1, frontier.u1_of_u2
    if b[0] > frontier.max_u1 or f(b[0]) < b[1]:
        return RubinsteinResult(
            agreement=False,
            payoffs=None,
            offer_by_1=None,
            offer_by_2=None,
            agreement_round=None,
            outside_binding=(False, False),
            unique=True,
            equilibria=(),
            segment=None,
            weight=None,
            tags=None,
            reason=(
                "No agreement: no point on the frontier gives both parties at least their "
                "disagreement payoff and outside option."
            ),
            **base,
        )
    lo, hi = float(b[0]), float(g(b[1]))
    roots, _t1, t2 = _fixed_points(frontier, dd, oo, e, lo, hi)
    eqs = []
    for y1 in roots:
        x2 = float(t2(y1))
        eqs.append(((float(g(x2)), x2), (float(y1), float(f(y1)))))
    eps = _impatience(dl, rates, period_years, breakdown)
    eps_sum = float(eps[0] + eps[1] - eps[0] * eps[1])  # 1 - e1 e2, without cancellation
    exact = _stationary_on_segments(frontier, dd, b, eps)
    if exact and 0 < eps_sum < 1e-6:
        # bisection on y1 -> T1(T2(y1)) - y1, whose slope is 1 - e1 e2, cannot resolve the
        # fixed point when delay costs almost nothing; the exact solutions can
        eqs = exact
    else:  # polish each fixed point with the exact solution next to it
        scale = 1e-6 * max(1.0, hi - lo)
        for n, (_x, y) in enumerate(eqs):
            near = [q for q in exact if abs(q[1][0] - y[0]) <= scale]
            if near:
                eqs[n] = min(near, key=lambda q: abs(q[1][0] - y[0]))
    continuum = len(eqs) > 10  # e.g. no cost of delay: every split is an equilibrium
    if continuum:
        eqs = [eqs[0], eqs[-1]]
    x, y = eqs[0]
    pay = x if proposer == 0 else y
    cont2 = dd[1] + e[1] * (y[1] - dd[1])
    cont1 = dd[0] + e[0] * (x[0] - dd[0])
    binding = (bool(oo[0] > cont1), bool(oo[1] > cont2))
    loc = frontier.locate(pay[0])
    tags = None if loc.tags is None else (int(loc.tags[0][0]), int(loc.tags[1][0]))
    reason = "Immediate agreement on the first proposer's offer."
    if any(binding):
        who = " and ".join(f"party {i + 1}" for i in (0, 1) if binding[i])
        reason += f" The outside option of {who} binds."
    if continuum:
        reason += (
            " A continuum of stationary equilibria exists (delay costs nothing); its two ends "
            "are listed and the one best for party 2 is shown."
        )
    elif len(eqs) > 1:
        reason += f" {len(eqs)} stationary equilibria exist; the one best for party 2 is shown."
    return RubinsteinResult(
        agreement=True,
        payoffs=pay,
        offer_by_1=x,
        offer_by_2=y,
        agreement_round=1,
        outside_binding=binding,
        unique=len(eqs) == 1,
        equilibria=tuple(eqs),
        segment=int(loc.segment[0]),
        weight=float(loc.weight[0]),
        tags=tags,
        reason=reason,
        **base,
    )


def nash_weights_limit(rates: ArrayLike, hazard: float = 0.0) -> tuple[float, float]:
    """Nash-solution weights that the SPE tends to as the time between offers shrinks.

    With yearly discount rates ``r1, r2`` and a breakdown hazard ``lam`` per year (after a
    rejection, talks end with probability ``1 - exp(-lam * dt)`` within ``dt``), the
    effective per-offer factors are ``exp(-(r_i + lam) dt)``, so as ``dt -> 0`` the first
    proposer's share of the gains tends to party 1's weight

        ``(r2 + lam) / (r1 + r2 + 2 lam)``

    (Binmore, Rubinstein & Wolinsky 1986, sections 3-4; Osborne & Rubinstein 1990,
    section 4.4).  ``hazard = 0`` gives ``r2 / (r1 + r2)``.  A breakdown probability ``p``
    per round of ``dt`` years is the hazard ``-log(1 - p) / dt``.
    """
    r1, r2 = (float(v) for v in rates)
    lam = float(hazard)
    if not math.isfinite(lam) or lam < 0:
        raise ValueError(f"The breakdown hazard must be finite and non-negative, got {hazard}.")
    a, b = r1 + lam, r2 + lam
    if a < 0 or b < 0 or a + b <= 0 or not math.isfinite(a + b):
        raise ValueError("Limit weights need positive finite rates.")
    return b / (a + b), a / (a + b)
