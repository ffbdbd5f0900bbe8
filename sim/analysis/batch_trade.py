"""The trade payoff model evaluated as arrays over draws.

Vectorised variants of :mod:`sim.payoffs.trade` and :mod:`sim.payoffs.trade_compile`: the
same closed forms (constant-elasticity import demand and export supply, Feenstra 2016,
*Advanced International Trade*, ch. 7; Grossman & Helpman 1994, AER 84(4):833-850 political
weights), but every parameter may be an array with one entry per draw.  The structure of the
model (which sectors, concessions and lobbies exist) is the scenario's; only numbers vary.

:func:`trade_issue_evaluators` gives, per issue, a function ``f(x, rows, names)`` returning
every party's value ``(n_parties, M, q)`` of the settings ``x`` (``(M, q)``) for the draws
``rows`` (``(M,)``), so that many draws' breakpoints are refined together by
:func:`sim.analysis.batch_values.adaptive_breakpoints_batch`.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from sim.errors import Problem, ScenarioError
from sim.payoffs.sector_form import SectorForm
from sim.payoffs.trade_compile import importer_objective, sector_kwargs

__all__ = ["Params", "trade_issue_evaluators"]

#: Values per block of an evaluation (see ``evaluate`` in :func:`trade_issue_evaluators`).
_BLOCK = 16384

Evaluator = Callable[[np.ndarray, np.ndarray, np.ndarray | None], np.ndarray]


class Params:
    """Numbers of a scenario section: a draw's array where the draws change them.

    ``get(path, quantity)`` returns the ``(n,)`` array drawn for ``path``, or the scenario's
    value; every path read is recorded in ``used`` (a column nobody reads sends the draws to
    the per-draw path).
    """

    def __init__(self, arrays: dict[str, np.ndarray], n: int):
        self.arrays = arrays
        self.n = n
        self.used: set[str] = set()

    def get(self, path: str, quantity) -> float | np.ndarray:
        if path in self.arrays:
            self.used.add(path)
            return self.arrays[path]
        return float(quantity.value) if hasattr(quantity, "value") else float(quantity)


def _take(p, rows: np.ndarray):
    """A parameter for the rows of a batch: ``(M, 1)`` for an array, the scalar otherwise."""
    return p[rows][:, None] if isinstance(p, np.ndarray) else p


class _Gather:
    """Numbers with one entry per draw, gathered for the rows of a batch in one indexing.

    ``take(rows)`` gives a dict: the ``(n,)`` arrays of ``numbers`` as ``(M, 1)`` columns
    (one row of a stacked table each), everything else (floats, None) unchanged."""

    def __init__(self, numbers: dict):
        drawn = [k for k, v in numbers.items() if isinstance(v, np.ndarray) and v.ndim == 1]
        self.fixed = {k: v for k, v in numbers.items() if k not in drawn}
        self.drawn = drawn
        self.table = np.stack([numbers[k] for k in drawn]).astype(float) if drawn else None

    def take(self, rows: np.ndarray) -> dict:
        out = dict(self.fixed)
        if self.drawn:
            out.update(zip(self.drawn, self.table[:, rows, None], strict=True))
        return out


#: The fields of a :class:`~sim.payoffs.trade.SectorForm` its methods read.
_CHANGES_READS = (
    "value", "base_tariff", "log_base", "eta", "a", "neg_b", "neg_eps_a", "kappa", "c_buyers",
    "k_buyers", "c_domestic", "k_domestic", "k_exporter", "quota_share", "in_quota_tariff",
    "log_rho_quota",
)  # fmt: skip
_SLOPES_READS = (
    "value", "log_base", "eta", "s_buyers", "m_buyers", "k_revenue", "s_domestic", "m_domestic",
    "s_exporter", "m_exporter",
)  # fmt: skip


def _sector_term(s, form: SectorForm, numbers: dict, col: dict, derivative: bool):
    """A sector's term of an issue evaluator: its importer's objective (with the precedent's
    multiple of it from the reference tariff) and its exporter's surplus, in the order of
    :func:`sim.payoffs.trade_compile.issue_pieces`."""
    # gather only what changes() or slopes() reads: the other fields keep their arrays
    read = _SLOPES_READS if derivative else _CHANGES_READS
    read = tuple(name for name in read if name != "eta" or form.check[3])
    drawn = _Gather({**numbers, **{name: getattr(form, name) for name in read}})
    imp, exp = col.get(s.importer), col.get(s.exporter)
    rent_out = s.quota is not None and s.quota.rent_to == "exporters"
    domestic = numbers["w_imp"] is not None  # only the political weight reads that term

    def sector(x, rows, _names, out):
        k = drawn.take(rows)
        f = form.with_fields({name: k[name] for name in read})
        t = (k["bt"] + x) / 100.0
        if derivative:  # d/dx with x in percentage points: d/dt / 100
            r = {key: v / 100.0 for key, v in f.slopes(t, domestic=domestic).items()}
        else:
            r = f.changes(t, memo=False, domestic=domestic)
        if imp is not None:
            own = importer_objective(s, r, k["w_imp"])
            out[imp] += own
            if "m" in k:
                out[imp] += k["m"] * (own if derivative else own - k["ref"])
        if exp is not None:
            out[exp] += r["exporter"]
            if rent_out:
                out[exp] += r["quota_rent"]
            if k["w_exp"] is not None:
                out[exp] += k["w_exp"] * r["exporter"]

    return sector


def _weight(spec, params: Params, party: str, lobby: str | None):
    if lobby is None or party not in spec.weights:
        return None
    w = spec.weights[party].lobbies.get(lobby)
    return None if w is None else params.get(f"payoffs.weights.{party}.lobbies.{lobby}", w)


def trade_issue_evaluators(
    spec, issues, parties: tuple[str, ...], params: Params, *, derivative: bool = False
) -> dict[str, Evaluator]:
    """Per issue id, the batched value of every party (see the module docstring).

    Mirrors :func:`sim.payoffs.trade_compile.issue_pieces` term by term: sectors (importer
    welfare, exporter surplus, political weights on organised surplus), purchases (seller's
    margin, buyer's premium, seller lobby), lump concessions and election premia.

    ``derivative=True`` gives instead each value's derivative with respect to the issue's
    value (per percentage point for a tariff), in closed form term by term as
    :meth:`sim.payoffs.trade_compile.IssueValue.derivative` (:func:`sim.payoffs.trade.
    sector_slopes`; an election premium's ramp has slope ``value / (full_at - zero_at)``
    strictly inside it, 0 outside).  Sectors with a tariff-rate quota have no derivative
    (their terms are kinked): the caller checks
    :func:`sim.payoffs.trade_values.smooth_functions` first.
    """
    from sim.scenario.trade_payoffs import PurchaseConcession

    col = {p: i for i, p in enumerate(parties)}
    terms: dict[str, list[Callable]] = {i.id: [] for i in issues}
    pre = "payoffs"

    for name, s in spec.sectors.items():
        base = f"{pre}.sectors.{name}"
        kw = sector_kwargs(s, lambda path, q, base=base: params.get(f"{base}.{path}", q))
        bt = kw.pop("base_pct")
        form = SectorForm.of(**kw)
        w_imp = _weight(spec, params, s.importer, s.importer_lobby)
        ref = None if spec.precedent is None else spec.precedent.sectors.get(name)
        numbers = {
            "bt": bt,
            "w_imp": w_imp,
            "w_exp": _weight(spec, params, s.exporter, s.exporter_lobby),
        }
        if ref is not None:
            numbers["m"] = params.get(f"{pre}.precedent.multiplier", spec.precedent.multiplier)
            if not derivative:  # the reference tariff's term: a constant per draw
                numbers["ref"] = importer_objective(s, form.changes((bt + ref) / 100.0), w_imp)
        terms[s.issue].append(_sector_term(s, form, numbers, col, derivative))

    for name, c in spec.concessions.items():
        base = f"{pre}.concessions.{name}"
        if isinstance(c, PurchaseConcession):
            per_unit = params.get(f"{base}.mt_per_unit", c.mt_per_unit)
            price = params.get(f"{base}.price_usd_per_t", c.price_usd_per_t)
            margin = params.get(f"{base}.seller_margin", c.seller_margin)
            premium = params.get(f"{base}.buyer_premium", c.buyer_premium)
            gains = [
                (c.seller, per_unit * price * margin / 1000.0),
                (c.buyer, -(per_unit * price * premium / 1000.0)),
            ]
            w = _weight(spec, params, c.seller, c.seller_lobby)
            if w is not None:
                gains.append((c.seller, w * gains[0][1]))
        else:
            gains = []
            for party, g in c.gains.items():
                gv = params.get(f"{base}.gains.{party}", g)
                gains.append((party, gv))
                w = _weight(spec, params, party, c.lobbies.get(party))
                if w is not None:
                    gains.append((party, w * gv))

        def linear(x, rows, _names, out, gains=gains):
            for party, g in gains:
                if party in col:
                    out[col[party]] += _take(g, rows) * (np.ones_like(x) if derivative else x)

        terms[c.issue].append(linear)

    for party, pw in spec.weights.items():
        for k, e in enumerate(pw.election_premium):
            v = params.get(f"{pre}.weights.{party}.election_premium.{k}.value", e.value)

            def premium(x, rows, names, out, e=e, v=v, party=party):
                if party not in col:
                    return
                if e.levels is not None:
                    if derivative:  # set by level names: a step, no slope
                        return
                    hit = np.isin(np.asarray(names, dtype=object), np.asarray(e.levels, object))
                    out[col[party]] += _take(v, rows) * hit.astype(float)
                elif derivative:  # one-sided at the ramp's ends: 0 outside
                    z, f = e.zero_at, e.full_at
                    inside = (x > min(z, f)) & (x < max(z, f))
                    out[col[party]] += _take(v, rows) * np.where(inside, 1.0 / (f - z), 0.0)
                else:
                    z, f = e.zero_at, e.full_at
                    out[col[party]] += _take(v, rows) * np.clip((x - z) / (f - z), 0.0, 1.0)

            terms[e.issue].append(premium)

    _check_caps(spec, issues, params)

    def make(issue_terms):
        def evaluate(x, rows, names=None):
            x = np.asarray(x, dtype=float)
            out = np.zeros((len(parties), *x.shape))
            # blocks of rows: every value is elementwise, so the same numbers, but the
            # temporaries of a block stay in the CPU's cache (twice as fast on large batches)
            step = max(1, _BLOCK // x[0].size) if x.ndim == 2 and len(x) else max(len(x), 1)
            for start in range(0, len(x), step):
                block = slice(start, start + step)
                for term in issue_terms:
                    term(x[block], rows[block], names, out[:, block])
            return out

        return evaluate

    return {issue_id: make(t) for issue_id, t in terms.items()}


def _check_caps(spec, issues, params: Params) -> None:
    """A purchase's largest level times ``mt_per_unit`` may not exceed ``max_extra_mt``."""
    by_id = {i.id: i for i in issues}
    for name, c in spec.concessions.items():
        cap = getattr(c, "max_extra_mt", None)
        issue = by_id.get(c.issue)
        if cap is None or issue is None or issue.kind == "continuous":
            continue
        base = f"payoffs.concessions.{name}"
        top = max(lv.value for lv in issue.level_list())
        vol = top * np.asarray(params.get(f"{base}.mt_per_unit", c.mt_per_unit))
        limit = np.asarray(params.get(f"{base}.max_extra_mt", cap))
        bad = np.broadcast_to(vol > limit + 1e-12, (params.n,))
        if bad.any():
            raise ScenarioError(
                [
                    Problem(
                        None,
                        None,
                        f"{base}.mt_per_unit",
                        f"draw {int(np.flatnonzero(bad)[0])}: a level of {c.issue!r} exceeds "
                        "max_extra_mt",
                    )
                ]
            )
