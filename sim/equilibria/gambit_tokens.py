"""Tokenizer shared by the Gambit ``.nfg`` and ``.efg`` readers (tokens carry line numbers).

Gambit files are whitespace-insensitive sequences of quoted strings (``"..."``
with ``\\"`` escapes), braces, commas and numbers (integers, decimals, rationals
such as ``3/4``) — Gambit documentation, "Game representation formats".
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path

from sim.equilibria.errors import GameFileError

__all__ = ["Token", "TokenStream", "format_number", "quote"]

_TOKEN = re.compile(
    r'(?P<str>"(?:[^"\\]|\\.)*")|(?P<brace>[{}])|(?P<comma>,)'
    r"|(?P<word>[^\s{},\"]+)|(?P<ws>\s+)|(?P<bad>.)",
    re.DOTALL,
)


#: Largest game file read: 2 MB (a file is held as one token object per number).
MAX_GAME_BYTES = 2_000_000
#: Largest payoff magnitude read (sums and products of payoffs stay far from overflow).
MAX_PAYOFF = 1e15
#: Largest decimal exponent read exactly; beyond it a number is read as a float.
MAX_EXPONENT = 400
_EXPONENT = re.compile(r"[eE]([+-]?\d+)")


def _short(text: str) -> str:
    """A token for a message, cut to 40 characters."""
    return repr(text if len(text) <= 40 else text[:37] + "...")


@dataclass(frozen=True)
class Token:
    kind: str  # "str", "brace", "word"
    text: str
    line: int


class TokenStream:
    """Cursor over the tokens of a file; errors name the file and line."""

    def __init__(self, text: str, path: str | Path | None = None) -> None:
        self.path = path
        self.tokens: list[Token] = []
        line = 1
        for mt in _TOKEN.finditer(text):
            kind = mt.lastgroup
            chunk = mt.group()
            if kind == "str":
                body = chunk[1:-1].replace('\\"', '"').replace("\\\\", "\\")
                self.tokens.append(Token("str", body, line))
            elif kind == "bad":
                raise GameFileError(
                    path, line, f"unterminated string or bad character {_short(chunk)}"
                )
            elif kind in ("brace", "word"):
                self.tokens.append(Token(kind, chunk, line))
            line += chunk.count("\n")
        self.pos = 0
        self.last_line = self.tokens[-1].line if self.tokens else 1

    def error(self, message: str, token: Token | None = None) -> GameFileError:
        tok = token if token is not None else self.peek()
        return GameFileError(self.path, tok.line if tok else self.last_line, message)

    def peek(self) -> Token | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def at_end(self) -> bool:
        return self.pos >= len(self.tokens)

    def next(self, what: str) -> Token:
        tok = self.peek()
        if tok is None:
            raise GameFileError(self.path, self.last_line, f"file ends where {what} was expected")
        self.pos += 1
        return tok

    def expect(self, text: str) -> Token:
        tok = self.next(repr(text))
        if tok.kind == "str" or tok.text != text:
            raise self.error(f"expected {text!r}, found {_short(tok.text)}", tok)
        return tok

    def string(self, what: str) -> str:
        tok = self.next(what)
        if tok.kind != "str":
            raise self.error(f"expected {what} (a quoted string), found {_short(tok.text)}", tok)
        return tok.text

    def is_open(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "brace" and tok.text == "{"

    def is_close(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "brace" and tok.text == "}"

    def number(self, what: str) -> Fraction:
        """A number, exactly (decimals and rationals as fractions).

        An exponent beyond ±:data:`MAX_EXPONENT` is read as a float (``1e-50000000`` is 0;
        ``1e50000000`` is refused), so that no huge integer is ever built.
        """
        tok = self.next(what)
        if tok.kind != "word":
            raise self.error(f"expected {what} (a number), found {_short(tok.text)}", tok)
        text = tok.text
        exp = _EXPONENT.search(text)
        try:
            if exp is None or (len(exp.group(1)) <= 6 and abs(int(exp.group(1))) <= MAX_EXPONENT):
                return Fraction(text)
            value = float(text)
        except (ValueError, ZeroDivisionError):
            raise self.error(f"expected {what} (a number), found {_short(text)}", tok) from None
        if not math.isfinite(value):
            raise self.error(f"{what} {_short(text)} is too large for a number", tok)
        return Fraction(value)

    def payoff(self, what: str) -> float:
        """A payoff: a finite number within ±:data:`MAX_PAYOFF`, as a float."""
        tok = self.peek()
        value = self.number(what)
        if abs(value) > MAX_PAYOFF:
            raise self.error(
                f"{what} {_short(tok.text)} is beyond ±{MAX_PAYOFF:g}, the limit: rescale the "
                "game (equilibria do not change when a player's payoffs are all multiplied by "
                "the same positive number)",
                tok,
            )
        return float(value)

    def integer(self, what: str, *, minimum: int = 0) -> int:
        tok = self.peek()
        value = self.number(what)
        if value.denominator != 1 or value < minimum:
            raise self.error(
                f"expected {what} (an integer >= {minimum}), found {_short(tok.text)}", tok
            )
        return int(value)

    def skip_commas(self) -> None:
        # commas are tokenised away; kept for readability of callers
        return None


def read_game_text(path: Path) -> str:
    """The text of a game file through the input gate (:mod:`sim.inputs`): a regular file
    of at most :data:`MAX_GAME_BYTES`."""
    from sim.inputs import InputError, read_text

    try:
        return read_text(path, limit=MAX_GAME_BYTES, what="game file")
    except InputError as exc:
        raise GameFileError(path, exc.line, exc.message) from None


def quote(text: str) -> str:
    """Gambit quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def gambit_label(text: str) -> str:
    """``text`` as a label Gambit 16 accepts: printable ASCII (others become ``_``), no
    doubled or edge spaces."""
    ascii_text = text.encode("ascii", "replace").decode().replace("?", "_")
    return " ".join(ascii_text.split())


def format_number(value: float) -> str:
    """Shortest text that reads back as the same float (integers without a dot)."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(value)


def read_header(ts: TokenStream, magic: str, version: str, kind: str) -> tuple[str, list[str]]:
    """Read ``MAGIC VERSION R "title" { "player" ... }``: the title and the player names.

    ``kind`` names the file type in the error, e.g. ``"strategic-form"``.
    """
    head = ts.next(f"'{magic}'")
    if head.kind == "str" or head.text != magic:
        raise ts.error(f"not a Gambit {kind} file: it must start with '{magic}'", head)
    ts.expect(version)
    ts.expect("R")
    title = ts.string("the game title")
    ts.expect("{")
    players = []
    while not ts.is_close():
        players.append(ts.string("a player name"))
    ts.expect("}")
    return title, players
