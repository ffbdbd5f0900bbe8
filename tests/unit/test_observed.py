"""Observed-outcome files: valid ones load; every problem names file, line and field."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import sim
from sim.errors import ScenarioError
from sim.scenario.observed import json_schema, load_observed

ROOT = Path(__file__).resolve().parents[2]
SPLIT = ROOT / "tests" / "fixtures" / "sweep" / "split.yaml"

GOOD = """\
scenario: sweep_split
agreement:
  reached: true
  date: 2025-03-01
  source: written by the test
issues:
  x: {value: 0.8, source: written by the test}
"""


@pytest.fixture(scope="module")
def scenario():
    return sim.load(SPLIT).scenario


def _write(tmp_path, text):
    path = tmp_path / "observed.yaml"
    path.write_text(text)
    return path


def test_a_valid_file_loads(tmp_path, scenario):
    obs = load_observed(_write(tmp_path, GOOD), scenario)
    assert obs.agreement.reached and str(obs.agreement.date) == "2025-03-01"
    assert obs.issues["x"].value == 0.8


def test_a_value_outside_the_issue_range_is_accepted(tmp_path, scenario):
    obs = load_observed(_write(tmp_path, GOOD.replace("0.8,", "1.7,")), scenario)
    assert obs.issues["x"].value == 1.7


@pytest.mark.parametrize(
    ("change", "line", "field", "words"),
    [
        (("  x: {value: 0.8, source: written by the test}", "  x: {value: 0.8}"), 7,
         "issues.x.source", "missing"),
        (("  x: {value", "  y: {value"), 7, "issues.y", "no issue 'y'"),
        (("  x: {value: 0.8", "  x: {value: lots"), 7, "issues.x.value", "takes a number"),
        (("scenario: sweep_split", "scenario: other"), 1, "scenario", "resolves scenario"),
        (("  date: 2025-03-01", "  date: 2025-13-45"), 4, "agreement.date", ""),
        (("  reached: true\n", ""), 2, "agreement.reached", "missing"),
        (("  date: 2025-03-01", "  date: 2024-03-01"), 4, "agreement.date", "before"),
        (("issues:", "issues:\n  colour: 3\n  x2:"), 7, "issues.colour", "mapping"),
    ],
)
def test_problems_name_file_line_and_field(tmp_path, scenario, change, line, field, words):
    path = _write(tmp_path, GOOD.replace(*change))
    with pytest.raises(ScenarioError) as info:
        load_observed(path, scenario)
    p = info.value.first
    assert p.path == path and p.line == line and p.field.startswith(field), str(info.value)
    assert words in p.message


def test_yaml_errors_and_non_mappings(tmp_path):
    for text, line in (("agreement: [\n", 2), ("- 1\n- 2\n", 1)):
        with pytest.raises(ScenarioError) as info:
            load_observed(_write(tmp_path, text))
        assert info.value.first.line == line


def test_the_input_gate_refuses_a_folder(tmp_path):
    with pytest.raises(ScenarioError, match="folder"):
        load_observed(tmp_path)


def test_the_committed_json_schema_is_current():
    committed = json.loads((ROOT / "docs" / "observed.schema.json").read_text())
    assert committed == json_schema(), "regenerate docs/observed.schema.json (docs/backtest.md)"


def test_the_input_gate_limits_size_and_aliases(tmp_path):
    big = _write(tmp_path, GOOD + "note: " + "x" * 1_100_000 + "\n")
    with pytest.raises(ScenarioError, match="limit"):
        load_observed(big)
    laughs = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=False)
    )
    with pytest.raises(ScenarioError):
        load_observed(_write(tmp_path, laughs))
