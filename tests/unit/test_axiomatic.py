"""Tests for sim.bargaining.axiomatic.

Oracles: closed forms on the pie (Nash 1950; generalised Nash, Kalai 1977; KS 1975), values
computed by hand on non-symmetric polygons (in the docstrings), and a brute-force sample of
every cell (tests/strategies.py::dense_samples) for random instances.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sim.bargaining.axiomatic import (
    egalitarian,
    kalai_smorodinsky,
    nash_bargaining,
    utilitarian,
    zone_of_agreement,
)
from sim.bargaining.geometry import UtilitySet
from tests.strategies import dense_samples, disagreement_points, nash_weights, utility_sets

N_EXAMPLES = int(os.environ.get("SIM_HYPOTHESIS_EXAMPLES", "60"))
FAST = settings(
    max_examples=N_EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
SOLUTIONS = [nash_bargaining, kalai_smorodinsky, egalitarian, utilitarian]


def pie_segment():
    """u1 + u2 = 1 as one cell with one continuous issue (the share of party 1)."""
    return UtilitySet.from_zonotope([0.0, 1.0], [[1.0], [-1.0]])


def pie_two_issues():
    """The same pie from two continuous issues worth half each (parallel generators)."""
    return UtilitySet.from_zonotope([0.0, 1.0], [[0.5, 0.5], [-0.5, -0.5]])


def pie_grid(n=60):
    """The pie as n + 1 discrete splits (k = 0)."""
    s = np.linspace(0.0, 1.0, n + 1)
    return UtilitySet.from_points(np.stack([s, 1 - s], axis=1))


def pie_mixed():
    """A discrete issue (who gets the first tenth) times a continuous split of the rest:
    two cells sharing one shape, translations of each other."""
    G = np.array([[[0.9], [-0.9]]])
    return UtilitySet(np.array([[0.1, 0.9], [0.0, 1.0]]), np.array([0, 0]), G)


PIES = [pie_segment, pie_two_issues, pie_grid, pie_mixed]


# -- closed forms on the pie ---------------------------------------------------------------
@pytest.mark.parametrize("make", PIES)
@pytest.mark.parametrize("d", [(0.0, 0.0), (0.2, 0.0), (0.3, 0.5), (0.1, 0.2)])
def test_nash_on_pie_closed_form(make, d):
    """Symmetric Nash on u1 + u2 = 1: u1 = (1 + d1 - d2) / 2."""
    r = nash_bargaining(make(), d)
    u1 = (1 + d[0] - d[1]) / 2
    np.testing.assert_allclose(r.utility, [u1, 1 - u1], atol=1e-12)
    assert r.zone_of_agreement and r.is_pareto and r.cell is not None
    np.testing.assert_allclose(make().locate(r.cell, r.x), r.utility, atol=1e-12)


@pytest.mark.parametrize("make", [pie_segment, pie_two_issues, pie_mixed])
@pytest.mark.parametrize("w", [(1.0, 3.0), (2.0, 1.0), (0.3, 0.7)])
def test_asymmetric_nash_on_pie_closed_form(make, w):
    """Generalised Nash on the pie: u1 = d1 + w1 / (w1 + w2) (1 - d1 - d2)."""
    d = (0.2, 0.1)
    r = nash_bargaining(make(), d, weights=w)
    u1 = d[0] + w[0] / (w[0] + w[1]) * (1 - d[0] - d[1])
    np.testing.assert_allclose(r.utility, [u1, 1 - u1], atol=1e-12)


@pytest.mark.parametrize("make", PIES)
def test_ks_on_pie_uses_individually_rational_ideal(make):
    """d = (0.2, 0): ideal = (1, 0.8); ray u = d + t (0.8, 0.8) meets u1 + u2 = 1 at t = 1/2,
    so KS = (0.6, 0.4) -- not 0.56 (the value with the overall maximum as ideal point)."""
    r = kalai_smorodinsky(make(), (0.2, 0.0))
    np.testing.assert_allclose(r.utility, [0.6, 0.4], atol=1e-12)
    np.testing.assert_allclose(r.details["ideal"], [1.0, 0.8])
    assert r.is_pareto and r.message == ""


@pytest.mark.parametrize("make", PIES)
def test_egalitarian_and_utilitarian_on_pie(make):
    """Egalitarian with weights (1, 2) from d = (0, 0): t + 2t = 1, u = (1/3, 2/3).
    Utilitarian with weights (2, 1): the corner giving everything to party 1, (1, 0)."""
    u = make()
    np.testing.assert_allclose(egalitarian(u, (0, 0), weights=(1, 2)).utility, [1 / 3, 2 / 3])
    np.testing.assert_allclose(utilitarian(u, (0, 0), weights=(2, 1)).utility, [1, 0])
    # IR-constrained: with d = (0, 0.3) party 1 can get at most 0.7
    np.testing.assert_allclose(utilitarian(u, (0, 0.3), weights=(2, 1)).utility, [0.7, 0.3])
    r = utilitarian(u, (0, 0.3), weights=(2, 1), individually_rational=False)
    np.testing.assert_allclose(r.utility, [1, 0])


# -- a non-symmetric polygon where KS and Nash differ ---------------------------------------
def test_trapezoid_ks_nash_differ():
    """Parallelogram with vertices (0,0), (1,-0.5), (1,0.5), (0,1); with d = (0,0) its IR part
    is conv{(0,0),(1,0),(1,0.5),(0,1)}, frontier u2 = 1 - u1/2 for u1 in [0,1].

    Nash: u1 (1 - u1/2) increases on [0, 1] -> (1, 0.5).  Ideal (1, 1), so KS solves
    u = 1 - u/2 -> (2/3, 2/3); egalitarian is the same point; utilitarian: (1, 0.5).
    """
    u = UtilitySet.from_zonotope([0, 0], [[1.0, 0.0], [-0.5, 1.0]])
    np.testing.assert_allclose(nash_bargaining(u, (0, 0)).utility, [1, 0.5], atol=1e-12)
    np.testing.assert_allclose(kalai_smorodinsky(u, (0, 0)).utility, [2 / 3, 2 / 3])
    np.testing.assert_allclose(egalitarian(u, (0, 0)).utility, [2 / 3, 2 / 3])
    np.testing.assert_allclose(utilitarian(u, (0, 0)).utility, [1, 0.5])


def test_concave_chain_ks_nash_differ():
    """Frontier (0,1) -> (0.5,0.9) -> (1,0) (generators (0.5,-0.1), (0.5,-0.9) from (0,1)).

    Nash, d = 0: on the first edge u1 (1 - 0.2 u1) increases up to u1 = 0.5 (value 0.45); on
    the second, 1.8 u1 (1 - u1) peaks at u1 = 0.5: the vertex (0.5, 0.9).  KS: ideal (1, 1),
    u = 1.8 - 1.8 u -> u = 9/14 on both axes.  Asymmetric Nash with w = (1, 3) on the first
    edge: d/du1 [ln u1 + 3 ln(1 - 0.2 u1)] = 0 -> u1 = 1/0.8 = 1.25 > 0.5, so still the
    vertex; with w = (3, 1) on the second edge: 3/u1 = 1/(1 - u1) -> u1 = 0.75, u2 = 0.45.
    """
    u = UtilitySet.from_zonotope([0, 1], [[0.5, 0.5], [-0.1, -0.9]])
    np.testing.assert_allclose(nash_bargaining(u, (0, 0)).utility, [0.5, 0.9], atol=1e-12)
    np.testing.assert_allclose(kalai_smorodinsky(u, (0, 0)).utility, [9 / 14, 9 / 14])
    np.testing.assert_allclose(
        nash_bargaining(u, (0, 0), weights=(1, 3)).utility, [0.5, 0.9], atol=1e-12
    )
    r = nash_bargaining(u, (0, 0), weights=(3, 1))
    np.testing.assert_allclose(r.utility, [0.75, 0.45], atol=1e-12)
    np.testing.assert_allclose(r.x, [1.0, 0.5], atol=1e-12)


# -- no zone, degenerate sets, weak Pareto, JSON --------------------------------------------
@pytest.mark.parametrize("solve", SOLUTIONS)
def test_no_zone_of_agreement(solve):
    u = pie_segment()
    for d in [(0.5, 0.5), (0.7, 0.6), (2.0, -1.0)]:
        assert not zone_of_agreement(u, d)
        r = solve(u, d)
        assert not r.zone_of_agreement and r.cell is None and r.x is None
        np.testing.assert_allclose(r.utility, d)
        assert "no zone of agreement" in r.message
        json.dumps(r.to_dict())


def test_zone_detects_interior_of_ir_piece_with_boundary_vertices():
    """Triangle (0,0),(1,0),(0,1) with d = (0,0): every vertex lies on u1 = 0 or u2 = 0 but
    (0.3, 0.3) gives both strictly more."""
    u = UtilitySet(
        np.array([[0.0, 0.0], [0.0, 0.0]]),
        np.array([0, 1]),
        np.array([[[1.0], [0.0]], [[0.0], [1.0]]]),
    )
    assert not zone_of_agreement(u, (0, 0))  # two segments on the axes: no zone
    tri = UtilitySet.from_zonotope([0, 0], [[1.0, -1.0], [0.0, 1.0]])  # contains the triangle
    assert zone_of_agreement(tri, (0, 0))


def test_points_only_and_non_comprehensive_ks():
    """Three discrete deals (0.9,0.1), (0.1,0.9), (0.45,0.45): the 45-degree ray hits the
    third.  Without it the ray misses every deal; KS of the free-disposal hull maximises
    min(u1/0.9, u2/0.9): a tie between the two remaining deals, lowest cell wins."""
    u = UtilitySet.from_points([[0.9, 0.1], [0.1, 0.9], [0.45, 0.45]])
    for solve in SOLUTIONS[:3]:
        r = solve(u, (0, 0))
        assert r.cell == 2 and r.x.shape == (0,)
        np.testing.assert_allclose(r.utility, [0.45, 0.45])
    r = kalai_smorodinsky(UtilitySet.from_points([[0.9, 0.1], [0.1, 0.9]]), (0, 0))
    assert r.cell == 0 and "comprehensive" in r.message


def test_weakly_pareto_ks_is_flagged():
    """Rectangle [0,1] x [0,0.5] plus the point (0.2, 1): ideal (1, 1), the diagonal leaves the
    union at (0.5, 0.5) on the rectangle's top edge, dominated by (1, 0.5)."""
    u = UtilitySet(
        np.array([[0.0, 0.0], [0.2, 1.0]]),
        np.array([0, 1]),
        np.array([[[1.0, 0.0], [0.0, 0.5]], [[0.0, 0.0], [0.0, 0.0]]]),
    )
    r = kalai_smorodinsky(u, (0, 0))
    np.testing.assert_allclose(r.utility, [0.5, 0.5])
    assert not r.is_pareto and "weakly Pareto" in r.message


