"""The result of one run, and its files: ``results.json`` (with a format version) and plots.

A run folder is written whole or not at all: everything goes to a hidden temporary folder
next to the destination, which is renamed into place at the end.  A run never overwrites
an earlier one.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sim import __version__
from sim.scenario.loader import LoadedScenario
from sim.space import OutcomeSpace

RESULTS_FORMAT_VERSION = 1


@dataclass(frozen=True)
class RunResult:
    """Everything one run of a scenario produced.

    Attributes
    ----------
    loaded : LoadedScenario
        The scenario, its file, hash and resolved data.
    space : OutcomeSpace
        Outcomes and payoffs (for plots and further analysis).
    models : dict
        Model name -> result object (each has ``to_dict()``).
    seed : int or None
        Seed of any randomness used.
    created : str
        UTC time of the run, ISO 8601.
    """

    loaded: LoadedScenario
    space: OutcomeSpace
    models: dict[str, Any]
    seed: int | None = None
    created: str = field(
        default_factory=lambda: dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    )

    @property
    def scenario(self):
        return self.loaded.scenario

    def assumptions(self) -> list[str]:
        """What the numbers rest on, stated next to them."""
        sc = self.scenario
        out = [
            f"payoffs are additive over issues, in {self.space.values.unit} "
            f"({sc.payoffs.model} payoff model)",
            "an agreement is one outcome the issues allow (no lotteries between outcomes)",
            "bargaining solutions bargain against the disagreement point named in their options "
            "('final' = every dated change applied, i.e. talks failed for good)",
        ]
        out.extend(sc.assumptions)
        return out

    def to_dict(self) -> dict[str, Any]:
        sc = self.scenario
        return {
            "format_version": RESULTS_FORMAT_VERSION,
            "sim_version": __version__,
            "created": self.created,
            "seed": self.seed,
            "scenario": {
                "id": sc.id,
                "title": sc.title,
                "as_of": sc.as_of.isoformat(),
                "sha256": self.loaded.sha256,
                "path": str(self.loaded.path),
            },
            "parties": {p.code: p.name for p in sc.parties},
            "unit": self.space.values.unit,
            "assumptions": self.assumptions(),
            "models": {name: res.to_dict() for name, res in self.models.items()},
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), indent=2, sort_keys=False, allow_nan=False)

    def summary_frame(self):
        """One row per model and party: agreement payoff and disagreement payoff."""
        import pandas as pd

        rows = []
        for name, res in self.models.items():
            d = res.to_dict()
            if "payoffs" in d and "zone_of_agreement" in d:
                for party in self.space.parties:
                    rows.append(
                        {
                            "model": name,
                            "party": party,
                            "payoff": (d["payoffs"] or {}).get(party),
                            "disagreement": d["disagreement"][party],
                            "zone_of_agreement": d["zone_of_agreement"],
                        }
                    )
        return pd.DataFrame(rows)

    def no_deal(self) -> tuple[str, dict[str, float | str], dict[str, float]]:
        """What holds with no deal, for the deal sheet: ``(at, outcome, payoffs)``.

        ``at`` is the bargaining models' common ``disagreement_at`` (``"final"`` when they
        differ or none ran); outcome and payoffs are taken at that same date.
        """
        ats = {
            str(res.options.get("disagreement_at"))
            for res in self.models.values()
            if isinstance(getattr(res, "options", None), dict)
            and "zone_of_agreement" in res.to_dict()
        }
        at = ats.pop() if len(ats) == 1 else "final"
        when = at if at in ("final", "as_of") else dt.date.fromisoformat(at)
        outcome = self.space.describe(self.space.disagreement_outcome(when))
        pay = self.space.disagreement_point(when)
        return at, outcome, {p: float(v) for p, v in zip(self.space.parties, pay, strict=True)}

    def deal_sheet(self):
        """The predicted deals as a table: one column per bargaining model (and "no deal"),
        one row per issue, then each party's payoff and gain (pandas DataFrame)."""
        import pandas as pd

        cols = {}
        for name, res in self.models.items():
            d = res.to_dict()
            if "zone_of_agreement" not in d or "agreement" not in d:
                continue
            col = dict(d["agreement"] or {})
            for party in self.space.parties:
                col[f"{party} payoff"] = (d["payoffs"] or {}).get(party)
                col[f"{party} gain"] = (d.get("gains") or {}).get(party)
            cols[name] = col
        _, outcome, pay = self.no_deal()
        dis = dict(outcome)
        for party in self.space.parties:
            dis[f"{party} payoff"] = pay[party]
        cols["no deal"] = dis
        return pd.DataFrame(cols)

    def _repr_html_(self) -> str:
        sc = self.scenario
        head = f"<h4>{sc.title} <small>({sc.id}, sha256 {self.loaded.sha256[:12]})</small></h4>"
        return head + self.deal_sheet().to_html(na_rep="")

    # plots (rendering reads results, it never computes them)
    def plot_payoff_space(self, ax=None):
        from sim.render.plots import payoff_space

        return payoff_space(self, ax=ax)

    def plot_strategic(self):
        from sim.render.plots import strategic_heatmap

        return strategic_heatmap(self.models["strategic"])


