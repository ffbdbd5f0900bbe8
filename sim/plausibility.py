"""Plausibility warnings: numbers that validate but are probably in the wrong unit.

A wrong unit is the commonest modelling error (``car_tariff: 0.25`` for 25 %, a margin of
20 for 20 %, a discount rate of 30 a year).  These checks run on a valid scenario and yield
``(location, message)`` pairs; :func:`with_warnings` turns them into warnings with file and
line (:attr:`sim.scenario.loader.LoadedScenario.warnings`, filled in by :func:`sim.api.load`
and :func:`sim.api.validate`); ``sim validate --strict`` and ``sim run --strict`` make them
errors.

The checks:

* a number that cites a fact (``source:``) whose unit is of another kind than the field's
  (a share citing a fact in %, a tariff citing a fact in $bn), or whose value is about 100
  times (or 1/100 of) the fact's value in the same unit;
* an issue setting (no-deal outcome, dated change, package) or range end of an issue whose
  cited fact is 100 times off;
* a percentage written as a fraction (``base_tariff_pct: 0.025``);
* a discount rate above 1 a year (``delta`` over a month below 0.92);
* a sector whose welfare change at an end of its tariff range is larger than the trade it
  comes from (import value plus domestic supply): an elasticity or value typed wrong.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

from sim.quantity import Quantity
from sim.scenario.schema import Scenario
from sim.scenario.trade_payoffs import TradePayoffs

Loc = tuple[str | int, ...]
Found = Iterator[tuple[Loc, str]]

#: Kinds of unit: a field and the fact it cites must be of the same kind.
_UNIT_KINDS = {
    "%": "percent",
    "pp": "percent",
    "percent": "percent",
    "share": "share",
    "$bn": "money",
    "$m": "money",
    "jpy bn": "money",
    "jpy tn": "money",
    "mt": "mass",
    "t": "mass",
    "kt": "mass",
    "$/t": "price",
    "elasticity": "elasticity",
    "days": "time",
    "minutes": "time",
    "1/yr": "rate",
}

#: Unit of the trade-model fields that are numbers (docs/payoff-model.md).
_TRADE_UNITS = {
    "value": "$bn/yr",
    "domestic_supply_value": "$bn/yr",
    "base_tariff_pct": "%",
    "eps": "elasticity",
    "eta": "elasticity",
    "domestic_supply_elasticity": "elasticity",
    "price_usd_per_t": "$/t",
    "mt_per_unit": "Mt/yr",
    "seller_margin": "share",
    "buyer_premium": "share",
    "base_volume_mt": "Mt",
    "max_extra_mt": "Mt",
}


def normalise_unit(unit: str | None) -> str | None:
    """``"USD bn/yr"`` -> ``"$bn"``: lower case, no ``/yr``, ``usd `` as ``$``."""
    if unit is None:
        return None
    u = unit.strip().lower().replace("usd ", "$").replace("us$", "$")
    for tail in ("/yr", " a year", " per year"):
        u = u.removesuffix(tail)
    return u.strip()


def unit_kind(unit: str | None) -> str | None:
    """The kind of a unit (``percent``, ``share``, ``money``...), None if unknown."""
    u = normalise_unit(unit)
    return _UNIT_KINDS.get(u) if u is not None else None


def hundredfold(value: float, reference: float) -> int:
    """+1 if ``value`` is about 100 times ``reference``, -1 if about 1/100 of it, else 0."""
    if value == 0 or reference == 0 or not math.isfinite(value / reference):
        return 0
    log = math.log10(abs(value / reference))
    if abs(log - 2) < 0.3:
        return 1
    if abs(log + 2) < 0.3:
        return -1
    return 0


def _against_fact(value: float, unit: str | None, fact, what: str) -> str | None:
    """A sentence if ``value`` in ``unit`` does not fit ``fact`` (another unit, 100x off)."""
    field_kind, fact_kind = unit_kind(unit), unit_kind(fact.unit)
    if field_kind and fact_kind and field_kind != fact_kind:
        return (
            f"{what} is in {unit} but its fact {fact.id!r} is in {fact.unit} "
            f"({fact.value:g} {fact.unit}): check the unit (a share is written 0.2 for 20 %)"
        )
    if fact.value is None or normalise_unit(unit) != normalise_unit(fact.unit):
        return None
    off = hundredfold(value, fact.value)
    if off:
        way = "100 times" if off > 0 else "1/100 of"
        return (
            f"{what} = {value:g} is {way} its fact {fact.id!r} ({fact.value:g} {fact.unit}): "
            f"write {fact.unit} as the fact does (25 % is 25, not 0.25)"
        )
    return None


def _derived(q: Quantity, digest) -> bool:
    """The note names another fact: the number is computed from figures (the note says
    how), so its unit may differ from the cited fact's."""
    words = set((q.note or "").replace("(", " ").replace(")", " ").replace(",", " ").split())
    return any(w in digest for w in words - {q.source})


def _quantity(q: Quantity, unit: str | None, digest, loc: Loc, name: str) -> Found:
    if q.source and q.source in digest:
        message = _against_fact(q.value, unit, digest.get(q.source), name)
        if message and "unit" in message and _derived(q, digest):
            return
        if message:
            yield (*loc, "source") if "unit" in message else (*loc, "value"), message


