"""The timeline figure: the talks from their start (the first round or the scenario's as-of
date) to the last deadline or dated no-deal change, in three panels sharing one date axis.

1. *Calendar*: the rounds (who proposes; rounds before the as-of date hollow), the
   deadlines, the calendar's events, the dated no-deal changes (``disagreement.changes``,
   with what changes) and the as-of date, each labelled; labels of nearby dates are moved
   apart so that none overlap.
2. *Predicted agreement*: one lane per dynamic model that ran (``deadline``,
   ``rubinstein``, ``private_information``), with the round and date at which it agrees as
   the model reports them (a model without calendar dates is drawn at the as-of date and
   says so).
3. *Payoffs*: one payoff axis, each party's no-deal payoff over time as a step line (the
   run's ``no_deal_path``) and each model's deal payoffs at its agreement date.

Reads the scenario's calendar (data, not a solution), the run's ``no_deal_path`` and the
models' ``to_dict()``; it never solves.
"""

from __future__ import annotations

import datetime as dt
import textwrap

import numpy as np

from sim.render.names import short_name

__all__ = ["DYNAMIC", "timeline"]

#: The models drawn in the agreement panel, in lane order (top to bottom).
DYNAMIC = ("deadline", "rubinstein", "private_information")
PARTY_COLORS = ("tab:blue", "tab:red", "tab:green", "tab:orange")
MODEL_MARKERS = {"deadline": "*", "rubinstein": "D", "private_information": "s"}
#: Line style and marker of each kind of dated item; a date with several kinds is drawn in
#: the style of the first kind of this order.
KINDS = {
    "change": ({"color": "tab:red", "ls": ":", "lw": 1.6}, "X"),
    "deadline": ({"color": "black", "ls": "--", "lw": 1.5}, "v"),
    "as_of": ({"color": "tab:blue", "ls": "-", "lw": 1.2}, ">"),
    "round": ({"color": "0.55", "ls": "-", "lw": 0.7}, "o"),
    "event": ({"color": "0.6", "ls": "-.", "lw": 0.9}, "d"),
}
#: Most dated items labelled on the calendar panel.
MAX_ITEMS = 40
FONT = 7  # points
WRAP = 44  # characters a label line
GAP = 2.0  # points between a date and its label, and between labels
#: Left and right edges of the panels (figure fractions) and the figure's width (inches).
LEFT, RIGHT, WIDTH = 0.09, 0.76, 11.0


def _usable(run, name: str) -> dict | None:
    res = run.models.get(name)
    if res is None:
        return None
    d = res.to_dict()
    return None if d.get("status") == "not_run" or d.get("configured") is False else d


def _date(s) -> dt.date | None:
    return dt.date.fromisoformat(s) if isinstance(s, str) else s


def _setting(v) -> str:
    return f"{v:g}" if isinstance(v, float | int) else str(v)


def _items(run, dl: dict | None) -> list[tuple[dt.date, str, str, bool]]:
    """Every dated item: ``(date, kind, label, filled)``, by date."""
    sc = run.scenario
    cal = sc.calendar
    out = [(sc.as_of, "as_of", f"as of {sc.as_of} (what the scenario knows)", True)]
    seen = set()
    for r in cal.rounds:
        who = f", {r.proposer} proposes" if r.proposer else ""
        past = "; before as-of, no deal" if r.date < sc.as_of else ""
        out.append((r.date, "round", f"{r.label}{who}{past}", r.date >= sc.as_of))
        seen.add((r.date, r.label))
    for r in (dl or {}).get("offer_path") or []:  # the deadline model's extra rounds
        when = _date(r["date"])
        if (when, r.get("label")) not in seen:
            label = f"{r.get('label') or 'round'}, {r['proposer']} proposes (deadline model)"
            out.append((when, "round", label, True))
    out += [(d.date, "deadline", f"deadline: {d.label}", True) for d in cal.deadlines]
    out += [(e.date, "event", e.label, True) for e in cal.events]
    for c in sc.disagreement.changes:
        what = [f"{k} \u2192 {_setting(v)}" for k, v in c.outcome.items()]
        what += [f"{p} {q.value:+g} {run.unit}" for p, q in c.adjustments.items()]
        out.append((c.date, "change", f"no deal from here: {c.label}: {', '.join(what)}", True))
    return sorted(out[: MAX_ITEMS + 1], key=lambda it: (it[0], list(KINDS).index(it[1])))


