"""Export a run's games in Gambit's file formats, so analysts can open them in Gambit.

Each model that has games says so in its file (``GAMES``, see :mod:`sim.registry`): a
function of its result returning ``{suffix: text}``; the strategic-form game is written as
an ``.nfg`` file (``sim/models/strategic.py``), the scenario's game tree, with the payoffs
``sim`` resolved for its terminal nodes, as an ``.efg`` file (``sim/models/game_tree.py``).
Files are named ``<scenario id>_<suffix>``.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def _candidates(path: Path):
    """``path``, then ``stem-2.ext``, ``stem-3.ext``..."""
    yield path
    n = 1
    while True:
        n += 1
        yield path.with_name(f"{path.stem}-{n}{path.suffix}")


def _write_whole(text: str, path: Path) -> Path:
    """Write ``text`` to a new file at ``path`` or the first free ``stem-N.ext``.

    The text goes to a temporary file first, which is then hard-linked to its name: the
    link fails if the name exists, so a file appearing meanwhile is never overwritten and
    no reader ever sees a partial file.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        for target in _candidates(path):
            try:
                os.link(tmp, target)
            except FileExistsError:
                continue
            return target
    finally:
        os.unlink(tmp)
    raise AssertionError("unreachable")  # pragma: no cover


def run_games(run) -> dict[str, str]:
    """File name -> text of every game the run's models export (in the run's order)."""
    from sim import registry

    stem, title = run.scenario.id, run.scenario.title
    out: dict[str, str] = {}
    for name, result in run.models.items():
        games = registry.games(name)
        if games is None:
            continue
        for suffix, text in games(result, title=title).items():
            out[f"{stem}_{suffix}"] = text
    return out


def export_games(run, folder: str | Path) -> list[Path]:
    """Write the run's games to ``folder`` (created if needed); returns the files written.

    Each file is written whole (a temporary file renamed into place), and an existing
    file is never overwritten: a suffix ``-2``, ``-3``... is added instead.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [_write_whole(text, folder / name) for name, text in run_games(run).items()]
