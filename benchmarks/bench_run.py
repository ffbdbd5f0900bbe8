"""Timings of the main job: `sim --help`, loading, each model and writing a run folder.

Run: ``python benchmarks/bench_run.py [SCENARIO]``.  Prints a markdown table (median of
repeats, seconds) and the peak memory of the process.  Not part of the test-suite.
"""

from __future__ import annotations

import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing


def timed(fn, repeat: int = 5) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main(scenario: Path) -> None:
    import sim
    from sim.models import REGISTRY, run_model
    from sim.results import write_run
    from sim.space import OutcomeSpace

    rows = []
    rows.append(("`sim --help` (process)", timed(lambda: subprocess.run(
        [sys.executable, "-m", "sim", "--help"], capture_output=True, check=True), 3)))
    rows.append(("load + validate scenario", timed(lambda: sim.load(scenario))))
    loaded = sim.load(scenario)
    rows.append(("outcome space + utility cells",
                 timed(lambda: OutcomeSpace.from_scenario(loaded.scenario).cells)))
    space = OutcomeSpace.from_scenario(loaded.scenario)
    _ = space.cells
    for name in loaded.scenario.models.selected():
        if name in REGISTRY:
            opts = getattr(loaded.scenario.models, name)
            rows.append((f"model `{name}`", timed(lambda n=name, o=opts: run_model(n, space, o))))
    run = sim.run(loaded)
    with tempfile.TemporaryDirectory() as tmp:
        rows.append(("write run folder incl. plots",
                     timed(lambda: write_run(run, Path(tmp) / "r"), 3)))
    rows.append(("whole `sim run` (process)", timed(lambda: subprocess.run(
        [sys.executable, "-m", "sim", "run", str(scenario), "--out",
         tempfile.mkdtemp() + "/r"], capture_output=True, check=True), 3)))
    print(f"Scenario: {scenario.name}; {space.cells.offsets.shape[0]} utility cells, "
          f"k = {space.cells.generators.shape[2]} continuous issues\n")
    print("| step | median seconds |\n|---|---|")
    for label, t in rows:
        print(f"| {label} | {t:.4f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak memory of this process: {peak:.0f} MiB")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "scenarios" / "japan_us_2025.yaml")
