"""The seeds/ fact digest: models, loader and lookup by id.

``seeds/facts.yaml`` records what the five seed articles (and the calibration sheet
``FACTS.md``) say, one fact per stable id, each citing its sources.  Scenario files cite
these ids (``source: <id>``); :func:`load_facts` reads and validates the digest and
:meth:`FactDigest.get` resolves a citation.  The format is documented in
``docs/facts-format.md`` (and the project's digest in ``seeds/README.md``).

Examples
--------
>>> digest = load_facts()
>>> digest.get("us_car_tariff_rate").value
25
>>> "reciprocal_suspension_end" in digest
True
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "DEFAULT_FACTS_PATH",
    "FACT_KINDS",
    "Fact",
    "FactDigest",
    "Source",
    "load_facts",
    "scenario_facts",
]

#: The digest shipped with the project.
DEFAULT_FACTS_PATH = Path(__file__).resolve().parent.parent / "seeds" / "facts.yaml"

FactKind = Literal[
    "tariff",
    "date",
    "round",
    "concession",
    "demand",
    "pressure",
    "claim",
    "actor",
    "trade",
    "parameter",
]
#: The allowed values of :attr:`Fact.kind`.
FACT_KINDS: tuple[str, ...] = FactKind.__args__

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
_FORMAT_VERSION = 1


class Source(BaseModel):
    """Where facts come from: a seed article, or a source cited in FACTS.md.

    A seed article has ``file`` (its file name in ``../shared/seeds/``); a FACTS.md source
    has ``cited_in`` (the section citing it); a web page has ``url``.  At least one of the
    three is required (``docs/facts-format.md``).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID_PATTERN)
    title: str = Field(min_length=1)
    file: str | None = None
    publication: str | None = None
    date: dt.date | None = None
    cited_in: str | None = None
    url: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _has_origin(self) -> Source:
        if self.file is None and self.cited_in is None and self.url is None:
            raise ValueError(
                "a source needs `file` (a seed article), `cited_in` (FACTS.md) or `url`"
            )
        return self


class Fact(BaseModel):
    """One fact: a paraphrased statement, an optional value with unit, a date, sources."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str = Field(pattern=_ID_PATTERN)
    kind: FactKind
    statement: str = Field(min_length=1)
    value: int | float | None = None
    unit: str | None = None
    date: dt.date | None = None
    sources: tuple[str, ...] = Field(min_length=1)
    uncertain: bool = False
    note: str | None = None

    @model_validator(mode="after")
    def _unit_needs_value(self) -> Fact:
        if self.value is not None and self.unit is None:
            raise ValueError("a numeric `value` needs a `unit`")
        return self


def _duplicates(ids: list[str]) -> list[str]:
    return sorted(i for i, n in Counter(ids).items() if n > 1)


class FactDigest(BaseModel):
    """The whole digest: sources and facts, with unique ids and no dangling citation."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    format_version: Literal[1]
    sources: tuple[Source, ...]
    facts: tuple[Fact, ...]

    @model_validator(mode="after")
    def _check_references(self) -> FactDigest:
        if dup := _duplicates([s.id for s in self.sources]):
            raise ValueError(f"duplicate source id(s): {', '.join(dup)}")
        if dup := _duplicates([f.id for f in self.facts]):
            raise ValueError(f"duplicate fact id(s): {', '.join(dup)}")
        known = {s.id for s in self.sources}
        for fact in self.facts:
            missing = [s for s in fact.sources if s not in known]
            if missing:
                raise ValueError(f"fact {fact.id!r} cites unknown source(s): {', '.join(missing)}")
        return self

    @property
    def ids(self) -> tuple[str, ...]:
        """The fact ids, in file order."""
        return tuple(f.id for f in self.facts)

    def __contains__(self, fact_id: object) -> bool:
        return any(f.id == fact_id for f in self.facts)

    def __len__(self) -> int:
        return len(self.facts)

    def get(self, fact_id: str) -> Fact:
        """Return the fact with this id; ``KeyError`` naming it if there is none."""
        for fact in self.facts:
            if fact.id == fact_id:
                return fact
        raise KeyError(f"no fact with id {fact_id!r} in the digest")

    def source(self, source_id: str) -> Source:
        """Return the source with this id; ``KeyError`` naming it if there is none."""
        for src in self.sources:
            if src.id == source_id:
                return src
        raise KeyError(f"no source with id {source_id!r} in the digest")

    def to_frame(self) -> pd.DataFrame:
        """One row per fact (sources joined with ", "), in file order."""
        import pandas as pd

        rows = [
            {
                "id": f.id,
                "kind": f.kind,
                "statement": f.statement,
                "value": f.value,
                "unit": f.unit,
                "date": f.date,
                "sources": ", ".join(f.sources),
                "uncertain": f.uncertain,
                "note": f.note,
            }
            for f in self.facts
        ]
        return pd.DataFrame(rows, columns=list(Fact.model_fields))


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err["loc"])
    msg = err["msg"].removeprefix("Value error, ")
    return f"{loc}: {msg}" if loc else msg


def _line(node: Any, key: Any) -> int | None:
    """1-based line of ``key`` (a mapping key or a list index) in a ruamel node."""
    try:
        return (node.lc.item(key) if isinstance(key, int) else node.lc.key(key))[0] + 1
    except (AttributeError, KeyError, TypeError, IndexError):
        return None


def _at(path: Path, line: int | None) -> str:
    return f"{path}:{line}" if line is not None else str(path)


