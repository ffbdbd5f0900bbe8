"""All extreme Nash equilibria of a bimatrix game by vertex enumeration.

The smaller player's best-response polytope is enumerated completely with Qhull
(:mod:`sim.equilibria.polytope`); for each vertex ``x`` the complementary points of
the other polytope form a face ``F(x)`` of ``Q``: ``y_j = 0`` for every column that
is not a best reply to ``x`` and ``(A y)_i = 1`` for every row in the support of
``x``.  In the nondegenerate case ``F(x)`` is one point found by a square linear
solve (batched in numpy); otherwise its vertices are enumerated in the subspace of
the best-reply columns.  This is the scheme of lrsnash (Avis, Rosenberg, Savani and
von Stengel 2010, "Enumeration of Nash equilibria for two-player games", Economic
Theory 42, sec. 3) with Qhull in place of reverse search.  Every extreme
equilibrium is a completely labelled vertex pair (von Stengel 2002, Thm 2.6), so
the list is complete, including for degenerate games.
"""

from __future__ import annotations

import numpy as np

from sim.equilibria.polytope import polytope_vertices, scale_positive

__all__ = ["vertex_enumeration"]


def _face_vertices(
    A: np.ndarray, support: np.ndarray, cols: np.ndarray, cache: dict, tol: float
) -> np.ndarray:
    """Vertices ``y`` of ``Q`` with ``y_j = 0`` off ``cols`` and ``(A y)_i = 1`` on ``support``."""
    key = cols.tobytes()
    if key not in cache:
        cache[key] = polytope_vertices(A[:, cols], tol=tol)
    verts, labels = cache[key]
    tight_rows = labels[:, len(cols) :]
    ok = tight_rows[:, support].all(axis=1) & (verts.sum(axis=1) > tol)
    out = np.zeros((int(ok.sum()), A.shape[1]))
    out[:, cols] = verts[ok]
    return out


def _solve_nondegenerate(
    A: np.ndarray, S: np.ndarray, J: np.ndarray, tol: float
) -> tuple[np.ndarray, np.ndarray]:
    """Batched solve of ``A[S_k, J_k] y = 1`` for vertex rows with ``|S_k| = |J_k|``.

    Returns the solutions (full length ``n``) and a mask of the systems that were
    numerically nonsingular.
    """
    N = S.shape[0]
    n = A.shape[1]
    ys = np.zeros((N, n))
    good = np.zeros(N, dtype=bool)
    sizes = S.sum(axis=1)
    for k in np.unique(sizes):
        idx = np.flatnonzero(sizes == k)
        rows = np.nonzero(S[idx])[1].reshape(len(idx), k)
        cols = np.nonzero(J[idx])[1].reshape(len(idx), k)
        M = A[rows[:, :, None], cols[:, None, :]]
        cond = np.linalg.cond(M)
        ok = np.isfinite(cond) & (cond < 1e10)
        if ok.any():
            sol = np.linalg.solve(M[ok], np.ones((int(ok.sum()), k, 1)))[..., 0]
            target = ys[idx[ok]]
            np.put_along_axis(target, cols[ok], sol, axis=1)
            ys[idx[ok]] = target
        good[idx] = ok
    return ys, good


def vertex_enumeration(
    A: np.ndarray, B: np.ndarray, *, tol: float = 1e-9
) -> tuple[np.ndarray, np.ndarray]:
    """All extreme equilibria ``(x, y)`` of the bimatrix game ``(A, B)``.

    Parameters
    ----------
    A, B : ndarray, shape (m, n)
        Payoff matrices (any sign; they are rescaled to ``[1, 2]`` internally).
    tol : float
        Tolerance on constraint slacks in the rescaled polytopes.

    Returns
    -------
    xs : ndarray, shape (k, m)
    ys : ndarray, shape (k, n)
        Mixed strategies of the extreme equilibria (possibly with near-duplicates
        on degenerate games; callers de-duplicate and verify).

    Examples
    --------
    >>> xs, ys = vertex_enumeration(np.eye(2), np.eye(2))  # 2x2 coordination
    >>> len(xs)
    3
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    m, n = A.shape
    if n < m:  # enumerate the lower-dimensional polytope: swap the players' roles
        ys, xs = vertex_enumeration(B.T, A.T, tol=tol)
        return xs, ys
    Ap, Bp = scale_positive(A), scale_positive(B)
    # P = {x >= 0 : Bp^T x <= 1}; labels: x_i = 0 (i < m), (Bp^T x)_j = 1 (m + j)
    verts, labels = polytope_vertices(Bp.T, tol=tol)
    nonzero = verts.sum(axis=1) > tol
    verts, labels = verts[nonzero], labels[nonzero]
    S = ~labels[:, :m]  # support of x
    J = labels[:, m:]  # column best replies to x
    square = S.sum(axis=1) == J.sum(axis=1)
    xs_out, ys_out = [], []
    ys, good = _solve_nondegenerate(Ap, S[square], J[square], tol)
    feasible = (ys >= -tol).all(axis=1) & (ys @ Ap.T <= 1 + tol).all(axis=1) & good
    xs_out.append(verts[square][feasible])
    ys_out.append(np.clip(ys[feasible], 0.0, None))
    # degenerate vertices (or singular square systems): enumerate the face F(x)
    cache: dict = {}
    hard = np.flatnonzero(~square)
    hard = np.concatenate([hard, np.flatnonzero(square)[~good]])
    for v in hard:
        cols = np.flatnonzero(J[v])
        if len(cols) == 0:
            continue
        face = _face_vertices(Ap, np.flatnonzero(S[v]), cols, cache, tol)
        xs_out.append(np.repeat(verts[v][None, :], len(face), axis=0))
        ys_out.append(face)
    xs = np.vstack(xs_out) if xs_out else np.zeros((0, m))
    ys = np.vstack(ys_out) if ys_out else np.zeros((0, n))
    xs = xs / xs.sum(axis=1, keepdims=True)
    ys = ys / ys.sum(axis=1, keepdims=True)
    return xs, ys
