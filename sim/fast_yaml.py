"""The fast YAML reader: a plain document read by libyaml (PyYAML's C parser) exactly as
ruamel.yaml's pure-Python reader would read it, about twenty times faster.

The loader (:mod:`sim.scenario.loader`) and the fact digest (:mod:`sim.facts`) read every
file with it first, and read a file again with ruamel.yaml, keeping line numbers, only when
this reader declines it or a problem in it needs its line.  It reads within the input
gate's limits (:mod:`sim.inputs`: :data:`~sim.inputs.MAX_YAML_DEPTH`,
:data:`~sim.inputs.MAX_YAML_NODES`, aliases counted as :class:`~sim.inputs.LimitedComposer`
counts them).
"""

from __future__ import annotations

from typing import Any

from sim.inputs import MAX_YAML_DEPTH, MAX_YAML_NODES

__all__ = ["fast_plain_yaml"]


class _Slow(Exception):
    """The document needs the full (pure-Python) reader: the fast one does not take it."""


#: Tags :func:`fast_plain_yaml` builds values of; any other (a merge key ``<<``, an explicit
#: tag) sends the document to the full reader.
_CORE_TAGS = frozenset(
    f"tag:yaml.org,2002:{t}" for t in ("null", "bool", "int", "float", "str", "timestamp")
)


def fast_plain_yaml(text: str, yaml) -> Any:
    """A plain YAML document as plain data (dicts with text keys, lists, scalars), read by
    libyaml (PyYAML's C parser) about twenty times faster than ruamel.yaml's pure-Python one;
    or ``None`` when the fast reader does not apply and the caller must read ``text`` with
    ``yaml`` (a ``ruamel.yaml.YAML(typ="rt")`` with :class:`LimitedComposer`).

    The fast reader only takes what it reads exactly as the full one would: libyaml makes
    the events (the YAML syntax is the same), and every plain scalar is resolved and built
    by ``yaml``'s own resolver and constructor, so values have the same types (YAML 1.2:
    ``yes`` is text, ``0x1F`` an int) and the constructor's own handling (a customised date
    constructor, say).  It gives ``None`` (the full reader then reports, with its line, what
    needs one) for: libyaml missing, any error, an empty document or several, a ``%YAML`` or
    ``%TAG`` directive, an anchor, alias or explicit tag, a merge key, a key that is not a
    scalar, a duplicate key (also two keys with the same text), or a document beyond
    :data:`MAX_YAML_DEPTH` or :data:`MAX_YAML_NODES` (checked as the events come, so a
    hostile document costs no more than reading it).  Without aliases the node count is the
    number of nodes read, as :class:`LimitedComposer` counts them.

    Parameters
    ----------
    text : str
        The document (already through :func:`read_yaml_text`).
    yaml : ruamel.yaml.YAML
        The round-trip reader the document would be read with; its resolver and
        constructor build the scalars.
    """
    try:
        from yaml._yaml import CParser
    except ImportError:  # PyYAML without libyaml: the full reader
        return None
    try:
        return _from_events(CParser(text), yaml.resolver, yaml.constructor)
    except Exception:  # any problem: the full reader reports it, with its line
        return None


def _containers_copied(value: Any) -> Any:
    """``value`` with every dict and list copied and every scalar shared."""
    if isinstance(value, dict):
        return {k: _containers_copied(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_containers_copied(v) for v in value]
    return value


def _from_events(parser, resolver, constructor) -> Any:
    """Plain data from a libyaml event stream (see :func:`fast_plain_yaml`); raises on
    anything the fast reader does not take.

    An alias stands for a copy of its anchor's value and counts as that value's nodes, as in
    :class:`LimitedComposer`: its containers are new, its scalars shared (they are immutable;
    ``copy.deepcopy`` would also lose a timestamp's fraction and zone, which ruamel's
    ``TimeStamp.__deepcopy__`` drops)."""
    from ruamel.yaml.nodes import ScalarNode

    cache: dict[str, Any] = {}
    anchors: dict[str, tuple[Any, int]] = {}  # anchor -> (value, nodes it counts as)

    def scalar(event) -> Any:
        if event.tag is not None:
            raise _Slow
        if event.implicit[0] is not True:  # quoted, literal or folded: text
            return str(event.value)
        value, anchor = event.value, event.anchor
        if anchor is None and value in cache:
            return cache[value]
        tag = resolver.resolve(ScalarNode, value, (True, False))
        if str(tag) not in _CORE_TAGS:
            raise _Slow
        out = constructor.construct_object(ScalarNode(tag, value, anchor=anchor))
        if type(out).__name__ == "ScalarFloat":
            out = float(out)
        elif type(out).__name__ == "ScalarBoolean":
            out = bool(out)
        elif isinstance(out, str):
            out = str(out)
        if anchor is None:
            cache[value] = out
        return out

    # containers being built: [container, pending key, raw keys seen, anchor, nodes before]
    stack: list[list] = []
    nodes = 0
    root: Any = _NO_KEY
    for event in _document_events(parser):
        kind = type(event).__name__
        if kind in ("MappingStartEvent", "SequenceStartEvent"):
            if event.tag is not None:
                raise _Slow
            nodes += 1
            if nodes > MAX_YAML_NODES or len(stack) >= MAX_YAML_DEPTH:
                raise _Slow
            empty = {} if kind == "MappingStartEvent" else []
            stack.append([empty, _NO_KEY, set(), event.anchor, nodes - 1])
            continue
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            value, _key, _seen, anchor, before = stack.pop()
            if anchor is not None:
                anchors[anchor] = (value, nodes - before)
        elif kind == "ScalarEvent":
            nodes += 1
            if nodes > MAX_YAML_NODES or len(stack) >= MAX_YAML_DEPTH:
                raise _Slow
            value = scalar(event)
            if event.anchor is not None:
                anchors[event.anchor] = (value, 1)
        elif kind == "AliasEvent":
            value, size = anchors[event.anchor]  # (an unknown anchor: KeyError, the full reader)
            nodes += size
            if nodes > MAX_YAML_NODES:
                raise _Slow
            value = _containers_copied(value)
        else:
            raise _Slow
        if not stack:
            root = value
            continue
        top = stack[-1]
        if isinstance(top[0], list):
            top[0].append(value)
        elif top[1] is _NO_KEY:  # a key
            if kind != "ScalarEvent" or value in top[2] or str(value) in top[0]:
                raise _Slow
            top[2].add(value)
            top[1] = value
        else:
            top[0][str(top[1])] = value
            top[1] = _NO_KEY
    if root is _NO_KEY or root is None:
        raise _Slow
    return root


_NO_KEY = object()


def _document_events(parser):
    """The events of the one document of a stream, without its start and end; raises
    :class:`_Slow` for a directive, several documents or none."""
    if type(parser.get_event()).__name__ != "StreamStartEvent":
        raise _Slow
    start = parser.get_event()
    if type(start).__name__ != "DocumentStartEvent" or start.version or start.tags:
        raise _Slow
    while True:
        event = parser.get_event()
        if type(event).__name__ == "DocumentEndEvent":
            break
        yield event
    if type(parser.get_event()).__name__ != "StreamEndEvent":
        raise _Slow
