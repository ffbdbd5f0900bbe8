"""The scenario format: frozen, validated pydantic models.

A scenario is an immutable value.  Structural checks (types, ranges, unknown keys) live
here; checks that need the whole scenario (references between sections, the fact digest)
live in :mod:`sim.scenario.references`.  ``docs/scenario-format.md`` documents every field.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from sim.quantity import Q, Quantity
from sim.scenario.trade_payoffs import TradePayoffs
from sim.scenario.types import (
    Frozen,
    Identifier,
    IssueSetting,
    Probability,
    Round,
    probability,
)
from sim.scenario.uncertainty import Uncertainty

SCHEMA_VERSION = 1

#: Most parties a scenario may have (the strategic game's size grows as a product).
MAX_PARTIES = 4

# --------------------------------------------------------------------------- parts
class Party(Frozen):
    code: Identifier = Field(description="Short code used everywhere else, e.g. US, JP.")
    name: str
    description: str | None = None


class Level(Frozen):
    label: str = Field(min_length=1)
    value: float
    source: str | None = None
    note: str | None = None


class Issue(Frozen):
    """One thing on the table.

    ``kind`` is ``continuous`` (any value in ``range``), ``discrete`` (one of ``levels``)
    or ``binary`` (levels ``no`` = 0 and ``yes`` = 1).  Issues whose ``unit`` is ``%``
    (tariff rates) must stay within [0, 100].
    """

    id: Identifier
    name: str
    kind: Literal["continuous", "discrete", "binary"]
    unit: str | None = None
    range: tuple[float, float] | None = None
    levels: tuple[Level, ...] | None = None
    controlled_by: str | None = Field(
        default=None, description="Code of the party that sets this issue (for strategic games)."
    )
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _shape(self) -> Issue:
        if self.kind == "continuous":
            if self.range is None:
                raise ValueError("a continuous issue needs range: [low, high]")
            if self.levels is not None:
                raise ValueError("a continuous issue takes range, not levels")
            lo, hi = self.range
            if not lo < hi:
                raise ValueError(f"range [{lo}, {hi}] must have low < high")
        elif self.kind == "discrete":
            if not self.levels or len(self.levels) < 2:
                raise ValueError("a discrete issue needs at least two levels")
            if self.range is not None:
                raise ValueError("a discrete issue takes levels, not range")
            labels = [lv.label for lv in self.levels]
            if len(set(labels)) != len(labels):
                raise ValueError(f"level labels must be unique, got {labels}")
        else:  # binary
            if self.range is not None or self.levels is not None:
                raise ValueError("a binary issue takes neither range nor levels (it is no/yes)")
        return self

    def numeric_values(self) -> list[float]:
        if self.kind == "continuous":
            assert self.range is not None
            return list(self.range)
        return [lv.value for lv in self.level_list()]

    def level_list(self) -> tuple[Level, ...]:
        if self.kind == "binary":
            return (Level(label="no", value=0.0), Level(label="yes", value=1.0))
        return self.levels or ()

    def coordinate(self, setting: IssueSetting) -> float:
        """The outcome coordinate of a setting: the value (continuous) or the level index.

        Raises
        ------
        ValueError
            If the setting is not allowed for this issue.
        """
        if self.kind == "continuous":
            if isinstance(setting, bool) or not isinstance(setting, int | float):
                raise ValueError(f"issue '{self.id}' takes a number, got {setting!r}")
            assert self.range is not None
            lo, hi = self.range
            if not lo <= float(setting) <= hi:
                raise ValueError(
                    f"{setting} is outside the range [{lo}, {hi}] of issue '{self.id}'"
                )
            return float(setting)
        labels = [lv.label for lv in self.level_list()]
        if self.kind == "binary":
            aliases = {True: "yes", False: "no", "true": "yes", "false": "no"}
            key = setting.lower() if isinstance(setting, str) else setting
            setting = aliases.get(key, setting)  # type: ignore[arg-type]
        if isinstance(setting, str) and setting in labels:
            return float(labels.index(setting))
        raise ValueError(
            f"issue '{self.id}' has no level {setting!r} (levels: {', '.join(labels)})"
        )




class DisagreementChange(Frozen):
    date: dt.date
    label: str
    outcome: dict[str, IssueSetting] = Field(default_factory=dict)
    adjustments: dict[str, Q] = Field(
        default_factory=dict,
        description="Extra payoff per party code added to the disagreement payoff from this date.",
    )
    source: str | None = None
    context: str | None = Field(default=None, description="Id of a fact giving context.")
    note: str | None = None


class Disagreement(Frozen):
    """What holds if talks fail: an outcome, payoff adjustments, and dated changes."""

    outcome: dict[str, IssueSetting] = Field(
        description="Issue settings if talks fail (every issue must be set)."
    )
    adjustments: dict[str, Q] = Field(
        default_factory=dict,
        description="Extra payoff per party code if talks fail (outside options, no-deal costs).",
    )
    changes: tuple[DisagreementChange, ...] = ()
    note: str | None = None


# --------------------------------------------------------------------------- preferences
class IssueValue(Frozen):
    """A party's value for one issue (in the payoff unit).

    Exactly one of: ``linear`` (value per unit of the issue, so the value of ``x`` is
    ``linear * x``), ``points`` (piecewise-linear through ``[x, value]`` pairs covering the
    issue's range), ``levels`` (value per level label; levels left out are worth 0).
    """

    linear: Q | None = None
    points: tuple[tuple[float, float], ...] | None = None
    levels: dict[str, Q] | None = None
    source: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> IssueValue:
        forms = [f for f in ("linear", "points", "levels") if getattr(self, f) is not None]
        if len(forms) != 1:
            raise ValueError(
                "give exactly one of linear, points or levels"
                + (f" (got {', '.join(forms)})" if forms else "")
            )
        if self.points is not None:
            xs = [p[0] for p in self.points]
            if len(xs) < 2:
                raise ValueError("points needs at least two [x, value] pairs")
            if any(b <= a for a, b in itertools.pairwise(xs)):
                raise ValueError("points must have strictly increasing x")
        return self


class LinearPayoffs(Frozen):
    """Additive preferences typed by the analyst: per party, per issue, a value function."""

    model: Literal["linear"] = "linear"
    unit: str = Field(default="$bn/yr", description="Unit of every payoff number.")
    parties: dict[str, dict[str, IssueValue]] = Field(
        description="Party code -> issue id -> value function. Issues left out are worth 0."
    )
    note: str | None = None


def _payoff_model(v: Any) -> str:
    """The tag of a ``payoffs`` section: its ``model`` key (``linear`` when left out)."""
    if isinstance(v, dict):
        return v.get("model", "linear")
    return getattr(v, "model", "linear")


Payoffs = Annotated[
    Annotated[LinearPayoffs, Tag("linear")] | Annotated[TradePayoffs, Tag("trade")],
    Discriminator(
        _payoff_model,
        custom_error_type="payoff_model",
        custom_error_message="payoffs.model must be 'linear' or 'trade'",
    ),
]
"""The ``payoffs`` section: hand-typed preferences (``model: linear``, the default) or the
trade model (``model: trade``, :class:`sim.scenario.trade_payoffs.TradePayoffs`)."""


# --------------------------------------------------------------------------- packages
class Package(Frozen):
    """A named bundle of issue settings (e.g. Japan's "farm" concessions)."""

    id: Identifier
    name: str | None = None
    settings: dict[str, IssueSetting] = Field(default_factory=dict)
    includes: tuple[str, ...] = Field(default=(), description="Ids of packages merged into this.")
    offered_by: str | None = None
    note: str | None = None
    source: str | None = None


# --------------------------------------------------------------------------- calendar
class Deadline(Frozen):
    date: dt.date
    label: str
    source: str | None = None
    context: str | None = Field(default=None, description="Id of a fact giving context.")
    note: str | None = None


class Event(Frozen):
    date: dt.date
    label: str
    source: str | None = None
    context: str | None = Field(default=None, description="Id of a fact giving context.")
    note: str | None = None


class Calendar(Frozen):
    """Dated rounds and deadlines, with the time parameters of the dynamic models."""

    rounds: tuple[Round, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    events: tuple[Event, ...] = ()
    discount_rate: dict[str, Q] = Field(
        default_factory=dict,
        description="Party code -> yearly discount rate r (delta over t years = exp(-r t)).",
    )
    breakdown_risk: Probability | None = Field(
        default=None, description="Probability that talks break down between two rounds."
    )

    @field_validator("breakdown_risk")
    @classmethod
    def _prob(cls, v: Quantity | None) -> Quantity | None:
        return None if v is None else probability(v)

    @field_validator("discount_rate")
    @classmethod
    def _rates(cls, v: dict[str, Quantity]) -> dict[str, Quantity]:
        for code, q in v.items():
            if q.value < 0:
                raise ValueError(f"discount rate of {code} must be >= 0, got {q.value}")
        return v


# --------------------------------------------------------------------------- models


def _models_class() -> type[BaseModel]:
    """The ``models:`` section: one optional field per registered model, holding its options
    (:mod:`sim.registry`; each model's ``Options`` lives in its own file)."""
    from pydantic import create_model

    from sim import registry

    fields: dict[str, Any] = {
        name: (
            registry.options_class(name) | None,
            Field(default=None, description=registry.summary(name)),
        )
        for name in registry.MODELS
    }
    return create_model("Models", __base__=_ModelsBase, **fields)


class _ModelsBase(Frozen):
    """Which models to run, with their options (a model left out is not run)."""

    def selected(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


Models = _models_class()


def _default_models(n_parties: int):
    from sim import registry

    return Models(**{name: registry.options_class(name)() for name in registry.defaults(n_parties)})


# --------------------------------------------------------------------------- scenario
class Scenario(Frozen):
    """A negotiation scenario, validated and immutable."""

    schema_version: Literal[1] = SCHEMA_VERSION
    id: Identifier
    title: str
    as_of: dt.date
    description: str | None = None
    extends: str | None = Field(
        default=None, description="Path (relative to this file) of a scenario this one overrides."
    )
    facts: str | None = Field(
        default=None,
        description="Path of the fact digest that `source:` ids refer to "
        "(default: the project's seeds/facts.yaml).",
    )
    parties: tuple[Party, ...] = Field(
        min_length=2,
        max_length=MAX_PARTIES,
        description="Two to four parties. Only the 'strategic' model takes more than two; "
        "without a models: section a scenario with more parties runs 'strategic' alone.",
    )
    issues: tuple[Issue, ...] = Field(min_length=1)
    disagreement: Disagreement
    payoffs: Payoffs = Field(
        description="Each party's preferences: model 'linear' (hand-typed values per issue) "
        "or 'trade' (valued from trade data, docs/payoff-model.md)."
    )
    packages: tuple[Package, ...] = ()
    calendar: Calendar = Calendar()
    models: Models = Field(  # type: ignore[valid-type]
        default_factory=lambda: _default_models(2),
        description="Models to run, each with its options (sim models lists them). Default: "
        "the axiomatic solutions and the strategic game (with more than two parties, the "
        "strategic game alone).",
    )
    assumptions: tuple[str, ...] = Field(
        default=(), description="Assumptions the analyst wants stated next to the results."
    )
    uncertainty: Uncertainty | None = Field(
        default=None,
        description="Distributions, ties and rank correlations of the numbers `sim sweep` "
        "draws (default: each declared range, uniformly).",
    )

    @model_validator(mode="before")
    @classmethod
    def _models_by_party_count(cls, data: Any) -> Any:
        """Without ``models:``, run the registry's default models for the number of parties
        (with more than two parties only the models that take them)."""
        if isinstance(data, dict) and "models" not in data:
            parties = data.get("parties")
            if isinstance(parties, list | tuple) and len(parties) > 2:
                data = {**data, "models": _default_models(len(parties))}
        return data

    @property
    def party_codes(self) -> tuple[str, ...]:
        return tuple(p.code for p in self.parties)

    def issue(self, issue_id: str) -> Issue:
        for issue in self.issues:
            if issue.id == issue_id:
                return issue
        raise KeyError(issue_id)

    def package(self, package_id: str) -> Package:
        for pkg in self.packages:
            if pkg.id == package_id:
                return pkg
        raise KeyError(package_id)
