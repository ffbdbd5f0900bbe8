"""Dynamic models of many draws at once: ``rubinstein``, ``deadline``, ``private_information``.

Each draw's convex Pareto frontier is built without cells (:mod:`sim.analysis.batch_chain`);
on it the model's own equilibrium runs (:func:`sim.bargaining.alternating.rubinstein`,
:func:`sim.bargaining.finite_horizon.deadline`: pure maths on a chain of a few dozen
vertices), the deals behind the equilibrium points are read off the summands, lotteries
resolved together, and Rubinstein's offers are polished on the true trade functions for all
draws together (:func:`sim.bargaining.smooth_batch.polish_pair_batch`, the solver
``sim run`` tries first).  The records are those of the models' results
(:meth:`sim.results.model.ModelResult.to_record`).  A draw the batch cannot settle (see
:mod:`sim.analysis.batch_chain`; an unconverged polish) is returned as None, for the
per-draw path; so is every draw when a drawn number is one the batch does not read.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np

from sim.analysis.batch_chain import Deals, exact_at, hull_chain, tolerance
from sim.analysis.batch_trade import Params

__all__ = ["deadline_batch", "private_information_batch", "rubinstein_batch"]

#: Drawn numbers the batch reads (others of ``calendar.`` or ``models.<name>.``: per draw).
_TIME = ("calendar.discount_rate.", "calendar.breakdown_risk")
_OPTIONS = ("breakdown", "outside_options.", "delta.")
_ADJUSTMENT = re.compile(r"disagreement\.(changes\.\d+\.)?adjustments\.[^.]+")


def _readable(arrays: dict, name: str, options=_OPTIONS) -> bool:
    """Whether the batch reads every drawn number that can change the model's answer: the
    calendar's rates and breakdown risk, the model's own numeric options, the no-deal
    adjustments (payoffs: compiled over draws)."""
    prefix = f"models.{name}."
    return not any(
        (p.startswith("calendar.") and not p.startswith(_TIME))
        or (p.startswith(prefix) and not p[len(prefix) :].startswith(options))
        or (p.startswith("disagreement.") and not _ADJUSTMENT.fullmatch(p))
        for p in arrays
    )


def _time(sc, options, get, name: str, n: int, period_years=None):
    """Per draw: the discounting keywords of the model's solver and the breakdown risk
    (the model's options, else the calendar's), None without discounting."""
    parties, cal = sc.party_codes, sc.calendar
    if options.delta is not None:
        delta = np.column_stack(
            [np.broadcast_to(get(f"models.{name}.delta.{p}", options.delta[p]), n)
             for p in parties]
        )
        time = [{"delta": tuple(row)} for row in delta]
    else:
        if any(p not in cal.discount_rate for p in parties):
            return None
        rates = np.column_stack(
            [np.broadcast_to(get(f"calendar.discount_rate.{p}", cal.discount_rate[p]), n)
             for p in parties]
        )
        extra = {} if period_years is None else {"period_years": period_years}
        time = [{"rates": tuple(r), **extra} for r in rates]
    if options.breakdown is not None:
        brk = get(f"models.{name}.breakdown", options.breakdown)
    elif cal.breakdown_risk is not None:
        brk = get("calendar.breakdown_risk", cal.breakdown_risk)
    else:
        brk = 0.0
    return time, np.broadcast_to(np.asarray(brk, float), (n,))


def _chains(values):
    """``(row, chain)`` of every draw whose utility set is more than one point."""
    tol = tolerance(values)
    for r in range(values.n):
        chain = hull_chain(values, r, float(tol[r]))
        if chain is not None:
            yield r, chain


def _records(sc, model: str, n: int, deals, u, d, extras: dict) -> list:
    """The records of ``n`` draws: those in ``extras`` from their resolved deals (the
    others, None, are left to the per-draw path)."""
    recs: list = [None] * n
    for r, extra in extras.items():
        recs[r] = _record(sc, model, deals.coords.get(r), u[r], d[r], extra)
    return recs


def _record(sc, model: str, coords, u, d, extra: dict) -> dict:
    """One record as the model's result gives it (``coords`` None: no agreement)."""
    rec: dict = {"model": model, "status": "no_agreement" if coords is None else "ok"}
    parties = sc.party_codes
    if coords is not None:
        for j, issue in enumerate(sc.issues):
            c = float(coords[j])
            cont = issue.kind == "continuous"
            rec[f"agreement.{issue.id}"] = round(c, 10) if cont else issue.level_list()[
                round(c)].label
        for i, p in enumerate(parties):
            rec[f"payoff.{p}"] = float(u[i])
    for i, p in enumerate(parties):
        rec[f"disagreement.{p}"] = float(d[i])
    if coords is not None:
        for i, p in enumerate(parties):
            rec[f"gain.{p}"] = float(u[i]) - float(d[i])
    rec.update((k, v) for k, v in extra.items() if not isinstance(v, dict))
    return rec


