"""Terminal tables of a package comparison (fit 100 columns); they read the table only."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

__all__ = ["comparison_tables", "print_comparison"]

#: Short model names for the rank table's columns.
SHORT = {
    "nash_bargaining": "Nash",
    "kalai_smorodinsky": "KS",
    "utilitarian": "Util",
    "egalitarian": "Egal",
    "strategic": "Strat",
    "rubinstein": "Rubin",
    "deadline": "Dead",
    "private_information": "PrivI",
    "two_level": "2-lvl",
    "game_tree": "Tree",
}


def _num(v, fmt: str = "{:.2f}") -> str:
    import pandas as pd

    if v is None or pd.isna(v):
        return "–"
    return fmt.format(v)


def comparison_tables(table, *, limit: int = 20) -> list[Table]:
    """A summary per package (best first) and the rank of each package under each model.

    With more than ``limit`` packages only the ``limit`` best are shown (by mean rank).
    """
    central = table[table["draw"].isna()]
    ran = central[central["status"] != "not_run"]
    models = list(dict.fromkeys(central["model"]))
    per = ran.groupby("package", sort=False)
    mean_rank = per["rank"].mean().sort_values()
    order = list(mean_rank.index) + [p for p in dict.fromkeys(central["package"])
                                     if p not in mean_rank.index]  # fmt: skip
    shown = order[:limit]
    first = central.drop_duplicates("package").set_index("package")
    sampled = "share_first" in central
    giver = first["giver"].iloc[0] if len(first) else ""
    summary = Table(
        title=f"Packages offered by {giver}: cost, relief bought, acceptance (over models)",
        title_style="bold",
        caption=None if len(order) <= limit else f"{len(order) - limit} more in comparison.csv",
    )
    summary.add_column("package", overflow="fold", max_width=26)
    summary.add_column("cost", justify="right")
    summary.add_column("value", justify="right")
    summary.add_column("relief pp", justify="right")
    summary.add_column("accept", justify="right")
    summary.add_column("effic.", justify="right")
    summary.add_column("first", justify="right")
    if sampled:
        summary.add_column("P(first)", justify="right")
        summary.add_column("P(eff.)", justify="right")
    n = central["model"].nunique()
    for pid in shown:
        rows = ran[ran["package"] == pid]
        rel = rows["relief"].dropna()
        relief = (
            "–"
            if rel.empty
            else (
                f"{rel.min():.1f}" if rel.min() == rel.max() else f"{rel.min():.1f}–{rel.max():.1f}"
            )
        )
        cells = [
            pid,
            _num(first.loc[pid, "cost"]),
            _num(first.loc[pid, "value"]),
            relief,
            f"{int(rows['accepted'].fillna(False).sum())}/{n}",
            f"{int(first.loc[pid, 'efficient_models'])}/{n}",
            f"{int(first.loc[pid, 'first_models'])}/{n}",
        ]
        if sampled:
            allrows = central[central["package"] == pid]
            cells += [_num(allrows["share_first"].mean(), "{:.0%}"),
                      _num(allrows["share_efficient"].mean(), "{:.0%}")]  # fmt: skip
        summary.add_row(*cells)
    ranks = Table(title="Rank by model (1 = best; – = not run)", title_style="bold")
    ranks.add_column("package", overflow="fold", max_width=26)
    for m in models:
        ranks.add_column(SHORT.get(m, m[:5]), justify="right")
    by = central.set_index(["package", "model"])["rank"]
    for pid in shown:
        ranks.add_row(pid, *[_num(by.get((pid, m)), "{:.0f}") for m in models])
    return [summary, ranks]


def print_comparison(table, console: Console | None = None) -> None:
    """Print the comparison tables (100 columns wide at most) and what the columns mean."""
    console = console or Console(width=100)
    for t in comparison_tables(table):
        console.print(t)
    console.print(
        "cost: to the giver, value: to the receiver, $bn/yr on its own. relief: tariff "
        "points cut against no deal (range over models). accept/effic./first: models in "
        "which both sides gain, the package is efficient, it ranks first.",
        style="dim",
    )
