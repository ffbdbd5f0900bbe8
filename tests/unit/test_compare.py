"""sim.compare: oracles are closed forms on a one-tariff linear scenario and brute force."""

from __future__ import annotations

import itertools
import textwrap

import numpy as np
import pytest

import sim
from sim.analysis.compare import efficient_mask

AXIOMATIC = ["nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"]

# US keeps ALPHA $bn per point of tariff, Japan loses BETA; Japan's concessions a, b, c are
# worth V to the US and cost C to Japan.  No deal: tariff 20, no concession.
ALPHA, BETA, T0 = 0.1, 0.3, 20.0
V = {"a": 2.0, "b": 1.0, "c": 0.5}
C = {"a": 0.5, "b": 1.0, "c": 2.0}
ADJ = {"US": 0.2, "JP": -0.4}

LINEAR = textwrap.dedent(
    f"""
    id: one_tariff
    title: one tariff, three concessions
    as_of: 2025-01-01
    parties: [{{code: US, name: US}}, {{code: JP, name: JP}}]
    issues:
      - {{id: tariff, name: tariff, kind: continuous, unit: "%", range: [0, {T0}],
          controlled_by: US}}
      - {{id: a, name: a, kind: binary, controlled_by: JP}}
      - {{id: b, name: b, kind: binary, controlled_by: JP}}
      - {{id: c, name: c, kind: binary, controlled_by: JP}}
    disagreement:
      outcome: {{tariff: {T0}, a: "no", b: "no", c: "no"}}
      adjustments:
        US: {{value: {ADJ["US"]}, range: [0, 0.4]}}
        JP: {{value: {ADJ["JP"]}, range: [-0.8, 0]}}
    payoffs:
      model: linear
      parties:
        US:
          tariff: {{linear: {ALPHA}}}
          a: {{levels: {{"yes": {{value: {V["a"]}, range: [1.5, 2.5]}}}}}}
          b: {{levels: {{"yes": {V["b"]}}}}}
          c: {{levels: {{"yes": {V["c"]}}}}}
        JP:
          tariff: {{linear: {-BETA}}}
          a: {{levels: {{"yes": {-C["a"]}}}}}
          b: {{levels: {{"yes": {-C["b"]}}}}}
          c: {{levels: {{"yes": {-C["c"]}}}}}
    packages:
      - {{id: pa, offered_by: JP, settings: {{a: "yes"}}}}
      - {{id: pb, offered_by: JP, settings: {{b: "yes"}}}}
      - {{id: pc, offered_by: JP, settings: {{c: "yes"}}}}
    models: {{nash_bargaining: {{}}, kalai_smorodinsky: {{}}, utilitarian: {{}}, egalitarian: {{}}}}
    """
)


@pytest.fixture(scope="module")
def linear(tmp_path_factory):
    path = tmp_path_factory.mktemp("compare") / "one_tariff.yaml"
    path.write_text(LINEAR)
    return sim.load(path)


def _nash_relief(v: float, c: float) -> float | None:
    """argmax over relief r of (v - ALPHA r - aU)(BETA r - c - aJ): the stationary point
    r = (ALPHA (c + aJ) + BETA (v - aU)) / (2 ALPHA BETA), if both gains are positive."""
    r = (ALPHA * (c + ADJ["JP"]) + BETA * (v - ADJ["US"])) / (2 * ALPHA * BETA)
    r = min(max(r, 0.0), T0)
    g_us, g_jp = v - ALPHA * r - ADJ["US"], BETA * r - c - ADJ["JP"]
    return r if g_us > 0 and g_jp > 0 else None


def test_relief_cost_and_value_equal_the_closed_form(linear):
    t = sim.compare(linear, models="nash_bargaining").set_index("package")
    for pid, k in (("pa", "a"), ("pb", "b"), ("pc", "c")):
        row = t.loc[pid]
        assert row["cost"] == pytest.approx(C[k]) and row["value"] == pytest.approx(V[k])
        assert row["giver"] == "JP" and row["receiver"] == "US"
        # the no-deal payoffs are those of the scenario, not of the package on its own
        assert row["disagreement.US"] == pytest.approx(ALPHA * T0 + ADJ["US"])
        assert row["disagreement.JP"] == pytest.approx(-BETA * T0 + ADJ["JP"])
        r = _nash_relief(V[k], C[k])
        if r is None:
            assert row["status"] == "no_agreement" and row["relief"] == 0.0
            continue
        assert row["relief"] == pytest.approx(r, abs=1e-6)
        assert row["relief.tariff"] == pytest.approx(r, abs=1e-6)
        assert row["gain.US"] == pytest.approx(V[k] - ALPHA * r - ADJ["US"], abs=1e-6)
        assert row["gain.JP"] == pytest.approx(BETA * r - C[k] - ADJ["JP"], abs=1e-6)
        assert row["relief_per_cost"] == pytest.approx(r / C[k], abs=1e-6)
    assert _nash_relief(V["a"], C["a"]) == pytest.approx(9.1666666, abs=1e-6)


