"""Solving game trees: backward induction and the reduced strategic form.

* :func:`backward_induction` — subgame-perfect equilibrium of a finite game of
  perfect information (Kuhn 1953; Zermelo): at each decision node the mover picks
  a payoff-maximising action given the continuation values; chance nodes take
  expectations.  Ties are broken towards the first action and reported.
* :func:`reduced_strategic_form` — Kuhn's reduced normal form: a player's pure
  strategy names an action at each of their information sets, except those made
  unreachable by their own earlier choices (written ``*``); profiles are evaluated
  exactly over the tree (chance probabilities multiply, outcomes add along a
  path).  The resulting :class:`~sim.equilibria.game.Game` can be solved with
  :func:`~sim.equilibria.solve.solve`.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from sim.equilibria.gambit_efg import ExtensiveGame, Node
from sim.equilibria.game import Game

__all__ = ["BackwardInductionResult", "backward_induction", "reduced_strategic_form"]

MAX_PROFILES = 2_000_000


@dataclass(frozen=True)
class BackwardInductionResult:
    """Subgame-perfect play: the value of the game and the action chosen at every node.

    ``choices`` maps the prefix index of each personal node to the chosen action;
    ``ties`` lists the nodes where another action was equally good.
    """

    payoffs: tuple[float, ...]
    choices: dict
    path: tuple[str, ...]
    ties: tuple[int, ...]

    def to_dict(self) -> dict:
        return {
            "payoffs": list(self.payoffs),
            "choices": {str(k): v for k, v in self.choices.items()},
            "path": list(self.path),
            "ties": list(self.ties),
        }


def backward_induction(game: ExtensiveGame, *, tol: float = 1e-12) -> BackwardInductionResult:
    """Subgame-perfect equilibrium of a perfect-information tree by backward induction.

    Raises
    ------
    ValueError
        If some information set holds more than one node.
    """
    if not game.is_perfect_information():
        raise ValueError(
            "backward induction needs perfect information (every information set a single "
            "node); use reduced_strategic_form() and solve() instead"
        )
    n = len(game.players)
    index = {id(node): k for k, node in enumerate(game.root.walk())}
    choices: dict[int, str] = {}
    ties: list[int] = []
    best_child: dict[int, int] = {}

    def value(node: Node) -> np.ndarray:
        here = np.array(node.payoffs, dtype=float) if node.outcome else np.zeros(n)
        if node.kind == "t":
            return here
        vals = np.array([value(c) for c in node.children])
        if node.kind == "c":
            probs = np.array([float(p) for p in node.probs])
            return here + probs @ vals
        own = vals[:, node.player - 1]
        k = int(np.argmax(own))
        if (own >= own[k] - tol).sum() > 1:
            ties.append(index[id(node)])
        choices[index[id(node)]] = node.actions[k]
        best_child[id(node)] = k
        return here + vals[k]

    payoffs = value(game.root)
    path, node = [], game.root
    while node.kind == "p":
        k = best_child[id(node)]
        path.append(node.actions[k])
        node = node.children[k]
    return BackwardInductionResult(
        tuple(float(v) for v in payoffs),
        dict(sorted(choices.items())),
        tuple(path),
        tuple(sorted(ties)),
    )


def _reduced_strategies(game: ExtensiveGame, player: int, infosets: list[tuple[int, int]]):
    """Reduced pure strategies of ``player``: tuples of action index or None (``*``)."""
    actions = [len(game.infosets()[key][1]) for key in infosets]
    pos = {key: k for k, key in enumerate(infosets)}
    seen: dict[tuple, None] = {}
    for plan in itertools.product(*[range(a) for a in actions]):
        relevant: set[int] = set()
        stack = [game.root]
        while stack:
            node = stack.pop()
            if node.kind == "t":
                continue
            if node.kind == "p" and node.player == player:
                k = pos[(node.player, node.infoset)]
                relevant.add(k)
                stack.append(node.children[plan[k]])
            else:
                stack.extend(node.children)
        key = tuple(plan[k] if k in relevant else None for k in range(len(infosets)))
        seen.setdefault(key, None)
    return list(seen)


def reduced_strategic_form(game: ExtensiveGame) -> Game:
    """The reduced strategic form of a (small) tree as an N-player :class:`Game`.

    Strategy labels join the chosen actions per information set with ``/`` and
    write ``*`` where the information set cannot be reached.

    Raises
    ------
    ValueError
        If the game would have more than ``MAX_PROFILES`` strategy profiles.
    """
    n = len(game.players)
    table = game.infosets()
    per_player = [sorted(k for k in table if k[0] == i + 1) for i in range(n)]
    strategies = [_reduced_strategies(game, i + 1, per_player[i]) for i in range(n)]
    shape = tuple(max(len(s), 1) for s in strategies)
    if int(np.prod(shape)) > MAX_PROFILES:
        raise ValueError(f"the reduced strategic form would have {int(np.prod(shape))} profiles")
    pos = [{key: k for k, key in enumerate(keys)} for keys in per_player]

    def payoff(node: Node, profile) -> np.ndarray:
        here = np.array(node.payoffs, dtype=float) if node.outcome else np.zeros(n)
        if node.kind == "t":
            return here
        if node.kind == "c":
            probs = [float(p) for p in node.probs]
            return here + sum(
                p * payoff(c, profile) for p, c in zip(probs, node.children, strict=True)
            )
        i = node.player - 1
        choice = profile[i][pos[i][(node.player, node.infoset)]]
        return here + payoff(node.children[choice], profile)

    payoffs = np.zeros((*shape, n))
    for idx in itertools.product(*[range(s) for s in shape]):
        profile = [strategies[i][idx[i]] if strategies[i] else () for i in range(n)]
        payoffs[idx] = payoff(game.root, profile)
    labels = []
    for i in range(n):
        acts = [table[key][1] for key in per_player[i]]
        labels.append(
            tuple(
                "/".join("*" if a is None else acts[k][a] for k, a in enumerate(s)) or "-"
                for s in strategies[i]
            )
            or ("-",)
        )
    return Game(tuple(payoffs[..., i] for i in range(n)), game.players, tuple(labels), game.title)
