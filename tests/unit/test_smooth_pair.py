"""The two-offer Newton polish (smooth_batch.polish_pair_batch, the solver of Rubinstein's
offers in ``sim run`` and ``sim.evaluate``) against oracles that share none of its code:
Rubinstein's (1982) closed form on a linear frontier, and MINPACK's hybrid Powell method
(sim.bargaining.smooth.polish) row by row on curved frontiers."""

from __future__ import annotations

import numpy as np
import pytest

from sim.bargaining import smooth, smooth_batch

K = 2
LO, HI = 0.0, 10.0


def _curved(n: int, seed: int, starts=None):
    """Rows of ``U1 = sum a_j log(1 + z_j)``, ``U2 = -sum (b_j z_j^2 / 2 + c_j z_j)``: a
    strictly concave frontier; two starts per row (the two offers: random by default)."""
    rng = np.random.default_rng(seed)
    a = rng.uniform(0.5, 3.0, (n, K))
    b = rng.uniform(0.05, 0.5, (n, K))
    c = rng.uniform(0.0, 0.5, (n, K))

    def value(z, rows):
        return np.column_stack(
            [(a[rows] * np.log1p(z)).sum(axis=1), -(b[rows] * z**2 / 2 + c[rows] * z).sum(1)]
        )

    def slopes(z, rows):
        return np.stack([a[rows] / (1 + z), -(b[rows] * z + c[rows])], axis=1)

    breaks = [np.array([LO, HI])] * K
    starts = rng.uniform(LO, HI, (2, n, K)) if starts is None else starts
    return [
        smooth_batch.Batch(value, slopes, starts[p], breaks, np.ones((n, K), bool))
        for p in (0, 1)
    ]


def _slice(batch, k):
    return smooth.Slice(
        lambda z: batch.value(np.asarray(z, float)[None], np.array([k]))[0],
        lambda z: batch.slopes(np.asarray(z, float)[None], np.array([k]))[0],
        batch.z0[k],
        tuple(batch.breaks),
        np.ones(batch.z0.shape[1], bool),
    )


def test_linear_frontier_gives_rubinsteins_shares():
    """``U1 = z``, ``U2 = 1 - z`` on [0, 1], d = 0: the first proposer gets
    ``(1 - d2) / (1 - d1 d2)`` (Rubinstein 1982), the other's offer gives it ``d1`` times
    that."""
    rng = np.random.default_rng(0)
    n = 50
    delta = rng.uniform(0.05, 0.99, (n, 2))

    def value(z, rows):
        return np.column_stack([z[:, 0], 1.0 - z[:, 0]])

    def slopes(z, rows):
        return np.stack([np.ones_like(z), -np.ones_like(z)], axis=1)

    batches = [
        smooth_batch.Batch(value, slopes, rng.uniform(0.1, 0.9, (n, 1)), [np.array([0.0, 1.0])],
                           np.ones((n, 1), bool))
        for _ in (0, 1)
    ]
    no = np.zeros(n, bool)
    eq = smooth_batch.rubinstein(np.zeros((n, 2)), delta, x_end=no, y_end=no,
                                 outside=np.full((n, 2), np.nan))
    _z, u, lam, conv = smooth_batch.polish_pair_batch(batches, eq)
    assert conv.all()
    d1, d2 = delta[:, 0], delta[:, 1]
    share = (1 - d2) / (1 - d1 * d2)
    np.testing.assert_allclose(u[:, 0, 0], share, rtol=0, atol=1e-12)
    np.testing.assert_allclose(u[:, 1, 0], d1 * share, rtol=0, atol=1e-12)
    np.testing.assert_allclose(lam, 0.5, atol=1e-12)


def _case(case: str, n: int):
    rng = np.random.default_rng(5)
    d = np.column_stack([rng.uniform(0.0, 1.0, n), rng.uniform(-40.0, -30.0, n)])
    delta = rng.uniform(0.3, 0.97, (n, 2))
    outside = np.full((n, 2), np.nan)
    if case == "outside":  # party 2's outside option high enough to bind in some rows
        outside[:, 1] = rng.uniform(-30.0, -5.0, n)
    return d, delta, outside, np.full(n, case == "x_end"), np.full(n, case == "y_end")


def _minpack(batches, k, d, delta, outside, x_end, y_end):
    o = tuple(None if np.isnan(v) else float(v) for v in outside[k])
    eq1 = smooth.rubinstein(d[k], delta[k], x_end=bool(x_end[k]), y_end=bool(y_end[k]),
                            outside=o)
    return smooth.polish([_slice(batches[0], k), _slice(batches[1], k)], eq1)


@pytest.mark.parametrize("case", ["interior", "outside", "x_end", "y_end"])
def test_offers_equal_the_minpack_solver_row_by_row(case):
    """From starts near the answer (as the interpolant's offers are) Newton converges on
    (nearly) every row, to MINPACK's answer; from random starts, where both converge they
    agree (Newton's other rows go to MINPACK in sim.models._smooth.solve_offers)."""
    n, seed = 40, {"interior": 1, "outside": 2, "x_end": 3, "y_end": 4}[case]
    args = _case(case, n)
    far = _curved(n, seed)
    roots = {k: _minpack(far, k, *args) for k in range(n)}
    rng = np.random.default_rng(seed + 10)
    near = np.stack([b.z0 for b in far])
    for k, got in roots.items():
        if got is not None:
            near[:, k] = np.clip(got.z + rng.uniform(-0.2, 0.2, got.z.shape), LO, HI)
    for batches, start in ((_curved(n, seed, near), "near"), (far, "far")):
        eq = smooth_batch.rubinstein(
            args[0], args[1], outside=args[2], x_end=args[3], y_end=args[4]
        )
        z, u, _lam, conv = smooth_batch.polish_pair_batch(batches, eq)
        both = [k for k, got in roots.items() if got is not None and conv[k]]
        assert len(both) >= n // 4
        if start == "near":
            assert len(both) >= 0.9 * sum(g is not None for g in roots.values())
        for k in both:
            np.testing.assert_allclose(z[k], roots[k].z, rtol=1e-9, atol=1e-9)
            np.testing.assert_allclose(u[k], roots[k].u, rtol=1e-10, atol=1e-10)


def test_one_row_wrapper_equals_the_batch():
    batches = _curved(6, seed=7)
    rng = np.random.default_rng(8)
    d = np.column_stack([rng.uniform(0, 1, 6), rng.uniform(-40, -30, 6)])
    delta = rng.uniform(0.3, 0.97, (6, 2))
    no = np.zeros(6, bool)
    eq = smooth_batch.rubinstein(d, delta, x_end=no, y_end=no, outside=np.full((6, 2), np.nan))
    z, _u, _, conv = smooth_batch.polish_pair_batch(batches, eq)
    for k in range(6):
        one = smooth_batch.rubinstein(d[k : k + 1], delta[k : k + 1], x_end=no[:1],
                                      y_end=no[:1], outside=np.full((1, 2), np.nan))
        got = smooth_batch.polish_pair_one([_slice(batches[0], k), _slice(batches[1], k)], one)
        assert (got is not None) == conv[k]
        if got is not None:
            np.testing.assert_allclose(got.z, z[k], rtol=1e-12, atol=1e-12)
