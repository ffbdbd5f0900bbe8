"""The README's two Quick-start commands, and CI running the test command as written."""

from __future__ import annotations

import re

from conftest import ROOT


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.S)
    assert block, "the Quick start section needs a ```bash block"
    return [line.strip() for line in block.group(1).splitlines() if line.strip()]


def test_quick_start_has_exactly_two_commands():
    commands = quick_start_commands()
    assert len(commands) == 2
    assert "sim run scenarios/japan_us_2025.yaml" in commands[0]
    assert "pytest" in commands[1]


def test_ci_runs_the_readme_test_command_verbatim():
    ci_lines = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    assert quick_start_commands()[1] in ci_lines


def test_readme_scenario_exists():
    assert (ROOT / "scenarios" / "japan_us_2025.yaml").exists()


def _row(text: str, label: str) -> list[float]:
    line = next(ln for ln in text.splitlines() if ln.startswith(f"| {label} |"))
    cells = [c.strip() for c in line.strip("|").split("|")][1:5]
    return [float(c) for c in cells]


def test_readme_predictions_match_a_run():
    """The baseline table in the README is what `sim run` computes (to its printed digits)."""
    import sim

    text = (ROOT / "README.md").read_text()
    run = sim.run(
        ROOT / "scenarios" / "japan_us_2025.yaml",
        models=["nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"],
    )
    names = ["nash_bargaining", "kalai_smorodinsky", "utilitarian", "egalitarian"]
    res = [run.models[n] for n in names]
    checks = {
        "car tariff (%)": [r.agreement["car_tariff"] for r in res],
        "reciprocal tariff (%)": [r.agreement["reciprocal_tariff"] for r in res],
        "steel tariff (%)": [r.agreement["steel_tariff"] for r in res],
        "investment pledge ($bn)": [r.agreement["investment"] for r in res],
        "US gain over no deal": [r.gains["US"] for r in res],
        "Japan gain over no deal": [r.gains["JP"] for r in res],
    }
    for label, values in checks.items():
        for shown, value in zip(_row(text, label), values, strict=True):
            assert abs(shown - value) <= 0.051, (label, shown, value)


def test_writing_your_own_scenario_walks_through_units_and_a_variant(tmp_path):
    """The section's variant validates without warnings; its units table names the
    conventions the plausibility checks enforce."""
    import shutil

    import sim

    text = (ROOT / "README.md").read_text()
    section = text.split("## Writing your own scenario", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```yaml\n(.*?)```", section, re.S)
    assert block and "extends:" in block.group(1)
    scen = tmp_path / "scenarios"
    shutil.copytree(ROOT / "scenarios", scen)
    (scen / "my_variant.yaml").write_text(block.group(1))
    loaded = sim.validate(scen / "my_variant.yaml")
    assert loaded.warnings == ()
    assert loaded.scenario.disagreement.changes[0].date.isoformat() == "2025-07-01"
    for word in ("`25` for 25 %", "`0.2` for 20 %", "--strict", "facts-format.md"):
        assert word in section, word
