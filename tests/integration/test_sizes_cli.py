"""Scenarios too large for the machine stop with exit status 2 and a message naming the
model, never "internal error"; figures of large runs draw a bounded number of artists."""

from __future__ import annotations

import sys
from types import SimpleNamespace

import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.models import strategic
from sim.render import plots
from sim.results.model import Status

sys.path.insert(0, str(ROOT / "benchmarks"))
from scale_scenarios import write_scale_scenario

runner = CliRunner()

#: Most artists of one figure (every artist, ticks and texts included, `fig.findobj()`).
MAX_ARTISTS = 1_500


def test_twenty_concessions_validate_and_the_reduction_limit_is_exit_2(tmp_path, monkeypatch):
    """20 yes/no concessions (2^20 x 11 cells enumerated) validate and run since the utility
    set keeps only the cells reaching its frontier; over the reduction's own limit (lowered
    here) `sim run` stops with exit 2 and a message, before allocating."""
    from sim.bargaining import additive

    path = write_scale_scenario(tmp_path, 1, 20)
    result = runner.invoke(app, ["validate", str(path)])
    assert result.exit_code == 0, result.output
    monkeypatch.setattr(additive, "MAX_CELLS", 10)
    result = runner.invoke(app, ["run", str(path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2, result.output
    assert "partial cells" in result.output and "packages" in result.output
    assert "Traceback" not in result.output and "internal error" not in result.output
    assert not (tmp_path / "r").exists()


def test_validate_prints_sizes(tmp_path):
    result = runner.invoke(app, ["validate", str(write_scale_scenario(tmp_path, 2, 3))])
    assert result.exit_code == 0, result.output
    assert "cells of the utility set" not in result.output  # no longer an enumeration
    assert "strategy profiles" in result.output


@pytest.mark.parametrize("where", ["model", "figure"])
def test_memory_error_is_exit_2_naming_the_model(tmp_path, monkeypatch, where):
    def boom(*args, **kwargs):
        raise MemoryError

    if where == "model":
        monkeypatch.setattr(strategic, "run", boom)
        expect = "model 'strategic' ran out of memory"
    else:
        monkeypatch.setattr(plots, "strategic_heatmap", boom)
        expect = "the figure strategic_game ran out of memory"
    path = write_scale_scenario(tmp_path, 1, 2)
    out = tmp_path / "r"
    result = runner.invoke(app, ["run", str(path), "-m", "strategic", "--out", str(out)])
    assert result.exit_code == 2, result.output
    assert expect in result.output
    assert "internal error" not in result.output
    assert not out.exists()  # written whole or not at all


def _count(fig) -> int:
    return len(fig.findobj())


def _strategic_run(n_rows: int, n_cols: int):
    """A run holding only a strategic game of ``n_rows`` x ``n_cols`` strategies."""
    rng = np.random.default_rng(0)
    res = strategic.Result(
        model="strategic",
        status=Status.OK,
        players=("US", "JP"),
        strategies=(
            tuple(f"car_tariff={x:.3f} reciprocal_tariff=24" for x in range(n_rows)),
            tuple(f"package_{j}" for j in range(n_cols)),
        ),
        payoff_arrays=(rng.normal(size=(n_rows, n_cols)), rng.normal(size=(n_rows, n_cols))),
        unit="$bn/yr",
    )
    return SimpleNamespace(models={"strategic": res})


def test_heatmap_artists_bounded_whatever_the_game_size():
    small = _count(plots.strategic_heatmap(_strategic_run(40, 40)))  # 40 ticks a side too
    big = _count(plots.strategic_heatmap(_strategic_run(1_000, 1_000)))
    assert big <= MAX_ARTISTS
    assert big <= small + 50  # the same figure, not one artist per cell or strategy


def test_payoff_space_artists_bounded_with_many_outcomes(tmp_path):
    run = sim.run(write_scale_scenario(tmp_path, 1, 10), models=["nash_bargaining"])
    assert run.payoff_space.n_outcomes == 11 * 2**10  # more outcomes than points drawn
    assert _count(plots.payoff_space(run)) <= MAX_ARTISTS
