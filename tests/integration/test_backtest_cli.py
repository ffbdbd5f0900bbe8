"""``sim backtest`` end to end, with observed-outcome files the tests write (not real later
events): the baseline's table and plots; a stored forecast (``sim run --forecast``, ``sim
sweep``) scored without re-running gives the scores of a fresh backtest of the same draws;
bad input exits 2 naming file and line."""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.cli import app

matplotlib.use("Agg")
runner = CliRunner()
SPLIT = ROOT / "tests" / "fixtures" / "sweep" / "split.yaml"
BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"

OBSERVED = """\
# written by the test: not what happened
scenario: japan_us_2025
agreement: {reached: true, date: 2025-07-22, source: the test}
issues:
  car_tariff: {value: 12.5, source: the test}
  reciprocal_tariff: {value: 15, source: the test}
  corn: {value: +1 Mt, source: the test}
  rice: {value: "yes", source: the test}
"""


def _cli(*args):
    return runner.invoke(app, [*map(str, args)], env={"COLUMNS": "100"})


def test_baseline_backtest_writes_the_table_and_plots(tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text(OBSERVED)
    out = tmp_path / "bt"
    r = _cli("backtest", BASELINE, observed, "--samples", 12, "--seed", 3, "--out", out,
             "--model", "nash_bargaining", "--model", "deadline")
    assert r.exit_code == 0, r.output
    assert "Which model would have forecast best" in r.output
    models = pd.read_csv(out / "models.csv")
    assert set(models["model"]) == {"nash_bargaining", "deadline"}
    assert dict(zip(models["model"], models["timing"], strict=True)) == {
        "nash_bargaining": "no timing", "deadline": "dated"}
    scores = pd.read_csv(out / "scores.csv")
    assert set(scores["observation"]) == {"car_tariff", "reciprocal_tariff", "corn", "rice",
                                          "agreement", "agreement by 2025-07-22"}
    dead = scores[(scores["model"] == "deadline") & (scores["kind"] == "event")]
    assert dead["brier"].notna().all()
    for name in ("predictive-car_tariff.png", "predictive-rice.png", "calibration.png",
                 "agreement_by_date.png", "calibration.csv", "predictive.parquet"):
        assert (out / name).is_file(), name
    payload = json.loads((out / "backtest.json").read_text())
    assert payload["scenario"]["id"] == "japan_us_2025" and payload["arguments"]["seed"] == 3
    assert payload["observed"]["issues"]["car_tariff"]["source"] == "the test"


def test_a_stored_forecast_scores_as_a_fresh_backtest(tmp_path):
    observed = tmp_path / "observed.yaml"
    observed.write_text("agreement: {reached: true, date: 2025-03-01, source: the test}\n"
                        "issues:\n  x: {value: 0.8, source: the test}\n")
    run = tmp_path / "run"
    r = _cli("run", SPLIT, "--out", run, "--plots", "none", "--forecast",
             "--forecast-samples", 40, "--seed", 4)
    assert r.exit_code == 0, r.output
    forecast = json.loads((run / "forecast.json").read_text())
    assert forecast["as_of"] == "2025-01-01" and forecast["scenario"]["sha256"]
    assert "Resolved by an observed-outcome file" in forecast["resolution"]
    bands = forecast["models"]["nash_bargaining"]["issues"]["x"]["bands"]
    assert 0.5 <= bands["p05"] <= bands["median"] <= bands["p95"] <= 0.9
    assert forecast["models"]["nash_bargaining"]["agreement_by_date"] is None
    json.loads((run / "results.json").read_text())["files"].index("forecast.json")

    stored, fresh = tmp_path / "stored", tmp_path / "fresh"
    assert _cli("backtest", "--forecast", run, observed, "--out", stored).exit_code == 0
    r = _cli("backtest", SPLIT, observed, "--samples", 40, "--seed", 4, "--out", fresh,
             "--model", "nash_bargaining")
    assert r.exit_code == 0, r.output
    a, b = (pd.read_csv(f / "scores.csv").drop(columns="note") for f in (stored, fresh))
    pd.testing.assert_frame_equal(a, b)
    assert not (stored / "calibration.csv").exists()
    # the forecast was made for another scenario: refused
    r = _cli("backtest", BASELINE, observed, "--forecast", run)
    assert r.exit_code == 2 and "hash differs" in r.output


def test_sweep_of_the_prior_writes_a_forecast_and_a_grid_does_not(tmp_path):
    r = _cli("sweep", SPLIT, "--samples", 24, "--method", "lhs", "--out", tmp_path / "s",
             "--no-plots")
    assert r.exit_code == 0, r.output
    forecast = json.loads((tmp_path / "s" / "forecast.json").read_text())
    assert forecast["made_by"] == "sim sweep" and forecast["design"]["samples"] == 24
    assert len(forecast["models"]["nash_bargaining"]["issues"]["x"]["ensemble"]) == 24
    r = _cli("sweep", SPLIT, "--grid", "disagreement.adjustments.A=-0.5:0.3:3", "--out",
             tmp_path / "g", "--no-plots")
    assert r.exit_code == 0, r.output
    assert not (tmp_path / "g" / "forecast.json").exists()


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ("agreement: {reached: true, date: 2025-07-22}\n", "observed.yaml:1: agreement.source"),
        ("agreement: {reached: true, date: 2025-07-22, source: s}\nissues:\n  cars: "
         "{value: 1, source: s}\n", "observed.yaml:3: issues.cars"),
    ],
)
def test_bad_observed_file_exits_2_with_file_and_line(tmp_path, text, where):
    observed = tmp_path / "observed.yaml"
    observed.write_text(text)
    r = _cli("backtest", SPLIT, observed, "--samples", 4)
    assert r.exit_code == 2 and where in r.output, r.output
    assert "Traceback" not in r.output


def test_missing_observed_and_missing_forecast(tmp_path):
    r = _cli("backtest", SPLIT)
    assert r.exit_code == 2 and "OBSERVED" in r.output
    (tmp_path / "o.yaml").write_text("agreement: {reached: false, date: 2025-07-22, source: s}\n")
    r = _cli("backtest", "--forecast", tmp_path, tmp_path / "o.yaml")
    assert r.exit_code == 2 and "no forecast here" in r.output
