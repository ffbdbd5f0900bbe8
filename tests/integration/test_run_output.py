"""What a run gives back and writes: small results, figures and tables read from result data
alone, the figure formats asked for, and seeds that make a run reproducible byte for byte."""

from __future__ import annotations

import dataclasses
import itertools
import json
import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from conftest import ROOT
from rich.console import Console
from typer.testing import CliRunner

import sim
from sim import registry
from sim.cli import app
from sim.results.folder import figure_functions, plot_formats, write_figures
from sim.results.payoff_space import MAX_POINTS, convex_hull

BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def baseline():
    """The baseline run with every model, its outcome space dropped: whatever reads it
    afterwards must make do with result data."""
    run = sim.run(BASELINE, models=list(registry.MODELS))
    return dataclasses.replace(run, space=None)


@pytest.mark.parametrize("name", registry.MODELS)
def test_every_model_result_of_the_baseline_pickles_small(baseline, name):
    assert len(pickle.dumps(baseline.models[name])) <= 20_000


def test_payoff_space_summary_is_bounded(baseline):
    ps = baseline.payoff_space
    assert len(pickle.dumps(ps)) <= 200_000
    assert len(pickle.dumps(sim.run(BASELINE))) <= 400_000  # the outcome space left out
    assert len(ps.points) <= MAX_POINTS < ps.n_outcomes
    assert np.isfinite(ps.points).all()
    assert ps.package_ids and ps.packages.shape == (len(ps.package_ids), 2)
    # every sampled outcome and package lies in the hull (points of the utility set)
    hull = np.vstack([ps.hull, ps.hull[:1]])
    for a, b in itertools.pairwise(hull):
        cross = (b[0] - a[0]) * (ps.points[:, 1] - a[1]) - (b[1] - a[1]) * (ps.points[:, 0] - a[0])
        assert (cross >= -1e-9).all()
    # the frontier's ends are not dominated by any sampled outcome
    for line in ps.frontier:
        for u in line[[0, -1]]:
            assert not ((ps.points >= u + 1e-9).all(axis=1)).any()


def test_convex_hull_against_brute_force():
    rng = np.random.default_rng(1)
    pts = rng.normal(size=(500, 2))
    hull = convex_hull(pts)
    # a point is a hull vertex iff some direction makes it the unique maximiser
    angles = np.linspace(0, 2 * np.pi, 20_000, endpoint=False)
    dirs = np.stack([np.cos(angles), np.sin(angles)], axis=1)
    extreme = np.unique(np.argmax(pts @ dirs.T, axis=0))
    assert {tuple(p) for p in pts[extreme]} <= {tuple(p) for p in hull}
    assert len(hull) == len(extreme)
    area = 0.5 * np.sum(hull[:, 0] * np.roll(hull[:, 1], -1) - np.roll(hull[:, 0], -1) * hull[:, 1])
    assert area > 0  # counter-clockwise
    assert len(convex_hull(np.array([[0.0, 0.0], [1.0, 1.0], [2.0, 2.0]]))) == 2


def test_figures_and_tables_read_result_data_only(baseline, tmp_path):
    assert baseline.space is None
    stems = figure_functions(baseline)
    assert list(stems) == ["payoff_space", "strategic_game", "timeline", "win_sets"]
    written = write_figures(baseline, tmp_path, ("png",))
    assert sorted(written) == sorted(f"{s}.png" for s in stems)
    console = Console(width=100, record=True, color_system=None)
    from sim.render.tables import print_run

    print_run(baseline, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 100
    header = next(line for line in text.splitlines() if "Nash" in line and "KS" in line)
    assert "no deal" in header
    assert "Nash equilibri" in text  # the strategic model's own table (TABLE)
    for name in baseline.models:
        if name not in baseline.deals() and registry.table(name) is None:
            assert f"{name}: " in text


def test_plot_formats():
    assert plot_formats("png,svg") == ("png", "svg")
    assert plot_formats("svg, png") == ("png", "svg")
    assert plot_formats("none") == plot_formats(False) == plot_formats("") == ()
    assert plot_formats(True) == ("png", "svg")
    with pytest.raises(ValueError, match="pdf"):
        plot_formats("pdf")


@pytest.mark.parametrize(
    ("args", "exts"),
    [(["--plots", "png"], {".png"}), (["--plots", "none"], set()), (["--no-plots"], set())],
)
def test_run_writes_the_formats_asked_for(tmp_path, write_scenario, minimal_text, args, exts):
    out = tmp_path / "r"
    ran = runner.invoke(app, ["run", str(write_scenario(minimal_text)), "--out", str(out), *args])
    assert ran.exit_code == 0, ran.output
    files = json.loads((out / "results.json").read_text())["files"]
    figures = {f for f in files if f.endswith((".png", ".svg"))}
    assert {os.path.splitext(f)[1] for f in figures} == exts
    assert sorted(p.name for p in out.iterdir()) == sorted(files)
    if exts:
        assert "payoff_space.png" in figures


def test_unknown_plot_format_exit_2(tmp_path, write_scenario, minimal_text):
    out = tmp_path / "r"
    ran = runner.invoke(
        app, ["run", str(write_scenario(minimal_text)), "--out", str(out), "--plots", "gif"]
    )
    assert ran.exit_code == 2 and "gif" in ran.output and not out.exists()


def test_same_seed_gives_byte_identical_results(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "COLUMNS": "100"}
    texts = []
    for k in range(2):
        out = tmp_path / f"run{k}"
        subprocess.run(
            [sys.executable, "-m", "sim", "run", str(BASELINE), "--seed", "12345",
             "--out", str(out), "--plots", "none"],
            check=True, capture_output=True, env=env, cwd=ROOT, timeout=300,
        )  # fmt: skip
        data = json.loads((out / "results.json").read_text())
        assert data["seed"] == 12345
        texts.append((out / "results.json").read_bytes().replace(data["created"].encode(), b""))
    assert texts[0] == texts[1]


def test_help_says_what_the_seed_drives():
    ran = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "200"})
    assert "SeedSequence" in ran.output and "--plots" in ran.output
    assert "--no-plots" not in ran.output  # a hidden alias of --plots none


def test_a_deal_sheet_of_every_model_fits_100_columns(baseline):
    """Once every model reports an agreement, the sheet still fits: one column each."""
    nash = baseline.models["nash_bargaining"]
    deals = [n for n in registry.MODELS if n != "strategic"]  # it has its own table
    wide = {n: dataclasses.replace(nash, model=n, payoffs={"US": -11.5512, "JP": 14.775})
            for n in deals}  # fmt: skip
    run = dataclasses.replace(baseline, models={**wide, "strategic": baseline.models["strategic"]})
    from sim.render.names import short_name
    from sim.render.tables import print_run

    console = Console(width=100, record=True, color_system=None)
    print_run(run, console)
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "…" not in text and "-11.551" in text
    assert all(part in text for n in deals for part in short_name(n).split())
