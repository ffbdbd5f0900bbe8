"""The one gate for every file ``sim`` reads: scenarios, ``extends:`` targets, fact digests,
Gambit ``.nfg``/``.efg`` files.

A file passes the gate when it is

* a **regular file** (not a FIFO, a device such as ``/dev/zero``, a socket or a folder),
  checked with :func:`os.fstat` on a descriptor opened with ``O_NONBLOCK`` (so opening a
  FIFO never blocks) before a byte is read;
* **no larger than its limit** (:data:`MAX_YAML_BYTES` for YAML, ``MAX_GAME_BYTES`` of
  :mod:`sim.equilibria.gambit_tokens` for game files), and read no further than the
  limit even if it grows meanwhile;
* UTF-8 text (YAML: no line longer than :data:`MAX_YAML_LINE`);
* for YAML, within :data:`MAX_YAML_DEPTH` levels of nesting and :data:`MAX_YAML_NODES`
  nodes *counting every alias expanded* (a "billion laughs" document of a few hundred bytes
  is refused after composing a few thousand nodes, in milliseconds), see
  :class:`LimitedComposer` (a valid file is read faster by :mod:`sim.fast_yaml`, within
  the same limits);
* for files a scenario refers to (``extends:``, ``facts:``), **inside the scenario's
  folder or the project** (the nearest folder above the scenario holding
  ``pyproject.toml`` or ``seeds/``, and the project ``sim`` itself ships with), or inside a
  folder listed in the environment variable :data:`ALLOW_ENV` (``SIM_ALLOW_PATH``,
  separated by ``os.pathsep``), see :func:`outside_reach`.

Errors are :class:`InputError` and never quote the file's contents: callers turn them into
their own error types (file, line, field, exit status 2).  The module imports nothing from
``sim`` so that every layer can use it.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

__all__ = [
    "ALLOW_ENV",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_LINE",
    "MAX_YAML_NODES",
    "InputError",
    "LimitedComposer",
    "allowed_roots",
    "outside_reach",
    "read_text",
    "read_yaml_text",
]

#: Largest YAML file read (scenario, ``extends:`` target, fact digest): 1 MB, fifty times
#: the largest shipped file (seeds/facts.yaml, 49 KB); the YAML reader composes about
#: 0.2 MB per second, so a file at the limit is read in seconds.
MAX_YAML_BYTES = 1_000_000
#: Deepest nesting of YAML mappings and lists (shipped scenarios nest 7 deep).
MAX_YAML_DEPTH = 50
#: Most YAML nodes in one file, each alias counted as the nodes it stands for (the
#: baseline scenario has 1,412, seeds/facts.yaml 2,643; the reader composes a few thousand
#: a second).
MAX_YAML_NODES = 20_000
#: Longest line of a YAML file (the YAML reader slows down on longer ones quadratically).
MAX_YAML_LINE = 10_000
#: Environment variable listing further folders (``os.pathsep``-separated) that
#: scenarios may refer to with ``extends:`` and ``facts:``.
ALLOW_ENV = "SIM_ALLOW_PATH"

_PROJECT_OF_SIM = Path(__file__).resolve().parent.parent


class InputError(ValueError):
    """A file that does not pass the gate; ``message`` never quotes the file's contents.

    Attributes
    ----------
    path : Path
    line : int or None
    message : str
    """

    def __init__(self, path: str | Path, message: str, line: int | None = None) -> None:
        self.path = Path(path)
        self.line = line
        self.message = message
        where = f"{self.path}:{line}" if line is not None else str(self.path)
        super().__init__(f"{where}: {message}")


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 100_000 else f"{n:,} bytes"


def read_yaml_text(path: str | Path, *, what: str = "scenario file") -> str:
    """:func:`read_text` with the YAML limits: :data:`MAX_YAML_BYTES` and lines of at most
    :data:`MAX_YAML_LINE` characters."""
    text = read_text(path, limit=MAX_YAML_BYTES, what=what)
    for number, line in enumerate(text.split("\n"), start=1):
        if len(line) > MAX_YAML_LINE:
            raise InputError(
                path,
                f"line {number} is {len(line):,} characters long, more than the limit of "
                f"{MAX_YAML_LINE:,}; break it (YAML folds long text with '>')",
                number,
            )
    return text


def read_text(path: str | Path, *, limit: int = MAX_YAML_BYTES, what: str = "file") -> str:
    """The text of a regular file of at most ``limit`` bytes.

    Parameters
    ----------
    path : str or Path
    limit : int
        Largest size accepted, in bytes.
    what : str
        What the file is, for messages ("scenario file", "game file").

    Raises
    ------
    InputError
        If the file is missing, not a regular file, larger than ``limit``, unreadable or
        not UTF-8 text.
    """
    path = Path(path)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0)
    try:
        fd = os.open(path, flags)
    except FileNotFoundError:
        raise InputError(path, "file not found") from None
    except IsADirectoryError:
        raise InputError(path, f"is a folder, not a {what}") from None
    except OSError as exc:
        raise InputError(path, f"cannot open the {what}: {exc.strerror}") from None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            if stat.S_ISDIR(info.st_mode):
                raise InputError(path, f"is a folder, not a {what}")
            raise InputError(
                path, f"is not a regular file (a FIFO, device or socket); give a {what}"
            )
        if info.st_size > limit:
            raise InputError(path, _too_big(info.st_size, limit, what))
        with os.fdopen(fd, "rb", closefd=False) as fh:
            data = fh.read(limit + 1)
    except OSError as exc:
        raise InputError(path, f"cannot read the {what}: {exc.strerror}") from None
    finally:
        os.close(fd)
    if len(data) > limit:
        raise InputError(path, _too_big(len(data), limit, what))
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise InputError(path, f"not UTF-8 text (byte {exc.start + 1}); is it a {what}?",
                         line) from None  # fmt: skip


def _too_big(size: int, limit: int, what: str) -> str:
    return (
        f"the {what} is {_size(size)}, more than the limit of {_size(limit)}; "
        "split it or remove what is not needed"
    )


def project_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` holding ``pyproject.toml`` or ``seeds/``."""
    for folder in (start, *start.parents):
        if (folder / "pyproject.toml").is_file() or (folder / "seeds").is_dir():
            return folder
    return None


