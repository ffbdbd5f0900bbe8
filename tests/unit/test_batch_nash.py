"""Batched Nash (sim.analysis.batch_nash, the bounds of sim.analysis.nash_bound) against a
brute force over every cell's edges, on the random small linear scenarios of test_batch_maxmin
(half with integer payoffs, so ties are common), through each of its paths: branch and bound
on flat arrays, rows whose lower bound is not reached solved again without the bound, and the
padded geometry of sim.analysis.batch_axiomatic that small sets take.  And the bound itself
against enumeration."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pandas as pd
import pytest
from test_batch_maxmin import _cells, _load

import sim
from sim.analysis.nash_bound import NashBound
from sim.analysis.parameters import patch_scenario

N_DRAWS = 4


def _brute_nash(cells, d):
    """max log(u1 - d1) + log(u2 - d2) over the union of cells ``u0 + G z``, ``z`` in [0, 1]^2:
    a strictly increasing objective peaks on a cell's edges; on an edge ``a + t e`` at the
    stationary point of the concave ``log g1 + log g2`` or an end."""
    best = -np.inf
    for u0, G in cells:
        for fixed, free in ((0, 1), (1, 0)):
            for z in (0.0, 1.0):
                a = u0 + G[:, fixed] * z - d
                e = G[:, free]
                ts = [0.0, 1.0]
                if e[0] * e[1] != 0:
                    ts.append(min(max(-(e[0] * a[1] + e[1] * a[0]) / (2 * e[0] * e[1]), 0), 1))
                for t in ts:
                    g = a + t * e
                    if (g > 0).all():
                        best = max(best, math.log(g[0]) + math.log(g[1]))
    return best


def _check(tmp_path, seed):
    base = _load(tmp_path, seed)
    rng = np.random.default_rng(200 + seed)
    draws = pd.DataFrame(
        {"disagreement.adjustments.A": rng.uniform(-4, 4, N_DRAWS),
         "disagreement.adjustments.B": rng.uniform(-4, 4, N_DRAWS)}
    )  # fmt: skip
    if seed % 2 == 0:
        draws = draws.round(0)
    out = sim.evaluate(base, draws, models="nash_bargaining")
    for k in range(len(draws)):
        sc = patch_scenario(base.scenario, draws.iloc[k].to_dict())
        row = out.iloc[k]
        d = np.array([row["disagreement.A"], row["disagreement.B"]])
        best = _brute_nash(list(_cells(sc)), d)
        if row["status"] != "ok":  # nothing gains for both beyond the solver's tolerance
            assert best < math.log(1e-6) + 10, (k, best)
            continue
        u = np.array([row["payoff.A"], row["payoff.B"]])
        assert math.log(u[0] - d[0]) + math.log(u[1] - d[1]) == pytest.approx(best, abs=1e-9)
        ref = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=["nash_bargaining"])
        want = ref.models["nash_bargaining"].to_dict()["payoffs"]
        assert u == pytest.approx([want["A"], want["B"]], rel=1e-9, abs=1e-9)


@pytest.mark.parametrize("seed", range(12))
def test_batched_nash_equals_the_brute_force(tmp_path, seed, bounded):
    _check(tmp_path, seed)


@pytest.mark.parametrize("seed", range(6))
def test_small_sets_solved_without_bounds_equal_the_brute_force(tmp_path, seed):
    _check(tmp_path, seed)


@pytest.mark.parametrize("seed", range(6))
def test_rows_short_of_their_lower_bound_solved_again(tmp_path, seed, monkeypatch, bounded):
    """A lower bound above the optimum (never true of the real one) prunes the answer away;
    the check after solving finds the shortfall and solves those rows without the bound."""
    real = NashBound._lower

    def inflated(self, *args, **kw):
        best, point = real(self, *args, **kw)
        return best + 1.0, point

    monkeypatch.setattr(NashBound, "_lower", inflated)
    _check(tmp_path, seed)


@pytest.mark.parametrize("seed", range(20))
def test_bound_keeps_every_partial_sum_that_reaches_the_lower_bound(seed):
    """Enumeration: every combination of summand points whose Nash value reaches the lower
    bound has each of its partial sums alive; the lower bound is at most the best point."""
    rng = np.random.default_rng(seed)
    N, w = 3, rng.uniform(0.5, 2.0, 2)
    summands = {}
    for j in range(4):
        m = int(rng.integers(2, 5))
        if seed % 2:
            pts = rng.integers(-3, 4, (N, m, 2)).astype(float)
        else:
            pts = rng.normal(size=(N, m, 2))
        summands[j] = (pts, np.ones((N, m), bool), j >= 2)  # the last two are curves
    d = rng.normal(size=(N, 2)) - 1.0
    bound = NashBound(summands, d, w, tol=np.full(N, 1e-9))
    ids = list(summands)
    for choice in itertools.product(*(range(summands[j][0].shape[1]) for j in ids)):
        parts = [summands[j][0][:, i] for j, i in zip(ids, choice, strict=True)]
        total = sum(parts)
        gain = total - d
        with np.errstate(invalid="ignore", divide="ignore"):
            val = np.where((gain > 0).all(1), np.log(np.where(gain > 0, gain, 1)) @ w, -np.inf)
        reach = np.isfinite(val) & (val >= bound.best)
        for k in range(1, len(ids) + 1):
            alive = bound.alive(sum(parts[:k]), np.arange(N), set(ids[:k]))
            assert alive[reach].all(), (choice, k)


@pytest.mark.parametrize("seed", range(20))
def test_lower_bound_is_a_point_of_the_set(seed):
    """The lower bound is the value of a point of the Minkowski sum: at most the largest
    value over vertex sums and the stationary points of every edge (enumerated)."""
    rng = np.random.default_rng(seed)
    N, w = 3, np.array([1.0, 1.0])
    summands = {}
    for j in range(3):
        m = int(rng.integers(2, 5))
        summands[j] = (rng.normal(size=(N, m, 2)), np.ones((N, m), bool), j == 2)
    d = np.full((N, 2), -2.0)
    bound = NashBound(summands, d, w, tol=np.full(N, 1e-9))
    curve = summands[2][0]
    best = np.full(N, -np.inf)
    for i0, i1 in itertools.product(range(summands[0][0].shape[1]), range(summands[1][0].shape[1])):
        rest = summands[0][0][:, i0] + summands[1][0][:, i1] - d
        for s in range(curve.shape[1] - 1):
            a, e = rest + curve[:, s], curve[:, s + 1] - curve[:, s]
            with np.errstate(divide="ignore", invalid="ignore"):
                top = -(e[:, 0] * a[:, 1] + e[:, 1] * a[:, 0]) / (2 * e[:, 0] * e[:, 1])
            for t in (np.zeros(N), np.ones(N), np.clip(np.nan_to_num(top), 0, 1)):
                g = a + t[:, None] * e
                ok = (g > 0).all(1)
                with np.errstate(divide="ignore", invalid="ignore"):
                    v = np.where(ok, np.log(np.where(g > 0, g, 1)).sum(1), -np.inf)
                best = np.maximum(best, v)
    finite = np.isfinite(bound.best)
    assert (bound.best[finite] <= best[finite] + 1e-9).all()
    assert (np.isfinite(best) == finite).all()  # a point gaining for both is found if any is
