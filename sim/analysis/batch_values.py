"""Additive value functions of many draws of one scenario, as padded arrays.

The contract of docs/dev/architecture.md, stacked over draws: for a continuous issue ``j``
the piecewise-linear function of every party in draw ``n`` has breakpoints
``xs[n, :count[n]]`` and values ``vs[:, n, :count[n]]`` (padded by repeating the last
breakpoint); for a discrete or binary issue, a value per level ``levels[:, n, :]``.

Trade payoffs are compiled by :func:`adaptive_breakpoints_batch`, the bisection of
:func:`sim.payoffs.trade_values.adaptive_breakpoints` run for all draws in lockstep: the
breakpoints of a draw are exactly those the per-draw compiler places (same probes, same
midpoints, same tolerance test; Burden & Faires, *Numerical Analysis*, 9th ed., Thm 3.3
bounds the chord error by ``h**2 max|f''| / 8``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from sim.analysis.batch_trade import Params, trade_issue_evaluators

__all__ = ["BatchedValues", "adaptive_breakpoints_batch", "compile_batch"]

_PROBES = np.array([0.25, 0.5, 0.75])


def adaptive_breakpoints_batch(
    evaluate, lo: float, hi: float, n: int, *, tolerance, max_points: int = 4097
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Breakpoints of ``n`` draws at once, and the values there (see the module docstring).

    Each point is evaluated once: a piece's ends are its parent's end or midpoint, and its
    half-way probe is its parent's quarter or three-quarter probe, whose values are kept when
    the two numbers are equal bit for bit (always for dyadic ranges; otherwise the point is
    evaluated).  ``evaluate`` is elementwise in ``x``, so a point's value does not depend on
    the batch it is evaluated in.

    Parameters
    ----------
    evaluate : callable ``(x (M, q), rows (M,)) -> (P, M, q)``
    lo, hi : float
    n : int
        Number of draws.
    tolerance : float or (n,) array

    Returns
    -------
    xs : (n, m) array, padded with ``hi``; vs : (P, n, m) array, ``evaluate`` at ``xs``;
    count : (n,) int array
    """
    tol = np.broadcast_to(np.asarray(tolerance, dtype=float), (n,))
    x0 = np.linspace(lo, hi, 3)
    rows = np.repeat(np.arange(n), 2)
    a, b = np.tile(x0[:-1], n), np.tile(x0[1:], n)
    px = _probes(a, b)
    f = evaluate(np.column_stack([a, b, *px]), rows)
    fa, fb, fp = f[..., 0], f[..., 1], (f[..., 2], f[..., 3], f[..., 4])
    f_hi = fb[:, 1::2]
    count = np.full(n, 3)
    done_a, done_rows, done_f = [], [], []
    while rows.size:
        slope = fb - fa
        err = np.abs(fp[0] - (fa + slope * _PROBES[0]))
        for q in (1, 2):
            np.maximum(err, np.abs(fp[q] - (fa + slope * _PROBES[q])), out=err)
        bad = err.max(axis=0) > tol[rows]
        count += np.bincount(rows[bad], minlength=n)
        if (count > max_points).any():
            raise ValueError(
                f"more than {max_points} breakpoints needed on [{lo}, {hi}]: is the value "
                "function discontinuous?"
            )
        good, bad = np.flatnonzero(~bad), np.flatnonzero(bad)
        done_a.append(a[good])
        done_rows.append(rows[good])
        done_f.append(fa[:, good])
        a, b, rows, px, fa, fb, fp = _halve(
            evaluate,
            a[bad],
            b[bad],
            rows[bad],
            tuple(x[bad] for x in px),
            fa[:, bad],
            fb[:, bad],
            tuple(v[:, bad] for v in fp),
        )
    pa, pr, pf = np.concatenate(done_a), np.concatenate(done_rows), np.concatenate(done_f, 1)
    order = np.lexsort((pa, pr))
    pa, pr, pf = pa[order], pr[order], pf[:, order]
    m = int(count.max())
    xs = np.full((n, m), float(hi))
    vs = np.repeat(f_hi[:, :, None], m, axis=2)
    start = np.concatenate([[0], np.cumsum(count - 1)[:-1]])
    col = np.arange(pa.size) - start[pr]
    xs[pr, col] = pa
    vs[:, pr, col] = pf
    return xs, vs, count


def _probes(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, ...]:
    """The quarter, half and three-quarter points of the pieces ``[a, b]``."""
    d = b - a
    return tuple(a + d * q for q in _PROBES)


