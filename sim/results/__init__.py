"""Results as plain data: each model's record (:mod:`sim.results.model`) and a run's
(:mod:`sim.results.run`), with the run folder they are written to.

The names of :mod:`sim.results.run` are re-exported lazily, so that a model file can import
:mod:`sim.results.model` without loading the scenario machinery.
"""

__all__ = ["RESULTS_FORMAT_VERSION", "RunResult", "new_run_dir", "write_run"]


def __getattr__(name: str):
    if name in __all__:
        from sim.results import run

        return getattr(run, name)
    raise AttributeError(f"module 'sim.results' has no attribute {name!r}")
