"""Export a run's games in Gambit's file formats, so analysts can open them in Gambit.

The strategic-form game becomes an ``.nfg`` file (outcome version, strategy labels kept);
the scenario's game tree, with the payoffs ``sim`` resolved for its terminal nodes,
becomes an ``.efg`` file.
"""

from __future__ import annotations

import os
from fractions import Fraction
from pathlib import Path


def _gambit_label(text: str) -> str:
    """Gambit 16 wants printable ASCII labels without doubled or edge spaces."""
    ascii_text = text.encode("ascii", "replace").decode().replace("?", "_")
    return " ".join(ascii_text.split())


def strategic_game(run):
    """The run's strategic game as a :class:`sim.equilibria.Game` (two or more players)."""
    from sim.equilibria import Game

    res = run.models["strategic"]
    labels = [[_gambit_label(s) for s in side] for side in res.strategies]
    return Game(
        tuple(res.payoff_arrays),
        strategies=labels,
        players=list(res.parties),
        title=_gambit_label(f"{run.scenario.title}: strategic game"),
    )


def game_tree(run):
    """The scenario's game tree as a :class:`sim.equilibria.ExtensiveGame`.

    Terminal payoffs are the ones ``sim`` solved with (outcome references resolved).
    """
    from sim.equilibria import ExtensiveGame, Node

    opts = run.scenario.models.game_tree
    res = run.models["game_tree"].core  # the solved tree (GameTreeResult)
    parties = list(run.space.parties)
    nodes = opts.nodes
    root = opts.root or next(iter(nodes))
    infoset = {"n": 0, "outcome": 0}

    def build(node_id: str) -> Node:
        spec = nodes[node_id]
        if not spec.moves:  # terminal
            infoset["outcome"] += 1
            return Node(
                kind="t",
                label=_gambit_label(node_id),
                outcome=infoset["outcome"],
                outcome_label=_gambit_label(node_id),
                payoffs=tuple(float(v) for v in res.values[node_id]),
            )
        infoset["n"] += 1
        children = [build(child) for child in spec.moves.values()]
        actions = tuple(_gambit_label(m) for m in spec.moves)
        if spec.player == "chance":
            probs = tuple(
                Fraction(str(spec.probabilities[m].value)).limit_denominator(10**9)
                for m in spec.moves
            )
            return Node(
                kind="c",
                label=_gambit_label(node_id),
                infoset=infoset["n"],
                actions=actions,
                probs=probs,
                children=children,
            )
        return Node(
            kind="p",
            label=_gambit_label(node_id),
            player=parties.index(spec.player) + 1,
            infoset=infoset["n"],
            infoset_label=_gambit_label(node_id),
            actions=actions,
            children=children,
        )

    return ExtensiveGame(
        players=tuple(parties),
        root=build(root),
        title=_gambit_label(f"{run.scenario.title}: game tree"),
    )


def _fresh(path: Path) -> Path:
    """``path``, or ``stem-2.ext``, ``stem-3.ext``...: never an existing file."""
    candidate, n = path, 1
    while candidate.exists():
        n += 1
        candidate = path.with_name(f"{path.stem}-{n}{path.suffix}")
    return candidate


def _write_whole(text: str, path: Path) -> Path:
    """Write ``text`` to a new file at ``path`` (via a temporary file and a rename)."""
    target = _fresh(path)
    tmp = target.with_name(f".{target.name}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, target)
    return target


def export_games(run, folder: str | Path) -> list[Path]:
    """Write the run's games to ``folder`` (created if needed); returns the files written.

    An existing file is never overwritten: a suffix ``-2``, ``-3``... is added instead.
    """
    from sim.equilibria import dumps_efg, dumps_nfg

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    stem = run.scenario.id
    if "strategic" in run.models:
        text = dumps_nfg(strategic_game(run), version="outcome")
        written.append(_write_whole(text, folder / f"{stem}_strategic.nfg"))
    if "game_tree" in run.models and run.scenario.models.game_tree is not None:
        res = run.models["game_tree"]
        if getattr(res, "configured", True) and getattr(res, "core", None) is not None:
            written.append(_write_whole(dumps_efg(game_tree(run)), folder / f"{stem}_tree.efg"))
    return written
