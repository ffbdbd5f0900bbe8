"""Validation of the trade ``payoffs`` schema (sim.scenario.trade_payoffs) and the baseline data."""

from __future__ import annotations

import copy
import math

import pytest
from pydantic import BaseModel, ValidationError

from sim.scenario.trade_payoffs import Param, Sector, TradePayoffs
from tests.trade_baseline import baseline_scenario, baseline_spec

SECTOR = {
    "issue": "car_tariff",
    "importer": "us",
    "exporter": "japan",
    "value": 40.0,
    "eps": 3.8,
    "eta": 10.0,
}


def test_plain_number_and_sourced_mapping_both_become_params():
    s = Sector.model_validate(
        SECTOR | {"eps": {"value": 3.8, "range": [2.5, 5.1], "source": "FACTS.md C"}}
    )
    assert s.value == Param(value=40.0)
    assert s.eps.range == (2.5, 5.1) and s.eps.source == "FACTS.md C"
    assert s.base_tariff_pct.value == 0.0
    assert s.eps.cite() == "3.8 [FACTS.md C; range 2.5–5.1]"


@pytest.mark.parametrize(
    ("patch", "match"),
    [
        ({"eps": {"value": 6.0, "range": [2.5, 5.1]}}, "outside its range"),
        ({"eps": {"value": 3.0, "range": [5.0, 2.0]}}, "low end above"),
        ({"eta": 0.0}, "eta must be positive"),
        ({"value": -1.0}, "non-negative"),
        ({"exporter": "us"}, "different parties"),
        ({"elasticity": 2.0}, "Extra inputs"),
        ({"eps": {"value": 3.0, "sorce": "typo"}}, "Extra inputs"),
    ],
)
def test_invalid_sectors_are_rejected(patch, match):
    with pytest.raises(ValidationError, match=match):
        Sector.model_validate(SECTOR | patch)


def test_models_are_frozen():
    s = Sector.model_validate(SECTOR)
    with pytest.raises(ValidationError):
        s.issue = "other"


def test_infinite_eta_is_a_small_country():
    s = Sector.model_validate(SECTOR | {"eta": float("inf")})
    assert math.isinf(s.eta.value)


def test_lobby_weights_must_tag_someone():
    data = {
        "sectors": {"cars": SECTOR | {"exporter_lobby": "carmakers"}},
        "weights": {"japan": {"lobbies": {"carmakers": 0.5}}},
    }
    TradePayoffs.model_validate(data)
    bad = copy.deepcopy(data)
    bad["weights"]["us"] = {"lobbies": {"carmakers": 0.5}}
    with pytest.raises(ValidationError, match="no sector or concession"):
        TradePayoffs.model_validate(bad)


def test_premium_needs_exactly_one_rule_and_concessions_a_known_kind():
    base = {"sectors": {"cars": SECTOR}}
    with pytest.raises(ValidationError, match="either zero_at"):
        TradePayoffs.model_validate(
            base
            | {
                "weights": {
                    "japan": {
                        "election_premium": [{"issue": "car_tariff", "value": 1.0, "zero_at": 25.0}]
                    }
                }
            }
        )
    with pytest.raises(ValidationError):
        TradePayoffs.model_validate(base | {"concessions": {"x": {"kind": "gift", "issue": "x"}}})
    with pytest.raises(ValidationError, match="at least one"):
        TradePayoffs.model_validate({})


def test_baseline_validates_and_every_figure_has_a_source_or_range():
    spec = baseline_spec()
    assert spec.parties() == ("US", "JP")
    assert "car_tariff" in spec.issues() and "corn" in spec.issues()

    def walk(node, path):
        if isinstance(node, Param):
            # a fact id, or a range with a note saying how it was chosen
            assert node.source or (node.range and node.note), f"{path}: unsourced"
        elif isinstance(node, BaseModel):
            for name in node.model_fields_set:  # defaults (0 base tariff, ...) are inert
                walk(getattr(node, name), f"{path}.{name}")
        elif isinstance(node, dict):
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, tuple):
            for k, v in enumerate(node):
                walk(v, f"{path}[{k}]")

    walk(spec, "payoffs")


