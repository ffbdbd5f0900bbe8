"""Issues, outcomes and concession packages as arrays.

An outcome is a vector of coordinates, one per issue: the value of a continuous issue, the
level index of a discrete or binary one.  :class:`OutcomeSpace` evaluates payoffs of many
outcomes at once, builds the two-party utility set as a union of convex cells (see
``docs/dev/architecture.md``) and maps solutions back to issue settings.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property

import numpy as np

from sim.payoffs.values import ValueFunctions
from sim.scenario.schema import Issue, Scenario
from sim.scenario.types import DisagreementAt, IssueSetting

#: Above this many discrete combinations the full grid of outcomes is not enumerated
#: (:meth:`OutcomeSpace.sample_outcomes` samples it); the utility set has no such limit.
MAX_DISCRETE_COMBINATIONS = 200_000
#: Most outcomes :meth:`OutcomeSpace.sample_outcomes` enumerates; above, it samples.
MAX_GRID = 200_000


def compile_payoffs(scenario: Scenario) -> ValueFunctions:
    """Compile the scenario's payoff section to additive value functions."""
    spec = scenario.payoffs
    if spec.model == "linear":
        from sim.payoffs.linear import compile_linear

        return compile_linear(spec, scenario.issues, scenario.party_codes)
    if spec.model == "trade":
        from sim.payoffs.trade_values import compile_trade

        return compile_trade(spec, scenario.issues, scenario.party_codes)
    raise ValueError(f"unknown payoff model {spec.model!r}")  # pragma: no cover


def _columns(cols: list[np.ndarray], n: int) -> np.ndarray:
    """The arrays as the columns of an (n, len(cols)) array."""
    return np.stack(cols, axis=1) if cols else np.zeros((n, 0))


@dataclass(frozen=True)
class Cells:
    """The utility set as cells ``offset + G[shape] @ x``, ``x in [0, 1]^k`` (those that
    reach the weak Pareto frontier: :mod:`sim.bargaining.additive`).

    ``discrete[p]`` are the level indices of cell ``p``'s discrete issues and
    ``lower[p]``/``upper[p]`` the continuous issues' sub-interval it spans.
    """

    offsets: np.ndarray  # (P, 2)
    shape: np.ndarray  # (P,)
    generators: np.ndarray  # (S, 2, k)
    discrete: np.ndarray  # (P, n_discrete) level indices
    lower: np.ndarray  # (S, k)
    upper: np.ndarray  # (S, k)
    scale: float | None = None  # extent of the whole set (tolerances are relative to it)

    def utility_set(self):
        """These cells as a :class:`sim.bargaining.geometry.UtilitySet`."""
        from sim.bargaining.geometry import UtilitySet

        return UtilitySet(self.offsets, self.shape, self.generators, scale=self.scale)