def test_ties_go_to_lowest_cell_and_to_dict_is_json():
    u = UtilitySet.from_points([[0.0, 1.0], [0.5, 0.5], [0.5, 0.5], [1.0, 0.0]])
    r = nash_bargaining(u, (0, 0))
    assert r.cell == 1
    d = r.to_dict()
    assert json.loads(json.dumps(d)) == d and d["options"] == {"weights": [0.5, 0.5]}


def test_bad_arguments():
    with pytest.raises(ValueError, match="d must"):
        nash_bargaining(pie_segment(), (0.0, np.nan))
    with pytest.raises(ValueError, match="weights"):
        nash_bargaining(pie_segment(), (0, 0), weights=(1.0, 0.0))
    with pytest.raises(ValueError, match="UtilitySet"):
        egalitarian(np.zeros((2, 2)), (0, 0))


# -- properties against brute force ---------------------------------------------------------
def _log_nash(pts, d, w):
    g = pts - d
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where((g > 0).all(axis=1), np.log(np.maximum(g, 1e-300)) @ w, -np.inf)


@FAST
@given(utility_sets(), disagreement_points(), nash_weights())
def test_nash_beats_every_sampled_outcome(u, d, w):
    w = np.array(w)
    r = nash_bargaining(u, d, weights=w)
    s, _ = dense_samples(u, 11)
    if not r.zone_of_agreement:  # no sample may give both strictly more (up to tolerance)
        assert not ((s > d + 1e-7).all(axis=1)).any()
        return
    assert (r.utility > d).all() and r.is_pareto
    np.testing.assert_allclose(u.locate(r.cell, r.x), r.utility, atol=1e-12)
    best = _log_nash(r.utility[None], d, w)[0]
    assert (_log_nash(s, d, w) <= best + 1e-9).all()


