"""Batched answers polished on the true trade functions, as ``sim.run`` polishes one answer.

:func:`polisher` gives :func:`sim.analysis.evaluate.evaluate` the step that
:func:`sim.models._smooth.polish_axiomatic` performs for one draw, for every draw of a batch
at once: the discrete settings of each draw's interpolant answer stay, its continuous issues
solve the solution's first-order conditions on the true value functions
(:mod:`sim.bargaining.smooth_batch`; closed-form slopes from
:func:`sim.analysis.batch_trade.trade_issue_evaluators` with ``derivative=True``), and the
polished answer is kept only where it is at least as good, by the solution's own criterion,
as the interpolant's answer on the true functions.  Kalai--Smorodinsky's ideal point is
polished the same way, from each party's best outcome on the interpolant
(:mod:`sim.analysis.batch_ideal`).  Draws the batched solver does not settle (a singular
system, an active set that keeps changing) go to the scalar path on slices of the batch's
own functions (:func:`sim.models._smooth.polish_slice`, MINPACK where Newton did not
converge), and a Kalai--Smorodinsky draw whose ideal start is tied to the one-draw path
itself, so every record equals ``sim.modify`` + ``sim.run``'s.
"""

from __future__ import annotations

import copy

import numpy as np

from sim.analysis.batch_axiomatic import log_gain
from sim.analysis.batch_trade import Params, trade_issue_evaluators
from sim.analysis.batch_values import interp_rows
from sim.analysis.parameters import patch_scenario
from sim.models._smooth import binds, misses_ray, sum_key

__all__ = ["polisher"]

#: Models polished as arrays (the others draw by draw).
BATCHED = ("nash_bargaining", "utilitarian", "egalitarian", "kalai_smorodinsky")


