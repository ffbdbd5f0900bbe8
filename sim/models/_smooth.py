"""Answers polished on the true (smooth) value functions: what the model adapters share.

The solvers work on the piecewise-linear compilation of the payoffs (exact for linear
payoffs, within ``payoffs.tolerance`` for the trade model).  When the compiled value
functions carry their true forms (:attr:`sim.payoffs.values.ValueFunctions.smooth`), each
model's answer is polished with :func:`sim.bargaining.smooth.polish`: the discrete settings
stay, the continuous issues move so that the solution's first-order conditions hold on the
true functions (docs/payoff-model.md, section 7a).  The polished answer is kept only when it
is found and is at least as good, by the solution's own criterion, as the interpolant's
answer evaluated on the true functions; otherwise the interpolant's answer stands.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from sim.bargaining.smooth import Slice
    from sim.space import OutcomeSpace

NOTE = (
    "polished on the smooth trade model: the continuous issues solve the solution's "
    "first-order conditions on the true value functions (closed-form derivatives)"
)


def active(space: OutcomeSpace) -> bool:
    """Whether the payoffs have true forms the interpolant only approximates."""
    return space.values.smooth is not None and len(space.parties) == 2


def exact_disagreement(space: OutcomeSpace, at) -> np.ndarray:
    """The disagreement point on the true functions."""
    u = space.values.evaluate_exact(space.disagreement_outcome(at))
    return u + space.disagreement_adjustment(at)


def _true(vf, i: int, j: int):
    """Party ``i``'s true value of issue ``j`` (the compiled one where that is exact)."""
    f = vf.smooth[i][j]
    return vf.functions[i][j] if f is None else f


def slice_at(space: OutcomeSpace, coords: np.ndarray) -> Slice:
    """The two parties' true payoffs as functions of the continuous issues, every discrete
    issue at its level in ``coords``."""
    from sim.bargaining.smooth import Slice

    vf = space.values
    cont = list(space.continuous)
    base = np.asarray(coords, dtype=float).copy()
    fixed = np.zeros(2)  # the discrete issues' part, computed once
    for i in (0, 1):
        for j in space.discrete:
            fixed[i] += float(vf.functions[i][j](base[j : j + 1])[0])
    fns = [[_true(vf, i, j) for j in cont] for i in (0, 1)]

    def value(z):
        z = np.asarray(z, dtype=float)
        var = [sum(float(f(z[n : n + 1])[0]) for n, f in enumerate(row)) for row in fns]
        return fixed + np.array(var)

    def slopes(z):
        return np.array([[float(vf.slope(i, j, z[n])) for n, j in enumerate(cont)] for i in (0, 1)])

    breaks, movable = [], []
    for j in cont:
        lo, hi = space.issues[j].range  # type: ignore[misc]
        kinks = {lo, hi}
        cares = False
        for i in (0, 1):
            true = vf.smooth[i][j]  # type: ignore[index]
            fn = vf.functions[i][j]
            if true is not None:
                kinks |= {k for k in true.kinks if lo < k < hi}
                cares = True
            elif np.any(fn.vs != 0.0):
                cares = True
        breaks.append(np.array(sorted(kinks), dtype=float))
        movable.append(cares)
    return Slice(value, slopes, base[cont], tuple(breaks), np.array(movable, dtype=bool))


