"""Batched Kalai--Smorodinsky and egalitarian by branch and bound on flat arrays
(sim.analysis.batch_maxmin, the bounds of sim.analysis.maxmin_bound) against the registry and
a linear-programming brute force over every cell (test_batch_maxmin's random small
scenarios, half with integer payoffs so that ties are common), through each path: branch and
bound, rows the bound cannot settle solved again on the padded geometry, and the padded
geometry small sets take; the records against the padded geometry's; the bound and the
lower bound against enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from test_batch_maxmin import MAXMIN, _load, _lp_max_min
from test_batch_maxmin import test_batched_equals_the_registry_and_the_lp_brute_force as _check

import sim
import sim.analysis.batch_axiomatic as ba
import sim.analysis.batch_maxmin as bm
from sim.analysis.maxmin_bound import OrthantBound, climb, picks


@pytest.mark.parametrize("seed", range(12))
def test_bounded_equals_the_registry_and_the_brute_force(tmp_path, seed, bounded):
    _check(tmp_path, seed)


@pytest.mark.parametrize("seed", range(4))
def test_small_sets_on_the_padded_geometry_equal_the_brute_force(tmp_path, seed):
    _check(tmp_path, seed)


@pytest.mark.parametrize("seed", range(6))
def test_rows_short_of_their_lower_bound_solved_again(tmp_path, seed, monkeypatch, bounded):
    """Lower bounds above the optimum (never true of real ones) prune the answers away; the
    checks after solving find the shortfall and solve those rows on the padded geometry."""
    calls = []

    def inflated(*args, **kw):
        u, fin, key, chosen = climb(*args, **kw)
        calls.append(1)
        return u, fin, key + 1.0, chosen

    monkeypatch.setattr(bm, "climb", inflated)
    _check(tmp_path, seed)
    assert calls


@pytest.mark.parametrize("seed", range(8))
def test_records_equal_the_padded_geometry(tmp_path, seed, monkeypatch):
    """Every record column equal, draw for draw, to the padded geometry's (no tolerance)."""
    base = _load(tmp_path, seed)
    rng = np.random.default_rng(300 + seed)
    n = 40
    draws = pd.DataFrame(
        {"disagreement.adjustments.A": rng.uniform(-4, 4, n),
         "disagreement.adjustments.B": rng.uniform(-4, 4, n)}
    )  # fmt: skip
    if seed % 2 == 0:
        draws = draws.round(0)
    padded = sim.evaluate(base, draws, models=MAXMIN)
    monkeypatch.setattr(ba, "_PLAIN", 0)
    again, real = [], ba._solve_one

    def counted(values, *args):
        again.append(values.n)
        return real(values, *args)

    monkeypatch.setattr(ba, "_solve_one", counted)
    flat = sim.evaluate(base, draws, models=MAXMIN)
    assert sum(again) < n  # most draws settled by the bound (of 2 n: both models)
    pd.testing.assert_frame_equal(flat, padded, check_exact=True)


def _summands(rng, N, integer):
    out = {}
    for j in range(4):
        m = int(rng.integers(2, 5))
        pts = rng.integers(-3, 4, (N, m, 2)) if integer else rng.normal(size=(N, m, 2))
        pts = pts.astype(float)
        out[j] = (pts, np.ones((N, m), bool), j >= 2)  # the last two are curves
    return out


