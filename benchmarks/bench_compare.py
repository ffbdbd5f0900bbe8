"""Seconds for ``sim.compare(..., all_combinations=True)``: every subset of k yes/no concessions.

A linear scenario with two tariffs (the US's) and k binary concessions (Japan's) with
values and costs drawn once from a fixed seed; every one of the 2**k packages is solved
under the four axiomatic models (issue 10 asks for k = 12, 4,096 packages, in under 2 s) and
under every model (``--models all``; under 30 s).

    python benchmarks/bench_compare.py [--k 12] [--models nash_bargaining,...|all]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import numpy as np

import sim
from sim.registry import MODELS

AXIOMATIC = "nash_bargaining,kalai_smorodinsky,utilitarian,egalitarian"


def scenario_text(k: int, seed: int = 0) -> str:
    rng = np.random.default_rng(seed)
    value, cost = rng.uniform(0.2, 3.0, k), rng.uniform(0.1, 2.0, k)
    issues = "\n".join(
        f"  - {{id: c{i}, name: c{i}, kind: binary, controlled_by: JP}}" for i in range(k)
    )
    us = "\n".join(f'      c{i}: {{levels: {{"yes": {value[i]:.3f}}}}}' for i in range(k))
    jp = "\n".join(f'      c{i}: {{levels: {{"yes": {-cost[i]:.3f}}}}}' for i in range(k))
    nodeal = ", ".join(f'c{i}: "no"' for i in range(k))
    return f"""id: bench_{k}
title: {k} concessions
as_of: 2025-01-01
parties: [{{code: US, name: US}}, {{code: JP, name: JP}}]
issues:
  - {{id: cars, name: cars, kind: continuous, unit: "%", range: [0, 25], controlled_by: US}}
  - {{id: other, name: other, kind: continuous, unit: "%", range: [0, 24], controlled_by: US}}
{issues}
disagreement:
  outcome: {{cars: 25, other: 24, {nodeal}}}
payoffs:
  model: linear
  parties:
    US:
      cars: {{linear: 0.1}}
      other: {{linear: 0.2}}
{us}
    JP:
      cars: {{linear: -0.3}}
      other: {{linear: -0.25}}
{jp}
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--k", type=int, default=12, help="yes/no concessions (2**k packages)")
    ap.add_argument("--models", default=AXIOMATIC, help="comma-separated, or all")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.yaml"
        path.write_text(scenario_text(args.k))
        loaded = sim.load(path)
        models = list(MODELS) if args.models == "all" else args.models.split(",")
        start = time.perf_counter()
        table = sim.compare(loaded, all_combinations=True, models=models)
        seconds = time.perf_counter() - start
    n = table["package"].nunique()
    print(f"{n} packages x {len(models)} models: {seconds:.2f} s "
          f"({seconds / n * 1000:.1f} ms per package)")  # fmt: skip


if __name__ == "__main__":
    main()
