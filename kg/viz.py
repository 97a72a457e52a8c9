"""Interactive graph explorer in one offline HTML file (``kg viz``).

The graph is read once into a small in-memory index; the nodes a reader wants
to see (measures, organs, provinces, mechanisms and their categories, problems,
documents, systems, figures, speeches, people, events, the source document)
are picked by class, evidence is folded into each node's details, and the
filters (province, category, class, focus) select a subgraph. The page is one
self-contained UTF-8 file: vis-network (the copy pyvis ships) and our own
script are inlined, a Content-Security-Policy forbids every request, and all
graph text travels as JSON that the page renders with ``textContent`` only.

Notebook use::

    from kg.store import open_graph
    from kg.viz import explore

    view = explore(open_graph("memory"), provinces=["湖南"])
    view.write("hunan.html")
    view  # shows the explorer inline
"""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import math
import re
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal, NamedTuple

from kg.errors import InputError, UsageError
from kg.namespaces import PREFIXES
from kg.serialize import write_atomic

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

#: Above this many nodes the page would be slow to lay out and unreadable:
#: the lowest-priority nodes are left out and the page says how to focus.
DEFAULT_MAX_NODES = 1500

#: The vis-network build that pyvis ships inside its package (templates/lib/).
VIS_VERSION = "9.1.2"

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "viz"

