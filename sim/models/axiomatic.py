"""Axiomatic bargaining solutions of a scenario: Nash, Kalai–Smorodinsky, references.

Thin layer over :mod:`sim.bargaining.axiomatic`: builds the exact utility set of the
scenario's outcomes, solves, and maps the solution back to issue settings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sim.scenario.schema import AxiomaticOptions, NashOptions
from sim.space import OutcomeSpace


@dataclass(frozen=True)
class BargainingResult:
    """A predicted deal from a bargaining solution.

    Attributes
    ----------
    model : str
        Registry name of the solution.
    zone_of_agreement : bool
        Whether some outcome gives both parties strictly more than disagreement.
    agreement : dict or None
        Issue id -> value (continuous) or level label; None without a zone of agreement.
    payoffs : dict or None
        Party code -> payoff of the agreement (scenario unit).
    disagreement : dict
        Party code -> payoff if talks fail (the point bargained against).
    gains : dict or None
        Party code -> payoff minus disagreement payoff.
    is_pareto : bool
        Whether the agreement is Pareto-optimal among all outcomes.
    options : dict
        Options used.
    notes : tuple of str
        Caveats stated with the result.
    """

    model: str
    zone_of_agreement: bool
    agreement: dict[str, Any] | None
    payoffs: dict[str, float] | None
    disagreement: dict[str, float]
    gains: dict[str, float] | None
    is_pareto: bool
    options: dict[str, Any]
    unit: str
    notes: tuple[str, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "zone_of_agreement": self.zone_of_agreement,
            "agreement": self.agreement,
            "payoffs": self.payoffs,
            "disagreement": self.disagreement,
            "gains": self.gains,
            "is_pareto": self.is_pareto,
            "unit": self.unit,
            "options": self.options,
            "notes": list(self.notes),
        }

    def to_frame(self):
        import pandas as pd

        rows = [
            {
                "model": self.model,
                "party": p,
                "payoff": self.payoffs[p] if self.payoffs else None,
                "disagreement": self.disagreement[p],
            }
            for p in self.disagreement
        ]
        return pd.DataFrame(rows)


def utility_set(space: OutcomeSpace):
    """The scenario's exact utility set (built once per outcome space)."""
    return space.utility_set


def _wrap(name: str, space: OutcomeSpace, point: Any, d: np.ndarray, options) -> BargainingResult:
    parties = space.parties
    dis = {p: float(v) for p, v in zip(parties, d, strict=True)}
    notes = []
    if not point.zone_of_agreement:
        notes.append("no zone of agreement: no outcome gives both sides more than disagreement")
        return BargainingResult(
            name,
            False,
            None,
            None,
            dis,
            None,
            False,
            options.model_dump(mode="json"),
            space.values.unit,
            tuple(notes),
        )
    coords = space.cell_outcome(int(point.cell), point.x)
    u = space.payoffs(coords)
    if not np.allclose(u, point.utility, atol=1e-7 * (1 + np.abs(u).max())):
        raise AssertionError("solution does not map back to its outcome")  # pragma: no cover
    if not point.is_pareto:
        notes.append("the solution is only weakly Pareto-optimal")
    return BargainingResult(
        model=name,
        zone_of_agreement=True,
        agreement=space.describe(coords),
        payoffs={p: float(v) for p, v in zip(parties, u, strict=True)},
        disagreement=dis,
        gains={p: float(u[i] - d[i]) for i, p in enumerate(parties)},
        is_pareto=bool(point.is_pareto),
        options=options.model_dump(mode="json"),
        unit=space.values.unit,
        notes=tuple(notes),
    )


def run_nash(space: OutcomeSpace, options: NashOptions) -> BargainingResult:
    """Nash (1950) bargaining solution; asymmetric with ``weights`` (Kalai 1977)."""
    from sim.bargaining.axiomatic import nash_bargaining

    d = space.disagreement_point(options.disagreement_at)
    w = options.weights or {}
    weights = tuple(float(w.get(p, 1.0)) for p in space.parties)
    point = nash_bargaining(utility_set(space), d, weights=weights)
    return _wrap("nash_bargaining", space, point, d, options)


def run_kalai_smorodinsky(space: OutcomeSpace, options: AxiomaticOptions) -> BargainingResult:
    """Kalai & Smorodinsky (1975) solution."""
    from sim.bargaining.axiomatic import kalai_smorodinsky

    d = space.disagreement_point(options.disagreement_at)
    return _wrap("kalai_smorodinsky", space, kalai_smorodinsky(utility_set(space), d), d, options)


def run_utilitarian(space: OutcomeSpace, options: AxiomaticOptions) -> BargainingResult:
    """Largest joint payoff among individually rational outcomes."""
    from sim.bargaining.axiomatic import utilitarian

    d = space.disagreement_point(options.disagreement_at)
    return _wrap("utilitarian", space, utilitarian(utility_set(space), d), d, options)


def run_egalitarian(space: OutcomeSpace, options: AxiomaticOptions) -> BargainingResult:
    """Egalitarian solution (Kalai 1977): equal gains over disagreement."""
    from sim.bargaining.axiomatic import egalitarian

    d = space.disagreement_point(options.disagreement_at)
    return _wrap("egalitarian", space, egalitarian(utility_set(space), d), d, options)
