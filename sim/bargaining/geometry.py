"""Two-party utility sets as finite unions of convex polygons (zonotopes).

Cell ``p`` of a :class:`UtilitySet` is ``{offsets[p] + generators[shape[p]] @ x : x in [0,1]^k}``
(docs/dev/architecture.md).  A zonotope in the plane is a convex polygon whose edges are the
generators sorted by angle (Ziegler, *Lectures on Polytopes*, 1995, §7.3; Edelsbrunner,
*Algorithms in Combinatorial Geometry*, 1987, ch. 13), so its hull is built per *shape* in
``O(k log k)`` and every vertex is a corner ``x in {0,1}^k`` of the unit box.  Cells sharing a
shape are translations of it: every primitive below is vectorised over cells.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

__all__ = ["ShapeHulls", "UtilitySet", "clip_interval", "zonotope_hull", "zonotope_hulls"]


def clip_interval(coef: np.ndarray, rhs: np.ndarray):
    """Liang & Barsky (1984, ACM TOG 3:1-22): the interval of ``s in [0, 1]`` with
    ``coef[..., h] * s <= rhs[..., h]`` for every half-plane ``h`` (last axis).

    Returns ``(lo, hi, ok)``; ``ok`` is False where the interval is empty.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = rhs / coef
    up = np.where(coef > 0, ratio, np.inf).min(axis=-1)
    dn = np.where(coef < 0, ratio, -np.inf).max(axis=-1)
    bad = ((coef == 0) & (rhs < 0)).any(axis=-1)
    lo, hi = np.maximum(dn, 0.0), np.minimum(up, 1.0)
    return lo, hi, ~bad & (lo <= hi)


def zonotope_hull(G: np.ndarray, *, rtol: float = 1e-12) -> tuple[np.ndarray, np.ndarray]:
    """Counter-clockwise vertices of the zonotope ``{G @ x : x in [0,1]^k}``.

    Each generator is oriented into the upper half-plane (``-g`` with the base corner moved
    to ``x_j = 1``), parallel generators are grouped, and the groups are added in order of
    increasing angle, then subtracted in the same order: the classic construction of a planar
    zonotope as a Minkowski sum of segments.

    Parameters
    ----------
    G : (2, k) array
        Generators (columns).
    rtol : float
        Generators shorter than ``rtol`` times the longest one count as zero; generators whose
        normalised cross product is below ``rtol`` count as parallel.

    Returns
    -------
    vertices : (n, 2) array
        ``n = 1`` (a point), ``2`` (a segment, listed there and back) or ``2 * groups``.
    corners : (n, k) array of 0.0/1.0
        ``vertices[i] == G @ corners[i]`` (recomputed from the corners, so exactly consistent).

    Examples
    --------
    >>> v, c = zonotope_hull(np.array([[1.0, 0.0], [0.0, 1.0]]))
    >>> v.tolist()
    [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0], [0.0, 1.0]]
    """
    G = np.asarray(G, dtype=float)
    k = G.shape[1]
    norms = np.hypot(G[0], G[1])
    big = norms.max(initial=0.0)
    nonzero = norms > rtol * big if big > 0 else np.zeros(k, dtype=bool)
    flip = nonzero & ((G[1] < 0) | ((G[1] == 0) & (G[0] < 0)))
    x0 = flip.astype(float)
    idx = np.flatnonzero(nonzero)
    if idx.size == 0:
        return (G @ x0)[None, :], x0[None, :]
    H = np.where(flip, -G, G)[:, idx]
    order = np.argsort(np.arctan2(H[1], H[0]), kind="stable")
    Hs, ids = H[:, order], idx[order]
    unit = Hs / np.hypot(Hs[0], Hs[1])
    cross = unit[0, :-1] * unit[1, 1:] - unit[1, :-1] * unit[0, 1:]
    dot = (unit[:, :-1] * unit[:, 1:]).sum(axis=0)
    new_group = np.concatenate([[True], ~((np.abs(cross) <= rtol) & (dot > 0))])
    group = np.cumsum(new_group) - 1
    ng = int(group[-1]) + 1
    member = np.zeros((ng, k), dtype=bool)
    member[group, ids] = True
    if ng == 1:
        toggled = np.array([np.zeros(k, bool), member[0]])
    else:
        before = np.vstack([np.zeros(k, bool), np.cumsum(member, axis=0)[:-1] > 0])
        # first half: groups < i toggled (i = 0..ng-1), second half: groups >= i toggled
        toggled = np.vstack([before, ~before & member.any(axis=0)])
    corners = np.where(toggled, 1.0 - x0, x0)
    return corners @ G.T, corners


