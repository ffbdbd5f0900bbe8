"""Cross-reference checks of the dynamic models' options (see :mod:`sim.scenario.references`).

Each check yields ``(location, message)``; the loader adds file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sim.scenario.schema import Scenario

Loc = tuple[str | int, ...]
Found = Iterator[tuple[Loc, str]]


def _party(sc: Scenario, code: str | None, loc: Loc) -> Found:
    if code is not None and code not in sc.party_codes:
        yield loc, f"no party {code!r} (parties: {', '.join(sc.party_codes)})"


def _keys(sc: Scenario, mapping: dict[str, Any] | None, loc: Loc) -> Found:
    for code in mapping or {}:
        yield from _party(sc, code, (*loc, code))


def _setting(sc: Scenario, issue_id: str, value: Any, loc: Loc) -> Found:
    ids = [i.id for i in sc.issues]
    if issue_id not in ids:
        yield loc, f"no issue {issue_id!r} (issues: {', '.join(ids)})"
        return
    try:
        sc.issue(issue_id).coordinate(value)
    except ValueError as exc:
        yield loc, str(exc)


def _private_information(sc: Scenario) -> Found:
    opts = sc.models.private_information
    if opts is None:
        return
    loc: Loc = ("models", "private_information")
    yield from _party(sc, opts.informed, (*loc, "informed"))
    yield from _party(sc, opts.proposer, (*loc, "proposer"))
    if opts.informed is not None and opts.informed == opts.proposer:
        yield (*loc, "proposer"), "the proposer must be the uninformed party, not the informed one"
    if opts.types is not None and opts.uniform is not None:
        yield loc, "give either types or uniform, not both"
    if opts.uniform is not None and not opts.uniform.low < opts.uniform.high:
        yield (*loc, "uniform"), "a uniform prior needs low < high"
    yield from _keys(sc, opts.delta, (*loc, "delta"))


def _two_level(sc: Scenario) -> Found:
    opts = sc.models.two_level
    if opts is None:
        return
    loc: Loc = ("models", "two_level")
    yield from _keys(sc, opts.win_sets, (*loc, "win_sets"))
    yield from _keys(sc, opts.weights, (*loc, "weights"))
    yield from _party(sc, opts.tied_hands, (*loc, "tied_hands"))
    for code, ws in opts.win_sets.items():
        for issue_id, bound in ws.bounds.items():
            bl = (*loc, "win_sets", code, "bounds", issue_id)
            coords = []
            for end in ("min", "max"):
                value = bound.setting(end)
                if value is not None:
                    found = list(_setting(sc, issue_id, value, (*bl, end)))
                    yield from found
                    if not found:
                        coords.append(sc.issue(issue_id).coordinate(value))
            if len(coords) == 2 and coords[0] > coords[1]:
                yield bl, "min lies above max"


def check_dynamic(scenario: Scenario) -> Found:
    """Every reference problem of the dynamic models' options."""
    yield from _private_information(scenario)
    yield from _two_level(scenario)
