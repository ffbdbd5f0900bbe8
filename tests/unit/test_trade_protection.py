"""Import-competing producers, Grossman–Helpman weights on them, tariff-rate quotas and the
precedent term of the trade model, against closed forms computed here (never sim's code)."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.integrate import quad
from scipy.optimize import brentq

from sim.payoffs.trade import sector_welfare
from sim.payoffs.trade_compile import issue_pieces, trade_value_functions
from sim.payoffs.trade_explain import explain
from sim.scenario.trade_payoffs import TradePayoffs

V, EPS, T0 = 40.0, 3.8, 0.025


def _prices(t, *, eta, eps=EPS, t0=T0):
    """Independent closed form of the constant-elasticity market: log domestic price, log
    world price and log quantity, from clearing ``V (p/p0)^-eps = V p*^eta`` with
    ``p = (1+t) p*`` by hand (log-linear in ``log(1+t)``)."""
    log_rho = np.log((1 + t) / (1 + t0))
    log_pw = -eps / (eps + eta) * log_rho  # eta log p* = -eps (log rho + log p*)
    log_p = log_rho + log_pw
    return log_p, log_pw, eta * log_pw


def _transmission(sigma, e_d, e_s, s_m):
    """kappa from the log-linear Armington system solved numerically (not the closed form):
    unknowns (dlnP composite, dlnp_d) for dlnp_import = 1; domestic demand
    dlnD_d = -sigma (dlnp_d - dlnP) - e_d dlnP equals supply e_s dlnp_d, and
    dlnP = s_m * 1 + (1 - s_m) dlnp_d (Armington 1969; Francois & Hall 1997)."""
    a = np.array([[1.0, -(1 - s_m)], [sigma - e_d, -(sigma + e_s)]])
    rhs = np.array([s_m, 0.0])
    return float(np.linalg.solve(a, rhs)[1])


def _spec(eta, *, weight=None, dsv=30.0, dse=1.5, sigma=3.8, e_d=1.0, quota=None, prec=None):
    sector = {
        "issue": "tariff",
        "importer": "US",
        "exporter": "JP",
        "value": V,
        "eps": EPS,
        "eta": eta,
        "base_tariff_pct": T0 * 100,
        "domestic_supply_value": dsv,
        "domestic_supply_elasticity": dse,
        "substitution": sigma,
        "demand_elasticity": e_d,
        "importer_lobby": "autos",
    }
    if quota is not None:
        sector["quota"] = quota
    d = {"sectors": {"cars": sector}}
    if weight is not None:
        d["weights"] = {"US": {"lobbies": {"autos": weight}}}
    if prec is not None:
        d["precedent"] = prec
    return TradePayoffs.model_validate(d)


def _argmax_pct(f, h=1e-5):
    """The tariff (extra %, over the base) of f's first local peak: the first + to - sign
    change of its central difference on a 0.5-point grid, refined with brentq."""

    def slope(x):
        return f(np.array([x + h]))[0] - f(np.array([x - h]))[0]

    grid = np.arange(0.0, 200.0, 2.0)
    signs = np.sign([slope(x) for x in grid])
    k = int(np.flatnonzero((signs[:-1] > 0) & (signs[1:] < 0))[0])
    return brentq(slope, grid[k], grid[k + 1], xtol=1e-12)


@pytest.mark.parametrize("eta", [1.5, 3.0, 10.0])
@pytest.mark.parametrize("sigma", [2.5, 3.8, np.inf])
def test_no_lobby_weight_keeps_the_terms_of_trade_optimum(eta, sigma):
    """Domestic producers only split the importer's surplus: with no weight on them the
    importer's objective peaks at t* = 1/eta (Johnson 1953), whatever their size."""
    spec = _spec(eta, sigma=sigma)
    f = trade_value_functions(spec, {"tariff": "continuous"})["US"]["tariff"]
    t_star = (T0 * 100 + _argmax_pct(f)) / 100
    assert t_star == pytest.approx(1 / eta, abs=1e-6)


