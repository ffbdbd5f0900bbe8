"""The uncertainty: section (schema, checks with file:line) and the sampling designs."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest
from scipy import stats

import sim
from sim.analysis.design import factors, make_design, parse_grid
from sim.errors import ScenarioError

ROOT = Path(__file__).resolve().parents[2]
BASE = ROOT / "scenarios" / "japan_us_2025.yaml"
SPLIT = ROOT / "tests" / "fixtures" / "sweep" / "split.yaml"


def _base_without_uncertainty(tmp_path) -> Path:
    """The baseline without its own ``uncertainty:`` section, so that a test's section is
    the only one (``extends:`` would merge the two)."""
    text = BASE.read_text()
    start = text.index("\nuncertainty:\n")
    end = text.index("\nmodels:\n", start)
    path = tmp_path / "base.yaml"
    path.write_text(text[:start] + text[end:])
    return path


def _write(tmp_path, body: str) -> Path:
    path = tmp_path / "u.yaml"
    path.write_text(f"extends: {_base_without_uncertainty(tmp_path)}\n" + textwrap.dedent(body))
    return path


def test_problems_name_file_line_and_path(tmp_path):
    path = _write(tmp_path, """\
        uncertainty:
          parameters:
            payoffs.sectors.cars.nope: {dist: uniform, lo: 0, hi: 1}
            calendar.discount_rate.US: {dist: log_uniform, lo: 0.01, hi: 1.0}
            models.private_information.types.0.probability: {dist: uniform, lo: 0.3, hi: 0.6}
          ties:
            - [payoffs.sectors.cars.eps, payoffs.sectors.auto_parts.value]
        """)
    with pytest.raises(ScenarioError) as err:
        sim.validate(path)
    text = err.value.format()
    assert f"{path}:4:" in text and "unknown parameter path" in text
    assert f"{path}:5:" in text and "outside the declared range [0.05, 1]" in text
    assert f"{path}:6:" in text and "must sum to one" in text
    assert f"{path}:8:" in text and "outside its declared range [6.1, 11.3]" in text


def test_schema_rejects_bad_distributions(tmp_path):
    path = _write(tmp_path, """\
        uncertainty:
          parameters:
            payoffs.sectors.cars.eps: {dist: triangular, lo: 2.5, mode: 6, hi: 5.1}
        """)
    with pytest.raises(ScenarioError, match="mode"):
        sim.load(path)


def test_distributions_ties_and_marginals(tmp_path):
    path = _write(tmp_path, """\
        uncertainty:
          seed: 11
          others: fixed
          parameters:
            payoffs.sectors.cars.eps: {dist: triangular, lo: 2.5, mode: 3.8, hi: 5.1}
            calendar.discount_rate.US: {dist: log_uniform, lo: 0.05, hi: 1.0}
            payoffs.sectors.cars.value: {dist: truncated_normal, mean: 44, sd: 1}
            payoffs.weights.US.lobbies.farm: {dist: choice, values: [0.5, 1.5], weights: [3, 1]}
            payoffs.concessions.corn.seller_margin: {dist: beta, a: 2, b: 5, lo: 0, hi: 0.3}
          ties:
            - [payoffs.sectors.cars.eps, payoffs.sectors.auto_parts.eps]
        """)
    loaded = sim.validate(path)
    design = make_design(loaded, method="lhs", samples=4000)
    assert design.seed == 11
    d = design.draws()
    assert set(d.columns) == {
        "payoffs.sectors.cars.eps", "payoffs.sectors.auto_parts.eps",
        "calendar.discount_rate.US", "payoffs.sectors.cars.value",
        "payoffs.weights.US.lobbies.farm", "payoffs.concessions.corn.seller_margin",
    }
    eps = d["payoffs.sectors.cars.eps"]
    np.testing.assert_array_equal(eps, d["payoffs.sectors.auto_parts.eps"])
    # closed forms: triangular mean (a + c + b) / 3; log-uniform median sqrt(lo hi);
    # the truncated normal stays in the declared range [42.1, 46.2]; choice weights 3:1;
    # Beta(2, 5) on [0, 0.3] has mean 0.3 * 2 / 7
    assert d["payoffs.sectors.cars.eps"].mean() == pytest.approx((2.5 + 3.8 + 5.1) / 3, abs=0.01)
    assert d["calendar.discount_rate.US"].median() == pytest.approx(np.sqrt(0.05), rel=0.02)
    v = d["payoffs.sectors.cars.value"]
    assert 42.1 <= v.min() and v.max() <= 46.2
    assert (d["payoffs.weights.US.lobbies.farm"] == 0.5).mean() == pytest.approx(0.75, abs=0.01)
    margin = d["payoffs.concessions.corn.seller_margin"]
    assert margin.mean() == pytest.approx(0.3 * 2 / 7, rel=0.02)
    # every draw passes the batched evaluation's range checks
    sim.evaluate(loaded, d.head(3), models="nash_bargaining")


def test_rank_correlation_keeps_marginals(tmp_path):
    path = _write(tmp_path, """\
        uncertainty:
          others: fixed
          parameters:
            calendar.discount_rate.US: {dist: uniform, lo: 0.05, hi: 1.0}
            calendar.discount_rate.JP: {dist: uniform, lo: 0.05, hi: 1.0}
          correlations:
            - {between: [calendar.discount_rate.US, calendar.discount_rate.JP], rho: 0.7}
        """)
    loaded = sim.load(path)
    plain = make_design(loaded, method="lhs", samples=2000)
    d = plain.draws()
    rho = stats.spearmanr(d.iloc[:, 0], d.iloc[:, 1]).statistic
    assert rho == pytest.approx(0.7, abs=0.03)
    # a Latin hypercube column keeps one point per stratum after the reordering
    strata = np.floor(plain.points[:, 0] * 2000).astype(int)
    assert sorted(strata) == list(range(2000))
    with pytest.raises(ValueError, match="independent inputs"):
        make_design(loaded, method="sobol", samples=100)


def test_default_draws_leave_probabilities_out(tmp_path):
    """Without an uncertainty: section every declared range is a factor but probabilities;
    with the baseline's own, the followers of its ties are not factors of their own (they
    take their leader's draw) and nothing else changes."""
    declared = {p.path for p in sim.declared_parameters(BASE)}
    bare = {f.path for f in factors(sim.load(_base_without_uncertainty(tmp_path)))}
    assert not any("probabilit" in p for p in bare)
    assert bare == {p for p in declared if "probabilit" not in p}
    shipped = factors(sim.load(BASE))
    followers = {p for f in shipped for p in f.followers}
    assert followers == {"payoffs.sectors.auto_parts.eps", "payoffs.sectors.auto_parts.eta"}
    assert {f.path for f in shipped} == bare - followers


