"""Load scenario files: YAML with line numbers, ``extends:``, validation, references.

Every problem becomes a :class:`sim.errors.ScenarioError` that names the file, the line
and the field, so the CLI can print it on one line and exit with status 2.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.composer import ComposerError
from ruamel.yaml.constructor import ConstructorError, RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from sim.errors import Problem, ScenarioError, format_loc
from sim.fast_yaml import fast_plain_yaml
from sim.inputs import (
    InputError,
    LimitedComposer,
    allowed_roots,
    outside_reach,
    read_yaml_text,
)
from sim.scenario.schema import Scenario

Loc = tuple[str | int, ...]
Positions = dict[Loc, tuple[Path, int | None]]

#: Lists whose items are merged by this key when a scenario ``extends:`` another.
MERGE_KEYS = {"parties": "code", "issues": "id", "packages": "id"}
MAX_EXTENDS_DEPTH = 8


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from.

    Attributes
    ----------
    scenario : Scenario
        The validated scenario (``extends:`` resolved).
    path : Path
        The file that was loaded.
    data : dict
        The resolved scenario as plain data (what ``scenario.resolved.yaml`` holds).
    sha256 : str
        Hash of the canonical JSON of the resolved scenario.
    files : tuple of Path
        Every file read (the scenario and those it extends).
    warnings : tuple of Problem
        Plausibility warnings (:mod:`sim.plausibility`, filled in by :func:`sim.api.load`):
        numbers that validate but are probably in the wrong unit, with file and line.
    """

    scenario: Scenario
    path: Path
    data: dict
    sha256: str
    files: tuple[Path, ...]
    warnings: tuple[Problem, ...] = ()

    def _repr_html_(self) -> str:
        """The scenario in words, for Jupyter."""
        from sim.render.report import scenario_html

        return scenario_html(self)


def _plain(node: Any) -> Any:
    """Turn ruamel round-trip nodes into plain dicts/lists (dates stay dates)."""
    if isinstance(node, CommentedMap):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, CommentedSeq):
        return [_plain(v) for v in node]
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if hasattr(node, "__float__") and type(node).__name__ == "ScalarFloat":
        return float(node)
    if type(node).__name__ in ("ScalarBoolean",):
        return bool(node)
    if isinstance(node, str):
        return str(node)
    return node


class _Constructor(RoundTripConstructor):
    """Round-trip constructor that leaves an impossible date (2025-13-45) as text, so that
    validation reports it with its line and field instead of the reader failing."""

    def construct_yaml_timestamp(self, node, values=None):
        try:
            return super().construct_yaml_timestamp(node, values)
        except ValueError:
            return str(self.construct_scalar(node))


    def construct_object(self, node, deep=False):
        """Any failure to build a value (``!!bool maybe``, ``!!int 1.5``) is reported at the
        value's line, as a YAML error."""
        try:
            return super().construct_object(node, deep=deep)
        except (KeyError, ValueError, TypeError, OverflowError, AttributeError) as exc:
            raise ConstructorError(
                None, None, f"cannot read this value as {node.tag.split(':')[-1]!r} "
                f"({type(exc).__name__})", node.start_mark,
            ) from None  # fmt: skip


_Constructor.add_constructor("tag:yaml.org,2002:timestamp", _Constructor.construct_yaml_timestamp)

#: Largest magnitude of a number in a scenario (the shipped ones stay below 2,000): larger
#: numbers overflow the solvers' sums and products; use larger units instead.
MAX_NUMBER = 1e9


