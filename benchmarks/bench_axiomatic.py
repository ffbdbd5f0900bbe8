"""Timings of the exact axiomatic solutions and the Pareto frontier (plain script).

Run from the repository root: ``python benchmarks/bench_axiomatic.py``.  Cells are
``P`` translations of 4 shapes with ``k = 2`` continuous issues; two layouts: offsets
scattered in a box (most cells dominated) and offsets along a line (most cells on the
frontier: the hard case for the frontier).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.bargaining.axiomatic import kalai_smorodinsky, nash_bargaining
from sim.bargaining.frontier import pareto_frontier
from sim.bargaining.geometry import UtilitySet


def make(P: int, layout: str, rng: np.random.Generator) -> UtilitySet:
    G = rng.uniform(-0.05, 0.05, size=(4, 2, 2))
    if layout == "scatter":
        off = rng.uniform(0, 1, size=(P, 2))
    else:
        s = np.sort(rng.uniform(0, 1, size=P))
        off = np.stack([s, 1 - s], axis=1) + rng.normal(0, 0.002, size=(P, 2))
    return UtilitySet(off, rng.integers(0, 4, size=P), G)


def best_of(f, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f()
        times.append(time.perf_counter() - t0)
    return min(times)


def main() -> None:
    rng = np.random.default_rng(0)
    d = np.array([0.1, 0.1])
    print(f"{'layout':8} {'P':>6} {'nash':>9} {'ks':>9} {'frontier':>9} {'segments':>9}")
    for layout in ("scatter", "line"):
        for P in (100, 1_000, 10_000):
            u = make(P, layout, rng)
            tn = best_of(
                lambda u=u: nash_bargaining(UtilitySet(u.offsets, u.shape, u.generators), d)
            )
            tk = best_of(
                lambda u=u: kalai_smorodinsky(UtilitySet(u.offsets, u.shape, u.generators), d)
            )
            tf = best_of(lambda u=u: pareto_frontier(UtilitySet(u.offsets, u.shape, u.generators)))
            n = len(pareto_frontier(u))
            print(f"{layout:8} {P:>6} {tn:>8.4f}s {tk:>8.4f}s {tf:>8.4f}s {n:>9}")


if __name__ == "__main__":
    main()
