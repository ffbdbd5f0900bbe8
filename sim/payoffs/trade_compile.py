"""Compile a :class:`~sim.scenario.trade_payoffs.TradePayoffs` spec to additive value functions.

Each party's objective is additive over issues (docs/dev/architecture.md): every sector and
concession is driven by exactly one issue, so the value of an outcome is the sum over issues
of a per-issue function.  This rests on the model's assumption that sectors are independent
partial-equilibrium markets (no cross-price effects, no income effects, no general-equilibrium
feedback through wages or the exchange rate).

A party's objective (Grossman & Helpman 1994, "Protection for Sale", AER 84(4):833-850, in
reduced form) is ``welfare + sum_k lambda_k * PS_k + election premia``, where ``PS_k`` is the
producer surplus of organised group ``k`` and ``lambda_k`` its extra weight.

:func:`trade_value_functions` gives the per-issue functions; :func:`explain` breaks one
outcome's objective down by party, sector/concession and component, with the inputs' sources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np

from sim.payoffs.sector_form import SectorForm
from sim.payoffs.trade import armington_transmission, sector_welfare
from sim.scenario.trade_payoffs import (
    ElectionPremium,
    LumpConcession,
    PurchaseConcession,
    Sector,
    TradePayoffs,
)

__all__ = [
    "IssueValue",
    "Piece",
    "importer_objective",
    "issue_pieces",
    "normalise_issue",
    "sector_kwargs",
    "trade_value_functions",
]

Evaluator = Callable[[np.ndarray, np.ndarray | None], np.ndarray]


@dataclass(frozen=True)
class Piece:
    """One additive component of one party's objective, driven by one issue.

    ``kind`` is ``"welfare"`` (economic welfare), ``"political"`` (the extra Grossman–Helpman
    weight or an election premium) or ``"memo"`` (an alternative decomposition of the same
    welfare, not added to the total).
    """

    party: str
    item: str
    issue: str
    component: str
    kind: str
    inputs: str
    evaluate: Evaluator

    @property
    def counted(self) -> bool:
        """Whether the piece is part of the party's objective (memo rows are not)."""
        return self.kind != "memo"


#: The objective's sector terms as sums of :func:`sim.payoffs.trade.sector_slopes` terms.
_SLOPES = {
    "consumer_surplus": (("buyers", 1.0), ("domestic_producer_surplus", -1.0)),
    "domestic_producer_surplus": (("domestic_producer_surplus", 1.0),),
    "tariff_revenue": (("revenue", 1.0),),
    "exporter_welfare": (("exporter", 1.0),),
}


def _plain(_path: str, q) -> float:
    return q.value


def sector_kwargs(s: Sector, get: Callable = _plain) -> dict:
    """Keyword arguments of :func:`sim.payoffs.trade.sector_changes` for a sector (tariffs as
    fractions, except ``base_pct``, the base tariff in %).

    ``get(path, quantity)`` returns a number's value (the scenario's, or a draw's array for
    the field path under the sector, e.g. ``"eps"`` or ``"quota.share"``).  The Armington
    price transmission is computed from ``substitution``, ``demand_elasticity``, the domestic
    supply elasticity and the imports' base share of the sector at domestic prices.
    """
    value, t0_pct = get("value", s.value), get("base_tariff_pct", s.base_tariff_pct)
    dsv = get("domestic_supply_value", s.domestic_supply_value)
    dse = get("domestic_supply_elasticity", s.domestic_supply_elasticity)
    imports = (1.0 + t0_pct / 100.0) * value
    share = np.where(imports + dsv > 0, imports / np.maximum(imports + dsv, 1e-300), 1.0)
    kw = {
        "value": value,
        "eps": get("eps", s.eps),
        "eta": get("eta", s.eta),
        "base_tariff": t0_pct / 100.0,
        "base_pct": t0_pct,
        "domestic_supply_value": dsv,
        "domestic_supply_elasticity": dse,
        "price_transmission": armington_transmission(
            get("substitution", s.substitution),
            get("demand_elasticity", s.demand_elasticity),
            dse,
            share,
        ),
    }
    kappa = kw["price_transmission"]
    kw["price_transmission"] = float(kappa) if np.ndim(kappa) == 0 else kappa
    if s.quota is not None:
        kw["quota_share"] = get("quota.share", s.quota.share)
        kw["in_quota_tariff"] = (t0_pct + get("quota.in_quota_pct", s.quota.in_quota_pct)) / 100
    return kw


