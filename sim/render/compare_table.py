"""Terminal tables of a package comparison (fit 100 columns); they read the table only."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

__all__ = ["comparison_tables", "package_summary", "print_comparison"]

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


def package_summary(table, *, limit: int | None = None):
    """The comparison in two frames of display strings, packages best first (by mean rank
    over the models that ran): a summary per package (cost, value, relief range, and the
    number of models in which it is accepted, efficient, first; with draws the shares of
    draws in which it ranks first and is efficient), and its rank under each model.

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        At most ``limit`` packages each; ``attrs["more"]`` counts those left out and
        ``attrs["giver"]`` names the side offering them.
    """
    import pandas as pd

    central = table[table["draw"].isna()]
    ran = central[central["status"] != "not_run"]
    models = list(dict.fromkeys(central["model"]))
    mean_rank = ran.groupby("package", sort=False)["rank"].mean().sort_values()
    order = list(mean_rank.index) + [p for p in dict.fromkeys(central["package"])
                                     if p not in mean_rank.index]  # fmt: skip
    shown = order if limit is None else order[:limit]
    first = central.drop_duplicates("package").set_index("package")
    n = central["model"].nunique()
    rows = []
    for pid in shown:
        rel = ran.loc[ran["package"] == pid, "relief"].dropna()
        relief = "–" if rel.empty else (
            f"{rel.min():.1f}" if rel.min() == rel.max() else f"{rel.min():.1f}–{rel.max():.1f}"
        )  # fmt: skip
        row = {
            "package": pid,
            "cost": _num(first.loc[pid, "cost"]),
            "value": _num(first.loc[pid, "value"]),
            "relief pp": relief,
            "accept": f"{int(ran.loc[ran['package'] == pid, 'accepted'].fillna(False).sum())}/{n}",
            "effic.": f"{int(first.loc[pid, 'efficient_models'])}/{n}",
            "first": f"{int(first.loc[pid, 'first_models'])}/{n}",
        }
        if "share_first" in central:
            allrows = central[central["package"] == pid]
            row["P(first)"] = _num(allrows["share_first"].mean(), "{:.0%}")
            row["P(eff.)"] = _num(allrows["share_efficient"].mean(), "{:.0%}")
        rows.append(row)
    summary = pd.DataFrame(rows)
    by = central.set_index(["package", "model"])["rank"]
    ranks = pd.DataFrame(
        [{"package": pid, **{SHORT.get(m, m[:5]): _num(by.get((pid, m)), "{:.0f}") for m in models}}
         for pid in shown]
    )
    for frame in (summary, ranks):
        frame.attrs["more"] = len(order) - len(shown)
        frame.attrs["giver"] = first["giver"].iloc[0] if len(first) else ""
    return summary, ranks


def comparison_tables(table, *, limit: int = 20) -> list[Table]:
    """A summary per package (best first) and the rank of each package under each model
    (:func:`package_summary` as rich tables).

    With more than ``limit`` packages only the ``limit`` best are shown (by mean rank).
    """
    summary_frame, rank_frame = package_summary(table, limit=limit)
    more = summary_frame.attrs["more"]
    summary = Table(
        title=f"Packages offered by {summary_frame.attrs['giver']}: cost, relief bought, "
        "acceptance (over models)",
        title_style="bold",
        caption=None if not more else f"{more} more in comparison.csv",
    )
    ranks = Table(title="Rank by model (1 = best; – = not run)", title_style="bold")
    for frame, rich_table in ((summary_frame, summary), (rank_frame, ranks)):
        for k, col in enumerate(frame.columns):
            if k == 0:
                rich_table.add_column(col, overflow="fold", max_width=26)
            else:
                rich_table.add_column(col, justify="right")
        for row in frame.itertuples(index=False):
            rich_table.add_row(*map(str, row))
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
