"""Two-level game through a scenario: when the only ratifiable outcome is no deal there is no
agreement; the candidate map; reference checks."""

from __future__ import annotations

from pathlib import Path

import pytest

import sim
from sim.errors import ScenarioError
from sim.results.model import Status

TEXT = """\
id: tl_empty
title: A win-set that only allows the no-deal outcome
as_of: 2025-01-01
parties: [{code: A, name: A}, {code: B, name: B}]
issues:
  - {id: x, name: x, kind: continuous, range: [0, 1]}
  - {id: c, name: c, kind: binary}
disagreement: {outcome: {x: 0, c: "no"}}
payoffs:
  model: linear
  parties:
    A: {x: {linear: 1}, c: {levels: {"yes": -0.5}}}
    B: {x: {linear: -1}, c: {levels: {"yes": 2}}}
models:
  two_level:
    win_sets:
      A:
        bounds:
          x: {max: 0}
          c: {max: "no"}
"""


def test_only_no_deal_ratifiable_means_no_agreement(write_scenario):
    res = sim.run(write_scenario(TEXT)).models["two_level"].to_dict()
    assert res["agreement"] is None and res["payoffs"] is None
    assert res["ratifiable_zone_empty"] is True
    # without the win-set a deal exists (B gains 2 from c = yes, A loses 0.5: x compensates)
    assert res["without_ratification"]["agreement"] is not None
    # "no agreement" in the protocol's words, with the reason
    result = sim.run(write_scenario(TEXT)).models["two_level"]
    assert result.status == Status.NO_AGREEMENT and "ratify" in result.reason
    assert result.summary().startswith("no agreement")


def test_candidate_map_marks_who_can_ratify(write_scenario):
    res = sim.run(write_scenario(TEXT)).models["two_level"]
    cmap = res.candidate_map
    n = cmap["size"]
    assert len(cmap["rows"]) == n and all(len(r) == n for r in cmap["rows"])
    present = 0
    for row in cmap["rows"]:
        for c in row:
            present |= int(c, 16)
    only_a = res.win_sets["A"]["n_candidates"] - res.intersection["n_candidates"]
    only_b = res.win_sets["B"]["n_candidates"] - res.intersection["n_candidates"]
    neither = res.n_candidates - only_a - only_b - res.intersection["n_candidates"]
    expected = [neither > 0, only_a > 0, only_b > 0, res.intersection["n_candidates"] > 0]
    assert [bool(present & (1 << g)) for g in range(4)] == expected
    # the map spans the candidates' payoffs: the no-deal point (a candidate) lies inside
    for party, (lo, hi) in cmap["bounds"].items():
        assert lo <= res.disagreement[party] <= hi


CHECKS = [
    ("{win_sets: {C: {min_gain: 0}}}", "win_sets.C", "no party 'C'"),
    ("{weights: {C: 1}}", "weights.C", "no party 'C'"),
    ("{tied_hands: C}", "tied_hands", "no party 'C'"),
    ("{win_sets: {A: {bounds: {z: {max: 1}}}}}", "win_sets.A.bounds.z.max", "no issue 'z'"),
    ("{win_sets: {A: {bounds: {c: {min: maybe}}}}}", "win_sets.A.bounds.c.min", "maybe"),
    ("{win_sets: {A: {bounds: {x: {min: 0.8, max: 0.2}}}}}", "win_sets.A.bounds.x", "min lies"),
]


@pytest.mark.parametrize(("options", "where", "words"), CHECKS)
def test_reference_problems_name_their_place(write_scenario, options, where, words):
    text = TEXT.split("models:")[0] + f"models:\n  two_level: {options}\n"
    with pytest.raises(ScenarioError) as err:
        sim.load(write_scenario(text))
    assert f"models.two_level.{where}" in str(err.value) and words in str(err.value)


def test_two_level_file_holds_its_options():
    from sim import registry

    mod = registry.model("two_level")
    assert Path(mod.__file__).name == "two_level.py"
    assert mod.Options.__module__ == mod.__name__ and mod.FIGURES == {"win_sets": "win_sets"}