def _value_problems(node: Any, loc: Loc = ()) -> list[tuple[Loc, str]]:
    """Numbers beyond ±:data:`MAX_NUMBER` and text that is not valid Unicode, anywhere."""
    out: list[tuple[Loc, str]] = []
    stack = [(loc, node)]
    while stack:
        here, value = stack.pop()
        if isinstance(value, dict):
            for key, item in value.items():
                if isinstance(key, str) and not _encodable(key):
                    out.append(((*here, key), "a key that is not valid Unicode text"))
                stack.append(((*here, key), item))
        elif isinstance(value, list):
            stack.extend(((*here, i), item) for i, item in enumerate(value))
        elif isinstance(value, str) and not _encodable(value):
            out.append((here, "text that is not valid Unicode (a lone surrogate such as \\ud800)"))
        elif isinstance(value, int | float) and not isinstance(value, bool):
            if math.isfinite(value) and abs(value) > MAX_NUMBER:
                out.append((here, f"{value:g} is beyond ±{MAX_NUMBER:g}, the largest number a "
                            "scenario may hold; use larger units (e.g. $bn)"))  # fmt: skip
    return sorted(out, key=lambda p: str(p[0]))


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _positions(node: Any, path: Path, loc: Loc = ()) -> Positions:
    """Map every location in a ruamel tree to (file, 1-based line)."""
    out: Positions = {}
    if isinstance(node, CommentedMap):
        for key in node:
            try:
                line = node.lc.key(key)[0] + 1
            except (KeyError, TypeError, AttributeError):
                line = node.lc.line + 1
            out[(*loc, str(key))] = (path, line)
            out.update(_positions(node[key], path, (*loc, str(key))))
    elif isinstance(node, CommentedSeq):
        for i, item in enumerate(node):
            try:
                line = node.lc.item(i)[0] + 1
            except (KeyError, TypeError, AttributeError):
                line = node.lc.line + 1
            out[(*loc, i)] = (path, line)
            out.update(_positions(item, path, (*loc, i)))
    return out


def _yaml() -> YAML:
    """The scenario reader: round trip (lines), the input gate's limits, no duplicate keys."""
    yaml = YAML(typ="rt")
    yaml.Constructor = _Constructor
    yaml.Composer = LimitedComposer
    yaml.allow_duplicate_keys = False
    return yaml


def _text(path: Path) -> str:
    try:
        return read_yaml_text(path, what="scenario file")
    except InputError as exc:
        raise ScenarioError.single(path, exc.line, "", exc.message) from None


class _NeedLines(Exception):
    """The fast reader did not take a file: read it again with positions."""


def _read_plain(path: Path) -> dict:
    """One YAML file as plain data, read by the fast reader (no positions); raises
    :class:`_NeedLines` if it does not take the file (see :func:`sim.fast_yaml.fast_plain_yaml`),
    so that :func:`read_yaml` reads it and reports any problem at its line."""
    data = fast_plain_yaml(_text(path), _yaml())
    if not isinstance(data, dict):
        raise _NeedLines
    return data


def read_yaml(path: Path) -> tuple[Any, Positions]:
    """Parse one YAML file, keeping positions; syntax errors become ScenarioError."""
    text = _text(path)
    yaml = _yaml()
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else None
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x) or "invalid YAML"
        kind = "YAML" if isinstance(exc, ComposerError | ConstructorError) else "YAML syntax error"
        raise ScenarioError.single(path, line, "", f"{kind}: {msg}") from None
    except YAMLError as exc:
        raise ScenarioError.single(path, None, "", f"YAML error: {exc}") from None
    except ValueError as exc:  # e.g. a date such as 2025-13-45 that the YAML reader rejects
        raise ScenarioError.single(path, None, "", f"invalid value: {exc}") from None
    if node is None:
        raise ScenarioError.single(path, 1, "", "the file is empty")
    if not isinstance(node, CommentedMap):
        raise ScenarioError.single(path, 1, "", "a scenario must be a mapping of keys to values")
    return node, _positions(node, path)


