"""Solving game trees: backward induction and the reduced strategic form.

* :func:`backward_induction` — subgame-perfect equilibrium of a finite game of
  perfect information (Kuhn 1953; Zermelo; Osborne 2004, *An Introduction to Game
  Theory*, ch. 5; Fudenberg & Tirole 1991, section 3.2): working up from the leaves, the
  mover at each decision node picks a move maximising its own payoff given the choices
  below; chance nodes take expectations; outcomes at inner nodes add up along the path.
  Ties: an indifferent mover picks the first move listed, and the node is reported in
  ``ties`` -- with ties the equilibrium need not be unique.
* :func:`solve_game_tree` — the same for a tree given as nodes by id (validated by
  :func:`sim.equilibria.tree.tree_problems`, terminal ``outcome`` references resolved by
  the caller).
* :func:`reduced_strategic_form` — Kuhn's reduced normal form: a player's pure
  strategy names an action at each of their information sets, except those made
  unreachable by their own earlier choices (written ``*``); profiles are evaluated
  exactly over the tree (chance probabilities multiply, outcomes add along a
  path).  The resulting :class:`~sim.equilibria.game.Game` can be solved with
  :func:`~sim.equilibria.solve.solve`.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.equilibria.game import Game
from sim.equilibria.tree import CHANCE, ExtensiveGame, Node, tree_from_nodes, tree_problems

__all__ = [
    "BackwardInductionResult",
    "backward_induction",
    "reduced_strategic_form",
    "solve_game_tree",
]

MAX_PROFILES = 2_000_000
#: Most node visits spent enumerating one player's pure-strategy plans (plans x nodes).
MAX_PLAN_WORK = 5_000_000


@dataclass(frozen=True)
class BackwardInductionResult:
    """Subgame-perfect equilibrium of a tree; nodes are named by
    :meth:`~sim.equilibria.tree.ExtensiveGame.node_ids`.

    ``strategy`` maps every decision node (on or off the path) to the move chosen;
    ``values`` every node to its expected payoff vector under the equilibrium;
    ``reach`` every node to the probability it is reached in equilibrium;
    ``path`` the nodes reached with positive probability, in prefix order, each a dict
    with ``node``, ``player``, ``probability``, ``move`` (None at chance and terminal
    nodes) and, at terminal nodes, ``payoffs``; ``terminal_probabilities`` the
    distribution over terminal nodes; ``payoffs`` the expected payoffs at the root;
    ``ties`` the nodes where the mover was indifferent.
    """

    players: tuple[str, ...]
    strategy: dict[str, str]
    values: dict[str, tuple[float, ...]]
    reach: dict[str, float]
    path: tuple[dict, ...]
    terminal_probabilities: dict[str, float]
    payoffs: tuple[float, ...]
    ties: tuple[str, ...]

    @property
    def moves(self) -> tuple[str, ...]:
        """The moves made on the equilibrium path (decision nodes reached), in order."""
        return tuple(step["move"] for step in self.path if step["move"] is not None)

    def to_dict(self) -> dict:
        return {
            "players": list(self.players),
            "payoffs": list(self.payoffs),
            "path": list(self.moves),
            "equilibrium_path": [dict(step) for step in self.path],
            "strategy": dict(self.strategy),
            "values": {k: list(v) for k, v in self.values.items()},
            "terminal_probabilities": dict(self.terminal_probabilities),
            "ties": list(self.ties),
        }

    def to_frame(self):
        """One row per decision node: chosen move, reach probability, values."""
        import pandas as pd

        rows = []
        for nid, move in self.strategy.items():
            row = {"node": nid, "move": move, "reach": self.reach[nid]}
            row.update(
                {f"value_{p}": v for p, v in zip(self.players, self.values[nid], strict=True)}
            )
            rows.append(row)
        return pd.DataFrame(rows)


def backward_induction(game: ExtensiveGame, *, tol: float = 1e-12) -> BackwardInductionResult:
    """Subgame-perfect equilibrium of a perfect-information tree by backward induction.

    Payoff differences within ``tol`` count as ties (broken towards the first action).

    Raises
    ------
    ValueError
        If some information set holds more than one node.

    Examples
    --------
    The entry game (Osborne 2004, ch. 5): the threat to fight is not credible.

    >>> from sim.equilibria.tree import tree_from_nodes
    >>> nodes = {"c": {"player": "Challenger", "moves": {"Out": "o", "In": "i"}},
    ...          "i": {"player": "Incumbent", "moves": {"Acquiesce": "a", "Fight": "f"}},
    ...          "o": {}, "a": {}, "f": {}}
    >>> pay = {"o": (1, 2), "a": (2, 1), "f": (0, 0)}
    >>> bi = backward_induction(tree_from_nodes(("Challenger", "Incumbent"), "c", nodes, pay))
    >>> bi.moves, bi.payoffs
    (('In', 'Acquiesce'), (2.0, 1.0))
    """
    if not game.is_perfect_information():
        raise ValueError(
            "backward induction needs perfect information (every information set a single "
            "node); use reduced_strategic_form() and solve() instead"
        )
    n = len(game.players)
    nodes = list(game.root.walk())  # prefix order: parents before children
    ids = game.node_ids()
    pos = {id(node): k for k, node in enumerate(nodes)}
    val: list[np.ndarray] = [np.zeros(n)] * len(nodes)
    choice: dict[int, int] = {}
    ties: list[int] = []
    for k in reversed(range(len(nodes))):
        node = nodes[k]
        here = np.array(node.payoffs, dtype=float) if node.outcome else np.zeros(n)
        below = [val[pos[id(c)]] for c in node.children]
        if node.kind == "t":
            val[k] = here
        elif node.kind == "c":
            val[k] = here + sum(float(p) * v for p, v in zip(node.probs, below, strict=True))
        else:
            own = np.array([v[node.player - 1] for v in below])
            best = np.flatnonzero(own >= own.max() - tol)
            if best.size > 1:
                ties.append(k)
            choice[k] = int(best[0])
            val[k] = here + below[choice[k]]
    reach = [0.0] * len(nodes)
    reach[0] = 1.0
    path = []
    for k, node in enumerate(nodes):
        r = reach[k]
        for j, child in enumerate(node.children):
            if node.kind == "c":
                reach[pos[id(child)]] = r * float(node.probs[j])
            else:
                reach[pos[id(child)]] = r if choice[k] == j else 0.0
        if r > 0:
            step = {
                "node": ids[k],
                "player": CHANCE if node.kind == "c" else _mover(game, node),
                "probability": r,
                "move": node.actions[choice[k]] if node.kind == "p" else None,
            }
            if node.kind == "t":
                step["payoffs"] = [float(v) for v in val[k]]
            path.append(step)
    return BackwardInductionResult(
        players=tuple(game.players),
        strategy={ids[k]: nodes[k].actions[c] for k, c in sorted(choice.items())},
        values={ids[k]: tuple(float(v) for v in val[k]) for k in range(len(nodes))},
        reach={ids[k]: float(reach[k]) for k in range(len(nodes))},
        path=tuple(path),
        terminal_probabilities={
            ids[k]: reach[k] for k, node in enumerate(nodes) if node.kind == "t" and reach[k] > 0
        },
        payoffs=tuple(float(v) for v in val[0]),
        ties=tuple(ids[k] for k in sorted(ties)),
    )


def _mover(game: ExtensiveGame, node: Node) -> str | None:
    return game.players[node.player - 1] if node.kind == "p" else None


def solve_game_tree(
    tree: Mapping,
    *,
    outcome_payoffs: Mapping | Callable | None = None,
    tol: float = 1e-12,
) -> BackwardInductionResult:
    """Subgame-perfect equilibrium of a tree given as nodes by id, by backward induction.

    Parameters
    ----------
    tree : mapping
        ``players`` (names, in payoff order), ``root`` and ``nodes`` (id -> node, see
        :func:`sim.equilibria.tree.tree_problems`).
    outcome_payoffs : mapping or callable, optional
        Resolves terminal ``outcome`` references to payoff vectors (one per player).
    tol : float
        Payoff differences within ``tol`` count as ties (broken by move order).

    Raises
    ------
    ValueError
        Naming the node, for every problem :func:`~sim.equilibria.tree.tree_problems`
        finds, or an outcome reference that cannot be resolved.

    Examples
    --------
    >>> tree = {"players": ["Challenger", "Incumbent"], "root": "c", "nodes": {
    ...     "c": {"player": "Challenger", "moves": {"Out": "o", "In": "i"}},
    ...     "i": {"player": "Incumbent", "moves": {"Acquiesce": "a", "Fight": "f"}},
    ...     "o": {"payoffs": [1, 2]}, "a": {"payoffs": [2, 1]}, "f": {"payoffs": [0, 0]}}}
    >>> res = solve_game_tree(tree)
    >>> res.strategy, res.payoffs
    ({'c': 'In', 'i': 'Acquiesce'}, (2.0, 1.0))
    """
    players = tuple(tree.get("players", ()))
    root, nodes = tree.get("root"), tree.get("nodes") or {}
    problems = [
        f"{'.'.join(str(p) for p in loc)}: {message}"
        for loc, message in tree_problems(players, root, nodes)
    ]
    if problems:
        raise ValueError("; ".join(problems))
    payoffs = {}
    for nid, node in nodes.items():
        if not node.get("moves"):
            payoffs[nid] = _terminal(nid, node, outcome_payoffs, players)
    return backward_induction(tree_from_nodes(players, root, nodes, payoffs), tol=tol)


def _terminal(nid: str, node: Mapping, outcome_payoffs, players) -> np.ndarray:
    n_pl = len(players)
    given = node.get("payoffs")
    if isinstance(given, Mapping):
        return np.array([given[p] for p in players], dtype=float)
    if given is not None:
        return np.asarray(given, dtype=float)
    ref = node["outcome"]
    if outcome_payoffs is None:
        raise ValueError(f"Node '{nid}' refers to outcome {ref!r}; no payoffs given.")
    try:
        raw = outcome_payoffs(ref) if callable(outcome_payoffs) else outcome_payoffs[ref]
    except (KeyError, IndexError) as exc:
        raise ValueError(f"Node '{nid}': unknown outcome {ref!r}.") from exc
    pay = np.asarray(raw, dtype=float).reshape(-1)
    if pay.size != n_pl:
        raise ValueError(
            f"Node '{nid}': outcome {ref!r} gives {pay.size} payoffs; the game has {n_pl} players."
        )
    return pay


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
    n_nodes = sum(1 for _ in game.root.walk())
    for i in range(n):
        plans = math.prod(len(table[key][1]) for key in per_player[i])
        if plans * n_nodes > MAX_PLAN_WORK:
            raise ValueError(
                f"player {game.players[i]!r} has {plans:,} pure-strategy plans "
                f"({len(per_player[i])} information sets) in a tree of {n_nodes:,} nodes: "
                f"enumerating them takes more than the limit of {MAX_PLAN_WORK:,} node "
                "visits; solve a smaller tree (fewer information sets or actions)"
            )
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