@pytest.mark.parametrize("eta", [1.5, 3.0, 10.0])
@pytest.mark.parametrize("weight", [0.25, 0.5, 1.0])
@pytest.mark.parametrize(("sigma", "dse"), [(3.8, 1.5), (2.5, 0.5), (np.inf, 1.0)])
def test_lobby_weight_gives_the_grossman_helpman_tariff(eta, weight, sigma, dse):
    """Grossman & Helpman (1994, eq. 17) for this specification.

    The government maximises ``O = W + lam * PS_d`` (``lam = 1/a``, organised owners a
    negligible share of voters).  With ``tau = log(1+t)``, ``a = eta/(eps+eta)``,
    ``b = eps/(eps+eta)``: ``dW/dtau = p* M (b - t eps a)`` (buyers lose ``p M a``, revenue
    gains ``p M - t p* M (b + eps a)``), and the domestic substitute's price moves by
    ``kappa`` times the import price, so ``dPS_d/dtau = kappa a p_d S``.  The first-order
    condition ``b - t eps a + lam kappa a z = 0``, ``z = p_d S / (p* M)``, gives

        t = 1/eta + lam * kappa * z(t) / eps,

    the terms-of-trade optimum plus GH's protection term (with perfect substitutes,
    ``kappa = 1`` and ``p_d = p = (1+t) p*``, it is GH's ``t/(1+t) = lam (X/M)/eps`` plus the
    large-country term).  ``z`` depends on ``t``: the fixed point is found with brentq from
    prices computed here, and compared with the peak of sim's objective.
    """
    dsv, e_d = 10.0, 1.0
    spec = _spec(eta, weight=weight, dsv=dsv, dse=dse, sigma=sigma)
    f = trade_value_functions(spec, {"tariff": "continuous"})["US"]["tariff"]
    t_sim = (T0 * 100 + _argmax_pct(f)) / 100

    s_m = (1 + T0) * V / ((1 + T0) * V + dsv)
    kappa = 1.0 if np.isinf(sigma) else _transmission(sigma, e_d, dse, s_m)

    def z(t):
        log_p, log_pw, log_m = _prices(t, eta=eta)
        dom_value = dsv * np.exp((1 + dse) * kappa * log_p)  # p_d S = S0 (p_d/p_d0)^(1+e_s)
        return dom_value / (V * np.exp(log_pw + log_m))

    def foc(t):
        return t - 1 / eta - weight * kappa * z(t) / EPS

    grid = np.linspace(0.0, 3.0, 301)  # the first sign change: z grows fast at high tariffs
    k = int(np.flatnonzero(np.diff(np.sign([foc(t) for t in grid])))[0])
    t_gh = brentq(foc, grid[k], grid[k + 1], xtol=1e-14)
    assert t_gh > 1 / eta + 1e-3
    assert t_sim == pytest.approx(t_gh, abs=1e-6)


def test_armington_transmission_limits():
    from sim.payoffs.trade import armington_transmission

    assert armington_transmission(3.8, 1.0, 2.0, 0.3) == pytest.approx(
        _transmission(3.8, 1.0, 2.0, 0.3), rel=1e-12
    )
    assert armington_transmission(1e9, 1.0, 2.0, 0.3) == pytest.approx(1.0, abs=1e-8)
    assert armington_transmission(1.0, 1.0, 2.0, 0.3) == pytest.approx(0.0, abs=1e-15)


def _quota_oracle(t, t_in, share, *, eta):
    """Clear the market numerically with a two-tier tariff; rent = wedge x in-quota volume."""
    p0 = 1 + T0

    def imports(p):  # demand at domestic price p
        return V * (p / p0) ** -EPS

    def world_price(tariff):  # clear V (p/p0)^-eps = V q^eta for p = (1+tariff) q
        return brentq(lambda q: imports((1 + tariff) * q) - V * q**eta, 1e-6, 10.0, xtol=1e-15)

    quota = share * V
    if imports((1 + t) * world_price(t)) >= quota:  # over the quota: full rate at the margin
        t_m = t
    elif imports((1 + t_in) * world_price(t_in)) <= quota:  # under it: in-quota rate
        t_m = t_in
    else:  # binds: the rate at which imports equal the quota
        t_m = brentq(lambda x: imports((1 + x) * world_price(x)) - quota, t_in, t, xtol=1e-15)
    q = world_price(t_m)
    m = V * q**eta
    rent = (t_m - t_in) * q * min(m, quota)
    buyers = -quad(imports, p0, (1 + t_m) * q, epsabs=1e-13, epsrel=1e-12)[0]
    revenue = t_m * q * m - rent - T0 * V
    return t_m, rent, buyers, revenue


