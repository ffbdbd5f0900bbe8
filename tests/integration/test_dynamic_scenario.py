"""The dynamic models through scenarios: closed forms on a pie, the baseline end to end."""

from __future__ import annotations

import itertools
import json

import pytest
from conftest import ROOT
from typer.testing import CliRunner

import sim
from sim.cli import app

runner = CliRunner()
BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"
DYNAMIC = ("rubinstein", "deadline", "private_information", "two_level", "game_tree")

# Splitting a pie: A gets `split`, B gets 1 - split; no deal gives (0, 0).
PIE = """\
id: pie
title: Splitting a pie
as_of: 2025-05-31
parties:
  - {code: A, name: Party A}
  - {code: B, name: Party B}
issues:
  - {id: split, name: A's share, kind: continuous, range: [0, 1]}
disagreement:
  outcome: {split: 0}
  adjustments: {B: -1}
payoffs:
  model: linear
  unit: pie
  parties:
    A: {split: {linear: 1}}
    B: {split: {points: [[0, 1], [1, 0]]}}
calendar:
  rounds:
    - {date: 2025-06-01, label: one, proposer: A}
    - {date: 2025-06-08, label: two, proposer: B}
    - {date: 2025-06-15, label: three, proposer: A}
  deadlines:
    - {date: 2025-06-15, label: end}
models:
"""


def _pie(write_scenario, models: str):
    return sim.run(write_scenario(PIE + models))


def test_rubinstein_pie_closed_form(write_scenario):
    # first proposer's share (1 - d2) / (1 - d1 d2) (Rubinstein 1982)
    run = _pie(write_scenario, "  rubinstein: {delta: {A: 0.9, B: 0.8}, first_proposer: A}\n")
    d = run.models["rubinstein"].to_dict()
    share = (1 - 0.8) / (1 - 0.9 * 0.8)
    assert abs(d["payoffs"]["A"] - share) < 1e-9
    assert abs(d["payoffs"]["B"] - (1 - share)) < 1e-9
    assert abs(d["agreement"]["split"] - share) < 1e-9
    assert d["deal"]["exact"] is True
    assert d["agreement_round"] == 1


def test_rubinstein_breakdown_and_calendar_rates(write_scenario):
    # BRW: effective factors (1 - p) delta_i; delta from yearly rates over the round gap
    import math

    text = "  rubinstein: {breakdown: 0.1}\n"
    text = PIE.replace("calendar:\n", "calendar:\n  discount_rate: {A: 2.0, B: 4.0}\n") + text
    d = sim.run(write_scenario(text)).models["rubinstein"].to_dict()
    e1, e2 = (0.9 * math.exp(-r * 7 / 365.25) for r in (2.0, 4.0))
    assert abs(d["payoffs"]["A"] - (1 - e2) / (1 - e1 * e2)) < 1e-9
    assert d["period_days"] == 7


def test_deadline_pie_stahl(write_scenario):
    # three rounds A, B, A with delta (0.9, 0.8): A gets (1 - d2) + d1 d2 (Ståhl 1972)
    run = _pie(write_scenario, "  deadline: {delta: {A: 0.9, B: 0.8}, breakdown: 0}\n")
    d = run.models["deadline"].to_dict()
    assert abs(d["payoffs"]["A"] - (0.2 + 0.72)) < 1e-9
    assert d["agreement_round"] == 1 and d["agreement_date"] == "2025-06-01"
    assert [r["proposer"] for r in d["offer_path"]] == ["A", "B", "A"]
    assert abs(d["offer_path"][2]["offer"]["A"] - 1.0) < 1e-9


def test_private_information_two_types(write_scenario):
    # types need 0.2 (prob 0.6) or 0.6 (prob 0.4): offering 0.2 earns 0.8 * 0.6 = 0.48 > 0.4
    models = """\
  private_information:
    informed: B
    delta: {A: 0.9, B: 0.9}
    types:
      - {label: soft, probability: 0.6, adjustment: 0.2}
      - {label: tough, probability: 0.4, adjustment: 0.6}
"""
    d = _pie(write_scenario, models).models["private_information"].to_dict()
    assert abs(d["offer"]["B"] - 0.2) < 1e-9
    assert abs(d["acceptance_probability"] - 0.6) < 1e-12
    assert d["accepting_types"] == ["soft"]
    assert abs(d["agreement"]["split"] - 0.8) < 1e-9
    # two offers (Fudenberg & Tirole 1991, 10.2) with proposer values vH = 0.8, vL = 0.4,
    # q = 0.6, delta = 0.9: pool 0.4, screen 0.408, exclude 0.48 - 0.1 * 0.8 * 0.4 = 0.448
    scr = d["screening"]
    assert scr["regime"] == "exclude"
    assert abs(scr["proposer_expected_gain"] - 0.448) < 1e-9
    acc = scr["acceptance_probabilities"]
    assert abs(acc["early"] - 0.2) < 1e-9 and abs(acc["late"] - 0.4) < 1e-9
    assert abs(acc["never"] - 0.4) < 1e-9


