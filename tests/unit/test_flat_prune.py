"""The compiled add-bound-prune step (sim.analysis.flat_prune) against a brute force over
every pair of every draw (the linear test evaluated point by point, dominance checked against
every other sum), and against the array steps it replaced (_add and _prune below, with
NashBound.alive's formula), bit for bit.  Integer coordinates make ties and
exact duplicates common."""

from __future__ import annotations

import numpy as np
import pytest

from sim.analysis.batch_nash import _Flat, _sums
from sim.analysis.flat_prune import add_prune
from sim.bargaining.groups import bounds, ragged


# the array steps add_prune replaced (its reference, bit for bit)
def _pairs(srow: np.ndarray, trow: np.ndarray, N: int):
    """Every pair ``(i, k)`` of elements with ``srow[i] == trow[k]`` (``trow`` ascending), in
    the order of ``i`` then ``k``."""
    b = bounds(trow, N)
    return ragged(b[srow], b[srow + 1])


def _add(s: _Flat, t: _Flat, N: int, levels: int | None = None) -> _Flat:
    """Minkowski sums of every draw's sets (``levels``: ``t`` is a discrete issue's levels,
    whose position extends the combination index, first issue most significant)."""
    i, k = _pairs(s.row, t.row, N)
    return _sums(s, t, i, k, levels)


def _prune(s: _Flat, key: np.ndarray) -> _Flat:
    """The undominated points of every draw (lowest ``key`` among exact duplicates; Kung,
    Luccio & Preparata 1975): sorted by draw, then ``u1`` and ``u2`` falling, a point stays
    if its ``u2`` beats every earlier point's of its draw.  The running maximum within a draw
    runs over integer ranks offset by draw, so it is exact."""
    order = np.lexsort((key, -s.pts[:, 1], -s.pts[:, 0], s.row))
    row, u2 = s.row[order], s.pts[order, 1]
    _, rank = np.unique(u2, return_inverse=True)
    span = rank.size + 1
    code = row * span + rank + 1  # rows ascending: a draw's codes exceed the earlier draws'
    best = np.maximum.accumulate(code)
    before = np.concatenate([[0], best[:-1]])
    floor = row * span  # a code at most this is another draw's
    keep = (rank + 1) > np.where(before > floor, before - floor, 0)
    return s.take(order[keep])


def _flat(rng, N, most, key_hi):
    sizes = rng.integers(0, most + 1, N)
    row = np.repeat(np.arange(N), sizes)
    pts = rng.integers(-4, 5, (row.size, 2)).astype(float)
    return _Flat(row, pts, rng.integers(0, key_hi, row.size), {})


def _kernel(s, t, N, mult, test, weak, per=None):
    L0, L1, C = test
    per = per or max(C.shape[1], 1)
    return add_prune(
        bounds(s.row, N), s.pts[:, 0].copy(), s.pts[:, 1].copy(), s.combo,
        bounds(t.row, N), t.pts[:, 0].copy(), t.pts[:, 1].copy(), t.combo,
        mult, L0, L1, C, per, weak,
    )  # fmt: skip


def _brute(s, t, N, mult, test, weak, per=None):
    """The kept pairs of every draw, in the kernel's order, by definition (a sum passes the
    test if it passes every direction of some group of ``per``)."""
    L0, L1, C = test
    K = C.shape[1]
    groups = [range(g, g + (per or K)) for g in range(0, K, per or max(K, 1))] or [range(0)]
    out = []
    for n in range(N):
        cand = []
        for i in np.flatnonzero(s.row == n):
            for k in np.flatnonzero(t.row == n):
                p = s.pts[i] + t.pts[k]
                if any(
                    all(p[0] * L0[n, q] + p[1] * L1[n, q] + C[n, q] >= 0 for q in g) for g in groups
                ):
                    cand.append((p[0], p[1], s.combo[i] * mult + t.combo[k], i, k))
        kept = []
        for a, (x, y, key, i, k) in enumerate(cand):
            if weak:
                beaten = any(x2 > x and y2 > y for x2, y2, *_ in cand)
            else:
                beaten = any(x2 >= x and y2 >= y and (x2 > x or y2 > y) for x2, y2, *_ in cand)
            # exact duplicates: the lowest key stays, then the first formed
            twin = any(
                x2 == x and y2 == y and (key2, b) < (key, a)
                for b, (x2, y2, key2, *_) in enumerate(cand)
            )
            if not beaten and not twin:
                kept.append((-x, -y, key, i, k))
        out += [(i, k) for *_, i, k in sorted(kept)]
    return out


@pytest.mark.parametrize("seed", range(12))
@pytest.mark.parametrize("weak", [False, True])
def test_kernel_matches_brute_force(seed, weak):
    rng = np.random.default_rng(seed)
    N = 5
    s, t = _flat(rng, N, 6, 3), _flat(rng, N, 5 if seed % 3 else 40, 3)  # long rows: merge sort
    K = seed % 4
    per = K if seed < 6 else 1  # one group of every direction, or each direction its own
    test = (rng.uniform(0, 1, (N, K)), rng.uniform(0, 1, (N, K)), rng.uniform(-3, 3, (N, K)))
    mult = 1 + seed % 3
    i, k = _kernel(s, t, N, mult, test, weak, per)
    assert list(zip(i.tolist(), k.tolist(), strict=True)) == _brute(s, t, N, mult, test, weak, per)