@pytest.mark.parametrize(
    ("t", "t_in", "share"),
    [
        (0.275, 0.125, 0.5),  # imports exceed the quota: rent = (t - t_in) p* Q
        (0.275, 0.125, 0.9),  # the quota binds: the marginal tariff is in between
        (0.275, 0.125, 1.3),  # imports fall short: no rent
        (0.275, 0.025, 0.6),
    ],
)
def test_quota_rent_matches_the_two_tier_tariff_equilibrium(t, t_in, share):
    eta = 3.0
    w = sector_welfare(
        t, value=V, eps=EPS, eta=eta, base_tariff=T0, quota_share=share, in_quota_tariff=t_in
    )
    t_m, rent, buyers, revenue = _quota_oracle(t, t_in, share, eta=eta)
    assert float(w.effective_tariff) == pytest.approx(t_m, abs=1e-10)
    assert float(w.quota_rent) == pytest.approx(rent, abs=1e-9)
    assert float(w.consumer_surplus) == pytest.approx(buyers, abs=1e-8)
    assert float(w.tariff_revenue) == pytest.approx(revenue, abs=1e-8)


def test_quota_rent_over_the_quota_in_closed_form():
    """Small importer (eta = inf, world price fixed at 1), imports above the quota: the rent
    is exactly (t - t_in) x quota value, whatever the demand elasticity."""
    w = sector_welfare(0.25, value=10.0, eps=2.0, eta=np.inf, quota_share=0.4, in_quota_tariff=0.1)
    assert float(w.quota_rent) == pytest.approx((0.25 - 0.1) * 0.4 * 10.0, abs=1e-12)


@pytest.mark.parametrize("rent_to", ["government", "importers", "exporters"])
def test_quota_rent_goes_where_the_scenario_says(rent_to):
    quota = {"share": 0.5, "in_quota_pct": 10, "rent_to": rent_to}
    spec = _spec(3.0, dsv=0.0, quota=quota)
    ex = explain(spec, {"tariff": 25.0})
    rows = [r for r in ex.rows if r.component.startswith("quota rent")]
    assert len(rows) == 1
    _, rent, _, _ = _quota_oracle(0.275, 0.125, 0.5, eta=3.0)
    assert rows[0].value == pytest.approx(rent, abs=1e-9)
    assert rows[0].party == ("JP" if rent_to == "exporters" else "US")


@pytest.mark.parametrize("m", [0.0, 1.0, 4.4])
def test_precedent_multiplies_the_givers_cost_of_a_cut(m):
    """With multiplier m the giver's objective from cutting the tariff from the reference
    r to x is (1 + m) times the bilateral change: O(x) + m (O(x) - O(r)), here with the
    welfare of a sector with no domestic producers computed from the closed form above."""
    eta, ref = 3.0, 25.0
    prec = {"giver": "US", "multiplier": m, "sectors": {"cars": ref}}
    spec = _spec(eta, dsv=0.0, prec=prec)
    f = trade_value_functions(spec, {"tariff": "continuous"})["US"]["tariff"]

    def welfare(x_pct):  # buyers' surplus + revenue, by hand
        t = T0 + x_pct / 100
        log_p, log_pw, log_m = _prices(t, eta=eta)
        buyers = -(1 + T0) * V * np.expm1((1 - EPS) * log_p) / (1 - EPS)
        return buyers + V * (t * np.exp(log_pw + log_m) - T0)

    xs = np.array([0.0, 5.0, 12.5, 25.0])
    expected = [(1 + m) * welfare(x) - m * welfare(ref) for x in xs]
    np.testing.assert_allclose(f(xs), expected, rtol=0, atol=1e-10)
    cut = f(np.array([0.0]))[0] - f(np.array([ref]))[0]
    assert cut == pytest.approx((1 + m) * (welfare(0.0) - welfare(ref)), abs=1e-10)


