"""Each party's best individually rational outcome on the interpolant, for every draw: the
starts from which the batched polish (:mod:`sim.analysis.batch_polish`) finds
Kalai--Smorodinsky's ideal point on the true functions, as
:func:`sim.models._smooth._ideal` does for one draw.

The candidates are those of :func:`sim.bargaining.primitives.ir_candidates` (vertices of
the individually rational pieces of the cells that reach the weak Pareto frontier), built
over draws by :mod:`sim.analysis.batch_axiomatic`; party ``i``'s best is the candidate with
the largest ``u_i`` (Kalai & Smorodinsky 1975, Econometrica 43:513-518).  Where several
distinct outcomes share that largest ``u_i`` the one-draw path's choice depends on the
order of its candidates, so such draws are flagged (``unique`` false) for it.
"""

from __future__ import annotations

import numpy as np

from sim.analysis import batch_axiomatic
from sim.analysis.batch_axiomatic import _Geometry, _ir, _vertex_sums, coordinates
from sim.analysis.batch_maxmin import ideal_picks

__all__ = ["ideal_starts"]


def ideal_starts(sc, values, d: np.ndarray, chunk: int = 16, flat: bool | None = None):
    """Per party ``i``: ``(coords (N, n_issues), u (N, 2), unique (N,))`` -- the outcome
    with the largest ``u_i`` among the individually rational candidates of each draw on the
    interpolant (``d``: ``(N, 2)`` disagreement points), its payoffs, and whether no other
    outcome ties with it.  Draws without candidates get NaN payoffs.  ``flat``: on flat
    arrays by branch and bound (:func:`sim.analysis.batch_maxmin.ideal_picks`; default:
    where :func:`sim.analysis.batch_axiomatic.solve_batch` would), the draws it does not
    settle on the padded geometry."""
    n = values.n
    out = [(np.zeros((n, len(sc.issues))), np.full((n, 2), np.nan), np.zeros(n, bool))
           for _ in (0, 1)]

    def fill(rows, i, combo, xs, u, unique):
        out[i][0][rows] = coordinates(sc.issues, combo, xs)
        out[i][1][rows], out[i][2][rows] = u, unique

    if flat is None:
        flat = _vertex_sums(values) > batch_axiomatic._PLAIN
    if flat:
        picks, again = ideal_picks(values, d)
        for i, pick in enumerate(picks):
            fill(slice(None), i, *pick)
        if again.size:
            redo = ideal_starts(sc, values.take(again), d[again], chunk, flat=False)
            for (coords, u, unique), (c2, u2, q2) in zip(out, redo, strict=True):
                coords[again], u[again], unique[again] = c2, u2, q2
        return out
    for lo in range(0, n, chunk):
        rows = slice(lo, min(n, lo + chunk))
        g = _Geometry(values.take(rows), weak=True)
        pts, ok, _key, combo, xs = _ir(g, d[rows])
        r = np.arange(g.N)
        for i in (0, 1):
            val = np.where(ok, pts[..., i], -np.inf)
            pick = np.argmax(val, axis=1)
            best = val[r, pick]
            tied = ok & (val == best[:, None])
            same = tied & (combo == combo[r, pick][:, None])
            for c in g.cont:
                same &= np.abs(xs[c] - xs[c][r, pick][:, None]) <= 1e-12 * np.maximum(
                    1.0, np.abs(xs[c][r, pick])
                )[:, None]
            found = np.isfinite(best)
            fill(rows, i, combo[r, pick], {c: xs[c][r, pick] for c in g.cont},
                 np.where(found[:, None], pts[r, pick], np.nan),
                 found & (tied == same).all(axis=1))  # fmt: skip
    return out
