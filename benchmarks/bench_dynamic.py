"""Dynamic-model draws per second: ``sim.evaluate`` against per-draw ``sim.modify`` +
``sim.run``, side by side in one process.

Every declared parameter of the baseline varies, uniformly within its range (as
benchmarks/bench_evaluate.py; issue 11 wants the dynamic models at least 10x faster than the
per-draw path).  Probabilities that must sum to one are left out: independent draws would
break that tie, which ``sim.modify`` refuses.  The two paths alternate in rounds (the best
round of each is reported) so that the load of a shared machine falls on both alike.

    python benchmarks/bench_dynamic.py [--draws 64] [--per-draw 8] [--rounds 3] [MODEL ...]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import sim

SCENARIO = "scenarios/japan_us_2025.yaml"
MODELS = ("rubinstein", "deadline", "private_information", "two_level")


def _per_draw(base, rows, name: str) -> float:
    """Draws per second of the per-draw path."""
    t0 = time.perf_counter()
    for row in rows:
        sim.run(sim.modify(base, row), models=[name])
    return len(rows) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("models", nargs="*", default=list(MODELS))
    ap.add_argument("--draws", type=int, default=64, help="draws for sim.evaluate")
    ap.add_argument("--per-draw", type=int, default=8, help="draws for modify + run")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    base = sim.load(SCENARIO)
    params = [p for p in sim.declared_parameters(base) if "probabilit" not in p.path]
    rng = np.random.default_rng(args.seed)
    draws = pd.DataFrame({p.path: rng.uniform(*p.range, args.draws) for p in params})
    rows = draws.to_dict("records")
    print(f"{SCENARIO}: {len(params)} parameters varying; best of {args.rounds} rounds")
    print(f"{'model':<22} {'modify+run/s':>13} {'evaluate/s':>11} {'ratio':>6} {'ok':>5}")
    for name in args.models:
        sim.evaluate(base, draws.head(2), models=name)  # warm-up (imports, caches)
        sim.run(sim.modify(base, rows[0]), models=[name])
        per_draw = batched = 0.0
        out = None
        for _ in range(args.rounds):
            per_draw = max(per_draw, _per_draw(base, rows[: args.per_draw], name))
            t0 = time.perf_counter()
            out = sim.evaluate(base, draws, models=name)
            batched = max(batched, args.draws / (time.perf_counter() - t0))
        ok = (out.status == "ok").mean() if out is not None else float("nan")
        print(
            f"{name:<22} {per_draw:>13.1f} {batched:>11.1f} {batched / per_draw:>5.1f}x "
            f"{ok:>5.0%}"
        )


if __name__ == "__main__":
    main()
