"""Alternating offers over draws (sim.analysis.batch_dynamic) against oracles that share none
of its code: the per-draw path (sim.modify + sim.run: the utility set's cells, their convex
frontier, the frontier's way back to deals), record field by field; the convex frontier the
model builds from the cells; Rubinstein's (1982) closed form on a pie."""

from __future__ import annotations

import math
import textwrap
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim.analysis import batch_chain, batch_dynamic
from sim.errors import ScenarioError
from tests.unit.test_additive import scenarios

ROOT = Path(__file__).resolve().parents[2]


def _modifiable(loaded, model="rubinstein"):
    out = []
    for p in sim.declared_parameters(loaded):
        if "probabilit" in p.path or (p.path.startswith("models.")
                                      and not p.path.startswith(f"models.{model}.")):
            continue
        try:
            sim.modify(loaded, {p.path: p.value})
        except ScenarioError:
            continue
        out.append(p)
    return out


def _draws(params, n, seed):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({p.path: rng.uniform(*p.range, n) for p in params})


def _same(a, b, atol=1e-9) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        if math.isnan(a) or math.isnan(b):
            return math.isnan(a) and math.isnan(b)
        return math.isclose(a, b, rel_tol=1e-9, abs_tol=atol)
    if a is None or (isinstance(a, float) and math.isnan(a)):
        return b is None or (isinstance(b, float) and math.isnan(b))
    return a == b


def _settled(monkeypatch, model):
    """Counts the draws the batch settles (the rest go to the per-draw path)."""
    count = {"batch": 0, "all": 0}
    real = getattr(batch_dynamic, f"{model}_batch")

    def counted(*args, **kwargs):
        recs = real(*args, **kwargs)
        count["batch"] += sum(r is not None for r in recs)
        count["all"] += len(recs)
        return recs

    monkeypatch.setattr(batch_dynamic, f"{model}_batch", counted)
    return count


def _check_records(base, draws, monkeypatch, at_least, model="rubinstein"):
    count = _settled(monkeypatch, model)
    out = sim.evaluate(base, draws, models=model)
    assert count["all"] == len(draws) and count["batch"] >= at_least * len(draws)
    for k in range(len(draws)):
        ref = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=[model])
        rec = ref.models[model].to_record()
        row = out.iloc[k]
        for key, want in rec.items():
            assert _same(want, row[key]), (k, key, want, row[key])
        for key in out.columns:  # nothing the model does not report
            if key not in rec and key not in draws.columns and key != "draw":
                assert _same(row[key], float("nan")), (k, key, row[key])


@pytest.mark.parametrize(("model", "seed"), [("rubinstein", 1), ("rubinstein", 2),
                                             ("deadline", 1), ("deadline", 2),
                                             ("private_information", 1)])
def test_baseline_records_equal_modify_and_run(monkeypatch, model, seed):
    """Every declared number of the trade baseline varying (payoffs, disagreement, the
    calendar's rates and breakdown risk, the outside option): exact deals (Rubinstein's
    polished on the true functions), lotteries resolved to the best exact deal."""
    base = sim.load(ROOT / "scenarios" / "japan_us_2025.yaml")
    draws = _draws(_modifiable(base, model), 8, seed)
    _check_records(base, draws, monkeypatch, at_least=0.75, model=model)


def test_linear_scenario_records_equal_modify_and_run(monkeypatch):
    base = sim.load(ROOT / "scenarios" / "japan_us_2025_linear.yaml")
    params = [p for p in _modifiable(base) if " " not in p.path]
    _check_records(base, _draws(params, 12, 3), monkeypatch, at_least=0.75)


