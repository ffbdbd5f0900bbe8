"""Batched Kalai–Smorodinsky and egalitarian solutions (sim.analysis.batch_axiomatic) against
the per-draw registry models and a linear-programming brute force over every cell.

Random small linear scenarios: two continuous issues with piecewise-linear values, a
three-level discrete issue and a binary one.  Half the instances use small integers, so that
ties (equal payoffs, rays through vertices, flat pieces) are common.
"""

from __future__ import annotations

import itertools
import math
import textwrap

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

import sim
from sim.analysis.parameters import patch_scenario

MAXMIN = ["kalai_smorodinsky", "egalitarian"]
N_DRAWS = 4


def _points(rng, integer: bool, xs) -> list[list[float]]:
    vs = rng.integers(-4, 5, 4).astype(float) if integer else rng.uniform(-4, 4, 4)
    return [[x, float(v)] for x, v in zip(xs, vs, strict=True)]


def _scenario_text(seed: int) -> str:
    rng = np.random.default_rng(seed)
    integer = seed % 2 == 0
    num = (lambda: float(rng.integers(-3, 4))) if integer else (lambda: float(rng.uniform(-3, 3)))
    grid = {
        j: [0.0, *sorted(float(v) for v in rng.choice([2, 4, 6, 8], 2, replace=False)), 10.0]
        for j in "xy"
    }
    party = {}
    for p in ("A", "B"):
        party[p] = textwrap.dedent(
            f"""\
                  x: {{points: {_points(rng, integer, grid["x"])}}}
                  y: {{points: {_points(rng, integer, grid["y"])}}}
                  lv: {{levels: {{low: {num()}, mid: {num()}, high: {num()}}}}}
                  ex: {{levels: {{"yes": {num()}}}}}
            """
        )
    return (
        textwrap.dedent(
            f"""\
        id: maxmin_{seed}
        title: random instance
        as_of: 2025-01-01
        parties: [{{code: A, name: A}}, {{code: B, name: B}}]
        issues:
          - {{id: x, name: x, kind: continuous, range: [0, 10], controlled_by: A}}
          - {{id: y, name: y, kind: continuous, range: [0, 10], controlled_by: B}}
          - id: lv
            name: lv
            kind: discrete
            controlled_by: A
            levels: [{{label: low, value: 0}}, {{label: mid, value: 1}}, {{label: high, value: 2}}]
          - {{id: ex, name: ex, kind: binary, controlled_by: B}}
        disagreement:
          outcome: {{x: {float(rng.choice([0, 5, 10]))}, y: {float(rng.choice([0, 5, 10]))},
                     lv: mid, ex: "no"}}
          adjustments:
            A: {{value: {num()}, range: [-4, 4]}}
            B: {{value: {num()}, range: [-4, 4]}}
        payoffs:
          model: linear
          parties:
            A:
        """
        )
        + textwrap.indent(party["A"], "      ")
        + "    B:\n"
        + textwrap.indent(party["B"], "      ")
    )


def _load(tmp_path, seed):
    path = tmp_path / f"maxmin_{seed}.yaml"
    path.write_text(_scenario_text(seed))
    return sim.load(path)


def _cells(sc):
    """Every cell of the full enumeration: (u0 (2,), G (2, 2)) with u = u0 + G @ z, z in
    [0, 1]^2; the value functions read straight from the scenario's points and levels."""
    spec = sc.payoffs.parties
    lv_u = {
        lab: np.array([float(spec[p]["lv"].levels[lab].value) for p in "AB"])
        for lab in ("low", "mid", "high")
    }
    ex_u = {"no": np.zeros(2), "yes": np.array([float(spec[p]["ex"].levels["yes"].value)
                                                for p in "AB"])}  # fmt: skip
    pts = {j: [np.asarray(spec[p][j].points, float) for p in "AB"] for j in ("x", "y")}
    pieces = {
        j: [(np.array([pts[j][0][k, 1], pts[j][1][k, 1]]),
             np.array([pts[j][0][k + 1, 1] - pts[j][0][k, 1],
                       pts[j][1][k + 1, 1] - pts[j][1][k, 1]])) for k in range(3)]
        for j in ("x", "y")
    }  # fmt: skip
    for lv, ex, (ax, gx), (ay, gy) in itertools.product(
        lv_u.values(), ex_u.values(), pieces["x"], pieces["y"]
    ):
        yield lv + ex + ax + ay, np.column_stack([gx, gy])