def importer_objective(s: Sector, changes: Mapping, weight=None) -> np.ndarray:
    """The importer's objective from a sector's :func:`~sim.payoffs.trade.sector_changes`:
    buyers' surplus, tariff revenue, the quota rent if it stays at home, and ``weight`` times
    the domestic producers' surplus (Grossman & Helpman 1994)."""
    out = changes["buyers"] + changes["revenue"]
    if s.quota is not None and s.quota.rent_to != "exporters":
        out = out + changes["quota_rent"]
    if weight is not None:
        out = out + weight * changes["domestic_producer_surplus"]
    return out


def _sector_inputs(s: Sector) -> str:
    """The sector's own inputs with their sources, as the explain table shows them."""
    return (
        f"value={s.value.cite()} $bn/yr; eps={s.eps.cite()}; eta={s.eta.cite()}; "
        f"base tariff={s.base_tariff_pct.cite()} %; tariff = base + {s.issue} (%)"
    )


def _sector_pieces(name: str, s: Sector, weights: Mapping) -> list[Piece]:
    kw = sector_kwargs(s)
    base = kw.pop("base_pct")

    slopes = _SLOPES
    form = SectorForm.of(**kw) if s.quota is None else None  # tariff-free parts, once

    def field(attr: str, scale: float = 1.0) -> Evaluator:
        def ev(x: np.ndarray, _names: np.ndarray | None = None) -> np.ndarray:
            if attr in slopes and form is not None:  # the terms alone, as the solvers call
                c = form.changes((base + np.asarray(x, dtype=float)) / 100.0)
                return scale * sum(sign * c[term] for term, sign in slopes[attr])
            return scale * getattr(sector_welfare((base + x) / 100.0, **kw), attr)

        if attr in slopes and form is not None:  # d/dx, x in percentage points: d/dt / 100

            def slope(x: np.ndarray) -> np.ndarray:
                d = form.slopes((base + np.asarray(x, dtype=float)) / 100.0)
                return scale / 100.0 * sum(sign * d[term] for term, sign in slopes[attr])

            ev.derivative = slope  # type: ignore[attr-defined]
        return ev

    inputs = _sector_inputs(s)
    if s.quota is not None:
        q = s.quota
        inputs += (
            f"; tariff-rate quota {q.share.cite()} x base volume at base + "
            f"{q.in_quota_pct.cite()} %, rent to {q.rent_to}"
        )
    dom = (
        f"; domestic supply={s.domestic_supply_value.cite()} $bn/yr, elasticity="
        + s.domestic_supply_elasticity.cite()
        + f", substitution={s.substitution.cite()}, demand elasticity="
        + s.demand_elasticity.cite()
        + f" (price transmission {float(kw['price_transmission']):.3g})"
        if s.domestic_supply_value.value > 0
        else ""
    )
    imp, exp = s.importer, s.exporter
    pieces = [
        Piece(
            imp,
            name,
            s.issue,
            "consumer surplus",
            "welfare",
            inputs + dom,
            field("consumer_surplus"),
        ),
        Piece(imp, name, s.issue, "tariff revenue", "welfare", inputs, field("tariff_revenue")),
        Piece(
            exp,
            name,
            s.issue,
            "exporters' producer surplus",
            "welfare",
            inputs,
            field("exporter_welfare"),
        ),
        Piece(
            imp,
            name,
            s.issue,
            "terms-of-trade gain (memo)",
            "memo",
            inputs,
            field("terms_of_trade"),
        ),
        Piece(
            imp,
            name,
            s.issue,
            "deadweight loss (memo, = ToT - welfare)",
            "memo",
            inputs,
            field("deadweight_loss", -1.0),
        ),
    ]
    if s.domestic_supply_value.value > 0 or s.importer_lobby:
        pieces.insert(
            1,
            Piece(
                imp,
                name,
                s.issue,
                "domestic producer surplus",
                "welfare",
                inputs + dom,
                field("domestic_producer_surplus"),
            ),
        )
    if s.quota is not None:
        to = imp if s.quota.rent_to != "exporters" else exp
        pieces.insert(
            2,
            Piece(
                to,
                name,
                s.issue,
                f"quota rent ({s.quota.rent_to})",
                "welfare",
                inputs,
                field("quota_rent"),
            ),
        )
    for party, lobby, attr in (
        (imp, s.importer_lobby, "domestic_producer_surplus"),
        (exp, s.exporter_lobby, "exporter_welfare"),
    ):
        piece = _political_piece(
            weights, party, lobby, name, s.issue, inputs, lambda w, a=attr: field(a, w)
        )
        if piece is not None:
            pieces.append(piece)
    return pieces


