"""Axiomatic two-party bargaining solutions on a union of convex polygons, solved exactly.

Each solution is a plain function ``f(uset, d, *, ...)`` returning a :class:`BargainingPoint`.
Every optimum is found among a finite candidate set that provably contains it (vertices,
closed-form stationary points on edges, ray--edge crossings), evaluated for all cells at
once.  When no outcome gives both parties strictly more than ``d`` ("no zone of agreement")
every solution returns ``utility = d`` (the disagreement outcome), ``cell = None`` and says so.

Ties (several outcomes with the same value, up to rounding): outcomes dominated by another
tied outcome are dropped, then the lowest cell index wins, then the larger ``u1``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from sim.bargaining.geometry import UtilitySet
from sim.bargaining.primitives import dominated, ir_candidates, ray_max_t

__all__ = [
    "BargainingPoint",
    "egalitarian",
    "kalai_smorodinsky",
    "nash_bargaining",
    "utilitarian",
    "zone_of_agreement",
]

NO_ZONE = "no zone of agreement: no outcome gives both parties more than the disagreement point"


def _json(v):
    if isinstance(v, np.ndarray):
        return [_json(a) for a in v.tolist()]
    if isinstance(v, (list, tuple)):
        return [_json(a) for a in v]
    if isinstance(v, dict):
        return {str(a): _json(b) for a, b in v.items()}
    if isinstance(v, (bool, np.bool_)):
        return bool(v)
    if isinstance(v, (int, np.integer)):
        return int(v)
    if isinstance(v, (float, np.floating)):
        return float(v)
    return v


@dataclass(frozen=True, eq=False)
class BargainingPoint:
    """The outcome an axiomatic solution selects.

    Attributes
    ----------
    solution : str                  ``"nash"``, ``"kalai_smorodinsky"``, ``"egalitarian"``, ...
    utility : (2,) array            utilities of the selected outcome (``d`` when no zone).
    cell : int or None              the cell holding it (None when no zone).
    x : (k,) array or None          its coordinates in the cell's unit box.
    zone_of_agreement : bool        some outcome gives both parties strictly more than ``d``.
    is_pareto : bool                no outcome of the union dominates it (within tolerance).
    disagreement : (2,) array       the disagreement point ``d``.
    options : dict                  keyword options used.
    details : dict                  solution-specific figures (ideal point, Nash product, ...).
    message : str                   caveats in words ("" when none).
    """

    solution: str
    utility: np.ndarray
    cell: int | None
    x: np.ndarray | None
    zone_of_agreement: bool
    is_pareto: bool
    disagreement: np.ndarray
    options: dict = field(default_factory=dict)
    details: dict = field(default_factory=dict)
    message: str = ""

    def to_dict(self) -> dict:
        """JSON-safe dictionary (builtins only)."""
        return {
            "solution": self.solution,
            "utility": _json(self.utility),
            "cell": None if self.cell is None else int(self.cell),
            "x": None if self.x is None else _json(self.x),
            "zone_of_agreement": bool(self.zone_of_agreement),
            "is_pareto": bool(self.is_pareto),
            "disagreement": _json(self.disagreement),
            "options": _json(self.options),
            "details": _json(self.details),
            "message": self.message,
        }


def _check_d(uset: UtilitySet, d) -> np.ndarray:
    if not isinstance(uset, UtilitySet):
        raise ValueError("uset must be a UtilitySet")
    d = np.asarray(d, dtype=float)
    if d.shape != (2,) or not np.isfinite(d).all():
        raise ValueError(f"d must be two finite numbers, got {d!r}")
    return d


def _check_w(weights, name: str) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (2,) or not np.isfinite(w).all() or (w <= 0).any():
        raise ValueError(f"{name} must be two positive finite numbers, got {weights!r}")
    return w


def _no_zone(name: str, d: np.ndarray, options: dict) -> BargainingPoint:
    return BargainingPoint(name, d.copy(), None, None, False, False, d.copy(), options, {}, NO_ZONE)


def _pick(value, pts, cells, rtol: float = 1e-12, atol: float = 1e-12) -> int:
    """Index of the best candidate; ties -> lowest cell, then largest u1."""
    best = value.max()
    tied = np.flatnonzero(value >= best - (atol + rtol * abs(best)))
    if 1 < len(tied) <= 2000:  # drop tied candidates dominated by another tied one
        p = pts[tied]
        ge = (p[None, :, :] >= p[:, None, :]).all(axis=2)
        gt = (p[None, :, :] > p[:, None, :]).any(axis=2)
        tied = tied[~(ge & gt).any(axis=1)]
    j = np.lexsort((-pts[tied, 1], -pts[tied, 0], cells[tied]))[0]
    return int(tied[j])


def _result(name, uset, d, u, cell, x, options, details, message="") -> BargainingPoint:
    x = np.clip(np.asarray(x, float), 0.0, 1.0)
    u = uset.locate(int(cell), x)  # recompute from (cell, x): the outcome is recoverable
    pareto = not bool(dominated(uset, u[None])[0])
    return BargainingPoint(name, u, int(cell), x, True, pareto, d.copy(), options, details, message)


def zone_of_agreement(uset: UtilitySet, d) -> bool:
    """True iff some outcome gives both parties strictly more than ``d``.

    A convex piece ``K = cell ∩ {u >= d}`` meets ``{u > d}`` unless it lies on one of the two
    lines ``u_i = d_i``, i.e. iff its vertices (:func:`ir_candidates`) exceed ``d1`` in ``u1``
    and ``d2`` in ``u2`` (possibly at different vertices).

    Examples
    --------
    >>> pie = UtilitySet.from_zonotope([0, 1], [[1], [-1]])
    >>> zone_of_agreement(pie, [0.5, 0.5]), zone_of_agreement(pie, [0.4, 0.4])
    (False, True)
    """
    d = _check_d(uset, d)
    pts, cells, _ = ir_candidates(uset, d)
    if len(pts) == 0:
        return False
    best = np.full((uset.n_cells, 2), -np.inf)
    np.maximum.at(best, cells, pts)
    return bool(((best[:, 0] > d[0] + uset.tol) & (best[:, 1] > d[1] + uset.tol)).any())


def nash_bargaining(uset: UtilitySet, d, *, weights=(0.5, 0.5)) -> BargainingPoint:
    """(Generalised) Nash bargaining solution: maximise ``prod_i (u_i - d_i)^{w_i}``, ``u > d``.

    Symmetric for equal weights (Nash 1950, Econometrica 18:155-162); asymmetric otherwise
    (Kalai 1977, Int. J. Game Theory 6:129-133; Roth 1979, *Axiomatic Models of Bargaining*).
    On an edge ``A + s (B - A)`` with ``x0 = A1 - d1``, ``y0 = A2 - d2``, ``Δ = B - A``,
    ``w1 ln(x0 + s Δ1) + w2 ln(y0 + s Δ2)`` is strictly concave where positive and its
    stationary point is ``s* = -(w1 Δ1 y0 + w2 Δ2 x0) / ((w1 + w2) Δ1 Δ2)``; it is clipped to
    ``[0, 1]``.  The maximiser over the union is among these points and the vertices.

    Examples
    --------
    >>> pie = UtilitySet.from_zonotope([0, 1], [[1], [-1]])
    >>> nash_bargaining(pie, [0.2, 0.0]).utility.round(6).tolist()
    [0.6, 0.4]
    """
    d = _check_d(uset, d)
    w = _check_w(weights, "weights")
    opts = {"weights": w.tolist()}
    if not zone_of_agreement(uset, d):
        return _no_zone("nash", d, opts)
    tol = uset.tol
    A, B, xA, xB = uset.cell_edges()
    P, m, _ = A.shape
    x0, y0 = A[..., 0] - d[0], A[..., 1] - d[1]
    D = B - A
    slanted = (np.abs(D[..., 0]) > tol) & (np.abs(D[..., 1]) > tol)
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):  # clipped below
        s = -(w[0] * D[..., 0] * y0 + w[1] * D[..., 1] * x0) / (w.sum() * D[..., 0] * D[..., 1])
    s = np.clip(np.where(slanted, s, 0.0), 0.0, 1.0)
    pts = np.concatenate([A.reshape(-1, 2), (A + s[..., None] * D).reshape(-1, 2)])
    k = xA.shape[-1]
    xs = np.concatenate([xA.reshape(P * m, k), (xA + s[..., None] * (xB - xA)).reshape(P * m, k)])
    cells = np.tile(np.repeat(np.arange(P), m), 2)
    gain = pts - d
    ok = (gain > tol).all(axis=1)
    pts, xs, cells, gain = pts[ok], xs[ok], cells[ok], gain[ok]
    value = np.log(gain) @ w
    j = _pick(value, pts, cells)
    det = {"log_nash_product": float(value[j]), "nash_product": float(np.exp(value[j]))}
    return _result("nash", uset, d, pts[j], cells[j], xs[j], opts, det)


def _ray_solution(name, uset, d, direction, opts, details) -> BargainingPoint:
    """Maximal point of the union on ``d + t * direction``; free-disposal fallback."""
    t, pt, x = ray_max_t(uset, d, direction)
    # free-disposal value: max over the union of min_i (u_i - d_i) / direction_i, attained at
    # a vertex or on the ray (LP on each cell split by the ray's line)
    V, X = uset.cell_vertices()
    cand = np.concatenate([V.reshape(-1, 2), np.where(np.isfinite(t)[:, None], pt, d)])
    cx = np.concatenate([X.reshape(V.shape[0] * V.shape[1], uset.k), np.nan_to_num(x)])
    cc = np.concatenate([np.repeat(np.arange(uset.n_cells), V.shape[1]), np.arange(uset.n_cells)])
    norm = (cand - d) / direction
    lo, hi = norm.min(axis=1), norm.max(axis=1)
    best = lo.max()
    tol_t = uset.tol / float(np.abs(direction).min())
    if np.isfinite(t).any() and t.max() >= best - tol_t:
        tied = np.flatnonzero(t >= t.max() - tol_t)
        c = int(tied[0])
        res = _result(name, uset, d, pt[c], c, x[c], opts, {**details, "t": float(t[c])})
        if not res.is_pareto:
            msg = (
                "the maximal point on the ray is only weakly Pareto optimal: another outcome "
                "is at least as good for both parties"
            )
            res = BargainingPoint(**{**res.__dict__, "message": msg})
        return res
    tied = np.flatnonzero(lo >= best - tol_t)
    j = tied[np.lexsort((-hi[tied], cc[tied]))[0]]
    msg = (
        "the ray from d does not reach an outcome on the frontier (the utility set is not "
        "comprehensive): reported the solution of its free-disposal hull, the outcome "
        "maximising min_i (u_i - d_i) / r_i (ties: larger other gain)"
    )
    det = {**details, "t": float(best), "on_ray": False}
    return _result(name, uset, d, cand[j], cc[j], cx[j], opts, det, msg)


def kalai_smorodinsky(uset: UtilitySet, d) -> BargainingPoint:
    """Kalai--Smorodinsky solution (Kalai & Smorodinsky 1975, Econometrica 43:513-518).

    The ideal point is each party's best outcome among the *individually rational* ones
    (``u >= d``), not the overall maximum; the solution is the maximal point of the union
    on the segment from ``d`` to the ideal point.  If the union is not comprehensive and the
    segment misses the frontier, the KS point of the free-disposal hull is reported.

    Examples
    --------
    >>> pie = UtilitySet.from_zonotope([0, 1], [[1], [-1]])
    >>> kalai_smorodinsky(pie, [0.2, 0.0]).utility.round(6).tolist()
    [0.6, 0.4]
    """
    d = _check_d(uset, d)
    if not zone_of_agreement(uset, d):
        return _no_zone("kalai_smorodinsky", d, {})
    pts, _, _ = ir_candidates(uset, d)
    ideal = pts.max(axis=0)
    return _ray_solution("kalai_smorodinsky", uset, d, ideal - d, {}, {"ideal": ideal.tolist()})


def egalitarian(uset: UtilitySet, d, *, weights=(1.0, 1.0)) -> BargainingPoint:
    """Egalitarian / proportional solution: the maximal point on ``d + t * weights``.

    Kalai (1977), "Proportional solutions to bargaining situations: interpersonal utility
    comparisons", Econometrica 45:1623-1630.  Equal weights give equal gains.

    Examples
    --------
    >>> pie = UtilitySet.from_zonotope([0, 1], [[1], [-1]])
    >>> egalitarian(pie, [0.2, 0.0]).utility.round(6).tolist()
    [0.6, 0.4]
    """
    d = _check_d(uset, d)
    w = _check_w(weights, "weights")
    opts = {"weights": w.tolist()}
    if not zone_of_agreement(uset, d):
        return _no_zone("egalitarian", d, opts)
    return _ray_solution("egalitarian", uset, d, w, opts, {})


def utilitarian(
    uset: UtilitySet, d, *, weights=(1.0, 1.0), individually_rational: bool = True
) -> BargainingPoint:
    """Utilitarian solution: maximise ``w1 u1 + w2 u2`` (over ``u >= d`` by default).

    A linear objective over each convex piece is maximised at a vertex (Dantzig's
    fundamental theorem of linear programming), so the candidates are the vertices of the
    individually rational pieces (:func:`ir_candidates`) or of the cells.

    Examples
    --------
    >>> s = UtilitySet.from_points([[0.0, 1.0], [0.7, 0.5], [1.0, 0.0]])
    >>> utilitarian(s, [0.0, 0.0]).utility.tolist()
    [0.7, 0.5]
    """
    d = _check_d(uset, d)
    w = _check_w(weights, "weights")
    opts = {"weights": w.tolist(), "individually_rational": bool(individually_rational)}
    if not zone_of_agreement(uset, d):
        return _no_zone("utilitarian", d, opts)
    if individually_rational:
        pts, cells, xs = ir_candidates(uset, d)
    else:
        pts, cells, xs = uset.corner_points()
    value = pts @ w
    j = _pick(value, pts, cells, atol=uset.tol * float(w.sum()))
    return _result(
        "utilitarian", uset, d, pts[j], cells[j], xs[j], opts, {"value": float(value[j])}
    )
