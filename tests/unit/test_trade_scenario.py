"""The trade model inside a scenario: references, compile tolerance, hand-checked explain."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import MINIMAL, line_of

from sim import api
from sim.errors import ScenarioError
from sim.payoffs.trade_compile import trade_value_functions
from sim.payoffs.trade_values import adaptive_breakpoints, compile_trade, interpolation_error
from sim.scenario import load_scenario
from sim.space import OutcomeSpace
from tests.trade_baseline import BASELINE_PATH, baseline_issues, baseline_scenario

TRADE = """\
payoffs:
  model: trade
  sectors:
    widgets:
      issue: tariff
      importer: A
      exporter: B
      value: {value: 10, source: armington_elasticity}
      eps: 3.8
      eta: 5
      base_tariff_pct: 2
      exporter_lobby: makers
  concessions:
    corn:
      kind: purchase
      issue: corn
      buyer: B
      seller: A
      price_usd_per_t: 200
      seller_margin: 0.1
      buyer_premium: 0.05
    ships:
      kind: lump
      issue: ships
      gains: {A: 1.0, B: -0.4}
  weights:
    B:
      lobbies: {makers: 0.5}
      election_premium:
        - {issue: corn, levels: [none], value: 0.2}
packages:
"""


def _trade_text() -> str:
    head, _, rest = MINIMAL.partition("payoffs:\n")
    _, _, tail = rest.partition("packages:\n")
    return head + TRADE + tail


def _error(write_scenario, text: str) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(write_scenario(text))
    return info.value


def test_a_trade_scenario_loads_and_compiles_additively(write_scenario):
    sc = load_scenario(write_scenario(_trade_text())).scenario
    assert sc.payoffs.model == "trade"
    space = OutcomeSpace.from_scenario(sc)
    # additivity: the payoff of an outcome is the sum of its issues' exact values
    exact = trade_value_functions(
        sc.payoffs,
        {
            "tariff": "continuous",
            "corn": {"kind": "discrete", "levels": {"none": 0, "some": 1}},
            "ships": "binary",
        },
    )
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 10, 50)
    corn = rng.integers(0, 2, 50)
    ships = rng.integers(0, 2, 50)
    u = space.payoffs(np.column_stack([x, corn, ships]))
    for i, code in enumerate(("A", "B")):
        want = exact[code]["tariff"](x)
        want += np.array([exact[code]["corn"][["none", "some"][c]] for c in corn])
        want += np.array([exact[code]["ships"][["no", "yes"][s]] for s in ships])
        np.testing.assert_allclose(u[:, i], want, atol=sc.payoffs.tolerance)
    # discrete levels are exact: B pays 5 % over 200 $/t on 1 Mt and loses the premium
    assert space.values.functions[1][1].level_values.tolist() == pytest.approx([0.2, -0.01])


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "words"),
    [
        (
            "issue: tariff\n",
            "issue: tarif\n",
            "issue: tarif",
            "payoffs.sectors.widgets.issue",
            "no issue 'tarif'",
        ),
        (
            "issue: tariff\n",
            "issue: corn\n",
            "issue: corn",
            "payoffs.sectors.widgets.issue",
            "continuous",
        ),
        (
            "importer: A",
            "importer: US",
            "importer: US",
            "payoffs.sectors.widgets.importer",
            "no party 'US'",
        ),
        ("buyer: B", "buyer: JP", "buyer: JP", "payoffs.concessions.corn.buyer", "no party"),
        (
            "gains: {A: 1.0",
            "gains: {C: 1.0",
            "gains: {C",
            "payoffs.concessions.ships.gains.C",
            "no party 'C'",
        ),
        (
            "levels: [none]",
            "levels: [lots]",
            "levels: [lots]",
            "payoffs.weights.B.election_premium[0].levels[0]",
            "no level 'lots'",
        ),
        (
            "value: {value: 10, source: armington_elasticity}",
            'value: {value: 10, source: "FACTS.md A1"}',
            "FACTS.md A1",
            "payoffs.sectors.widgets.value.source",
            "not in the fact digest",
        ),
        (
            "eta: 5",
            "eta: {value: 5, range: [6, 9]}",
            "eta: {value",
            "payoffs.sectors.widgets.eta",
            "outside its range",
        ),
        ("model: trade", "model: gravity", "payoffs:", "payoffs", "'linear' or 'trade'"),
    ],
)
def test_bad_trade_payoffs_name_file_line_and_field(write_scenario, old, new, needle, field, words):
    text = _trade_text()
    assert old in text
    text = text.replace(old, new, 1)
    err = _error(write_scenario, text)
    assert len(err.problems) >= 1
    p = err.problems[0]
    assert p.field == field, err.format()
    assert words in p.message, err.format()
    assert p.line == line_of(text, needle), err.format()


def test_purchase_levels_beyond_the_cap_are_reported(write_scenario):
    text = _trade_text().replace(
        "buyer_premium: 0.05", "buyer_premium: 0.05\n      max_extra_mt: 0.5"
    )
    err = _error(write_scenario, text)
    assert err.problems[0].field == "payoffs.concessions.corn.max_extra_mt"
    assert "above max_extra_mt" in err.problems[0].message


# --------------------------------------------------------------------------- tolerance
def test_compiled_baseline_is_within_the_stated_tolerance():
    sc = baseline_scenario()
    err = interpolation_error(sc.payoffs, sc.issues, sc.party_codes, points=20_001)
    assert set(err) == {"car_tariff", "reciprocal_tariff", "steel_tariff", "investment"}
    assert max(err.values()) <= sc.payoffs.tolerance
    assert max(err.values()) > 0.2 * sc.payoffs.tolerance  # the grid is not needlessly fine


def test_tighter_tolerance_means_more_breakpoints_and_smaller_error():
    sc = baseline_scenario()
    tight = sc.payoffs.model_copy(update={"tolerance": 1e-4})
    loose = compile_trade(sc.payoffs, sc.issues, sc.party_codes)
    fine = compile_trade(tight, sc.issues, sc.party_codes)
    assert len(fine.functions[0][0].xs) > len(loose.functions[0][0].xs)
    err = interpolation_error(tight, sc.issues, sc.party_codes)
    assert max(err.values()) <= 1e-4


def test_adaptive_breakpoints_on_a_known_curve():
    """f = x^2 on [0, 1]: chord error h^2/4 at the midpoint, so pieces of width <= 2 sqrt(tol)."""
    xs = adaptive_breakpoints([np.square], 0.0, 1.0, tolerance=1e-3)
    assert np.diff(xs).max() <= 2 * np.sqrt(1e-3)
    dense = np.linspace(0, 1, 10_001)
    assert np.abs(np.interp(dense, xs, xs**2) - dense**2).max() <= 1e-3
    with pytest.raises(ValueError, match="discontinuous"):
        adaptive_breakpoints(
            [lambda x: (x > 0.3).astype(float)], 0, 1, tolerance=1e-3, max_points=100
        )


# --------------------------------------------------------------------------- hand check
def test_auto_parts_of_the_baseline_by_hand_matches_sim_explain():
    """docs/payoff-model.md section 2 on the baseline YAML's auto-parts figures, status quo."""
    from ruamel.yaml import YAML

    raw = YAML(typ="safe", pure=True).load(BASELINE_PATH.read_text())["payoffs"]["sectors"][
        "auto_parts"
    ]

    def num(q):
        return q["value"] if isinstance(q, dict) else q

    V = num(raw["value"])  # 8.72 $bn/yr
    eps, eta = num(raw["eps"]), num(raw["eta"])
    assert (eps, eta) == (3.8, 3.0)  # the Armington median and the cars' central eta
    t0, t = 0.0, 0.25  # base 0 %, 25 % extra at the status quo
    rho = (1 + t) / (1 + t0)
    a = eta / (eps + eta)
    b = eps / (eps + eta)
    p_ratio, pw_ratio = rho**a, rho ** (-b)
    m_ratio = rho ** (-eps * a)
    consumer = -(1 + t0) * V * (p_ratio ** (1 - eps) - 1) / (1 - eps)
    revenue = V * (t * pw_ratio * m_ratio - t0)
    exporter = V * (pw_ratio ** (1 + eta) - 1) / (1 + eta)
    frame = api.explain(BASELINE_PATH).to_frame()
    sq = frame[frame["outcome"].str.startswith("status quo") & (frame["item"] == "auto_parts")]
    got = sq.set_index(["party", "component"])["value"]
    assert got["US", "consumer surplus"] == pytest.approx(consumer, rel=1e-12)
    assert got["US", "tariff revenue"] == pytest.approx(revenue, rel=1e-12)
    assert got["JP", "exporters' producer surplus"] == pytest.approx(exporter, rel=1e-12)
    assert got["JP", "political weight x carmakers surplus"] == pytest.approx(0.5 * exporter)
    # the figures quoted in docs/payoff-model.md
    assert (consumer, revenue, exporter) == pytest.approx((-0.750, 1.324, -0.856), abs=5e-4)


