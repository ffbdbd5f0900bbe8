"""Hand-typed additive preferences (``payoffs: {model: linear}``) compiled to value functions."""

from __future__ import annotations

import numpy as np

from sim.payoffs.values import IssueFunction, ValueFunctions
from sim.scenario.schema import Issue, IssueValue, LinearPayoffs


def _issue_function(issue: Issue, spec: IssueValue | None) -> IssueFunction:
    if issue.kind != "continuous":
        n = len(issue.level_list())
        values = np.zeros(n)
        if spec is not None and spec.levels is not None:
            labels = [lv.label for lv in issue.level_list()]
            for label, q in spec.levels.items():
                values[labels.index(label)] = q.value
        return IssueFunction(level_values=values)
    assert issue.range is not None
    lo, hi = issue.range
    if spec is None:
        return IssueFunction(xs=np.array([lo, hi]), vs=np.zeros(2))
    if spec.linear is not None:
        xs = np.array([lo, hi], dtype=float)
        return IssueFunction(xs=xs, vs=spec.linear.value * xs)
    assert spec.points is not None
    pts = np.asarray(spec.points, dtype=float)
    return IssueFunction(xs=pts[:, 0].copy(), vs=pts[:, 1].copy())


def compile_linear(
    spec: LinearPayoffs, issues: tuple[Issue, ...], parties: tuple[str, ...]
) -> ValueFunctions:
    """Compile linear / piecewise-linear / per-level preferences.

    Parameters
    ----------
    spec : LinearPayoffs
        The scenario's ``payoffs`` section (validated: issues and levels exist).
    issues : tuple of Issue
        The scenario's issues, in order.
    parties : tuple of str
        Party codes, in order.

    Returns
    -------
    ValueFunctions
    """
    functions = tuple(
        tuple(_issue_function(issue, spec.parties.get(code, {}).get(issue.id)) for issue in issues)
        for code in parties
    )
    return ValueFunctions(parties=parties, functions=functions, unit=spec.unit)
