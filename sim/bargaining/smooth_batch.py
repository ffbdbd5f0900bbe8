"""The smooth polish of :mod:`sim.bargaining.smooth`, for many rows at once.

Each row (a draw, a package) is an independent problem of the form
:func:`sim.bargaining.smooth.polish` solves for one point: two parties' payoffs
``U_i(z) = c_i + sum_j f_ij(z_j)`` of ``k`` continuous coordinates, the stationarity
conditions ``lam f_1j'(z_j) + (1 - lam) f_2j'(z_j) = 0`` of every coordinate inside its piece
(Karush--Kuhn--Tucker conditions; Nocedal & Wright, *Numerical Optimization*, 2nd ed.,
Thm 12.1) and one equation of the bargaining solution (:class:`Equation`).  The system in
``(z, lam)`` is solved by Newton's method on all rows together (Nocedal & Wright, ch. 11):
the Jacobian is ``(k + 1) x (k + 1)`` per row -- diagonal in ``z`` (the payoffs are
additive), with second derivatives from central differences of the closed-form slopes --
and is solved as a stack (``numpy.linalg.solve``).  The active set is the scalar solver's: a
coordinate whose step leaves its piece is held at the end; one held at an end whose KKT sign
is wrong is freed into the neighbouring piece.

A row converges when its residual is at most ``1e-10`` of its payoffs' scale (the scalar
solver's test) and its last Newton step was at most ``1e-9`` of the coordinates' scale
(Newton's contraction then leaves an error at rounding level), with ``lam`` in ``[0, 1]``;
rows that do not (a singular Jacobian, an active set that keeps changing, no convergence in
:data:`ITERATIONS` steps) are reported as not converged, and the caller solves them one by
one with the scalar solver.

Pure maths: callables and arrays in, arrays out, no scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Batch",
    "Equation",
    "PairEquation",
    "level",
    "nash",
    "polish_batch",
    "polish_one",
    "polish_pair_batch",
    "polish_pair_one",
    "ray",
    "rubinstein",
    "weighted_sum",
]

#: Newton steps at most.
ITERATIONS = 40
#: Changes of the active set at most (the scalar solver's rounds).
ROUNDS = 8


@dataclass(frozen=True)
class Equation:
    """A bargaining solution's equation ``E(u, lam) = 0`` with its partial derivatives, for
    the rows ``rows`` (indices into the ``N`` rows):
    ``fn(u (M, 2), lam (M,), rows (M,)) -> (E (M,), dE/du (M, 2), dE/dlam (M,))``."""

    fn: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]


def nash(d: np.ndarray, weights=(1.0, 1.0)) -> Equation:
    """Generalised Nash solution (Nash 1950; Kalai 1977), as :func:`sim.bargaining.smooth.
    nash`: ``lam w2 (U1 - d1) - (1 - lam) w1 (U2 - d2) = 0``; ``d`` is ``(N, 2)``."""
    d, w = np.asarray(d, float), np.asarray(weights, float)

    def fn(u, lam, rows):
        g1, g2 = u[:, 0] - d[rows, 0], u[:, 1] - d[rows, 1]
        e = lam * w[1] * g1 - (1 - lam) * w[0] * g2
        du = np.column_stack([lam * w[1], -(1 - lam) * w[0]])
        return e, du, w[1] * g1 + w[0] * g2

    return Equation(fn)


def ray(d: np.ndarray, direction: np.ndarray) -> Equation:
    """The point on the ray ``d + t r`` (Kalai--Smorodinsky, egalitarian): ``(U1 - d1) r2 -
    (U2 - d2) r1 = 0``; ``d`` and ``direction`` are ``(N, 2)``."""
    d, r = np.asarray(d, float), np.asarray(direction, float)

    def fn(u, lam, rows):
        dr, rr = d[rows], r[rows]
        e = (u[:, 0] - dr[:, 0]) * rr[:, 1] - (u[:, 1] - dr[:, 1]) * rr[:, 0]
        return e, np.column_stack([rr[:, 1], -rr[:, 0]]), np.zeros_like(lam)

    return Equation(fn)


def weighted_sum(weights=(1.0, 1.0)) -> Equation:
    """Maximiser of ``w1 U1 + w2 U2``: ``lam = w1 / (w1 + w2)``."""
    w = np.asarray(weights, float)
    share = float(w[0] / w.sum())
    return Equation(lambda u, lam, rows: (lam - share, np.zeros_like(u), np.ones_like(lam)))


def level(party: int, value: np.ndarray) -> Equation:
    """The frontier point where ``U_party = value`` (``(N,)``: a binding constraint)."""
    v = np.asarray(value, float)

    def fn(u, lam, rows):
        du = np.zeros_like(u)
        du[:, party] = 1.0
        return u[:, party] - v[rows], du, np.zeros_like(lam)

    return Equation(fn)


@dataclass(frozen=True)
class Batch:
    """``N`` rows of the problem (module docstring).

    Attributes
    ----------
    value : callable ``(z (M, k), rows (M,)) -> (M, 2)``
        Payoffs of rows ``rows`` (indices into the ``N`` rows), the fixed part included.
    slopes : callable ``(z (M, k), rows (M,)) -> (M, 2, k)``
        ``d U_i / d z_j`` in closed form (right-continuous at kinks).
    z0 : (N, k) array
        The starts (the interpolant's answers).
    breaks : sequence of k arrays
        Per coordinate, its range ends and the kinks of the true functions, sorted (the
        same for every row).
    movable : (N, k) bool array
        Coordinates some party cares about (the others stay at ``z0``).
    """

    value: Callable[[np.ndarray], np.ndarray]
    slopes: Callable[[np.ndarray], np.ndarray]
    z0: np.ndarray
    breaks: Sequence[np.ndarray]
    movable: np.ndarray


def _pieces(breaks, z: np.ndarray):
    """Per entry of ``z`` (N, k): the piece ``[lo, hi]`` holding it and whether it sits at
    one of the piece's ends (as :func:`sim.bargaining.smooth._piece`)."""
    lo, hi, at = np.empty_like(z), np.empty_like(z), np.zeros(z.shape, bool)
    for j, b in enumerate(breaks):
        b = np.asarray(b, float)
        tol = 1e-12 * max(1.0, float(b[-1] - b[0]))
        at[:, j] = np.abs(b[None, :] - z[:, j : j + 1]).min(axis=1) <= tol
        k = np.clip(np.searchsorted(b, z[:, j], side="right") - 1, 0, len(b) - 2)
        lo[:, j], hi[:, j] = b[k], b[k + 1]
    return lo, hi, at


def _curvature(batch: Batch, z, lo, hi, rows) -> np.ndarray:
    """``d^2 U_i / d z_j^2`` (N, 2, k) by central differences of the closed-form slopes,
    one-sided where the piece ends (only the Jacobian uses it: the answer's accuracy is the
    residual's)."""
    h = 1e-6 * np.maximum(1.0, hi - lo)
    pad = 1e-11 * (hi - lo)  # inside the piece: at a kink the slope jumps
    up = np.minimum(z + h, hi - pad)
    down = np.maximum(z - h, lo + pad)
    width = np.where(up - down > 0, up - down, 1.0)
    return (batch.slopes(up, rows) - batch.slopes(down, rows)) / width[:, None, :]


def polish_batch(batch: Batch, equation: Equation):
    """Solve every row's first-order conditions from its start.

    Newton's method on the active set (:func:`_newton`); rows it does not settle are tried
    once more with ``lam`` held for the step after a coordinate is freed (a joint step from
    the very end of a piece can throw the coordinate straight back out, and the two then
    alternate), before they are left to the scalar solver.

    Parameters
    ----------
    batch : Batch
    equation : Equation
        The solution's equation (:func:`nash`, :func:`ray`, :func:`weighted_sum`,
        :func:`level`).

    Returns
    -------
    z : (N, k) array
        The polished coordinates (the start where a row did not converge).
    u : (N, 2) array
        Their payoffs.
    lam : (N,) array
        The weights of the supporting gradients.
    converged : (N,) bool array
        Rows solved to the tolerance with ``lam`` in ``[0, 1]``; the others are for the
        scalar solver (:func:`sim.bargaining.smooth.polish`).
    """
    n = np.shape(batch.z0)[0]
    z, lam, converged = _newton(batch, equation, freeze=False)
    again = np.flatnonzero(~converged)
    if again.size:  # the second pass, on those rows alone
        sub = Batch(
            lambda zz, r: batch.value(zz, again[r]),
            lambda zz, r: batch.slopes(zz, again[r]),
            np.asarray(batch.z0)[again],
            batch.breaks,
            np.asarray(batch.movable)[again],
        )
        eq = Equation(lambda u, lm, r: equation.fn(u, lm, again[r]))
        z[again], lam[again], converged[again] = _newton(sub, eq, freeze=True)
    z = np.where(converged[:, None], z, batch.z0)
    return z, batch.value(z, np.arange(n)), lam, converged


def _newton(batch: Batch, equation: Equation, freeze: bool):
    """Newton's method with an active set: ``(z, lam, converged)`` (``z`` clipped to its
    pieces).  ``freeze``: the step after a coordinate is freed keeps ``lam``."""
    z = np.array(batch.z0, dtype=float)
    n, k = z.shape
    lo, hi, at = _pieces(batch.breaks, z)
    movable = np.asarray(batch.movable, bool)
    free = ~at & movable
    span = np.array([float(b[-1] - b[0]) for b in batch.breaks])

    lam = _lam_start(batch, z, free)  # as smooth._lam0
    frozen = np.zeros(n, bool)  # rows whose next step keeps lam (``freeze``)
    rounds = np.zeros(n, int)
    last = np.full(n, np.inf)  # size of each row's last Newton step
    zscale = np.maximum(1.0, span)
    done = np.zeros(n, bool)
    failed = np.zeros(n, bool)
    eye = np.eye(k + 1)
    idx = np.arange(k)
    for _ in range(ITERATIONS):
        rows = np.flatnonzero(~done & ~failed)
        if rows.size == 0:
            break
        zr, lr, fr, lor, hir = z[rows], lam[rows], free[rows], lo[rows], hi[rows]
        pad = 1e-11 * (hir - lor)
        zi = np.clip(zr, lor + pad, hir - pad)
        g = batch.slopes(zi, rows)
        u = batch.value(np.clip(zr, lor, hir), rows)
        stat = np.where(fr, lr[:, None] * g[:, 0] + (1 - lr[:, None]) * g[:, 1], 0.0)
        e, du, dl = equation.fn(u, lr, rows)
        scale = np.maximum(1.0, np.abs(u).max(axis=1))
        res = np.maximum(np.abs(stat).max(axis=1, initial=0.0), np.abs(e))
        small = (res <= 1e-10 * scale) & ((last[rows] <= 1e-9) | (res <= 1e-15 * scale))
        ok_lam = (lr >= -1e-9) & (lr <= 1 + 1e-9)
        # converged rows: free a coordinate held at an end whose KKT sign is wrong
        settle = rows[small & ok_lam]
        if settle.size:
            released = _release(batch, z, lam, free, movable, lo, hi, span, settle)
            frozen[settle] = released & freeze
            rounds[settle] += released
            done[settle[~released]] = True
            failed[settle[released & (rounds[settle] > ROUNDS)]] = True
        failed[rows[small & ~ok_lam]] = True
        go = ~small
        if not go.any():
            continue
        rows, zi, g, e, du, dl = rows[go], zi[go], g[go], e[go], du[go], dl[go]
        stat, fr, lr = stat[go], fr[go], lr[go][:, None]
        c = _curvature(batch, zi, lo[rows], hi[rows], rows)
        diag = lr * c[:, 0] + (1 - lr) * c[:, 1]
        # lam fixed (a weighted sum, or the second pass): _to_ends (_release frees a
        # coordinate again if its end is wrong)
        fixed = (du == 0).all(axis=1)[:, None] | freeze
        fr, flat = _to_ends(fr, fixed, g, c, diag, stat, hi[rows] - lo[rows])
        free[rows] = fr
        if flat.any():
            z[rows] = np.where(flat, np.where(stat > 0, hi[rows], lo[rows]), z[rows])
            rounds[rows] += flat.any(axis=1)
            failed[rows[rounds[rows] > ROUNDS]] = True
            stat = np.where(flat, 0.0, stat)
        J = np.broadcast_to(eye, (rows.size, k + 1, k + 1)).copy()
        J[:, idx, idx] = np.where(fr, diag, 1.0)
        J[:, idx, k] = np.where(fr, g[:, 0] - g[:, 1], 0.0)
        J[:, k, idx] = np.where(fr, du[:, 0:1] * g[:, 0] + du[:, 1:2] * g[:, 1], 0.0)
        J[:, k, k] = dl
        rhs = -np.concatenate([stat, e[:, None]], axis=1)
        hold = frozen[rows]
        if hold.any():  # lam stays: its row of the system becomes d lam = 0
            J[hold, k, :] = 0.0
            J[hold, k, k] = 1.0
            rhs[hold, k] = 0.0
            frozen[rows] = False
        step, good = _solve_stack(J, rhs)
        stuck = rows[~good]  # a singular system: free a coordinate held at a wrong end first
        if stuck.size:
            released = _release(batch, z, lam, free, movable, lo, hi, span, stuck)
            rounds[stuck] += released
            failed[stuck[~released | (rounds[stuck] > ROUNDS)]] = True
        rows, step, fr = rows[good], step[good], fr[good]
        dz = np.where(fr, step[:, :k], 0.0)
        znew = z[rows] + dz
        lam[rows] = np.clip(lam[rows] + step[:, k], 0.0, 1.0)
        last[rows] = np.maximum(np.abs(dz / zscale).max(axis=1, initial=0.0), np.abs(step[:, k]))
        znew, leave = _held(znew, fr, lo[rows], hi[rows])
        free[rows] = fr & ~leave
        rounds[rows] += leave.any(axis=1)
        failed[rows[rounds[rows] > ROUNDS]] = True
        z[rows] = znew
    return np.clip(z, lo, hi), lam, done & ~failed


def _to_ends(fr, fixed, g, c, diag, stat, width):
    """With ``lam`` fixed (``fixed``) each coordinate is its own problem: one whose weighted
    objective is linear or convex where it stands (no maximum inside that a Newton step
    would find) goes to the end its slope points to; one it ignores (no slope, no
    curvature) stays put.  Returns the free coordinates left and those sent to an end."""
    gs = np.abs(g[:, 0]) + np.abs(g[:, 1])
    straight = (np.abs(c[:, 0]) + np.abs(c[:, 1])) * width < 1e-9 * gs
    flat = fr & fixed & (straight | (diag >= 0)) & (stat != 0)
    idle = fr & fixed & (np.abs(diag) * width <= 1e-12 * gs) & (np.abs(stat) <= 1e-12 * gs)
    return fr & ~idle & ~flat, flat


def _held(znew, fr, lo, hi):
    """A Newton step's free coordinates that leave their piece held at its end (the active
    set changes): the coordinates and which left."""
    tol = 1e-12 * np.maximum(1.0, hi - lo)
    out_lo = fr & (znew < lo - tol)
    out_hi = fr & (znew > hi + tol)
    return np.where(out_lo, lo, np.where(out_hi, hi, znew)), out_lo | out_hi


def _well_conditioned(J: np.ndarray) -> np.ndarray:
    """``np.linalg.cond(J) < 1e14`` (finite) for a stack of square matrices, the singular
    values computed only where the 1-norm condition number cannot decide it: for ``n x n``
    matrices ``kappa_1 / n <= kappa_2 <= n kappa_1`` (Golub & Van Loan, *Matrix
    Computations*, 4th ed., 2.3.2), and the inverse's error, about ``kappa eps``, is far
    below the factor of 4 kept on either side.  A matrix with a non-finite entry is not."""
    n = J.shape[-1]
    finite = np.isfinite(J).all(axis=(-2, -1))
    good = np.zeros(finite.shape, bool)
    J = J[finite]
    with np.errstate(all="ignore"):
        k1 = np.full(J.shape[0], np.nan)  # NaN: the singular values decide
        regular = np.linalg.det(J) != 0  # LU finds no zero pivot, so inv does not raise
        size = np.abs(np.linalg.inv(J[regular])).sum(axis=-2).max(axis=-1)
        k1[regular] = np.abs(J[regular]).sum(axis=-2).max(axis=-1) * size
        ok = k1 * n < 0.25e14
        unsure = np.flatnonzero(~ok & ~(k1 / n > 4e14))
        if unsure.size:
            cond = np.linalg.cond(J[unsure])
            ok[unsure] = np.isfinite(cond) & (cond < 1e14)
    good[finite] = ok
    return good


def _release(batch, z, lam, free, movable, lo, hi, span, rows) -> np.ndarray:
    """Free coordinates held at an end of their piece where moving into the neighbouring
    piece raises ``lam U1 + (1 - lam) U2`` (as :func:`sim.bargaining.smooth._release`): per
    row the first such coordinate, trying each upwards then downwards in turn, all probed in
    one call of the slopes; updates ``free``, ``lo`` and ``hi`` in place; returns, per entry
    of ``rows``, whether one was freed."""
    k = z.shape[1]
    pos, j = np.nonzero(movable[rows] & ~free[rows])  # held coordinates, row by row
    pos, j = np.repeat(pos, 2), np.repeat(j, 2)
    direction = np.tile([1.0, -1.0], pos.size // 2)
    first = np.array([float(b[0]) for b in batch.breaks])
    end = np.array([float(b[-1]) for b in batch.breaks])
    r = rows[pos]
    target = z[r, j] + direction * (1e-9 * np.maximum(1.0, span[j]))
    inside = (target >= first[j]) & (target <= end[j])
    pos, j, direction, r, target = (a[inside] for a in (pos, j, direction, r, target))
    probe = z[r]
    probe[np.arange(r.size), j] = target
    g = batch.slopes(probe, r)[np.arange(r.size), :, j] if r.size else np.zeros((0, 2))
    h = lam[r] * g[:, 0] + (1 - lam[r]) * g[:, 1]
    tol = 1e-12 * np.maximum(1.0, np.abs(g).max(axis=1, initial=0.0))
    go = np.flatnonzero(direction * h > tol)
    # each row's first candidate that goes (candidates are in row, coordinate, up-down order)
    go = go[np.r_[True, pos[go][1:] != pos[go][:-1]]] if go.size else go
    released = np.zeros(rows.size, bool)
    released[pos[go]] = True
    for c in range(k):
        sel = go[j[go] == c]
        if sel.size:
            b = np.asarray(batch.breaks[c], float)
            piece = np.clip(np.searchsorted(b, target[sel], side="right") - 1, 0, len(b) - 2)
            lo[r[sel], c], hi[r[sel], c] = b[piece], b[piece + 1]
            free[r[sel], c] = True
    return released


def polish_one(s, equation: Equation):
    """:func:`polish_batch` for one :class:`sim.bargaining.smooth.Slice` (one point), as a
    :class:`sim.bargaining.smooth.Polished`, or None where it does not converge."""
    from sim.bargaining.smooth import Polished

    batch = Batch(
        lambda z, rows: np.array([s.value(zz) for zz in z]),
        lambda z, rows: np.array([s.slopes(zz) for zz in z]),
        np.asarray(s.z0, dtype=float)[None],
        s.breaks,
        np.asarray(s.movable, dtype=bool)[None],
    )
    z, u, lam, conv = polish_batch(batch, equation)
    return Polished(z, u, lam, 0.0) if conv[0] else None


# ---------------------------------------------------------------------- two points a row
@dataclass(frozen=True)
class PairEquation:
    """Two equations coupling a row's two points (alternating offers' offers):
    ``fn(u (M, 2, 2), lam (M, 2), rows (M,)) -> (E (M, 2), dE/du (M, 2, 2, 2), dE/dlam
    (M, 2, 2))`` (equation, point, party); ``pinned`` (N, 2): point ``p``'s ``lam`` is fixed
    by its own equation (the point maximises one party's payoff)."""

    fn: Callable[[np.ndarray, np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray, np.ndarray]]
    pinned: np.ndarray


def rubinstein(d, effective_delta, *, x_end, y_end, outside) -> PairEquation:
    """Stationary offers of alternating offers (Rubinstein 1982; Binmore, Rubinstein &
    Wolinsky 1986) for many rows, as :func:`sim.bargaining.smooth.rubinstein`: point 0 is
    party 1's offer ``x``, point 1 party 2's offer ``y``, with ``x2 = max(o2, d2 + e2 (y2 -
    d2))`` and ``y1 = max(o1, d1 + e1 (x1 - d1))``; ``x_end`` (``y_end``): the offer is its
    proposer's best point (``lam = 1``, ``lam = 0``).

    Parameters
    ----------
    d, effective_delta : (N, 2) arrays
    x_end, y_end : (N,) bool arrays
    outside : (N, 2) array
        Outside options, NaN for none.
    """
    d, e = np.asarray(d, float), np.asarray(effective_delta, float)
    xe, ye = np.asarray(x_end, bool), np.asarray(y_end, bool)
    out = np.asarray(outside, float)

    def threshold(i, other, rows):
        v = d[rows, i] + e[rows, i] * (other - d[rows, i])
        o = out[rows, i]
        above = ~np.isnan(o) & (o > v)  # the outside option binds: no slope in ``other``
        return np.where(above, o, v), np.where(above, 0.0, e[rows, i])

    def fn(u, lam, rows):
        m = rows.size
        E, dE, dL = np.zeros((m, 2)), np.zeros((m, 2, 2, 2)), np.zeros((m, 2, 2))
        t1, s1 = threshold(1, u[:, 1, 1], rows)
        t0, s0 = threshold(0, u[:, 0, 0], rows)
        x_end_r, y_end_r = xe[rows], ye[rows]
        # x: lam_x = 1, or x2 = threshold of party 2 at y2
        E[:, 0] = np.where(x_end_r, lam[:, 0] - 1.0, u[:, 0, 1] - t1)
        dL[:, 0, 0] = np.where(x_end_r, 1.0, 0.0)
        dE[:, 0, 0, 1] = np.where(x_end_r, 0.0, 1.0)
        dE[:, 0, 1, 1] = np.where(x_end_r, 0.0, -s1)
        # y: lam_y = 0, or y1 = threshold of party 1 at x1
        E[:, 1] = np.where(y_end_r, lam[:, 1], u[:, 1, 0] - t0)
        dL[:, 1, 1] = np.where(y_end_r, 1.0, 0.0)
        dE[:, 1, 1, 0] = np.where(y_end_r, 0.0, 1.0)
        dE[:, 1, 0, 0] = np.where(y_end_r, 0.0, -s0)
        return E, dE, dL

    return PairEquation(fn, np.column_stack([xe, ye]))


def _lam_start(batch: Batch, z, free) -> np.ndarray:
    """Least-squares ``lam`` of the stationarity conditions at ``z`` (0.5 where none)."""
    g = batch.slopes(z, np.arange(z.shape[0]))
    diff = np.where(free, g[:, 0] - g[:, 1], 0.0)
    den = (diff * diff).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        num = -(np.where(free, g[:, 1], 0.0) * diff).sum(1)
        return np.where(den > 0, np.clip(num / den, 0, 1), 0.5)


def polish_pair_batch(batches: Sequence[Batch], equation: PairEquation):
    """Solve two coupled points per row (:func:`sim.bargaining.smooth.polish` with two
    slices) by Newton's method on all rows together: the stationarity conditions of each
    point and the two equations of ``equation``, a ``(2k + 2)``-square system per row, with
    the active set of :func:`polish_batch` (a coordinate whose step leaves its piece is held
    at the end; one held at an end whose KKT sign is wrong is freed).

    Parameters
    ----------
    batches : two Batch
        Point 0's and point 1's payoffs and starts (the same rows, the same breaks).
    equation : PairEquation

    Returns
    -------
    z : (N, 2, k) array
        The polished coordinates (the starts where a row did not converge).
    u : (N, 2, 2) array
        Their payoffs (point, party).
    lam : (N, 2) array
    converged : (N,) bool array
        Rows solved to the scalar solver's tolerance with ``lam`` in ``[0, 1]``; the others
        are for the scalar solver.
    """
    B = list(batches)
    z = np.stack([np.array(b.z0, dtype=float) for b in B])  # (2, N, k)
    _, n, k = z.shape
    lo, hi, free = np.empty_like(z), np.empty_like(z), np.zeros(z.shape, bool)
    movable = np.stack([np.asarray(b.movable, bool) for b in B])
    for p in (0, 1):
        lo[p], hi[p], at = _pieces(B[p].breaks, z[p])
        free[p] = ~at & movable[p]
    lam = np.stack([_lam_start(B[p], z[p], free[p]) for p in (0, 1)])  # (2, N)
    pinned = np.asarray(equation.pinned, bool)
    lam[0][pinned[:, 0]], lam[1][pinned[:, 1]] = 1.0, 0.0  # a proposer's best: its lam
    span = np.array([float(b[-1] - b[0]) for b in B[0].breaks])
    zscale = np.maximum(1.0, span)
    rounds = np.zeros(n, int)
    last = np.full(n, np.inf)
    done = np.zeros(n, bool)
    failed = np.zeros(n, bool)
    size = 2 * k + 2
    eye = np.eye(size)

    def release(sel):
        out = np.zeros(sel.size, bool)
        for p in (0, 1):
            out |= _release(B[p], z[p], lam[p], free[p], movable[p], lo[p], hi[p], span, sel)
        return out

    for _ in range(ITERATIONS):
        rows = np.flatnonzero(~done & ~failed)
        if rows.size == 0:
            break
        m = rows.size
        g = np.empty((2, m, 2, k))
        u = np.empty((m, 2, 2))
        zi = np.empty((2, m, k))
        for p in (0, 1):
            lor, hir = lo[p][rows], hi[p][rows]
            pad = 1e-11 * (hir - lor)
            zi[p] = np.clip(z[p][rows], lor + pad, hir - pad)
            g[p] = B[p].slopes(zi[p], rows)
            u[:, p] = B[p].value(np.clip(z[p][rows], lor, hir), rows)
        fr = free[:, rows]  # (2, m, k)
        lr = lam[:, rows]  # (2, m)
        stat = np.where(fr, lr[..., None] * g[:, :, 0] + (1 - lr[..., None]) * g[:, :, 1], 0.0)
        e, de, dl = equation.fn(u, lr.T, rows)
        scale = np.maximum(1.0, np.abs(u).reshape(m, 4).max(axis=1))
        res = np.maximum(np.abs(stat).max(axis=(0, 2), initial=0.0), np.abs(e).max(axis=1))
        small = (res <= 1e-10 * scale) & ((last[rows] <= 1e-9) | (res <= 1e-15 * scale))
        ok_lam = ((lr >= -1e-9) & (lr <= 1 + 1e-9)).all(axis=0)
        settle = rows[small & ok_lam]
        failed[rows[small & ~ok_lam]] = True
        if settle.size:  # converged: free a coordinate held at an end whose sign is wrong
            released = release(settle)
            rounds[settle] += released
            failed[settle[released & (rounds[settle] > ROUNDS)]] = True
            done[settle[~released]] = True
        if small.all():
            continue
        go = ~small
        rows, m = rows[go], int(go.sum())
        g, zi, stat, fr, lr = g[:, go], zi[:, go], stat[:, go], fr[:, go], lr[:, go]
        e, de, dl = e[go], de[go], dl[go]
        J = np.broadcast_to(eye, (m, size, size)).copy()
        idx = np.arange(k)
        for p in (0, 1):
            c = _curvature(B[p], zi[p], lo[p][rows], hi[p][rows], rows)
            diag = lr[p][:, None] * c[:, 0] + (1 - lr[p][:, None]) * c[:, 1]
            # a pinned point's lam is fixed (one party's best): a coordinate linear or
            # convex where it stands goes to the end its slope points to, as polish_batch
            fixed = pinned[rows, p][:, None]
            fr[p], flat = _to_ends(fr[p], fixed, g[p], c, diag, stat[p], hi[p][rows] - lo[p][rows])
            free[p][rows] = fr[p]
            if flat.any():
                z[p][rows] = np.where(
                    flat, np.where(stat[p] > 0, hi[p][rows], lo[p][rows]), z[p][rows]
                )
                rounds[rows] += flat.any(axis=1)
                stat[p] = np.where(flat, 0.0, stat[p])
            off = p * k
            J[:, off + idx, off + idx] = np.where(fr[p], diag, 1.0)
            J[:, off + idx, 2 * k + p] = np.where(fr[p], g[p][:, 0] - g[p][:, 1], 0.0)
            for q in (0, 1):
                d_z = de[:, q, p, 0:1] * g[p][:, 0] + de[:, q, p, 1:2] * g[p][:, 1]
                J[:, 2 * k + q, off + idx] = np.where(fr[p], d_z, 0.0)
        J[:, 2 * k :, 2 * k :] = dl
        failed[rows[rounds[rows] > ROUNDS]] = True
        step, good = _solve_stack(J, -np.concatenate([stat[0], stat[1], e], axis=1))
        stuck = rows[~good]  # a singular system: free a coordinate held at a wrong end first
        if stuck.size:
            released = release(stuck)
            rounds[stuck] += released
            failed[stuck[~released | (rounds[stuck] > ROUNDS)]] = True
        rows, step, fr = rows[good], step[good], fr[:, good]
        lam[:, rows] = np.clip(lam[:, rows] + step[:, 2 * k :].T, 0.0, 1.0)
        move = np.abs(step[:, 2 * k :]).max(axis=1)
        for p in (0, 1):
            dz = np.where(fr[p], step[:, p * k : (p + 1) * k], 0.0)
            znew = z[p][rows] + dz
            move = np.maximum(move, np.abs(dz / zscale).max(axis=1, initial=0.0))
            znew, leave = _held(znew, fr[p], lo[p][rows], hi[p][rows])
            free[p][rows] = fr[p] & ~leave
            rounds[rows] += leave.any(axis=1)
            z[p][rows] = znew
        last[rows] = move
        failed[rows[rounds[rows] > ROUNDS]] = True
    converged = done & ~failed
    z0 = np.stack([np.asarray(b.z0, float) for b in B])
    z = np.where(converged[None, :, None], np.clip(z, lo, hi), z0)
    u = np.stack([B[p].value(z[p], np.arange(n)) for p in (0, 1)], axis=1)
    return np.moveaxis(z, 0, 1), u, lam.T, converged


def _solve_stack(J: np.ndarray, rhs: np.ndarray):
    """Newton steps of a stack of systems ``J step = rhs``; ``good``: the well-conditioned
    rows with a finite step (the others' steps are 0)."""
    step = np.zeros_like(rhs)
    good = _well_conditioned(J)
    with np.errstate(all="ignore"):
        if good.any():
            step[good] = np.linalg.solve(J[good], rhs[good][..., None])[..., 0]
    return step, good & np.isfinite(step).all(axis=1)


def polish_pair_one(slices, equation: PairEquation):
    """:func:`polish_pair_batch` for one row of two :class:`sim.bargaining.smooth.Slice`, as
    a :class:`sim.bargaining.smooth.Polished` (``z`` (2, k), ``u`` (2, 2), ``lam`` (2,)), or
    None where it does not converge."""
    from sim.bargaining.smooth import Polished

    batches = [
        Batch(
            lambda z, rows, s=s: np.array([s.value(zz) for zz in z]),
            lambda z, rows, s=s: np.array([s.slopes(zz) for zz in z]),
            np.asarray(s.z0, dtype=float)[None],
            s.breaks,
            np.asarray(s.movable, dtype=bool)[None],
        )
        for s in slices
    ]
    z, u, lam, conv = polish_pair_batch(batches, equation)
    return Polished(z[0], u[0], lam[0], 0.0) if conv[0] else None
