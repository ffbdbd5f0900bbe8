"""The ``sim`` command end to end: run, validate, schema, bad input, run folders."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT
from typer.testing import CliRunner

from sim.cli import app

runner = CliRunner()
BASELINE = ROOT / "scenarios" / "japan_us_2025.yaml"


def test_help_lists_commands():
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for cmd in ("run", "validate", "schema", "models"):
        assert cmd in result.output


def test_validate_ok():
    result = runner.invoke(app, ["validate", str(BASELINE)])
    assert result.exit_code == 0, result.output
    assert "ok:" in result.output


@pytest.fixture(scope="module")
def baseline_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("runs") / "baseline"
    result = runner.invoke(app, ["run", str(BASELINE), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out, result.output


def test_run_writes_results_and_plots(baseline_run):
    out, output = baseline_run
    data = json.loads((out / "results.json").read_text())
    assert data["format_version"] == 1
    assert data["scenario"]["id"] == "japan_us_2025"
    assert len(data["scenario"]["sha256"]) == 64
    assert data["sim_version"]
    for name in ("nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"):
        res = data["models"][name]
        assert set(res) >= {"agreement", "payoffs", "zone_of_agreement"}
        assert res["zone_of_agreement"] is True
        assert set(res["payoffs"]) == {"US", "JP"}
    eqs = data["models"]["strategic"]["equilibria"]
    assert len(eqs) >= 1
    for eq in eqs:
        assert set(eq["strategies"]) == {"US", "JP"}
        for probs in eq["strategies"].values():
            assert abs(sum(probs.values()) - 1) < 1e-9
    for stem in ("payoff_space", "strategic_game"):
        for ext in ("png", "svg"):
            assert (out / f"{stem}.{ext}").stat().st_size > 1000
    assert (out / "scenario.resolved.yaml").exists()
    assert "Predicted deals" in output and "Nash equilibri" in output


def test_resolved_scenario_reloads_to_same_hash(baseline_run, tmp_path):
    from sim.scenario import load_scenario

    out, _ = baseline_run
    text = (out / "scenario.resolved.yaml").read_text()
    # the resolved copy keeps the `extends:` key only for the record; drop it to reload alone
    copy = tmp_path / "copy.yaml"
    copy.write_text(text)
    reloaded = load_scenario(copy)
    data = json.loads((out / "results.json").read_text())
    assert reloaded.sha256 == data["scenario"]["sha256"]


def test_runs_never_overwrite(tmp_path, write_scenario, minimal_text):
    path = write_scenario(minimal_text)
    out = tmp_path / "r"
    for _ in range(2):
        result = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-plots"])
        assert result.exit_code == 0, result.output
    assert (out / "results.json").exists() and (tmp_path / "r-2" / "results.json").exists()


def test_default_run_folder(tmp_path, write_scenario, minimal_text, monkeypatch):
    path = write_scenario(minimal_text)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(app, ["run", str(path), "--no-plots", "-m", "nash_bargaining"])
    assert result.exit_code == 0, result.output
    folders = list((tmp_path / "runs" / "mini").iterdir())
    assert len(folders) == 1 and folders[0].name.endswith("Z")
    data = json.loads((folders[0] / "results.json").read_text())
    assert list(data["models"]) == ["nash_bargaining"]


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("title: Minimal", "titel: Minimal"),
        ("range: [0, 10]", "range: [0, 140]"),
        ("breakdown_risk: 0.05", "breakdown_risk: 1.5"),
        ("range: [0, 10]", "range: [0, 10"),
    ],
)
def test_bad_input_exit_2_no_run_folder(tmp_path, write_scenario, minimal_text, old, new):
    path = write_scenario(minimal_text.replace(old, new))
    out = tmp_path / "out"
    result = runner.invoke(app, ["run", str(path), "--out", str(out)])
    assert result.exit_code == 2
    assert "Traceback" not in result.output
    assert str(path) in result.output
    assert not out.exists()


def test_unknown_model_exit_2(write_scenario, minimal_text, tmp_path):
    path = write_scenario(minimal_text)
    result = runner.invoke(app, ["run", str(path), "-m", "nope", "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert "no model 'nope'" in result.output
    assert not (tmp_path / "o").exists()


def test_real_process_bad_input_has_no_traceback(write_scenario, minimal_text):
    path = write_scenario(minimal_text.replace("proposer: B}", "proposer: Z}"))
    proc = subprocess.run(
        [sys.executable, "-m", "sim", "validate", str(path)], capture_output=True, text=True
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.strip().startswith(f"{path}:")
    assert "calendar.rounds[1].proposer" in proc.stderr


def test_schema_is_json_schema_and_committed_copy_is_current():
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    schema = json.loads(result.output)
    assert schema["type"] == "object"
    assert "parties" in schema["properties"]
    committed = json.loads((ROOT / "docs" / "scenario.schema.json").read_text())
    assert committed == schema, "run `sim schema -o docs/scenario.schema.json`"


def test_models_lists_registry():
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0
    assert "nash_bargaining" in result.output and "strategic" in result.output


def test_help_does_not_import_heavy_modules():
    code = (
        "import sys; from sim.cli import app; "
        "heavy = [m for m in ('matplotlib', 'pandas', 'scipy', 'nashpy') if m in sys.modules]; "
        "print(','.join(heavy))"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == ""


def test_version():
    from sim import __version__

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.strip() == f"sim {__version__}"


@pytest.mark.parametrize("option", ["--out", "--export-games"])
def test_output_path_that_is_a_file_exit_2(tmp_path, write_scenario, minimal_text, option):
    path = write_scenario(minimal_text)
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    target = blocker / "sub" if option == "--out" else blocker
    args = ["run", str(path), "--no-plots", "-m", "nash_bargaining", option, str(target)]
    if option == "--export-games":
        args += ["--out", str(tmp_path / "run")]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "is not a folder" in result.output and "Traceback" not in result.output
    assert not (tmp_path / "run").exists()  # checked before anything is solved or written


def test_out_taken_is_said_and_help_does_not_promise_refusal(
    tmp_path, write_scenario, minimal_text
):
    # issue 14: --out to an existing folder silently wrote a -2 folder, the help saying the
    # folder must not exist
    path = write_scenario(minimal_text)
    out = tmp_path / "r"
    first = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-plots"])
    assert first.exit_code == 0 and "already exists" not in first.output
    second = runner.invoke(app, ["run", str(path), "--out", str(out), "--no-plots"])
    assert second.exit_code == 0, second.output
    assert f"{out} already exists: this run is in {tmp_path / 'r-2'} instead" in " ".join(
        second.output.split()
    )
    assert "must not exist" not in " ".join(runner.invoke(app, ["run", "--help"]).output.split())
