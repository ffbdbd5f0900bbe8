"""Cross-reference checks of the dynamic models' options (see :mod:`sim.scenario.references`).

Each check yields ``(location, message)``; the loader adds file and line.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sim.scenario.schema import Scenario

Loc = tuple[str | int, ...]
Found = Iterator[tuple[Loc, str]]


def _party(sc: Scenario, code: str | None, loc: Loc) -> Found:
    if code is not None and code not in sc.party_codes:
        yield loc, f"no party {code!r} (parties: {', '.join(sc.party_codes)})"


def _keys(sc: Scenario, mapping: dict[str, Any] | None, loc: Loc) -> Found:
    for code in mapping or {}:
        yield from _party(sc, code, (*loc, code))


def _setting(sc: Scenario, issue_id: str, value: Any, loc: Loc) -> Found:
    ids = [i.id for i in sc.issues]
    if issue_id not in ids:
        yield loc, f"no issue {issue_id!r} (issues: {', '.join(ids)})"
        return
    try:
        sc.issue(issue_id).coordinate(value)
    except ValueError as exc:
        yield loc, str(exc)


def _time(sc: Scenario, name: str, opts: Any, n_rounds: int, period: float | None) -> Found:
    loc: Loc = ("models", name)
    yield from _keys(sc, opts.delta, (*loc, "delta"))
    if opts.delta is not None:
        missing = [p for p in sc.party_codes if p not in opts.delta]
        if missing:
            yield (*loc, "delta"), f"give a discount factor for every party (missing: {missing})"
        return
    missing = [p for p in sc.party_codes if p not in sc.calendar.discount_rate]
    if missing:
        yield (
            loc,
            (
                f"needs a discount factor per round (delta) or calendar.discount_rate for every "
                f"party (missing: {', '.join(missing)})"
            ),
        )
    if n_rounds < 2 and period is None:
        yield loc, "needs two dated calendar rounds (or period_days) to turn rates into delta"


def _rubinstein(sc: Scenario) -> Found:
    opts = sc.models.rubinstein
    if opts is None:
        return
    loc: Loc = ("models", "rubinstein")
    yield from _party(sc, opts.first_proposer, (*loc, "first_proposer"))
    if isinstance(opts.outside_options, dict):
        yield from _keys(sc, opts.outside_options, (*loc, "outside_options"))
    yield from _time(sc, "rubinstein", opts, len(sc.calendar.rounds), opts.period_days)


def _deadline(sc: Scenario) -> Found:
    opts = sc.models.deadline
    if opts is None:
        return
    loc: Loc = ("models", "deadline")
    yield from _party(sc, opts.first_proposer, (*loc, "first_proposer"))
    for i, rnd in enumerate(opts.extra_rounds):
        yield from _party(sc, rnd.proposer, (*loc, "extra_rounds", i, "proposer"))
    dates = [r.date for r in sc.calendar.rounds] + [r.date for r in opts.extra_rounds]
    if not dates:
        yield loc, "needs dated rounds (calendar.rounds or extra_rounds)"
    elif len(set(dates)) != len(dates):
        yield (*loc, "extra_rounds"), "two rounds fall on the same date"
    if opts.deadline is None and not sc.calendar.deadlines:
        yield loc, "needs a deadline (calendar.deadlines or deadline)"
    when = opts.deadline or (sc.calendar.deadlines[0].date if sc.calendar.deadlines else None)
    if when is not None and dates and when < min(dates):
        yield (*loc, "deadline"), f"the deadline {when} falls before the first round"
    yield from _time(sc, "deadline", opts, len(dates), 1.0)


def _private_information(sc: Scenario) -> Found:
    opts = sc.models.private_information
    if opts is None:
        return
    loc: Loc = ("models", "private_information")
    yield from _party(sc, opts.informed, (*loc, "informed"))
    yield from _party(sc, opts.proposer, (*loc, "proposer"))
    if opts.informed is not None and opts.informed == opts.proposer:
        yield (*loc, "proposer"), "the proposer must be the uninformed party, not the informed one"
    if opts.types is not None and opts.uniform is not None:
        yield loc, "give either types or uniform, not both"
    if opts.uniform is not None and not opts.uniform.low < opts.uniform.high:
        yield (*loc, "uniform"), "a uniform prior needs low < high"
    yield from _keys(sc, opts.delta, (*loc, "delta"))


def _two_level(sc: Scenario) -> Found:
    opts = sc.models.two_level
    if opts is None:
        return
    loc: Loc = ("models", "two_level")
    yield from _keys(sc, opts.win_sets, (*loc, "win_sets"))
    yield from _keys(sc, opts.weights, (*loc, "weights"))
    yield from _party(sc, opts.tied_hands, (*loc, "tied_hands"))
    for code, ws in opts.win_sets.items():
        for issue_id, bound in ws.bounds.items():
            bl = (*loc, "win_sets", code, "bounds", issue_id)
            coords = []
            for end in ("min", "max"):
                value = bound.setting(end)
                if value is not None:
                    found = list(_setting(sc, issue_id, value, (*bl, end)))
                    yield from found
                    if not found:
                        coords.append(sc.issue(issue_id).coordinate(value))
            if len(coords) == 2 and coords[0] > coords[1]:
                yield bl, "min lies above max"


def _game_tree(sc: Scenario) -> Found:
    opts = sc.models.game_tree
    if opts is None or (opts.root is None and not opts.nodes):
        return
    loc: Loc = ("models", "game_tree")
    nodes = opts.nodes
    if opts.root is None or opts.root not in nodes:
        yield (*loc, "root"), f"the root {opts.root!r} is not among the nodes"
        return
    players = {*sc.party_codes, "chance"}
    dangling = False
    for nid, node in nodes.items():
        nl = (*loc, "nodes", nid)
        for label, child in node.moves.items():
            if child not in nodes:
                dangling = True
                yield (*nl, "moves", label), f"move {label!r} leads to unknown node {child!r}"
        if node.moves:
            if node.player not in players:
                yield (
                    (*nl, "player"),
                    (f"a node with moves needs a player: one of {', '.join(sorted(players))}"),
                )
            if node.payoffs is not None or node.outcome is not None:
                yield nl, "a node with moves cannot have payoffs or an outcome"
            if node.player == "chance":
                pr = node.probabilities or {}
                if set(pr) != set(node.moves):
                    yield (*nl, "probabilities"), "a chance node needs one probability per move"
                elif abs(sum(q.value for q in pr.values()) - 1) > 1e-9 or any(
                    q.value < 0 for q in pr.values()
                ):
                    total = sum(q.value for q in pr.values())
                    yield (*nl, "probabilities"), f"probabilities sum to {total:g}, not 1"
            elif node.probabilities is not None:
                yield (*nl, "probabilities"), "only chance nodes have probabilities"
        else:
            if (node.payoffs is None) == (node.outcome is None):
                yield nl, "a terminal node needs exactly one of payoffs or outcome"
            if node.payoffs is not None:
                yield from _keys(sc, node.payoffs, (*nl, "payoffs"))
                missing = [p for p in sc.party_codes if p not in node.payoffs]
                if missing:
                    yield (*nl, "payoffs"), f"no payoff given for {', '.join(missing)}"
            if node.outcome is not None:
                out = node.outcome
                pkgs = [p.id for p in sc.packages]
                if out.package is not None and out.package not in pkgs:
                    yield (*nl, "outcome", "package"), f"no package {out.package!r}"
                for issue_id, value in out.settings.items():
                    yield from _setting(sc, issue_id, value, (*nl, "outcome", "settings", issue_id))
                yield from _keys(sc, out.shift, (*nl, "outcome", "shift"))
                if out.no_deal and (out.package is not None or out.settings):
                    yield (*nl, "outcome"), "no_deal takes no package or settings"
    if dangling:
        return
    yield from _tree_shape(opts.root, nodes, loc)


def _tree_shape(root: str, nodes: dict, loc: Loc) -> Found:
    """Cycles, nodes with two parents and unreachable nodes (depth-first from the root)."""
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    for start in nodes:
        if start in state:
            continue
        stack = [(start, iter(nodes[start].moves.items()))]
        state[start] = 1
        while stack:
            nid, it = stack[-1]
            step = next(it, None)
            if step is None:
                state[nid] = 2
                stack.pop()
                continue
            label, child = step
            if state.get(child) == 1:
                yield (
                    (*loc, "nodes", nid, "moves", label),
                    (
                        f"node {child!r} lies on a cycle (move {label!r} of {nid!r} leads back "
                        "to it): a game tree cannot loop"
                    ),
                )
                return
            if child not in state:
                state[child] = 1
                stack.append((child, iter(nodes[child].moves.items())))
    parent: dict[str, str] = {}
    for nid, node in nodes.items():
        for label, child in node.moves.items():
            if child == root or child in parent:
                what = "the root" if child == root else f"node {child!r}, already reached"
                yield (
                    (*loc, "nodes", nid, "moves", label),
                    (f"move {label!r} leads back to {what}: a game tree cannot loop or merge"),
                )
                return
            parent[child] = nid
    seen, stack = {root}, [root]
    while stack:
        for child in nodes[stack.pop()].moves.values():
            if child not in seen:
                seen.add(child)
                stack.append(child)
    for nid in nodes:
        if nid not in seen:
            # one parent each: an unreachable node hangs below a cycle or a second root
            walk, cur = [nid], nid
            while cur in parent and parent[cur] not in walk:
                cur = parent[cur]
                walk.append(cur)
            if cur in parent:  # the chain of parents came back: a cycle
                on = parent[cur]
                move = next(m for m, c in nodes[on].moves.items() if c == cur)
                yield (
                    (*loc, "nodes", on, "moves", move),
                    (
                        f"node {on!r} lies on a cycle (move {move!r} leads back to {cur!r}): "
                        "a game tree cannot loop"
                    ),
                )
            else:
                yield (*loc, "nodes", nid), f"node {nid!r} cannot be reached from the root {root!r}"
            return


def check_dynamic(scenario: Scenario) -> Found:
    """Every reference problem of the dynamic models' options."""
    yield from _rubinstein(scenario)
    yield from _deadline(scenario)
    yield from _private_information(scenario)
    yield from _two_level(scenario)
    yield from _game_tree(scenario)
