"""The ontology reference (docs/ontology.md), generated from the Turtle so it cannot drift.

The layout follows Widoco's conventions (metadata table, abstract, namespaces, classes, object and datatype
properties, named individuals, per-class cross-references); what no generic tool renders is kept here: labels and
definitions in Chinese and English side by side, the SKOS mechanism taxonomy as a tree, and the SHACL constraints
of each class. docs/ontology-reference.md says why pyLODE's page does not replace this one.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, VANN
from rdflib.term import Node

from kg.namespaces import OWL, PREFIXES, RDF, RDFS, SKOS, ZF, curie
from kg.ontodoc_shapes import general_shapes, other_targets, shape_lines, shapes_by_target, targets_of
from kg.project import ontology_dir
from kg.sources import load_sources

#: Namespaces the Turtle uses beyond the ones predeclared for queries.
_EXTRA_PREFIXES = {"vann": str(VANN)}

#: Rows of the metadata table (Widoco's header), shown only when the ontology states them.
_METADATA = (
    ("Version IRI", OWL.versionIRI),
    ("Version", OWL.versionInfo),
    ("Created", DCTERMS.created),
    ("Modified", DCTERMS.modified),
    ("Issued", DCTERMS.issued),
    ("Creators", DCTERMS.creator),
    ("Contributors", DCTERMS.contributor),
    ("Publisher", DCTERMS.publisher),
    ("Licence", DCTERMS.license),
    ("Cite as", DCTERMS.bibliographicCitation),
    ("Preferred prefix", VANN.preferredNamespacePrefix),
    ("Preferred namespace", VANN.preferredNamespaceUri),
)

_SOURCES = ("zhengfa.ttl", "taxonomy.ttl", "shapes.ttl")


def _load(directory: Path, name: str) -> Graph:
    return load_sources([directory / name]).graph


def _curie(node: Node | None) -> str:
    if node is None:
        return ""
    return curie(str(node)) or f"<{node}>"


def _code(node: Node) -> str:
    return f"`{_curie(node)}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _text(graph: Graph, node: Node, prop: URIRef, lang: str) -> str:
    values = sorted(str(v) for v in graph.objects(node, prop) if isinstance(v, Literal) and v.language == lang)
    return _cell(values[0]) if values else ""


def _row(graph: Graph, node: URIRef, *extra: str) -> str:
    cells = [
        _code(node),
        _text(graph, node, RDFS.label, "zh"),
        _text(graph, node, RDFS.label, "en"),
        *extra,
        _text(graph, node, SKOS.definition, "en"),
        _text(graph, node, SKOS.definition, "zh"),
    ]
    return "| " + " | ".join(cells) + " |"


def _own(nodes: Iterable[Node]) -> list[URIRef]:
    return sorted({n for n in nodes if isinstance(n, URIRef) and str(n).startswith(str(ZF))}, key=str)


def _join(nodes: Iterable[Node]) -> str:
    return ", ".join(_code(v) for v in sorted(set(nodes), key=str))


def _value(node: Node) -> str:
    return f"<{node}>" if isinstance(node, URIRef) else _cell(str(node))


def _metadata(graph: Graph, header: URIRef) -> list[str]:
    lines = ["| | |", "|---|---|", f"| IRI | <{header}> |"]
    for title, prop in _METADATA:
        values = sorted(graph.objects(header, prop), key=str)
        if values:
            lines.append(f"| {title} | {', '.join(_value(v) for v in values)} |")
    lines.append("| Sources | " + ", ".join(f"`ontology/{name}`" for name in _SOURCES) + " |")
    return lines


def _namespaces(*graphs: Graph) -> list[str]:
    """Widoco's namespace table, limited to the namespaces the Turtle actually uses."""
    used = {str(term) for graph in graphs for triple in graph for term in triple if isinstance(term, URIRef)}
    known = {**PREFIXES, **_EXTRA_PREFIXES}
    rows = [
        f"| `{prefix}:` | <{iri}> |"
        for prefix, iri in sorted(known.items())
        if any(term.startswith(iri) and len(term) > len(iri) for term in used)
    ]
    return ["| prefix | namespace |", "|---|---|", *rows]


def _characteristics(graph: Graph, prop: URIRef) -> str:
    notes = ["functional"] if (prop, RDF.type, OWL.FunctionalProperty) in graph else []
    inverse = set(graph.objects(prop, OWL.inverseOf)) | set(graph.subjects(OWL.inverseOf, prop))
    if inverse:
        notes.append("inverse of " + _join(inverse))
    return "; ".join(notes)