def _political_piece(
    weights: Mapping,
    party: str,
    lobby: str | None,
    item: str,
    issue: str,
    inputs: str,
    evaluator: Callable[[float], Evaluator],
) -> Piece | None:
    """The extra Grossman–Helpman weight on an organised group's surplus, if the party puts
    one on ``lobby``; ``evaluator(weight)`` gives the piece's value function."""
    w = lobby_weight(weights, party, lobby)
    if w is None:
        return None
    return Piece(
        party,
        item,
        issue,
        f"political weight x {lobby} surplus",
        "political",
        f"weight={w.cite()}; {inputs}",
        evaluator(w.value),
    )


def _linear(coef: float) -> Evaluator:
    def ev(x: np.ndarray, _names: np.ndarray | None = None) -> np.ndarray:
        return coef * np.asarray(x, dtype=float)

    ev.derivative = lambda x: np.full(np.shape(x), coef)  # type: ignore[attr-defined]
    ev.linear = True  # type: ignore[attr-defined]
    return ev


def _purchase_pieces(name: str, c: PurchaseConcession, weights: Mapping) -> list[Piece]:
    price = c.price_usd_per_t.value
    per_unit = c.mt_per_unit.value  # Mt/yr per unit of the issue value
    seller_gain = per_unit * price * c.seller_margin.value / 1000.0  # $bn/yr per unit
    buyer_cost = per_unit * price * c.buyer_premium.value / 1000.0
    volume = (
        f"extra volume = {c.issue} (Mt/yr)"
        if per_unit == 1.0 and c.mt_per_unit.source is None and c.mt_per_unit.range is None
        else f"extra volume = {c.issue} x {c.mt_per_unit.cite()} Mt/yr"
    )
    base = f"{volume}; price={c.price_usd_per_t.cite()} $/t"
    div = f" over {c.diverted_from}" if c.diverted_from else ""
    pieces = [
        Piece(
            c.seller,
            name,
            c.issue,
            "sellers' producer surplus",
            "welfare",
            f"{base}; margin={c.seller_margin.cite()}",
            _linear(seller_gain),
        ),
        Piece(
            c.buyer,
            name,
            c.issue,
            f"price premium{div}",
            "welfare",
            f"{base}; premium={c.buyer_premium.cite()}",
            _linear(-buyer_cost),
        ),
    ]
    piece = _political_piece(
        weights,
        c.seller,
        c.seller_lobby,
        name,
        c.issue,
        f"{base}; margin={c.seller_margin.cite()}",
        lambda w: _linear(w * seller_gain),
    )
    if piece is not None:
        pieces.append(piece)
    return pieces


