"""Store Gambit's answers (pygambit 16.7.0 ``enummixed_solve``) for a fixed corpus of games.

Run ``python scripts/make_gambit_fixtures.py`` with pygambit installed
(``pip install pygambit==16.7.0``; a source build takes ~4.5 min).  It writes
``tests/fixtures/gambit/enummixed.json``: for every game its payoff matrices and
Gambit's extreme equilibria (exact rational arithmetic for integer games, floats
otherwise; Gambit's duplicates on degenerate games removed with a 1e-7 tolerance).
The tests compare ``sim``'s equilibrium sets with these without needing pygambit.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "gambit"


def corpus() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Textbook games, random games (fixed seeds) and degenerate games with ties."""
    games: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    pd = np.array([[3, 0], [5, 1]])
    games["prisoners_dilemma"] = (pd, pd.T)
    games["battle_of_the_sexes"] = (np.array([[2, 0], [0, 1]]), np.array([[1, 0], [0, 2]]))
    mp = np.array([[1, -1], [-1, 1]])
    games["matching_pennies"] = (mp, -mp)
    rps = np.array([[0, -1, 1], [1, 0, -1], [-1, 1, 0]])
    games["rock_paper_scissors"] = (rps, -rps)
    for n in (3, 4, 5):
        games[f"coordination_{n}"] = (np.eye(n, dtype=int), np.eye(n, dtype=int))
    games["nashpy_4x3"] = (
        np.array([[160, 205, 44], [175, 180, 45], [201, 204, 50], [120, 207, 49]]),
        np.array([[2, 2, 2], [1, 0, 0], [3, 4, 1], [4, 1, 2]]),
    )
    games["selten_e02"] = (np.array([[1, 1], [0, 0], [0, 2]]), np.array([[1, 1], [2, 3], [2, 0]]))
    games["all_zero_3x3"] = (np.zeros((3, 3), dtype=int), np.zeros((3, 3), dtype=int))
    for seed, (m, n) in enumerate([(3, 3), (4, 4), (5, 5), (3, 6), (6, 4), (6, 6), (8, 8)]):
        rng = np.random.default_rng(1000 + seed)
        games[f"random_{m}x{n}_s{1000 + seed}"] = (rng.random((m, n)), rng.random((m, n)))
    for seed, (m, n, hi) in enumerate([(3, 3, 2), (4, 4, 2), (4, 5, 3), (5, 5, 2), (6, 6, 3)]):
        rng = np.random.default_rng(2000 + seed)
        games[f"ties_{m}x{n}_s{2000 + seed}"] = (
            rng.integers(0, hi + 1, (m, n)),
            rng.integers(0, hi + 1, (m, n)),
        )
    return games


def gambit_equilibria(A: np.ndarray, B: np.ndarray) -> list[list[float]]:
    import pygambit as gbt

    exact = np.issubdtype(A.dtype, np.integer) and np.issubdtype(B.dtype, np.integer)
    if exact:
        game = gbt.Game.from_arrays(A.astype(int).tolist(), B.astype(int).tolist())
    else:
        game = gbt.Game.from_arrays(A, B)
    res = gbt.nash.enummixed_solve(game, rational=exact)
    profiles = [
        [float(p[s]) for player in game.players for s in player.strategies] for p in res.equilibria
    ]
    unique: list[list[float]] = []
    for prof in profiles:
        if not any(np.abs(np.subtract(prof, u)).max() <= 1e-7 for u in unique):
            unique.append(prof)
    return sorted(unique)


def main() -> None:
    import pygambit as gbt

    OUT.mkdir(parents=True, exist_ok=True)
    records = []
    for name, (A, B) in corpus().items():
        records.append(
            {
                "name": name,
                "A": A.tolist(),
                "B": B.tolist(),
                "equilibria": gambit_equilibria(A, B),
            }
        )
        print(f"{name}: {len(records[-1]['equilibria'])} equilibria")
    # the Gambit documentation's one-stage Bayesian game (.efg), via Gambit's strategic form
    efg = gbt.read_efg(str(OUT / "bayes_one_stage.efg"))
    res = gbt.nash.enummixed_solve(efg, rational=True)
    payload = {
        "generator": "scripts/make_gambit_fixtures.py",
        "gambit": f"pygambit {gbt.__version__} enummixed_solve",
        "games": records,
        "bayes_one_stage_efg": {"n_equilibria": len(res.equilibria)},
    }
    (OUT / "enummixed.json").write_text(json.dumps(payload, indent=1) + "\n")


if __name__ == "__main__":
    main()
