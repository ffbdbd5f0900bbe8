"""Vectorised geometric primitives over all cells of a :class:`UtilitySet` at once.

* :func:`ir_candidates` -- a finite set containing every vertex of every individually rational
  piece ``cell ∩ {u >= d}``: a linear objective over the IR set is maximised at one of them
  (fundamental theorem of linear programming).
* :func:`ray_max_t` -- for every cell the largest ``t`` with ``origin + t * direction`` in the
  cell (the boundary of a convex polygon is where a ray leaves it).
* :func:`dominated` -- exact test of Pareto dominance of points by the union, through the
  half-plane description of ``cell - R^2_+``.
"""

from __future__ import annotations

import numpy as np

from sim.bargaining.geometry import UtilitySet

__all__ = ["dominated", "ir_candidates", "ray_max_t"]

_CHUNK = 4_000_000  # entries per (points x cells) block


def ir_candidates(uset: UtilitySet, d) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Vertices of the individually rational pieces ``cell ∩ {u >= d}`` (with repeats).

    Candidates are the cell vertices with ``u >= d`` and the crossings of cell edges with
    the lines ``u1 = d1`` (kept where ``u2 >= d2``) and ``u2 = d2`` (kept where ``u1 >= d1``).
    The point ``d`` itself is omitted; it never maximises an objective increasing in ``u``
    unless the IR set is ``{d}``.

    Returns
    -------
    points : (N, 2), cell : (N,) int, x : (N, k)
    """
    d = np.asarray(d, dtype=float)
    A, B, xA, xB = uset.cell_edges()
    P, m, _ = A.shape
    cell = np.broadcast_to(np.arange(P)[:, None], (P, m))
    pts, cells, xs = [], [], []
    ok = (A >= d).all(axis=2)  # exact: keeps the IR test invariant under rescaling
    pts.append(A[ok])
    cells.append(cell[ok])
    xs.append(xA[ok])
    for i in (0, 1):
        a, b = A[..., i] - d[i], B[..., i] - d[i]
        cross = (a * b) < 0
        with np.errstate(divide="ignore", invalid="ignore"):
            s = np.where(cross, a / (a - b), 0.0)
        u = A + s[..., None] * (B - A)
        u[..., i] = d[i]
        ok = cross & (u[..., 1 - i] >= d[1 - i])
        pts.append(u[ok])
        cells.append(cell[ok])
        xs.append(xA[ok] + s[ok][:, None] * (xB[ok] - xA[ok]))
    return np.concatenate(pts), np.concatenate(cells), np.concatenate(xs)


def ray_max_t(uset: UtilitySet, origin, direction) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Largest ``t >= 0`` with ``origin + t * direction`` in each cell.

    Every edge ``A + s (B - A)`` is intersected with the ray (Cramer's rule; collinear edges
    and point cells by projection), and the largest ``t`` over a cell's edges is kept.

    Returns
    -------
    t : (P,) array, ``-inf`` where the ray misses the cell.
    point : (P, 2) array, ``origin + t * direction`` (nan where missed).
    x : (P, k) array, the cell coordinates of that point (nan where missed).
    """
    o = np.asarray(origin, dtype=float)
    r = np.asarray(direction, dtype=float)
    tol = uset.tol
    A, B, xA, xB = uset.cell_edges()
    E = B - A
    AO = A - o
    rn = np.hypot(*r)
    denom = r[0] * E[..., 1] - r[1] * E[..., 0]
    par = np.abs(denom) <= 1e-12 * rn * np.maximum(np.hypot(E[..., 0], E[..., 1]), tol)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = (AO[..., 0] * E[..., 1] - AO[..., 1] * E[..., 0]) / denom
        s = (AO[..., 0] * r[1] - AO[..., 1] * r[0]) / denom
    s_tol = tol / np.maximum(np.hypot(E[..., 0], E[..., 1]), tol)
    hit = ~par & (s >= -s_tol) & (s <= 1 + s_tol) & (t >= -tol / rn)
    s = np.clip(s, 0.0, 1.0)
    # parallel / degenerate edges: the ray meets them only if A lies on the ray's line
    on_line = par & (np.abs(AO[..., 0] * r[1] - AO[..., 1] * r[0]) <= tol * rn)
    with np.errstate(divide="ignore", invalid="ignore"):  # rn = 0: a zero direction hits nothing
        tA = (AO @ r) / rn**2
        tB = ((B - o) @ r) / rn**2
    use_b = tB >= tA
    t_par = np.where(use_b, tB, tA)
    hit_par = on_line & (t_par >= -tol / rn)
    t = np.where(hit, t, np.where(hit_par, t_par, -np.inf))
    s = np.where(hit, s, np.where(use_b, 1.0, 0.0))
    best = np.argmax(t, axis=1)
    rows = np.arange(len(t))
    tb = t[rows, best]
    sb = s[rows, best][:, None]
    x = xA[rows, best] + sb * (xB[rows, best] - xA[rows, best])
    missed = ~np.isfinite(tb)
    pt = o + np.maximum(tb, 0.0)[:, None] * r
    pt[missed] = np.nan
    x[missed] = np.nan
    return tb, pt, x


