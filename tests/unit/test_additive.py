"""The reduced utility set (sim.bargaining.additive) against brute force.

Oracle: every cell of the full enumeration (every combination of discrete levels times every
box of linear pieces, built here with itertools as the utility set was built before the
reduction) handed to the same solvers; the reduced set must give the same solutions, the
same Pareto frontier (as a point set), the same convex frontier and the same two-level
ratifiable deal, to 1e-9.
"""

from __future__ import annotations

import itertools
import json
import os
import resource
import time

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.bargaining.axiomatic import egalitarian, kalai_smorodinsky, nash_bargaining, utilitarian
from sim.bargaining.frontier import convex_frontier, pareto_frontier
from sim.bargaining.geometry import UtilitySet
from sim.models.two_level import solve_exact
from sim.scenario.loader import validate_data
from sim.space import OutcomeSpace

_value = st.integers(-8, 8).map(lambda v: v / 4)
#: Examples per property (``ADDITIVE_EXAMPLES=500`` for a longer search).
EXAMPLES = int(os.environ.get("ADDITIVE_EXAMPLES", 50))


@st.composite
def scenarios(draw):
    """Plain scenario data: 2-4 issues, 0-2 continuous ones on [0, 1] with 1-3 linear pieces
    per party, the others discrete (2-3 levels) or binary, random values."""
    n_cont = draw(st.integers(1, 2))
    n_disc = draw(st.integers(max(0, 2 - n_cont), 4 - n_cont))
    issues, pay = [], {"A": {}, "B": {}}
    out = {}
    for c in range(n_cont):
        iid = f"c{c}"
        issues.append({"id": iid, "name": iid, "kind": "continuous", "range": [0, 1]})
        out[iid] = 0
        for p in ("A", "B"):
            n = draw(st.integers(1, 3))
            xs = sorted(
                draw(st.sets(st.sampled_from([0.25, 0.5, 0.75]), min_size=n - 1, max_size=n - 1))
            )
            xs = [0.0, *xs, 1.0]
            pay[p][iid] = {"points": [[x, draw(_value)] for x in xs]}
    for d in range(n_disc):
        iid = f"d{d}"
        if draw(st.booleans()):
            issues.append({"id": iid, "name": iid, "kind": "binary"})
            labels = ["no", "yes"]
        else:
            n = draw(st.integers(2, 3))
            labels = [f"l{i}" for i in range(n)]
            issues.append(
                {
                    "id": iid,
                    "name": iid,
                    "kind": "discrete",
                    "levels": [{"label": lb, "value": i} for i, lb in enumerate(labels)],
                }
            )
        out[iid] = labels[0]
        for p in ("A", "B"):
            pay[p][iid] = {"levels": {lb: draw(_value) for lb in labels}}
    return {
        "id": "random",
        "title": "random",
        "as_of": "2025-05-31",
        "parties": [{"code": "A", "name": "A"}, {"code": "B", "name": "B"}],
        "issues": issues,
        "disagreement": {"outcome": out},
        "payoffs": {"model": "linear", "unit": "u", "parties": pay},
    }


def _space(data) -> OutcomeSpace:
    return OutcomeSpace.from_scenario(validate_data(data, "random.yaml").scenario)


def brute_force(space: OutcomeSpace, lo=None, hi=None) -> UtilitySet:
    """Every cell: each discrete level (within bounds) times each box of linear pieces (cut
    to the bounds), in the order the utility set always had (discrete issues first)."""
    m = len(space.issues)
    lo = np.full(m, -np.inf) if lo is None else lo
    hi = np.full(m, np.inf) if hi is None else hi
    f = space.values.functions
    choices = []
    kinds = [i.kind == "continuous" for i in space.issues]
    order = [j for j in range(m) if not kinds[j]] + [j for j in range(m) if kinds[j]]
    for j in order:
        issue = space.issues[j]
        if issue.kind == "continuous":
            a, b = max(issue.range[0], lo[j]), min(issue.range[1], hi[j])
            bp = space.values.breakpoints(j, *issue.range)
            bp = np.unique(np.clip(bp, a, b))
            pieces = list(itertools.pairwise(bp)) or [(a, a)]
            choices.append([(j, p) for p in pieces])
        else:
            levels = range(len(issue.level_list()))
            choices.append([(j, lv) for lv in levels if lo[j] <= lv <= hi[j]])
    offsets, gens = [], []
    for combo in itertools.product(*choices):
        # as the full enumeration summed: discrete levels, then continuous bases, then both
        disc, base, g = np.zeros(2), np.zeros(2), []
        for j, c in combo:
            if isinstance(c, tuple):
                va = np.array([f[i][j](c[0]) for i in (0, 1)])
                vb = np.array([f[i][j](c[1]) for i in (0, 1)])
                base += va
                g.append(vb - va)
            else:
                disc += [f[i][j](c) for i in (0, 1)]
        offsets.append(disc + base)
        gens.append(np.array(g).T.reshape(2, -1))
    k = gens[0].shape[1]
    return UtilitySet(np.array(offsets), np.arange(len(offsets)), np.array(gens).reshape(-1, 2, k))


