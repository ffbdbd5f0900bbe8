"""Adding a model is one new file and one registration line.

A toy model is written into a copy of the package as ``sim/models/toy.py`` and its name
added to :data:`sim.registry.MODELS`; with no other file touched it must show in
``sim models``, the JSON Schema of scenarios, results.json and the terminal output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from sim import registry

ROOT = Path(__file__).resolve().parents[2]

TOY = '''"""Model ``toy``: both sides keep the no-deal outcome (a test of the registry)."""

from __future__ import annotations

import dataclasses

from pydantic import Field

from sim.results.model import ModelResult, Status
from sim.scenario.types import Frozen

SUMMARY = "Toy model: the no-deal outcome, for the registry test"


class Options(Frozen):
    bonus: float = Field(default=1.5, description="Added to each side's no-deal payoff.")


@dataclasses.dataclass(frozen=True, kw_only=True)
class Result(ModelResult):
    bonus: float = 0.0


def run(space, options: Options, *, rng=None) -> Result:
    d = space.disagreement_point()
    outcome = space.describe(space.disagreement_outcome())
    return Result(
        model="toy",
        status=Status.OK,
        agreement=outcome,
        payoffs={p: float(v) + options.bonus for p, v in zip(space.parties, d, strict=True)},
        disagreement={p: float(v) for p, v in zip(space.parties, d, strict=True)},
        unit=space.values.unit,
        options=options.model_dump(mode="json"),
        bonus=options.bonus,
    )
'''


def test_every_listed_model_has_its_file():
    for name in registry.MODELS:
        assert (ROOT / "sim" / "models" / f"{name}.py").is_file(), name
        module = registry.model(name)
        for attr in ("SUMMARY", "Options", "Result", "run"):
            assert hasattr(module, attr), f"sim/models/{name}.py lacks {attr}"
        from sim.results.model import ModelResult

        assert issubclass(module.Result, ModelResult), name


def test_a_toy_model_in_one_file_reaches_every_output(tmp_path):
    shutil.copytree(ROOT / "sim", tmp_path / "sim", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "scenarios", tmp_path / "scenarios")
    (tmp_path / "sim" / "models" / "toy.py").write_text(TOY)
    reg = tmp_path / "sim" / "registry.py"
    text = reg.read_text()
    anchor = '    "game_tree",\n'
    assert anchor in text
    reg.write_text(text.replace(anchor, anchor + '    "toy",\n', 1))  # the one line

    env = {**os.environ, "PYTHONPATH": str(tmp_path), "COLUMNS": "100"}

    def sim(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "sim", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )

    listed = sim("models")
    assert listed.returncode == 0, listed.stderr
    assert "toy" in listed.stdout and "Toy model" in listed.stdout

    schema = json.loads(sim("schema").stdout)
    models_def = next(d for k, d in schema["$defs"].items() if k == "Models")
    assert "toy" in models_def["properties"]

    out = tmp_path / "run"
    ran = sim(
        "run",
        "scenarios/japan_us_2025_linear.yaml",
        "--model",
        "toy",
        "--model",
        "nash_bargaining",
        "--out",
        str(out),
        "--no-plots",
    )
    assert ran.returncode == 0, ran.stderr
    assert "toy" in ran.stdout
    results = json.loads((out / "results.json").read_text())
    toy = results["models"]["toy"]
    assert toy["status"] == "ok" and toy["bonus"] == 1.5
    assert toy["payoffs"]["US"] == toy["disagreement"]["US"] + 1.5