def _validate_items(path: Path, raw: Any, key: str, model: type[BaseModel]) -> list[BaseModel]:
    items = raw.get(key)
    if not isinstance(items, list):
        raise ValueError(f"{_at(path, _line(raw, key))}: `{key}` must be a list")
    out = []
    for i, item in enumerate(items):
        label = item.get("id") if isinstance(item, dict) else None
        what = f"{key[:-1]} {label!r}" if label else f"{key[:-1]} #{i + 1}"
        try:
            out.append(model.model_validate(_plain(item)))
        except ValidationError as exc:
            field = exc.errors()[0]["loc"][:1]
            line = (_line(item, field[0]) if field else None) or _line(items, i)
            raise ValueError(f"{_at(path, line)}: {what}: {_first_error(exc)}") from None
    return out


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, str):
        return str(node)
    if type(node).__name__ == "ScalarFloat":
        return float(node)
    if type(node).__name__ == "ScalarBoolean":
        return bool(node)
    return node


def _check_ids(path: Path, raw: Any, sources: list, facts: list) -> None:
    """Duplicate ids and citations of unknown sources, at the digest's own lines."""
    for key, items in (("sources", sources), ("facts", facts)):
        seen: set[str] = set()
        for i, item in enumerate(items):
            if item.id in seen:
                line = _line(raw[key], i)
                raise ValueError(f"{_at(path, line)}: duplicate {key[:-1]} id {item.id!r}")
            seen.add(item.id)
    known = {s.id for s in sources}
    for i, fact in enumerate(facts):
        missing = [s for s in fact.sources if s not in known]
        if missing:
            line = _line(raw["facts"][i], "sources") or _line(raw["facts"], i)
            near = difflib.get_close_matches(missing[0], sorted(known), n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise ValueError(
                f"{_at(path, line)}: fact {fact.id!r} cites unknown source(s): "
                f"{', '.join(missing)}{hint}"
            )


def load_facts(path: str | Path | None = None) -> FactDigest:
    """Read and validate a fact digest (cached while the file is unchanged).

    Parameters
    ----------
    path
        The YAML file; by default the project's ``seeds/facts.yaml``.

    Returns
    -------
    FactDigest

    Raises
    ------
    ValueError
        On malformed YAML, a wrong field, an unknown kind, a duplicate id or a citation of a
        source that does not exist; the message names the file and the fact (or source) id.
    """
    path = Path(path) if path is not None else DEFAULT_FACTS_PATH
    try:
        stat = path.stat()
    except OSError as exc:
        raise ValueError(f"{path}: cannot read the fact digest: {exc}") from None
    return _load_facts_cached(path.resolve(), stat.st_mtime_ns, stat.st_size)


@functools.lru_cache(maxsize=8)
def _load_facts_cached(path: Path, mtime_ns: int, size: int) -> FactDigest:
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from sim.fast_yaml import fast_plain_yaml
    from sim.inputs import InputError, LimitedComposer, read_yaml_text

    yaml = YAML(typ="rt")  # round trip: the digest's own lines in its errors
    yaml.Composer = LimitedComposer
    try:
        text = read_yaml_text(path, what="fact digest")
    except InputError as exc:
        raise ValueError(str(exc)) from None
    raw = fast_plain_yaml(text, yaml)  # fast, no lines: the lines only for an error
    if raw is not None:
        try:
            return _digest(path, raw)
        except ValueError:
            pass  # read again with lines, to report where
    try:
        raw = yaml.load(text)
    except MarkedYAMLError as exc:  # context and problem only: never the file's text
        mark = exc.problem_mark or exc.context_mark
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        msg = " ".join(str(x) for x in (exc.context, exc.problem) if x)
        raise ValueError(f"{where}: not valid YAML: {msg}") from None
    except (YAMLError, ValueError, TypeError) as exc:
        raise ValueError(f"{path}: not valid YAML ({type(exc).__name__})") from None
    return _digest(path, raw)


def _digest(path: Path, raw: Any) -> FactDigest:
    """Validate a digest read from ``path`` (ruamel nodes, whose lines errors name, or
    plain data, whose errors name no line)."""
    if not isinstance(raw, dict):
        raise ValueError(f"{path}: expected a mapping with format_version, sources, facts")
    unknown = sorted(set(raw) - {"format_version", "sources", "facts"})
    if unknown:
        raise ValueError(f"{path}: unknown top-level key(s): {', '.join(map(str, unknown))}")
    if raw.get("format_version") != _FORMAT_VERSION:
        raise ValueError(
            f"{path}: format_version must be {_FORMAT_VERSION}, got {raw.get('format_version')!r}"
        )
    sources = _validate_items(path, raw, "sources", Source)
    facts = _validate_items(path, raw, "facts", Fact)
    _check_ids(path, raw, sources, facts)
    try:
        return FactDigest(format_version=_FORMAT_VERSION, sources=sources, facts=facts)
    except ValidationError as exc:
        raise ValueError(f"{path}: {_first_error(exc)}") from None


def scenario_facts(path: str | Path | None = None) -> FactDigest:
    """The facts a scenario may cite: the project's digest, plus its own (``facts:``).

    A scenario's own digest adds to the project's ``seeds/facts.yaml``: its sources and facts
    are added, and where an id is in both, the scenario's own wins.

    Parameters
    ----------
    path
        The scenario's own digest, or None for the project's alone.

    Raises
    ------
    ValueError
        As :func:`load_facts`, naming the digest file and line.
    """
    project = load_facts()
    if path is None or Path(path).resolve() == DEFAULT_FACTS_PATH:
        return project
    own = load_facts(path)
    mine = set(own.ids)
    my_sources = {s.id for s in own.sources}
    return FactDigest.model_construct(
        format_version=_FORMAT_VERSION,
        sources=tuple(s for s in project.sources if s.id not in my_sources) + own.sources,
        facts=tuple(f for f in project.facts if f.id not in mine) + own.facts,
    )
