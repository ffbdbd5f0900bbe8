"""Scores of a predictive sample against what happened: pure functions, arrays in.

* **percentile** (the probability integral transform, PIT): ``P(X < y) + P(X = y) / 2``
  under the sample's empirical distribution (the mid-PIT of discrete forecasts, Czado,
  Gneiting & Held 2009, *Biometrics* 65:1254-1261); 0 or 1 when ``y`` lies beyond every
  draw;
* **central bands**: ``[q_(1-a)/2, q_(1+a)/2]`` of the sample (:func:`numpy.quantile`),
  ``y`` inside when ``lo <= y <= hi``;
* **CRPS** (continuous ranked probability score, Gneiting & Raftery 2007, *JASA*
  102:359-378, eq. 21): ``E|X - y| - E|X - X'| / 2`` of the sample's empirical distribution
  (``scoringrules.crps_ensemble`` with its quantile-decomposition estimator ``qd``, equal
  to the energy form for an empirical distribution and O(n log n)), in the issue's unit;
  0 for a sample all at ``y``; for ``y`` beyond every draw it is ``|y - mean| - E|X - X'| / 2``,
  growing with the distance;
* **Brier score** ``(p - o)^2`` and **log score** ``-ln p(o)`` of an event (Gneiting &
  Raftery 2007, §3): a probability estimated from ``n`` draws is no finer than ``1/n``,
  so the log score reads a probability of 0 as ``1 / (2n)`` (and of 1 as ``1 - 1/(2n)``);
  the Brier score uses the probability as it is.

Lower is better for every score.
"""

from __future__ import annotations

import numpy as np

__all__ = ["BANDS", "band", "brier", "crps", "log_score", "percentile", "where"]

#: Central bands reported (their coverage: 50 % and 90 %).
BANDS = (0.5, 0.9)


def percentile(sample, y: float) -> float:
    """Mid-PIT of ``y`` in ``sample``: ``P(X < y) + P(X = y) / 2``."""
    x = np.asarray(sample, dtype=float)
    return float(np.mean(x < y) + 0.5 * np.mean(x == y))


def band(sample, level: float, *, discrete: bool = False) -> tuple[float, float]:
    """The central ``level`` band of ``sample`` (quantiles ``(1 -+ level) / 2``; linear
    interpolation, or, for ``discrete`` values, values the sample holds: the inverse of the
    empirical distribution function)."""
    method = "inverted_cdf" if discrete else "linear"
    lo, hi = np.quantile(np.asarray(sample, dtype=float), [(1 - level) / 2, (1 + level) / 2],
                         method=method)
    return float(lo), float(hi)


def where(sample, y: float) -> str:
    """``"below every draw"``, ``"above every draw"`` or ``""``."""
    x = np.asarray(sample, dtype=float)
    if y < x.min():
        return "below every draw"
    if y > x.max():
        return "above every draw"
    return ""


def crps(sample, y: float) -> float:
    """CRPS of the sample's empirical distribution at ``y`` (Gneiting & Raftery 2007,
    eq. 21), via :func:`scoringrules.crps_ensemble` (``estimator="qd"``)."""
    import scoringrules as sr

    x = np.asarray(sample, dtype=float)
    return float(sr.crps_ensemble(float(y), x, estimator="qd"))


def brier(p: float, happened: bool) -> float:
    """Brier score ``(p - o)^2`` of probability ``p`` for an event that did (o = 1) or did
    not (o = 0) happen (:func:`scoringrules.brier_score`)."""
    import scoringrules as sr

    return float(sr.brier_score(float(happened), float(p)))


def log_score(p: float, happened: bool, n: int) -> float:
    """Log score ``-ln p(o)``; ``p`` estimated from ``n`` draws is kept within
    ``[1/(2n), 1 - 1/(2n)]`` (see the module docstring) (:func:`scoringrules.log_score`)."""
    import scoringrules as sr

    eps = 0.5 / max(int(n), 1)
    q = min(max(float(p), eps), 1 - eps)
    return float(sr.log_score(float(happened), q))
