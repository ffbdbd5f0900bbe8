"""The plain data the HTML report's template shows: the scenario in words, its parameters
and the facts they cite, the deal sheet, each model's own table, the package comparison.

Every function here reads (a loaded scenario, a run, a comparison table, the fact digest)
and returns lists and dicts of strings and numbers; :mod:`sim.render.report` hands them to
the jinja2 template.  Nothing solves.  Fact ids become in-page anchors ``#fact-<id>`` and
parameter paths ``#param-<path>``.
"""

from __future__ import annotations

from typing import Any

from sim.render.names import short_name
from sim.render.tables import _fmt as fmt

__all__ = [
    "comparison_data",
    "deal_sheet_data",
    "fact_rows",
    "frame_data",
    "model_sections",
    "parameter_rows",
    "scenario_data",
]


def _setting_text(settings: dict) -> str:
    return ", ".join(f"{k} = {fmt(v)}" for k, v in settings.items())


def _domain(issue) -> str:
    unit = f" {issue.unit}" if issue.unit else ""
    if issue.kind == "continuous":
        lo, hi = issue.range
        return f"{fmt(lo)} to {fmt(hi)}{unit}"
    return " / ".join(lv.label for lv in issue.level_list()) + (f" ({issue.unit})" if unit else "")


def scenario_data(loaded) -> dict[str, Any]:
    """The scenario in words: parties, issues, no-deal outcome and its dated changes,
    packages and calendar (each item with the fact id it cites, or None)."""
    sc = loaded.scenario
    dis, cal = sc.disagreement, sc.calendar
    dated = [
        *(("round", r, f"{r.proposer} proposes" if r.proposer else "") for r in cal.rounds),
        *(("deadline", d, "") for d in cal.deadlines),
        *(("event", e, "") for e in cal.events),
    ]
    calendar = [
        {
            "date": item.date.isoformat(),
            "what": what,
            "label": item.label,
            "detail": detail,
            "source": item.source,
        }
        for what, item, detail in dated
    ]
    calendar.sort(key=lambda item: item["date"])
    return {
        "id": sc.id,
        "title": sc.title,
        "as_of": sc.as_of.isoformat(),
        "description": sc.description,
        "parties": [
            {"code": p.code, "name": p.name, "description": p.description or ""} for p in sc.parties
        ],
        "issues": [
            {
                "id": i.id,
                "name": i.name,
                "kind": i.kind,
                "domain": _domain(i),
                "controlled_by": i.controlled_by or "",
                "source": i.source,
                "note": i.note or "",
                "no_deal": fmt(dis.outcome.get(i.id)),
            }
            for i in sc.issues
        ],
        "no_deal_note": dis.note or "",
        "adjustments": [
            {"party": p, "value": fmt(q.value), "path": f"disagreement.adjustments.{p}"}
            for p, q in dis.adjustments.items()
        ],
        "changes": [
            {
                "date": c.date.isoformat(),
                "label": c.label,
                "settings": _setting_text(c.outcome),
                "source": c.source,
            }
            for c in dis.changes
        ],
        "packages": [
            {
                "id": p.id,
                "name": p.name or p.id,
                "offered_by": p.offered_by or "",
                "includes": list(p.includes),
                "settings": _setting_text(p.settings),
                "source": p.source,
                "note": p.note or "",
            }
            for p in sc.packages
        ],
        "calendar": calendar,
        "payoff_model": sc.payoffs.model,
        "payoff_note": getattr(sc.payoffs, "note", None) or "",
        "models": sc.models.selected(),
    }


def parameter_rows(quantities) -> list[dict[str, Any]]:
    """One row per number of the scenario (``(path, Quantity)`` pairs, as
    :func:`sim.analysis.parameters.quantities`): value, range, and either the fact it states
    (``source``) or the flag "assumption" (with the fact that motivates it, ``context``)."""
    rows = []
    for path, q in quantities:
        if q.source:
            flag, fact = "source", q.source
        else:
            flag, fact = "assumption", q.context
        rows.append(
            {
                "path": path,
                "value": fmt(q.value),
                "range": f"{fmt(q.range[0])} to {fmt(q.range[1])}" if q.range else "",
                "flag": flag,
                "fact": fact,
                "note": q.note or ("" if q.source or q.range else "default; no source or range"),
            }
        )
    return rows