@pytest.mark.parametrize(
    ("win_sets", "expected"),
    [
        ("{A: {min_gain: 0.7}}", (0.7, 0.3)),  # Nash (0.5, 0.5) is cut off: the bound binds
        ("{B: {bounds: {split: {max: 0.4}}}}", (0.4, 0.6)),
        ("{A: {min_gain: 0.1}}", (0.5, 0.5)),  # a slack win-set changes nothing
        ("{A: {min_gain: 0.7}, B: {min_gain: 0.5}}", None),  # empty intersection
    ],
)
def test_two_level_pie(write_scenario, win_sets, expected):
    res = _pie(write_scenario, f"  two_level: {{win_sets: {win_sets}}}\n").models["two_level"]
    d = res.to_dict()
    if expected is None:
        assert d["agreement"] is None and d["ratifiable_zone_empty"] is True
        assert d["intersection"]["n_in_zone"] == 0
    else:
        assert abs(d["payoffs"]["A"] - expected[0]) < 1e-9
        assert abs(d["payoffs"]["B"] - expected[1]) < 1e-9
    # tied hands (Schelling): raising one side's threshold never lowers its payoff
    pays = [p for p in d["tied_hands"]["payoffs"] if p is not None]
    side = d["tied_hands"]["party"]
    assert all(b[side] >= a[side] - 1e-9 for a, b in itertools.pairwise(pays))


def test_game_tree_entry_game_and_outcome_refs(write_scenario):
    models = """\
  game_tree:
    root: a
    nodes:
      a: {player: A, moves: {greedy: b_greedy, fair: b_fair}}
      b_greedy: {player: B, moves: {accept: greedy, reject: none}}
      b_fair: {player: B, moves: {accept: fair, reject: none2}}
      greedy: {outcome: {settings: {split: 0.9}}}
      fair: {outcome: {settings: {split: 0.5}}}
      none: {outcome: {no_deal: true}}
      none2: {payoffs: {A: 0, B: 0}}
"""
    d = _pie(write_scenario, models).models["game_tree"].to_dict()
    # B accepts 0.1 > 0 (ultimatum game): A is greedy
    assert d["strategy"] == {"a": "greedy", "b_greedy": "accept", "b_fair": "accept"}
    assert abs(d["payoffs"]["A"] - 0.9) < 1e-12 and abs(d["payoffs"]["B"] - 0.1) < 1e-12
    assert d["agreement"] == {"split": 0.9}
    assert [s["node"] for s in d["equilibrium_path"]] == ["a", "b_greedy", "greedy"]


# ----------------------------------------------------------------------------- bad input
BAD = [
    ("  rubinstein: {delta: {A: 1.5, B: 0.9}}\n", "models.rubinstein.delta", "(0, 1]"),
    ("  rubinstein: {delta: {A: 0, B: 0.9}}\n", "models.rubinstein.delta", "(0, 1]"),
    ("  rubinstein: {first_proposer: C}\n", "models.rubinstein.first_proposer", "no party"),
    (
        "  private_information:\n    types:\n      - {label: x, probability: 0.5, adjustment: 0}\n"
        "      - {label: y, probability: 0.4, adjustment: 1}\n",
        "models.private_information.types",
        "sum to 0.9",
    ),
    (
        "  game_tree:\n    root: a\n    nodes:\n      a: {player: A, moves: {go: b}}\n"
        "      b: {player: B, moves: {back: c}}\n      c: {player: A, moves: {loop: b}}\n",
        "models.game_tree.nodes.",
        "cycle",
    ),
    (
        "  game_tree:\n    root: a\n    nodes:\n      a: {player: A, moves: {go: nowhere}}\n",
        "models.game_tree.nodes.a.moves.go",
        "unknown node 'nowhere'",
    ),
    (
        "  game_tree:\n    root: a\n    nodes:\n      a: {player: A, moves: {go: b}}\n"
        "      b: {outcome: {package: farm}}\n",
        "models.game_tree.nodes.b.outcome.package",
        "no package 'farm'",
    ),
    (
        "  two_level: {win_sets: {A: {bounds: {split: {max: 2}}}}}\n",
        "models.two_level.win_sets.A.bounds.split.max",
        "outside the range",
    ),
]


