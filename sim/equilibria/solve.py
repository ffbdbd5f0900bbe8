"""``solve``: all Nash equilibria of a 2-player strategic-form game, verified.

Pipeline: (1) iterated elimination of strictly dominated strategies, pure and
mixed (:mod:`~sim.equilibria.dominance`); (2) a search by the chosen method on the
reduced game; (3) lift back to the full game, best-response verification of every
profile with ``max regret <= tol * payoff range`` (:mod:`~sim.equilibria.verify`),
tolerant de-duplication; (4) maximal Nash subsets for the complete methods
(:mod:`~sim.equilibria.cliques`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence

import numpy as np

from sim.equilibria.cliques import maximal_nash_subsets
from sim.equilibria.dominance import eliminate_dominated
from sim.equilibria.game import Game, as_game
from sim.equilibria.lemke_howson import lemke_howson
from sim.equilibria.pure import pure_equilibria
from sim.equilibria.result import Equilibrium, EquilibriumResult
from sim.equilibria.support import support_enumeration
from sim.equilibria.verify import dedupe_profiles, payoff_range, regret
from sim.equilibria.vertex import vertex_enumeration

__all__ = ["METHODS", "VERTEX_BUDGET_S", "VERTEX_MAX_DIM", "solve", "vertex_seconds"]

METHODS = ("auto", "vertex", "support", "lemke-howson", "pure")
#: "auto" enumerates vertices when the smaller side of the reduced game is at most this,
VERTEX_MAX_DIM = 16
#: or when the estimated time of vertex enumeration (:func:`vertex_seconds`) is at most this.
VERTEX_BUDGET_S = 60.0
#: "auto" uses support enumeration only on games this small (both sides).
DEDUPE_ATOL = 1e-7


def vertex_seconds(m: int, n: int) -> float:
    """Rough time (s) of vertex enumeration on a generic ``m x n`` game.

    Grows like the number of label sets, ``C(m + n, m)^0.85``, calibrated on random square
    games on a shared 2-core machine (``benchmarks/bench_vertex.py``: 16x16 about 4 s,
    18x18 about 30 s); a guide for ``method="auto"``, not a promise.
    """
    ratio = math.comb(m + n, min(m, n)) / math.comb(32, 16)
    return 4.0 * ratio**0.85


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"about {max(seconds, 1):.0f} s"
    if seconds < 5400:
        return f"about {seconds / 60:.0f} min"
    return f"about {seconds / 3600:.0f} h" if seconds < 3 * 86400 else "days or more"


def _pick(m: int, n: int, complete: bool) -> tuple[str, str]:
    if m == 1 or n == 1:
        return "vertex", f"the reduced game is {m}x{n}: enumeration is trivial"
    if not complete:
        return "lemke-howson", "complete=False: Lemke–Howson paths from every label (fast)"
    est = vertex_seconds(m, n)
    if min(m, n) <= VERTEX_MAX_DIM or est <= VERTEX_BUDGET_S:
        return "vertex", (
            f"the reduced game is {m}x{n}: complete vertex enumeration (estimated {_duration(est)})"
        )
    return "lemke-howson", (
        f"the reduced game is {m}x{n}: complete vertex enumeration would take "
        f"{_duration(est)} (estimated), so Lemke–Howson paths from every label were "
        "followed; for every equilibrium use method 'vertex' (sim solve --method vertex)"
    )


def _lemke_all(A, B, time_limit):
    m, n = A.shape
    deadline = None if time_limit is None else time.perf_counter() + time_limit
    xs, ys, timed_out = [], [], False
    for label in range(m + n):
        if deadline is not None and time.perf_counter() > deadline:
            timed_out = True
            break
        end = lemke_howson(A, B, label, deadline=deadline)
        if end is not None:
            xs.append(end[0])
            ys.append(end[1])
    xs = np.array(xs).reshape(-1, m)
    ys = np.array(ys).reshape(-1, n)
    return xs, ys, timed_out


def solve(
    A: Game | np.typing.ArrayLike,
    B: np.typing.ArrayLike | None = None,
    *,
    method: str = "auto",
    complete: bool = True,
    tol: float = 1e-8,
    labels: Sequence[Sequence[str]] | None = None,
    time_limit: float | None = None,
    eliminate: bool = True,
) -> EquilibriumResult:
    """Nash equilibria of a 2-player game, each verified by a best-response check.

    Parameters
    ----------
    A : Game or array_like, shape (m, n)
        A 2-player :class:`~sim.equilibria.game.Game`, or the row player's payoffs.
    B : array_like, shape (m, n), optional
        Column player's payoffs (default ``-A``).
    method : {"auto", "vertex", "support", "lemke-howson", "pure"}
        ``"vertex"``: all extreme equilibria (complete, also for degenerate games).
        ``"support"``: equal-size support enumeration (complete for nondegenerate
        games only, so reported as incomplete).  ``"lemke-howson"``: one path per
        dropped label (fast, incomplete).  ``"pure"``: pure equilibria only.
        ``"auto"``: vertex enumeration when the reduced game is small enough,
        Lemke–Howson otherwise; the result's ``reason`` says which and why.
    complete : bool
        With ``method="auto"``, ``False`` asks for a fast incomplete answer.
    tol : float
        Verification tolerance relative to the payoff range: a profile is reported
        only if no player gains more than ``tol * range`` by a pure deviation.
    labels : sequence of sequence of str, optional
        Strategy labels for the two players.
    time_limit : float, optional
        Seconds allowed for the Lemke–Howson paths (the other methods run to the end).
    eliminate : bool
        Remove strictly dominated strategies first (default True).

    Returns
    -------
    EquilibriumResult

    References
    ----------
    von Stengel (2002), "Computing equilibria for two-person games", Handbook of Game
    Theory 3, ch. 45.  Avis, Rosenberg, Savani and von Stengel (2010), "Enumeration
    of Nash equilibria for two-player games", Economic Theory 42, 9–37.

    Examples
    --------
    >>> res = solve([[3, 0], [5, 1]], [[3, 5], [0, 1]])  # prisoners' dilemma
    >>> len(res.equilibria), res.equilibria[0].support, res.complete
    (1, ((1,), (1,)), True)
    >>> len(solve([[2, 0], [0, 1]], [[1, 0], [0, 2]]).equilibria)  # battle of the sexes
    3
    """
    t0 = time.perf_counter()
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; choose one of {', '.join(METHODS)}")
    game = as_game(A, B, labels)
    A_full, B_full = game.A, game.B
    m0, n0 = A_full.shape
    scale = payoff_range(A_full, B_full)
    timings: dict[str, float] = {}

    if eliminate and method != "pure":
        rows, cols, gone = eliminate_dominated(A_full, B_full, tol=tol)
    else:
        rows, cols, gone = np.arange(m0), np.arange(n0), []
    A_r, B_r = A_full[np.ix_(rows, cols)], B_full[np.ix_(rows, cols)]
    m, n = A_r.shape
    timings["dominance"] = time.perf_counter() - t0

    t1 = time.perf_counter()
    used, why = (
        (method, f"method {method!r} requested") if method != "auto" else _pick(m, n, complete)
    )
    is_complete = False
    if used == "vertex":
        xs, ys = vertex_enumeration(A_r, B_r, tol=1e-9)
        is_complete = True
        why += "; every extreme equilibrium is listed"
    elif used == "support":
        xs, ys, singular = support_enumeration(A_r, B_r, tol=1e-9)
        why += (
            "; equal-size support enumeration is complete only for nondegenerate games"
            + (
                " and singular indifference systems were met (the game is degenerate)"
                if singular
                else ""
            )
            + ", use method='vertex' for a certified complete list"
        )
    elif used == "lemke-howson":
        xs, ys, timed_out = _lemke_all(A_r, B_r, time_limit)
        why += "; Lemke–Howson paths do not find every equilibrium"
        if timed_out:
            why += f" (time limit of {time_limit} s reached)"
    else:  # pure
        prof = pure_equilibria((A_r, B_r), tol=tol)
        xs = np.zeros((len(prof), m))
        ys = np.zeros((len(prof), n))
        xs[np.arange(len(prof)), prof[:, 0]] = 1.0
        ys[np.arange(len(prof)), prof[:, 1]] = 1.0
        why += "; all pure equilibria, no mixed ones"
    timings["search"] = time.perf_counter() - t1

    # lift to the full game and verify
    t2 = time.perf_counter()
    X = np.zeros((len(xs), m0))
    Y = np.zeros((len(ys), n0))
    X[:, rows] = xs
    Y[:, cols] = ys
    X[np.abs(X) < 1e-13] = 0.0
    Y[np.abs(Y) < 1e-13] = 0.0
    reg = regret(A_full, B_full, X, Y) if len(X) else np.zeros(0)
    passed = reg <= tol * scale
    rejected = int((~passed).sum())
    X, Y, reg = X[passed], Y[passed], reg[passed]
    keep = dedupe_profiles(np.hstack([X, Y]), atol=DEDUPE_ATOL)
    X, Y, reg = X[keep], Y[keep], reg[keep]
    order = np.lexsort(np.hstack([X, Y]).T[::-1])[::-1]
    X, Y, reg = X[order], Y[order], reg[order]
    if rejected and is_complete:
        is_complete = False
        why += f"; {rejected} candidate(s) failed verification, so completeness is not certified"
    timings["verify"] = time.perf_counter() - t2

    equilibria = []
    for x, y, r in zip(X, Y, reg, strict=True):
        equilibria.append(
            Equilibrium(
                strategies=(tuple(float(v) for v in x), tuple(float(v) for v in y)),
                payoffs=(float(x @ A_full @ y), float(x @ B_full @ y)),
                support=(
                    tuple(int(i) for i in np.flatnonzero(x)),
                    tuple(int(j) for j in np.flatnonzero(y)),
                ),
                regret=float(max(r, 0.0)),
            )
        )
    row_ids = dedupe_ids(X)
    col_ids = dedupe_ids(Y)
    subsets = (
        maximal_nash_subsets(list(zip(row_ids[1], col_ids[1], strict=True))) if is_complete else []
    )
    if gone:
        why = (
            f"{len(gone)} strictly dominated strateg{'y' if len(gone) == 1 else 'ies'} removed; "
            + why
        )
    timings["total"] = time.perf_counter() - t0
    return EquilibriumResult(
        equilibria=tuple(equilibria),
        complete=is_complete,
        reason=why,
        method=used,
        requested=method,
        labels=game.strategies,
        players=game.players,
        eliminated=tuple(gone),
        nash_subsets=tuple(subsets),
        row_extremes=tuple(tuple(float(v) for v in X[i]) for i in row_ids[0]),
        col_extremes=tuple(tuple(float(v) for v in Y[i]) for i in col_ids[0]),
        timings=timings,
        tol=tol,
        rejected=rejected,
    )


def dedupe_ids(P: np.ndarray) -> tuple[list[int], list[int]]:
    """Distinct rows of ``P`` (within tolerance): (first index of each, id of every row)."""
    firsts: list[int] = []
    ids: list[int] = []
    for i, p in enumerate(P):
        for k, f in enumerate(firsts):
            if np.abs(P[f] - p).max() <= DEDUPE_ATOL:
                ids.append(k)
                break
        else:
            ids.append(len(firsts))
            firsts.append(i)
    return firsts, ids