@FAST
@given(utility_sets(), disagreement_points(), nash_weights())
def test_utilitarian_beats_every_sampled_ir_outcome(u, d, w):
    w = np.array(w)
    r = utilitarian(u, d, weights=w)
    assume(r.zone_of_agreement)
    s, _ = dense_samples(u, 11)
    ir = s[(s >= d).all(axis=1)]
    assert r.is_pareto and (r.utility >= d - 1e-9).all()
    assert (ir @ w <= r.utility @ w + 1e-9).all()


@FAST
@given(utility_sets(), disagreement_points())
def test_ks_ideal_and_ray(u, d):
    r = kalai_smorodinsky(u, d)
    assume(r.zone_of_agreement)
    s, _ = dense_samples(u, 11)
    ir = s[(s >= d).all(axis=1)]
    ideal = np.array(r.details["ideal"])
    assert len(ir) == 0 or (ideal >= ir.max(axis=0) - 1e-9).all()
    if "comprehensive" not in r.message:  # on the segment from d to the ideal point
        g = (r.utility - d) / (ideal - d)
        assert abs(g[0] - g[1]) < 1e-7 and -1e-9 <= g[0] <= 1 + 1e-9
        # no sampled outcome lies further along the ray (within sampling of the ray line)
        v, r_ = s - d, ideal - d
        on = s[np.abs(v[:, 0] * r_[1] - v[:, 1] * r_[0]) < 1e-12]  # 2-D cross product
        assert ((on - d) @ (ideal - d) <= (r.utility - d) @ (ideal - d) + 1e-9).all()


