"""Model ``two_level``: Putnam's (1988) two-level game -- the deal both sides can ratify.

Each side's win-set is what it can ratify at home: bounds on issues (e.g. Japan's
government cannot sign a car tariff above some level before the upper-house election;
rice stays out) and/or a minimum gain over no deal (the US must show farm-state gains).
The deal is the (asymmetric) Nash bargaining solution over the intersection, solved
**exactly**: issue bounds cut every cell of the utility set to a smaller zonotope (payoffs
are affine in a cell's coordinates), the exact Pareto frontier of the cut set is clipped to
the minimum payoffs, and on each frontier segment the Nash product has a closed-form
maximiser.  The win-sets are also evaluated on a grid of candidate outcomes (every discrete
combination times a grid of each continuous issue, bound values included; a uniform sample
of it with the model's random stream when it has more than ``sim.space.MAX_GRID``) for the counts
(:func:`sim.bargaining.ratification.two_level`) and a map for the plot.  Raising one side's
ratification threshold traces Schelling's (1960) tied-hands effect.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from pydantic import Field, field_validator

from sim.results.model import ModelResult, Status
from sim.scenario.types import DisagreementAt, Frozen, IssueSetting, Q, Quantity

if TYPE_CHECKING:
    from sim.space import OutcomeSpace

SUMMARY = "Two-level game: deals each side can ratify at home (win-sets), tied-hands sweep"
FIGURES = {"win_sets": "win_sets"}
NO_ZONE = "nothing both sides can ratify is worth more than no deal to both"
#: Cells per axis of the candidate map (:attr:`Result.candidate_map`).
MAP_SIZE = 64


# ---------------------------------------------------------------------------- options
class IssueBound(Frozen):
    """Bounds on one issue: numbers (continuous) or level labels (discrete/binary, in
    the order of the levels)."""

    min: Quantity | IssueSetting | None = Field(
        default=None, description="Lowest setting (a number, {value, range, source}, a label)."
    )
    max: Quantity | IssueSetting | None = Field(default=None, description="Highest setting.")
    source: str | None = None
    note: str | None = None

    def setting(self, end: str) -> IssueSetting | None:
        """The bound ``end`` ('min' or 'max') as a plain issue setting."""
        v = getattr(self, end)
        return v.value if isinstance(v, Quantity) else v


class WinSet(Frozen):
    """What one side can ratify at home: issue bounds and/or a minimum gain."""

    bounds: dict[str, IssueBound] = Field(
        default_factory=dict, description="Issue id -> {min, max} the side can ratify."
    )
    min_gain: Q | None = Field(
        default=None, description="Smallest gain over the disagreement payoff it can ratify."
    )
    note: str | None = None
    source: str | None = None


class Options(Frozen):
    """``models: two_level:`` Putnam's two-level game with win-sets per party."""

    win_sets: dict[str, WinSet] = Field(default_factory=dict)
    weights: dict[str, float] | None = Field(
        default=None, description="Bargaining power per party code (equal if left out)."
    )
    tied_hands: str | None = Field(
        default=None,
        description="Party code whose ratification threshold is swept (default: the first "
        "party with a win-set, else the first party).",
    )
    steps: int = Field(default=11, ge=2, le=200)
    disagreement_at: DisagreementAt = "final"

    @field_validator("weights")
    @classmethod
    def _positive(cls, v):
        if v is not None and any(w <= 0 for w in v.values()):
            raise ValueError("bargaining weights must be > 0")
        return v


def check(scenario, options: Options):
    """Parties and issues named exist, bounds are settings of their issue, min <= max."""
    from sim.scenario.references import party_key_problems, settings_problems

    yield from party_key_problems(scenario, options.win_sets, ("win_sets",))
    yield from party_key_problems(scenario, options.weights or {}, ("weights",))
    code = options.tied_hands
    for _, message in party_key_problems(scenario, {} if code is None else {code: 0}, ()):
        yield ("tied_hands",), message
    for party, ws in options.win_sets.items():
        for issue_id, bound in ws.bounds.items():
            loc = ("win_sets", party, "bounds")
            coords = []
            for end in ("min", "max"):
                value = bound.setting(end)
                if value is None:
                    continue
                found = list(settings_problems(scenario, {issue_id: value}, loc))
                for where, message in found:
                    yield (*where, end), message
                if not found:
                    coords.append(scenario.issue(issue_id).coordinate(value))
            if len(coords) == 2 and coords[0] > coords[1]:
                yield (*loc, issue_id), "min lies above max"