def _lump_pieces(name: str, c: LumpConcession, weights: Mapping) -> list[Piece]:
    pieces = []
    for party, gain in c.gains.items():
        inputs = f"gain={gain.cite()} $bn/yr per {c.unit}"
        pieces.append(
            Piece(
                party, name, c.issue, "value of concession", "welfare", inputs, _linear(gain.value)
            )
        )
        piece = _political_piece(
            weights,
            party,
            c.lobbies.get(party),
            name,
            c.issue,
            inputs,
            lambda w, g=gain.value: _linear(w * g),
        )
        if piece is not None:
            pieces.append(piece)
    return pieces


def _premium_piece(party: str, e: ElectionPremium) -> Piece:
    v = e.value.value
    if e.levels is not None:
        levels = np.asarray(e.levels, dtype=object)

        def ev(x: np.ndarray, names: np.ndarray | None = None) -> np.ndarray:
            if names is None:
                raise ValueError(
                    f"the election premium on {e.issue!r} is set by level "
                    "names, so the issue must be discrete"
                )
            return v * np.isin(np.asarray(names, dtype=object), levels).astype(float)

        rule = f"on levels {list(e.levels)}"
    else:
        z, f = e.zero_at, e.full_at

        def ev(x: np.ndarray, _names: np.ndarray | None = None) -> np.ndarray:
            return v * np.clip((np.asarray(x, dtype=float) - z) / (f - z), 0.0, 1.0)

        def slope(x: np.ndarray) -> np.ndarray:  # one-sided at the kinks: 0 outside
            x = np.asarray(x, dtype=float)
            inside = (x > min(z, f)) & (x < max(z, f))
            return np.where(inside, v / (f - z), 0.0)

        ev.derivative = slope  # type: ignore[attr-defined]
        ev.kinks = (min(z, f), max(z, f))  # type: ignore[attr-defined]
        rule = f"0 at {e.issue}={z:g}, full at {e.issue}={f:g}, linear between"
    return Piece(
        party,
        "election premium",
        e.issue,
        "election premium",
        "political",
        f"premium={e.value.cite()} $bn/yr-equivalent; {rule}",
        ev,
    )


def lobby_weight(weights: Mapping, party: str, lobby: str | None):
    """The ``Param`` of ``party``'s extra weight on ``lobby`` (``None`` if it puts none)."""
    if lobby is None or party not in weights:
        return None
    return weights[party].lobbies.get(lobby)


def _precedent_pieces(spec: TradePayoffs) -> list[Piece]:
    """The giver's objective on each listed sector, again ``multiplier`` times, measured from
    the reference tariff: what the same cut costs (or earns) on the trade it extends to."""
    prec = spec.precedent
    if prec is None:
        return []
    m = prec.multiplier
    pieces = []
    for name, ref in prec.sectors.items():
        s = spec.sectors[name]
        kw = sector_kwargs(s)
        base = kw.pop("base_pct")
        w = lobby_weight(spec.weights, s.importer, s.importer_lobby)
        wv = None if w is None else w.value
        form = SectorForm.of(**kw)  # tariff-free parts, once
        there = importer_objective(s, form.changes((base + ref) / 100.0), wv)

        def ev(x, _names=None, s=s, form=form, base=base, there=there, wv=wv):
            x = np.asarray(x, dtype=float)
            here = importer_objective(s, form.changes((base + x) / 100.0), wv)
            return m.value * (here - there)

        if s.quota is None:  # d/dx (x in percentage points): multiplier x the objective's d/dt

            def slope(x, form=form, base=base, wv=wv):
                d = form.slopes((base + np.asarray(x, dtype=float)) / 100.0)
                own = d["buyers"] + d["revenue"]
                if wv is not None:
                    own = own + wv * d["domestic_producer_surplus"]
                return m.value / 100.0 * own

            ev.derivative = slope  # type: ignore[attr-defined]

        weight = "" if w is None else f"; weight on {s.importer_lobby}={w.cite()}"
        pieces.append(
            Piece(
                prec.giver,
                name,
                s.issue,
                f"precedent: the same tariff on others' trade (from {ref:g} %)",
                "welfare",
                f"multiplier={m.cite()} x the {name} objective, from {s.issue}={ref:g}{weight}"
                f"; {_sector_inputs(s)}",
                ev,
            )
        )
    return pieces


