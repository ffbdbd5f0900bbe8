"""Units and plausibility: shares in [0, 1], numbers 100x off their cited fact or in another
unit, implausible magnitudes; warnings with file:line from `sim validate` and `sim run`,
errors under --strict."""

from __future__ import annotations

import pytest
from conftest import ROOT, line_of
from typer.testing import CliRunner

from sim.api import load as load_scenario
from sim.cli import app
from sim.errors import ScenarioError

BASELINE = (ROOT / "scenarios" / "japan_us_2025.yaml").read_text()


def _write(tmp_path, old: str, new: str, *, count: int = 1) -> tuple:
    assert BASELINE.count(old) >= 1, old
    text = BASELINE.replace(old, new, count)
    path = tmp_path / "s.yaml"
    path.write_text(text)
    return path, text


def test_shipped_scenarios_have_no_warnings():
    for path in sorted((ROOT / "scenarios").glob("*.yaml")):
        assert load_scenario(path).warnings == (), path


def test_share_written_as_percentage_is_an_error(tmp_path):
    path, text = _write(
        tmp_path,
        "seller_margin: {value: 0.1, range: [0, 0.3], context: concession_soybeans, note: no",
        "seller_margin: {value: 20, context: concession_soybeans, note: no",
    )
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    p = info.value.first
    assert "seller_margin" in p.field and "[0, 1]" in p.message and "0.2" in p.message
    assert p.line == line_of(text, "seller_margin: {value: 20")


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "words"),
    [
        # a % issue whose cited fact says 25: 0.25 is 100x off
        (
            "    car_tariff: 25\n",
            "    car_tariff: 0.25\n",
            "car_tariff: 0.25",
            "disagreement.outcome.car_tariff",
            ["us_car_tariff_rate", "100"],
        ),
        # a percentage written as a fraction
        (
            "base_tariff_pct: {value: 2.5, source: us_car_mfn_rate}",
            "base_tariff_pct: {value: 0.025, source: us_car_mfn_rate}",
            "value: 0.025",
            "payoffs.sectors.cars.base_tariff_pct",
            ["100", "2.5"],
        ),
        # a discount rate of 30 a year
        (
            "US: {value: 0.3, range: [0.05, 1.0], context: us_wants_early_deal,",
            "US: {value: 30, range: [0.05, 30], context: us_wants_early_deal,",
            "US: {value: 30",
            "calendar.discount_rate.US",
            ["above 1 a year"],
        ),
        # the cited fact has another unit (a share citing a fact in %)
        (
            "base_volume_mt: {value: 2.2, source: soybean_imports_us_2023}",
            "base_volume_mt: {value: 2.2, source: us_car_tariff_rate}",
            "source: us_car_tariff_rate}",
            "payoffs.concessions",
            ["unit", "%"],
        ),
    ],
)
def test_warnings_with_file_line(tmp_path, old, new, needle, field, words):
    path, text = _write(tmp_path, old, new)
    loaded = load_scenario(path)
    assert loaded.warnings, "expected a warning"
    w = loaded.warnings[0]
    assert w.field.startswith(field), w
    assert w.line == line_of(text, needle), w
    assert all(word in w.message for word in words), w.message
    runner = CliRunner()
    res = runner.invoke(app, ["validate", str(path)])
    assert res.exit_code == 0
    assert f"warning: {path.resolve()}:{w.line}:" in res.output
    res = runner.invoke(app, ["validate", "--strict", str(path)])
    assert res.exit_code == 2
    assert f"{path.resolve()}:{w.line}:" in res.output


def test_payoff_larger_than_trade_warns(tmp_path):
    # a supply elasticity of 300 (typed for 3.00): the producers' gain exceeds the trade
    # (on auto parts, the baseline's sector without domestic producers)
    path, text = _write(
        tmp_path,
        "      eta: *car_eta\n",
        "      eta: *car_eta\n"
        "      domestic_supply_value: 4\n      domestic_supply_elasticity: 300\n",
    )
    loaded = load_scenario(path)
    (w,) = loaded.warnings
    assert w.field == "payoffs.sectors.auto_parts"
    assert w.line == line_of(text, "    auto_parts:")
    assert "more than the trade" in w.message


def test_run_prints_warnings_and_strict_refuses(tmp_path):
    path, text = _write(tmp_path, "    car_tariff: 25\n", "    car_tariff: 0.25\n")
    runner = CliRunner()
    res = runner.invoke(
        app, ["run", "--strict", "--plots", "none", "-o", str(tmp_path / "r"), str(path)]
    )
    assert res.exit_code == 2
    assert not (tmp_path / "r").exists()
    res = runner.invoke(
        app,
        [
            "run",
            "--model",
            "nash_bargaining",
            "--plots",
            "none",
            "-o",
            str(tmp_path / "r"),
            str(path),
        ],
    )
    assert res.exit_code == 0, res.output
    assert f"warning: {path.resolve()}:{line_of(text, 'car_tariff: 0.25')}:" in res.output
