"""The resolved scenario's YAML writer (sim.results.folder.yaml_text) gives text that
ruamel.yaml's full YAML 1.2 reader reads back to the same values of the same kinds, also
where YAML 1.1 (libyaml's emitter) and 1.2 read a plain scalar differently."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st
from ruamel.yaml import YAML

from sim.results.folder import yaml_text


def _tagged(v):
    """The value with each scalar's kind spelled out (1, 1.0 and True differ)."""
    if isinstance(v, dict):
        return {"dict": [(k, _tagged(x)) for k, x in v.items()]}
    if isinstance(v, list):
        return {"list": [_tagged(x) for x in v]}
    kind = next(t for t in (bool, int, float, str, dt.date, type(None)) if isinstance(v, t))
    return (kind.__name__, v)


def _reads_back(data):
    text = yaml_text(data)
    assert _tagged(YAML(typ="safe", pure=True).load(text)) == _tagged(data), text
    return text


def test_texts_yaml_11_and_12_read_differently():
    data = {
        "sci": "1e3",  # a float in YAML 1.2, a text in 1.1
        "octal": "0o14",  # an int in 1.2
        "yes": "yes",  # a bool in 1.1
        "num": ["1", "1.5", "true", "null", "~", "2025-05-31", "0x1F", ".inf"],
        "values": [1, 1.0, 1e-5, 2.5e10, True, None, dt.date(2025, 5, 31), float("inf")],
        "text": "a: b # c\nsecond line\n",
        "unicode": "US–Japan, 25 %",
        "\x85": ["a\u2028b", "c\u2029", "0E0"],  # YAML 1.1 line breaks (a found example)
        "nested": {"a": [{"b": []}, {}], "0": "zero"},
    }
    assert "2025-05-31" in _reads_back(data)


scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(10**12), 10**12)
    | st.floats(allow_nan=False)
    | st.text(max_size=12)
    | st.dates()
)
plain = st.recursive(
    scalars,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.text(min_size=1, max_size=8), plain, max_size=6))
def test_any_plain_data_reads_back(data):
    _reads_back(data)