def _property_tables(graph: Graph) -> list[str]:
    lines: list[str] = []
    for title, kind in (("Object properties", OWL.ObjectProperty), ("Datatype properties", OWL.DatatypeProperty)):
        lines += [
            "",
            f"## {title}",
            "",
            "| property | 中文 | English | domain → range | characteristics | definition | 定义 |",
            "|---|---|---|---|---|---|---|",
        ]
        for prop in _own(graph.subjects(RDF.type, kind)):
            domain, range_ = _join(graph.objects(prop, RDFS.domain)), _join(graph.objects(prop, RDFS.range))
            lines.append(_row(graph, prop, f"{domain or '—'} → {range_ or '—'}", _characteristics(graph, prop)))
    return lines


def _individuals(graph: Graph, classes: list[URIRef]) -> list[tuple[URIRef, URIRef]]:
    """The project's own named individuals (zf:Percent, zf:AtLeast ...) with their class, by class then IRI."""
    return [
        (node, cls)
        for cls in classes
        for node in _own(graph.subjects(RDF.type, cls))
        if (node, RDF.type, OWL.Class) not in graph
    ]


def _class_details(graph: Graph, shapes: Graph, classes: list[URIRef]) -> list[str]:
    """Per class, Widoco's cross-references ("is used by") and the SHACL shapes that target it."""
    targets = shapes_by_target(shapes)
    general = general_shapes(shapes)
    members: dict[URIRef, list[URIRef]] = {}
    for node, cls in _individuals(graph, classes):
        members.setdefault(cls, []).append(node)
    lines = ["", "## Class details", ""]
    lines.append("Cross-references per class and the constraints `kg validate` checks on its instances.")
    for cls in classes:
        label = " · ".join(t for t in (_text(graph, cls, RDFS.label, "zh"), _text(graph, cls, RDFS.label, "en")) if t)
        lines += ["", f"### {_curie(cls)} — {label}", ""]
        facts = (
            ("Subclass of", graph.objects(cls, RDFS.subClassOf)),
            ("Subclasses", graph.subjects(RDFS.subClassOf, cls)),
            ("Named individuals", members.get(cls, [])),
            ("Domain of", graph.subjects(RDFS.domain, cls)),
            ("Range of", graph.subjects(RDFS.range, cls)),
        )
        for title, nodes in facts:
            joined = _join(nodes)
            if joined:
                lines.append(f"- {title}: {joined}")
        if also := [s for s in targets.get(cls, []) if s in general]:
            lines.append(f"- Also checked by: {_join(also)} (see General constraints)")
        for shape in targets.get(cls, []):
            if shape not in general:
                lines += shape_lines(shapes, shape)
    others = [t for t in sorted(targets, key=str) if t not in set(classes) and set(targets[t]) - set(general)]
    by_property = other_targets(shapes)
    if others or by_property:
        lines += ["", "## Other constraints", "", "Shapes on reused classes and on the nodes a property links."]
        for target in others:
            lines += ["", f"### {_curie(target)}"]
            for shape in targets[target]:
                if shape not in general:
                    lines += shape_lines(shapes, shape)
        for heading, shape in by_property:
            lines += ["", f"### {heading}", *shape_lines(shapes, shape)]
    if general:
        lines += ["", "## General constraints"]
        for shape in general:
            lines += ["", f"### {_curie(shape)}", "", f"Applies to: {_join(targets_of(shapes, shape))}"]
            lines += shape_lines(shapes, shape)
    return lines


def _concept_line(taxonomy: Graph, concept: URIRef, depth: int) -> str:
    notation = taxonomy.value(concept, SKOS.notation)
    alt = sorted(str(a) for a in taxonomy.objects(concept, SKOS.altLabel))
    parts = [
        f"**{notation}** " if notation is not None else "",
        _code(concept),
        f" {_text(taxonomy, concept, SKOS.prefLabel, 'zh')} · {_text(taxonomy, concept, SKOS.prefLabel, 'en')}",
        f" (also: {'、'.join(_cell(a) for a in alt)})" if alt else "",
    ]
    return "  " * depth + "- " + "".join(parts)


def _concept_order(taxonomy: Graph, concept: URIRef) -> tuple[int, int, str, str]:
    """Notations in numeric order when they are numbers ("2" before "10"), then IRIs; unnumbered last."""
    notation = str(taxonomy.value(concept, SKOS.notation) or "")
    rank = (0, int(notation)) if notation.isdigit() else (1, 0) if notation else (2, 0)
    return (*rank, notation, str(concept))


