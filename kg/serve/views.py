"""What the HTML pages show, as plain data: terms with their labels and links, quotes, figures.

The templates only lay these out; every string reaches the page through
Jinja2's autoescaping, so a label holding markup shows as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import quote, urlencode

import pyoxigraph as ox

from kg.namespaces import RDF, RDFS, SKOS
from kg.serve.links import Linker
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
#: How deep blank nodes (quote selectors …) are unfolded inside a value.
MAX_NESTING = 3
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
            names = self.reader.labels(node)
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
            local = quote.source.value[len(self.linker.settings.entity_base) :]
            query = urlencode({"start": quote.start, "end": quote.end if quote.end is not None else quote.start})
            context = self.linker.url(f"/source/{quote_path(local)}?{query}#quote")
        return QuoteView(
            evidence=self.term(quote.evidence),
            exact=quote.exact,
            prefix=quote.prefix,
            suffix=quote.suffix,
            start=quote.start,
            end=quote.end,
            source=source,
            context_href=context,
        )

    def figure(self, figure: Figure) -> FigureView:
        period = " / ".join(text for _lang, text in iter_language_pairs(figure.period))
        return FigureView(
            figure=self.term(figure.node),
            value=figure.value.value if figure.value is not None else "",
            unit=self.term(figure.unit) if figure.unit is not None else None,
            comparator=self.term(figure.comparator) if figure.comparator is not None else None,
            period=period,
            indicator=self.term(figure.indicator) if figure.indicator is not None else None,
            quotes=[self.quote(q) for q in figure.quotes],
        )

    # --- the entity page ----------------------------------------------------------------

    def entity(self, node: ox.NamedNode, alternates: list[tuple[str, str, str]]) -> EntityPage:
        reader = self.reader
        names = list(iter_language_pairs(reader.labels(node)))
        definitions = [
            (lang, text)
            for lang, texts in sorted(reader.texts(node, DEFINITION_PROPERTIES).items(), key=_language_order)
            for text in texts
        ]
        return EntityPage(
            iri=node.value,
            curie=curie(node.value),
            names=names,
            types=[self.term(t) for t in reader.types(node)],
            definitions=definitions,
            properties=self.properties(node),
            quotes=[self.quote(q) for q in reader.quotes_of(node)],
            figures=[self.figure(f) for f in reader.figures_of(node)],
            incoming=self.incoming(node),
            alternates=alternates,
            is_local=self.linker.is_local(node),
        )

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
            groups.append(IncomingGroup(self.term(predicate), views, len(unique), more))
        # Instances (rdf:type) first, then by property.
        return sorted(groups, key=lambda g: "" if g.predicate.iri == TYPE.value else g.predicate.curie or "")


def quote_path(local: str) -> str:
    return quote(local, safe="/-_.~")


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
