"""Nash equilibria of a game given as payoff arrays, two players or more, each re-verified
and labelled by Pareto dominance.

* Two players: every extreme equilibrium (:func:`sim.equilibria.solve`).
* More: every pure equilibrium and the end point of the logit homotopy
  (:func:`sim.equilibria.solve_nplayer`; McKelvey and Palfrey 1995), complete only when
  iterated strict dominance leaves a single profile (:func:`surviving_strategies`).

Every reported profile passes a best-response check (no player gains more than ``1e-6`` of
the payoff range by a pure deviation; Nash 1951) and says whether some pure profile
Pareto-dominates it (:func:`pareto_dominated`).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from sim.equilibria.dominance import pure_dominated
from sim.equilibria.result import Equilibrium
from sim.equilibria.verify import expected_payoffs

__all__ = ["pareto_dominated", "solve_arrays", "strategic_equilibria", "surviving_strategies"]


def pareto_dominated(payoffs, arrays: Sequence[np.ndarray], tol: float) -> bool:
    """Whether some pure profile gives every player at least ``payoffs`` and one more
    (by more than ``tol``)."""
    U = np.stack([np.asarray(a).ravel() for a in arrays], axis=1)  # (profiles, players)
    payoffs = np.asarray(payoffs, dtype=float)
    better = np.all(U >= payoffs - tol, axis=1)
    strictly = np.any(U > payoffs + tol, axis=1)
    return bool(np.any(better & strictly))


def surviving_strategies(arrays: Sequence[np.ndarray], tol: float) -> list[np.ndarray]:
    """Iterated elimination of pure strategies strictly dominated by a pure strategy.

    Removing strictly dominated strategies never removes a strategy played in any Nash
    equilibrium, mixed or pure (Osborne and Rubinstein 1994, Prop. 61.2 / Ex. 61.2), so
    when one strategy per player survives its profile is the game's *unique* equilibrium.
    A strategy counts as dominated only if another one beats it by more than ``tol``
    against every surviving profile of the others.

    Returns
    -------
    list of ndarray
        The surviving strategy indices of each player.

    Examples
    --------
    >>> A = np.array([[3.0, 0.0], [5.0, 1.0]])  # prisoners' dilemma
    >>> [k.tolist() for k in surviving_strategies((A, A.T), 0.0)]
    [[1], [1]]
    """
    alive = [np.arange(n) for n in arrays[0].shape]
    changed = True
    while changed:
        changed = False
        for i, a in enumerate(arrays):
            sub = np.moveaxis(a[np.ix_(*alive)], i, 0).reshape(len(alive[i]), -1)
            dominated = [j for j, _ in pure_dominated(sub, tol)]  # in blocks of bounded memory
            if dominated:
                alive[i] = np.delete(alive[i], dominated)
                changed = True
    return alive


def solve_arrays(arrays: Sequence[np.ndarray], method: str = "auto", labels=None, *, rng=None):
    """Nash equilibria of a game given by payoff arrays, two players or more.

    Two players: every extreme equilibrium (:func:`sim.equilibria.solve`).  More:
    every pure equilibrium and the end point of the logit homotopy
    (:func:`sim.equilibria.solve_nplayer`, whose random restarts draw from ``rng``), not
    complete unless iterated strict dominance leaves a single profile (then it is the
    unique equilibrium, see :func:`surviving_strategies`).

    Returns
    -------
    profiles : list of tuple of ndarray
    complete : bool
    method : str
        Method used, with the engine's reason.
    """
    from sim.equilibria.game import Game
    from sim.equilibria.nplayer import solve_nplayer
    from sim.equilibria.solve import solve

    if len(arrays) == 2:
        res = solve(arrays[0], arrays[1], method=method, labels=labels)
        profiles = [tuple(np.asarray(s) for s in e.strategies) for e in res.equilibria]
        return profiles, res.complete, f"{res.method} ({res.reason})" if res.reason else res.method
    game = Game(tuple(arrays), strategies=labels or ())
    res = solve_nplayer(game, method="pure" if method == "pure" else "auto", rng=rng)
    profiles = [tuple(np.asarray(p) for p in e.strategies) for e in res.equilibria]
    scale = max(max(np.ptp(a) for a in arrays), 1e-12)
    alive = surviving_strategies(tuple(arrays), 1e-9 * scale)
    unique = all(len(k) == 1 for k in alive)
    if (
        unique
        and len(profiles) == 1
        and all(p[k[0]] > 1 - 1e-9 for p, k in zip(profiles[0], alive, strict=True))
    ):
        return (
            profiles,
            True,
            (
                f"{res.method} (iterated elimination of strictly dominated strategies leaves one "
                "profile: the unique equilibrium, so the list is complete)"
            ),
        )
    reason = res.reason
    return profiles, res.complete, f"{res.method} ({reason})" if reason else res.method


def strategic_equilibria(
    arrays: Sequence[np.ndarray], *, method: str = "auto", labels=None, rng=None
) -> tuple[tuple[Equilibrium, ...], bool, str]:
    """The equilibria of :func:`solve_arrays`, re-verified, Pareto-labelled and sorted.

    Each profile is normalised to sum to one, its payoffs recomputed, and checked: no
    player gains more than ``1e-6`` of the payoff range by a pure deviation (Nash 1951).
    Equilibria are sorted by total payoff (highest first), then by profile.

    Returns
    -------
    equilibria : tuple of Equilibrium
        With ``pareto_dominated`` set.
    complete : bool
    method : str

    Raises
    ------
    AssertionError
        If the solver returned a profile that fails the best-response check.
    """
    arrays = tuple(np.asarray(a, dtype=float) for a in arrays)
    profiles, complete, used = solve_arrays(arrays, method, labels=labels, rng=rng)
    scale = max(max(np.ptp(a) for a in arrays), 1e-12)
    tol = 1e-9 * scale + 1e-12
    found = []
    for prof in profiles:
        prof = [np.clip(np.asarray(p, float), 0, None) for p in prof]
        prof = tuple(p / p.sum() for p in prof)
        values = [expected_payoffs(arrays, prof, i) for i in range(len(arrays))]
        pay = np.array([v @ p for v, p in zip(values, prof, strict=True)])
        regret = max(v.max() - u for v, u in zip(values, pay, strict=True))
        if regret > 1e-6 * scale:
            raise AssertionError("solver returned a profile that is not an equilibrium")
        found.append((prof, pay, float(max(regret, 0.0))))
    found.sort(key=lambda e: (-e[1].sum(), *(tuple(-p) for p in e[0])))
    eqs = tuple(
        Equilibrium(
            strategies=tuple(tuple(float(v) for v in p) for p in prof),
            payoffs=tuple(float(v) for v in pay),
            support=tuple(tuple(int(s) for s in np.flatnonzero(p > 1e-12)) for p in prof),
            regret=regret,
            pareto_dominated=pareto_dominated(pay, arrays, tol),
        )
        for prof, pay, regret in found
    )
    return eqs, complete, used