# ---------------------------------------------------------------------------- result
@dataclasses.dataclass(frozen=True, kw_only=True)
class Result(ModelResult):
    """The ratifiable Nash deal, the win-sets on the candidate outcomes, the tied-hands sweep.

    Attributes (beyond :class:`sim.results.model.ModelResult`)
    ----------
    win_sets : dict
        Party -> ``constraints`` (in words), ``min_payoff``, ``n_candidates``, ``share``,
        ``payoff_box`` (party -> [min, max] over its win-set's candidates).
    intersection : dict
        ``n_candidates``, ``n_in_zone`` (also worth no deal to both), ``empty``,
        ``payoff_box``.
    ratifiable_zone_empty : bool
        No outcome both can ratify is worth at least no deal to both.
    without_ratification : dict or None
        ``agreement`` and ``payoffs`` of the Nash deal with no domestic constraint.
    tied_hands : dict
        ``party``, ``thresholds``, ``agreement``, ``payoffs`` and ``deals`` as that party's
        ratification threshold rises.
    n_candidates : int
        Number of candidate outcomes the win-sets are counted on.
    candidate_map : dict
        The candidates on the payoff plane for the plot, as a ``size`` x ``size`` grid over
        ``bounds`` (party -> [min, max]): ``rows[k][c]`` is a hex digit for the cell in row
        ``k`` (second party's payoff, from the bottom) and column ``c`` (first party's),
        whose bits say which of ``groups`` (neither, only the first party, only the second,
        both can ratify) have a candidate there; ``0`` is an empty cell.
    """

    win_sets: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    intersection: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    ratifiable_zone_empty: bool = True
    without_ratification: Mapping[str, Any] | None = None
    tied_hands: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    n_candidates: int = 0
    candidate_map: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def summary(self) -> str:
        txt = (
            f"{super().summary()}; {self.intersection.get('n_candidates', 0)} of "
            f"{self.n_candidates} candidate outcomes are in both win-sets"
        )
        unc = self.without_ratification
        if self.payoffs is not None and unc is not None:
            moved = ", ".join(f"{p} {v - unc['payoffs'][p]:+.2f}" for p, v in self.payoffs.items())
            txt += (
                f" (ratification changes the payoffs by {moved} {self.unit} compared with the "
                "deal without a ratification constraint)"
            )
        return txt


# ---------------------------------------------------------------------------- run
def _setup(space: OutcomeSpace, options: Options, d=None):
    """No-deal point (``d`` when given), weights, win-sets, their issue bounds, minimum
    payoffs."""
    P = space.parties
    d = space.disagreement_point(options.disagreement_at) if d is None else np.asarray(d, float)
    w = options.weights or {}
    weights = tuple(float(w.get(p, 1.0)) for p in P)
    ws = [options.win_sets.get(p) for p in P]
    lo, hi = win_set_bounds(space, options)
    mins: list[float | None] = [
        None if x is None or x.min_gain is None else float(d[i] + x.min_gain.value)
        for i, x in enumerate(ws)
    ]
    return d, weights, ws, lo, hi, mins, np.array([-np.inf if m is None else m for m in mins])


def deal(space: OutcomeSpace, options: Options, *, rng=None) -> Result:
    """The ratifiable deal alone, as :func:`run` finds it (``agreement``, ``payoffs``,
    ``without_ratification``, ``n_candidates``), without the win-set statistics, the
    tied-hands sweep and the candidate map: what ``sim.compare`` reads, per package."""
    d, weights, _, lo, hi, _, lower_u = _setup(space, options)
    n = len(candidate_outcomes(space, lo, hi, rng=rng))
    sol = solve_exact(space, lo, hi, lower_u, d, weights)
    free = not np.isfinite(np.concatenate([lo, hi, lower_u])).any()
    return _deal(space, options, d, sol, n, free)


def deal_record(space: OutcomeSpace, options: Options, d, *, cache=None) -> dict[str, Any]:
    """The record of :func:`run` (:meth:`Result.to_record`) at no-deal payoffs ``d``, from
    the ratifiable deal alone: the candidates are counted, not drawn
    (:func:`candidate_count`), and the win-set statistics, the tied-hands sweep, the map and
    the deal without ratification, which are not scalars, are left out.  What
    :mod:`sim.analysis.batch_two_level` returns per draw; ``cache``: as :func:`solve_exact`
    (:func:`restricted_cache`)."""
    d, weights, _, lo, hi, _, lower_u = _setup(space, options, d)
    sol = solve_exact(space, lo, hi, lower_u, d, weights, cache=cache)
    return _deal(space, options, d, sol, candidate_count(space, lo, hi), free=True).to_record()


