"""The analysis of a finished sweep, as files and plots in ``<sweep>/analysis/``.

Tables (CSV): ``sobol.csv`` (``--method sobol``), ``morris.csv`` (``--method morris``),
``tornado.csv`` (one-at-a-time, sampled sweeps), ``grid.csv`` (grids), ``issues.csv``
(per model and issue), ``agreement_by_date.csv`` (models that date their deal) and
``discovery.csv`` (PRIM boxes of the stated conditions).  Plots (PNG) of each.  The folder is
written to a temporary name and renamed into place (replacing an earlier analysis whole).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

__all__ = ["analyse_sweep", "default_outcome", "load_sweep"]


def load_sweep(folder: str | Path):
    """``(loaded, design, table, manifest)`` of a sweep folder (the design rebuilt from its
    arguments and seed, exactly as it was drawn)."""
    from sim.analysis.design import make_design
    from sim.analysis.sweep import read_sweep, read_table

    folder = Path(folder)
    manifest, loaded = read_sweep(folder)
    a = manifest["args"]
    design = make_design(loaded, method=a["method"], samples=a["samples"], seed=manifest["seed"],
                         params=a["params"], grid=a["grid"])
    return loaded, design, read_table(folder), manifest


def default_outcome(scenario) -> str:
    """The first continuous issue's value (a tariff), else whether there is a deal."""
    for issue in scenario.issues:
        if issue.kind == "continuous":
            return f"agreement.{issue.id}"
    return "agreed"


def analyse_sweep(folder, *, outcome: str | None = None, discover=(), plots: bool = True,
                  seed: int = 0) -> Path:
    """Write ``<folder>/analysis``; returns its path.

    Parameters
    ----------
    folder : path
        A finished sweep folder.
    outcome : str, optional
        What the indices explain (see :func:`sim.analysis.sensitivity.outcome_values`);
        default :func:`default_outcome`.
    discover : sequence of str
        Conditions for scenario discovery (``"agreement.car_tariff >= 10"``).
    seed : int
        Seed of SALib's bootstrap intervals.
    """
    import pandas as pd

    from sim.analysis import discovery as disc
    from sim.analysis import sensitivity as sens

    folder = Path(folder)
    loaded, design, table, manifest = load_sweep(folder)
    if len(table) != manifest["n_draws"] * len(manifest["models"]):
        raise ValueError(f"{folder}: the sweep is not finished (--resume it first)")
    sc = loaded.scenario
    outcome = outcome or default_outcome(sc)
    models = list(manifest["models"])
    tables: dict[str, pd.DataFrame] = {}

    def add(name, frames):
        frames = [f for f in frames if len(f)]
        if frames:
            tables[name] = pd.concat(frames, ignore_index=True)

    kw = {"outcome": outcome}
    if design.method == "sobol":
        add("sobol", [sens.sobol_indices(table, design, sc, model=m, seed=seed, **kw)
                      for m in models])
    if design.method == "morris":
        add("morris", [sens.morris_indices(table, design, sc, model=m, seed=seed, **kw)
                       for m in models])
    if design.grid:
        add("grid", [sens.grid_means(table, design, sc, model=m, **kw) for m in models])
    else:
        add("tornado", [sens.tornado(loaded, design.factors, model=m, **kw) for m in models])
    add("issues", [disc.issue_summary(table, sc)])
    add("agreement_by_date", [disc.agreement_by_date(table, sc)])
    add("discovery", [disc.discover(table, design, sc, c, model=m)
                      for c in discover for m in models])
    dest = folder / "analysis"
    tmp = Path(tempfile.mkdtemp(prefix=".analysis.", dir=folder))
    try:
        for name, frame in tables.items():
            frame.to_csv(tmp / f"{name}.csv", index=False)
        if plots:
            _plots(tables, table, sc, tmp)
        old = None
        if dest.exists():
            old = folder / f".analysis.old-{os.getpid()}"
            dest.rename(old)
        tmp.rename(dest)
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _plots(tables, table, scenario, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import pandas as pd

    from sim.analysis.sensitivity import outcome_values
    from sim.render import sweep_plots as sp

    figs = []
    for name, fn, _key in (("sobol", sp.sobol_chart, "model"), ("morris", sp.morris_chart, "model"),
                          ("tornado", sp.tornado_chart, "model"), ("grid", sp.grid_heatmap, None)):
        if name not in tables:
            continue
        for model, part in tables[name].groupby("model", sort=False):
            if name == "grid" and len(part.columns) != 5:
                continue  # a heatmap needs exactly two grid paths
            figs.append((f"{name}-{model}", fn(part)))
    for issue in scenario.issues:
        col = f"agreement.{issue.id}"
        if col in table.columns:
            values = pd.DataFrame({"model": table["model"], "issue": issue.id,
                                   "value": outcome_values(table, scenario, col)})
            figs.append((f"issue-{issue.id}", sp.issue_distributions(values)))
    if "agreement_by_date" in tables:
        figs.append(("agreement_by_date", sp.agreement_curve(tables["agreement_by_date"])))
    for stem, fig in figs:
        fig.savefig(out / f"{stem}.png", dpi=110)
        plt.close(fig)