def _symmetric_zonotope(a, g1, g2):
    """Offset (a, a) and generators g, swap(g): a set symmetric in u1 <-> u2."""
    G = np.array([[g1[0], g1[1], g2[0], g2[1]], [g1[1], g1[0], g2[1], g2[0]]])
    return UtilitySet.from_zonotope([a, a], G)


@FAST
@given(
    st.floats(-1, 1),
    st.tuples(st.floats(-1, 1), st.floats(-1, 1)),
    st.tuples(st.floats(-1, 1), st.floats(-1, 1)),
    st.floats(-2, 1),
)
def test_symmetry(a, g1, g2, c):
    u = _symmetric_zonotope(a, g1, g2)
    for solve in SOLUTIONS[:3]:
        r = solve(u, (c, c))
        if r.zone_of_agreement:
            assert abs(r.utility[0] - r.utility[1]) <= 1e-7 * (1 + np.abs(r.utility).max())


def _rescale(u, a, b):
    return UtilitySet(u.offsets * a + b, u.shape, u.generators * a[None, :, None])


@FAST
@given(
    utility_sets(),
    disagreement_points(),
    st.tuples(st.floats(0.1, 10), st.floats(0.1, 10)),
    st.tuples(st.floats(-5, 5), st.floats(-5, 5)),
)
def test_affine_invariance_of_nash_and_ks(u, d, a, b):
    a, b = np.array(a), np.array(b)
    v, e = _rescale(u, a, b), d * a + b
    for solve in (nash_bargaining, kalai_smorodinsky):
        r, q = solve(u, d), solve(v, e)
        assert r.zone_of_agreement == q.zone_of_agreement
        if not r.zone_of_agreement:
            continue
        if solve is nash_bargaining:  # same optimal value (the argmax may be a tie)
            shift = 0.5 * np.log(a).sum()
            assert abs(q.details["log_nash_product"] - shift - r.details["log_nash_product"]) < 1e-6
            if r.cell == q.cell:
                np.testing.assert_allclose(q.utility, a * r.utility + b, atol=1e-6 * (1 + a.max()))
        else:
            assert abs(q.details["t"] - r.details["t"]) < 1e-6
            if r.cell == q.cell:
                np.testing.assert_allclose(q.utility, a * r.utility + b, atol=1e-6 * (1 + a.max()))


@FAST
@given(utility_sets(max_cells=6), disagreement_points(), st.data())
def test_nash_iia(u, d, data):
    """Removing cells (keeping the solution's) cannot change the Nash value or point."""
    r = nash_bargaining(u, d)
    assume(r.zone_of_agreement)
    keep = data.draw(st.lists(st.booleans(), min_size=u.n_cells, max_size=u.n_cells))
    keep[r.cell] = True
    idx = np.flatnonzero(keep)
    sub = UtilitySet(u.offsets[idx], u.shape[idx], u.generators)
    q = nash_bargaining(sub, d)
    assert abs(q.details["log_nash_product"] - r.details["log_nash_product"]) < 1e-9
    if idx[q.cell] == r.cell:
        np.testing.assert_allclose(q.utility, r.utility, atol=1e-9)
