"""Terminal tables (rich) of ``sim explain``.  Reads a :class:`sim.payoffs.breakdown.Explanation`;
never computes it."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.table import Table


def _num(v: float) -> str:
    return f"{v + 0.0:+,.3f}"


def outcome_table(explanation, k: int) -> Table:
    """Rows of one explained outcome: party, item, component, value, inputs and sources."""
    o = explanation.outcomes[k]
    table = Table(
        title=f"{o.label}: payoff build-up ({explanation.unit})",
        caption=", ".join(f"{key}={value}" for key, value in o.outcome.items()),
        show_lines=False,
    )
    table.add_column("party", style="bold", no_wrap=True)
    table.add_column("item", no_wrap=True)
    table.add_column("component")
    table.add_column(explanation.unit, justify="right", no_wrap=True)
    table.add_column("inputs and sources", style="dim", overflow="fold")
    last = None
    shown: tuple[str, str, str] | None = None
    for r in sorted(
        o.rows,
        key=lambda r: (
            explanation.parties.index(r.party)
            if r.party in explanation.parties
            else len(explanation.parties)
        ),
    ):
        if last is not None and r.party != last:
            table.add_section()
        last = r.party
        value = _num(r.value)
        if not r.counted:
            value = f"[italic]({value})[/italic]"
        key = (r.party, r.item, r.inputs)
        inputs = "〃" if key == shown else escape(r.inputs)  # same inputs as the row above
        shown = key
        table.add_row(r.party, escape(r.item), escape(r.component), value, inputs)
    return table


def totals_table(explanation) -> Table:
    """Per party: welfare, political and total payoff in each outcome, side by side."""
    table = Table(title=f"Totals ({explanation.unit}; memo rows in brackets are not counted)")
    table.add_column("party", style="bold")
    table.add_column("part")
    for o in explanation.outcomes:
        table.add_column(o.label, justify="right")
    totals = [o.totals() for o in explanation.outcomes]
    parts = (
        ("welfare", "political", "objective")
        if explanation.payoff_model == "trade"
        else ("objective",)
    )
    diff = getattr(explanation, "difference", None)
    if diff is not None:
        table.add_column("vs. status quo", justify="right")
    for p in explanation.parties:
        for part in parts:
            cells = [_num(t.get(p, {}).get(part, 0.0)) for t in totals]
            name = "payoff" if part == "objective" else part
            if diff is not None:
                cells.append(_num(diff.get(p, 0.0)) if part == "objective" else "")
            table.add_row(p, name, *cells, style="bold" if part == "objective" else None)
        table.add_section()
    return table


def notes_table(explanation) -> Table:
    """Every number that cites no fact ("no fact: see note") with its note."""
    table = Table(title=f"Numbers with no fact: their notes ({len(explanation.notes)})")
    table.add_column("number (scenario path)", overflow="fold", ratio=2)
    table.add_column("note", overflow="fold", ratio=3)
    for path, note in explanation.notes.items():
        table.add_row(escape(path), escape(note))
    return table


def print_explanation(
    explanation, console: Console | None = None, *, notes: bool = False
) -> None:
    """Print every outcome's table, then the totals side by side (``notes``: the notes of
    the numbers that cite no fact instead)."""
    console = console or Console()
    if notes:
        console.print(notes_table(explanation))
        return
    console.print(
        f"[bold]{explanation.scenario_id}[/bold]: payoff model "
        f"[bold]{explanation.payoff_model}[/bold]"
    )
    for k in range(len(explanation.outcomes)):
        console.print(outcome_table(explanation, k))
    console.print(totals_table(explanation))
