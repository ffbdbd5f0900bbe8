"""The trade-model baseline as the tests see it: loaded from scenarios/japan_us_2025.yaml."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from sim.payoffs.trade_values import _issue_descriptions
from sim.scenario import load_scenario

ROOT = Path(__file__).resolve().parents[1]
BASELINE_PATH = ROOT / "scenarios" / "japan_us_2025.yaml"

STATUS_QUO = {
    "car_tariff": 25.0,
    "reciprocal_tariff": 10.0,
    "steel_tariff": 25.0,
    "investment": 0.0,
    "corn": 0.0,
    "soybeans": 0.0,
    "shipbuilding": 0.0,
    "certification": 0.0,
    "energy": 0.0,
    "rice": 0.0,
    "currency": 0.0,
}
"""May 2025 (the disagreement outcome as of the scenario date), as numbers."""

FULL_PACKAGE = {
    "car_tariff": 0.0,
    "reciprocal_tariff": 0.0,
    "steel_tariff": 0.0,
    "investment": 100.0,
    "corn": 3.0,
    "soybeans": 1.0,
    "shipbuilding": 1.0,
    "certification": 1.0,
    "energy": 1.0,
    "rice": 1.0,
    "currency": 1.0,
}
"""Japan's demands met (car, reciprocal and steel tariffs removed) for every concession."""


@cache
def baseline_scenario():
    return load_scenario(BASELINE_PATH).scenario


def baseline_spec():
    return baseline_scenario().payoffs


def baseline_issues() -> dict:
    return _issue_descriptions(baseline_scenario().issues)
