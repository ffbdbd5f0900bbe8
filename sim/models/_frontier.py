"""From a scenario's outcomes to the frontier the dynamic models bargain over, and back.

The alternating-offers models (:mod:`sim.bargaining.alternating`,
:mod:`sim.bargaining.finite_horizon`, :mod:`sim.bargaining.screening`) work on a
Pareto frontier given as a chain of
vertices.  This module builds that chain from the scenario's exact utility set and maps a
point of it back to a deal:

* ``kind="convex"`` (default): the Pareto chain of the convex hull of the outcomes
  (:func:`sim.bargaining.frontier.convex_frontier`).  It is concave, so the stationary
  equilibrium is unique.  A point on an edge that lies inside one cell is an exact outcome
  (payoffs are affine in the cell's coordinates ``x``, so ``x`` is interpolated).  An edge
  joining two cells of adjacent linear pieces with the same discrete settings is exact too
  (the interpolated outcome has the point's payoffs).  Any other edge joining two cells is
  a lottery between two deals, which a treaty cannot be: the result then reports both
  neighbouring deals and the weight, and as ``agreement`` the exact deal the proposer
  would really offer -- the best outcome for the proposer among those giving the responder
  at least its equilibrium payoff (found on the exact frontier) -- provided it gives the
  proposer at least its no-deal value; otherwise ``agreement`` is None (no real deal
  reproduces the model's answer).
* ``kind="union"``: the exact Pareto frontier of the outcomes; gaps (where the set of
  deals is not convex) are bridged linearly and treated like lottery edges above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from sim.bargaining.chain import Frontier
    from sim.space import OutcomeSpace

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class ScenarioFrontier:
    """The chain (:class:`Frontier`) with, per vertex, its cell and cell coordinates."""

    chain: Frontier
    cells: np.ndarray  # (m,) cell of each vertex (as the start of the next edge)
    xs: np.ndarray  # (m, k) its cell coordinates
    same_piece: np.ndarray  # (m-1,) edge k lies inside one cell (an exact segment)
    kind: str
    space: OutcomeSpace
    cells_in: np.ndarray  # (m,) cell of each vertex as the end of the edge before it
    xs_in: np.ndarray  # (m, k)

    @classmethod
    def build(cls, space: OutcomeSpace, kind: str = "convex") -> ScenarioFrontier:
        from sim.bargaining.chain import Frontier
        from sim.bargaining.frontier import convex_frontier, pareto_frontier

        uset = space.utility_set
        bf = convex_frontier(uset) if kind == "convex" else pareto_frontier(uset)
        tol = uset.tol
        pts: list[np.ndarray] = []
        c_in: list[int] = []  # cell and x of each vertex as the end of the edge before it
        x_in: list[np.ndarray] = []
        c_out: list[int] = []  # ... and as the start of the edge after it
        x_out: list[np.ndarray] = []
        exact: list[bool] = []  # edge i (vertex i -> i + 1) lies inside one cell

        def beyond(p):
            return not pts or (p[0] > pts[-1][0] + tol and p[1] < pts[-1][1] - tol)

        def near(p):
            return bool(pts) and bool(np.abs(p - pts[-1]).max() <= tol)

        def pop_dominated(p):  # a vertex weakly dominated by p is only a weak Pareto point
            while pts and not near(p) and np.all(p >= pts[-1] - tol):
                for lst in (pts, c_in, x_in, c_out, x_out):
                    lst.pop()
                if exact:
                    exact.pop()

        for s in range(len(bf)):
            a, b = bf.start[s], bf.end[s]
            pop_dominated(a)
            if near(a):
                c_out[-1], x_out[-1] = int(bf.cell_start[s]), bf.x_start[s]
            elif beyond(a):
                if pts:
                    exact.append(False)  # a gap, bridged linearly
                pts.append(a)
                c_in.append(int(bf.cell_start[s]))
                x_in.append(bf.x_start[s])
                c_out.append(int(bf.cell_start[s]))
                x_out.append(bf.x_start[s])
            pop_dominated(b)
            if beyond(b):
                exact.append(near(a) and int(bf.cell_start[s]) == int(bf.cell_end[s]) == c_out[-1])
                pts.append(b)
                c_in.append(int(bf.cell_end[s]))
                x_in.append(bf.x_end[s])
                c_out.append(int(bf.cell_end[s]))
                x_out.append(bf.x_end[s])
        chain = Frontier(np.array(pts), tags=tuple(range(len(pts))))
        k = len(bf.x_start[0]) if len(bf) else 0
        return cls(
            chain,
            np.array(c_out, dtype=np.int64),
            np.array(x_out).reshape(len(pts), k),
            np.array(exact, dtype=bool),
            kind,
            space,
            np.array(c_in, dtype=np.int64),
            np.array(x_in).reshape(len(pts), k),
        )

    # ------------------------------------------------------------------ back to deals
    def deal_at(
        self, point: Any, proposer: int | None = None, proposer_min: float | None = None
    ) -> Deal:
        """The deal behind a point of the chain (see the module docstring).

        ``proposer_min`` is the proposer's no-deal value: on a lottery edge the reported
        deal must give the proposer at least this and the responder at least its
        coordinate of ``point``; when no real deal does, the deal's ``agreement`` is None.
        """
        u = np.asarray(point, dtype=float)
        loc = self.chain.locate(u[0])
        seg, w = int(loc.segment[0]), float(loc.weight[0])
        sp = self.space
        parties = sp.parties
        coords = self.exact_coords(u)
        if coords is not None:
            return _deal(sp, coords, u, exact=True)
        a = sp.cell_outcome(int(self.cells[seg]), self.xs[seg])
        b = sp.cell_outcome(int(self.cells_in[seg + 1]), self.xs_in[seg + 1])
        # an edge across adjacent linear pieces of a continuous issue (same discrete
        # settings) is straight in the outcomes too: the interpolated outcome is exact
        disc = list(sp.discrete)
        if np.array_equal(a[disc], b[disc]):
            mid = (1 - w) * a + w * b
            scale = max(1.0, float(np.abs(self.chain.points).max()))
            if np.abs(sp.payoffs(mid) - u).max() <= 1e-9 * scale:
                return _deal(sp, mid, u, exact=True)
        lottery = {
            "deals": [sp.describe(a), sp.describe(b)],
            "payoffs": [_pd(parties, sp.payoffs(a)), _pd(parties, sp.payoffs(b))],
            "weight_second": w,
        }
        if proposer is None:
            proposer = 0
        coords = best_exact(sp, responder=1 - proposer, threshold=float(u[1 - proposer]))
        if coords is not None and proposer_min is not None:
            tol = 1e-9 * max(1.0, abs(proposer_min))
            if sp.payoffs(coords)[proposer] < proposer_min - tol:
                coords = None
        if coords is None:
            return Deal(None, None, False, _pd(parties, u), lottery)
        return _deal(sp, coords, u, exact=False, lottery=lottery)


    def exact_coords(self, point: Any, *, same_setting: bool = False) -> np.ndarray | None:
        """Coordinates of the outcome at a point of the chain when it is a vertex or lies on
        an edge inside one cell (an exact outcome), else None.  ``same_setting``: also the
        interpolation between an edge's ends when they share every discrete setting (the
        start from which :mod:`sim.models._smooth` polishes)."""
        loc = self.chain.locate(float(np.asarray(point, dtype=float)[0]))
        seg, w = int(loc.segment[0]), float(loc.weight[0])
        m = len(self.cells)
        if not (m == 1 or w <= 1e-12 or w >= 1 - 1e-12 or self.same_piece[seg]):
            if not same_setting:
                return None
            a = self.space.cell_outcome(int(self.cells[seg]), self.xs[seg])
            b = self.space.cell_outcome(int(self.cells_in[seg + 1]), self.xs_in[seg + 1])
            disc = list(self.space.discrete)
            return (1 - w) * a + w * b if np.array_equal(a[disc], b[disc]) else None
        if m == 1 or w <= 1e-12:
            cell, x = int(self.cells[seg]), self.xs[seg]
        elif w >= 1 - 1e-12:
            cell, x = int(self.cells_in[seg + 1]), self.xs_in[seg + 1]
        else:
            cell, x = int(self.cells[seg]), (1 - w) * self.xs[seg] + w * self.xs_in[seg + 1]
        return self.space.cell_outcome(cell, np.clip(x, 0.0, 1.0))


@dataclass(frozen=True)
class Deal:
    """A deal: issue settings and payoffs, and how it relates to the model's point.

    ``exact``: the deal's payoffs are the model's point.  Otherwise the point is a lottery
    between the two deals in ``lottery`` and ``agreement`` is the deal best for the
    proposer among the real deals giving the responder at least its point payoff and the
    proposer at least its no-deal value -- or None when no real deal does.
    """

    agreement: dict[str, Any] | None
    payoffs: dict[str, float] | None
    exact: bool
    point: dict[str, float] | None = None
    lottery: dict | None = None

    def to_dict(self) -> dict:
        return {
            "agreement": self.agreement,
            "deal_payoffs": self.payoffs,
            "exact": self.exact,
            "lottery": self.lottery,
        }

    def equilibrium_point(self) -> dict:
        """The model's point, and for a lottery its two deals and the second's weight."""
        out: dict[str, Any] = {"payoffs": self.point, "exact_deal": self.exact}
        if self.lottery is not None:
            out.update(
                deals=self.lottery["deals"],
                deal_payoffs=self.lottery["payoffs"],
                weight_second=self.lottery["weight_second"],
            )
        return out

    def flag(self) -> str:
        """What a summary line appends: nothing for an exact deal."""
        if self.exact:
            return ""
        if self.agreement is not None:
            return " (nearest exact deal: the equilibrium point is a lottery of two deals)"
        return ""


def _pd(parties, u) -> dict[str, float] | None:
    """Party code -> float (None for a missing point or one with NaN)."""
    if u is None:
        return None
    arr = np.asarray(u, dtype=float)
    if np.isnan(arr).any():
        return None
    return {p: float(v) for p, v in zip(parties, arr, strict=True)}


def deal_fields(space: OutcomeSpace, deal: Deal | None, point: Any) -> dict[str, Any]:
    """The result fields of an alternating-offers equilibrium whose point is ``point``
    (None without agreement) and whose deal is ``deal``: ``agreement``, ``payoffs``,
    ``equilibrium_point``, ``deal`` and ``no_deal_outcome`` (the final one)."""
    if deal is not None:
        eq = deal.equilibrium_point()
    else:
        pay = _pd(space.parties, point)
        eq = None if pay is None else {"payoffs": pay, "exact_deal": None}
    return {
        "agreement": None if deal is None else deal.agreement,
        "payoffs": None if deal is None else deal.payoffs,
        "equilibrium_point": eq,
        "deal": None if deal is None else deal.to_dict(),
        "no_deal_outcome": space.describe(space.disagreement_outcome("final")),
    }


def _deal(space: OutcomeSpace, coords: np.ndarray, point, *, exact: bool, lottery=None) -> Deal:
    pay = _pd(space.parties, space.payoffs(coords))
    return Deal(space.describe(coords), pay, exact, _pd(space.parties, point), lottery)


def best_exact(space: OutcomeSpace, *, responder: int, threshold: float) -> np.ndarray | None:
    """Coordinates of the outcome best for the proposer among those giving ``responder`` at
    least ``threshold`` (searched on the exact Pareto frontier; None if none qualifies)."""
    from sim.bargaining.frontier import pareto_frontier

    pf = pareto_frontier(space.utility_set)
    a, b = pf.start, pf.end
    j, i = responder, 1 - responder
    D = b - a
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (threshold - a[:, j]) / D[:, j]
    # along a Pareto segment u1 rises and u2 falls; the proposer wants the end nearest to it
    if j == 0:  # need u1 >= threshold: t >= t0, proposer (party 2) prefers small t
        t = np.where(D[:, 0] > 0, np.clip(t, 0.0, 1.0), 0.0)
    else:  # need u2 >= threshold: t <= t1, proposer (party 1) prefers large t
        t = np.where(D[:, 1] < 0, np.clip(t, 0.0, 1.0), 0.0)
    p = a + t[:, None] * D
    tol = 1e-9 * max(1.0, abs(threshold))
    ok = p[:, j] >= threshold - tol
    if not ok.any():
        return None
    best = int(np.flatnonzero(ok)[np.argmax(p[ok, i])])
    x = pf.x_start[best] + t[best] * (pf.x_end[best] - pf.x_start[best])
    return space.cell_outcome(int(pf.cell_start[best]), np.clip(x, 0.0, 1.0))


# ---------------------------------------------------------------------- time
def mean_round_gap_days(space: OutcomeSpace) -> float | None:
    """Mean number of days between the calendar's rounds (None with fewer than two)."""
    dates = [r.date for r in space.scenario.calendar.rounds]
    if len(dates) < 2:
        return None
    return (dates[-1] - dates[0]).days / (len(dates) - 1)


