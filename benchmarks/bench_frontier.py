"""Cells of the two-party utility set before and after the reduction, with time and memory.

Run: ``python benchmarks/bench_frontier.py [--n 8 12 16 20] [--k 1 2 4 8] [--old-max 300000]``.

For each ``n`` yes/no concessions and ``k`` continuous tariff issues (generated in code, seeded:
each concession gains one side 0.2-2 and costs the other 0.1-1.5 $bn/yr; each tariff cut is a
concave six-piece gain for one side and a linear cost for the other, as the trade model's
compilation gives) it builds the utility set, its exact and convex Pareto frontiers and the
Nash solution, and prints

* ``cells before``: the full enumeration (levels times boxes of linear pieces), 2^n 6^k;
* ``cells after``: the cells :mod:`sim.bargaining.additive` keeps;
* time and peak traced memory (``tracemalloc``) of the new path, and of the old one
  (enumerate every cell, then the same solvers) where it has at most ``--old-max`` cells.

Timings are reported, never asserted (the machine is shared: compare ratios in one run).
"""

from __future__ import annotations

import argparse
import itertools
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # run from a checkout without installing

PIECES = 6


def scenario(n: int, k: int, seed: int = 0) -> dict:
    """Plain scenario data with ``n`` concessions and ``k`` continuous tariffs."""
    rng = np.random.default_rng(seed)
    issues, out, pay = [], {}, {"A": {}, "B": {}}
    for j in range(k):
        iid, hi = f"tariff{j}", float(rng.uniform(10, 30))
        issues.append({"id": iid, "name": iid, "kind": "continuous", "range": [0, hi]})
        out[iid] = hi
        xs = np.linspace(0, hi, PIECES + 1)
        gain = float(rng.uniform(1, 5))
        pay["B"][iid] = {"points": [[float(x), gain * (1 - (x / hi) ** 2)] for x in xs]}
        pay["A"][iid] = {"points": [[0.0, -float(rng.uniform(0.5, 3))], [hi, 0.0]]}
    for j in range(n):
        iid = f"concession{j}"
        issues.append({"id": iid, "name": iid, "kind": "binary"})
        out[iid] = "no"
        g, c = float(rng.uniform(0.2, 2)), -float(rng.uniform(0.1, 1.5))
        a_gains = bool(rng.integers(2))
        pay["A"][iid] = {"levels": {"yes": g if a_gains else c}}
        pay["B"][iid] = {"levels": {"yes": c if a_gains else g}}
    return {
        "id": f"n{n}k{k}",
        "title": "generated",
        "as_of": "2025-05-31",
        "parties": [{"code": "A", "name": "A"}, {"code": "B", "name": "B"}],
        "issues": issues,
        "disagreement": {"outcome": out},
        "payoffs": {"model": "linear", "unit": "$bn/yr", "parties": pay},
    }


def old_cells(space):
    """The utility set as it was built before: every combination of discrete levels times
    every box of linear pieces of the continuous issues."""
    from sim.bargaining.geometry import UtilitySet

    f = space.values.functions
    sizes = [len(space.issues[j].level_list()) for j in space.discrete]
    combos = np.array(list(itertools.product(*[range(s) for s in sizes]))).reshape(-1, len(sizes))
    disc_u = np.zeros((len(combos), 2))
    for i in range(2):
        for col, j in enumerate(space.discrete):
            disc_u[:, i] += f[i][j](combos[:, col])
    pieces = []
    for j in space.continuous:
        bp = space.values.breakpoints(j, *space.issues[j].range)
        pieces.append(list(itertools.pairwise(bp)))
    boxes = list(itertools.product(*pieces)) if pieces else [()]
    kk = len(space.continuous)
    lower = np.array([[b[0] for b in box] for box in boxes]).reshape(len(boxes), kk)
    upper = np.array([[b[1] for b in box] for box in boxes]).reshape(len(boxes), kk)
    gens, base = np.zeros((len(boxes), 2, kk)), np.zeros((len(boxes), 2))
    for col, j in enumerate(space.continuous):
        for i in range(2):
            lo, hi = f[i][j](lower[:, col]), f[i][j](upper[:, col])
            gens[:, i, col] = hi - lo
            base[:, i] += lo
    offsets = (disc_u[:, None, :] + base[None]).reshape(-1, 2)
    return UtilitySet(offsets, np.tile(np.arange(len(boxes)), len(combos)), gens)


def solve(uset) -> np.ndarray:
    """Exact and convex frontiers and the Nash solution against ``d = 0``."""
    from sim.bargaining.axiomatic import nash_bargaining
    from sim.bargaining.frontier import convex_frontier, pareto_frontier

    pareto_frontier(uset)
    convex_frontier(uset)
    return nash_bargaining(uset, np.zeros(2)).utility


def measure(fn):
    """(result, seconds, peak MB traced): timed untraced, then run again under tracemalloc
    (which slows allocation-heavy code)."""
    t0 = time.perf_counter()
    out = fn()
    dt = time.perf_counter() - t0
    tracemalloc.start()
    fn()
    peak = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    return out, dt, peak


def main(argv=None) -> None:
    from sim.scenario.loader import validate_data
    from sim.space import OutcomeSpace

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, nargs="+", default=[8, 12, 16, 20])
    ap.add_argument("--k", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--old-max", type=int, default=300_000)
    args = ap.parse_args(argv)
    head = f"{'n':>3} {'k':>2} {'cells before':>14} {'after':>7} {'new s':>7} {'new MB':>7}"
    print(head + f" {'old s':>7} {'old MB':>7} {'|Δ Nash|':>9}")
    for n, k in itertools.product(args.n, args.k):
        sc = validate_data(scenario(n, k), "gen.yaml").scenario
        before = 2**n * PIECES**k

        def new(sc=sc):
            space = OutcomeSpace.from_scenario(sc)
            return space.utility_set, solve(space.utility_set)

        space = OutcomeSpace.from_scenario(sc)
        (uset, u_new), t_new, m_new = measure(new)
        row = f"{n:>3} {k:>2} {before:>14,} {uset.n_cells:>7,} {t_new:>7.2f} {m_new:>7.1f}"
        if before <= args.old_max:
            u_old, t_old, m_old = measure(lambda s=space: solve(old_cells(s)))
            gap = float(np.abs(u_old - u_new).max())
            row += f" {t_old:>7.2f} {m_old:>7.1f} {gap:>9.1e}"
        else:
            row += f" {'-':>7} {'-':>7} {'-':>9}"
        print(row, flush=True)


if __name__ == "__main__":
    main()
