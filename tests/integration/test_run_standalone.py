"""A run folder re-validates and re-runs by itself: scenario.resolved.yaml keeps no
relative path (extends:, facts:) that breaks, and the fact digest it used is copied."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.cli import app


def _scenario_with_own_digest(tmp_path):
    """The baseline in another folder, citing a copy of the digest (facts: own.yaml)."""
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(ROOT / "seeds" / "facts.yaml", src / "own.yaml")
    text = (ROOT / "scenarios" / "japan_us_2025.yaml").read_text()
    text = text.replace("as_of: 2025-05-31\n", "as_of: 2025-05-31\nfacts: own.yaml\n", 1)
    (src / "s.yaml").write_text(text)
    return src / "s.yaml"


@pytest.mark.parametrize("which", ["own_digest", "variant"])
def test_run_folder_revalidates_and_reruns(tmp_path, which):
    if which == "own_digest":
        scenario = _scenario_with_own_digest(tmp_path)
    else:
        scenario = ROOT / "scenarios" / "japan_us_2025_us_holds_out.yaml"
    runner = CliRunner()
    run1 = tmp_path / "run1"
    args = ["run", "--model", "nash_bargaining", "--plots", "none"]
    res = runner.invoke(app, [*args, "-o", str(run1), str(scenario)])
    assert res.exit_code == 0, res.output
    # the run folder moves away from the scenario's folder, which is then deleted
    moved = tmp_path / "elsewhere" / "run"
    shutil.move(run1, moved)
    if which == "own_digest":
        shutil.rmtree(scenario.parent)
        assert (moved / "facts.yaml").read_text() == (ROOT / "seeds" / "facts.yaml").read_text()
    resolved = moved / "scenario.resolved.yaml"
    res = runner.invoke(app, ["validate", "--strict", str(resolved)])
    assert res.exit_code == 0, res.output
    res = runner.invoke(app, [*args, "-o", str(tmp_path / "run2"), str(resolved)])
    assert res.exit_code == 0, res.output
    first = (moved / "results.json").read_text()
    again = (tmp_path / "run2" / "results.json").read_text()
    key = '"nash_bargaining"'
    assert (
        first[first.index(key) :].split('"options"')[0]
        == again[again.index(key) :].split('"options"')[0]
    )
