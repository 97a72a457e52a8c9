"""What the graph says about measures, organs, places and mechanisms, read lazily.

The matrix needs only its rows (the taxonomy, or the supervision relations) and
its columns (provinces or organ types); those are read when first asked for.
Organs and measures with their quotes are read only when something shows them
(``--explain``, the HTML page, JSON, ``kg analyze``), and ``--explain`` reads only
the measures of its cell.

Columns: provinces in the order their first speech appears in the corpus
(source document date, then offset; for the seed article 湖南, 江苏, 广西, 贵州,
四川), then provinces without a speech by GB/T 2260 code. Organ types in the
fixed order of :data:`ORGAN_TYPE_ORDER`, then any other by IRI. Rows: every
concept of the taxonomy; categories and, under each, its mechanisms
depth-first, ordered by ``skos:notation`` when the taxonomy gives one,
otherwise by IRI. The roll-up is done from the taxonomy read into Python rather
than with ``skos:broader*``, so that it gives the same answer on every SPARQL engine.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from kg.compare import loaders
from kg.compare.reading import Source
from kg.compare.vocab import CONTEXT_CLAUSE, CONTEXT_HEADING, INFERRED_FROM_CONTEXT, ORGAN_TYPE_ORDER, SCHEME, curie

__all__ = ["ORGAN_TYPE_ORDER", "SCHEME", "Adoptions", "Concept", "Entity", "Measure", "Organ", "Quote", "load"]


@dataclass(frozen=True)
class Entity:
    """Anything with an IRI and a Chinese and an English label."""

    iri: str
    zh: str
    en: str

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    @property
    def curie(self) -> str:
        return curie(self.iri)


@dataclass(frozen=True)
class Concept(Entity):
    """A row concept: of the mechanism taxonomy (``categories`` are its top concepts) or a supervision relation."""

    broader: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    depth: int = 0
    alt_labels: tuple[str, ...] = ()

    @property
    def is_category(self) -> bool:
        return self.depth == 0


@dataclass(frozen=True)
class Quote:
    """One evidence quote: the exact text, its context and its code-point offsets in a source."""

    evidence: str
    exact: str
    start: int | None
    end: int | None
    source: str
    source_label: str
    source_file: str
    prefix: str = ""
    suffix: str = ""
    role: str | None = (
        None  # zf:StatingSentence, zf:ContextHeading, zf:ContextClause, or None (not yet marked: stating)
    )
    source_label_en: str = ""

    @property
    def where(self) -> str:
        name = self.source_file or curie(self.source)
        if self.start is None:
            return name
        return f"{name} [{self.start}–{self.end}]"

    @property
    def is_heading(self) -> bool:
        """A section heading the measure stands under, quoted for context, not a sentence stating it."""
        return self.role == CONTEXT_HEADING

    @property
    def is_context(self) -> bool:
        """Quoted for context — a heading or a problem/background clause — not a sentence stating the measure."""
        return self.role in (CONTEXT_HEADING, CONTEXT_CLAUSE)

    @property
    def context_word(self) -> str:
        """The key in kg.compare.words of this context quote's label ("heading" or "clause")."""
        return "clause" if self.role == CONTEXT_CLAUSE else "heading"

    def source_name(self, lang: str) -> str:
        return (self.source_label_en or self.source_label) if lang == "en" else self.source_label


def quote_order(quote: Quote) -> tuple[bool, str, int]:
    """Stating sentences first, then context (headings, clauses); each by source and start offset (CONTRACT-14)."""
    return (quote.is_context, quote.source, quote.start if quote.start is not None else 1 << 62)


@dataclass(frozen=True)
class Organ(Entity):
    province: str | None = None
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure(Entity):
    organs: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    implements: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()  # stating sentences first (quote_order)
    relations: tuple[str, ...] = ()
    attribution: str | None = None  # zf:StatedInText or zf:InferredFromContext; None where not yet recorded
    attribution_note: tuple[str, str] = ("", "")  # zh, en
    reported_in: tuple[str, ...] = ()

    @property
    def first_offset(self) -> int:
        starts = [q.start for q in self.quotes if q.start is not None]
        return min(starts) if starts else 1 << 62

    @property
    def inferred(self) -> bool:
        return self.attribution == INFERRED_FROM_CONTEXT


@dataclass(frozen=True)
class Part(Entity):
    """A source part (speech excerpt) a column rests on: who spoke for which organ, and how long it is."""

    speech: str = ""
    province: str | None = None
    organ: Entity | None = None
    organ_types: tuple[Entity, ...] = ()
    start: int | None = None
    end: int | None = None
    source: str = ""

    @property
    def characters(self) -> int | None:
        return None if self.start is None or self.end is None else self.end - self.start


