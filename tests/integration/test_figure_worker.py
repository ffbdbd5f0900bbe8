"""Figures drawn by a worker forked before the run (sim.render.forked.worker, as `sim run`
does) are the files drawn in one process, byte for byte; a worker that fails leaves its
jobs to this process; an unused worker exits."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.render import forked
from sim.results.folder import figure_worker, write_figures

BASELINE = Path(__file__).resolve().parents[2] / "scenarios" / "japan_us_2025.yaml"
pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="no os.fork")


@pytest.fixture(scope="module")
def baseline():
    return sim.run(BASELINE)


@pytest.fixture
def same_svg(monkeypatch):
    """SVG ids are salted with a random uuid, and the SVG holds its date: fixed for all."""
    import matplotlib

    monkeypatch.setitem(matplotlib.rcParams, "svg.hashsalt", "test")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "0")


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def _gone(pid: int) -> bool:
    try:
        os.waitpid(pid, os.WNOHANG)
    except ChildProcessError:
        return True
    return False


def test_worker_figures_are_the_one_process_figures(baseline, tmp_path, monkeypatch, same_svg):
    (one, two) = (tmp_path / "one", tmp_path / "two")
    one.mkdir(), two.mkdir()
    monkeypatch.setenv(forked.FORK_ENV, "0")
    alone = write_figures(baseline, one)
    monkeypatch.setenv(forked.FORK_ENV, "1")
    drawn_by = []
    real_map = forked.Worker.map

    def spy(self, fn, jobs):
        drawn_by.append(self.pid)
        return real_map(self, fn, jobs)

    monkeypatch.setattr(forked.Worker, "map", spy)
    with figure_worker(("png", "svg")) as _:
        shared = write_figures(baseline, two)
    assert len(drawn_by) == 1 and drawn_by[0] != os.getpid() and _gone(drawn_by[0])
    assert alone == shared and len(alone) == 8
    assert _files(one) == _files(two)


def test_jobs_of_a_failed_worker_are_done_here(baseline, tmp_path, monkeypatch, same_svg):
    (one, two) = (tmp_path / "one", tmp_path / "two")
    one.mkdir(), two.mkdir()
    monkeypatch.setenv(forked.FORK_ENV, "0")
    alone = write_figures(baseline, one, ("png",))
    monkeypatch.setenv(forked.FORK_ENV, "1")

    def fail():
        raise RuntimeError("the worker fails while warming up")

    with forked.worker(fail) as w:
        assert w is not None
        assert w.map(len, [("ab",)]) is None  # it died: nothing from it
    with forked.worker(fail) as w:
        shared = write_figures(baseline, two, ("png",))  # the figures are drawn here
    assert _gone(w.pid)
    assert alone == shared and _files(one) == _files(two)


def test_worker_maps_in_order_and_an_unused_one_exits(monkeypatch):
    monkeypatch.setenv(forked.FORK_ENV, "1")
    with forked.worker(lambda: None) as w:
        assert forked.take_worker() is w and forked.take_worker() is None
        assert w.map(divmod, [(7, 2), (9, 4), (1, 1)]) == [[3, 1], [2, 1], [1, 0]]
    with forked.worker(lambda: None) as w2:
        assert w2.map(divmod, [(lambda: 1, 2)]) is None  # jobs that do not pickle
    with forked.worker(lambda: None) as unused:
        pass
    assert _gone(w.pid) and _gone(w2.pid) and _gone(unused.pid)
    monkeypatch.setenv(forked.FORK_ENV, "0")
    with forked.worker(lambda: None) as none:
        assert none is None and forked.take_worker() is None


def test_an_unused_worker_is_stopped_not_awaited(monkeypatch):
    """A run that fails before drawing (bad input: exit 2) does not wait for the worker's
    warm-up."""
    import time

    monkeypatch.setenv(forked.FORK_ENV, "1")
    t0 = time.monotonic()
    with forked.worker(lambda: time.sleep(3600)) as w:
        pass
    assert _gone(w.pid) and time.monotonic() - t0 < 60  # not an hour


def test_a_warm_process_forks_at_once(monkeypatch):
    monkeypatch.setattr(forked, "_can_fork", lambda: True)
    parent = os.getpid()
    out = forked.in_two_processes(list(range(4)), lambda j: [j, os.getpid() == parent], warm=True)
    assert out == [[0, True], [1, False], [2, True], [3, False]]


def test_cli_run_with_and_without_the_worker(tmp_path, monkeypatch):
    runner = CliRunner()
    folders = {}
    for fork in ("0", "1"):
        monkeypatch.setenv(forked.FORK_ENV, fork)
        out = tmp_path / f"fork{fork}"
        res = runner.invoke(app, ["run", str(BASELINE), "--out", str(out), "--plots", "png"])
        assert res.exit_code == 0, res.output
        folders[fork] = out
    files = [json.loads((f / "results.json").read_text())["files"] for f in folders.values()]
    assert files[0] == files[1] and "strategic_game.png" in files[0]
    pngs = [{k: v for k, v in _files(f).items() if k.endswith(".png")} for f in folders.values()]
    assert len(pngs[0]) == 4 and pngs[0] == pngs[1]
