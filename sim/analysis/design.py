"""Sampling designs of a sweep: which numbers vary, how, and the table of draws.

A :class:`Design` holds the varying parameters (*factors*: a path, a scipy distribution,
the paths tied to it) and the design points in ``[0, 1]^d``, generated up front from the
seed, so that any split of the draws into chunks gives the same table.  Points come from

* ``mc``: :meth:`numpy.random.Generator.random`;
* ``lhs``: :class:`scipy.stats.qmc.LatinHypercube` (McKay, Beckman & Conover 1979);
* ``sobol``: SALib's Saltelli/Sobol' design for first-order and total indices
  (:func:`SALib.sample.sobol.sample`, Saltelli et al. 2010, *Comput. Phys. Commun.*
  181:259-270), ``N (d + 2)`` rows for a base sample ``N``;
* ``morris``: SALib's elementary-effect trajectories (:func:`SALib.sample.morris.sample`,
  Morris 1991, *Technometrics* 33:161-174), ``r (d + 1)`` rows for ``r`` trajectories;
* a full-factorial grid of ``PATH=LO:HI:N`` values (other parameters at their value).

Points become values through each distribution's quantile function (``ppf``).  Rank
correlations (``mc`` and ``lhs`` only: the Sobol' and Morris estimators assume independent
inputs) are induced by Iman & Conover's (1982, *Commun. Stat. B* 11:311-334) reordering,
which keeps every marginal exactly.

Without an ``uncertainty:`` section every declared ``range`` is drawn uniformly; numbers
that are one of several probabilities summing to one (a prior over types, a chance node's
branches) are left out (:func:`sim.scenario.uncertainty.is_probability`).
"""

from __future__ import annotations

import dataclasses
import itertools
import warnings

import numpy as np

from sim.scenario.uncertainty import Uniform, is_probability

__all__ = ["METHODS", "Design", "Factor", "factors", "make_design", "parse_grid"]

METHODS = ("mc", "lhs", "sobol", "morris")
#: Levels of the Morris grid (Saltelli et al. 2008, *Global Sensitivity Analysis*, §3.3).
MORRIS_LEVELS = 4


@dataclasses.dataclass(frozen=True)
class Factor:
    """A varying number: its path, distribution (``ppf``), support and tied paths."""

    path: str
    dist: object
    lo: float
    hi: float
    followers: tuple[str, ...] = ()
    uniform: tuple[float, float] | None = None  # (loc, scale) of a uniform ``dist``

    def values(self, u: np.ndarray) -> np.ndarray:
        """Quantiles of ``u``, clipped to the support (``lo + (hi - lo) * 1`` may round
        past ``hi``).  A uniform's are ``u * scale + loc``, the operations of scipy's
        ``ppf`` without its argument handling (a third of a sweep's serial time)."""
        if self.uniform is not None:
            loc, scale = self.uniform
            q = np.asarray(u, dtype=float) * scale + loc
        else:
            q = np.asarray(self.dist.ppf(u), dtype=float)
        return np.clip(q, self.lo, self.hi)


def factors(loaded, params=None) -> list[Factor]:
    """The varying numbers of a scenario, from its ``uncertainty:`` section and declared
    ranges (see the module docstring); ``params`` restricts them to some paths.

    Raises
    ------
    ValueError
        On a path in ``params`` that is not drawn.
    """
    from sim.analysis.parameters import declared_parameters

    sc = loaded.scenario
    unc = sc.uncertainty
    declared = {p.path: p for p in declared_parameters(loaded) if not is_probability(p.path)}
    ties = {g[0]: tuple(g[1:]) for g in (unc.ties if unc else ())}
    following = {p for g in ties.values() for p in g}
    specs: dict[str, object] = {}
    if unc is None or unc.others == "uniform":
        for path, p in declared.items():
            specs[path] = Uniform(dist="uniform", lo=p.range[0], hi=p.range[1])
    for path, dist in (unc.parameters if unc else {}).items():
        specs[path] = dist
    for lead in ties:
        if lead not in specs and lead in declared:
            p = declared[lead]
            specs[lead] = Uniform(dist="uniform", lo=p.range[0], hi=p.range[1])
    out = []
    for path, dist in specs.items():
        if path in following:
            continue
        rng = declared[path].range if path in declared else (-np.inf, np.inf)
        frozen = dist.frozen(*rng)
        lo, hi = (float(v) for v in frozen.support())
        lo, hi = max(lo, rng[0]), min(hi, rng[1])  # rounding: the support within the range
        affine = (dist.lo, dist.hi - dist.lo) if isinstance(dist, Uniform) else None
        out.append(Factor(path, frozen, lo, hi, ties.get(path, ()), affine))
    if params:
        known = {f.path for f in out}
        unknown = [p for p in params if p not in known]
        if unknown:
            raise ValueError(f"--param {unknown[0]}: not a drawn parameter (drawn: "
                             f"{', '.join(sorted(known)) or 'none'})")
        out = [f for f in out if f.path in params]
    return out


def parse_grid(spec: str) -> tuple[str, np.ndarray]:
    """``"PATH=LO:HI:N"`` -> (path, N evenly spaced values from LO to HI)."""
    try:
        path, rest = spec.split("=", 1)
        lo, hi, n = rest.split(":")
        values = np.linspace(float(lo), float(hi), int(n))
    except ValueError:
        raise ValueError(f"--grid {spec}: expected PATH=LO:HI:N (N a whole number)") from None
    if int(n) < 1:
        raise ValueError(f"--grid {spec}: N must be at least 1")
    return path.strip(), values


