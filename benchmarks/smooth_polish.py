"""Cost of polishing answers on the smooth trade model (issue 9), on the shipped scenarios.

Runs every default model of each trade scenario with ``payoffs.refine`` on and off,
alternating, in one process, and prints the median wall time of each and their ratio.
Plain script: ``python benchmarks/smooth_polish.py [repeats]``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import sim

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ["japan_us_2025", "japan_us_2025_election_pressure", "japan_us_2025_us_holds_out"]


def _time(loaded) -> float:
    start = time.perf_counter()
    sim.run(loaded)
    return time.perf_counter() - start


def main(repeats: int = 3) -> None:
    print(f"{'scenario':34} {'refine on (s)':>14} {'refine off (s)':>15} {'ratio':>6}")
    for name in SCENARIOS:
        on = sim.load(ROOT / "scenarios" / f"{name}.yaml")
        off = sim.modify(on, {"payoffs.refine": False})
        t_on, t_off = [], []
        for _ in range(repeats):
            t_on.append(_time(on))
            t_off.append(_time(off))
        a, b = statistics.median(t_on), statistics.median(t_off)
        print(f"{name:34} {a:14.2f} {b:15.2f} {a / b:6.2f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