def new_run_dir(out: Path | None, scenario_id: str, created: str) -> Path:
    """A run folder that does not exist yet: ``runs/<id>/<UTC timestamp>[-n]``."""
    if out is None:
        stamp = created.replace("-", "").replace(":", "")
        out = Path("runs") / scenario_id / stamp
    candidate, n = out, 1
    while candidate.exists():
        n += 1
        candidate = out.with_name(f"{out.name}-{n}")
    return candidate


def write_run(run: RunResult, out: Path | None = None, *, plots: bool = True) -> Path:
    """Write a run folder whole: results.json, the resolved scenario, plots (PNG and SVG).

    Parameters
    ----------
    run : RunResult
    out : Path, optional
        Destination folder; it must not exist (default: ``runs/<id>/<timestamp>``, made
        unique).  An existing folder is never overwritten: a suffix ``-2``, ``-3``... is added.
    plots : bool
        Whether to draw the plots.

    Returns
    -------
    Path
        The folder written.
    """
    dest = new_run_dir(Path(out) if out is not None else None, run.scenario.id, run.created)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.", dir=dest.parent))
    try:
        files = ["results.json", "scenario.resolved.yaml"]
        if plots:
            files += _write_plots(run, tmp)
        payload = run.to_dict()
        payload["files"] = sorted(files)
        (tmp / "results.json").write_text(json.dumps(payload, indent=2, allow_nan=False) + "\n")
        _write_resolved(run, tmp / "scenario.resolved.yaml")
        os.rename(tmp, dest)  # atomic on one filesystem; fails if dest appeared meanwhile
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return dest


def _write_resolved(run: RunResult, path: Path) -> None:
    from ruamel.yaml import YAML

    yaml = YAML(typ="safe", pure=True)
    yaml.default_flow_style = False
    yaml.sort_base_mapping_type_on_output = False  # type: ignore[attr-defined]
    header = (
        f"# Scenario {run.scenario.id} as resolved by sim {__version__}\n"
        f"# sha256 of its canonical JSON: {run.loaded.sha256}\n"
    )
    with path.open("w") as fh:
        fh.write(header)
        yaml.dump(run.loaded.data, fh)


def _write_plots(run: RunResult, folder: Path) -> list[str]:
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    from sim.render import plots

    written: list[str] = []
    two_party = len(run.space.parties) == 2  # the payoff plane and bimatrix heatmap
    figures = {"payoff_space": plots.payoff_space(run)} if two_party else {}
    if "strategic" in run.models and two_party:
        figures["strategic_game"] = plots.strategic_heatmap(run.models["strategic"])
    if {"deadline", "rubinstein", "private_information"} & set(run.models):
        figures["timeline"] = plots.timeline(run)
    if "two_level" in run.models:
        figures["win_sets"] = plots.win_sets(run)
    for name, fig in figures.items():
        for ext in ("png", "svg"):
            fig.savefig(folder / f"{name}.{ext}", dpi=150)
            written.append(f"{name}.{ext}")
        plt.close(fig)
    return written