ZF = PREFIXES["zf"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
OWL = PREFIXES["owl"]
OA = PREFIXES["oa"]
ORG = PREFIXES["org"]
DCT = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
FOAF = PREFIXES["foaf"]
SKOS_BROADER = SKOS + "broader"


# ---------------------------------------------------------------------------
# Reading the graph
# ---------------------------------------------------------------------------


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


# ---------------------------------------------------------------------------
# What a reader sees: kinds of node, relations, labels
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Kind:
    """A kind of node drawn in the explorer, with its legend entry and style."""

    key: str
    classes: tuple[str, ...]
    zh: str
    en: str
    color: str
    shape: str
    size: int
    font: int  # label size: the larger ones stay readable when the whole graph is in view


#: In classification order (the first kind whose class a node has wins).
KINDS: tuple[Kind, ...] = (
    Kind("province", (ZF + "Province",), "省份", "provinces", "#d62728", "box", 26, 30),
    Kind("category", (ZF + "MechanismCategory",), "机制大类", "mechanism categories", "#6a3d9a", "hexagon", 24, 22),
    Kind("mechanism", (ZF + "Mechanism",), "机制", "mechanisms", "#b39ddb", "hexagon", 15, 13),
    Kind("organ", (ZF + "Organ",), "机关", "organs", "#1f77b4", "square", 17, 16),
    Kind("measure", (ZF + "Measure",), "举措", "measures", "#2ca02c", "dot", 12, 12),
    Kind("problem", (ZF + "Problem",), "问题", "problems", "#ff7f0e", "triangleDown", 14, 12),
    Kind("document", (ZF + "PolicyDocument",), "规范性文件", "policy documents", "#8c564b", "diamond", 13, 12),
    Kind("system", (ZF + "InformationSystem",), "信息系统", "information systems", "#17becf", "triangle", 14, 12),
    Kind("figure", (ZF + "Figure",), "数据", "figures", "#d4a017", "dot", 8, 10),
    Kind("speech", (ZF + "Speech",), "发言", "speeches", "#e377c2", "star", 20, 16),
    Kind("person", (ZF + "Person", FOAF + "Person"), "人物", "people", "#7f7f7f", "ellipse", 14, 14),
    Kind("event", (ZF + "Event",), "会议", "events", "#404040", "star", 20, 16),
    Kind("source", (ZF + "SourceDocument",), "来源文献", "source documents", "#5d4037", "database", 16, 15),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}

#: Which kinds are kept first when a view is larger than its node limit.
KEEP_ORDER = (
    "province",
    "category",
    "organ",
    "speech",
    "person",
    "event",
    "source",
    "measure",
    "mechanism",
    "problem",
    "document",
    "system",
    "figure",
)

#: Predicates never drawn as edges (types, schemes) — the rest of the
#: relations between drawn nodes are all drawn.
UNDRAWN = {RDF_TYPE, SKOS + "inScheme", SKOS + "topConceptOf", SKOS + "hasTopConcept", OWL + "sameAs"}

#: Relations drawn the other way round under their inverse, so that a pair
#: stated both ways is one edge.
INVERSES = {
    SKOS + "narrower": SKOS + "broader",
    ORG + "hasSubOrganization": ORG + "subOrganizationOf",
    ORG + "heldBy": ORG + "holds",
}

#: Two-step paths through nodes that are not drawn (posts, document parts),
#: drawn as one edge: (first step, second step) → relation name.
FOLDED: dict[tuple[str, str], tuple[str, str]] = {
    (ORG + "holds", ORG + "postIn"): ("任职于", "holds a post in"),
    (ZF + "textPart", DCT + "isPartOf"): ("摘登于", "excerpted in"),
}

#: Names for the reused vocabulary's relations (the project's own carry labels in the ontology).
RELATION_NAMES: dict[str, tuple[str, str]] = {
    SKOS + "broader": ("上位概念", "broader"),
    SKOS + "related": ("相关", "related"),
    ORG + "subOrganizationOf": ("隶属于", "part of"),
    ORG + "postIn": ("职务所在机关", "post in"),
    ORG + "holds": ("担任职务", "holds post"),
    DCT + "creator": ("制定者", "creator"),
    DCT + "subject": ("主题", "subject"),
    DCT + "references": ("引用", "references"),
    DCT + "publisher": ("出版者", "publisher"),
    DCT + "isPartOf": ("属于", "part of"),
    DCT + "hasPart": ("包含", "has part"),
    DCT + "title": ("题名", "title"),
    DCT + "description": ("说明", "description"),
    DCT + "date": ("日期", "date"),
    DCT + "issued": ("发布时间", "issued"),
    DCT + "language": ("语言", "language"),
    DCT + "type": ("类型", "type"),
    DCT + "format": ("格式", "format"),
    DCT + "alternative": ("又名", "alternative title"),
    DCT + "dateAccepted": ("通过日期", "date accepted"),
    PROV + "wasDerivedFrom": ("来源引文", "derived from"),
    SKOS + "altLabel": ("又称", "also called"),
    SKOS + "scopeNote": ("范围注释", "scope note"),
    SKOS + "exactMatch": ("对应", "exact match"),
    OWL + "sameAs": ("同一实体", "same as"),
    FOAF + "name": ("姓名", "name"),
    "https://schema.org/startDate": ("开始日期", "start date"),
}

LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", FOAF + "name", DCT + "title")
SEARCH_PREDICATES = (SKOS + "altLabel", ZF + "shortName", FOAF + "name", DCT + "title", DCT + "alternative")
DEFINITION_PREDICATES = (SKOS + "definition", DCT + "description")

#: Shown as a node's headline facts rather than in its list of other properties.
HEADLINE_PREDICATES = {
    RDF_TYPE,
    PROV + "wasDerivedFrom",
    *LABEL_PREDICATES,
    *DEFINITION_PREDICATES,
    SKOS + "altLabel",
    ZF + "shortName",
    SKOS + "inScheme",
    SKOS + "topConceptOf",
    ZF + "inProvince",
    ZF + "adoptedBy",
    ZF + "implements",
    ZF + "hasFigure",
}

#: How a node belongs to a province: property paths ending at a province.
#: A step ``^p`` follows ``p`` backwards.
PROVINCE_PATHS: tuple[tuple[str, ...], ...] = (
    (ZF + "inProvince",),
    (ZF + "aboutArea",),
    (ZF + "adoptedBy", ZF + "inProvince"),
    (ZF + "aboutOrgan", ZF + "inProvince"),
    ("^" + ZF + "hasFigure", ZF + "adoptedBy", ZF + "inProvince"),
    (ZF + "onBehalfOf", ZF + "inProvince"),
    (ZF + "operatedBy", ZF + "inProvince"),
    (DCT + "creator", ZF + "inProvince"),
    ("^" + ZF + "createsDocument", ZF + "adoptedBy", ZF + "inProvince"),
    (ORG + "holds", ORG + "postIn", ZF + "inProvince"),
    ("^" + ZF + "speaker", ZF + "inProvince"),
)

#: Relations whose objects are listed as a node's organs in its details.
ORGAN_PREDICATES = (
    ZF + "adoptedBy",
    ZF + "jointlyWith",
    ZF + "aboutOrgan",
    ZF + "operatedBy",
    ZF + "onBehalfOf",
    DCT + "creator",
)


def qname(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def lang_of(literal: Lit) -> Lang | None:
    if literal.lang is None:
        return None
    if literal.lang.startswith("zh"):
        return "zh"
    if literal.lang.startswith("en"):
        return "en"
    return None


def _literal_order(literal: Lit) -> tuple[str, str, str]:
    return literal.value, literal.lang or "", literal.datatype or ""


def bilingual(literals: Iterable[Lit]) -> dict[str, str] | None:
    """The first Chinese and the first English value, each falling back to the other."""
    found: dict[str, str] = {}
    plain: str | None = None
    for literal in sorted(literals, key=_literal_order):
        lang = lang_of(literal)
        if lang is None:
            plain = plain if plain is not None else literal.value
        else:
            found.setdefault(lang, literal.value)
    if not found and plain is None:
        return None
    zh = found.get("zh") or plain or found.get("en", "")
    en = found.get("en") or plain or found.get("zh", "")
    return {"zh": zh, "en": en}


# ---------------------------------------------------------------------------
# The catalog: every drawable node and edge of the graph, with its details
# ---------------------------------------------------------------------------


@dataclass
class Node:
    iri: str
    kind: str
    label: dict[str, str]
    types: list[str]  # every class the node has, with superclasses
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

    def provinces(self) -> list[Node]:
        return [n for n in self.nodes.values() if n.kind == "province"]


class CatalogBuilder:
    def __init__(self, index: TripleIndex) -> None:
        self.index = index
        self.superclasses = self._superclasses()
        self.labels: dict[str, dict[str, str]] = {}

    def _superclasses(self) -> dict[str, set[str]]:
        direct: dict[str, set[str]] = defaultdict(set)
        for cls, props in self.index.out.items():
            for sup in props.get(RDFS + "subClassOf", []):
                if isinstance(sup, str):
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

    def classify(self, iri: str) -> tuple[Kind | None, list[str]]:
        types: set[str] = set()
        for cls in self.index.iris(iri, RDF_TYPE):
            types |= self.superclasses.get(cls, {cls})
        for kind in KINDS:
            if any(cls in types for cls in kind.classes):
                return kind, sorted(types)
        return None, sorted(types)

    def build(self) -> Catalog:
        nodes: dict[str, Node] = {}
        for iri in self.index.out:
            if iri.startswith("_:"):
                continue
            kind, types = self.classify(iri)
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
            for other in props.get(OWL + "inverseOf", []):
                if isinstance(other, str):
                    inverses[prop] = other
        edges: set[Edge] = set()
        notes: dict[Edge, list[dict[str, str]]] = defaultdict(list)
        for source in nodes:
            for predicate, objects in self.index.out[source].items():
                if predicate in UNDRAWN:
                    continue
                for target in objects:
                    if isinstance(target, str) and target in nodes and target != source:
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

    def _follow(self, start: str, path: Sequence[str]) -> set[str]:
        current = {start}
        for step in path:
            following: set[str] = set()
            for node in current:
                if step.startswith("^"):
                    following.update(self.index.subjects(step[1:], node))
                else:
                    following.update(self.index.iris(node, step))
            current = following
            if not current:
                break
        return current

    def _provinces(self, node: Node, nodes: dict[str, Node]) -> list[str]:
        if node.kind == "province":
            return [node.iri]
        found: set[str] = set()
        for path in PROVINCE_PATHS:
            found |= {p for p in self._follow(node.iri, path) if p in nodes and nodes[p].kind == "province"}
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
        info: dict[str, Any] = {"iri": iri}
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
        evidence = [self._evidence(ev) for ev in sorted(index.iris(iri, PROV + "wasDerivedFrom"))]
        if evidence:
            info["evidence"] = sorted(evidence, key=lambda e: (e.get("start") is None, e.get("start") or 0))
        info["props"] = self._other_properties(iri)
        return info

    def _evidence(self, evidence: str) -> dict[str, Any]:
        index = self.index
        found: dict[str, Any] = {"id": qname(evidence)}
        for source in index.iris(evidence, OA + "hasSource"):
            found["source"] = self.label(source)
        for selector in index.objects(evidence, OA + "hasSelector"):
            if not isinstance(selector, str):
                continue
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

    def _other_properties(self, iri: str) -> list[list[Any]]:
        rows: list[list[Any]] = []
        for predicate, objects in sorted(self.index.out[iri].items(), key=lambda item: qname(item[0])):
            if predicate in HEADLINE_PREDICATES or predicate in ORGAN_PREDICATES:
                continue
            literals = [o for o in objects if isinstance(o, Lit)]
            values: list[dict[str, str]] = []
            tagged = [lit for lit in literals if lang_of(lit)]
            if tagged:
                text = bilingual(tagged)
                if text:
                    values.append(text)
            values += [
                {"zh": lit.value, "en": lit.value} for lit in sorted(literals, key=_literal_order) if not lang_of(lit)
            ]
            for target in sorted(o for o in objects if isinstance(o, str)):
                if target.startswith("_:"):
                    continue
                values.append(self.label(target))
            if values:
                rows.append([self.label(predicate), values])
        return rows


def build_catalog(source: Any) -> Catalog:
    """Read a graph (rdflib Graph or pyoxigraph Store) and list what the explorer can draw."""
    return CatalogBuilder(TripleIndex(read_triples(source))).build()


# ---------------------------------------------------------------------------
# Filters: province, category, class, focus; the node limit
# ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _names(node: Node) -> set[str]:
    return {_norm(n) for n in (node.iri, qname(node.iri), node.label["zh"], node.label["en"], *node.alt)}


def _candidates(nodes: Iterable[Node]) -> str:
    shown = sorted(f"{n.label['zh']} / {n.label['en']}" for n in nodes)
    more = f" … ({len(shown) - 12} more)" if len(shown) > 12 else ""
    return ", ".join(shown[:12]) + more


def resolve(catalog: Catalog, name: str, kinds: Sequence[str] | None, what: str) -> Node:
    """The one node named ``name`` (IRI, prefixed name or a label in either language)."""
    pool = [n for n in catalog.nodes.values() if kinds is None or n.kind in kinds]
    wanted = _norm(name)
    if wanted.startswith("<") and wanted.endswith(">"):
        wanted = wanted[1:-1]
    exact = [n for n in pool if wanted in _names(n)]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise UsageError(f"{what} {name!r} is ambiguous: it names {_candidates(exact)}; give the IRI")
    partial = [n for n in pool if any(wanted in candidate for candidate in _names(n))]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise UsageError(f"{what} {name!r} matches several: {_candidates(partial)}; give a full label or the IRI")
    hint = f"; known: {_candidates(pool)}" if kinds and len(pool) <= 40 else ""
    raise UsageError(f"no {what} named {name!r}{hint}")


def province_selection(catalog: Catalog, provinces: set[str]) -> set[str]:
    """The nodes of some provinces, with the shared nodes (mechanisms, problems, events …) they link to.

    A node belongs to a province by the paths in PROVINCE_PATHS; a shared node
    (one that belongs to no province) is kept when a kept node links to it, and
    the broader chain of a kept mechanism is kept so its category shows. The page
    repeats this rule in its province filter.
    """
    nodes = catalog.nodes
    kept = {iri for iri, node in nodes.items() if set(node.provinces) & provinces}
    shared = {other for iri in kept for other in catalog.neighbours.get(iri, ()) if not nodes[other].provinces}
    kept |= shared
    todo = deque(shared)
    up: dict[str, list[str]] = defaultdict(list)
    for edge in catalog.edges:
        if edge.relation == SKOS_BROADER:
            up[edge.source].append(edge.target)
    while todo:
        for parent in up.get(todo.popleft(), ()):
            if parent not in kept and not nodes[parent].provinces:
                kept.add(parent)
                todo.append(parent)
    return kept


def category_selection(catalog: Catalog, concepts: set[str]) -> set[str]:
    """Mechanism concepts and everything under them, the measures implementing them and those measures' neighbours.

    The provinces of the organs shown are added, so the question "which provinces
    use this kind of mechanism" reads off the picture.
    """
    down: dict[str, list[str]] = defaultdict(list)
    for edge in catalog.edges:
        if edge.relation == SKOS_BROADER:
            down[edge.target].append(edge.source)
    under = set(concepts)
    todo = deque(concepts)
    while todo:
        for child in down.get(todo.popleft(), ()):
            if child not in under:
                under.add(child)
                todo.append(child)
    implements = ZF + "implements"
    measures = {e.source for e in catalog.edges if e.relation == implements and e.target in under}
    kept = under | measures
    for measure in measures:
        kept |= catalog.neighbours.get(measure, set())
    kept |= {p for iri in list(kept) if catalog.nodes[iri].kind == "organ" for p in catalog.nodes[iri].provinces}
    return kept


def class_selection(catalog: Catalog, classes: set[str]) -> set[str]:
    """Nodes of the given kinds (``measure``, ``organ`` …) or classes (IRIs, with subclasses)."""
    return {iri for iri, node in catalog.nodes.items() if node.kind in classes or classes & set(node.types)}


def focus_selection(catalog: Catalog, centres: set[str], depth: int) -> set[str]:
    """Nodes at most ``depth`` links away from the centres, in either direction."""
    kept = set(centres)
    frontier = set(centres)
    for _ in range(depth):
        frontier = {n for node in frontier for n in catalog.neighbours.get(node, ())} - kept
        kept |= frontier
    return kept


def resolve_class(catalog: Catalog, name: str) -> str:
    """A kind key, or a class IRI, from a kind name, a class IRI or prefixed name, or a class label."""
    wanted = _norm(name)
    for kind in KINDS:
        if wanted in {kind.key, _norm(kind.zh), _norm(kind.en), _norm(kind.en.rstrip("s"))}:
            return kind.key
    classes = {cls for node in catalog.nodes.values() for cls in node.types}
    matches = {
        cls
        for cls in classes
        if wanted in {_norm(cls), _norm(qname(cls))} or wanted in {_norm(v) for v in catalog.label(cls).values()}
    }
    if len(matches) == 1:
        return matches.pop()
    if matches:
        raise UsageError(f"class {name!r} is ambiguous: {', '.join(sorted(qname(m) for m in matches))}")
    known = ", ".join(kind.key for kind in KINDS)
    raise UsageError(
        f"no class named {name!r}: use a kind ({known}), a class IRI such as zf:PeoplesCourt, or its label"
    )


@dataclass
class Filters:
    """What to show: every filter given narrows the view (a node is shown when it passes them all)."""

    provinces: Sequence[str] = ()
    categories: Sequence[str] = ()
    classes: Sequence[str] = ()
    focus: Sequence[str] = ()
    depth: int = 1

    def active(self) -> bool:
        return bool(self.provinces or self.categories or self.classes or self.focus)


@dataclass
class GraphView:
    """A selection of the catalog ready to draw, and what was left out."""

    catalog: Catalog
    nodes: list[Node]
    edges: list[Edge]
    selected: int  # nodes that passed the filters, before the node limit
    max_nodes: int | None
    left_out: dict[str, int]  # kind → nodes left out by the node limit
    filters: list[dict[str, Any]]  # a description of the filters, for the page
    lang: Lang = "zh"
    title: str | None = None

    @property
    def truncated(self) -> bool:
        return bool(self.left_out)

    def summary(self) -> str:
        """What the CLI prints: counts by kind, and what was left out with how to focus."""
        counts = count_by_kind(self.nodes)
        lines = [
            f"{len(self.nodes)} nodes, {len(self.edges)} edges "
            f"(of {len(self.catalog.nodes)} nodes, {len(self.catalog.edges)} edges in the graph)",
            "  " + ", ".join(f"{KIND_BY_KEY[k].en}: {v}" for k, v in counts.items()),
        ]
        if self.truncated:
            lines.append(self.left_out_message("en"))
        return "\n".join(lines)

    def left_out_message(self, lang: Lang = "en") -> str:
        parts = ", ".join(f"{count} {KIND_BY_KEY[kind].en}" for kind, count in self.left_out.items())
        return (
            f"left out {sum(self.left_out.values())} of {self.selected} nodes above the limit of "
            f"{self.max_nodes} ({parts}); focus with --province, --category, --class or "
            f"--focus NODE --depth N, or raise --max-nodes"
        )

    def to_html(self, lang: Lang | None = None) -> str:
        return render_html(self, lang or self.lang)

    def write(self, path: Path | str, lang: Lang | None = None) -> Path:
        """Write the page atomically as UTF-8."""
        target = Path(path)
        write_atomic(target, self.to_html(lang).encode("utf-8"))
        target.chmod(0o644)  # a page to share, not a private temporary file
        return target

    def _repr_html_(self) -> str:
        """Show inline in Jupyter: the page in a sandboxed iframe (scripts only, no network)."""
        page = html.escape(self.to_html(), quote=True)
        return (
            f'<iframe srcdoc="{page}" sandbox="allow-scripts" '
            'style="width:100%;height:720px;border:1px solid #ddd"></iframe>'
        )


def count_by_kind(nodes: Iterable[Node]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for node in nodes:
        counts[node.kind] += 1
    return {kind.key: counts[kind.key] for kind in KINDS if counts[kind.key]}


def select(catalog: Catalog, filters: Filters | None = None, max_nodes: int | None = DEFAULT_MAX_NODES) -> GraphView:
    """Apply the filters, then the node limit (keeping provinces, categories, organs … before figures)."""
    filters = filters or Filters()
    if filters.depth < 0:
        raise UsageError("--depth must be 0 or more")
    if max_nodes is not None and max_nodes < 1:
        raise UsageError("--max-nodes must be 1 or more")
    chosen = set(catalog.nodes)
    described: list[dict[str, Any]] = []
    if filters.provinces:
        found = [resolve(catalog, name, ("province",), "province") for name in filters.provinces]
        chosen &= province_selection(catalog, {n.iri for n in found})
        described.append({"key": "province", "values": [n.short or n.label for n in found]})
    if filters.categories:
        found = [resolve(catalog, name, ("category", "mechanism"), "mechanism category") for name in filters.categories]
        chosen &= category_selection(catalog, {n.iri for n in found})
        described.append({"key": "category", "values": [n.label for n in found]})
    if filters.classes:
        wanted = {resolve_class(catalog, name) for name in filters.classes}
        chosen &= class_selection(catalog, wanted)
        described.append({"key": "class", "values": [_class_label(catalog, c) for c in sorted(wanted)]})
    if filters.focus:
        found = [resolve(catalog, name, None, "node") for name in filters.focus]
        chosen &= focus_selection(catalog, {n.iri for n in found}, filters.depth)
        described.append({"key": "focus", "values": [n.label for n in found], "depth": filters.depth})
    selected = len(chosen)
    left_out: dict[str, int] = {}
    if max_nodes is not None and selected > max_nodes:
        chosen, left_out = _limit(catalog, chosen, max_nodes)
    nodes = [catalog.nodes[iri] for iri in sorted(chosen)]
    edges = [e for e in catalog.edges if e.source in chosen and e.target in chosen]
    return GraphView(catalog, nodes, edges, selected, max_nodes, left_out, described)


def _class_label(catalog: Catalog, cls: str) -> dict[str, str]:
    if cls in KIND_BY_KEY:
        kind = KIND_BY_KEY[cls]
        return {"zh": kind.zh, "en": kind.en}
    return catalog.label(cls)


def _limit(catalog: Catalog, chosen: set[str], max_nodes: int) -> tuple[set[str], dict[str, int]]:
    rank = {key: i for i, key in enumerate(KEEP_ORDER)}

    def priority(iri: str) -> tuple[int, int, str]:
        node = catalog.nodes[iri]
        degree = len(catalog.neighbours.get(iri, set()) & chosen)
        return rank.get(node.kind, len(rank)), -degree, iri

    ordered = sorted(chosen, key=priority)
    kept = set(ordered[:max_nodes])
    dropped = count_by_kind(catalog.nodes[iri] for iri in ordered[max_nodes:])
    return kept, dropped


def explore(
    source: Any,
    *,
    provinces: Sequence[str] = (),
    categories: Sequence[str] = (),
    classes: Sequence[str] = (),
    focus: Sequence[str] = (),
    depth: int = 1,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    lang: Lang = "zh",
    title: str | None = None,
) -> GraphView:
    """Read a graph and select what to draw; ``.write(path)`` the result or show it in a notebook."""
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}: choose zh or en")
    if depth != 1 and not focus:
        raise UsageError("a depth needs a focus node (--focus)")
    catalog = build_catalog(source)
    filters = Filters(tuple(provinces), tuple(categories), tuple(classes), tuple(focus), depth)
    view = select(catalog, filters, max_nodes)
    view.lang, view.title = lang, title
    return view


# ---------------------------------------------------------------------------
# The page
# ---------------------------------------------------------------------------


def _layout_seed(view: GraphView) -> dict[str, tuple[float, float]]:
    """Starting positions: provinces on a circle, their nodes towards them, shared nodes in the middle.

    The physics in the page only refines this, so it settles faster and the
    picture reads as "one sector per province" every time it is drawn.
    """
    provinces = sorted({p for node in view.nodes for p in node.provinces})
    count = max(len(view.nodes), 1)
    radius = 60.0 * math.sqrt(count) + 200.0
    angle_of = {p: 2 * math.pi * i / max(len(provinces), 1) for i, p in enumerate(provinces)}
    ring = {"province": 1.0, "organ": 0.85, "speech": 0.9, "person": 1.0, "measure": 0.7, "figure": 0.95}
    positions: dict[str, tuple[float, float]] = {}
    for node in view.nodes:
        jitter = zlib.crc32(node.iri.encode("utf-8"))
        wobble = ((jitter & 0xFFFF) / 0xFFFF) - 0.5
        spread = (((jitter >> 16) & 0xFFFF) / 0xFFFF) - 0.5
        if node.provinces:
            angles = [angle_of[p] for p in node.provinces]
            angle = math.atan2(sum(map(math.sin, angles)), sum(map(math.cos, angles))) + wobble * 0.9
            r = radius * (ring.get(node.kind, 0.8) + spread * 0.3)
        else:
            angle = wobble * 2 * math.pi
            r = radius * (0.15 + 0.35 * (spread + 0.5)) * (0.6 if node.kind == "category" else 1.0)
        positions[node.iri] = (round(r * math.cos(angle), 1), round(r * math.sin(angle), 1))
    return positions


def payload(view: GraphView, lang: Lang) -> dict[str, Any]:
    """Everything the page needs, as plain JSON data (no markup)."""
    positions = _layout_seed(view)
    position_of = {node.iri: i for i, node in enumerate(view.nodes)}
    relations = sorted({e.relation for e in view.edges})
    relation_index = {rel: i for i, rel in enumerate(relations)}
    node_counts = count_by_kind(view.nodes)
    catalog = view.catalog
    provinces = sorted(catalog.provinces(), key=lambda n: n.iri)
    return {
        "meta": {
            "lang": lang,
            "title": view.title,
            "filters": view.filters,
            "graphNodes": len(catalog.nodes),
            "graphEdges": len(catalog.edges),
            "selected": view.selected,
            "maxNodes": view.max_nodes,
            "leftOut": [{"kind": k, "count": c} for k, c in view.left_out.items()],
            "broader": SKOS_BROADER,
            "visVersion": VIS_VERSION,
        },
        "kinds": [
            {
                "key": kind.key,
                "label": {"zh": kind.zh, "en": kind.en},
                "color": kind.color,
                "shape": kind.shape,
                "size": kind.size,
                "font": kind.font,
                "count": node_counts.get(kind.key, 0),
            }
            for kind in KINDS
            if kind.key in node_counts
        ],
        "provinces": [{"id": p.iri, "label": p.label, "short": p.short or p.label} for p in provinces],
        "relations": [{"id": qname(rel), "label": catalog.relations[rel]} for rel in relations],
        "nodes": [
            {
                "id": node.iri,
                "kind": node.kind,
                "label": node.label,
                "alt": [a for a in node.alt if a not in node.label.values()],
                "provinces": node.provinces,
                "x": positions[node.iri][0],
                "y": positions[node.iri][1],
                "info": node.info,
            }
            for node in view.nodes
        ],
        # Edges name their ends by position in "nodes", to keep the file small.
        "edges": [
            {"from": position_of[e.source], "to": position_of[e.target], "rel": relation_index[e.relation]}
            | ({"note": catalog.edge_notes[e]} if e in catalog.edge_notes else {})
            for e in view.edges
        ],
    }


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: no ``<``, ``>``, ``&`` or line separators in the clear."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's script and style sheet from inside the installed pyvis (licence header kept)."""
    spec = importlib.util.find_spec("pyvis")  # locates the package without importing it (IPython, networkx …)
    if spec is None or not spec.submodule_search_locations:
        raise InputError("pyvis is not installed: it carries the vis-network script the page inlines")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"vis-network {VIS_VERSION} not found inside pyvis ({lib}): {exc}") from exc
    return js, css


@cache
def _template(name: str) -> str:
    return (TEMPLATE_DIR / name).read_text(encoding="utf-8")


def _inline_script(code: str) -> str:
    if re.search(r"</script|<!--", code, re.IGNORECASE):
        raise InputError("an inlined script contains '</script' or '<!--' and would break the page")
    return code


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(view: GraphView, lang: Lang = "zh") -> str:
    """The self-contained page: vis-network, our script and style, the data; nothing loads from elsewhere."""
    vis_js, vis_css = vis_assets()
    app_js = _inline_script(_template("explorer.js"))
    vis_js = _inline_script(vis_js)
    data = script_json(payload(view, lang))
    # Only these two scripts may run; no request may leave the page (default-src 'none').
    csp = (
        "default-src 'none'; "
        f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    title = view.title or _default_title(view, lang)
    parts = {
        "LANG": "zh-Hans" if lang == "zh" else "en",
        "CSP": html.escape(csp, quote=False),  # inside a double-quoted attribute; the policy has no "
        "TITLE": html.escape(title, quote=False),
        "VIS_CSS": vis_css.replace("</", "<\\/"),
        "CSS": _template("explorer.css"),
        "DATA": data,
        "VIS_JS": vis_js,
        "APP_JS": app_js,
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], _template("page.html"))


def _default_title(view: GraphView, lang: Lang) -> str:
    base = "执法司法制约监督体系知识图谱" if lang == "zh" else "zhengfa-kg graph explorer"
    pieces = []
    for item in view.filters:
        pieces += [v[lang] for v in item["values"]]
    return f"{base} · {'、'.join(pieces) if lang == 'zh' else ', '.join(pieces)}" if pieces else base
