"""Declared parameters, per-column checks and the unvalidated patch (sim.analysis.parameters)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import sim
from sim.analysis.parameters import check_columns, declared_parameters, lookup, patch_scenario
from sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


@pytest.fixture(scope="module")
def base():
    return sim.load(BASELINE)


def test_baseline_declares_its_ranges(base):
    params = declared_parameters(base)
    paths = [p.path for p in params]
    assert len(params) >= 50 and len(set(paths)) == len(paths)
    assert "payoffs.sectors.cars.eta" in paths and "disagreement.adjustments.JP" in paths
    eta = params[paths.index("payoffs.sectors.cars.eta")]
    assert eta.value == 3.0 and eta.range == (1.5, 100.0)
    assert eta.context == "toyota_tariff_hit_apr_may"
    assert all(p.range[0] <= p.value <= p.range[1] for p in params)
    assert sim.declared_parameters(BASELINE)[0].to_dict()["path"] == paths[0]


def test_paths_are_those_sim_modify_takes(base):
    """Oracle: sim.modify (YAML-level set + full validation) gives the same scenario as the
    unvalidated patch, for every parameter whose change alone is valid."""
    checked = 0
    for p in declared_parameters(base):
        try:
            ref = sim.modify(base, {p.path: p.range[0]}).scenario
        except ScenarioError:  # e.g. probabilities that must sum to one
            continue
        assert patch_scenario(base.scenario, {p.path: p.range[0]}) == ref, p.path
        assert lookup(ref, p.path).value == p.range[0]
        checked += 1
    assert checked >= 40


def test_level_labels_with_dots_are_addressed():
    loaded = sim.load(ROOT / "scenarios" / "japan_us_2025_linear.yaml")
    paths = [p.path for p in declared_parameters(loaded)]
    assert "payoffs.parties.US.soybeans.levels.+0.5 Mt" in paths
    q = lookup(patch_scenario(loaded.scenario, {"payoffs.parties.US.soybeans.levels.+0.5 Mt": 0.2}),
               "payoffs.parties.US.soybeans.levels.+0.5 Mt")  # fmt: skip
    assert q.value == 0.2 and q.range == (0.15, 0.45)


@pytest.mark.parametrize(
    ("column", "values", "message"),
    [
        ("payoffs.sectors.nope.eps", [1.0], "unknown parameter path"),
        ("payoffs.sectors.cars.importer", [1.0], "not a number"),
        ("issues.car_tariff.range", [1.0], "not a number"),
        ("payoffs.sectors.cars.eta", [3.0, 101.0], "outside its declared range"),
        ("payoffs.tolerance", [np.inf], "finite"),
    ],
)
def test_bad_columns_name_the_path(base, column, values, message):
    with pytest.raises(ScenarioError) as err:
        check_columns(base, pd.DataFrame({column: values}))
    assert column in str(err.value) and message in str(err.value)


def test_good_columns_are_returned_as_arrays(base):
    out = check_columns(base, pd.DataFrame({"payoffs.sectors.cars.eta": [1.5, 100.0]}))
    assert out["payoffs.sectors.cars.eta"].tolist() == [1.5, 100.0]
