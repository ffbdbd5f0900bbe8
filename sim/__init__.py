"""sim: a negotiation scenario simulator built on game theory.

The public Python API (what notebooks import) lives in :mod:`sim.api` and is
re-exported here.
"""

__version__ = "0.1.0"
