"""The batched polish on baseline draws that used to go to the scalar path (issue 8): they
are now settled in the batch, equal to sim.modify + sim.run draw by draw, and checked
against a direct maximisation of each solution's criterion on the true trade functions
(scipy.optimize over the continuous issues, the discrete ones at the record's levels; it
shares no code with the polish)."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import minimize

import sim
from sim.analysis import batch_polish
from sim.space import OutcomeSpace

ROOT = Path(__file__).resolve().parents[2]
#: Draws of benchmarks/bench_evaluate.py (seed 0, 2,000 draws) the batch used to leave to
#: the scalar path: Nash's start at a range end where the slope jumps (the car tariff at 0),
#: or a coordinate freed at a range end that Newton's joint step threw straight back out (the
#: steel tariff at 25, where the weighted objective is convex: the second pass's draws; MINPACK
#: used to settle draw 6 at that end, a lower Nash product than the interior point the
#: oracle finds), egalitarian's ray passing by the frontier.
#: Kalai--Smorodinsky was polished draw by draw (its ideal point too).
ROWS = {
    "nash_bargaining": [78, 163, 376, 397, 6, 698, 854, 960, 1062, 1157],
    "egalitarian": [1, 2, 8, 21],
    "kalai_smorodinsky": [0, 1, 2, 3],
}


def _draws(rows):
    base = sim.load(ROOT / "scenarios" / "japan_us_2025.yaml")
    params = [p for p in sim.declared_parameters(base) if "probabilit" not in p.path]
    rng = np.random.default_rng(0)
    draws = pd.DataFrame({p.path: rng.uniform(*p.range, 2000) for p in params})
    return base, draws.iloc[rows].reset_index(drop=True)


def _true_payoffs(base, draw: dict, row):
    """The record's outcome and ``z -> true payoffs`` with the continuous issues set to z."""
    space = OutcomeSpace.from_scenario(sim.modify(base, draw).scenario)
    coords = np.array(
        [
            row[f"agreement.{i.id}"]
            if i.kind == "continuous"
            else [lv.label for lv in i.level_list()].index(row[f"agreement.{i.id}"])
            for i in space.issues
        ],
        dtype=float,
    )
    cont = list(space.continuous)

    def payoffs(z):
        c = coords.copy()
        c[cont] = z
        return space.values.evaluate_exact(c)

    bounds = [tuple(space.issues[j].range) for j in cont]
    return coords[cont], payoffs, bounds


def _starts(z, bounds):
    lo, hi = np.array(bounds, dtype=float).T
    yield z
    for t in (0.25, 0.5, 0.75):
        yield lo + t * (hi - lo)


@pytest.mark.parametrize("name", list(ROWS))
def test_rows_that_used_to_fall_back(name, monkeypatch):
    base, draws = _draws(ROWS[name])
    pending = []
    inner = batch_polish._fallback

    def spy(problem, model, rows, left, *args):
        pending.extend(rows[left])
        return inner(problem, model, rows, left, *args)

    monkeypatch.setattr(batch_polish, "_fallback", spy)
    outer = batch_polish.scalar_polisher

    def counted(*args):
        scalar = outer(*args)

        def one(k, *rest):
            pending.append(k)
            return scalar(k, *rest)

        return one

    monkeypatch.setattr(batch_polish, "scalar_polisher", counted)
    out = sim.evaluate(base, draws, models=name)
    assert pending == []  # settled in the batch
    parties = base.scenario.party_codes
    for k in range(len(draws)):
        row = out.iloc[k]
        draw = draws.iloc[k].to_dict()
        ref = sim.run(sim.modify(base, draw), models=[name]).models[name].to_dict()
        for p in parties:  # the per-draw path (sim.run's polish)
            assert math.isclose(row[f"payoff.{p}"], ref["payoffs"][p], rel_tol=1e-9, abs_tol=1e-9)
        z, payoffs, bounds = _true_payoffs(base, draw, row)
        d = np.array([row[f"disagreement.{p}"] for p in parties])
        u = np.array([row[f"payoff.{p}"] for p in parties])
        np.testing.assert_allclose(payoffs(z), u, rtol=1e-9, atol=1e-9)  # z rounded to 1e-10
        if name == "nash_bargaining":  # the Nash product, maximised directly
            best, ours = _nash_oracle(payoffs, d, z, bounds), np.log(u - d).sum()
        elif name == "egalitarian":  # the smaller gain (weights 1, 1), maximised directly
            best, ours = _max_min_oracle(payoffs, d, z, bounds), float((u - d).min())
        else:  # the ideal point's start comes from sim.run's own utility set (above)
            continue
        assert ours >= best - 1e-9 * max(1.0, abs(best))
        assert ours <= best + 1e-6  # the oracle finds the same maximum


def _nash_oracle(payoffs, d, z, bounds) -> float:
    """The largest Nash product ``sum log(u - d)`` L-BFGS-B finds from several starts."""

    def neg(x):
        g = payoffs(x) - d
        return np.inf if (g <= 0).any() else -np.log(g).sum()

    runs = [
        minimize(neg, x0, bounds=bounds, method="L-BFGS-B", options={"ftol": 1e-15, "gtol": 1e-12})
        for x0 in _starts(z, bounds)
    ]
    return -min(r.fun for r in runs)


def _max_min_oracle(payoffs, d, z, bounds) -> float:
    """The largest ``min_i (u_i - d_i)`` SLSQP finds from several starts, as ``max t``
    subject to ``u - d >= t``."""

    def cons(x):
        return payoffs(x[:-1]) - d - x[-1]

    best = -np.inf
    for x0 in _starts(z, bounds):
        t0 = float((payoffs(x0) - d).min())
        r = minimize(
            lambda x: -x[-1], np.append(x0, t0), method="SLSQP", bounds=[*bounds, (None, None)],
            constraints=[{"type": "ineq", "fun": cons}], options={"ftol": 1e-13, "maxiter": 500},
        )
        if (cons(r.x) >= -1e-9).all():
            best = max(best, float((payoffs(r.x[:-1]) - d).min()))
    return best
