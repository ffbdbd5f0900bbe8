"""Tests for the game trees of sim.equilibria (sim/equilibria/tree.py: the tree type and its
validation; sim/equilibria/extensive.py: backward induction) against textbook trees with
published answers."""

from __future__ import annotations

import json

import pytest

from sim.equilibria import ExtensiveGame, Node, backward_induction, dumps_efg, loads_efg
from sim.equilibria.extensive import solve_game_tree
from sim.equilibria.tree import tree_from_nodes, tree_problems


def entry_game():
    """Osborne (2004), An Introduction to Game Theory, ch. 5: the entry game."""
    return {
        "players": ["Challenger", "Incumbent"],
        "root": "c",
        "nodes": {
            "c": {"player": "Challenger", "moves": {"Out": "out", "In": "inc"}},
            "inc": {"player": "Incumbent", "moves": {"Fight": "f", "Acquiesce": "a"}},
            "out": {"payoffs": [1, 2]},
            "a": {"payoffs": [2, 1]},
            "f": {"payoffs": [0, 0]},
        },
    }


def test_entry_deterrence_spe():
    """Unique SPE: (In, Acquiesce); the threat to fight is not credible."""
    res = solve_game_tree(entry_game())
    assert res.strategy == {"c": "In", "inc": "Acquiesce"}
    assert res.payoffs == (2.0, 1.0)
    assert [s["node"] for s in res.path] == ["c", "inc", "a"]
    assert res.terminal_probabilities == {"a": 1.0} and res.ties == ()
    assert res.moves == ("In", "Acquiesce")


def test_the_same_tree_written_as_gambit_nodes_gives_the_same_answer():
    """The entry game built node by node (the Gambit form) and from nodes by id."""
    fight = Node("t", "f", outcome=1, outcome_label="f", payoffs=(0.0, 0.0))
    acq = Node("t", "a", outcome=2, outcome_label="a", payoffs=(2.0, 1.0))
    inc = Node("p", "inc", 2, 1, "I", ("Fight", "Acquiesce"), children=[fight, acq])
    out = Node("t", "out", outcome=3, outcome_label="out", payoffs=(1.0, 2.0))
    root = Node("p", "c", 1, 1, "C", ("Out", "In"), children=[out, inc])
    by_hand = backward_induction(ExtensiveGame(("Challenger", "Incumbent"), root))
    by_id = solve_game_tree(entry_game())
    assert by_hand.strategy == by_id.strategy and by_hand.values == by_id.values
    assert by_hand.path == by_id.path


def test_efg_round_trip_of_a_built_tree_keeps_the_equilibrium():
    tree = chance_tree()
    pay = {k: n["payoffs"] for k, n in tree["nodes"].items() if "payoffs" in n}
    built = tree_from_nodes(tree["players"], tree["root"], tree["nodes"], pay)
    back = loads_efg(dumps_efg(built))
    assert backward_induction(back).to_dict() == backward_induction(built).to_dict()


def centipede():
    """McKelvey & Palfrey (1992), Econometrica 60: the four-move centipede game."""
    pay = [(0.40, 0.10), (0.20, 0.80), (1.60, 0.40), (0.80, 3.20), (6.40, 1.60)]
    nodes = {}
    for t in range(4):
        mover = "Red" if t % 2 == 0 else "Blue"
        nxt = f"n{t + 1}" if t < 3 else "end"
        nodes[f"n{t}"] = {"player": mover, "moves": {"take": f"t{t}", "pass": nxt}}
        nodes[f"t{t}"] = {"payoffs": list(pay[t])}
    nodes["end"] = {"payoffs": list(pay[4])}
    return {"players": ["Red", "Blue"], "root": "n0", "nodes": nodes}


def test_centipede_take_at_once():
    """Backward induction: every player takes at every node; the game ends at once."""
    res = solve_game_tree(centipede())
    assert all(m == "take" for m in res.strategy.values()) and len(res.strategy) == 4
    assert res.payoffs == pytest.approx((0.40, 0.10))
    assert res.terminal_probabilities == {"t0": 1.0}
    assert res.reach["n1"] == 0.0


