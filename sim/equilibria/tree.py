"""Small sequential games given as trees, solved by backward induction.

A scenario may describe a game tree: decision nodes (a player chooses a move), chance nodes
(moves with probabilities) and terminal nodes (payoffs given directly, or an ``outcome``
reference that the scenario resolves to payoffs).  :func:`solve_game_tree` finds the
subgame-perfect equilibrium by backward induction (Kuhn 1953; Osborne 2004, *An
Introduction to Game Theory*, ch. 5; Fudenberg & Tirole 1991, section 3.2): at each node,
working up from the leaves, the mover picks a move maximising its own payoff given the
choices below; chance nodes take expectations.

Ties: a mover indifferent between moves picks the first one in the order the moves are
listed (YAML order), and the node is reported in ``ties`` -- with ties the SPE need not be
unique and the modeller should say which move is meant to win them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from pydantic import BaseModel, ConfigDict, model_validator

__all__ = ["GameTreeResult", "GameTreeSpec", "TreeNode", "solve_game_tree"]

CHANCE = "chance"


class TreeNode(BaseModel):
    """One node: a decision (``player`` + ``moves``), chance (``player: chance`` +
    ``moves`` + ``probabilities``) or terminal (``payoffs`` or ``outcome``)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    player: str | None = None
    moves: dict[str, str] = {}
    probabilities: dict[str, float] | None = None
    payoffs: tuple[float, ...] | None = None
    outcome: str | int | None = None

    @property
    def terminal(self) -> bool:
        return not self.moves


