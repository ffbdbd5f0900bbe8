"""How long ``sim run`` takes, as a ratio to importing its own dependencies.

Run: ``python benchmarks/bench_run.py [SCENARIO] [--repeat N]``.  In one run, side by side
(alternating, each in a fresh subprocess), it times

* ``python -c "import numpy, scipy, pydantic, matplotlib, pandas, rich, typer, ruamel.yaml"``
  (the floor: what any run pays before sim does anything), and
* ``python -m sim run SCENARIO --out <new folder>`` (every model, PNG and SVG figures),

and prints the median of each and their ratio (the target is at most 2), then the time of
the steps inside one process (load, each model, writing the run folder).  Not part of the
test suite: timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

DEPS = "import numpy, scipy, pydantic, matplotlib, pandas, rich, typer, ruamel.yaml"


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    env.setdefault("COLUMNS", "100")
    return env


def _seconds(cmd: list[str]) -> float:
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=_env(), cwd=ROOT)
    return time.perf_counter() - t0


def ratio(scenario: Path, repeat: int = 5, plots: str = "png,svg") -> tuple[float, float]:
    """Medians of ``repeat`` alternating runs: (dependency imports, ``sim run``)."""
    deps, runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        _seconds([sys.executable, "-c", DEPS])  # warm the file cache for both
        for k in range(repeat):
            deps.append(_seconds([sys.executable, "-c", DEPS]))
            out = Path(tmp) / f"r{k}"
            cmd = [sys.executable, "-m", "sim", "run", str(scenario), "--out", str(out)]
            runs.append(_seconds([*cmd, "--plots", plots]))
    return statistics.median(deps), statistics.median(runs)


def steps(scenario: Path) -> list[tuple[str, float]]:
    """Seconds of the steps of one run inside this process (after the imports)."""
    import sim
    from sim import registry
    from sim.space import OutcomeSpace

    rows = []
    t0 = time.perf_counter()
    loaded = sim.load(scenario)
    rows.append(("load + validate scenario", time.perf_counter() - t0))
    t0 = time.perf_counter()
    space = OutcomeSpace.from_scenario(loaded.scenario)
    _ = space.utility_set
    rows.append(("outcome space + utility set", time.perf_counter() - t0))
    rngs = registry.rngs(None)
    for name in loaded.scenario.models.selected():
        opts = getattr(loaded.scenario.models, name)
        t0 = time.perf_counter()
        registry.model(name).run(space, opts, rng=rngs[name])
        rows.append((f"model `{name}`", time.perf_counter() - t0))
    run = sim.run(loaded)
    with tempfile.TemporaryDirectory() as tmp:
        for plots in ("none", "png", "svg", "png,svg"):
            t0 = time.perf_counter()
            sim.save(run, Path(tmp) / plots.replace(",", "_"), plots=plots)
            rows.append((f"write run folder, plots {plots}", time.perf_counter() - t0))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "scenario", nargs="?", type=Path, default=ROOT / "scenarios" / "japan_us_2025.yaml"
    )
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    deps, run = ratio(args.scenario, args.repeat)
    print(f"Scenario: {args.scenario.name}; median of {args.repeat}, side by side\n")
    print("| process | median seconds |\n|---|---|")
    print(f"| import of the dependencies | {deps:.3f} |")
    print(f"| `sim run` (all models, PNG+SVG) | {run:.3f} |")
    print(f"\n**ratio sim run / imports: {run / deps:.2f}** (target <= 2)\n")
    print("| step (in one process) | seconds |\n|---|---|")
    for label, t in steps(args.scenario):
        print(f"| {label} | {t:.4f} |")


if __name__ == "__main__":
    main()
