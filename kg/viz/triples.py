"""A graph read once into a small index, its terms as plain Python values.

Both an rdflib Graph and a pyoxigraph Store can be read; a Store (or an rdflib
Graph over one, as kg.store.open_graph gives) is read natively, which is ten
times faster than converting every term through rdflib.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, NamedTuple

from kg.errors import InputError


class Lit(NamedTuple):
    """A literal: its lexical value and its language tag (lower case), or None."""

    value: str
    lang: str | None = None


#: IRIs are plain strings, blank nodes ``_:id``, literals :class:`Lit`.
Term = str | Lit

_NONE: dict[str, Any] = {}
_EMPTY: tuple[()] = ()


def _append(index: dict[str, dict[str, list[Any]]], key: str, predicate: str, value: Any) -> None:
    props = index.get(key)
    if props is None:
        index[key] = {predicate: [value]}
        return
    values = props.get(predicate)
    if values is None:
        props[predicate] = [value]
    else:
        values.append(value)


class TripleIndex:
    """Subject → predicate → IRI objects, subject → predicate → literals, and IRI object → predicate → subjects."""

    def __init__(self) -> None:
        self.out: dict[str, dict[str, list[str]]] = {}
        self.lit: dict[str, dict[str, list[Lit]]] = {}
        self.inc: dict[str, dict[str, list[str]]] = {}
        self.size = 0

    def add(self, s: str, p: str, o: Term) -> None:
        if type(o) is str:
            _append(self.out, s, p, o)
            _append(self.inc, o, p, s)
        else:
            _append(self.lit, s, p, o)
        self.size += 1

    def properties(self, s: str) -> list[str]:
        return sorted(set(self.out.get(s, _NONE)) | set(self.lit.get(s, _NONE)))

    def iris(self, s: str, p: str) -> Sequence[str]:
        return self.out.get(s, _NONE).get(p, _EMPTY)

    def literals(self, s: str, p: str) -> Sequence[Lit]:
        return self.lit.get(s, _NONE).get(p, _EMPTY)

    def subjects(self, p: str, o: str) -> Sequence[str]:
        return self.inc.get(o, _NONE).get(p, _EMPTY)


def read_graph(source: Any) -> TripleIndex:
    """Index every triple of an rdflib Graph or a pyoxigraph Store (its default graph)."""
    import pyoxigraph as ox

    store = source
    if not isinstance(source, ox.Store):
        # An rdflib Graph over Oxigraph (kg.store.open_graph): read the store
        # natively; converting every term through rdflib costs ten times more.
        inner = getattr(getattr(source, "store", None), "_store", None)
        if isinstance(inner, ox.Store):
            store = inner
    if isinstance(store, ox.Store):
        return _read_oxigraph(store)
    from rdflib import BNode, Graph, Literal

    if not isinstance(source, Graph):
        raise InputError(
            f"cannot read a graph from {type(source).__name__}: pass an rdflib Graph or a pyoxigraph Store"
        )
    index = TripleIndex()
    for s, p, o in source.triples((None, None, None)):
        subject = f"_:{s}" if isinstance(s, BNode) else str(s)
        if isinstance(o, Literal):
            obj: Term = Lit(str(o), o.language.lower() if o.language else None)
        else:
            obj = f"_:{o}" if isinstance(o, BNode) else str(o)
        index.add(subject, str(p), obj)
    return index


def _read_oxigraph(store: Any) -> TripleIndex:
    """The hot loop for a large graph: plain type checks and dict lookups only."""
    import pyoxigraph as ox

    named, literal = ox.NamedNode, ox.Literal
    index = TripleIndex()
    out, lit, inc = index.out, index.lit, index.inc
    count = 0
    for s, p, o, _ in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        subject = s.value if type(s) is named else "_:" + s.value
        predicate = p.value
        count += 1
        if type(o) is literal:
            language = o.language
            _append(lit, subject, predicate, Lit(o.value, language.lower() if language else None))
        else:
            obj = o.value if type(o) is named else "_:" + o.value
            _append(out, subject, predicate, obj)
            _append(inc, obj, predicate, subject)
    index.size = count
    return index
