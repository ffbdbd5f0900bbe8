"""Schema of a scenario's ``payoffs: {model: trade, ...}`` section (frozen pydantic v2 models).

Every number may be written plainly (``eps: 3.8``) or as a sourced parameter
(``eps: {value: 3.8, range: [2.5, 5.1], source: armington_elasticity, note: ...}``, ``source``
being a fact id of ``seeds/facts.yaml``); both become a :class:`Param`, the scenario's
:class:`~sim.quantity.Quantity`.  Party names are the scenario's party codes and
issue names its issue ids (checked by :mod:`sim.scenario.references`).
Units: trade values in ``$bn/yr`` at world (exporter's) prices;
tariffs in percent; purchase volumes in ``Mt/yr`` and prices in ``$/t``; lump concession
values in ``$bn/yr`` per unit of the issue value.  The formulas are in ``docs/payoff-model.md``.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from sim.quantity import Q, QInf, Quantity, UnboundedQuantity

__all__ = [
    "ElectionPremium",
    "LumpConcession",
    "Param",
    "PartyWeights",
    "Precedent",
    "PurchaseConcession",
    "Sector",
    "TariffQuota",
    "TradePayoffs",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid")


Param = Quantity
"""A trade-model parameter: the scenario's :class:`~sim.quantity.Quantity`."""

P = Q
"""A field that accepts a plain number or a ``{value, range, source, note}`` mapping."""


def _positive(p: Param, name: str, *, allow_zero: bool = False) -> None:
    lo = p.value if p.range is None else min(p.value, p.range[0])
    if lo < 0 or (lo == 0 and not allow_zero):
        raise ValueError(f"{name} must be {'non-negative' if allow_zero else 'positive'}")


class TariffQuota(BaseModel):
    """A tariff-rate quota on a sector: ``share`` of the base import quantity enters at
    ``in_quota_pct`` (extra tariff in % over the base, like the issue), the rest at the
    issue's rate; the quota rent goes to ``rent_to`` (the importer's ``government`` as
    revenue, its ``importers`` as licence holders, or the ``exporters`` that hold the
    allocations)."""

    model_config = _FROZEN

    share: P = Field(description="quota volume as a fraction of base import quantity")
    in_quota_pct: P = Field(description="extra tariff (%) on in-quota imports, over the base")
    rent_to: Literal["government", "importers", "exporters"] = "government"
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> TariffQuota:
        _positive(self.share, "quota share")
        return self


def _share(p: Param, name: str, what: str, *, low: float) -> None:
    """A share of the price (margin, premium) lies in [low, 1], its range too."""
    lo, hi = p.range if p.range is not None else (p.value, p.value)
    if not (low <= p.value <= 1 and low <= lo and hi <= 1):
        bad = p.value if not low <= p.value <= 1 else (lo if lo < low else hi)
        hint = f" ({bad:g} % is written {bad / 100:g})" if abs(bad) > 1 else ""
        raise ValueError(
            f"{name} is {what} as a share of the price and must lie in [{low:g}, 1], "
            f"got {bad:g}{hint}"
        )


class Sector(BaseModel):
    """One traded sector: a constant-elasticity import market driven by one tariff issue.

    The issue's value is the *additional* tariff in percent on top of ``base_tariff_pct``
    (the Section 232 / reciprocal tariff over MFN), so the total tariff is
    ``(base_tariff_pct + x) / 100`` and ``x = 0`` is the base (zero change).
    """

    model_config = _FROZEN

    issue: str
    importer: str
    exporter: str
    value: P = Field(description="trade value at the base tariff, $bn/yr at world prices")
    eps: P = Field(description="import-demand elasticity (positive)")
    eta: QInf = Field(
        description="foreign export-supply elasticity (positive; .inf = small country)"
    )
    base_tariff_pct: P = Field(default_factory=lambda: Param(value=0.0))
    domestic_supply_value: P = Field(
        default_factory=lambda: Param(value=0.0),
        description="import-competing domestic output at base, $bn/yr (splits CS from PS)",
    )
    domestic_supply_elasticity: P = Field(default_factory=lambda: Param(value=1.0))
    substitution: QInf = Field(
        default_factory=lambda: UnboundedQuantity(value=float("inf")),
        description="Armington elasticity of substitution between imports and the domestic "
        "good (.inf = perfect substitutes)",
    )
    demand_elasticity: P = Field(
        default_factory=lambda: Param(value=1.0),
        description="price elasticity of demand for the sector's composite good (Armington)",
    )
    quota: TariffQuota | None = None
    importer_lobby: str | None = Field(None, description="organised import-competing producers")
    exporter_lobby: str | None = Field(None, description="organised exporters (e.g. carmakers)")
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Sector:
        if self.importer == self.exporter:
            raise ValueError("a sector's importer and exporter must be different parties")
        _positive(self.value, "value", allow_zero=True)
        _positive(self.eps, "eps")
        _positive(self.eta, "eta")
        _positive(self.domestic_supply_value, "domestic_supply_value", allow_zero=True)
        _positive(self.domestic_supply_elasticity, "domestic_supply_elasticity", allow_zero=True)
        _positive(self.substitution, "substitution")
        _positive(self.demand_elasticity, "demand_elasticity", allow_zero=True)
        if self.base_tariff_pct.value <= -100:
            raise ValueError("base_tariff_pct must be above -100")
        return self


