"""The fast YAML reader (:func:`sim.fast_yaml.fast_plain_yaml`, libyaml) against the full one
(ruamel.yaml's pure-Python reader, which the loader uses for lines): whatever the fast one
reads, it reads exactly as the full one (values and their types); whatever it does not
take, the full one reads or refuses with its line."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from sim.fast_yaml import fast_plain_yaml
from sim.inputs import MAX_YAML_DEPTH, MAX_YAML_NODES
from sim.scenario.loader import _plain, _yaml
from tests.strategies import yaml_documents

ROOT = Path(__file__).resolve().parents[2]
pytest.importorskip("yaml._yaml", reason="PyYAML without libyaml: the fast reader is off")


#: "billion laughs": nine levels of ten aliases each, a few hundred bytes
_ALIAS_BOMB = "a: &a [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]\n" + "".join(
    f"{k}: &{k} [{', '.join([f'*{p}'] * 10)}]\n"
    for p, k in zip("abcdefgh", "bcdefghi", strict=True)
)


def _full(text: str):
    try:
        return _plain(_yaml().load(text))
    except Exception as exc:  # any refusal
        return exc


def _typed(x):
    """Values with their exact types, recursively (1 == 1.0 == True must not pass)."""
    if isinstance(x, dict):
        return ("dict", [(k, _typed(v)) for k, v in x.items()])
    if isinstance(x, list):
        return ("list", [_typed(v) for v in x])
    return (type(x).__name__, repr(x))


def _same_or_declined(text: str) -> object:
    fast = fast_plain_yaml(text, _yaml())
    if fast is not None:
        full = _full(text)
        assert not isinstance(full, Exception), f"taken, but the full reader refuses: {full}"
        assert _typed(fast) == _typed(full)
    return fast


@pytest.mark.parametrize(
    "path",
    ["scenarios/japan_us_2025.yaml", "seeds/facts.yaml", "scenarios/japan_us_2025_linear.yaml"],
)
def test_shipped_files_take_the_fast_path_and_read_the_same(path):
    assert _same_or_declined((ROOT / path).read_text()) is not None


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(yaml_documents())
def test_fast_reader_reads_as_the_full_one_or_declines(text):
    _same_or_declined(text)


def test_yaml_12_values_and_types():
    text = "a: yes\nb: 012\nc: 0x1F\nd: 1_000\ne: 2025-07-01\nf: 2025-13-45\ng: 1.0\nh: '1'\n"
    got = _same_or_declined(text)
    assert got == {"a": "yes", "b": 12, "c": 31, "d": 1000, "e": dt.date(2025, 7, 1),
                   "f": "2025-13-45", "g": 1.0, "h": "1"}  # fmt: skip
    assert type(got["g"]) is float


@pytest.mark.parametrize(
    "text",
    [
        "a: 1\na: 2\n",  # duplicate key: the full reader names its line
        "1: a\n'1': b\n",  # two keys of the same text
        "base: &b {x: 1}\nc:\n  <<: *b\n",  # merge key
        "a: !!str 1\n",  # explicit tag
        "%YAML 1.1\n---\na: yes\n",  # a directive changes the rules
        "a: 1\n---\nb: 2\n",  # two documents
        "",  # empty
        "a: *nowhere\n",  # unknown alias
        "? [a, b]\n: c\n",  # a key that is a list
        "a: [1, 2\n",  # syntax error
        "[" * (MAX_YAML_DEPTH + 1) + "]" * (MAX_YAML_DEPTH + 1),  # too deep
        _ALIAS_BOMB,
    ],
)
def test_what_the_fast_reader_declines(text):
    assert fast_plain_yaml(text, _yaml()) is None


def test_node_limit_counts_aliases_as_the_full_reader():
    # 1 + (1 + 3) + k aliases of 4 nodes each, under and over the limit
    n = (MAX_YAML_NODES - 5) // 4
    head = "a: &a [1, 2, 3]\nb: ["
    under = head + ", ".join(["*a"] * n) + "]\n"
    over = head + ", ".join(["*a"] * (n + 2)) + "]\n"
    assert _same_or_declined(under) is not None
    assert fast_plain_yaml(over, _yaml()) is None and isinstance(_full(over), Exception)


def test_an_alias_keeps_its_timestamps_whole():
    """Found by hypothesis: an aliased mapping holding a timestamp with a fraction and a zone
    (copy.deepcopy of ruamel's TimeStamp drops both)."""
    text = (
        "id: &a0\n  yes: \n    - yes\n    - 2001-12-14t21:59:43.10-05:00\n  No: yes\n"
        "title: yes\nparties: *a0\n"
    )
    _same_or_declined(text)
