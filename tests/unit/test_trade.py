"""Closed-form and independent-oracle tests of the one-sector tariff model (sim.payoffs.trade)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.integrate import quad
from scipy.optimize import brentq, minimize_scalar

from sim.payoffs.trade import optimal_tariff, pass_through, sector_welfare
from tests.strategies import trade_markets


def _oracle(t, *, value, eps, eta, base_tariff):
    """Independent implementation: clear the market numerically and integrate the curves.

    Import demand M(p) = V (p / p0)^-eps with p0 = 1 + t0 (world price normalised to 1 at
    base), export supply X(q) = V q^eta; surpluses are areas left of the curves (quad).
    """
    p0 = 1.0 + base_tariff

    def demand(p):
        return value * (p / p0) ** -eps

    def supply(q):
        return value * q**eta

    log_q = brentq(
        lambda lq: np.log(demand((1 + t) * np.exp(lq))) - np.log(supply(np.exp(lq))),
        -20.0,
        20.0,
        xtol=1e-14,
    )
    q = np.exp(log_q)
    p1 = (1 + t) * q
    m1 = supply(q)
    buyers = -quad(demand, p0, p1, epsabs=1e-13, epsrel=1e-12)[0]
    revenue = t * q * m1 - base_tariff * value
    exporter = quad(supply, 1.0, q, epsabs=1e-13, epsrel=1e-12)[0]
    return {
        "importer": buyers + revenue,
        "exporter": exporter,
        "revenue": revenue,
        "world_price": q,
        "domestic_price": p1 / p0,
        "quantity": m1 / value,
        "tot": (1.0 - q) * m1,
    }


@pytest.mark.parametrize(
    ("value", "eps", "eta", "t0", "t"),
    [
        (43.6, 3.8, 10.0, 0.025, 0.275),
        (2.13, 2.5, 3.0, 0.0, 0.25),
        (93.7, 1.0, 20.0, 0.0, 0.1),
        (10.0, 5.1, 0.5, 0.1, 0.0),
        (1.0, 0.4, 2.0, 0.3, 1.5),
    ],
)
def test_closed_forms_match_numerical_equilibrium_and_integrals(value, eps, eta, t0, t):
    w = sector_welfare(t, value=value, eps=eps, eta=eta, base_tariff=t0)
    o = _oracle(t, value=value, eps=eps, eta=eta, base_tariff=t0)
    assert w.importer_welfare == pytest.approx(o["importer"], rel=1e-8, abs=1e-10)
    assert w.exporter_welfare == pytest.approx(o["exporter"], rel=1e-8, abs=1e-10)
    assert w.tariff_revenue == pytest.approx(o["revenue"], rel=1e-8, abs=1e-10)
    assert w.world_price == pytest.approx(o["world_price"], rel=1e-10)
    assert w.domestic_price == pytest.approx(o["domestic_price"], rel=1e-10)
    assert w.quantity == pytest.approx(o["quantity"], rel=1e-10)
    assert w.terms_of_trade == pytest.approx(o["tot"], rel=1e-8, abs=1e-10)


@pytest.mark.parametrize("eta", [0.5, 1.0, 2.5, 4.0, 10.0, 30.0])
@pytest.mark.parametrize(("eps", "t0"), [(3.8, 0.0), (2.5, 0.025), (5.1, 0.2), (1.0, 0.0)])
def test_optimal_tariff_is_inverse_export_supply_elasticity(eta, eps, t0):
    """Johnson (1953): a large importer's welfare peaks at t* = 1/eta (scipy maximiser)."""
    res = minimize_scalar(
        lambda t: (
            -sector_welfare(
                t, value=50.0, eps=eps, eta=eta, base_tariff=t0, domestic_supply_value=20.0
            ).importer_welfare
        ),
        bounds=(0.0, 4.0),
        method="bounded",
        options={"xatol": 1e-12},
    )
    assert res.x == pytest.approx(1.0 / eta, abs=1e-6)
    assert float(optimal_tariff(eta)) == 1.0 / eta


def test_small_tariff_deadweight_loss_is_half_t_squared_eps_value():
    """Small country (eta = inf), base 0: DWL / (t^2 eps V / 2) -> 1 as t -> 0."""
    value, eps = 100.0, 3.8
    ts = np.array([0.1, 0.03, 0.01, 1e-3, 1e-4])
    w = sector_welfare(ts, value=value, eps=eps, eta=np.inf)
    ratio = w.deadweight_loss / (0.5 * ts**2 * eps * value)
    gaps = np.abs(ratio - 1.0)
    assert np.all(np.diff(gaps) < 0)  # converges monotonically
    assert gaps[-1] < 1e-3
    # small country: no terms-of-trade gain, so the whole change is the deadweight loss
    np.testing.assert_allclose(w.terms_of_trade, 0.0, atol=1e-15)
    np.testing.assert_allclose(-w.importer_welfare, w.deadweight_loss, rtol=1e-12)


@given(trade_markets())
def test_base_tariff_gives_zero_change(kw):
    w = sector_welfare(kw["base_tariff"], domestic_supply_value=3.0, **kw)
    for name in (
        "consumer_surplus",
        "domestic_producer_surplus",
        "tariff_revenue",
        "importer_welfare",
        "exporter_welfare",
        "terms_of_trade",
        "deadweight_loss",
    ):
        assert getattr(w, name) == pytest.approx(0.0, abs=1e-12 * kw["value"]), name


