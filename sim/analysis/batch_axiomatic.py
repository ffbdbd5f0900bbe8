"""Nash and utilitarian bargaining solutions of many draws at once, on the Minkowski structure.

With additive value functions the utility set is a Minkowski sum
``U = D_1 + ... + D_J + C_1 + ... + C_k`` of the discrete issues' point sets and the
continuous issues' piecewise-linear curves (docs/dev/architecture.md): the cells of
:attr:`sim.space.OutcomeSpace.cells` are ``p + seg_a + seg_b + ...``.  Two facts make the
exact solution cheap:

* A point ``u = sum_j s_j`` that maximises a strictly increasing objective over ``U`` is
  Pareto optimal, and then every summand ``s_j`` is Pareto optimal in its own set (if some
  ``s'_j`` dominated ``s_j``, swapping it in would dominate ``u``).  Dominated partial sums
  are therefore dropped after every Minkowski step (a Pareto filter by sorting, Kung, Luccio
  & Preparata 1975, J. ACM 22(4):469-476).
* On a cell the maximiser lies on an edge ``p + seg + (vertices of the other curves)``, at
  a vertex or, for Nash, at the stationary point
  ``s* = -(w1 Δ1 y0 + w2 Δ2 x0) / ((w1 + w2) Δ1 Δ2)`` (Nash 1950, Econometrica 18:155-162;
  Kalai 1977 for weights), for the utilitarian solution at a crossing of ``u_i = d_i``
  (Dantzig: a linear objective is maximised at a vertex of the individually rational piece).

These are the candidates of :mod:`sim.bargaining.axiomatic`, restricted to undominated
summands, evaluated as padded arrays over draws.  Ties are broken as there: lowest cell (in
the order of :attr:`OutcomeSpace.cells`: discrete combination, then pieces), then larger
``u1``.  Not reproduced: dropping a dominated candidate that ties within ``1e-12`` of the
best with another (a distinct near-tie, of probability ~0 under continuous draws).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["Solved", "solve_batch"]

_BIG = np.iinfo(np.int64).max


@dataclass(frozen=True)
class _Set:
    """Padded partial sums: points (N, M, 2), valid (N, M), combo (N, M), bp {c: (N, M)}."""

    pts: np.ndarray
    valid: np.ndarray
    combo: np.ndarray
    bp: dict


def _prune(s: _Set, key: np.ndarray) -> _Set:
    """Keep the undominated points of every row (lowest ``key`` among exact duplicates)."""
    N = s.valid.shape[0]
    u1 = np.where(s.valid, s.pts[..., 0], -np.inf)
    u2 = np.where(s.valid, s.pts[..., 1], -np.inf)
    order = np.lexsort((key, -u2, -u1), axis=1)
    u2s = np.take_along_axis(u2, order, axis=1)
    prev = np.maximum.accumulate(u2s, axis=1)
    prev = np.concatenate([np.full((N, 1), -np.inf), prev[:, :-1]], axis=1)
    keep = np.take_along_axis(s.valid, order, axis=1) & (u2s > prev)
    m = max(int(keep.sum(axis=1).max()), 1)
    rows, cols = np.nonzero(keep)
    dest = (np.cumsum(keep, axis=1) - 1)[rows, cols]
    src = order[rows, cols]

    def pack(a, fill):
        out = np.full((N, m, *a.shape[2:]), fill, dtype=a.dtype)
        out[rows, dest] = a[rows, src]
        return out

    return _Set(
        pack(s.pts, 0.0),
        pack(s.valid, False),
        pack(s.combo, 0),
        {c: pack(b, -1) for c, b in s.bp.items()},
    )


def _add(s: _Set, t: _Set, *, levels: int | None = None) -> _Set:
    """Minkowski sum of every row's sets ``s`` and ``t``: (N, M * L) elements.

    ``levels`` (a discrete issue's number of levels) appends the position in ``t`` to the
    combination index (mixed radix, first issue most significant, as ``np.meshgrid``'s
    ``indexing="ij"``); otherwise ``t``'s breakpoint indices are carried over.
    """
    N, M = s.valid.shape
    L = t.valid.shape[1]
    out = (s.pts[:, :, None, :] + t.pts[:, None, :, :]).reshape(N, M * L, 2)
    ok = (s.valid[:, :, None] & t.valid[:, None, :]).reshape(N, M * L)
    if levels is not None:
        cmb = (s.combo[:, :, None] * levels + np.arange(L)).reshape(N, M * L)
    else:
        cmb = np.repeat(s.combo, L, axis=1)
    bps = {c: np.repeat(b, L, axis=1) for c, b in s.bp.items()}
    for c, b in t.bp.items():
        bps[c] = np.broadcast_to(b[:, None, :], (N, M, L)).reshape(N, M * L)
    return _Set(out, ok, cmb, bps)


def _key(s: _Set, order: list[int], base: int) -> np.ndarray:
    """Cell order of :attr:`OutcomeSpace.cells`: combination, then the pieces (a breakpoint
    ``i`` lies in piece ``max(i - 1, 0)``)."""
    key = s.combo.astype(np.int64)
    for c in order:
        b = s.bp.get(c)
        piece = np.zeros_like(key) if b is None else np.maximum(b - 1, 0)
        key = key * base + piece
    return key


@dataclass(frozen=True)
class Solved:
    """Per draw: agreement reached, the discrete combination and continuous coordinates."""

    zone: np.ndarray  # (N,) bool
    combo: np.ndarray  # (N,) int
    coords: dict  # issue index -> (N,) float


def solve_batch(values, d: np.ndarray, *, solution: str, weights=(0.5, 0.5)) -> Solved:
    """Nash (``solution="nash"``) or utilitarian solution of every draw (module docstring).

    Parameters
    ----------
    values : sim.analysis.batch_values.BatchedValues
        Two parties.
    d : (N, 2) array
        Disagreement points.
    weights : (2,) positive
        Nash bargaining weights or utilitarian weights.
    """
    issues = values.issues
    N = values.n
    w = np.asarray(weights, dtype=float)
    disc = [j for j, i in enumerate(issues) if i.kind != "continuous"]
    cont = [j for j, i in enumerate(issues) if i.kind == "continuous"]
    base = max([int(values.count[c].max()) for c in cont] + [1])

    # scale of the whole utility set (as UtilitySet.tol): sums of per-summand extents
    lo = np.zeros((N, 2))
    hi = np.zeros((N, 2))
    for j in disc:
        lv = values.levels[j]
        lo += lv.min(axis=2).T
        hi += lv.max(axis=2).T
    verts, vvalid = {}, {}
    for c in cont:
        v = np.moveaxis(values.vs[c], 0, -1)  # (N, m, 2)
        ok = np.arange(v.shape[1])[None, :] < values.count[c][:, None]
        verts[c], vvalid[c] = v, ok
        lo += np.where(ok[..., None], v, np.inf).min(axis=1)
        hi += np.where(ok[..., None], v, -np.inf).max(axis=1)
    scale = np.maximum((hi - lo).max(axis=1), 1e-4 * np.maximum(np.abs(lo), np.abs(hi)).max(1))
    tol = 1e-9 * np.where(scale > 0, scale, 1.0)

    # undominated discrete combinations, then partial sums with the continuous curves
    D = _Set(np.zeros((N, 1, 2)), np.ones((N, 1), bool), np.zeros((N, 1), np.int64), {})
    for j in disc:
        lv = np.moveaxis(values.levels[j], 0, -1)
        t = _Set(lv, np.ones(lv.shape[:2], bool), np.zeros(lv.shape[:2], np.int64), {})
        D = _add(D, t, levels=lv.shape[1])
        D = _prune(D, _key(D, cont, base))
    V = {}
    for c in cont:
        one = _Set(
            verts[c],
            vvalid[c],
            np.zeros(vvalid[c].shape, np.int64),
            {c: np.broadcast_to(np.arange(vvalid[c].shape[1]), vvalid[c].shape)},
        )
        V[c] = _prune(one, _key(one, cont, base))

    def sums(skip):
        s = D
        for c in cont:
            if c != skip:
                s = _add(s, V[c])
                s = _prune(s, _key(s, cont, base))
        return s

    cand_pts, cand_ok, cand_key, cand_combo, cand_x = [], [], [], [], {c: [] for c in cont}
    dd = d[:, None, :]
    tl = tol[:, None]

    def emit(pts, ok, key, combo, xs):
        cand_pts.append(pts.reshape(N, -1, 2))
        cand_ok.append(ok.reshape(N, -1))
        cand_key.append(key.reshape(N, -1))
        cand_combo.append(combo.reshape(N, -1))
        for c in cont:
            cand_x[c].append(xs[c].reshape(N, -1))

    # vertex candidates: every summand at a vertex
    T = sums(None)
    gain = T.pts - dd
    ok = (
        T.valid & (gain > tl[..., None]).all(axis=2)
        if solution == "nash"
        else T.valid & (T.pts >= dd).all(axis=2)
    )
    rows = np.arange(N)[:, None]
    emit(
        T.pts,
        ok,
        _key(T, cont, base),
        T.combo,
        {c: values.xs[c][rows, np.maximum(T.bp[c], 0)] for c in cont},
    )

    # edge candidates: one curve on a segment, the others at vertices
    for c in cont:
        S = sums(c)
        A, B = verts[c][:, :-1], verts[c][:, 1:]
        seg_ok = vvalid[c][:, 1:]
        E = B - A
        P0 = S.pts[:, :, None, :] + A[:, None, :, :]  # (N, Mt, Sg, 2)
        Ex = E[:, None, :, :]
        x0, y0 = P0[..., 0] - d[:, None, None, 0], P0[..., 1] - d[:, None, None, 1]
        both = S.valid[:, :, None] & seg_ok[:, None, :]
        xa, xb = values.xs[c][:, :-1][:, None, :], values.xs[c][:, 1:][:, None, :]
        seg_i = np.broadcast_to(np.arange(A.shape[1]), both.shape)
        if solution == "nash":
            slanted = (np.abs(Ex[..., 0]) > tl[..., None]) & (np.abs(Ex[..., 1]) > tl[..., None])
            with np.errstate(divide="ignore", invalid="ignore"):
                s = -(w[0] * Ex[..., 0] * y0 + w[1] * Ex[..., 1] * x0) / (
                    w.sum() * Ex[..., 0] * Ex[..., 1]
                )
            s = np.clip(np.where(slanted, s, 0.0), 0.0, 1.0)
            pts = P0 + s[..., None] * Ex
            good = both & slanted & ((pts - d[:, None, None, :]) > tl[..., None, None]).all(-1)
            groups = [(s, pts, good)]
        else:  # crossings of u_i = d_i, kept where the other party gets at least d
            groups = []
            for i in (0, 1):
                a = P0[..., i] - d[:, None, None, i]
                b = a + Ex[..., i]
                cross = (a * b) < 0
                with np.errstate(divide="ignore", invalid="ignore"):
                    s = np.where(cross, a / (a - b), 0.0)
                pts = P0 + s[..., None] * Ex
                pts[..., i] = np.broadcast_to(d[:, None, None, i], pts.shape[:-1])
                good = both & cross & (pts[..., 1 - i] >= d[:, None, None, 1 - i])
                groups.append((s, pts, good))
        for s, pts, good in groups:
            piece = np.where(s >= 1.0, seg_i, np.where(s <= 0.0, np.maximum(seg_i - 1, 0), seg_i))
            key = S.combo[:, :, None].astype(np.int64)
            for cc in cont:
                p = piece if cc == c else np.maximum(S.bp[cc] - 1, 0)[:, :, None]
                key = key * base + p
            xs = {
                cc: np.broadcast_to(
                    values.xs[cc][rows, np.maximum(S.bp[cc], 0)][:, :, None], both.shape
                )
                for cc in cont
                if cc != c
            }
            xs[c] = np.where(s >= 1.0, xb, xa + s * (xb - xa))
            emit(pts, good, key, np.broadcast_to(S.combo[:, :, None], both.shape), xs)

    pts = np.concatenate(cand_pts, axis=1)
    ok = np.concatenate(cand_ok, axis=1)
    key = np.concatenate(cand_key, axis=1)
    combo = np.concatenate(cand_combo, axis=1)
    gain = pts - dd
    if solution == "nash":
        with np.errstate(divide="ignore", invalid="ignore"):
            val = np.where(ok, np.log(np.where(ok[..., None], gain, 1.0)) @ w, -np.inf)
        zone = ok.any(axis=1)
        best = val.max(axis=1)
        slack = 1e-12 + 1e-12 * np.abs(best)
    else:
        zone = _zone(values, d, tol) if ok.any() else np.zeros(N, bool)
        val = np.where(ok, pts @ w, -np.inf)
        best = val.max(axis=1)
        slack = tol * w.sum() + 1e-12 * np.abs(best)
    tied = ok & (val >= (best - slack)[:, None])
    kmin = np.where(tied, key, _BIG).min(axis=1)
    tied &= key == kmin[:, None]
    pick = np.argmax(np.where(tied, pts[..., 0], -np.inf), axis=1)
    r = np.arange(N)
    coords = {c: np.concatenate(cand_x[c], axis=1)[r, pick] for c in cont}
    zone &= np.isfinite(best)
    return Solved(zone=zone, combo=combo[r, pick], coords=coords)


def _zone(values, d, tol) -> np.ndarray:
    """Zone of agreement: some outcome gives both parties more than ``d`` (by ``tol``)."""
    return solve_batch(values, d, solution="nash").zone
