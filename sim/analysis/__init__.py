"""Many runs of one scenario: parameters and batched evaluation.

:func:`sim.analysis.parameters.declared_parameters` lists the numbers a scenario declares
with a range; :func:`sim.analysis.evaluate.evaluate` solves models over a table of draws.
Modules are imported lazily by :mod:`sim.api`.
"""
