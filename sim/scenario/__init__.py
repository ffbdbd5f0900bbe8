"""Scenario files: schema, loading with line numbers, ``extends:`` and references."""

from sim.scenario.loader import LoadedScenario, load_scenario
from sim.scenario.schema import Scenario

__all__ = ["LoadedScenario", "Scenario", "load_scenario"]
