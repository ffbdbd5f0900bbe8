"""The two-level game over draws (sim.analysis.batch_two_level) against oracles: the per-draw
path (sim.modify + sim.run: the scenario re-validated and re-compiled, the candidates drawn
and evaluated, the whole model run), record field by field; a brute force over a grid of a
small scenario's outcomes (the deal is within both win-sets and no ratifiable grid outcome
has a larger Nash product)."""

from __future__ import annotations

import textwrap
from pathlib import Path

import numpy as np
import pytest

import sim
from sim.analysis import batch_two_level
from sim.space import OutcomeSpace
from tests.unit.test_batch_dynamic import _draws, _modifiable, _same

ROOT = Path(__file__).resolve().parents[2]
MODEL = "two_level"


def _check_records(base, draws, settled_by_batch=True):
    """Every column of sim.evaluate equals the per-draw record; the batch settles every draw
    (``settled_by_batch``), else none; returns the evaluated frame."""
    settled = []
    real = batch_two_level.two_level_batch

    def counted(*args, **kwargs):
        recs = real(*args, **kwargs)
        settled.extend(r is not None for r in recs)
        return recs

    mp = pytest.MonkeyPatch()
    mp.setattr(batch_two_level, "two_level_batch", counted)
    try:
        out = sim.evaluate(base, draws, models=MODEL)
    finally:
        mp.undo()
    assert settled == [settled_by_batch] * len(draws)
    for k in range(len(draws)):
        ref = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=[MODEL])
        rec = ref.models[MODEL].to_record()
        row = out.iloc[k]
        for key, want in rec.items():
            assert _same(want, row[key]), (k, key, want, row[key])
        for key in out.columns:  # nothing the model does not report
            if key not in rec and key not in draws.columns and key != "draw":
                assert _same(row[key], float("nan")), (k, key, row[key])
    return out


@pytest.mark.parametrize("seed", [1, 2])
def test_baseline_records_equal_modify_and_run(seed):
    """Every declared number of the trade baseline varying: payoffs, no-deal adjustments,
    Japan's cap and the US floor on the car tariff, the US minimum gain."""
    base = sim.load(ROOT / "scenarios" / "japan_us_2025.yaml")
    params = _modifiable(base, MODEL)
    assert sum(p.path.startswith("models.two_level.") for p in params) == 3
    out = _check_records(base, _draws(params, 10, seed))
    assert 0 < (out.status == "ok").sum() < len(out)  # deals and empty win-sets


SMALL = textwrap.dedent(
    """
    id: small_two_level
    title: small hand-built linear scenario with win-sets
    as_of: 2025-01-01
    parties: [{code: A, name: A}, {code: B, name: B}]
    issues:
      - {id: price, name: price, kind: continuous, range: [0, 2]}
      - {id: fee, name: fee, kind: continuous, range: [0, 1]}
      - id: volume
        name: volume
        kind: discrete
        levels: [{label: low, value: 0}, {label: mid, value: 1}, {label: high, value: 2}]
      - {id: extra, name: extra, kind: binary}
    disagreement:
      outcome: {price: 0, fee: 0, volume: low, extra: "no"}
      adjustments:
        A: {value: 0.3, range: [-1, 1.5]}
        B: {value: 0.5, range: [-1, 2]}
    payoffs:
      model: linear
      parties:
        A:
          price: {linear: {value: 1.0, range: [0.5, 2]}}
          fee: {linear: {value: 0.7, range: [0.1, 2]}}
          volume:
            levels: {mid: {value: -1.0, range: [-2, 0]}, high: {value: -2.5, range: [-4, -1]}}
          extra: {levels: {"yes": {value: 1.5, range: [-1, 3]}}}
        B:
          price: {linear: {value: -0.8, range: [-2, -0.2]}}
          fee: {linear: {value: -1.1, range: [-3, -0.1]}}
          volume: {levels: {mid: {value: 3.0, range: [1, 5]}, high: {value: 5.0, range: [2, 8]}}}
          extra: {levels: {"yes": {value: -0.5, range: [-2, 1]}}}
    models:
      two_level:
        weights: {A: 1.0, B: 2.0}
        win_sets:
          A:
            bounds:
              price: {min: {value: 0.5, range: [0, 1.5]}}
              volume: {max: mid}
            min_gain: {value: 0.2, range: [0, 1]}
          B:
            bounds:
              price: {max: {value: 1.5, range: [0.5, 2]}}
              fee: {max: {value: 0.6, range: [0, 1]}}
            min_gain: {value: 0.1, range: [0, 2]}
    """
)


