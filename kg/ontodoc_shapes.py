"""The SHACL shapes of ontology/shapes.ttl in words, per target class, for the ontology reference.

No documentation generator renders SHACL next to the classes it constrains (pyLODE and Widoco read OWL only),
and a curator needs exactly that: what `kg validate` will demand of a measure, a figure or a speech.
"""

from __future__ import annotations

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from kg.namespaces import RDFS, SH, curie


def _code(node: Node) -> str:
    if isinstance(node, URIRef):
        return f"`{curie(str(node)) or f'<{node}>'}`"
    return f"`{node}`"


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _items(shapes: Graph, head: Node) -> list[Node]:
    return list(Collection(shapes, head)) if head is not None else []


#: A shape with at least this many target classes is a general rule (labels, definitions): it is written out
#: once in its own section instead of under every class it targets.
GENERAL_SHAPE_TARGETS = 3


def targets_of(shapes: Graph, shape: URIRef) -> list[URIRef]:
    return sorted({t for t in shapes.objects(shape, SH.targetClass) if isinstance(t, URIRef)}, key=str)


def general_shapes(shapes: Graph) -> list[URIRef]:
    """Named node shapes that apply to many classes, by IRI."""
    named = {s for s in shapes.subjects(SH.targetClass, None) if isinstance(s, URIRef)}
    return sorted((s for s in named if len(targets_of(shapes, s)) >= GENERAL_SHAPE_TARGETS), key=str)


def other_targets(shapes: Graph) -> list[tuple[str, URIRef]]:
    """Named shapes aimed at the subjects or objects of a property rather than at a class, as (heading, shape)."""
    found = [
        (f"{kind} {curie(str(prop)) or prop}", shape)
        for target, kind in ((SH.targetSubjectsOf, "Subjects of"), (SH.targetObjectsOf, "Objects of"))
        for shape, prop in shapes.subject_objects(target)
        if isinstance(shape, URIRef) and isinstance(prop, URIRef)
    ]
    return sorted(found, key=lambda pair: (pair[0], str(pair[1])))


def shapes_by_target(shapes: Graph) -> dict[URIRef, list[URIRef]]:
    """Each sh:targetClass with the named node shapes that target it, sorted by IRI."""
    targets: dict[URIRef, list[URIRef]] = {}
    for shape, target in shapes.subject_objects(SH.targetClass):
        if isinstance(shape, URIRef) and isinstance(target, URIRef):
            targets.setdefault(target, []).append(shape)
    return {t: sorted(set(s), key=str) for t, s in targets.items()}


def _count(shapes: Graph, node: Node) -> str:
    low, high = shapes.value(node, SH.minCount), shapes.value(node, SH.maxCount)
    if low is None and high is None:
        return ""
    low_text, high_text = str(low if low is not None else 0), str(high) if high is not None else "*"
    return low_text if low_text == high_text else f"{low_text}..{high_text}"


def describe(shapes: Graph, node: Node) -> str:
    """A nested constraint node as a short phrase: its path, then its constraints."""
    path = shapes.value(node, SH.path)
    return " ".join(p for p in (_code(path) if path is not None else "", constraints(shapes, node)) if p)


def constraints(shapes: Graph, node: Node) -> str:
    """What a shape demands, path aside: cardinality, class or datatype, patterns, bounds, alternatives."""
    parts: list[str] = []
    value = shapes.value
    if (cls := value(node, SH["class"])) is not None:
        parts.append(f"a {_code(cls)}")
    if (datatype := value(node, SH.datatype)) is not None:
        parts.append(_code(datatype))
    if (kind := value(node, SH.nodeKind)) is not None:
        parts.append(f"an {str(kind).rsplit('#', 1)[-1]}")
    if (has := value(node, SH.hasValue)) is not None:
        parts.append(f"= {_code(has)}")
    if (allowed := value(node, SH["in"])) is not None:
        parts.append("one of " + ", ".join(_code(v) for v in _items(shapes, allowed)))
    if (other_shape := value(node, SH.node)) is not None:
        parts.append(f"conforms to {_code(other_shape)}")
    if (qualified := value(node, SH.qualifiedValueShape)) is not None:
        parts.append(f"at least {value(node, SH.qualifiedMinCount)} of: {describe(shapes, qualified)}")
    if (languages := value(node, SH.languageIn)) is not None:
        parts.append("in " + ", ".join(f"@{lang}" for lang in _items(shapes, languages)))
    if value(node, SH.uniqueLang) == Literal(True):
        parts.append("one per language")
    if (pattern := value(node, SH.pattern)) is not None:
        parts.append(f"matching `{pattern}`")
    bounds = (
        (SH.minInclusive, "≥"),
        (SH.maxInclusive, "≤"),
        (SH.minExclusive, ">"),
        (SH.maxExclusive, "<"),
        (SH.minLength, "length ≥"),
        (SH.maxLength, "length ≤"),
    )
    for prop, symbol in bounds:
        if (bound := value(node, prop)) is not None:
            parts.append(f"{symbol} {bound}")
    for prop, relation in ((SH.lessThan, "<"), (SH.equals, "equals"), (SH.disjoint, "disjoint from")):
        if (other := value(node, prop)) is not None:
            parts.append(f"{relation} {_code(other)}")
    for prop, word in ((SH["or"], " or "), (SH["and"], " and "), (SH.xone, " or else ")):
        if (members := value(node, prop)) is not None:
            parts.append("(" + word.join(describe(shapes, m) for m in _items(shapes, members)) + ")")
    if (negated := value(node, SH["not"])) is not None:
        parts.append(f"not ({describe(shapes, negated)})")
    count = _count(shapes, node)
    return " ".join(p for p in (f"[{count}]" if count else "", "; ".join(parts)) if p)


def shape_lines(shapes: Graph, shape: URIRef) -> list[str]:
    """A node shape: its comment, a table of its property constraints, then any node-level rule."""
    comment = shapes.value(shape, RDFS.comment)
    lines = ["", f"Shape {_code(shape)}: {_cell(str(comment)) if comment is not None else ''}".rstrip(), ""]
    rows = sorted(
        (
            str(path),
            _cell(constraints(shapes, p)),
            _cell(str(shapes.value(p, SH.message) or "")),
        )
        for p in shapes.objects(shape, SH.property)
        if (path := shapes.value(p, SH.path)) is not None
    )
    if rows:
        lines += ["| property | constraint | message |", "|---|---|---|"]
        lines += [f"| {_code(URIRef(path))} | {rule} | {message} |" for path, rule, message in rows]
    node_rule = constraints(shapes, shape)
    if node_rule:
        message = shapes.value(shape, SH.message)
        lines += ["", f"Rule: {_cell(node_rule)}" + (f" — {_cell(str(message))}" if message is not None else "")]
    return lines
