"""Games with more than two players: all pure equilibria and a logit homotopy.

* Pure equilibria: :func:`~sim.equilibria.pure.pure_equilibria` (complete for pure
  profiles).
* Mixed: the logit quantal-response equilibrium correspondence is followed from
  the centroid (``lambda = 0``) towards ``lambda -> infinity``, where its principal
  branch converges to a Nash equilibrium (McKelvey and Palfrey 1995, Games and
  Economic Behavior 10; Turocy 2005, GEB 51, "A dynamic homotopy interpretation of
  the logistic quantal response equilibrium correspondence").  The end point's
  support is then polished by solving the indifference equations on it (Newton,
  ``scipy.optimize.root``) and the profile is kept only if it passes the
  best-response check.  This finds *one* equilibrium (the one selected by the
  logit tracing procedure), so the result is flagged incomplete.  Should the polished
  end point fail, a few restarts polish random profiles near it, drawn from the
  ``rng`` passed in (never from global state), so a run is reproducible from its seed.
"""

from __future__ import annotations

import time
from collections.abc import Sequence

import numpy as np

from sim.equilibria.game import Game
from sim.equilibria.pure import pure_equilibria
from sim.equilibria.result import Equilibrium, EquilibriumResult
from sim.equilibria.verify import (
    dedupe_profiles,
    expected_payoffs,
    payoff_range,
    regret_nplayer,
)

__all__ = ["logit_homotopy", "solve_nplayer"]


def _split(vec: np.ndarray, sizes: Sequence[int]) -> list[np.ndarray]:
    return np.split(vec, np.cumsum(sizes)[:-1])


def logit_homotopy(
    payoffs: Sequence[np.ndarray],
    *,
    lambdas: np.ndarray | None = None,
    tol: float = 1e-8,
    rng: int | np.random.Generator | None = None,
    restarts: int = 3,
) -> list[np.ndarray] | None:
    """One Nash equilibrium by tracing the logit QRE branch and polishing its end point.

    Parameters
    ----------
    payoffs : sequence of ndarray
        One payoff array per player.
    lambdas : ndarray, optional
        Precision parameters to trace (default: 0, then 90 steps from 0.05 to 2e4).
    tol : float
        Best-response tolerance relative to the payoff range.
    rng : int or numpy.random.Generator, optional
        Source of the random restarts (``None``: a fixed seed, so results never depend
        on global state).
    restarts : int
        Random profiles near the end point (Dirichlet around it) polished if the end
        point itself fails.

    Returns the profile (one probability vector per player) or ``None`` if no polished
    profile passes the best-response check.
    """
    scale = payoff_range(*payoffs)
    pays = [np.asarray(p, dtype=float) / scale for p in payoffs]
    sizes = list(pays[0].shape)
    if lambdas is None:
        lambdas = np.concatenate([[0.0], np.geomspace(0.05, 2e4, 90)])

    def profile_of(w):
        out = []
        for wi in _split(w, [s - 1 for s in sizes]):
            z = np.concatenate([[0.0], wi])
            z = np.exp(z - z.max())
            out.append(z / z.sum())
        return out

    def equations(w, lam):
        prof = profile_of(w)
        res = []
        for i, wi in enumerate(_split(w, [s - 1 for s in sizes])):
            u = expected_payoffs(pays, prof, i)
            res.append(wi - lam * (u[1:] - u[0]))
        return np.concatenate(res)

    from scipy.optimize import root  # heavy (0.3 s): imported where used

    w = np.zeros(sum(sizes) - len(sizes))
    for lam in lambdas:
        sol = root(equations, w, args=(lam,), method="hybr")
        if not sol.success:
            break
        w = sol.x
    qre = profile_of(w)
    for start in _starts(qre, rng, restarts):
        for threshold in (1e-3, 1e-5, 1e-2, 1e-7):
            supports = [np.flatnonzero(p > threshold) for p in start]
            polished = _polish(pays, supports, start)
            if polished is not None and regret_nplayer(tuple(pays), polished) <= tol:
                return polished
    return None


def _starts(qre, rng, restarts: int):
    """The end point, then (drawn only if needed) random profiles near it."""
    yield qre
    if restarts:
        gen = np.random.default_rng(0 if rng is None else rng)
        for _ in range(restarts):
            yield [gen.dirichlet(1.0 + 50.0 * p) for p in qre]


