"""Results as plain data: each model's record (:mod:`sim.results.model`), a run's
(:mod:`sim.results.run`, with its payoff space in :mod:`sim.results.payoff_space`), and the
run folder they are written to (:mod:`sim.results.folder`).

The names below are re-exported lazily, so that a model file can import
:mod:`sim.results.model` without loading the scenario machinery.
"""

_RUN = ("RESULTS_FORMAT_VERSION", "NoDeal", "RunResult")
_FOLDER = ("new_run_dir", "plot_formats", "write_run")
__all__ = [*_RUN, "PayoffSpace", *_FOLDER]


def __getattr__(name: str):
    if name in _RUN:
        from sim.results import run as module
    elif name == "PayoffSpace":
        from sim.results import payoff_space as module
    elif name in _FOLDER:
        from sim.results import folder as module
    else:
        raise AttributeError(f"module 'sim.results' has no attribute {name!r}")
    return getattr(module, name)
