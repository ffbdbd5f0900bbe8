"""Observed outcomes: what actually happened in a negotiation, to score forecasts against.

::

    # yaml-language-server: $schema=../docs/observed.schema.json
    scenario: japan_us_2025             # the id of the scenario it resolves (optional)
    agreement:
      reached: true                     # false: talks broke down, or no deal by `date`
      date: 2025-07-22                  # the day of the agreement (or of the breakdown)
      source: "Joint statement, 22 July 2025"
    issues:                             # any subset of the scenario's issues
      car_tariff: {value: 12.5, source: "Executive order of ..."}
      rice: {value: "yes", source: "..."}

Every value names its ``source`` (an article, a statement: where an analyst can check it).
:func:`load_observed` reads the file through the input gate (:mod:`sim.inputs`: size, depth
and alias limits) and reports every problem as a :class:`sim.errors.ScenarioError` naming
the file, the line and the field, so the CLI exits with status 2 as it does for scenarios.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError

from sim.errors import Problem, ScenarioError, format_loc
from sim.scenario.types import Frozen, Identifier

__all__ = ["IssueValue", "Observed", "ObservedAgreement", "json_schema", "load_observed"]

Loc = tuple[str | int, ...]


class ObservedAgreement(Frozen):
    """Whether the parties agreed, and when."""

    reached: bool = Field(description="true: an agreement; false: a breakdown, or no "
                          "agreement by `date`.")
    date: dt.date = Field(description="The day of the agreement (or of the breakdown, or "
                          "the day by which none was reached).")
    source: str = Field(min_length=1, description="Where this can be checked.")
    note: str | None = None


class IssueValue(Frozen):
    """The value an issue took: a number (continuous), a level label (discrete), yes/no."""

    value: float | bool | str = Field(description="A number, a level label, or yes/no.")
    source: str = Field(min_length=1, description="Where this can be checked.")
    note: str | None = None


class Observed(Frozen):
    """What happened: the agreement (or breakdown) and the value of some issues."""

    scenario: Identifier | None = Field(
        default=None, description="Id of the scenario whose forecast this resolves."
    )
    title: str | None = None
    agreement: ObservedAgreement
    issues: dict[str, IssueValue] = Field(
        default_factory=dict, description="Issue id -> the value it took, with its source."
    )
    note: str | None = None


def json_schema() -> dict:
    """The JSON Schema of observed-outcome files (``docs/observed.schema.json``)."""
    schema = Observed.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    schema["title"] = "sim observed outcome"
    return schema


def _lines(node: Any, loc: Loc = ()) -> dict[Loc, int]:
    """Location -> 1-based line of every key and item of a ruamel round-trip tree."""
    from ruamel.yaml.comments import CommentedMap, CommentedSeq

    out: dict[Loc, int] = {}
    if isinstance(node, CommentedMap):
        items = [(str(k), v, node.lc.key(k)[0]) for k, v in node.items()]
    elif isinstance(node, CommentedSeq):
        items = [(i, v, node.lc.item(i)[0]) for i, v in enumerate(node)]
    else:
        return out
    for key, value, line in items:
        out[(*loc, key)] = line + 1
        out.update(_lines(value, (*loc, key)))
    return out


def _dates_as_text():
    """A round-trip constructor keeping dates as their text: pydantic parses them, and
    reports an impossible one (2025-13-45) at its field and line."""
    from ruamel.yaml.constructor import RoundTripConstructor

    class Constructor(RoundTripConstructor):
        pass

    Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                                lambda self, node: self.construct_scalar(node))
    return Constructor


def _read(path: Path) -> tuple[Any, dict[Loc, int]]:
    """The file's YAML as ruamel nodes, and their lines; problems as ScenarioError."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError

    from sim.inputs import InputError, LimitedComposer, read_yaml_text

    yaml = YAML(typ="rt")
    yaml.Constructor, yaml.Composer = _dates_as_text(), LimitedComposer
    yaml.allow_duplicate_keys = False
    line, message = None, ""
    try:
        node = yaml.load(read_yaml_text(path, what="observed-outcome file"))
    except InputError as exc:
        line, message = exc.line, exc.message
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        message = "YAML: " + (" ".join(str(x) for x in (exc.context, exc.problem) if x)
                              or "invalid YAML")
    except (YAMLError, ValueError) as exc:
        message = f"YAML: {exc}"
    if message:
        raise ScenarioError.single(path, line, "", message)
    if not isinstance(node, dict):
        raise ScenarioError.single(path, 1, "", "an observed outcome is a mapping of keys "
                                   "(agreement:, issues:, ...) to values")
    return node, _lines(node)


def _plain(node: Any) -> Any:
    if isinstance(node, dict):
        return {str(k): _plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_plain(v) for v in node]
    if isinstance(node, bool) or type(node).__name__ == "ScalarBoolean":
        return bool(node)
    if isinstance(node, float):
        return float(node)
    return str(node) if isinstance(node, str) else node


def _at(path: Path, lines: dict[Loc, int], loc: Loc) -> int | None:
    """The line of ``loc`` or of its nearest located parent."""
    for k in range(len(loc), 0, -1):
        if loc[:k] in lines:
            return lines[loc[:k]]
    return 1


def check_observed(observed: Observed, scenario) -> list[tuple[Loc, str]]:
    """References to the scenario: its id, issues that exist, values each issue allows.

    A continuous issue's value may lie outside the issue's range (what happened may be
    outside what the scenario thought possible: the backtest reports it, never clips it).
    """
    found: list[tuple[Loc, str]] = []
    if observed.scenario is not None and observed.scenario != scenario.id:
        found.append((("scenario",), f"resolves scenario {observed.scenario!r}, but the "
                      f"scenario given is {scenario.id!r}"))
    ids = [i.id for i in scenario.issues]
    for issue_id, item in observed.issues.items():
        loc: Loc = ("issues", issue_id)
        if issue_id not in ids:
            import difflib

            near = difflib.get_close_matches(issue_id, ids, n=1)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            found.append((loc, f"no issue {issue_id!r} in scenario {scenario.id}{hint}; "
                          f"issues: {', '.join(ids)}"))
            continue
        issue = scenario.issue(issue_id)
        v = item.value
        if issue.kind == "continuous":
            if isinstance(v, bool) or not isinstance(v, int | float):
                found.append(((*loc, "value"), f"issue {issue_id!r} takes a number, got {v!r}"))
        else:
            try:
                issue.coordinate(v)
            except ValueError as exc:
                found.append(((*loc, "value"), str(exc)))
    if observed.agreement.date < scenario.as_of:
        found.append((("agreement", "date"), f"{observed.agreement.date} is before the "
                      f"scenario's as-of date {scenario.as_of}: nothing left to forecast"))
    return found


def load_observed(path: str | Path, scenario=None) -> Observed:
    """Read and validate an observed-outcome file; with ``scenario``, check its references.

    Raises
    ------
    sim.errors.ScenarioError
        Every problem, naming the file, the line and the field.
    """
    from sim.scenario.messages import plain_message

    path = Path(path)
    node, lines = _read(path)
    try:
        observed = Observed.model_validate(_plain(node))
    except ValidationError as exc:
        problems = []
        for err in exc.errors(include_url=False):
            loc = tuple(err["loc"])
            problems.append(Problem(path, _at(path, lines, loc), format_loc(loc),
                                    plain_message(err)))
        raise ScenarioError(problems) from None
    if scenario is not None:
        found = check_observed(observed, scenario)
        if found:
            raise ScenarioError([Problem(path, _at(path, lines, loc), format_loc(loc), msg)
                                 for loc, msg in found])
    return observed
