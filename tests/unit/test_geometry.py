"""Tests for sim.bargaining.geometry, primitives and frontier.

Oracles: scipy.spatial.ConvexHull of all 2^k box corners, hand-drawn examples, and a
brute-force sample of every cell (tests/strategies.py::dense_samples) with an O(n^2)
dominance check.
"""

from __future__ import annotations

import itertools
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.spatial import ConvexHull

from sim.bargaining.frontier import convex_frontier, pareto_frontier
from sim.bargaining.geometry import UtilitySet, zonotope_hull
from sim.bargaining.primitives import dominated, ir_candidates, ray_max_t
from tests.strategies import dense_samples, utility_sets

N_EXAMPLES = int(os.environ.get("SIM_HYPOTHESIS_EXAMPLES", "60"))
FAST = settings(
    max_examples=N_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def _corners(k):
    return np.array(list(itertools.product([0.0, 1.0], repeat=k))).reshape(-1, k)


def _signed_area(v):
    return 0.5 * np.sum(v[:, 0] * np.roll(v[:, 1], -1) - np.roll(v[:, 0], -1) * v[:, 1])


# -- zonotope hulls -------------------------------------------------------------------------
@pytest.mark.parametrize(
    "G",
    [
        [[1.0, 0.0], [0.0, 1.0]],
        [[1.0, 0.0, 1.0], [0.0, 1.0, -1.0]],
        [[0.3, -0.7, 0.2], [-0.5, 0.1, 0.9]],
        [[2.0, 1.0, -1.0, 0.5], [1.0, -2.0, 0.3, 0.5]],
    ],
)
def test_zonotope_hull_matches_convex_hull_of_box_corners(G):
    G = np.array(G)
    v, c = zonotope_hull(G)
    np.testing.assert_allclose(v, c @ G.T)
    assert set(np.unique(c)) <= {0.0, 1.0}
    assert _signed_area(v) > 0  # counter-clockwise
    all_pts = _corners(G.shape[1]) @ G.T
    ref = ConvexHull(all_pts)
    assert len(v) == len(ref.vertices)
    np.testing.assert_allclose(abs(_signed_area(v)), ref.volume)
    for p in all_pts[ref.vertices]:
        assert np.min(np.abs(v - p).max(axis=1)) < 1e-12


def test_degenerate_shapes():
    # zero generators and k = 0: a point
    v, c = zonotope_hull(np.zeros((2, 3)))
    assert v.tolist() == [[0.0, 0.0]] and c.tolist() == [[0.0, 0.0, 0.0]]
    v, c = zonotope_hull(np.zeros((2, 0)))
    assert v.shape == (1, 2) and c.shape == (1, 0)
    # collinear generators (one flipped): a segment from (-1, 1) to (2, -2)
    G = np.array([[1.0, -1.0, 0.0], [-1.0, 1.0, 0.0]])
    v, c = zonotope_hull(G)
    assert len(v) == 2
    assert sorted(v.tolist()) == [[-1.0, 1.0], [1.0, -1.0]]
    np.testing.assert_allclose(v, c @ G.T)
    # parallel generators merge: a parallelogram has 4 vertices, not 6
    v, _ = zonotope_hull(np.array([[1.0, 2.0, 0.0], [1.0, 2.0, 1.0]]))
    assert len(v) == 4


def test_validation_errors():
    with pytest.raises(ValueError, match="offsets"):
        UtilitySet(np.zeros((2, 3)), np.zeros(2, int), np.zeros((1, 2, 1)))
    with pytest.raises(ValueError, match="shape indices"):
        UtilitySet(np.zeros((2, 2)), np.array([0, 1]), np.zeros((1, 2, 1)))
    with pytest.raises(ValueError, match="finite"):
        UtilitySet(np.array([[np.nan, 0.0]]), np.zeros(1, int), np.zeros((1, 2, 1)))
    with pytest.raises(ValueError, match="generators"):
        UtilitySet(np.zeros((1, 2)), np.zeros(1, int), np.zeros((2, 1)))
    u = UtilitySet.from_zonotope([0, 0], [[1.0], [2.0]])
    with pytest.raises(ValueError, match="unit box"):
        u.locate(0, [1.5])


def test_locate_corner_points_and_sharing():
    G = np.array([[[1.0, 0.0], [0.0, 2.0]]])
    u = UtilitySet(np.array([[0.0, 0.0], [10.0, 5.0]]), np.array([0, 0]), G)
    assert (u.n_cells, u.k) == (2, 2)
    np.testing.assert_allclose(u.locate(1, [0.5, 0.25]), [10.5, 5.5])
    np.testing.assert_allclose(u.locate([0, 1], [[1, 1], [0, 0]]), [[1, 2], [10, 5]])
    pts, cells, xs = u.corner_points()
    assert len(pts) == 8 and sorted(set(cells.tolist())) == [0, 1]
    np.testing.assert_allclose(pts, u.locate(cells, xs))
    assert u.hulls.vertices.shape[0] == 1  # one hull for two cells


# -- primitives against brute force ----------------------------------------------------------
@FAST
@given(utility_sets(max_k=2), st.tuples(st.floats(-1, 1), st.floats(-1, 1)))
def test_ir_candidates_bound_sampled_ir_points(u, d):
    d = np.array(d)
    pts, cells, xs = ir_candidates(u, d)
    if len(pts):
        np.testing.assert_allclose(pts, u.locate(cells, xs), atol=1e-9)
        assert (pts >= d - 2 * u.tol).all()  # documented tolerance
    s, _ = dense_samples(u)
    ir = s[(s >= d).all(axis=1)]
    for w in ([1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [1.0, 3.0]):
        if len(ir):  # a linear objective over IR samples never beats the candidates
            assert len(pts) and (pts @ w).max() >= (ir @ w).max() - 1e-9


@FAST
@given(utility_sets(max_k=2), st.floats(0.1, 2.0), st.floats(0.1, 2.0))
def test_ray_max_t_against_samples(u, r1, r2):
    d, r = np.array([-1.5, -1.5]), np.array([r1, r2])
    t, pt, x = ray_max_t(u, d, r)
    hit = np.isfinite(t)
    np.testing.assert_allclose(pt[hit], u.locate(np.flatnonzero(hit), x[hit]), atol=1e-9)
    # any sampled point exactly on the ray (none in general) is a lower bound: use the cell's
    # own maximal point instead -- it must not be strictly inside the cell's sample hull
    s, cells = dense_samples(u, 7)
    for c in np.flatnonzero(hit):
        beyond = pt[c] + 1e-6 * r
        cs = s[cells == c]
        if len(cs) >= 3 and np.linalg.matrix_rank(cs - cs[0]) == 2:
            hull = ConvexHull(cs)
            assert (hull.equations[:, :2] @ beyond + hull.equations[:, 2] > -1e-12).any()


# -- Pareto frontier ----------------------------------------------------------------------
def test_frontier_gap_example_by_hand():
    """Pie u1 + u2 = 1 (cell 0) and the point (0.5, 0.6) (cell 1).

    The point dominates the pie where u1 <= 0.5 and u2 <= 0.6, i.e. u1 in [0.4, 0.5]; the
    frontier is [(0, 1), (0.4, 0.6)] (right end only a limit), the point, and
    [(0.5, 0.5), (1, 0)] (left end dominated by the point).
    """
    u = UtilitySet(
        np.array([[0.0, 1.0], [0.5, 0.6]]),
        np.array([0, 1]),
        np.array([[[1.0], [-1.0]], [[0.0], [0.0]]]),
    )
    f = pareto_frontier(u)
    np.testing.assert_allclose(f.start, [[0, 1], [0.5, 0.6], [0.5, 0.5]])
    np.testing.assert_allclose(f.end, [[0.4, 0.6], [0.5, 0.6], [1, 0]])
    assert f.cell_start.tolist() == [0, 1, 0]
    assert f.start_pareto.tolist() == [True, True, False]
    assert f.end_pareto.tolist() == [False, True, True]
    assert not f.connected().any()
    assert len(f.polylines()) == 3
    d = f.to_dict()
    assert d["segments"][1]["cell_start"] == 1 and isinstance(d["segments"][0]["start"][0], float)
    c = convex_frontier(u)
    np.testing.assert_allclose(c.start, [[0, 1], [0.5, 0.6]])
    np.testing.assert_allclose(c.end, [[0.5, 0.6], [1, 0]])
    assert c.cell_start.tolist() == [0, 1] and c.cell_end.tolist() == [1, 0]


def test_frontier_duplicates_go_to_lowest_cell():
    G = np.array([[[1.0], [-1.0]]])
    u = UtilitySet(np.array([[0.0, 1.0], [0.0, 1.0], [-1.0, -1.0]]), np.zeros(3, int), G)
    f = pareto_frontier(u)
    assert len(f) == 1 and f.cell_start.tolist() == [0]
    pts = UtilitySet.from_points([[1.0, 1.0], [0.0, 2.0], [1.0, 1.0]])
    f = pareto_frontier(pts)
    assert f.cell_start.tolist() == [1, 0]


def _brute_pareto(points):
    ge = (points[None, :, :] >= points[:, None, :]).all(axis=2)
    gt = (points[None, :, :] > points[:, None, :]).any(axis=2)
    return ~(ge & gt).any(axis=1)


@FAST
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=30))
def test_frontier_of_points_is_brute_force_staircase(raw):
    pts = np.array(raw, float)
    f = pareto_frontier(UtilitySet.from_points(pts))
    expected = np.unique(pts[_brute_pareto(pts)], axis=0)
    got = np.unique(f.start, axis=0)
    np.testing.assert_array_equal(got, expected)
    np.testing.assert_array_equal(f.start, f.end)
    assert f.start_pareto.all()