def chance_tree():
    """Nature makes the US 'hawkish' (1/3) or 'keen' (2/3); Japan, seeing it, offers
    'big' or 'small'; a keen US accepts small, a hawkish one rejects it."""
    return {
        "players": ["Japan", "US"],
        "root": "nature",
        "nodes": {
            "nature": {
                "player": "chance",
                "moves": {"hawk": "jh", "keen": "jk"},
                "probabilities": {"hawk": 1 / 3, "keen": 2 / 3},
            },
            "jh": {"player": "Japan", "moves": {"big": "uh_b", "small": "uh_s"}},
            "jk": {"player": "Japan", "moves": {"big": "uk_b", "small": "uk_s"}},
            "uh_b": {"player": "US", "moves": {"accept": "hb_a", "reject": "hb_r"}},
            "uh_s": {"player": "US", "moves": {"accept": "hs_a", "reject": "hs_r"}},
            "uk_b": {"player": "US", "moves": {"accept": "kb_a", "reject": "kb_r"}},
            "uk_s": {"player": "US", "moves": {"accept": "ks_a", "reject": "ks_r"}},
            "hb_a": {"payoffs": [2, 3]},
            "hb_r": {"payoffs": [0, 2]},
            "hs_a": {"payoffs": [4, 1]},
            "hs_r": {"payoffs": [0, 2]},
            "kb_a": {"payoffs": [2, 3]},
            "kb_r": {"payoffs": [0, 0]},
            "ks_a": {"payoffs": [4, 1]},
            "ks_r": {"payoffs": [0, 0]},
        },
    }


def test_chance_node_expected_payoffs():
    res = solve_game_tree(chance_tree())
    # hand computation: hawk -> Japan offers big (2 > 0), keen -> small (4 > 2)
    assert res.strategy["jh"] == "big" and res.strategy["jk"] == "small"
    assert res.strategy["uh_s"] == "reject" and res.strategy["uk_s"] == "accept"
    assert res.payoffs == pytest.approx((1 / 3 * 2 + 2 / 3 * 4, 1 / 3 * 3 + 2 / 3 * 1))
    assert res.terminal_probabilities == pytest.approx({"hb_a": 1 / 3, "ks_a": 2 / 3})
    assert res.path[0]["node"] == "nature" and res.path[0]["move"] is None
    d = res.to_dict()
    assert json.loads(json.dumps(d)) == d
    frame = res.to_frame()
    assert set(frame["node"]) == set(res.strategy)


def test_ultimatum_ties_go_to_first_listed_move():
    """Discrete ultimatum game (pie 2): an indifferent responder takes the first-listed
    move; with "accept" first the proposer offers 0 (Osborne 2004, ch. 6)."""
    nodes = {"p": {"player": "P", "moves": {f"offer{k}": f"r{k}" for k in range(3)}}}
    for k in range(3):
        nodes[f"r{k}"] = {"player": "R", "moves": {"accept": f"a{k}", "reject": f"x{k}"}}
        nodes[f"a{k}"] = {"payoffs": [2 - k, k]}
        nodes[f"x{k}"] = {"payoffs": [0, 0]}
    res = solve_game_tree({"players": ["P", "R"], "root": "p", "nodes": nodes})
    assert res.strategy["p"] == "offer0" and res.payoffs == (2.0, 0.0)
    assert res.ties == ("r0",)
    # listing reject first flips the indifferent responder; the proposer then offers 1
    nodes["r0"] = {"player": "R", "moves": {"reject": "x0", "accept": "a0"}}
    res2 = solve_game_tree({"players": ["P", "R"], "root": "p", "nodes": nodes})
    assert res2.strategy["p"] == "offer1" and res2.payoffs == (1.0, 1.0)


