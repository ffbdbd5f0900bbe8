"""Terminal tables (rich) of a run's results.  Reads results; never computes them."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:,.3g}" if abs(v) >= 1e4 or (v != 0 and abs(v) < 1e-3) else f"{v:,.3f}"
    return str(v)


def bargaining_table(run) -> Table | None:
    """Predicted deal and payoffs per bargaining model."""
    parties = run.space.parties
    rows = [(n, r.to_dict()) for n, r in run.models.items() if "zone_of_agreement" in r.to_dict()]
    if not rows:
        return None
    unit = run.space.values.unit
    table = Table(title=f"Predicted deals (payoffs in {unit})", show_lines=True)
    table.add_column("model", style="bold")
    table.add_column("agreement")
    for p in parties:
        table.add_column(f"{p} payoff", justify="right")
        table.add_column(f"{p} gain", justify="right")
    for name, d in rows:
        if not d["zone_of_agreement"]:
            table.add_row(name, "[red]no zone of agreement[/red]", *(["-"] * (2 * len(parties))))
            continue
        agreement = ", ".join(f"{k}={_fmt(v)}" for k, v in d["agreement"].items())
        cells = []
        for p in parties:
            cells += [_fmt(d["payoffs"][p]), _fmt(d["gains"][p])]
        table.add_row(name, agreement, *cells)
    d0 = rows[0][1]["disagreement"]
    table.caption = "disagreement payoffs: " + ", ".join(f"{p} {_fmt(v)}" for p, v in d0.items())
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
        table.add_column(f"{p} plays")
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
    n_rows, n_cols = (len(s) for s in d["strategies"].values())
    table.caption = f"{n_rows} × {n_cols} strategies; payoffs in {d['unit']}"
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
    console.print("[dim]Assumptions: " + "; ".join(run.assumptions()) + "[/dim]")
