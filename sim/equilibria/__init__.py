"""Nash-equilibrium engine for strategic-form games, and Gambit's file formats.

Public API: :class:`Game`, :func:`solve` (2 players: dominance, vertex / support
enumeration, Lemke–Howson, pure; every profile verified), :func:`solve_nplayer`
(N players: pure equilibria and a logit homotopy), Gambit ``.nfg``/``.efg``
reading and writing, backward induction and the reduced strategic form of trees.
"""

from sim.equilibria.game import Game, as_game
from sim.equilibria.result import Equilibrium, EquilibriumResult
from sim.equilibria.solve import METHODS, solve

__all__ = ["METHODS", "Equilibrium", "EquilibriumResult", "Game", "as_game", "solve"]