def test_sector_values_add_up_to_us_imports_from_japan():
    """Cars + parts = $52.3bn; steel (¥302.7bn at 142.4 ¥/$) and aluminium ($0.06bn) are the
    steel sector; the sectors add up to the $148.2bn of US imports from Japan in 2024."""
    s = baseline_spec().sectors
    assert s["cars"].value.value + s["auto_parts"].value.value == pytest.approx(52.3, abs=0.01)
    steel = 302.7 / (21.3e3 / 149.6)
    assert s["steel"].value.value == pytest.approx(steel + 0.06, abs=0.01)
    assert sum(x.value.value for x in s.values()) == pytest.approx(148.2, abs=0.06)


def test_baseline_draws_every_elasticity_log_uniformly_over_its_range():
    """Issue 11: a sweep of the baseline draws each elasticity log-uniformly over its declared
    range (or follows the draw of the number it is tied to: cars and parts are one guess)."""
    from sim.scenario.uncertainty import LogUniform

    sc = baseline_scenario()
    unc = sc.uncertainty
    followers = {path: group[0] for group in unc.ties for path in group[1:]}
    assert followers == {
        "payoffs.sectors.auto_parts.eps": "payoffs.sectors.cars.eps",
        "payoffs.sectors.auto_parts.eta": "payoffs.sectors.cars.eta",
    }
    fields = ("eps", "eta", "substitution", "domestic_supply_elasticity", "demand_elasticity")
    seen = 0
    for name, sector in sc.payoffs.sectors.items():
        for field in fields:
            q = getattr(sector, field)
            if q.range is None or field not in sector.model_fields_set:
                continue
            path = f"payoffs.sectors.{name}.{field}"
            seen += 1
            if path in followers:
                leader = followers[path].rsplit(".", 2)[1]
                assert getattr(sc.payoffs.sectors[leader], field).range == q.range
                continue
            dist = unc.parameters[path]
            assert isinstance(dist, LogUniform), path
            assert (dist.lo, dist.hi) == tuple(q.range), path
    assert seen == 14


def test_every_baseline_number_cites_a_fact_or_is_a_dated_assumption_with_a_range():
    """Issue 13: every number of the baseline (outside the issues' own level definitions)
    cites a fact (``source:``) or is an assumption with ``context:`` (the fact that informed
    it) and a ``range``; every fact it cites refers to a date on or before the scenario's
    ``as_of`` — scheduled dates (``kind: date``: the July 9 deadline, the G7) excepted,
    which were announced before it — so nothing known only later informs it."""
    import yaml

    from tests.trade_baseline import BASELINE_PATH

    raw = yaml.safe_load(BASELINE_PATH.read_text())
    facts = {f["id"]: f for f in yaml.safe_load((BASELINE_PATH.parents[1] / "seeds" /
                                                  "facts.yaml").read_text())["facts"]}  # fmt: skip
    cited, bare = set(), []

    def walk(node, path):
        if isinstance(node, dict):
            for key in ("source", "context"):
                if isinstance(node.get(key), str):
                    cited.add(node[key])
            value = node.get("value")
            if isinstance(value, int | float) and not isinstance(value, bool):
                if not (node.get("source") or (node.get("context") and node.get("range"))):
                    bare.append(path)
                return
            for k, v in node.items():
                walk(v, f"{path}.{k}")
        elif isinstance(node, list):
            for k, v in enumerate(node):
                walk(v, f"{path}[{k}]")

    walk({k: v for k, v in raw.items() if k != "issues"}, "")
    for issue in raw["issues"]:
        walk({k: v for k, v in issue.items() if k != "levels"}, f".issues.{issue['id']}")
    assert bare == []
    assert cited and cited <= set(facts)
    late = [
        i
        for i in cited
        if facts[i].get("date") and facts[i]["date"] > raw["as_of"] and facts[i]["kind"] != "date"
    ]
    assert late == []
