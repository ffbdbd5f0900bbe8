"""Export a run's games in Gambit's file formats, so analysts can open them in Gambit.

Each model that has games says so in its file (``GAMES``, see :mod:`sim.registry`): a
function of its result returning ``{suffix: text}``; the strategic-form game is written as
an ``.nfg`` file (``sim/models/strategic.py``), the scenario's game tree, with the payoffs
``sim`` resolved for its terminal nodes, as an ``.efg`` file (``sim/models/game_tree.py``).
Files are named ``<scenario id>_<suffix>``.
"""

from __future__ import annotations

from pathlib import Path

from sim.outputs import write_new_file


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

    Each file is written whole (a temporary file hard-linked into place, see
    :func:`sim.outputs.write_new_file`), and an existing file (or a planted link) is never
    overwritten or written through: a suffix ``-2``, ``-3``... is added instead.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_new_file(text, folder / name) for name, text in run_games(run).items()]
