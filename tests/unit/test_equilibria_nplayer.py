"""N-player equilibria and game trees: pure equilibria, logit homotopy, backward induction."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings

from sim.equilibria import (
    ExtensiveGame,
    Node,
    backward_induction,
    load_game,
    reduced_strategic_form,
    solve,
    solve_nplayer,
)
from tests.strategies import game_trees

FIXTURES = Path(__file__).parents[1] / "fixtures" / "gambit"


def deviation_gain(payoffs, profile):
    """Independent check: best gain from a pure deviation, by brute force over profiles."""
    n = len(payoffs)
    shape = payoffs[0].shape
    gain = 0.0
    for i in range(n):
        values = np.zeros(shape[i])
        current = 0.0
        for prof in itertools.product(*[range(s) for s in shape]):
            prob_others = np.prod([profile[k][prof[k]] for k in range(n) if k != i])
            values[prof[i]] += prob_others * payoffs[i][prof]
            current += prob_others * profile[i][prof[i]] * payoffs[i][prof]
        gain = max(gain, values.max() - current)
    return gain


def test_three_player_coordination_pure_equilibria():
    U = np.zeros((2, 2, 2))
    U[0, 0, 0] = U[1, 1, 1] = 1
    res = solve_nplayer([U, U, U], method="pure")
    assert sorted(e.support for e in res.equilibria) == [((0,), (0,), (0,)), ((1,), (1,), (1,))]
    assert not res.complete


def test_jordan_game_unique_mixed_equilibrium_found_by_logit():
    # Jordan (1993): 3-player matching pennies cycle, unique equilibrium (1/2, 1/2, 1/2)
    A, B, C = (np.zeros((2, 2, 2)) for _ in range(3))
    for a, b, c in itertools.product(range(2), repeat=3):
        A[a, b, c], B[a, b, c], C[a, b, c] = a == b, b != c, c == a
    res = solve_nplayer([A, B, C])
    assert len(res.equilibria) == 1
    np.testing.assert_allclose(res.equilibria[0].strategies, [[0.5, 0.5]] * 3, atol=1e-7)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=__import__("hypothesis").strategies.integers(0, 10_000))
def test_nplayer_results_pass_brute_force_check(seed):
    rng = np.random.default_rng(seed)
    pays = [rng.integers(0, 4, (2, 3, 2)).astype(float) for _ in range(3)]
    res = solve_nplayer(pays)
    for eq in res.equilibria:
        assert deviation_gain(pays, [np.array(s) for s in eq.strategies]) <= 1e-7 * 3
    json.dumps(res.to_dict())


def entry_game() -> ExtensiveGame:
    """Selten's chain-store stage: entrant Out (0, 2) or In; incumbent Fight (-1, -1) or
    Accommodate (1, 1).  Subgame-perfect: In, Accommodate."""
    fight = Node("t", outcome=1, outcome_label="fight", payoffs=(-1.0, -1.0))
    acc = Node("t", outcome=2, outcome_label="acc", payoffs=(1.0, 1.0))
    inc = Node("p", player=2, infoset=1, infoset_label="I", actions=("Fight", "Acc"))
    inc.children = [fight, acc]
    out = Node("t", outcome=3, outcome_label="out", payoffs=(0.0, 2.0))
    root = Node("p", player=1, infoset=1, infoset_label="E", actions=("Out", "In"))
    root.children = [out, inc]
    return ExtensiveGame(("Entrant", "Incumbent"), root, "entry")


def test_backward_induction_entry_game():
    bi = backward_induction(entry_game())
    assert bi.moves == ("In", "Acc") and bi.payoffs == (1.0, 1.0)
    # the strategic form has two pure equilibria: (In, Acc) and (Out, Fight)
    res = solve(reduced_strategic_form(entry_game()), method="pure")
    labels = reduced_strategic_form(entry_game()).strategies
    pure = {(labels[0][e.support[0][0]], labels[1][e.support[1][0]]) for e in res.equilibria}
    assert pure == {("In", "Acc"), ("Out", "Fight")}


def test_reduced_form_of_gambit_bayes_game_matches_gambit_count():
    record = json.loads((FIXTURES / "enummixed.json").read_text())["bayes_one_stage_efg"]
    game = reduced_strategic_form(load_game(FIXTURES / "bayes_one_stage.efg"))
    assert game.shape == (4, 4)
    assert len(solve(game)) == record["n_equilibria"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(game_trees(n_players=2, max_depth=3))
def test_backward_induction_outcome_is_a_nash_equilibrium_of_the_strategic_form(tree):
    if not tree.is_perfect_information():
        return
    bi = backward_induction(tree)
    game = reduced_strategic_form(tree)
    # Kuhn: the subgame-perfect profile is a Nash equilibrium, so some pure equilibrium of
    # the reduced form pays exactly the backward-induction values... when payoffs are generic;
    # in general the value vector must be achievable and no player can beat it by deviating.
    res = solve(game, method="pure")
    assert res.equilibria  # a perfect-information game has a pure equilibrium (Kuhn 1953)
    values = {tuple(np.round(e.payoffs, 9)) for e in res.equilibria}
    assert tuple(np.round(bi.payoffs, 9)) in values


def test_logit_restarts_draw_from_the_rng_given():
    """Random restarts come from the generator passed in (reproducible by seed), never from
    global state; the end point itself is always tried first."""
    from sim.equilibria.nplayer import _starts

    qre = [np.array([0.5, 0.5]), np.array([0.2, 0.8])]
    one = list(_starts(qre, np.random.default_rng(7), 3))
    two = list(_starts(qre, np.random.default_rng(7), 3))
    other = list(_starts(qre, np.random.default_rng(8), 3))
    assert one[0] is qre and len(one) == 4
    for a, b in zip(one[1:], two[1:], strict=True):
        assert all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))
    assert not np.array_equal(one[1][0], other[1][0])
    # no generator: a fixed seed, the same starts every time (nothing unseeded)
    a, b = list(_starts(qre, None, 3)), list(_starts(qre, None, 3))
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a[1:], b[1:], strict=True))