@dataclass(frozen=True)
class OutcomeSpace:
    """The outcomes a scenario allows and what each party gets from them.

    Parameters
    ----------
    scenario : Scenario
    values : ValueFunctions
        Compiled payoffs, columns in ``scenario.party_codes`` order.
    """

    scenario: Scenario
    values: ValueFunctions

    @classmethod
    def from_scenario(cls, scenario: Scenario) -> OutcomeSpace:
        return cls(scenario, compile_payoffs(scenario))

    # ------------------------------------------------------------------ basics
    @property
    def issues(self) -> tuple[Issue, ...]:
        return self.scenario.issues

    @property
    def parties(self) -> tuple[str, ...]:
        return self.scenario.party_codes

    @cached_property
    def continuous(self) -> tuple[int, ...]:
        return tuple(j for j, i in enumerate(self.issues) if i.kind == "continuous")

    @cached_property
    def discrete(self) -> tuple[int, ...]:
        return tuple(j for j, i in enumerate(self.issues) if i.kind != "continuous")

    def payoffs(self, coords: np.ndarray) -> np.ndarray:
        """Payoffs (n, n_parties) of outcomes given as coordinates (n, m), any number of
        parties (columns in ``parties`` order)."""
        return self.values.evaluate(coords)

    def outcome(self, settings: dict[str, IssueSetting], base: np.ndarray | None = None):
        """Coordinates of an outcome: ``base`` (default: final disagreement) overridden."""
        coords = self.disagreement_outcome() if base is None else np.array(base, dtype=float)
        for j, issue in enumerate(self.issues):
            if issue.id in settings:
                coords[j] = issue.coordinate(settings[issue.id])
        return coords

    def describe(self, coords: np.ndarray) -> dict[str, float | str]:
        """Issue id -> value (continuous) or level label (discrete, binary)."""
        out: dict[str, float | str] = {}
        for j, issue in enumerate(self.issues):
            c = float(coords[j])
            if issue.kind == "continuous":
                out[issue.id] = round(c, 10)
            else:
                out[issue.id] = issue.level_list()[round(c)].label
        return out

    # ------------------------------------------------------------------ disagreement
    def _changes_until(self, at: DisagreementAt):
        changes = sorted(self.scenario.disagreement.changes, key=lambda c: c.date)
        if at == "final":
            return changes
        when = self.scenario.as_of if at == "as_of" else at
        assert isinstance(when, dt.date)
        return [c for c in changes if c.date <= when]

    def disagreement_outcome(self, at: DisagreementAt = "final") -> np.ndarray:
        """Coordinates of the outcome if talks fail, with dated changes up to ``at``."""
        dis = self.scenario.disagreement
        coords = np.array(
            [issue.coordinate(dis.outcome[issue.id]) for issue in self.issues], dtype=float
        )
        for change in self._changes_until(at):
            for j, issue in enumerate(self.issues):
                if issue.id in change.outcome:
                    coords[j] = issue.coordinate(change.outcome[issue.id])
        return coords

    def disagreement_adjustment(self, at: DisagreementAt = "final") -> np.ndarray:
        """Extra payoff per party if talks fail (outside options), up to ``at``."""
        dis = self.scenario.disagreement
        adj = np.array(
            [dis.adjustments[c].value if c in dis.adjustments else 0.0 for c in self.parties]
        )
        for change in self._changes_until(at):
            adj += np.array(
                [
                    change.adjustments[c].value if c in change.adjustments else 0.0
                    for c in self.parties
                ]
            )
        return adj

    def disagreement_point(self, at: DisagreementAt = "final") -> np.ndarray:
        """Payoffs (n_parties,) if talks fail: the disagreement outcome plus adjustments."""
        return self.payoffs(self.disagreement_outcome(at)) + self.disagreement_adjustment(at)

    # ------------------------------------------------------------------ packages
    def package_settings(self, package_id: str) -> dict[str, IssueSetting]:
        """Settings of a package with its ``includes`` merged (own settings win)."""
        pkg = self.scenario.package(package_id)
        merged: dict[str, IssueSetting] = {}
        for inc in pkg.includes:
            merged.update(self.package_settings(inc))
        merged.update(pkg.settings)
        return merged

    def package_outcomes(self, at: DisagreementAt = "final") -> tuple[list[str], np.ndarray]:
        """Every package applied to the disagreement outcome: ids and coordinates (n, m)."""
        ids = [p.id for p in self.scenario.packages]
        base = self.disagreement_outcome(at)
        coords = np.array([self.outcome(self.package_settings(i), base) for i in ids])
        return ids, coords.reshape(len(ids), len(self.issues))

    # ------------------------------------------------------------------ the utility set
    def discrete_combinations(self) -> np.ndarray:
        """Every combination of discrete levels, shape (D, n_discrete)."""
        sizes = [len(self.issues[j].level_list()) for j in self.discrete]
        total = int(np.prod(sizes)) if sizes else 1
        if total > MAX_DISCRETE_COMBINATIONS:
            raise ValueError(
                f"{total} combinations of discrete issue levels is more than "
                f"{MAX_DISCRETE_COMBINATIONS}; merge levels or bargain over packages"
            )
        if not sizes:
            return np.zeros((1, 0), dtype=np.intp)
        grids = np.meshgrid(*[np.arange(s) for s in sizes], indexing="ij")
        return np.stack([g.ravel() for g in grids], axis=1).astype(np.intp)

    def issue_sets(self, lo=None, hi=None) -> list[np.ndarray] | None:
        """Per-issue payoff sets (two parties), discrete issues first, then continuous ones:
        the points of a discrete issue's levels, the chain of a continuous issue's
        breakpoints, within coordinate bounds ``lo``/``hi`` (m,) when given (None if a
        bound leaves an issue empty).  The utility set is their Minkowski sum."""
        parts = self._parts(lo, hi)
        return None if parts is None else [s for s, _, _ in parts]

    def _parts(self, lo=None, hi=None):
        """(set, kept levels or breakpoints, is_chain) per issue in cell order, or None."""
        m = len(self.issues)
        lo = np.full(m, -np.inf) if lo is None else np.asarray(lo, float)
        hi = np.full(m, np.inf) if hi is None else np.asarray(hi, float)
        f = self.values.functions
        parts = []
        for j in self.discrete:
            lv = np.arange(len(self.issues[j].level_list()))
            lv = lv[(lv >= lo[j] - 1e-9) & (lv <= hi[j] + 1e-9)]
            if lv.size == 0:
                return None
            parts.append((np.stack([f[0][j](lv), f[1][j](lv)], axis=1), lv, False))
        for j in self.continuous:
            r0, r1 = self.issues[j].range  # type: ignore[misc]
            a, b = max(r0, lo[j]), min(r1, hi[j])
            if a > b:
                return None
            bp = self.values.breakpoints(j, r0, r1)
            bp = np.concatenate([[a], bp[(bp > a) & (bp < b)], [b]]) if b > a else np.array([a, a])
            parts.append((np.stack([f[0][j](bp), f[1][j](bp)], axis=1), bp, True))
        return parts

    @cached_property
    def cells(self) -> Cells:
        """The cells of the two-party utility set that reach its weak Pareto frontier.

        Built by :func:`sim.bargaining.additive.pareto_cells` from the per-issue sets, with
        cost polynomial in the number of issues for typical scenarios; the cells are those
        of the full enumeration (every combination of levels times every box of linear
        pieces) that matter, in the same order.
        """
        return self.restricted_cells()

    def restricted_cells(self, lo=None, hi=None) -> Cells | None:
        """:attr:`cells` of the outcomes within coordinate bounds ``lo``/``hi`` (m,): each
        issue's set restricted before the sum (None when a bound leaves nothing)."""
        from sim.bargaining.additive import extent, pareto_cells

        if len(self.parties) != 2:
            raise ValueError("the utility set is built for two parties")
        parts = self._parts(lo, hi)
        if parts is None:
            return None
        sets = [p[0] for p in parts]
        chains = np.array([p[2] for p in parts], dtype=bool)
        scale = extent(sets)
        return self._cells_of(parts, pareto_cells(sets, chains, scale=scale), scale)

    @staticmethod
    def prime_cells(spaces) -> None:
        """Compute the :attr:`cells` of many spaces with the same issues at once
        (:func:`sim.bargaining.additive.pareto_cells_batch`): each space then has the cells
        it would build itself.  Spaces whose reduction would fail are left to build (and
        fail) on their own."""
        todo = [s for s in spaces if "cells" not in s.__dict__ and len(s.parties) == 2]
        for space, cells in zip(todo, OutcomeSpace._cells_batch(todo), strict=True):
            if isinstance(cells, Cells):
                space.__dict__["cells"] = cells

    @staticmethod
    def restricted_cells_batch(spaces, bounds) -> list:
        """:meth:`restricted_cells` of many two-party spaces with the same issues, each
        within its coordinate bounds ``(lo, hi)``, reduced together
        (:func:`sim.bargaining.additive.pareto_cells_batch`): the cells each builds itself
        (None where a bound leaves nothing); raises as :meth:`restricted_cells` does."""
        found = OutcomeSpace._cells_batch(spaces, bounds)
        return [
            s.restricted_cells(*b) if isinstance(c, Exception) else c
            for s, b, c in zip(spaces, bounds, found, strict=True)
        ]

    @staticmethod
    def _cells_batch(spaces, bounds=None) -> list:
        """Per space, its cells within ``bounds`` (default: none), None where a bound leaves
        nothing, or the exception its reduction raises (every space's when they have not two
        parties or their issues' kinds differ: each is then left to reduce on its own)."""
        from sim.bargaining.additive import extent, pareto_cells_batch

        bounds = [(None, None)] * len(spaces) if bounds is None else bounds
        if any(len(s.parties) != 2 for s in spaces):
            return [ValueError("the utility set is built for two parties")] * len(spaces)
        parts = [s._parts(*b) for s, b in zip(spaces, bounds, strict=True)]
        live = [k for k, p in enumerate(parts) if p is not None]
        out: list = [None] * len(spaces)
        if not live:
            return out
        kinds = {tuple(bool(q[2]) for q in parts[k]) for k in live}
        if len(kinds) != 1 or len({len(spaces[k].issues) for k in live}) != 1:
            return [ValueError("the spaces' issues differ")] * len(spaces)
        sets = [[q[0] for q in parts[k]] for k in live]
        scales = [extent(s) for s in sets]
        chains = np.array(next(iter(kinds)), dtype=bool)
        found = pareto_cells_batch(sets, chains, scales=scales)
        for k, idx, scale in zip(live, found, scales, strict=True):
            if not isinstance(idx, Exception):
                idx = spaces[k]._cells_of(parts[k], idx, scale)
            out[k] = idx
        return out

    def _cells_of(self, parts, idx, scale) -> Cells:
        """:class:`Cells` of the kept cells ``idx`` (level or piece per issue) of ``parts``."""
        nd = len(self.discrete)
        combos = _columns([parts[c][1][idx[:, c]] for c in range(nd)], len(idx))
        k = len(self.continuous)
        # the distinct piece combinations in lexicographic order, as mixed-radix keys
        sizes = [len(parts[nd + c][1]) - 1 for c in range(k)]
        if np.prod(sizes, dtype=float) >= 2.0**62:  # pragma: no cover - beyond int64 keys
            pieces, shape = np.unique(idx[:, nd:], axis=0, return_inverse=True)
            return self._cells(parts, idx, combos, pieces, shape.ravel(), scale)
        key = np.zeros(len(idx), dtype=np.int64)
        for c in range(k):
            key = key * sizes[c] + idx[:, nd + c]
        keys, shape = np.unique(key, return_inverse=True)
        shape = shape.ravel()
        pieces = np.zeros((len(keys), k), dtype=idx.dtype)
        for c in reversed(range(k)):
            keys, pieces[:, c] = np.divmod(keys, sizes[c])
        return self._cells(parts, idx, combos, pieces, shape, scale)

    def _cells(self, parts, idx, combos, pieces, shape, scale) -> Cells:
        """:class:`Cells` of the kept cells ``idx`` (level or piece per issue), with their
        discrete ``combos`` and the distinct piece combinations ``pieces`` (``shape`` of
        each cell)."""
        nd = len(self.discrete)
        k = len(self.continuous)
        lower = _columns([parts[nd + c][1][pieces[:, c]] for c in range(k)], len(pieces))
        upper = _columns([parts[nd + c][1][pieces[:, c] + 1] for c in range(k)], len(pieces))
        # payoffs summed in the order of the full enumeration (discrete, then continuous)
        disc_u = np.zeros((len(idx), 2))
        for i in range(2):
            for col, j in enumerate(self.discrete):
                disc_u[:, i] += self.values.functions[i][j](combos[:, col])
        gens = np.zeros((len(pieces), 2, k))
        base = np.zeros((len(pieces), 2))
        for col, j in enumerate(self.continuous):
            for i in range(2):
                fn = self.values.functions[i][j]
                f_lo, f_hi = fn(lower[:, col]), fn(upper[:, col])
                gens[:, i, col] = f_hi - f_lo
                base[:, i] += f_lo
        offsets = disc_u + base[shape]
        return Cells(offsets, shape, gens, combos.astype(np.intp), lower, upper, scale)

    @cached_property
    def utility_set(self):
        """The cells as a :class:`sim.bargaining.geometry.UtilitySet` (built once)."""
        return self.cells.utility_set()

    def cell_outcome(self, cell: int, x: np.ndarray | None, cells: Cells | None = None):
        """Coordinates of the outcome at point ``x`` in ``[0,1]^k`` of cell ``cell`` (of
        :attr:`cells`, or of ``cells`` from :meth:`restricted_cells`)."""
        c = self.cells if cells is None else cells
        coords = np.zeros(len(self.issues))
        coords[list(self.discrete)] = c.discrete[cell]
        s = c.shape[cell]
        xk = np.zeros(len(self.continuous)) if x is None else np.asarray(x, dtype=float)
        coords[list(self.continuous)] = c.lower[s] + xk * (c.upper[s] - c.lower[s])
        return coords

    def _sample_grid(self, per_issue: int, include):
        """:meth:`sample_outcomes`'s grids of the continuous issues, the discrete issues'
        level counts, and the full grid's size (a float: it may be huge)."""
        include = include or {}
        grids = [
            np.union1d(np.linspace(*self.issues[j].range, per_issue), list(include.get(j, ())))
            for j in self.continuous
        ]
        sizes = [len(self.issues[j].level_list()) for j in self.discrete]
        total = float(np.prod(sizes, dtype=float)) * float(np.prod([len(g) for g in grids]))
        return grids, sizes, total

    def sample_size(self, per_issue: int = 11, *, include=None, limit: int = MAX_GRID) -> int:
        """How many outcomes :meth:`sample_outcomes` returns, without making them."""
        total = self._sample_grid(per_issue, include)[2]
        return limit if total > limit else int(total)

    def sample_outcomes(
        self, per_issue: int = 11, *, include=None, rng=None, limit: int = MAX_GRID
    ) -> np.ndarray:
        """Every discrete combination times a grid on each continuous issue, or, when that
        grid has more than ``limit`` outcomes, ``limit`` of them drawn uniformly (with
        replacement) with ``rng`` (a :class:`numpy.random.Generator`; default seed 0).

        ``include`` maps an issue index to extra values added to its grid (e.g. bounds).
        """
        grids, sizes, total = self._sample_grid(per_issue, include)
        if total > limit:
            rng = np.random.default_rng(0) if rng is None else rng
            coords = np.zeros((limit, len(self.issues)))
            for col, j in enumerate(self.discrete):
                coords[:, j] = rng.integers(0, sizes[col], limit)
            for col, j in enumerate(self.continuous):
                coords[:, j] = grids[col][rng.integers(0, len(grids[col]), limit)]
            return coords
        combos = self.discrete_combinations()
        cont = (
            np.stack([g.ravel() for g in np.meshgrid(*grids, indexing="ij")], axis=1)
            if grids
            else np.zeros((1, 0))
        )
        coords = np.zeros((combos.shape[0] * cont.shape[0], len(self.issues)))
        coords[:, list(self.discrete)] = np.repeat(combos, cont.shape[0], axis=0)
        coords[:, list(self.continuous)] = np.tile(cont, (combos.shape[0], 1))
        return coords
