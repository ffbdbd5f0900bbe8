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


def test_explain_shows_us_producers_steel_investment_and_precedent_with_sources():
    """Issue 13: US producer surplus for cars and steel, the steel tariff, the investment
    pledge and the precedent term, each with the fact ids behind it."""
    result = _invoke("explain", str(BASELINE), "--outcome", "steel_tariff=10")
    assert result.exit_code == 0, result.output
    import sim

    frame = sim.explain(BASELINE, outcome=["steel_tariff=10"]).to_frame()
    rows = frame.set_index(["party", "item", "component"])
    for item in ("cars", "steel"):
        dps = rows.loc[("US", item, "domestic producer surplus")]
        assert dps["value"] > 0  # the tariff raises the US producers' price
        assert "us_protects_domestic_industry" in dps["inputs"]
        assert "armington_elasticity" in dps["inputs"]
        weight = rows.loc[
            ("US", item, f"political weight x us_{'autos' if item == 'cars' else item} surplus")
        ]
        assert "us_reluctant_to_cut_auto_steel" in weight["inputs"]
        prec = frame[(frame.item == item) & frame.component.str.startswith("precedent")]
        assert "us_parallel_negotiations" in prec["inputs"].iloc[0]
    steel = frame[frame.item == "steel"]
    assert set(steel["issue"]) == {"steel_tariff"}
    assert "jp_steel_exports_to_us_value_2024" in steel["inputs"].iloc[0]
    # steel cut to 10 %: the precedent term costs the US as much again as the cut's effect
    prec = steel[steel.component.str.startswith("precedent")]["value"].iloc[0]
    assert prec < 0
    inv = frame[frame.item == "investment"].set_index("party")
    assert "concession_us_investment" in inv.loc["US", "inputs"]
    out = result.output
    for text in ("steel_tariff", "investment", "precedent", "domestic producer surplus"):
        assert text in out


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
        # a deal cuts the car tariff below its no-deal 25 %, the reciprocal tariff below the
        # 10 % baseline, and Japan concedes something; US car makers' weight and the
        # precedent (issue 13) keep the car tariff well above zero
        assert 0 < deal["car_tariff"] < 25
        assert deal["reciprocal_tariff"] < 10
        assert deal["shipbuilding"] == "yes"
        assert deal["investment"] > 0
    nash = models["nash_bargaining"]["agreement"]
    egal = models["egalitarian"]["agreement"]
    # the utilitarian deal maximises the sum: the US values the car tariff more than Japan
    # at the margin (producers' weight and precedent), so it keeps the most of it
    assert models["utilitarian"]["agreement"]["car_tariff"] >= nash["car_tariff"]
    assert egal["car_tariff"] <= nash["car_tariff"] + 1e-9
    assert models["strategic"]["equilibria"]


def test_api_explain_can_be_called_twice():
    """sim.explain is the API function, not shadowed by a submodule after the first call."""
    import sim

    first = sim.explain(BASELINE)
    second = sim.explain(BASELINE)
    assert callable(sim.explain)
    assert first.to_frame().equals(second.to_frame())
