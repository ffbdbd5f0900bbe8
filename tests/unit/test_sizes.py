"""Sizes announced before anything is built: strategies that grow linearly by default, size
estimates equal to what is built, refusals with file, line, model, size, limit and advice."""

from __future__ import annotations

import itertools
import json
import sys

import numpy as np
import pytest
from conftest import ROOT
from hypothesis import given
from hypothesis import strategies as st

import sim
from sim.equilibria.dominance import eliminate_dominated, pure_dominated
from sim.errors import ScenarioError
from sim.models import strategic
from sim.models._size import candidate_size, utility_set_size
from sim.space import OutcomeSpace

sys.path.insert(0, str(ROOT / "benchmarks"))
from scale_scenarios import scale_data, write_scale_scenario


def _write(tmp_path, data, name="s.yaml"):
    path = tmp_path / name
    path.write_text(json.dumps(data, indent=1))
    return path


# ------------------------------------------------------------------ default strategies
def test_twenty_concessions_give_linear_default_strategies(tmp_path):
    """Oracle: the strategies listed by hand -- hold, each concession alone, all of them."""
    loaded = sim.load(write_scale_scenario(tmp_path, 1, 20))
    space = OutcomeSpace.from_scenario(loaded.scenario)
    strategies, arrays, _ = strategic.build_game(space, strategic.StrategicOptions())
    jp = strategies[1]
    expected = {"hold", "all 20 levels at last level"} | {
        f"concession_{c}=yes" for c in range(1, 21)
    }
    assert {s.name for s in jp} == expected  # 22, not 2**20
    us = {s.name for s in strategies[0]}
    assert us == {"hold", "tariff_1=0", "tariff_1=12.5"}  # 25 = the disagreement = hold
    assert arrays[0].shape == (3, 22)
    sizes = {s.what: s for s in strategic.size(loaded.scenario, strategic.StrategicOptions())}
    # counted before duplicates are dropped: hold + 2 levels x 20 + "all" = 42
    assert sizes["strategies of player JP"].count == 42
    assert sizes["strategy profiles"].count == 4 * 42


def test_default_strategies_settings():
    """Each issue alone at each setting, then the joint moves, for issues given by hand."""
    from sim.scenario.loader import validate_data

    scenario = validate_data(scale_data(2, 2), ROOT / "x.yaml").scenario
    us = [i for i in scenario.issues if i.controlled_by == "US"]
    got = dict(strategic.default_strategies(us, ()))
    assert got == {
        "tariff_1=0": {"tariff_1": 0.0},
        "tariff_1=12.5": {"tariff_1": 12.5},
        "tariff_1=25": {"tariff_1": 25.0},
        "tariff_2=0": {"tariff_2": 0.0},
        "tariff_2=12.5": {"tariff_2": 12.5},
        "tariff_2=25": {"tariff_2": 25.0},
        "tariff_1=0 tariff_2=0": {"tariff_1": 0.0, "tariff_2": 0.0},
        "tariff_1=12.5 tariff_2=12.5": {"tariff_1": 12.5, "tariff_2": 12.5},
        "tariff_1=25 tariff_2=25": {"tariff_1": 25.0, "tariff_2": 25.0},
    }


# ------------------------------------------------------------------ strategic refusals
def _with_strategic(tmp_path, players):
    data = scale_data(3, 2, models={"strategic": {"players": players}})
    return _write(tmp_path, data)


def test_large_grid_refused_with_line_model_size_limit_and_advice(tmp_path):
    values = list(np.linspace(0, 25, 20))
    path = _with_strategic(tmp_path, {"US": {"grid": {f"tariff_{s}": values for s in (1, 2, 3)}}})
    with pytest.raises(ScenarioError) as exc:
        sim.validate(path)
    text = exc.value.format()
    lines = path.read_text().splitlines()
    problem = exc.value.first
    assert problem.field == "models.strategic.players.US.grid"
    assert '"grid"' in lines[problem.line - 1]  # the line of the grid
    assert "'strategic'" in text and "8,001" in text and "2,000" in text
    assert "fewer values" in text
    with pytest.raises(ScenarioError):  # sim.run refuses before building the game
        sim.run(path, models=["strategic"])


def test_empty_grid_is_a_validation_error(tmp_path):
    path = _with_strategic(tmp_path, {"US": {"hold": False, "grid": {"tariff_1": []}}})
    with pytest.raises(ScenarioError) as exc:
        sim.load(path)
    text = exc.value.format()
    assert "player US needs at least one strategy" in text
    assert "models.strategic.players.US.grid.tariff_1" in text  # the empty list itself