def _deal(space: OutcomeSpace, options: Options, d, sol, n: int, free=False) -> Result:
    """The result's deal fields: ``sol`` and the Nash deal without ratification (``sol``
    itself when ``free``: no win-set constrains it)."""
    P = space.parties
    none = np.full(len(space.issues), np.inf)
    weights = tuple(float((options.weights or {}).get(p, 1.0)) for p in P)
    unc = sol if free else solve_exact(space, -none, none, np.full(2, -np.inf), d, weights)
    return Result(
        model="two_level",
        status=Status.NO_AGREEMENT if sol is None else Status.OK,
        reason=NO_ZONE if sol is None else None,
        agreement=None if sol is None else space.describe(sol.coords),
        payoffs=None if sol is None else _pd(P, sol.payoffs),
        disagreement=_pd(P, d),
        unit=space.values.unit,
        options=options.model_dump(mode="json"),
        ratifiable_zone_empty=sol is None,
        without_ratification=None
        if unc is None
        else {"agreement": space.describe(unc.coords), "payoffs": _pd(P, unc.payoffs)},
        n_candidates=n,
    )


def run(space: OutcomeSpace, options: Options, *, rng=None) -> Result:
    """Putnam's (1988) two-level game over the scenario's outcomes, solved exactly."""
    from sim.bargaining.ratification import two_level

    P = space.parties
    d, weights, ws, lo, hi, mins, lower_u = _setup(space, options)
    coords = candidate_outcomes(space, lo, hi, rng=rng)
    u = space.payoffs(coords)
    masks = []
    for x in ws:
        plo, phi = _bounds(space, [x] if x is not None else [])
        masks.append(np.all((coords >= plo - 1e-9) & (coords <= phi + 1e-9), axis=1))
    base = two_level(u, d, acceptable=masks, min_payoff=mins, weights=weights)
    w0, w1 = base.win_sets
    inter = w0 & w1
    cache: dict = {}
    sol = solve_exact(space, lo, hi, lower_u, d, weights, cache=cache)
    # tied hands: raise one side's ratification threshold step by step
    t = (
        P.index(options.tied_hands)
        if options.tied_hands
        else next((i for i, x in enumerate(ws) if x is not None), 0)
    )
    top = float(u[inter, t].max()) if inter.any() else float(d[t])
    ts = np.linspace(max(d[t], lower_u[t]), max(top, d[t]), options.steps)
    sweep: dict[str, list] = {"agreement": [], "payoffs": [], "deals": []}
    for th in ts:
        lu = lower_u.copy()
        lu[t] = max(lu[t], th)
        s = solve_exact(space, lo, hi, lu, d, weights, cache=cache)
        sweep["agreement"].append(s is not None)
        sweep["payoffs"].append(None if s is None else _pd(P, s.payoffs))
        sweep["deals"].append(None if s is None else space.describe(s.coords))

    def box(mask):
        if not mask.any():
            return None
        return {p: [float(u[mask, i].min()), float(u[mask, i].max())] for i, p in enumerate(P)}

    return dataclasses.replace(
        _deal(space, options, d, sol, len(u)),
        win_sets={
            p: {
                "constraints": _describe(ws[i], space),
                "min_payoff": mins[i],
                "n_candidates": int(base.win_sets[i].sum()),
                "share": float(base.win_sets[i].mean()),
                "payoff_box": box(base.win_sets[i]),
            }
            for i, p in enumerate(P)
        },
        intersection={
            "n_candidates": int(inter.sum()),
            "n_in_zone": int((inter & np.all(u >= d, axis=1)).sum()),
            "empty": not bool(inter.any()),
            "payoff_box": box(inter),
        },
        tied_hands={"party": P[t], "thresholds": [float(x) for x in ts], **sweep},
        candidate_map=candidate_map(P, u, (w0, w1)),
    )


def candidate_map(parties, u: np.ndarray, win_sets, size: int = MAP_SIZE) -> dict[str, Any]:
    """The candidates' payoffs ``u`` (n, 2) binned on a ``size`` x ``size`` grid, each cell
    a hex digit whose bits say who can ratify the candidates in it (see :class:`Result`)."""
    a, b = parties
    w0, w1 = (np.asarray(w, dtype=bool) for w in win_sets)
    group = w0.astype(np.int64) + 2 * w1.astype(np.int64)  # 0 neither, 1 a, 2 b, 3 both
    lo, hi = u.min(axis=0), u.max(axis=0)
    span = np.where(hi > lo, hi - lo, 1.0)
    cell = np.minimum((size * (u - lo) / span).astype(np.int64), size - 1)
    bits = np.zeros((size, size), dtype=np.int64)
    np.bitwise_or.at(bits, (cell[:, 1], cell[:, 0]), 1 << group)
    return {
        "size": size,
        "bounds": {a: [float(lo[0]), float(hi[0])], b: [float(lo[1]), float(hi[1])]},
        "groups": [
            "neither can ratify",
            f"only {a} can ratify",
            f"only {b} can ratify",
            "both can ratify (intersection)",
        ],
        "rows": ["".join(f"{v:x}" for v in row) for row in bits],
    }


