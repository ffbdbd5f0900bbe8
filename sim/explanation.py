"""How a scenario's payoff of an outcome is built up: ``sim explain``.

For a trade-model scenario every additive piece of each government's objective (welfare
components, political weights, election premia, memo rows) with its inputs and their
sources (:func:`sim.payoffs.trade_explain.explain`); for a linear-payoff scenario each
party's value of each issue with its source.  The default outcomes are the status quo (the
disagreement outcome as of the scenario's date) and the full concession package (package
``all`` if the scenario has one, else every discrete or binary issue at its top level),
each applied to the status quo.  The result is the one explanation type,
:class:`sim.payoffs.breakdown.Explanation` (re-exported here)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from sim.payoffs.breakdown import ExplainedOutcome, ExplainRow, Explanation
from sim.scenario.schema import Issue, IssueValue, Scenario
from sim.scenario.types import IssueSetting

__all__ = [
    "ExplainRow",
    "ExplainedOutcome",
    "Explanation",
    "explain_scenario",
    "full_package",
    "parse_outcome",
    "parse_setting",
]


def parse_setting(issue: Issue, text: str) -> IssueSetting:
    """An issue setting from command-line text (a number, a level label, yes/no).

    Raises
    ------
    ValueError
        If the text is not a value the issue allows.
    """
    value: IssueSetting = text
    if issue.kind == "continuous":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"issue {issue.id!r} takes a number, got {text!r}") from None
    issue.coordinate(value)  # raises ValueError with the allowed values
    return value


def full_package(scenario: Scenario) -> tuple[str, dict[str, IssueSetting]]:
    """Label and settings of the full concession package (see the module docstring)."""
    if any(p.id == "all" for p in scenario.packages):
        return "package all", _package_settings(scenario, "all")
    settings = {i.id: i.level_list()[-1].label for i in scenario.issues if i.kind != "continuous"}
    return "every concession at its top level", settings


def _package_settings(scenario: Scenario, package_id: str) -> dict[str, IssueSetting]:
    pkg = scenario.package(package_id)
    merged: dict[str, IssueSetting] = {}
    for inc in pkg.includes:
        merged.update(_package_settings(scenario, inc))
    merged.update(pkg.settings)
    return merged


def _linear_rows(scenario: Scenario, coords: np.ndarray) -> list[ExplainRow]:
    pay = scenario.payoffs
    rows = []
    for code in scenario.party_codes:
        prefs = pay.parties.get(code, {})
        for j, issue in enumerate(scenario.issues):
            spec: IssueValue | None = prefs.get(issue.id)
            x = float(coords[j])
            level = None if issue.kind == "continuous" else issue.level_list()[round(x)].label
            value, inputs = _linear_value(issue, spec, x, level)
            rows.append(
                ExplainRow(
                    code,
                    issue.id,
                    issue.id,
                    x if level is None else issue.level_list()[round(x)].value,
                    level,
                    "value" if spec is not None else "not valued (0)",
                    "welfare",
                    value + 0.0,
                    inputs,
                )
            )
    return rows


def _linear_value(issue: Issue, spec: IssueValue | None, x: float, level: str | None):
    if spec is None:
        return 0.0, "issue not listed for this party: worth 0"
    extra = "; ".join(s for s in (f"source {spec.source}" if spec.source else "", spec.note) if s)
    if spec.linear is not None:
        v = spec.linear.value * x
        return v, f"{spec.linear.cite()} per unit × {x:g}" + (f"; {extra}" if extra else "")
    if spec.points is not None:
        pts = np.asarray(spec.points, dtype=float)
        v = float(np.interp(x, pts[:, 0], pts[:, 1]))
        return v, f"piecewise linear through {spec.points}" + (f"; {extra}" if extra else "")
    q = (spec.levels or {}).get(level or "")
    if q is None:
        return 0.0, f"level {level!r} not listed: worth 0"
    return q.value, q.cite() + (f"; {q.note}" if q.note else "") + (f"; {extra}" if extra else "")


def _trade_rows(scenario: Scenario, coords: np.ndarray) -> list[ExplainRow]:
    from sim.payoffs.trade_explain import explain

    outcome: dict[str, float | str] = {}
    descs: dict[str, object] = {}
    for j, issue in enumerate(scenario.issues):
        if issue.kind == "continuous":
            outcome[issue.id] = float(coords[j])
            descs[issue.id] = "continuous"
        else:
            outcome[issue.id] = issue.level_list()[round(coords[j])].label
            levels = {lv.label: lv.value for lv in issue.level_list()}
            descs[issue.id] = {"kind": "discrete", "levels": levels}
    return list(explain(scenario.payoffs, outcome, issues=descs).rows)


def explain_scenario(
    scenario: Scenario,
    *,
    outcome: Mapping[str, IssueSetting] | None = None,
    package: str | None = None,
) -> Explanation:
    """Explain the status quo and the full package, or the outcome asked for.

    Parameters
    ----------
    scenario : Scenario
    outcome : mapping issue id -> setting, optional
        Settings applied to the status quo (after ``package``, if given); an empty mapping
        is the status quo alone.
    package : str, optional
        A package id, applied to the status quo.

    Returns
    -------
    Explanation
        Two outcomes (status quo, full package) when neither ``outcome`` nor ``package`` is
        given, else the one outcome asked for.

    Raises
    ------
    ValueError
        On an unknown issue or package, or a value an issue does not allow.
    """
    from sim.space import OutcomeSpace

    space = OutcomeSpace.from_scenario(scenario)
    status_quo = space.disagreement_outcome("as_of")
    wanted: list[tuple[str, dict[str, IssueSetting]]]
    if outcome is None and package is None:
        wanted = [(f"status quo ({scenario.as_of})", {}), full_package(scenario)]
    else:
        settings: dict[str, IssueSetting] = {}
        label = []
        if package is not None:
            ids = [p.id for p in scenario.packages]
            if package not in ids:
                raise ValueError(f"no package {package!r} (packages: {', '.join(ids) or 'none'})")
            settings.update(_package_settings(scenario, package))
            label.append(f"package {package}")
        for key, value in (outcome or {}).items():
            _check_issue(scenario, key)
            scenario.issue(key).coordinate(value)
            settings[key] = value
            label.append(f"{key}={value}")
        text = ", ".join(label) + " (on the status quo)" if label else "status quo"
        wanted = [(f"{text} ({scenario.as_of})" if not label else text, settings)]
    def rows_at(settings):
        coords = space.outcome(settings, status_quo)
        rows = (
            _trade_rows(scenario, coords)
            if scenario.payoffs.model == "trade"
            else _linear_rows(scenario, coords)
        )
        return coords, tuple(rows)

    explained = []
    for label, settings in wanted:
        coords, rows = rows_at(settings)
        explained.append(ExplainedOutcome(label, space.describe(coords), rows))
    difference = None
    if len(explained) == 1 and not explained[0].label.startswith("status quo"):
        base = ExplainedOutcome("status quo", {}, rows_at({})[1]).totals()
        difference = {
            p: t["objective"] - base.get(p, {}).get("objective", 0.0)
            for p, t in explained[0].totals().items()
        }
    unit = getattr(scenario.payoffs, "unit", "$bn/yr")
    return Explanation(
        scenario.id,
        scenario.payoffs.model,
        unit,
        scenario.party_codes,
        tuple(explained),
        notes=dict(uncited_notes(scenario)),
        difference=difference,
    )


def uncited_notes(node, loc: tuple = ()):
    """``(dotted path, note)`` of every number (:class:`~sim.quantity.Quantity`) that cites
    no fact but has a note: what "no fact: see note" refers to."""
    from pydantic import BaseModel

    from sim.errors import format_loc
    from sim.quantity import Quantity

    if isinstance(node, Quantity):
        if node.source is None and node.note:
            yield format_loc(loc), " ".join(node.note.split())
    elif isinstance(node, BaseModel):
        for name in type(node).model_fields:
            yield from uncited_notes(getattr(node, name), (*loc, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from uncited_notes(value, (*loc, key))
    elif isinstance(node, tuple | list):
        for i, value in enumerate(node):
            yield from uncited_notes(value, (*loc, i))


def _check_issue(scenario: Scenario, key: str) -> None:
    ids = [i.id for i in scenario.issues]
    if key not in ids:
        raise ValueError(f"no issue {key!r} (issues: {', '.join(ids)})")


def parse_outcome(scenario: Scenario, pairs: Sequence[str]) -> dict[str, IssueSetting]:
    """``["car_tariff=10", "rice=yes"]`` -> settings, checked against the issues.

    Raises
    ------
    ValueError
        On text without ``=``, an unknown issue or a value the issue does not allow.
    """
    out: dict[str, IssueSetting] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key, text = key.strip(), text.strip()
        if not sep or not key or not text:
            raise ValueError(f"--outcome takes ISSUE=VALUE, got {pair!r}")
        _check_issue(scenario, key)
        out[key] = parse_setting(scenario.issue(key), text)
    return out
