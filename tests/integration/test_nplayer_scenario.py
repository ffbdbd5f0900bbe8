"""Scenarios with more than two parties: the n-player strategic game end to end.

Oracles: payoffs recomputed by hand from the scenario's linear values; a best-response
check and a Pareto check written here (brute force over every pure profile, independent
of :mod:`sim.models.strategic` and :mod:`sim.equilibria`); the n-player prisoners'
dilemma (public-goods game), whose unique equilibrium is in strictly dominant strategies.
"""

from __future__ import annotations

import itertools
import json

import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.equilibria import read_nfg, solve_nplayer

runner = CliRunner()
KOREA = ROOT / "scenarios" / "japan_us_2025_korea_precedent.yaml"


def expected(arrays, profile, i):
    """Player i's expected payoff of each own pure strategy (brute force over profiles)."""
    n = len(arrays)
    out = np.zeros(arrays[i].shape[i])
    for idx in itertools.product(*(range(k) for k in arrays[i].shape)):
        prob = np.prod([profile[j][idx[j]] for j in range(n) if j != i])
        out[idx[i]] += prob * arrays[i][idx]
    return out


def assert_equilibrium(arrays, profile, payoffs, tol=1e-7):
    scale = max(np.ptp(a) for a in arrays)
    for i in range(len(arrays)):
        p = np.asarray(profile[i])
        assert p.min() >= -1e-12 and abs(p.sum() - 1) < 1e-9
        v = expected(arrays, profile, i)
        assert v.max() - v @ p <= tol * scale  # no profitable pure deviation
        assert v @ p == pytest.approx(payoffs[i], abs=1e-9 * scale)


def pareto_dominated(arrays, payoffs, tol=1e-9):
    u = np.stack([a.ravel() for a in arrays], axis=1)
    return any(all(row >= payoffs - tol) and any(row > payoffs + tol) for row in u)


def profile_of(d, eq):
    return [
        np.array([eq["strategies"][p].get(s, 0.0) for s in d["strategies"][p]])
        for p in d["players"]
    ]


@pytest.fixture(scope="module")
def korea_run(tmp_path_factory):
    base = tmp_path_factory.mktemp("korea")
    out, games = base / "run", base / "games"
    result = runner.invoke(
        app, ["run", str(KOREA), "--out", str(out), "--export-games", str(games)]
    )
    assert result.exit_code == 0, result.output
    return out, games, result.output


def test_korea_results_shape_and_equilibria(korea_run):
    out, _games, output = korea_run
    d = json.loads((out / "results.json").read_text())["models"]["strategic"]
    assert d["players"] == ["US", "JP", "KR"]
    sizes = tuple(len(d["strategies"][p]) for p in d["players"])
    assert sizes == (3, 3, 2)
    assert "payoff_matrices" not in d
    arrays = [np.array(d["payoff_arrays"][p]) for p in d["players"]]
    assert all(a.shape == sizes for a in arrays)
    # each player has a strictly dominant strategy (checked by brute force), so the
    # equilibrium is unique and the list may be, and is, declared complete
    for i, a in enumerate(arrays):
        m = np.moveaxis(a, i, 0).reshape(a.shape[i], -1)
        best = m.max(axis=0)
        assert any(((m[k] == best) & (np.sort(m, axis=0)[-2] < best)).all() for k in range(len(m)))
    assert d["complete"] is True
    assert len(d["equilibria"]) == 1
    assert d["equilibria"]
    for eq in d["equilibria"]:
        pay = np.array([eq["payoffs"][p] for p in d["players"]])
        assert_equilibrium(arrays, profile_of(d, eq), pay)
        assert eq["pareto_dominated"] == pareto_dominated(arrays, pay)
    assert "3 × 3 × 2 strategies" in output
    # no two-party plots for three parties
    assert not (out / "payoff_space.png").exists()
    assert not (out / "strategic_game.png").exists()


def test_korea_payoffs_by_hand():
    """Every profile's payoffs recomputed from the YAML's linear values and shifts."""
    loaded = sim.load(KOREA)
    sc = loaded.scenario
    run = sim.run(loaded)
    res = run.models["strategic"]
    lin = {
        code: {k: v.linear.value for k, v in vals.items() if v.linear is not None}
        for code, vals in sc.payoffs.parties.items()
    }
    levels = {
        code: {
            k: {lab: q.value for lab, q in v.levels.items()} for k, v in vals.items() if v.levels
        }
        for code, vals in sc.payoffs.parties.items()
    }
    kr_moves = {m.id: m for m in sc.models.strategic.players["KR"].moves}
    for idx in itertools.product(*(range(len(s)) for s in res.strategies)):
        us, jp, kr = (res.strategies[i][k] for i, k in enumerate(idx))
        car = float(us.split()[0].split("=")[1])
        recip = float(us.split()[1].split("=")[1])
        settings = {} if jp == "hold" else run.space.package_settings(jp)
        for i, code in enumerate(sc.party_codes):
            want = (
                lin[code].get("car_tariff", 0) * car + lin[code].get("reciprocal_tariff", 0) * recip
            )
            for issue, level in settings.items():
                level = {True: "yes", False: "no"}.get(level, level)
                want += levels.get(code, {}).get(issue, {}).get(level, 0.0)
            shift = kr_moves[kr].shift.get(code)
            want += shift.value if shift is not None else 0.0
            assert res.payoff_arrays[i][idx] == pytest.approx(want, abs=1e-12)