def rubinstein_batch(sc, values, arrays: dict, disagreement, options) -> list:
    """Records of ``rubinstein`` for every draw (module docstring).

    Parameters
    ----------
    sc : Scenario
        The base scenario (the draws change numbers only).
    values : sim.analysis.batch_values.BatchedValues
    arrays : dict
        Drawn columns (path -> (N,) array).
    disagreement : callable
        ``disagreement(at) -> (N, 2)``: the disagreement points on the interpolant with the
        dated changes up to ``at`` (as :meth:`sim.space.OutcomeSpace.disagreement_point`).
    options : RubinsteinOptions
    """
    from sim.bargaining.alternating import nash_weights_limit, rubinstein
    from sim.bargaining.chain import Frontier
    from sim.models import _frontier as sf

    n = values.n
    parties = sc.party_codes
    if (not _readable(arrays, "rubinstein") or options.outside_options == "adjustments"
            or options.frontier != "convex" or len(parties) != 2):
        return [None] * n
    rounds = sc.calendar.rounds
    first = parties.index(options.first_proposer or (rounds[0].proposer if rounds else None)
                          or parties[0])
    period = options.period_days
    if period is None and len(rounds) >= 2:  # as sim.models._frontier.mean_round_gap_days
        period = (rounds[-1].date - rounds[0].date).days / (len(rounds) - 1)
    get = Params(arrays, n).get
    got = _time(sc, options, get, "rubinstein", n,
                None if period is None else period / sf.DAYS_PER_YEAR)
    if got is None or (options.delta is None and period is None):
        return [None] * n
    time, brk = got
    d = disagreement(options.disagreement_at)
    outside = np.full((n, 2), np.nan)
    for i, p in enumerate(parties):
        q = (options.outside_options or {}).get(p)
        if q is not None:
            outside[:, i] = d[:, i] + get(f"models.rubinstein.outside_options.{p}", q)
    deals = Deals(values)
    extras: dict = {}
    polish: list = []  # (row, chain, core) of exact deals, polished on the true functions
    for r, chain in _chains(values):
        out = [None if np.isnan(v) else float(v) for v in outside[r]]
        try:
            core = rubinstein(Frontier(chain.points), d[r], **time[r], proposer=first,
                              breakdown=float(brk[r]), outside=out)
        except ValueError:
            continue
        if core.agreement:
            no_deal = max(v for v in (core.disagreement[first], core.outside[first])
                          if v is not None)
            if not deals.add(r, chain, core.payoffs, first, float(no_deal)):
                continue
            if r in deals.coords:
                polish.append((r, chain, core))
        hazard = limit = None
        if options.delta is None:  # as the model (Binmore, Rubinstein & Wolinsky 1986)
            p = core.breakdown
            hazard = -math.log1p(-p) * sf.DAYS_PER_YEAR / period if p > 0 else 0.0
            try:
                limit = nash_weights_limit(time[r]["rates"], hazard=hazard)
            except ValueError:
                limit = None
        some = {} if core.agreement else None  # a mapping (not a record column) or None
        extras[r] = {
            "equilibrium_point": some,
            "agreement_round": core.agreement_round,
            "agreement_date": None,
            "deal": some,
            "first_proposer": parties[first],
            "period_days": None if options.delta is not None else period,
            "breakdown": core.breakdown,
            "unique": core.unique,
            "n_equilibria": len(core.equilibria),
            "nash_limit_weights": None if limit is None else {},
            "nash_limit_hazard_per_year": hazard,
        }
    deals.resolve()
    u, d_out = deals.payoffs(), d.copy()
    _polish_offers(sc, values, arrays, d, options.disagreement_at, polish, deals.coords, u,
                   d_out, extras)
    return _records(sc, "rubinstein", n, deals, u, d_out, extras)


