"""What a province, an organ, a category or a mechanism page leads with: the measures the sources report,
grouped by mechanism category, each linked to its compare cell and to the graph.

Read by triple pattern from the store: a province's measures are those of its organs (zf:adoptedBy,
zf:inProvince); a concept's are those implementing it or any concept under it (skos:broader, transitively).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.namespaces import SKOS, ZF
from kg.serve.reader import TYPE, GraphReader, iri
from kg.serve.views import Presenter, TermView

MEASURE = iri(str(ZF.Measure))
PROVINCE = iri(str(ZF.Province))
CATEGORY = iri(str(ZF.MechanismCategory))
MECHANISM = iri(str(ZF.Mechanism))
ADOPTED_BY = iri(str(ZF.adoptedBy))
IN_PROVINCE = iri(str(ZF.inProvince))
IMPLEMENTS = iri(str(ZF.implements))
BROADER = iri(str(SKOS.broader))
ATTRIBUTION_BASIS = iri(str(ZF.attributionBasis))
ATTRIBUTION_NOTE = iri(str(ZF.attributionNote))
INFERRED = iri(str(ZF.InferredFromContext))
#: The depth the taxonomy may have before a walk up it stops (guards against a cycle in bad data).
MAX_DEPTH = 12


@dataclass
class ReportedMeasure:
    measure: TermView
    organs: list[TermView]
    basis: TermView | None
    inferred: bool
    note: str
    graph_href: str


@dataclass
class ReportedGroup:
    category: TermView | None  # None: measures filed under no category
    measures: list[ReportedMeasure]
    compare_href: str | None


@dataclass
class Reported:
    """The "measures reported" section of one page."""

    kind: str  # "province", "organ", "category" or "mechanism"
    total: int
    groups: list[ReportedGroup] = field(default_factory=list)
    compare_href: str | None = None


def _named(nodes: list[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple]) -> list[ox.NamedNode]:
    return [n for n in nodes if isinstance(n, ox.NamedNode)]


def _subjects(reader: GraphReader, predicate: ox.NamedNode, obj: ox.NamedNode) -> list[ox.NamedNode]:
    return [
        q.subject for q in reader.store.quads_for_pattern(None, predicate, obj) if isinstance(q.subject, ox.NamedNode)
    ]


def categories_of(reader: GraphReader, concept: ox.NamedNode) -> set[ox.NamedNode]:
    """The mechanism categories at or above a concept."""
    found: set[ox.NamedNode] = set()
    frontier, seen = [concept], set()
    for _ in range(MAX_DEPTH):
        upper = []
        for node in frontier:
            if node in seen:
                continue
            seen.add(node)
            if CATEGORY in reader.objects(node, TYPE):
                found.add(node)
            upper += _named(reader.objects(node, BROADER))
        if not upper:
            break
        frontier = upper
    return found


def _concept_and_below(reader: GraphReader, concept: ox.NamedNode) -> set[ox.NamedNode]:
    found, frontier = {concept}, [concept]
    for _ in range(MAX_DEPTH):
        lower = [n for c in frontier for n in _subjects(reader, BROADER, c) if n not in found]
        if not lower:
            break
        found.update(lower)
        frontier = lower
    return found


def measures_of(reader: GraphReader, node: ox.NamedNode) -> tuple[str, set[ox.NamedNode]] | None:
    """Which kind of page this is and the measures it reports; None for a page that lists no measures."""
    types = set(reader.objects(node, TYPE))
    if PROVINCE in types:
        organs = _subjects(reader, IN_PROVINCE, node)
        return "province", {m for organ in organs for m in _subjects(reader, ADOPTED_BY, organ)}
    if CATEGORY in types or MECHANISM in types:
        concepts = _concept_and_below(reader, node)
        return ("category" if CATEGORY in types else "mechanism"), {
            m for c in concepts for m in _subjects(reader, IMPLEMENTS, c)
        }
    adopted = set(_subjects(reader, ADOPTED_BY, node))
    if adopted:
        return "organ", adopted
    return None


def reported(presenter: Presenter, node: ox.NamedNode) -> Reported | None:
    """The section, or None when the entity is not a province, organ, category or mechanism."""
    reader = presenter.reader
    found = measures_of(reader, node)
    if found is None:
        return None
    kind, measures = found
    linker = presenter.linker
    by_category: dict[ox.NamedNode | None, list[ox.NamedNode]] = {}
    for measure in measures:
        categories: set[ox.NamedNode | None] = set()
        for concept in _named(reader.objects(measure, IMPLEMENTS)):
            categories |= categories_of(reader, concept)
        for category in categories or {None}:
            by_category.setdefault(category, []).append(measure)

    def compare_href(category: ox.NamedNode | None) -> str | None:
        if kind != "province" or category is None:
            return None
        query = {"by": "category", "across": "province", "row": category.value, "column": node.value}
        return linker.url("/compare?" + urlencode(query)) + "#cell"

    groups = []
    for category, members in by_category.items():
        items = [_measure(presenter, m) for m in members]
        items.sort(key=lambda i: (i.measure.text, i.measure.iri or ""))
        view = presenter.term(category) if category is not None else None
        groups.append(ReportedGroup(view, items, compare_href(category)))
    # Biggest group first, then by name; unfiled measures last.
    groups.sort(key=lambda g: (g.category is None, -len(g.measures), g.category.text if g.category else ""))
    section = Reported(kind, len(measures), groups)
    if kind in ("province", "category"):
        key = {"province": "column", "category": "row"}[kind]
        section.compare_href = linker.url("/compare?" + urlencode({key: node.value}))
    return section


def _measure(presenter: Presenter, measure: ox.NamedNode) -> ReportedMeasure:
    reader = presenter.reader
    basis = reader.value(measure, ATTRIBUTION_BASIS)
    notes = reader.texts(measure, [ATTRIBUTION_NOTE])
    note = next(iter(notes.get(presenter.prefer) or notes.get(presenter.other) or notes.get("") or []), "")
    return ReportedMeasure(
        measure=presenter.term(measure),
        organs=[presenter.term(o) for o in _named(reader.objects(measure, ADOPTED_BY))],
        basis=presenter.term(basis) if isinstance(basis, ox.NamedNode) else None,
        inferred=basis == INFERRED,
        note=note,
        graph_href=graph_href(presenter, measure, 1),
    )


def graph_href(presenter: Presenter, node: ox.NamedNode | list[ox.NamedNode], depth: int) -> str:
    """The served graph focused on ``node`` (or on several) with its neighbours ``depth`` steps away."""
    nodes = node if isinstance(node, list) else [node]
    query = [("focus", n.value) for n in nodes] + [("depth", str(depth))]
    return presenter.linker.url("/graph?" + urlencode(query))


@dataclass
class CompareCell:
    """A cell of /compare that counts a measure: its category × its organ's province."""

    category: TermView
    province: TermView
    href: str


def compare_cells(presenter: Presenter, measure: ox.NamedNode) -> list[CompareCell]:
    """The compare cells a measure is counted in (none for anything but a measure)."""
    reader = presenter.reader
    if MEASURE not in reader.objects(measure, TYPE):
        return []
    categories: set[ox.NamedNode] = set()
    for concept in _named(reader.objects(measure, IMPLEMENTS)):
        categories |= categories_of(reader, concept)
    provinces = {
        p for organ in _named(reader.objects(measure, ADOPTED_BY)) for p in _named(reader.objects(organ, IN_PROVINCE))
    }
    cells = []
    for category in sorted(categories, key=lambda c: c.value):
        for province in sorted(provinces, key=lambda p: p.value):
            query = {"by": "category", "across": "province", "row": category.value, "column": province.value}
            href = presenter.linker.url("/compare?" + urlencode(query)) + "#cell"
            cells.append(CompareCell(presenter.term(category), presenter.term(province), href))
    return cells
