"""Messages a newcomer reads: the digest actually used, "did you mean", a digest's own
lines, variants' own lines, extends: with a line, plain sentences instead of validator
jargon, and `note:`/`context:` on rounds and deadlines."""

from __future__ import annotations

import shutil

import pytest
from conftest import ROOT, line_of
from typer.testing import CliRunner

from sim.cli import app
from sim.errors import ScenarioError
from sim.scenario import load_scenario

BASELINE = (ROOT / "scenarios" / "japan_us_2025.yaml").read_text()

OWN_DIGEST = """\
format_version: 1
sources:
  - id: own_note
    title: An analyst's memo
    url: https://example.org/memo
    cited_in: memo
facts:
  - id: uk_car_tariff_rate
    kind: tariff
    statement: The US levies 25 % on UK cars.
    value: 25
    unit: "%"
    sources: [own_note]
"""


def _error(path) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def test_own_digest_adds_to_the_projects_and_errors_name_it(tmp_path, minimal_text):
    (tmp_path / "own.yaml").write_text(OWN_DIGEST)
    text = minimal_text.replace("as_of: 2025-05-31\n", "as_of: 2025-05-31\nfacts: own.yaml\n")
    # a fact of the scenario's digest and one of the project's are both known
    text = text.replace(
        "    range: [0, 10]\n", "    range: [0, 10]\n    source: uk_car_tariff_rate\n"
    )
    text = text.replace("    kind: binary\n", "    kind: binary\n    source: us_car_tariff_rate\n")
    (tmp_path / "s.yaml").write_text(text)
    load_scenario(tmp_path / "s.yaml")
    # a misspelt id: the message names the digest used and suggests the near id
    (tmp_path / "s.yaml").write_text(
        text.replace("source: uk_car_tariff_rate", "source: uk_car_tarif_rate")
    )
    p = _error(tmp_path / "s.yaml").first
    assert "own.yaml" in p.message and "seeds/facts.yaml" in p.message
    assert "did you mean 'uk_car_tariff_rate'" in p.message


def test_digest_errors_name_the_digests_own_line(tmp_path, minimal_text):
    bad = OWN_DIGEST.replace("    kind: tariff\n", "    kind: tarif\n")
    (tmp_path / "own.yaml").write_text(bad)
    text = minimal_text.replace("as_of: 2025-05-31\n", "as_of: 2025-05-31\nfacts: own.yaml\n")
    (tmp_path / "s.yaml").write_text(text)
    p = _error(tmp_path / "s.yaml").first
    assert f"own.yaml:{line_of(bad, 'kind: tarif')}" in p.message, p.message


def test_unknown_key_suggests_the_near_one(write_scenario, minimal_text):
    path = write_scenario(minimal_text.replace("  breakdown_risk: 0.05", "  breakdown_risks: 0.05"))
    p = _error(path).first
    assert "did you mean 'breakdown_risk'" in p.message


def test_unknown_issue_suggests_the_near_one(write_scenario, minimal_text):
    path = write_scenario(
        minimal_text.replace("outcome: {tariff: 10, corn", "outcome: {tarif: 10, corn")
    )
    messages = [p.message for p in _error(path).problems]
    assert any("did you mean 'tariff'" in m for m in messages), messages


def _variant(tmp_path, body: str) -> tuple:
    scen = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", scen)
    text = "extends: japan_us_2025.yaml\nid: variant\ntitle: A variant\n" + body
    (scen / "v.yaml").write_text(text)
    return scen / "v.yaml", text


def test_misspelt_issue_id_in_a_variant(tmp_path):
    path, text = _variant(tmp_path, "issues:\n  - id: car_tarif\n    range: [0, 30]\n")
    p = _error(path).first
    assert p.path == path.resolve() and p.line == line_of(text, "id: car_tarif")
    assert "car_tarif" in p.message and "did you mean 'car_tariff'" in p.message
    assert "required field" not in p.message


def test_errors_in_a_variant_point_at_the_variant(tmp_path):
    path, text = _variant(tmp_path, "calendar:\n  breakdown_risk: 1.5\n")
    p = _error(path).first
    assert p.path == path.resolve() and p.line == line_of(text, "breakdown_risk")


@pytest.mark.parametrize("target", ["missing.yaml", ".", "v.yaml"])
def test_extends_problems_have_a_line(tmp_path, target):
    path = tmp_path / "v.yaml"
    text = f"id: v\ntitle: V\nextends: {target}\n"
    path.write_text(text)
    p = _error(path).first
    assert p.path == path.resolve() and p.line == 3, p
    assert p.field == "extends"


@pytest.mark.parametrize(
    ("old", "new", "words", "jargon"),
    [
        ("as_of: 2025-05-31", "as_of: 2025-5", "YYYY-MM-DD", "too short"),
        ("    range: [0, 10]", "    range: [10]", "two numbers", "Tuple should"),
        ("  model: linear\n", "  model: trade\n  sectors: [cars]\n", "mapping", "instance of"),
    ],
)
def test_plain_sentences_instead_of_validator_jargon(
    write_scenario, minimal_text, old, new, words, jargon
):
    path = write_scenario(minimal_text.replace(old, new))
    messages = " ".join(p.message for p in _error(path).problems)
    assert words in messages and jargon not in messages, messages


def test_rounds_and_deadlines_take_note_and_context(write_scenario, minimal_text):
    text = minimal_text.replace(
        "label: first, proposer: A}",
        "label: first, proposer: A, note: talks open, context: us_car_tariff_rate}",
    ).replace("label: deadline}", "label: deadline, note: suspension ends}")
    load_scenario(write_scenario(text))


def test_error_output_ends_with_a_newline(write_scenario, minimal_text):
    res = CliRunner().invoke(app, ["validate", str(write_scenario("id: x\n"))])
    assert res.exit_code == 2 and res.output.endswith("\n")