def test_outcome_references_resolved_by_mapping_and_callable():
    spec = entry_game()
    spec["nodes"]["a"] = {"outcome": "deal"}
    assert solve_game_tree(spec, outcome_payoffs={"deal": [2, 1]}).payoffs == (2.0, 1.0)
    assert solve_game_tree(spec, outcome_payoffs=lambda ref: [0.5, 5]).strategy["c"] == "Out"
    with pytest.raises(ValueError, match="'a' refers to outcome 'deal'"):
        solve_game_tree(spec)
    with pytest.raises(ValueError, match="unknown outcome"):
        solve_game_tree(spec, outcome_payoffs={"other": [1, 1]})


def _broken(mutate):
    tree = entry_game()
    mutate(tree["nodes"])
    return tree


@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda n: n["inc"]["moves"].update({"Loop": "c"}), "node 'c' lies on a cycle"),
        (
            lambda n: n.update(
                {
                    "x": {"player": "Incumbent", "moves": {"m": "y"}},
                    "y": {"player": "Challenger", "moves": {"m": "x"}},
                }
            ),
            "'[xy]' lies on a cycle",
        ),
        (
            lambda n: n["inc"]["moves"].update({"Sue": "court"}),
            "nodes.inc.moves.Sue: move 'Sue' leads to unknown node 'court'",
        ),
        (
            lambda n: n.update({"island": {"payoffs": [0, 0]}}),
            "nodes.island: node 'island' cannot be reached",
        ),
        (lambda n: n["f"].update({"payoffs": [0, 0, 0]}), "nodes.f.payoffs: 3 payoffs given"),
        (
            lambda n: n["c"].update({"player": "Nobody"}),
            "nodes.c.player: a node with moves needs a player: one of Challenger, Incumbent",
        ),
        (
            lambda n: n["out"].update({"outcome": "x"}),
            "nodes.out: a terminal node needs exactly one of payoffs or outcome",
        ),
        (
            lambda n: n["inc"]["moves"].update({"Also": "a"}),
            "nodes.inc.moves.Also: move 'Also' leads back to node 'a', already reached",
        ),
        (
            lambda n: n["c"].update({"player": "chance", "probabilities": {"Out": 0.5, "In": 0.4}}),
            "nodes.c.probabilities: probabilities sum to 0.9, not 1",
        ),
        (
            lambda n: n["c"].update({"player": "chance", "probabilities": {"Out": 1.0}}),
            "nodes.c.probabilities: a chance node needs one probability per move",
        ),
        (
            lambda n: n["c"].update({"probabilities": {"Out": 0.5, "In": 0.5}}),
            "nodes.c.probabilities: only chance nodes have probabilities",
        ),
        (
            lambda n: n["inc"].update({"payoffs": [1, 1]}),
            "nodes.inc: a node with moves cannot have payoffs",
        ),
        (
            lambda n: n["f"].update({"player": "Incumbent"}),
            "nodes.f: a terminal node .* cannot have a player",
        ),
    ],
)
def test_validation_errors_name_the_node(mutate, message):
    with pytest.raises(ValueError, match=message):
        solve_game_tree(_broken(mutate))


def test_payoffs_by_player_name():
    tree = entry_game()
    tree["nodes"]["a"] = {"payoffs": {"Challenger": 2, "Incumbent": 1}}
    assert solve_game_tree(tree).payoffs == (2.0, 1.0)
    tree["nodes"]["a"] = {"payoffs": {"Challenger": 2, "Nobody": 1}}
    problems = list(tree_problems(tree["players"], tree["root"], tree["nodes"]))
    assert (
        ("nodes", "a", "payoffs", "Nobody"),
        "no party 'Nobody' (parties: Challenger, Incumbent)",
    ) in problems
    assert (("nodes", "a", "payoffs"), "no payoff given for Incumbent") in problems


def test_chance_is_not_a_player_name():
    tree = entry_game()
    tree["players"] = ["chance", "Incumbent"]
    with pytest.raises(ValueError, match="players: players need distinct names"):
        solve_game_tree(tree)


def test_root_must_exist():
    tree = entry_game()
    tree["root"] = "nope"
    with pytest.raises(ValueError, match="root: the root 'nope' is not among the nodes"):
        solve_game_tree(tree)
