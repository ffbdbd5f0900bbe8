"""Vertex enumeration time on random square games, against the estimate ``method="auto"``
uses (``sim.equilibria.solve.vertex_seconds``).  Run: python benchmarks/bench_vertex.py"""

from __future__ import annotations

import sys
import time

import numpy as np

from sim.equilibria.solve import vertex_seconds
from sim.equilibria.vertex import vertex_enumeration


def main(sizes=(12, 14, 16, 17, 18)) -> None:
    print(f"{'size':>6} {'equilibria':>10} {'seconds':>8} {'estimate':>8}")
    for d in sizes:
        rng = np.random.default_rng(d)
        A, B = rng.random((d, d)), rng.random((d, d))
        t = time.perf_counter()
        xs, _ = vertex_enumeration(A, B)
        dt = time.perf_counter() - t
        print(f"{d:>3}x{d:<2} {len(xs):>10} {dt:>8.2f} {vertex_seconds(d, d):>8.1f}")


if __name__ == "__main__":
    main(tuple(int(a) for a in sys.argv[1:]) or (12, 14, 16, 17, 18))
