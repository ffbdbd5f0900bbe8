"""``sim explain`` and ``sim run`` end to end on the trade-model baseline."""

from __future__ import annotations

import json

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


def _invoke(*args: str):
    return runner.invoke(app, list(args), env={"COLUMNS": "200"})


def test_explain_shows_status_quo_and_full_package_with_sources():
    result = _invoke("explain", str(BASELINE))
    assert result.exit_code == 0, result.output
    out = result.output
    assert "status quo (2025-05-31)" in out and "package all" in out
    for text in (
        "exporters' producer surplus",
        "tariff revenue",
        "political weight x carmakers surplus",
        "us_vehicle_imports_from_japan_2024",  # sources are shown
        "armington_elasticity",
        "us_car_mfn_rate",
        "-4.206",  # Japan's carmakers at the status quo (docs/payoff-model.md)
        "+6.268",  # US tariff revenue on cars
    ):
        assert text in out, text


def test_explain_one_outcome_and_a_package():
    result = _invoke("explain", str(BASELINE), "--package", "reported", "--outcome", "car_tariff=0")
    assert result.exit_code == 0, result.output
    assert "package reported, car_tariff=0.0" in result.output
    assert "+1.000" in result.output  # shipbuilding's value to the US


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (["--outcome", "car_tariff=40"], "outside the range"),
        (["--outcome", "car_tariff=lots"], "takes a number"),
        (["--outcome", "corn=+5 Mt"], "has no level '+5 Mt'"),
        (["--outcome", "tariffs=0"], "no issue 'tariffs'"),
        (["--outcome", "car_tariff"], "ISSUE=VALUE"),
        (["--package", "everything"], "no package 'everything'"),
    ],
)
def test_explain_bad_input_exits_2_with_a_clear_message(args, words):
    result = _invoke("explain", str(BASELINE), *args)
    assert result.exit_code == 2
    assert words in result.output
    assert "Traceback" not in result.output


def test_run_on_the_trade_baseline_gives_sensible_deals(tmp_path):
    out = tmp_path / "run"
    result = _invoke("run", str(BASELINE), "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text())
    assert (out / "payoff_space.png").exists() and (out / "strategic_game.png").exists()
    models = data["models"]
    for name in ("nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"):
        res = models[name]
        assert res["zone_of_agreement"] is True
        deal = res["agreement"]
        # a deal cuts the car tariff well below 25 % and Japan concedes something
        assert deal["car_tariff"] < 12.5
        assert deal["reciprocal_tariff"] < 10
        assert deal["shipbuilding"] == "yes"
    nash = models["nash_bargaining"]["agreement"]
    ks = models["kalai_smorodinsky"]["agreement"]
    assert models["utilitarian"]["agreement"]["car_tariff"] <= nash["car_tariff"]
    assert nash["car_tariff"] <= ks["car_tariff"] + 1e-9
    assert models["strategic"]["equilibria"]


def test_api_explain_can_be_called_twice():
    """sim.explain is the API function, not shadowed by a submodule after the first call."""
    import sim

    first = sim.explain(BASELINE)
    second = sim.explain(BASELINE)
    assert callable(sim.explain)
    assert first.to_frame().equals(second.to_frame())
