"""sim.evaluate: batched records against the per-draw sim.modify + sim.run path, a brute-force
Nash oracle on a small linear scenario, record format and errors."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
AXIOMATIC = ["nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"]


def _modifiable(loaded):
    """Declared parameters that sim.modify accepts one at a time (the oracle path); drawn
    probabilities are left out (independent draws break their sum to one)."""
    out = []
    for p in sim.declared_parameters(loaded):
        if "probabilit" in p.path:
            continue
        try:
            sim.modify(loaded, {p.path: p.value})
        except ScenarioError:
            continue
        out.append(p)
    return out


def _uniform(params, n, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({p.path: rng.uniform(*p.range, n) for p in params})


def _assert_same(row, ref, issues):
    """A batched record equals the per-draw result (payoffs to 1e-9 relative)."""
    close = lambda a, b: math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-9)  # noqa: E731
    for p, v in ref["disagreement"].items():
        assert close(row[f"disagreement.{p}"], v)
    if ref["agreement"] is None:
        assert row["status"] == "no_agreement"
        assert all(math.isnan(row[f"payoff.{p}"]) for p in ref["disagreement"])
        return
    assert row["status"] == "ok"
    for issue in issues:
        want, got = ref["agreement"][issue.id], row[f"agreement.{issue.id}"]
        if issue.kind == "continuous":
            assert close(got, want), (issue.id, got, want)
        else:
            assert got == want, (issue.id, got, want)
    for p, v in ref["payoffs"].items():
        assert close(row[f"payoff.{p}"], v)
        assert close(row[f"gain.{p}"], ref["gains"][p])


@pytest.mark.parametrize("name", ["japan_us_2025.yaml", "japan_us_2025_linear.yaml"])
def test_batched_records_equal_the_per_draw_path(name):
    base = sim.load(ROOT / "scenarios" / name)
    params = _modifiable(base)
    draws = _uniform(params, 6, seed=11)
    out = sim.evaluate(base, draws, models=AXIOMATIC)
    assert len(out) == 6 * len(AXIOMATIC)
    for k in range(len(draws)):
        run = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=AXIOMATIC)
        for model in AXIOMATIC:
            row = out[(out["draw"] == k) & (out["model"] == model)].iloc[0]
            _assert_same(row, run.models[model].to_dict(), base.scenario.issues)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 2**32 - 1), n_params=st.integers(1, 8))
def test_nash_on_random_subsets_of_parameters(seed, n_params):
    """Property: whichever parameters vary, batched Nash equals modify + run."""
    base = _baseline()
    params = _modifiable_baseline()
    rng = np.random.default_rng(seed)
    chosen = [params[i] for i in rng.choice(len(params), n_params, replace=False)]
    draws = _uniform(chosen, 3, seed)
    out = sim.evaluate(base, draws, models="nash_bargaining")
    for k in range(3):
        run = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=["nash_bargaining"])
        _assert_same(out.iloc[k], run.models["nash_bargaining"].to_dict(), base.scenario.issues)


_CACHE: dict = {}


def _baseline():
    if "base" not in _CACHE:
        _CACHE["base"] = sim.load(ROOT / "scenarios" / "japan_us_2025.yaml")
    return _CACHE["base"]


def _modifiable_baseline():
    if "params" not in _CACHE:
        _CACHE["params"] = [
            p for p in _modifiable(_baseline()) if p.path.startswith(("payoffs", "disagreement"))
        ]
    return _CACHE["params"]


# ----------------------------------------------------------------- brute-force Nash oracle
SMALL = textwrap.dedent(
    """
    id: small_linear
    title: small hand-built linear scenario
    as_of: 2025-01-01
    parties: [{code: A, name: A}, {code: B, name: B}]
    issues:
      - {id: price, name: price, kind: continuous, range: [0, 10]}
      - id: volume
        name: volume
        kind: discrete
        levels: [{label: low, value: 0}, {label: mid, value: 1}, {label: high, value: 2}]
      - {id: extra, name: extra, kind: binary}
    disagreement:
      outcome: {price: 0, volume: low, extra: "no"}
      adjustments:
        A: {value: 1.0, range: [0, 3]}
        B: {value: 0.5, range: [0, 3]}
    payoffs:
      model: linear
      parties:
        A:
          price: {linear: {value: 1.0, range: [0.5, 2]}}
          volume:
            levels: {mid: {value: -1.0, range: [-2, 0]}, high: {value: -2.5, range: [-4, -1]}}
          extra: {levels: {"yes": {value: 1.5, range: [-1, 3]}}}
        B:
          price: {linear: {value: -0.8, range: [-2, -0.2]}}
          volume: {levels: {mid: {value: 3.0, range: [1, 5]}, high: {value: 5.0, range: [2, 8]}}}
          extra: {levels: {"yes": {value: -0.5, range: [-2, 1]}}}
    """
)


def _brute_force_nash(sc):
    """max (u_A - d_A)(u_B - d_B) over every level combination and a grid of prices, then
    refined in the best grid bracket (the product is a concave quadratic in the price)."""

    def value(issue, party, coord):
        v = sc.payoffs.parties[party][issue.id]
        if issue.kind == "continuous":
            return v.linear.value * coord
        label = issue.level_list()[coord].label
        return v.levels[label].value if label in v.levels else 0.0

    price, volume, extra = sc.issues
    dis = {p: value(price, p, 0.0) + value(volume, p, 0) + value(extra, p, 0)
           + sc.disagreement.adjustments[p].value for p in ("A", "B")}  # fmt: skip
    best = (-np.inf, None)
    for lv in range(3):
        for ex in range(2):
            const = {p: value(volume, p, lv) + value(extra, p, ex) for p in ("A", "B")}

            def nash(x, const=const):
                ga = const["A"] + value(price, "A", x) - dis["A"]
                gb = const["B"] + value(price, "B", x) - dis["B"]
                return ga * gb if ga > 0 and gb > 0 else -np.inf

            grid = np.linspace(0.0, 10.0, 2001)
            vals = np.array([nash(x) for x in grid])
            i = int(np.argmax(vals))
            if not np.isfinite(vals[i]):
                continue
            # refine within the bracket: on it (a + p x)(b + q x) is a concave quadratic,
            # whose vertex is -(a q + b p) / (2 p q) (clipped to the bracket)
            lo, hi = grid[max(i - 1, 0)], grid[min(i + 1, len(grid) - 1)]
            ga0 = const["A"] - dis["A"]
            gb0 = const["B"] - dis["B"]
            pa = value(price, "A", 1.0)
            pb = value(price, "B", 1.0)
            x = float(np.clip(-(ga0 * pb + gb0 * pa) / (2 * pa * pb), lo, hi))
            if vals[i] > nash(x):
                x = grid[i]
            if nash(x) > best[0]:
                best = (nash(x), (x, lv, ex, {p: const[p] + value(price, p, x) for p in const}))
    return dis, best[1]


def test_nash_equals_brute_force_on_a_small_linear_scenario(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    base = sim.load(path)
    params = sim.declared_parameters(base)
    assert len(params) == 10
    draws = _uniform(params, 25, seed=5)
    out = sim.evaluate(base, draws, models="nash_bargaining")
    from sim.analysis.parameters import patch_scenario

    agreed = 0
    for k in range(len(draws)):
        sc = patch_scenario(base.scenario, draws.iloc[k].to_dict())
        dis, sol = _brute_force_nash(sc)
        row = out.iloc[k]
        for p in ("A", "B"):
            assert row[f"disagreement.{p}"] == pytest.approx(dis[p], rel=1e-12, abs=1e-12)
        if sol is None:
            assert row["status"] == "no_agreement"
            continue
        agreed += 1
        x, lv, ex, pay = sol
        assert row["status"] == "ok"
        assert row["agreement.volume"] == ["low", "mid", "high"][lv]
        assert row["agreement.extra"] == ["no", "yes"][ex]
        assert row["agreement.price"] == pytest.approx(x, abs=1e-6)
        for p in ("A", "B"):
            assert row[f"payoff.{p}"] == pytest.approx(pay[p], rel=1e-9, abs=1e-9)
    assert agreed >= 10


# ----------------------------------------------------------------- format, fallback, errors
def test_record_format_and_order():
    base = _baseline()
    draws = pd.DataFrame(
        {"disagreement.adjustments.JP": [-10.0, 0.0], "calendar.breakdown_risk": [0.1, 0.2]}
    )
    out = sim.evaluate(base, draws, models=["utilitarian", "nash_bargaining"])
    parties, issues = base.scenario.party_codes, [i.id for i in base.scenario.issues]
    expected = ["draw", *draws.columns, "model", "status"]
    expected += [f"agreement.{i}" for i in issues]
    for p in parties:
        expected += [f"payoff.{p}", f"disagreement.{p}", f"gain.{p}"]
    assert sorted(out.columns) == sorted(expected) and list(out.columns[:5]) == expected[:5]
    assert out["draw"].tolist() == [0, 0, 1, 1]
    assert out["model"].tolist() == ["utilitarian", "nash_bargaining"] * 2
    assert set(out["status"]) <= {"ok", "no_agreement", "not_run"}
    assert isinstance(out["agreement.corn"].iloc[0], str)


def test_other_models_run_per_draw_without_validation():
    base = _baseline()
    draws = pd.DataFrame({"models.rubinstein.outside_options.US": [0.0, 4.0]})
    out = sim.evaluate(base, draws, models="rubinstein")
    for k, value in enumerate([0.0, 4.0]):
        ref = sim.run(sim.modify(base, {"models.rubinstein.outside_options.US": value}),
                      models=["rubinstein"]).models["rubinstein"].to_dict()  # fmt: skip
        row = out.iloc[k]
        assert row["status"] == ("ok" if ref["agreement"] else "no_agreement")
        for p, v in (ref["payoffs"] or {}).items():
            assert row[f"payoff.{p}"] == pytest.approx(v, rel=1e-12)


@pytest.mark.parametrize("model", ["rubinstein", "deadline", "private_information", "two_level"])
def test_dynamic_models_on_batch_compiled_payoffs_equal_modify_and_run(model):
    """Every declared number varying (payoffs compiled as arrays, options patched per draw):
    each record equals sim.modify + sim.run."""
    base = _baseline()
    params = [p for p in _modifiable(base) if not p.path.startswith("models.")
              or p.path.startswith(f"models.{model}.")]  # fmt: skip
    draws = _uniform(params, 3, seed=5)
    out = sim.evaluate(base, draws, models=model)
    for k in range(len(draws)):
        run = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=[model])
        _assert_same(out.iloc[k], run.models[model].to_dict(), base.scenario.issues)


def test_no_zone_of_agreement_is_reported():
    base = _baseline()
    draws = pd.DataFrame(
        {
            "disagreement.adjustments.US": [5.0],
            "disagreement.adjustments.JP": [0.0],
            "payoffs.weights.JP.election_premium.0.value": [0.0],
        }
    )
    ref = sim.run(sim.modify(base, draws.iloc[0].to_dict()), models=["nash_bargaining"])
    row = sim.evaluate(base, draws, models="nash_bargaining").iloc[0]
    _assert_same(row, ref.models["nash_bargaining"].to_dict(), base.scenario.issues)


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("payoffs.sectors.trucks.eps", 3.0),
        ("payoffs.sectors.cars.exporter", 1.0),
        ("payoffs.sectors.cars.eps", 9.0),
        ("disagreement.adjustments.JP", 1.0),
    ],
)
def test_errors_name_the_path(column, value):
    with pytest.raises(ScenarioError, match=column.replace(".", r"\.")):
        sim.evaluate(_baseline(), pd.DataFrame({column: [value]}), models="nash_bargaining")
