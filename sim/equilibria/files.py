"""Load a game file by extension: ``.nfg`` (strategic form) or ``.efg`` (tree)."""

from __future__ import annotations

from pathlib import Path

from sim.equilibria.errors import GameFileError
from sim.equilibria.gambit_efg import ExtensiveGame, read_efg
from sim.equilibria.gambit_nfg import read_nfg
from sim.equilibria.game import Game

__all__ = ["load_game"]


def load_game(path: str | Path) -> Game | ExtensiveGame:
    """Read a Gambit ``.nfg`` or ``.efg`` file.

    Raises
    ------
    GameFileError
        If the file is missing, has another extension, or is malformed.
    """
    path = Path(path)
    if not path.is_file():
        raise GameFileError(path, None, "no such file")
    suffix = path.suffix.lower()
    if suffix == ".nfg":
        return read_nfg(path)
    if suffix == ".efg":
        return read_efg(path)
    raise GameFileError(path, None, f"unknown game file type {suffix!r}: expected .nfg or .efg")