def _frontier_best_u2(f, p1, tol=1e-7):
    """max u2 over frontier points with u1 >= p1 - tol (segments are decreasing)."""
    t = np.clip(p1[:, None], f.start[None, :, 0], f.end[None, :, 0])
    span = f.end[:, 0] - f.start[:, 0]
    with np.errstate(divide="ignore", invalid="ignore"):
        lam = np.where(span > 0, (t - f.start[:, 0]) / span, 0.0)
    val = f.start[:, 1] + lam * (f.end[:, 1] - f.start[:, 1])
    return np.where(f.end[None, :, 0] >= p1[:, None] - tol, val, -np.inf).max(axis=1)


@FAST
@given(utility_sets(max_cells=6, max_k=2))
def test_frontier_against_dense_samples(u):
    f = pareto_frontier(u)
    assert len(f) >= 1
    tol = 1e-7
    # monotone chain, points recoverable from (cell, x)
    assert (np.diff(f.start[:, 0]) >= -tol).all()
    assert (f.end[:, 0] >= f.start[:, 0] - tol).all() and (f.end[:, 1] <= f.start[:, 1] + tol).all()
    np.testing.assert_allclose(f.start, u.locate(f.cell_start, f.x_start), atol=1e-9)
    np.testing.assert_allclose(f.end, u.locate(f.cell_end, f.x_end), atol=1e-9)
    s, _ = dense_samples(u, 9)
    # (1) the frontier weakly dominates every sampled outcome
    assert (_frontier_best_u2(f, s[:, 0]) >= s[:, 1] - tol).all()
    # (2) no sampled outcome dominates a frontier midpoint or a Pareto-flagged endpoint
    mids = 0.5 * (f.start + f.end)
    probe = np.vstack([mids, f.start[f.start_pareto], f.end[f.end_pareto]])
    ge = (s[None] >= probe[:, None]).all(axis=2)
    gt = (s[None] > probe[:, None] + tol).any(axis=2)
    assert not (ge & gt).any()
    # (3) the exact point test agrees with brute force on sampled Pareto points
    gaps = np.abs(s[:, None, :] - s[None, :, :])
    if u.k == 0 and not ((gaps > 0) & (gaps < 1e-6)).any():  # unambiguous up to tolerance
        assert (~dominated(u, s) == _brute_pareto(s)).all()


@FAST
@given(utility_sets(max_cells=6, max_k=2))
def test_convex_frontier_is_upper_right_hull(u):
    c = convex_frontier(u)
    s, _ = dense_samples(u, 5)
    np.testing.assert_allclose(c.start, u.locate(c.cell_start, c.x_start), atol=1e-9)
    # every sample lies on or below each frontier edge's supporting line (concave chain)
    for a, b in zip(c.start, c.end, strict=True):
        if np.allclose(a, b):
            continue
        n = np.array([a[1] - b[1], b[0] - a[0]])  # normal pointing up-right
        assert (s @ n <= a @ n + 1e-9).all()
    assert (np.diff(c.start[:, 0]) > 0).all() and (np.diff(c.start[:, 1]) < 0).all()
