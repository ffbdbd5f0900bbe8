"""A number with its provenance: the ``{value, range, source, note}`` form used everywhere.

Shared by the scenario schema (:mod:`sim.scenario.schema`) and the trade payoff model
(:mod:`sim.scenario.trade_payoffs`), so that every model input has one YAML shape.
"""

from __future__ import annotations

import math
from typing import Annotated, Any, ClassVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

__all__ = ["Q", "QInf", "Quantity", "UnboundedQuantity"]


class Quantity(BaseModel):
    """A number with where it came from and how sure we are of it.

    In YAML either a plain number (``0.3``) or a mapping
    ``{value: 0.3, range: [0.1, 0.5], source: fact_id, note: "..."}``.  ``source`` is the id
    of a fact in the fact digest (``seeds/facts.yaml``; the reference check enforces it);
    a figure that was not found has no source, a ``range`` and a note saying so.
    """

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)

    _allow_inf: ClassVar[bool] = False

    value: float
    range: tuple[float, float] | None = Field(
        default=None, description="Plausible range [low, high] for sweeps and robustness checks."
    )
    source: str | None = Field(
        default=None,
        description="Id of a fact in seeds/facts.yaml that states this number (or the figures "
        "it is computed from, as the note says).",
    )
    context: str | None = Field(
        default=None,
        description="Id of a fact that motivates a judgment when the number itself was not "
        "found (the value is then an assumption with a range, not a sourced figure).",
    )
    note: str | None = Field(default=None, description="How the number was derived.")

    @model_validator(mode="after")
    def _range_contains_value(self) -> Quantity:
        if not math.isfinite(self.value) and not (self._allow_inf and self.value == math.inf):
            raise ValueError(f"a number must be finite, got {self.value}")
        if self.range is not None:
            lo, hi = self.range
            if lo > hi:
                raise ValueError(f"range [{lo}, {hi}] has its low end above its high end")
            if not lo <= self.value <= hi:
                raise ValueError(f"value {self.value} lies outside its range [{lo}, {hi}]")
        return self

    def __float__(self) -> float:
        return float(self.value)

    def cite(self) -> str:
        """``"3.8 [armington_elasticity; range 2.5–5.1]"``: the value with its provenance
        (``"3 [range 1.5–100; assumption, n/f; context toyota_tariff_hit_apr_may]"`` for an
        assumption motivated by a fact)."""
        extra = [self.source] if self.source else []
        if self.range is not None:
            extra.append(f"range {self.range[0]:g}–{self.range[1]:g}")
        if not self.source and self.context:
            extra.append(f"assumption, n/f; context {self.context}")
        elif not self.source and (extra or self.note):
            extra.append("no fact: see note" if self.note else "no source")
        return f"{self.value:g}" + (f" [{'; '.join(extra)}]" if extra else "")


def _as_quantity(v: Any) -> Any:
    if isinstance(v, bool) or isinstance(v, str | list):
        raise ValueError(
            f"expected a number or a mapping {{value: ..., range: [...], source: ...}}, got {v!r}"
        )
    if isinstance(v, int | float):
        return {"value": v}
    return v


Q = Annotated[Quantity, BeforeValidator(_as_quantity)]
"""A field that accepts a plain number or a ``{value, range, source, note}`` mapping."""


class UnboundedQuantity(Quantity):
    """A :class:`Quantity` that may also be ``.inf`` (e.g. an elasticity: a small country)."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=True)
    _allow_inf: ClassVar[bool] = True


QInf = Annotated[UnboundedQuantity, BeforeValidator(_as_quantity)]
"""Like :data:`Q`, but ``.inf`` is allowed (NaN and ``-.inf`` are not)."""
