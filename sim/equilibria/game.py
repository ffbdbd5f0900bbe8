"""Strategic-form games as small immutable values (like ``nashpy.Game``).

A :class:`Game` holds one payoff array per player, all of shape
``(n_1, ..., n_k)`` (entry ``[s_1, ..., s_k]`` is the payoff when player ``i``
plays strategy ``s_i``), plus player names and strategy labels.  Two-player games
expose the bimatrix ``(A, B)`` used by the 2-player solvers.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["Game", "as_game"]


def _freeze(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float, copy=True)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class Game:
    """A finite game in strategic form.

    Parameters
    ----------
    payoffs : sequence of array_like
        One array per player, each of shape ``(n_1, ..., n_k)`` with ``k`` the
        number of players.
    players : sequence of str, optional
        Player names (default ``"Player 1"``, ``"Player 2"``, ...).
    strategies : sequence of sequence of str, optional
        Strategy labels per player (default ``"1"``, ``"2"``, ...).
    title : str
        A title (kept by the Gambit file formats).

    Examples
    --------
    >>> g = Game.bimatrix([[3, 0], [5, 1]], [[3, 5], [0, 1]])
    >>> g.shape
    (2, 2)
    >>> g.strategies[0]
    ('1', '2')
    """

    payoffs: tuple[np.ndarray, ...]
    players: tuple[str, ...] = ()
    strategies: tuple[tuple[str, ...], ...] = ()
    title: str = ""

    def __post_init__(self) -> None:
        arrays = tuple(_freeze(p) for p in self.payoffs)
        if not arrays:
            raise ValueError("a game needs at least one player")
        shape = arrays[0].shape
        if len(shape) != len(arrays):
            raise ValueError(
                f"{len(arrays)} players need payoff arrays with {len(arrays)} axes, "
                f"got shape {shape}"
            )
        if any(a.shape != shape for a in arrays):
            raise ValueError(f"payoff arrays differ in shape: {[a.shape for a in arrays]}")
        if any(n < 1 for n in shape):
            raise ValueError(f"every player needs at least one strategy, got shape {shape}")
        if not all(np.isfinite(a).all() for a in arrays):
            raise ValueError("payoffs must be finite numbers")
        players = tuple(self.players) or tuple(f"Player {i + 1}" for i in range(len(arrays)))
        if len(players) != len(arrays):
            raise ValueError(f"{len(players)} player names for {len(arrays)} payoff arrays")
        strategies = tuple(tuple(str(s) for s in labels) for labels in self.strategies) or tuple(
            tuple(str(j + 1) for j in range(n)) for n in shape
        )
        if tuple(len(s) for s in strategies) != shape:
            raise ValueError(
                f"strategy labels {tuple(len(s) for s in strategies)} do not match shape {shape}"
            )
        object.__setattr__(self, "payoffs", arrays)
        object.__setattr__(self, "players", players)
        object.__setattr__(self, "strategies", strategies)

    @classmethod
    def bimatrix(
        cls,
        A: np.typing.ArrayLike,
        B: np.typing.ArrayLike | None = None,
        *,
        labels: Sequence[Sequence[str]] | None = None,
        players: Sequence[str] | None = None,
        title: str = "",
    ) -> Game:
        """Build a 2-player game from the row player's ``A`` and column player's ``B``.

        ``B`` defaults to ``-A`` (a zero-sum game).
        """
        A = np.asarray(A, dtype=float)
        if A.ndim != 2:
            raise ValueError(f"A must be a matrix, got shape {A.shape}")
        B = -A if B is None else np.asarray(B, dtype=float)
        return cls((A, B), tuple(players or ()), tuple(tuple(s) for s in labels or ()), title)

    @property
    def n_players(self) -> int:
        """Number of players."""
        return len(self.payoffs)

    @property
    def shape(self) -> tuple[int, ...]:
        """Number of strategies of each player."""
        return self.payoffs[0].shape

    @property
    def A(self) -> np.ndarray:
        """Row player's payoff matrix (2-player games only)."""
        self._require_two()
        return self.payoffs[0]

    @property
    def B(self) -> np.ndarray:
        """Column player's payoff matrix (2-player games only)."""
        self._require_two()
        return self.payoffs[1]

    def _require_two(self) -> None:
        if self.n_players != 2:
            raise ValueError(f"this needs a 2-player game, this one has {self.n_players}")

    def same_as(self, other: Game, *, atol: float = 0.0) -> bool:
        """True when both games have the same players, labels, title and payoffs."""
        return (
            self.players == other.players
            and self.strategies == other.strategies
            and self.title == other.title
            and self.shape == other.shape
            and all(
                np.allclose(a, b, rtol=0, atol=atol)
                for a, b in zip(self.payoffs, other.payoffs, strict=True)
            )
        )

    def __repr__(self) -> str:
        return f"Game(players={self.players}, shape={self.shape}, title={self.title!r})"


def as_game(
    A: Game | np.typing.ArrayLike,
    B: np.typing.ArrayLike | None = None,
    labels: Sequence[Sequence[str]] | None = None,
) -> Game:
    """Normalise ``(A, B)`` arrays or a :class:`Game` into a 2-player :class:`Game`."""
    if isinstance(A, Game):
        if B is not None:
            raise ValueError("pass either a Game or (A, B) arrays, not both")
        game = A
        if labels is not None:
            game = Game(game.payoffs, game.players, tuple(tuple(s) for s in labels), game.title)
    else:
        game = Game.bimatrix(A, B, labels=labels)
    game._require_two()
    return game
