"""Gambit file formats: the documentation's samples, round trips, malformed files, CLI."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from sim.equilibria import (
    Game,
    GameFileError,
    dumps_efg,
    dumps_nfg,
    load_game,
    loads_efg,
    loads_nfg,
    write_nfg,
)
from tests.strategies import game_trees, strategic_games

FIXTURES = Path(__file__).parents[1] / "fixtures" / "gambit"

PAYOFF_SAMPLE = """NFG 1 R "Selten (IJGT, 75), Figure 2, normal form"
{ "Player 1" "Player 2" } { 3 2 }

1 1 0 2 0 2 1 1 0 3 2 0
"""

OUTCOME_SAMPLE = """NFG 1 R "Selten (IJGT, 75), Figure 2, normal form" { "Player 1" "Player 2" }

{
{ "1" "2" "3" }
{ "1" "2" }
}

{
{ "" 1, 1 }
{ "" 0, 2 }
{ "" 0, 2 }
{ "" 1, 1 }
{ "" 0, 3 }
{ "" 2, 0 }
}
1 2 3 4 5 6
"""


def test_documentation_samples_read_as_the_same_game():
    a, b = loads_nfg(PAYOFF_SAMPLE), loads_nfg(OUTCOME_SAMPLE)
    # first player's strategy changes fastest (Gambit docs, payoff version)
    np.testing.assert_array_equal(a.A, [[1, 1], [0, 0], [0, 2]])
    np.testing.assert_array_equal(a.B, [[1, 1], [2, 3], [2, 0]])
    assert a.same_as(b) and a.title == "Selten (IJGT, 75), Figure 2, normal form"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(strategic_games())
def test_nfg_round_trip(game):
    back = loads_nfg(dumps_nfg(game, version="outcome"))
    assert back.same_as(game)
    plain = loads_nfg(dumps_nfg(game, version="payoff"))
    assert plain.players == game.players and plain.title == game.title
    assert all(np.array_equal(p, q) for p, q in zip(plain.payoffs, game.payoffs, strict=True))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(game_trees(n_players=2))
def test_efg_round_trip(tree):
    text = dumps_efg(tree)
    back = loads_efg(text)
    assert dumps_efg(back) == text
    assert back.players == tree.players and back.title == tree.title
    for a, b in zip(tree.root.walk(), back.root.walk(), strict=True):
        assert (a.kind, a.player, a.infoset, a.actions, a.probs, a.payoffs) == (
            b.kind,
            b.player,
            b.infoset,
            b.actions,
            b.probs,
            b.payoffs,
        )


def test_efg_documentation_sample_and_omitted_descriptions():
    game = load_game(FIXTURES / "bayes_one_stage.efg")
    assert len(list(game.root.walk())) == 31 and not game.is_perfect_information()
    short = """EFG 2 R "t" { "A" "B" } ""
p "" 1 1 "I" { "L" "R" } 0
t "" 1 "o1" { 1, 2 }
p "" 1 1 0
t "" 1
t "" 2 "o2" { 3/2 -1 }
"""
    tree = loads_efg(short)
    leaves = [n for n in tree.root.walk() if n.kind == "t"]
    assert [n.payoffs for n in leaves] == [(1.0, 2.0), (1.0, 2.0), (1.5, -1.0)]


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('NFX 1 R "x" { "a" } { 2 }\n1 2\n', 1, "NFG"),
        ('NFG 1 R "x" { "a" "b" } { 2 2 }\n\n1 2 3 oops 5 6 7 8\n', 3, "payoff 4"),
        ('NFG 1 R "x" { "a" "b" } { 2 2 }\n1 2 3\n', 2, "file ends"),
        ('NFG 1 R "x" { "a" "b" } { 2 2 }\n1 2 3 4 5 6 7 8 9\n', 2, "unexpected"),
        ('NFG 1 R "x" { "a" } { { "s" } } ""\n{ { "" 1 } }\n2\n', 3, "outcome 2"),
        ('NFG 1 R "x { "a" } { 2 }\n', 1, "unterminated"),
        ('NFG 1 R "x" { "a" "b" } { 2 }\n1 2\n', 1, "strategies for 1"),
    ],
)
def test_malformed_nfg_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "bad.nfg"
    path.write_text(text)
    with pytest.raises(GameFileError) as info:
        load_game(path)
    err = info.value
    assert err.path == path and err.line == line and words in err.message
    assert str(path) in str(err) and isinstance(err, ValueError)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('EFG 2 R "t" { "A" }\np "" 2 1 "I" { "L" } 0\nt "" 0\n', 2, "player 2"),
        ('EFG 2 R "t" { "A" }\nc "" 1 "C" { "L" 1/2 "R" 1/3 } 0\nt "" 0\nt "" 0\n', 2, "sum"),
        ('EFG 2 R "t" { "A" }\np "" 1 1 "I" { "L" } 0\nt "" 3\n', 3, "outcome 3"),
        ('EFG 2 R "t" { "A" }\np "" 1 1 "I" { "L" "R" } 0\nt "" 0\n', 3, "file ends"),
        ('EFG 2 R "t" { "A" }\nx "" 0\n', 2, "node type"),
    ],
)
def test_malformed_efg_names_file_and_line(tmp_path, text, line, words):
    path = tmp_path / "bad.efg"
    path.write_text(text)
    with pytest.raises(GameFileError) as info:
        load_game(path)
    assert info.value.line == line and words in info.value.message


def test_unknown_extension_and_missing_file(tmp_path):
    with pytest.raises(GameFileError, match="no such file"):
        load_game(tmp_path / "none.nfg")
    (tmp_path / "g.txt").write_text("x")
    with pytest.raises(GameFileError, match=r"expected \.nfg or \.efg"):
        load_game(tmp_path / "g.txt")


def test_cli_solve_command_prints_json_and_table(tmp_path):
    from typer.testing import CliRunner

    from sim.cli import app

    path = write_nfg(
        Game.bimatrix([[2, 0], [0, 1]], [[1, 0], [0, 2]], labels=[["O", "F"], ["o", "f"]]),
        tmp_path / "bos.nfg",
    )
    out = CliRunner().invoke(app, ["solve", str(path), "--json"])
    assert out.exit_code == 0, out.output
    data = json.loads(out.output)
    assert data["complete"] and len(data["equilibria"]) == 3
    table = CliRunner().invoke(app, ["solve", str(path), "--method", "pure"])
    assert table.exit_code == 0 and "complete: False" in table.output
    efg = CliRunner().invoke(app, ["solve", str(FIXTURES / "bayes_one_stage.efg"), "--json"])
    assert efg.exit_code == 0 and len(json.loads(efg.output)["equilibria"]) == 1
