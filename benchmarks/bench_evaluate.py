"""Nash draws per second: ``sim.evaluate`` against per-draw ``sim.modify`` + ``sim.run``,
and the part of it spent compiling the payoffs of all draws (``compile_batch``).

Every declared parameter of the baseline varies, uniformly within its range (issue 8's
benchmark; issue 11 wants 1,000,000 Nash draws a minute).  Probabilities that must sum to
one are left out: independent draws would break that tie, which ``sim.modify`` refuses.

    python benchmarks/bench_evaluate.py [--draws 2000] [--per-draw 20]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

import sim
from sim.analysis.batch_trade import Params
from sim.analysis.batch_values import compile_batch
from sim.analysis.parameters import check_columns

SCENARIO = "scenarios/japan_us_2025.yaml"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=2000, help="draws for sim.evaluate")
    ap.add_argument("--per-draw", type=int, default=20, help="draws for modify + run")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    base = sim.load(SCENARIO)
    params = [p for p in sim.declared_parameters(base) if "probabilit" not in p.path]
    rng = np.random.default_rng(args.seed)
    draws = pd.DataFrame({p.path: rng.uniform(*p.range, args.draws) for p in params})

    sim.evaluate(base, draws.head(10), models="nash_bargaining")  # warm-up (imports)
    arrays = check_columns(base, draws)
    payoffs = {p: v for p, v in arrays.items() if p.startswith("payoffs.")}
    t0 = time.perf_counter()
    compile_batch(base.scenario, Params(payoffs, args.draws))
    compiled = args.draws / (time.perf_counter() - t0)
    t0 = time.perf_counter()
    out = sim.evaluate(base, draws, models="nash_bargaining")
    batched = args.draws / (time.perf_counter() - t0)

    sim.run(sim.modify(base, draws.iloc[0].to_dict()), models=["nash_bargaining"])
    t0 = time.perf_counter()
    for k in range(args.per_draw):
        sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=["nash_bargaining"])
    per_draw = args.per_draw / (time.perf_counter() - t0)

    print(
        f"{SCENARIO}: {len(params)} parameters varying; {(out.status == 'ok').mean():.0%} "
        "of draws reach agreement"
    )
    print(f"{'path':<32} {'draws':>8} {'draws/s':>10}")
    print(f"{'sim.modify + sim.run':<32} {args.per_draw:>8} {per_draw:>10.1f}")
    print(f"{'sim.evaluate (batched)':<32} {args.draws:>8} {batched:>10.1f}")
    print(f"{'  of which compile_batch':<32} {args.draws:>8} {compiled:>10.1f}")
    print(f"ratio: {batched / per_draw:.0f}x; batched = {batched * 60:,.0f} Nash draws/minute")


if __name__ == "__main__":
    main()