def _on(points, fr, tol) -> np.ndarray:
    """Distance of each point to the segments of a frontier is at most ``tol``."""
    A, B = fr.start, fr.end
    D = B - A
    L = (D**2).sum(axis=1)
    rel = points[:, None, :] - A[None]
    with np.errstate(divide="ignore", invalid="ignore"):
        t = np.clip(np.where(L > 0, (rel * D).sum(axis=2) / L, 0.0), 0.0, 1.0)
    dist = np.linalg.norm(rel - t[..., None] * D, axis=2).min(axis=1)
    return dist <= tol


def _frontier_points(fr) -> np.ndarray:
    s = np.linspace(0.0, 1.0, 7)[None, :, None]
    return (fr.start[:, None] + s * (fr.end - fr.start)[:, None]).reshape(-1, 2)


def _tol(uset) -> float:
    return 1e-9 * max(1.0, float(np.abs(uset.offsets).max()))


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.tuples(_value, _value), st.tuples(st.floats(0.2, 0.8)))
def test_reduced_set_agrees_with_brute_force(data, d, w):
    space = _space(data)
    _agrees_with_brute_force(space, space.utility_set, d, w)


def _vary(data, rng):
    """The same scenario with every payoff value redrawn (the same issues and pieces)."""
    out = json.loads(json.dumps(data))
    for fns in out["payoffs"]["parties"].values():
        for fn in fns.values():
            if "points" in fn:
                fn["points"] = [[x, float(rng.integers(-8, 9)) / 4] for x, _ in fn["points"]]
            else:
                fn["levels"] = {k: float(rng.integers(-8, 9)) / 4 for k in fn["levels"]}
    return out


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1), st.integers(2, 5))
def test_sets_reduced_together_agree_with_brute_force(data, seed, n):
    # draws of one scenario (sim.evaluate) reduce their utility sets in one batch
    rng = np.random.default_rng(seed)
    spaces = [_space(data if k == 0 else _vary(data, rng)) for k in range(n)]
    OutcomeSpace.prime_cells(spaces)
    for space in spaces:
        assert "cells" in space.__dict__
        _agrees_with_brute_force(space, space.utility_set, (0.25, -0.5), (0.4,))


def _agrees_with_brute_force(space, red, d, w):
    full = brute_force(space)
    assert red.n_cells <= full.n_cells
    tol = _tol(full)
    d = np.array(d) + full.offsets.min(axis=0) * 0.0
    for solve, kw in (
        (nash_bargaining, {"weights": (w[0], 1 - w[0])}),
        (kalai_smorodinsky, {}),
        (egalitarian, {}),
        (utilitarian, {}),
    ):
        a, b = solve(full, d, **kw), solve(red, d, **kw)
        assert a.zone_of_agreement == b.zone_of_agreement
        assert np.abs(a.utility - b.utility).max() <= tol, solve.__name__
        assert a.is_pareto == b.is_pareto
        if b.cell is not None:  # the reduced cell maps back to an outcome with that payoff
            u = space.payoffs(space.cell_outcome(b.cell, b.x))
            assert np.abs(u - b.utility).max() <= tol
    fa, fb = pareto_frontier(full), pareto_frontier(red)
    # segment ends where two cells meet are placed to within the set's tolerance
    ftol = tol + 2 * full.tol
    assert _on(_frontier_points(fa), fb, ftol).all() and _on(_frontier_points(fb), fa, ftol).all()
    ca, cb = convex_frontier(full), convex_frontier(red)
    va = np.vstack([ca.start, ca.end[-1:]])
    vb = np.vstack([cb.start, cb.end[-1:]])
    assert va.shape == vb.shape and np.abs(va - vb).max() <= tol