def _agreements(run) -> list[tuple[str, dict, dt.date | None, str]]:
    """``(model, to_dict, date, text)`` of each dynamic model that ran, in lane order."""
    out = []
    for name in DYNAMIC:
        d = _usable(run, name)
        if d is None:
            continue
        when = _date(d.get("agreement_date"))
        rnd = d.get("agreement_round")
        if d.get("status") == "no_agreement" or (d.get("status") == "ok" and not d.get("payoffs")):
            text = f"{short_name(name)}: no agreement"
        elif d.get("status") != "ok":
            text = f"{short_name(name)}: {d.get('status')} ({d.get('reason') or 'no reason'})"
        elif name == "private_information":
            acc = (d.get("screening") or {}).get("acceptance_probabilities") or {}
            text = (
                f"private info: {d.get('proposer')}'s first offer accepted with probability "
                f"{acc.get('early', d.get('acceptance_probability', 0)):.2f}, the second "
                f"{acc.get('late', 0):.2f}, never {acc.get('never', 0):.2f} (rounds not dated)"
            )
        else:
            who = d.get("first_proposer") or next(
                (r["proposer"] for r in d.get("offer_path") or [] if r.get("round") == rnd), ""
            )
            at = f" on {when}" if when else " (the model has no calendar dates)"
            text = f"{short_name(name)}: agreement in round {rnd}{at}, {who} proposes"
        out.append((name, d, when, text))
    return out


def _span(dates: list[dt.date]) -> tuple[dt.date, dt.date]:
    lo, hi = min(dates), max(dates)
    pad = dt.timedelta(days=max(2, round(0.04 * (hi - lo).days)))
    return lo - pad, hi + pad


def timeline(run, ax=None):
    """The talks from their start to the last deadline: calendar, each dynamic model's
    agreement, and the no-deal payoffs over time (see the module's docstring).

    Parameters
    ----------
    run : sim.results.RunResult
    ax : ignored
        The figure has three panels of its own; kept for the plots' common signature.

    Returns
    -------
    matplotlib.figure.Figure or None
        None when none of the dynamic models ran.
    """
    from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
    from matplotlib.figure import Figure

    models = _agreements(run)
    if not models:
        return None
    dl = next((d for name, d, _, _ in models if name == "deadline"), None)
    items = _items(run, dl)
    path = [(_date(nd.at), nd.payoffs) for nd in run.no_deal_path]
    dates = [it[0] for it in items] + [w for _, _, w, _ in models if w] + [w for w, _ in path]
    x0, x1 = _span(dates)
    groups: dict[dt.date, list] = {}
    for when, kind, label, filled in items:
        groups.setdefault(when, []).append((kind, label, filled))
    lines = {
        w: [ln for _, lab, _ in g for ln in textwrap.wrap(lab, WRAP)] for w, g in groups.items()
    }
    order = sorted(groups)
    offsets, x1 = _label_offsets(
        order, [_height(lines[w]) for w in order], x0, x1, (RIGHT - LEFT) * WIDTH * 72
    )
    top_h = 0.5 + FONT * 0.66 / 72 * min(WRAP, max(len(s) for v in lines.values() for s in v))
    fig = Figure(figsize=(WIDTH, top_h + 0.45 * len(models) + 3.4))
    cal, lanes, pay = fig.subplots(
        3, 1, sharex=True, height_ratios=[top_h, 0.2 + 0.45 * len(models), 2.6]
    )
    fig.subplots_adjust(left=LEFT, right=RIGHT, top=0.94, bottom=0.07, hspace=0.22)
    for when, g in groups.items():  # across the lower panels; a tick on the calendar
        style, _ = KINDS[g[0][0]]
        for ax_ in (lanes, pay):
            ax_.axvline(when, zorder=1, **style)
        cal.plot([when, when], [0, 0.06], zorder=1, **style)
    pay.set_xlim(x0, x1)
    _draw_calendar(cal, groups, lines, offsets)
    _draw_lanes(lanes, models, run.scenario.as_of, (x0, x1))
    _draw_payoffs(pay, run, models, path, x1)
    loc = AutoDateLocator()
    pay.xaxis.set_major_locator(loc)
    pay.xaxis.set_major_formatter(ConciseDateFormatter(loc))
    title = f"{run.scenario.title}: the talks from {min(dates)} to {max(dates)}"
    fig.suptitle("\n".join(textwrap.wrap(title, 90)), fontsize=10)
    return fig


