"""Scenario files: schema, loading with line numbers, ``extends:`` and references.

The names below are imported lazily: a model file imports :mod:`sim.scenario.types` without
loading the schema (which imports every model file to build the ``models:`` section).
"""

__all__ = ["LoadedScenario", "Scenario", "load_scenario"]


def __getattr__(name: str):
    if name in ("LoadedScenario", "load_scenario"):
        from sim.scenario import loader

        return getattr(loader, name)
    if name == "Scenario":
        from sim.scenario.schema import Scenario

        return Scenario
    raise AttributeError(f"module 'sim.scenario' has no attribute {name!r}")
