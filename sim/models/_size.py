"""Sizes of models, estimated from the scenario before anything is built.

A model file may define ``size(scenario, options)`` returning a tuple of :class:`Size`
(see :mod:`sim.registry`): how large the arrays it would build are, the limit above which
``sim validate`` and ``sim run`` refuse the scenario (exit status 2, naming the model, the
size, the limit and what to change) instead of allocating what the machine cannot hold.
The estimators here are shared by several models; a model's own estimator lives in its
file (``sim/models/strategic.py``, ``sim/models/game_tree.py``).

The limits are set for a 2-core, few-GB machine: each keeps a model's largest arrays under
about 1 GB (the per-item costs are in the constants' comments).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: Most candidate outcomes of the two-level model's win-set map.  Measured: 614,656
#: candidates of 4 continuous issues peak at 0.93 GB (benchmarks/bench_scale.py, k=4, n=0),
#: about 1.2 KB each with the win-set masks and the map, so 1e6 stays under 2 GB.
MAX_CANDIDATES = 1_000_000


@dataclass(frozen=True)
class Size:
    """One estimated size of a model.

    Attributes
    ----------
    what : str
        What is counted, e.g. ``"strategy profiles"``.
    count : int
        The estimate (exact where it is a product of counts).
    limit : int
        Above this the model is refused.
    change : str
        What to change in the scenario to bring ``count`` under ``limit``.
    loc : tuple
        Location in the scenario file of what sets the size (e.g. ``("issues",)`` or
        ``("models", "strategic", "players", "US", "grid")``).
    detail : str
        How the count is made up (e.g. ``"3 x 1,025 strategies"``).
    """

    what: str
    count: int
    limit: int
    change: str
    loc: tuple = ()
    detail: str = ""

    @property
    def exceeded(self) -> bool:
        return self.count > self.limit

    def describe(self) -> str:
        """``"1,024 strategy profiles (3 x 1,024 strategies)"``."""
        return f"{self.count:,} {self.what}" + (f" ({self.detail})" if self.detail else "")

    def message(self, models) -> str:
        """One sentence: which model(s), how large, the limit and what to change."""
        models = [models] if isinstance(models, str) else list(models)
        who = f"model{'s' if len(models) > 1 else ''} " + ", ".join(repr(m) for m in models)
        return (
            f"{who} would build {self.describe()}, more than the limit of "
            f"{self.limit:,}: {self.change}"
        )


def grouped(sizes: dict) -> list[tuple[list[str], Size]]:
    """``[(models, size)]``: the sizes of ``{model: (Size, ...)}`` with the models that share
    one (the utility set of the bargaining models) listed together, in first-seen order."""
    out: dict[Size, list[str]] = {}
    for name, found in sizes.items():
        for size in found:
            out.setdefault(size, []).append(name)
    return [(names, size) for size, names in out.items()]


_COMPILED: dict[int, tuple] = {}


def _compiled(scenario):
    """The scenario's value functions, compiled once per scenario object."""
    hit = _COMPILED.get(id(scenario))
    if hit is not None and hit[0] is scenario:
        return hit[1]
    from sim.space import compile_payoffs

    values = compile_payoffs(scenario)
    _COMPILED.clear()  # one scenario at a time: validate and run check one
    _COMPILED[id(scenario)] = (scenario, values)
    return values


def discrete_combinations(scenario) -> int:
    """Number of combinations of the levels of the discrete and binary issues."""
    return math.prod(len(i.level_list()) for i in scenario.issues if i.kind != "continuous")


def linear_pieces(scenario) -> list[int]:
    """Linear pieces of each continuous issue's value functions (both parties' breakpoints)."""
    values = _compiled(scenario)
    out = []
    for j, issue in enumerate(scenario.issues):
        if issue.kind == "continuous":
            lo, hi = issue.range
            out.append(max(1, len(values.breakpoints(j, lo, hi)) - 1))
    return out


def utility_set_size(scenario, options=None) -> tuple[Size, ...]:
    """Nothing: the utility set is no longer the enumeration of every discrete combination
    times every box of linear pieces (whose count grows exponentially in the issues) but
    the cells of it that reach the Pareto frontier, found by a dynamic programme whose size
    is known only as it runs (:func:`sim.bargaining.additive.pareto_cells` stops with a
    :class:`sim.errors.TooLargeError` over
    :data:`sim.bargaining.additive.MAX_CELLS` partial cells).  Kept so that
    the models' ``size`` and the payoff-space check have one place to grow an estimate."""
    return ()


def candidate_size(scenario, per_issue: int = 26) -> Size:
    """Candidate outcomes of the two-level model's win-set map: every discrete combination
    times ``per_issue`` values (plus up to two bounds) of each continuous issue, or a
    sample of :data:`sim.space.MAX_GRID` of them when there are more
    (:meth:`sim.space.OutcomeSpace.sample_outcomes`)."""
    from sim.space import MAX_GRID

    d = discrete_combinations(scenario)
    k = sum(1 for i in scenario.issues if i.kind == "continuous")
    grid = d * (per_issue + 2) ** k
    detail = f"{d:,} discrete combinations x {per_issue}+2 values of {k} continuous issues"
    if grid > MAX_GRID:
        detail = f"a sample of the {grid:,} of the grid: {detail}"
    return Size(
        what="candidate outcomes of the win-set map",
        count=min(grid, MAX_GRID),
        limit=MAX_CANDIDATES,
        change="fewer continuous issues or discrete levels, or leave two_level out of "
        "models:",
        loc=("models", "two_level"),
        detail=detail,
    )


def two_level_size(scenario, options=None) -> tuple[Size, ...]:
    """The utility set (the exact solution cuts its cells) and the win-set map's candidate
    outcomes (:func:`sim.models.two_level.candidate_outcomes`)."""
    if len(scenario.parties) != 2:
        return ()
    return (*utility_set_size(scenario), candidate_size(scenario))
