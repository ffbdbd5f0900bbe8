"""Read and write Gambit strategic-form files (``.nfg``), payoff and outcome versions.

Format (Gambit documentation, "The strategic game (.nfg) file format, payoff
version" and "... outcome version"): ``NFG 1 R "title" { "P1" "P2" ... }``, then
either a list of strategy counts ``{ 3 2 }`` or nested strategy names
``{ { "a" "b" } { "c" "d" } }``, an optional comment string, and the body: a flat
list of payoffs (payoff version) or a list of outcomes ``{ "name" p1, p2 }``
followed by one outcome number per profile (outcome version, 0 = null outcome).
Profiles are listed with the *first* player's strategy changing fastest.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from sim.equilibria.gambit_tokens import (
    TokenStream,
    format_number,
    quote,
    read_game_text,
    read_header,
)
from sim.equilibria.game import Game

__all__ = ["dumps_nfg", "loads_nfg", "read_nfg", "write_nfg"]


#: Most strategy profiles (products of the players' strategy counts) a file may declare.
MAX_PROFILES = 2_000_000
#: Most players a file may declare.
MAX_PLAYERS = 20


def _too_big(players: int, profiles: int) -> str:
    if players > MAX_PLAYERS:
        return f"more than {MAX_PLAYERS} players, the limit: solve a smaller game"
    return (
        f"the strategy counts declared so far make {profiles:,} strategy profiles, more "
        f"than the limit of {MAX_PROFILES:,}: remove strategies (e.g. dominated ones) "
        "before solving"
    )


def _body_order(arrays: tuple[np.ndarray, ...]) -> np.ndarray:
    """Payoffs as (profiles, players) with the first player's index changing fastest."""
    stacked = np.stack(arrays, axis=-1)  # (n1, ..., nk, players)
    k = len(arrays)
    # Fortran order over the strategy axes == first axis fastest
    return stacked.transpose(*reversed(range(k)), k).reshape(-1, k)


def loads_nfg(text: str, path: str | Path | None = None) -> Game:
    """Parse the text of an ``.nfg`` file (either version) into a :class:`Game`."""
    ts = TokenStream(text, path)
    title, players = read_header(ts, "NFG", "1", "strategic-form")
    if not players:
        raise ts.error("the game has no players")
    ts.expect("{")
    strategies: list[tuple[str, ...]] = []
    outcome_version = ts.is_open()
    profiles = 1
    while ts.is_open() if outcome_version else not ts.is_close():
        start = ts.peek()
        if outcome_version:
            ts.expect("{")
            names = []
            while not ts.is_close():
                names.append(ts.string("a strategy name"))
            ts.expect("}")
        else:
            names = None
            count = ts.integer("a number of strategies", minimum=1)
        profiles *= len(names) if names is not None else count
        if len(strategies) >= MAX_PLAYERS or profiles > MAX_PROFILES:
            raise ts.error(_too_big(len(strategies) + 1, profiles), start)
        if names is None:
            names = [str(j + 1) for j in range(count)]
        strategies.append(tuple(names))
    close = ts.expect("}")
    if len(strategies) != len(players):
        raise ts.error(f"{len(players)} players but strategies for {len(strategies)}", close)
    shape = tuple(len(s) for s in strategies)
    if any(n == 0 for n in shape):
        raise ts.error("every player needs at least one strategy")
    tok = ts.peek()
    if tok is not None and tok.kind == "str":
        ts.next("the comment")  # optional comment
    n_profiles = int(np.prod(shape))
    k = len(players)
    if outcome_version:
        outcomes = [np.zeros(k)]
        first = ts.peek()
        ts.expect("{")
        while ts.is_open():
            ts.expect("{")
            ts.string("an outcome name")
            pays = [ts.payoff("a payoff") for _ in range(k)]
            if not ts.is_close():
                raise ts.error(f"an outcome needs exactly {k} payoffs")
            ts.expect("}")
            outcomes.append(np.array(pays))
        ts.expect("}")
        del first
        table = np.zeros((n_profiles, k))
        for idx in range(n_profiles):
            tok = ts.peek()
            num = ts.integer(f"outcome number for profile {idx + 1} of {n_profiles}")
            if num >= len(outcomes):
                raise ts.error(f"outcome {num} is not defined ({len(outcomes) - 1} outcomes)", tok)
            table[idx] = outcomes[num]
    else:
        flat = []
        for idx in range(n_profiles * k):
            flat.append(ts.payoff(f"payoff {idx + 1} of {n_profiles * k}"))
        table = np.array(flat).reshape(n_profiles, k)
    if not ts.at_end():
        raise ts.error(f"unexpected text after the last entry: {ts.peek().text!r}")
    full = table.reshape(*reversed(shape), k).transpose(*reversed(range(k)), k)
    payoffs = tuple(full[..., i] for i in range(k))
    return Game(payoffs, tuple(players), tuple(strategies), title)


def dumps_nfg(game: Game, *, version: str = "payoff", comment: str = "") -> str:
    """Text of an ``.nfg`` file for ``game`` (``version="payoff"`` or ``"outcome"``).

    Strategy labels are written with the outcome version (the payoff version only
    stores counts, so labels come back as ``"1"``, ``"2"``, ...).
    """
    head = f"NFG 1 R {quote(game.title)} {{ {' '.join(quote(p) for p in game.players)} }}"
    table = _body_order(game.payoffs)
    if version == "payoff":
        counts = " ".join(str(n) for n in game.shape)
        lines = [head + f" {{ {counts} }}", quote(comment), ""]
        lines += [" ".join(format_number(v) for v in row) for row in table]
        return "\n".join(lines) + "\n"
    if version != "outcome":
        raise ValueError(f"version must be 'payoff' or 'outcome', not {version!r}")
    lines = [head, "", "{"]
    lines += ["{ " + " ".join(quote(s) for s in strats) + " }" for strats in game.strategies]
    lines += ["}", quote(comment), "", "{"]
    lines += [
        "{ " + quote(f"Outcome {i + 1}") + " " + ", ".join(format_number(v) for v in row) + " }"
        for i, row in enumerate(table)
    ]
    lines += ["}", " ".join(str(i + 1) for i in range(len(table)))]
    return "\n".join(lines) + "\n"


def read_nfg(path: str | Path) -> Game:
    """Read a Gambit ``.nfg`` file (payoff or outcome version)."""
    path = Path(path)
    return loads_nfg(read_game_text(path), path)


def write_nfg(game: Game, path: str | Path, *, version: str = "outcome") -> Path:
    """Write ``game`` as a Gambit ``.nfg`` file; the outcome version keeps labels."""
    path = Path(path)
    path.write_text(dumps_nfg(game, version=version), encoding="utf-8")
    return path