@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.data())
def test_two_level_restriction_agrees_with_brute_force(data, draw):
    space = _space(data)
    m = len(space.issues)
    lo, hi = np.full(m, -np.inf), np.full(m, np.inf)
    for j, issue in enumerate(space.issues):
        if not draw.draw(st.booleans()):
            continue
        if issue.kind == "continuous":
            a = draw.draw(st.sampled_from([0.0, 0.1, 0.25, 0.4]))
            lo[j], hi[j] = a, draw.draw(st.sampled_from([a, 0.6, 0.75, 1.0]))
        else:
            n = len(issue.level_list())
            lo[j] = draw.draw(st.integers(0, n - 1))
            hi[j] = draw.draw(st.integers(int(lo[j]), n - 1))
    d = space.disagreement_point()
    weights = (1.0, draw.draw(st.sampled_from([0.5, 1.0, 2.0])))
    full = brute_force(space, lo, hi)
    oracle = nash_bargaining(full, d, weights=weights)
    reduced = space.restricted_cells(lo, hi).utility_set()
    mine = nash_bargaining(reduced, d, weights=weights)
    assert mine.zone_of_agreement == oracle.zone_of_agreement
    assert np.abs(mine.utility - oracle.utility).max() <= _tol(full)
    sol = solve_exact(space, lo, hi, np.full(2, -np.inf), d, weights)
    if oracle.zone_of_agreement:
        assert sol is not None
        # the model solves on the exact Pareto frontier, whose segment ends are trimmed by
        # up to the set's tolerance (1e-9 of its extent) where cells meet: 10 tolerances;
        # distinct points with equal Nash products may be chosen differently (ties)
        value = np.log(np.maximum(sol.payoffs - d, 1e-300)) @ np.array(weights)
        best = oracle.details["log_nash_product"]
        assert value >= best - 10 * _tol(full) / np.min(oracle.utility - d)
        # the deal respects the bounds
        assert np.all(sol.coords >= lo - 1e-9) and np.all(sol.coords <= hi + 1e-9)


def test_many_concessions_are_polynomial():
    # 40 yes/no concessions (2^40 cells) each trading a gain for one side against a loss for
    # the other: the reduced set stays small, and Nash agrees with a direct Pareto sweep
    rng = np.random.default_rng(1)
    n = 40
    gain, loss = rng.uniform(0.5, 2.0, n), rng.uniform(0.5, 2.0, n)
    data = {
        "id": "many",
        "title": "many",
        "as_of": "2025-05-31",
        "parties": [{"code": "A", "name": "A"}, {"code": "B", "name": "B"}],
        "issues": [{"id": f"x{i}", "name": f"x{i}", "kind": "binary"} for i in range(n)],
        "disagreement": {"outcome": {f"x{i}": "no" for i in range(n)}},
        "payoffs": {
            "model": "linear",
            "unit": "u",
            "parties": {
                "A": {f"x{i}": {"levels": {"yes": float(gain[i])}} for i in range(n)},
                "B": {f"x{i}": {"levels": {"yes": float(-loss[i]) + 0.6}} for i in range(n)},
            },
        },
    }
    space = _space(data)
    assert space.utility_set.n_cells < 20_000
    # the Pareto points of a sum of two-point sets: Nemhauser-Ullmann with a plain list
    pts = {(0.0, 0.0)}
    for i in range(n):
        step = (gain[i], 0.6 - loss[i])
        cand = pts | {(a + step[0], b + step[1]) for a, b in pts}
        srt = sorted(cand, key=lambda p: (-p[0], -p[1]))
        pts, best = set(), -np.inf
        for p in srt:
            if p[1] > best + 1e-12:
                pts.add(p)
                best = p[1]
    arr = np.array(sorted(pts))
    val = np.log(arr[:, 0].clip(1e-300)) + np.log(arr[:, 1].clip(1e-300))
    val[(arr <= 0).any(axis=1)] = -np.inf
    best = arr[np.argmax(val)]
    res = nash_bargaining(space.utility_set, np.zeros(2))
    assert np.abs(res.utility - best).max() <= 1e-9 * np.abs(arr).max()


