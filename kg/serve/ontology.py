"""The ontology reference page (``/ontology``): classes, properties, individuals and the mechanism taxonomy,
read from the store so that it always describes the graph being served."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

from kg.namespaces import DCTERMS, OWL, RDF, RDFS, SKOS, ZF
from kg.serve.reader import GraphReader, iri
from kg.serve.views import Presenter, TermView

CLASS = iri(str(OWL.Class))
OBJECT_PROPERTY = iri(str(OWL.ObjectProperty))
DATATYPE_PROPERTY = iri(str(OWL.DatatypeProperty))
ANNOTATION_PROPERTY = iri(str(OWL.AnnotationProperty))
ONTOLOGY = iri(str(OWL.Ontology))
SUBCLASS = iri(str(RDFS.subClassOf))
SUBPROPERTY = iri(str(RDFS.subPropertyOf))
DOMAIN, RANGE = iri(str(RDFS.domain)), iri(str(RDFS.range))
DEFINITION = iri(str(SKOS.definition))
BROADER = iri(str(SKOS.broader))
TOP_CONCEPT_OF = iri(str(SKOS.topConceptOf))
IN_SCHEME = iri(str(SKOS.inScheme))
CONCEPT_SCHEME = iri(str(SKOS.ConceptScheme))
IMPLEMENTS = iri(str(ZF.implements))
TYPE = iri(str(RDF.type))


@dataclass
class TermRow:
    term: TermView
    zh: str
    en: str
    related: list[TermView]
    related2: list[TermView]
    definition_en: str
    definition_zh: str
    count: int


@dataclass
class ConceptNode:
    term: TermView
    zh: str
    en: str
    definition_en: str
    definition_zh: str
    direct: int  # measures implementing this concept itself
    total: int  # distinct measures implementing it or any concept under it
    children: list[ConceptNode] = field(default_factory=list)
    measures: frozenset[object] = frozenset()


@dataclass
class Scheme:
    term: TermView
    concepts: list[ConceptNode]
    size: int


@dataclass
class OntologyPage:
    iri: str
    names: dict[str, str]
    version: str
    license: TermView | None
    definitions: dict[str, str]
    classes: list[TermRow]
    object_properties: list[TermRow]
    datatype_properties: list[TermRow]
    individuals: list[TermRow]
    schemes: list[Scheme]


def _text(reader: GraphReader, node: ox.NamedNode, prop: ox.NamedNode, lang: str) -> str:
    texts = reader.texts(node, [prop]).get(lang, [])
    return texts[0] if texts else ""


def _own(reader: GraphReader, cls: ox.NamedNode, namespace: str) -> list[ox.NamedNode]:
    return sorted(
        (n for n in reader.instances(cls) if isinstance(n, ox.NamedNode) and n.value.startswith(namespace)),
        key=lambda n: n.value,
    )


def build_page(reader: GraphReader, presenter: Presenter, vocabulary: str, ontology_iri: str) -> OntologyPage:
    def row(node: ox.NamedNode, first: ox.NamedNode | None, second: ox.NamedNode | None, count: int) -> TermRow:
        names = reader.labels(node)
        return TermRow(
            term=presenter.term(node),
            zh=names.get("zh", ""),
            en=names.get("en", ""),
            related=[presenter.term(v) for v in reader.objects(node, first)] if first else [],
            related2=[presenter.term(v) for v in reader.objects(node, second)] if second else [],
            definition_en=_text(reader, node, DEFINITION, "en"),
            definition_zh=_text(reader, node, DEFINITION, "zh"),
            count=count,
        )

    classes = _own(reader, CLASS, vocabulary)
    object_properties = _own(reader, OBJECT_PROPERTY, vocabulary)
    datatype_properties = _own(reader, DATATYPE_PROPERTY, vocabulary)
    described = set(classes) | set(object_properties) | set(datatype_properties)
    individuals = sorted(
        {
            q.subject
            for q in reader.store.quads_for_pattern(None, TYPE, None)
            if isinstance(q.subject, ox.NamedNode)
            and q.subject.value.startswith(vocabulary)
            and q.subject not in described
            and isinstance(q.object, ox.NamedNode)
            and q.object.value.startswith(vocabulary)
        },
        key=lambda n: n.value,
    )
    header = ox.NamedNode(ontology_iri)
    version = reader.value(header, iri(str(OWL.versionInfo)))
    license_node = reader.value(header, iri(str(DCTERMS.license)))

    def uses(prop: ox.NamedNode) -> int:
        return sum(1 for _ in reader.store.quads_for_pattern(None, prop, None))

    return OntologyPage(
        iri=ontology_iri,
        names=reader.labels(header),
        version=version.value if isinstance(version, ox.Literal) else "",
        license=presenter.term(license_node) if license_node is not None else None,
        definitions={lang: texts[0] for lang, texts in reader.texts(header, [DEFINITION]).items()},
        classes=[row(c, SUBCLASS, None, len(reader.instances(c))) for c in classes],
        object_properties=[row(p, DOMAIN, RANGE, uses(p)) for p in object_properties],
        datatype_properties=[row(p, DOMAIN, RANGE, uses(p)) for p in datatype_properties],
        individuals=[row(i, TYPE, None, reader.count_incoming(i)) for i in individuals],
        schemes=schemes(reader, presenter),
    )


def schemes(reader: GraphReader, presenter: Presenter) -> list[Scheme]:
    """Each SKOS concept scheme as a tree (top concepts, then narrower ones by skos:broader)."""
    out = []
    for scheme in reader.instances(CONCEPT_SCHEME):
        if not isinstance(scheme, ox.NamedNode):
            continue
        members = _named(q.subject for q in reader.store.quads_for_pattern(None, IN_SCHEME, scheme))
        tops = _named(q.subject for q in reader.store.quads_for_pattern(None, TOP_CONCEPT_OF, scheme))
        members |= tops
        narrower: dict[ox.NamedNode, list[ox.NamedNode]] = {}
        has_parent: set[ox.NamedNode] = set()
        for concept in members:
            for parent in reader.objects(concept, BROADER):
                if isinstance(parent, ox.NamedNode) and parent in members:
                    narrower.setdefault(parent, []).append(concept)
                    has_parent.add(concept)
        roots = sorted((m for m in members if m in tops or m not in has_parent), key=lambda n: n.value)
        concepts = [_tree(reader, presenter, narrower, root, frozenset()) for root in roots]
        out.append(Scheme(presenter.term(scheme), concepts, len(members)))
    return sorted(out, key=lambda s: s.term.iri or "")


def _named(nodes: Iterable[object]) -> set[ox.NamedNode]:
    return {n for n in nodes if isinstance(n, ox.NamedNode)}


def _tree(
    reader: GraphReader,
    presenter: Presenter,
    narrower: dict[ox.NamedNode, list[ox.NamedNode]],
    concept: ox.NamedNode,
    seen: frozenset[ox.NamedNode],
) -> ConceptNode:
    """One concept with its narrower concepts (a cycle in skos:broader is cut where it closes)."""
    names = reader.labels(concept)
    children = [
        _tree(reader, presenter, narrower, child, seen | {concept})
        for child in sorted(narrower.get(concept, []), key=lambda n: n.value)
        if child not in seen
    ]
    found: set[object] = {q.subject for q in reader.store.quads_for_pattern(None, IMPLEMENTS, concept)}
    direct = len(found)
    for child in children:
        found |= child.measures
    return ConceptNode(
        term=presenter.term(concept),
        zh=names.get("zh", ""),
        en=names.get("en", ""),
        definition_en=_text(reader, concept, DEFINITION, "en"),
        definition_zh=_text(reader, concept, DEFINITION, "zh"),
        direct=direct,
        total=len(found),
        children=children,
        measures=frozenset(found),
    )
