"""Nash draws per minute of ``sim sweep`` on the baseline, every declared parameter varying.

Three paths measured side by side in one run (the machine is shared: compare the ratios):

* per draw: ``sim.modify`` + ``sim.run(models=["nash_bargaining"])``, the loop a new user
  writes;
* a sweep in one process (:func:`sim.sweep`, Parquet chunks written);
* the same sweep on a 2-worker Dask ``LocalCluster`` (processes), checked identical.

Then where the time of one chunk goes (cProfile, sim's own functions by cumulative time).
Issue 11's goal is 1,000,000 Nash draws a minute on this 2-core machine.

    python benchmarks/bench_sweep.py [--draws 4000] [--per-draw 10] [--chunk 8000]
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import tempfile
import time
from pathlib import Path

import sim
from sim.analysis.design import make_design
from sim.analysis.sweep import local_cluster, read_table

SCENARIO = "scenarios/japan_us_2025.yaml"


def _per_minute(n: int, seconds: float) -> float:
    return 60.0 * n / seconds


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=4000)
    ap.add_argument("--per-draw", type=int, default=10)
    ap.add_argument("--chunk", type=int, default=8000)  # sim sweep's default chunk size
    args = ap.parse_args()
    base = sim.load(SCENARIO)
    design = make_design(base, method="lhs", samples=args.draws, seed=0)
    draws = design.draws()
    print(f"baseline: {len(design.factors)} parameters varying (probabilities left out)")

    sim.run(sim.modify(base, draws.iloc[0].to_dict()), models=["nash_bargaining"])  # warm-up
    t0 = time.perf_counter()
    for k in range(args.per_draw):
        sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=["nash_bargaining"])
    per_draw = _per_minute(args.per_draw, time.perf_counter() - t0)

    kw = {"samples": args.draws, "method": "lhs", "seed": 0, "models": ["nash_bargaining"],
          "chunk_size": args.chunk}
    sim.evaluate(base, draws.head(20), models="nash_bargaining")  # warm-up (imports)
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        one = sim.sweep(base, out=Path(tmp) / "one", **kw)
        single = _per_minute(args.draws, time.perf_counter() - t0)
        from dask.distributed import Client

        with local_cluster(2) as cl, Client(cl) as client:
            # warm the workers as the one process was (imports, first-call caches): a long
            # sweep pays this once per worker
            client.run(sim.evaluate, base, draws.head(20), models="nash_bargaining")
            t0 = time.perf_counter()
            two = sim.sweep(base, out=Path(tmp) / "two", scheduler=cl.scheduler_address, **kw)
            dual = _per_minute(args.draws, time.perf_counter() - t0)
        same = read_table(one).equals(read_table(two))

    rows = [("per draw: sim.modify + sim.run", per_draw),
            ("sweep, 1 process", single), ("sweep, LocalCluster 2 workers", dual)]
    print(f"\n{'path':34s} {'Nash draws/min':>15s} {'x per-draw':>11s}")
    for name, rate in rows:
        print(f"{name:34s} {rate:15,.0f} {rate / per_draw:11.1f}")
    print(f"2 workers / 1 process: {dual / single:.2f}; tables identical: {same}")
    print(f"goal 1,000,000/min: reached {dual / 1e6:.1%} of it")

    prof = cProfile.Profile()
    chunk = draws.head(args.chunk)
    prof.enable()
    sim.evaluate(base, chunk, models="nash_bargaining")
    prof.disable()
    print(f"\nwhere one chunk of {args.chunk} draws spends its time (cumulative, sim only):")
    stats = pstats.Stats(prof)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "evaluate") or 1.0
    top = sorted(((v[3], f"{Path(k[0]).name}:{k[2]}") for k, v in stats.stats.items()
                  if "/sim/" in k[0] and k[2] not in ("evaluate",)), reverse=True)[:10]
    for cum, name in top:
        print(f"  {cum:7.2f} s  {cum / total:5.0%}  {name}")


if __name__ == "__main__":
    main()
