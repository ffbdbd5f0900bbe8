"""The trade model compiled to the additive piecewise-linear form the solvers use.

:func:`sim.payoffs.trade_compile.trade_value_functions` gives each party's exact value of each
issue (smooth power functions of the tariff for sectors, linear or per-level for concessions).
The utility-set geometry (docs/dev/architecture.md) needs, for a continuous issue, a
piecewise-linear function: :func:`adaptive_breakpoints` places breakpoints by bisection until
the linear interpolant is within ``tolerance`` ($bn/yr) of every party's true function at the
probe points of every piece, and :func:`compile_trade` builds the
:class:`~sim.payoffs.values.ValueFunctions`.  Discrete and binary issues are exact.

The interpolation error of a twice-differentiable ``f`` on a piece of width ``h`` is at most
``h**2 max|f''| / 8`` (e.g. Burden & Faires, *Numerical Analysis*, 9th ed., Thm 3.3), so the
bisection converges; :func:`interpolation_error` measures the achieved error on a dense grid.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from sim.payoffs.trade_compile import trade_value_functions
from sim.payoffs.values import IssueFunction, ValueFunctions
from sim.scenario.trade_payoffs import TradePayoffs

__all__ = ["adaptive_breakpoints", "compile_trade", "interpolation_error"]

_PROBES = np.array([0.25, 0.5, 0.75])


def adaptive_breakpoints(
    functions: Sequence[Callable[[np.ndarray], np.ndarray]],
    lo: float,
    hi: float,
    *,
    tolerance: float,
    max_points: int = 4097,
) -> np.ndarray:
    """Breakpoints on ``[lo, hi]`` at which every function's interpolant is within tolerance.

    Starts from ``[lo, (lo+hi)/2, hi]`` and halves every piece on which some function differs
    from its chord by more than ``tolerance`` at a quarter, half or three-quarter point.

    Parameters
    ----------
    functions : sequence of vectorised callables
        The true functions (one per party).
    lo, hi : float
        The issue's range.
    tolerance : float
        Largest accepted |f - interpolant| at the probe points.
    max_points : int
        Refuse to refine beyond this many breakpoints (a kink or jump the grid cannot follow).

    Returns
    -------
    ndarray
        Sorted breakpoints, including ``lo`` and ``hi``.
    """
    if not tolerance > 0:
        raise ValueError(f"tolerance must be > 0, got {tolerance}")
    xs = np.linspace(lo, hi, 3)
    while True:
        a, b = xs[:-1], xs[1:]
        probes = a[:, None] + (b - a)[:, None] * _PROBES[None, :]
        err = np.zeros(len(a))
        for f in functions:
            fa, fb = f(a), f(b)
            chord = fa[:, None] + (fb - fa)[:, None] * _PROBES[None, :]
            err = np.maximum(err, np.abs(f(probes) - chord).max(axis=1))
        bad = err > tolerance
        if not bad.any():
            return xs
        if len(xs) + bad.sum() > max_points:
            raise ValueError(
                f"more than {max_points} breakpoints needed on [{lo}, {hi}] for tolerance "
                f"{tolerance}: is the value function discontinuous?"
            )
        xs = np.sort(np.concatenate([xs, 0.5 * (a[bad] + b[bad])]))


def _issue_descriptions(issues) -> dict[str, object]:
    out: dict[str, object] = {}
    for issue in issues:
        if issue.kind == "continuous":
            out[issue.id] = "continuous"
        else:
            levels = {lv.label: lv.value for lv in issue.level_list()}
            out[issue.id] = {"kind": "discrete", "levels": levels}
    return out


def compile_trade(spec: TradePayoffs, issues, parties: tuple[str, ...]) -> ValueFunctions:
    """Compile a ``payoffs: {model: trade}`` section to additive value functions.

    Parameters
    ----------
    spec : TradePayoffs
        The validated section (party and issue names checked against the scenario).
    issues : sequence of sim.scenario.schema.Issue
        The scenario's issues, in order.
    parties : tuple of str
        Party codes, in the order of the payoff columns.  A party the spec never names is
        indifferent to every issue.

    Returns
    -------
    ValueFunctions
        Continuous issues: breakpoints from :func:`adaptive_breakpoints` with
        ``spec.tolerance``, shared by all parties.  Discrete/binary issues: the exact value
        of each level (level value x per-unit value for purchases and lump concessions).
    """
    exact = trade_value_functions(spec, _issue_descriptions(issues))
    zero = {}
    columns: list[list[IssueFunction]] = [[] for _ in parties]
    for issue in issues:
        fns = [exact.get(code, {}).get(issue.id, zero) for code in parties]
        if issue.kind == "continuous":
            assert issue.range is not None
            lo, hi = issue.range
            live = [f for f in fns if callable(f)]
            xs = adaptive_breakpoints(live, lo, hi, tolerance=spec.tolerance)
            for col, f in zip(columns, fns, strict=True):
                vs = f(xs) if callable(f) else np.zeros_like(xs)
                col.append(IssueFunction(xs=xs, vs=np.asarray(vs, dtype=float) + 0.0))
        else:
            labels = [lv.label for lv in issue.level_list()]
            for col, f in zip(columns, fns, strict=True):
                vals = np.array([float(f.get(label, 0.0)) for label in labels]) + 0.0
                col.append(IssueFunction(level_values=vals))
    return ValueFunctions(
        parties=parties,
        functions=tuple(tuple(c) for c in columns),
        unit="$bn/yr",
        notes=(f"trade payoff model; continuous issues interpolated within {spec.tolerance:g}",),
        smooth=smooth_functions(spec, issues, parties, exact),
    )


def smooth_functions(spec: TradePayoffs, issues, parties: tuple[str, ...], exact=None):
    """The true value functions the interpolant approximates, for
    :attr:`sim.payoffs.values.ValueFunctions.smooth`: per party, per issue, the
    :class:`~sim.payoffs.trade_compile.IssueValue` of a continuous issue whose value is not
    linear, else None; None when there is none or ``spec.refine`` is false."""
    if not spec.refine:
        return None
    if exact is None:
        exact = trade_value_functions(spec, _issue_descriptions(issues))

    def true(code, issue):
        f = exact.get(code, {}).get(issue.id)
        return f if issue.kind == "continuous" and callable(f) and not f.linear else None

    rows = tuple(tuple(true(code, issue) for issue in issues) for code in parties)
    if any(f is not None and not f.smooth_ready for row in rows for f in row):
        return None
    return rows if any(f is not None for row in rows for f in row) else None


def interpolation_error(
    spec: TradePayoffs, issues, parties: tuple[str, ...], *, points: int = 10_001
) -> dict[str, float]:
    """Largest |true - compiled| value ($bn/yr) of each continuous issue over all parties,
    measured on ``points`` evenly spaced values of its range."""
    exact = trade_value_functions(spec, _issue_descriptions(issues))
    compiled = compile_trade(spec, issues, parties)
    out: dict[str, float] = {}
    for j, issue in enumerate(issues):
        if issue.kind != "continuous":
            continue
        xs = np.linspace(*issue.range, points)
        err = 0.0
        for i, code in enumerate(parties):
            f = exact.get(code, {}).get(issue.id)
            if callable(f):
                err = max(err, float(np.abs(f(xs) - compiled.functions[i][j](xs)).max()))
        out[issue.id] = err
    return out
