"""Support enumeration done right: equal-size supports, batched, with tolerances.

For a nondegenerate bimatrix game every Nash equilibrium has supports of equal
size ``k``, and for each pair of supports ``(I, J)`` the equilibrium (if any) solves
the indifference equations ``A[I, J] y_J = u 1``, ``sum y_J = 1`` and
``x_I B[I, J] = v 1``, ``sum x_I = 1`` (von Stengel 2002, Handbook of Game Theory 3,
ch. 45, Algorithm 2.4; Porter, Nudelman and Shoham 2008).  Unlike nashpy 0.0.43
(see ANCHORS.md), probabilities are accepted down to ``-tol`` and clipped, so a
rounding value such as -2e-17 does not discard a true equilibrium.  The systems of
one size are solved in one batched ``numpy.linalg.solve``.
"""

from __future__ import annotations

from itertools import combinations

import numpy as np

__all__ = ["support_enumeration"]


def _solve_side(M: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Solve ``M[I, J] y = u 1, sum y = 1`` for every support pair; return (y, ok)."""
    N, k = rows.shape
    sub = M[rows[:, :, None], cols[:, None, :]]  # (N, k, k)
    K = np.zeros((N, k + 1, k + 1))
    K[:, :k, :k] = sub
    K[:, :k, k] = -1.0
    K[:, k, :k] = 1.0
    rhs = np.zeros((N, k + 1, 1))
    rhs[:, k] = 1.0
    det = np.linalg.det(K)
    ok = np.abs(det) > 1e-12 * np.maximum(1.0, np.abs(sub).max(axis=(1, 2))) ** k
    sol = np.zeros((N, k + 1))
    if ok.any():
        sol[ok] = np.linalg.solve(K[ok], rhs[ok])[..., 0]
    return sol[:, :k], ok


def support_enumeration(
    A: np.ndarray, B: np.ndarray, *, tol: float = 1e-9, chunk: int = 200_000
) -> tuple[np.ndarray, np.ndarray, bool]:
    """Equilibria of ``(A, B)`` found on equal-size support pairs.

    Returns
    -------
    xs, ys : ndarray
        Candidate equilibria (callers verify them).
    singular : bool
        True when some indifference system was singular (a sign of degeneracy:
        equilibria with unequal supports may then be missing).
    """
    A = np.asarray(A, dtype=float)
    B = np.asarray(B, dtype=float)
    m, n = A.shape
    scale = max(float(np.ptp(A)), float(np.ptp(B)), 1e-300)
    eps = tol * scale
    xs_out, ys_out = [], []
    singular = False
    for k in range(1, min(m, n) + 1):
        I_all = np.array(list(combinations(range(m), k)))
        J_all = np.array(list(combinations(range(n), k)))
        pairs = np.stack(
            np.meshgrid(np.arange(len(I_all)), np.arange(len(J_all)), indexing="ij"), -1
        )
        pairs = pairs.reshape(-1, 2)
        for start in range(0, len(pairs), chunk):
            p = pairs[start : start + chunk]
            rows, cols = I_all[p[:, 0]], J_all[p[:, 1]]
            yJ, ok_y = _solve_side(A, rows, cols)  # column mix making rows in I indifferent
            xI, ok_x = _solve_side(B.T, cols, rows)  # row mix making columns in J indifferent
            ok = ok_x & ok_y & (yJ >= -tol).all(axis=1) & (xI >= -tol).all(axis=1)
            singular |= bool((~(ok_x & ok_y)).any())
            if not ok.any():
                continue
            idx = np.flatnonzero(ok)
            x = np.zeros((len(idx), m))
            y = np.zeros((len(idx), n))
            np.put_along_axis(x, rows[idx], np.clip(xI[idx], 0, None), axis=1)
            np.put_along_axis(y, cols[idx], np.clip(yJ[idx], 0, None), axis=1)
            x /= x.sum(axis=1, keepdims=True)
            y /= y.sum(axis=1, keepdims=True)
            Ay = y @ A.T
            xB = x @ B
            u = np.einsum("km,km->k", x, Ay)
            v = np.einsum("kn,kn->k", xB, y)
            best = (Ay.max(axis=1) <= u + eps) & (xB.max(axis=1) <= v + eps)
            xs_out.append(x[best])
            ys_out.append(y[best])
    xs = np.vstack(xs_out) if xs_out else np.zeros((0, m))
    ys = np.vstack(ys_out) if ys_out else np.zeros((0, n))
    return xs, ys, singular
