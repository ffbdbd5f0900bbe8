"""Shared hypothesis strategies for the test-suite (one place, as STYLE.md asks)."""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st


# --- trade payoff model (sim/payoffs/trade*.py) ---------------------------------------------
def trade_markets(*, small_country: bool = False):
    """Keyword arguments of :func:`sim.payoffs.trade.sector_welfare` for one sector.

    Trade values 0.01–500 $bn, import-demand elasticities 0.2–10 (around the Armington median
    3.8), export-supply elasticities 0.2–50 (or ``inf`` for a small importer), base tariffs
    0–30 %.
    """
    eta = st.just(float("inf")) if small_country else st.floats(0.2, 50.0)
    return st.fixed_dictionaries(
        {
            "value": st.floats(0.01, 500.0),
            "eps": st.floats(0.2, 10.0),
            "eta": eta,
            "base_tariff": st.floats(0.0, 0.3),
        }
    )


# ---------------------------------------------------------------------------------------
# Dynamic bargaining models (sim.models: rubinstein, deadline, two_level, ...)
# ---------------------------------------------------------------------------------------
#: discount factors bounded away from 0 and 1 (closed forms are exact on this range)
discount = st.floats(min_value=0.05, max_value=0.99, allow_nan=False)


@st.composite
def concave_frontiers(draw, max_vertices: int = 6):
    """Vertices of a concave Pareto chain (u1 up, u2 down, slopes non-increasing)."""
    m = draw(st.integers(min_value=2, max_value=max_vertices))
    dx = draw(st.lists(st.floats(0.1, 5.0), min_size=m - 1, max_size=m - 1))
    slopes = sorted(
        draw(st.lists(st.floats(0.05, 20.0), min_size=m - 1, max_size=m - 1))
    )  # |slope| increasing -> concave
    top = draw(st.floats(1.0, 50.0))
    x = np.concatenate([[0.0], np.cumsum(dx)])
    y = top - np.concatenate([[0.0], np.cumsum(np.asarray(slopes) * np.asarray(dx))])
    return np.column_stack([x, y])


@st.composite
def pie_utilities(draw, max_n: int = 12):
    """Candidate outcomes on a pie of size 1: utilities (n, 2) on the grid k / n."""
    n = draw(st.integers(min_value=2, max_value=max_n))
    u1 = np.arange(n + 1) / n
    return np.column_stack([u1, 1.0 - u1])


# --------------------------------------------------------------------------------------
# Bargaining geometry (sim.bargaining): small unions of zonotopes and disagreement points
# --------------------------------------------------------------------------------------

# Coordinates on a grid of 1/1000: properties are checked to ~1e-9, so instances whose
# features are below the solvers' tolerance (1e-9 of the set's extent) are not generated.
_coord = st.integers(-1000, 1000).map(lambda i: i / 1000)


@st.composite
def utility_sets(draw, max_cells: int = 5, max_k: int = 2, max_shapes: int = 2):
    """A small ``UtilitySet``: 1..max_cells cells, k in 0..max_k, 1..max_shapes shapes.

    Coordinates are sometimes snapped to a grid of eighths so that ties, parallel and zero
    generators, and shared vertices (the degenerate cases) appear often.
    """
    from sim.bargaining.geometry import UtilitySet

    k = draw(st.integers(0, max_k))
    n_shapes = draw(st.integers(1, max_shapes))
    n_cells = draw(st.integers(1, max_cells))
    snap = draw(st.booleans())
    off = np.array(draw(st.lists(_coord, min_size=2 * n_cells, max_size=2 * n_cells)), float)
    gen = np.array(
        draw(st.lists(_coord, min_size=n_shapes * 2 * k, max_size=n_shapes * 2 * k)), float
    )
    if snap:
        off, gen = np.round(off * 8) / 8, np.round(gen * 8) / 8
    shape = draw(st.lists(st.integers(0, n_shapes - 1), min_size=n_cells, max_size=n_cells))
    return UtilitySet(off.reshape(n_cells, 2), np.array(shape), gen.reshape(n_shapes, 2, k))


def disagreement_points():
    """A disagreement point in the box where utility sets of :func:`utility_sets` live."""
    c = st.integers(-1500, 1000).map(lambda i: i / 1000)
    return st.tuples(c, c).map(lambda t: np.array(t, float))