def _in_dom(
    uset: UtilitySet,
    pts: np.ndarray,
    cells: np.ndarray,
    slack: np.ndarray,
    *,
    across: np.ndarray | None = None,
) -> np.ndarray:
    """``pts[i]`` in ``cells[i] - R^2_+`` (half-planes relaxed by ``slack[i]``).

    With ``across`` (a unit direction), the half-planes whose normal is orthogonal to it are
    relaxed by ``slack`` and the others are not: used to absorb rounding in the coordinate
    that a shift along ``across`` does not move.
    """
    h = uset.hulls
    shp = uset.shape[cells]
    N = h.dom_normals[shp]
    rel = pts - uset.offsets[cells]
    s = slack[:, None]
    if across is not None:
        s = np.where(np.abs(N @ across) <= 1e-12, s, 0.0)
    return (np.einsum("nhj,nj->nh", N, rel) <= h.dom_rhs[shp] + s).all(axis=1)


def dominated(uset: UtilitySet, points, *, point_cell=None) -> np.ndarray:
    """Which points are Pareto-dominated by some point of the union.

    ``p`` is dominated iff a point ``q`` of the union has ``q >= p`` and ``q != p``, i.e. iff
    ``p + (tol, 0)`` or ``p + (0, tol)`` lies in some ``cell - R^2_+`` (a margin of
    ``uset.tol`` makes the test robust to rounding; the axis-parallel half-planes that the
    shift does not cross get a quarter of it as slack).

    Parameters
    ----------
    points : (n, 2) array
    point_cell : (n,) int array, optional
        Tie-breaking for de-duplication: a point also counts as dominated when a cell with a
        *lower* index than ``point_cell`` weakly dominates it (contains it or a point above it).

    Returns
    -------
    (n,) bool array
    """
    pts = np.asarray(points, dtype=float).reshape(-1, 2)
    n = len(pts)
    tol = uset.tol
    ideal = uset.cell_ideal()
    out = np.zeros(n, dtype=bool)
    step = max(1, _CHUNK // max(uset.n_cells, 1))
    for lo in range(0, n, step):
        p = pts[lo : lo + step]
        cand = (ideal[None, :, 0] >= p[:, None, 0] - tol) & (
            ideal[None, :, 1] >= p[:, None, 1] - tol
        )
        i, q = np.nonzero(cand)
        if i.size == 0:
            continue
        # rounding in the coordinate a shift does not move is absorbed by a quarter-tol slack
        # on the axis-parallel half-planes only (a point level with a cell's best u1 but
        # below it is dominated even if the two u1 differ by an ulp)
        slack = np.full(len(i), 0.25 * tol)
        ex, ey = np.array([1.0, 0.0]), np.array([0.0, 1.0])
        hit = _in_dom(uset, p[i] + [tol, 0.0], q, slack, across=ex) | _in_dom(
            uset, p[i] + [0.0, tol], q, slack, across=ey
        )
        if point_cell is not None:
            pc = np.asarray(point_cell)[lo : lo + step][i]
            lower = q < pc
            hit |= lower & _in_dom(uset, p[i], q, np.full(len(i), tol))
        out[lo : lo + step] = np.bincount(i[hit], minlength=len(p)) > 0
    return out
