"""sim: a negotiation scenario simulator built on game theory.

The public Python API (what notebooks import) lives in :mod:`sim.api` and is re-exported
here lazily, so that ``import sim`` (and ``sim --help``) stays fast:

>>> import sim
>>> sorted(n for n in ("run", "load", "validate", "save") if hasattr(sim, n))
['load', 'run', 'save', 'validate']
"""

__version__ = "0.1.0"

_API = ("load", "validate", "run", "explain", "save", "modify", "json_schema", "model_names")
_API += ("evaluate", "declared_parameters", "compare", "report", "sweep", "analyse_sweep")
_API += ("backtest", "save_backtest", "forecast")

__all__ = ["__version__", *_API]


def __getattr__(name: str):
    if name in _API:
        from sim import api

        return getattr(api, name)
    raise AttributeError(f"module 'sim' has no attribute {name!r}")