def test_korea_nfg_export_is_the_same_game(korea_run):
    out, games, _ = korea_run
    d = json.loads((out / "results.json").read_text())["models"]["strategic"]
    game = read_nfg(next(games.glob("*_strategic.nfg")))
    assert game.players == ("US", "JP", "KR")
    for i, p in enumerate(d["players"]):
        np.testing.assert_allclose(game.payoffs[i], np.array(d["payoff_arrays"][p]), atol=1e-9)
    res = solve_nplayer(game, method="pure")
    assert len(res.equilibria) == sum(e["pure"] for e in d["equilibria"])


PD3 = """\
id: pd3
title: Three-player prisoners' dilemma
as_of: 2025-05-31
parties:
  - {code: A, name: A}
  - {code: B, name: B}
  - {code: C, name: C}
issues:
  - {id: dummy, name: Nothing, kind: binary}
disagreement:
  outcome: {dummy: no}
payoffs:
  parties: {A: {}, B: {}, C: {}}
models:
  strategic:
    players:
"""


def _pd3(cost: float, benefit: float) -> str:
    text = PD3
    for me in "ABC":
        shift = ", ".join(f"{o}: {benefit}" if o != me else f"{o}: {-cost}" for o in "ABC")
        text += (
            f"      {me}:\n        hold: false\n        moves:\n"
            f"          - {{id: cooperate, shift: {{{shift}}}}}\n"
            f"          - {{id: defect}}\n"
        )
    return text


@pytest.mark.parametrize("cost,benefit", [(1.0, 0.8), (3.0, 2.0), (0.5, 0.45)])
def test_three_player_prisoners_dilemma(tmp_path, cost, benefit):
    """Public-goods game: u_i = -c s_i + b sum_{j != i} s_j with b < c < 2b.

    Defecting is strictly dominant, so (defect, defect, defect) is the unique Nash
    equilibrium, and everybody cooperating (2b - c > 0 each) Pareto-dominates it.
    """
    path = tmp_path / "pd3.yaml"
    path.write_text(_pd3(cost, benefit))
    res = sim.run(path).models["strategic"]
    s = np.array([1.0, 0.0])  # cooperate = 1 (strategy 0), defect = 0 (strategy 1)
    for i in range(3):
        want = np.zeros((2, 2, 2))
        for idx in itertools.product(range(2), repeat=3):
            coop = s[list(idx)]
            want[idx] = -cost * coop[i] + benefit * (coop.sum() - coop[i])
        np.testing.assert_allclose(res.payoff_arrays[i], want, atol=1e-12)
    d = res.to_dict()
    assert len(d["equilibria"]) == 1
    eq = d["equilibria"][0]
    assert eq["strategies"] == {p: {"defect": 1.0} for p in "ABC"}
    assert eq["payoffs"] == pytest.approx({p: 0.0 for p in "ABC"}, abs=1e-9)
    assert eq["pareto_dominated"] is True
    assert d["complete"] is True  # unique by iterated strict dominance


def test_three_player_all_ties_is_not_complete(tmp_path):
    """Cooperating costs nothing (c = 0): each player's payoff ignores its own choice, so
    all 8 pure profiles are equilibria (and so is every mixture): no completeness claimed."""
    path = tmp_path / "ties.yaml"
    path.write_text(_pd3(0.0, 0.5))
    res = sim.run(path).models["strategic"]
    d = res.to_dict()
    pure = {
        tuple(next(iter(e["strategies"][p])) for p in "ABC") for e in d["equilibria"] if e["pure"]
    }
    assert pure == set(itertools.product(["cooperate", "defect"], repeat=3))
    assert d["complete"] is False
    for eq in d["equilibria"]:
        pay = np.array([eq["payoffs"][p] for p in "ABC"])
        assert_equilibrium(res.payoff_arrays, profile_of(d, eq), pay)


def test_default_models_for_three_parties_is_strategic(tmp_path):
    path = tmp_path / "pd3.yaml"
    path.write_text(_pd3(1.0, 0.8).split("models:")[0])
    run = sim.run(path)
    assert list(run.models) == ["strategic"]
    # default strategies: "hold" only (no issue is controlled): one profile
    assert run.models["strategic"].payoff_arrays[0].shape == (1, 1, 1)


def _line_of(text: str, key: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(key))


def test_three_parties_with_nash_bargaining_exit_2(tmp_path):
    text = _pd3(1.0, 0.8).replace("models:\n", "models:\n  nash_bargaining: {}\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "run")])
    assert result.exit_code == 2
    line = _line_of(text, "nash_bargaining")
    assert (
        f"bad.yaml:{line}: models.nash_bargaining: "
        "model 'nash_bargaining' needs exactly two parties" in result.output
    )
    assert not (tmp_path / "run").exists()
    assert runner.invoke(app, ["validate", str(path)]).exit_code == 2


def test_run_model_needing_two_parties_exit_2():
    result = runner.invoke(app, ["run", str(KOREA), "--model", "kalai_smorodinsky"])
    assert result.exit_code == 2
    line = _line_of(KOREA.read_text(), "parties:")
    assert f"japan_us_2025_korea_precedent.yaml:{line}: parties: model 'kalai_smorodinsky'" in (
        result.output
    )
    assert "Traceback" not in result.output


def test_two_player_method_with_three_parties_exit_2(tmp_path):
    text = _pd3(1.0, 0.8).replace("  strategic:\n", "  strategic:\n    method: vertex\n")
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "models.strategic.method: method 'vertex' is for two players" in result.output


def test_trade_payoffs_with_three_parties_exit_2(tmp_path):
    text = (
        f"extends: {ROOT / 'scenarios' / 'japan_us_2025.yaml'}\n"
        "id: trade3\n"
        "parties:\n  - {code: KR, name: South Korea}\n"
    )
    path = tmp_path / "trade3.yaml"
    path.write_text(text)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "payoffs.model: the trade payoff model values two-party trade" in result.output
    assert "use model: linear" in result.output
