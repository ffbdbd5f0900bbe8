"""Predictive distributions and the forecast ledger (``forecast.json``).

A model's *predictive distribution* is what it says over the scenario's uncertainty: its
records over a table of draws (:func:`sim.analysis.evaluate.evaluate` on the sweep
sampler's design), reduced to :class:`Predictive`: for every issue, the value that holds in
each draw (the deal's, or the no-deal outcome's, :func:`sim.analysis.sensitivity.
outcome_values`; a discrete issue's level as its number), the share of draws with a deal,
and, for models that date their deal (``agreement_date``), how many draws agree on each day.

``forecast.json`` stores these with the as-of date and the scenario's hash, so that a stored
forecast is scored later without re-running (:func:`read_forecast`) and cannot be quietly
revised: it is written once into a new run folder and never replaced.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import Counter
from pathlib import Path

import numpy as np

__all__ = ["FORECAST_FORMAT_VERSION", "FORECAST_SAMPLES", "RESOLUTION", "Predictive",
           "forecast_payload", "forecast_scenario", "predictives", "read_forecast",
           "sweep_forecast", "write_forecast"]

FORECAST_FORMAT_VERSION = 1
#: Draws of a forecast made by ``sim run --forecast`` (and of ``sim backtest``).
FORECAST_SAMPLES = 256
#: Most values kept per model and issue in forecast.json: a larger sample is stored as its
#: quantiles at ``(k + 1/2) / MAX_ENSEMBLE`` (which changes the CRPS by O(1/MAX_ENSEMBLE)).
MAX_ENSEMBLE = 4096
RESOLUTION = (
    "Resolved by an observed-outcome file (docs/backtest.md): whether the parties reached an "
    "agreement and its date (or the date of the breakdown), and the value each issue took, "
    "each with its source. Scored by `sim backtest --forecast RUN_DIR OBSERVED`: each issue's "
    "percentile in the predictive sample, whether it lies in the central 50 % and 90 % "
    "bands, its CRPS (continuous and discrete issues, in the issue's unit), Brier and log "
    "scores of yes/no issues, of agreement at all and of agreement by the observed date "
    "(models that date their deal). The issue value scored is the one that holds: the "
    "deal's, or the no-deal outcome's after every dated change."
)


@dataclasses.dataclass(frozen=True)
class Predictive:
    """One model's predictive distribution.

    Attributes
    ----------
    model : str
    n : int
        Draws the model solved (draws where it did not run are left out).
    issues : dict
        Issue id -> the values that hold, one per draw (numbers; level values).
    p_agreement : float
        Share of the draws with a deal.
    dates : dict or None
        ISO date -> draws agreeing that day; None for a model that does not date its deal.
    not_run : int
        Draws where the model did not run.
    """

    model: str
    n: int
    issues: dict
    p_agreement: float
    dates: dict | None
    not_run: int = 0

    def by_date(self, when: dt.date | str) -> float | None:
        """Probability of a deal on or before ``when`` (None without timing)."""
        if self.dates is None:
            return None
        day = str(when)
        return sum(k for d, k in self.dates.items() if d <= day) / self.n if self.n else 0.0


def _dated(model: str) -> bool:
    from sim import registry

    result = getattr(registry.model(model), "Result", None)
    return result is not None and any(
        f.name == "agreement_date" for f in dataclasses.fields(result)
    )


def predictives(table, scenario) -> dict[str, Predictive]:
    """Model -> :class:`Predictive`, from a table of records (one row per draw and model)."""
    from sim.analysis.sensitivity import outcome_values

    out = {}
    for model, rows in table.groupby("model", sort=False):
        run = rows[rows["status"] != "not_run"]
        ok = (run["status"] == "ok").to_numpy()
        issues = {
            issue.id: outcome_values(run, scenario, f"agreement.{issue.id}")
            for issue in scenario.issues
            if f"agreement.{issue.id}" in run.columns
        }
        dates = None
        if _dated(model) and "agreement_date" in run.columns:
            when = run["agreement_date"][ok]
            if not ok.any() or when.notna().any():
                dates = dict(sorted(Counter(str(d) for d in when.dropna()).items()))
        out[str(model)] = Predictive(str(model), len(run), issues,
                                     float(ok.mean()) if len(run) else 0.0, dates,
                                     not_run=len(rows) - len(run))
    return out


def _ensemble(x: np.ndarray) -> list[float]:
    x = np.sort(np.asarray(x, dtype=float))
    if len(x) > MAX_ENSEMBLE:
        x = np.quantile(x, (np.arange(MAX_ENSEMBLE) + 0.5) / MAX_ENSEMBLE)
    return [float(v) for v in x]


def _bands(x: np.ndarray) -> dict:
    q = np.quantile(np.asarray(x, dtype=float), [0.05, 0.25, 0.5, 0.75, 0.95])
    keys = ("p05", "p25", "median", "p75", "p95")
    return {"mean": float(np.mean(x)), **{k: float(v) for k, v in zip(keys, q, strict=True)}}


def forecast_payload(preds: dict[str, Predictive], loaded, *, made_by: str,
                     design: dict) -> dict:
    """The content of forecast.json (plain JSON data)."""
    from sim.results.run import SIM_VERSION

    sc = loaded.scenario
    cal = sc.calendar
    days = sorted({str(x.date) for x in (*cal.rounds, *cal.deadlines, *cal.events)})
    models = {}
    for name, p in preds.items():
        entry: dict = {"draws": p.n, "not_run": p.not_run, "p_agreement": p.p_agreement}
        if p.dates is None:
            entry["agreement_by_date"] = None
            entry["timing"] = "this model says whether there is a deal, not when"
        else:
            every = sorted(set(days) | set(p.dates))
            entry["agreement_by_date"] = {d: p.by_date(d) for d in every}
            entry["agreement_dates"] = p.dates
        entry["issues"] = {
            i: {"bands": _bands(x), "ensemble": _ensemble(x)} for i, x in p.issues.items()
        }
        models[name] = entry
    return {
        "format_version": FORECAST_FORMAT_VERSION,
        "sim_version": SIM_VERSION,
        "created": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "as_of": str(sc.as_of),
        "scenario": {"id": sc.id, "sha256": loaded.sha256, "path": str(loaded.path)},
        "made_by": made_by,
        "design": design,
        "resolution": RESOLUTION,
        "issues": {i.id: {"kind": i.kind, "unit": getattr(i, "unit", None),
                          "range": list(i.range) if i.range else None,
                          "levels": {lv.label: lv.value for lv in i.level_list()} or None}
                   for i in sc.issues},
        "models": models,
    }


def forecast_text(payload: dict) -> str:
    """forecast.json's text (finite numbers only)."""
    return json.dumps(payload, indent=1, allow_nan=False) + "\n"


