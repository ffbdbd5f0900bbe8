"""Payoff models: additive per-issue value functions (linear preferences, the trade model)."""