def apply(space: OutcomeSpace, coords: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``coords`` with the continuous issues set to ``z``."""
    out = np.asarray(coords, dtype=float).copy()
    out[list(space.continuous)] = z
    return out


def _polish(s: Slice, batched, scalar, known=None, key=None, *, minpack=True):
    """Slice ``s`` polished by the batched Newton solver (:func:`sim.bargaining.smooth_batch.
    polish_one`, the one :func:`sim.evaluate` runs over draws) or, where it does not
    converge, by MINPACK's hybrid method (:func:`sim.bargaining.smooth.polish`).

    ``known[key]``, where given, is the Newton solver's answer already found for this slice
    over many rows (:func:`sim.bargaining.smooth_batch.polish_batch`; None: it did not
    converge), used instead of solving it again; ``minpack=False``: the Newton answer only.
    """
    from sim.bargaining import smooth
    from sim.bargaining.smooth_batch import polish_one

    got = known[key] if known is not None and key in known else polish_one(s, batched)
    return got if got is not None or not minpack else smooth.polish([s], scalar)


def misses_ray(u1, u2, d, r):
    """Whether the ray ``d + t r`` passes by the Pareto frontier between party 1's best
    ``u1`` and party 2's best ``u2`` (arrays ``(..., 2)``): ``(U1 - d1) r2 - (U2 - d2) r1``
    has the same sign at both.  Along the frontier ``U1`` rises as ``U2`` falls, so that
    sign is the same at every frontier point and the ray meets none: the smaller normalised
    gain is then largest at an end (Kalai 1977; the free-disposal hull's solution)."""
    e1 = (u1[..., 0] - d[..., 0]) * r[..., 1] - (u1[..., 1] - d[..., 1]) * r[..., 0]
    e2 = (u2[..., 0] - d[..., 0]) * r[..., 1] - (u2[..., 1] - d[..., 1]) * r[..., 0]
    return ((e1 < 0) & (e2 < 0)) | ((e1 > 0) & (e2 > 0))


def _constrained(s: Slice, w: np.ndarray, d: np.ndarray, binding=(), bound=(0, 1), known=None):
    """The maximiser of ``w @ U`` subject to ``U >= d``, polished on slice ``s``: the
    first Karush--Kuhn--Tucker point found among the unconstrained first-order conditions
    and those with one participation constraint binding (multiplier >= 0: the gradient
    weight ``lam`` on the bound party at least ``w``'s).  ``binding``: parties whose
    constraint binds on the interpolant, tried first; ``bound``: parties whose constraint
    can bind (not a party whose own payoff is maximised).  None if none is found.
    ``known``: as :func:`_polish` (keys ``("sum", w1, w2)`` and ``("level", i)``)."""
    from sim.bargaining import smooth
    from sim.bargaining import smooth_batch as sb

    scale = 1e-9 * max(1.0, float(np.abs(s.value(s.z0)).max()))
    share = float(w[0] / w.sum())
    order = [*binding, None, *(i for i in bound if i not in binding)]
    for i in order:
        if i is None:
            got = _polish(s, sb.weighted_sum(w), smooth.weighted_sum(w), known, sum_key(w))
        else:
            got = _polish(
                s, sb.level(i, np.array([d[i]])), smooth.level(i, float(d[i])), known, ("level", i)
            )
        if got is None or not (got.u[0] >= d - scale).all():
            continue
        lam = float(got.lam[0])
        if i is None or (i == 0 and lam >= share - 1e-9) or (i == 1 and lam <= share + 1e-9):
            return got
    return None


def _best(space: OutcomeSpace, d: np.ndarray, party: int, start: np.ndarray, binding):
    """Party ``party``'s best payoff among the outcomes giving the other at least ``d``,
    polished from ``start`` (its best on the interpolant): the Kalai--Smorodinsky ideal."""
    s = slice_at(space, start)
    other = 1 - party
    got = _constrained(s, np.eye(2)[party], d, (other,) if binding else (), (other,))
    u0 = s.value(s.z0)
    if got is None or ((u0 >= d).all() and got.u[0, party] < u0[party]):
        return None
    return float(got.u[0, party])


def polish_axiomatic(name: str, space: OutcomeSpace, coords, at, weights=(1.0, 1.0)):
    """``(coords, payoffs, d)`` of an axiomatic solution polished on the true functions, or
    None (keep the interpolant's answer).  ``coords`` is the outcome the solution found on
    the interpolant (None: no zone of agreement); ``weights`` its bargaining weights.

    The polish itself is :func:`polish_slice` on the slice of the true functions at
    ``coords``; Kalai--Smorodinsky's ray points to the polished ideal (:func:`_ideal`)."""
    if not active(space) or coords is None or not space.continuous:
        return None
    d = exact_disagreement(space, at)
    s = slice_at(space, coords)
    w = np.asarray(weights, dtype=float)
    binding, r = (), None
    if name == "utilitarian":
        hit = binds(space.payoffs(coords), space.disagreement_point(at))
        binding = tuple(i for i in (0, 1) if hit[i])
    elif name == "kalai_smorodinsky":
        r = _ideal(space, d, at) - d
    got = polish_slice(name, s, d, w, binding=binding, direction=r)
    return None if got is None else (apply(space, coords, got[0]), got[1], d)


def sum_key(w) -> tuple:
    """The key of the weighted sum ``w`` in :func:`_polish`'s ``known``."""
    return ("sum", float(w[0]), float(w[1]))


def binds(u, d) -> np.ndarray:
    """Which participation constraints bind on the interpolant (the utilitarian solution
    tries those first): ``u_i <= d_i + 1e-9 max(1, max_j |d_j|)``, the last axis the
    parties."""
    d = np.asarray(d, dtype=float)
    tol = 1e-9 * np.maximum(1.0, np.abs(d).max(axis=-1, keepdims=True))
    return np.asarray(u, dtype=float) <= d + tol


def polish_slice(name: str, s: Slice, d, weights, *, binding=(), direction=None, known=None):
    """``(z, u)``: an axiomatic solution polished on slice ``s`` (disagreement point ``d``
    on the true functions), or None (keep the start ``s.z0``).

    Each solution's criterion judges the candidates: the Nash product (Nash 1950), the
    weighted sum over the deals both accept (utilitarian; ``binding``: parties whose
    participation constraint binds on the interpolant), the smaller normalised gain
    ``min_i (u_i - d_i) / r_i`` (Kalai--Smorodinsky 1975, ``direction`` = ideal - d;
    egalitarian, Kalai 1977, ``r`` = weights), which is the ray point when the ray meets the
    frontier and otherwise a party's best outcome (the free-disposal hull's solution).  The
    polish is kept only where it is at least as good as the start by that criterion.
    ``known``: the Newton solver's answers already found for this slice (:func:`_polish`;
    keys ``"nash"``, ``"ray"``, ``("sum", w1, w2)``, ``("level", i)``)."""
    from sim.bargaining import smooth
    from sim.bargaining import smooth_batch as sb

    d = np.asarray(d, dtype=float)
    w = np.asarray(weights, dtype=float)
    if name == "nash_bargaining":
        found = [_polish(s, sb.nash(d[None], w), smooth.nash(d, w), known, "nash")]

        def score(u):
            g = u - d
            return float(w @ np.log(g)) if (g > 0).all() else -np.inf

    elif name == "utilitarian":
        found = [_constrained(s, w, d, binding, known=known)]
        tol = 1e-9 * max(1.0, float(np.abs(d).max()))

        def score(u):
            return float(w @ u) if (u >= d - tol).all() else -np.inf

    else:
        r = w if direction is None else np.asarray(direction, dtype=float)
        if not np.isfinite(r).all() or (r <= 0).any():
            return None

        def score(u):
            return float(((u - d) / r).min())

        ray = _polish(s, sb.ray(d[None], r[None]), None, known, "ray", minpack=False)
        found = [ray]
        if ray is None or score(ray.u[0]) < score(s.value(s.z0)):
            ends = [
                _polish(s, sb.weighted_sum(e), smooth.weighted_sum(e), known, sum_key(e))
                for e in np.eye(2)
            ]
            # MINPACK looks for the ray point only where the frontier can hold one
            if ray is None and (None in ends or not misses_ray(ends[0].u[0], ends[1].u[0], d, r)):
                found = [smooth.polish([s], smooth.ray(d, r))]
            found += ends

    found = [g for g in found if g is not None]
    if not found:
        return None
    got = max(found, key=lambda g: score(g.u[0]))
    before = score(s.value(s.z0))
    if score(got.u[0]) < before - 1e-12 * max(1.0, abs(before)):
        return None
    return got.z[0], got.u[0]


def _ideal(space: OutcomeSpace, d: np.ndarray, at) -> np.ndarray:
    """Each party's best payoff among the deals giving the other at least ``d``, polished
    from its best on the interpolant (NaN where that fails)."""
    from sim.bargaining.primitives import ir_candidates

    d_pl = space.disagreement_point(at)
    pts, cells, xs = ir_candidates(space.utility_set, d_pl)
    ideal = np.full(2, np.nan)
    for i in (0, 1):
        k = int(np.argmax(pts[:, i]))
        tol = 1e-9 * max(1.0, abs(float(d_pl[1 - i])))
        binding = bool(pts[k, 1 - i] <= d_pl[1 - i] + tol)  # on the interpolant's u = d
        best = _best(space, d, i, space.cell_outcome(int(cells[k]), xs[k]), binding)
        ideal[i] = np.nan if best is None else best
    return ideal


@dataclass(frozen=True)
class OfferPolish:
    """The two-offer polish of one alternating-offers equilibrium: where the offers start
    (``cx``, ``cy``: outcomes of their discrete settings, exact on the interpolant), the
    disagreement point ``d`` and outside options on the true functions (NaN for none), the
    effective discount factors, whether each offer is its proposer's best (``x_end``,
    ``y_end``) and who proposes first."""

    cx: np.ndarray
    cy: np.ndarray
    d: np.ndarray
    outside: np.ndarray
    delta: np.ndarray
    x_end: bool
    y_end: bool
    proposer: int

    def equations(self):
        """The scalar (MINPACK) and batched (Newton) forms of the offers' equations."""
        from sim.bargaining import smooth
        from sim.bargaining import smooth_batch as sb

        outside = tuple(None if np.isnan(o) else float(o) for o in self.outside)
        scalar = smooth.rubinstein(
            self.d, self.delta, x_end=self.x_end, y_end=self.y_end, outside=outside
        )
        batched = sb.rubinstein(
            self.d[None], self.delta[None], x_end=[self.x_end], y_end=[self.y_end],
            outside=self.outside[None],
        )
        return scalar, batched


def offer_polish(space: OutcomeSpace, front, core, d: np.ndarray, at) -> OfferPolish | None:
    """What :func:`polish_rubinstein` solves for the equilibrium ``core`` on ``front``
    (None: nothing to polish, keep the interpolant's answer)."""
    if not active(space) or not core.agreement or not space.continuous:
        return None
    x0, y0 = np.asarray(core.offer_by_1, float), np.asarray(core.offer_by_2, float)
    chain = front.chain
    tol = 1e-9 * max(1.0, float(np.abs(chain.points).max()))
    x_end, y_end = bool(x0[0] >= chain.max_u1 - tol), bool(y0[1] >= chain.max_u2 - tol)
    cx = front.exact_coords((chain.max_u1, 0.0) if x_end else x0, same_setting=True)
    cy = front.exact_coords((chain.min_u1, 0.0) if y_end else y0, same_setting=True)
    if cx is None or cy is None:
        return None
    dis = space.disagreement_outcome("final" if at is None else at)
    shift = space.values.evaluate_exact(dis) - space.values.evaluate(dis)
    d_ex = np.asarray(d, float) + shift
    outside = np.array(
        [np.nan if o is None else float(o) + float(shift[i]) for i, o in enumerate(core.outside)]
    )
    return OfferPolish(
        cx, cy, d_ex, outside, np.asarray(core.effective_delta, float), x_end, y_end,
        int(core.proposer),
    )


def offers_polished(space: OutcomeSpace, problem: OfferPolish, z: np.ndarray, u: np.ndarray):
    """``(coords, payoffs, offers, d)`` of polished offers ``z`` (2, k) with payoffs ``u``
    (2, 2): the accepted offer's outcome and payoffs, both offers' payoffs and the
    disagreement point on the true functions."""
    i = problem.proposer
    coords = apply(space, problem.cx if i == 0 else problem.cy, z[i])
    return coords, u[i], (u[0], u[1]), problem.d


def polish_rubinstein(space: OutcomeSpace, front, core, d: np.ndarray, at):
    """The stationary offers of alternating offers polished on the true functions.

    ``front`` is the :class:`sim.models._frontier.ScenarioFrontier` the equilibrium ``core``
    (:class:`sim.bargaining.alternating.RubinsteinResult`) was solved on, with
    disagreement point ``d`` (the interpolant's).  Each offer stays in its discrete
    setting; both must be exact outcomes (not lotteries of two).  The two offers'
    first-order conditions and the equations of :func:`sim.bargaining.smooth.rubinstein`
    are solved by Newton's method (:func:`sim.bargaining.smooth_batch.polish_pair_one`, the
    solver :func:`sim.evaluate` runs over draws), and with MINPACK's hybrid method
    (:func:`sim.bargaining.smooth.polish`) where that does not converge.  Returns
    ``(coords, payoffs, offers, d)``: the accepted offer's outcome and payoffs, both
    offers' payoffs (party 1's, party 2's) and the disagreement point on the true
    functions; None keeps the interpolant's answer.
    """
    problem = offer_polish(space, front, core, d, at)
    if problem is None:
        return None
    got = solve_offers(space, problem)
    return None if got is None else offers_polished(space, problem, got.z, got.u)


def solve_offers(space: OutcomeSpace, problem: OfferPolish):
    """The offers of ``problem`` polished (a :class:`sim.bargaining.smooth.Polished` with two
    points), by Newton's method, else MINPACK's hybrid method; None if neither finds them."""
    from sim.bargaining import smooth
    from sim.bargaining.smooth_batch import polish_pair_one

    slices = [slice_at(space, problem.cx), slice_at(space, problem.cy)]
    scalar, batched = problem.equations()
    got = polish_pair_one(slices, batched)
    return got if got is not None else smooth.polish(slices, scalar)