def _rows(evaluate, z: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """An issue evaluator at one value per row: ``(M, P)``."""
    return evaluate(z[:, None], rows)[:, :, 0].T


class _Problem:
    """The true payoffs of every draw as functions of the continuous issues, the discrete
    issues at the levels of ``coords`` (as :func:`sim.models._smooth.slice_at`)."""

    def __init__(self, sc, values, arrays: dict, coords: np.ndarray, smooth):
        spec = sc.payoffs
        n = values.n
        self.cont = [j for j, i in enumerate(sc.issues) if i.kind == "continuous"]
        disc = [j for j, i in enumerate(sc.issues) if i.kind != "continuous"]
        ids = [sc.issues[j].id for j in self.cont]
        value = trade_issue_evaluators(spec, sc.issues, sc.party_codes, Params(arrays, n))
        slope = trade_issue_evaluators(
            spec, sc.issues, sc.party_codes, Params(arrays, n), derivative=True
        )
        self.f = [value[i] for i in ids]
        self.df = [slope[i] for i in ids]
        self.disc = disc
        self.breaks, movable = [], []
        for j in self.cont:
            lo, hi = sc.issues[j].range
            kinks = {float(lo), float(hi)}
            cares = np.zeros(n, bool)
            for i in (0, 1):
                true = smooth[i][j]
                if true is not None:
                    kinks |= {k for k in true.kinks if lo < k < hi}
                    cares[:] = True
            cares |= (values.vs[j] != 0.0).any(axis=(0, 2))
            self.breaks.append(np.array(sorted(kinks)))
            movable.append(cares)
        self.movable = np.column_stack(movable)
        self.fixed, self.z0 = self._at(values, coords)

    def _at(self, values, coords: np.ndarray):
        """The discrete issues' payoffs (N, 2) at ``coords`` and the continuous starts."""
        rows = np.arange(values.n)
        fixed = np.zeros((values.n, 2))
        for j in self.disc:
            fixed += values.levels[j][:, rows, coords[:, j].astype(np.intp)].T
        return fixed, coords[:, self.cont]

    def at(self, values, coords: np.ndarray) -> _Problem:
        """The same functions with the discrete issues at ``coords`` (the evaluators are
        compiled once)."""
        other = copy.copy(self)
        other.fixed, other.z0 = self._at(values, coords)
        return other

    def value(self, z: np.ndarray, rows: np.ndarray) -> np.ndarray:
        out = self.fixed[rows].copy()
        for n, f in enumerate(self.f):
            out += _rows(f, z[:, n], rows)
        return out

    def slopes(self, z: np.ndarray, rows: np.ndarray) -> np.ndarray:
        return np.stack([_rows(f, z[:, n], rows) for n, f in enumerate(self.df)], axis=2)

    def no_deal_shift(self, values, coords: np.ndarray) -> np.ndarray:
        """(N, 2): true minus interpolated payoffs of the no-deal outcome ``coords`` (the
        disagreement point on the true functions is the interpolant's plus this)."""
        rows = np.arange(values.n)
        shift = np.zeros((values.n, 2))
        for j, f in zip(self.cont, self.f, strict=True):
            x = np.full(values.n, coords[j])
            approx = interp_rows(x, values.xs[j], values.vs[j], values.count[j]).T
            shift += _rows(f, x, rows) - approx
        return shift

    def slice(self, row: int):
        """Row ``row`` as a :class:`sim.bargaining.smooth.Slice` (the scalar solver's input,
        as :func:`sim.models._smooth.slice_at` builds it for one draw)."""
        from sim.bargaining.smooth import Slice

        at = np.array([row])
        return Slice(
            lambda z: self.value(np.asarray(z, dtype=float)[None], at)[0],
            lambda z: self.slopes(np.asarray(z, dtype=float)[None], at)[0],
            self.z0[row],
            tuple(self.breaks),
            self.movable[row],
        )

    def batch(self, rows: np.ndarray):
        from sim.bargaining.smooth_batch import Batch

        return Batch(
            lambda z, r: self.value(z, rows[r]),
            lambda z, r: self.slopes(z, rows[r]),
            self.z0[rows],
            self.breaks,
            self.movable[rows],
        )


def _nash(problem: _Problem, rows, d, w):
    from sim.bargaining import smooth_batch as sb

    z, u, lam, conv = sb.polish_batch(problem.batch(rows), sb.nash(d, w))

    def score(v):
        return log_gain(v, d, w)

    return z, u, conv, score, {"nash": (z, u, lam, conv)}


def _constrained(problem: _Problem, rows, d, w, binding, bound=(0, 1)):
    """:func:`sim.models._smooth._constrained` for every row: the maximiser of ``w @ U``
    subject to ``U >= d``, the first Karush--Kuhn--Tucker point found among the candidates
    with a participation constraint binding on the interpolant (``binding`` (M, 2)), the
    unconstrained first-order conditions, then the other constraints of ``bound``.
    Returns ``(z, u, found, certain, known, u0)``: ``certain`` is false where a candidate
    tried before the one taken did not converge (the scalar path may find it)."""
    from sim.bargaining import smooth_batch as sb

    batch = problem.batch(rows)
    share = float(w[0] / w.sum())
    u0 = batch.value(batch.z0, np.arange(rows.size))
    scale = 1e-9 * np.maximum(1.0, np.abs(u0).max(axis=1))
    cands = {None: sb.polish_batch(batch, sb.weighted_sum(w))}
    for i in bound:
        cands[i] = sb.polish_batch(batch, sb.level(i, d[:, i]))

    def acceptable(i):
        _z, u, lam, conv = cands[i]
        ok = conv & (u >= d - scale[:, None]).all(axis=1)
        if i == 0:
            ok &= lam >= share - 1e-9
        elif i == 1:
            ok &= lam <= share + 1e-9
        return ok, conv

    m = rows.size
    z, u = batch.z0.copy(), u0.copy()
    found = np.zeros(m, bool)
    certain = np.ones(m, bool)
    for key in ((False, False), (True, False), (False, True), (True, True)):
        sel = (binding[:, 0] == key[0]) & (binding[:, 1] == key[1])
        order = [*(i for i in bound if key[i]), None, *(i for i in bound if not key[i])]
        open_ = sel.copy()
        for i in order:
            ok, conv = acceptable(i)
            certain &= ~(open_ & ~conv)  # the scalar path may find what the batch did not
            take = open_ & ok
            z[take], u[take] = cands[i][0][take], cands[i][1][take]
            found |= take
            open_ &= ~take & conv
    known = {sum_key(w): cands[None], **{("level", i): cands[i] for i in bound}}
    return z, u, found, certain, known, u0


def _utilitarian(problem: _Problem, rows, d, w, u_pl, d_pl):
    """The utilitarian solution: :func:`_constrained` with the constraints that bind on the
    interpolant (payoffs ``u_pl``, disagreement point ``d_pl``) tried first."""
    binding = binds(u_pl, d_pl)
    z, u, found, certain, known, _ = _constrained(problem, rows, d, w, binding)
    tol2 = 1e-9 * np.maximum(1.0, np.abs(d).max(axis=1))

    def score(v):
        return np.where((v >= d - tol2[:, None]).all(axis=1), v @ w, -np.inf)

    return z, u, found, score, certain, known


def _ideal(sc, values, problem: _Problem, rows, d_pl, d):
    """Kalai--Smorodinsky's ideal point on the true functions for every row, as
    :func:`sim.models._smooth._ideal`: each party's best under ``U_other >= d_other``,
    polished from its best individually rational outcome on the interpolant
    (:func:`sim.analysis.batch_ideal.ideal_starts`; ``d_pl``: the interpolant's
    disagreement points (N, 2)).  Returns ``(ideal (M, 2), certain (M,))``: NaN where the
    polish is not found or worse than the start; ``certain`` false for rows the one-draw
    path must settle (a tie among starts, a candidate that did not converge)."""
    from sim.analysis.batch_ideal import ideal_starts

    starts = ideal_starts(sc, values, d_pl)
    ideal = np.full((rows.size, 2), np.nan)
    certain = np.ones(rows.size, bool)
    for i in (0, 1):
        coords, u_pl, unique = starts[i]
        other = 1 - i
        tol = 1e-9 * np.maximum(1.0, np.abs(d_pl[rows, other]))
        binding = np.zeros((rows.size, 2), bool)
        binding[:, other] = u_pl[rows, other] <= d_pl[rows, other] + tol
        _z, u, found, sure, _known, u0 = _constrained(
            problem.at(values, coords), rows, d, np.eye(2)[i], binding, bound=(other,)
        )
        worse = (u0 >= d).all(axis=1) & (u[:, i] < u0[:, i])
        ideal[:, i] = np.where(found & ~worse, u[:, i], np.nan)
        certain &= sure & unique[rows]
    return ideal, certain


def _maxmin(problem: _Problem, rows, d, r):
    """The smaller normalised gain ``min_i (u_i - d_i) / r_i`` maximised as
    :func:`sim.models._smooth.polish_axiomatic` does (Kalai 1977; Kalai & Smorodinsky 1975):
    the point on the ray ``d + t r``, and where that is not found or is worse than the
    start, each party's best point too; the best by the criterion (the first of equals)."""
    from sim.bargaining import smooth_batch as sb

    batch = problem.batch(rows)

    def score(v):
        return ((v - d) / r).min(axis=1)

    before = score(batch.value(batch.z0, np.arange(rows.size)))
    z, u, lam, conv = sb.polish_batch(batch, sb.ray(d, r))
    known = {"ray": (z.copy(), u.copy(), lam, conv)}
    more = ~conv | (score(u) < before)
    certain = conv.copy()  # a row the batch did not settle goes to the scalar path
    best = np.where(conv, score(u), -np.inf)
    found = conv.copy()
    if more.any():
        ends = []
        for e in np.eye(2):
            ze, ue, le, ce = sb.polish_batch(batch, sb.weighted_sum(e))
            known[sum_key(e)] = (ze, ue, le, ce)
            ends.append((ue, ce))
            certain &= ~(more & ~ce)
            better = more & ce & (score(ue) > best)
            z[better], u[better], best[better] = ze[better], ue[better], score(ue)[better]
            found |= more & ce
        # no ray point where the ray passes by the frontier: the ends decide (polish_slice)
        (u1, c1), (u2, c2) = ends
        certain |= ~conv & c1 & c2 & misses_ray(u1, u2, d, r)
    certain |= conv & ~more
    return z, u, found, score, certain, known


def _fallback(problem, name: str, rows, pending, known: dict, out, d_ex, w, direction) -> None:
    """Rows ``rows[pending]`` the batch did not settle, polished one by one by the scalar
    path (:func:`sim.models._smooth.polish_slice` on the slices of the batch's own true
    functions): the Newton answers ``known`` (key -> ``(z, u, lam, converged)`` over
    ``rows``) stand for the Newton solver run again on one row, so only MINPACK runs where
    they did not converge.  Updates ``out = (coords, u, d)`` in place; the payoffs and the
    disagreement point of the interpolant (``u``, ``d``) decide which participation
    constraints bind, as for one draw; ``direction`` (M, 2): the ray of Kalai--Smorodinsky
    (ideal - d) or of the egalitarian solution (None for the others)."""
    from sim.bargaining.smooth import Polished
    from sim.models._smooth import polish_slice

    coords, u, d = out
    for q in pending:
        r = rows[q]
        found = {
            key: Polished(z[q : q + 1], uu[q : q + 1], lam[q : q + 1], 0.0) if conv[q] else None
            for key, (z, uu, lam, conv) in known.items()
        }
        binding = ()
        if name == "utilitarian":
            hit = binds(u[r], d[r])
            binding = tuple(i for i in (0, 1) if hit[i])
        ray = None if direction is None else direction[q]
        got = polish_slice(
            name, problem.slice(r), d_ex[q], w, binding=binding, direction=ray, known=found
        )
        if got is not None:
            coords[r, problem.cont], u[r], d[r] = got[0], got[1], d_ex[q]


def polisher(sc, values, arrays: dict, name: str, weights, at, scalar):
    """``polish(coords, u, d, zone)`` for :func:`sim.analysis.evaluate._batched_columns`, or
    None when the payoffs have no true forms beyond the interpolant.

    ``scalar(k, coords, u, d)`` polishes draw ``k`` one by one (the fallback).
    """
    if sc.payoffs.model != "trade" or not sc.payoffs.refine or len(sc.party_codes) != 2:
        return None
    from sim.payoffs.trade_values import smooth_functions

    smooth = smooth_functions(sc.payoffs, sc.issues, sc.party_codes)
    if smooth is None or not any(i.kind == "continuous" for i in sc.issues):
        return None
    w = np.asarray(weights, dtype=float)

    def polish(coords, u, d, zone):
        coords, u, d = coords.copy(), u.copy(), d.copy()
        rows = np.flatnonzero(zone)
        if name not in BATCHED or rows.size == 0:
            for k in rows:
                coords[k], u[k], d[k] = scalar(k, coords[k], u[k], d[k])
            return coords, u, d
        problem = _Problem(sc, values, arrays, coords, smooth)
        from sim.space import OutcomeSpace

        no_deal = OutcomeSpace(sc, values=None).disagreement_outcome(at)  # type: ignore[arg-type]
        d_ex = d[rows] + problem.no_deal_shift(values, no_deal)[rows]
        if name == "egalitarian" and (not np.isfinite(w).all() or (w <= 0).any()):
            return coords, u, d
        alone = np.zeros(rows.size, bool)  # rows the one-draw path settles whole
        direction = None
        if name == "nash_bargaining":
            z, got, conv, score, known = _nash(problem, rows, d_ex, w)
            certain = conv
        elif name == "utilitarian":
            z, got, conv, score, certain, known = _utilitarian(
                problem, rows, d_ex, w, u[rows], d[rows]
            )
        else:
            if name == "egalitarian":
                direction = np.broadcast_to(w, (rows.size, 2))
                stays = alone
            else:
                ideal, alone = _ideal(sc, values, problem, rows, d, d_ex)
                alone = ~alone
                direction = ideal - d_ex
                # no positive ideal gains: the interpolant's answer stays (polish_slice)
                stays = ~(np.isfinite(direction).all(axis=1) & (direction > 0).all(axis=1))
                direction = np.where((alone | stays)[:, None], 1.0, direction)
            z, got, conv, score, certain, known = _maxmin(problem, rows, d_ex, direction)
            conv &= ~stays
            certain |= stays
        before = score(problem.value(problem.z0[rows], rows))
        with np.errstate(invalid="ignore"):
            keep = conv & (score(got) >= before - 1e-12 * np.maximum(1.0, np.abs(before)))
        keep &= certain & ~alone
        k = rows[keep]
        coords[np.ix_(k, problem.cont)] = z[keep]
        u[k], d[k] = got[keep], d_ex[keep]
        pending = np.flatnonzero(~certain & ~alone)
        _fallback(problem, name, rows, pending, known, (coords, u, d), d_ex, w, direction)
        for k in rows[alone]:
            coords[k], u[k], d[k] = scalar(k, coords[k], u[k], d[k])
        return coords, u, d

    return polish


def scalar_polisher(sc, values, arrays: dict, name: str, weights, at, with_smooth):
    """``scalar(k, coords, u, d)``: draw ``k`` polished by :func:`sim.models._smooth.
    polish_axiomatic` on its own value functions (the per-draw path)."""
    from sim.models._smooth import polish_axiomatic
    from sim.space import OutcomeSpace

    def scalar(k, coords, u, d):
        patched = patch_scenario(sc, {p: v[k] for p, v in arrays.items()})
        space = OutcomeSpace(patched, with_smooth(values.draw(k), patched))
        got = polish_axiomatic(name, space, coords, at, weights)
        return (coords, u, d) if got is None else got

    return scalar
