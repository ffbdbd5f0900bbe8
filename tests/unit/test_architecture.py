"""The shape of the package: no import cycles, no code written twice.

Import graph
------------
Every module of ``sim/`` is parsed with :mod:`ast` and EVERY import statement is collected:
at module level, inside functions and under ``TYPE_CHECKING``, absolute and relative
(``from . import x``), and ``importlib.import_module("sim.x")`` with a constant string.  The
one exception is the registry's plugin lookup ``import_module(f"sim.models.{name}")`` in
``sim/registry.py``: it is not a constant, it finds a model by name on purpose.

The rule for an edge is the simplest honest one: an import names a module, and the edge goes
to that module (``from sim.a import b`` goes to ``sim.a.b`` when ``b`` is a module, else to
``sim.a``).  Importing ``sim.a.b`` also runs ``sim/a/__init__.py`` and ``sim/__init__.py``,
but those parent packages are not counted as imported: a package that re-exports its own
modules (``sim/scenario/__init__.py``) would otherwise form a cycle with each of them, and
``sim/__init__.py`` with everything.  A package's ``__init__`` is a node of its own
(``sim.scenario``), reached when something names it.

Two graphs are checked for cycles: the modules, and the folders (``sim``'s sub-packages;
top-level modules such as ``sim/space.py`` and ``sim/api.py`` are their own nodes, as is
``sim/__init__.py``, named ``sim``).

Duplicated code
---------------
No two places in ``sim/`` share a run of 6 or more identical lines, normalised as the
``duplicates`` tool does: blank lines, comments, lines of lone punctuation and import lines
are passed over, and white space is folded.
"""

from __future__ import annotations

import ast
import hashlib
import re
from collections import defaultdict
from itertools import pairwise
from pathlib import Path

SIM = Path(__file__).resolve().parents[2] / "sim"

#: Import cycles among modules in files other engineers own, allowed until they are broken.
#: Each entry is the sorted tuple of the modules of one strongly connected component.
KNOWN_MODULE_CYCLES: set[tuple[str, ...]] = set()

#: Folder cycles in files other engineers own, allowed until they are broken (sorted tuples).
KNOWN_FOLDER_CYCLES: set[tuple[str, ...]] = set()

#: Duplicated runs in files other engineers own, allowed until they are removed: pairs of
#: paths relative to ``sim/`` (sorted; the same path twice for a file that repeats itself).
KNOWN_DUPLICATES: set[tuple[str, str]] = set()

MIN_LINES = 6


# --------------------------------------------------------------------------- import graph


def _module_name(path: Path) -> str:
    rel = path.relative_to(SIM.parent).with_suffix("")
    parts = rel.parts[:-1] if rel.name == "__init__" else rel.parts
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {_module_name(p): p for p in sorted(SIM.rglob("*.py"))}


def _resolve_relative(module: str, is_package: bool, level: int, name: str | None) -> str:
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{name}" if name else package