def party_index(space: OutcomeSpace, code: str | None, default: int = 0) -> int:
    return default if code is None else space.parties.index(code)


def discount_pair(space: OutcomeSpace, delta, period_days: float | None) -> tuple[float, float]:
    """Per-round discount factors: given (party -> factor), else ``exp(-r t)`` with the
    calendar's yearly rates and ``t = period_days / 365.25``."""
    if delta is not None:
        return tuple(float(delta[p].value) for p in space.parties)  # type: ignore[return-value]
    if period_days is None:
        raise ValueError("no period between offers: give period_days or two calendar rounds")
    rates = rates_pair(space)
    return tuple(math.exp(-r * period_days / DAYS_PER_YEAR) for r in rates)  # type: ignore[return-value]


def rates_pair(space: OutcomeSpace) -> tuple[float, float]:
    """Each party's yearly discount rate from the calendar."""
    dr = space.scenario.calendar.discount_rate
    missing = [p for p in space.parties if p not in dr]
    if missing:
        raise ValueError(f"calendar.discount_rate has no rate for {', '.join(missing)}")
    return tuple(float(dr[p].value) for p in space.parties)  # type: ignore[return-value]


def breakdown_value(space: OutcomeSpace, option) -> float:
    """Breakdown probability: the model option, else the calendar's, else 0."""
    if option is not None:
        return float(option.value)
    cal = space.scenario.calendar.breakdown_risk
    return 0.0 if cal is None else float(cal.value)