def _deadline_setup(sc, options):
    """The model's calendar (as :func:`sim.models.deadline.run`): the rounds still to come,
    the deadline and the dates the no-deal flow changes; None where the model is not run."""
    cal = sc.calendar
    every = sorted([*cal.rounds, *options.extra_rounds], key=lambda r: r.date)
    if options.deadline is not None:
        when = options.deadline
    elif cal.deadlines:
        when = cal.deadlines[0].date
    else:
        return None
    start = {"first_round": every[0].date if every else None, "as_of": sc.as_of}.get(
        options.from_date, options.from_date
    )
    rounds = [r for r in every if start is not None and r.date >= start]
    if not rounds:
        return None
    changes = sorted({c.date for c in sc.disagreement.changes} | {when})
    start_flow = min(changes[0], rounds[0].date) - dt.timedelta(days=1)
    parties = sc.party_codes
    if all(r.proposer is not None for r in rounds) and options.first_proposer is None:
        proposers = [parties.index(r.proposer) for r in rounds]
    else:
        first = parties.index(options.first_proposer or rounds[0].proposer or parties[0])
        proposers = [(first + k) % 2 for k in range(len(rounds))]
    return rounds, when, changes, start_flow, proposers


def deadline_batch(sc, values, arrays: dict, disagreement, options) -> list:
    """Records of ``deadline`` for every draw (parameters as :func:`rubinstein_batch`)."""
    from sim.bargaining.chain import Frontier
    from sim.bargaining.finite_horizon import deadline

    n = values.n
    setup = _deadline_setup(sc, options)
    if (setup is None or not _readable(arrays, "deadline") or options.frontier != "convex"
            or len(sc.party_codes) != 2):
        return [None] * n
    rounds, when, change_dates, start_flow, proposers = setup
    got = _time(sc, options, Params(arrays, n).get, "deadline", n)
    if got is None:
        return [None] * n
    time, brk = got
    d_start = disagreement(start_flow)
    steps = [(c, disagreement(c)) for c in change_dates]
    d_after = disagreement(when)
    dates = [r.date for r in rounds]
    deals = Deals(values)
    extras: dict = {}
    for r, chain in _chains(values):
        try:
            core = deadline(
                Frontier(chain.points), dates, d_before=d_start[r],
                changes=[(c, v[r]) for c, v in steps], deadline_at=when,
                breakdown=float(brk[r]), proposers=proposers, **time[r],
            )
        except ValueError:
            continue
        if core.agreement:
            k0 = core.agreement_round - 1
            i0 = proposers[k0]
            if not deals.add(r, chain, core.offers[k0], i0, float(core.disagreement[k0][i0])):
                continue
        some = {} if core.agreement else None
        expected = None if np.isnan(np.asarray(core.payoffs, float)).any() else {}
        extras[r] = {
            "equilibrium_point": some,
            "agreement_round": core.agreement_round,
            "agreement_date": core.agreement_date,
            "deal": some,
            "expected_payoffs": expected,
            "p_no_deal": core.p_no_deal,
        }
    deals.resolve()
    return _records(sc, "deadline", n, deals, deals.payoffs(), d_after, extras)


