"""Errors that the CLI reports as one clear line and exit status 2 (no traceback)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Problem:
    """One problem found in an input file.

    Attributes
    ----------
    path : Path or None
        The file the problem is in.
    line : int or None
        1-based line number, where known.
    field : str
        Dotted path of the field, e.g. ``issues[2].range``.
    message : str
        What is wrong, in one sentence.
    """

    path: Path | None
    line: int | None
    field: str
    message: str

    def __str__(self) -> str:
        where = str(self.path) if self.path is not None else "<scenario>"
        if self.line is not None:
            where += f":{self.line}"
        field = f" {self.field}:" if self.field else ""
        return f"{where}:{field} {self.message}"


class ScenarioError(Exception):
    """A scenario (or other input file) that cannot be used, with every problem found."""

    def __init__(self, problems: list[Problem]):
        if not problems:
            raise ValueError("ScenarioError needs at least one problem")
        self.problems = list(problems)
        super().__init__(self.format())

    @property
    def first(self) -> Problem:
        return self.problems[0]

    def format(self, limit: int = 10) -> str:
        lines = [str(p) for p in self.problems[:limit]]
        if len(self.problems) > limit:
            lines.append(f"... and {len(self.problems) - limit} more problems")
        return "\n".join(lines)

    @classmethod
    def single(
        cls, path: Path | str | None, line: int | None, field: str, message: str
    ) -> ScenarioError:
        return cls([Problem(Path(path) if path is not None else None, line, field, message)])


def format_loc(loc: tuple) -> str:
    """Render a location tuple such as ``("issues", 2, "range")`` as ``issues[2].range``."""
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


class UnknownModelError(KeyError):
    """A model name that is not registered (``sim run --model NAME``)."""

    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else "unknown model"


class TooLargeError(Exception):
    """A model (or figure) larger than the machine can hold: which, how large, what to change.

    Raised before allocating (a model's ``size`` over its limit) or from a ``MemoryError``
    while solving; the CLI reports it in one line with exit status 2.
    """