def nash_weights():
    """Positive bargaining weights (asymmetric Nash)."""
    w = st.floats(0.125, 5.0, allow_nan=False, width=32)
    return st.tuples(w, w)


def dense_samples(uset, n: int = 11):
    """Brute-force oracle: utilities of every cell at ``x`` on a grid of ``n`` points per axis.

    Independent of the hull code: it uses only ``offsets + generators[shape] @ x``.
    Returns ``points (M, 2)`` and ``cell (M,)``.
    """
    k = uset.k
    grid = np.linspace(0.0, 1.0, n)
    xs = np.stack(np.meshgrid(*([grid] * k), indexing="ij"), -1).reshape(-1, k) if k else None
    if xs is None:
        return np.array(uset.offsets, float), np.arange(uset.n_cells)
    G = np.asarray(uset.generators)[np.asarray(uset.shape)]  # (P, 2, k)
    pts = np.asarray(uset.offsets)[:, None, :] + np.einsum("pik,mk->pmi", G, xs)
    cells = np.repeat(np.arange(uset.n_cells), len(xs))
    return pts.reshape(-1, 2), cells


# --- equilibria (sim.equilibria): bimatrix games, N-player games, game trees ---------------


@st.composite
def bimatrix_games(draw, max_m: int = 4, max_n: int = 4, ties: bool | None = None):
    """``(A, B)`` float arrays; with ``ties`` the entries are small integers (degenerate games)."""
    m = draw(st.integers(1, max_m))
    n = draw(st.integers(1, max_n))
    ties = draw(st.booleans()) if ties is None else ties
    if ties:
        elems = st.integers(-2, 2).map(float)
    else:
        elems = st.floats(-10, 10, allow_nan=False, allow_infinity=False, width=32).map(float)
    A = np.array(draw(st.lists(elems, min_size=m * n, max_size=m * n))).reshape(m, n)
    B = np.array(draw(st.lists(elems, min_size=m * n, max_size=m * n))).reshape(m, n)
    return A, B


_label = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")), max_size=6)
# pygambit 16.7 accepts only printable ASCII labels without leading, trailing or double spaces
_gambit_label = st.from_regex(r'[A-Za-z][A-Za-z0-9()"-]{0,3}( [A-Za-z0-9]{1,3})?', fullmatch=True)


@st.composite
def strategic_games(draw, max_players: int = 3, max_strategies: int = 3, gambit_safe=False):
    """A :class:`sim.equilibria.Game` with labels, title and decimal payoffs."""
    from sim.equilibria import Game

    _lab = _gambit_label if gambit_safe else _label
    k = draw(st.integers(1, max_players))
    shape = tuple(draw(st.integers(1, max_strategies)) for _ in range(k))
    size = int(np.prod(shape))
    num = st.one_of(
        st.integers(-1000, 1000).map(float),
        st.floats(-1e6, 1e6, allow_nan=False, allow_infinity=False),
    )
    payoffs = tuple(
        np.array(draw(st.lists(num, min_size=size, max_size=size))).reshape(shape) for _ in range(k)
    )
    # Gambit 16.7 also wants player and strategy labels unique
    players = tuple(draw(st.lists(_lab, min_size=k, max_size=k, unique=gambit_safe)))
    strategies = tuple(
        tuple(draw(st.lists(_lab, min_size=n, max_size=n, unique=gambit_safe))) for n in shape
    )
    return Game(payoffs, players, strategies, draw(_lab))


