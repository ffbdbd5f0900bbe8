"""Nash-equilibrium engine for strategic-form games, and Gambit's file formats.

Public API: :class:`Game`, :func:`solve` (2 players: dominance, vertex / support
enumeration, Lemke–Howson, pure; every profile verified), :func:`solve_nplayer`
(N players: pure equilibria and a logit homotopy), Gambit ``.nfg``/``.efg``
reading and writing, game trees (one type, :mod:`sim.equilibria.tree`), backward
induction and the reduced strategic form (:mod:`sim.equilibria.extensive`).
"""

from sim.equilibria.errors import GameFileError
from sim.equilibria.extensive import backward_induction, reduced_strategic_form, solve_game_tree
from sim.equilibria.files import load_game
from sim.equilibria.gambit_efg import dumps_efg, loads_efg, read_efg, write_efg
from sim.equilibria.gambit_nfg import dumps_nfg, loads_nfg, read_nfg, write_nfg
from sim.equilibria.game import Game, as_game
from sim.equilibria.nplayer import solve_nplayer
from sim.equilibria.result import Equilibrium, EquilibriumResult
from sim.equilibria.solve import METHODS, solve
from sim.equilibria.tree import ExtensiveGame, Node

__all__ = [
    "METHODS",
    "Equilibrium",
    "EquilibriumResult",
    "ExtensiveGame",
    "Game",
    "GameFileError",
    "Node",
    "as_game",
    "backward_induction",
    "dumps_efg",
    "dumps_nfg",
    "load_game",
    "loads_efg",
    "loads_nfg",
    "read_efg",
    "read_nfg",
    "reduced_strategic_form",
    "solve",
    "solve_game_tree",
    "solve_nplayer",
    "write_efg",
    "write_nfg",
]