def test_explain_totals_match_the_payoffs_the_solvers_use():
    loaded = api.load(BASELINE_PATH)
    ex = api.explain(loaded)
    space = OutcomeSpace.from_scenario(loaded.scenario)
    assert [o.label for o in ex.outcomes] == ["status quo (2025-05-31)", "package all"]
    for o in ex.outcomes:
        u = space.payoffs(space.outcome(o.outcome))
        totals = o.totals()
        for i, code in enumerate(space.parties):
            tol = loaded.scenario.payoffs.tolerance
            assert totals[code]["objective"] == pytest.approx(u[i], abs=tol)
    sq = space.payoffs(space.disagreement_outcome("as_of"))
    assert ex.outcomes[0].totals()["US"]["objective"] == pytest.approx(sq[0], abs=tol)


def test_explain_of_a_linear_scenario_shows_values_with_sources():
    ex = api.explain(
        BASELINE_PATH.with_name("japan_us_2025_linear.yaml"), outcome={"car_tariff": 10.0}
    )
    frame = ex.to_frame().set_index(["party", "item"])
    assert frame.loc[("US", "car_tariff"), "value"] == pytest.approx(0.26 * 10)
    assert "us_vehicle_imports_from_japan_2024" in frame.loc[("US", "car_tariff"), "inputs"]
    assert frame.loc[("JP", "car_tariff"), "value"] == pytest.approx(-0.96 * 10)


def test_explain_rejects_bad_input():
    with pytest.raises(ValueError, match="outside the range"):
        api.explain(BASELINE_PATH, outcome=["car_tariff=30"])
    with pytest.raises(ValueError, match="no issue 'cars'"):
        api.explain(BASELINE_PATH, outcome=["cars=3"])
    with pytest.raises(ValueError, match="ISSUE=VALUE"):
        api.explain(BASELINE_PATH, outcome=["car_tariff"])
    with pytest.raises(ValueError, match="no package"):
        api.explain(BASELINE_PATH, package="everything")
    assert baseline_issues()["rice"]["levels"] == {"no": 0.0, "yes": 1.0}