@st.composite
def game_trees(draw, n_players: int = 2, max_depth: int = 3, gambit_safe=False):
    """A random :class:`sim.equilibria.ExtensiveGame` (chance, personal, terminal nodes).

    Information sets are per node (perfect information) unless ``share`` merges
    same-player nodes with equal action counts at the same depth.
    """
    from fractions import Fraction

    from sim.equilibria import ExtensiveGame, Node

    _lab = _gambit_label if gambit_safe else _label
    counter = {"outcome": 0, "infoset": {}, "event": 0}

    def build(depth):
        kind = draw(st.sampled_from(["t"] if depth >= max_depth else ["t", "p", "p", "c"]))
        if kind == "t":
            counter["outcome"] += 1
            pays = tuple(float(draw(st.integers(-9, 9))) for _ in range(n_players))
            return Node(
                "t",
                "" if gambit_safe else draw(_lab),  # Gambit 16.7 wants unique node labels
                outcome=counter["outcome"],
                outcome_label=f"o{counter['outcome']}",
                payoffs=pays,
            )
        n_act = draw(st.integers(1, 3))
        acts = tuple(f"a{j}" for j in range(n_act))
        if kind == "c":
            counter["event"] += 1
            weights = [draw(st.integers(1, 4)) for _ in range(n_act)]
            probs = tuple(Fraction(w, sum(weights)) for w in weights)
            node = Node("c", "", 0, counter["event"], f"chance{counter['event']}", acts, probs)
        else:
            player = draw(st.integers(1, n_players))
            key = (player, depth, n_act)
            share = draw(st.booleans()) and key in counter["infoset"]
            if not share:
                counter["next"] = counter.get("next", 0) + 1
                counter["infoset"][key] = counter["next"]
            node = Node(
                "p", "", player, counter["infoset"][key], f"I{counter['infoset'][key]}", acts
            )
        node.children = [build(depth + 1) for _ in acts]
        return node

    return ExtensiveGame(tuple(f"P{i + 1}" for i in range(n_players)), build(0), draw(_lab))


# ---------------------------------------------------------------------------------------
# YAML documents (sim.fast_yaml.fast_plain_yaml against ruamel.yaml's pure reader)
# ---------------------------------------------------------------------------------------
#: Plain scalars whose type depends on the YAML version and reader (1.2: ``yes`` is text,
#: ``012`` an int, ``0x1F`` hex), quoted and odd ones; keys among them too.
YAML_TOKENS = (
    "yes", "No", "on", "true", "False", "~", "null", "", "0", "-0", "+1", "012", "0o17",
    "0x1F", "0b101", "1_000", "1.5", "1e3", "-.5", ".inf", "-.Inf", ".nan", "1:20",
    "2025-07-01", "2025-13-45", "2025-07-01 10:00:00", "2001-12-14t21:59:43.10-05:00",
    "abc def", "a#b", "'single ''q'''", '"double \\u00e9"', "=", "x: y", "- z", "é",
)  # fmt: skip


@st.composite
def yaml_documents(draw, max_leaves: int = 25):
    """YAML text in block and flow style, scalars from :data:`YAML_TOKENS`, with anchors
    and aliases, duplicate keys and merge keys now and then (as analysts write them)."""
    anchors: list[str] = []

    def scalar() -> str:
        tok = draw(st.sampled_from(YAML_TOKENS))
        if tok in ("x: y", "- z") or tok.startswith(("'", '"')):
            return tok if tok.startswith(("'", '"')) else f'"{tok}"'
        return tok

    def value(depth: int) -> list[str]:
        """Lines of a value at ``depth`` (first line follows the key)."""
        kind = draw(st.sampled_from(["scalar", "scalar", "map", "seq", "flow", "alias"]))
        pad = "  " * (depth + 1)
        if depth >= 3 or kind == "scalar":
            anchor = ""
            if draw(st.integers(0, 5)) == 0:
                anchors.append(f"a{len(anchors)}")
                anchor = f"&{anchors[-1]} "
            return [anchor + scalar()]
        if kind == "alias":
            return [f"*{draw(st.sampled_from(anchors))}"] if anchors else [scalar()]
        if kind == "flow":
            items = draw(st.lists(st.sampled_from(["1", "a", "2025-07-01", "yes", "1.5", "~"]),
                                  max_size=4))  # fmt: skip
            return ["[" + ", ".join(items) + "]"]
        lines = [""]
        if draw(st.integers(0, 4)) == 0:
            anchors.append(f"a{len(anchors)}")
            lines = [f"&{anchors[-1]}"]
        for _ in range(draw(st.integers(1, 3))):
            sub = value(depth + 1)
            head = f"{pad}- " if kind == "seq" else f"{pad}{scalar() or 'k'}: "
            lines.append(head + sub[0])
            lines.extend(sub[1:])
        return lines

    lines = []
    for _ in range(draw(st.integers(1, 4))):
        sub = value(0)
        key = draw(st.sampled_from(["id", "title", "parties", "<<", "2025-07-01", "1", "yes"]))
        lines.append(f"{key}: {sub[0]}")
        lines.extend(sub[1:])
    return "\n".join(lines) + "\n"
