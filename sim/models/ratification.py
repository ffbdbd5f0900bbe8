"""Two-level games in a scenario (``two_level``): win-sets, their intersection, the deal.

Each side's win-set (Putnam 1988) is what it can ratify at home: bounds on issues (e.g.
Japan's government cannot sign a car tariff above some level before the upper-house
election; rice stays out) and/or a minimum gain over no deal (the US must show farm-state
gains).  The deal is the (asymmetric) Nash bargaining solution over the intersection,
solved **exactly**: issue bounds cut every cell of the utility set to a smaller zonotope
(payoffs are affine in a cell's coordinates), the exact Pareto frontier of the cut set is
clipped to the minimum payoffs, and on each frontier segment the Nash product has a
closed-form maximiser.  The win-sets are also evaluated on a grid of candidate outcomes
(every discrete combination times a grid of each continuous issue, bound values
included) for reporting and plotting.  Shrinking one side's win-set traces Schelling's
tied-hands effect (:func:`sim.bargaining.ratification.tied_hands` logic, exact solver).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.dynamic_options import TwoLevelScenarioOptions
from sim.space import OutcomeSpace


def _bounds(space: OutcomeSpace, parties) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper coordinate bounds (m,) implied by the win-sets of ``parties``."""
    lo = np.full(len(space.issues), -np.inf)
    hi = np.full(len(space.issues), np.inf)
    for ws in parties:
        for issue_id, b in ws.bounds.items():
            j = [i.id for i in space.issues].index(issue_id)
            issue = space.issues[j]
            if b.min is not None:
                lo[j] = max(lo[j], issue.coordinate(b.setting("min")))
            if b.max is not None:
                hi[j] = min(hi[j], issue.coordinate(b.setting("max")))
    return lo, hi


@dataclass(frozen=True)
class ExactSolution:
    payoffs: np.ndarray
    coords: np.ndarray


def _restricted_set(space, lo, hi):
    """The cells cut to the issue bounds ``[lo, hi]``: (cells, a, b, UtilitySet) or None."""
    from sim.bargaining.geometry import UtilitySet

    c = space.cells
    cont, disc = list(space.continuous), list(space.discrete)
    keep = np.ones(len(c.offsets), dtype=bool)
    for col, j in enumerate(disc):
        keep &= (c.discrete[:, col] >= lo[j] - 1e-9) & (c.discrete[:, col] <= hi[j] + 1e-9)
    width = c.upper - c.lower  # (S, k)
    with np.errstate(divide="ignore", invalid="ignore"):
        a = np.clip((lo[cont] - c.lower) / width, 0.0, 1.0) if cont else np.zeros((len(width), 0))
        b = np.clip((hi[cont] - c.lower) / width, 0.0, 1.0) if cont else np.zeros((len(width), 0))
    ok_shape = np.all(a <= b, axis=1)
    if cont:
        ok_shape &= np.all((c.upper >= lo[cont] - 1e-9) & (c.lower <= hi[cont] + 1e-9), axis=1)
    keep &= ok_shape[c.shape]
    cells = np.flatnonzero(keep)
    if cells.size == 0:
        return None
    gens = c.generators * (b - a)[:, None, :]
    off = c.offsets[cells] + np.einsum(
        "pij,pj->pi", c.generators[c.shape[cells]], a[c.shape[cells]]
    )
    if cells.size == len(c.offsets) and np.all(a == 0.0) and np.all(b == 1.0):
        return cells, a, b, space.utility_set  # no cut: reuse the run's set and its frontier
    return cells, a, b, UtilitySet(off, c.shape[cells], gens)


