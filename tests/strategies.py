"""Shared hypothesis strategies for the test-suite (one place, as STYLE.md asks)."""

from __future__ import annotations


# --- trade payoff model (sim/payoffs/trade*.py) ---------------------------------------------
def trade_markets(*, small_country: bool = False):
    """Keyword arguments of :func:`sim.payoffs.trade.sector_welfare` for one sector.

    Trade values 0.01–500 $bn, import-demand elasticities 0.2–10 (around the Armington median
    3.8), export-supply elasticities 0.2–50 (or ``inf`` for a small importer), base tariffs
    0–30 %.
    """
    from hypothesis import strategies as st

    eta = st.just(float("inf")) if small_country else st.floats(0.2, 50.0)
    return st.fixed_dictionaries(
        {
            "value": st.floats(0.01, 500.0),
            "eps": st.floats(0.2, 10.0),
            "eta": eta,
            "base_tariff": st.floats(0.0, 0.3),
        }
    )
