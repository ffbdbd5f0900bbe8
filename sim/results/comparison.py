"""The files of a package comparison, written whole into a new run folder.

``runs/<scenario id>/compare-<UTC timestamp>[-n]/`` holds ``comparison.csv``,
``comparison.json`` (format version, sim version, scenario hash, the arguments and the
rows), ``comparison.parquet`` when pyarrow is installed, and the plots (PNG and SVG).
As :func:`sim.results.folder.write_run`, everything goes to a hidden temporary folder that is
renamed into place at the end: a comparison never overwrites another.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path

from sim.results.folder import write_new_dir
from sim.results.run import SIM_VERSION as __version__

__all__ = ["COMPARISON_FORMAT_VERSION", "write_comparison"]

COMPARISON_FORMAT_VERSION = 1


def _plain(v):
    if v is None:
        return None
    if hasattr(v, "item"):
        v = v.item()
    if isinstance(v, float) and not math.isfinite(v):
        return None
    try:
        import pandas as pd

        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        pass
    return v


def write_comparison(table, loaded, out: Path | None = None, *, args=None, plots=True) -> Path:
    """Write a comparison folder; returns its path.

    Parameters
    ----------
    table : pandas.DataFrame
        From :func:`sim.compare`.
    loaded : LoadedScenario
    out : Path, optional
        Destination (must not exist; a suffix ``-2``... is added if it does).
    args : dict, optional
        The arguments of the comparison, recorded in comparison.json.
    plots : bool
        Draw cost_relief and rank_heatmap.
    """
    created = dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def fill(tmp: Path) -> None:
        files = ["comparison.csv", "comparison.json"]
        table.to_csv(tmp / "comparison.csv", index=False)
        try:
            import pyarrow  # noqa: F401

            table.to_parquet(tmp / "comparison.parquet", index=False)
            files.append("comparison.parquet")
        except ImportError:
            pass
        if plots:
            files += _plots(table, tmp)
        payload = {
            "format_version": COMPARISON_FORMAT_VERSION,
            "sim_version": __version__,
            "created": created,
            "scenario": {
                "id": loaded.scenario.id,
                "sha256": loaded.sha256,
                "path": str(loaded.path),
            },
            "arguments": args or {},
            "files": sorted(files),
            "rows": [{k: _plain(v) for k, v in row.items()} for row in table.to_dict("records")],
        }
        (tmp / "comparison.json").write_text(
            json.dumps(payload, indent=2, allow_nan=False, default=str) + "\n"
        )

    return write_new_dir(fill, out, loaded.scenario.id, created, "compare-")


def _plots(table, folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from sim.render.compare_plots import cost_relief, rank_heatmap

    written = []
    central = table[table["draw"].isna()]
    drawers = [("cost_relief", cost_relief)]
    if (central["named"] != "").any():
        drawers.append(("rank_heatmap", rank_heatmap))
    if (central["status"] == "not_run").all():
        drawers = []
    for stem, fn in drawers:
        fig = fn(table)
        for ext in ("png", "svg"):
            fig.savefig(folder / f"{stem}.{ext}", dpi=130)
            written.append(f"{stem}.{ext}")
        plt.close(fig)
    return written
