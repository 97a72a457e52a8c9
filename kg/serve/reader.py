"""Reading the graph for the pages: labels, descriptions, quotes, figures, search.

Everything here goes straight to the read-only Oxigraph store by triple
pattern (no SPARQL parsing on the page path); the store never changes while
the server runs, so labels are cached.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import pyoxigraph as ox

from kg.namespaces import DCTERMS, FOAF, OA, OWL, PROV, RDF, RDFS, SKOS, ZF
from kg.namespaces import curie as prefixed

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple
Subject = ox.NamedNode | ox.BlankNode


def iri(value: str) -> ox.NamedNode:
    return ox.NamedNode(value)


TYPE = iri(str(RDF.type))
LABEL_PROPERTIES = (
    iri(str(RDFS.label)),
    iri(str(SKOS.prefLabel)),
    iri(str(FOAF.name)),
    iri(str(DCTERMS.title)),
)
SEARCHED_PROPERTIES = (
    *LABEL_PROPERTIES,
    iri(str(SKOS.altLabel)),
    iri(str(ZF.shortName)),
)
DEFINITION_PROPERTIES = (iri(str(SKOS.definition)), iri(str(DCTERMS.description)), iri(str(RDFS.comment)))
DERIVED_FROM = iri(str(PROV.wasDerivedFrom))
HAS_FIGURE = iri(str(ZF.hasFigure))
ABOUT_AREA = iri(str(ZF.aboutArea))
ABOUT_ORGAN = iri(str(ZF.aboutOrgan))
EVIDENCE = iri(str(ZF.Evidence))
FIGURE = iri(str(ZF.Figure))
HAS_SOURCE = iri(str(OA.hasSource))
HAS_SELECTOR = iri(str(OA.hasSelector))
QUOTE_SELECTOR = iri(str(OA.TextQuoteSelector))
POSITION_SELECTOR = iri(str(OA.TextPositionSelector))
EXACT, PREFIX, SUFFIX = iri(str(OA.exact)), iri(str(OA.prefix)), iri(str(OA.suffix))
START, END = iri(str(OA.start)), iri(str(OA.end))
OWL_CLASS = iri(str(OWL.Class))
LANGUAGES = ("zh", "en")


def curie(value: str) -> str:
    """``zf:Measure`` for a known namespace, else the IRI itself."""
    return prefixed(value) or value


def normalise(text: str) -> str:
    """Text folded for search: NFKC (full-width to half-width), case-folded."""
    return unicodedata.normalize("NFKC", text).casefold()


@dataclass(frozen=True)
class Quote:
    """One evidence quote with its place in the source text."""

    evidence: ox.NamedNode | ox.BlankNode
    exact: str
    prefix: str
    suffix: str
    start: int | None
    end: int | None
    source: ox.NamedNode | None


@dataclass(frozen=True)
class Figure:
    node: ox.NamedNode | ox.BlankNode
    value: ox.Literal | None
    unit: Term | None
    comparator: Term | None
    period: dict[str, str]
    indicator: Term | None
    quotes: list[Quote] = field(default_factory=list)


@dataclass(frozen=True)
class SearchHit:
    node: ox.NamedNode
    text: str
    language: str
    score: int


class GraphReader:
    """Triple-pattern access to the store, with the lookups the pages need."""

    def __init__(self, store: ox.Store) -> None:
        self.store = store
        self._search_index: list[tuple[str, ox.NamedNode, str, str]] | None = None

    # --- triples ---------------------------------------------------------------

    def objects(self, subject: Subject, predicate: ox.NamedNode) -> list[Term]:
        return [q.object for q in self.store.quads_for_pattern(subject, predicate, None)]

    def value(self, subject: Subject, predicate: ox.NamedNode) -> Term | None:
        return next((q.object for q in self.store.quads_for_pattern(subject, predicate, None)), None)

    def outgoing(self, subject: Subject) -> list[ox.Triple]:
        return _distinct(q.triple for q in self.store.quads_for_pattern(subject, None, None))

    def incoming(self, obj: Term, limit: int | None = None) -> list[ox.Triple]:
        found: list[ox.Triple] = []
        for quad in self.store.quads_for_pattern(None, None, obj):
            found.append(quad.triple)
            if limit is not None and len(found) >= limit:
                break
        return _distinct(found)

    def count_incoming(self, obj: Term) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, obj))

    def exists(self, node: ox.NamedNode) -> bool:
        """Does the graph mention ``node`` as a subject or an object?"""
        return (
            next(self.store.quads_for_pattern(node, None, None), None) is not None
            or next(self.store.quads_for_pattern(None, None, node), None) is not None
            or next(self.store.quads_for_pattern(None, node, None), None) is not None
        )

    def bounded_description(self, node: Subject, with_incoming: bool = True) -> list[ox.Triple]:
        """The concise bounded description of ``node`` (its triples, following blank nodes), plus the triples
        that point at it."""
        triples: list[ox.Triple] = []
        seen: set[Subject] = set()
        pending: list[Subject] = [node]
        while pending:
            subject = pending.pop()
            if subject in seen:
                continue
            seen.add(subject)
            for triple in self.outgoing(subject):
                triples.append(triple)
                if isinstance(triple.object, ox.BlankNode):
                    pending.append(triple.object)
        if with_incoming:
            triples += [t for t in self.incoming(node) if not isinstance(t.subject, ox.BlankNode)]
        return _distinct(triples)

    # --- labels ----------------------------------------------------------------

    @lru_cache(maxsize=65536)  # noqa: B019 - one reader lives as long as the server
    def labels(self, node: Term) -> dict[str, str]:
        """The node's name by language (``zh``, ``en``, and ``""`` for a plain string), first property wins."""
        found: dict[str, str] = {}
        if isinstance(node, ox.Literal):
            return found
        for prop in LABEL_PROPERTIES:
            for value in self.objects(node, prop):  # type: ignore[arg-type]
                if isinstance(value, ox.Literal):
                    found.setdefault(value.language or "", value.value)
        return found

    def label(self, node: Term, prefer: str = "zh") -> str:
        names = self.labels(node)
        for lang in (prefer, *LANGUAGES, ""):
            if lang in names:
                return names[lang]
        if isinstance(node, ox.NamedNode):
            return curie(node.value)
        return str(node)

    def texts(self, node: Subject, props: Iterable[ox.NamedNode]) -> dict[str, list[str]]:
        """Literal values of ``props`` by language."""
        found: dict[str, list[str]] = {}
        for prop in props:
            for value in self.objects(node, prop):
                if isinstance(value, ox.Literal):
                    found.setdefault(value.language or "", []).append(value.value)
        return found

    def types(self, node: Subject) -> list[ox.NamedNode]:
        return sorted((t for t in self.objects(node, TYPE) if isinstance(t, ox.NamedNode)), key=lambda t: t.value)

    # --- evidence and figures ------------------------------------------------------

    def quote(self, evidence: ox.NamedNode | ox.BlankNode) -> Quote | None:
        """The quote of an evidence node (None when it has no TextQuoteSelector)."""
        exact = prefix = suffix = None
        start = end = None
        for selector in self.objects(evidence, HAS_SELECTOR):
            if not isinstance(selector, (ox.NamedNode, ox.BlankNode)):
                continue
            kinds = self.objects(selector, TYPE)
            if QUOTE_SELECTOR in kinds or self.value(selector, EXACT) is not None:
                exact = self.value(selector, EXACT)
                prefix = self.value(selector, PREFIX)
                suffix = self.value(selector, SUFFIX)
            if POSITION_SELECTOR in kinds or self.value(selector, START) is not None:
                start, end = self.value(selector, START), self.value(selector, END)
        if exact is None:
            return None
        source = self.value(evidence, HAS_SOURCE)
        return Quote(
            evidence=evidence,
            exact=_text(exact),
            prefix=_text(prefix),
            suffix=_text(suffix),
            start=_int(start),
            end=_int(end),
            source=source if isinstance(source, ox.NamedNode) else None,
        )

    def quotes_of(self, node: Subject) -> list[Quote]:
        """The quotes a fact derives from (the node's own quote when it is an evidence node)."""
        evidence = [e for e in self.objects(node, DERIVED_FROM) if isinstance(e, (ox.NamedNode, ox.BlankNode))]
        if EVIDENCE in self.objects(node, TYPE):
            evidence.insert(0, node)
        quotes = [q for q in (self.quote(e) for e in evidence) if q is not None]
        return sorted(quotes, key=lambda q: (q.start if q.start is not None else 1 << 30, q.evidence.value))

    def figure(self, node: ox.NamedNode | ox.BlankNode) -> Figure:
        value = self.value(node, iri(str(ZF.value)))
        period = {lang: texts[0] for lang, texts in self.texts(node, [iri(str(ZF.periodLabel))]).items()}
        return Figure(
            node=node,
            value=value if isinstance(value, ox.Literal) else None,
            unit=self.value(node, iri(str(ZF.unit))),
            comparator=self.value(node, iri(str(ZF.comparator))),
            period=period,
            indicator=self.value(node, iri(str(ZF.indicator))),
            quotes=self.quotes_of(node),
        )

    def figures_of(self, node: Subject) -> list[Figure]:
        """Figures the node carries (zf:hasFigure) or that are about it (area or organ)."""
        found = [f for f in self.objects(node, HAS_FIGURE) if isinstance(f, (ox.NamedNode, ox.BlankNode))]
        for prop in (ABOUT_AREA, ABOUT_ORGAN):
            found += [
                q.subject
                for q in self.store.quads_for_pattern(None, prop, node)
                if isinstance(q.subject, (ox.NamedNode, ox.BlankNode))
            ]
        figures = [self.figure(f) for f in _distinct(found)]
        return sorted(figures, key=lambda f: min((q.start or 0 for q in f.quotes), default=0))

    # --- classes and search ----------------------------------------------------------

    def class_counts(self) -> list[tuple[ox.NamedNode, int]]:
        """Instances per class, most first (classes of the project first on a tie)."""
        counts: dict[ox.NamedNode, int] = {}
        for quad in self.store.quads_for_pattern(None, TYPE, None):
            if isinstance(quad.object, ox.NamedNode):
                counts[quad.object] = counts.get(quad.object, 0) + 1
        return sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].value))

    def instances(self, cls: ox.NamedNode) -> list[ox.NamedNode | ox.BlankNode]:
        return _distinct(
            q.subject
            for q in self.store.quads_for_pattern(None, TYPE, cls)
            if isinstance(q.subject, (ox.NamedNode, ox.BlankNode))
        )

    def triple_count(self) -> int:
        return len(self.store)

    def _index(self) -> list[tuple[str, ox.NamedNode, str, str]]:
        if self._search_index is None:
            index = []
            for prop in SEARCHED_PROPERTIES:
                for quad in self.store.quads_for_pattern(None, prop, None):
                    if isinstance(quad.subject, ox.NamedNode) and isinstance(quad.object, ox.Literal):
                        text = quad.object.value
                        index.append((normalise(text), quad.subject, text, quad.object.language or ""))
            self._search_index = index
        return self._search_index

    def search(self, text: str, limit: int = 50) -> list[SearchHit]:
        """Entities whose label (any language) or IRI local name contains ``text``, best matches first."""
        wanted = normalise(text.strip())
        if not wanted:
            return []
        best: dict[ox.NamedNode, SearchHit] = {}
        for folded, node, label, lang in self._index():
            if wanted not in folded:
                continue
            score = 0 if folded == wanted else 1 if folded.startswith(wanted) else 2
            hit = SearchHit(node, label, lang, score)
            old = best.get(node)
            if old is None or (hit.score, len(hit.text)) < (old.score, len(old.text)):
                best[node] = hit
        hits = sorted(best.values(), key=lambda h: (h.score, len(h.text), h.node.value))
        return hits[:limit]


def _distinct(items: Iterable[Term | ox.Triple]) -> list:  # type: ignore[type-arg]
    seen: set[object] = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out


def _text(term: Term | None) -> str:
    return term.value if isinstance(term, ox.Literal) else ""


def _int(term: Term | None) -> int | None:
    if isinstance(term, ox.Literal):
        try:
            return int(term.value)
        except ValueError:
            return None
    return None


def iter_language_pairs(names: dict[str, str]) -> Iterator[tuple[str, str]]:
    """(language, text) in display order: Chinese, English, then the rest."""
    for lang in (*LANGUAGES, ""):
        if lang in names:
            yield lang, names[lang]
    for lang, text in sorted(names.items()):
        if lang not in (*LANGUAGES, ""):
            yield lang, text