def test_build_game_refuses_too_large_from_python(tmp_path):
    """The Python API (no file) stops before allocating too: TooLargeError."""
    from sim.errors import TooLargeError

    loaded = sim.load(write_scale_scenario(tmp_path, 1, 0))
    space = OutcomeSpace.from_scenario(loaded.scenario)
    grid = {"tariff_1": tuple(float(x) for x in np.linspace(0, 25, 2_001))}
    options = strategic.StrategicOptions(players={"US": {"grid": grid}})
    with pytest.raises(TooLargeError, match="2,002 strategies of player US"):
        strategic.build_game(space, options)


# ------------------------------------------------------------------ estimates = built
@pytest.mark.parametrize(("k", "n"), [(1, 0), (1, 3), (2, 2), (3, 1)])
def test_utility_set_is_not_the_enumeration(tmp_path, k, n):
    """The utility set keeps the cells of the enumeration that reach its frontier
    (sim.bargaining.additive; brute-force agreement in tests/unit/test_additive.py): no
    estimate to announce, and never more cells than every combination times every box."""
    from sim.models._size import linear_pieces

    scenario = sim.load(write_scale_scenario(tmp_path, k, n)).scenario
    assert utility_set_size(scenario) == ()
    full = 2**n * int(np.prod(linear_pieces(scenario)))
    assert len(OutcomeSpace.from_scenario(scenario).cells.offsets) <= full


@pytest.mark.parametrize(("k", "n"), [(1, 2), (2, 1)])
def test_candidate_size_bounds_the_candidates_built(tmp_path, k, n):
    from sim.models.two_level import candidate_outcomes

    scenario = sim.load(write_scale_scenario(tmp_path, k, n)).scenario
    space = OutcomeSpace.from_scenario(scenario)
    m = len(space.issues)
    free = candidate_outcomes(space, np.full(m, -np.inf), np.full(m, np.inf))
    bounded = candidate_outcomes(space, np.full(m, 3.3), np.full(m, 7.7))
    est = candidate_size(scenario).count
    assert len(free) == 2**n * 26**k < est
    assert len(bounded) == 2**n * 28**k == est  # two bounds inside each range: the worst case


def test_twenty_concessions_run_the_bargaining_models(tmp_path):
    """2^20 x 11 cells once refused: the reduced set runs them, with the payoff space."""
    path = write_scale_scenario(tmp_path, 1, 20)
    sim.validate(path)
    run = sim.run(path, models=["nash_bargaining", "strategic"])
    assert run.models["nash_bargaining"].status.value == "ok"
    assert run.payoff_space is not None
    assert run.models["strategic"].payoff_arrays[1].shape[1] == 22


def test_reduction_over_its_limit_is_refused_before_allocating():
    from sim.bargaining.additive import pareto_cells
    from sim.errors import TooLargeError

    sets = [np.array([[0.0, 1.0], [1.0, 0.0], [0.5, 0.5]])] * 3
    with pytest.raises(TooLargeError, match="3 partial cells at issue 1 of 3"):
        pareto_cells(sets, np.zeros(3, bool), max_cells=2)


# ------------------------------------------------------------------ dominance in blocks
@given(
    st.integers(1, 12),
    st.integers(1, 6),
    st.integers(0, 2**31 - 1),
)
def test_pure_dominated_matches_brute_force(r, c, seed):
    M = np.random.default_rng(seed).integers(0, 4, (r, c)).astype(float)
    brute = []
    for i in range(r):
        beat = [k for k in range(r) if all(M[k, j] > M[i, j] for j in range(c))]
        if beat:
            brute.append((i, beat[0]))
    assert pure_dominated(M, 0.0) == brute


def test_pure_dominated_in_blocks(monkeypatch):
    from sim.equilibria import dominance

    M = np.random.default_rng(1).normal(size=(300, 5))
    whole = pure_dominated(M, 0.0)
    monkeypatch.setattr(dominance, "_BLOCK", 7)  # one row at a time
    assert pure_dominated(M, 0.0) == whole


@given(st.integers(2, 7), st.integers(2, 7), st.integers(0, 2**31 - 1))
def test_elimination_survivors_match_one_at_a_time(r, c, seed):
    """Oracle: iterated elimination removing one pure-dominated strategy at a time."""
    rng = np.random.default_rng(seed)
    A, B = rng.integers(0, 5, (r, c)).astype(float), rng.integers(0, 5, (r, c)).astype(float)
    rows, cols = list(range(r)), list(range(c))
    changed = True
    while changed:
        changed = False
        for i, k in itertools.permutations(rows, 2):
            if all(A[k, j] > A[i, j] for j in cols):
                rows.remove(i)
                changed = True
                break
        for i, k in itertools.permutations(cols, 2):
            if all(B[j, k] > B[j, i] for j in rows):
                cols.remove(i)
                changed = True
                break
    got_rows, got_cols, _ = eliminate_dominated(A, B, tol=0.0, mixed=False)
    assert got_rows.tolist() == rows and got_cols.tolist() == cols
