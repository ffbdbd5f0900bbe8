"""Figures drawn partly in a forked child (sim.render.forked) are the files drawn in one
process, byte for byte; a child that fails leaves its jobs to this process."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import sim
from sim.render import forked
from sim.results.folder import write_figures

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "japan_us_2025.yaml"
needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork")


@pytest.fixture(scope="module")
def baseline():
    return sim.run(BASELINE)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


@needs_fork
def test_forked_figures_are_the_one_process_figures(baseline, tmp_path, monkeypatch):
    import matplotlib

    # SVG ids are salted with a random uuid, and the SVG holds its date: fixed for both
    monkeypatch.setitem(matplotlib.rcParams, "svg.hashsalt", "test")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")
    (one, two) = (tmp_path / "one", tmp_path / "two")
    one.mkdir(), two.mkdir()
    monkeypatch.setenv(forked.FORK_ENV, "0")
    alone = write_figures(baseline, one)
    monkeypatch.setenv(forked.FORK_ENV, "1")
    monkeypatch.setattr(forked, "_can_fork", lambda: True)
    shared = write_figures(baseline, two)
    assert alone == shared and len(alone) == 8
    assert _files(one) == _files(two)


@needs_fork
def test_jobs_of_a_failed_child_are_done_here(monkeypatch):
    monkeypatch.setattr(forked, "_can_fork", lambda: True)
    parent = os.getpid()

    def work(job):
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return [job, os.getpid()]

    assert forked.in_two_processes([1, 2, 3, 4, 5], work) == [[j, parent] for j in range(1, 6)]


@needs_fork
def test_the_child_does_every_other_job_after_the_first(monkeypatch):
    monkeypatch.setattr(forked, "_can_fork", lambda: True)
    parent = os.getpid()
    out = forked.in_two_processes(list(range(5)), lambda j: [j, os.getpid() == parent])
    assert out == [[0, True], [1, False], [2, True], [3, False], [4, True]]


def test_no_fork_with_threads_running_or_when_told_not_to(monkeypatch):
    monkeypatch.setenv(forked.FORK_ENV, "1")
    assert forked._can_fork() == hasattr(os, "fork")
    monkeypatch.setenv(forked.FORK_ENV, "0")
    assert not forked._can_fork()
    monkeypatch.setenv(forked.FORK_ENV, "1")
    monkeypatch.setattr(forked.threading, "active_count", lambda: 2)
    assert not forked._can_fork()
