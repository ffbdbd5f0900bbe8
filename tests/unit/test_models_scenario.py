"""Scenario-level models against closed forms and textbook games.

The oracles are written out by hand here: Nash (1950) on a linear frontier, the asymmetric
Nash split of a pie, Kalai–Smorodinsky on a set where it differs from Nash, and the
equilibria of the prisoners' dilemma, battle of the sexes and matching pennies.
"""

from __future__ import annotations

import numpy as np
import pytest

import sim

PIE = """\
id: pie
title: Split a pie of 1
as_of: 2025-01-01
parties: [{{code: A, name: A}}, {{code: B, name: B}}]
issues:
  - {{id: share, name: A's share, kind: continuous, range: [0, 1]}}
disagreement:
  outcome: {{share: 0}}
  adjustments: {{A: {d1}, B: {d2_adj}}}
payoffs:
  model: linear
  parties:
    A: {{share: {{linear: 1}}}}
    B: {{share: {{points: [[0, 1], [1, {b_at_1}]]}}}}
models:
  nash_bargaining: {{weights: {{A: {w1}, B: {w2}}}}}
  kalai_smorodinsky: {{}}
  utilitarian: {{}}
  egalitarian: {{}}
"""


def _pie(write_scenario, d1=0.0, d2=0.0, w1=1.0, w2=1.0, b_at_1=0.0):
    # B's payoff at share 0 is 1, so an adjustment of d2 - 1 puts B's disagreement at d2
    text = PIE.format(d1=d1, d2_adj=d2 - 1, w1=w1, w2=w2, b_at_1=b_at_1)
    return sim.run(write_scenario(text))


@pytest.mark.parametrize(("d1", "d2"), [(0, 0), (0.2, 0), (0.1, 0.3), (-0.5, 0.25)])
def test_nash_on_linear_frontier(write_scenario, d1, d2):
    run = _pie(write_scenario, d1, d2)
    res = run.models["nash_bargaining"]
    expected = (1 + d1 - d2) / 2  # Nash (1950): split the surplus equally
    assert res.agreement["share"] == pytest.approx(expected, abs=1e-9)
    assert res.payoffs["A"] == pytest.approx(expected, abs=1e-9)
    assert res.payoffs["B"] == pytest.approx(1 - expected, abs=1e-9)
    assert res.zone_of_agreement and res.is_pareto


@pytest.mark.parametrize(("w1", "w2", "d1", "d2"), [(2, 1, 0, 0), (1, 3, 0.2, 0.1), (5, 1, 0, 0.4)])
def test_asymmetric_nash_on_pie(write_scenario, w1, w2, d1, d2):
    res = _pie(write_scenario, d1, d2, w1, w2).models["nash_bargaining"]
    expected = d1 + w1 / (w1 + w2) * (1 - d1 - d2)  # Kalai (1977), Roth (1979)
    assert res.payoffs["A"] == pytest.approx(expected, abs=1e-9)


def test_kalai_smorodinsky_on_pie_with_outside_option(write_scenario):
    # d = (0.2, 0): ideals (1, 0.8); the segment d -> ideal meets u1 + u2 = 1 at (0.6, 0.4)
    res = _pie(write_scenario, 0.2, 0.0).models["kalai_smorodinsky"]
    assert res.payoffs["A"] == pytest.approx(0.6, abs=1e-9)
    assert res.payoffs["B"] == pytest.approx(0.4, abs=1e-9)


def test_ks_and_nash_differ_on_a_known_set(write_scenario):
    # frontier from (0, 1) to (1, 0.5): u1 = x, u2 = 1 - x/2, d = (0, 0)
    run = _pie(write_scenario, b_at_1=0.5)
    nash, ks = run.models["nash_bargaining"], run.models["kalai_smorodinsky"]
    # Nash: maximise x (1 - x/2) on [0, 1]: increasing, so x = 1 -> (1, 0.5)
    assert nash.payoffs["A"] == pytest.approx(1.0) and nash.payoffs["B"] == pytest.approx(0.5)
    # KS: ideal (1, 1), so equal payoffs: x = 1 - x/2 -> x = 2/3
    assert ks.payoffs["A"] == pytest.approx(2 / 3) and ks.payoffs["B"] == pytest.approx(2 / 3)
    eg = run.models["egalitarian"]
    assert eg.payoffs["A"] == pytest.approx(2 / 3)
    ut = run.models["utilitarian"]
    assert ut.payoffs["A"] + ut.payoffs["B"] == pytest.approx(1.5)


def test_no_zone_of_agreement(write_scenario):
    run = _pie(write_scenario, 0.6, 0.6)  # 0.6 + 0.6 > 1: nothing beats disagreement for both
    for name in ("nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"):
        res = run.models[name]
        assert res.zone_of_agreement is False
        assert res.agreement is None and res.payoffs is None
        assert any("no zone of agreement" in n for n in res.notes)