class PurchaseConcession(BaseModel):
    """Extra purchases by ``buyer`` from ``seller``: the issue value is the extra volume, Mt/yr.

    The extra volume is ``q = x * mt_per_unit`` (``mt_per_unit`` = 1 when the issue is in Mt/yr;
    for a yes/no issue it is the volume ``yes`` stands for).  Seller's gain
    ``= q * price * seller_margin / 1000`` ($bn/yr: Mt x $/t = $1e6, /1000 -> $bn); buyer's cost
    ``= q * price * buyer_premium / 1000`` (the price premium over the source the purchase is
    diverted from).
    """

    model_config = _FROZEN

    kind: Literal["purchase"] = "purchase"
    issue: str
    buyer: str
    seller: str
    price_usd_per_t: P
    mt_per_unit: P = Field(
        default_factory=lambda: Param(value=1.0),
        description="extra Mt/yr per unit of the issue value: 1 for an issue in Mt/yr; for a "
        "yes/no issue, the volume that 'yes' stands for",
    )
    seller_margin: P = Field(description="seller's producer-surplus share of the extra sales")
    buyer_premium: P = Field(description="buyer's extra cost as a share of the price")
    diverted_from: str | None = None
    base_volume_mt: P | None = Field(None, description="current purchases from the seller, Mt")
    max_extra_mt: P | None = Field(None, description="ceiling, e.g. the rice MA quota headroom")
    seller_lobby: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> PurchaseConcession:
        if self.buyer == self.seller:
            raise ValueError("a purchase's buyer and seller must be different parties")
        _positive(self.price_usd_per_t, "price_usd_per_t")
        _positive(self.mt_per_unit, "mt_per_unit")
        return self

    @field_validator("seller_margin")
    @classmethod
    def _margin(cls, p: Param) -> Param:
        _share(p, "seller_margin", "the seller's surplus", low=0.0)
        return p

    @field_validator("buyer_premium")
    @classmethod
    def _premium(cls, p: Param) -> Param:
        _share(p, "buyer_premium", "the buyer's extra cost", low=-1.0)
        return p


class LumpConcession(BaseModel):
    """A concession valued per unit of its issue value (binary issues: ``yes`` = 1).

    ``gains[party]`` is that party's gain in ``$bn/yr`` per unit (negative for a cost);
    ``lobbies[party]`` names the organised group whose surplus that gain is, if any.
    """

    model_config = _FROZEN

    kind: Literal["lump"] = "lump"
    issue: str
    unit: str = "yes/no"
    gains: dict[str, P]
    lobbies: dict[str, str] = Field(default_factory=dict)
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> LumpConcession:
        if not self.gains:
            raise ValueError("a lump concession needs at least one party's gain")
        unknown = set(self.lobbies) - set(self.gains)
        if unknown:
            raise ValueError(f"lobbies name parties without a gain: {sorted(unknown)}")
        return self


Concession = Annotated[PurchaseConcession | LumpConcession, Field(discriminator="kind")]


class ElectionPremium(BaseModel):
    """Extra value (``$bn/yr``-equivalent) a government puts on a visible deal on one issue.

    Continuous issue: the premium rises linearly from 0 at ``zero_at`` to ``value`` at
    ``full_at`` (clipped outside).  Discrete issue: ``value`` on each level in ``levels``.
    """

    model_config = _FROZEN

    issue: str
    value: P
    zero_at: float | None = None
    full_at: float | None = None
    levels: tuple[str, ...] | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> ElectionPremium:
        ramp = self.zero_at is not None and self.full_at is not None
        if ramp == (self.levels is not None):
            raise ValueError("give either zero_at and full_at (continuous) or levels (discrete)")
        if ramp and self.zero_at == self.full_at:
            raise ValueError("zero_at and full_at must differ")
        return self