def _prior(options, d_j: float, get, r: int):
    """Draw ``r``'s prior over the informed party's reservation payoff (as the model)."""
    from sim.bargaining.screening import DiscretePrior, UniformPrior

    prefix = "models.private_information."

    def at(path, q) -> float:
        v = get(prefix + path, q)
        return float(v[r] if isinstance(v, np.ndarray) else v)

    if options.types is not None:
        types = list(enumerate(options.types))
        return DiscretePrior(
            values=tuple(d_j + at(f"types.{k}.adjustment", t.adjustment) for k, t in types),
            probs=tuple(at(f"types.{k}.probability", t.probability) for k, t in types),
            labels=tuple(t.label for _, t in types),
        )
    u = options.uniform
    return UniformPrior(low=d_j + at("uniform.low", u.low), high=d_j + at("uniform.high", u.high))


def private_information_batch(sc, values, arrays: dict, disagreement, options) -> list:
    """Records of ``private_information`` for every draw (parameters as
    :func:`rubinstein_batch`): the take-it-or-leave-it offer of
    :func:`sim.bargaining.screening.take_it_or_leave_it` on each draw's chain, its deal,
    and whether the two-offer screening plan has a finite answer (the record's
    ``screening`` is None where it has not)."""
    from sim.bargaining.chain import Frontier
    from sim.bargaining.screening import DiscretePrior, screening, take_it_or_leave_it
    from sim.models import _frontier as sf
    from sim.models.private_information import screening_fields, screening_plan

    n = values.n
    parties = sc.party_codes
    prefix = "models.private_information."
    if (not _readable(arrays, "private_information", ("types.", "uniform.", "delta."))
            or (options.types is None and options.uniform is None) or len(parties) != 2):
        return [None] * n
    if options.informed is not None:
        j = parties.index(options.informed)
        i = 1 - j
    else:
        i = parties.index(options.proposer) if options.proposer else 0
        j = 1 - i
    get = Params(arrays, n).get
    rounds = sc.calendar.rounds
    period = options.period_days
    if period is None and len(rounds) >= 2:
        period = (rounds[-1].date - rounds[0].date).days / (len(rounds) - 1)
    dl = None  # per draw: the discount factors between the two offers (None: no screening)
    if options.delta is not None:
        dl = np.column_stack([np.broadcast_to(get(f"{prefix}delta.{p}", options.delta[p]), n)
                              for p in parties])
    elif period is not None and all(p in sc.calendar.discount_rate for p in parties):
        rates = np.column_stack([np.broadcast_to(get(f"calendar.discount_rate.{p}",
                                 sc.calendar.discount_rate[p]), n) for p in parties])
        dl = np.exp(-rates * period / sf.DAYS_PER_YEAR)  # as sf.discount_pair
    d = disagreement(options.disagreement_at)
    deals = Deals(values)
    extras: dict = {}
    for r, chain in _chains(values):
        try:
            prior = _prior(options, float(d[r, j]), get, r)
            tioli = take_it_or_leave_it(Frontier(chain.points), prior, proposer=i,
                                        d_proposer=float(d[r, i]))
        except ValueError:
            continue
        numbers = [tioli.acceptance_probability, *tioli.expected_payoffs, *(tioli.offer or ())]
        if np.isinf(numbers).any():
            continue  # the model reports no finite answer (not run)
        if tioli.deal and not deals.add(r, chain, tioli.offer, i, float(d[r, i])):
            continue
        plan = None
        two = not isinstance(prior, DiscretePrior) or len(prior.values) == 2
        if two and dl is not None and len(chain.points) >= 2:
            try:
                s = screening_plan(Frontier(chain.points), prior, i, j, float(d[r, i]),
                                   dl[r], screening)
                plan = screening_fields(parties, s, [None, None], dl[r])
            except ValueError:
                plan = None
        offer = tioli.offer
        extras[r] = {
            "proposer": parties[i],
            "informed": parties[j],
            "offer": None if offer is None or np.isnan(offer).any() else {},
            "acceptance_probability": float(tioli.acceptance_probability),
            "accepting_types": None if tioli.accepting_types is None else {},
            "expected_payoffs": None if np.isnan(tioli.expected_payoffs).any() else {},
            "equilibrium_point": {} if tioli.deal else None,
            "deal": {} if tioli.deal else None,
            "screening": plan,
        }
    deals.resolve()
    return _records(sc, "private_information", n, deals, deals.payoffs(), d, extras)


