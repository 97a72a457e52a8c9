"""The catalog: every node and edge the explorer can draw, with what a reader reads about each."""

from __future__ import annotations

import gc
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from kg.viz.triples import TripleIndex, read_graph
from kg.viz.vocab import (
    DCT,
    DEFINITION_PREDICATES,
    FOLDED,
    HEADLINE_PREDICATES,
    INVERSES,
    KINDS,
    LABEL_PREDICATES,
    LANGS,
    OA,
    ORG,
    ORGAN_PREDICATES,
    OWL,
    PROV,
    PROVINCE_PATHS,
    RDF_TYPE,
    RDFS,
    RELATION_NAMES,
    SEARCH_PREDICATES,
    SKOS,
    UNDRAWN,
    ZF,
    Kind,
    bilingual,
    lang_of,
    literal_order,
    qname,
)

#: Evidence roles quoted for context, not as the stating sentence, and their short name in the details panel.
CONTEXT_ROLES = {ZF + "ContextHeading": "heading", ZF + "ContextClause": "clause"}


@dataclass
class Node:
    iri: str
    kind: str
    label: dict[str, str]
    types: frozenset[str]  # every class the node has, with superclasses
    alt: list[str] = field(default_factory=list)  # other names a search finds it by
    short: dict[str, str] | None = None  # zf:shortName (provinces)
    provinces: list[str] = field(default_factory=list)  # provinces the node belongs to
    info: dict[str, Any] = field(default_factory=dict)


class Edge(NamedTuple):
    source: str
    relation: str
    target: str