def allowed_roots(scenario: str | Path) -> tuple[Path, ...]:
    """Folders a scenario file may refer to: its own folder, its project, the project
    ``sim`` ships with, and the folders listed in ``SIM_ALLOW_PATH``."""
    folder = Path(scenario).resolve().parent
    roots = [folder, _PROJECT_OF_SIM]
    project = project_root(folder)
    if project is not None:
        roots.append(project)
    for extra in os.environ.get(ALLOW_ENV, "").split(os.pathsep):
        if extra.strip():
            roots.append(Path(extra).expanduser().resolve())
    return tuple(dict.fromkeys(roots))


def outside_reach(target: Path, roots: tuple[Path, ...]) -> str:
    """Why ``target`` (resolved, links followed) is out of reach, or ``""`` if it is in
    one of ``roots``."""
    real = Path(target).resolve()
    if any(real == r or real.is_relative_to(r) for r in roots):
        return ""
    return (
        "is outside the scenario's folder and the project; to allow it, add its folder to "
        f"the environment variable {ALLOW_ENV}"
    )


def _composer_base():
    from ruamel.yaml.composer import Composer

    return Composer


class LimitedComposer(_composer_base()):
    """A ruamel.yaml composer that refuses, as it goes, documents nested deeper than
    :data:`MAX_YAML_DEPTH` or holding more than :data:`MAX_YAML_NODES` nodes with every
    alias counted as the nodes it stands for (so an alias bomb stops early).

    Use it as ``yaml.Composer = LimitedComposer``; it raises
    :class:`ruamel.yaml.composer.ComposerError` (a ``MarkedYAMLError``, with the line).
    """

    max_depth = MAX_YAML_DEPTH
    max_nodes = MAX_YAML_NODES

    def compose_document(self):
        self._open = 0
        self._count = 0
        self._sizes: dict[int, int] = {}
        return super().compose_document()

    def compose_node(self, parent, index):
        from ruamel.yaml.composer import ComposerError
        from ruamel.yaml.events import AliasEvent

        event = self.parser.peek_event()
        if isinstance(event, AliasEvent):
            node = super().compose_node(parent, index)
            self._add(self._sizes.get(id(node), 1), event)
            return node
        self._open += 1
        if self._open > self.max_depth:
            raise ComposerError(
                None, None,
                f"nested more than {self.max_depth} levels deep (the limit); flatten it",
                event.start_mark,
            )  # fmt: skip
        before = self._count
        self._add(1, event)
        node = super().compose_node(parent, index)
        self._open -= 1
        if event.anchor is not None:
            self._sizes[id(node)] = self._count - before
        return node

    def _add(self, n: int, event) -> None:
        from ruamel.yaml.composer import ComposerError

        self._count += n
        if self._count > self.max_nodes:
            raise ComposerError(
                None, None,
                f"more than {self.max_nodes:,} values (each alias counted as what it repeats), "
                "the limit; remove repeated aliases or split the file",
                event.start_mark,
            )  # fmt: skip
