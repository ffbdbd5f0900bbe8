"""Sorting and searching within groups of rows, as arrays.

Many independent problems (one per parameter draw) are solved together by concatenating
their rows with a group number; these primitives do per group what ``numpy.searchsorted``
and a running maximum do for one problem, in a constant number of array operations, with
the same comparisons (so the same answers as one group at a time).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np

__all__ = ["blocks", "group_search", "group_suffix_max", "ragged"]


def group_search(keys_g, keys_v, q_g, q_v) -> np.ndarray:
    """``numpy.searchsorted(..., side="left")`` within groups.

    Parameters
    ----------
    keys_g, keys_v : (n,) arrays
        Group and value of each key, sorted by group, then value.
    q_g, q_v : (q,) arrays
        Group and value of each query.

    Returns
    -------
    (q,) int array
        The index of the first key of group ``q_g`` with value ``>= q_v``, or the end of the
        group's keys when there is none: the number of keys before ``(q_g, q_v)`` in the
        order (group, value), counted by sorting keys and queries together (a query before
        the keys of equal value).
    """
    n = len(keys_v)
    g = np.concatenate([keys_g, q_g])
    v = np.concatenate([keys_v, q_v])
    kind = np.concatenate([np.ones(n, np.int8), np.zeros(len(q_v), np.int8)])
    order = np.lexsort((kind, v, g))
    is_key = order < n
    before = np.cumsum(is_key) - is_key
    out = np.empty(len(q_v), dtype=np.int64)
    out[order[~is_key] - n] = before[~is_key]
    return out


def group_suffix_max(g: np.ndarray, v: np.ndarray, n_groups: int) -> np.ndarray:
    """The maximum of ``v`` from each position to the end of its group (``g`` sorted
    ascending, in ``[0, n_groups)``): one running maximum over the reversed rows of the
    values' ranks, each group lifted above the groups after it."""
    uniq, rank = np.unique(v, return_inverse=True)
    lift = (n_groups - 1 - np.asarray(g, dtype=np.int64)) * len(uniq)
    best = np.maximum.accumulate((rank.ravel() + lift)[::-1])[::-1]
    return uniq[best - lift]


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
    start = 0
    while start < len(first):
        base = int(total[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(total, base + size, side="right")))
        yield slice(start, stop)
        start = stop