def issue_pieces(spec: TradePayoffs) -> dict[str, list[Piece]]:
    """All additive pieces of every party's objective, grouped by the issue driving them."""
    out: dict[str, list[Piece]] = {i: [] for i in spec.issues()}
    for name, s in spec.sectors.items():
        out[s.issue] += _sector_pieces(name, s, spec.weights)
    for name, c in spec.concessions.items():
        maker = _purchase_pieces if isinstance(c, PurchaseConcession) else _lump_pieces
        out[c.issue] += maker(name, c, spec.weights)
    for party, w in spec.weights.items():
        for e in w.election_premium:
            out[e.issue].append(_premium_piece(party, e))
    for piece in _precedent_pieces(spec):
        out[piece.issue].append(piece)
    return out


def normalise_issue(issue) -> tuple[str, dict[str, float] | None]:
    """``(kind, levels)`` from an issue description.

    Accepts a kind string (``"continuous"``, ``"binary"``), a mapping with ``kind`` and
    ``levels``, or an object with those attributes.  Levels may be a mapping name -> value,
    or a sequence of ``(name, value)`` pairs, of mappings or of objects with ``name`` and
    ``value``.  Binary issues default to ``{"no": 0, "yes": 1}``.
    """
    if isinstance(issue, str):
        kind, levels = issue, None
    elif isinstance(issue, Mapping):
        kind, levels = issue.get("kind"), issue.get("levels")
    else:
        kind, levels = getattr(issue, "kind", None), getattr(issue, "levels", None)
    kind = getattr(kind, "value", kind)
    if kind not in ("continuous", "discrete", "binary"):
        raise ValueError(f"issue kind must be continuous, discrete or binary, got {kind!r}")
    if kind == "continuous":
        return kind, None
    if levels is None:
        if kind == "binary":
            return kind, {"no": 0.0, "yes": 1.0}
        raise ValueError("a discrete issue needs levels with numeric values")
    if isinstance(levels, Mapping):
        items = levels.items()
    else:
        items = []
        for lv in levels:
            if isinstance(lv, tuple | list):
                items.append((lv[0], lv[1]))
            elif isinstance(lv, Mapping):
                items.append((lv["name"], lv["value"]))
            else:
                items.append((lv.name, lv.value))
    return kind, {str(k): float(v) for k, v in items}


@dataclass(frozen=True)
class IssueValue:
    """Vectorised value of one continuous issue to one party: ``f(x) -> array`` ($bn/yr).

    A picklable callable (for parallel sweeps); ``x`` in the issue's units (tariffs in %).
    """

    spec: TradePayoffs
    party: str
    issue: str

    def _counted(self) -> list[Piece]:
        cached = self.__dict__.get("_pieces")
        if cached is None:
            cached = [
                p
                for p in issue_pieces(self.spec).get(self.issue, ())
                if p.party == self.party and p.counted
            ]
            object.__setattr__(self, "_pieces", cached)
        return cached

    def __getstate__(self) -> dict:  # the cached pieces hold closures: not pickled
        return {"spec": self.spec, "party": self.party, "issue": self.issue}

    def __setstate__(self, state: dict) -> None:
        for key, value in state.items():
            object.__setattr__(self, key, value)

    def __call__(self, x) -> np.ndarray:
        x = np.asarray(x, dtype=float)
        total = np.zeros_like(x)
        for p in self._counted():
            total = total + p.evaluate(x, None)
        return total

    def derivative(self, x) -> np.ndarray:
        """``d f / d x`` in closed form (at one of :attr:`kinks`: the flat side's slope)."""
        x = np.asarray(x, dtype=float)
        total = np.zeros_like(x)
        for p in self._counted():
            total = total + p.evaluate.derivative(x)  # type: ignore[attr-defined]
        return total

    @property
    def kinks(self) -> tuple[float, ...]:
        """Points where the derivative jumps (the ends of an election premium's ramp)."""
        return tuple(sorted({k for p in self._counted() for k in getattr(p.evaluate, "kinks", ())}))

    @property
    def smooth_ready(self) -> bool:
        """Whether every piece has a closed-form slope (not yet: a sector with a tariff-rate
        quota, whose answers then stay the interpolant's)."""
        return all(hasattr(p.evaluate, "derivative") for p in self._counted())

    @property
    def linear(self) -> bool:
        """Whether the function is linear (a piecewise-linear interpolant is then exact)."""
        return all(getattr(p.evaluate, "linear", False) for p in self._counted())


