"""How one outcome's trade-model payoff is built up: a table per party, item and component.

This is what ``sim explain`` shows: every additive piece of each government's objective at the
given outcome (welfare components, political weights, election premia, and memo rows that
decompose the same welfare differently), each with its inputs and their sources, so that an
analyst can recompute a number by hand from ``docs/payoff-model.md``.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from sim.payoffs.breakdown import ExplainedOutcome, ExplainRow
from sim.payoffs.trade_compile import issue_pieces, normalise_issue
from sim.scenario.trade_payoffs import TradePayoffs

__all__ = ["explain"]


def explain(
    spec: TradePayoffs,
    outcome: Mapping[str, float | str],
    *,
    issues: Mapping[str, object] | None = None,
    label: str = "outcome",
) -> ExplainedOutcome:
    """Break the trade-model payoff of ``outcome`` down by party, item and component.

    Parameters
    ----------
    spec : TradePayoffs
        The validated ``payoffs`` section.
    outcome : mapping issue id -> value
        A number in the issue's units (tariff in %, volume in Mt/yr, 0/1 for a binary issue)
        or, if ``issues`` is given, a level name of a discrete/binary issue.  Every issue the
        spec reads must be present.
    issues : mapping issue id -> issue description, optional
        Needed to translate level names (see :func:`~sim.payoffs.trade_compile.normalise_issue`).
    label : str, optional
        The outcome's name in tables.

    Returns
    -------
    ExplainedOutcome
        Rows in the order: sectors, concessions, election premia (as in the spec).

    Examples
    --------
    >>> from sim.scenario.trade_payoffs import TradePayoffs
    >>> spec = TradePayoffs.model_validate({"sectors": {"cars": {
    ...     "issue": "car_tariff", "importer": "us", "exporter": "japan",
    ...     "value": 43.58, "eps": 3.8, "eta": 10.0, "base_tariff_pct": 2.5}}})
    >>> ex = explain(spec, {"car_tariff": 25.0})
    >>> {p: round(t["welfare"], 3) for p, t in ex.totals().items()}
    {'us': -0.61, 'japan': -1.916}
    """
    missing = [i for i in spec.issues() if i not in outcome]
    if missing:
        raise ValueError(f"the outcome gives no value for issues {missing}")
    resolved: dict[str, tuple[float, str | None]] = {}
    for issue_id in spec.issues():
        v = outcome[issue_id]
        if isinstance(v, str):
            desc = None if issues is None else issues.get(issue_id)
            if desc is None:
                raise ValueError(f"{issue_id}={v!r} is a level name: pass issues= to resolve it")
            _, levels = normalise_issue(desc)
            if levels is None or v not in levels:
                raise ValueError(f"{issue_id} has no level {v!r}")
            resolved[issue_id] = (levels[v], v)
        else:
            level = None
            if issues is not None and issue_id in issues:
                _, levels = normalise_issue(issues[issue_id])
                if levels is not None:
                    level = next((k for k, x in levels.items() if x == float(v)), None)
            resolved[issue_id] = (float(v), level)
    rows = []
    for issue_id, pieces in issue_pieces(spec).items():
        x, level = resolved[issue_id]
        names = None if level is None else np.asarray([level], dtype=object)
        for p in pieces:
            value = float(p.evaluate(np.asarray([x]), names)[0]) + 0.0  # no -0.0
            rows.append(
                ExplainRow(
                    p.party, p.item, issue_id, x, level, p.component, p.kind, value, p.inputs
                )
            )
    order = {name: k for k, name in enumerate([*spec.sectors, *spec.concessions])}
    rows.sort(key=lambda r: order.get(r.item, len(order)))
    return ExplainedOutcome(label, {k: outcome[k] for k in spec.issues()}, tuple(rows))
