"""Shared fixtures: a small scenario written to a temporary folder."""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib
import pytest
from hypothesis import settings

matplotlib.use("Agg")

# CI replays the same examples on every run (a red build is then reproducible); locally,
# hypothesis explores new examples each time and keeps failures in .hypothesis/.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
settings.register_profile("dev", deadline=None)
settings.load_profile("ci" if os.environ.get("CI") else "dev")

ROOT = Path(__file__).resolve().parents[1]

MINIMAL = """\
id: mini
title: Minimal two-issue scenario
as_of: 2025-05-31
parties:
  - code: A
    name: Party A
  - code: B
    name: Party B
issues:
  - id: tariff
    name: Tariff
    kind: continuous
    unit: "%"
    range: [0, 10]
    controlled_by: A
  - id: corn
    name: Corn
    kind: discrete
    controlled_by: B
    levels:
      - {label: none, value: 0}
      - {label: some, value: 1}
  - id: ships
    name: Ships
    kind: binary
    controlled_by: B
disagreement:
  outcome: {tariff: 10, corn: none, ships: no}
  changes:
    - date: 2025-07-09
      label: deadline passes
      outcome: {tariff: 10}
      adjustments: {B: -1}
payoffs:
  model: linear
  unit: $bn/yr
  parties:
    A:
      tariff: {linear: 0.1}
      corn: {levels: {some: 0.5}}
      ships: {levels: {yes: 1.0}}
    B:
      tariff: {linear: -0.3}
      corn: {levels: {some: -0.2}}
      ships: {levels: {yes: -0.3}}
packages:
  - {id: farm, settings: {corn: some}, offered_by: B}
  - {id: both, includes: [farm], settings: {ships: yes}, offered_by: B}
calendar:
  rounds:
    - {date: 2025-04-16, label: first, proposer: A}
    - {date: 2025-05-01, label: second, proposer: B}
  deadlines:
    - {date: 2025-07-09, label: deadline}
  breakdown_risk: 0.05
"""


@pytest.fixture
def minimal_text() -> str:
    return MINIMAL


@pytest.fixture
def write_scenario(tmp_path):
    """Write scenario text to a file and return its path."""

    def _write(text: str, name: str = "scenario.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text)
        return path

    return _write


def line_of(text: str, needle: str) -> int:
    """1-based number of the first line containing ``needle``."""
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(f"{needle!r} not in text")


@pytest.fixture
def bounded(monkeypatch):
    """The flat branch and bound whatever a set's size (the test scenarios' sets are small
    enough to take the padded geometry otherwise)."""
    import sim.analysis.batch_axiomatic as ba

    monkeypatch.setattr(ba, "_PLAIN", 0)