def _concept_tree(taxonomy: Graph, concepts: set[URIRef]) -> list[str]:
    """Concepts as a nested list: roots (by notation), each followed by its narrower concepts, indented."""
    children: dict[URIRef | None, list[URIRef]] = {}
    for concept in concepts:
        broader = taxonomy.value(concept, SKOS.broader)
        parent = broader if isinstance(broader, URIRef) and broader in concepts else None
        children.setdefault(parent, []).append(concept)
    lines: list[str] = []
    seen: set[URIRef] = set()

    def walk(parent: URIRef | None, depth: int) -> None:
        for concept in sorted(children.get(parent, []), key=lambda c: _concept_order(taxonomy, c)):
            if concept in seen:  # a skos:broader cycle would otherwise recurse forever
                continue
            seen.add(concept)
            lines.append(_concept_line(taxonomy, concept, depth))
            walk(concept, depth + 1)

    walk(None, 0)
    # Concepts caught in a skos:broader cycle have no root above them: list them at the top, never drop them.
    while unplaced := sorted(concepts - seen, key=lambda c: _concept_order(taxonomy, c)):
        children.setdefault(None, []).append(unplaced[0])
        walk(None, 0)
    return lines


def _concept_schemes(taxonomy: Graph) -> list[str]:
    """Each SKOS concept scheme of taxonomy.ttl as a tree; concepts of no scheme come last."""
    concepts = {c for c in taxonomy.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}
    schemes = sorted({s for s in taxonomy.subjects(RDF.type, SKOS.ConceptScheme) if isinstance(s, URIRef)}, key=str)
    lines = [
        "",
        "## Concept schemes",
        "",
        "From `ontology/taxonomy.ttl`: top concepts first (with their notation), each narrower concept indented "
        'under its broader one, alternative labels after "also".',
    ]
    placed: set[URIRef] = set()
    for scheme in schemes:
        members = {c for c in concepts if (c, SKOS.inScheme, scheme) in taxonomy}
        placed |= members
        label = " · ".join(t for t in (_text(taxonomy, scheme, SKOS.prefLabel, lang) for lang in ("zh", "en")) if t)
        lines += ["", f"### {_curie(scheme)} — {label}", ""]
        if definition := _text(taxonomy, scheme, SKOS.definition, "en"):
            lines += [definition, ""]
        lines += _concept_tree(taxonomy, members)
    if rest := concepts - placed:
        lines += ["", "### Concepts in no scheme", ""]
        lines += _concept_tree(taxonomy, rest)
    return lines


def ontology_markdown(directory: Path | None = None) -> str:
    """The reference for the ontology, taxonomy and shapes in ``directory`` (default: the project's ontology/)."""
    graph, taxonomy, shapes = (_load(directory or ontology_dir(), name) for name in _SOURCES)
    header = next(s for s in graph.subjects(RDF.type, OWL.Ontology) if isinstance(s, URIRef))
    classes = _own(graph.subjects(RDF.type, OWL.Class))
    lines = [
        "# Ontology reference",
        "",
        "<!-- Generated by `kg docs` from ontology/zhengfa.ttl, taxonomy.ttl and shapes.ttl; do not edit by hand. -->",
        "",
        f"**{_text(graph, header, RDFS.label, 'en')}** ({_text(graph, header, RDFS.label, 'zh')})",
        "",
        "Why this page is generated by the project rather than by pyLODE or Widoco: "
        "[ontology-reference.md](ontology-reference.md).",
        "",
        "## Metadata",
        "",
        *_metadata(graph, header),
        "",
        "## Abstract",
        "",
        _text(graph, header, SKOS.definition, "en"),
        "",
        _text(graph, header, SKOS.definition, "zh"),
        "",
        "## Namespaces",
        "",
        *_namespaces(graph, taxonomy, shapes),
        "",
        "## Classes",
        "",
        "| class | 中文 | English | subclass of | definition | 定义 |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(graph, c, _join(graph.objects(c, RDFS.subClassOf))) for c in classes]
    lines += _property_tables(graph)
    lines += [
        "",
        "## Named individuals",
        "",
        "| individual | 中文 | English | type | definition | 定义 |",
        "|---|---|---|---|---|---|",
    ]
    lines += [_row(graph, node, _code(cls)) for node, cls in _individuals(graph, classes)]
    lines += _class_details(graph, shapes, classes)
    lines += _concept_schemes(taxonomy)
    return "\n".join(lines) + "\n"