def _trade(pay: TradePayoffs, sc: Scenario, digest) -> Found:
    import numpy as np

    from sim.payoffs.trade import sector_changes

    base: Loc = ("payoffs",)
    for kind, items in (("sectors", pay.sectors), ("concessions", pay.concessions)):
        for name, item in items.items():
            for field, unit in _TRADE_UNITS.items():
                q = getattr(item, field, None)
                if isinstance(q, Quantity):
                    yield from _quantity(q, unit, digest, (*base, kind, name, field), field)
    for name, s in pay.sectors.items():
        loc = (*base, "sectors", name, "base_tariff_pct")
        if 0 < abs(s.base_tariff_pct.value) < 1 and not s.base_tariff_pct.source:
            yield (
                (*loc, "value") if s.base_tariff_pct.range or s.base_tariff_pct.note else loc,
                f"base_tariff_pct = {s.base_tariff_pct.value:g} is a percentage: "
                f"{s.base_tariff_pct.value * 100:g} % is written {s.base_tariff_pct.value * 100:g}",
            )
        ids = [i.id for i in sc.issues]
        if s.issue not in ids or sc.issue(s.issue).range is None:
            continue
        lo, hi = sc.issue(s.issue).range
        b = s.base_tariff_pct.value / 100
        with np.errstate(over="ignore", invalid="ignore"):
            ch = sector_changes(
                (s.base_tariff_pct.value + np.array([lo, hi])) / 100,
                value=s.value.value,
                eps=s.eps.value,
                eta=s.eta.value,
                base_tariff=b,
                domestic_supply_value=s.domestic_supply_value.value,
                domestic_supply_elasticity=s.domestic_supply_elasticity.value,
            )
            importer = ch["buyers"] + ch["revenue"] + ch["domestic_producer_surplus"]
        trade = s.value.value + s.domestic_supply_value.value
        for party, change in ((s.importer, importer), (s.exporter, ch["exporter"])):
            worst = float(np.max(np.abs(np.nan_to_num(change, nan=np.inf))))
            if worst > trade:
                yield (
                    (*base, "sectors", name),
                    f"at the ends of {s.issue!r} ([{lo:g}, {hi:g}]) {party}'s welfare from "
                    f"this sector changes by {worst:.3g} $bn/yr, more than the trade it comes "
                    f"from ({trade:.3g} $bn/yr): check value, the elasticities and "
                    "base_tariff_pct",
                )


def _settings(sc: Scenario) -> Iterator[tuple[Loc, str, object]]:
    """Every issue setting of the scenario, with its location."""
    dis = sc.disagreement
    for issue_id, v in dis.outcome.items():
        yield ("disagreement", "outcome", issue_id), issue_id, v
    for j, ch in enumerate(dis.changes):
        for issue_id, v in ch.outcome.items():
            yield ("disagreement", "changes", j, "outcome", issue_id), issue_id, v
    for i, pkg in enumerate(sc.packages):
        for issue_id, v in pkg.settings.items():
            yield ("packages", i, "settings", issue_id), issue_id, v


def _issues(sc: Scenario, digest) -> Found:
    facts = {}
    for i, issue in enumerate(sc.issues):
        if not (issue.source and issue.source in digest):
            continue
        fact = digest.get(issue.source)
        if fact.value is None:
            continue
        if issue.unit and unit_kind(issue.unit) and unit_kind(fact.unit):
            if unit_kind(issue.unit) != unit_kind(fact.unit):
                yield (
                    ("issues", i, "unit"),
                    f"issue {issue.id!r} is in {issue.unit} but its fact {fact.id!r} is in "
                    f"{fact.unit} ({fact.value:g} {fact.unit})",
                )
                continue
        facts[issue.id] = fact
        for end in issue.range or ():
            message = _against_fact(end, fact.unit, fact, f"the range end of {issue.id!r}")
            if message and end:
                yield ("issues", i, "range"), message
    for loc, issue_id, v in _settings(sc):
        if issue_id in facts and isinstance(v, int | float) and not isinstance(v, bool):
            fact = facts[issue_id]
            message = _against_fact(float(v), fact.unit, fact, issue_id)
            if message:
                yield loc, message


def plausibility_warnings(scenario: Scenario, *, base_dir: Path) -> list[tuple[Loc, str]]:
    """Every plausibility warning of a valid scenario, as ``(location, message)`` pairs."""
    from sim.facts import scenario_facts

    path = (base_dir / scenario.facts) if scenario.facts else None
    try:
        digest = scenario_facts(path)
    except (OSError, ValueError):  # reported as an error by the reference check
        return []
    found = list(_issues(scenario, digest))
    for code, q in scenario.calendar.discount_rate.items():
        loc = ("calendar", "discount_rate", code)
        if q.value > 1:
            found.append(
                (
                    loc,
                    f"a discount rate of {q.value:g} a year is above 1 a year (a month's "
                    f"delta of {math.exp(-q.value / 12):.2f}): rates are yearly, "
                    "e.g. 0.3 for 30 % a year",
                )
            )
    if isinstance(scenario.payoffs, TradePayoffs):
        found.extend(_trade(scenario.payoffs, scenario, digest))
    return found


def with_warnings(loaded):
    """``loaded`` (a :class:`~sim.scenario.loader.LoadedScenario`) with its plausibility
    warnings, each naming file, line and field."""
    import dataclasses

    from sim.errors import Problem, ScenarioError, format_loc
    from sim.scenario.loader import located

    found = plausibility_warnings(loaded.scenario, base_dir=loaded.path.resolve().parent)
    if not found:
        return loaded
    try:
        problems = located(loaded.path, found)
    except ScenarioError:  # the file changed or is gone: name the fields without lines
        problems = [Problem(loaded.path, None, format_loc(loc), m) for loc, m in found]
    return dataclasses.replace(loaded, warnings=tuple(problems))