def _halve(evaluate, a, b, rows, px, fa, fb, fp):
    """The two halves of each piece ``[a, b]`` (left halves first) with their probes ``px``
    and the values at their ends ``fa``, ``fb`` (P, M) and probes ``fp`` (three (P, M)): the
    values the parent pieces have are kept (see :func:`adaptive_breakpoints_batch`), the
    others evaluated."""
    mid = 0.5 * (a + b)
    a2, b2, rows2 = np.concatenate([a, mid]), np.concatenate([mid, b]), np.concatenate([rows, rows])
    px2 = _probes(a2, b2)
    # the child's half-way probe is the parent's quarter (left) or three-quarter (right) probe
    known = px2[1] == np.concatenate([px[0], px[2]])
    f_half = np.concatenate([fp[0], fp[2]], axis=1)
    f = evaluate(np.column_stack([px2[0], px2[2]]), rows2)  # the quarter points
    f_mid = fp[1]
    half, mids = np.flatnonzero(~known), np.flatnonzero(mid != px[1])
    if half.size or mids.size:  # the points not evaluated yet (ranges that are not dyadic)
        x = np.concatenate([px2[1][half], mid[mids]])
        g = evaluate(x[:, None], np.concatenate([rows2[half], rows[mids]]))[..., 0]
        f_mid = f_mid.copy()
        f_half[:, half], f_mid[:, mids] = g[:, : half.size], g[:, half.size :]
    fa2 = np.concatenate([fa, f_mid], axis=1)
    fb2 = np.concatenate([f_mid, fb], axis=1)
    return a2, b2, rows2, px2, fa2, fb2, (f[..., 0], f_half, f[..., 1])


@dataclass(frozen=True)
class BatchedValues:
    """Value functions of ``n`` draws (see the module docstring).

    Attributes
    ----------
    parties : tuple of str
    issues : tuple of Issue
    n : int
    xs, vs, count : dict issue index -> arrays (continuous issues)
    levels : dict issue index -> (P, n, L) array (discrete and binary issues)
    unit : str
    """

    parties: tuple[str, ...]
    issues: tuple
    n: int
    xs: dict[int, np.ndarray]
    vs: dict[int, np.ndarray]
    count: dict[int, np.ndarray]
    levels: dict[int, np.ndarray]
    unit: str

    def evaluate(self, coords: np.ndarray) -> np.ndarray:
        """Payoffs ``(n, P)`` of one outcome per draw, ``coords`` of shape ``(n, m)`` or
        ``(m,)`` (the compiled piecewise-linear functions, as ``np.interp``)."""
        coords = np.broadcast_to(np.asarray(coords, dtype=float), (self.n, len(self.issues)))
        rows = np.arange(self.n)
        out = np.zeros((self.n, len(self.parties)))
        for j in range(len(self.issues)):
            if j in self.levels:
                out += self.levels[j][:, rows, coords[:, j].astype(np.intp)].T
            else:
                out += interp_rows(coords[:, j], self.xs[j], self.vs[j], self.count[j]).T
        return out

    def take(self, rows: slice | np.ndarray) -> BatchedValues:
        """The draws ``rows`` (a slice or an array of indices) as a smaller batch."""
        n = len(range(*rows.indices(self.n))) if isinstance(rows, slice) else len(rows)
        xs = {j: v[rows] for j, v in self.xs.items()}
        count = {j: v[rows] for j, v in self.count.items()}
        m = {j: int(c.max()) if n else 0 for j, c in count.items()}
        return BatchedValues(
            self.parties,
            self.issues,
            n,
            {j: v[:, : m[j]] for j, v in xs.items()},
            {j: v[:, rows, : m[j]] for j, v in self.vs.items()},
            count,
            {j: v[:, rows] for j, v in self.levels.items()},
            self.unit,
        )

    def draw(self, n: int):
        """The :class:`~sim.payoffs.values.ValueFunctions` of draw ``n``."""
        from sim.payoffs.values import IssueFunction, ValueFunctions

        funcs = []
        for i in range(len(self.parties)):
            row = []
            for j in range(len(self.issues)):
                if j in self.levels:
                    row.append(IssueFunction(level_values=self.levels[j][i, n].copy()))
                else:
                    c = self.count[j][n]
                    row.append(
                        IssueFunction(xs=self.xs[j][n, :c].copy(), vs=self.vs[j][i, n, :c].copy())
                    )
            funcs.append(tuple(row))
        return ValueFunctions(parties=self.parties, functions=tuple(funcs), unit=self.unit)


