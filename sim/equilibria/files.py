"""Load a game file by extension: ``.nfg`` (strategic form) or ``.efg`` (tree)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sim.equilibria.errors import GameFileError
from sim.equilibria.gambit_efg import read_efg
from sim.equilibria.gambit_nfg import read_nfg
from sim.equilibria.game import Game
from sim.equilibria.tree import ExtensiveGame

__all__ = ["GameSolution", "load_game", "solve_game_file"]


def load_game(path: str | Path) -> Game | ExtensiveGame:
    """Read a Gambit ``.nfg`` or ``.efg`` file.

    Raises
    ------
    GameFileError
        If the file is missing, has another extension, or is malformed.
    """
    path = Path(path)
    if not path.exists():
        raise GameFileError(path, None, "no such file")
    # a folder, FIFO or device is refused by the input gate (sim.inputs) when read
    suffix = path.suffix.lower()
    if suffix == ".nfg":
        return read_nfg(path)
    if suffix == ".efg":
        return read_efg(path)
    raise GameFileError(path, None, f"unknown game file type {suffix!r}: expected .nfg or .efg")


@dataclass(frozen=True)
class GameSolution:
    """The equilibria of a game file: the game, the engine's result, backward induction."""

    path: Path
    game: Game
    result: object  # EquilibriumResult (2 players) or the N-player result
    backward_induction: dict | None = None

    def to_dict(self) -> dict:
        out = {"file": str(self.path), "title": self.game.title, **self.result.to_dict()}
        if self.backward_induction is not None:
            out["backward_induction"] = self.backward_induction
        return out


def solve_game_file(
    path: Path, *, method: str = "auto", tol: float = 1e-8, time_limit: float | None = None
) -> GameSolution:
    """Read a game file and find its Nash equilibria (see :func:`sim.api.solve_game`)."""
    from sim.equilibria.extensive import backward_induction, reduced_strategic_form
    from sim.equilibria.nplayer import solve_nplayer
    from sim.equilibria.solve import solve

    loaded = load_game(path)
    bi = None
    if isinstance(loaded, Game):
        game = loaded
    else:
        if loaded.is_perfect_information():
            bi = backward_induction(loaded).to_dict()
        game = reduced_strategic_form(loaded)
    if game.n_players == 2:
        result = solve(game, method=method, tol=tol, time_limit=time_limit)
    else:
        result = solve_nplayer(game, method="pure" if method == "pure" else "auto", tol=tol)
    return GameSolution(path, game, result, bi)
