"""The supports of the ``uncertainty:`` distributions, computed in closed form when a
scenario is validated (no scipy.stats import), against scipy's frozen distributions."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import TypeAdapter

from sim.scenario.uncertainty import Distribution, support

_finite = st.floats(-1e6, 1e6, allow_nan=False)
_positive = st.floats(1e-6, 1e6)
_adapter = TypeAdapter(Distribution)


@st.composite
def distributions(draw):
    kind = draw(st.sampled_from(
        ["uniform", "log_uniform", "triangular", "truncated_normal", "lognormal", "beta", "choice"]
    ))  # fmt: skip
    lo = draw(_positive if kind == "log_uniform" else _finite)
    hi = lo + draw(st.floats(1e-3, 1e6))
    spec: dict = {"dist": kind, "lo": lo, "hi": hi}
    if kind == "triangular":
        spec["mode"] = draw(st.floats(lo, hi))
    elif kind == "beta":
        spec |= {"a": draw(_positive), "b": draw(_positive)}
    elif kind == "truncated_normal":
        spec = {"dist": kind, "mean": draw(_finite), "sd": draw(_positive)}
        spec |= draw(st.sampled_from([{}, {"lo": lo}, {"hi": hi}, {"lo": lo, "hi": hi},
                                      {"lo": hi, "hi": lo}]))  # fmt: skip
    elif kind == "lognormal":
        spec = {"dist": kind, "median": draw(_positive), "sigma": draw(st.floats(0.01, 3))}
        spec |= draw(st.sampled_from([{}, {"lo": lo}, {"hi": hi}, {"lo": lo, "hi": hi}]))
    elif kind == "choice":
        spec = {"dist": kind, "values": draw(st.lists(_finite, min_size=1, max_size=4))}
    return _adapter.validate_python(spec), lo, hi


@settings(max_examples=400, deadline=None)
@given(distributions(), st.sampled_from([(-1.0, 1.0), (-math.inf, math.inf), (0.0, 2.0)]))
def test_closed_form_support_is_scipys(drawn, default):
    dist, _lo, _hi = drawn
    a, b = default
    got = support(dist, a, b)
    try:
        want = tuple(float(x) for x in dist.frozen(a, b).support())
    except (ValueError, ZeroDivisionError, OverflowError):
        return  # scipy cannot freeze it: nothing to compare
    same = [g == w or (math.isnan(g) and math.isnan(w)) for g, w in zip(got, want, strict=True)]
    assert all(same), (dist, got, want)