def _polish_offers(sc, values, arrays, d, at, polish, coords_of, u_at, d_out, extras) -> None:
    """The offers of the deals in ``polish`` on the true functions (as
    :func:`sim.models._smooth.polish_rubinstein`): updates the deals' coordinates, payoffs
    and disagreement points in place; a draw whose polish does not converge is unsettled."""
    if sc.payoffs.model != "trade" or not sc.payoffs.refine or not polish:
        return
    from sim.payoffs.trade_values import smooth_functions
    from sim.space import OutcomeSpace

    cont = [j for j, i in enumerate(sc.issues) if i.kind == "continuous"]
    smooth = smooth_functions(sc.payoffs, sc.issues, sc.party_codes) if cont else None
    if smooth is None:
        return
    todo = []
    for r, chain, core in polish:
        x0, y0 = np.asarray(core.offer_by_1, float), np.asarray(core.offer_by_2, float)
        pts = chain.points
        t = 1e-9 * max(1.0, float(np.abs(pts).max()))
        x_end, y_end = bool(x0[0] >= pts[-1, 0] - t), bool(y0[1] >= pts[0, 1] - t)
        cx, tx = exact_at(chain, (pts[-1, 0], 0.0) if x_end else x0, True)
        cy, ty = exact_at(chain, (pts[0, 0], 0.0) if y_end else y0, True)
        if tx or ty:
            del extras[r]  # per draw
        elif cx is not None and cy is not None:
            todo.append((r, core, cx, cy, x_end, y_end))
    if not todo:
        return
    from sim.analysis.batch_polish import _Problem
    from sim.bargaining import smooth_batch as sb

    rows = np.array([t[0] for t in todo])
    problems = []
    for k in (2, 3):  # the two offers' discrete settings
        full = np.zeros((values.n, len(sc.issues)))
        full[rows] = np.array([t[k] for t in todo])
        problems.append(
            problems[0].at(values, full) if problems else _Problem(sc, values, arrays, full, smooth)
        )
    no_deal = OutcomeSpace(sc, values=None).disagreement_outcome(at)  # type: ignore[arg-type]
    shift = problems[0].no_deal_shift(values, no_deal)[rows]
    d_ex = d[rows] + shift
    eff = np.array([t[1].effective_delta for t in todo])
    outside = np.array([[np.nan if o is None else o for o in t[1].outside] for t in todo])
    eq = sb.rubinstein(
        d_ex, eff, x_end=[t[4] for t in todo], y_end=[t[5] for t in todo],
        outside=outside + shift,
    )
    z, u, _lam, conv = sb.polish_pair_batch([p.batch(rows) for p in problems], eq)
    for m, (r, core, cx, cy, *_rest) in enumerate(todo):
        if not conv[m]:
            del extras[r]  # the per-draw path: Newton there too, then MINPACK
            continue
        i = core.proposer
        coords = (cx if i == 0 else cy).copy()
        coords[cont] = z[m, i]
        coords_of[r] = coords
        u_at[r] = u[m, i]
        d_out[r] = d_ex[m]
