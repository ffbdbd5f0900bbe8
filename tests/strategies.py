"""Shared hypothesis strategies for the test-suite (one place, as STYLE.md asks)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


# --- trade payoff model (sim/payoffs/trade*.py) ---------------------------------------------
def trade_markets(*, small_country: bool = False):
    """Keyword arguments of :func:`sim.payoffs.trade.sector_welfare` for one sector.

    Trade values 0.01–500 $bn, import-demand elasticities 0.2–10 (around the Armington median
    3.8), export-supply elasticities 0.2–50 (or ``inf`` for a small importer), base tariffs
    0–30 %.
    """
    eta = st.just(float("inf")) if small_country else st.floats(0.2, 50.0)
    return st.fixed_dictionaries(
        {
            "value": st.floats(0.01, 500.0),
            "eps": st.floats(0.2, 10.0),
            "eta": eta,
            "base_tariff": st.floats(0.0, 0.3),
        }
    )


# ---------------------------------------------------------------------------------------
# Dynamic bargaining models (sim.models: rubinstein, deadline, two_level, ...)
# ---------------------------------------------------------------------------------------
#: discount factors bounded away from 0 and 1 (closed forms are exact on this range)
discount = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)


@st.composite
def concave_frontiers(draw, max_vertices: int = 6):
    """Vertices of a concave Pareto chain (u1 up, u2 down, slopes non-increasing)."""
    m = draw(st.integers(min_value=2, max_value=max_vertices))
    dx = draw(st.lists(st.floats(0.1, 5.0), min_size=m - 1, max_size=m - 1))
    slopes = sorted(
        draw(st.lists(st.floats(0.05, 20.0), min_size=m - 1, max_size=m - 1))
    )  # |slope| increasing -> concave
    top = draw(st.floats(1.0, 50.0))
    x = np.concatenate([[0.0], np.cumsum(dx)])
    y = top - np.concatenate([[0.0], np.cumsum(np.asarray(slopes) * np.asarray(dx))])
    return np.column_stack([x, y])


@st.composite
def pie_utilities(draw, max_n: int = 12):
    """Candidate outcomes on a pie of size 1: utilities (n, 2) on the grid k / n."""
    n = draw(st.integers(min_value=2, max_value=max_n))
    u1 = np.arange(n + 1) / n
    return np.column_stack([u1, 1.0 - u1])