def solve_exact(space, lo, hi, lower_u, d, weights, *, cache=None) -> ExactSolution | None:
    """Asymmetric Nash solution over outcomes within ``[lo, hi]`` with payoffs >= ``lower_u``.

    Returns None when no such outcome is worth at least ``d`` to both.  ``cache`` (a dict)
    keeps the restricted set and its Pareto frontier between calls with the same bounds
    (the tied-hands sweep changes only ``lower_u``).
    """
    key = (np.asarray(lo, float).tobytes(), np.asarray(hi, float).tobytes())
    if cache is not None and key in cache:
        restricted = cache[key]
    else:
        restricted = _restricted_set(space, lo, hi)
        if cache is not None:
            cache[key] = restricted
    if restricted is None:
        return None
    cells, a, b, uset = restricted
    c = space.cells
    pf = uset.pareto_frontier()
    L = np.maximum(d, lower_u)
    A, D = pf.start, pf.end - pf.start
    # t-interval of each segment where A + t D >= L
    t_lo, t_hi = np.zeros(len(A)), np.ones(len(A))
    for i in (0, 1):
        with np.errstate(divide="ignore", invalid="ignore"):
            t = (L[i] - A[:, i]) / D[:, i]
        t_lo = np.where(D[:, i] > 0, np.maximum(t_lo, t), t_lo)
        t_hi = np.where(D[:, i] < 0, np.minimum(t_hi, t), t_hi)
        bad = (D[:, i] == 0) & (A[:, i] < L[i] - 1e-12 * max(1.0, abs(L[i])))
        t_hi = np.where(bad, -1.0, t_hi)
    feas = t_lo <= t_hi + 1e-12
    if not feas.any():
        return None
    w1, w2 = weights
    with np.errstate(divide="ignore", invalid="ignore"):
        t_star = -(w1 * D[:, 0] * (A[:, 1] - d[1]) + w2 * D[:, 1] * (A[:, 0] - d[0])) / (
            (w1 + w2) * D[:, 0] * D[:, 1]
        )
    t_star = np.where(np.isfinite(t_star), t_star, t_lo)
    cand = np.stack([t_lo, t_hi, np.clip(t_star, t_lo, t_hi)], axis=1)  # (n, 3)
    P = A[:, None, :] + cand[..., None] * D[:, None, :]
    gain = P - d
    with np.errstate(divide="ignore", invalid="ignore"):
        val = np.where(
            np.all(gain > 0, axis=2), w1 * np.log(gain[..., 0]) + w2 * np.log(gain[..., 1]), -np.inf
        )
    val[~feas] = -np.inf
    if not np.isfinite(val).any():  # only weak gains: the largest total gain, if positive
        tot = np.where(np.all(gain >= -1e-12, axis=2) & feas[:, None], gain.sum(axis=2), -np.inf)
        eps = 1e-9 * max(1.0, float(np.abs(d).max()))
        if not (tot > eps).any():  # nothing ratifiable beats no deal: no agreement
            return None
        val = tot
    s, k = np.unravel_index(int(np.argmax(val)), val.shape)
    t = float(cand[s, k])
    x_cut = pf.x_start[s] + t * (pf.x_end[s] - pf.x_start[s])
    cell = int(cells[pf.cell_start[s]])
    shp = c.shape[cell]
    x = a[shp] + x_cut * (b[shp] - a[shp])
    coords = space.cell_outcome(cell, np.clip(x, 0.0, 1.0))
    return ExactSolution(space.payoffs(coords), coords)


def candidate_outcomes(space: OutcomeSpace, lo, hi, per_issue: int = 26) -> np.ndarray:
    """Every discrete combination times a grid of each continuous issue (bounds included)."""
    include = {}
    for j in space.continuous:
        r0, r1 = space.issues[j].range  # type: ignore[misc]
        include[j] = [v for v in (lo[j], hi[j]) if np.isfinite(v) and r0 <= v <= r1]
    return space.sample_outcomes(per_issue, include=include)


@dataclass(frozen=True)
class TwoLevelRun:
    """Win-sets, their intersection, the ratifiable deal and the tied-hands sweep."""

    parties: tuple[str, str]
    disagreement: np.ndarray
    min_payoff: tuple[float | None, float | None]
    win_sets: tuple[np.ndarray, np.ndarray]  # masks over `utilities`
    utilities: np.ndarray  # candidate outcomes' payoffs (for plots)
    constraints: dict[str, list[str]]
    solution: ExactSolution | None
    unconstrained: ExactSolution | None
    sweep: Any  # TiedHandsResult
    sweep_deals: tuple[dict | None, ...]
    options: dict[str, Any]
    unit: str
    space: OutcomeSpace = field(repr=False, compare=False)

    @property
    def agreement(self) -> dict | None:
        return None if self.solution is None else self.space.describe(self.solution.coords)

    @property
    def intersection(self) -> np.ndarray:
        return self.win_sets[0] & self.win_sets[1]

    def to_dict(self) -> dict[str, Any]:
        P, u = self.parties, self.utilities
        d = self.disagreement
        zone = self.intersection & np.all(u >= d, axis=1)

        def box(mask):
            if not mask.any():
                return None
            return {p: [float(u[mask, i].min()), float(u[mask, i].max())] for i, p in enumerate(P)}

        ws = {}
        for i, p in enumerate(P):
            ws[p] = {
                "constraints": self.constraints[p],
                "min_payoff": self.min_payoff[i],
                "n_candidates": int(self.win_sets[i].sum()),
                "share": float(self.win_sets[i].mean()),
                "payoff_box": box(self.win_sets[i]),
            }
        sol, unc = self.solution, self.unconstrained
        sw = self.sweep.to_dict()
        sw["party"] = P[sw["party"]]
        sw["payoffs"] = [None if v is None else dict(zip(P, v, strict=True)) for v in sw["payoffs"]]
        sw["deals"] = list(self.sweep_deals)
        sw.pop("deal_index", None)
        return {
            "model": "two_level",
            "agreement": self.agreement,
            "payoffs": None if sol is None else dict(zip(P, map(float, sol.payoffs), strict=True)),
            "disagreement": dict(zip(P, map(float, d), strict=True)),
            "win_sets": ws,
            "intersection": {
                "n_candidates": int(self.intersection.sum()),
                "n_in_zone": int(zone.sum()),
                "empty": not bool(self.intersection.any()),
                "payoff_box": box(self.intersection),
            },
            "ratifiable_zone_empty": sol is None,
            "without_ratification": None
            if unc is None
            else {
                "agreement": self.space.describe(unc.coords),
                "payoffs": dict(zip(P, map(float, unc.payoffs), strict=True)),
            },
            "tied_hands": sw,
            "n_candidates": len(u),
            "unit": self.unit,
            "options": self.options,
        }

    def summary(self) -> str:
        if self.solution is None:
            return "no agreement: nothing both sides can ratify is worth more than no deal to both"
        pay = ", ".join(
            f"{p} {v:.2f}" for p, v in zip(self.parties, self.solution.payoffs, strict=True)
        )
        moved = ""
        if self.unconstrained is not None:
            delta = self.solution.payoffs - self.unconstrained.payoffs
            moved = (
                " (vs. no ratification constraint: "
                + ", ".join(f"{p} {v:+.2f}" for p, v in zip(self.parties, delta, strict=True))
                + ")"
            )
        return (
            f"{int(self.intersection.sum())} of {len(self.utilities)} candidate outcomes are in "
            f"both win-sets; ratifiable Nash deal payoffs {pay} {self.unit}{moved}"
        )