def trade_value_functions(
    spec: TradePayoffs, issues: Mapping[str, object]
) -> dict[str, dict[str, Callable[[np.ndarray], np.ndarray] | dict[str, float]]]:
    """Per party, per issue: the additive value functions of the trade model.

    Parameters
    ----------
    spec : TradePayoffs
        The validated ``payoffs`` section.
    issues : mapping issue id -> issue description
        Every issue of the scenario (see :func:`normalise_issue` for accepted forms).  Issues
        the spec does not touch get zero functions; issues the spec reads must be present.

    Returns
    -------
    dict
        ``result[party][issue]`` is an :class:`IssueValue` (vectorised callable, $bn/yr) for a
        continuous issue, or a dict level name -> value ($bn/yr) for a discrete/binary one.
        The value is each government's objective: welfare plus political weights and premia.

    Examples
    --------
    >>> spec = TradePayoffs.model_validate({"sectors": {"cars": {
    ...     "issue": "car_tariff", "importer": "us", "exporter": "japan",
    ...     "value": 43.58, "eps": 3.8, "eta": 10.0, "base_tariff_pct": 2.5}}})
    >>> f = trade_value_functions(spec, {"car_tariff": "continuous"})
    >>> np.round(f["japan"]["car_tariff"](np.array([0.0, 25.0])), 3)
    array([ 0.   , -1.916])
    """
    missing = [i for i in spec.issues() if i not in issues]
    if missing:
        raise ValueError(f"the trade payoffs read issues the scenario does not define: {missing}")
    pieces = issue_pieces(spec)
    for party, w in spec.weights.items():
        for e in w.election_premium:
            if e.levels is not None and normalise_issue(issues[e.issue])[0] == "continuous":
                raise ValueError(
                    f"weights.{party}: the election premium on {e.issue!r} is set "
                    "by level names, but the issue is continuous"
                )
    for name, c in spec.concessions.items():
        cap = getattr(c, "max_extra_mt", None)
        _, levels = normalise_issue(issues[c.issue])
        if cap is None or levels is None:
            continue
        if max(levels.values()) * c.mt_per_unit.value > cap.value + 1e-12:
            raise ValueError(
                f"concessions.{name}: a level of {c.issue!r} exceeds max_extra_mt "
                f"= {cap.value:g} Mt ({cap.source or 'no source'})"
            )
    out: dict[str, dict] = {party: {} for party in spec.parties()}
    for issue_id, desc in issues.items():
        kind, levels = normalise_issue(desc)
        for party in out:
            if kind == "continuous":
                out[party][issue_id] = IssueValue(spec, party, issue_id)
                continue
            names = np.asarray(list(levels), dtype=object)
            xs = np.asarray(list(levels.values()), dtype=float)
            total = np.zeros_like(xs)
            for p in pieces.get(issue_id, []):
                if p.party == party and p.counted:
                    total = total + p.evaluate(xs, names)
            out[party][issue_id] = {str(n): float(v) for n, v in zip(names, total, strict=True)}
    return out
