"""Answers on the smooth trade model (issue 9): closed forms and independent optimisations.

The solvers work on a piecewise-linear interpolant of the trade model's value functions and
each model's answer is then polished on the true functions (sim/bargaining/smooth.py).  The
oracles here share no code with sim: the welfare of a one-sector constant-elasticity market
is written out from its closed forms (Feenstra 2016, ch. 7; docs/payoff-model.md, section
2) and optimised or solved with scipy's scalar root finders and optimisers.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy.optimize import brentq, minimize_scalar

import sim
from sim.payoffs.trade_compile import trade_value_functions

V, EPS, ETA = 40.0, 3.8, 3.0  # the one sector: trade value $bn/yr, elasticities
S0, E_S, LOBBY = 12.0, 0.5, 0.5  # domestic supply (value at base), its elasticity, weight

SCENARIO = """\
id: one_sector
title: One tariff, one sector
as_of: 2025-05-31
parties:
  - {{code: A, name: Importer}}
  - {{code: B, name: Exporter}}
issues:
  - {{id: tariff, name: Tariff, kind: continuous, unit: "%", range: [0, 50], controlled_by: A}}
disagreement:
  outcome: {{tariff: 50}}
payoffs:
  model: trade
{refine}  sectors:
    goods:
      issue: tariff
      importer: A
      exporter: B
      value: {V}
      eps: {EPS}
      eta: {ETA}
      base_tariff_pct: 0
{lobby}calendar:
  rounds:
    - {{date: 2025-04-16, label: first, proposer: A}}
    - {{date: 2025-05-01, label: second, proposer: B}}
models:
  nash_bargaining: {{}}
  kalai_smorodinsky: {{}}
  egalitarian: {{}}
  utilitarian: {{}}
  rubinstein:
    first_proposer: A
    delta: {{A: {delta_a}, B: {delta_b}}}
    breakdown: 0
"""

GH_LOBBY = f"""\
      domestic_supply_value: {S0}
      domestic_supply_elasticity: {E_S}
      importer_lobby: steel
  weights:
    A:
      lobbies: {{steel: {LOBBY}}}
"""


def _load(tmp_path, *, lobby=False, refine=True, delta=(0.95, 0.9)):
    text = SCENARIO.format(
        V=V,
        EPS=EPS,
        ETA=ETA,
        lobby=GH_LOBBY if lobby else "",
        refine="" if refine else "  refine: false\n",
        delta_a=delta[0],
        delta_b=delta[1],
    )
    path = tmp_path / "one_sector.yaml"
    path.write_text(text)
    return sim.load(path)


# ---------------------------------------------------------------------- the oracle
A_SHARE, B_SHARE = ETA / (EPS + ETA), EPS / (EPS + ETA)  # pass-through and its complement


def _g(r, k):
    return (r**k - 1.0) / k


def welfare_a(x, lobby=False):
    """Importer: buyers' surplus + tariff revenue (+ weight x domestic producer surplus)."""
    rho = 1.0 + x / 100.0
    w = -V * _g(rho**A_SHARE, 1.0 - EPS) + V * (x / 100.0) * rho ** (-B_SHARE - EPS * A_SHARE)
    if lobby:
        w = w + LOBBY * S0 * _g(rho**A_SHARE, 1.0 + E_S)
    return w


def welfare_b(x):
    """Exporter: producer surplus along its constant-elasticity supply curve."""
    return V * _g((1.0 + x / 100.0) ** -B_SHARE, 1.0 + ETA)


def _pay(x):
    return np.array([welfare_a(x), welfare_b(x)])


def _d():
    return _pay(50.0)


def _root(f, lo, hi):
    return brentq(f, lo, hi, xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=500)


def _best_for_a():
    return 100.0 / ETA  # interior maximiser of the importer's welfare (checked below)


# ---------------------------------------------------------------------- closed forms
def test_slopes_are_the_derivatives_of_the_values(tmp_path):
    """The exposed closed-form derivatives agree with central differences of the values."""
    loaded = _load(tmp_path, lobby=True)
    fns = trade_value_functions(loaded.scenario.payoffs, {"tariff": "continuous"})
    x = np.linspace(0.5, 49.5, 25)
    h = 1e-5
    for party in ("A", "B"):
        f = fns[party]["tariff"]
        numeric = (f(x + h) - f(x - h)) / (2 * h)
        assert np.allclose(f.derivative(x), numeric, rtol=1e-7, atol=1e-9)


