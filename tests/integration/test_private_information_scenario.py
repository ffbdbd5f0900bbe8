"""``private_information`` through scenarios: finite answers on edits inside the declared
ranges (issue 16), "not run" in the protocol's words, reference checks, a small result."""

from __future__ import annotations

import json
import math
import pickle
import re
from pathlib import Path

import pytest
from conftest import ROOT

import sim
from sim.errors import ScenarioError
from sim.results.model import Status

SCENARIOS = ROOT / "scenarios"


def _finite_run(loaded):
    run = sim.run(loaded, models=["private_information"])
    res = run.models["private_information"]
    json.loads(run.to_json())  # allow_nan=False: raises on inf / nan
    return res


@pytest.mark.parametrize(
    ("scenario", "changes"),
    [
        # Japan's no-deal adjustment at the low end of its range
        ("japan_us_2025_election_pressure.yaml", {"disagreement.adjustments.JP.value": -10}),
        # the US gain from shipbuilding just below its value
        ("japan_us_2025.yaml", {"payoffs.concessions.shipbuilding.gains.US.value": 0.999}),
    ],
)
def test_edits_inside_the_ranges_give_finite_offers(scenario, changes):
    res = _finite_run(sim.modify(SCENARIOS / scenario, changes))
    assert res.status == Status.OK
    scr = res.screening
    assert scr is not None and scr["regime"] == "pool"  # both types take the first offer
    for step in scr["offer_path"]:
        assert all(math.isfinite(v) for v in step["offer"].values())
    # the pooling offer gives the informed side the hawkish type's reservation payoff
    hawk = max(t["reservation"] for t in res.prior["types"])
    assert scr["offer_path"][0]["offer"]["US"] == pytest.approx(hawk, abs=1e-9)


def _binary_farm(mt_corn: float) -> str:
    """The baseline with corn and soybeans as yes/no issues (``mt_corn`` Mt of corn)."""
    text = (SCENARIOS / "japan_us_2025.yaml").read_text()
    for issue in ("corn", "soybeans"):
        text = re.sub(
            rf"(  - id: {issue}\n    name: .*\n)    kind: discrete\n    unit: Mt/yr\n",
            r"\1    kind: binary\n",
            text,
        )
    text = re.sub(r"    levels:\n(      - \{label: .*\}\n){3}", "", text)
    text = text.replace("corn: none", "corn: no").replace("soybeans: none", "soybeans: no")
    text = text.replace("{corn: +1 Mt, soybeans: +0.5 Mt}", "{corn: yes}")
    text = text.replace("{corn: +3 Mt, soybeans: +1 Mt}", "{corn: yes, soybeans: yes}")
    text = text.replace("corn: {min: +1 Mt,", 'corn: {min: "yes",')
    text = text.replace("      issue: corn\n", f"      issue: corn\n      mt_per_unit: {mt_corn}\n")
    text = text.replace("      issue: soybeans\n", "      issue: soybeans\n      mt_per_unit: 1\n")
    return text.replace("        value: 6.6\n", f"        value: {max(6.6, mt_corn)}\n")


@pytest.mark.parametrize("mt_corn", [6, 8])
def test_yes_no_farm_purchases_give_finite_offers(write_scenario, mt_corn):
    text = _binary_farm(mt_corn)
    assert "kind: discrete" not in text.split("disagreement:")[0]
    res = _finite_run(sim.load(write_scenario(text)))
    assert res.status == Status.OK and res.screening is not None


def test_a_non_finite_answer_is_said_in_the_status(write_scenario, minimal_text, monkeypatch):
    from sim.bargaining import screening

    real = screening.take_it_or_leave_it

    def broken(*args, **kwargs):
        res = real(*args, **kwargs)
        return type(res)(**{**res.__dict__, "expected_payoffs": (math.inf, 0.0)})

    monkeypatch.setattr(screening, "take_it_or_leave_it", broken)
    text = minimal_text + (
        "models:\n  private_information:\n    informed: B\n    uniform: {low: 0, high: 1}\n"
    )
    run = sim.run(write_scenario(text))
    res = run.models["private_information"]
    assert res.status == Status.NOT_RUN and "no finite answer" in res.reason
    json.loads(run.to_json())


def test_without_a_prior_the_model_does_not_run(write_scenario, minimal_text):
    run = sim.run(write_scenario(minimal_text), models=["private_information"])
    res = run.models["private_information"]
    assert res.status == Status.NOT_RUN and "no prior over types" in res.reason
    assert res.summary().startswith("not run")
    assert "configured" not in res.to_dict()


CHECKS = [
    ("informed: C\n    uniform: {low: 0, high: 1}", "informed", "no party 'C'"),
    ("proposer: C\n    uniform: {low: 0, high: 1}", "proposer", "no party 'C'"),
    ("informed: A\n    proposer: A\n    uniform: {low: 0, high: 1}", "proposer", "uninformed"),
    ("uniform: {low: 1, high: 1}", "uniform", "low < high"),
    ("delta: {C: 0.9}\n    uniform: {low: 0, high: 1}", "delta.C", "no party 'C'"),
    (
        "uniform: {low: 0, high: 1}\n    types: [{label: x, probability: 1, adjustment: 0}]",
        "",
        "either types or uniform",
    ),
]


@pytest.mark.parametrize(("options", "where", "words"), CHECKS)
def test_reference_problems_name_their_place(write_scenario, minimal_text, options, where, words):
    text = minimal_text + f"models:\n  private_information:\n    {options}\n"
    with pytest.raises(ScenarioError) as err:
        sim.load(write_scenario(text))
    loc = "models.private_information" + (f".{where}" if where else "")
    assert loc in str(err.value) and words in str(err.value)


def test_baseline_results_are_small():
    run = sim.run(SCENARIOS / "japan_us_2025.yaml", models=["private_information", "two_level"])
    for name, res in run.models.items():
        assert len(pickle.dumps(res)) <= 20_000, name
        assert "deal " in res.summary(), name  # the summary line prints the deal


def test_private_information_file_holds_its_options():
    from sim import registry

    mod = registry.model("private_information")
    assert Path(mod.__file__).name == "private_information.py"
    assert mod.Options.__module__ == mod.__name__ and mod.FIGURES == {"timeline": "timeline"}
