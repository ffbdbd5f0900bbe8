"""The result protocol every model returns: one small record of plain data.

A model's result says what it found and nothing more: a status, the agreement (issue id ->
value or level label), each party's payoff and no-deal payoff, notes, and whatever detail
the model adds as extra dataclass fields.  It never holds the scenario or the outcome space,
so millions of them fit in a table (:meth:`ModelResult.to_record`) and a pickled result of
the baseline stays small.  Renderers read results; they never solve.
"""

from __future__ import annotations

import dataclasses
import enum
import math
from collections.abc import Mapping
from typing import Any

__all__ = ["ModelResult", "Status", "jsonable"]


class Status(enum.StrEnum):
    """How a model ended: an agreement, none, or not run (with the reason)."""

    OK = "ok"
    NO_AGREEMENT = "no_agreement"
    NOT_RUN = "not_run"


#: Fields of the protocol, in the order they open ``to_dict()``.
BASE_FIELDS = (
    "model",
    "status",
    "reason",
    "agreement",
    "payoffs",
    "disagreement",
    "unit",
    "options",
    "notes",
)


def jsonable(value: Any) -> Any:
    """``value`` as JSON-safe builtins: numpy scalars and arrays, tuples, enums, dates,
    dataclasses and objects with ``to_dict()`` are converted; non-finite floats are refused.
    """
    if isinstance(value, enum.Enum):
        return jsonable(value.value)
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"a result holds a non-finite number ({value})")
        return float(value)
    if hasattr(value, "to_dict"):
        return value.to_dict()
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "tolist"):  # numpy scalar or array
        return jsonable(value.tolist())
    if isinstance(value, Mapping):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v) for v in value]
    if dataclasses.is_dataclass(value):
        return {f.name: jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    raise TypeError(f"cannot write {type(value).__name__} to JSON")


def _scalar(value: Any) -> bool:
    return value is None or isinstance(value, bool | int | float | str)


@dataclasses.dataclass(frozen=True, kw_only=True)
class ModelResult:
    """What one model predicts for one scenario.

    Attributes
    ----------
    model : str
        The model's key (its file name in ``sim/models/`` and its key in results.json).
    status : Status
        ``ok`` (an agreement), ``no_agreement`` or ``not_run`` (``reason`` says why).
    reason : str or None
        Why there is no agreement or why the model did not run.
    agreement : dict or None
        Issue id -> value (continuous) or level label (discrete, binary).
    payoffs : dict or None
        Party code -> payoff of the agreement, in ``unit``.
    disagreement : dict or None
        Party code -> payoff if talks fail (the point the model bargains against).
    unit : str
        Unit of the payoffs.
    options : dict
        The options the model ran with (JSON-safe).
    notes : tuple of str
        Caveats stated with the result.

    Subclasses add model-specific fields; ``to_dict()`` writes them after the protocol's,
    ``to_record()`` keeps those that are scalars.
    """

    model: str
    status: Status
    reason: str | None = None
    agreement: Mapping[str, float | str] | None = None
    payoffs: Mapping[str, float] | None = None
    disagreement: Mapping[str, float] | None = None
    unit: str = ""
    options: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    notes: tuple[str, ...] = ()

    @classmethod
    def not_run(cls, model: str, reason: str, **fields: Any) -> ModelResult:
        """A result saying the model did not run, and why."""
        return cls(model=model, status=Status.NOT_RUN, reason=reason, **fields)

    @property
    def ok(self) -> bool:
        return self.status == Status.OK

    @property
    def gains(self) -> dict[str, float] | None:
        """Party code -> payoff minus no-deal payoff (None without both)."""
        if self.payoffs is None or self.disagreement is None:
            return None
        return {p: float(v) - float(self.disagreement[p]) for p, v in self.payoffs.items()}

    def extra_fields(self) -> tuple[str, ...]:
        """Names of the fields a subclass adds to the protocol."""
        return tuple(f.name for f in dataclasses.fields(self) if f.name not in BASE_FIELDS)

    def to_dict(self) -> dict[str, Any]:
        """JSON-safe builtins: the protocol's fields, ``gains``, then the model's own."""
        out = {name: jsonable(getattr(self, name)) for name in BASE_FIELDS}
        out["gains"] = jsonable(self.gains)
        for name in self.extra_fields():
            out[name] = jsonable(getattr(self, name))
        return out

    def to_record(self) -> dict[str, Any]:
        """One flat row of scalars: ``model``, ``status``, ``agreement.<issue>``,
        ``payoff.<party>``, ``disagreement.<party>``, ``gain.<party>``, then the model's
        own scalar fields (``agreement_round``, ...)."""
        rec: dict[str, Any] = {"model": self.model, "status": str(self.status)}
        for issue, value in (self.agreement or {}).items():
            rec[f"agreement.{issue}"] = value
        for party, value in (self.payoffs or {}).items():
            rec[f"payoff.{party}"] = float(value)
        for party, value in (self.disagreement or {}).items():
            rec[f"disagreement.{party}"] = float(value)
        for party, value in (self.gains or {}).items():
            rec[f"gain.{party}"] = value
        for name in self.extra_fields():
            value = jsonable(getattr(self, name))
            if _scalar(value):
                rec[name] = value
        return rec

    def summary(self) -> str:
        """One line for the terminal."""
        if self.status == Status.NOT_RUN:
            return f"not run: {self.reason}"
        if self.status == Status.NO_AGREEMENT:
            return f"no agreement{': ' + self.reason if self.reason else ''}"
        deal = ", ".join(f"{k}={_short(v)}" for k, v in (self.agreement or {}).items())
        pays = ", ".join(f"{p} {_short(v)}" for p, v in (self.payoffs or {}).items())
        return f"deal {deal}; payoffs {pays} {self.unit}".rstrip()

    def to_frame(self):
        """One row per party: payoff, no-deal payoff and gain (pandas DataFrame)."""
        import pandas as pd

        gains = self.gains or {}
        return pd.DataFrame(
            [
                {
                    "model": self.model,
                    "status": str(self.status),
                    "party": p,
                    "payoff": (self.payoffs or {}).get(p),
                    "disagreement": d,
                    "gain": gains.get(p),
                }
                for p, d in (self.disagreement or {}).items()
            ]
        )


def _short(v: Any) -> str:
    return f"{v:.3g}" if isinstance(v, float) else str(v)
