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
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    field_validator,
    model_validator,
)

from sim.payoffs.trade_spec import TradePayoffs
from sim.quantity import Q, Quantity, _as_quantity

SCHEMA_VERSION = 1

#: Most parties a scenario may have (the strategic game's size grows as a product).
MAX_PARTIES = 4

#: The only model that takes more than two parties; every other one needs exactly two.
NPLAYER_MODELS = frozenset({"strategic"})

Identifier = Annotated[
    str,
    Field(
        pattern=r"^[A-Za-z][A-Za-z0-9_\-]*$",
        max_length=64,
        description="A name made of letters, digits, '_' and '-', starting with a letter.",
    ),
]


class Frozen(BaseModel):
    """Base: immutable, unknown keys are errors."""

    model_config = ConfigDict(frozen=True, extra="forbid", allow_inf_nan=False)


# --------------------------------------------------------------------------- numbers
# Quantity (a number with range, source, note) lives in sim.quantity, shared with
# the trade payoff model.


def _probability(q: Quantity) -> Quantity:
    lo, hi = q.range if q.range is not None else (q.value, q.value)
    if not (0.0 <= q.value <= 1.0 and 0.0 <= lo and hi <= 1.0):
        raise ValueError(f"a probability must lie in [0, 1], got {q.value}")
    return q


Probability = Annotated[Quantity, BeforeValidator(_as_quantity)]


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


IssueSetting = float | str | bool
"""A value for an issue: a number (continuous), a level label (discrete), yes/no (binary)."""


class DisagreementChange(Frozen):
    date: dt.date
    label: str
    outcome: dict[str, IssueSetting] = Field(default_factory=dict)
    adjustments: dict[str, Q] = Field(
        default_factory=dict,
        description="Extra payoff per party code added to the disagreement payoff from this date.",
    )
    source: str | None = None


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
trade model (``model: trade``, :class:`sim.payoffs.trade_spec.TradePayoffs`)."""


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
class Round(Frozen):
    date: dt.date
    label: str
    proposer: str | None = Field(default=None, description="Party code of the side that proposes.")
    source: str | None = None


class Deadline(Frozen):
    date: dt.date
    label: str
    source: str | None = None


class Event(Frozen):
    date: dt.date
    label: str
    source: str | None = None


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
        return None if v is None else _probability(v)

    @field_validator("discount_rate")
    @classmethod
    def _rates(cls, v: dict[str, Quantity]) -> dict[str, Quantity]:
        for code, q in v.items():
            if q.value < 0:
                raise ValueError(f"discount rate of {code} must be >= 0, got {q.value}")
        return v


# --------------------------------------------------------------------------- models
DisagreementAt = Literal["final", "as_of"] | dt.date


class AxiomaticOptions(Frozen):
    disagreement_at: DisagreementAt = Field(
        default="final",
        description="Which disagreement point to bargain against: 'final' (every dated change "
        "applied: what holds if talks fail for good), 'as_of' (what holds on the scenario's "
        "as-of date) or a date.",
    )


class NashOptions(AxiomaticOptions):
    weights: dict[str, float] | None = Field(
        default=None,
        description="Bargaining power per party code (asymmetric Nash); equal if left out.",
    )

    @field_validator("weights")
    @classmethod
    def _positive(cls, v: dict[str, float] | None) -> dict[str, float] | None:
        if v is not None and any(w <= 0 for w in v.values()):
            raise ValueError("bargaining weights must be > 0")
        return v


class StrategicPlayer(Frozen):
    """One player's strategies in the strategic-form game.

    ``grid`` builds one strategy per combination of issue values; ``packages`` one per
    package; ``hold`` adds "concede nothing"; ``moves`` adds explicit named strategies.
    """

    grid: dict[str, tuple[IssueSetting, ...]] | None = None
    packages: tuple[str, ...] | None = None
    hold: bool = True
    moves: tuple[Move, ...] = ()


class Move(Frozen):
    id: Identifier
    settings: dict[str, IssueSetting] = Field(default_factory=dict)
    shift: dict[str, Q] = Field(
        default_factory=dict, description="Payoff added per party code when this move is played."
    )
    note: str | None = None
    source: str | None = None


StrategicPlayer.model_rebuild()


class StrategicOptions(Frozen):
    players: dict[str, StrategicPlayer] | None = Field(
        default=None,
        description="Party code -> strategies. Default: each party's issues "
        "(controlled_by) at their disagreement value and at every level / range end, "
        "plus every package it offers.",
    )
    method: Literal["auto", "vertex", "support", "lemke-howson", "pure", "logit"] = Field(
        default="auto",
        description="Equilibrium method (sim.equilibria): 'vertex' finds every extreme "
        "equilibrium; 'auto' picks by size and says why. With more than two players only "
        "'auto' (every pure equilibrium and the logit homotopy's end point), 'logit' (the "
        "same) and 'pure' apply.",
    )
    disagreement_at: DisagreementAt = Field(
        default="final", description="Disagreement values of the issues no strategy sets."
    )


from sim.scenario.dynamic_options import (  # noqa: E402  (needs the classes above)
    DeadlineScenarioOptions,
    GameTreeScenarioOptions,
    PrivateInformationScenarioOptions,
    RubinsteinScenarioOptions,
    TwoLevelScenarioOptions,
)


class Models(Frozen):
    """Which models to run, with their options (a model left out is not run)."""

    nash_bargaining: NashOptions | None = None
    kalai_smorodinsky: AxiomaticOptions | None = None
    utilitarian: AxiomaticOptions | None = None
    egalitarian: AxiomaticOptions | None = None
    strategic: StrategicOptions | None = None
    rubinstein: RubinsteinScenarioOptions | None = None
    deadline: DeadlineScenarioOptions | None = None
    private_information: PrivateInformationScenarioOptions | None = None
    two_level: TwoLevelScenarioOptions | None = None
    game_tree: GameTreeScenarioOptions | None = None

    def selected(self) -> list[str]:
        return [name for name in type(self).model_fields if getattr(self, name) is not None]


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
    models: Models = Models(
        nash_bargaining=NashOptions(),
        kalai_smorodinsky=AxiomaticOptions(),
        utilitarian=AxiomaticOptions(),
        egalitarian=AxiomaticOptions(),
        strategic=StrategicOptions(),
    )
    assumptions: tuple[str, ...] = Field(
        default=(), description="Assumptions the analyst wants stated next to the results."
    )

    @model_validator(mode="before")
    @classmethod
    def _nplayer_default_models(cls, data: Any) -> Any:
        """Without ``models:``, a scenario with more than two parties runs ``strategic``."""
        if isinstance(data, dict) and "models" not in data:
            parties = data.get("parties")
            if isinstance(parties, list | tuple) and len(parties) > 2:
                data = {**data, "models": {name: {} for name in sorted(NPLAYER_MODELS)}}
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
