"""The loader: every kind of bad input gives one clear problem naming file, line and field."""

from __future__ import annotations

import pytest
from conftest import line_of

from sim.errors import ScenarioError
from sim.scenario import load_scenario


def _error(write_scenario, text: str) -> ScenarioError:
    path = write_scenario(text)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return info.value


def test_minimal_scenario_loads(write_scenario, minimal_text):
    loaded = load_scenario(write_scenario(minimal_text))
    sc = loaded.scenario
    assert sc.party_codes == ("A", "B")
    assert [i.kind for i in sc.issues] == ["continuous", "discrete", "binary"]
    assert len(loaded.sha256) == 64


def test_hash_is_stable_and_sensitive(write_scenario, minimal_text):
    h1 = load_scenario(write_scenario(minimal_text, "a.yaml")).sha256
    h2 = load_scenario(write_scenario("# a comment only\n" + minimal_text, "b.yaml")).sha256
    h3 = load_scenario(write_scenario(minimal_text.replace("0.1}", "0.2}"), "c.yaml")).sha256
    assert h1 == h2  # comments and layout do not change the scenario
    assert h1 != h3


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "words"),
    [
        # unknown and misspelt keys
        ("title: Minimal", "titel: Minimal", "titel:", "titel", "unknown key"),
        ("    range: [0, 10]", "    rnage: [0, 10]", "rnage", "issues[0].rnage", "unknown key"),
        # wrong types
        ("as_of: 2025-05-31", "as_of: soon", "as_of:", "as_of", "date"),
        (
            "tariff: {linear: 0.1}",
            "tariff: {linear: lots}",
            "linear: lots",
            "payoffs.parties.A.tariff.linear",
            "expected a number",
        ),
        # out of range
        ("range: [0, 10]", "range: [-5, 10]", "range: [-5", "issues[0].range", "[0, 100]"),
        ("range: [0, 10]", "range: [0, 140]", "range: [0, 140]", "issues[0].range", "[0, 100]"),
        (
            "breakdown_risk: 0.05",
            "breakdown_risk: 1.5",
            "breakdown_risk",
            "calendar.breakdown_risk",
            "probability",
        ),
        # references that do not exist
        (
            "outcome: {tariff: 10, corn: none, ships: no}",
            "outcome: {tariff: 10, corn: none, ships: no, rice: no}",
            "outcome: {tariff: 10, corn",
            "disagreement.outcome.rice",
            "no issue 'rice'",
        ),
        (
            "    B:\n      tariff: {linear: -0.3}",
            "    C:\n      tariff: {linear: -0.3}",
            "    C:",
            "payoffs.parties.C",
            "no party 'C'",
        ),
        (
            "includes: [farm]",
            "includes: [frm]",
            "includes: [frm]",
            "packages[1].includes[0]",
            "no package 'frm'",
        ),
        (
            "proposer: B}",
            "proposer: Z}",
            "proposer: Z",
            "calendar.rounds[1].proposer",
            "no party 'Z'",
        ),
        (
            "settings: {corn: some}",
            "settings: {corn: lots}",
            "settings: {corn: lots}",
            "packages[0].settings.corn",
            "no level 'lots'",
        ),
        (
            "controlled_by: A",
            "controlled_by: A\n    source: no_such_fact",
            "source: no_such_fact",
            "issues[0].source",
            "no_such_fact",
        ),
        # calendar
        (
            "    - {date: 2025-07-09, label: deadline}",
            "    - {date: 2025-03-01, label: deadline}",
            "2025-03-01, label: deadline",
            "calendar.deadlines[0].date",
            "before the first round",
        ),
        (
            "{date: 2025-05-01, label: second",
            "{date: 2025-04-01, label: second",
            "2025-04-01, label: second",
            "calendar.rounds[1].date",
            "date order",
        ),
    ],
)
def test_bad_input_names_file_line_and_field(
    write_scenario, minimal_text, old, new, needle, field, words
):
    assert old in minimal_text
    text = minimal_text.replace(old, new, 1)
    err = _error(write_scenario, text)
    problem = err.first
    assert problem.path is not None and problem.path.name == "scenario.yaml"
    assert problem.field.startswith(field), (problem.field, field)
    assert words.lower() in problem.message.lower(), problem.message
    assert problem.line == line_of(text, needle), str(problem)
    assert problem.line is not None
    assert str(problem).startswith(f"{problem.path}:{problem.line}:")


@pytest.mark.parametrize(
    ("old", "new", "needle", "field", "words"),
    [
        (
            "linear: 0.1}",
            "linear: .inf}",
            "linear: .inf",
            "payoffs.parties.A.tariff.linear",
            "finite",
        ),
        (
            "linear: 0.1}",
            "linear: 1e400}",
            "linear: 1e400",
            "payoffs.parties.A.tariff.linear",
            "finite",
        ),
        (
            "linear: 0.1}",
            "linear: .nan}",
            "linear: .nan",
            "payoffs.parties.A.tariff.linear",
            "finite",
        ),
        ("as_of: 2025-05-31", "as_of: 2025-13-45", "as_of:", "as_of", "month"),
    ],
)
def test_non_finite_numbers_and_impossible_dates(
    write_scenario, minimal_text, old, new, needle, field, words
):
    text = minimal_text.replace(old, new, 1)
    problem = _error(write_scenario, text).first
    assert problem.field == field
    assert words in problem.message.lower()
    assert problem.line == line_of(text, needle)