def _merge(base: Any, over: Any, loc: Loc, pos: Positions, opos: Positions) -> Any:
    """Deep-merge ``over`` onto ``base``; lists of keyed items merge by key."""
    if isinstance(base, dict) and isinstance(over, dict):
        out = dict(base)
        for key, value in over.items():
            out[key] = _merge(base[key], value, (*loc, key), pos, opos) if key in base else value
        return out
    key_field = MERGE_KEYS.get(str(loc[-1])) if len(loc) == 1 else None
    if (
        key_field
        and isinstance(base, list)
        and isinstance(over, list)
        and all(isinstance(i, dict) and isinstance(i.get(key_field), str) for i in base + over)
    ):  # (a key that is not text, e.g. a list, is left for validation to report)
        out_list = list(base)
        index = {item[key_field]: i for i, item in enumerate(base)}
        for j, item in enumerate(over):
            _check_new_item(base, item, key_field, (*loc, j), opos)
            if item[key_field] in index:
                i = index[item[key_field]]
                out_list[i] = _merge(base[i], item, (*loc, i), pos, opos)
                _move_positions(opos, (*loc, j), (*loc, i), pos)
            else:
                _move_positions(opos, (*loc, j), (*loc, len(out_list)), pos)
                out_list.append(item)
        return out_list
    return over


def _check_new_item(base: list, item: dict, key_field: str, loc: Loc, opos: Positions) -> None:
    """A variant's item whose id is not in the base must be a whole new item: one that lacks
    keys every base item has and is named like a base item is a misspelt id."""
    from sim.scenario.references import did_you_mean

    ids = [b[key_field] for b in base]
    if item[key_field] in ids or not base:
        return
    needed = set.intersection(*(set(b) for b in base)) - set(item)
    hint = did_you_mean(item[key_field], ids)
    if needed and hint:
        file, line = opos.get((*loc, key_field), opos.get(loc, (None, None)))
        what = str(loc[0]).removesuffix("s")
        raise ScenarioError.single(
            file,
            line,
            format_loc((*loc, key_field)),
            f"no {what} {item[key_field]!r} in the base scenario to change{hint}; a new "
            f"{what} needs {', '.join(sorted(needed))}",
        )


def _move_positions(opos: Positions, old: Loc, new: Loc, pos: Positions) -> None:
    n = len(old)
    for key, value in opos.items():
        if key[:n] == old:
            pos[new + key[n:]] = value


def _resolve(path: Path) -> tuple[dict, Positions]:
    """The scenario at ``path`` with its ``extends:`` chain merged in, and the positions of
    its locations (the files read again)."""
    data, positions, _files = _resolve_files(path)
    return data, positions


def _resolve_files(
    path: Path,
    depth: int = 0,
    seen: tuple[Path, ...] = (),
    roots: tuple[Path, ...] | None = None,
    *,
    fast: bool = False,
) -> tuple[dict, Positions, tuple[Path, ...]]:
    """The scenario at ``path`` with its ``extends:`` chain merged in, the positions of its
    locations and the files of the chain.  ``fast``: read by the fast reader, without
    positions (an error then names no line: read again without ``fast`` to report it)."""
    path = path.resolve()
    if roots is None:  # the scenario itself: files it extends must be within reach of it
        roots = allowed_roots(path)
    if path in seen:
        chain = " -> ".join(p.name for p in (*seen, path))
        raise ScenarioError.single(path, None, "extends", f"extends itself in a cycle: {chain}")
    if depth > MAX_EXTENDS_DEPTH:
        raise ScenarioError.single(path, None, "extends", "too many levels of extends")
    if fast:
        data, pos = _read_plain(path), {}
    else:
        node, pos = read_yaml(path)
        data = _plain(node)
    if seen and not set(data) & set(Scenario.model_fields):
        child = seen[-1]
        line = _extends_line(child)
        raise ScenarioError.single(
            child, line, "extends", f"{path} is not a scenario file (no scenario key at its top)"
        )
    parent = data.get("extends")
    if parent is None:
        return data, pos, (*seen, path)
    line = pos.get(("extends",), (path, None))[1]
    if not isinstance(parent, str):
        raise ScenarioError.single(path, line, "extends", "extends takes a file path")
    parent_path = (path.parent / parent).resolve()
    far = outside_reach(parent_path, roots)
    if far:
        raise ScenarioError.single(path, line, "extends", f"{parent} {far}")
    if not parent_path.exists():
        raise ScenarioError.single(path, line, "extends", f"no scenario file {parent!r}")
    if not parent_path.is_file():
        raise ScenarioError.single(path, line, "extends", f"{parent!r} is a folder, not a file")
    if parent_path in (*seen, path):
        chain = " -> ".join(p.name for p in (*seen, path, parent_path))
        raise ScenarioError.single(path, line, "extends", f"extends itself in a cycle: {chain}")
    if depth >= MAX_EXTENDS_DEPTH:
        raise ScenarioError.single(
            path, line, "extends", f"more than {MAX_EXTENDS_DEPTH} levels of extends"
        )
    base, base_pos, files = _resolve_files(parent_path, depth + 1, (*seen, path), roots, fast=fast)
    merged_pos = dict(base_pos)
    for key, value in pos.items():  # the child's own positions win, except inside keyed
        if key[0] not in MERGE_KEYS or len(key) == 1:  # lists, whose items _merge moves
            merged_pos[key] = value
    merged = _merge(base, data, (), merged_pos, pos)
    merged["extends"] = parent
    return merged, merged_pos, files


