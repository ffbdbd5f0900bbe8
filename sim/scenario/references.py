"""Checks that need the whole scenario: references between sections and to the facts.

Each check yields ``(location, message)`` pairs; the loader turns them into problems
with file and line.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sim.scenario.schema import Issue, LinearPayoffs, Scenario
from sim.scenario.trade_payoffs import PurchaseConcession, TradePayoffs
from sim.scenario.types import IssueSetting
from sim.scenario.uncertainty import check_uncertainty

Loc = tuple[str | int, ...]
Found = Iterator[tuple[Loc, str]]


def _unique(items: tuple, key: str, loc: Loc) -> Found:
    seen: set[str] = set()
    for i, item in enumerate(items):
        value = getattr(item, key)
        if value in seen:
            yield (*loc, i, key), f"duplicate {key} {value!r}"
        seen.add(value)


def settings_problems(scenario: Scenario, settings: dict[str, IssueSetting], loc: Loc) -> Found:
    issues = {i.id: i for i in scenario.issues}
    for issue_id, value in settings.items():
        if issue_id not in issues:
            yield (
                (*loc, issue_id),
                f"no issue {issue_id!r}{did_you_mean(issue_id, issues)} "
                f"(issues: {', '.join(issues)})",
            )
            continue
        try:
            issues[issue_id].coordinate(value)
        except ValueError as exc:
            yield (*loc, issue_id), str(exc)


def party_key_problems(scenario: Scenario, mapping: dict[str, Any], loc: Loc) -> Found:
    codes = scenario.party_codes
    for code in mapping:
        if code not in codes:
            yield (
                (*loc, code),
                f"no party {code!r}{did_you_mean(code, codes)} (parties: {', '.join(codes)})",
            )


def _party(scenario: Scenario, code: str | None, loc: Loc) -> Found:
    if code is not None and code not in scenario.party_codes:
        yield loc, f"no party {code!r} (parties: {', '.join(scenario.party_codes)})"


def _issue_value(issue: Issue, spec: Any, loc: Loc) -> Found:
    if issue.kind == "continuous":
        if spec.levels is not None:
            yield (*loc, "levels"), f"issue {issue.id!r} is continuous: use linear or points"
        if spec.points is not None:
            assert issue.range is not None
            lo, hi = issue.range
            if spec.points[0][0] > lo or spec.points[-1][0] < hi:
                yield (
                    (*loc, "points"),
                    (f"points must cover the range [{lo}, {hi}] of issue {issue.id!r}"),
                )
    else:
        if spec.levels is None:
            yield loc, f"issue {issue.id!r} is {issue.kind}: give values per level (levels:)"
        else:
            labels = [lv.label for lv in issue.level_list()]
            for label in spec.levels:
                if label not in labels:
                    yield (
                        (*loc, "levels", label),
                        (
                            f"issue {issue.id!r} has no level {label!r} "
                            f"(levels: {', '.join(labels)})"
                        ),
                    )


def _structure(scenario: Scenario) -> Found:
    yield from _unique(scenario.parties, "code", ("parties",))
    yield from _unique(scenario.issues, "id", ("issues",))
    yield from _unique(scenario.packages, "id", ("packages",))
    for i, issue in enumerate(scenario.issues):
        yield from _party(scenario, issue.controlled_by, ("issues", i, "controlled_by"))
        if issue.unit == "%":  # tariff rates and other percentages
            if issue.range is not None and not (0 <= issue.range[0] and issue.range[1] <= 100):
                yield (
                    ("issues", i, "range"),
                    (f"a rate in % must lie in [0, 100], got [{issue.range[0]}, {issue.range[1]}]"),
                )
            for k, level in enumerate(issue.levels or ()):
                if not 0 <= level.value <= 100:
                    yield (
                        ("issues", i, "levels", k, "value"),
                        (f"a rate in % must lie in [0, 100], got {level.value}"),
                    )

    # disagreement: every issue set, valid values, dated changes
    dis = scenario.disagreement
    yield from settings_problems(scenario, dis.outcome, ("disagreement", "outcome"))
    for issue in scenario.issues:
        if issue.id not in dis.outcome:
            yield ("disagreement", "outcome"), f"issue {issue.id!r} is not set"
    yield from party_key_problems(scenario, dis.adjustments, ("disagreement", "adjustments"))
    for j, change in enumerate(dis.changes):
        loc = ("disagreement", "changes", j)
        yield from settings_problems(scenario, change.outcome, (*loc, "outcome"))
        yield from party_key_problems(scenario, change.adjustments, (*loc, "adjustments"))

    # payoffs
    n = len(scenario.parties)
    if scenario.payoffs.model == "trade" and n > 2:
        yield (
            ("payoffs", "model"),
            f"the trade payoff model values two-party trade (importer and exporter); this "
            f"scenario has {n} parties ({', '.join(scenario.party_codes)}): use model: linear",
        )
    elif scenario.payoffs.model == "trade":
        yield from _trade_payoffs(scenario, scenario.payoffs)
    else:
        yield from _linear_payoffs(scenario, scenario.payoffs)

    # packages
    ids = {p.id for p in scenario.packages}
    for i, pkg in enumerate(scenario.packages):
        loc = ("packages", i)
        yield from settings_problems(scenario, pkg.settings, (*loc, "settings"))
        yield from _party(scenario, pkg.offered_by, (*loc, "offered_by"))
        for j, inc in enumerate(pkg.includes):
            if inc not in ids:
                yield (*loc, "includes", j), f"no package {inc!r}{did_you_mean(inc, ids)}"
    yield from _package_cycles(scenario)

    # calendar
    cal = scenario.calendar
    for i, rnd in enumerate(cal.rounds):
        yield from _party(scenario, rnd.proposer, ("calendar", "rounds", i, "proposer"))
        if i and rnd.date < cal.rounds[i - 1].date:
            yield (
                ("calendar", "rounds", i, "date"),
                (f"rounds must be in date order: {rnd.date} comes after {cal.rounds[i - 1].date}"),
            )
    if cal.rounds:
        first = min(r.date for r in cal.rounds)
        for i, dl in enumerate(cal.deadlines):
            if dl.date < first:
                yield (
                    ("calendar", "deadlines", i, "date"),
                    (f"deadline {dl.label!r} ({dl.date}) falls before the first round ({first})"),
                )
    yield from party_key_problems(scenario, cal.discount_rate, ("calendar", "discount_rate"))

    # models: each model checks the references its own options make
    from sim import registry

    models = scenario.models
    for name in models.selected():
        for message in model_party_problems(scenario, [name]):
            yield ("models", name), message
        check = getattr(registry.model(name), "check", None)
        if check is not None:
            for loc, message in check(scenario, getattr(models, name)):
                yield ("models", name, *loc), message


def model_party_problems(scenario: Scenario, names) -> list[str]:
    """One sentence per model in ``names`` that cannot run with the scenario's parties.

    Each model says how many parties it takes (``PARTIES`` in its file; default two).
    """
    from sim import registry

    n = len(scenario.parties)
    wide = [m for m in registry.MODELS if registry.parties(m)[1] > 2]
    out = []
    for name in names:
        lo, hi = registry.parties(name)
        if not lo <= n <= hi:
            need = "exactly two parties" if (lo, hi) == (2, 2) else f"{lo} to {hi} parties"
            out.append(
                f"model {name!r} needs {need}; this scenario has {n} "
                f"({', '.join(scenario.party_codes)}): only "
                f"{', '.join(repr(m) for m in wide)} takes more"
            )
    return out


def _linear_payoffs(scenario: Scenario, pay: LinearPayoffs) -> Found:
    issues = {i.id: i for i in scenario.issues}
    yield from party_key_problems(scenario, pay.parties, ("payoffs", "parties"))
    for code in scenario.party_codes:
        if code not in pay.parties:
            yield ("payoffs", "parties"), f"no preferences given for party {code!r}"
    for code, values in pay.parties.items():
        for issue_id, spec in values.items():
            loc = ("payoffs", "parties", code, issue_id)
            if issue_id not in issues:
                yield loc, f"no issue {issue_id!r}{did_you_mean(issue_id, issues)}"
            else:
                yield from _issue_value(issues[issue_id], spec, loc)


def _issue_ref(scenario: Scenario, issue_id: str, loc: Loc, *, kinds: tuple[str, ...]) -> Found:
    ids = [i.id for i in scenario.issues]
    if issue_id not in ids:
        yield loc, f"no issue {issue_id!r}{did_you_mean(issue_id, ids)} (issues: {', '.join(ids)})"
        return
    kind = scenario.issue(issue_id).kind
    if kind not in kinds:
        yield loc, f"issue {issue_id!r} is {kind}; this needs a {' or '.join(kinds)} issue"


def _trade_payoffs(scenario: Scenario, pay: TradePayoffs) -> Found:
    """Sectors, concessions and weights of ``payoffs: {model: trade}`` name real things."""
    base: Loc = ("payoffs",)
    for name, sector in pay.sectors.items():
        loc = (*base, "sectors", name)
        yield from _issue_ref(scenario, sector.issue, (*loc, "issue"), kinds=("continuous",))
        yield from _party(scenario, sector.importer, (*loc, "importer"))
        yield from _party(scenario, sector.exporter, (*loc, "exporter"))
    any_kind = ("continuous", "discrete", "binary")
    for name, c in pay.concessions.items():
        loc = (*base, "concessions", name)
        yield from _issue_ref(scenario, c.issue, (*loc, "issue"), kinds=any_kind)
        if isinstance(c, PurchaseConcession):
            yield from _party(scenario, c.buyer, (*loc, "buyer"))
            yield from _party(scenario, c.seller, (*loc, "seller"))
            if c.max_extra_mt is not None and c.issue in {i.id for i in scenario.issues}:
                top = max(scenario.issue(c.issue).numeric_values()) * c.mt_per_unit.value
                if top > c.max_extra_mt.value + 1e-12:
                    yield (
                        (*loc, "max_extra_mt"),
                        f"issue {c.issue!r} allows {top:g} Mt/yr extra, above max_extra_mt "
                        f"= {c.max_extra_mt.value:g}",
                    )
        else:
            yield from party_key_problems(scenario, c.gains, (*loc, "gains"))
    if pay.precedent is not None:
        yield from _party(scenario, pay.precedent.giver, (*base, "precedent", "giver"))
    for code, w in pay.weights.items():
        loc = (*base, "weights", code)
        yield from _party(scenario, code, loc)
        for k, e in enumerate(w.election_premium):
            eloc = (*loc, "election_premium", k)
            if e.levels is None:
                yield from _issue_ref(scenario, e.issue, (*eloc, "issue"), kinds=("continuous",))
                continue
            yield from _issue_ref(scenario, e.issue, (*eloc, "issue"), kinds=("discrete", "binary"))
            if e.issue in {i.id for i in scenario.issues}:
                labels = [lv.label for lv in scenario.issue(e.issue).level_list()]
                for j, label in enumerate(e.levels):
                    if label not in labels:
                        yield (
                            (*eloc, "levels", j),
                            f"issue {e.issue!r} has no level {label!r} "
                            f"(levels: {', '.join(labels)})",
                        )


def _package_cycles(scenario: Scenario) -> Found:
    """Packages whose ``includes`` lead back to themselves, naming the cycle."""
    graph = {p.id: p.includes for p in scenario.packages}
    for i, pkg in enumerate(scenario.packages):
        stack: list[tuple[str, tuple[str, ...]]] = [(inc, (pkg.id, inc)) for inc in pkg.includes]
        seen: set[str] = set()
        while stack:
            nxt, path = stack.pop()
            if nxt == pkg.id:
                yield (
                    ("packages", i, "includes"),
                    ("packages include each other in a cycle: " + " -> ".join(path)),
                )
                break
            if nxt in seen:
                continue
            seen.add(nxt)
            stack.extend((inc, (*path, inc)) for inc in graph.get(nxt, ()))


def iter_sources(node: Any, loc: Loc = ()) -> Iterator[tuple[Loc, str]]:
    """Every ``source`` and ``context`` field set anywhere in a (pydantic) value (both must
    be fact ids), with its location."""
    if isinstance(node, BaseModel):
        for name in type(node).model_fields:
            value = getattr(node, name)
            if name in ("source", "context") and isinstance(value, str):
                yield (*loc, name), value
            else:
                yield from iter_sources(value, (*loc, name))
    elif isinstance(node, dict):
        for key, value in node.items():
            yield from iter_sources(value, (*loc, key))
    elif isinstance(node, tuple | list):
        for i, value in enumerate(node):
            yield from iter_sources(value, (*loc, i))


def _citations(scenario: Scenario, base_dir: Path) -> Found:
    from sim.facts import scenario_facts
    from sim.inputs import allowed_roots, outside_reach

    path = (base_dir / scenario.facts) if scenario.facts else None
    if path is not None:
        far = outside_reach(path, allowed_roots(base_dir / "scenario"))
        if far:
            yield ("facts",), f"{scenario.facts} {far}"
            return
    try:
        digest = scenario_facts(path)
    except (OSError, ValueError) as exc:
        yield ("facts",), f"cannot load the fact digest: {exc}"
        return
    known = set(digest.ids)
    where = (
        f"{scenario.facts}, added to the project's seeds/facts.yaml"
        if scenario.facts
        else "the project's seeds/facts.yaml"
    )
    for loc, fact_id in iter_sources(scenario):
        if fact_id not in known:
            hint = did_you_mean(fact_id, known)
            yield loc, f"cites fact {fact_id!r}, which is not in the fact digest ({where}){hint}"


def did_you_mean(word: str, choices) -> str:
    """``" (did you mean 'car_tariff'?)"`` for the nearest of ``choices``, or ``""``."""
    others = sorted({str(c) for c in choices} - {str(word)})
    near = difflib.get_close_matches(str(word), others, n=1, cutoff=0.75)
    return f" (did you mean {near[0]!r}?)" if near else ""


def check_references(scenario: Scenario, *, base_dir: Path) -> list[tuple[Loc, str]]:
    """All cross-reference problems of a structurally valid scenario."""
    found = list(_structure(scenario))
    found.extend(_citations(scenario, base_dir))
    found.extend(check_uncertainty(scenario))
    return found
