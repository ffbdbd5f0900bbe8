"""``sim solve GAME.nfg|GAME.efg``: print the equilibria of a Gambit game file.

Only typer, the standard library and pathlib are imported at module level so that
``sim --help`` stays fast; the engine is imported inside the command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

__all__ = ["solve_command"]


def solve_command(
    game_file: Annotated[Path, typer.Argument(help="A Gambit .nfg or .efg file.")],
    method: Annotated[
        str,
        typer.Option("--method", "-m", help="auto, vertex, support, lemke-howson, pure."),
    ] = "auto",
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
    tol: Annotated[
        float, typer.Option("--tol", help="Verification tolerance (x payoff range).")
    ] = 1e-8,
    time_limit: Annotated[
        float | None, typer.Option("--time-limit", help="Seconds for Lemke–Howson.")
    ] = None,
) -> None:
    """Solve a game file for Nash equilibria and print them (table or JSON).

    Two-player strategic forms are solved with :func:`sim.equilibria.solve`;
    perfect-information trees by backward induction (plus the strategic form when
    it is small); other trees via their reduced strategic form; games with more
    players with :func:`sim.equilibria.nplayer.solve_nplayer`.  A malformed file
    raises :class:`sim.equilibria.errors.GameFileError`.
    """
    from sim.equilibria.extensive import backward_induction, reduced_strategic_form
    from sim.equilibria.files import load_game
    from sim.equilibria.game import Game
    from sim.equilibria.nplayer import solve_nplayer
    from sim.equilibria.solve import solve

    loaded = load_game(game_file)
    extra: dict = {}
    if isinstance(loaded, Game):
        game = loaded
    else:
        if loaded.is_perfect_information():
            extra["backward_induction"] = backward_induction(loaded).to_dict()
        game = reduced_strategic_form(loaded)
    if game.n_players == 2:
        result = solve(game, method=method, tol=tol, time_limit=time_limit)
    else:
        result = solve_nplayer(game, method="pure" if method == "pure" else "auto", tol=tol)
    if json_out:
        payload = {"file": str(game_file), "title": game.title, **result.to_dict(), **extra}
        typer.echo(json.dumps(payload, indent=2))
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    table = Table(title=f"{game.title or game_file.name}: {len(result)} equilibria")
    table.add_column("#", justify="right")
    for name in game.players:
        table.add_column(name)
    table.add_column("payoffs")
    for k, eq in enumerate(result.equilibria):
        cells = []
        for p, probs in enumerate(eq.strategies):
            cells.append(
                ", ".join(f"{game.strategies[p][s]}: {probs[s]:.6g}" for s in eq.support[p])
            )
        table.add_row(str(k + 1), *cells, ", ".join(f"{v:.6g}" for v in eq.payoffs))
    console.print(table)
    console.print(f"method: {result.method}; complete: {result.complete}; {result.reason}")
    if "backward_induction" in extra:
        bi = extra["backward_induction"]
        console.print(
            f"backward induction: path {' -> '.join(bi['path'])}, payoffs {bi['payoffs']}"
        )