def test_a_dominating_package_ranks_first_under_every_model(linear):
    t = sim.compare(linear, ["pa", "pb"], models=AXIOMATIC)
    first = t[t["rank"] == 1]
    assert sorted(first["model"]) == sorted(AXIOMATIC)
    assert set(first["package"]) == {"pa"}
    assert (t.loc[t["package"] == "pa", "first_models"] == 4).all()
    assert (t.loc[t["package"] == "pa", "efficient"]).all()
    assert not (t.loc[t["package"] == "pb", "efficient"]).any()


def test_a_package_the_other_side_never_accepts_is_reported(linear):
    # c is worth 0.5 to the US and costs Japan 2: no tariff cut pays for it on both sides
    t = sim.compare(linear, ["pc", "pa"], models=AXIOMATIC)
    pc = t[t["package"] == "pc"]
    assert (pc["status"] == "no_agreement").all()
    assert not pc["accepted"].any()
    # it misses by the best min-gain any tariff gives: max_r min(0.3 - 0.1 r, 0.3 r - 1.6)
    r = (0.3 + 1.6) / 0.4
    assert pc["margin"].to_numpy() == pytest.approx(0.3 - 0.1 * r, abs=1e-9)
    assert (pc["margin"] < 0).all()
    assert (t.loc[t["package"] == "pa", "accepted"]).all()
    assert (t.loc[t["package"] == "pc", "rank"] == 2).all()


def _brute_efficient(relief, cost):
    out = []
    for p in range(len(relief)):
        dominated = any(
            relief[q] >= relief[p]
            and cost[q] <= cost[p]
            and (relief[q] > relief[p] or cost[q] < cost[p])
            for q in range(len(relief))
            if q != p
        )
        out.append(not dominated)
    return out


def test_efficient_set_equals_a_brute_force_check(linear):
    t = sim.compare(linear, all_combinations=True, models=AXIOMATIC)
    assert len(t) == 8 * 4
    assert set(t["package"]) == {"none", "a=yes", "b=yes", "c=yes", "a=yes+b=yes",
                                 "a=yes+c=yes", "b=yes+c=yes", "a=yes+b=yes+c=yes"}  # fmt: skip
    for _, grp in t.groupby("model"):
        got = grp["efficient"].tolist()
        assert got == _brute_efficient(grp["relief"].tolist(), grp["cost"].tolist())
        assert any(got)
    rng = np.random.default_rng(3)
    for _ in range(20):  # ties included: integers
        r, c = rng.integers(0, 4, 12).astype(float), rng.integers(0, 4, 12).astype(float)
        assert efficient_mask(r, c).tolist() == _brute_efficient(r, c)


def test_samples_give_shares_and_one_row_per_draw(linear):
    t = sim.compare(linear, models=["nash_bargaining", "egalitarian"], samples=30, seed=4)
    central = t[t["draw"].isna()]
    assert len(central) == 3 * 2 and len(t) == 3 * 2 * 31
    assert central["share_first"].between(0, 1).all()
    # a varies within [1.5, 2.5] and still beats b, which c never does
    assert (central.loc[central["package"] == "pa", "share_first"] == 1.0).all()
    assert (central.loc[central["package"] == "pc", "share_first"] == 0.0).all()
    again = sim.compare(linear, models=["nash_bargaining", "egalitarian"], samples=30, seed=4)
    assert again.equals(t)
    # draws of a's value move its value to the US in step
    per = t[(t["package"] == "pa") & t["draw"].notna()]
    assert per["value"].between(1.5, 2.5).all() and per["value"].nunique() > 1


def test_baseline_packages_cost_what_explain_says():
    path = "scenarios/japan_us_2025.yaml"
    t = sim.compare(path, ["farm", "all"], models="nash_bargaining").set_index("package")
    status_quo = sim.explain(path, outcome={"corn": "none"}).totals_frame()  # the status quo
    for pid in ("farm", "all"):
        tot = sim.explain(path, package=pid).totals_frame()
        diff = {p: _total(tot, p) - _total(status_quo, p) for p in ("US", "JP")}
        assert t.loc[pid, "cost"] == pytest.approx(-diff["JP"], abs=1e-9)
        assert t.loc[pid, "value"] == pytest.approx(diff["US"], abs=1e-9)
        row = t.loc[pid]
        gains = row["gain.US"] > 0 and row["gain.JP"] > 0
        assert row["accepted"] == (gains and row["ratifiable"])
    # the US win-set asks for at least +1 Mt of corn and a car tariff of 10 % or more
    lo = sim.compare(path, ["cars"], models="utilitarian").iloc[0]
    assert lo["agreement.car_tariff"] < 10 or lo["agreement.corn"] == "none"
    assert not lo["ratifiable"] and not lo["accepted"]


def _total(frame, party):
    return float(frame.loc[frame["party"] == party, "objective"].iloc[0])


def test_unknown_package_and_model_are_refused(linear):
    with pytest.raises(ValueError, match="no package 'nope'"):
        sim.compare(linear, ["nope"])
    with pytest.raises(sim.errors.UnknownModelError):
        sim.compare(linear, models="nope")


