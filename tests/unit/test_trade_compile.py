"""Compiled value functions and the explain table of the trade model on a baseline-like spec."""

from __future__ import annotations

import json

import numpy as np
import pytest

from sim.payoffs.breakdown import ExplainedOutcome, Explanation
from sim.payoffs.trade_compile import IssueValue, normalise_issue, trade_value_functions
from sim.payoffs.trade_explain import explain
from sim.scenario.trade_payoffs import TradePayoffs
from tests.trade_baseline import FULL_PACKAGE, STATUS_QUO, baseline_issues, baseline_spec

BASELINE_ISSUES = baseline_issues()


@pytest.fixture(scope="module")
def spec():
    return baseline_spec()


@pytest.fixture(scope="module")
def fns(spec):
    return trade_value_functions(spec, BASELINE_ISSUES)


def test_cars_sector_recomputed_by_hand_from_the_documented_formula(spec):
    """docs/payoff-model.md, section 2, at the status quo (25 % on top of the 2.5 % MFN)."""
    cars = spec.sectors["cars"]
    V, e, h = cars.value.value, cars.eps.value, cars.eta.value  # 43.58, 3.8, 3
    t0, t = 0.025, 0.275
    rho = (1 + t) / (1 + t0)
    p_ratio = rho ** (h / (e + h))  # domestic price / base
    pw_ratio = rho ** (-e / (e + h))  # world price / base
    m_ratio = p_ratio**-e  # quantity / base
    consumer = -(1 + t0) * V * (p_ratio ** (1 - e) - 1) / (1 - e)
    revenue = V * (t * pw_ratio * m_ratio - t0)
    exporter = V * (pw_ratio ** (1 + h) - 1) / (1 + h)
    rows = explain(spec, STATUS_QUO).to_frame()
    rows = rows[rows["item"] == "cars"].set_index(["party", "component"])["value"]
    assert rows["US", "consumer surplus"] == pytest.approx(consumer, rel=1e-12)
    assert rows["US", "tariff revenue"] == pytest.approx(revenue, rel=1e-12)
    assert rows["JP", "exporters' producer surplus"] == pytest.approx(exporter, rel=1e-12)
    assert rows["JP", "political weight x carmakers surplus"] == pytest.approx(0.5 * exporter)
    # as documented in docs/payoff-model.md (section 7): US +2.498, Japan -4.206 $bn/yr
    assert consumer + revenue == pytest.approx(2.498, abs=5e-4)
    assert exporter == pytest.approx(-4.206, abs=5e-4)


def test_value_functions_are_vectorised_and_match_explain_totals(spec, fns):
    for outcome in (STATUS_QUO, FULL_PACKAGE):
        totals = explain(spec, outcome).totals()
        for party in ("US", "JP"):
            u = 0.0
            for issue, f in fns[party].items():
                x = outcome[issue]
                if callable(f):
                    u += float(f(np.array([x]))[0])
                else:
                    _, levels = normalise_issue(BASELINE_ISSUES[issue])
                    (name,) = [k for k, v in levels.items() if v == x]  # must be a level
                    u += f[name]
            assert u == pytest.approx(totals[party]["objective"], rel=1e-12, abs=1e-12)
    xs = np.linspace(0.0, 25.0, 11)
    assert fns["US"]["car_tariff"](xs).shape == xs.shape
    assert isinstance(fns["US"]["car_tariff"], IssueValue)


def test_zero_tariff_and_zero_commitment_give_zero_welfare_change(spec, fns):
    zero = {k: 0.0 for k in STATUS_QUO}
    totals = explain(spec, zero).totals()
    assert totals["US"]["welfare"] == 0.0 and totals["JP"]["welfare"] == 0.0
    assert fns["US"]["corn"]["none"] == 0.0
    assert fns["JP"]["shipbuilding"]["no"] == 0.0
    assert float(fns["US"]["car_tariff"](0.0)) == 0.0
    # Japan's only non-zero term at zero tariff is the election premium for the removal
    assert float(fns["JP"]["car_tariff"](0.0)) == pytest.approx(1.0)
    assert float(fns["JP"]["car_tariff"](25.0)) < 0.0


def test_discrete_levels_value_purchases_as_volume_times_price_times_margin(spec, fns):
    corn = spec.concessions["corn"]
    price = corn.price_usd_per_t.value
    for name, mt in BASELINE_ISSUES["corn"]["levels"].items():
        us = mt * price * corn.seller_margin.value / 1000 * (1 + 0.5)  # welfare + farm weight
        jp = -mt * price * corn.buyer_premium.value / 1000
        assert fns["US"]["corn"][name] == pytest.approx(us, rel=1e-12)
        assert fns["JP"]["corn"][name] == pytest.approx(jp, rel=1e-12)