def _label_offsets(dates, heights, x0: dt.date, x1: dt.date, width_pt: float):
    """Offsets (points, from each date) of the centres of labels ``heights`` points across,
    each right of its date and of the previous label (dates in order), and the axis end
    ``x1`` moved right until the last label fits."""
    for _ in range(8):
        per_day = width_pt / (x1 - x0).days
        offsets, last = [], -1e9
        for when, h in zip(dates, heights, strict=True):
            at = (when - x0).days * per_day
            left = max(at + GAP, last + GAP)
            offsets.append(left + h / 2 - at)
            last = left + h
        if last + GAP <= width_pt:
            break
        x1 = x0 + dt.timedelta(days=int(np.ceil((last + GAP) / per_day)))
    return offsets, x1


def _draw_calendar(ax, groups, lines, offsets) -> None:
    """One marker and one vertical label per date, at the offsets of :func:`_label_offsets`
    (labels keep the dates' order, so a label moved right still reads as its date's)."""
    ax.set_ylim(0, 1)
    ax.set_yticks([])
    ax.set_ylabel("calendar", fontsize=8)
    for (when, g), shift in zip(sorted(groups.items()), offsets, strict=True):
        kind, _, filled = g[0]
        style, marker = KINDS[kind]
        ax.scatter([when], [0.03], marker=marker, s=40, zorder=3, color=style["color"],
                   facecolor=style["color"] if filled else "white", clip_on=False)  # fmt: skip
        ax.annotate(
            "\n".join(lines[when]),
            (when, 0.07),
            xytext=(shift, 0),
            textcoords="offset points",
            rotation=90,
            rotation_mode="anchor",
            ha="left",
            va="center",
            fontsize=FONT,
            color="black" if kind in ("deadline", "change", "as_of") else "0.25",
        )


def _height(lines) -> float:
    """Points across a vertical label of ``lines``."""
    return FONT * 1.3 * len(lines)


def _draw_lanes(ax, models, as_of: dt.date, span) -> None:
    """One lane per dynamic model: a marker at its agreement date and what it says."""
    ax.set_ylim(len(models) - 0.5, -0.5)
    ax.set_yticks(range(len(models)), [short_name(n) for n, *_ in models], fontsize=8)
    ax.tick_params(axis="y", length=0)
    for k, (name, d, when, text) in enumerate(models):
        at = when or as_of
        ok = d.get("status") == "ok" and d.get("payoffs")
        ax.scatter([at], [k], marker=MODEL_MARKERS[name] if ok else "x", s=70, color="black",
                   zorder=3)  # fmt: skip
        right = (at - span[0]) > 0.6 * (span[1] - span[0])
        ax.annotate("\n".join(textwrap.wrap(text, 75)), (at, k), xytext=(-8 if right else 8, 0),
                    textcoords="offset points", va="center", ha="right" if right else "left",
                    fontsize=FONT)  # fmt: skip
    ax.set_title("predicted agreement (round and date as each model reports them)",
                 fontsize=8, loc="left")  # fmt: skip


def _draw_payoffs(ax, run, models, path, end: dt.date) -> None:
    """Each party's no-deal payoff over time (steps) and each model's deal payoffs."""
    colors = dict(zip(run.parties, PARTY_COLORS, strict=False))
    as_of = run.scenario.as_of
    for p in run.parties:
        xs = [w for w, _ in path] + [end]
        ys = [v[p] for _, v in path]
        ax.step(xs, ys + ys[-1:], where="post", color=colors[p], lw=2,
                label=f"{p} payoff with no deal")  # fmt: skip
        for w, v in path:
            ax.annotate(f"{v[p]:.2f}", (w, v[p]), xytext=(3, 3), textcoords="offset points",
                        fontsize=FONT, color=colors[p])  # fmt: skip
    for name, d, when, _ in models:
        pay = d.get("payoffs") or {}
        if d.get("status") != "ok" or not all(p in pay for p in run.parties):
            continue
        where = "" if when else " (undated: at as-of)"
        for p in run.parties:
            ax.scatter([when or as_of], [pay[p]], marker=MODEL_MARKERS[name], s=80,
                       color=colors[p], edgecolor="black", linewidth=0.6, zorder=4)  # fmt: skip
        ax.scatter([], [], marker=MODEL_MARKERS[name], s=80, color="white", edgecolor="black",
                   label=f"{short_name(name)} deal{where}")  # fmt: skip
    ax.set_ylabel(f"payoff ({run.unit})")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=FONT, loc="upper left", bbox_to_anchor=(1.01, 1.0), borderaxespad=0)
