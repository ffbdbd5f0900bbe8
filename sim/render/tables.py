"""Terminal tables (rich) of a run's results.  Reads results; never computes them."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        if abs(v) < 5e-13:
            v = 0.0
        if abs(v) >= 1e5:
            return f"{v:,.4g}"
        return f"{v:,.3f}".rstrip("0").rstrip(".") if v != int(v) else f"{v:,.0f}"
    return str(v)


SHORT = {
    "nash_bargaining": "Nash",
    "kalai_smorodinsky": "KS",
    "utilitarian": "utilitarian",
    "egalitarian": "egalitarian",
}


def bargaining_table(run) -> Table | None:
    """The deal sheet: one column per bargaining model, one row per issue and payoff."""
    parties = run.space.parties
    rows = [(n, r.to_dict()) for n, r in run.models.items() if "zone_of_agreement" in r.to_dict()]
    if not rows:
        return None
    unit = run.space.values.unit
    table = Table(title=f"Predicted deals (payoffs in {unit})", show_lines=False)
    table.add_column("", style="bold", no_wrap=True)
    for name, _ in rows:
        table.add_column(SHORT.get(name, name), justify="right")
    table.add_column("no deal", justify="right", style="dim")
    at, dis_outcome, dis_pay = run.no_deal()
    for issue in run.space.issues:
        cells = []
        for _, d in rows:
            cells.append(_fmt(d["agreement"][issue.id]) if d["zone_of_agreement"] else "-")
        unit_txt = " %" if issue.unit == "%" else ""
        table.add_row(f"{issue.id}{unit_txt}", *cells, _fmt(dis_outcome[issue.id]))
    table.add_section()
    for p in parties:
        cells = [_fmt(d["payoffs"][p]) if d["zone_of_agreement"] else "-" for _, d in rows]
        table.add_row(f"{p} payoff", *cells, _fmt(dis_pay[p]))
    for p in parties:
        cells = [_fmt(d["gains"][p]) if d["zone_of_agreement"] else "-" for _, d in rows]
        table.add_row(f"{p} gain", *cells, "")
    when = {
        "final": "talks fail for good (every dated change applied)",
        "as_of": f"as of {run.scenario.as_of}",
    }.get(at, f"on {at}")
    captions = [f"no deal: {when}; gains are over each model's own no-deal point"]
    if len({str(d["options"].get("disagreement_at")) for _, d in rows}) > 1:
        captions.append("[yellow]the models bargain against different no-deal dates[/yellow]")
    if not all(d["zone_of_agreement"] for _, d in rows):
        captions.append("[red]no zone of agreement: no outcome beats no deal for both[/red]")
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


def print_run(run, console: Console | None = None) -> None:
    """Print a run's summary: predicted deals, equilibria, other models, assumptions."""
    console = console or Console()
    sc = run.scenario
    console.print(f"[bold]{sc.title}[/bold]  ({sc.id}, as of {sc.as_of})")
    table = bargaining_table(run)
    if table is not None:
        console.print(table)
    if "strategic" in run.models:
        console.print(strategic_table(run.models["strategic"]))
        for note in run.models["strategic"].notes:
            console.print(f"  note: {note}")
    for name, res in run.models.items():
        d = res.to_dict()
        if name == "strategic" or "zone_of_agreement" in d:
            continue
        summary = getattr(res, "summary", None)
        console.print(f"[bold]{name}[/bold]: {summary() if callable(summary) else ''}")
    console.print("[bold]Assumptions[/bold]")
    for line in run.assumptions():
        console.print(f"  - {line}", style="dim")