def write_forecast(folder: Path, payload: dict) -> Path:
    """Write ``folder/forecast.json`` once (never replaced: an existing one is kept and
    this one lands as ``forecast-2.json``)."""
    from sim.outputs import write_new_file

    return write_new_file(forecast_text(payload), Path(folder) / "forecast.json")


def read_forecast(path: str | Path) -> tuple[dict, dict[str, Predictive]]:
    """A stored forecast (a run folder or its forecast.json) and its :class:`Predictive`s.

    Raises
    ------
    sim.errors.ScenarioError
        For a file that is missing or not a forecast this version of sim reads.
    """
    from sim.errors import ScenarioError
    from sim.inputs import InputError, read_text

    path = Path(path)
    if path.is_dir():
        path = path / "forecast.json"
    if not path.exists():
        raise ScenarioError.single(path, None, "", "no forecast here (write one with "
                                   "`sim run --forecast` or `sim sweep`)")
    try:
        payload = json.loads(read_text(path, limit=200_000_000, what="forecast file"))
        if payload.get("format_version") != FORECAST_FORMAT_VERSION:
            raise ValueError(f"format version {payload.get('format_version')!r} (this sim "
                             f"reads {FORECAST_FORMAT_VERSION})")
        preds = {}
        for name, m in payload["models"].items():
            dates = m.get("agreement_dates") if m["agreement_by_date"] is not None else None
            issues = {i: np.asarray(v["ensemble"], dtype=float) for i, v in m["issues"].items()}
            preds[name] = Predictive(name, int(m["draws"]), issues, float(m["p_agreement"]),
                                     dates, int(m.get("not_run", 0)))
    except InputError as exc:
        raise ScenarioError.single(path, exc.line, "", exc.message) from None
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ScenarioError.single(path, None, "", f"not a forecast of sim: {exc}") from None
    return payload, preds


def forecast_scenario(path: str | Path, payload: dict):
    """The scenario a stored forecast was made for, from its folder (a run folder's
    ``scenario.resolved.yaml`` or a sweep folder's ``scenario.json``)."""
    from sim.errors import ScenarioError
    from sim.scenario.loader import load_scenario, validate_data

    folder = Path(path)
    folder = folder if folder.is_dir() else folder.parent
    if (folder / "scenario.json").is_file():
        return validate_data(json.loads((folder / "scenario.json").read_text()),
                             payload["scenario"]["path"])
    if (folder / "scenario.resolved.yaml").is_file():
        return load_scenario(folder / "scenario.resolved.yaml")
    raise ScenarioError.single(folder, None, "", "the forecast's folder holds no scenario "
                               "(scenario.resolved.yaml or scenario.json)")


def sweep_forecast(folder: str | Path) -> Path | None:
    """Write a finished sweep's ``forecast.json`` (once); None when the design is not a
    sample of the prior (``morris`` trajectories, grids) or the sweep is unfinished."""
    from sim.analysis.sweep import read_sweep, read_table

    folder = Path(folder)
    if (folder / "forecast.json").exists():
        return folder / "forecast.json"
    manifest, loaded = read_sweep(folder)
    if manifest["method"] not in ("mc", "lhs", "sobol") or manifest["grid"]:
        return None
    wanted = ["model", "status", "agreement_date",
              *(f"agreement.{issue.id}" for issue in loaded.scenario.issues)]
    table = read_table(folder, columns=wanted)  # the records' outcomes, not the inputs
    if len(table) != manifest["n_draws"] * len(manifest["models"]):
        return None
    args = {"method": manifest["method"], "samples": manifest["n_draws"],
            "seed": manifest["seed"]}
    payload = forecast_payload(predictives(table, loaded.scenario), loaded,
                               made_by="sim sweep", design=args)
    return write_forecast(folder, payload)
