"""Alternating offers (the model ``rubinstein``) of many draws at once, without cells.

With additive value functions the utility set is the Minkowski sum of the discrete issues'
point sets and the continuous issues' piecewise-linear curves
(:mod:`sim.analysis.batch_axiomatic`).  The alternating-offers models bargain on the Pareto
chain of its convex hull (``frontier: convex``), and the convex hull of a Minkowski sum is
the sum of the summands' hulls: its support function is the sum of theirs (Schneider,
*Convex Bodies*, 2nd ed., Thm 1.7.5), so its boundary is the merge, by slope, of the
summands' edges (de Berg et al., *Computational Geometry*, 3rd ed., section 13.3).  The
chain's first vertex is the sum of every summand's best point for party 2, and an edge of
the chain is an edge of one summand with every other summand at a vertex.  The outcome
behind a point of the chain is read off the summands: the vertex's settings, and along an
edge of a curve between consecutive breakpoints (a cell's edge), the interpolated
coordinate -- an exact deal; along any other edge the point is a lottery of two deals.

On that chain :func:`sim.bargaining.alternating.rubinstein` (the function the model runs)
gives the stationary equilibrium, and the offers are polished on the true trade functions
for all draws together (:func:`sim.bargaining.smooth_batch.polish_pair_batch`, the solver
``sim run`` tries first).  A draw the batch cannot settle goes back to the per-draw path:
its point is a lottery of two deals (the model then searches the exact frontier), its chain
has near-ties the per-draw reduction resolves by tolerance (parallel edges of two
summands, edges shorter than the tolerance, several outcomes with equal payoffs), or its
polish does not converge.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

import numpy as np

from sim.analysis.batch_trade import Params

__all__ = ["Chain", "hull_chain", "rubinstein_batch"]

#: Draws of one :func:`sim.analysis.batch_axiomatic.solve_batch` call.
CHUNK = 4
#: Drawn numbers the batch reads (others of ``calendar.`` or ``models.rubinstein.``: per draw).
_TIME = ("calendar.discount_rate.", "calendar.breakdown_risk")
_OPTIONS = ("breakdown", "outside_options.", "delta.")


@dataclass(frozen=True)
class Chain:
    """One draw's Pareto chain of the convex hull, with the outcome at every vertex.

    Attributes
    ----------
    points : (m, 2) array
        Vertices, ``u1`` increasing and ``u2`` decreasing.
    coords : (m, n_issues) array
        The outcome at each vertex (level index or value per issue).
    exact : (m - 1,) bool array
        The edge lies in one curve and is affine in its issue (its points are deals).
    same_setting : (m - 1,) bool array
        The edge is one curve's (its ends share every discrete setting).
    tied : (m - 1,) bool array
        The per-draw reduction, judging by its tolerance, may draw this edge otherwise
        (a vertex it drops or keeps, a curve's edge it merges with a parallel one).
    issue : (m - 1,) int array
        The issue whose summand each edge is.
    upright : bool
        Some summand has two outcomes equal for one party (a flat or upright edge of the
        utility set, where the exact frontier's ties are the per-draw path's).
    """

    points: np.ndarray
    coords: np.ndarray
    exact: np.ndarray
    same_setting: np.ndarray
    tied: np.ndarray
    issue: np.ndarray
    upright: bool


def _cross(o, a, b) -> float:
    return (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])


def _turn(o, a, b, tol: float) -> int:
    """``a`` as the per-draw hull judges it (:func:`sim.bargaining.frontier.convex_frontier`:
    dropped when ``cross >= -tol * max(1, |b - o|)``): 1 kept, 0 dropped, -1 too close to
    that threshold to tell."""
    c = _cross(o, a, b)
    t = tol * max(1.0, math.hypot(b[0] - o[0], b[1] - o[1]))
    return 1 if c < -2.0 * t else 0 if c >= -0.5 * t else -1


def _summand(u: np.ndarray, x: np.ndarray, curve: bool, tol: float):
    """The Pareto chain of one summand's hull: vertex indices (``u1`` increasing), whether
    each edge is affine in the issue (a curve's consecutive breakpoints, or collinear
    pieces of equal speed), whether each is tied (:class:`Chain`), and whether the
    reported outcome at a vertex is a tie (another outcome with nearly its payoffs)."""
    order = np.lexsort((np.arange(len(u)), -u[:, 1], -u[:, 0]))
    best, keep, clean = -np.inf, [], True
    for i in order.tolist():  # staircase: u1 decreasing, u2 above all before by over tol
        rise = u[i, 1] - best
        if rise > tol:
            keep.append(i)
        if 0.5 * tol < rise <= 2.0 * tol:  # too close to the per-draw threshold to tell
            clean = False
        best = max(best, u[i, 1])
    keep.reverse()
    for i in keep:  # an outcome with nearly the same payoffs: which one is reported is a tie
        near = np.abs(u - u[i]).max(axis=1) <= 2 * tol
        exact_dup = (u == u[i]).all(axis=1)
        if (near & ~exact_dup).any() or (curve and np.ptp(x[exact_dup]) > 0):
            clean = False
    pts = u.tolist()
    hull: list[int] = []
    tied: list[bool] = []
    for i in keep:
        late = False
        while len(hull) >= 2:
            turn = _turn(pts[hull[-2]], pts[hull[-1]], pts[i], tol)
            if turn == 1:
                break
            late |= turn == -1
            hull.pop()
            tied.pop()
        if hull:
            tied.append(late)
        hull.append(i)
    affine = []
    for a, b in itertools.pairwise(hull):
        if not curve:
            affine.append(False)
            continue
        lo, hi = min(a, b), max(a, b)
        # the curve's points are its breakpoints in order: an edge over several pieces is
        # affine in the issue only if they are collinear with equal speed
        seg = np.arange(lo, hi + 1)
        du = np.diff(u[seg], axis=0) / np.diff(x[seg])[:, None]
        affine.append(bool(hi - lo == 1 or np.allclose(du, du[0], rtol=1e-12, atol=0.0)))
    return hull, affine, tied, clean


def hull_chain(values, row: int, tol: float) -> Chain | None:
    """The chain of draw ``row`` of :class:`~sim.analysis.batch_values.BatchedValues`
    (module docstring) with the per-draw tolerance ``tol``; None when the set is a single
    point or which outcome sits at a vertex is a tie."""
    issues = values.issues
    start = np.zeros(2)
    coords = np.zeros(len(issues))
    edges = []  # (slope, issue, end coordinate, vector, affine, tied)
    upright = False
    for j in range(len(issues)):
        if j in values.levels:
            u = values.levels[j][:, row, :].T
            x = np.arange(u.shape[0], dtype=float)
            curve = False
        else:
            c = int(values.count[j][row])
            u = values.vs[j][:, row, :c].T
            x = values.xs[j][row, :c]
            curve = True
        hull, affine, tied, clean = _summand(np.ascontiguousarray(u), x, curve, tol)
        if not clean:
            return None
        gap = np.abs(u[:, None, :] - u[None, :, :]).min(axis=2)
        upright |= bool((gap[~np.eye(len(u), dtype=bool)] <= 2 * tol).any())
        start += u[hull[0]]
        coords[j] = x[hull[0]]
        for a, b, aff, t in zip(hull[:-1], hull[1:], affine, tied, strict=True):
            v = u[b] - u[a]
            edges.append((v[1] / v[0], j, x[b], v, aff, t))
    if not edges:
        return None
    edges.sort(key=lambda e: -e[0])  # shallow first: the chain turns clockwise
    m = len(edges) + 1
    points, out = np.zeros((m, 2)), np.zeros((m, len(issues)))
    points[0], out[0] = start, coords
    exact, same, tied = np.zeros(m - 1, bool), np.zeros(m - 1, bool), np.zeros(m - 1, bool)
    issue = np.array([e[1] for e in edges], dtype=np.intp)
    for k, (_s, j, xb, v, aff, t) in enumerate(edges):
        points[k + 1] = points[k] + v
        out[k + 1] = out[k]
        out[k + 1, j] = xb
        exact[k], same[k] = aff, j not in values.levels
        # an edge within the tolerance of flat or upright: the per-draw chain drops it
        tied[k] = t or min(abs(v[0]), abs(v[1])) <= 2 * tol
    for k in range(1, m - 1):  # a curve's edge parallel to the next: merged per draw
        if _turn(points[k - 1], points[k], points[k + 1], tol) != 1 and (same[k - 1] or same[k]):
            tied[k - 1] = tied[k] = True
    return Chain(points, out, exact, same, tied, issue, upright)


def _tolerance(values) -> np.ndarray:
    """(N,) ``1e-9`` times each draw's extent (as :attr:`sim.bargaining.geometry.
    UtilitySet.tol`, from the summands' extents)."""
    lo, hi = np.zeros((values.n, 2)), np.zeros((values.n, 2))
    for j in range(len(values.issues)):
        if j in values.levels:
            v = values.levels[j]  # (P, N, L)
            ok = np.ones(v.shape[1:], bool)
        else:
            v = values.vs[j]
            ok = np.arange(v.shape[2])[None, :] < values.count[j][:, None]
        lo += np.where(ok, v, np.inf).min(axis=2).T
        hi += np.where(ok, v, -np.inf).max(axis=2).T
    scale = np.maximum((hi - lo).max(axis=1), 1e-4 * np.maximum(np.abs(lo), np.abs(hi)).max(1))
    return 1e-9 * np.where(scale > 0, scale, 1.0)


def _at(chain: Chain, point, same_setting: bool):
    """The outcome at a point of the chain (as :meth:`sim.models._frontier.ScenarioFrontier.
    exact_coords`): a vertex, a point of an exact edge, with ``same_setting`` also a point
    of a curve's chord; None for a lottery.  Second: whether the edge is tied."""
    from sim.bargaining.chain import Frontier

    loc = Frontier(chain.points).locate(float(point[0]))
    seg, w = int(loc.segment[0]), float(loc.weight[0])
    m = len(chain.points)
    tied = m > 1 and bool(chain.tied[seg])
    if m == 1 or w <= 1e-12:
        return chain.coords[seg], tied
    if w >= 1 - 1e-12:
        return chain.coords[seg + 1], tied
    if chain.exact[seg] or (same_setting and chain.same_setting[seg]):
        return (1 - w) * chain.coords[seg] + w * chain.coords[seg + 1], tied
    return None, tied


def _deal_at(chain: Chain, values, row: int, point):
    """``(kind, coords)`` of the deal behind the equilibrium point (as the first part of
    :meth:`sim.models._frontier.ScenarioFrontier.deal_at`): ``"exact"`` with its outcome,
    ``"lottery"`` (an edge between two deals) or ``"tied"`` (for the per-draw path)."""
    coords, tied = _at(chain, point, False)
    if tied:
        return "tied", None
    if coords is not None:
        return "exact", coords
    from sim.bargaining.chain import Frontier

    loc = Frontier(chain.points).locate(float(point[0]))
    seg, w = int(loc.segment[0]), float(loc.weight[0])
    if chain.same_setting[seg]:  # a curve's chord: exact if the interpolated outcome is
        j = int(chain.issue[seg])
        c = int(values.count[j][row])
        xs, vs = values.xs[j][row, :c], values.vs[j][:, row, :c]
        a, b = chain.coords[seg], chain.coords[seg + 1]
        mid = (1 - w) * a + w * b
        f = [np.interp(v, xs, vs[i]) for i in (0, 1) for v in (a[j], mid[j])]
        u_mid = chain.points[seg] + np.array([f[1] - f[0], f[3] - f[2]])
        scale = max(1.0, float(np.abs(chain.points).max()))
        if np.abs(u_mid - np.asarray(point, float)).max() <= 1e-9 * scale:
            return "exact", mid
    return "lottery", None


def _take(values, rows: np.ndarray):
    """The draws ``rows`` (indices) of a :class:`~sim.analysis.batch_values.BatchedValues`."""
    import dataclasses

    m = {j: int(values.count[j][rows].max()) for j in values.count}
    return dataclasses.replace(
        values,
        n=int(rows.size),
        xs={j: a[rows, : m[j]] for j, a in values.xs.items()},
        vs={j: a[:, rows, : m[j]] for j, a in values.vs.items()},
        count={j: a[rows] for j, a in values.count.items()},
        levels={j: a[:, rows] for j, a in values.levels.items()},
    )


def _best_exact(values, rows: np.ndarray, proposer: int, threshold, proposer_min):
    """Per row: the outcome best for ``proposer`` among those giving the responder at least
    ``threshold`` and the proposer at least ``proposer_min`` (as
    :func:`sim.models._frontier.best_exact` and its check in ``deal_at``), None where none
    does: the utilitarian machinery of :func:`sim.analysis.batch_axiomatic.solve_batch` with
    all the weight on the proposer."""
    from types import SimpleNamespace

    from sim.analysis.batch_axiomatic import solve_batch

    d = np.zeros((rows.size, 2))
    d[:, 1 - proposer] = threshold
    d[:, proposer] = proposer_min - 1e-9 * np.maximum(1.0, np.abs(proposer_min))
    parts = [  # small chunks: the arrays are padded to a chunk's largest sets
        solve_batch(_take(values, rows[k : k + CHUNK]), d[k : k + CHUNK],
                    solution="utilitarian", weights=np.eye(2)[proposer])
        for k in range(0, rows.size, CHUNK)
    ]
    solved = SimpleNamespace(
        zone=np.concatenate([p.zone for p in parts]),
        combo=np.concatenate([p.combo for p in parts]),
        coords={j: np.concatenate([p.coords[j] for p in parts]) for j in parts[0].coords},
    )
    disc = [j for j in range(len(values.issues)) if j in values.levels]
    sizes = [values.levels[j].shape[2] for j in disc]
    levels = np.unravel_index(solved.combo, sizes) if disc else ()
    out = []
    for k in range(rows.size):
        if not solved.zone[k]:
            out.append(None)
            continue
        coords = np.zeros(len(values.issues))
        for j, lv in zip(disc, levels, strict=True):
            coords[j] = lv[k]
        for j, x in solved.coords.items():
            coords[j] = x[k]
        out.append(coords)
    return out


def _inputs(sc, options, arrays: dict, n: int):
    """Per draw: first proposer, period (days), time keywords, breakdown, outside options
    (added to ``d``), or None when a drawn number is one the batch does not read."""
    from sim.models import _frontier as sf

    prefix = "models.rubinstein."
    for p in arrays:
        if p.startswith("calendar.") and not p.startswith(_TIME):
            return None
        if p.startswith(prefix) and not p[len(prefix) :].startswith(_OPTIONS):
            return None
    if options.outside_options == "adjustments" or options.frontier != "convex":
        return None
    get = Params(arrays, n).get
    parties = sc.party_codes
    cal = sc.calendar
    rounds = cal.rounds
    first = parties.index(options.first_proposer or (rounds[0].proposer if rounds else None)
                          or parties[0])
    period = options.period_days
    if period is None and len(rounds) >= 2:  # as sim.models._frontier.mean_round_gap_days
        period = (rounds[-1].date - rounds[0].date).days / (len(rounds) - 1)
    if options.delta is not None:
        delta = np.column_stack(
            [np.broadcast_to(get(f"{prefix}delta.{p}", options.delta[p]), n) for p in parties]
        )
        time = [{"delta": tuple(row)} for row in delta]
    else:
        if period is None or any(p not in cal.discount_rate for p in parties):
            return None
        rates = np.column_stack(
            [
                np.broadcast_to(get(f"calendar.discount_rate.{p}", cal.discount_rate[p]), n)
                for p in parties
            ]
        )
        time = [{"rates": tuple(r), "period_years": period / sf.DAYS_PER_YEAR} for r in rates]
    if options.breakdown is not None:
        brk = get(prefix + "breakdown", options.breakdown)
    elif cal.breakdown_risk is not None:
        brk = get("calendar.breakdown_risk", cal.breakdown_risk)
    else:
        brk = 0.0
    brk = np.broadcast_to(np.asarray(brk, float), (n,))
    outside = np.full((n, 2), np.nan)
    for i, p in enumerate(parties):
        q = (options.outside_options or {}).get(p)
        if q is not None:
            outside[:, i] = get(f"{prefix}outside_options.{p}", q)
    return first, period, time, brk, outside


def rubinstein_batch(sc, values, arrays: dict, d: np.ndarray, options) -> list:
    """Records of ``rubinstein`` for every draw (as :meth:`~sim.results.model.ModelResult.
    to_record`), None for a draw the batch does not settle (module docstring).

    Parameters
    ----------
    sc : Scenario
        The base scenario (the draws change numbers only).
    values : sim.analysis.batch_values.BatchedValues
    arrays : dict
        Drawn columns (path -> (N,) array).
    d : (N, 2) array
        Disagreement points on the interpolant (the model's ``disagreement_at``).
    options : RubinsteinOptions
    """
    from sim.bargaining.alternating import nash_weights_limit, rubinstein
    from sim.bargaining.chain import Frontier
    from sim.models import _frontier as sf

    n = values.n
    got = _inputs(sc, options, arrays, n)
    if got is None or len(sc.party_codes) != 2:
        return [None] * n
    first, period, time, brk, outside = got
    parties = sc.party_codes
    tol = _tolerance(values)
    recs: list = [None] * n
    polish: list = []  # (row, chain, core) of deals to polish on the true functions
    lottery: list = []  # (row, responder's payoff, proposer's no-deal value)
    coords_of: dict = {}
    for r in range(n):
        chain = hull_chain(values, r, float(tol[r]))
        if chain is None:
            continue
        o = outside[r]
        out = [None if np.isnan(v) else float(d[r, i] + v) for i, v in enumerate(o)]
        try:
            core = rubinstein(
                Frontier(chain.points), d[r], **time[r], proposer=first,
                breakdown=float(brk[r]), outside=out,
            )
        except ValueError:
            continue
        rec = {"model": "rubinstein", "status": "no_agreement"}
        if core.agreement:
            kind, coords = _deal_at(chain, values, r, core.payoffs)
            if kind == "tied" or (kind == "lottery" and chain.upright):
                continue
            if kind == "lottery":  # the real deal the proposer would offer (below)
                no_deal = max(v for v in (core.disagreement[first], core.outside[first])
                              if v is not None)
                lottery.append((r, float(core.payoffs[1 - first]), float(no_deal)))
            else:
                coords_of[r] = coords
                rec["status"] = "ok"
                polish.append((r, chain, core))
        hazard = limit = None
        if options.delta is None and period is not None:  # as the model (BRW 1986)
            p = core.breakdown
            hazard = -math.log1p(-p) * sf.DAYS_PER_YEAR / period if p > 0 else 0.0
            try:
                limit = nash_weights_limit(time[r]["rates"], hazard=hazard)
            except ValueError:
                limit = None
        some = {} if core.agreement else None  # a mapping (not a record column) or None
        extra = {
            "equilibrium_point": some,
            "agreement_round": core.agreement_round,
            "agreement_date": None,
            "deal": some,
            "first_proposer": parties[first],
            "period_days": None if options.delta is not None else period,
            "breakdown": core.breakdown,
            "unique": core.unique,
            "n_equilibria": len(core.equilibria),
            "nash_limit_weights": None if limit is None else {},
            "nash_limit_hazard_per_year": hazard,
        }
        rec["_extra"] = {k: v for k, v in extra.items() if not isinstance(v, dict)}
        recs[r] = rec
    if lottery:
        rows = np.array([t[0] for t in lottery])
        found = _best_exact(
            values, rows, first, np.array([t[1] for t in lottery]),
            np.array([t[2] for t in lottery]),
        )
        for r, coords in zip(rows.tolist(), found, strict=True):
            if coords is not None:
                coords_of[r] = coords
                recs[r]["status"] = "ok"
    u_at = np.zeros((n, 2))
    d_out = d.copy()
    if coords_of:
        rows = np.array(sorted(coords_of))
        full = np.zeros((n, len(sc.issues)))
        full[rows] = np.array([coords_of[r] for r in rows])
        u_at[rows] = values.evaluate(full)[rows]
        at = options.disagreement_at
        _polish_offers(sc, values, arrays, d, at, polish, coords_of, u_at, d_out, recs)
    for r, rec in enumerate(recs):
        if rec is None:
            continue
        extra = rec.pop("_extra")
        if rec["status"] == "ok":
            for j, issue in enumerate(sc.issues):
                c = float(coords_of[r][j])
                rec[f"agreement.{issue.id}"] = (
                    round(c, 10) if issue.kind == "continuous" else
                    issue.level_list()[round(c)].label
                )
            for i, p in enumerate(parties):
                rec[f"payoff.{p}"] = float(u_at[r, i])
        for i, p in enumerate(parties):
            rec[f"disagreement.{p}"] = float(d_out[r, i])
        if rec["status"] == "ok":
            for i, p in enumerate(parties):
                rec[f"gain.{p}"] = float(u_at[r, i]) - float(d_out[r, i])
        rec.update(extra)
    return recs


def _polish_offers(sc, values, arrays, d, at, polish, coords_of, u_at, d_out, recs) -> None:
    """The offers of the deals in ``polish`` on the true functions (as
    :func:`sim.models._smooth.polish_rubinstein`): updates the deals' coordinates, payoffs
    and disagreement points in place; a draw whose polish does not converge is unsettled."""
    if sc.payoffs.model != "trade" or not sc.payoffs.refine or not polish:
        return
    from sim.payoffs.trade_values import smooth_functions
    from sim.space import OutcomeSpace

    cont = [j for j, i in enumerate(sc.issues) if i.kind == "continuous"]
    if not cont or smooth_functions(sc.payoffs, sc.issues, sc.party_codes) is None:
        return
    todo = []
    for r, chain, core in polish:
        x0, y0 = np.asarray(core.offer_by_1, float), np.asarray(core.offer_by_2, float)
        pts = chain.points
        t = 1e-9 * max(1.0, float(np.abs(pts).max()))
        x_end, y_end = bool(x0[0] >= pts[-1, 0] - t), bool(y0[1] >= pts[0, 1] - t)
        cx, tx = _at(chain, (pts[-1, 0], 0.0) if x_end else x0, True)
        cy, ty = _at(chain, (pts[0, 0], 0.0) if y_end else y0, True)
        if tx or ty:
            recs[r] = None  # per draw
        elif cx is not None and cy is not None:
            todo.append((r, core, cx, cy, x_end, y_end))
    if not todo:
        return
    from sim.analysis.batch_polish import _Problem
    from sim.bargaining import smooth_batch as sb

    rows = np.array([t[0] for t in todo])
    smooth = smooth_functions(sc.payoffs, sc.issues, sc.party_codes)
    problems = []
    for k in (2, 3):  # the two offers' discrete settings
        full = np.zeros((values.n, len(sc.issues)))
        full[rows] = np.array([t[k] for t in todo])
        problems.append(_Problem(sc, values, arrays, full, smooth))
    no_deal = OutcomeSpace(sc, values=None).disagreement_outcome(at)  # type: ignore[arg-type]
    shift = problems[0].no_deal_shift(values, no_deal)[rows]
    d_ex = d[rows] + shift
    eff = np.array([t[1].effective_delta for t in todo])
    outside = np.array([[np.nan if o is None else o for o in t[1].outside] for t in todo])
    eq = sb.rubinstein(
        d_ex, eff, x_end=[t[4] for t in todo], y_end=[t[5] for t in todo],
        outside=outside + shift,
    )
    z, u, _lam, conv = sb.polish_pair_batch([p.batch(rows) for p in problems], eq)
    for m, (r, core, cx, cy, *_rest) in enumerate(todo):
        if not conv[m]:
            recs[r] = None  # the per-draw path: Newton there too, then MINPACK
            continue
        i = core.proposer
        coords = (cx if i == 0 else cy).copy()
        coords[cont] = z[m, i]
        coords_of[r] = coords
        u_at[r] = u[m, i]
        d_out[r] = d_ex[m]
