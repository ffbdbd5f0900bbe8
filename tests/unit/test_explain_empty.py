"""``sim.explain(s, outcome={})`` is the status quo (nothing changed), not both defaults."""

from __future__ import annotations

from conftest import ROOT

import sim

BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


def test_empty_outcome_is_the_status_quo():
    default = sim.explain(BASELINE)
    empty = sim.explain(BASELINE, outcome={})
    assert len(empty.outcomes) == 1
    assert empty.outcomes[0].label.startswith("status quo")
    assert empty.outcomes[0].to_dict() == default.outcomes[0].to_dict()
    assert len(sim.explain(BASELINE, outcome=[]).outcomes) == 1
