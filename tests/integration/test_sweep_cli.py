"""``sim sweep`` end to end: files, identical tables (twice, on two Dask workers, after a
SIGKILL and --resume), grids, bad input."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import matplotlib
import pandas as pd
import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.analysis.sweep import read_table
from sim.cli import app

matplotlib.use("Agg")
runner = CliRunner()
SPLIT = ROOT / "tests" / "fixtures" / "sweep" / "split.yaml"
BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


def _sweep(*args):
    return runner.invoke(app, ["sweep", *map(str, args)], env={"COLUMNS": "100"})


def test_sobol_sweep_writes_table_indices_and_plots(tmp_path):
    out = tmp_path / "s"
    # 140 draws: a base sample of two (Saltelli needs at least 2) for the baseline's ~63 factors
    r = _sweep(BASELINE, "--samples", 140, "--method", "sobol", "--seed", 7, "--out", out,
               "--model", "nash_bargaining", "--discover", "agreement.car_tariff >= 5")
    assert r.exit_code == 0, r.output
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format_version"] == 1 and manifest["seed"] == 7
    assert manifest["method"] == "sobol" and manifest["scenario_sha256"]
    table = read_table(out)
    d = len(manifest["factors"])
    assert 140 // (d + 2) >= 2
    assert len(table) == manifest["n_draws"] == (140 // (d + 2)) * (d + 2)
    assert list(table.columns[:2]) == ["draw", manifest["factors"][0]["path"]]
    sobol = pd.read_csv(out / "analysis" / "sobol.csv")
    assert set(sobol.columns) >= {"parameter", "S1", "S1_conf", "ST", "ST_conf"}
    assert len(sobol) == d
    names = {p.name for p in (out / "analysis").iterdir()}
    assert {"sobol-nash_bargaining.png", "tornado-nash_bargaining.png",
            "issue-car_tariff.png", "issues.csv"} <= names


def test_same_command_twice_and_on_two_workers_give_identical_tables(tmp_path):
    args = [SPLIT, "--samples", 120, "--method", "lhs", "--seed", 3, "--chunk-size", 25,
            "--model", "nash_bargaining", "--model", "kalai_smorodinsky", "--no-plots"]
    for name, extra in (("a", []), ("b", []), ("w", ["--workers", 2])):
        r = _sweep(*args, *extra, "--out", tmp_path / name)
        assert r.exit_code == 0, r.output
    a, b, w = (read_table(tmp_path / n) for n in "abw")
    assert len(a) == 240 and a["draw"].nunique() == 120
    pd.testing.assert_frame_equal(a, b)
    pd.testing.assert_frame_equal(a, w)


def test_existing_cluster_gives_the_same_table(tmp_path):
    from dask.distributed import LocalCluster

    import sim

    kw = {"samples": 60, "method": "mc", "seed": 5, "models": ["nash_bargaining"],
          "chunk_size": 7}
    one = sim.sweep(SPLIT, out=tmp_path / "one", **kw)
    with LocalCluster(n_workers=2, processes=False, dashboard_address=None) as cluster:
        two = sim.sweep(SPLIT, out=tmp_path / "two", scheduler=cluster.scheduler_address, **kw)
    pd.testing.assert_frame_equal(read_table(one), read_table(two))


def test_killed_sweep_resumes_to_the_same_table(tmp_path):
    args = ["--samples", 400, "--method", "lhs", "--seed", 9, "--chunk-size", 8,
            "--model", "nash_bargaining", "--model", "kalai_smorodinsky", "--no-plots"]
    full = tmp_path / "full"
    assert _sweep(SPLIT, *args, "--out", full).exit_code == 0
    killed = tmp_path / "killed"
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "-m", "sim", "sweep", str(SPLIT), *map(str, args),
                             "--out", str(killed)], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    first = killed / "chunks" / "chunk-000000.parquet"
    deadline = time.monotonic() + 120
    while not first.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    landed = sorted((killed / "chunks").glob("chunk-*.parquet"))
    assert 1 <= len(landed) < 50, "the sweep was not killed half-way"
    r = _sweep("--resume", killed)
    assert r.exit_code == 0, r.output
    pd.testing.assert_frame_equal(read_table(killed), read_table(full))
    assert not list(killed.rglob(".*tmp*"))  # no partial chunk left behind


def test_grid_gives_a_heatmap(tmp_path):
    out = tmp_path / "g"
    r = _sweep(SPLIT, "--grid", "disagreement.adjustments.A=-0.5:0.3:5",
               "--grid", "calendar.breakdown_risk=0:0.2:3", "--out", out)
    assert r.exit_code == 0, r.output
    grid = pd.read_csv(out / "analysis" / "grid.csv")
    assert len(grid) == 15
    assert (out / "analysis" / "grid-nash_bargaining.png").exists()


@pytest.mark.parametrize(
    "args, message",
    [
        (["--method", "nope"], "--method nope"),
        (["--param", "disagreement.adjustments.B"], "not a drawn parameter"),
        (["--grid", "disagreement.adjustments.A=-2:0:3"], "outside its declared range"),
        (["--grid", "x=1"], "PATH=LO:HI:N"),
        (["--model", "nope"], "no model 'nope'"),
    ],
)
def test_bad_input_exits_2_with_a_message(tmp_path, args, message):
    r = _sweep(SPLIT, *args, "--out", tmp_path / "x")
    assert r.exit_code == 2, r.output
    assert message in r.output and "Traceback" not in r.output


def test_resume_needs_a_sweep_folder(tmp_path):
    r = _sweep("--resume", tmp_path)
    assert r.exit_code == 2 and "not a sweep folder" in r.output