SMALL = textwrap.dedent(
    """
    id: small_alternating
    title: small hand-built linear scenario
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
        A: {value: 1.0, range: [0, 3]}
        B: {value: 0.5, range: [-3, 3]}
      changes:
        - date: 2025-03-15
          label: the end
          outcome: {fee: 1}
          adjustments: {A: {value: -1.0, range: [-2, 0]}}
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
    calendar:
      rounds:
        - {date: 2025-02-01, label: one, proposer: A}
        - {date: 2025-03-01, label: two, proposer: B}
        - {date: 2025-04-01, label: three, proposer: A}
      deadlines:
        - {date: 2025-03-15, label: the end}
      discount_rate:
        A: {value: 0.5, range: [0.05, 3]}
        B: {value: 1.0, range: [0.05, 3]}
      breakdown_risk: {value: 0.1, range: [0, 0.4]}
    models:
      deadline:
        from_date: first_round
      private_information:
        informed: B
        types:
          - label: tough
            probability: 0.4
            adjustment: {value: 1.0, range: [0, 2.5]}
          - label: keen
            probability: 0.6
            adjustment: {value: -0.5, range: [-1.5, 0.5]}
      rubinstein:
        first_proposer: B
        delta:
          A: {value: 0.9, range: [0.5, 0.99]}
          B: {value: 0.8, range: [0.5, 0.99]}
        breakdown: {value: 0.05, range: [0, 0.3]}
        outside_options:
          A: {value: 0.5, range: [0, 2]}
    """
)


@pytest.mark.parametrize("model", ["rubinstein", "deadline", "private_information"])
def test_small_scenario_records_equal_modify_and_run(monkeypatch, tmp_path, model):
    """Two curves (straight lines) and two discrete issues, every number drawn (for the
    deadline, a dated change of the no-deal point between rounds): some draws without
    agreement, many on lottery edges."""
    path = tmp_path / "small.yaml"
    path.write_text(SMALL)
    base = sim.load(path)
    draws = _draws(_modifiable(base, model), 30, 4)
    _check_records(base, draws, monkeypatch, at_least=0.75, model=model)


PIE = textwrap.dedent(
    """
    id: pie
    title: splitting a pie of size S
    as_of: 2025-01-01
    parties: [{code: A, name: A}, {code: B, name: B}]
    issues:
      - {id: share, name: A's share, kind: continuous, range: [0, 1]}
    disagreement:
      outcome: {share: 0}
      adjustments:
        B: {value: -{S}, range: [-{S}, -{S}]}
    payoffs:
      model: linear
      parties:
        A: {share: {linear: {value: {S}}}}
        B: {share: {linear: {value: -{S}}}}
    models:
      rubinstein:
        first_proposer: A
        delta:
          A: {value: 0.9, range: [0.05, 0.999]}
          B: {value: 0.9, range: [0.05, 0.999]}
        breakdown: {value: 0.0, range: [0, 0.5]}
    """
)


def test_pie_gives_rubinsteins_share(tmp_path):
    """Gains ``S (1 - e2) / (1 - e1 e2)`` and ``S - that`` with ``e_i = (1 - p) delta_i``
    (Rubinstein 1982; Binmore, Rubinstein & Wolinsky 1986), at 1e-9 through sim.evaluate."""
    size = 7.0
    path = tmp_path / "pie.yaml"
    path.write_text(PIE.replace("{S}", str(size)))
    base = sim.load(path)
    draws = _draws(sim.declared_parameters(base), 40, 6)
    out = sim.evaluate(base, draws, models="rubinstein")
    e = (1 - draws["models.rubinstein.breakdown"].to_numpy())[:, None] * draws[
        ["models.rubinstein.delta.A", "models.rubinstein.delta.B"]
    ].to_numpy()
    share = (1 - e[:, 1]) / (1 - e[:, 0] * e[:, 1])
    assert (out["status"] == "ok").all()
    np.testing.assert_allclose(out["gain.A"], size * share, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out["gain.B"], size * (1 - share), rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out["agreement.share"], share, rtol=1e-9, atol=1e-9)


