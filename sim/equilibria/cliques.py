"""Maximal Nash subsets and components of a degenerate bimatrix game.

The extreme equilibria form a bipartite graph between extreme row strategies and
extreme column strategies.  A *maximal Nash subset* is a maximal product set
``X x Y`` (a maximal biclique) with every pair an equilibrium; its convex hull
``conv X x conv Y`` consists of equilibria, and the equilibrium components are the
unions of maximal Nash subsets that share an extreme strategy (Avis, Rosenberg,
Savani and von Stengel 2010, Economic Theory 42, sec. 5, "clique enumeration";
Winkels 1979; Jansen 1981).  The bicliques are enumerated as the closed sets of
the bipartite graph: every intersection of neighbourhoods ``N(x)`` of row vertices.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["NashSubset", "maximal_nash_subsets"]


@dataclass(frozen=True)
class NashSubset:
    """A maximal Nash subset ``conv(rows) x conv(cols)``.

    ``rows`` and ``cols`` index the distinct extreme strategies
    (``EquilibriumResult.row_extremes`` / ``col_extremes``); ``equilibria`` lists the
    indices of the extreme equilibria it contains; ``component`` numbers the
    connected component it belongs to.
    """

    rows: tuple[int, ...]
    cols: tuple[int, ...]
    equilibria: tuple[int, ...]
    component: int

    def to_dict(self) -> dict:
        return {
            "rows": list(self.rows),
            "cols": list(self.cols),
            "equilibria": list(self.equilibria),
            "component": self.component,
        }


def maximal_nash_subsets(pairs: list[tuple[int, int]]) -> list[NashSubset]:
    """Maximal bicliques of the bipartite graph with edges ``pairs`` (row id, col id).

    Examples
    --------
    >>> [(s.rows, s.cols) for s in maximal_nash_subsets([(0, 0), (0, 1), (1, 1)])]
    [((0,), (0, 1)), ((0, 1), (1,))]
    """
    if not pairs:
        return []
    neigh: dict[int, frozenset[int]] = {}
    for r, c in pairs:
        neigh[r] = neigh.get(r, frozenset()) | {c}
    edge_id = {p: k for k, p in enumerate(pairs)}
    # closed column sets: all non-empty intersections of row neighbourhoods
    closed: set[frozenset[int]] = set(neigh.values())
    frontier = set(closed)
    while frontier:
        new = set()
        for cset in frontier:
            for nb in neigh.values():
                inter = cset & nb
                if inter and inter not in closed:
                    new.add(inter)
        closed |= new
        frontier = new
    subsets = []
    for cset in closed:
        rows = tuple(sorted(r for r, nb in neigh.items() if cset <= nb))
        cols = tuple(sorted(cset))
        eq = tuple(sorted(edge_id[(r, c)] for r in rows for c in cols))
        subsets.append((rows, cols, eq))
    # components: union-find over rows and columns joined by edges
    parent: dict = {}

    def find(a):
        parent.setdefault(a, a)
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    for r, c in pairs:
        parent[find(("r", r))] = find(("c", c))
    roots: dict = {}
    out = []
    for rows, cols, eq in sorted(subsets):
        root = find(("r", rows[0]))
        comp = roots.setdefault(root, len(roots))
        out.append(NashSubset(rows, cols, eq, comp))
    return out
