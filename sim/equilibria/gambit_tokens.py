"""Tokenizer shared by the Gambit ``.nfg`` and ``.efg`` readers (tokens carry line numbers).

Gambit files are whitespace-insensitive sequences of quoted strings (``"..."``
with ``\\"`` escapes), braces, commas and numbers (integers, decimals, rationals
such as ``3/4``) — Gambit documentation, "Game representation formats".
"""

from __future__ import annotations

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
                raise GameFileError(path, line, f"unterminated string or bad character {chunk!r}")
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
            raise self.error(f"expected {text!r}, found {tok.text!r}", tok)
        return tok

    def string(self, what: str) -> str:
        tok = self.next(what)
        if tok.kind != "str":
            raise self.error(f"expected {what} (a quoted string), found {tok.text!r}", tok)
        return tok.text

    def is_open(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "brace" and tok.text == "{"

    def is_close(self) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "brace" and tok.text == "}"

    def number(self, what: str) -> Fraction:
        tok = self.next(what)
        if tok.kind != "word":
            raise self.error(f"expected {what} (a number), found {tok.text!r}", tok)
        try:
            return Fraction(tok.text)
        except (ValueError, ZeroDivisionError):
            raise self.error(f"expected {what} (a number), found {tok.text!r}", tok) from None

    def integer(self, what: str, *, minimum: int = 0) -> int:
        tok = self.peek()
        value = self.number(what)
        if value.denominator != 1 or value < minimum:
            raise self.error(f"expected {what} (an integer >= {minimum}), found {tok.text!r}", tok)
        return int(value)

    def skip_commas(self) -> None:
        # commas are tokenised away; kept for readability of callers
        return None


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
