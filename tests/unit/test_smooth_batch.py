"""The batched smooth polish against two oracles that share none of its code: the scalar
solver (MINPACK's hybrid Powell method, sim.bargaining.smooth) row by row, and a direct
maximisation of each solution's criterion with scipy.optimize on the box."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import minimize

from sim.bargaining import smooth, smooth_batch

K = 2
LO, HI = 0.0, 10.0


def _problem(n: int, seed: int):
    """Rows of ``U1 = sum a_j log(1 + z_j)``, ``U2 = -sum (b_j z_j^2 / 2 + c_j z_j)``
    (concave: a unique Nash point), with random coefficients and starts."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 3.0, (n, K))
    b = rng.uniform(0.05, 0.5, (n, K))
    c = rng.uniform(0.0, 0.5, (n, K))
    z0 = rng.uniform(LO, HI, (n, K))

    def value(z, rows):
        u1 = (a[rows] * np.log1p(z)).sum(axis=1)
        u2 = -(b[rows] * z**2 / 2 + c[rows] * z).sum(axis=1)
        return np.column_stack([u1, u2])

    def slopes(z, rows):
        return np.stack([a[rows] / (1 + z), -(b[rows] * z + c[rows])], axis=1)

    breaks = [np.array([LO, HI])] * K
    batch = smooth_batch.Batch(value, slopes, z0, breaks, np.ones((n, K), bool))
    return batch, (a, b, c)


def _scalar_slice(batch, k):
    return smooth.Slice(
        lambda z: batch.value(np.asarray(z, float)[None], np.array([k]))[0],
        lambda z: batch.slopes(np.asarray(z, float)[None], np.array([k]))[0],
        batch.z0[k],
        tuple(batch.breaks),
        np.ones(K, bool),
    )


def _nash_direct(batch, k, d):
    """The Nash product maximised on the box by L-BFGS-B from several starts."""

    def neg(z):
        g = batch.value(z[None], np.array([k]))[0] - d
        return np.inf if (g <= 0).any() else -np.log(g).sum()

    best = None
    for start in np.linspace(LO + 0.5, HI - 0.5, 4):
        r = minimize(neg, np.full(K, start), bounds=[(LO, HI)] * K, method="L-BFGS-B",
                     options={"ftol": 1e-15, "gtol": 1e-12})
        if np.isfinite(r.fun) and (best is None or r.fun < best.fun):
            best = r
    return best


def test_nash_equals_the_scalar_solver_row_by_row():
    batch, _ = _problem(60, seed=1)
    n = batch.z0.shape[0]
    d = np.tile([0.0, -40.0], (n, 1))
    z, u, _lam, conv = smooth_batch.polish_batch(batch, smooth_batch.nash(d))
    assert conv.all()
    for k in range(n):
        got = smooth.polish([_scalar_slice(batch, k)], smooth.nash(d[k]))
        assert got is not None
        np.testing.assert_allclose(z[k], got.z[0], rtol=1e-9, atol=1e-9)
        np.testing.assert_allclose(u[k], got.u[0], rtol=1e-10, atol=1e-10)


def test_nash_maximises_the_nash_product():
    batch, _ = _problem(12, seed=2)
    n = batch.z0.shape[0]
    d = np.tile([0.0, -40.0], (n, 1))
    z, u, _, conv = smooth_batch.polish_batch(batch, smooth_batch.nash(d))
    assert conv.all()
    for k in range(n):
        best = _nash_direct(batch, k, d[k])
        ours = np.log(u[k] - d[k]).sum()
        assert ours >= -best.fun - 1e-9  # at least as good as the direct maximiser
        np.testing.assert_allclose(z[k], best.x, atol=1e-4)  # and the same point


