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
    # only rounds from as_of (2025-05-31) count: rounds 1-4 ended without a deal
    assert dl["agreement_date"] is None or dl["agreement_date"] >= data["scenario"]["as_of"]
    assert all(r["date"] >= "2025-05-31" for r in dl["offer_path"])
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
    point = d["equilibrium_point"]
    assert abs(point["payoffs"]["A"] - 1 / 1.9) < 1e-9
    assert point["exact_deal"] is False and d["deal"]["exact"] is False
    assert point["deals"] == [{"split": "no"}, {"split": "yes"}]
    assert abs(point["weight_second"] - 1 / 1.9) < 1e-9
    # the only real deal giving B at least 0.9/1.9 is B taking all; it gives A its no-deal
    # value 0, so it qualifies -- and `payoffs` are that deal's, not the lottery's
    assert d["agreement"] == {"split": "no"}
    assert d["payoffs"] == {"A": 0.0, "B": 1.0}


# A, B; a 3-level issue and a binary one (every 'yes' costs both 5: dominated).  Real deals
# on the frontier: no deal (0, 0), A's deal (3, 0), B's deal (-1, 3.5).  The hull edge from
# (3, 0) to (-1, 3.5) passes above (0, 0): a point inside it giving B more than 0 is a
# lottery, and the only real deal giving B that much gives A -1 < 0, its no-deal value.
LUMPY = PIE.replace(
    "  - {id: split, name: A's share, kind: continuous, range: [0, 1]}",
    "  - {id: x, name: Level, kind: discrete, levels: [{label: l0, value: 0}, "
    "{label: l1, value: 1}, {label: l2, value: 2}]}\n"
    "  - {id: y, name: Side issue, kind: binary}",
).replace("{split: 0}", "{x: l0, y: no}")
LUMPY = (
    LUMPY.replace(
        "A: {split: {linear: 1}}", "A: {x: {levels: {l1: 3, l2: -1}}, y: {levels: {yes: -5}}}"
    )
    .replace(
        "B: {split: {points: [[0, 1], [1, 0]]}}",
        "B: {x: {levels: {l1: 0, l2: 3.5}}, y: {levels: {yes: -5}}}",
    )
    .replace("  adjustments: {B: -1}\n", "")
)


def _check_honest(d, no_deal_a: float = 0.0):
    """`payoffs` are the agreement's; a reported deal gives the proposer A its no-deal."""
    if d["agreement"] is None:
        assert d["payoffs"] is None
        return
    x, y = d["agreement"]["x"], d["agreement"]["y"]
    table = {"l0": (0, 0), "l1": (3, 0), "l2": (-1, 3.5)}
    pay = [v - (5 if y == "yes" else 0) for v in table[x]]  # independent evaluation
    assert d["payoffs"] == pytest.approx({"A": pay[0], "B": pay[1]})
    assert pay[0] >= no_deal_a - 1e-9


@pytest.mark.parametrize(
    "models",
    [
        "  rubinstein: {delta: {A: 0.9, B: 0.9}, first_proposer: A}\n",
        "  deadline: {delta: {A: 0.9, B: 0.9}, breakdown: 0, from_date: first_round}\n",
    ],
)
def test_lottery_never_reports_a_deal_worse_than_no_deal_for_the_proposer(write_scenario, models):
    run = sim.run(write_scenario(LUMPY + models))
    res = next(iter(run.models.values()))
    d = res.to_dict()
    point = d["equilibrium_point"]
    assert point["exact_deal"] is False
    assert point["payoffs"]["B"] > 1e-6 and point["payoffs"]["A"] > 1e-6
    # B's deal (-1, 3.5) would be "best for A" among those giving B its point payoff
    assert d["agreement"] is None
    _check_honest(d)
    assert {"deals", "weight_second"} <= set(point)
    assert "no real deal" in res.summary()


def test_lottery_flag_in_every_summary(write_scenario):
    # same pie of two deals as above: the deal reported is inexact for both models
    text = PIE.replace(
        "  - {id: split, name: A's share, kind: continuous, range: [0, 1]}",
        "  - {id: split, name: A gets all, kind: binary}",
    ).replace("{split: 0}", "{split: no}")
    text = text.replace("{linear: 1}", "{levels: {yes: 1}}").replace(
        "{points: [[0, 1], [1, 0]]}", "{levels: {no: 1}}"
    )
    models = (
        "  rubinstein: {delta: {A: 0.9, B: 0.9}}\n"
        "  deadline: {delta: {A: 0.9, B: 0.9}, breakdown: 0}\n"
    )
    run = sim.run(write_scenario(text + models))
    for name in ("rubinstein", "deadline"):
        res = run.models[name]
        d = res.to_dict()
        assert d["deal"]["exact"] is False, name
        assert "nearest exact deal" in res.summary(), name
        assert d["payoffs"] == d["deal"]["deal_payoffs"]


