"""Per-group sorting and searching (sim.bargaining.groups) against numpy one group at a
time (the oracle: numpy.argsort, numpy.searchsorted and a Python running maximum on each
group's rows alone)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.bargaining.groups import (
    blocks,
    bounds,
    group_argsort,
    group_search,
    group_suffix_argmax,
    group_suffix_max,
    ragged,
)

_vals = st.lists(st.integers(-3, 3).map(lambda v: v / 2), max_size=12)


@settings(max_examples=200, deadline=None)
@given(st.lists(_vals, min_size=1, max_size=5), st.lists(st.tuples(st.integers(0, 4), _vals)))
def test_grouped_primitives_equal_numpy_per_group(groups, queries):
    g = np.concatenate([np.full(len(v), d) for d, v in enumerate(groups)]).astype(np.int64)
    v = np.concatenate([np.array(x, dtype=float) for x in groups])
    b = bounds(g, len(groups))
    order = group_argsort(v, b)
    best = group_suffix_max(v[order], b)
    where = group_suffix_argmax(v[order], b)
    qg = np.array([d % len(groups) for d, x in queries for _ in x], dtype=np.int64)
    q = np.array([y for _, x in queries for y in x], dtype=float)
    found = group_search(v[order], b, q, qg)
    for d, x in enumerate(groups):
        x = np.array(x, dtype=float)
        lo = b[d]
        assert b[d + 1] - lo == len(x)
        assert np.array_equal(order[lo : b[d + 1]] - lo, np.argsort(x, kind="stable"))
        srt = np.sort(x, kind="stable")
        want = [max(srt[i:]) for i in range(len(srt))]
        assert np.array_equal(best[lo : b[d + 1]], want)
        at = where[lo : b[d + 1]] - lo
        assert np.all(at >= np.arange(len(x))) and np.all(at < len(x))
        assert np.array_equal(srt[at], want)
        mine = qg == d
        assert np.array_equal(found[mine] - lo, np.searchsorted(srt, q[mine], side="left"))


@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6))), st.integers(1, 7))
def test_ragged_pairs_and_blocks(rows, size):
    first = np.array([a for a, _ in rows], dtype=np.int64)
    end = np.array([b for _, b in rows], dtype=np.int64)
    want = [(i, r) for i, (a, b) in enumerate(rows) for r in range(a, b)]
    i, r = ragged(first, end)
    assert list(zip(i.tolist(), r.tolist(), strict=True)) == want
    cover = []
    for blk in blocks(first, end, size):
        assert blk.start < blk.stop or not rows
        bi, br = ragged(first[blk], end[blk])
        assert blk.stop - blk.start == 1 or len(bi) <= size
        cover += list(zip((bi + blk.start).tolist(), br.tolist(), strict=True))
    assert cover == want