@pytest.mark.parametrize("combo", list(itertools.product([0, 1], repeat=2)))
def test_every_combination_has_its_settings(linear, combo):
    t = sim.compare(linear, all_combinations=True, models="utilitarian")
    name = "+".join(k + "=yes" for k, on in zip("ab", combo, strict=True) if on) or "none"
    row = t[t["package"] == name].iloc[0]
    assert row["cost"] == pytest.approx(sum(C[k] for k, on in zip("ab", combo, strict=True) if on))


def test_combinations_that_are_named_packages_say_so(linear):
    t = sim.compare(linear, all_combinations=True, models="utilitarian").set_index("package")
    assert t.loc["a=yes", "named"] == "pa" and t.loc["a=yes", "name"] == "pa"
    assert t.loc["a=yes+b=yes", "named"] == ""


def test_win_sets_bound_acceptance(linear, tmp_path):
    # Japan can ratify only a tariff of at most 12: Nash's 20 - 9.17 = 10.83 passes, b's
    # 15 does not; the US cannot ratify concession c at all
    extra = """
      two_level:
        win_sets:
          JP: {bounds: {tariff: {max: 12}}}
          US: {bounds: {c: {max: "no"}}}
    """
    path = tmp_path / "ws.yaml"
    path.write_text(
        LINEAR
        + textwrap.indent(textwrap.dedent(extra), "  ").replace("\n  two_level", "\n  two_level", 1)
    )
    text = path.read_text().replace(
        "models: {nash_bargaining: {}, kalai_smorodinsky: {}, utilitarian: {}, egalitarian: {}}",
        "models:\n  nash_bargaining: {}",
    )
    path.write_text(text)
    t = sim.compare(path, models=["nash_bargaining", "two_level"]).set_index(["package", "model"])
    assert t.loc[("pa", "nash_bargaining"), "ratifiable"]
    assert t.loc[("pa", "nash_bargaining"), "accepted"]
    assert not t.loc[("pb", "nash_bargaining"), "ratifiable"]
    assert not t.loc[("pb", "nash_bargaining"), "accepted"]
    assert not t.loc[("pc", "nash_bargaining"), "accepted"]
    assert t.loc[("pa", "two_level"), "status"] == "ok"
    assert t.loc[("pa", "two_level"), "agreement.tariff"] <= 12 + 1e-9


def _closed_form_relief(model: str, v: float, c: float) -> float | None:
    """Relief r of the one-tariff scenario's deal under each axiomatic model, in closed form:
    the gains are g_US(r) = v - aU - ALPHA r and g_JP(r) = BETA r - c - aJ on r in [0, T0]."""
    a, b = v - ADJ["US"], c + ADJ["JP"]  # g_US = a - ALPHA r, g_JP = BETA r - b
    lo, hi = max(b / BETA, 0.0), min(a / ALPHA, T0)  # both gains >= 0
    if lo >= hi or a - ALPHA * lo <= 0 or BETA * hi - b <= 0:
        return None
    if model == "nash_bargaining":
        r = (ALPHA * b + BETA * a) / (2 * ALPHA * BETA)
    elif model == "utilitarian":  # BETA > ALPHA: every point of relief adds to the sum
        r = hi
    elif model == "egalitarian":  # equal gains
        r = (a + b) / (ALPHA + BETA)
    else:  # KS: gains in proportion to each side's best individually rational gain
        i_us, i_jp = a - ALPHA * lo, BETA * hi - b
        r = (a * i_jp + b * i_us) / (ALPHA * i_jp + BETA * i_us)
    return min(max(r, lo), hi)


def test_every_package_under_every_axiomatic_model_equals_the_closed_form(linear):
    t = sim.compare(linear, all_combinations=True, models=AXIOMATIC)
    checked = 0
    for _, row in t.iterrows():
        given = [k for k in "abc" if f"{k}=yes" in row["package"]]
        r = _closed_form_relief(row["model"], sum(V[k] for k in given), sum(C[k] for k in given))
        if r is None:
            assert row["status"] == "no_agreement", (row["package"], row["model"])
            continue
        checked += 1
        assert row["status"] == "ok"
        assert row["relief"] == pytest.approx(r, abs=1e-9), (row["package"], row["model"])
    assert checked >= 16


@pytest.mark.parametrize(
    "path", ["scenarios/japan_us_2025.yaml", "scenarios/japan_us_2025_linear.yaml"]
)
def test_two_level_deal_is_the_deal_run_finds(path):
    # compare runs two_level's deal() per package: the fields it reads must be run's
    from sim.models import two_level
    from sim.space import OutcomeSpace

    sc = sim.load(path).scenario
    space = OutcomeSpace.from_scenario(sc)
    options = sc.models.two_level or two_level.Options()
    for opts in (options, two_level.Options()):  # with the scenario's win-sets and without
        full, alone = two_level.run(space, opts), two_level.deal(space, opts)
        for field in ("status", "agreement", "payoffs", "disagreement", "n_candidates",
                      "without_ratification", "ratifiable_zone_empty"):  # fmt: skip
            assert getattr(alone, field) == getattr(full, field), field