@pytest.mark.parametrize("seed", range(8))
def test_kernel_matches_the_array_version(seed):
    rng = np.random.default_rng(100 + seed)
    N = 30
    s = _flat(rng, N, 8, 5)
    t = _flat(rng, N, 70, 4)
    s = _Flat(s.row, s.pts + rng.normal(0, 1e-3, s.pts.shape).round(4), s.combo, {})
    K = 5
    L0, L1 = rng.uniform(0, 1, (N, K)), rng.uniform(0, 1, (N, K))
    C = rng.uniform(-1, 6, (N, K))
    i, k = _kernel(s, t, N, 4, (L0, L1, C), False)
    # the array version: every pair, the linear test as NashBound.alive writes it, _prune
    both = _add(s, t, N, levels=4)
    reach = both.pts[:, :1] * L0[both.row] + both.pts[:, 1:] * L1[both.row] + C[both.row]
    alive = both.take((reach >= 0).all(axis=1))
    ref = _prune(alive, alive.combo)
    np.testing.assert_array_equal(s.row[i], ref.row)
    np.testing.assert_array_equal(s.pts[i] + t.pts[k], ref.pts)
    np.testing.assert_array_equal(s.combo[i] * 4 + t.combo[k], ref.combo)


@pytest.mark.parametrize("seed", range(6))
def test_edge_points_match_the_array_formula(seed):
    """edge_points against the stationary points written as arrays (the form every other
    path computes them in), bit for bit, and against a grid search over each edge."""
    from sim.analysis.flat_prune import edge_points

    rng = np.random.default_rng(300 + seed)
    N, m = 6, 7
    s = _flat(rng, N, 5, 3)
    s = _Flat(s.row, s.pts + rng.normal(0, 0.3, s.pts.shape), s.combo, {})
    verts = np.cumsum(rng.normal(0, 1, (N, m, 2)) * [1, -1], axis=1)
    verts[:, 2, 0] = verts[:, 1, 0]  # an edge that is not slanted
    valid = np.arange(m)[None, :] < rng.integers(1, m + 1, N)[:, None]
    d = rng.normal(-3, 1, (N, 2))
    tol = np.full(N, 1e-9)
    w = np.array([1.0, 1.0 + seed % 2])
    K = seed % 3
    L0, L1 = rng.uniform(0, 1, (N, K)), rng.uniform(0, 1, (N, K))
    C = rng.uniform(-1, 6, (N, K))
    i, g, t, x, y = edge_points(
        bounds(s.row, N), s.pts[:, 0].copy(), s.pts[:, 1].copy(), verts, valid, d, tol, w, L0, L1, C
    )
    # the arrays: every (partial sum, segment) pair of a draw, in order
    ref = []
    for a in range(s.row.size):
        n = s.row[a]
        for sg in range(m - 1):
            if not valid[n, sg + 1]:
                continue
            A, E = verts[n, sg], verts[n, sg + 1] - verts[n, sg]
            P0 = s.pts[a] + A
            x0, y0 = P0[0] - d[n, 0], P0[1] - d[n, 1]
            if not (abs(E[0]) > tol[n] and abs(E[1]) > tol[n]):
                continue
            with np.errstate(all="ignore"):
                st = -(w[0] * E[0] * y0 + w[1] * E[1] * x0) / (w.sum() * E[0] * E[1])
            st = float(np.clip(st, 0.0, 1.0))
            q = P0 + st * E
            if not ((q - d[n]) > tol[n]).all():
                continue
            if not all(q[0] * L0[n, k] + q[1] * L1[n, k] + C[n, k] >= 0 for k in range(K)):
                continue
            if E[0] * E[1] < 0:  # a trade-off edge: the stationary point is its best
                grid = P0 + np.linspace(0, 1, 201)[:, None] * E - d[n]
                grid = grid[(grid > 0).all(axis=1)]
                assert (np.log(grid) @ w).max() <= np.log(q - d[n]) @ w + 1e-12
            ref.append((a, sg, st, q[0], q[1]))
    assert list(zip(i.tolist(), g.tolist(), t.tolist(), x.tolist(), y.tolist(), strict=True)) == ref


@pytest.mark.parametrize("seed", range(6))
def test_segments_match_their_definition(seed):
    """segments against the test written out: a segment stays if in some group every
    direction's support over the segment (its better end) passes, and against sampling:
    a segment with a sampled point passing a group is never dropped."""
    from sim.analysis.flat_prune import segments

    rng = np.random.default_rng(400 + seed)
    N, m = 6, 6
    s = _flat(rng, N, 5, 3)
    verts = rng.normal(0, 1, (N, m, 2))
    valid = np.arange(m)[None, :] < rng.integers(1, m + 1, N)[:, None]
    per = 1 + seed % 3
    K = per * (seed % 2 + 1)
    L0, L1 = rng.uniform(0, 1, (N, K)), rng.uniform(0, 1, (N, K))
    C = rng.uniform(-3, 1, (N, K))
    i, g = segments(bounds(s.row, N), s.pts[:, 0].copy(), s.pts[:, 1].copy(), verts, valid,
                    L0, L1, C, per)  # fmt: skip
    ref = []
    for a in range(s.row.size):
        n = s.row[a]
        for sg in range(m - 1):
            if not valid[n, sg + 1]:
                continue
            P0, E = s.pts[a] + verts[n, sg], verts[n, sg + 1] - verts[n, sg]
            ends = [P0, P0 + E]
            keep = any(
                all(max(e[0] * L0[n, q] + e[1] * L1[n, q] for e in ends) + C[n, q] >= -1e-12
                    for q in range(f, f + per))
                for f in range(0, K, per)
            )  # fmt: skip
            pts = P0 + np.linspace(0, 1, 11)[:, None] * E
            reach = pts[:, :1] * L0[n] + pts[:, 1:] * L1[n] + C[n]  # (11, K)
            hit = any((reach[:, f : f + per] >= 0).all(axis=1).any() for f in range(0, K, per))
            assert not hit or keep
            if keep:
                ref.append((a, sg))
    assert list(zip(i.tolist(), g.tolist(), strict=True)) == ref