def interp_rows(x: np.ndarray, xs: np.ndarray, vs: np.ndarray, count: np.ndarray) -> np.ndarray:
    """``np.interp(x[n], xs[n], vs[i, n])`` for every draw ``n`` and party ``i``: (P, n)."""
    rows = np.arange(len(x))
    j = np.clip((xs <= x[:, None]).sum(axis=1) - 1, 0, count - 2)
    x0, x1 = xs[rows, j], xs[rows, j + 1]
    f0, f1 = vs[:, rows, j], vs[:, rows, j + 1]
    with np.errstate(divide="ignore", invalid="ignore"):
        val = (f1 - f0) / (x1 - x0) * (x - x0) + f0
    return np.where(x == x1, f1, np.where(x == x0, f0, val))


def compile_batch(scenario, params: Params) -> BatchedValues:
    """Compile the payoffs of every draw (linear or trade model) to :class:`BatchedValues`."""
    spec = scenario.payoffs
    parties, issues, n = scenario.party_codes, scenario.issues, params.n
    xs, vs, count, levels = {}, {}, {}, {}
    if spec.model == "trade":
        evals = trade_issue_evaluators(spec, issues, parties, params)
        for key in list(params.arrays):
            if key.startswith("payoffs.concessions.") and key.endswith(
                (".base_volume_mt", ".max_extra_mt")
            ):
                params.used.add(key)  # bounds only: checked, no effect on values
        tol = spec.tolerance
        if "payoffs.tolerance" in params.arrays:
            tol = params.get("payoffs.tolerance", tol)
        rows = np.arange(n)
        for j, issue in enumerate(issues):
            f = evals[issue.id]
            if issue.kind == "continuous":
                lo, hi = issue.range
                xs[j], vs[j], count[j] = adaptive_breakpoints_batch(f, lo, hi, n, tolerance=tol)
                vs[j] += 0.0
            else:
                lv = issue.level_list()
                names = np.asarray([v.label for v in lv], dtype=object)
                x = np.broadcast_to(np.array([v.value for v in lv], dtype=float), (n, len(lv)))
                levels[j] = f(x, rows, names) + 0.0
        unit = "$bn/yr"
    else:
        for j, issue in enumerate(issues):
            if issue.kind == "continuous":
                lo, hi = issue.range
                rows_xs, rows_vs = [], []
                for p in parties:
                    val = spec.parties.get(p, {}).get(issue.id)
                    if val is not None and val.points is not None:
                        pts = np.asarray(val.points, dtype=float)
                        rows_xs.append(pts[:, 0])
                        rows_vs.append(np.broadcast_to(pts[:, 1], (n, len(pts))))
                    else:
                        x = np.array([lo, hi], dtype=float)
                        coef = (
                            0.0
                            if val is None
                            else params.get(f"payoffs.parties.{p}.{issue.id}.linear", val.linear)
                        )
                        rows_xs.append(x)
                        rows_vs.append(np.asarray(coef).reshape(-1, 1) * x + np.zeros((n, 1)))
                # per-party breakpoints: merge on a common grid (np.interp is exact there)
                grid = np.unique(np.concatenate(rows_xs))
                xs[j] = np.broadcast_to(grid, (n, len(grid))).copy()
                count[j] = np.full(n, len(grid))
                vs[j] = np.stack(
                    [
                        pv[:, :1] + (pv[:, 1:] - pv[:, :1]) * (grid - lo) / (hi - lo)
                        if len(px) == 2 and px[0] == lo and px[1] == hi
                        else np.broadcast_to(np.interp(grid, px, pv[0]), (n, len(grid)))
                        for px, pv in zip(rows_xs, rows_vs, strict=True)
                    ]
                )
            else:
                labels = [lv.label for lv in issue.level_list()]
                vals = np.zeros((len(parties), n, len(labels)))
                for i, p in enumerate(parties):
                    val = spec.parties.get(p, {}).get(issue.id)
                    for label, q in (val.levels or {}).items() if val is not None else ():
                        path = f"payoffs.parties.{p}.{issue.id}.levels.{label}"
                        vals[i, :, labels.index(label)] = params.get(path, q)
                levels[j] = vals
        unit = spec.unit
    return BatchedValues(parties, issues, n, xs, vs, count, levels, unit)