class Adoptions:
    """Everything the comparison reads from one graph, each part read the first time it is needed."""

    def __init__(self, graph: Source | None = None, **given: object) -> None:
        self.graph = graph
        # Parts given up front (tests, fixtures) are used as they are.
        for name, value in given.items():
            self.__dict__[name] = value

    @cached_property
    def concepts(self) -> dict[str, Concept]:
        """In taxonomy order: each category, then its mechanisms depth-first."""
        return loaders.taxonomy(self._graph)

    @cached_property
    def relations(self) -> dict[str, Concept]:
        """The supervision relations in skos:notation order (empty until the graph has them)."""
        return loaders.relations(self._graph)

    @cached_property
    def provinces(self) -> list[Entity]:
        return loaders.provinces(self._graph)

    @cached_property
    def organ_types(self) -> list[Entity]:
        return loaders.organ_types(self._graph)

    @cached_property
    def organs(self) -> dict[str, Organ]:
        return loaders.organs(self._graph, {t.iri for t in self.organ_types})

    @cached_property
    def measures(self) -> dict[str, Measure]:
        """Every measure, in reading order (the whole graph's: only for what shows them all)."""
        return loaders.measures(self._graph)

    @cached_property
    def parts(self) -> dict[str, Part]:
        """Speech → the source part it was delivered in, with its speaker's organ and length."""
        return loaders.parts(self._graph, {t.iri: t for t in self.organ_types})

    @property
    def _graph(self) -> Source:
        if self.graph is None:
            raise ValueError("this comparison data was built without a graph to read from")
        return self.graph

    def some_measures(self, iris: Iterable[str]) -> dict[str, Measure]:
        """Only these measures (with their quotes): what one cell shows."""
        wanted = sorted(set(iris))
        if "measures" in self.__dict__ or not wanted:
            return {i: self.measures[i] for i in wanted if i in self.measures}
        return loaders.measures(self._graph, wanted)

    def some_organs(self, iris: Iterable[str]) -> dict[str, Organ]:
        """Only these organs: what one cell shows."""
        wanted = sorted(set(iris))
        if "organs" in self.__dict__ or not wanted:
            return {i: self.organs[i] for i in wanted if i in self.organs}
        return loaders.organs(self._graph, {t.iri for t in self.organ_types}, wanted)

    def rows(self, by: str) -> dict[str, Concept]:
        return self.relations if by == "relation" else self.concepts

    def columns(self, across: str) -> list[Entity]:
        return self.provinces if across == "province" else self.organ_types

    def columns_of(self, measure: Measure, across: str) -> set[str]:
        """The provinces (or organ types) a measure belongs to."""
        found: set[str] = set()
        for organ_iri in measure.organs:
            organ = self.organs.get(organ_iri)
            if organ is None:
                continue
            if across == "province":
                if organ.province:
                    found.add(organ.province)
            else:
                found.update(organ.types)
        return found

    def rows_of(self, measure: Measure, by: str) -> dict[str, set[str]]:
        """Row → the implemented taxonomy concepts that put the measure in that row.

        By relation, a measure is in each of its relations' rows, and the
        concepts are all the taxonomy concepts it implements (maybe none).
        """
        rows: dict[str, set[str]] = defaultdict(set)
        if by == "relation":
            implemented = {iri for iri in measure.implements if iri in self.concepts}
            for relation in measure.relations:
                if relation in self.relations:
                    rows[relation] |= implemented
            return rows
        for iri in measure.implements:
            concept = self.concepts.get(iri)
            if concept is None:
                continue
            # By mechanism every row counts its whole subtree: a category row and a mechanism with
            # narrower mechanisms (854 under 流程节点监控) report what is reported anywhere below them.
            targets = concept.categories if by == "category" else (iri, *self.ancestors(iri))
            for target in targets:
                rows[target].add(iri)
        return rows

    def mechanism_of(self, iri: str) -> str:
        """The mechanism a concept counts as under ``--count mechanisms``: itself at the first level below a
        category, else its ancestor there — a narrower mechanism (执行工作“854”模式, under 流程节点监控) is a
        kind of its broader one, so a measure reporting both reports one mechanism, not two (REVIEW-2 C-2)."""
        concept = self.concepts.get(iri)
        if concept is None or concept.depth <= 1:
            return iri
        return next((up for up in self.ancestors(iri) if self.concepts[up].depth == 1), iri)

    def ancestors(self, iri: str) -> list[str]:
        """The concepts above ``iri`` along skos:broader, any depth (cycles stop)."""
        found: list[str] = []
        todo = list(self.concepts[iri].broader) if iri in self.concepts else []
        while todo:
            up = todo.pop()
            if up in found or up == iri or up not in self.concepts:
                continue
            found.append(up)
            todo.extend(self.concepts[up].broader)
        return found

    def label_of(self, iri: str, lang: str) -> str:
        # Measures only when already read: a label must not load the whole graph.
        for table in (self.concepts, self.relations, self.organs, self.__dict__.get("measures", {})):
            if iri in table:
                return table[iri].label(lang)  # type: ignore[attr-defined]
        for entity in [*self.provinces, *self.organ_types]:
            if entity.iri == iri:
                return entity.label(lang)
        return curie(iri)


def load(graph: Source) -> Adoptions:
    """The comparison data of ``graph``, read lazily.

    ``graph`` is a pyoxigraph ``Store`` (``kg.store.open_store()``, the built store) or an
    rdflib ``Graph`` (``kg.store.open_graph(backend="memory")``); both give the same answers.
    """
    return Adoptions(graph)