def run_two_level(space: OutcomeSpace, options: TwoLevelScenarioOptions) -> TwoLevelRun:
    """Putnam's (1988) two-level game over the scenario's outcomes, solved exactly."""
    from sim.bargaining.ratification import TiedHandsResult, two_level

    P = space.parties
    d = space.disagreement_point(options.disagreement_at)
    w = options.weights or {}
    weights = tuple(float(w.get(p, 1.0)) for p in P)
    ws = [options.win_sets.get(p) for p in P]
    lo, hi = _bounds(space, [x for x in ws if x is not None])
    mins: list[float | None] = [
        None if x is None or x.min_gain is None else float(d[i] + x.min_gain.value)
        for i, x in enumerate(ws)
    ]
    lower_u = np.array([-np.inf if m is None else m for m in mins])
    coords = candidate_outcomes(space, lo, hi)
    u = space.payoffs(coords)
    masks = []
    constraints: dict[str, list[str]] = {}
    for i, x in enumerate(ws):
        plo, phi = _bounds(space, [x] if x is not None else [])
        masks.append(np.all((coords >= plo - 1e-9) & (coords <= phi + 1e-9), axis=1))
        constraints[P[i]] = _describe(x, space)
    base = two_level(u, d, acceptable=masks, min_payoff=mins, weights=weights)
    cache: dict = {}
    sol = solve_exact(space, lo, hi, lower_u, d, weights, cache=cache)
    none = np.full(len(space.issues), np.inf)
    unc = solve_exact(space, -none, none, np.full(2, -np.inf), d, weights)
    # tied hands: raise one side's ratification threshold step by step
    t = (
        P.index(options.tied_hands)
        if options.tied_hands
        else next((i for i, x in enumerate(ws) if x is not None), 0)
    )
    top = float(u[base.intersection, t].max()) if base.intersection.any() else float(d[t])
    ts = np.linspace(max(d[t], lower_u[t]), max(top, d[t]), options.steps)
    pays = np.full((ts.size, 2), np.nan)
    agree = np.zeros(ts.size, dtype=bool)
    deals: list[dict | None] = []
    for k, th in enumerate(ts):
        lu = lower_u.copy()
        lu[t] = max(lu[t], th)
        s = solve_exact(space, lo, hi, lu, d, weights, cache=cache)
        deals.append(None if s is None else space.describe(s.coords))
        if s is not None:
            pays[k], agree[k] = s.payoffs, True
    sweep = TiedHandsResult(t, ts, pays, agree, np.full(ts.size, -1, dtype=np.int64))
    return TwoLevelRun(
        parties=P,
        disagreement=d,
        min_payoff=(mins[0], mins[1]),
        win_sets=(base.win_sets[0], base.win_sets[1]),
        utilities=u,
        constraints=constraints,
        solution=sol,
        unconstrained=unc,
        sweep=sweep,
        sweep_deals=tuple(deals),
        options=options.model_dump(mode="json"),
        unit=space.values.unit,
        space=space,
    )


def _describe(ws, space) -> list[str]:
    if ws is None:
        return []
    out = []
    for issue_id, b in ws.bounds.items():
        issue = space.scenario.issue(issue_id)
        unit = " %" if issue.unit == "%" else ""
        if b.min is not None:
            out.append(f"{issue_id} >= {b.setting('min')}{unit}")
        if b.max is not None:
            out.append(f"{issue_id} <= {b.setting('max')}{unit}")
    if ws.min_gain is not None:
        out.append(f"gain over no deal >= {ws.min_gain.value:g}")
    return out