def _pd(parties, u) -> dict[str, float]:
    return {p: float(v) for p, v in zip(parties, u, strict=True)}


# ---------------------------------------------------------------------------- exact solver
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


def win_set_bounds(space: OutcomeSpace, options: Options) -> tuple[np.ndarray, np.ndarray]:
    """Lower and upper coordinate bounds (m,) of the outcomes both sides can ratify."""
    return _bounds(space, [x for x in map(options.win_sets.get, space.parties) if x is not None])


def _key(lo, hi) -> tuple[bytes, bytes]:
    return np.asarray(lo, float).tobytes(), np.asarray(hi, float).tobytes()


def restricted_cache(lo, hi, cells) -> dict:
    """A ``cache`` for :func:`solve_exact` that holds ``cells``, the
    :meth:`OutcomeSpace.restricted_cells` within ``[lo, hi]`` (None: nothing within), made
    elsewhere (:meth:`OutcomeSpace.restricted_cells_batch`)."""
    return {_key(lo, hi): None if cells is None else (cells, cells.utility_set())}


@dataclasses.dataclass(frozen=True)
class ExactSolution:
    payoffs: np.ndarray
    coords: np.ndarray


def _restricted_set(space, lo, hi):
    """The utility set of the outcomes within the issue bounds ``[lo, hi]``: each issue's set
    restricted before the Minkowski sum (:meth:`OutcomeSpace.restricted_cells`), as
    ``(cells, UtilitySet)``, or None when nothing is within the bounds."""
    if not (np.isfinite(lo).any() or np.isfinite(hi).any()):
        return space.cells, space.utility_set  # no cut: reuse the run's set and its frontier
    cells = space.restricted_cells(lo, hi)
    return None if cells is None else (cells, cells.utility_set())


def solve_exact(space, lo, hi, lower_u, d, weights, *, cache=None) -> ExactSolution | None:
    """Asymmetric Nash solution over outcomes within ``[lo, hi]`` with payoffs >= ``lower_u``.

    Returns None when no such outcome is worth at least ``d`` to both.  ``cache`` (a dict)
    keeps the restricted set and its Pareto frontier between calls with the same bounds
    (the tied-hands sweep changes only ``lower_u``).
    """
    key = _key(lo, hi)
    if cache is not None and key in cache:
        restricted = cache[key]
    else:
        restricted = _restricted_set(space, lo, hi)
        if cache is not None:
            cache[key] = restricted
    if restricted is None:
        return None
    from sim.bargaining.frontier import pareto_frontier

    cells, uset = restricted
    pf = pareto_frontier(uset)
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
    x = pf.x_start[s] + t * (pf.x_end[s] - pf.x_start[s])
    coords = space.cell_outcome(int(pf.cell_start[s]), np.clip(x, 0.0, 1.0), cells)
    return ExactSolution(space.payoffs(coords), coords)


def candidate_outcomes(space: OutcomeSpace, lo, hi, per_issue: int = 26, *, rng=None):
    """Every discrete combination times a grid of each continuous issue (bounds included),
    or a uniform sample of that grid drawn with ``rng`` when it is larger than
    :data:`sim.space.MAX_GRID` (:meth:`OutcomeSpace.sample_outcomes`)."""
    include = {j: _include(space, lo, hi, j) for j in space.continuous}
    return space.sample_outcomes(per_issue, include=include, rng=rng)


def _include(space: OutcomeSpace, lo, hi, j: int) -> list[float]:
    """The bounds of continuous issue ``j`` within its range (added to its grid)."""
    r0, r1 = space.issues[j].range  # type: ignore[misc]
    return [v for v in (lo[j], hi[j]) if np.isfinite(v) and r0 <= v <= r1]


def candidate_count(space: OutcomeSpace, lo, hi, per_issue: int = 26) -> int:
    """How many outcomes :func:`candidate_outcomes` returns, without making them: the grid's
    size, or :data:`sim.space.MAX_GRID` when it is larger (then that many are drawn)."""
    include = {j: _include(space, lo, hi, j) for j in space.continuous}
    return space.sample_size(per_issue, include=include)


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


def size(scenario, options):
    """Cells of the utility set and candidates of the map (:mod:`sim.models._size`)."""
    from sim.models._size import two_level_size

    return two_level_size(scenario, options)
