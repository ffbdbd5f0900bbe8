"""The `sim` command ends without the interpreter's teardown (sim.cli._exit): its output,
written to pipes, arrives whole, its exit status is the command's, and the run folder is
complete."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _sim(*args, cwd):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "sim", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=120)  # fmt: skip


def test_output_and_status_of_a_run_through_pipes(tmp_path, write_scenario, minimal_text):
    path = write_scenario(minimal_text)
    done = _sim("run", str(path), "--out", "r", "--plots", "png", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.rstrip().endswith("wrote r/results.json")  # the last line arrived
    data = json.loads((tmp_path / "r" / "results.json").read_text())
    assert all((tmp_path / "r" / f).is_file() for f in data["files"])
    assert any(f.endswith(".png") for f in data["files"])
    models = _sim("models", cwd=tmp_path)
    assert models.returncode == 0 and "nash_bargaining" in models.stdout


def test_status_2_and_message_on_bad_input(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\nparties: [\n")
    done = _sim("run", str(bad), "--out", "r", cwd=tmp_path)
    assert done.returncode == 2 and "bad.yaml" in done.stderr and "Traceback" not in done.stderr
    assert not (tmp_path / "r").exists()


def test_main_called_in_a_python_process_returns_to_it(monkeypatch, capsys):
    """Under pytest (as in a shell or Jupyter) main() ends with SystemExit, as before: the
    process goes on."""
    import pytest

    from sim.cli import main

    monkeypatch.setattr(sys, "argv", ["sim", "--version"])
    with pytest.raises(SystemExit) as ended:
        main()
    assert ended.value.code in (0, None) and capsys.readouterr().out.startswith("sim ")
