"""Vertices of best-response polytopes with Qhull, and their labels.

For a bimatrix game with positive payoffs the best-response polytopes are
``P = {x >= 0 : B^T x <= 1}`` and ``Q = {y >= 0 : A y <= 1}``; a pair of vertices
``(x, y) != (0, 0)`` that is *completely labelled* (every pure strategy is either
unused or a best reply) is an extreme Nash equilibrium after normalisation
(von Stengel 2002, "Computing equilibria for two-person games", Handbook of Game
Theory 3, ch. 45, Theorem 2.6 and Algorithm 2.5).  The vertices are found by
half-space intersection with Qhull (Barber, Dobkin and Huhdanpaa 1996), which is
compiled and ships with scipy; degenerate vertices (more tight constraints than
the dimension) are returned once per simplicial facet and de-duplicated here by
their label sets.
"""

from __future__ import annotations

import numpy as np

__all__ = ["polytope_vertices", "scale_positive"]


def scale_positive(M: np.ndarray) -> np.ndarray:
    """Affine map of ``M`` onto ``[1, 2]`` (a constant matrix becomes all ones).

    Positive affine transformations of one player's payoffs leave the Nash
    equilibria unchanged, and positivity makes the polytopes bounded.
    """
    lo, spread = float(M.min()), float(np.ptp(M))
    if spread == 0:
        return np.ones_like(M, dtype=float)
    return 1.0 + (M - lo) / spread


def polytope_vertices(G: np.ndarray, *, tol: float = 1e-9) -> tuple[np.ndarray, np.ndarray]:
    """All vertices of ``{z >= 0 : G z <= 1}`` for a positive matrix ``G``.

    Parameters
    ----------
    G : ndarray, shape (k, d)
        Positive constraint matrix (``k`` inequality rows, dimension ``d``).
    tol : float
        Absolute slack under which a constraint counts as tight.

    Returns
    -------
    vertices : ndarray, shape (v, d)
        The vertices, the origin included, each once.
    labels : ndarray of bool, shape (v, d + k)
        ``labels[:, :d]``: ``z_i == 0``; ``labels[:, d:]``: ``(G z)_r == 1``.
    """
    k, d = G.shape
    if d == 1:
        verts = np.array([[0.0], [1.0 / G[:, 0].max()]])
    else:
        halfspaces = np.vstack(
            [np.hstack([G, -np.ones((k, 1))]), np.hstack([-np.eye(d), np.zeros((d, 1))])]
        )
        interior = np.full(d, 0.5 / G.sum(axis=1).max())
        from scipy.spatial import HalfspaceIntersection

        verts = HalfspaceIntersection(halfspaces, interior).intersections
    verts = np.where(np.abs(verts) < tol, 0.0, verts)
    labels = np.hstack([verts <= tol, verts @ G.T >= 1.0 - tol])
    # one row per distinct label set (a degenerate vertex appears once per facet)
    _, first = np.unique(np.packbits(labels, axis=1), axis=0, return_index=True)
    first.sort()
    return verts[first], labels[first]
