"""A graph read once into a small index, its terms as plain Python values.

Both an rdflib Graph and a pyoxigraph Store can be read; a Store (or an rdflib
Graph over one, as kg.store.open_graph gives) is read natively, which is ten
times faster than converting every term through rdflib.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

from kg.errors import InputError


class Lit(NamedTuple):
    """A literal: lexical value, language tag (lower case) or None, datatype IRI or None."""

    value: str
    lang: str | None = None
    datatype: str | None = None


#: IRIs are plain strings, blank nodes ``_:id``, literals :class:`Lit`.
Term = str | Lit


class TripleIndex:
    """Subject → predicate → objects, and object → predicate → subjects."""

    def __init__(self, triples: Iterable[tuple[str, str, Term]]) -> None:
        self.out: dict[str, dict[str, list[Term]]] = defaultdict(lambda: defaultdict(list))
        self.inc: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
        self.size = 0
        for s, p, o in triples:
            self.out[s][p].append(o)
            if isinstance(o, str):
                self.inc[o][p].append(s)
            self.size += 1

    def objects(self, s: str, p: str) -> list[Term]:
        props = self.out.get(s)
        return props.get(p, []) if props else []

    def iris(self, s: str, p: str) -> list[str]:
        return [o for o in self.objects(s, p) if isinstance(o, str)]

    def literals(self, s: str, p: str) -> list[Lit]:
        return [o for o in self.objects(s, p) if isinstance(o, Lit)]

    def subjects(self, p: str, o: str) -> list[str]:
        props = self.inc.get(o)
        return props.get(p, []) if props else []


def read_triples(source: Any) -> Iterator[tuple[str, str, Term]]:
    """Every triple of an rdflib Graph or a pyoxigraph Store (its default graph)."""
    import pyoxigraph as ox

    store = source
    if not isinstance(source, ox.Store):
        # An rdflib Graph over Oxigraph (kg.store.open_graph): read the store
        # natively; converting every term through rdflib costs ten times more.
        inner = getattr(getattr(source, "store", None), "_store", None)
        if isinstance(inner, ox.Store):
            store = inner
    if isinstance(store, ox.Store):
        yield from _oxigraph_triples(store)
        return
    from rdflib import BNode, Graph, Literal

    if not isinstance(source, Graph):
        raise InputError(
            f"cannot read a graph from {type(source).__name__}: pass an rdflib Graph or a pyoxigraph Store"
        )
    for s, p, o in source.triples((None, None, None)):
        subject = f"_:{s}" if isinstance(s, BNode) else str(s)
        if isinstance(o, Literal):
            obj: Term = Lit(str(o), o.language.lower() if o.language else None, str(o.datatype) if o.datatype else None)
        else:
            obj = f"_:{o}" if isinstance(o, BNode) else str(o)
        yield subject, str(p), obj


def _oxigraph_triples(store: Any) -> Iterator[tuple[str, str, Term]]:
    import pyoxigraph as ox

    for quad in store.quads_for_pattern(None, None, None, ox.DefaultGraph()):
        s, o = quad.subject, quad.object
        subject = f"_:{s.value}" if isinstance(s, ox.BlankNode) else s.value
        if isinstance(o, ox.Literal):
            obj: Term = Lit(o.value, o.language.lower() if o.language else None, o.datatype.value)
        else:
            obj = f"_:{o.value}" if isinstance(o, ox.BlankNode) else o.value
        yield subject, quad.predicate.value, obj