@dataclass
class Catalog:
    """Everything the explorer can draw, before filters."""

    nodes: dict[str, Node]
    edges: list[Edge]
    relations: dict[str, dict[str, str]]
    edge_notes: dict[Edge, dict[str, str]]
    neighbours: dict[str, set[str]]
    label: Callable[[str], dict[str, str]]  # the name of any IRI in both languages


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic garbage collection while a large catalog is built: it would rescan
    the fresh containers again and again (a third of the time on 100k triples)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class CatalogBuilder:
    def __init__(self, index: TripleIndex) -> None:
        self.index = index
        self.superclasses = self._superclasses()
        self.labels: dict[str, dict[str, str]] = {}
        self.kinds: dict[frozenset[str], tuple[Kind | None, frozenset[str]]] = {}

    def _superclasses(self) -> dict[str, set[str]]:
        direct: dict[str, set[str]] = defaultdict(set)
        for cls, props in self.index.out.items():
            for sup in props.get(RDFS + "subClassOf", ()):
                direct[cls].add(sup)
        closure: dict[str, set[str]] = {}

        def up(cls: str) -> set[str]:
            if cls not in closure:
                closure[cls] = {cls}
                for sup in direct.get(cls, ()):
                    closure[cls] |= up(sup)
            return closure[cls]

        for cls in list(direct):
            up(cls)
        return closure

    def label(self, iri: str) -> dict[str, str]:
        """A node's or term's name in both languages (prefLabel, label, name, title; else its local name)."""
        if iri not in self.labels:
            name = None
            for predicate in LABEL_PREDICATES:
                name = bilingual(self.index.literals(iri, predicate))
                if name:
                    break
            if name is None:
                name = RELATION_NAMES.get(iri) and dict(zip(LANGS, RELATION_NAMES[iri], strict=True))
            if name is None:
                short = qname(iri) if not iri.startswith("_:") else iri
                name = {"zh": short, "en": short}
            self.labels[iri] = name
        return self.labels[iri]

    def classify(self, asserted: Sequence[str]) -> tuple[Kind | None, frozenset[str]]:
        """The kind of a node with these classes, and all its classes with their superclasses."""
        key = frozenset(asserted)
        if key not in self.kinds:
            types = frozenset().union(*(self.superclasses.get(cls, {cls}) for cls in key))
            kind = next((k for k in KINDS if any(cls in types for cls in k.classes)), None)
            self.kinds[key] = (kind, types)
        return self.kinds[key]

    def build(self) -> Catalog:
        with paused_gc():
            return self._build()

    def _build(self) -> Catalog:
        nodes: dict[str, Node] = {}
        for iri, props in self.index.out.items():
            asserted = props.get(RDF_TYPE)
            if not asserted or iri.startswith("_:"):
                continue
            kind, types = self.classify(asserted)
            if kind is None:
                continue
            alt = sorted(
                {lit.value for p in SEARCH_PREDICATES for lit in self.index.literals(iri, p)}
                | {lit.value for p in LABEL_PREDICATES for lit in self.index.literals(iri, p)}
            )
            short = bilingual(self.index.literals(iri, ZF + "shortName"))
            nodes[iri] = Node(iri, kind.key, self.label(iri), types, alt, short)
        edges, notes = self._edges(nodes)
        neighbours: dict[str, set[str]] = defaultdict(set)
        for edge in edges:
            neighbours[edge.source].add(edge.target)
            neighbours[edge.target].add(edge.source)
        for node in nodes.values():
            node.provinces = self._provinces(node, nodes)
            node.info = self._details(node, nodes)
        relations = {rel: self._relation_label(rel) for rel in sorted({e.relation for e in edges})}
        return Catalog(nodes, edges, relations, notes, neighbours, self.label)

    def _relation_label(self, relation: str) -> dict[str, str]:
        for (first, second), (zh, en) in FOLDED.items():
            if relation == f"{qname(first)}/{qname(second)}":
                return {"zh": zh, "en": en}
        return self.label(relation)

    def _edges(self, nodes: dict[str, Node]) -> tuple[list[Edge], dict[Edge, dict[str, str]]]:
        inverses = dict(INVERSES)
        for prop, props in self.index.out.items():
            for other in props.get(OWL + "inverseOf", ()):
                inverses[prop] = other
        edges: set[Edge] = set()
        notes: dict[Edge, list[dict[str, str]]] = defaultdict(list)
        for source in nodes:
            for predicate, objects in self.index.out[source].items():
                if predicate in UNDRAWN:
                    continue
                for target in objects:
                    if target in nodes and target != source:
                        if predicate in inverses:
                            edges.add(Edge(target, inverses[predicate], source))
                        else:
                            edges.add(Edge(source, predicate, target))
            for (first, second), _ in FOLDED.items():
                relation = f"{qname(first)}/{qname(second)}"
                middles = set(self.index.iris(source, first))
                if first == ORG + "holds":
                    middles |= set(self.index.subjects(ORG + "heldBy", source))
                for middle in sorted(middles):
                    for target in self.index.iris(middle, second):
                        if target in nodes and target != source:
                            edge = Edge(source, relation, target)
                            edges.add(edge)
                            if first == ORG + "holds":
                                notes[edge].append(self.label(middle))
        joined = {
            edge: {"zh": "；".join(n["zh"] for n in names), "en": "; ".join(n["en"] for n in names)}
            for edge, names in notes.items()
        }
        return sorted(edges), joined

    def _step(self, nodes: Iterable[str], step: str) -> set[str]:
        following: set[str] = set()
        for node in nodes:
            if step[0] == "^":
                following.update(self.index.subjects(step[1:], node))
            else:
                following.update(self.index.iris(node, step))
        return following

    def _provinces(self, node: Node, nodes: dict[str, Node]) -> list[str]:
        """The provinces a node belongs to, by the paths of PROVINCE_PATHS."""
        if node.kind == "province":
            return [node.iri]
        found: set[str] = set()
        for first, *rest in PROVINCE_PATHS:
            current: Iterable[str] = (
                self.index.subjects(first[1:], node.iri) if first[0] == "^" else self.index.iris(node.iri, first)
            )
            for step in rest:
                if not current:
                    break
                current = self._step(current, step)
            found.update(p for p in current if p in nodes and nodes[p].kind == "province")
        return sorted(found)

    def _categories(self, mechanisms: Iterable[str], nodes: dict[str, Node]) -> list[str]:
        found: set[str] = set()
        seen: set[str] = set()
        todo = deque(mechanisms)
        while todo:
            concept = todo.popleft()
            if concept in seen:
                continue
            seen.add(concept)
            if concept in nodes and nodes[concept].kind == "category":
                found.add(concept)
            todo.extend(self.index.iris(concept, SKOS + "broader"))
        return sorted(found)

    def _details(self, node: Node, nodes: dict[str, Node]) -> dict[str, Any]:
        """What a reader reads about a node: type, province, organ, categories, figures, evidence, the rest."""
        index, iri = self.index, node.iri
        info: dict[str, Any] = {}
        asserted = index.iris(iri, RDF_TYPE)
        specific = [c for c in asserted if not any(c != o and c in self.superclasses.get(o, ()) for o in asserted)]
        info["types"] = [self.label(c) for c in sorted(specific)]
        organs = [o for p in ORGAN_PREDICATES for o in index.iris(iri, p) if o in nodes and nodes[o].kind == "organ"]
        for post in index.iris(iri, ORG + "holds"):
            organs += index.iris(post, ORG + "postIn")
        if organs:
            info["organs"] = [self.label(o) for o in dict.fromkeys(organs)]
        mechanisms = index.iris(iri, ZF + "implements") or (
            index.iris(iri, DCT + "subject") if node.kind == "document" else []
        )
        if node.kind in ("mechanism", "category"):
            mechanisms = [iri]
        categories = [c for c in self._categories(mechanisms, nodes) if c != iri]
        if categories:
            info["categories"] = [self.label(c) for c in categories]
        if index.iris(iri, ZF + "implements"):
            info["mechanisms"] = [self.label(m) for m in sorted(index.iris(iri, ZF + "implements"))]
        figures = index.iris(iri, ZF + "hasFigure")
        if figures:
            info["figures"] = [self.label(f) for f in sorted(figures)]
        for predicate in DEFINITION_PREDICATES:
            text = bilingual(index.literals(iri, predicate))
            if text:
                info["definition"] = text
                break
        basis = index.iris(iri, ZF + "attributionBasis")
        if basis:
            # How the measure's organ is known: stated in the text, or inferred (with a note saying from what).
            info["attribution"] = {"basis": self.label(basis[0]), "inferred": basis[0] == ZF + "InferredFromContext"}
            note = bilingual(index.literals(iri, ZF + "attributionNote"))
            if note:
                info["attribution"]["note"] = note
        evidence = [self._evidence(ev) for ev in sorted(index.iris(iri, PROV + "wasDerivedFrom"))]
        if evidence:
            # Stating sentences first, context (headings, problem/background clauses) after; each by where it starts.
            info["evidence"] = sorted(
                evidence,
                key=lambda e: (e.get("role") in CONTEXT_ROLES.values(), e.get("start") is None, e.get("start") or 0),
            )
        info["props"] = self._other_properties(iri, shown=set(organs))
        return info

    def _evidence(self, evidence: str) -> dict[str, Any]:
        index = self.index
        found: dict[str, Any] = {"id": qname(evidence)}
        role = index.iris(evidence, ZF + "evidenceRole")
        if role:
            found["role"] = CONTEXT_ROLES.get(role[0], "sentence")
        for source in index.iris(evidence, OA + "hasSource"):
            found["source"] = self.label(source)
            found["doc"] = source  # the source's IRI: a served page links the quote to its place in it
        for selector in index.iris(evidence, OA + "hasSelector"):
            for key, predicate in (("quote", "exact"), ("prefix", "prefix"), ("suffix", "suffix")):
                values = index.literals(selector, OA + predicate)
                if values:
                    found[key] = values[0].value
            for key in ("start", "end"):
                values = index.literals(selector, OA + key)
                if values and values[0].value.lstrip("-").isdigit():
                    found[key] = int(values[0].value)
        if "quote" not in found:  # evidence given as a plain string or a drawn node
            found["quote"] = self.label(evidence)["zh"]
        return found

    def _other_properties(self, iri: str, shown: set[str]) -> list[list[Any]]:
        """Every other property, by name; ``shown`` are the organs already listed in the headline."""
        rows: list[list[Any]] = []
        for predicate in sorted(self.index.properties(iri), key=qname):
            if predicate in HEADLINE_PREDICATES:
                continue
            literals = self.index.literals(iri, predicate)
            values: list[dict[str, str]] = []
            tagged = [lit for lit in literals if lang_of(lit)]
            if tagged:
                text = bilingual(tagged)
                if text:
                    values.append(text)
            values += [
                {"zh": lit.value, "en": lit.value} for lit in sorted(literals, key=literal_order) if not lang_of(lit)
            ]
            for target in sorted(self.index.iris(iri, predicate)):
                if target.startswith("_:") or (predicate in ORGAN_PREDICATES and target in shown):
                    continue
                values.append(self.label(target))
            if values:
                rows.append([self.label(predicate), values])
        return rows


def build_catalog(source: Any) -> Catalog:
    """Read a graph (rdflib Graph or pyoxigraph Store) and list what the explorer can draw."""
    with paused_gc():
        index = read_graph(source)
    return CatalogBuilder(index).build()
