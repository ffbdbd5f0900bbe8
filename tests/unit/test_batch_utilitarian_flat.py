"""Batched utilitarian solution by branch and bound on flat arrays
(sim.analysis.batch_utilitarian) against the registry and a linear-programming brute force
over every cell (test_batch_maxmin's random small scenarios, half with integer payoffs so
that ties are common), through each path: branch and bound, rows the bound cannot settle
solved again on the padded geometry, and the padded geometry small sets take; the records
and other weights against the padded geometry's; the bound and the lower bound against
enumeration."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog
from test_batch_maxmin import _cells, _load, _same
from test_batch_maxmin_flat import _summands

import sim
import sim.analysis.batch_axiomatic as ba
import sim.analysis.batch_utilitarian as bu
from sim.analysis.maxmin_bound import climb, picks
from sim.analysis.parameters import patch_scenario

N_DRAWS = 4


def _lp_utilitarian(cells, d, w):
    """max w . u over the individually rational outcomes ``u = u0 + G z >= d``, ``z`` in
    [0, 1]^2, of every cell (-inf: none)."""
    best = -np.inf
    for u0, G in cells:
        res = linprog(-(w @ G), A_ub=-G, b_ub=u0 - d, bounds=[(0, 1), (0, 1)])
        if res.status == 0:
            best = max(best, w @ u0 - res.fun)
    return best


def _lp_zone(cells, d):
    """The largest ``min_i (u_i - d_i)`` over the set (an agreement zone if clearly > 0)."""
    best = -np.inf
    for u0, G in cells:
        A = np.column_stack([-G, np.ones(2)])
        res = linprog([0, 0, -1], A_ub=A, b_ub=u0 - d, bounds=[(0, 1), (0, 1), (None, None)])
        if res.status == 0:
            best = max(best, -res.fun)
    return best


def _draws(seed: int, start: int, n: int = N_DRAWS) -> pd.DataFrame:
    rng = np.random.default_rng(start + seed)
    draws = pd.DataFrame(
        {"disagreement.adjustments.A": rng.uniform(-4, 4, n),
         "disagreement.adjustments.B": rng.uniform(-4, 4, n)}
    )  # fmt: skip
    return draws.round(0) if seed % 2 == 0 else draws  # integers: ties


def _check(tmp_path, seed):
    base = _load(tmp_path, seed)
    draws = _draws(seed, 500)
    out = sim.evaluate(base, draws, models="utilitarian")
    for k in range(len(draws)):
        sc = patch_scenario(base.scenario, draws.iloc[k].to_dict())
        row = out.iloc[k]
        run = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=["utilitarian"])
        _same(row, run.models["utilitarian"].to_dict(), sc.issues)
        cells = list(_cells(sc))
        d = np.array([row["disagreement.A"], row["disagreement.B"]])
        if row["status"] != "ok":  # nothing gains for both beyond the solver's tolerance
            assert _lp_zone(cells, d) < 1e-6, k
            continue
        u = np.array([row["payoff.A"], row["payoff.B"]])
        scale = 1 + np.abs(u).max()
        assert (u >= d - 1e-9 * scale).all()
        assert u.sum() == pytest.approx(_lp_utilitarian(cells, d, np.ones(2)), abs=1e-9 * scale)


@pytest.mark.parametrize("seed", range(12))
def test_bounded_equals_the_registry_and_the_brute_force(tmp_path, seed, bounded):
    _check(tmp_path, seed)


@pytest.mark.parametrize("seed", range(4))
def test_small_sets_on_the_padded_geometry_equal_the_brute_force(tmp_path, seed):
    _check(tmp_path, seed)


@pytest.mark.parametrize("seed", range(6))
def test_rows_short_of_their_lower_bound_solved_again(tmp_path, seed, monkeypatch, bounded):
    """A lower bound above the optimum (never true of the real one) prunes the answer away;
    the check after solving finds the shortfall and solves those rows on the padded
    geometry."""
    again, real_climb, real_one = [], bu.climb, ba._solve_one

    def inflated(*args, **kw):
        u, fin, key, chosen = real_climb(*args, **kw)
        return u, fin, key + 1.0, chosen

    def counted(values, *args):
        again.append(values.n)
        return real_one(values, *args)

    monkeypatch.setattr(bu, "climb", inflated)
    monkeypatch.setattr(ba, "_solve_one", counted)
    _check(tmp_path, seed)
    assert again


@pytest.mark.parametrize("seed", range(8))
def test_records_equal_the_padded_geometry(tmp_path, seed, monkeypatch):
    """Every record column equal, draw for draw, to the padded geometry's (no tolerance)."""
    base = _load(tmp_path, seed)
    n = 40
    draws = _draws(seed, 600, n)
    padded = sim.evaluate(base, draws, models="utilitarian")
    monkeypatch.setattr(ba, "_PLAIN", 0)
    again, real = [], ba._solve_one

    def counted(values, *args):
        again.append(values.n)
        return real(values, *args)

    monkeypatch.setattr(ba, "_solve_one", counted)
    flat = sim.evaluate(base, draws, models="utilitarian")
    assert sum(again) < n / 2  # most draws settled by the bound
    pd.testing.assert_frame_equal(flat, padded, check_exact=True)