def _extends_line(path: Path) -> int | None:
    """The line of ``extends:`` in a scenario file already read once."""
    _node, pos = read_yaml(path)
    return pos.get(("extends",), (path, None))[1]


def locate(loc: Loc, positions: Positions, default: Path) -> tuple[Path, int | None, Loc]:
    """Find the file and line of a (pydantic) location, skipping union tags.

    Returns the file, the line, and the cleaned location (only real keys of the data).
    """
    clean: list[str | int] = []
    best: tuple[Path, int | None] = (default, None)
    for part in loc:
        candidate = (*clean, part)
        if candidate in positions:
            clean.append(part)
            best = positions[candidate]
        elif isinstance(part, str) and part.isdigit() and (*clean, int(part)) in positions:
            clean.append(int(part))
            best = positions[tuple(clean)]
    lines = [pl for pl in positions.values() if pl[1] is not None]
    if best[1] is None and lines:  # nothing located: the top of the first file
        best = (min(lines, key=lambda pl: pl[1])[0], 1)
    return best[0], best[1], tuple(clean)


def _message(err: dict) -> str:
    """A pydantic error as a plain sentence (no validator jargon)."""
    from sim.scenario.messages import plain_message

    return plain_message(err)


def _problems_from_validation(
    exc: ValidationError, positions: Positions, path: Path
) -> list[Problem]:
    problems: list[Problem] = []
    seen: set[tuple] = set()
    for err in exc.errors(include_url=False):
        loc = tuple(err["loc"])
        file, line, clean = locate(loc, positions, path)
        if err.get("type") in ("extra_forbidden", "missing"):
            clean = clean if clean and clean[-1] == loc[-1] else (*clean, loc[-1])
        field = format_loc(clean)
        key = (field, _message(err))
        if key in seen:
            continue
        seen.add(key)
        problems.append(Problem(file, line, field, _message(err)))
    # an unknown key often explains a "missing" one (a misspelling): report it first
    problems.sort(key=lambda p: "unknown key" not in p.message)
    return problems


def scenario_error(path: str | Path, found: list[tuple[Loc, str]]) -> ScenarioError:
    """A :class:`ScenarioError` for problems found after loading, located in the file(s).

    ``found`` holds ``(location, message)`` pairs; the file is read again (with the files
    it extends) to find each location's line.
    """
    return ScenarioError(located(path, found))


def located(path: str | Path, found: list[tuple[Loc, str]]) -> list[Problem]:
    """``(location, message)`` pairs as problems naming file and line (the file, and those
    it extends, read again)."""
    path = Path(path)
    _data, positions = _resolve(path)
    problems = []
    for loc, message in found:
        file, line, _clean = locate(loc, positions, path.resolve())
        problems.append(Problem(file, line, format_loc(loc), message))
    return problems


