"""Game trees: the one tree type, its validation, and building it from nodes given by id.

* :class:`ExtensiveGame` of :class:`Node` is the tree every part of ``sim`` uses: Gambit's
  model of a finite extensive game (Gambit documentation, "The extensive game (.efg) file
  format"): chance, personal and terminal nodes, information sets, and outcomes that add up
  along a path.  :mod:`sim.equilibria.gambit_efg` reads and writes it,
  :mod:`sim.equilibria.extensive` solves it (backward induction, reduced strategic form).
* A scenario (and :func:`sim.equilibria.extensive.solve_game_tree`) gives a tree as nodes by
  id: a decision node has a ``player`` and ``moves`` (move label -> node id), a chance node
  ``player: chance``, ``moves`` and ``probabilities``, a terminal node ``payoffs`` or an
  ``outcome`` reference the caller resolves.  :func:`tree_problems` is the one validation
  of that form (cycles, merges, dangling moves, unreachable nodes, probabilities, payoffs),
  yielding ``(location, message)`` pairs, and :func:`tree_from_nodes` builds the tree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

__all__ = [
    "CHANCE",
    "ExtensiveGame",
    "Node",
    "chance_problem",
    "tree_from_nodes",
    "tree_problems",
]

CHANCE = "chance"

Loc = tuple[str | int, ...]


@dataclass
class Node:
    """A node of a game tree.

    ``kind`` is ``"c"`` (chance), ``"p"`` (personal) or ``"t"`` (terminal); ``player``
    is 1-based (0 for chance); ``infoset`` numbers the information set (the event
    for chance nodes); ``probs`` are the chance probabilities; ``outcome`` is 0 or
    the number of an outcome with ``payoffs`` (one per player) named
    ``outcome_label``.
    """

    kind: str
    label: str = ""
    player: int = 0
    infoset: int = 0
    infoset_label: str = ""
    actions: tuple[str, ...] = ()
    probs: tuple[Fraction | float, ...] = ()
    outcome: int = 0
    outcome_label: str = ""
    payoffs: tuple[float, ...] = ()
    children: list[Node] = field(default_factory=list)

    def walk(self):
        """Nodes of the subtree in prefix order."""
        yield self
        for child in self.children:
            yield from child.walk()


@dataclass
class ExtensiveGame:
    """A finite extensive-form game: players, a root node, a title and a comment."""

    players: tuple[str, ...]
    root: Node
    title: str = ""
    comment: str = ""

    def infosets(self) -> dict[tuple[int, int], tuple[str, tuple[str, ...]]]:
        """``(player, infoset) -> (label, actions)`` for the personal information sets."""
        out: dict = {}
        for node in self.root.walk():
            if node.kind == "p":
                out.setdefault((node.player, node.infoset), (node.infoset_label, node.actions))
        return out

    def is_perfect_information(self) -> bool:
        """True when every information set holds a single node."""
        seen: set = set()
        for node in self.root.walk():
            if node.kind == "p":
                key = (node.player, node.infoset)
                if key in seen:
                    return False
                seen.add(key)
        return True

    def node_ids(self) -> list[str]:
        """An id per node in prefix order: the labels when they are all given and distinct
        (as in a tree built by :func:`tree_from_nodes`), else the prefix indices."""
        labels = [node.label for node in self.root.walk()]
        if all(labels) and len(set(labels)) == len(labels):
            return labels
        return [str(k) for k in range(len(labels))]


# ----------------------------------------------------------------------------- validation
def _get(node: Any, name: str) -> Any:
    """A field of a node given as a mapping or an object (scenario options)."""
    if isinstance(node, Mapping):
        return node.get(name)
    return getattr(node, name, None)


def _number(value: Any) -> float:
    """A probability or payoff given as a number or a quantity (``.value``)."""
    return float(getattr(value, "value", value))


def chance_problem(probs: Sequence) -> str | None:
    """What is wrong with a chance node's probabilities (negative, or not summing to 1),
    or None.  Exact for fractions; floats within 1e-9."""
    total = sum(probs)
    if any(p < 0 for p in probs) or (total != 1 and abs(float(total) - 1) > 1e-9):
        return f"probabilities sum to {float(total):g}, not 1"
    return None


def _payoff_problems(payoffs: Any, players: Sequence[str], loc: Loc) -> Iterator[tuple[Loc, str]]:
    if isinstance(payoffs, Mapping):
        for code in payoffs:
            if code not in players:
                yield (*loc, code), f"no party {code!r} (parties: {', '.join(players)})"
        missing = [p for p in players if p not in payoffs]
        if missing:
            yield loc, f"no payoff given for {', '.join(missing)}"
    elif len(payoffs) != len(players):
        yield loc, f"{len(payoffs)} payoffs given; the game has {len(players)} players"


def tree_problems(
    players: Sequence[str], root: str | None, nodes: Mapping[str, Any]
) -> Iterator[tuple[Loc, str]]:
    """Every problem of a tree given as nodes by id, as ``(location, message)``.

    Locations are relative to the tree (``("root",)``, ``("nodes", id, "moves", label)``...).
    A node is a mapping or an object with ``player``, ``moves``, ``probabilities``,
    ``payoffs`` (a mapping player -> payoff, or one payoff per player in order) and
    ``outcome``; probabilities and payoffs may be numbers or quantities (``.value``).
    Checked: the root exists; moves lead to known nodes; a node with moves has a player
    (or ``chance``) and no payoffs or outcome; a chance node has one probability per move,
    non-negative and summing to 1; only chance nodes have probabilities; a terminal node
    has exactly one of payoffs or outcome, payoffs for every player, and no player or
    probabilities; and the nodes form one tree: no cycle, no node reached twice, every
    node reached from the root (:func:`_shape_problems`).
    """
    if CHANCE in players or len(set(players)) != len(players):
        yield ("players",), f"players need distinct names other than {CHANCE!r}"
    if root is None or root not in nodes:
        yield ("root",), f"the root {root!r} is not among the nodes"
        return
    movers = {*players, CHANCE}
    dangling = False
    for nid, node in nodes.items():
        nl: Loc = ("nodes", nid)
        moves = _get(node, "moves") or {}
        player, probabilities = _get(node, "player"), _get(node, "probabilities")
        payoffs, outcome = _get(node, "payoffs"), _get(node, "outcome")
        for label, child in moves.items():
            if child not in nodes:
                dangling = True
                yield (*nl, "moves", label), f"move {label!r} leads to unknown node {child!r}"
        if moves:
            if player not in movers:
                yield (
                    (*nl, "player"),
                    f"a node with moves needs a player: one of {', '.join(sorted(movers))}",
                )
            if payoffs is not None or outcome is not None:
                yield nl, "a node with moves cannot have payoffs or an outcome"
            if player == CHANCE:
                pr = probabilities or {}
                if set(pr) != set(moves):
                    yield (*nl, "probabilities"), "a chance node needs one probability per move"
                else:
                    problem = chance_problem([_number(q) for q in pr.values()])
                    if problem:
                        yield (*nl, "probabilities"), problem
            elif probabilities is not None:
                yield (*nl, "probabilities"), "only chance nodes have probabilities"
        else:
            if (payoffs is None) == (outcome is None):
                yield nl, "a terminal node needs exactly one of payoffs or outcome"
            if payoffs is not None:
                yield from _payoff_problems(payoffs, players, (*nl, "payoffs"))
            if player is not None or probabilities is not None:
                yield nl, "a terminal node (no moves) cannot have a player or probabilities"
    if not dangling:
        yield from _shape_problems(root, nodes)


def _shape_problems(root: str, nodes: Mapping[str, Any]) -> Iterator[tuple[Loc, str]]:
    """Cycles, nodes with two parents and unreachable nodes (depth-first from the root);
    stops at the first."""
    moves = {nid: dict(_get(node, "moves") or {}) for nid, node in nodes.items()}
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in moves:
        if start in state:
            continue
        stack = [(start, iter(moves[start].items()))]
        state[start] = 1
        while stack:
            nid, it = stack[-1]
            step = next(it, None)
            if step is None:
                state[nid] = 2
                stack.pop()
                continue
            label, child = step
            if state.get(child) == 1:
                yield (
                    ("nodes", nid, "moves", label),
                    (
                        f"node {child!r} lies on a cycle (move {label!r} of {nid!r} leads back "
                        "to it): a game tree cannot loop"
                    ),
                )
                return
            if child not in state:
                state[child] = 1
                stack.append((child, iter(moves[child].items())))
    parent: dict[str, str] = {}
    for nid, out in moves.items():
        for label, child in out.items():
            if child == root or child in parent:
                what = "the root" if child == root else f"node {child!r}, already reached"
                yield (
                    ("nodes", nid, "moves", label),
                    (f"move {label!r} leads back to {what}: a game tree cannot loop or merge"),
                )
                return
            parent[child] = nid
    seen, stack = {root}, [root]
    while stack:
        for child in moves[stack.pop()].values():
            if child not in seen:
                seen.add(child)
                stack.append(child)
    for nid in moves:
        if nid not in seen:
            # one parent each: an unreachable node hangs below a cycle or a second root
            walk, cur = [nid], nid
            while cur in parent and parent[cur] not in walk:
                cur = parent[cur]
                walk.append(cur)
            if cur in parent:  # the chain of parents came back: a cycle
                on = parent[cur]
                move = next(m for m, c in moves[on].items() if c == cur)
                yield (
                    ("nodes", on, "moves", move),
                    (
                        f"node {on!r} lies on a cycle (move {move!r} leads back to {cur!r}): "
                        "a game tree cannot loop"
                    ),
                )
            else:
                yield ("nodes", nid), f"node {nid!r} cannot be reached from the root {root!r}"
            return


# ----------------------------------------------------------------------------- building
def tree_from_nodes(
    players: Sequence[str],
    root: str,
    nodes: Mapping[str, Any],
    payoffs: Mapping[str, Sequence[float]],
    *,
    title: str = "",
    label: Callable[[str], str] = str,
    probability: Callable[[float], Fraction | float] = float,
) -> ExtensiveGame:
    """The :class:`ExtensiveGame` of a tree given as nodes by id (valid by
    :func:`tree_problems`).

    Parameters
    ----------
    players : sequence of str
        Player names, in payoff order.
    root : str
        Id of the root node.
    nodes : mapping
        Node id -> node (see :func:`tree_problems`).
    payoffs : mapping
        Terminal node id -> its payoff vector (one per player), resolved by the caller.
    title : str
        Title of the game.
    label : callable
        Applied to node ids and move labels (e.g. to make Gambit-safe labels).
    probability : callable
        Applied to chance probabilities (e.g. :class:`fractions.Fraction` for an exact
        ``.efg`` file).

    Every personal and chance node gets its own information set (perfect information);
    terminal node ``k`` (in prefix order) carries outcome ``k`` named after the node.
    """
    counter = {"infoset": 0, "outcome": 0}
    index = {p: i + 1 for i, p in enumerate(players)}

    def build(nid: str) -> Node:
        node = nodes[nid]
        moves = dict(_get(node, "moves") or {})
        if not moves:
            counter["outcome"] += 1
            return Node(
                kind="t",
                label=label(nid),
                outcome=counter["outcome"],
                outcome_label=label(nid),
                payoffs=tuple(float(v) for v in payoffs[nid]),
            )
        counter["infoset"] += 1
        here = counter["infoset"]
        children = [build(child) for child in moves.values()]
        actions = tuple(label(m) for m in moves)
        if _get(node, "player") == CHANCE:
            pr = _get(node, "probabilities")
            return Node(
                kind="c",
                label=label(nid),
                infoset=here,
                actions=actions,
                probs=tuple(probability(_number(pr[m])) for m in moves),
                children=children,
            )
        return Node(
            kind="p",
            label=label(nid),
            player=index[_get(node, "player")],
            infoset=here,
            infoset_label=label(nid),
            actions=actions,
            children=children,
        )

    return ExtensiveGame(players=tuple(players), root=build(root), title=title)