class PartyWeights(BaseModel):
    """A government's objective: welfare + sum of ``lobbies[k]`` x organised surplus ``k``
    (Grossman & Helpman 1994), plus optional election premia."""

    model_config = _FROZEN

    lobbies: dict[str, P] = Field(default_factory=dict)
    election_premium: tuple[ElectionPremium, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> PartyWeights:
        for name, w in self.lobbies.items():
            _positive(w, f"political weight on {name}", allow_zero=True)
        return self


class Precedent(BaseModel):
    """What the giver concedes here it concedes to others: its objective on ``sectors`` counts
    ``1 + multiplier`` times, measured from each sector's reference tariff (most-favoured-
    nation spill-over; reputation across parallel negotiations; docs/payoff-model.md).

    ``sectors`` maps a sector name to the extra tariff (%) at which nothing is conceded (the
    no-deal rate): the precedent term is ``multiplier * (O(x) - O(reference))``.
    """

    model_config = _FROZEN

    giver: str
    multiplier: P = Field(description="others' trade the concession extends to, per $ of this")
    sectors: dict[str, float]
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> Precedent:
        _positive(self.multiplier, "precedent multiplier", allow_zero=True)
        if not self.sectors:
            raise ValueError("a precedent names at least one sector")
        return self


class TradePayoffs(BaseModel):
    """The ``payoffs`` section with ``model: trade``."""

    model_config = _FROZEN

    model: Literal["trade"] = "trade"
    sectors: dict[str, Sector] = Field(default_factory=dict)
    concessions: dict[str, Concession] = Field(default_factory=dict)
    weights: dict[str, PartyWeights] = Field(default_factory=dict)
    precedent: Precedent | None = None
    tolerance: float = Field(
        default=0.01,
        ge=1e-6,
        description="Largest error ($bn/yr) allowed when a continuous issue's value is "
        "replaced by a piecewise-linear interpolant for the solvers (at least 1e-6: finer "
        "needs more breakpoints than the solvers take).",
    )
    refine: bool = Field(
        default=True,
        description="Polish each model's answer on the true (smooth) value functions after "
        "solving on the piecewise-linear interpolant (docs/payoff-model.md, section 7a); "
        "false: report the interpolant's answer.",
    )
    note: str | None = None

    @model_validator(mode="after")
    def _check(self) -> TradePayoffs:
        if not self.sectors and not self.concessions:
            raise ValueError("the trade payoff model needs at least one sector or concession")
        clash = set(self.sectors) & set(self.concessions)
        if clash:
            raise ValueError(f"names used both as sector and concession: {sorted(clash)}")
        if self.precedent is not None:
            for name in self.precedent.sectors:
                s = self.sectors.get(name)
                if s is None:
                    raise ValueError(f"precedent.sectors.{name}: no such sector")
                if s.importer != self.precedent.giver:
                    raise ValueError(
                        f"precedent.sectors.{name}: the giver {self.precedent.giver!r} is not "
                        f"the sector's importer {s.importer!r}"
                    )
        tagged = {(s.importer, s.importer_lobby) for s in self.sectors.values()}
        tagged |= {(s.exporter, s.exporter_lobby) for s in self.sectors.values()}
        for c in self.concessions.values():
            if isinstance(c, PurchaseConcession):
                tagged.add((c.seller, c.seller_lobby))
            else:
                tagged |= set(c.lobbies.items())
        for party, w in self.weights.items():
            for lobby in w.lobbies:
                if (party, lobby) not in tagged:
                    raise ValueError(
                        f"weights.{party}.lobbies.{lobby}: no sector or concession gives "
                        f"{party} a surplus tagged '{lobby}'"
                    )
        return self

    def parties(self) -> tuple[str, ...]:
        """Every party named by a sector, concession or weight, in first-seen order."""
        seen: dict[str, None] = {}
        for s in self.sectors.values():
            seen.update({s.importer: None, s.exporter: None})
        for c in self.concessions.values():
            names = (c.buyer, c.seller) if isinstance(c, PurchaseConcession) else c.gains
            seen.update(dict.fromkeys(names))
        seen.update(dict.fromkeys(self.weights))
        return tuple(seen)

    def issues(self) -> tuple[str, ...]:
        """Every issue id the model reads, in first-seen order."""
        ids = [s.issue for s in self.sectors.values()]
        ids += [c.issue for c in self.concessions.values()]
        ids += [e.issue for w in self.weights.values() for e in w.election_premium]
        return tuple(dict.fromkeys(ids))