@dataclass(frozen=True)
class ShapeHulls:
    """Per-shape hulls padded to a common length ``m`` (the last vertex repeated).

    Attributes
    ----------
    vertices : (S, m, 2) array   CCW vertices relative to the cell offset.
    corners : (S, m, k) array    the unit-box corner of each vertex.
    n_vertices : (S,) int array  number of real vertices (1 point, 2 segment, >= 4 polygon).
    dom_normals, dom_rhs : (S, h, 2), (S, h) arrays
        Half-planes ``n . (u - offset) <= rhs`` describing ``cell - R^2_+`` (the region the
        cell weakly dominates): outward edge normals in the closed positive quadrant plus
        the two axes.
    """

    vertices: np.ndarray
    corners: np.ndarray
    n_vertices: np.ndarray
    dom_normals: np.ndarray
    dom_rhs: np.ndarray


def zonotope_hulls(G: np.ndarray, *, rtol: float = 1e-12) -> tuple[np.ndarray, ...]:
    """:func:`zonotope_hull` of every shape at once, padded (the last vertex repeated).

    Parameters
    ----------
    G : (S, 2, k) array
        Generators of each shape.

    Returns
    -------
    vertices : (S, m, 2) array
    corners : (S, m, k) array
    n_vertices : (S,) int array
        The same vertices and corners as :func:`zonotope_hull` shape by shape (the same
        construction, as arrays: generators sorted by angle with zero ones last, groups of
        parallel generators toggled in order, then untoggled).
    """
    S, _, k = G.shape
    if k == 0:  # points
        return np.zeros((S, 1, 2)), np.zeros((S, 1, 0)), np.ones(S, dtype=np.int64)
    norms = np.hypot(G[:, 0], G[:, 1])
    big = norms.max(axis=1, initial=0.0)[:, None]
    nonzero = (norms > rtol * big) & (big > 0)
    flip = nonzero & ((G[:, 1] < 0) | ((G[:, 1] == 0) & (G[:, 0] < 0)))
    x0 = flip.astype(float)
    H = np.where(flip[:, None], -G, G)
    with np.errstate(divide="ignore", invalid="ignore"):
        angle = np.where(nonzero, np.arctan2(H[:, 1], H[:, 0]), np.inf)
        ids = np.argsort(angle, axis=1, kind="stable")
        Hs = np.take_along_axis(H, ids[:, None, :], axis=2)
        unit = Hs / np.hypot(Hs[:, 0], Hs[:, 1])[:, None]
    cross = unit[:, 0, :-1] * unit[:, 1, 1:] - unit[:, 1, :-1] * unit[:, 0, 1:]
    dot = (unit[:, :, :-1] * unit[:, :, 1:]).sum(axis=1)
    new_group = np.concatenate(
        [np.ones((S, min(k, 1)), bool), ~((np.abs(cross) <= rtol) & (dot > 0))], axis=1
    )
    count = nonzero.sum(axis=1)
    real = np.arange(k)[None, :] < count[:, None]
    group = np.cumsum(new_group & real, axis=1) - 1
    ng = np.where(count > 0, group.max(axis=1, initial=-1) + 1, 0)
    member = np.zeros((S, k, k), dtype=bool)
    s_i, t_i = np.nonzero(real)
    member[s_i, group[s_i, t_i], ids[s_i, t_i]] = True
    # before[s, r]: the groups < r of shape s toggled
    before = np.concatenate(
        [np.zeros((S, 1, k), bool), np.cumsum(member, axis=1)[:, :-1] > 0], axis=1
    )[:, :k]
    n = np.where(ng > 0, 2 * ng, 1)
    m = int(n.max(initial=1))
    src = np.minimum(np.arange(m)[None, :], n[:, None] - 1)  # padding repeats the last
    first = src < ng[:, None]
    r = np.where(first, src, src - ng[:, None])
    b = np.take_along_axis(before, np.minimum(r, max(k - 1, 0))[:, :, None], axis=1)
    toggled = np.where(first[:, :, None], b, nonzero[:, None, :] & ~b)
    corners = np.where(toggled, 1.0 - x0[:, None, :], x0[:, None, :])
    return np.matmul(corners, G.transpose(0, 2, 1)), corners, n.astype(np.int64)