def test_exporter_objective_falls_and_importer_peaks_at_optimal_tariff(spec, fns):
    xs = np.linspace(0.0, 60.0, 601)
    jp = fns["JP"]["reciprocal_tariff"](xs)
    assert np.all(np.diff(jp) < 0)
    us = fns["US"]["reciprocal_tariff"](xs)
    eta = spec.sectors["other_goods"].eta.value
    assert xs[np.argmax(us)] == pytest.approx(100.0 / eta, abs=0.1)


def test_explain_rows_add_up_and_serialise(spec):
    ex = explain(spec, STATUS_QUO)
    frame = ex.to_frame()
    counted = frame[frame["counted"]].groupby("party")["value"].sum()
    for party, t in ex.totals().items():
        assert counted[party] == pytest.approx(t["objective"])
        assert t["welfare"] + t["political"] == pytest.approx(t["objective"])
    assert set(frame["kind"]) == {"welfare", "political", "memo"}
    assert frame["inputs"].str.len().min() > 0
    cars = frame[(frame["item"] == "cars") & (frame["party"] == "US")]
    assert cars["inputs"].str.contains("us_vehicle_imports_from_japan_2024").all()
    json.dumps(ex.to_dict())


def test_explain_gives_the_one_explanation_type(spec):
    """The trade breakdown of one outcome is what `sim explain` gathers per outcome."""
    import sim.explanation

    ex = explain(spec, STATUS_QUO, label="status quo")
    assert type(ex) is ExplainedOutcome is sim.explanation.ExplainedOutcome
    assert sim.explanation.Explanation is Explanation
    assert ex.to_dict()["label"] == "status quo"
    whole = Explanation("s", "trade", "$bn/yr", ("US", "JP"), (ex,))
    assert whole.to_frame().drop(columns="outcome").equals(ex.to_frame())


def test_explain_resolves_level_names_and_rejects_incomplete_outcomes(spec):
    named = dict(STATUS_QUO, corn="+3 Mt", shipbuilding="yes")
    numeric = dict(STATUS_QUO, corn=3.0, shipbuilding=1.0)
    a = explain(spec, named, issues=BASELINE_ISSUES).totals()
    b = explain(spec, numeric).totals()
    for party in a:
        assert a[party] == pytest.approx(b[party], rel=1e-15)
    with pytest.raises(ValueError, match="pass issues="):
        explain(spec, named)
    with pytest.raises(ValueError, match="no value for issues"):
        explain(spec, {"car_tariff": 25.0})


def test_compile_checks_issues(spec):
    with pytest.raises(ValueError, match="does not define"):
        trade_value_functions(spec, {"car_tariff": "continuous"})
    with pytest.raises(ValueError, match="needs levels"):
        trade_value_functions(spec, dict(BASELINE_ISSUES, corn="discrete"))
    extra = trade_value_functions(spec, dict(BASELINE_ISSUES, yen="continuous"))
    assert float(extra["US"]["yen"](5.0)) == 0.0


def test_levels_accept_several_shapes():
    pairs = {"kind": "discrete", "levels": [("a", 0), ("b", 2)]}
    dicts = {"kind": "discrete", "levels": [{"name": "a", "value": 0}, {"name": "b", "value": 2}]}
    assert normalise_issue(pairs) == normalise_issue(dicts) == ("discrete", {"a": 0.0, "b": 2.0})
    assert normalise_issue("binary") == ("binary", {"no": 0.0, "yes": 1.0})
    with pytest.raises(ValueError, match="kind"):
        normalise_issue("fuzzy")


def test_lump_and_premium_on_a_small_spec():
    spec = TradePayoffs.model_validate(
        {
            "concessions": {
                "ships": {
                    "kind": "lump",
                    "issue": "ships",
                    "gains": {"US": 2.0, "JP": -0.5},
                    "lobbies": {"US": "yards"},
                }
            },
            "weights": {
                "US": {
                    "lobbies": {"yards": 1.0},
                    "election_premium": [{"issue": "ships", "value": 0.3, "levels": ["yes"]}],
                }
            },
        }
    )
    fns = trade_value_functions(spec, {"ships": "binary"})
    assert fns["US"]["ships"] == {"no": 0.0, "yes": pytest.approx(2.0 + 2.0 + 0.3)}
    assert fns["JP"]["ships"] == {"no": 0.0, "yes": -0.5}
    with pytest.raises(ValueError, match="continuous"):
        trade_value_functions(spec, {"ships": "continuous"})


def test_levels_beyond_a_documented_cap_are_rejected(spec):
    rice = {"kind": "discrete", "levels": {"no": 0.0, "double": 2.0}}  # 2 x 0.424 Mt > headroom
    with pytest.raises(ValueError, match="max_extra_mt"):
        trade_value_functions(spec, dict(BASELINE_ISSUES, rice=rice))