def _lp_max_min(cells, d, r):
    """max over the union of min_i (u_i - d_i) / r_i: per cell, max z s.t. z r_i <= u_i - d_i."""
    best = -np.inf
    for u0, G in cells:
        # variables (z1, z2, t); maximise t s.t. t r_i - (G z)_i <= u0_i - d_i
        A = np.column_stack([-G, r])
        res = linprog([0, 0, -1], A_ub=A, b_ub=u0 - d, bounds=[(0, 1), (0, 1), (None, None)])
        if res.status == 0:
            best = max(best, -res.fun)
    return best


def _lp_ray(cells, d, r):
    """max t with d + t r in the union (-inf if the ray from d meets no cell)."""
    best = -np.inf
    for u0, G in cells:
        A = np.column_stack([G, -r])
        res = linprog([0, 0, -1], A_eq=A, b_eq=d - u0, bounds=[(0, 1), (0, 1), (0, None)])
        if res.status == 0:
            best = max(best, -res.fun)
    return best


def _lp_ideal(cells, d):
    """max u_i over the individually rational outcomes u >= d."""
    ideal = np.full(2, -np.inf)
    for u0, G in cells:
        for i in (0, 1):
            res = linprog(-G[i], A_ub=-G, b_ub=u0 - d, bounds=[(0, 1), (0, 1)])
            if res.status == 0:
                ideal[i] = max(ideal[i], u0[i] - res.fun)
    return ideal


def _same(row, ref, issues):
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)  # noqa: E731
    for p, v in ref["disagreement"].items():
        assert close(row[f"disagreement.{p}"], v)
    if ref["agreement"] is None:
        assert row["status"] == "no_agreement"
        return
    assert row["status"] == "ok"
    for p, v in ref["payoffs"].items():
        assert close(row[f"payoff.{p}"], v), (p, row[f"payoff.{p}"], v)
    if not ref["is_pareto"]:
        # only weakly Pareto optimal: on a flat piece several outcomes of one cell give
        # these payoffs, and the registry's choice among them follows its hull's edges
        return
    for issue in issues:
        want, got = ref["agreement"][issue.id], row[f"agreement.{issue.id}"]
        if issue.kind == "continuous":
            assert close(got, want), (issue.id, got, want)
        else:
            assert got == want, (issue.id, got, want)


@pytest.mark.parametrize("seed", range(16))
def test_batched_equals_the_registry_and_the_lp_brute_force(tmp_path, seed):
    base = _load(tmp_path, seed)
    rng = np.random.default_rng(100 + seed)
    draws = pd.DataFrame(
        {"disagreement.adjustments.A": rng.uniform(-4, 4, N_DRAWS),
         "disagreement.adjustments.B": rng.uniform(-4, 4, N_DRAWS)}
    )  # fmt: skip
    if seed % 2 == 0:
        draws = draws.round(0)  # integers: ties with vertices and between cells
    out = sim.evaluate(base, draws, models=MAXMIN)
    for k in range(len(draws)):
        sc = patch_scenario(base.scenario, draws.iloc[k].to_dict())
        run = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=MAXMIN)
        cells = list(_cells(sc))
        for name in MAXMIN:
            row = out[(out["draw"] == k) & (out["model"] == name)].iloc[0]
            _same(row, run.models[name].to_dict(), sc.issues)
            if row["status"] != "ok":
                continue
            d = np.array([row["disagreement.A"], row["disagreement.B"]])
            u = np.array([row["payoff.A"], row["payoff.B"]])
            r = np.ones(2) if name == "egalitarian" else _lp_ideal(cells, d) - d
            best = _lp_max_min(cells, d, r)
            ray = _lp_ray(cells, d, r)
            got = ((u - d) / r).min()
            scale = 1 + np.abs(u).max()
            if ray >= best - 1e-9 * scale:  # the ray reaches the frontier: on the ray, at its end
                assert (u - d) / r == pytest.approx([ray, ray], abs=1e-7 * scale)
            else:  # free disposal: the best smaller normalised gain
                assert got == pytest.approx(best, abs=1e-7 * scale)
