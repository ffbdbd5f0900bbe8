"""Putnam's two-level game (``two_level``) over many draws: only what the record holds.

Per draw, :func:`sim.models.two_level.run` spends most of its time on results that are not
scalars, so not in a record (:meth:`sim.results.model.ModelResult.to_record`): the
candidate outcomes' payoffs (up to :data:`sim.space.MAX_GRID` of them) for the win-set
statistics and the map, the tied-hands sweep (``steps`` more restricted Nash solves), the
deal without ratification (the cells of the whole utility set).  The record needs the
ratifiable deal, the number of candidates and the no-deal point.  Here the no-deal points
come from the batch-compiled payoffs for all draws at once, the candidates are counted
(:func:`sim.models.two_level.candidate_count`), and each draw's deal is the model's own
exact solve over the outcomes within its win-sets' bounds
(:func:`sim.models.two_level.solve_exact`) on its batch-compiled value functions
(:func:`sim.models.two_level.deal_record`), the restricted sets of ``CHUNK`` draws reduced
together (:meth:`sim.space.OutcomeSpace.restricted_cells_batch`).  The model's drawn
options (bounds, minimum gains, weights) are patched into its options alone, not into the
scenario.
"""

from __future__ import annotations

from sim.analysis.batch_dynamic import _ADJUSTMENT
from sim.analysis.parameters import patch_scenario

__all__ = ["two_level_batch"]

_PREFIX = "models.two_level."
#: Draws whose restricted utility sets are reduced together.
CHUNK = 64


def _readable(arrays: dict) -> bool:
    """Whether every drawn number that can change the record is read: payoffs (compiled
    over draws), no-deal adjustments, the model's own options (calendar numbers and other
    models' options cannot change it)."""
    return all(
        p.startswith(("payoffs.", "calendar.", _PREFIX))
        or (p.startswith("models.") and not p.startswith(_PREFIX))
        or _ADJUSTMENT.fullmatch(p)
        for p in arrays
    )


def two_level_batch(sc, values, arrays: dict, disagreement, options) -> list:
    """Records of ``two_level`` for every draw (module docstring); all None (the per-draw
    path) when a drawn number is one this does not read or the scenario has not two parties.

    The parameters are those of :func:`sim.analysis.batch_dynamic.rubinstein_batch` (the
    base scenario, the batch-compiled payoffs, the drawn columns, ``disagreement(at)``),
    with ``options`` the model's :class:`sim.models.two_level.Options`.
    """
    from sim.models.two_level import deal_record, restricted_cache, win_set_bounds
    from sim.space import OutcomeSpace

    n = values.n
    if len(sc.party_codes) != 2 or not _readable(arrays):
        return [None] * n
    d = disagreement(options.disagreement_at)
    own = {p[len(_PREFIX) :]: v for p, v in arrays.items() if p.startswith(_PREFIX)}
    recs = []
    for k in range(0, n, CHUNK):
        rows = range(k, min(k + CHUNK, n))
        opts = [patch_scenario(options, {p: v[r] for p, v in own.items()}) for r in rows]
        spaces = [OutcomeSpace(sc, values.draw(r)) for r in rows]
        bounds = [win_set_bounds(s, o) for s, o in zip(spaces, opts, strict=True)]
        cells = OutcomeSpace.restricted_cells_batch(spaces, bounds)
        for r, s, o, b, c in zip(rows, spaces, opts, bounds, cells, strict=True):
            recs.append(deal_record(s, o, d[r], cache=restricted_cache(*b, c)))
    return recs
