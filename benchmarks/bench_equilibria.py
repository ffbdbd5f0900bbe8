"""Benchmark: sim vs nashpy vertex enumeration vs Gambit enummixed (float) vs lrsnash.

Run ``python benchmarks/bench_equilibria.py`` (from the repository root).  Tools that
are not installed are skipped; nashpy and Gambit run in a subprocess killed after
``TIMEOUT`` seconds.  All games have integer payoffs so that every tool, including
the exact lrsnash, solves exactly the same game.  Prints a markdown table with the
seconds, the number of distinct equilibria found and the ratios of sim's time.

The 26x64 "tariff" game is synthetic, built inline below (not data): the US picks a
tariff on Japanese cars of 0..25 %, Japan picks any subset of six concessions
(corn, soybeans, shipbuilding, vehicle certification, LNG/Alaska, investment).
"""

from __future__ import annotations

import multiprocessing as mp
import shutil
import subprocess
import sys
import tempfile
import time
from fractions import Fraction
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sim.equilibria import solve

TIMEOUT = 60.0


def random_game(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 1_000_000, (n, n)), rng.integers(0, 1_000_000, (n, n))


def degenerate_game(n: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 4, (n, n)), rng.integers(0, 4, (n, n))


def tariff_game() -> tuple[np.ndarray, np.ndarray]:
    """Synthetic US tariff (0..25 %) x Japan concession subsets (2^6) game, integer payoffs.

    US: values each concession (trade-deficit and farm-state politics), bears a
    quadratic domestic cost of the tariff (prices, markets, approval) and wants to be
    seen to reward concessions (its ideal tariff falls with the concession value).
    Japan: loses auto exports in proportion to the tariff, pays a domestic cost per
    concession, and gains from a visible "deal" when the tariff ends at 10 % or less.
    """
    value_us = np.array([6.0, 5.0, 4.0, 3.0, 8.0, 7.0])  # corn, soy, ships, cert, LNG, invest
    cost_jp = np.array([3.0, 2.5, 2.0, 1.0, 4.0, 5.0])
    tariffs = np.arange(26.0)
    subsets = np.array([[(s >> k) & 1 for k in range(6)] for s in range(64)], dtype=float)
    t = tariffs[:, None]
    given = subsets @ value_us  # (64,)
    ideal = 25.0 - 0.6 * given  # US reciprocity: more concessions, lower ideal tariff
    us = given[None, :] + 0.8 * t - 0.05 * (t - ideal[None, :]) ** 2
    deal = (t <= 10).astype(float) * (subsets.sum(axis=1)[None, :] >= 2)
    jp = -1.2 * t - (subsets @ cost_jp)[None, :] + 18.0 * deal
    return np.round(us * 100).astype(int), np.round(jp * 100).astype(int)


def _nashpy_worker(A, B, queue):
    import nashpy

    start = time.perf_counter()
    eqs = list(nashpy.Game(A - A.min() + 1, B - B.min() + 1).vertex_enumeration())
    queue.put((time.perf_counter() - start, [np.concatenate(e) for e in eqs]))


def _gambit_worker(A, B, queue):
    import pygambit as gbt

    game = gbt.Game.from_arrays(A.astype(float), B.astype(float))
    start = time.perf_counter()
    res = gbt.nash.enummixed_solve(game, rational=False)
    elapsed = time.perf_counter() - start
    profs = [
        np.array([float(p[s]) for pl in game.players for s in pl.strategies])
        for p in res.equilibria
    ]
    queue.put((elapsed, profs))


def _in_subprocess(target, A, B):
    queue = mp.Queue()
    proc = mp.Process(target=target, args=(A, B, queue))
    proc.start()
    proc.join(TIMEOUT)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def _lrsnash(A, B):
    exe = shutil.which("lrsnash")
    if exe is None:
        return None
    m, n = A.shape
    text = f"{m} {n}\n\n" + "\n".join(" ".join(map(str, r)) for r in A.tolist())
    text += "\n\n" + "\n".join(" ".join(map(str, r)) for r in B.tolist()) + "\n"
    with tempfile.NamedTemporaryFile("w", suffix=".game", delete=False) as fh:
        fh.write(text)
    start = time.perf_counter()
    try:
        out = subprocess.run([exe, fh.name], capture_output=True, text=True, timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        return None
    elapsed = time.perf_counter() - start
    # output blocks separated by blank lines: '2 y... payoff' lines then '1 x... payoff'
    # lines; every (x, y) pair of a block is an equilibrium (a clique, Avis et al. 2010)
    profs = []
    for block in out.stdout.split("\n\n"):
        xs, ys = [], []
        for line in block.splitlines():
            parts = line.split()
            if parts and parts[0] in ("1", "2"):
                vals = [float(Fraction(v)) for v in parts[1:-1]]
                (xs if parts[0] == "1" else ys).append(vals)
        profs += [np.array(x + y) for x in xs for y in ys]
    return elapsed, profs


def distinct(profs, atol=1e-6):
    out = []
    for p in profs:
        if not any(np.abs(p - q).max() <= atol for q in out):
            out.append(p)
    return out


def same(found, ref):
    return len(found) == len(ref) and all(
        any(np.abs(f - r).max() <= 1e-6 for r in ref) for f in found
    )


def main() -> None:
    games = {
        "random 8×8": random_game(8, 8),
        "random 10×10": random_game(10, 10),
        "random 12×12": random_game(12, 12),
        "random 15×15": random_game(15, 15),
        "degenerate 6×6 (ties)": degenerate_game(6, 6),
        "degenerate 10×10 (ties)": degenerate_game(10, 10),
        "tariff 26×64 (synthetic)": tariff_game(),
    }
    rows = []
    for name, (A, B) in games.items():
        times = []
        for _ in range(3):
            start = time.perf_counter()
            res = solve(A, B)
            times.append(time.perf_counter() - start)
        t_sim = min(times)
        sim_p = [np.concatenate(e.strategies) for e in res.equilibria]
        lrs = _lrsnash(A, B)
        gam = _in_subprocess(_gambit_worker, A, B)
        nsh = _in_subprocess(_nashpy_worker, A, B) if A.size <= 144 else None
        ref = distinct(lrs[1]) if lrs else None

        def cell(r, ref=ref):
            if r is None:
                return f"> {TIMEOUT:.0f} s / skipped", None
            found = distinct(r[1])
            ok = "" if ref is None or same(found, ref) else " (≠ lrsnash)"
            return f"{r[0]:.3g} s, {len(found)}{ok}", r[0]

        c_n, t_n = cell(nsh)
        c_g, t_g = cell(gam)
        c_l, t_l = cell(lrs)
        sim_ok = "" if ref is None or same(sim_p, ref) else " (≠ lrsnash)"
        rows.append(
            (
                name,
                f"{t_sim:.3g} s, {len(sim_p)}{sim_ok} ({res.method}, complete={res.complete})",
                c_n,
                c_g,
                c_l,
                f"{t_sim / t_n:.3g}" if t_n else "–",
                f"{t_sim / t_g:.3g}" if t_g else "–",
                f"{t_sim / t_l:.3g}" if t_l else "–",
            )
        )
        print(name, rows[-1][1:], file=sys.stderr, flush=True)
    head = (
        "| game | sim | nashpy vertex_enumeration | Gambit enummixed (float) | lrsnash (exact) "
        "| sim / nashpy | sim / Gambit | sim / lrsnash |"
    )
    print(head)
    print("|" + "---|" * 8)
    for r in rows:
        print("| " + " | ".join(r) + " |")


if __name__ == "__main__":
    main()
