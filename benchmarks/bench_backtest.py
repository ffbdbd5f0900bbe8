"""Where the time of ``sim backtest`` on the baseline goes: the predictive draws of each model
(:func:`sim.evaluate`), then scoring, ABC calibration and scoring a stored forecast, on an
observed-outcome file written here (not real later events).

    python benchmarks/bench_backtest.py [--draws 64]
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import sim
from sim.analysis import backtest as bt
from sim.analysis.calibrate import calibrate
from sim.analysis.design import make_design
from sim.analysis.forecast import forecast_payload, predictives, read_forecast, write_forecast
from sim.scenario.observed import load_observed

SCENARIO = "scenarios/japan_us_2025.yaml"
OBSERVED = """\
agreement: {reached: true, date: 2025-07-22, source: benchmark}
issues:
  car_tariff: {value: 12.5, source: benchmark}
  reciprocal_tariff: {value: 15, source: benchmark}
  corn: {value: +1 Mt, source: benchmark}
  rice: {value: "yes", source: benchmark}
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--draws", type=int, default=64)
    n = ap.parse_args().draws
    loaded = sim.load(SCENARIO)
    design = make_design(loaded, method="lhs", samples=n, seed=0)
    draws = design.draws()
    rows, tables = [], []
    for model in loaded.scenario.models.selected():
        t = time.perf_counter()
        tables.append(sim.evaluate(loaded, draws, models=model))
        dt = time.perf_counter() - t
        rows.append((f"draws: {model}", dt, 1000 * dt / n))
    import pandas as pd

    table = pd.concat(tables, ignore_index=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "observed.yaml"
        path.write_text(OBSERVED)
        obs = load_observed(path, loaded.scenario)
        t = time.perf_counter()
        preds = predictives(table, loaded.scenario)
        scored = bt.score(preds, obs, loaded.scenario)
        bt.model_table(scored, preds)
        rows.append(("predictive + scores", time.perf_counter() - t, float("nan")))
        t = time.perf_counter()
        calibrate(table, design.factors, obs, loaded.scenario)
        rows.append(("ABC calibration", time.perf_counter() - t, float("nan")))
        t = time.perf_counter()
        write_forecast(Path(tmp), forecast_payload(preds, loaded, made_by="bench", design={}))
        _payload, stored = read_forecast(tmp)
        bt.score(stored, obs, loaded.scenario)
        rows.append(("forecast.json written, read, scored", time.perf_counter() - t,
                     float("nan")))
    print(f"{n} draws of the baseline, {len(design.factors)} uncertain numbers\n")
    print(f"{'step':40s} {'seconds':>9s} {'ms/draw':>9s}")
    for name, sec, per in rows:
        print(f"{name:40s} {sec:9.2f} {per:9.1f}")


if __name__ == "__main__":
    main()
