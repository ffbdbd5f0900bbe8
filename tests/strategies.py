"""Shared hypothesis strategies for the test-suite (one place, as STYLE.md asks)."""

from __future__ import annotations

# --- equilibria (sim.equilibria): bimatrix games, N-player games, game trees ---------------
import numpy as _np
from hypothesis import strategies as _st


@_st.composite
def bimatrix_games(draw, max_m: int = 4, max_n: int = 4, ties: bool | None = None):
    """``(A, B)`` float arrays; with ``ties`` the entries are small integers (degenerate games)."""
    m = draw(_st.integers(1, max_m))
    n = draw(_st.integers(1, max_n))
    ties = draw(_st.booleans()) if ties is None else ties
    if ties:
        elems = _st.integers(-2, 2).map(float)
    else:
        elems = _st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=32).map(float)
    A = _np.array(draw(_st.lists(elems, min_size=m * n, max_size=m * n))).reshape(m, n)
    B = _np.array(draw(_st.lists(elems, min_size=m * n, max_size=m * n))).reshape(m, n)
    return A, B


_label = _st.text(
    alphabet=_st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6
)
# pygambit 16.7 accepts only printable ASCII labels without leading, trailing or double spaces
_gambit_label = _st.from_regex(r'[A-Za-z][A-Za-z0-9()"-]{0,3}( [A-Za-z0-9]{1,3})?', fullmatch=True)


@_st.composite
def strategic_games(draw, max_players: int = 3, max_strategies: int = 3, gambit_safe=False):
    """A :class:`sim.equilibria.Game` with labels, title and decimal payoffs."""
    from sim.equilibria import Game

    _lab = _gambit_label if gambit_safe else _label
    k = draw(_st.integers(1, max_players))
    shape = tuple(draw(_st.integers(1, max_strategies)) for _ in range(k))
    size = int(_np.prod(shape))
    num = _st.one_of(
        _st.integers(-1000, 1000).map(float),
        _st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    )
    payoffs = tuple(
        _np.array(draw(_st.lists(num, min_size=size, max_size=size))).reshape(shape)
        for _ in range(k)
    )
    # Gambit 16.7 also wants player and strategy labels unique
    players = tuple(draw(_st.lists(_lab, min_size=k, max_size=k, unique=gambit_safe)))
    strategies = tuple(
        tuple(draw(_st.lists(_lab, min_size=n, max_size=n, unique=gambit_safe))) for n in shape
    )
    return Game(payoffs, players, strategies, draw(_lab))


@_st.composite
def game_trees(draw, n_players: int = 2, max_depth: int = 3, gambit_safe=False):
    """A random :class:`sim.equilibria.ExtensiveGame` (chance, personal, terminal nodes).

    Information sets are per node (perfect information) unless ``share`` merges
    same-player nodes with equal action counts at the same depth.
    """
    from fractions import Fraction

    from sim.equilibria import ExtensiveGame, Node

    _lab = _gambit_label if gambit_safe else _label
    counter = {"outcome": 0, "infoset": {}, "event": 0}

    def build(depth):
        kind = draw(_st.sampled_from(["t"] if depth >= max_depth else ["t", "p", "p", "c"]))
        if kind == "t":
            counter["outcome"] += 1
            pays = tuple(float(draw(_st.integers(-9, 9))) for _ in range(n_players))
            return Node(
                "t",
                "" if gambit_safe else draw(_lab),  # Gambit 16.7 wants unique node labels
                outcome=counter["outcome"],
                outcome_label=f"o{counter['outcome']}",
                payoffs=pays,
            )
        n_act = draw(_st.integers(1, 3))
        acts = tuple(f"a{j}" for j in range(n_act))
        if kind == "c":
            counter["event"] += 1
            weights = [draw(_st.integers(1, 4)) for _ in range(n_act)]
            probs = tuple(Fraction(w, sum(weights)) for w in weights)
            node = Node("c", "", 0, counter["event"], f"chance{counter['event']}", acts, probs)
        else:
            player = draw(_st.integers(1, n_players))
            key = (player, depth, n_act)
            share = draw(_st.booleans()) and key in counter["infoset"]
            if not share:
                counter["next"] = counter.get("next", 0) + 1
                counter["infoset"][key] = counter["next"]
            node = Node(
                "p", "", player, counter["infoset"][key], f"I{counter['infoset'][key]}", acts
            )
        node.children = [build(depth + 1) for _ in acts]
        return node

    return ExtensiveGame(tuple(f"P{i + 1}" for i in range(n_players)), build(0), draw(_lab))