@pytest.mark.parametrize("weights", [(1.0, 0.0), (0.0, 1.0), (2.0, 1.0), (0.3, 1.7)])
def test_other_weights_equal_the_padded_geometry(tmp_path, monkeypatch, weights):
    """``solve_batch`` with other weights (as sim.analysis.batch_chain asks (1, 0), (0, 1)):
    the same zone, cells and coordinates bounded and on the padded geometry."""
    seen, real = [], ba.solve_batch

    def spy(values, d, **kw):
        seen.append((values, d))
        return real(values, d, **kw)

    monkeypatch.setattr(ba, "solve_batch", spy)
    w = np.array(weights)
    for seed in range(6):
        sim.evaluate(_load(tmp_path, seed), _draws(seed, 700, 30), models="utilitarian")
        values, d = seen[-1]
        with monkeypatch.context() as m:
            m.setattr(ba, "_PLAIN", 0)
            flat = real(values, d, solution="utilitarian", weights=w)
        padded = real(values, d, solution="utilitarian", weights=w)
        np.testing.assert_array_equal(flat.zone, padded.zone)
        np.testing.assert_array_equal(flat.combo[padded.zone], padded.combo[padded.zone])
        for c, x in padded.coords.items():
            np.testing.assert_array_equal(flat.coords[c][padded.zone], x[padded.zone])


def _enumerate(summands, d, w):
    """Every combination of summand points (a curve: its breakpoints and segment midpoints)
    with its parts, and whether the sum is individually rational, and its value."""
    ids = list(summands)
    choices = []
    for j in ids:
        p = summands[j][0]
        opts = [p[:, i] for i in range(p.shape[1])]
        if summands[j][2]:
            opts += [(p[:, i] + p[:, i + 1]) / 2 for i in range(p.shape[1] - 1)]
        choices.append(opts)
    for parts in itertools.product(*choices):
        total = sum(parts)
        yield parts, (total >= d).all(axis=1), total @ w


@pytest.mark.parametrize("seed", range(20))
def test_bound_keeps_every_partial_sum_of_a_candidate(seed):
    """Enumeration: every individually rational combination of summand points worth at
    least the lower bound less the slack has each partial sum alive; a lower bound above
    every value keeps nothing whole."""
    rng = np.random.default_rng(seed)
    N = 3
    summands = _summands(rng, N, seed % 2 == 1)
    ids = list(summands)
    d = np.round(rng.normal(size=(N, 2)) - 1.0) if seed % 2 else rng.normal(size=(N, 2)) - 1.0
    w = np.ones(2) if seed % 4 < 2 else rng.uniform(0.0, 2.0, 2)
    combos = list(_enumerate(summands, d, w))
    top = np.max([np.where(ir, v, -np.inf) for _, ir, v in combos], axis=0)
    slack = np.full(N, 0.5 if seed % 2 else 1e-9)
    bound = bu.LinearBound(summands, d, w, top, slack)  # the tightest lower bound
    rows, reached, dropped = np.arange(N), 0, 0
    for parts, ir, val in combos:
        reach = ir & (val >= top - slack)
        reached += reach.sum()
        for k in range(1, len(ids) + 1):
            alive = bound.alive(sum(parts[:k]), rows, set(ids[:k]))
            assert alive[reach].all(), k
            dropped += (~alive).sum()
    assert reached and dropped  # the test tests something
    never = bu.LinearBound(summands, d, w, top + 1e3, slack)
    assert not never.alive(np.zeros((N, 2)), rows, set()).any()


@pytest.mark.parametrize("seed", range(12))
def test_lower_bound_is_an_individually_rational_point(seed):
    """Coordinate ascent's value is ``w . u`` of an individually rational sum of summand
    points, at most the brute force's (LP over every cell of two point sets and two
    curves)."""
    rng = np.random.default_rng(seed)
    N = 3
    summands = _summands(rng, N, seed % 2 == 1)
    d = rng.normal(size=(N, 2)) - 2.0
    w = rng.uniform(0.2, 2.0, 2)
    ext = np.ones((N, 2))
    score, seg = bu._score(d, w, ext)
    start = {j: p[:, 0] for j, p in picks(summands, ext).items()}
    u, fin, key, chosen = climb(summands, start, score, seg)
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
        best = _lp_utilitarian(cells, d[n], w)
        if not fin[n]:
            continue
        assert (u[n] >= d[n]).all()
        assert key[n] == pytest.approx(w @ u[n])
        assert key[n] <= best + 1e-9
    assert fin.any()
