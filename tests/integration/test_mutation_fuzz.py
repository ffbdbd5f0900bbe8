"""Mutation fuzzing of the shipped scenarios (issue 16): no mutant makes ``sim`` fail with
an internal error, and no run that succeeds lacks a valid results.json.

Each mutant is a shipped scenario (``extends:`` resolved) with one change at a random
place: a hostile value (0, -1, 1e300, 1e-12, NaN, infinity, a lone surrogate, an empty
list, a wrong type, an impossible date...), a number scaled, a key deleted or a list item
duplicated.  Every mutant goes through :func:`sim.api.validate` in-process (what ``sim
validate`` and ``sim run`` check before solving): it must pass or raise
:class:`~sim.errors.ScenarioError` (exit status 2), nothing else.  A sample of the mutants
that pass (the small scenarios) is also run and its run folder written; results.json must
then be strict JSON with every model's status.

CI replays a fixed set of 1,000 mutants (``derandomize=True``, about a minute); set
``SIM_FUZZ_EXAMPLES`` (e.g. 20000) for a larger manual run.
"""

from __future__ import annotations

import copy
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import sim
from sim import api
from sim.errors import ScenarioError
from sim.scenario.loader import _resolve, validate_data

ROOT = Path(__file__).resolve().parents[2]
SCENARIOS = sorted((ROOT / "scenarios").glob("*.yaml"))
EXAMPLES = int(os.environ.get("SIM_FUZZ_EXAMPLES", "1000"))
#: One mutant in RUN_EVERY of the small (linear-payoff) scenarios is also run and written.
RUN_EVERY = 60
SMALL = {"japan_us_2025_linear", "japan_us_2025_korea_precedent"}

HOSTILE = [
    0, -1, 1, 0.999, -10, 1e-12, 1e300, -1e300, 1.7e308, 1e9, 10**20, -0.0,
    float("nan"), float("inf"), float("-inf"),
    "", "x", "\ud800", "2025-13-45", "none", "yes", None, True, False,
    [], {}, [1, 2], [None], {"value": 1}, {"value": 1e300, "range": [0, 1e300]},
]  # fmt: skip
SCALES = [0.0, -1.0, 0.5, 1.001, 2.0, 10.0, 1e6]


def _locations(node, loc=()):
    out = []
    if isinstance(node, dict):
        for key, value in node.items():
            out.append((*loc, key))
            out.extend(_locations(value, (*loc, key)))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            out.append((*loc, i))
            out.extend(_locations(value, (*loc, i)))
    return out


BASES = []
for _path in SCENARIOS:
    _data, _ = _resolve(_path)
    BASES.append((_path, _data, _locations(_data)))


def _get(data, loc):
    for part in loc:
        data = data[part]
    return data


mutations = st.one_of(
    st.tuples(st.just("set"), st.sampled_from(HOSTILE)),
    st.tuples(st.just("scale"), st.sampled_from(SCALES)),
    st.tuples(st.just("delete"), st.none()),
    st.tuples(st.just("duplicate"), st.none()),
)


def mutate(data, loc, op, arg):
    """``data`` (a copy) with one change at ``loc``."""
    data = copy.deepcopy(data)
    parent, key = _get(data, loc[:-1]), loc[-1]
    value = parent[key]
    if op == "set":
        parent[key] = arg
    elif op == "scale":
        if isinstance(value, int | float) and not isinstance(value, bool):
            parent[key] = value * arg
        else:
            parent[key] = arg
    elif op == "delete":
        del parent[key]
    elif isinstance(parent, list):  # duplicate a list item
        parent.insert(key, copy.deepcopy(value))
    else:
        parent[key] = [value, value]
    return data


@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(
    which=st.integers(0, len(BASES) - 1),
    where=st.integers(0, 10**6),
    mutation=mutations,
    run_it=st.integers(0, RUN_EVERY - 1),
)
def test_mutants_fail_cleanly_or_run_to_a_valid_results_file(
    which, where, mutation, run_it, tmp_path_factory
):
    path, base, locs = BASES[which]
    loc = locs[where % len(locs)]
    data = mutate(base, loc, *mutation)
    try:
        loaded = api.validate(validate_data(data, path))
    except ScenarioError as exc:
        assert exc.problems and all(p.message for p in exc.problems)
        return
    if run_it != 0 or loaded.scenario.id not in SMALL:
        return
    try:
        run = sim.run(loaded)
    except ScenarioError:  # e.g. a model needing two parties on a three-party variant
        return
    folder = sim.save(run, tmp_path_factory.mktemp("run") / "out", plots="none")
    written = json.loads((folder / "results.json").read_text())  # strict JSON (no NaN)
    assert set(written["models"]) == set(run.models)
    for result in written["models"].values():
        assert result["status"] in ("ok", "no_agreement", "not_run")


def test_the_mutants_reach_every_scenario_and_both_verdicts():
    """The fuzzer is not vacuous: mutants of every shipped scenario, some valid, some not."""
    seen = {"valid": 0, "invalid": 0}
    for path, base, locs in BASES:
        for op, arg in (("set", 1e300), ("scale", 1.001)):
            loc = next(x for x in locs if isinstance(_get(base, x), float))
            try:
                api.validate(validate_data(mutate(base, loc, op, arg), path))
                seen["valid"] += 1
            except ScenarioError:
                seen["invalid"] += 1
    assert len(BASES) == 5 and seen["valid"] and seen["invalid"]


@pytest.mark.parametrize("op", ["set", "scale", "delete", "duplicate"])
def test_mutate_changes_one_place(op):
    path, base, locs = BASES[0]
    loc = next(x for x in locs if isinstance(_get(base, x), float) and _get(base, x) != 0)
    changed = mutate(base, loc, op, 0 if op == "set" else 2.0)
    assert changed != base and base == _resolve(path)[0]