def _source_text(src) -> str:
    """A source as a reader can find it: the article's file name, or the publication."""
    bits = [src.file] if src.file else []
    bits += [b for b in (src.publication, src.date and src.date.isoformat()) if b]
    if src.cited_in:
        bits.append(f"cited in {src.cited_in}")
    return f"{src.title} ({'; '.join(bits)})" if bits else src.title


def fact_rows(digest, fact_ids) -> list[dict[str, Any]]:
    """The facts cited (``fact_ids``, first citation first), each with its statement, value,
    date and sources; an id missing from the digest is listed as such."""
    rows = []
    for fid in dict.fromkeys(fact_ids):
        try:
            f = digest.get(fid)
        except KeyError:
            rows.append(
                {
                    "id": fid,
                    "statement": "not in the fact digest",
                    "value": "",
                    "date": "",
                    "sources": [],
                    "uncertain": True,
                }
            )
            continue
        value = f"{fmt(f.value)} {f.unit}" if f.value is not None else ""
        rows.append(
            {
                "id": f.id,
                "statement": f.statement,
                "value": value,
                "date": f.date.isoformat() if f.date else "",
                "sources": [_source_text(digest.source(s)) for s in f.sources],
                "uncertain": f.uncertain,
                "note": f.note or "",
            }
        )
    return rows


def frame_data(frame) -> dict[str, Any]:
    """A pandas DataFrame as ``{"columns": [...], "rows": [[...], ...]}`` of strings."""
    import pandas as pd

    def cell(v):
        return "" if v is None or (not isinstance(v, str | dict | list) and pd.isna(v)) else fmt(v)

    cols = [str(c) for c in frame.columns]
    return {"columns": cols, "rows": [[cell(v) for v in row] for row in frame.itertuples(False)]}


def deal_sheet_data(run) -> dict[str, Any] | None:
    """The deal sheet: a column per model that reports an agreement, and "no deal"."""
    deals = run.deals()
    if not deals:
        return None
    sheet = run.deal_sheet()
    labels = []
    for key in sheet.index:
        issue = next((i for i in run.scenario.issues if i.id == key), None)
        labels.append(
            f"{issue.name} ({issue.unit})"
            if issue and issue.unit
            else (issue.name if issue else str(key))
        )
    data = frame_data(sheet)
    data["columns"] = [short_name(c) if c in deals else c for c in data["columns"]]
    data["labels"] = labels
    nd = run.no_deal()
    data["no_deal_at"] = {
        "final": "talks fail for good (every dated change applied)",
        "as_of": f"as of {run.scenario.as_of}",
    }.get(nd.at, f"on {nd.at}")
    return data


def model_sections(run) -> list[dict[str, Any]]:
    """Each model: its status, summary line, notes and its own table (equilibria, offers)."""
    out = []
    for name, res in run.models.items():
        d = res.to_dict()
        summary = res.summary() if callable(getattr(res, "summary", None)) else ""
        frame = res.to_frame() if callable(getattr(res, "to_frame", None)) else None
        out.append(
            {
                "name": name,
                "title": short_name(name),
                "status": d.get("status", ""),
                "reason": d.get("reason") or "",
                "summary": summary,
                "notes": list(d.get("notes") or ()),
                "table": frame_data(frame) if frame is not None and len(frame) else None,
            }
        )
    return out


def comparison_data(table) -> dict[str, Any]:
    """The package comparison's two tables (summary over models, rank by model)."""
    from sim.render.compare_table import package_summary

    summary, ranks = package_summary(table)
    return {"summary": frame_data(summary), "ranks": frame_data(ranks)}