def test_the_importers_ideal_offer_is_the_optimal_tariff(tmp_path):
    """Rubinstein with the importer proposing and an exporter that cannot wait (delta 0.01):
    the exporter accepts anything worth more than 1 % of its continuation gain, so the
    importer offers its own best point of the frontier -- the welfare-maximising tariff,
    1/eta (Johnson 1953) -- as long as that offer beats the exporter's threshold (checked
    here on the oracle).  The interpolant alone gives a breakpoint near 33.3 %."""
    d = _d()
    threshold = d[1] + 0.01 * (welfare_b(0.0) - d[1])
    assert welfare_b(_best_for_a()) > threshold
    loaded = _load(tmp_path, delta=(0.95, 0.01))
    res = sim.run(loaded, models=["rubinstein"]).models["rubinstein"]
    assert res.agreement["tariff"] == pytest.approx(100.0 / ETA, abs=1e-6)
    assert res.payoffs["A"] == pytest.approx(welfare_a(100.0 / ETA), abs=1e-9)
    assert any("smooth" in n for n in res.notes)
    raw = sim.run(_load(tmp_path, refine=False, delta=(0.95, 0.01)), models=["rubinstein"])
    assert abs(raw.models["rubinstein"].agreement["tariff"] - 100.0 / ETA) > 1e-3


def test_grossman_helpman_tariff(tmp_path):
    """With weight lam on the organised domestic producers' surplus, the importer's best
    tariff solves Grossman & Helpman (1994, eq. 21) with a large country's terms-of-trade
    term: ``dW/dt + lam S dp/dt = 0`` gives ``t = 1/eta + (lam / eps) (1 + t) z`` with
    ``z = S / M`` domestic output over imports at the tariff (quantities: ``S = S0 (1 +
    t)^(a e_s)``, ``M = V (1 + t)^(-eps a)``, ``a = eta / (eps + eta)``)."""

    def gh(t):
        z = (S0 / V) * (1.0 + t) ** (A_SHARE * E_S + EPS * A_SHARE)
        return t - 1.0 / ETA - LOBBY / EPS * (1.0 + t) * z

    t_gh = _root(gh, 0.0, 0.5)  # the objective rises below the root and falls above it
    assert t_gh > 1.0 / ETA + 0.05  # the lobby moves the tariff away from 1/eta
    x_gh = 100.0 * t_gh
    assert x_gh < 50.0
    loaded = _load(tmp_path, lobby=True, delta=(0.95, 0.01))
    d = np.array([welfare_a(50.0, lobby=True), welfare_b(50.0)])
    assert welfare_b(x_gh) > d[1] + 0.01 * (welfare_b(0.0) - d[1])
    res = sim.run(loaded, models=["rubinstein"]).models["rubinstein"]
    assert res.agreement["tariff"] == pytest.approx(x_gh, abs=1e-6)


# ---------------------------------------------------------------------- bargaining
def _slope(f, x):
    """Complex-step derivative (Squire & Trapp 1998): exact to rounding for analytic f."""
    return float(np.imag(f(x + 1e-30j)) / 1e-30)


def _nash_oracle():
    """The Nash product's first-order condition ``W_A' / (W_A - d_A) + W_B' / (W_B - d_B)
    = 0`` solved with brentq between A's participation limit and 1/eta."""
    d = _d()

    def foc(x):
        return _slope(welfare_a, x) / (welfare_a(x) - d[0]) + _slope(welfare_b, x) / (
            welfare_b(x) - d[1]
        )

    lo = _root(lambda x: welfare_a(x) - d[0], 0.0, _best_for_a())  # A's participation
    return _pay(_root(foc, lo + 1e-9, _best_for_a()))


def _ks_oracle():
    d = _d()
    best_a = welfare_a(_best_for_a())  # A's ideal: B still gains at 1/eta (checked)
    assert welfare_b(_best_for_a()) > d[1]
    x_b = _root(lambda x: welfare_a(x) - d[0], 0.0, _best_for_a())  # B's ideal: A's constraint
    ideal = np.array([best_a, welfare_b(x_b)])
    r = ideal - d
    x = _root(lambda x: (welfare_a(x) - d[0]) * r[1] - (welfare_b(x) - d[1]) * r[0], x_b,
              _best_for_a())
    return _pay(x)


