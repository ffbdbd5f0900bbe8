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


def _payoff_along_the_car_tariff(deal, party, grid):
    """A party's payoff at ``deal`` with the car tariff replaced by each value of ``grid``,
    summed issue by issue from the trade model's value functions (not the solvers)."""
    import numpy as np

    from sim.payoffs.trade_compile import trade_value_functions
    from tests.trade_baseline import baseline_issues, baseline_spec

    fns = trade_value_functions(baseline_spec(), baseline_issues())[party]
    total = np.zeros_like(grid)
    for issue, x in deal.items():
        f = fns[issue]
        total = total + (
            f(grid)
            if issue == "car_tariff"
            else (f[x] if isinstance(f, dict) else float(f(float(x))))
        )
    return total


def test_run_on_the_trade_baseline_gives_sensible_deals(tmp_path):
    """Every deal cuts the car and reciprocal tariffs and Japan concedes; each axiomatic deal
    is what its axiom says, checked by brute force along the car tariff (others fixed at the
    deal) with the trade model's value functions, not the solvers: Nash maximises the product
    of gains, the utilitarian deal the sum, egalitarian gains are equal.

    Under the earlier baseline the utilitarian deal also had the lowest car tariff, because
    Japan valued each point of cut more than the US at every tariff. With US car makers'
    weight and the precedent (issue 13) the US's marginal value of the car tariff exceeds
    Japan's below about 17 %, so the sum-maximising deal keeps more of it than the Nash deal:
    that ordering was a consequence of the old numbers, not a property of the models, and is
    replaced by the first-order properties themselves."""
    import numpy as np

    out = tmp_path / "run"
    result = _invoke("run", str(BASELINE), "--out", str(out))
    assert result.exit_code == 0, result.output
    data = json.loads((out / "results.json").read_text())
    assert (out / "payoff_space.png").exists() and (out / "strategic_game.png").exists()
    models = data["models"]
    grid = np.linspace(0.0, 25.0, 25_001)  # 0.001-point steps
    for name in ("nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"):
        res = models[name]
        assert res["zone_of_agreement"] is True
        deal = res["agreement"]
        assert 0 < deal["car_tariff"] < 25 and deal["reciprocal_tariff"] < 10
        assert deal["shipbuilding"] == "yes" and deal["investment"] > 0
        assert "polished on the smooth trade model" in " ".join(res["notes"])
        if name != "utilitarian":  # the bargained deals cut the car tariff by more than half
            assert deal["car_tariff"] < 12.5
        # the reported payoffs are the value functions' at the deal
        here = np.array([deal["car_tariff"]])
        for party in ("US", "JP"):
            u = _payoff_along_the_car_tariff(deal, party, here)[0]
            assert u == pytest.approx(res["payoffs"][party], abs=1e-9)
            assert res["gains"][party] > 0
        gain = {
            p: _payoff_along_the_car_tariff(deal, p, grid) - res["disagreement"][p]
            for p in ("US", "JP")
        }
        best = {
            "nash_bargaining": np.where(
                (gain["US"] > 0) & (gain["JP"] > 0), gain["US"] * gain["JP"], -np.inf
            ),
            "utilitarian": gain["US"] + gain["JP"],
        }.get(name)
        if best is not None:
            assert grid[np.argmax(best)] == pytest.approx(deal["car_tariff"], abs=1e-3)
    egal = models["egalitarian"]["gains"]
    assert egal["US"] == pytest.approx(egal["JP"], abs=1e-6)
    assert models["strategic"]["equilibria"]


def test_api_explain_can_be_called_twice():
    """sim.explain is the API function, not shadowed by a submodule after the first call."""
    import sim

    first = sim.explain(BASELINE)
    second = sim.explain(BASELINE)
    assert callable(sim.explain)
    assert first.to_frame().equals(second.to_frame())