def _build_hulls(G: np.ndarray) -> ShapeHulls:
    S = G.shape[0]
    V, C, nv = zonotope_hulls(G)
    m = V.shape[1]
    i = np.arange(m)[None, :]
    real = i < nv[:, None]
    nxt = np.where(i + 1 < nv[:, None], i + 1, 0)
    e = np.take_along_axis(V, np.broadcast_to(nxt[:, :, None], V.shape), axis=1) - V
    nrm = np.stack([e[..., 1], -e[..., 0]], axis=2)
    length = np.hypot(nrm[..., 0], nrm[..., 1])
    keep = real & (length > 0) & (nrm[..., 0] >= 0) & (nrm[..., 1] >= 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        nrm = nrm / length[..., None]
    count = keep.sum(axis=1)
    h = int(count.max(initial=0)) + 2
    order = np.argsort(~keep, axis=1, kind="stable")[:, : h - 2]  # kept edges first
    N = np.empty((S, h, 2))
    N[:, : h - 2] = np.take_along_axis(nrm, order[:, :, None], axis=1)
    j = np.arange(h)[None, :]
    N[:, :, 0] = np.where(j == count[:, None], 1.0, np.where(j > count[:, None], 0.0, N[..., 0]))
    N[:, :, 1] = np.where(j >= count[:, None], j > count[:, None], N[..., 1])
    R = np.matmul(N, V.transpose(0, 2, 1)).max(axis=2)
    return ShapeHulls(V, C, nv, N, R)


@dataclass(frozen=True, eq=False)
class UtilitySet:
    """A finite union of planar zonotopes: the utility set of a two-party scenario.

    Parameters
    ----------
    offsets : (P, 2) array
        Utility of each cell at ``x = 0``.
    shape : (P,) int array
        Index into ``generators`` for each cell.
    generators : (S, 2, k) array
        Generator matrices; ``k = 0`` makes every cell a single point.
    scale : float, optional
        Extent of the set the cells are part of, when they are a reduced part of it
        (:mod:`sim.bargaining.additive`): :attr:`tol` is relative to it.

    Examples
    --------
    >>> pie = UtilitySet.from_points([[0.0, 1.0], [0.5, 0.5], [1.0, 0.0]])
    >>> pie.n_cells, pie.k
    (3, 0)
    """

    offsets: np.ndarray
    shape: np.ndarray
    generators: np.ndarray
    scale: float | None = None

    def __post_init__(self) -> None:
        off = np.array(self.offsets, dtype=float)
        gen = np.array(self.generators, dtype=float)
        shp = np.array(self.shape)
        if off.ndim != 2 or off.shape[1] != 2 or off.shape[0] == 0:
            raise ValueError(f"offsets must have shape (P, 2) with P >= 1, got {off.shape}")
        if gen.ndim != 3 or gen.shape[1] != 2 or gen.shape[0] == 0:
            raise ValueError(f"generators must have shape (S, 2, k) with S >= 1, got {gen.shape}")
        if shp.shape != (off.shape[0],):
            raise ValueError(f"shape must have shape ({off.shape[0]},), got {shp.shape}")
        if shp.size and not np.issubdtype(shp.dtype, np.integer):
            if not np.all(shp == np.round(shp)):
                raise ValueError("shape must hold integer indices into generators")
        shp = shp.astype(np.int64)
        if shp.min() < 0 or shp.max() >= gen.shape[0]:
            raise ValueError(f"shape indices must lie in [0, {gen.shape[0] - 1}]")
        if not (np.isfinite(off).all() and np.isfinite(gen).all()):
            raise ValueError("offsets and generators must be finite")
        for name, arr in (("offsets", off), ("shape", shp), ("generators", gen)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)

    # -- constructors -------------------------------------------------------------------
    @classmethod
    def from_points(cls, points) -> UtilitySet:
        """Purely discrete outcomes: one point cell per row of ``points`` (``k = 0``)."""
        pts = np.asarray(points, dtype=float).reshape(-1, 2)
        return cls(pts, np.zeros(len(pts), dtype=np.int64), np.zeros((1, 2, 0)))

    @classmethod
    def from_zonotope(cls, offset, generators) -> UtilitySet:
        """A single cell ``offset + generators @ x`` with ``generators`` of shape (2, k)."""
        g = np.asarray(generators, dtype=float)
        return cls(np.asarray(offset, float).reshape(1, 2), np.zeros(1, np.int64), g[None])

    # -- sizes ----------------------------------------------------------------------------
    @property
    def n_cells(self) -> int:
        """Number of cells ``P``."""
        return int(self.offsets.shape[0])

    @property
    def k(self) -> int:
        """Number of continuous coordinates ``x`` per cell."""
        return int(self.generators.shape[2])

    @cached_property
    def hulls(self) -> ShapeHulls:
        """Per-shape hulls (computed once per shape, not per cell)."""
        return _build_hulls(self.generators)

    @cached_property
    def tol(self) -> float:
        """Absolute tolerance: ``1e-9`` times the extent of the set (at least ``1e-13`` times its
        magnitude, far above rounding)."""
        if self.scale is not None:
            return 1e-9 * (self.scale or 1.0)
        pts = self.cell_vertices()[0].reshape(-1, 2)
        scale = max(float(np.ptp(pts, axis=0).max()), 1e-4 * float(np.abs(pts).max()))
        return 1e-9 * (scale or 1.0)

    # -- per-cell geometry ----------------------------------------------------------------
    def cell_vertices(self) -> tuple[np.ndarray, np.ndarray]:
        """Padded CCW vertices ``(P, m, 2)`` of every cell and their corners ``(P, m, k)``."""
        h = self.hulls
        return self.offsets[:, None, :] + h.vertices[self.shape], h.corners[self.shape]

    def cell_edges(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Edges ``A -> B`` of every cell (padded, so some have length 0).

        Returns ``A, B`` of shape (P, m, 2) and their corners ``xA, xB`` of shape (P, m, k).
        """
        A, xA = self.cell_vertices()
        return A, np.roll(A, -1, axis=1), xA, np.roll(xA, -1, axis=1)

    def corner_points(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Hull vertices of all cells, for plotting: ``points (N, 2), cell (N,), x (N, k)``."""
        V, X = self.cell_vertices()
        m = V.shape[1]
        real = np.arange(m)[None, :] < self.hulls.n_vertices[self.shape][:, None]
        cell = np.broadcast_to(np.arange(self.n_cells)[:, None], real.shape)
        return V[real], cell[real], X[real]

    def locate(self, cell, x) -> np.ndarray:
        """Utilities of outcomes ``(cell, x)``: ``offsets[cell] + generators[shape[cell]] @ x``.

        ``cell`` is an int or (n,) ints, ``x`` is (k,) or (n, k); returns (2,) or (n, 2).
        """
        cell = np.asarray(cell, dtype=np.int64)
        x = np.asarray(x, dtype=float)
        if x.shape[-1] != self.k:
            raise ValueError(f"x must have {self.k} coordinates, got {x.shape[-1]}")
        if np.any((x < -1e-12) | (x > 1 + 1e-12)):
            raise ValueError("x must lie in the unit box [0, 1]^k")
        G = self.generators[self.shape[cell]]
        return self.offsets[cell] + np.einsum("...ij,...j->...i", G, x)

    def cell_ideal(self) -> np.ndarray:
        """Componentwise maximum of each cell, (P, 2)."""
        return self.offsets + self.hulls.vertices.max(axis=1)[self.shape]