@dataclasses.dataclass(frozen=True)
class Design:
    """The design of a sweep: factors, points in ``[0, 1]^d`` (or grid values), method."""

    method: str
    seed: int
    factors: tuple[Factor, ...]
    points: np.ndarray
    grid: tuple[tuple[str, tuple[float, ...]], ...] = ()
    base: int = 0

    @property
    def n(self) -> int:
        return len(self.points)

    @property
    def problem(self) -> dict:
        """SALib's problem (on the unit cube: values come from the quantile functions)."""
        return {"num_vars": len(self.factors), "names": [f.path for f in self.factors],
                "bounds": [[0.0, 1.0]] * len(self.factors)}

    def draws(self, start: int = 0, stop: int | None = None):
        """Rows ``start:stop`` of the table of draws (tied paths take their lead's value)."""
        import pandas as pd

        pts = self.points[start:stop]
        cols: dict = {}
        if self.grid:
            for j, (path, _values) in enumerate(self.grid):
                cols[path] = pts[:, j]
        else:
            for j, f in enumerate(self.factors):
                v = f.values(pts[:, j])
                for path in (f.path, *f.followers):
                    cols[path] = v
        return pd.DataFrame(cols)


def _iman_conover(points: np.ndarray, corr: np.ndarray) -> np.ndarray:
    """Reorder each column so that the rank correlation approaches ``corr`` (Iman & Conover
    1982, §3): van der Waerden scores, Cholesky factors of the target and the scores'
    correlation, then each column takes the ranks of the transformed scores."""
    from scipy import stats

    n = len(points)
    ranks = np.argsort(np.argsort(points, axis=0), axis=0)
    scores = stats.norm.ppf((ranks + 1) / (n + 1))
    q = np.linalg.cholesky(np.corrcoef(scores, rowvar=False))
    p = np.linalg.cholesky(corr)
    target = scores @ np.linalg.inv(q).T @ p.T
    order = np.argsort(np.argsort(target, axis=0), axis=0)
    return np.take_along_axis(np.sort(points, axis=0), order, axis=0)


def _correlation(fs, correlations) -> np.ndarray | None:
    if not correlations:
        return None
    index = {f.path: j for j, f in enumerate(fs)}
    c = np.eye(len(fs))
    for corr in correlations:
        a, b = corr.between
        if a in index and b in index:
            # Spearman rho -> Pearson correlation of the normal scores (Kendall & Gibbons)
            r = 2 * np.sin(np.pi * corr.rho / 6)
            c[index[a], index[b]] = c[index[b], index[a]] = r
    try:
        np.linalg.cholesky(c)
    except np.linalg.LinAlgError:
        raise ValueError("uncertainty.correlations: the correlations are inconsistent "
                         "(the matrix is not positive definite)") from None
    return c


def make_design(loaded, *, method: str = "lhs", samples: int = 64, seed: int | None = None,
                params=None, grid=()) -> Design:
    """The design of a sweep.

    Parameters
    ----------
    loaded : LoadedScenario
    method : {"mc", "lhs", "sobol", "morris"}
    samples : int
        Number of draws (``mc``, ``lhs``); for ``sobol`` the base sample is
        ``max(2, samples // (d + 2))`` and for ``morris`` the number of trajectories
        ``max(2, samples // (d + 1))``, so that the table has at most about ``samples`` rows.
    seed : int, optional
        Default: the ``uncertainty:`` section's seed, else 0.
    params : list of str, optional
        Restrict the varying numbers to these paths.
    grid : list of str
        ``PATH=LO:HI:N`` specs: a full-factorial grid replaces the sampled design.

    Raises
    ------
    ValueError
        On an unknown method, a path not drawn, a malformed grid or inconsistent correlations.
    """
    unc = loaded.scenario.uncertainty
    if seed is None:
        seed = unc.seed if unc is not None and unc.seed is not None else 0
    if grid:
        axes = [parse_grid(g) for g in grid]
        pts = np.array(list(itertools.product(*[v for _, v in axes])), dtype=float)
        spec = tuple((p, tuple(map(float, v))) for p, v in axes)
        return Design("grid", seed, (), pts, grid=spec)
    if method not in METHODS:
        raise ValueError(f"--method {method}: expected one of {', '.join(METHODS)}")
    fs = tuple(factors(loaded, params))
    d = len(fs)
    if d == 0:
        raise ValueError("no parameter to vary: the scenario declares no range")
    base = 0
    if method == "mc":
        pts = np.random.default_rng(seed).random((samples, d))
    elif method == "lhs":
        from scipy.stats import qmc

        pts = qmc.LatinHypercube(d, rng=np.random.default_rng(seed)).random(samples)
    elif method == "sobol":
        from SALib.sample import sobol

        base = max(2, samples // (d + 2))
        problem = Design(method, seed, fs, np.zeros((0, d))).problem
        with warnings.catch_warnings():  # base samples not a power of two: still unbiased
            warnings.simplefilter("ignore")
            pts = sobol.sample(problem, base, calc_second_order=False, seed=seed)
    else:
        from SALib.sample import morris

        base = max(2, samples // (d + 1))
        problem = Design(method, seed, fs, np.zeros((0, d))).problem
        pts = morris.sample(problem, base, num_levels=MORRIS_LEVELS, seed=seed)
    corr = _correlation(fs, unc.correlations if unc else ())
    if corr is not None:
        if method in ("sobol", "morris"):
            raise ValueError(f"--method {method} assumes independent inputs: "
                             "use mc or lhs with correlations")
        pts = _iman_conover(pts, corr)
    return Design(method, int(seed), fs, np.asarray(pts, dtype=float), base=base)