def _rubinstein_oracle(delta):
    """Stationary offers (Rubinstein 1982): x (A's offer) and y (B's) on the frontier with
    ``x_B = d_B + delta_B (y_B - d_B)`` and ``y_A = d_A + delta_A (x_A - d_A)``; the
    frontier is the curve ``(W_A(t), W_B(t))`` for ``t`` from A's participation limit to
    1/eta, concave (checked), so the equilibrium is unique."""
    d = _d()
    lo, hi = _root(lambda x: welfare_a(x) - d[0], 0.0, _best_for_a()), _best_for_a()

    def y_of(x_tariff):  # B's offer: the frontier point giving A its threshold
        target = d[0] + delta[0] * (welfare_a(x_tariff) - d[0])
        return _root(lambda y: welfare_a(y) - target, lo, hi)

    def gap(x_tariff):
        return welfare_b(x_tariff) - d[1] - delta[1] * (welfare_b(y_of(x_tariff)) - d[1])

    x = _root(gap, lo, hi)
    return _pay(x)


def test_frontier_of_the_one_sector_scenario_is_concave():
    """Precondition of the Rubinstein oracle (a unique stationary equilibrium)."""
    x = np.linspace(1.0, 33.0, 200)
    h = 1e-3
    d1 = (welfare_a(x + h) - welfare_a(x - h)) / (2 * h)
    d2 = (welfare_b(x + h) - welfare_b(x - h)) / (2 * h)
    dd1 = (welfare_a(x + h) - 2 * welfare_a(x) + welfare_a(x - h)) / h**2
    dd2 = (welfare_b(x + h) - 2 * welfare_b(x) + welfare_b(x - h)) / h**2
    assert ((dd2 * d1 - d2 * dd1) / d1**3 < 0).all()


@pytest.mark.parametrize(
    ("model", "oracle"),
    [
        ("nash_bargaining", _nash_oracle),
        ("kalai_smorodinsky", _ks_oracle),
        ("rubinstein", lambda: _rubinstein_oracle((0.95, 0.9))),
    ],
)
def test_answers_match_a_direct_optimisation_to_1e9(tmp_path, model, oracle):
    loaded = _load(tmp_path)
    res = sim.run(loaded, models=[model]).models[model]
    want = oracle()
    got = np.array([res.payoffs["A"], res.payoffs["B"]])
    assert np.abs(got - want).max() <= 1e-9, (got, want)
    assert any("smooth" in n for n in res.notes)
    assert res.disagreement == pytest.approx({"A": _d()[0], "B": _d()[1]}, abs=1e-12)


def test_egalitarian_and_utilitarian_on_the_smooth_model(tmp_path):
    """Egalitarian (Kalai 1977): here no deal gives equal gains -- the importer gains at
    most ``W_A(1/eta) - d_A``, less than the exporter's gain at that tariff (checked) -- so
    the solution of the free-disposal hull maximises the smaller gain, the importer's: the
    optimal tariff 1/eta again.  Utilitarian: the largest joint payoff among the deals both
    accept (a bounded scalar search over the tariff; the interior optimum is flat)."""
    d = _d()
    assert welfare_a(_best_for_a()) - d[0] < welfare_b(_best_for_a()) - d[1]
    run = sim.run(_load(tmp_path), models=["egalitarian", "utilitarian"]).models
    assert run["egalitarian"].agreement["tariff"] == pytest.approx(100.0 / ETA, abs=1e-6)
    lo = _root(lambda x: welfare_a(x) - d[0], 0.0, _best_for_a())
    best = minimize_scalar(lambda t: -(welfare_a(t) + welfare_b(t)), bounds=(lo, 50.0),
                           method="bounded", options={"xatol": 1e-12})
    want = max(-best.fun, welfare_a(lo) + welfare_b(lo))
    assert sum(run["utilitarian"].payoffs.values()) == pytest.approx(want, abs=1e-9)


def test_refinement_can_be_turned_off(tmp_path):
    """``payoffs.refine: false`` reports the interpolant's answer (within its tolerance)."""
    res = sim.run(_load(tmp_path, refine=False), models=["nash_bargaining"])
    nash = res.models["nash_bargaining"]
    assert not any("smooth" in n for n in nash.notes)
    gap = np.abs(np.array([nash.payoffs["A"], nash.payoffs["B"]]) - _nash_oracle()).max()
    assert 1e-6 < gap < 0.1  # the interpolant's answer: near, not exact