def canonical_json(data: Any) -> str:
    """Canonical JSON text of plain data (sorted keys, dates as ISO strings)."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)


def load_scenario(path: str | Path) -> LoadedScenario:
    """Load, resolve (``extends:``) and validate a scenario file.

    Parameters
    ----------
    path : str or Path
        The YAML file.

    Returns
    -------
    LoadedScenario

    Raises
    ------
    ScenarioError
        With every problem found, each naming the file, the line and the field.
    """
    path = Path(path)
    try:  # fast, without positions: they are found only if a problem needs its line
        data, _none, files = _resolve_files(path, fast=True)
        positions: Mapping = LazyPositions(path)
    except (ScenarioError, _NeedLines):  # read again with positions, to report the lines
        data, positions, files = _resolve_files(path)
    return validate_data(data, path, positions, files=files)


class LazyPositions(Mapping):
    """The positions of a scenario file and those it extends (location -> (file, line)),
    read only when first looked up (a problem to report): a valid scenario is read once, by
    the fast reader."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._positions: Positions | None = None

    def _get(self) -> Positions:
        if self._positions is None:
            self._positions = _resolve(self._path)[1]
        return self._positions

    def __getitem__(self, loc: Loc) -> tuple[Path, int | None]:
        return self._get()[loc]

    def __iter__(self) -> Iterator[Loc]:
        return iter(self._get())

    def __len__(self) -> int:
        return len(self._get())


def validate_data(
    data: dict,
    path: str | Path,
    positions: Mapping | None = None,
    *,
    files: tuple[Path, ...] = (),
) -> LoadedScenario:
    """Validate plain scenario data, check its references and hash it.

    The one path from data to a :class:`LoadedScenario`: :func:`load_scenario` takes it with
    the positions read from the file, :func:`sim.scenario.modify.modify` with none.

    Parameters
    ----------
    data : dict
        The scenario as plain data (``extends:`` already resolved).
    path : str or Path
        The file the data came from: problems name it, and relative references (``seeds/``)
        are found from its folder.
    positions : mapping, optional
        Location -> (file, line) from :func:`read_yaml` (or a :class:`LazyPositions`);
        without them problems name the field but no line.
    files : tuple of Path, optional
        The files the data was read from (the scenario and those it extends); by default
        those of ``positions``.

    Returns
    -------
    LoadedScenario
        ``sha256`` is the hash of the canonical JSON of the validated scenario.

    Raises
    ------
    ScenarioError
        With every problem found (schema first; references only once the schema holds).
    """
    from sim.scenario.references import check_references

    path = Path(path)
    where = path.resolve()
    if positions is None:
        positions = _data_positions(data, where)
    bad = _value_problems(data)
    if bad:
        raise ScenarioError([Problem(*locate(loc, positions, where)[:2], format_loc(loc), msg)
                             for loc, msg in bad])  # fmt: skip
    try:
        scenario = Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(_problems_from_validation(exc, positions, where)) from None
    problems = []
    for loc, message in check_references(scenario, base_dir=where.parent):
        file, line, _clean = locate(loc, positions, where)
        problems.append(Problem(file, line, format_loc(loc), message))
    if problems:
        raise ScenarioError(problems)
    resolved = scenario.model_dump(mode="json", exclude_none=True)
    digest = hashlib.sha256(canonical_json(resolved).encode()).hexdigest()
    files = tuple(sorted(set(files) or {p for p, _ in positions.values()})) or (where,)
    return LoadedScenario(scenario, path, resolved, digest, files)


def _data_positions(node: Any, path: Path, loc: Loc = ()) -> Positions:
    """Every location in plain data, in ``path`` at no known line."""
    out: Positions = {}
    if isinstance(node, dict):
        items = [(str(k), v) for k, v in node.items()]
    elif isinstance(node, list):
        items = list(enumerate(node))
    else:
        return out
    for key, value in items:
        out[(*loc, key)] = (path, None)
        out.update(_data_positions(value, path, (*loc, key)))
    return out