US_UK = {
    "id": "us_uk",
    "title": "US-UK: five continuous trade issues",
    "as_of": "2025-05-31",
    "parties": [{"code": "US", "name": "United States"}, {"code": "UK", "name": "United Kingdom"}],
    "issues": [
        {"id": i, "name": i, "kind": "continuous", "unit": "%", "range": r}
        for i, r in (
            ("car", [0, 27.5]),
            ("parts", [0, 25]),
            ("steel", [0, 25]),
            ("reciprocal", [0, 10]),
            ("dst_cut", [0, 2]),
        )
    ],
    "disagreement": {
        "outcome": {"car": 27.5, "parts": 25, "steel": 25, "reciprocal": 10, "dst_cut": 0}
    },
    "calendar": {
        "rounds": [
            {"date": "2025-04-16", "label": "one", "proposer": "US"},
            {"date": "2025-05-01", "label": "two", "proposer": "UK"},
        ],
        "deadlines": [{"date": "2025-07-09", "label": "deadline"}],
        "discount_rate": {"US": 0.05, "UK": 0.05},
    },
}


def _concave(hi, scale, n=6):
    """A concave piecewise-linear gain of cutting a tariff from ``hi`` (``n`` pieces)."""
    xs = np.linspace(0, hi, n + 1)
    return {"points": [[float(x), float(scale * (1 - (x / hi) ** 2))] for x in xs]}


def _us_uk():
    pay_uk, pay_us = {}, {}
    for i, (name, r) in enumerate(
        (("car", 27.5), ("parts", 25), ("steel", 25), ("reciprocal", 10))
    ):
        pay_uk[name] = _concave(r, 3.0 + i)
        pay_us[name] = {"points": [[0, -1.0 - 0.5 * i], [r, 0.0]]}
    pay_uk["dst_cut"] = {"points": [[0, 0.0], [1, -0.4], [2, -1.0]]}
    pay_us["dst_cut"] = {"points": [[0, 0.0], [1, 0.9], [2, 1.2]]}
    return {
        **US_UK,
        "payoffs": {"model": "linear", "unit": "$bn/yr", "parties": {"US": pay_us, "UK": pay_uk}},
    }


def _us_uk_trade():
    """The same five issues under the trade model: four US tariffs on UK goods and the UK's
    digital services tax on US services (illustrative sizes, $bn/yr)."""
    sectors = {}
    for name, issue, value, eta in (
        ("cars", "car", 9.0, 3.0),
        ("parts", "parts", 2.0, 3.0),
        ("steel", "steel", 0.4, 5.0),
        ("other", "reciprocal", 45.0, 20.0),
    ):
        sectors[name] = {
            "issue": issue,
            "importer": "US",
            "exporter": "UK",
            "value": value,
            "eps": 3.8,
            "eta": eta,
        }
    sectors["digital"] = {
        "issue": "dst_cut",
        "importer": "UK",
        "exporter": "US",
        "value": 12.0,
        "eps": 1.5,
        "eta": 10.0,
    }
    data = _us_uk()
    data["issues"][-1]["range"] = [0, 2]
    data["disagreement"]["outcome"]["dst_cut"] = 2
    return {**data, "payoffs": {"model": "trade", "sectors": sectors}}


@pytest.mark.parametrize("build", [_us_uk, _us_uk_trade], ids=["linear", "trade"])
def test_five_continuous_issues_us_uk_runs(build, tmp_path):
    path = tmp_path / "us_uk.yaml"
    path.write_text(json.dumps(build()))
    loaded = sim.load(path)
    from sim import registry

    names = [n for n in registry.MODELS if registry.parties(n)[0] <= 2 <= registry.parties(n)[1]]
    t0 = time.perf_counter()
    run = sim.run(loaded, models=names)
    elapsed = time.perf_counter() - t0
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # MB
    cells = OutcomeSpace.from_scenario(loaded.scenario).utility_set.n_cells
    print(f"US-UK five continuous issues: {elapsed:.1f} s, peak RSS {peak:.0f} MB, {cells} cells")
    assert set(run.models) == set(names)
    assert run.models["nash_bargaining"].status.value == "ok"
    assert elapsed < 120
