"""Gambit exports of a run's games, read back and solved by independent code paths.

The .efg tree is solved by :func:`sim.equilibria.backward_induction` (the Gambit-format
engine) and compared with the scenario's own game-tree model (a separate implementation);
the .nfg game read back must be the same game and have the same equilibria.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from conftest import ROOT
from typer.testing import CliRunner

import sim
from sim.cli import app
from sim.equilibria import backward_induction, read_efg, read_nfg, solve
from sim.export import export_games

runner = CliRunner()


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    run = sim.run(ROOT / "scenarios" / "japan_us_2025.yaml", models=["strategic", "game_tree"])
    folder = tmp_path_factory.mktemp("games")
    files = export_games(run, folder)
    return run, {p.suffix: p for p in files}


def test_nfg_round_trip_is_the_same_game(exported):
    run, files = exported
    game = read_nfg(files[".nfg"])
    A, B = run.models["strategic"].payoff_matrices
    np.testing.assert_allclose(np.asarray(game.payoffs[0]), A, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(np.asarray(game.payoffs[1]), B, rtol=1e-12, atol=1e-12)
    assert list(game.players) == ["US", "JP"]
    res = solve(game)
    ours = run.models["strategic"].equilibria
    assert len(res.equilibria) == len(ours)
    for theirs, mine in zip(
        sorted(res.equilibria, key=lambda e: e.payoffs),
        sorted(ours, key=lambda e: tuple(e.payoffs)),
        strict=True,
    ):
        np.testing.assert_allclose(theirs.payoffs, mine.payoffs, atol=1e-9)


def test_efg_backward_induction_matches_the_tree_model(exported):
    run, files = exported
    bi = backward_induction(read_efg(files[".efg"])).to_dict()
    tree = run.models["game_tree"].to_dict()
    moves = [step["move"] for step in tree["equilibrium_path"] if step["move"] is not None]
    assert bi["path"] == moves
    np.testing.assert_allclose(bi["payoffs"], [tree["payoffs"][p] for p in run.space.parties])


def test_cli_export_and_solve(tmp_path):
    out, games = tmp_path / "run", tmp_path / "games"
    result = runner.invoke(
        app,
        [
            "run",
            str(ROOT / "scenarios" / "japan_us_2025.yaml"),
            "--no-plots",
            "-m",
            "strategic",
            "--out",
            str(out),
            "--export-games",
            str(games),
        ],
    )
    assert result.exit_code == 0, result.output
    nfg = games / "japan_us_2025_strategic.nfg"
    solved = runner.invoke(app, ["solve", str(nfg), "--json"])
    assert solved.exit_code == 0, solved.output
    payload = json.loads(solved.output)
    stored = json.loads((out / "results.json").read_text())["models"]["strategic"]
    assert len(payload["equilibria"]) == len(stored["equilibria"])
    assert payload["complete"] is True


def test_solve_bad_file_exit_2(tmp_path):
    bad = tmp_path / "bad.nfg"
    bad.write_text('NFG 1 R "x" { "A" "B" } { 2 2 }\n1 2 3\n')
    result = runner.invoke(app, ["solve", str(bad)])
    assert result.exit_code == 2
    assert "bad.nfg" in result.output and "Traceback" not in result.output


def test_export_never_overwrites(exported, tmp_path):
    run, _ = exported
    first = export_games(run, tmp_path)
    second = export_games(run, tmp_path)
    assert {p.name for p in first} == {"japan_us_2025_strategic.nfg", "japan_us_2025_tree.efg"}
    assert {p.name for p in second} == {"japan_us_2025_strategic-2.nfg", "japan_us_2025_tree-2.efg"}
    assert all(p.read_text() == q.read_text() for p, q in zip(first, second, strict=True))


def test_exports_come_from_the_registry_and_the_results_alone(exported):
    """Each model's GAMES function needs only its (pickled) result; models without games and
    a tree that did not run export nothing."""
    import pickle

    from sim import registry
    from sim.export import run_games

    run, files = exported
    for name, suffix in (("strategic", ".nfg"), ("game_tree", ".efg")):
        result = pickle.loads(pickle.dumps(run.models[name]))
        (text,) = registry.games(name)(result, title=run.scenario.title).values()
        assert text == files[suffix].read_text()
    assert registry.games("nash_bargaining") is None
    bare = sim.run(ROOT / "scenarios" / "japan_us_2025.yaml", models=["nash_bargaining"])
    assert run_games(bare) == {}
    not_run = registry.model("game_tree").Result.not_run("game_tree", "no tree")
    assert registry.games("game_tree")(not_run) == {}


def test_export_keeps_an_existing_file_that_appears(tmp_path, exported, monkeypatch):
    """A file taking the name after the free name was chosen is not overwritten."""
    from sim import export, outputs

    run, _ = exported
    real_link = outputs.os.link

    def racing_link(src, dst):
        if not Path(dst).exists() and Path(dst).name.endswith("_strategic.nfg"):
            Path(dst).write_text("someone else's")
        return real_link(src, dst)

    monkeypatch.setattr(outputs.os, "link", racing_link)
    written = export.export_games(run, tmp_path)
    assert (tmp_path / "japan_us_2025_strategic.nfg").read_text() == "someone else's"
    assert tmp_path / "japan_us_2025_strategic-2.nfg" in written
    assert not list(tmp_path.glob(".*.tmp"))
