"""Results as plain data: each model's record (:mod:`sim.results.model`), a run's
(:mod:`sim.results.run`, with its payoff space in :mod:`sim.results.payoff_space`), and the
run folder they are written to (:mod:`sim.results.folder`).

The names below are re-exported lazily, so that a model file can import
:mod:`sim.results.model` without loading the scenario machinery.
"""

_WHERE = {
    "RESULTS_FORMAT_VERSION": "run",
    "NoDeal": "run",
    "RunResult": "run",
    "PayoffSpace": "payoff_space",
    "new_run_dir": "folder",
    "plot_formats": "folder",
    "write_run": "folder",
}
__all__ = list(_WHERE)


def __getattr__(name: str):
    if name in _WHERE:
        from importlib import import_module

        return getattr(import_module(f"sim.results.{_WHERE[name]}"), name)
    raise AttributeError(f"module 'sim.results' has no attribute {name!r}")
