"""How long ``sim run`` takes, as a ratio to importing its own dependencies.

Run: ``python benchmarks/bench_run.py [SCENARIO] [--repeat N] [--against CHECKOUT]``.  In one
run, side by side (alternating, each in a fresh subprocess), it times

* ``python -c "import numpy, scipy, pydantic, matplotlib, pandas, rich, typer, ruamel.yaml"``
  (the floor: what any run pays before sim does anything), and
* ``python -m sim run SCENARIO --out <new folder>`` (every model, PNG and SVG figures),

and prints the median of each and their ratio (the target is at most 2), then the time of
the steps inside one process (load, each model, writing the run folder).  With ``--against``
another checkout of sim (e.g. the main branch, to see a change's effect) runs ``sim run`` in
the same alternation, with its own ratio to the same imports.  CPU seconds are printed too:
on a busy shared machine they vary less than wall-clock time.  Not part of the
test suite: timings are reported, never asserted.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

DEPS = "import numpy, scipy, pydantic, matplotlib, pandas, rich, typer, ruamel.yaml"


#: ``SIM_FORK_FIGURES`` for the timed runs (``--fork``): unset lets sim fork only when a
#: core is free (see sim/render/forked.py).
FORK: str | None = None


def _env(root: Path = ROOT) -> dict[str, str]:
    env = dict(os.environ)
    if FORK is not None:
        env["SIM_FORK_FIGURES"] = FORK
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    env.setdefault("COLUMNS", "100")
    return env


def _seconds(cmd: list[str], root: Path = ROOT) -> tuple[float, float]:
    """Wall-clock and CPU seconds (user + system, the process and the children it waited
    for) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    subprocess.run(cmd, capture_output=True, check=True, env=_env(root), cwd=root)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    return wall, cpu


Times = tuple[float, float]  # median wall-clock and CPU seconds


def _median(times: list[tuple[float, float]]) -> Times:
    return statistics.median(t[0] for t in times), statistics.median(t[1] for t in times)


def ratio(
    scenario: Path, repeat: int = 5, plots: str = "png,svg", roots: tuple[Path, ...] = (ROOT,)
) -> tuple[Times, list[Times]]:
    """Medians of ``repeat`` alternating runs (wall-clock and CPU seconds): dependency
    imports, and ``sim run`` of each checkout in ``roots``."""
    deps: list[tuple[float, float]] = []
    runs: list[list[tuple[float, float]]] = [[] for _ in roots]
    with tempfile.TemporaryDirectory() as tmp:
        _seconds([sys.executable, "-c", DEPS])  # warm the file cache for all
        for k in range(repeat):
            deps.append(_seconds([sys.executable, "-c", DEPS]))
            for j, root in enumerate(roots):
                out = Path(tmp) / f"r{k}_{j}"
                cmd = [sys.executable, "-m", "sim", "run", str(scenario), "--out", str(out)]
                runs[j].append(_seconds([*cmd, "--plots", plots], root))
    return _median(deps), [_median(r) for r in runs]


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
    parser.add_argument(
        "--against", type=Path, action="append", default=[],
        help="another checkout of sim to time side by side (repeatable)",
    )  # fmt: skip
    parser.add_argument(
        "--fork", choices=("auto", "0", "1"), default="auto",
        help="SIM_FORK_FIGURES of the timed runs: 1 forks the figure processes even on a busy "
        "machine, 0 never; auto (default) leaves sim to decide by the load",
    )  # fmt: skip
    parser.add_argument("--plots", default="png,svg", help="figure formats of the timed runs")
    args = parser.parse_args()
    global FORK
    FORK = None if args.fork == "auto" else args.fork
    roots = (ROOT, *(p.resolve() for p in args.against))
    deps, runs = ratio(args.scenario.resolve(), args.repeat, args.plots, roots=roots)
    load = os.getloadavg()[0]
    print(f"Scenario: {args.scenario.name}; median of {args.repeat}, side by side; load "
          f"average {load:.1f} on {os.cpu_count()} cores; SIM_FORK_FIGURES {args.fork}\n")
    print("| process | wall s | ratio | CPU s | CPU ratio |\n|---|---|---|---|---|")
    print(f"| import of the dependencies | {deps[0]:.3f} | 1 | {deps[1]:.3f} | 1 |")
    for root, (wall, cpu) in zip(roots, runs, strict=True):
        print(f"| `sim run` (all models, --plots {args.plots}), {root} | {wall:.3f} | "
              f"**{wall / deps[0]:.2f}** | {cpu:.3f} | {cpu / deps[1]:.2f} |")  # fmt: skip
    print(
        "\n(target: `sim run` at most 2 times the imports, wall-clock; CPU seconds count "
        "both processes when figures are shared with a child, see sim/render/forked.py)\n"
    )
    print("| step (in one process) | seconds |\n|---|---|")
    for label, t in steps(args.scenario):
        print(f"| {label} | {t:.4f} |")


if __name__ == "__main__":
    main()
