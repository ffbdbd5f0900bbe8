"""Two-level game: when the only ratifiable outcome is no deal, there is no agreement."""

from __future__ import annotations

import sim

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