@pytest.mark.parametrize(("models", "field", "words"), BAD)
def test_bad_parameters_are_scenario_errors(write_scenario, models, field, words):
    text = PIE + models
    path = write_scenario(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    out = " ".join(result.output.split())
    assert field in out and words in out, out
    # the line named is inside the models section
    line = int(out.split(f"{path.name}:")[1].split(":")[0])
    assert line > PIE.count("\n")


# ----------------------------------------------------------------------------- baseline
@pytest.fixture(scope="module")
def baseline(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "dyn"
    args = [a for name in DYNAMIC for a in ("--model", name)]
    result = runner.invoke(app, ["run", str(BASELINE), "--out", str(out), *args])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_baseline_runs_every_dynamic_model(baseline):
    out, output = baseline
    data = json.loads((out / "results.json").read_text())
    models = data["models"]
    for name in DYNAMIC:
        assert name in models
        assert f"{name}:" in output  # a terminal summary line
    for name in ("rubinstein", "deadline"):
        assert {"agreement", "payoffs", "agreement_round", "agreement_date", "offer_path"} <= set(
            models[name]
        )
    dl = models["deadline"]
    assert dl["deadline"]["date"] == "2025-07-09"
    assert dl["disagreement_after"]["JP"] < dl["disagreement_before"]["JP"]  # the tariff returns
    assert "2025-06-15" in dl["p_deal_by"]  # the G7 round
    pi = models["private_information"]
    assert 0 <= pi["acceptance_probability"] <= 1
    assert set(pi["screening"]["acceptance_probabilities"]) == {"early", "late", "never"}
    tl = models["two_level"]
    assert set(tl["win_sets"]) == {"US", "JP"} and "intersection" in tl
    assert 10 - 1e-9 <= tl["agreement"]["car_tariff"] <= 12.5 + 1e-9  # inside both win-sets
    assert tl["agreement"]["rice"] == "no"
    assert tl["tied_hands"]["party"] == "US"
    gt = models["game_tree"]
    assert gt["equilibrium_path"][0]["node"] == "jp_offer"
    for stem in ("timeline", "win_sets"):
        for ext in ("png", "svg"):
            assert (out / f"{stem}.{ext}").stat().st_size > 1000
            assert f"{stem}.{ext}" in data["files"]


def test_lottery_point_reports_both_deals_and_an_exact_one(write_scenario):
    # two deals only, (0, 1) and (1, 0): the Rubinstein point (1/1.9, 0.9/1.9) is a lottery
    text = PIE.replace(
        "  - {id: split, name: A's share, kind: continuous, range: [0, 1]}",
        "  - {id: split, name: A gets all, kind: binary}",
    ).replace("{split: 0}", "{split: no}")
    text = text.replace("{linear: 1}", "{levels: {yes: 1}}").replace(
        "{points: [[0, 1], [1, 0]]}", "{levels: {no: 1}}"
    )
    d = sim.run(write_scenario(text + "  rubinstein: {delta: {A: 0.9, B: 0.9}}\n"))
    d = d.models["rubinstein"].to_dict()
    assert abs(d["payoffs"]["A"] - 1 / 1.9) < 1e-9
    assert d["deal"]["exact"] is False
    lot = d["deal"]["lottery"]
    assert lot["deals"] == [{"split": "no"}, {"split": "yes"}]
    assert abs(lot["weight_second"] - 1 / 1.9) < 1e-9
    # the only real deal giving B at least 0.9/1.9 is B taking all
    assert d["agreement"] == {"split": "no"}


def test_models_without_a_calendar_say_so(write_scenario, minimal_text):
    text = minimal_text.split("calendar:")[0]
    run = sim.run(write_scenario(text), models=list(DYNAMIC))
    for name in ("rubinstein", "deadline", "private_information", "game_tree"):
        d = run.models[name].to_dict()
        assert d["configured"] is False and d["reason"]
    assert run.models["two_level"].to_dict()["agreement"] is not None