def test_malformed_yaml_reports_line(write_scenario, minimal_text):
    text = minimal_text.replace("range: [0, 10]", "range: [0, 10")
    err = _error(write_scenario, text)
    assert "YAML syntax error" in err.first.message
    assert err.first.line is not None and err.first.line >= line_of(text, "range: [0, 10")


def test_duplicate_key_is_an_error(write_scenario, minimal_text):
    err = _error(write_scenario, minimal_text.replace("title: Minimal", "title: A\ntitle: Minimal"))
    assert "duplicate" in err.first.message.lower()


@pytest.mark.parametrize("text", ["", "just a string\n", "- a\n- list\n"])
def test_not_a_mapping(write_scenario, text):
    err = _error(write_scenario, text)
    assert err.first.line == 1


def test_missing_file(tmp_path):
    with pytest.raises(ScenarioError, match="file not found"):
        load_scenario(tmp_path / "nope.yaml")


def test_missing_required_field(write_scenario, minimal_text):
    err = _error(write_scenario, minimal_text.replace("title: Minimal two-issue scenario\n", ""))
    assert err.first.field == "title"
    assert "missing" in err.first.message


def test_unset_issue_in_disagreement(write_scenario, minimal_text):
    text = minimal_text.replace(
        "outcome: {tariff: 10, corn: none, ships: no}", "outcome: {tariff: 10, corn: none}"
    )
    err = _error(write_scenario, text)
    assert "'ships' is not set" in err.first.message


def test_extends_overrides_and_reports_child_lines(write_scenario, minimal_text):
    write_scenario(minimal_text, "base.yaml")
    child = (
        "extends: base.yaml\nid: child\ntitle: Child\n"
        "disagreement:\n  adjustments:\n    A: {value: 2, range: [0, 3]}\n"
        "issues:\n  - id: tariff\n    range: [0, 20]\n"
    )
    loaded = load_scenario(write_scenario(child, "child.yaml"))
    sc = loaded.scenario
    assert sc.id == "child" and sc.issue("tariff").range == (0, 20)
    assert sc.disagreement.adjustments["A"].value == 2
    assert sc.disagreement.outcome["corn"] == "none"  # inherited
    assert [i.id for i in sc.issues] == ["tariff", "corn", "ships"]

    bad = child.replace("range: [0, 20]", "range: [0, 200]")
    err = _error(write_scenario, bad)
    assert err.first.path.name == "scenario.yaml"
    assert err.first.line == line_of(bad, "range: [0, 200]")


def test_extends_error_in_parent_names_parent(write_scenario, minimal_text):
    write_scenario(
        minimal_text.replace("label: second, proposer: B", "label: second, proposer: Q"),
        "base.yaml",
    )
    err = _error(write_scenario, "extends: base.yaml\nid: child\ntitle: Child\n")
    assert err.first.path.name == "base.yaml"
    assert err.first.field == "calendar.rounds[1].proposer"


def test_extends_cycle(write_scenario, minimal_text):
    write_scenario("extends: b.yaml\nid: a\n", "a.yaml")
    write_scenario("extends: a.yaml\nid: b\n", "b.yaml")
    with pytest.raises(ScenarioError, match="cycle"):
        load_scenario(write_scenario("extends: a.yaml\n", "c.yaml"))


def test_shipped_scenarios_validate():
    from conftest import ROOT

    paths = sorted((ROOT / "scenarios").glob("*.yaml"))
    assert len(paths) >= 3
    for path in paths:
        load_scenario(path)


def test_context_must_be_a_fact_and_reads_as_an_assumption(write_scenario, minimal_text):
    from sim.quantity import Quantity

    text = minimal_text.replace(
        "tariff: {linear: 0.1}",
        "tariff: {linear: {value: 0.1, range: [0, 1], context: no_such_fact}}",
    )
    problem = _error(write_scenario, text).first
    assert problem.field == "payoffs.parties.A.tariff.linear.context"
    assert problem.line == line_of(text, "context: no_such_fact")
    q = Quantity(value=3, range=(1.5, 100), context="toyota_tariff_hit_apr_may")
    assert q.cite() == "3 [range 1.5–100; assumption, n/f; context toyota_tariff_hit_apr_may]"
    assert "assumption" not in Quantity(value=3, source="x").cite()


def test_package_cycle_names_the_cycle(write_scenario, minimal_text):
    text = minimal_text.replace(
        "  - {id: farm, settings: {corn: some}, offered_by: B}",
        "  - {id: farm, includes: [both], settings: {corn: some}, offered_by: B}",
    )
    problem = _error(write_scenario, text).first
    assert "farm -> both -> farm" in problem.message or "both -> farm -> both" in problem.message