def test_corner_solutions_hold_coordinates_at_the_range_end():
    """A tiny disagreement value for party 2 makes party 1 push z to the top of the range:
    the KKT point has z at HI with the right sign, as the scalar solver finds."""
    batch, _ = _problem(30, seed=3)
    n = batch.z0.shape[0]
    d = np.tile([0.0, -1e4], (n, 1))
    z, _u, _lam, conv = smooth_batch.polish_batch(batch, smooth_batch.nash(d))
    assert conv.all()
    assert (z == HI).any()
    for k in range(n):
        got = smooth.polish([_scalar_slice(batch, k)], smooth.nash(d[k]))
        assert got is not None
        np.testing.assert_allclose(z[k], got.z[0], rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("which", ["weighted_sum", "level", "ray"])
def test_other_equations_equal_the_scalar_solver(which):
    batch, _ = _problem(40, seed=4)
    n = batch.z0.shape[0]
    d = np.tile([1.0, -30.0], (n, 1))
    if which == "weighted_sum":
        eq, eq1 = smooth_batch.weighted_sum((1.0, 2.0)), lambda k: smooth.weighted_sum((1.0, 2.0))
    elif which == "level":
        eq, eq1 = smooth_batch.level(1, d[:, 1]), lambda k: smooth.level(1, float(d[k, 1]))
    else:
        r = np.tile([1.0, 3.0], (n, 1))
        eq, eq1 = smooth_batch.ray(d, r), lambda k: smooth.ray(d[k], r[k])
    z, _u, lam, conv = smooth_batch.polish_batch(batch, eq)
    scalar = [smooth.polish([_scalar_slice(batch, k)], eq1(k)) for k in range(n)]
    assert conv.sum() >= sum(g is not None for g in scalar) - 1
    for k, got in enumerate(scalar):
        if got is not None and conv[k]:
            np.testing.assert_allclose(z[k], got.z[0], rtol=1e-9, atol=1e-9)
        elif conv[k]:  # found where the scalar solver gave up: check it is a KKT point
            g = batch.slopes(z[k][None], np.array([k]))[0]
            h = lam[k] * g[0] + (1 - lam[k]) * g[1]
            inner = (z[k] > LO) & (z[k] < HI)
            assert np.abs(h[inner]).max(initial=0.0) < 1e-9
            assert np.all(h[z[k] == HI] >= -1e-9) and np.all(h[z[k] == LO] <= 1e-9)


def test_weighted_sum_is_the_closed_form():
    """max U1 + U2 per coordinate: a / (1 + z) = b z + c, a quadratic's positive root."""
    batch, (a, b, c) = _problem(20, seed=5)
    z, _, _, conv = smooth_batch.polish_batch(batch, smooth_batch.weighted_sum((1.0, 1.0)))
    assert conv.all()
    # b z^2 + (b + c) z + (c - a) = 0
    root = (-(b + c) + np.sqrt((b + c) ** 2 - 4 * b * (c - a))) / (2 * b)
    np.testing.assert_allclose(z, np.clip(root, LO, HI), rtol=1e-12, atol=1e-12)


def test_each_party_best_on_linear_and_convex_coordinates():
    """Weighted sums with one party's weight only, where that party's payoff is linear
    (``U1 = a . z``) or convex (``U2 = sum exp(-z_j)``) in every coordinate: the best is at
    the range end each slope points to (no stationary point inside)."""
    n = 25
    rng = np.random.default_rng(6)
    a = rng.uniform(-1.0, 1.0, (n, K))
    z0 = rng.uniform(LO, HI, (n, K))

    def value(z, rows):
        return np.column_stack([(a[rows] * z).sum(axis=1), np.exp(-z).sum(axis=1)])

    def slopes(z, rows):
        return np.stack([np.broadcast_to(a[rows], z.shape), -np.exp(-z)], axis=1)

    batch = smooth_batch.Batch(value, slopes, z0, [np.array([LO, HI])] * K, np.ones((n, K), bool))
    z, _, _, conv = smooth_batch.polish_batch(batch, smooth_batch.weighted_sum((1.0, 0.0)))
    assert conv.all()
    np.testing.assert_array_equal(z, np.where(a > 0, HI, LO))
    z, _, _, conv = smooth_batch.polish_batch(batch, smooth_batch.weighted_sum((0.0, 1.0)))
    assert conv.all()
    np.testing.assert_array_equal(z, np.full((n, K), LO))


@pytest.mark.parametrize("which", ["nash", "weighted_sum"])
def test_a_slope_that_jumps_at_the_range_end(which):
    """A closed-form slope read exactly at a range end may be the other side's (a tariff at
    zero: the trade model's slopes are right-continuous at kinks, and the end is one); the
    answer a little inside must still be found in the batch, equal to the scalar solver's
    and, for the weighted sum, to the closed form ``a / (1 + z) = b z + c``.  Seen on the
    baseline's car tariff, where the start is the interpolant's answer at 0."""
    n = 30
    rng = np.random.default_rng(7)
    a = rng.uniform(0.5, 2.0, (n, K))
    c = a - rng.uniform(1e-3, 5e-2, (n, K))  # the stationary point is just inside
    b = rng.uniform(0.05, 0.5, (n, K))

    def value(z, rows):
        u1 = (a[rows] * np.log1p(z)).sum(axis=1)
        u2 = -(b[rows] * z**2 / 2 + c[rows] * z).sum(axis=1)
        return np.column_stack([u1, u2])

    def slopes(z, rows):
        g2 = -(b[rows] * z + c[rows])
        return np.stack([a[rows] / (1 + z), np.where(z == LO, g2 - 1.0, g2)], axis=1)

    batch = smooth_batch.Batch(
        value, slopes, np.full((n, K), LO), [np.array([LO, HI])] * K, np.ones((n, K), bool)
    )
    d = np.tile([-5.0, -5.0], (n, 1))
    if which == "nash":
        eq, eq1 = smooth_batch.nash(d), lambda k: smooth.nash(d[k])
    else:
        eq, eq1 = smooth_batch.weighted_sum(), lambda k: smooth.weighted_sum()
    z, _u, _lam, conv = smooth_batch.polish_batch(batch, eq)
    assert conv.all()
    assert (z > LO).all() if which == "weighted_sum" else (z > LO).sum() > n
    for k in range(n):
        got = smooth.polish([_scalar_slice(batch, k)], eq1(k))
        assert got is not None
        np.testing.assert_allclose(z[k], got.z[0], rtol=1e-9, atol=1e-9)
    if which == "weighted_sum":
        root = (-(b + c) + np.sqrt((b + c) ** 2 - 4 * b * (c - a))) / (2 * b)
        np.testing.assert_allclose(z, root, rtol=1e-10, atol=1e-12)


def test_well_conditioned_decides_as_the_singular_values():
    """_well_conditioned against np.linalg.cond < 1e14 on matrices of every condition from
    1 to 1e16 (prescribed singular values; every one invertible, so the 1-norm estimate
    decides most), then with exactly singular ones and NaNs among them."""
    from sim.bargaining.smooth_batch import _well_conditioned

    rng = np.random.default_rng(7)
    n, M = 5, 4000
    U = np.linalg.qr(rng.normal(size=(M, n, n)))[0]
    V = np.linalg.qr(rng.normal(size=(M, n, n)))[0]
    kappa = 10.0 ** rng.uniform(0, 16, M)
    kappa[:200] = 1e14 * 10.0 ** rng.uniform(-0.05, 0.05, 200)  # at the threshold
    sv = np.exp(np.linspace(0, 1, n)[None, :] * -np.log(kappa)[:, None])
    J = U @ (sv[:, :, None] * V)
    ref = np.linalg.cond(J)
    np.testing.assert_array_equal(_well_conditioned(J), np.isfinite(ref) & (ref < 1e14))
    J[300] = 0.0
    ref = np.linalg.cond(J)
    np.testing.assert_array_equal(_well_conditioned(J), np.isfinite(ref) & (ref < 1e14))
    J[302] = np.outer(rng.normal(size=n), rng.normal(size=n))  # exactly rank one
    ref = np.linalg.cond(J)
    np.testing.assert_array_equal(_well_conditioned(J), np.isfinite(ref) & (ref < 1e14))
    J[301, 0, :] = np.nan  # the singular values do not converge: not well conditioned
    assert not _well_conditioned(J)[301]