def test_hull_chain_is_the_convex_frontier_of_the_cells():
    """The chain merged from the summands' hulls has the vertices of the convex frontier the
    model builds from the utility set's cells (sim.models._frontier.ScenarioFrontier)."""

    from sim.analysis.batch_trade import Params
    from sim.analysis.batch_values import compile_batch
    from sim.analysis.parameters import patch_scenario
    from sim.models._frontier import ScenarioFrontier
    from sim.space import OutcomeSpace

    base = sim.load(ROOT / "scenarios" / "japan_us_2025.yaml")
    sc = base.scenario
    draws = _draws([p for p in _modifiable(base) if p.path.startswith("payoffs.")], 6, 8)
    arrays = {c: draws[c].to_numpy() for c in draws.columns}
    values = compile_batch(sc, Params(arrays, len(draws)))
    tol = batch_chain.tolerance(values)
    for k in range(len(draws)):
        chain = batch_chain.hull_chain(values, k, float(tol[k]))
        assert chain is not None
        space = OutcomeSpace(patch_scenario(sc, draws.iloc[k].to_dict()), values.draw(k))
        front = ScenarioFrontier.build(space, "convex")
        want = front.chain.points
        scale = float(np.abs(want).max())
        # the cells' frontier drops collinear vertices (within its tolerance): compare the
        # vertices both keep, and every vertex with the other chain
        for a, b in ((chain.points, want), (want, chain.points)):
            on = np.interp(a[:, 0], b[:, 0], b[:, 1])
            assert np.abs(on - a[:, 1]).max() <= 1e-9 * scale
        assert np.allclose(chain.points[[0, -1]], want[[0, -1]], rtol=0, atol=1e-9 * scale)
        # and the outcome at each vertex has the vertex's payoffs
        u = np.array([space.payoffs(c) for c in chain.coords])
        assert np.abs(u - chain.points).max() <= 1e-9 * scale



PIE_ROUNDS = textwrap.dedent(
    """
    calendar:
      rounds:
        - {date: 2025-02-01, label: one}
        - {date: 2025-03-01, label: two}
        - {date: 2025-04-01, label: three}
      deadlines:
        - {date: 2025-05-01, label: the end}
    models:
      deadline:
        first_proposer: A
        from_date: first_round
        delta:
          A: {value: 0.9, range: [0.05, 0.999]}
          B: {value: 0.9, range: [0.05, 0.999]}
    """
)


def test_three_rounds_give_stahls_share(tmp_path):
    """Three rounds to a deadline on a pie, A first: A gets ``(1 - d2) + d1 d2`` (Ståhl
    1972; ``T = 2n + 1`` with ``n = 1``), at 1e-9 through sim.evaluate."""
    size = 7.0
    text = PIE.replace("{S}", str(size)).split("models:")[0] + PIE_ROUNDS
    path = tmp_path / "pie.yaml"
    path.write_text(text)
    base = sim.load(path)
    draws = _draws(sim.declared_parameters(base), 40, 9)
    out = sim.evaluate(base, draws, models="deadline")
    d1, d2 = draws["models.deadline.delta.A"], draws["models.deadline.delta.B"]
    share = (1 - d2) + d1 * d2
    assert (out["status"] == "ok").all() and (out["agreement_round"] == 1).all()
    np.testing.assert_allclose(out["gain.A"], size * share, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out["agreement.share"], share, rtol=1e-9, atol=1e-9)


PIE_TYPES = textwrap.dedent(
    """
    models:
      private_information:
        proposer: A
        types:
          - label: tough
            probability: {P}
            adjustment: {value: 2.0, range: [0.2, 6.8]}
          - label: keen
            probability: {Q}
            adjustment: {value: 0.5, range: [0.1, 6.9]}
    """
)


