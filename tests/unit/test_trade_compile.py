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
    """docs/payoff-model.md, sections 2, 4 and 7, at the status quo (25 % on top of the
    2.5 % MFN), with the US car makers as Armington substitutes (issue 13).

    The import market clears by hand (log-linear in ``log(1+t)``); the domestic good's price
    moves by ``kappa`` times the import price, with ``kappa`` from the log-linear Armington
    system solved here as a 2x2 linear system (Armington 1969; Francois & Hall 1997), and the
    US makers' surplus is the integral of a constant-elasticity supply curve."""
    cars = spec.sectors["cars"]
    V, e, h = cars.value.value, cars.eps.value, cars.eta.value  # 43.58, 3.8, 3
    S0, es = cars.domestic_supply_value.value, cars.domestic_supply_elasticity.value
    sigma, ed = cars.substitution.value, cars.demand_elasticity.value
    t0, t = 0.025, 0.275
    rho = (1 + t) / (1 + t0)
    p_ratio = rho ** (h / (e + h))  # import price at home / base
    pw_ratio = rho ** (-e / (e + h))  # world price / base
    m_ratio = p_ratio**-e  # quantity / base
    buyers = -(1 + t0) * V * (p_ratio ** (1 - e) - 1) / (1 - e)  # buyers of the imports
    revenue = V * (t * pw_ratio * m_ratio - t0)
    exporter = V * (pw_ratio ** (1 + h) - 1) / (1 + h)
    # kappa = dln p_d / dln p_m: dlnP = s_m + (1 - s_m) dln p_d (composite price) and
    # -sigma (dln p_d - dlnP) - ed dlnP = es dln p_d (domestic demand = supply)
    s_m = (1 + t0) * V / ((1 + t0) * V + S0)
    a = np.array([[1.0, -(1 - s_m)], [sigma - ed, -(sigma + es)]])
    kappa = np.linalg.solve(a, np.array([s_m, 0.0]))[1]
    producers = S0 * ((p_ratio**kappa) ** (1 + es) - 1) / (1 + es)
    rows = explain(spec, STATUS_QUO).to_frame()
    rows = rows[rows["item"] == "cars"].set_index(["party", "component"])["value"]
    # the domestic good's buyers pay the producers' gain: consumer surplus = buyers - PS_d
    assert rows["US", "consumer surplus"] == pytest.approx(buyers - producers, rel=1e-12)
    assert rows["US", "domestic producer surplus"] == pytest.approx(producers, rel=1e-12)
    assert rows["US", "tariff revenue"] == pytest.approx(revenue, rel=1e-12)
    assert rows["US", "political weight x us_autos surplus"] == pytest.approx(0.5 * producers)
    assert rows["JP", "exporters' producer surplus"] == pytest.approx(exporter, rel=1e-12)
    assert rows["JP", "political weight x carmakers surplus"] == pytest.approx(0.5 * exporter)
    # the status quo is the precedent's reference: no spill-over there
    assert rows.filter(like="precedent").abs().max() == 0.0
    # as documented in docs/payoff-model.md (section 7)
    assert buyers == pytest.approx(-3.770, abs=5e-4)
    assert buyers - producers == pytest.approx(-7.713, abs=5e-4)
    assert producers == pytest.approx(3.943, abs=5e-4)
    assert revenue == pytest.approx(6.268, abs=5e-4)
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


def test_zero_tariff_and_zero_commitment_give_zero_welfare_change_but_the_precedent(spec, fns):
    """At zero extra tariffs and no commitment every welfare change is zero except the
    precedent term (issue 13), which is measured from the no-deal tariff: there it is
    ``-multiplier`` times the US objective on that sector at the status quo (a zero cut
    given to the others too), computed here from the status quo's own explain rows."""
    zero = {k: 0.0 for k in STATUS_QUO}
    frame = explain(spec, zero).to_frame()
    prec = frame["component"].str.startswith("precedent")
    assert (frame.loc[frame["kind"] == "welfare", "value"][~prec] == 0.0).all()
    assert frame.loc[prec, "party"].eq("US").all()
    m = spec.precedent.multiplier.value
    sq = explain(spec, STATUS_QUO).to_frame()
    for sector in spec.precedent.sectors:
        us = sq[(sq["party"] == "US") & (sq["item"] == sector) & sq["counted"]]
        own = us.loc[~us["component"].str.startswith("precedent"), "value"].sum()
        got = frame.loc[prec & (frame["item"] == sector), "value"].sum()
        assert got == pytest.approx(-m * own, rel=1e-12)
    totals = explain(spec, zero).totals()
    assert totals["JP"]["welfare"] == 0.0
    assert totals["US"]["welfare"] == pytest.approx(frame.loc[prec, "value"].sum(), rel=1e-12)
    assert fns["US"]["corn"]["none"] == 0.0
    assert fns["JP"]["shipbuilding"]["no"] == 0.0
    assert fns["US"]["investment"](0.0) == 0.0
    assert fns["JP"]["currency"]["no"] == 0.0
    assert float(fns["US"]["car_tariff"](0.0)) == pytest.approx(
        frame.loc[prec & frame["issue"].eq("car_tariff"), "value"].sum(), rel=1e-12
    )
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