def _brute_force(base, draw: dict, row) -> None:
    """On a grid of the outcomes (every level, 41 points per continuous issue): the deal
    is within both win-sets, worth each side's minimum, and no such grid outcome has a
    larger weighted Nash product; without a deal, no such grid outcome gains for both."""
    mod = sim.modify(base, draw)
    sc = mod.scenario
    space = OutcomeSpace.from_scenario(sc)
    ws = sc.models.two_level.win_sets
    d = space.disagreement_point()
    lower = np.array([d[i] + ws[p].min_gain.value for i, p in enumerate(("A", "B"))])
    w = np.array([sc.models.two_level.weights[p] for p in ("A", "B")])
    price, fee = np.linspace(0, 2, 41), np.linspace(0, 1, 41)
    grid = np.array(np.meshgrid(price, fee, [0, 1, 2], [0, 1], indexing="ij")).reshape(4, -1).T
    inside = (
        (grid[:, 0] >= ws["A"].bounds["price"].min.value - 1e-12)
        & (grid[:, 0] <= ws["B"].bounds["price"].max.value + 1e-12)
        & (grid[:, 1] <= ws["B"].bounds["fee"].max.value + 1e-12)
        & (grid[:, 2] <= 1)
    )
    u = space.payoffs(grid[inside])
    ok = (u >= np.maximum(lower, d)).all(axis=1) & (u > d).all(axis=1)
    if row["status"] != "ok":
        assert not ok.any()
        return
    deal = np.array([row["agreement.price"], row["agreement.fee"]])
    assert deal[0] >= ws["A"].bounds["price"].min.value - 1e-9
    assert deal[0] <= ws["B"].bounds["price"].max.value + 1e-9
    assert deal[1] <= ws["B"].bounds["fee"].max.value + 1e-9
    assert row["agreement.volume"] in ("low", "mid")
    got = np.array([row["payoff.A"], row["payoff.B"]])
    assert (got >= lower - 1e-9).all()
    if ok.any():
        best = (w * np.log(u[ok] - d)).sum(axis=1).max()
        assert (w * np.log(got - d)).sum() >= best - 1e-9


def test_small_scenario_records_equal_modify_and_run_and_brute_force(tmp_path):
    """Bounds on two continuous issues and a discrete one, both minimum gains and a weight
    drawn: deals where a minimum gain binds, draws with nothing ratifiable."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    base = sim.load(path)
    draws = _draws(_modifiable(base, MODEL), 40, 5)
    draws["models.two_level.weights.B"] = np.random.default_rng(6).uniform(0.5, 3, len(draws))
    out = _check_records(base, draws)
    assert 0 < (out.status == "ok").sum() < len(out)
    for k in range(len(draws)):
        _brute_force(base, draws.iloc[k].to_dict(), out.iloc[k])


def test_unread_numbers_go_to_the_per_draw_path(tmp_path):
    """A drawn number of the no-deal outcome (not an adjustment) is not read: every draw
    goes to the per-draw path, with the same records."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    base = sim.load(path)
    draws = _draws(_modifiable(base, MODEL), 4, 7)
    draws["disagreement.outcome.price"] = [0.0, 0.3, 0.6, 0.9]
    _check_records(base, draws, settled_by_batch=False)
    assert batch_two_level._readable(
        {"disagreement.changes.0.adjustments.A": 0, "calendar.breakdown_risk": 0,
         "models.rubinstein.delta.A": 0, "models.two_level.win_sets.A.min_gain": 0}
    )


def test_restricted_sets_reduced_together_equal_one_by_one(tmp_path):
    """OutcomeSpace.restricted_cells_batch: the cells each space reduces on its own within
    its bounds, None where a bound leaves nothing (a discrete issue's empty range)."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    base = sim.load(path)
    draws = _draws(_modifiable(base, MODEL), 6, 8).to_dict("records")
    spaces = [OutcomeSpace.from_scenario(sim.modify(base, d).scenario) for d in draws]
    rng = np.random.default_rng(9)
    bounds = [(np.array([rng.uniform(0, 1), 0.2, 0, -np.inf]),
               np.array([rng.uniform(1, 2), np.inf, 2, np.inf])) for _ in spaces]
    bounds[3] = (np.array([0, 0, 2.5, 0]), np.full(4, np.inf))  # volume above its top level
    bounds[4] = (None, None)
    got = OutcomeSpace.restricted_cells_batch(spaces, bounds)
    assert got[3] is None
    for space, (lo, hi), cells in zip(spaces, bounds, got, strict=True):
        want = space.restricted_cells(lo, hi)
        if want is None:
            assert cells is None
            continue
        for field in ("offsets", "shape", "generators", "discrete", "lower", "upper", "scale"):
            assert np.array_equal(getattr(cells, field), getattr(want, field)), field