def _imports(module: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """Every module of ``sim`` that ``module`` names in an import, wherever it stands."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    is_package = path.name == "__init__.py"
    named: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            named.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = (
                _resolve_relative(module, is_package, node.level, node.module)
                if node.level
                else node.module or ""
            )
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                named.add(sub if sub in modules else base)
        elif (
            isinstance(node, ast.Call)
            and (
                (isinstance(node.func, ast.Name) and node.func.id == "import_module")
                or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
            )
            and node.args
        ):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                named.add(arg.value)
            elif not (module == "sim.registry" and isinstance(arg, ast.JoinedStr)):
                raise AssertionError(f"{path}:{node.lineno}: import_module of a computed name")
    return {m for m in named if m in modules and m != module}


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules of ``sim`` it imports."""
    modules = _modules()
    return {m: _imports(m, p, modules) for m, p in modules.items()}


def folder_of(module: str) -> str:
    """``sim.scenario.loader`` -> ``scenario``; ``sim.space`` -> ``space``; ``sim`` -> ``sim``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "sim"


def folder_graph(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    for module, targets in graph.items():
        src = folder_of(module)
        out[src]
        for t in targets:
            if folder_of(t) != src:
                out[src].add(folder_of(t))
    return dict(out)


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's strongly connected components with more than one node (the cycles)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    out: list[list[str]] = []
    counter = 0

    def visit(v: str) -> None:
        nonlocal counter
        index[v] = low[v] = counter
        counter += 1
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One concrete cycle through the first node of ``component`` (for the message)."""
    members = set(component)
    start = component[0]
    paths = {start: [start]}
    frontier = [start]
    while frontier:  # breadth first, inside the component, back to start
        nxt = []
        for v in frontier:
            for w in sorted(graph.get(v, ()) & members):
                if w == start:
                    return [*paths[v], start]
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    nxt.append(w)
        frontier = nxt
    return component


def _cycle_report(graph: dict[str, set[str]], known: set[tuple[str, ...]]) -> list[str]:
    return [
        " -> ".join(a_cycle(graph, comp)) + f"   (all of: {', '.join(comp)})"
        for comp in strongly_connected(graph)
        if tuple(comp) not in known
    ]


def test_no_import_cycle_among_modules():
    cycles = _cycle_report(import_graph(), KNOWN_MODULE_CYCLES)
    assert not cycles, "import cycles among sim's modules:\n" + "\n".join(cycles)


def test_no_import_cycle_among_folders():
    graph = import_graph()
    folders = folder_graph(graph)
    cycles = _cycle_report(folders, KNOWN_FOLDER_CYCLES)
    detail = []
    for comp in strongly_connected(folders):
        if tuple(comp) in KNOWN_FOLDER_CYCLES:
            continue
        cyc = a_cycle(folders, comp)
        for a, b in pairwise(cyc):
            edges = sorted(
                f"{m} -> {t}"
                for m, ts in graph.items()
                for t in ts
                if folder_of(m) == a and folder_of(t) == b
            )
            detail.append(f"  {a} -> {b}: {'; '.join(edges)}")
    assert not cycles, "import cycles among sim's folders:\n" + "\n".join(cycles + detail)


def test_the_graph_sees_imports_inside_functions_and_relative_ones():
    """The walker is not blind: known edges of each kind are found."""
    graph = import_graph()
    assert "sim.api" in graph["sim"]  # `from sim import api` inside __getattr__
    assert "sim.space" in graph["sim.api"]  # inside a function
    assert "sim.scenario.loader" in graph["sim.scenario"]  # a package's __init__
    assert _resolve_relative("sim.a.b", False, 1, "c") == "sim.a.c"
    assert _resolve_relative("sim.a", True, 1, None) == "sim.a"
    assert _resolve_relative("sim.a.b", False, 2, "c") == "sim.c"


def test_cycle_finder_on_a_toy_graph():
    toy = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert strongly_connected(toy) == [["a", "b", "c"]]
    assert a_cycle(toy, ["a", "b", "c"]) == ["a", "b", "c", "a"]


# --------------------------------------------------------------------------- duplicates

_IMPORT = re.compile(r"^(import\s|from\s+\S+\s+import\b)")
_WORDLESS = re.compile(r"^[^\w]*$")


def normalised_lines(text: str) -> list[tuple[int, str]]:
    """(1-based line number, folded text) of the lines that count.

    Passed over: blank lines, comments, lines of punctuation alone and import lines (with
    the continuation lines of a parenthesised ``from x import (...)``).
    """
    out = []
    in_import = False
    for n, raw in enumerate(text.splitlines(), start=1):
        line = " ".join(raw.split())
        if in_import:
            in_import = ")" not in line
            continue
        if not line or line.startswith("#") or _WORDLESS.match(line):
            continue
        if _IMPORT.match(line):
            in_import = line.endswith("(")
            continue
        out.append((n, line))
    return out


def shared_runs(files: dict[str, str], min_lines: int = MIN_LINES) -> list[tuple]:
    """Pairs of places sharing ``min_lines`` or more identical (normalised) lines.

    Returns ``(file_a, first_a, last_a, file_b, first_b, last_b)`` for each maximal run.
    """
    lines = {name: normalised_lines(text) for name, text in files.items()}
    where: dict[bytes, list[tuple[str, int]]] = defaultdict(list)
    for name, ls in lines.items():
        for i in range(len(ls) - min_lines + 1):
            key = hashlib.blake2b("\n".join(t for _, t in ls[i : i + min_lines]).encode())
            where[key.digest()].append((name, i))
    starts: set[tuple[str, int, str, int]] = set()
    for places in where.values():
        for x in range(len(places)):
            for y in range(x + 1, len(places)):
                (fa, ia), (fb, ib) = places[x], places[y]
                if fa == fb and abs(ia - ib) < min_lines:
                    continue  # a run overlapping itself (repeated lines)
                starts.add((fa, ia, fb, ib))
    out = []
    for fa, ia, fb, ib in sorted(starts):
        if (fa, ia - 1, fb, ib - 1) in starts:
            continue  # not the start of a maximal run
        k = 0
        while (fa, ia + k + 1, fb, ib + k + 1) in starts:
            k += 1
        la, lb = lines[fa], lines[fb]
        end = k + min_lines - 1
        out.append((fa, la[ia][0], la[ia + end][0], fb, lb[ib][0], lb[ib + end][0]))
    return out


def test_no_duplicated_runs_in_sim():
    files = {
        str(p.relative_to(SIM)): p.read_text(encoding="utf-8") for p in sorted(SIM.rglob("*.py"))
    }
    found = [
        f"{fa}:{a0}-{a1} ~ {fb}:{b0}-{b1}"
        for fa, a0, a1, fb, b0, b1 in shared_runs(files)
        if tuple(sorted((fa, fb))) not in KNOWN_DUPLICATES
    ]
    assert not found, f"runs of {MIN_LINES}+ identical lines in sim/:\n" + "\n".join(found)


def test_duplicate_finder_on_toy_files():
    body = "\n".join(f"x{i} = f({i})" for i in range(7))
    a = f"import os\n\n{body}\n# note\ny = 1\n"
    b = f"from x import (\n    y,\n)\nz = 0\n{body.replace('= f', '=  f')}\n"
    assert shared_runs({"a.py": a, "b.py": b}) == [("a.py", 3, 9, "b.py", 5, 11)]
    assert shared_runs({"a.py": a, "c.py": body.replace("x3", "w3")}) == []
    assert shared_runs({"a.py": "a\nb\nc\nd\ne\n)\nf\n"}) == []


def test_every_allowance_is_still_needed():
    """An allow-list entry whose cycle or duplicate is gone must go too (delete it above)."""
    graph = import_graph()
    module_cycles = {tuple(c) for c in strongly_connected(graph)}
    folder_cycles = {tuple(c) for c in strongly_connected(folder_graph(graph))}
    files = {
        str(p.relative_to(SIM)): p.read_text(encoding="utf-8") for p in sorted(SIM.rglob("*.py"))
    }
    pairs = {tuple(sorted((r[0], r[3]))) for r in shared_runs(files)}
    stale = [
        *(f"module cycle {c}" for c in KNOWN_MODULE_CYCLES - module_cycles),
        *(f"folder cycle {c}" for c in KNOWN_FOLDER_CYCLES - folder_cycles),
        *(f"duplicate {p}" for p in KNOWN_DUPLICATES - pairs),
    ]
    assert not stale, "allowed but no longer found, remove from the allow-list:\n" + "\n".join(
        stale
    )
