"""The ``uncertainty:`` section: how unsure the analyst is of each number, for sweeps.

::

    uncertainty:
      seed: 7
      parameters:                       # a distribution per dotted path (sim.modify's syntax)
        payoffs.sectors.cars.eps: {dist: triangular, lo: 2.5, mode: 3.8, hi: 5.1}
        calendar.discount_rate.US: {dist: log_uniform, lo: 0.05, hi: 1.0}
      ties:                             # one draw drives several paths (the first one)
        - [payoffs.sectors.cars.eps, payoffs.sectors.auto_parts.eps]
      correlations:                     # rank correlations (Iman & Conover 1982)
        - {between: [payoffs.sectors.cars.eps, calendar.discount_rate.US], rho: 0.3}
      others: uniform                   # other declared ranges: uniform (default) or fixed

Every distribution is a frozen :mod:`scipy.stats` distribution (:meth:`Distribution.frozen`)
whose quantile function maps design points in ``[0, 1)`` to values.  Checks that need the
scenario (paths exist and hold numbers, supports inside declared ranges, ties) are in
:func:`check_uncertainty`, which the loader runs with the other reference checks.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import Field, model_validator

from sim.quantity import Quantity
from sim.scenario.types import Frozen

__all__ = ["Correlation", "Distribution", "Uncertainty", "check_uncertainty", "is_probability"]

Loc = tuple[str | int, ...]


class _Bounded(Frozen):
    lo: float
    hi: float

    @model_validator(mode="after")
    def _order(self):
        if not self.lo < self.hi:
            raise ValueError(f"lo ({self.lo}) must be below hi ({self.hi})")
        return self


class Uniform(_Bounded):
    """Uniform on ``[lo, hi]``."""

    dist: Literal["uniform"]

    def frozen(self, lo=None, hi=None):
        from scipy import stats

        return stats.uniform(self.lo, self.hi - self.lo)


class LogUniform(_Bounded):
    """Log-uniform (reciprocal) on ``[lo, hi]``, ``0 < lo``."""

    dist: Literal["log_uniform"]
    lo: float = Field(gt=0)

    def frozen(self, lo=None, hi=None):
        from scipy import stats

        return stats.loguniform(self.lo, self.hi)


class Triangular(_Bounded):
    """Triangular on ``[lo, hi]`` with its peak at ``mode``."""

    dist: Literal["triangular"]
    mode: float

    @model_validator(mode="after")
    def _mode_inside(self):
        if not self.lo <= self.mode <= self.hi:
            raise ValueError(f"mode ({self.mode}) must lie in [lo, hi]")
        return self

    def frozen(self, lo=None, hi=None):
        from scipy import stats

        return stats.triang((self.mode - self.lo) / (self.hi - self.lo), self.lo, self.hi - self.lo)


class TruncatedNormal(Frozen):
    """Normal(``mean``, ``sd``) truncated to ``[lo, hi]`` (default: the declared range)."""

    dist: Literal["truncated_normal"]
    mean: float
    sd: float = Field(gt=0)
    lo: float | None = None
    hi: float | None = None

    def frozen(self, lo=None, hi=None):
        from scipy import stats

        a = self.lo if self.lo is not None else lo
        b = self.hi if self.hi is not None else hi
        return stats.truncnorm((a - self.mean) / self.sd, (b - self.mean) / self.sd,
                               loc=self.mean, scale=self.sd)


class LogNormal(Frozen):
    """Lognormal with ``median`` and log-scale ``sigma``, truncated to ``[lo, hi]`` (default:
    the declared range) by restricting the quantile function to ``[F(lo), F(hi)]``."""

    dist: Literal["lognormal"]
    median: float = Field(gt=0)
    sigma: float = Field(gt=0)
    lo: float | None = None
    hi: float | None = None

    def frozen(self, lo=None, hi=None):
        from scipy import stats

        base = stats.lognorm(self.sigma, scale=self.median)
        a = self.lo if self.lo is not None else lo
        b = self.hi if self.hi is not None else hi
        return _Truncated(base, max(a, 0.0), b)


class Beta(_Bounded):
    """Beta(``a``, ``b``) scaled to ``[lo, hi]``."""

    dist: Literal["beta"]
    a: float = Field(gt=0)
    b: float = Field(gt=0)

    def frozen(self, lo=None, hi=None):
        from scipy import stats

        return stats.beta(self.a, self.b, loc=self.lo, scale=self.hi - self.lo)


class Choice(Frozen):
    """One of ``values``, with ``weights`` (default: equal)."""

    dist: Literal["choice"]
    values: tuple[float, ...] = Field(min_length=1)
    weights: tuple[float, ...] | None = None

    @model_validator(mode="after")
    def _weights(self):
        w = self.weights
        if w is not None and (len(w) != len(self.values) or min(w) < 0 or sum(w) <= 0):
            raise ValueError("weights: one non-negative weight per value, not all zero")
        return self

    def frozen(self, lo=None, hi=None):
        return _Choice(self.values, self.weights)


Distribution = Annotated[
    Uniform | LogUniform | Triangular | TruncatedNormal | LogNormal | Beta | Choice,
    Field(discriminator="dist"),
]


class _Truncated:
    """A scipy distribution restricted to ``[lo, hi]`` through its quantile function."""

    def __init__(self, base, lo: float, hi: float):
        self.base, self.lo, self.hi = base, lo, hi
        self.p0, self.p1 = float(base.cdf(lo)), float(base.cdf(hi))

    def ppf(self, u):
        return self.base.ppf(self.p0 + (self.p1 - self.p0) * u)

    def support(self):
        return self.lo, self.hi


class _Choice:
    """A discrete choice among values (quantiles from :class:`scipy.stats.rv_discrete`)."""

    def __init__(self, values, weights):
        import numpy as np
        from scipy import stats

        self.values = np.asarray(values, dtype=float)
        w = np.ones(len(values)) if weights is None else np.asarray(weights, dtype=float)
        self._index = stats.rv_discrete(values=(np.arange(len(values)), w / w.sum()))

    def ppf(self, u):
        import numpy as np

        idx = self._index.ppf(np.clip(u, 0.0, 1.0)).astype(int)
        return self.values[np.clip(idx, 0, len(self.values) - 1)]

    def support(self):
        return float(self.values.min()), float(self.values.max())


class Correlation(Frozen):
    """A rank (Spearman) correlation between two drawn paths."""

    between: tuple[str, str]
    rho: float = Field(gt=-1, lt=1)


class Uncertainty(Frozen):
    """Distributions, ties and rank correlations of the numbers a sweep draws."""

    seed: int | None = Field(default=None, ge=0, description="Seed of the sweep's design.")
    parameters: dict[str, Distribution] = Field(
        default_factory=dict, description="A distribution per dotted path."
    )
    ties: tuple[tuple[str, ...], ...] = Field(
        default=(),
        description="Groups of paths that take one draw: the first path's (its distribution, "
        "or its declared range).",
    )
    correlations: tuple[Correlation, ...] = ()
    others: Literal["uniform", "fixed"] = Field(
        default="uniform",
        description="Declared ranges not named here: drawn uniformly (default) or kept fixed.",
    )

    @model_validator(mode="after")
    def _ties(self):
        for group in self.ties:
            if len(group) < 2:
                raise ValueError("a tie names at least two paths")
        return self


def is_probability(path: str) -> bool:
    """Whether a path holds one of several probabilities that must sum to one (a prior over
    types, a chance node's branches): never drawn one by one."""
    return "probabilit" in path


def support(dist, lo: float, hi: float) -> tuple[float, float]:
    """The support of a distribution whose default truncation is ``[lo, hi]``.

    The continuous families' in closed form with scipy's own arithmetic (its standard
    support times ``scale`` plus ``loc``), so that validating a scenario does not import
    scipy.stats (half a second); a choice asks scipy."""
    if isinstance(dist, LogUniform):
        return float(dist.lo), float(dist.hi)
    if isinstance(dist, Uniform | Triangular | Beta):
        scale = dist.hi - dist.lo
        return float(0.0 * scale + dist.lo), float(1.0 * scale + dist.lo)
    if isinstance(dist, TruncatedNormal):
        a = dist.lo if dist.lo is not None else lo
        b = dist.hi if dist.hi is not None else hi
        za, zb = (a - dist.mean) / dist.sd, (b - dist.mean) / dist.sd
        if not za < zb:  # scipy's truncnorm takes no such bounds: no support
            return math.nan, math.nan
        return float(za * dist.sd + dist.mean), float(zb * dist.sd + dist.mean)
    if isinstance(dist, LogNormal):
        a = dist.lo if dist.lo is not None else lo
        b = dist.hi if dist.hi is not None else hi
        return float(max(a, 0.0)), float(b)
    a, b = dist.frozen(lo, hi).support()
    return float(a), float(b)


def check_uncertainty(scenario) -> Iterator[tuple[Loc, str]]:
    """Problems of the ``uncertainty:`` section: unknown paths, paths that hold no number
    or a probability, supports outside declared ranges, ties and correlations."""
    unc = getattr(scenario, "uncertainty", None)
    if unc is None:
        return
    from sim.scenario.paths import lookup

    def quantity(path: str, loc: Loc):
        try:
            node = lookup(scenario, path)
        except KeyError as exc:
            return f"unknown parameter path {path!r}: {exc.args[0]}"
        if not isinstance(node, Quantity | int | float) or isinstance(node, bool):
            return f"{path!r} holds {type(node).__name__}, not a number"
        if is_probability(path):
            return f"{path!r} is one of probabilities that must sum to one: it is not drawn"
        return node

    ranges: dict[str, tuple[float, float]] = {}
    for path, dist in unc.parameters.items():
        loc = ("uncertainty", "parameters", path)
        node = quantity(path, loc)
        if isinstance(node, str):
            yield loc, node
            continue
        rng = node.range if isinstance(node, Quantity) and node.range is not None else None
        bounds = rng or (-math.inf, math.inf)
        open_ended = isinstance(dist, TruncatedNormal | LogNormal)
        if open_ended and (dist.lo is None or dist.hi is None) and rng is None:
            yield loc, f"{path!r} declares no range: give lo and hi"
            continue
        lo, hi = support(dist, *bounds)
        ranges[path] = (lo, hi)
        if rng is not None and not (rng[0] <= lo and hi <= rng[1]):
            yield loc, (f"support [{lo:g}, {hi:g}] lies outside the declared range "
                        f"[{rng[0]:g}, {rng[1]:g}]")
    seen: dict[str, int] = {}
    for t, group in enumerate(unc.ties):
        for k, path in enumerate(group):
            loc: Loc = ("uncertainty", "ties", t, k)
            if path in seen:
                yield loc, f"{path!r} is in two ties"
                continue
            seen[path] = t
            node = quantity(path, loc)
            if isinstance(node, str):
                yield loc, node
                continue
            rng = node.range if isinstance(node, Quantity) else None
            if k == 0:
                if path not in ranges:
                    if rng is None:
                        yield loc, f"{path!r} leads a tie but has no distribution or range"
                        continue
                    ranges[path] = rng
                lead = ranges[path]
            elif path in unc.parameters:
                yield loc, f"{path!r} follows {group[0]!r}: it cannot have a distribution too"
            elif group[0] in ranges and rng is not None:
                lead = ranges[group[0]]
                if not (rng[0] <= lead[0] and lead[1] <= rng[1]):
                    yield loc, (f"takes {group[0]!r}'s values [{lead[0]:g}, {lead[1]:g}], outside "
                                f"its declared range [{rng[0]:g}, {rng[1]:g}]")
    followers = {p for g in unc.ties for p in g[1:]}
    for c, corr in enumerate(unc.correlations):
        for k, path in enumerate(corr.between):
            loc = ("uncertainty", "correlations", c, "between", k)
            if path in followers:
                yield loc, f"{path!r} follows a tie: correlate the path that leads it"
            else:
                node = quantity(path, loc)
                if isinstance(node, str):
                    yield loc, node
        if corr.between[0] == corr.between[1]:
            yield ("uncertainty", "correlations", c), "a path is not correlated with itself"