def _polish(pays, supports, start):
    """Solve the indifference equations on ``supports`` starting from ``start``."""
    n = len(pays)
    sizes = [len(s) for s in supports]

    def unpack(z):
        probs = _split(z[: sum(sizes)], sizes)
        prof = []
        for i, p in enumerate(probs):
            full = np.zeros(pays[0].shape[i])
            full[supports[i]] = p
            prof.append(full)
        return prof, z[sum(sizes) :]

    def eqs(z):
        prof, vals = unpack(z)
        out = []
        for i in range(n):
            u = expected_payoffs(pays, prof, i)
            out.append(u[supports[i]] - vals[i])
            out.append([prof[i].sum() - 1.0])
        return np.concatenate(out)

    z0 = np.concatenate(
        [start[i][supports[i]] / start[i][supports[i]].sum() for i in range(n)]
        + [[expected_payoffs(pays, start, i)[supports[i]].mean() for i in range(n)]]
    )
    from scipy.optimize import root

    sol = root(eqs, z0, method="lm")
    prof, _ = unpack(sol.x)
    if not sol.success or any((p < -1e-9).any() for p in prof):
        return None
    return [np.clip(p, 0, None) / np.clip(p, 0, None).sum() for p in prof]


def solve_nplayer(
    game: Game | Sequence[np.ndarray],
    *,
    method: str = "auto",
    tol: float = 1e-8,
    rng: int | np.random.Generator | None = None,
) -> EquilibriumResult:
    """Equilibria of an N-player game: all pure ones, plus one mixed by logit tracing.

    Parameters
    ----------
    game : Game or sequence of ndarray
        A :class:`Game`, or one payoff array per player.
    method : {"auto", "pure", "logit"}
        ``"pure"``: all pure equilibria only.  ``"logit"``/``"auto"``: the pure ones
        and the end point of the logit homotopy.
    tol : float
        Verification tolerance relative to the payoff range.
    rng : int or numpy.random.Generator, optional
        Source of the homotopy's random restarts (see :func:`logit_homotopy`).

    Returns
    -------
    EquilibriumResult
        ``complete`` is False (no complete N-player enumeration is claimed).

    Examples
    --------
    >>> A = np.zeros((2, 2, 2)); A[0, 0, 0] = A[1, 1, 1] = 1
    >>> res = solve_nplayer([A, A, A], method="pure")
    >>> [e.support for e in res.equilibria]
    [((1,), (1,), (1,)), ((0,), (0,), (0,))]
    """
    t0 = time.perf_counter()
    if method not in ("auto", "pure", "logit"):
        raise ValueError(f"unknown method {method!r}; choose 'auto', 'pure' or 'logit'")
    if not isinstance(game, Game):
        game = Game(tuple(game))
    pays = game.payoffs
    scale = payoff_range(*pays)
    profiles: list[list[np.ndarray]] = []
    for prof in pure_equilibria(pays, tol=tol):
        profiles.append([np.eye(n)[s] for n, s in zip(game.shape, prof, strict=True)])
    reason = f"all {len(profiles)} pure equilibria"
    if method in ("auto", "logit"):
        mixed = logit_homotopy(pays, tol=tol, rng=rng)
        if mixed is not None:
            profiles.append(mixed)
            reason += " and the end point of the logit homotopy (one equilibrium, possibly mixed)"
        else:
            reason += "; the logit homotopy end point failed verification and is not reported"
    reason += "; not a complete enumeration of mixed equilibria"
    equilibria = []
    if profiles:
        flat = np.array([np.concatenate(p) for p in profiles])
        for k in dedupe_profiles(flat, atol=1e-7)[::-1]:
            prof = profiles[k]
            r = regret_nplayer(pays, prof)
            if r > tol * scale:
                continue
            equilibria.append(
                Equilibrium(
                    strategies=tuple(tuple(float(v) for v in p) for p in prof),
                    payoffs=tuple(
                        float(expected_payoffs(pays, prof, i) @ prof[i]) for i in range(len(pays))
                    ),
                    support=tuple(tuple(int(s) for s in np.flatnonzero(p > 0)) for p in prof),
                    regret=float(max(r, 0.0)),
                )
            )
    return EquilibriumResult(
        equilibria=tuple(equilibria),
        complete=False,
        reason=reason,
        method="pure" if method == "pure" else "logit",
        requested=method,
        labels=game.strategies,
        players=game.players,
        timings={"total": time.perf_counter() - t0},
        tol=tol,
    )
