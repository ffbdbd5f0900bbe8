"""Models, registered by name (the names used in a scenario's ``models:`` and in results.json).

The registry maps a name to ``"module:function"`` so that importing it stays cheap: a
model's module is imported only when the model runs.  Every model function has the
signature ``run(space: OutcomeSpace, options) -> result`` where the result has
``to_dict()``.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module
from typing import Any

from sim.errors import UnknownModelError


@dataclass(frozen=True)
class ModelEntry:
    name: str
    target: str
    summary: str

    def load(self):
        module, func = self.target.split(":")
        return getattr(import_module(module), func)


REGISTRY: dict[str, ModelEntry] = {
    e.name: e
    for e in [
        ModelEntry(
            "nash_bargaining",
            "sim.models.axiomatic:run_nash",
            "Nash bargaining solution (symmetric or asymmetric) over the outcomes",
        ),
        ModelEntry(
            "kalai_smorodinsky",
            "sim.models.axiomatic:run_kalai_smorodinsky",
            "Kalai–Smorodinsky solution (proportional to each side's best acceptable deal)",
        ),
        ModelEntry(
            "utilitarian",
            "sim.models.axiomatic:run_utilitarian",
            "Utilitarian point: largest joint payoff among deals both accept (reference)",
        ),
        ModelEntry(
            "egalitarian",
            "sim.models.axiomatic:run_egalitarian",
            "Egalitarian point: equal gains over disagreement (reference)",
        ),
        ModelEntry(
            "strategic",
            "sim.models.strategic:run_strategic",
            "Strategic-form tariff game: all Nash equilibria, Pareto-dominance labelled",
        ),
        ModelEntry(
            "rubinstein",
            "sim.models.dynamic:run_rubinstein",
            "Alternating offers, infinite horizon: discounting, breakdown risk, outside options",
        ),
        ModelEntry(
            "deadline",
            "sim.models.dynamic:run_deadline",
            "Alternating offers over the calendar's rounds up to a deadline (backward induction)",
        ),
        ModelEntry(
            "private_information",
            "sim.models.dynamic_info:run_private_information",
            "Offers to a side of unknown type: take-it-or-leave-it and two-period screening",
        ),
        ModelEntry(
            "two_level",
            "sim.models.ratification:run_two_level",
            "Two-level game: deals each side can ratify at home (win-sets), tied-hands sweep",
        ),
        ModelEntry(
            "game_tree",
            "sim.models.tree_scenario:run_game_tree",
            "A sequential game tree solved by backward induction (subgame-perfect path)",
        ),
    ]
}


def run_model(name: str, space: Any, options: Any) -> Any:
    """Run one registered model on an outcome space."""
    try:
        entry = REGISTRY[name]
    except KeyError:
        raise UnknownModelError(f"no model {name!r}; models: {', '.join(REGISTRY)}") from None
    return entry.load()(space, options)
