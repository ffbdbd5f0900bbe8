"""The one place models are registered: a name per model, each in ``sim/models/<name>.py``.

Adding a model is one new file and one line in :data:`MODELS`.  From this list the scenario
schema gets each model's options (the ``models:`` section and its JSON Schema), the reference
checks, ``sim models``, results.json, the terminal tables, the plots and the game exports.

A model file defines

``SUMMARY``
    One line for ``sim models``.
``Options``
    Its options: a frozen pydantic model (build it from :mod:`sim.scenario.types`).
``Result``
    Its result type, a frozen dataclass subclassing :class:`sim.results.model.ModelResult`.
``run(space, options, *, rng)``
    Solves the model on a :class:`sim.space.OutcomeSpace`; ``rng`` is a
    :class:`numpy.random.Generator` (spawned from the run's seed) for any randomness.

and may define

``check(scenario, options)``
    Yields ``(location, message)`` for references the options make to the scenario.
``size(scenario, options)``
    Returns a tuple of :class:`sim.models._size.Size`: how large the arrays the model
    would build are (cells of the utility set, strategy profiles, tree nodes, ...),
    estimated from the scenario alone, each with its limit, what to change and where in
    the file.  ``sim validate`` prints them and, like ``sim run``, refuses (exit status 2)
    a scenario over a limit before anything is allocated (:func:`sizes`).
``PARTIES``
    ``(min, max)`` number of parties it takes; default ``(2, 2)``.
``DEFAULT``
    ``True`` if it runs when a scenario has no ``models:`` section (default False).
``TABLE``
    Name of a function of :mod:`sim.render.tables` printing the result's own table.
``FIGURES``
    File stem -> name of a function of :mod:`sim.render.plots` that draws the figure from
    the run's results.
``GAMES``
    Name of a function of the model file returning ``{file suffix: text}`` for
    ``sim run --export-games`` (Gambit formats).

Model files are imported by name (``importlib``) only when needed, so that ``sim --help``
stays fast, and so that the scenario schema, which needs every model's options, does not
depend on the models' solvers.
"""

from __future__ import annotations

from functools import cache
from importlib import import_module
from types import ModuleType

from sim.errors import UnknownModelError

#: Every model, in the order results list them.
MODELS: tuple[str, ...] = (
    "nash_bargaining",
    "kalai_smorodinsky",
    "utilitarian",
    "egalitarian",
    "strategic",
    "rubinstein",
    "deadline",
    "private_information",
    "two_level",
    "game_tree",
)


@cache
def model(name: str) -> ModuleType:
    """The module of model ``name`` (imported once)."""
    if name not in MODELS:
        raise UnknownModelError(f"no model {name!r}; models: {', '.join(MODELS)}")
    return import_module(f"sim.models.{name}")


def summary(name: str) -> str:
    return model(name).SUMMARY


def options_class(name: str) -> type:
    return model(name).Options


def parties(name: str) -> tuple[int, int]:
    """Least and most parties the model takes."""
    return getattr(model(name), "PARTIES", (2, 2))


def defaults(n_parties: int) -> tuple[str, ...]:
    """Models run when a scenario with ``n_parties`` has no ``models:`` section."""
    return tuple(
        n
        for n in MODELS
        if getattr(model(n), "DEFAULT", False) and parties(n)[0] <= n_parties <= parties(n)[1]
    )


def figures(name: str) -> dict[str, str]:
    return dict(getattr(model(name), "FIGURES", {}))


def table(name: str) -> str | None:
    return getattr(model(name), "TABLE", None)


def games(name: str):
    """The model's function returning its games as Gambit files, or None."""
    fn = getattr(model(name), "GAMES", None)
    return getattr(model(name), fn) if fn else None


def sizes(name: str, scenario) -> tuple:
    """The model's estimated sizes on ``scenario`` (its ``size``; empty if it has none).

    The model's options are the scenario's (``models.<name>``), else its defaults.
    """
    fn = getattr(model(name), "size", None)
    if fn is None:
        return ()
    options = getattr(scenario.models, name, None)
    if options is None:
        options = options_class(name)()
    return tuple(fn(scenario, options))


def rngs(seed: int | None) -> dict:
    """One independent generator per registered model, all from ``SeedSequence(seed)``.

    Each model's stream depends only on the seed and the model's place in :data:`MODELS`,
    not on which other models run; with no seed the streams come from ``SeedSequence(0)``
    so that a run is reproducible by default.
    """
    import numpy as np

    children = np.random.SeedSequence(0 if seed is None else seed).spawn(len(MODELS))
    return {name: np.random.default_rng(ss) for name, ss in zip(MODELS, children, strict=True)}
