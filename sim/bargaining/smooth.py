"""Polishing a solution found on piecewise-linear payoffs on the true smooth payoffs.

The solvers work on piecewise-linear interpolants of smooth value functions (the trade
model, docs/payoff-model.md); their answers are exact for the interpolant only.  Near such
an answer, with the discrete settings fixed, each party's payoff is a smooth function of
the continuous coordinates ``z``: ``U_i(z) = c_i + sum_j f_ij(z_j)`` (additive, so the
Jacobian has one column per issue).  A point is (locally) Pareto optimal when the two
gradients are opposed: for some ``lam`` in ``[0, 1]``

    ``lam * f_1j'(z_j) + (1 - lam) * f_2j'(z_j) = 0``   for every coordinate inside its piece,

and the signs at the ends of the pieces are right (Karush--Kuhn--Tucker conditions of
``max U_1`` subject to ``U_2 >= c``; e.g. Nocedal & Wright, *Numerical Optimization*, 2nd
ed., Thm 12.1).  Each bargaining solution adds one equation per point (:func:`nash`,
:func:`ray`, :func:`weighted_sum`, :func:`level`, :func:`rubinstein`), and the system
in ``(z, lam)`` is solved from the interpolant's answer with MINPACK's hybrid Powell
method (``scipy.optimize.root``) to machine precision, with an active-set loop: a
coordinate that leaves its piece is fixed at the end; one fixed at an end whose KKT sign is
wrong is freed.  Pieces end at the issue's range and at the kinks of the true functions
(an election premium's ramp), never at the interpolant's breakpoints.

Pure maths: callables and arrays in, a frozen :class:`Polished` out, no scenario.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Polished",
    "Slice",
    "level",
    "nash",
    "polish",
    "ray",
    "rubinstein",
    "weighted_sum",
]

Equations = Callable[[np.ndarray, np.ndarray], Sequence[float]]


@dataclass(frozen=True)
class Slice:
    """Two parties' payoffs as functions of ``k`` continuous coordinates.

    Attributes
    ----------
    value : callable ``z (k,) -> (2,)``
        Payoffs.
    slopes : callable ``z (k,) -> (2, k)``
        ``d U_i / d z_j`` (closed form; right-continuous at kinks).
    z0 : (k,) array
        The start (the interpolant's answer).
    breaks : tuple of arrays
        Per coordinate, its range ends and the kinks of the true functions, sorted.
    movable : (k,) bool array
        Coordinates some party cares about (the others stay at ``z0``).
    """

    value: Callable[[np.ndarray], np.ndarray]
    slopes: Callable[[np.ndarray], np.ndarray]
    z0: np.ndarray
    breaks: tuple[np.ndarray, ...]
    movable: np.ndarray


@dataclass(frozen=True)
class Polished:
    """The polished points: coordinates ``z`` (n, k), payoffs ``u`` (n, 2), the weights
    ``lam`` (n,) of the supporting gradients, and the largest residual."""

    z: np.ndarray
    u: np.ndarray
    lam: np.ndarray
    residual: float


# ---------------------------------------------------------------------- model equations
def nash(d, weights=(1.0, 1.0)) -> Equations:
    """Generalised Nash solution (Nash 1950; Kalai 1977): at the maximiser of
    ``w1 log(U1 - d1) + w2 log(U2 - d2)`` the gradient weights are proportional to
    ``w_i / (U_i - d_i)``: ``lam w2 (U1 - d1) = (1 - lam) w1 (U2 - d2)``."""
    d, w = np.asarray(d, float), np.asarray(weights, float)

    def eqs(u, lam):
        return [lam[0] * w[1] * (u[0, 0] - d[0]) - (1 - lam[0]) * w[0] * (u[0, 1] - d[1])]

    return eqs


def ray(d, direction) -> Equations:
    """The point on the ray ``d + t r`` (Kalai--Smorodinsky, egalitarian):
    ``(U1 - d1) r2 = (U2 - d2) r1``."""
    d, r = np.asarray(d, float), np.asarray(direction, float)
    return lambda u, lam: [(u[0, 0] - d[0]) * r[1] - (u[0, 1] - d[1]) * r[0]]


def weighted_sum(weights=(1.0, 1.0)) -> Equations:
    """Maximiser of ``w1 U1 + w2 U2`` (utilitarian; ``w = (1, 0)``: party 1's best):
    ``lam = w1 / (w1 + w2)``."""
    w = np.asarray(weights, float)
    return lambda u, lam: [lam[0] - w[0] / w.sum()]


def level(party: int, value: float) -> Equations:
    """The frontier point where ``U_party = value`` (a binding participation constraint)."""
    return lambda u, lam: [u[0, party] - value]


def rubinstein(d, effective_delta, *, x_end: bool = False, y_end: bool = False,
               outside=(None, None)) -> Equations:
    """Stationary offers of alternating offers (Rubinstein 1982; Binmore, Rubinstein &
    Wolinsky 1986) on the smooth frontier: point 0 is party 1's offer ``x``, point 1
    party 2's offer ``y``, with ``x2 = max(o2, d2 + e2 (y2 - d2))`` and
    ``y1 = max(o1, d1 + e1 (x1 - d1))`` (:mod:`sim.bargaining.alternating`).  ``x_end``
    (``y_end``): the offer is its proposer's best point of the frontier (the responder's
    threshold is below the frontier's end)."""
    d, e = np.asarray(d, float), np.asarray(effective_delta, float)

    def threshold(i, other):
        v = d[i] + e[i] * (other - d[i])
        return v if outside[i] is None else max(outside[i], v)

    def eqs(u, lam):
        fx = lam[0] - 1.0 if x_end else u[0, 1] - threshold(1, u[1, 1])
        fy = lam[1] if y_end else u[1, 0] - threshold(0, u[0, 0])
        return [fx, fy]

    return eqs


# ---------------------------------------------------------------------- the solver
def _piece(breaks: np.ndarray, z: float, tol: float) -> tuple[float, float, bool]:
    """The piece ``[lo, hi]`` holding ``z`` and whether ``z`` is at one of its ends."""
    at = bool(np.abs(breaks - z).min() <= tol)
    k = int(np.clip(np.searchsorted(breaks, z, side="right") - 1, 0, len(breaks) - 2))
    return float(breaks[k]), float(breaks[k + 1]), at


def polish(slices: Sequence[Slice], equations: Equations, *, rounds: int = 8) -> Polished | None:
    """Solve the first-order conditions of a bargaining solution from a nearby start.

    Parameters
    ----------
    slices : sequence of Slice
        One per point the solution names (two for alternating offers).
    equations : callable ``(u (n, 2), lam (n,)) -> n residuals``
        The solution's own conditions (see the module's equation builders).
    rounds : int
        Active-set rounds at most.

    Returns
    -------
    Polished or None
        None when the system has no solution near the start (then keep the start).
    """
    from scipy.optimize import root

    n = len(slices)
    z = [np.array(s.z0, dtype=float) for s in slices]
    lo, hi, free = [], [], []
    for s, zp in zip(slices, z, strict=True):
        span = np.array([b[-1] - b[0] for b in s.breaks], dtype=float)
        parts = [
            _piece(b, v, 1e-12 * max(1.0, w)) for b, v, w in zip(s.breaks, zp, span, strict=True)
        ]
        lo.append(np.array([p[0] for p in parts]))
        hi.append(np.array([p[1] for p in parts]))
        free.append(np.array([not p[2] for p in parts], dtype=bool) & s.movable)
    lam = np.array([_lam0(s, zp, f) for s, zp, f in zip(slices, z, free, strict=True)])
    seen: set[bytes] = set()
    for _ in range(rounds):
        state = np.concatenate(free).tobytes()
        if state in seen:  # the active set cycles: no consistent answer near the start
            return None
        seen.add(state)
        sizes = [int(f.sum()) for f in free]

        def unpack(v, sizes=sizes):
            out, pos = [], 0
            for p in range(n):
                zp = z[p].copy()
                zp[free[p]] = v[pos : pos + sizes[p]]
                out.append(zp)
                pos += sizes[p]
            return out, v[pos:]

        def residual(v, unpack=unpack):
            # outside its piece a coordinate is evaluated at the piece's end and the excess
            # enters with the sign that makes a root beyond an end mean "held at that end"
            # (slopes from inside the piece: at a kink the one-sided derivative that applies)
            zs, lm = unpack(v)
            res = []
            clipped = [np.clip(zp, lo[p], hi[p]) for p, zp in enumerate(zs)]
            for p, s in enumerate(slices):
                pad = 1e-11 * (hi[p] - lo[p])
                g = s.slopes(np.clip(zs[p], lo[p] + pad, hi[p] - pad))[:, free[p]]
                excess = (zs[p] - clipped[p])[free[p]]
                res.extend(lm[p] * g[0] + (1 - lm[p]) * g[1] - excess)
            u = np.array([s.value(zp) for s, zp in zip(slices, clipped, strict=True)])
            res.extend(equations(u, lm))
            return np.asarray(res, dtype=float)

        v0 = np.concatenate([zp[f] for zp, f in zip(z, free, strict=True)] + [lam])
        try:
            with np.errstate(all="ignore"):
                sol = root(residual, v0, method="hybr", options={"xtol": 1e-15, "maxfev": 2000})
        except (ValueError, FloatingPointError, ZeroDivisionError):
            return None
        if not np.isfinite(sol.x).all():
            return None
        zs, lm = unpack(sol.x)
        res = float(np.abs(residual(sol.x)).max())
        changed = False
        for p, s in enumerate(slices):
            zp = zs[p]
            for j in np.flatnonzero(s.movable):
                tol = 1e-12 * max(1.0, hi[p][j] - lo[p][j])
                if free[p][j] and (zp[j] < lo[p][j] - tol or zp[j] > hi[p][j] + tol):
                    zp[j] = lo[p][j] if zp[j] < lo[p][j] else hi[p][j]
                    free[p][j], changed = False, True
                elif not free[p][j]:
                    moved = _release(s, zp, j, lm[p], lo[p], hi[p])
                    if moved:
                        free[p][j], changed = True, True
            z[p] = zp
        lam = np.clip(lm, 0.0, 1.0)
        u_now = [s.value(zp) for s, zp in zip(slices, z, strict=True)]
        scale = max(1.0, float(np.abs(u_now).max()))
        if not changed and res > 1e-10 * scale:
            # stuck at the kink of the extension: hold the coordinates next to an end there
            for p in range(n):
                span = hi[p] - lo[p]
                for end in (lo[p], hi[p]):
                    near = free[p] & (np.abs(z[p] - end) <= 1e-3 * span)
                    z[p][near], free[p][near] = end[near], False
                    changed = changed or bool(near.any())
        if not changed:
            # hybr may report that xtol cannot be met at machine precision: judge the residual
            if res > 1e-10 * scale or (lm < -1e-9).any() or (lm > 1 + 1e-9).any():
                return None
            final = [np.clip(zp, lo[p], hi[p]) for p, zp in enumerate(z)]  # within the ranges
            u = np.array([s.value(zp) for s, zp in zip(slices, final, strict=True)])
            return Polished(np.array(final), u, lm, res)
    return None


def _lam0(s: Slice, z: np.ndarray, free: np.ndarray) -> float:
    """Least-squares ``lam`` of the stationarity conditions at the start (0.5 if none)."""
    g = s.slopes(z)[:, free]
    diff = g[0] - g[1]
    den = float(diff @ diff)
    return 0.5 if den <= 0 else float(np.clip(-(g[1] @ diff) / den, 0.0, 1.0))


def _release(s: Slice, z: np.ndarray, j: int, lam: float, lo, hi) -> bool:
    """Free coordinate ``j`` (held at an end of its piece) if moving it into a neighbouring
    piece raises ``lam U1 + (1 - lam) U2`` (a KKT sign the fixed point violates)."""
    b = s.breaks[j]
    span = b[-1] - b[0]
    step = 1e-9 * max(1.0, span)
    tol = 1e-12
    for direction in (1.0, -1.0):
        target = z[j] + direction * step
        if target < b[0] or target > b[-1]:
            continue
        probe = z.copy()
        probe[j] = target
        g = s.slopes(probe)[:, j]
        h = lam * g[0] + (1 - lam) * g[1]
        if direction * h > tol * max(1.0, float(np.abs(g).max())):
            k = int(np.clip(np.searchsorted(b, target, side="right") - 1, 0, len(b) - 2))
            lo[j], hi[j] = b[k], b[k + 1]
            return True
    return False
