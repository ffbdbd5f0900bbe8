"""Errors raised on bad game files."""

from __future__ import annotations

from pathlib import Path

__all__ = ["GameFileError"]


class GameFileError(ValueError):
    """A game file that cannot be read: which file, which line, what is wrong.

    The CLI maps it to exit status 2.
    """

    def __init__(self, path: str | Path | None, line: int | None, message: str) -> None:
        self.path = None if path is None else Path(path)
        self.line = line
        self.message = message
        where = str(self.path) if self.path is not None else "<string>"
        if line is not None:
            where += f", line {line}"
        super().__init__(f"{where}: {message}")
