"""``sim compare`` end to end: tables within 100 columns, the files, never overwriting."""

from __future__ import annotations

import json

import matplotlib
import pandas as pd
import pytest
from conftest import ROOT
from typer.testing import CliRunner

import sim
from sim.cli import app

matplotlib.use("Agg")
runner = CliRunner()
BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"
AXIOMATIC = ["nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"]


def _invoke(*args):
    return runner.invoke(app, ["compare", str(BASELINE), *args], env={"COLUMNS": "100"})


def test_compare_writes_table_files_and_plots(tmp_path):
    out = tmp_path / "cmp"
    models = [a for m in AXIOMATIC for a in ("--model", m)]
    result = _invoke("--packages", "farm,ships,cars,energy,all", *models, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert max(len(line) for line in result.output.splitlines()) <= 100
    for pid in ("farm", "ships", "cars", "energy", "all"):
        assert pid in result.output
    names = {p.name for p in out.iterdir()}
    assert {"comparison.csv", "comparison.json", "comparison.parquet"} <= names
    assert {"cost_relief.png", "cost_relief.svg", "rank_heatmap.png"} <= names
    csv = pd.read_csv(out / "comparison.csv")
    assert len(csv) == 5 * 4 and set(csv["model"]) == set(AXIOMATIC)
    assert pd.read_parquet(out / "comparison.parquet").shape == csv.shape
    meta = json.loads((out / "comparison.json").read_text())
    assert meta["format_version"] == 1 and len(meta["rows"]) == 20
    assert meta["scenario"]["sha256"] == sim.load(BASELINE).sha256
    # a second comparison to the same place goes next to it, never over it
    again = _invoke("--packages", "farm", "--model", "utilitarian", "--out", str(out))
    assert again.exit_code == 0, again.output
    assert (tmp_path / "cmp-2" / "comparison.csv").exists()
    assert len(pd.read_csv(out / "comparison.csv")) == 20


def test_all_combinations_and_samples(tmp_path):
    out = tmp_path / "all"
    result = _invoke("--all-combinations", "--model", "nash_bargaining", "--samples", "3",
                     "--seed", "1", "--out", str(out), "--no-plots")  # fmt: skip
    assert result.exit_code == 0, result.output
    t = pd.read_csv(out / "comparison.csv")
    central = t[t["draw"].isna()]
    assert len(central) == 3 * 3 * 2**5  # corn, soybeans: 3 levels; five yes/no (incl. currency)
    assert len(t) == len(central) * 4
    assert central["share_first"].between(0, 1).all()
    assert "P(first)" in result.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--packages", "nope"], "no package 'nope'"),
        (["--model", "nope"], "no model 'nope'"),
        (["--packages", "farm", "--all-combinations"], "not both"),
    ],
)
def test_bad_input_exits_2(args, message):
    result = _invoke(*args)
    assert result.exit_code == 2
    assert message in result.output


def test_named_labels_do_not_overlap():
    from sim.render.compare_plots import cost_relief, label_boxes_overlap, rank_heatmap

    t = sim.compare(BASELINE, models=AXIOMATIC)
    fig = cost_relief(t)
    assert not label_boxes_overlap(fig)
    assert sum(len(ax.texts) for ax in fig.axes) == 8 * 4
    heat = rank_heatmap(t)
    assert heat.axes[0].get_images()[0].get_array().shape == (8, 4)
