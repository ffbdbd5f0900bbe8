"""A backtest's result (plain tables) and its folder, written whole into a new run folder.

``runs/<scenario id>/backtest-<UTC timestamp>[-n]/`` holds ``scores.csv`` (one row per
model and observation), ``models.csv`` (the table across models), ``coverage.csv`` (the
calibration plot's points), ``calibration.csv`` (ABC posterior against prior, when the
draws were evaluated here), ``predictive.parquet`` (the records of every draw, idem),
``backtest.json`` (format version, sim version, scenario hash, the observed outcome, the
arguments, the notes and the tables) and the figures (PNG).  As every run folder it is
built in a hidden temporary folder and renamed into place: never overwritten.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from pathlib import Path

__all__ = ["BACKTEST_FORMAT_VERSION", "BacktestResult", "write_backtest"]

BACKTEST_FORMAT_VERSION = 1


@dataclasses.dataclass(frozen=True)
class BacktestResult:
    """What :func:`sim.backtest` returns.

    Attributes
    ----------
    scores, models, coverage : pandas.DataFrame
        See :func:`sim.analysis.backtest.score`, :func:`~sim.analysis.backtest.model_table`
        and :func:`~sim.analysis.backtest.coverage_curve`.
    calibration : pandas.DataFrame or None
        :func:`sim.analysis.calibrate.calibrate` (None when a stored forecast is scored:
        it keeps no parameters).
    predictive : dict
        Model -> :class:`sim.analysis.forecast.Predictive`.
    table : pandas.DataFrame or None
        The records of every draw (None for a stored forecast).
    observed : sim.scenario.observed.Observed
    scenario : dict
        ``id``, ``sha256``, ``as_of``.
    arguments : dict
    notes : tuple of str
    """

    scores: object
    models: object
    coverage: object
    calibration: object
    predictive: dict
    table: object
    observed: object
    scenario: dict
    arguments: dict
    notes: tuple[str, ...] = ()
    created: str = dataclasses.field(
        default_factory=lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )

    def to_dict(self) -> dict:
        """backtest.json's content (tables as lists of rows; NaN as null)."""
        from sim.results.comparison import _plain
        from sim.results.run import SIM_VERSION

        def rows(frame):
            if frame is None:
                return None
            return [{k: _plain(v) for k, v in r.items()} for r in frame.to_dict("records")]

        return {
            "format_version": BACKTEST_FORMAT_VERSION,
            "sim_version": SIM_VERSION,
            "created": self.created,
            "scenario": self.scenario,
            "observed": self.observed.model_dump(mode="json", exclude_none=True),
            "arguments": self.arguments,
            "notes": list(self.notes),
            "models": rows(self.models),
            "scores": rows(self.scores),
            "coverage": rows(self.coverage),
            "calibration": rows(self.calibration),
        }


def write_backtest(result: BacktestResult, out: Path | None = None, *, plots: bool = True) -> Path:
    """Write a backtest folder; returns its path (see the module docstring)."""
    from sim.results.folder import write_new_dir

    def fill(tmp: Path) -> None:
        files = ["backtest.json"]
        tables = {"scores": result.scores, "models": result.models, "coverage": result.coverage,
                  "calibration": result.calibration}
        for name, frame in tables.items():
            if frame is not None:
                frame.to_csv(tmp / f"{name}.csv", index=False)
                files.append(f"{name}.csv")
        if result.table is not None:
            result.table.to_parquet(tmp / "predictive.parquet", index=False)
            files.append("predictive.parquet")
        if plots:
            files += _plots(result, tmp)
        payload = result.to_dict()
        payload["files"] = sorted(files)
        (tmp / "backtest.json").write_text(
            json.dumps(payload, indent=2, allow_nan=False, default=str) + "\n"
        )

    return write_new_dir(fill, out, result.scenario["id"], result.created, "backtest-")


def _plots(result: BacktestResult, folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from sim.render import backtest_plots as bp

    figs = []
    scored = result.scores
    for issue_id, item in result.observed.issues.items():
        rows = scored[scored["observation"] == issue_id]
        if len(rows):
            value = float(rows["value"].iloc[0])
            figs.append((f"predictive-{issue_id}",
                         bp.predictive(result.predictive, issue_id, value,
                                       label=str(item.value))))
    if len(result.coverage) and result.coverage["observations"].max() >= 2:
        figs.append(("calibration", bp.coverage(result.coverage)))
    ag = result.observed.agreement
    figs.append(("agreement_by_date", bp.agreement_by_date(
        result.predictive, ag.date, ag.reached, start=result.scenario.get("as_of"))))
    if result.calibration is not None:
        for model in result.calibration["model"].unique():
            figs.append((f"posterior-{model}", bp.posterior(result.calibration, model)))
    written = []
    for stem, fig in figs:
        if fig is None:
            continue
        fig.savefig(folder / f"{stem}.png", dpi=110)
        plt.close(fig)
        written.append(f"{stem}.png")
    return written