@given(trade_markets(), st.floats(-0.5, 2.0))
def test_decompositions_add_up(kw, t):
    w = sector_welfare(t, domestic_supply_value=0.4 * kw["value"], **kw)
    total = w.consumer_surplus + w.domestic_producer_surplus + w.tariff_revenue
    assert total == pytest.approx(w.importer_welfare, rel=1e-9, abs=1e-9 * kw["value"])
    assert w.terms_of_trade - w.deadweight_loss == pytest.approx(
        w.importer_welfare, rel=1e-9, abs=1e-9 * kw["value"]
    )


def test_pass_through_is_the_price_elasticity_and_complete_for_a_small_country():
    eps, eta, t0 = 3.8, 6.0, 0.025
    h = 1e-6
    w = sector_welfare(np.array([0.25 - h, 0.25 + h]), value=10.0, eps=eps, eta=eta, base_tariff=t0)
    slope = np.diff(np.log(w.domestic_price)) / np.diff(np.log1p(w.tariff))
    assert slope[0] == pytest.approx(eta / (eps + eta), rel=1e-8)
    assert float(pass_through(eps, eta)) == pytest.approx(eta / (eps + eta), rel=1e-15)
    # eta -> inf: complete pass-through (Amiti-Redding-Weinstein 2019; Fajgelbaum et al. 2020)
    assert float(pass_through(eps, np.inf)) == 1.0
    big = [float(pass_through(eps, e)) for e in (1e2, 1e4, 1e8)]
    assert np.all(np.diff(big) > 0) and 1.0 - big[-1] < 1e-7
    small = sector_welfare(0.25, value=10.0, eps=eps, eta=np.inf)
    assert small.world_price == 1.0 and small.exporter_welfare == 0.0
    assert small.domestic_price == pytest.approx(1.25, rel=1e-15)
    near = sector_welfare(0.25, value=10.0, eps=eps, eta=1e9)
    assert near.importer_welfare == pytest.approx(small.importer_welfare, rel=1e-7)
    assert abs(near.exporter_welfare) < 1e-7


@settings(max_examples=60)
@given(trade_markets(), st.lists(st.floats(0.0, 3.0), min_size=2, max_size=30))
def test_exporter_welfare_falls_with_the_tariff(kw, ts):
    ts = np.unique(np.asarray(ts))
    x = sector_welfare(ts, **kw).exporter_welfare
    assert np.all(np.diff(x) <= 1e-12 * kw["value"])
    if ts.size > 1 and ts[-1] - ts[0] > 1e-3:
        assert x[-1] < x[0]


@settings(max_examples=60)
@given(trade_markets())
def test_importer_welfare_rises_to_the_optimal_tariff_and_falls_beyond(kw):
    t_star = 1.0 / kw["eta"]
    ts = np.linspace(0.0, 3.0 * t_star + 0.5, 401)
    w = sector_welfare(ts, **kw).importer_welfare
    tol = 1e-12 * kw["value"]
    assert np.all(np.diff(w[ts <= t_star]) >= -tol)
    assert np.all(np.diff(w[ts >= t_star]) <= tol)
    # from free trade, a small tariff gains (terms of trade beat the second-order loss)
    free = dict(kw, base_tariff=0.0)
    assert sector_welfare(0.5 * t_star, **free).importer_welfare > 0.0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"eps": 0.0}, "eps"),
        ({"eta": -1.0}, "eta"),
        ({"value": -1.0}, "non-negative"),
        ({"base_tariff": -1.0}, "greater than -1"),
        ({"domestic_supply_elasticity": -0.5}, "supply"),
    ],
)
def test_bad_arguments_raise_value_error(kwargs, match):
    kw = {"value": 1.0, "eps": 2.0, "eta": 3.0} | kwargs
    with pytest.raises(ValueError, match=match):
        sector_welfare(0.1, **kw)


def test_vectorised_shape_and_frame():
    ts = np.linspace(0.0, 0.5, 7).reshape(7, 1)
    w = sector_welfare(ts, value=5.0, eps=3.0, eta=4.0)
    assert w.importer_welfare.shape == (7, 1)
    frame = w.to_frame()
    assert len(frame) == 7 and "exporter_welfare" in frame.columns


@given(trade_markets(small_country=True), st.floats(0.0, 2.0))
def test_a_small_country_never_gains_from_a_tariff_and_its_exporter_never_loses(kw, t):
    w = sector_welfare(kw["base_tariff"] + t, **kw)
    assert w.importer_welfare <= 1e-12 * kw["value"]
    assert w.exporter_welfare == 0.0 and w.world_price == 1.0


def test_sector_changes_broadcasts_every_argument_as_sector_welfare_entry_by_entry():
    from sim.payoffs.trade import sector_changes

    eps = np.array([[3.8], [2.0], [5.0]])
    eta = np.array([[3.0], [np.inf], [10.0]])
    t = np.array([0.0, 0.1, 0.275])
    c = sector_changes(t, value=43.58, eps=eps, eta=eta, base_tariff=0.025)
    for i in range(3):
        w = sector_welfare(t, value=43.58, eps=eps[i, 0], eta=eta[i, 0], base_tariff=0.025)
        np.testing.assert_allclose(c["buyers"][i] + c["revenue"][i], w.importer_welfare)
        np.testing.assert_allclose(c["exporter"][i], w.exporter_welfare)