def test_designs_sizes_and_seeds():
    loaded = sim.load(SPLIT)
    sob = make_design(loaded, method="sobol", samples=64, seed=3)
    assert sob.base == 16 and sob.n == 16 * (2 + 2)
    mor = make_design(loaded, method="morris", samples=30, seed=3)
    assert mor.n == 10 * 3
    a = make_design(loaded, method="mc", samples=50, seed=5).draws()
    b = make_design(loaded, method="mc", samples=50, seed=5).draws()
    assert a.equals(b)
    with pytest.raises(ValueError, match="not a drawn parameter"):
        make_design(loaded, params=["disagreement.adjustments.B"])


def test_grid_is_full_factorial():
    path, values = parse_grid("disagreement.adjustments.A=-0.5:0.3:5")
    assert path == "disagreement.adjustments.A"
    np.testing.assert_allclose(values, [-0.5, -0.3, -0.1, 0.1, 0.3])
    g = make_design(sim.load(SPLIT), grid=["disagreement.adjustments.A=-0.5:0.3:5",
                                           "calendar.breakdown_risk=0:0.2:3"])
    assert g.n == 15 and len(g.draws().drop_duplicates()) == 15
    with pytest.raises(ValueError, match="PATH=LO:HI:N"):
        parse_grid("x=1:2")


def test_uniform_factors_draw_scipys_quantiles_bit_for_bit():
    """A uniform factor's values (u * scale + loc) are scipy.stats.uniform.ppf's exactly,
    at the ends of the unit interval too."""
    import dataclasses

    from sim.analysis.design import make_design

    base = sim.load(ROOT / "scenarios" / "japan_us_2025.yaml")
    design = make_design(base, method="lhs", samples=257, seed=3)
    u = np.r_[design.points[:, 0], 0.0, 1.0, np.nextafter(1.0, 0), 5e-324]
    uniform = [f for f in design.factors if f.uniform is not None]
    assert len(uniform) > 30
    for f in uniform:
        generic = dataclasses.replace(f, uniform=None)  # scipy's ppf
        np.testing.assert_array_equal(f.values(u), generic.values(u))