@pytest.mark.parametrize("seed", range(20))
def test_bound_keeps_every_partial_sum_that_reaches_the_orthant(seed):
    """Enumeration: every combination of summand points (a curve: any point of a segment, here
    its ends and midpoint) whose sum lies above a target has each partial sum alive, and its
    last curve's segment too; a target above every sum keeps nothing whole."""
    rng = np.random.default_rng(seed)
    N = 3
    summands = _summands(rng, N, seed % 2 == 1)
    ids = list(summands)
    q1, q2 = rng.normal(size=(N, 2)) - 1.0, rng.normal(size=(N, 2)) + 2.0
    if seed % 2:
        q1 = np.round(q1)  # on a sum: the margin keeps it
    bound = OrthantBound(summands, [q1, q2])
    rows = np.arange(N)
    reached = 0
    last = ids[-1]
    pts, _, _ = summands[last]
    for choice in itertools.product(*(range(summands[j][0].shape[1]) for j in ids[:-1])):
        parts = [summands[j][0][:, i] for j, i in zip(ids[:-1], choice, strict=True)]
        rest = sum(parts)
        for s0 in range(pts.shape[1] - 1):
            A, E = pts[:, s0], pts[:, s0 + 1] - pts[:, s0]
            for t in (0.0, 0.5, 1.0):
                total = rest + A + t * E
                reach = ((total >= q1) | (total >= q2).all(1)[:, None]).all(1)
                reached += reach.sum()
                for k in range(1, len(ids)):
                    alive = bound.alive(sum(parts[:k]), rows, set(ids[:k]))
                    assert alive[reach].all(), (choice, k)
                seg = bound.alive(rest + A, rows, set(ids), E)
                assert seg[reach].all(), (choice, s0)
    assert reached  # the test tests something
    never = OrthantBound(summands, [np.full((N, 2), 1e3)])
    assert not never.alive(np.zeros((N, 2)), rows, set()).any()


@pytest.mark.parametrize("seed", range(12))
def test_lower_bound_is_a_point_of_the_set(seed):
    """Coordinate ascent's max-min value is at most the brute force's (LP over every cell
    of the sum of two point sets and two curves), and its point is a sum of summand points
    (for curves, points of their segments)."""
    rng = np.random.default_rng(seed)
    N = 3
    summands = _summands(rng, N, seed % 2 == 1)
    d = rng.normal(size=(N, 2)) - 2.0
    r = rng.uniform(0.5, 2.0, (N, 2))
    score, seg = bm._max_min_score(d, r)
    ext = np.ones((N, 2))
    start = {j: p[:, 0] for j, p in picks(summands, ext).items()}
    u, _, t, chosen = climb(summands, start, score, seg)
    assert np.allclose(sum(chosen.values()), u)
    c2, c3 = summands[2][0], summands[3][0]
    for n in range(N):
        cells = []
        for i0, i1 in itertools.product(range(summands[0][0].shape[1]),
                                        range(summands[1][0].shape[1])):  # fmt: skip
            for a, b in itertools.product(range(c2.shape[1] - 1), range(c3.shape[1] - 1)):
                u0 = summands[0][0][n, i0] + summands[1][0][n, i1] + c2[n, a] + c3[n, b]
                G = np.column_stack([c2[n, a + 1] - c2[n, a], c3[n, b + 1] - c3[n, b]])
                cells.append((u0, G))
        assert t[n] <= _lp_max_min(cells, d[n], r[n]) + 1e-9
        assert t[n] == pytest.approx(((u[n] - d[n]) / r[n]).min())


def test_ideal_starts_equal_the_padded_geometry(tmp_path, monkeypatch):
    """Kalai--Smorodinsky's ideal starts (sim.analysis.batch_ideal) on flat arrays equal the
    padded geometry's: each party's pick, its payoffs and whether it is unique."""
    from sim.analysis.batch_ideal import ideal_starts

    seen, real = [], ba.solve_batch

    def spy(values, d, **kw):
        seen.append((values, d))
        return real(values, d, **kw)

    monkeypatch.setattr(ba, "solve_batch", spy)
    tied = 0
    for seed in range(8):
        base = _load(tmp_path, seed)
        rng = np.random.default_rng(400 + seed)
        draws = pd.DataFrame(
            {"disagreement.adjustments.A": rng.uniform(-4, 4, 40),
             "disagreement.adjustments.B": rng.uniform(-4, 4, 40)}
        )  # fmt: skip
        if seed % 2 == 0:
            draws = draws.round(0)
        sim.evaluate(base, draws, models="kalai_smorodinsky")
        values, d = seen[-1]
        padded = ideal_starts(base.scenario, values, d, flat=False)
        flat = ideal_starts(base.scenario, values, d, flat=True)
        for i in (0, 1):
            for a, b in zip(padded[i], flat[i], strict=True):
                np.testing.assert_array_equal(a, b)
            tied += (~padded[i][2]).sum()
    assert tied  # some picks tie with another outcome (or have none)
