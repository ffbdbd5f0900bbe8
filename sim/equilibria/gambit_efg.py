"""Read and write Gambit extensive-form files (``.efg``).

Format (Gambit documentation, "The extensive game (.efg) file format"): a prologue
``EFG 2 R "title" { "P1" "P2" }`` with an optional comment, then the nodes in
prefix order.  Chance nodes ``c "name" event ["event name" { "a" p_a ... }]
outcome [...]``, personal nodes ``p "name" player infoset ["infoset name"
{ "a" ... }] outcome [...]`` and terminal nodes ``t "name" outcome ["name"
{ payoffs }]``; descriptions may be omitted after their first appearance;
outcome 0 is the null outcome; outcomes at non-terminal nodes add up along a path.
The tree type, :class:`~sim.equilibria.tree.ExtensiveGame`, lives in
:mod:`sim.equilibria.tree`.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

from sim.equilibria.gambit_tokens import (
    TokenStream,
    format_number,
    quote,
    read_game_text,
    read_header,
)
from sim.equilibria.tree import ExtensiveGame, Node, chance_problem

__all__ = ["ExtensiveGame", "Node", "dumps_efg", "loads_efg", "read_efg", "write_efg"]

#: Deepest tree read (moves from the root to a leaf); deeper trees would exhaust Python's
#: recursion in the solvers, which walk trees recursively.
MAX_DEPTH = 100


def _outcome(ts: TokenStream, node: Node, n_players: int, outcomes: dict) -> None:
    tok = ts.peek()
    node.outcome = ts.integer("an outcome number")
    nxt = ts.peek()
    if nxt is not None and nxt.kind == "str":
        node.outcome_label = ts.string("an outcome name")
        ts.expect("{")
        pays = []
        while not ts.is_close():
            pays.append(ts.payoff("a payoff"))
        ts.expect("}")
        if len(pays) != n_players:
            raise ts.error(
                f"outcome {node.outcome} has {len(pays)} payoffs for {n_players} players", tok
            )
        if node.outcome == 0:
            raise ts.error("outcome 0 is the null outcome and cannot have payoffs", tok)
        node.payoffs = tuple(pays)
        known = outcomes.setdefault(node.outcome, (node.outcome_label, node.payoffs))
        if known != (node.outcome_label, node.payoffs):
            raise ts.error(f"outcome {node.outcome} is redefined differently", tok)
    elif node.outcome != 0:
        if node.outcome not in outcomes:
            raise ts.error(f"outcome {node.outcome} is used before its payoffs are given", tok)
        node.outcome_label, node.payoffs = outcomes[node.outcome]


def _node(ts: TokenStream, n_players: int, tables: dict, depth: int = 1) -> Node:
    tok = ts.next("a node ('c', 'p' or 't')")
    if depth > MAX_DEPTH:
        raise ts.error(
            f"the tree is deeper than {MAX_DEPTH} moves, the limit: shorten it (e.g. merge "
            "successive moves of one player into one move)",
            tok,
        )
    if tok.kind != "word" or tok.text not in ("c", "p", "t"):
        raise ts.error(f"expected a node type 'c', 'p' or 't', found {tok.text[:40]!r}", tok)
    node = Node(tok.text, label=ts.string("a node name"))
    if node.kind == "t":
        _outcome(ts, node, n_players, tables["outcomes"])
        return node
    if node.kind == "p":
        node.player = ts.integer("a player number", minimum=1)
        if node.player > n_players:
            raise ts.error(f"player {node.player} does not exist ({n_players} players)", tok)
    node.infoset = ts.integer("an information set number", minimum=1)
    key = (node.player, node.infoset)
    nxt = ts.peek()
    if nxt is not None and nxt.kind == "str":
        node.infoset_label = ts.string("an information set name")
        ts.expect("{")
        actions, probs = [], []
        while not ts.is_close():
            actions.append(ts.string("an action name"))
            if node.kind == "c":
                p = ts.number("a chance probability")
                if p < 0:
                    raise ts.error(f"negative chance probability {p}", nxt)
                probs.append(p)
        ts.expect("}")
        if not actions:
            raise ts.error("an information set needs at least one action", nxt)
        problem = chance_problem(probs) if node.kind == "c" else None
        if problem:
            raise ts.error(f"chance {problem}", nxt)
        node.actions, node.probs = tuple(actions), tuple(probs)
        known = tables["infosets"].setdefault(key, (node.infoset_label, node.actions, node.probs))
        if known != (node.infoset_label, node.actions, node.probs):
            raise ts.error(f"information set {key} is redefined differently", nxt)
    else:
        if key not in tables["infosets"]:
            raise ts.error(
                f"information set {node.infoset} is used before its actions are given", tok
            )
        node.infoset_label, node.actions, node.probs = tables["infosets"][key]
    _outcome(ts, node, n_players, tables["outcomes"])
    node.children = [_node(ts, n_players, tables, depth + 1) for _ in node.actions]
    return node


def loads_efg(text: str, path: str | Path | None = None) -> ExtensiveGame:
    """Parse the text of an ``.efg`` file into an :class:`ExtensiveGame`."""
    ts = TokenStream(text, path)
    title, players = read_header(ts, "EFG", "2", "extensive-form")
    comment = ""
    nxt = ts.peek()
    if nxt is not None and nxt.kind == "str":
        comment = ts.string("the comment")
    root = _node(ts, len(players), {"outcomes": {}, "infosets": {}})
    if not ts.at_end():
        raise ts.error(f"unexpected text after the last node: {ts.peek().text!r}")
    return ExtensiveGame(tuple(players), root, title, comment)


def _fmt_prob(p) -> str:
    if isinstance(p, Fraction):
        return str(p.numerator) if p.denominator == 1 else f"{p.numerator}/{p.denominator}"
    return format_number(p)


def dumps_efg(game: ExtensiveGame) -> str:
    """Text of an ``.efg`` file (descriptions written in full at every node)."""
    lines = [
        f"EFG 2 R {quote(game.title)} {{ {' '.join(quote(p) for p in game.players)} }}",
        quote(game.comment),
        "",
    ]
    for node in game.root.walk():
        if node.outcome:
            pays = ", ".join(format_number(v) for v in node.payoffs)
            out = f"{node.outcome} {quote(node.outcome_label)} {{ {pays} }}"
        else:
            out = "0"
        if node.kind == "t":
            lines.append(f"t {quote(node.label)} {out}")
            continue
        if node.kind == "c":
            acts = " ".join(
                f"{quote(a)} {_fmt_prob(p)}" for a, p in zip(node.actions, node.probs, strict=True)
            )
            lines.append(
                f"c {quote(node.label)} {node.infoset} {quote(node.infoset_label)} "
                f"{{ {acts} }} {out}"
            )
        else:
            acts = " ".join(quote(a) for a in node.actions)
            lines.append(
                f"p {quote(node.label)} {node.player} {node.infoset} "
                f"{quote(node.infoset_label)} {{ {acts} }} {out}"
            )
    return "\n".join(lines) + "\n"


def read_efg(path: str | Path) -> ExtensiveGame:
    """Read a Gambit ``.efg`` file."""
    path = Path(path)
    return loads_efg(read_game_text(path), path)


def write_efg(game: ExtensiveGame, path: str | Path) -> Path:
    """Write ``game`` as a Gambit ``.efg`` file."""
    path = Path(path)
    path.write_text(dumps_efg(game), encoding="utf-8")
    return path
