"""Tests of sim.equilibria.solve against textbook answers, Gambit fixtures and nashpy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings

from sim.equilibria import Game, solve
from sim.equilibria.dominance import eliminate_dominated
from tests.strategies import bimatrix_games

FIXTURES = json.loads(
    (Path(__file__).parents[1] / "fixtures" / "gambit" / "enummixed.json").read_text()
)["games"]


def assert_best_responses(A, B, result, tol=1e-7):
    """Independent check: no pure deviation gains more than tol * range."""
    A = np.asarray(A, float)
    B = np.asarray(B, float)
    scale = max(np.ptp(A), np.ptp(B), 1.0)
    for eq in result.equilibria:
        x, y = (np.array(s) for s in eq.strategies)
        assert (x >= 0).all() and (y >= 0).all()
        assert abs(x.sum() - 1) < 1e-9 and abs(y.sum() - 1) < 1e-9
        u1, u2 = x @ A @ y, x @ B @ y
        assert max(A[i] @ y for i in range(len(x))) <= u1 + tol * scale
        assert max(x @ B[:, j] for j in range(len(y))) <= u2 + tol * scale
        assert eq.payoffs == pytest.approx((u1, u2), abs=1e-9 * scale)


def profiles(result):
    return [np.concatenate(e.strategies) for e in result.equilibria]


def same_set(found, expected, atol=1e-6):
    if len(found) != len(expected):
        return False
    expected = [np.asarray(e, float) for e in expected]
    return all(any(np.abs(f - e).max() <= atol for e in expected) for f in found)


def test_prisoners_dilemma_is_solved_by_elimination_alone():
    A = np.array([[3, 0], [5, 1]])
    res = solve(A, A.T)
    assert len(res.eliminated) == 2
    assert [e.strategies for e in res.equilibria] == [((0.0, 1.0), (0.0, 1.0))]
    assert res.complete and "dominated" in res.reason


def test_battle_of_the_sexes_has_three_equilibria():
    res = solve([[2, 0], [0, 1]], [[1, 0], [0, 2]])
    assert same_set(profiles(res), [[1, 0, 1, 0], [0, 1, 0, 1], [2 / 3, 1 / 3, 1 / 3, 2 / 3]])
    assert res.complete


@pytest.mark.parametrize("method", ["vertex", "support", "lemke-howson"])
def test_matching_pennies_and_rps(method):
    mp = np.array([[1, -1], [-1, 1]])
    assert same_set(profiles(solve(mp, -mp, method=method)), [[0.5] * 4])
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    assert same_set(profiles(solve(rps, -rps, method=method)), [[1 / 3] * 6])


@pytest.mark.parametrize("n", [2, 3, 4, 5, 6])
def test_coordination_game_has_2n_minus_1_equilibria(n):
    res = solve(np.eye(n), np.eye(n))
    assert len(res) == 2**n - 1
    for eq in res.equilibria:  # uniform on a common support
        x, y = (np.array(s) for s in eq.strategies)
        k = len(eq.support[0])
        assert eq.support[0] == eq.support[1]
        np.testing.assert_allclose(x[list(eq.support[0])], 1 / k)
        np.testing.assert_allclose(y[list(eq.support[1])], 1 / k)


def test_nashpy_4x3_example():
    A = [[160, 205, 44], [175, 180, 45], [201, 204, 50], [120, 207, 49]]
    B = [[2, 2, 2], [1, 0, 0], [3, 4, 1], [4, 1, 2]]
    for method in ("auto", "support", "lemke-howson"):
        res = solve(A, B, method=method)
        assert same_set(profiles(res), [[0, 0, 3 / 4, 1 / 4, 1 / 28, 27 / 28, 0]])


def test_all_zero_game_every_profile_is_an_equilibrium():
    res = solve(np.zeros((3, 4)), np.zeros((3, 4)))
    assert len(res) == 12 and res.complete
    assert len(res.nash_subsets) == 1 and res.components == 1
    assert len(res.nash_subsets[0].rows) == 3 and len(res.nash_subsets[0].cols) == 4


def test_mixed_dominance_by_linear_programming():
    A = np.array([[3, 0], [0, 3], [1, 1]])  # row 3 is beaten by (1/2, 1/2)
    rows, _cols, gone = eliminate_dominated(A, np.zeros_like(A))
    assert rows.tolist() == [0, 1] and gone[0].by == "mixed" and gone[0].strategy == 2


def test_nash_subsets_contain_only_equilibria():
    A = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    B = np.array([[1, 1, 0], [1, 1, 0], [0, 0, 1]])
    res = solve(A, B)
    assert_best_responses(A, B, res)
    big = max(res.nash_subsets, key=lambda s: len(s.rows) * len(s.cols))
    assert len(big.rows) * len(big.cols) > 1
    x = np.mean([res.row_extremes[i] for i in big.rows], axis=0)
    y = np.mean([res.col_extremes[j] for j in big.cols], axis=0)
    mid = type(res)(
        (type(res.equilibria[0])((tuple(x), tuple(y)), (x @ A @ y, x @ B @ y), ((), ()), 0.0),),
        True,
        "",
        "",
        "",
        (),
    )
    assert_best_responses(A, B, mid)


@pytest.mark.parametrize("record", FIXTURES, ids=[r["name"] for r in FIXTURES])
def test_equilibrium_sets_equal_gambit_fixtures(record):
    A, B = np.array(record["A"], float), np.array(record["B"], float)
    res = solve(A, B)
    assert res.complete
    assert_best_responses(A, B, res)
    assert same_set(profiles(res), record["equilibria"])
    if record["name"].startswith("random"):  # nondegenerate: support enumeration agrees
        assert same_set(profiles(solve(A, B, method="support")), record["equilibria"])
    lh = profiles(solve(A, B, method="lemke-howson"))
    assert all(any(np.abs(p - np.array(e)).max() < 1e-6 for e in record["equilibria"]) for p in lh)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bimatrix_games(max_m=4, max_n=4))
def test_every_equilibrium_passes_the_best_response_check(game):
    A, B = game
    for method in ("auto", "support", "lemke-howson", "pure"):
        res = solve(A, B, method=method)
        assert_best_responses(A, B, res)
    assert len(solve(A, B)) >= 1  # Nash (1951): at least one equilibrium exists


@settings(max_examples=40, deadline=None)
@given(bimatrix_games(max_m=4, max_n=4))
def test_vertex_enumeration_matches_nashpy(game):
    nash = pytest.importorskip("nashpy")
    A, B = game
    if np.ptp(A) == 0 or np.ptp(B) == 0 or min(A.shape) == 1:
        return  # nashpy's vertex enumeration fails on constant payoffs and on 1-row games
    # sim treats payoff differences below 1e-9 of a player's range as ties (docs/equilibria.md)
    # and nashpy does not: compare only games where that decision is unambiguous
    for M in (A, B):
        gaps = np.abs(M.ravel()[:, None] - M.ravel()[None, :])
        assume(not ((gaps > 0) & (gaps < 1e-6 * np.ptp(M))).any())
    expected = []
    # nashpy needs positive payoffs (zeros break its polytopes): shift, which keeps equilibria
    for x, y in nash.Game(A - A.min() + 1, B - B.min() + 1).vertex_enumeration():
        p = np.concatenate([x, y])
        # nashpy's own tolerance lets near-equilibria through: keep exact ones (per-player
        # relative tolerance, invariant like the equilibria under rescaling one player)
        if (A @ y).max() - x @ A @ y > 1e-9 * np.ptp(A) or (
            x @ B
        ).max() - x @ B @ y > 1e-9 * np.ptp(B):
            continue
        if not any(np.abs(p - e).max() < 1e-6 for e in expected):
            expected.append(p)
    assert same_set(profiles(solve(A, B, eliminate=False)), expected)
    assert same_set(profiles(solve(A, B)), expected)


def test_result_serialises_and_tabulates():
    g = Game.bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], labels=[["opera", "fight"]] * 2)
    res = solve(g)
    json.dumps(res.to_dict())
    frame = res.to_frame()
    assert list(frame.columns) == ["equilibrium", "player", "strategy", "probability", "payoff"]
    assert set(frame["strategy"]) == {"opera", "fight"}
    assert "<table" in res._repr_html_()


def test_auto_method_choice_is_explained():
    rng = np.random.default_rng(5)
    A, B = rng.random((20, 20)), rng.random((20, 20))
    res = solve(A, B)
    assert res.method == "lemke-howson" and not res.complete and "20x20" in res.reason
    fast = solve(A[:5, :5], B[:5, :5], complete=False)
    assert fast.method == "lemke-howson" and not fast.complete
    timed = solve(A, B, method="lemke-howson", time_limit=0.0)
    assert not timed.complete and "time limit" in timed.reason
    with pytest.raises(ValueError, match="unknown method"):
        solve(A, B, method="magic")


def test_auto_keeps_vertex_enumeration_while_its_estimate_is_reasonable():
    from sim.equilibria.solve import VERTEX_BUDGET_S, _pick, vertex_seconds

    # an 18x18 game: vertex enumeration takes tens of seconds, so auto keeps it (complete)
    assert vertex_seconds(18, 18) <= VERTEX_BUDGET_S
    assert _pick(18, 18, True)[0] == "vertex"
    method, why = _pick(24, 24, True)
    assert method == "lemke-howson" and "--method vertex" in why
    assert _pick(16, 200, True)[0] == "vertex"  # the smaller side alone still qualifies


def test_terminal_says_plainly_when_incomplete(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app
    from sim.equilibria.gambit_nfg import write_nfg
    from sim.equilibria.game import Game

    rng = np.random.default_rng(5)
    A, B = rng.random((20, 20)), rng.random((20, 20))
    path = tmp_path / "g.nfg"
    write_nfg(Game.bimatrix(A, B), path)
    res = CliRunner().invoke(app, ["solve", str(path)])
    assert res.exit_code == 0, res.output
    assert "Incomplete" in res.output and "--method vertex" in res.output
