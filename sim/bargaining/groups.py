"""Sorting and searching within groups of rows.

Many independent problems (one per parameter draw) are solved together by concatenating
their rows, grouped: group ``d`` holds rows ``bounds[d]:bounds[d + 1]``.  Elementwise work is
then done once for all groups; these primitives do per group what ``numpy.argsort``,
``numpy.searchsorted`` and a running maximum do for one problem, with the same comparisons
(so the same answers as one group at a time).  Sorting is done group by group: sorting the
concatenation by (group, value) would cost more than the loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import numpy as np

__all__ = [
    "blocks",
    "bounds",
    "group_argsort",
    "group_search",
    "group_suffix_argmax",
    "group_suffix_max",
    "ragged",
]


def bounds(g: np.ndarray, n_groups: int) -> np.ndarray:
    """(n_groups + 1,) starts of each group's rows in ``g`` (sorted ascending)."""
    return np.searchsorted(g, np.arange(n_groups + 1), side="left")


def group_argsort(v: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Indices sorting each group's rows by ``v`` (stable), groups kept in order."""
    if len(b) == 2:
        return b[0] + np.argsort(v[b[0] : b[1]], kind="stable")
    parts = [lo + np.argsort(v[lo:hi], kind="stable") for lo, hi in pairwise(b.tolist())]
    return np.concatenate(parts) if parts else np.zeros(0, np.int64)


def group_suffix_max(v: np.ndarray, b: np.ndarray) -> np.ndarray:
    """The maximum of ``v`` from each row to the end of its group."""
    out = np.empty_like(v)
    for lo, hi in pairwise(b.tolist()):
        out[lo:hi] = np.maximum.accumulate(v[lo:hi][::-1])[::-1]
    return out


def group_suffix_argmax(v: np.ndarray, b: np.ndarray) -> np.ndarray:
    """A row holding the maximum of ``v`` from each row to the end of its group."""
    out = np.empty(len(v), dtype=np.int64)
    for lo, hi in pairwise(b.tolist()):
        r = v[lo:hi][::-1]
        t = np.arange(len(r))
        last = np.maximum.accumulate(np.where(r == np.maximum.accumulate(r), t, 0))
        out[lo:hi] = (hi - 1 - last)[::-1]
    return out


def group_search(
    keys: np.ndarray, b: np.ndarray, q: np.ndarray, qg: np.ndarray, side: str = "left"
) -> np.ndarray:
    """``numpy.searchsorted(..., side=side)`` within groups.

    Parameters
    ----------
    keys : (n,) array
        Each group's rows sorted ascending (group ``d`` is ``keys[b[d]:b[d + 1]]``).
    b : (G + 1,) int array
        The groups' bounds (:func:`bounds`).
    q, qg : (m,) arrays
        Each query's value and group.

    Returns
    -------
    (m,) int array
        The row of the first key of group ``qg`` at least ``q`` (above ``q`` for
        ``side="right"``), or the end of the group.
    """
    out = np.empty(len(q), dtype=np.int64)
    if len(b) == 2:
        out[:] = b[0] + np.searchsorted(keys[b[0] : b[1]], q, side=side)
        return out
    order = np.argsort(qg, kind="stable")
    qb = bounds(qg[order], len(b) - 1)
    for d in range(len(b) - 1):
        sel = order[qb[d] : qb[d + 1]]
        if sel.size:
            out[sel] = b[d] + np.searchsorted(keys[b[d] : b[d + 1]], q[sel], side=side)
    return out


def ragged(first: np.ndarray, end: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Every pair ``(i, r)`` with ``first[i] <= r < end[i]``, by ``i`` then ``r``."""
    length = np.maximum(end - first, 0)
    i = np.repeat(np.arange(len(first)), length)
    r = np.arange(int(length.sum())) - np.repeat(np.cumsum(length) - length - first, length)
    return i, r


def blocks(first: np.ndarray, end: np.ndarray, size: int) -> Iterator[slice]:
    """Consecutive rows whose :func:`ragged` pairs number about ``size`` at most (a row with
    more is a block of its own)."""
    total = np.cumsum(np.maximum(end - first, 0))
    if not len(total) or total[-1] <= size:
        yield slice(0, len(first))
        return
    start = 0
    while start < len(first):
        base = int(total[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(total, base + size, side="right")))
        yield slice(start, stop)
        start = stop
