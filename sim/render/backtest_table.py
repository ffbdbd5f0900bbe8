"""Terminal tables of a backtest (fit 100 columns); they read its tables only."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

__all__ = ["print_backtest"]


def _num(v, fmt: str = "{:.3g}") -> str:
    import pandas as pd

    if v is None or pd.isna(v):
        return "–"
    if isinstance(v, bool):
        return "yes" if v else "no"
    return fmt.format(v)


def _models(result) -> Table:
    t = Table(title="Which model would have forecast best (lower scores are better)",
              title_justify="left")
    for col in ("rank", "model", "in 50 %", "in 90 %", "CRPS/span", "Brier", "log score",
                "timing"):
        t.add_column(col, justify="left" if col in ("model", "timing") else "right")
    for r in result.models.itertuples():
        t.add_row(_num(r.rank, "{:.0f}"), r.model, _num(r.in_50, "{:.0%}"),
                  _num(r.in_90, "{:.0%}"), _num(r.crps_scaled), _num(r.brier),
                  _num(r.log_score), r.timing)
    return t


def _scores(result) -> Table:
    t = Table(title="Each observation in each model's forecast", title_justify="left")
    for col in ("model", "observed", "median", "5-95 %", "pctl", "in 90 %", "CRPS", "P(obs)",
                "Brier"):
        t.add_column(col, justify="left" if col in ("model", "observed") else "right")
    for r in result.scores.itertuples():
        band = "" if r.kind == "event" else f"{_num(r.p05)}–{_num(r.p95)}"
        flag = f" ({r.outside})" if r.outside else ""
        t.add_row(r.model, f"{r.observation} = {r.observed}{flag}", _num(r.median), band,
                  _num(r.percentile, "{:.2f}"), "" if r.kind == "event" else _num(r.in_90),
                  _num(r.crps), _num(r.probability, "{:.2f}"), _num(r.brier))
    return t


def _calibration(result, top: int = 3) -> Table | None:
    cal = result.calibration
    if cal is None or cal.empty:
        return None
    t = Table(title=f"What explains the observation (ABC, tolerance "
              f"{result.arguments.get('tolerance')}): the {top} parameters that moved most",
              title_justify="left")
    for col in ("model", "kept", "parameter", "prior", "posterior 5-95 %", "reading"):
        t.add_column(col, justify="right" if col == "kept" else "left",
                     overflow="fold" if col == "parameter" else "ellipsis")
    for model, part in cal.groupby("model", sort=False):
        if part["accepted"].iloc[0] == 0:
            t.add_row(model, f"0/{part['draws'].iloc[0]}", "–", "", "", part["reading"].iloc[0])
            continue
        for r in part.head(top).itertuples():
            t.add_row(model, f"{r.accepted}/{r.draws}", r.parameter,
                      f"{_num(r.prior_lo)}–{_num(r.prior_hi)}",
                      f"{_num(r.post_p05)}–{_num(r.post_p95)}", r.reading)
    return t


def print_backtest(result, console: Console | None = None) -> None:
    """The table across models, each observation's scores, the calibration, the notes."""
    console = console or Console(width=100)
    console.print(_models(result))
    console.print(_scores(result))
    cal = _calibration(result)
    if cal is not None:
        console.print(cal)
    for note in result.notes:
        console.print(f"note: {note}", highlight=False)