GAME = """\
id: game
title: A textbook game
as_of: 2025-01-01
parties: [{{code: R, name: Row}}, {{code: C, name: Column}}]
issues: [{{id: dummy, name: nothing, kind: binary}}]
disagreement: {{outcome: {{dummy: no}}}}
payoffs: {{model: linear, parties: {{R: {{}}, C: {{}}}}}}
models:
  strategic:
    players:
      R:
        hold: false
        moves:
          - {{id: r1, shift: {{R: {a11}, C: {b11}}}}}
          - {{id: r2, shift: {{R: {a21}, C: {b21}}}}}
      C:
        hold: false
        moves:
          - {{id: c1, shift: {{R: 0, C: 0}}}}
          - {{id: c2, shift: {{R: {a12_minus_a11}, C: {b12_minus_b11}}}}}
"""


def _game(write_scenario, A, B):
    # cell (i, j) = row shift i + column shift j: the game must be additive
    # (A[1,1] - A[1,0] == A[0,1] - A[0,0], likewise for B); the assertions below check it
    text = GAME.format(
        a11=A[0][0],
        b11=B[0][0],
        a21=A[1][0],
        b21=B[1][0],
        a12_minus_a11=A[0][1] - A[0][0],
        b12_minus_b11=B[0][1] - B[0][0],
    )
    run = sim.run(write_scenario(text))
    res = run.models["strategic"]
    np.testing.assert_allclose(res.payoff_matrices[0], A)
    np.testing.assert_allclose(res.payoff_matrices[1], B)
    return res


def _profiles(res):
    return sorted(
        (tuple(np.round(e.profile[0], 9)), tuple(np.round(e.profile[1], 9))) for e in res.equilibria
    )


def test_solve_arrays_textbook_games():
    from sim.equilibria.strategic import solve_arrays

    # matching pennies: unique equilibrium, both mix 1/2
    A = np.array([[1, -1], [-1, 1]])
    found, complete, _ = solve_arrays((A, -A))
    assert complete and len(found) == 1
    np.testing.assert_allclose(found[0][0], [0.5, 0.5])
    np.testing.assert_allclose(found[0][1], [0.5, 0.5])
    # battle of the sexes: two pure and one mixed ((2/3, 1/3), (1/3, 2/3))
    A, B = np.array([[2, 0], [0, 1]]), np.array([[1, 0], [0, 2]])
    found, _, _ = solve_arrays((A, B))
    got = sorted((tuple(np.round(x, 9)), tuple(np.round(y, 9))) for x, y in found)
    expected = sorted(
        [
            ((1.0, 0.0), (1.0, 0.0)),
            ((0.0, 1.0), (0.0, 1.0)),
            (tuple(np.round([2 / 3, 1 / 3], 9)), tuple(np.round([1 / 3, 2 / 3], 9))),
        ]
    )
    assert got == expected


def test_prisoners_dilemma_through_a_scenario(write_scenario):
    # strategies' payoff shifts add up, so a scenario can only express additive games; the
    # donation game is the additive prisoners' dilemma: giving costs you 1, brings the other 4
    # (cooperate = r1/c1, defect = r2/c2)
    A = [[3, -1], [4, 0]]
    B = [[3, 4], [-1, 0]]
    res = _game(write_scenario, A, B)
    assert _profiles(res) == [((0.0, 1.0), (0.0, 1.0))]  # both defect
    (eq,) = res.equilibria
    assert eq.pure and eq.pareto_dominated  # (cooperate, cooperate) is better for both
    assert res.complete


def test_equilibria_pass_best_response_check_on_baseline():
    from conftest import ROOT

    res = sim.run(ROOT / "scenarios" / "japan_us_2025.yaml", models=["strategic"])
    strat = res.models["strategic"]
    A, B = strat.payoff_matrices
    for eq in strat.equilibria:
        x, y = eq.profile
        scale = max(np.ptp(A), np.ptp(B))
        assert (A @ y).max() - x @ A @ y <= 1e-9 * scale
        assert (x @ B).max() - x @ B @ y <= 1e-9 * scale


def test_deal_sheet_and_html(write_scenario):
    run = _pie(write_scenario, 0.2, 0.0)
    sheet = run.deal_sheet()
    assert list(sheet.columns) == [
        "nash_bargaining",
        "kalai_smorodinsky",
        "utilitarian",
        "egalitarian",
        "no deal",
    ]
    assert sheet.loc["share", "nash_bargaining"] == pytest.approx(0.6)
    assert sheet.loc["A payoff", "no deal"] == pytest.approx(0.2)
    assert sheet.loc["B gain", "kalai_smorodinsky"] == pytest.approx(0.4)
    assert "<table" in run._repr_html_() and "pie" in run._repr_html_()


def test_single_strategy_players_are_flagged(write_scenario, minimal_text):
    text = minimal_text.replace("    controlled_by: A\n", "").replace("    controlled_by: B\n", "")
    text = text.replace(", offered_by: B", "")
    res = sim.run(write_scenario(text), models=["strategic"]).models["strategic"]
    assert res.strategies == (("hold",), ("hold",))
    assert sum("single strategy" in n for n in res.notes) == 2