@pytest.mark.parametrize("p_tough", [0.3, 0.7])
def test_take_it_or_leave_it_on_a_pie_is_monopoly_pricing(tmp_path, p_tough):
    """A proposer facing two types of reservation gain ``a_t`` (tough, probability ``p``)
    and ``a_k`` offers ``max(a_t, a_k)`` (both accept) or ``min`` (one accepts) as
    ``S - max`` or ``(prob. of the low type) (S - min)`` is larger (a monopolist's price;
    Fudenberg & Tirole 1991, section 10.2): through sim.evaluate."""
    size = 7.0
    text = PIE.replace("{S}", str(size)).split("models:")[0]
    text += PIE_TYPES.replace("{P}", str(p_tough)).replace("{Q}", str(1 - p_tough))
    path = tmp_path / "pie.yaml"
    path.write_text(text)
    base = sim.load(path)
    params = [p for p in sim.declared_parameters(base) if "adjustment" in p.path]
    draws = _draws(params, 40, 10)
    out = sim.evaluate(base, draws, models="private_information")
    a_t = draws["models.private_information.types.0.adjustment"].to_numpy()
    a_k = draws["models.private_information.types.1.adjustment"].to_numpy()
    hi, lo = np.maximum(a_t, a_k), np.minimum(a_t, a_k)
    p_lo = np.where(a_t < a_k, p_tough, 1 - p_tough)
    both = size - hi > p_lo * (size - lo)
    offer = np.where(both, hi, lo)
    assert (out["status"] == "ok").all()
    np.testing.assert_allclose(out["gain.B"], offer, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out["gain.A"], size - offer, rtol=1e-9, atol=1e-9)
    np.testing.assert_allclose(out["acceptance_probability"], np.where(both, 1.0, p_lo))


def _with_models(data: dict) -> dict:
    """A random scenario (tests/unit/test_additive.py) with drawn disagreement adjustments,
    a calendar and the three models."""
    import copy

    out = copy.deepcopy(data)
    out["disagreement"]["adjustments"] = {
        p: {"value": 0.0, "range": [-1.5, 1.5]} for p in ("A", "B")
    }
    out["calendar"] = {
        "rounds": [{"date": f"2025-0{m}-01", "label": f"r{m}"} for m in (2, 3, 4)],
        "deadlines": [{"date": "2025-03-15", "label": "end"}],
        "discount_rate": {p: {"value": 0.5, "range": [0.05, 3]} for p in ("A", "B")},
        "breakdown_risk": {"value": 0.1, "range": [0, 0.4]},
    }
    out["models"] = {
        "rubinstein": {"first_proposer": "B"},
        "deadline": {"from_date": "first_round", "first_proposer": "A"},
        "private_information": {
            "informed": "B",
            "types": [
                {"label": "t", "probability": 0.4, "adjustment": {"value": 1, "range": [0, 2]}},
                {"label": "k", "probability": 0.6, "adjustment": {"value": 0, "range": [-1, 1]}},
            ],
        },
    }
    return out


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), st.integers(0, 2**32 - 1))
def test_random_scenarios_equal_modify_and_run(data, seed):
    """Small random scenarios with many ties (payoffs in quarters, flat and collinear
    pieces, equal levels): every record equals sim.modify + sim.run, whichever draws the
    batch settles and whichever it leaves to the per-draw path -- to the utility set's
    tolerance (1e-9 of its extent, at most 10 here): where the per-draw path resolves a
    lottery on its exact frontier, whose segment ends are placed to within that tolerance,
    the batch's deal sits at the exact vertex."""
    import json
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.yaml"
        path.write_text(json.dumps(_with_models(data)))
        base = sim.load(path)
        params = [p for p in sim.declared_parameters(base) if "probabilit" not in p.path]
        draws = _draws(params, 3, seed)
        for model in ("rubinstein", "deadline", "private_information"):
            out = sim.evaluate(base, draws, models=model)
            for k in range(len(draws)):
                ref = sim.run(sim.modify(base, draws.iloc[k].to_dict()), models=[model])
                rec = ref.models[model].to_record()
                for key, want in rec.items():
                    assert _same(want, out.iloc[k][key], 1e-8), (model, k, key, want)