@pytest.mark.parametrize("m", [0.0, 1.0, 4.4])
def test_precedent_slope_is_the_closed_form_derivative(m):
    """The precedent term has a closed-form slope, so a scenario with it keeps the smooth
    polish: ``(1 + m) dW/dx`` with ``W`` the hand-computed welfare of the test above, against
    a central difference of that closed form (h = 1e-4 pp, error O(h^2)), and zero at the
    terms-of-trade optimum ``t = 1/eta`` (Johnson 1953), whatever ``m``."""
    eta, ref, h = 3.0, 25.0, 1e-4
    prec = {"giver": "US", "multiplier": m, "sectors": {"cars": ref}}
    f = trade_value_functions(_spec(eta, dsv=0.0, prec=prec), {"tariff": "continuous"})
    f = f["US"]["tariff"]
    assert f.smooth_ready

    def welfare(x_pct):
        t = T0 + x_pct / 100
        log_p, log_pw, log_m = _prices(t, eta=eta)
        buyers = -(1 + T0) * V * np.expm1((1 - EPS) * log_p) / (1 - EPS)
        return buyers + V * (t * np.exp(log_pw + log_m) - T0)

    xs = np.array([0.0, 5.0, 12.5, 25.0, 40.0])
    fd = (1 + m) * (welfare(xs + h) - welfare(xs - h)) / (2 * h)
    np.testing.assert_allclose(f.derivative(xs), fd, rtol=1e-7, atol=1e-9)
    x_star = 100 / eta - 100 * T0
    assert float(f.derivative(np.array([x_star]))[0]) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("weight", [None, 0.5, 2.0])
def test_precedent_slope_with_domestic_producers_and_a_lobby(weight):
    """With Armington producers and a weight on them, the precedent piece's slope is the
    multiplier times the slope of the giver's objective (buyers + revenue + weight x
    producers): compared with a central difference of the piece's own values, which
    the tests above check against closed forms, and the whole issue is smooth-ready."""
    m, h = 1.7, 1e-4
    prec = {"giver": "US", "multiplier": m, "sectors": {"cars": 25.0}}
    spec = _spec(3.0, weight=weight, prec=prec)
    (piece,) = [p for p in issue_pieces(spec)["tariff"] if p.component.startswith("prec")]
    xs = np.array([0.0, 3.0, 10.0, 25.0, 60.0])
    fd = (piece.evaluate(xs + h) - piece.evaluate(xs - h)) / (2 * h)
    np.testing.assert_allclose(piece.evaluate.derivative(xs), fd, rtol=1e-7, atol=1e-9)
    f = trade_value_functions(spec, {"tariff": "continuous"})["US"]["tariff"]
    assert f.smooth_ready
    quota = {"share": 0.7, "in_quota_pct": 5, "rent_to": "exporters"}
    with_quota = trade_value_functions(
        _spec(3.0, weight=weight, prec=prec, quota=quota), {"tariff": "continuous"}
    )
    assert not with_quota["US"]["tariff"].smooth_ready  # a quota's kinks: no closed form yet


def test_precedent_must_name_a_sector_of_its_giver():
    with pytest.raises(ValueError, match="no such sector"):
        _spec(3.0, prec={"giver": "US", "multiplier": 1, "sectors": {"steel": 25}})
    with pytest.raises(ValueError, match="not the sector's importer"):
        _spec(3.0, prec={"giver": "JP", "multiplier": 1, "sectors": {"cars": 25}})


def test_batched_evaluator_equals_the_exact_functions():
    """sim.evaluate's array path (sim.analysis.batch_trade) gives every party the same value
    as the exact per-issue functions, with producers, a quota and a precedent term, and a
    drawn multiplier is applied per draw."""
    from types import SimpleNamespace

    from sim.analysis.batch_trade import Params, trade_issue_evaluators

    quota = {"share": 0.7, "in_quota_pct": 5, "rent_to": "exporters"}
    prec = {"giver": "US", "multiplier": 1.5, "sectors": {"cars": 25}}
    spec = _spec(3.0, weight=0.5, quota=quota, prec=prec)
    exact = trade_value_functions(spec, {"tariff": "continuous"})
    issues = [SimpleNamespace(id="tariff", kind="continuous")]
    xs = np.linspace(0.0, 40.0, 41)
    params = Params({"payoffs.precedent.multiplier": np.array([1.5, 0.0])}, 2)
    batch = trade_issue_evaluators(spec, issues, ("US", "JP"), params)["tariff"]
    got = batch(np.vstack([xs, xs]), np.array([0, 1]))
    np.testing.assert_allclose(got[0, 0], exact["US"]["tariff"](xs), rtol=0, atol=1e-12)
    np.testing.assert_allclose(got[1, 0], exact["JP"]["tariff"](xs), rtol=0, atol=1e-12)
    no_prec = _spec(3.0, weight=0.5, quota=quota)
    f0 = trade_value_functions(no_prec, {"tariff": "continuous"})["US"]["tariff"]
    np.testing.assert_allclose(got[0, 1], f0(xs), rtol=0, atol=1e-12)
