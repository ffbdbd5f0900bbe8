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
  :class:`LimitedComposer`;
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
from typing import Any

__all__ = [
    "ALLOW_ENV",
    "MAX_YAML_BYTES",
    "MAX_YAML_DEPTH",
    "MAX_YAML_LINE",
    "MAX_YAML_NODES",
    "InputError",
    "LimitedComposer",
    "allowed_roots",
    "fast_plain_yaml",
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


class _Slow(Exception):
    """The document needs the full (pure-Python) reader: the fast one does not take it."""


#: Tags :func:`fast_plain_yaml` builds values of; any other (a merge key ``<<``, an explicit
#: tag) sends the document to the full reader.
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "str", "timestamp")
)


def fast_plain_yaml(text: str, yaml) -> Any:
    """A plain YAML document as plain data (dicts with text keys, lists, scalars), read by
    libyaml (PyYAML's C parser) about twenty times faster than ruamel.yaml's pure-Python one;
    or ``None`` when the fast reader does not apply and the caller must read ``text`` with
    ``yaml`` (a ``ruamel.yaml.YAML(typ="rt")`` with :class:`LimitedComposer`).

    The fast reader only takes what it reads exactly as the full one would: libyaml makes
    the events (the YAML syntax is the same), and every plain scalar is resolved and built
    by ``yaml``'s own resolver and constructor, so values have the same types (YAML 1.2:
    ``yes`` is text, ``0x1F`` an int) and the constructor's own handling (a customised date
    constructor, say).  It gives ``None`` (the full reader then reports, with its line, what
    needs one) for: libyaml missing, any error, an empty document or several, a ``%YAML`` or
    ``%TAG`` directive, an anchor, alias or explicit tag, a merge key, a key that is not a
    scalar, a duplicate key (also two keys with the same text), or a document beyond
    :data:`MAX_YAML_DEPTH` or :data:`MAX_YAML_NODES` (checked as the events come, so a
    hostile document costs no more than reading it).  Without aliases the node count is the
    number of nodes read, as :class:`LimitedComposer` counts them.

    Parameters
    ----------
    text : str
        The document (already through :func:`read_yaml_text`).
    yaml : ruamel.yaml.YAML
        The round-trip reader the document would be read with; its resolver and
        constructor build the scalars.
    """
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML without libyaml: the full reader
        return None
    try:
        return _from_events(CParser(text), yaml.resolver, yaml.constructor)
    except Exception:  # any problem: the full reader reports it, with its line
        return None


def _from_events(parser, resolver, constructor) -> Any:
    """Plain data from a libyaml event stream (see :func:`fast_plain_yaml`); raises on
    anything the fast reader does not take.

    An alias stands for a copy of its anchor's value and counts as that value's nodes, as in
    :class:`LimitedComposer`."""
    import copy

    from ruamel.yaml.nodes import ScalarNode

    cache: dict[str, Any] = {}
    anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, nodes it counts as)

    def scalar(event) -> Any:
        if event.tag is not None:
            raise _Slow
        if event.implicit[0] is not True:  # quoted, literal or folded: text
            return str(event.value)
        value, anchor = event.value, event.anchor
        if anchor is None and value in cache:
            return cache[value]
        tag = resolver.resolve(ScalarNode, value, (True, False))
        if str(tag) not in _CORE_TAGS:
            raise _Slow
        out = constructor.construct_object(ScalarNode(tag, value, anchor=anchor))
        if type(out).__name__ == "ScalarFloat":
            out = float(out)
        elif type(out).__name__ == "ScalarBoolean":
            out = bool(out)
        elif isinstance(out, str):
            out = str(out)
        if anchor is None:
            cache[value] = out
        return out

    # containers being built: [container, pending key, raw keys seen, anchor, nodes before]
    stack: list[list] = []
    nodes = 0
    root: Any = _NO_KEY
    for event in _document_events(parser):
        kind = type(event).__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            if event.tag is not None:
                raise _Slow
            nodes += 1
            if nodes > MAX_YAML_NODES or len(stack) >= MAX_YAML_DEPTH:
                raise _Slow
            empty = {} if kind == "MappingStartEvent" else []
            stack.append([empty, _NO_KEY, set(), event.anchor, nodes - 1])
            continue
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            value, _key, _seen, anchor, before = stack.pop()
            if anchor is not None:
                anchors[anchor] = (value, nodes - before)
        elif kind == "ScalarEvent":
            nodes += 1
            if nodes > MAX_YAML_NODES or len(stack) >= MAX_YAML_DEPTH:
                raise _Slow
            value = scalar(event)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
        elif kind == "AliasEvent":
            value, size = anchors[event.anchor]  # (an unknown anchor: KeyError, the full reader)
            nodes += size
            if nodes > MAX_YAML_NODES:
                raise _Slow
            value = copy.deepcopy(value)
        else:
            raise _Slow
        if not stack:
            root = value
            continue
        top = stack[-1]
        if isinstance(top[0], list):
            top[0].append(value)
        elif top[1] is _NO_KEY:  # a key
            if kind != "ScalarEvent" or value in top[2] or str(value) in top[0]:
                raise _Slow
            top[2].add(value)
            top[1] = value
        else:
            top[0][str(top[1])] = value
            top[1] = _NO_KEY
    if root is _NO_KEY or root is None:
        raise _Slow
    return root


_NO_KEY = object()


def _document_events(parser):
    """The events of the one document of a stream, without its start and end; raises
    :class:`_Slow` for a directive, several documents or none."""
    if type(parser.get_event()).__name__ != "StreamStartEvent":
        raise _Slow
    start = parser.get_event()
    if type(start).__name__ != "DocumentStartEvent" or start.version or start.tags:
        raise _Slow
    while True:
        event = parser.get_event()
        if type(event).__name__ == "DocumentEndEvent":
            break
        yield event
    if type(parser.get_event()).__name__ != "StreamEndEvent":
        raise _Slow