class GameTreeSpec(BaseModel):
    """A game tree: ``players`` (names, in payoff order), ``root`` and ``nodes`` by id.

    Validation raises ``ValueError`` naming the node for: cycles, moves to unknown nodes,
    nodes unreachable from the root, nodes with two parents, chance probabilities that are
    negative, do not match the moves or do not sum to 1, payoff vectors of the wrong length,
    unknown players, and terminal nodes without (or with two) payoff specifications.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")
    players: tuple[str, ...]
    root: str
    nodes: dict[str, TreeNode]

    @model_validator(mode="after")
    def _check(self) -> GameTreeSpec:
        if len(self.players) < 1 or len(set(self.players)) != len(self.players):
            raise ValueError("A game tree needs distinct player names.")
        if CHANCE in self.players:
            raise ValueError(f"'{CHANCE}' is reserved for chance nodes, not a player name.")
        if self.root not in self.nodes:
            raise ValueError(f"The root node '{self.root}' is not among the nodes.")
        n_pl = len(self.players)
        for nid, node in self.nodes.items():
            for label, child in node.moves.items():
                if child not in self.nodes:
                    raise ValueError(
                        f"Node '{nid}': move '{label}' leads to unknown node '{child}'."
                    )
        cyc = _cycle_node(self.nodes)
        if cyc is not None:
            raise ValueError(f"Node '{cyc}' lies on a cycle (a game tree cannot loop).")
        parent: dict[str, str] = {}
        for nid, node in self.nodes.items():
            if node.terminal:
                if (node.payoffs is None) == (node.outcome is None):
                    raise ValueError(
                        f"Terminal node '{nid}' needs exactly one of payoffs or outcome."
                    )
                if node.payoffs is not None and len(node.payoffs) != n_pl:
                    raise ValueError(
                        f"Node '{nid}' has {len(node.payoffs)} payoffs; the game has "
                        f"{n_pl} players."
                    )
                if node.player is not None or node.probabilities is not None:
                    raise ValueError(
                        f"Terminal node '{nid}' cannot have a player or probabilities."
                    )
                continue
            if node.payoffs is not None or node.outcome is not None:
                raise ValueError(
                    f"Node '{nid}' has moves, so it cannot have payoffs or an outcome."
                )
            if node.player is None:
                raise ValueError(f"Node '{nid}' has moves but no player (a name or 'chance').")
            if node.player == CHANCE:
                pr = node.probabilities or {}
                if set(pr) != set(node.moves):
                    raise ValueError(
                        f"Chance node '{nid}' needs one probability per move "
                        f"({sorted(node.moves)}); got {sorted(pr)}."
                    )
                if any(p < 0 for p in pr.values()) or abs(sum(pr.values()) - 1) > 1e-9:
                    raise ValueError(
                        f"Chance node '{nid}': probabilities must be >= 0 and sum to 1 "
                        f"(they sum to {sum(pr.values()):g})."
                    )
            else:
                if node.player not in self.players:
                    raise ValueError(f"Node '{nid}': unknown player '{node.player}'.")
                if node.probabilities is not None:
                    raise ValueError(
                        f"Node '{nid}' is a decision node; only chance nodes have probabilities."
                    )
            for label, child in node.moves.items():
                if child == self.root:
                    raise ValueError(f"Node '{nid}': move '{label}' leads back to the root.")
                if child in parent:
                    raise ValueError(
                        f"Node '{child}' is reached from both '{parent[child]}' and '{nid}' "
                        "(in a game tree each node has one parent)."
                    )
                parent[child] = nid
        # walk from the root: every node must be reached, and (one parent each) no cycles
        seen, stack = {self.root}, [self.root]
        while stack:
            for child in self.nodes[stack.pop()].moves.values():
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
        missing = [nid for nid in self.nodes if nid not in seen]
        if missing:
            raise ValueError(f"Node '{missing[0]}' cannot be reached from the root '{self.root}'.")
        return self

    def outcome_refs(self) -> list[str | int]:
        """The outcome references of terminal nodes (for the scenario to resolve)."""
        return [n.outcome for n in self.nodes.values() if n.terminal and n.outcome is not None]


def _cycle_node(nodes: Mapping[str, TreeNode]) -> str | None:
    """A node lying on a directed cycle, or None (Kahn's topological sort, then a check)."""
    indeg = dict.fromkeys(nodes, 0)
    for node in nodes.values():
        for child in node.moves.values():
            indeg[child] += 1
    queue = [n for n, k in indeg.items() if k == 0]
    while queue:
        for child in nodes[queue.pop()].moves.values():
            indeg[child] -= 1
            if indeg[child] == 0:
                queue.append(child)
    left = [n for n, k in indeg.items() if k > 0]
    for start in left:  # leftovers are on a cycle or below one: report one on it
        seen, stack = set(), [start]
        while stack:
            for child in nodes[stack.pop()].moves.values():
                if child == start:
                    return start
                if child not in seen:
                    seen.add(child)
                    stack.append(child)
    return None


@dataclass(frozen=True)
class GameTreeResult:
    """Subgame-perfect equilibrium of a game tree.

    ``strategy`` maps every decision node (on or off the path) to the move chosen;
    ``values`` every node to its expected payoff vector under the equilibrium;
    ``reach`` every node to the probability it is reached in equilibrium;
    ``path`` the nodes reached with positive probability, in pre-order, each with its move;
    ``terminal_probabilities`` the distribution over terminal nodes; ``payoffs`` the
    expected payoffs at the root; ``ties`` the nodes where the mover was indifferent.
    """

    players: tuple[str, ...]
    strategy: dict[str, str]
    values: dict[str, tuple[float, ...]]
    reach: dict[str, float]
    path: tuple[dict, ...]
    terminal_probabilities: dict[str, float]
    payoffs: tuple[float, ...]
    ties: tuple[str, ...]

    def to_dict(self) -> dict:
        return {
            "model": "game_tree",
            "players": list(self.players),
            "payoffs": list(self.payoffs),
            "equilibrium_path": [dict(step) for step in self.path],
            "strategy": dict(self.strategy),
            "values": {k: list(v) for k, v in self.values.items()},
            "terminal_probabilities": dict(self.terminal_probabilities),
            "ties": list(self.ties),
        }

    def to_frame(self):
        """One row per decision node: player, chosen move, values, reach probability."""
        import pandas as pd

        rows = []
        for nid, move in self.strategy.items():
            row = {"node": nid, "move": move, "reach": self.reach[nid]}
            row.update(
                {f"value_{p}": v for p, v in zip(self.players, self.values[nid], strict=True)}
            )
            rows.append(row)
        return pd.DataFrame(rows)


def solve_game_tree(
    spec: GameTreeSpec | Mapping,
    *,
    outcome_payoffs: Mapping | Callable | None = None,
    tol: float = 1e-12,
) -> GameTreeResult:
    """Subgame-perfect equilibrium by backward induction.

    Parameters
    ----------
    spec : GameTreeSpec or mapping
        The tree (a mapping is validated into a :class:`GameTreeSpec`).
    outcome_payoffs : mapping or callable, optional
        Resolves terminal ``outcome`` references to payoff vectors (one per player).
    tol : float
        Payoff differences within ``tol`` count as ties (broken by move order).

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
    if not isinstance(spec, GameTreeSpec):
        spec = GameTreeSpec.model_validate(spec)
    n_pl = len(spec.players)
    pidx = {p: i for i, p in enumerate(spec.players)}
    # pre-order from the root (iterative), then values in reverse order
    order, stack = [], [spec.root]
    while stack:
        nid = stack.pop()
        order.append(nid)
        stack.extend(reversed(list(spec.nodes[nid].moves.values())))
    val: dict[str, np.ndarray] = {}
    strategy: dict[str, str] = {}
    ties: list[str] = []
    for nid in reversed(order):
        node = spec.nodes[nid]
        if node.terminal:
            val[nid] = _terminal(nid, node, outcome_payoffs, n_pl)
        elif node.player == CHANCE:
            pr = node.probabilities or {}
            val[nid] = sum(pr[m] * val[c] for m, c in node.moves.items())
        else:
            labels = list(node.moves)
            own = np.array([val[node.moves[m]][pidx[node.player]] for m in labels])
            best = np.flatnonzero(own >= own.max() - tol)
            if best.size > 1:
                ties.append(nid)
            strategy[nid] = labels[best[0]]
            val[nid] = val[node.moves[strategy[nid]]]
    reach = {spec.root: 1.0}
    path = []
    for nid in order:  # pre-order: parents before children
        node, r = spec.nodes[nid], reach.get(nid, 0.0)
        for m, c in node.moves.items():
            if node.player == CHANCE:
                reach[c] = r * (node.probabilities or {})[m]
            else:
                reach[c] = r if strategy[nid] == m else 0.0
        if r > 0:
            step = {"node": nid, "player": node.player, "probability": r}
            step["move"] = strategy.get(nid) if node.player != CHANCE else None
            if node.terminal:
                step["payoffs"] = [float(v) for v in val[nid]]
            path.append(step)
    terminal_p = {n: reach[n] for n in order if spec.nodes[n].terminal and reach[n] > 0}
    return GameTreeResult(
        players=spec.players,
        strategy={n: strategy[n] for n in order if n in strategy},
        values={n: tuple(float(v) for v in val[n]) for n in order},
        reach={n: float(reach[n]) for n in order},
        path=tuple(path),
        terminal_probabilities=terminal_p,
        payoffs=tuple(float(v) for v in val[spec.root]),
        ties=tuple(n for n in order if n in ties),
    )


def _terminal(nid: str, node: TreeNode, outcome_payoffs, n_pl: int) -> np.ndarray:
    if node.payoffs is not None:
        return np.asarray(node.payoffs, dtype=float)
    if outcome_payoffs is None:
        raise ValueError(f"Node '{nid}' refers to outcome {node.outcome!r}; no payoffs given.")
    try:
        raw = (
            outcome_payoffs(node.outcome)
            if callable(outcome_payoffs)
            else outcome_payoffs[node.outcome]
        )
    except (KeyError, IndexError) as exc:
        raise ValueError(f"Node '{nid}': unknown outcome {node.outcome!r}.") from exc
    pay = np.asarray(raw, dtype=float).reshape(-1)
    if pay.size != n_pl:
        raise ValueError(
            f"Node '{nid}': outcome {node.outcome!r} gives {pay.size} payoffs; "
            f"the game has {n_pl} players."
        )
    return pay
