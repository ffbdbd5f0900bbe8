"""Building blocks of the scenario format shared by the schema and the model options.

Every model's options schema (in ``sim/models/<name>.py``) is built from these, so that the
model files need nothing from :mod:`sim.scenario.schema` (which assembles the ``models:``
section from the registry, :mod:`sim.registry`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from sim.quantity import Q, Quantity, _as_quantity

__all__ = [
    "DisagreementAt",
    "Frozen",
    "Identifier",
    "IssueSetting",
    "Probability",
    "Q",
    "Quantity",
    "Round",
    "discount_factors",
    "probability",
]

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$",
        max_length=64,
        description="A name made of letters, digits, '_' and '-', starting with a letter.",
    ),
]

IssueSetting = float | str | bool
"""A value for an issue: a number (continuous), a level label (discrete), yes/no (binary)."""

DisagreementAt = Literal["final", "as_of"] | dt.date
"""Which no-deal outcome a model bargains against: every dated change applied ('final'),
the one in force on the scenario's as-of date ('as_of'), or the one in force on a date."""


class Frozen(BaseModel):
    """Base: immutable, unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


def probability(q: Quantity) -> Quantity:
    """Check that a quantity (its value and its range) lies in [0, 1]."""
    lo, hi = q.range if q.range is not None else (q.value, q.value)
    if not (0.0 <= q.value <= 1.0 and 0.0 <= lo and hi <= 1.0):
        raise ValueError(f"a probability must lie in [0, 1], got {q.value}")
    return q


def discount_factors(v: dict[str, Quantity] | None) -> dict[str, Quantity] | None:
    """Check that per-party discount factors (value and range) lie in (0, 1]."""
    for code, q in (v or {}).items():
        lo, hi = q.range if q.range is not None else (q.value, q.value)
        if not (0.0 < q.value <= 1.0 and 0.0 < lo and hi <= 1.0):
            raise ValueError(f"the discount factor of {code} must lie in (0, 1], got {q.value}")
    return v


Probability = Annotated[Quantity, BeforeValidator(_as_quantity)]


class Round(Frozen):
    """A round of talks on the calendar."""

    date: dt.date
    label: str
    proposer: str | None = Field(default=None, description="Party code of the side that proposes.")
    source: str | None = None
    context: str | None = Field(default=None, description="Id of a fact giving context.")
    note: str | None = None
