"""Live cross-check against pygambit (skipped when pygambit is not installed)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.equilibria import dumps_efg, dumps_nfg, solve
from tests.strategies import bimatrix_games, game_trees, strategic_games

gbt = pytest.importorskip("pygambit")
pytestmark = pytest.mark.gambit


def gambit_set(A, B):
    exact = np.allclose(A, np.round(A)) and np.allclose(B, np.round(B))
    if exact:
        game = gbt.Game.from_arrays(
            np.round(A).astype(int).tolist(), np.round(B).astype(int).tolist()
        )
    else:
        game = gbt.Game.from_arrays(A, B)
    out = []
    for p in gbt.nash.enummixed_solve(game, rational=exact).equilibria:
        prof = np.array([float(p[s]) for pl in game.players for s in pl.strategies])
        if not any(np.abs(prof - q).max() <= 1e-7 for q in out):
            out.append(prof)  # Gambit returns duplicates on degenerate games (ANCHORS.md)
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bimatrix_games(max_m=5, max_n=5, ties=True))
def test_equal_to_gambit_on_games_with_ties(game):
    A, B = game
    found = [np.concatenate(e.strategies) for e in solve(A, B).equilibria]
    expected = gambit_set(A, B)
    assert len(found) == len(expected)
    assert all(any(np.abs(f - e).max() < 1e-6 for e in expected) for f in found)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.integers(0, 2**32 - 1), st.integers(2, 7), st.integers(2, 7))
def test_equal_to_gambit_on_generic_games(seed, m, n):
    # uniform random payoffs: nondegenerate with probability one (exact ties are covered above)
    rng = np.random.default_rng(seed)
    A, B = rng.random((m, n)), rng.random((m, n))
    found = [np.concatenate(e.strategies) for e in solve(A, B).equilibria]
    expected = gambit_set(A, B)
    assert len(found) == len(expected)
    assert all(any(np.abs(f - e).max() < 1e-6 for e in expected) for f in found)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategic_games(max_players=3, max_strategies=3, gambit_safe=True))
def test_gambit_reads_our_nfg_files(tmp_path_factory, game):
    path = tmp_path_factory.mktemp("nfg") / "g.nfg"
    path.write_text(dumps_nfg(game, version="outcome"), encoding="utf-8")
    back = gbt.read_nfg(str(path))
    arrays = [np.array(a, dtype=float) for a in back.to_arrays()]
    for ours, theirs in zip(game.payoffs, arrays, strict=True):
        np.testing.assert_allclose(theirs, ours, rtol=1e-12, atol=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(game_trees(n_players=2, gambit_safe=True))
def test_gambit_reads_our_efg_files(tmp_path_factory, tree):
    path = tmp_path_factory.mktemp("efg") / "g.efg"
    path.write_text(dumps_efg(tree), encoding="utf-8")
    back = gbt.read_efg(str(path))
    assert len(back.players) == 2
    assert len(list(back.nodes)) == len(list(tree.root.walk()))
