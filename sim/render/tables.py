"""Terminal output (rich) of a run, driven by the registry and the result protocol.

:func:`print_run` prints the deal sheet (one column per model that reports an agreement,
:meth:`sim.results.RunResult.deals`), then for each model with a ``TABLE`` in the registry
its own table (a function of this module named there), and for every other model its
``summary()`` line.  Reads results; never computes them.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from sim.render.names import short_name


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if abs(v) < 5e-13:
            v = 0.0
        if abs(v) >= 1e5:
            return f"{v:,.4g}"
        return f"{v:,.3f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:,.0f}"
    if v is None:
        return "-"
    return str(v)


def deal_sheet(run) -> Table | None:
    """The deal sheet: one column per model that reports an agreement, one row per issue,
    then each party's payoff and gain over that model's no-deal point, and "no deal"."""
    deals = run.deals()
    if not deals:
        return None
    nd = run.no_deal()

    def cells(get) -> list[str]:
        return [_fmt(get(d)) if d["status"] == "ok" else "-" for d in deals.values()]

    rows = []
    for issue in run.scenario.issues:
        unit_txt = " %" if issue.unit == "%" else ""
        row = cells(lambda d, i=issue.id: (d["agreement"] or {}).get(i))
        rows.append([f"{issue.id}{unit_txt}", *row, _fmt(nd.outcome.get(issue.id))])
    rows.append(None)  # a rule between the deals and the payoffs
    for p in run.parties:
        row = cells(lambda d, p=p: (d.get("payoffs") or {}).get(p))
        rows.append([f"{p} payoff", *row, _fmt(nd.payoffs.get(p))])
    for p in run.parties:
        rows.append([f"{p} gain", *cells(lambda d, p=p: (d.get("gains") or {}).get(p)), ""])
    table = Table(
        title=f"Predicted deals (payoffs in {run.unit})",
        box=box.SIMPLE_HEAD,
        padding=0,  # the box puts one space between columns: a column per model fits 100
        show_edge=False,
    )
    heads = ["", *(short_name(n) for n in deals), "no deal"]
    for k, head in enumerate(heads):
        # a column is never narrower than its numbers; long headers wrap at spaces
        width = max([len(r[k]) for r in rows if r] + [len(w) for w in head.split()])
        table.add_column(
            head,
            justify="left" if k == 0 else "right",
            style="bold" if k == 0 else ("dim" if k == len(heads) - 1 else None),
            no_wrap=k == 0,
            min_width=width,
        )
    for row in rows:
        if row is None:
            table.add_section()
        else:
            table.add_row(*row)
    when = {
        "final": "talks fail for good (every dated change applied)",
        "as_of": f"as of {run.scenario.as_of}",
    }.get(nd.at, f"on {nd.at}")
    captions = [f"no deal: {when}; gains are over each model's own no-deal point"]
    ats = {str((d.get("options") or {}).get("disagreement_at", nd.at)) for d in deals.values()}
    if len(ats) > 1:
        captions.append("[yellow]the models bargain against different no-deal dates[/yellow]")
    if any(d["status"] == "no_agreement" for d in deals.values()):
        captions.append(
            "[red]no agreement for some models: no outcome beats no deal for both[/red]"
        )
    table.caption = "\n".join(captions)
    return table


def strategic_table(result) -> Table:
    """Every Nash equilibrium of the strategic game."""
    d = result.to_dict()
    table = Table(
        title=f"Strategic game: {len(d['equilibria'])} Nash equilibri"
        f"{'um' if len(d['equilibria']) == 1 else 'a'} "
        f"({'complete' if d['complete'] else 'NOT a complete list'}; {d['method']})",
        show_lines=True,
    )
    table.add_column("#", justify="right")
    for p in d["players"]:
        table.add_column(f"{p} plays", overflow="fold")
    for p in d["players"]:
        table.add_column(f"{p} payoff", justify="right")
    table.add_column("Pareto-dominated")
    for k, eq in enumerate(d["equilibria"], 1):
        plays = [
            ", ".join(
                name if abs(prob - 1) < 1e-9 else f"{name} ({prob:.2f})"
                for name, prob in eq["strategies"][p].items()
            )
            for p in d["players"]
        ]
        pays = [_fmt(eq["payoffs"][p]) for p in d["players"]]
        table.add_row(str(k), *plays, *pays, "yes" if eq["pareto_dominated"] else "no")
    sizes = " × ".join(str(len(s)) for s in d["strategies"].values())
    table.caption = f"{sizes} strategies; payoffs in {d['unit']}"
    return table


def _says_more(res) -> bool:
    """Whether the result's ``summary()`` says more than the deal sheet shows (a model's own
    summary, not the protocol's restatement of the deal, ``ModelResult.summary``)."""
    summary = getattr(type(res), "summary", None)
    return getattr(summary, "__qualname__", "") != "ModelResult.summary"


def _summary(res) -> str:
    summary = getattr(res, "summary", None)
    return summary() if callable(summary) else ""


def print_run(run, console: Console | None = None) -> None:
    """Print a run: the deal sheet, then each model's own table (``TABLE``) or its summary
    line (for a model in the sheet, only if its result has a summary of its own), then the
    assumptions."""
    from sim import registry

    console = console or Console()
    sc = run.scenario
    console.print(f"[bold]{sc.title}[/bold]  ({sc.id}, as of {sc.as_of})")
    sheet = deal_sheet(run)
    if sheet is not None:
        console.print(sheet)
    in_sheet = set(run.deals())
    for name, res in run.models.items():
        status = res.to_dict().get("status")
        fn = registry.table(name) if status != "not_run" else None
        if fn is not None:
            console.print(globals()[fn](res))
            for note in getattr(res, "notes", ()):
                console.print(f"  note: {note}")
        elif name not in in_sheet or _says_more(res):
            console.print(f"[bold]{name}[/bold]: {_summary(res)}")
    console.print("[bold]Assumptions[/bold]")
    for line in run.assumptions():
        console.print(f"  - {line}", style="dim")
