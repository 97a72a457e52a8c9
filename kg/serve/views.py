"""What the HTML pages show, as plain data: terms with their labels and links, quotes, figures.

The templates only lay these out; every string reaches the page through
Jinja2's autoescaping, so a label holding markup shows as text.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pyoxigraph as ox

from kg.namespaces import DCTERMS, RDF, RDFS, SKOS, ZF
from kg.serve.links import Linker
from kg.serve.names import borrowed_names, inverse_names
from kg.serve.reader import (
    DEFINITION_PROPERTIES,
    LABEL_PROPERTIES,
    TYPE,
    Figure,
    GraphReader,
    Quote,
    Term,
    curie,
    iter_language_pairs,
)
from kg.sparql.terms import NUMERIC_TYPES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = str(RDF.langString)
#: Shown in the page head rather than in the property table.
HEADER_PROPERTIES = {TYPE, *LABEL_PROPERTIES, *DEFINITION_PROPERTIES}
EVIDENCE_ROLE = ox.NamedNode(str(ZF.evidenceRole))
CONTEXT_HEADING = ox.NamedNode(str(ZF.ContextHeading))
CONTEXT_CLAUSE = ox.NamedNode(str(ZF.ContextClause))
EXTERNAL_REFERENCE = ox.NamedNode(str(ZF.externalReference))
CURATOR_SUPPLIED = ox.NamedNode(str(ZF.curatorSupplied))
#: How deep blank nodes (quote selectors …) are unfolded inside a value.
MAX_NESTING = 3
#: The most nodes a "show in graph" link focuses on (a node the graph does not draw: what points at it).
GRAPH_FOCUS_MAX = 20
#: How many referring entities one group lists before it says "and N more".
INCOMING_SHOWN = 200


@dataclass
class TermView:
    """One RDF term as a page shows it."""

    kind: str  # "iri", "literal" or "bnode"
    text: str
    href: str | None = None
    iri: str | None = None
    curie: str | None = None
    lang: str | None = None
    alt: str | None = None  # the name in the other language
    alt_lang: str | None = None
    datatype: str | None = None
    numeric: bool = False
    nested: list[PropertyView] = field(default_factory=list)


@dataclass
class PropertyView:
    predicate: TermView
    values: list[TermView]


@dataclass
class QuoteView:
    evidence: TermView
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    source: TermView | None
    context_href: str | None
    role: TermView | None = None
    heading: bool = False  # a section heading quoted for context, not the stating sentence
    clause: bool = False  # a clause giving the problem addressed or the background: context too


@dataclass
class FigureView:
    figure: TermView
    value: str
    unit: TermView | None
    comparator: TermView | None
    period: str
    indicator: TermView | None
    quotes: list[QuoteView]


@dataclass
class IncomingGroup:
    predicate: TermView
    subjects: list[TermView]
    total: int
    more_href: str | None
    name: str = ""  # how the relation reads from this side ("measures adopted"), when known
    alt: str = ""


@dataclass
class ExternalReference:
    """A reference a curator supplied (a policy document …): not quoted from any seed text."""

    reference: TermView
    title: str
    creators: list[TermView]
    identifier: str
    issued: str
    curator_supplied: bool


@dataclass
class EntityPage:
    iri: str
    curie: str
    names: list[tuple[str, str]]
    types: list[TermView]
    definitions: list[tuple[str, str]]
    properties: list[PropertyView]
    quotes: list[QuoteView]
    figures: list[FigureView]
    incoming: list[IncomingGroup]
    alternates: list[tuple[str, str, str]]  # (name, media type, href)
    is_local: bool
    graph_hrefs: list[tuple[int, str]] = field(default_factory=list)  # (depth, /graph link)
    reported: Any = None  # kg.serve.reported.Reported, for provinces, organs and concepts
    external: list[ExternalReference] = field(default_factory=list)
    compare_cells: list[Any] = field(default_factory=list)  # kg.serve.reported.CompareCell, for a measure


class Presenter:
    """Turns store content into page data for one request (links depend on the request's root path)."""

    def __init__(self, reader: GraphReader, linker: Linker, prefer: str = "zh") -> None:
        self.reader = reader
        self.linker = linker
        self.prefer = prefer
        self.other = "en" if prefer == "zh" else "zh"

    # --- terms -------------------------------------------------------------------------

    def term(self, node: Term, depth: int = 0) -> TermView:
        if isinstance(node, ox.NamedNode):
            names = self.reader.labels(node) or borrowed_names(node.value)
            text = names.get(self.prefer) or names.get(self.other) or names.get("") or curie(node.value)
            alt = names.get(self.other) if names.get(self.prefer) and names.get(self.other) else None
            return TermView(
                "iri", text, self.linker.href(node), node.value, curie(node.value), alt=alt, alt_lang=self.other
            )
        if isinstance(node, ox.BlankNode):
            nested = self.properties(node, depth + 1, skip=set()) if depth < MAX_NESTING else []
            return TermView("bnode", "_:" + node.value, nested=nested)
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value
            shown = None if datatype in (XSD_STRING, RDF_LANGSTRING) else curie(datatype)
            numeric = datatype in NUMERIC_TYPES
            return TermView("literal", node.value, lang=node.language or None, datatype=shown, numeric=numeric)
        return TermView("literal", str(node))

    def properties(
        self, node: ox.NamedNode | ox.BlankNode, depth: int = 0, skip: set[ox.NamedNode] | None = None
    ) -> list[PropertyView]:
        skipped = HEADER_PROPERTIES if skip is None else skip
        grouped: dict[ox.NamedNode, list[Term]] = {}
        for triple in self.reader.outgoing(node):
            if triple.predicate in skipped:
                continue
            grouped.setdefault(triple.predicate, []).append(triple.object)
        views = []
        for predicate, values in grouped.items():
            shown = [self.term(v, depth) for v in sorted(values, key=_value_order)]
            views.append(PropertyView(self.term(predicate), shown))
        return sorted(views, key=lambda v: (v.predicate.curie or "") if v.predicate.curie != "rdf:type" else "")

    # --- quotes and figures -----------------------------------------------------------

    def quote(self, quote: Quote) -> QuoteView:
        source = self.term(quote.source) if quote.source is not None else None
        context = None
        if quote.source is not None and self.linker.is_local(quote.source) and quote.start is not None:
            context = self.linker.source_href(quote.source, quote.start, quote.end)
        role = self.reader.value(quote.evidence, EVIDENCE_ROLE)
        return QuoteView(
            evidence=self.term(quote.evidence),
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            start=quote.start,
            end=quote.end,
            source=source,
            context_href=context,
            role=self.term(role) if isinstance(role, ox.NamedNode) else None,
            heading=role == CONTEXT_HEADING,
            clause=role == CONTEXT_CLAUSE,
        )

    def quotes(self, quotes: list[Quote]) -> list[QuoteView]:
        """Stating sentences first, then headings and clauses quoted for context (each group in text order)."""
        views = [self.quote(q) for q in quotes]
        return sorted(views, key=lambda v: (v.heading or v.clause, v.start if v.start is not None else 1 << 30))

    def figure(self, figure: Figure) -> FigureView:
        period = " / ".join(text for _lang, text in iter_language_pairs(figure.period))
        return FigureView(
            figure=self.term(figure.node),
            value=figure.value.value if figure.value is not None else "",
            unit=self.term(figure.unit) if figure.unit is not None else None,
            comparator=self.term(figure.comparator) if figure.comparator is not None else None,
            period=period,
            indicator=self.term(figure.indicator) if figure.indicator is not None else None,
            quotes=self.quotes(figure.quotes),
        )

    # --- the entity page ----------------------------------------------------------------

    def entity(
        self,
        node: ox.NamedNode,
        alternates: list[tuple[str, str, str]],
        in_graph: Callable[[ox.NamedNode], bool] | None = None,
    ) -> EntityPage:
        """The page of ``node``; ``in_graph`` says whether the graph explorer can focus on it (default: yes)."""
        from kg.serve.reported import compare_cells, graph_href, reported

        reader = self.reader
        names = list(iter_language_pairs(reader.labels(node)))
        # The graph shows entities, not every node (an evidence quote is not drawn): focus on the node itself,
        # else on the facts that point at it (a quote's measure).
        focus = [node]
        if in_graph is not None and not in_graph(node):
            pointing = {q.subject for q in reader.store.quads_for_pattern(None, None, node)}
            focus = sorted((s for s in pointing if isinstance(s, ox.NamedNode) and in_graph(s)), key=lambda s: s.value)
            focus = focus[:GRAPH_FOCUS_MAX]
        definitions = [
            (lang, text)
            for lang, texts in sorted(reader.texts(node, DEFINITION_PROPERTIES).items(), key=_language_order)
            for text in texts
        ]
        page = EntityPage(
            iri=node.value,
            curie=curie(node.value),
            names=names,
            types=[self.term(t) for t in reader.types(node)],
            definitions=definitions,
            properties=self.properties(node),
            quotes=self.quotes(reader.quotes_of(node)),
            figures=[self.figure(f) for f in reader.figures_of(node)],
            incoming=self.incoming(node),
            alternates=alternates,
            is_local=self.linker.is_local(node),
            graph_hrefs=[(depth, graph_href(self, focus, depth)) for depth in (1, 2)] if focus else [],
            reported=reported(self, node),
            compare_cells=compare_cells(self, node),
            external=self.external_references(node),
        )
        if page.reported is not None and page.reported.kind == "organ":
            # The measures lead the page already; no second list of them at the bottom.
            page.incoming = [g for g in page.incoming if g.predicate.iri != str(ZF.adoptedBy)]
        return page

    def external_references(self, node: ox.NamedNode) -> list[ExternalReference]:
        found = []
        for ref in self.reader.objects(node, EXTERNAL_REFERENCE):
            if not isinstance(ref, (ox.NamedNode, ox.BlankNode)):
                continue
            titles = self.reader.texts(ref, [ox.NamedNode(str(DCTERMS.title))])
            title = next(iter(titles.get(self.prefer) or titles.get(self.other) or titles.get("") or []), "")
            identifier = self.reader.value(ref, ox.NamedNode(str(DCTERMS.identifier)))
            issued = self.reader.value(ref, ox.NamedNode(str(DCTERMS.issued)))
            supplied = self.reader.value(ref, CURATOR_SUPPLIED)
            found.append(
                ExternalReference(
                    reference=self.term(ref),
                    title=title,
                    creators=[self.term(c) for c in self.reader.objects(ref, ox.NamedNode(str(DCTERMS.creator)))],
                    identifier=identifier.value if isinstance(identifier, ox.Literal) else "",
                    issued=issued.value if isinstance(issued, ox.Literal) else "",
                    curator_supplied=isinstance(supplied, ox.Literal) and supplied.value in ("true", "1"),
                )
            )
        return sorted(found, key=lambda r: (r.issued, r.title))

    def incoming(self, node: ox.NamedNode) -> list[IncomingGroup]:
        grouped: dict[ox.NamedNode, list[Term]] = {}
        for quad in self.reader.store.quads_for_pattern(None, None, node):
            if isinstance(quad.subject, ox.NamedNode):
                grouped.setdefault(quad.predicate, []).append(quad.subject)
        groups = []
        for predicate, subjects in grouped.items():
            unique = sorted(set(subjects), key=lambda s: s.value)  # type: ignore[union-attr]
            more = None
            if len(unique) > INCOMING_SHOWN:
                query = f"SELECT ?s WHERE {{ ?s <{predicate.value}> <{node.value}> }} ORDER BY ?s"
                more = self.linker.url("/query?" + urlencode({"query": query}))
            views = [self.term(s) for s in unique[:INCOMING_SHOWN]]
            views.sort(key=lambda v: (v.text, v.iri or ""))
            names = inverse_names(predicate.value)
            group = IncomingGroup(self.term(predicate), views, len(unique), more)
            group.name, group.alt = names.get(self.prefer, ""), names.get(self.other, "")
            groups.append(group)
        # Instances (rdf:type) first, then by property.
        return sorted(groups, key=lambda g: "" if g.predicate.iri == TYPE.value else g.predicate.curie or "")


def _value_order(term: Term) -> tuple[int, str, str]:
    if isinstance(term, ox.Literal):
        return (0, _language_rank(term.language or ""), term.value)
    return (1, "", str(term))


def _language_rank(lang: str) -> str:
    return {"zh": "0", "en": "1", "": "2"}.get(lang, "3" + lang)


def _language_order(item: tuple[str, list[str]]) -> str:
    return _language_rank(item[0])


#: Label properties, for the search page and templates that show a kind of thing.
LABEL_IRIS = (str(RDFS.label), str(SKOS.prefLabel))
