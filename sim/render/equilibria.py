"""Terminal rendering of a game file's equilibria (``sim solve``)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table


def print_game_solution(sol, console: Console | None = None) -> None:
    """Print each equilibrium (strategies played with their probabilities, payoffs)."""
    console = console or Console()
    game, result = sol.game, sol.result
    table = Table(title=f"{game.title or sol.path.name}: {len(result)} equilibria")
    table.add_column("#", justify="right")
    for name in game.players:
        table.add_column(name, overflow="fold")
    table.add_column("payoffs")
    for k, eq in enumerate(result.equilibria):
        cells = [
            ", ".join(f"{game.strategies[p][s]}: {probs[s]:.6g}" for s in eq.support[p])
            for p, probs in enumerate(eq.strategies)
        ]
        table.add_row(str(k + 1), *cells, ", ".join(f"{v:.6g}" for v in eq.payoffs))
    console.print(table)
    console.print(f"method: {result.method}; complete: {result.complete}; {result.reason}")
    if not result.complete:
        console.print(
            f"[bold]Incomplete:[/bold] these are {len(result)} equilibria found by "
            f"{result.method}; the game may have more. For all of them: "
            f"sim solve {sol.path.name} --method vertex"
        )
    if sol.backward_induction is not None:
        bi = sol.backward_induction
        console.print(
            f"backward induction: path {' -> '.join(bi['path'])}, payoffs {bi['payoffs']}"
        )