def test_edge_across_pieces_of_one_issue_is_exact(write_scenario):
    # A's value has a (redundant) breakpoint at 0.5: the frontier edge joins two linear
    # pieces of the same issue; the Rubinstein split (1 - d2) / (1 - d1 d2) is still a deal
    text = PIE.replace(
        "A: {split: {linear: 1}}", "A: {split: {points: [[0, 0], [0.5, 0.5], [1, 1]]}}"
    )
    text = text.replace("{points: [[0, 1], [1, 0]]}", "{points: [[0, 1], [0.25, 0.75], [1, 0]]}")
    run = sim.run(write_scenario(text + "  rubinstein: {delta: {A: 0.9, B: 0.8}}\n"))
    d = run.models["rubinstein"].to_dict()
    share = (1 - 0.8) / (1 - 0.9 * 0.8)
    assert d["deal"]["exact"] is True and d["equilibrium_point"]["exact_deal"] is True
    assert abs(d["agreement"]["split"] - share) < 1e-9
    assert d["payoffs"] == pytest.approx({"A": share, "B": 1 - share}, abs=1e-9)
    assert "nearest" not in run.models["rubinstein"].summary()


def test_nash_limit_weights_include_the_breakdown_hazard(write_scenario):
    # BRW: per-round breakdown p over dt years is a hazard lam = -log(1 - p) / dt; the limit
    # share of A is (r2 + lam) / (r1 + r2 + 2 lam).  Oracle: the Rubinstein closed form
    # (1 - e2) / (1 - e1 e2) with e_i = exp(-(r_i + lam) h) for a tiny period h.
    import math

    text = PIE.replace("calendar:\n", "calendar:\n  discount_rate: {A: 2.0, B: 4.0}\n")
    d = sim.run(write_scenario(text + "  rubinstein: {breakdown: 0.1}\n"))
    d = d.models["rubinstein"].to_dict()
    lam = -math.log(0.9) * 365.25 / 7
    h = 1e-7
    e1, e2 = (math.exp(-(r + lam) * h) for r in (2.0, 4.0))
    limit = (1 - e2) / (1 - e1 * e2)
    assert abs(d["nash_limit_weights"]["A"] - limit) < 1e-6
    assert abs(d["nash_limit_weights"]["A"] - 4 / 6) > 0.05  # not the rates-only weights
    assert abs(d["nash_limit_hazard_per_year"] - lam) < 1e-9
    assert any("hazard" in n for n in d["notes"])


# ----------------------------------------------------------------------------- from_date
@pytest.mark.parametrize(
    ("as_of", "opts", "expected"),
    [
        # rounds 06-08 (B) and 06-15 (A) remain: B offers A d_A * 1 = 0.9 (Ståhl)
        ("2025-06-05", "", ("2025-06-08", 0.9)),
        # from_date: first_round: all three rounds A, B, A: A gets (1 - d2) + d1 d2
        ("2025-06-05", ", from_date: first_round", ("2025-06-01", 0.92)),
        ("2025-05-31", ", from_date: 2025-06-02", ("2025-06-08", 0.9)),
        # one round left: A's take-it-or-leave-it offer leaves B its no-deal value 0
        ("2025-06-10", "", ("2025-06-15", 1.0)),
        ("2025-06-20", "", None),  # no round left
    ],
)
def test_deadline_counts_rounds_from_as_of(write_scenario, as_of, opts, expected):
    text = PIE.replace("as_of: 2025-05-31", f"as_of: {as_of}")
    models = f"  deadline: {{delta: {{A: 0.9, B: 0.8}}, breakdown: 0{opts}}}\n"
    res = sim.run(write_scenario(text + models)).models["deadline"]
    d = res.to_dict()
    if expected is None:
        assert d["status"] == "not_run" and "no round on or after 2025-06-20" in d["reason"]
        return
    date, share = expected
    assert d["agreement_date"] == date and d["agreement_round"] == 1
    assert abs(d["payoffs"]["A"] - share) < 1e-9
    assert all(r["date"] >= date for r in d["offer_path"])
    if share == 1.0:
        assert any("single round" in n for n in d["notes"])
        assert "take-it-or-leave-it" in res.summary()


def test_models_without_a_calendar_say_so(write_scenario, minimal_text):
    text = minimal_text.split("calendar:")[0]
    run = sim.run(write_scenario(text), models=list(DYNAMIC))
    for name in ("rubinstein", "deadline", "private_information", "game_tree"):
        d = run.models[name].to_dict()
        assert d["status"] == "not_run" and d["reason"]
    assert run.models["two_level"].to_dict()["agreement"] is not None


def test_baseline_payoffs_are_those_of_the_agreement(baseline):
    from sim.space import OutcomeSpace

    out, _ = baseline
    models = json.loads((out / "results.json").read_text())["models"]
    space = OutcomeSpace.from_scenario(sim.load(BASELINE).scenario)
    for name in ("rubinstein", "deadline", "private_information"):
        d = models[name]
        if d.get("agreement") is None:
            assert d.get("payoffs") is None, name
            continue
        coords = space.outcome(d["agreement"])[None, :]
        # an answer polished on the smooth trade model reports the true functions' payoffs
        polished = any("polished on the smooth" in n for n in d["notes"])
        pay = (space.values.evaluate_exact if polished else space.payoffs)(coords)[0]
        assert d["payoffs"] == pytest.approx(
            dict(zip(space.parties, pay, strict=True)), abs=1e-6
        ), name
        assert "equilibrium_point" in d
