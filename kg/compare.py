"""Comparing provinces (or kinds of organ) by the mechanisms their measures implement.

The counting rules, which every output of ``kg compare`` follows:

- A measure belongs to the province of each organ that adopted it
  (``zf:adoptedBy`` → ``zf:inProvince``); partner organs (``zf:jointlyWith``)
  do not count. Across organ types, it belongs to the organ type of each
  adopting organ (the ``zf:OrganType`` class of the organ, found through
  ``rdfs:subClassOf`` when the organ is typed more narrowly).
- ``by="mechanism"``: a cell counts the measures that ``zf:implements`` that
  concept itself. A category's own row counts the measures filed directly under
  the category, not under one of its mechanisms.
- ``by="category"``: each implemented concept is rolled up along
  ``skos:broader`` (any depth) to its top concept; a cell counts the DISTINCT
  measures, so a measure implementing two mechanisms of one category counts once.
- Columns: provinces in the order their first speech appears in the corpus
  (source document date, then offset; for the seed article 湖南, 江苏, 广西, 贵州,
  四川), then provinces without a speech by GB/T 2260 code. Organ types in the
  fixed order of :data:`ORGAN_TYPE_ORDER`, then any other by IRI.
- Rows: every concept of the taxonomy, zero rows included (``rows="nonzero"``
  drops them); categories and, under each, its mechanisms depth-first, ordered by
  ``skos:notation`` when the taxonomy gives one, otherwise by IRI.

The roll-up is done in Python from the taxonomy rather than with ``skos:broader*``
so that it gives the same answer on every SPARQL engine.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import unicodedata
import warnings
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import TYPE_CHECKING, Any, Literal, Union

import pyoxigraph as ox

from kg.errors import InputError, UsageError
from kg.namespaces import PREFIXES, ZF, ZFR

if TYPE_CHECKING:
    from rdflib import Graph

#: Where the data is read from: the built Oxigraph store, or an rdflib graph.
Source = Union["ox.Store", "Graph"]

By = Literal["category", "mechanism"]
Across = Literal["province", "organ-type"]
Lang = Literal["zh", "en"]

BYS: tuple[str, ...] = ("category", "mechanism")
ACROSS: tuple[str, ...] = ("province", "organ-type")
LANGS: tuple[str, ...] = ("zh", "en")
ROWS: tuple[str, ...] = ("all", "nonzero")
SORTS: tuple[str, ...] = ("taxonomy", "total")
MATRIX_FORMATS: tuple[str, ...] = ("table", "csv", "md", "html", "json", "png", "svg")
REPORT_FORMATS: tuple[str, ...] = ("table", "csv", "md", "json")

#: The taxonomy whose concepts are the rows.
SCHEME = str(ZFR["mechanisms"])

#: Kinds of organ in the order of 政法 practice (委、法、检、公、司、狱), then the others.
ORGAN_TYPE_ORDER: tuple[str, ...] = tuple(
    str(ZF[name])
    for name in (
        "PoliticalLegalCommission",
        "PeoplesCourt",
        "PeoplesProcuratorate",
        "PublicSecurityOrgan",
        "JusticeAdministration",
        "Prison",
        "PartyCommittee",
        "DisciplineInspectionCommission",
        "PeoplesGovernment",
        "GovernmentAgency",
    )
)


# ---------------------------------------------------------------------------
# The data: what the graph says about measures, organs, places and mechanisms
# ---------------------------------------------------------------------------


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
    """A concept of the mechanism taxonomy; ``categories`` are its top concepts."""

    broader: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    depth: int = 0
    alt_labels: tuple[str, ...] = ()

    @property
    def is_category(self) -> bool:
        return self.depth == 0


@dataclass(frozen=True)
class Quote:
    """One evidence quote: the exact text and its code-point offsets in a source."""

    evidence: str
    exact: str
    start: int | None
    end: int | None
    source: str
    source_label: str
    source_file: str

    @property
    def where(self) -> str:
        name = self.source_file or curie(self.source)
        if self.start is None:
            return name
        return f"{name} [{self.start}–{self.end}]"


@dataclass(frozen=True)
class Organ(Entity):
    province: str | None = None
    types: tuple[str, ...] = ()


@dataclass(frozen=True)
class Measure(Entity):
    organs: tuple[str, ...] = ()
    partners: tuple[str, ...] = ()
    implements: tuple[str, ...] = ()
    quotes: tuple[Quote, ...] = ()

    @property
    def first_offset(self) -> int:
        starts = [q.start for q in self.quotes if q.start is not None]
        return min(starts) if starts else 1 << 62


@dataclass
class Adoptions:
    """Everything the comparison needs, read from the graph once."""

    concepts: dict[str, Concept]  # in taxonomy order: each category, then its mechanisms depth-first
    provinces: list[Entity]  # in column order
    organ_types: list[Entity]  # in column order
    organs: dict[str, Organ]
    measures: dict[str, Measure]  # in reading order

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
        """Row concept → the implemented concepts that put the measure in that row."""
        rows: dict[str, set[str]] = defaultdict(set)
        for iri in measure.implements:
            concept = self.concepts.get(iri)
            if concept is None:
                continue
            targets = concept.categories if by == "category" else (iri,)
            for target in targets:
                rows[target].add(iri)
        return rows

    def label_of(self, iri: str, lang: str) -> str:
        for table in (self.concepts, self.organs, self.measures):
            if iri in table:
                return table[iri].label(lang)  # type: ignore[attr-defined]
        for entity in [*self.provinces, *self.organ_types]:
            if entity.iri == iri:
                return entity.label(lang)
        return curie(iri)


def curie(iri: str) -> str:
    """``zfr:measure-x`` for a project IRI, the IRI itself otherwise."""
    for prefix in ("zfr", "zf"):
        base = PREFIXES[prefix]
        if iri.startswith(base) and "/" not in iri[len(base) :]:
            return f"{prefix}:{iri[len(base) :]}"
    return iri


class _Text(str):
    """A literal's lexical form and language tag: all the loaders need of a term, cheap to make."""

    language: str | None = None


def _light(term: ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None) -> str | None:
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        text = _Text(term.value)
        text.language = term.language
        return text
    return term.value if isinstance(term, ox.NamedNode) else str(term)


def _sparql(graph: Source, body: str) -> list[tuple[Any, ...]]:
    """Rows of terms (str for an IRI, a str with ``.language`` for a literal, None where unbound).

    Reads a pyoxigraph Store directly (without rdflib terms, which cost more than the
    query on a large store) or runs the query through an rdflib Graph.
    """
    text = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items()) + body
    if isinstance(graph, ox.Store):
        solutions = graph.query(text)
        assert isinstance(solutions, ox.QuerySolutions)
        names = solutions.variables
        return [tuple(_light(row[v]) for v in names) for row in solutions]
    return [tuple(row) for row in graph.query(text)]  # type: ignore[arg-type]


def _text(term: Any) -> str:
    return "" if term is None else str(term)


def _natural_key(text: str) -> tuple[Any, ...]:
    """Sort "2" before "10" in notations."""
    return tuple(int(part) if part.isdigit() else part for part in re.split(r"(\d+)", text))


def _labels(graph: Source) -> dict[str, dict[str, list[str]]]:
    """IRI → language → labels, from rdfs:label and skos:prefLabel (short names separately)."""
    labels: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    rows = _sparql(
        graph,
        "SELECT ?s ?label WHERE { { ?s rdfs:label ?label } UNION { ?s skos:prefLabel ?label } FILTER(isIRI(?s)) }",
    )
    for subject, label in rows:
        lang = (getattr(label, "language", None) or "").lower().split("-")[0]
        labels[str(subject)][lang].append(str(label))
    return labels


def _pick(labels: dict[str, list[str]] | None, lang: str, fallback: str) -> str:
    """A label in ``lang``; else the other language; else an untagged one; else the fallback."""
    if labels:
        other = "en" if lang == "zh" else "zh"
        for key in (lang, other, ""):
            if labels.get(key):
                return min(labels[key])
    return fallback


def _entity_labels(labels: dict[str, dict[str, list[str]]], iri: str) -> tuple[str, str]:
    local = curie(iri).split(":", 1)[-1]
    found = labels.get(iri)
    return _pick(found, "zh", local), _pick(found, "en", local)


def load(graph: Source) -> Adoptions:
    """Read measures, organs, provinces, organ types and the taxonomy.

    ``graph`` is a pyoxigraph ``Store`` (``kg.store.open_store()``, the built store) or an
    rdflib ``Graph`` (``kg.store.open_graph(backend="memory")``); both give the same answers.
    """
    labels = _labels(graph)
    concepts = _load_taxonomy(graph, labels)
    provinces = _load_provinces(graph)
    organ_types = _load_organ_types(graph, labels)
    organs = _load_organs(graph, labels, {t.iri for t in organ_types})
    measures = _load_measures(graph, labels)
    return Adoptions(concepts, provinces, organ_types, organs, measures)


def _load_taxonomy(graph: Source, labels: dict[str, dict[str, list[str]]]) -> dict[str, Concept]:
    rows = _sparql(
        graph,
        f"""SELECT ?c ?broader ?top ?notation WHERE {{
          {{ ?c skos:inScheme <{SCHEME}> }} UNION {{ ?c skos:topConceptOf <{SCHEME}> }}
          UNION {{ <{SCHEME}> skos:hasTopConcept ?c }}
          OPTIONAL {{ ?c skos:broader ?broader }}
          OPTIONAL {{ ?c skos:topConceptOf ?top FILTER(?top = <{SCHEME}>) }}
          OPTIONAL {{ ?c skos:notation ?notation }}
        }}""",
    )
    broader: dict[str, set[str]] = defaultdict(set)
    tops: set[str] = set()
    notation: dict[str, str] = {}
    members: set[str] = set()
    for c, b, top, note in rows:
        iri = str(c)
        members.add(iri)
        if b is not None:
            broader[iri].add(str(b))
        if top is not None:
            tops.add(iri)
        if note is not None:
            notation[iri] = min(notation.get(iri, str(note)), str(note))
    alt = defaultdict(list)
    for c, label in _sparql(graph, "SELECT ?c ?label WHERE { ?c skos:altLabel ?label }"):
        if str(c) in members:
            alt[str(c)].append(str(label))
    # Only links inside the scheme count; a concept with none is a top concept.
    parents = {iri: sorted(b for b in broader[iri] if b in members) for iri in members}
    for iri in members:
        if not parents[iri]:
            tops.add(iri)

    def sort_key(iri: str) -> tuple[Any, ...]:
        return (0, _natural_key(notation[iri]), iri) if iri in notation else (1, (), iri)

    children: dict[str, list[str]] = defaultdict(list)
    for iri in members:
        if iri not in tops:
            children[parents[iri][0]].append(iri)  # the first parent places it in the tree

    def categories_of(iri: str) -> tuple[str, ...]:
        found: set[str] = set()
        seen: set[str] = set()
        todo = [iri]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in tops:
                found.add(node)
            else:
                todo.extend(parents[node])
        return tuple(sorted(found, key=sort_key))

    ordered: dict[str, Concept] = {}

    def visit(iri: str, depth: int) -> None:
        if iri in ordered:
            return
        zh, en = _entity_labels(labels, iri)
        ordered[iri] = Concept(
            iri,
            zh,
            en,
            broader=tuple(parents[iri]),
            categories=categories_of(iri) if depth else (iri,),
            depth=depth,
            alt_labels=tuple(sorted(alt[iri])),
        )
        for child in sorted(children[iri], key=sort_key):
            visit(child, depth + 1)

    for top in sorted(tops, key=sort_key):
        visit(top, 0)
    for iri in sorted(members - set(ordered), key=sort_key):  # a cycle with no way up to a top concept
        visit(iri, 1)
    return ordered


def _load_provinces(graph: Source) -> list[Entity]:
    rows = _sparql(
        graph,
        """SELECT ?p ?short ?label ?code WHERE {
          ?p a zf:Province .
          OPTIONAL { ?p zf:shortName ?short }
          OPTIONAL { ?p rdfs:label ?label }
          OPTIONAL { ?p zf:divisionCode ?code }
        }""",
    )
    short: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    long: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    codes: dict[str, str] = {}
    for p, short_name, label, code in rows:
        iri = str(p)
        for term, table in ((short_name, short), (label, long)):
            table[iri]
            if term is not None:
                table[iri][(getattr(term, "language", None) or "").lower().split("-")[0]].append(str(term))
        if code is not None:
            codes[iri] = str(code)
    speeches = _sparql(
        graph,
        """SELECT ?p ?issued ?doc ?start WHERE {
          ?speech a zf:Speech ; zf:inProvince ?p .
          OPTIONAL { ?speech zf:textPart ?part .
                     OPTIONAL { ?part zf:startOffset ?start }
                     OPTIONAL { ?part dcterms:isPartOf ?doc . OPTIONAL { ?doc dcterms:issued ?issued } } }
        }""",
    )
    first: dict[str, tuple[str, str, int]] = {}
    for p, issued, doc, start in speeches:
        key = (_text(issued) or "9999", _text(doc), int(start) if start is not None else 1 << 62)
        iri = str(p)
        if iri not in first or key < first[iri]:
            first[iri] = key
    provinces = []
    for iri in short:
        local = curie(iri).split(":", 1)[-1]
        # The short name (湖南 / Hunan) names a column; the full label is the fallback.
        zh = min(short[iri]["zh"], default="") or _pick(long[iri], "zh", local)
        en = min(short[iri]["en"], default="") or _pick(long[iri], "en", local)
        provinces.append(Entity(iri, zh, en))
    never = ("~", "", 1 << 62)
    provinces.sort(key=lambda e: (e.iri not in first, first.get(e.iri, never), codes.get(e.iri, "~"), e.iri))
    return provinces


def _load_organ_types(graph: Source, labels: dict[str, dict[str, list[str]]]) -> list[Entity]:
    rows = _sparql(graph, "SELECT DISTINCT ?t WHERE { ?t a zf:OrganType }")
    iris = {str(t) for (t,) in rows}
    rank = {iri: i for i, iri in enumerate(ORGAN_TYPE_ORDER)}
    ordered = sorted(iris, key=lambda iri: (rank.get(iri, len(rank)), iri))
    return [Entity(iri, *_entity_labels(labels, iri)) for iri in ordered]


def _load_organs(graph: Source, labels: dict[str, dict[str, list[str]]], organ_types: set[str]) -> dict[str, Organ]:
    rows = _sparql(
        graph,
        """SELECT DISTINCT ?o ?province ?class WHERE {
          { ?m zf:adoptedBy ?o } UNION { ?m zf:jointlyWith ?o } UNION { ?o zf:inProvince ?any . ?o a zf:Organ }
          UNION { ?o a ?someType . ?someType a zf:OrganType }
          OPTIONAL { ?o zf:inProvince ?province }
          OPTIONAL { ?o a ?class }
        }""",
    )
    subclass: dict[str, set[str]] = defaultdict(set)
    for c, sup in _sparql(graph, "SELECT ?c ?sup WHERE { ?c rdfs:subClassOf ?sup FILTER(isIRI(?c) && isIRI(?sup)) }"):
        subclass[str(c)].add(str(sup))

    def types_of(cls: str) -> set[str]:
        """The organ types a class is, or specialises (e.g. HighPeoplesCourt → PeoplesCourt)."""
        found, seen, todo = set(), set(), [cls]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in organ_types:
                found.add(node)
            else:
                todo.extend(subclass[node])
        return found

    provinces: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    for o, province, cls in rows:
        iri = str(o)
        types[iri]
        if province is not None:
            provinces[iri].add(str(province))
        if cls is not None:
            types[iri] |= types_of(str(cls))
    organs = {}
    for iri in sorted(types):
        zh, en = _entity_labels(labels, iri)
        province = min(provinces[iri]) if provinces[iri] else None
        organs[iri] = Organ(iri, zh, en, province=province, types=tuple(sorted(types[iri])))
    return organs


def _load_measures(graph: Source, labels: dict[str, dict[str, list[str]]]) -> dict[str, Measure]:
    links = _sparql(
        graph,
        """SELECT ?m ?p ?o WHERE {
          ?m a zf:Measure .
          { ?m zf:adoptedBy ?o BIND("adopted" AS ?p) } UNION { ?m zf:jointlyWith ?o BIND("partner" AS ?p) }
          UNION { ?m zf:implements ?o BIND("implements" AS ?p) }
        }""",
    )
    found: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for m, p, o in _sparql(graph, "SELECT ?m ?p ?o WHERE { ?m a zf:Measure BIND('' AS ?p) BIND('' AS ?o) }") + links:
        found[str(m)][str(p)].add(str(o))
    # Evidence in small queries joined here: one query with nested OPTIONALs is slow on rdflib.
    evidence = _sparql(graph, "SELECT ?m ?ev WHERE { ?m a zf:Measure ; prov:wasDerivedFrom ?ev }")
    exact: dict[str, str] = {}
    for ev, text in _sparql(
        graph, "SELECT ?ev ?exact WHERE { ?ev oa:hasSelector ?q . ?q a oa:TextQuoteSelector ; oa:exact ?exact }"
    ):
        exact[str(ev)] = min(exact.get(str(ev), str(text)), str(text))
    position: dict[str, tuple[int, int]] = {}
    for ev, start, end in _sparql(
        graph,
        "SELECT ?ev ?start ?end WHERE { ?ev oa:hasSelector ?q . ?q a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }",
    ):
        position.setdefault(str(ev), (int(start), int(end)))
    source: dict[str, str] = {}
    for ev, src in _sparql(graph, "SELECT ?ev ?src WHERE { ?ev a zf:Evidence ; oa:hasSource ?src }"):
        source.setdefault(str(ev), str(src))
    seed_file = {str(s): str(f) for s, f in _sparql(graph, "SELECT ?s ?f WHERE { ?s zf:seedFile ?f }")}
    quotes: dict[str, list[Quote]] = defaultdict(list)
    for m, ev in evidence:
        iri, src = str(ev), source.get(str(ev), "")
        start, end = position.get(iri, (None, None))
        quotes[str(m)].append(
            Quote(
                evidence=iri,
                exact=exact.get(iri, ""),
                start=start,
                end=end,
                source=src,
                source_label=_pick(labels.get(src), "zh", "") if src else "",
                source_file=seed_file.get(src, ""),
            )
        )
    measures = []
    for iri, parts in found.items():
        zh, en = _entity_labels(labels, iri)
        ordered_quotes = sorted(quotes[iri], key=lambda q: (q.source, q.start if q.start is not None else 1 << 62))
        measures.append(
            Measure(
                iri,
                zh,
                en,
                organs=tuple(sorted(parts["adopted"])),
                partners=tuple(sorted(parts["partner"])),
                implements=tuple(sorted(parts["implements"])),
                quotes=tuple(ordered_quotes),
            )
        )
    measures.sort(key=lambda m: (m.first_offset, m.iri))
    return {m.iri: m for m in measures}


# ---------------------------------------------------------------------------
# The matrix
# ---------------------------------------------------------------------------


#: Why a measure is in no cell, in both languages.
REASONS: dict[str, dict[str, str]] = {
    "no-organ": {"zh": "没有采用机关（zf:adoptedBy）", "en": "no adopting organ (zf:adoptedBy)"},
    "no-province": {"zh": "采用机关没有所属省份", "en": "its adopting organ has no province"},
    "no-organ-type": {"zh": "采用机关没有机关类型", "en": "its adopting organ has no organ type"},
    "no-mechanism": {"zh": "未实施任何机制（zf:implements）", "en": "implements no mechanism (zf:implements)"},
    "outside-taxonomy": {"zh": "所实施的机制不在分类体系中", "en": "implements no concept of the taxonomy"},
}


@dataclass(frozen=True)
class Unplaced:
    """A measure that cannot be put in a cell, and why (a key of :data:`REASONS`)."""

    measure: str
    code: str

    @property
    def reason(self) -> str:
        return self.why("en")

    def why(self, lang: str) -> str:
        return REASONS[self.code]["en" if lang == "en" else "zh"]


@dataclass
class Matrix:
    """Rows (concepts) × columns (provinces or organ types); each cell holds measure IRIs."""

    by: str
    across: str
    rows: list[Concept]
    columns: list[Entity]
    cells: dict[tuple[str, str], frozenset[str]]
    via: dict[tuple[str, str], frozenset[str]]  # (measure, row) → the implemented concepts behind it
    unplaced: list[Unplaced] = field(default_factory=list)

    def measures(self, row: str, column: str) -> frozenset[str]:
        return self.cells.get((row, column), frozenset())

    def count(self, row: str, column: str) -> int:
        return len(self.measures(row, column))

    def row_total(self, row: str) -> int:
        return len(frozenset().union(*(self.measures(row, c.iri) for c in self.columns)))

    def column_total(self, column: str) -> int:
        return len(frozenset().union(*(self.measures(r.iri, column) for r in self.rows)))

    def grand_total(self) -> int:
        return len(frozenset().union(*self.cells.values()))

    def counts(self) -> list[list[int]]:
        return [[self.count(r.iri, c.iri) for c in self.columns] for r in self.rows]

    def present(self, column: str) -> set[str]:
        """The rows with at least one measure in ``column``."""
        return {r.iri for r in self.rows if self.count(r.iri, column)}

    @property
    def row_header(self) -> str:
        return self.by


def build_matrix(
    data: Adoptions,
    by: str = "category",
    across: str = "province",
    rows: str = "all",
    columns: str = "all",
    sort: str = "taxonomy",
) -> Matrix:
    """Count measures per (concept, province) or (concept, organ type) cell."""
    check_choice("--by", by, BYS)
    check_choice("--across", across, ACROSS)
    check_choice("--rows", rows, ROWS)
    check_choice("--columns", columns, ROWS)
    check_choice("--sort", sort, SORTS)
    column_list = list(data.columns(across))
    column_iris = {c.iri for c in column_list}
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    unplaced: list[Unplaced] = []
    for measure in data.measures.values():
        placed_columns = data.columns_of(measure, across) & column_iris
        placed_rows = data.rows_of(measure, by)
        if not measure.organs:
            unplaced.append(Unplaced(measure.iri, "no-organ"))
        elif not placed_columns:
            unplaced.append(Unplaced(measure.iri, f"no-{across}"))
        if not measure.implements:
            unplaced.append(Unplaced(measure.iri, "no-mechanism"))
        elif not placed_rows:
            unplaced.append(Unplaced(measure.iri, "outside-taxonomy"))
        for row, concepts in placed_rows.items():
            via[(measure.iri, row)] |= concepts
            for column in placed_columns:
                cells[(row, column)].add(measure.iri)
    matrix = Matrix(
        by=by,
        across=across,
        rows=[c for c in data.concepts.values() if by == "mechanism" or c.is_category],
        columns=column_list,
        cells={key: frozenset(value) for key, value in cells.items()},
        via={key: frozenset(value) for key, value in via.items()},
        unplaced=unplaced,
    )
    if rows == "nonzero":
        kept = {r.iri for r in matrix.rows if matrix.row_total(r.iri)}
        if by == "mechanism" and sort == "taxonomy":
            # A category stays as the heading of its mechanisms that have measures.
            kept |= {c for r in matrix.rows if r.iri in kept for c in r.categories}
        matrix.rows = [r for r in matrix.rows if r.iri in kept]
    if columns == "nonzero":
        matrix.columns = [c for c in matrix.columns if matrix.column_total(c.iri)]
    if sort == "total":
        order = {r.iri: i for i, r in enumerate(matrix.rows)}
        matrix.rows.sort(key=lambda r: (-matrix.row_total(r.iri), order[r.iri]))
    return matrix


def check_choice(option: str, value: str, choices: Sequence[str]) -> None:
    if value not in choices:
        raise UsageError(f"unknown {option} {value!r}: choose one of {', '.join(choices)}")


# ---------------------------------------------------------------------------
# Explaining one cell
# ---------------------------------------------------------------------------


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _matches(key: str, candidates: Iterable[tuple[str, Iterable[str]]], what: str) -> str:
    """The IRI whose names include ``key``; an unknown or ambiguous key is an input error."""
    wanted = _norm(key)
    expanded = key
    if ":" in key and not key.startswith("http"):
        prefix, local = key.split(":", 1)
        if prefix in PREFIXES:
            expanded = PREFIXES[prefix] + local
    hits: list[str] = []
    names: dict[str, str] = {}
    for iri, labels in candidates:
        local = curie(iri).split(":", 1)[-1]
        options = {iri, local, *labels}
        names.update({label: iri for label in labels})
        if expanded == iri or wanted in {_norm(o) for o in options}:
            hits.append(iri)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        import difflib

        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.4)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InputError(f"no {what} named {key!r}{hint}")
    raise InputError(f"{key!r} names more than one {what}: {', '.join(curie(h) for h in hits)}; give its IRI")


def resolve_column(data: Adoptions, key: str, across: str = "province") -> Entity:
    """A province (short or full name, zh or en, or IRI) or an organ type (label or IRI)."""
    columns = data.columns(across)
    candidates = [(c.iri, (c.zh, c.en)) for c in columns]
    what = "province" if across == "province" else "organ type"
    found = _matches(key, candidates, what)
    return next(c for c in columns if c.iri == found)


def resolve_row(data: Adoptions, key: str) -> Concept:
    """A category or mechanism by zh or en label, IRI or local name; an alternative label if unambiguous."""
    concepts = list(data.concepts.values())
    try:
        found = _matches(key, [(c.iri, (c.zh, c.en)) for c in concepts], "category or mechanism")
    except InputError:
        wanted = _norm(key)
        alt_hits = [c.iri for c in concepts if wanted in {_norm(a) for a in c.alt_labels}]
        if len(alt_hits) != 1:
            raise
        found = alt_hits[0]
    return data.concepts[found]


@dataclass(frozen=True)
class ExplainedMeasure:
    measure: Measure
    organs: tuple[Entity, ...]
    via: tuple[Concept, ...]


@dataclass
class Explanation:
    """The measures and quotes behind one cell of the matrix."""

    by: str
    across: str
    row: Concept
    column: Entity
    measures: list[ExplainedMeasure]


def explain(
    data: Adoptions, column_key: str, row_key: str, by: str | None = None, across: str = "province"
) -> Explanation:
    """The measures behind the cell (``column_key``, ``row_key``), with their organs and quotes.

    ``by`` defaults to the kind of the row: a category is explained as the
    rolled-up category cell, a mechanism as its own cell.
    """
    check_choice("--across", across, ACROSS)
    column = resolve_column(data, column_key, across)
    row = resolve_row(data, row_key)
    if by is None:
        by = "category" if row.is_category else "mechanism"
    check_choice("--by", by, BYS)
    if by == "category" and not row.is_category:
        raise UsageError(
            f"{row.zh!r} is a mechanism, not a category: use --by mechanism (or leave --by out) to explain it"
        )
    matrix = build_matrix(data, by=by, across=across)
    explained = []
    for iri in matrix.measures(row.iri, column.iri):
        measure = data.measures[iri]
        organs = tuple(data.organs[o] for o in measure.organs if o in data.organs)
        via = tuple(data.concepts[c] for c in sorted(matrix.via.get((iri, row.iri), ())))
        explained.append(ExplainedMeasure(measure, organs, via))
    explained.sort(key=lambda e: (e.measure.first_offset, e.measure.iri))
    return Explanation(by=by, across=across, row=row, column=column, measures=explained)


# ---------------------------------------------------------------------------
# Similarity, shared and unique
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    a: Entity
    b: Entity
    shared: tuple[str, ...]  # row IRIs present in both
    union: int

    @property
    def jaccard(self) -> Fraction | None:
        """|A ∩ B| / |A ∪ B|; undefined (None) when neither has anything."""
        return Fraction(len(self.shared), self.union) if self.union else None


@dataclass
class Similarity:
    by: str
    across: str
    columns: list[Entity]
    pairs: list[Pair]

    def jaccard(self, a: str, b: str) -> Fraction | None:
        if a == b:
            return Fraction(1) if any(p.union for p in self.pairs) else None
        for pair in self.pairs:
            if {pair.a.iri, pair.b.iri} == {a, b}:
                return pair.jaccard
        raise KeyError((a, b))


def similarity(matrix: Matrix) -> Similarity:
    """Jaccard similarity of every pair of columns over the rows they have at least one measure in."""
    sets = {c.iri: matrix.present(c.iri) for c in matrix.columns}
    order = {r.iri: i for i, r in enumerate(matrix.rows)}
    pairs = [
        Pair(a, b, tuple(sorted(sets[a.iri] & sets[b.iri], key=order.__getitem__)), len(sets[a.iri] | sets[b.iri]))
        for a, b in combinations(matrix.columns, 2)
    ]
    return Similarity(matrix.by, matrix.across, list(matrix.columns), pairs)


@dataclass(frozen=True)
class Spread:
    """Which columns have at least one measure in a row."""

    row: Concept
    columns: tuple[Entity, ...]
    measures: int

    @property
    def status(self) -> str:
        n = len(self.columns)
        return "shared" if n >= 2 else "unique" if n == 1 else "none"


def overlap(matrix: Matrix) -> list[Spread]:
    """Every row with the columns it occurs in: shared by two or more first (most widely shared on top).

    In the mechanism matrix a category's own row counts only measures filed directly
    under it; when there are none it is a heading, not a mechanism "adopted by none".
    """
    spreads = [
        Spread(r, tuple(c for c in matrix.columns if matrix.count(r.iri, c.iri)), matrix.row_total(r.iri))
        for r in matrix.rows
        if not (matrix.by == "mechanism" and r.is_category and not matrix.row_total(r.iri))
    ]
    order = {r.iri: i for i, r in enumerate(matrix.rows)}
    rank = {"shared": 0, "unique": 1, "none": 2}
    spreads.sort(key=lambda s: (rank[s.status], -len(s.columns), -s.measures, order[s.row.iri]))
    return spreads


# ---------------------------------------------------------------------------
# Words in two languages
# ---------------------------------------------------------------------------

WORDS: dict[str, dict[str, str]] = {
    "category": {"zh": "机制类别", "en": "mechanism category"},
    "category-plural": {"zh": "机制类别", "en": "mechanism categories"},
    "mechanism-plural": {"zh": "机制", "en": "mechanisms"},
    "province-plural": {"zh": "省份", "en": "provinces"},
    "organ-type-plural": {"zh": "机关类型", "en": "organ types"},
    "mechanism": {"zh": "机制", "en": "mechanism"},
    "province": {"zh": "省份", "en": "province"},
    "organ-type": {"zh": "机关类型", "en": "organ type"},
    "total": {"zh": "合计", "en": "Total"},
    "distinct": {"zh": "合计（不重复举措）", "en": "Total (distinct measures)"},
    "measures": {"zh": "举措", "en": "measures"},
    "count": {"zh": "举措数", "en": "number of measures"},
    "organ": {"zh": "机关", "en": "organ"},
    "via": {"zh": "所涉机制", "en": "via"},
    "shared": {"zh": "两个及以上共有", "en": "shared by two or more"},
    "unique": {"zh": "仅一方采用", "en": "unique to one"},
    "none": {"zh": "均未采用", "en": "adopted by none"},
    "unplaced": {"zh": "未计入的举措", "en": "measures not counted"},
    "quotes": {"zh": "引文", "en": "quotes"},
    "back": {"zh": "返回表格", "en": "back to the table"},
    "no-measures": {"zh": "没有举措。", "en": "No measures."},
}

SEPARATOR = {"zh": "、", "en": ", "}


def word(key: str, lang: str) -> str:
    return WORDS[key]["en" if lang == "en" else "zh"]


def title_of(matrix: Matrix, lang: str) -> str:
    rows = word(matrix.by, lang)
    cols = word(matrix.across, lang)
    if lang == "en":
        return f"{cols.capitalize()} × {rows}: number of measures"
    return f"{cols} × {rows}（举措数）"


def note_of(matrix: Matrix, lang: str) -> str:
    if lang == "en":
        text = "Each cell counts distinct measures; a measure can fall in several rows, so totals are not row sums."
        if matrix.by == "mechanism":
            text += " A category's own row counts measures filed directly under the category."
        return text
    text = "单元格为不重复举措数；一项举措可归入多行，故合计不等于各行之和。"
    if matrix.by == "mechanism":
        text += "类别所在行只计直接归入该类别的举措。"
    return text


# ---------------------------------------------------------------------------
# Rendering: text table, CSV, Markdown, JSON, HTML
# ---------------------------------------------------------------------------


def display_width(text: str) -> int:
    """Terminal columns: wide and full-width characters take two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 0 if unicodedata.combining(ch) else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = " " * max(0, width - display_width(text))
    return gap + text if right else text + gap


def text_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    """An aligned plain-text table (CJK-aware); columns from ``numeric_from`` are right-aligned."""
    widths = [max(display_width(str(cell)) for cell in column) for column in zip(header, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(_pad(str(c), w, i >= numeric_from) for i, (c, w) in enumerate(zip(cells, widths, strict=True)))

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)]).rstrip() + "\n"


def _row_label(row: Concept, matrix: Matrix, lang: str, indent: str) -> str:
    label = row.label(lang)
    return indent * row.depth + label if matrix.by == "mechanism" else label


def _unplaced_lines(matrix: Matrix, lang: str) -> list[str]:
    if not matrix.unplaced:
        return []
    lines = [f"{word('unplaced', lang)} ({len({u.measure for u in matrix.unplaced})}):"]
    for item in matrix.unplaced:
        lines.append(f"  {curie(item.measure)}: {item.why(lang)}")
    return lines


def matrix_table(matrix: Matrix, lang: str = "zh") -> str:
    header = [word(matrix.by, lang), *(c.label(lang) for c in matrix.columns), word("total", lang)]
    body = [
        [_row_label(r, matrix, lang, "  "), *(str(n) for n in counts), str(matrix.row_total(r.iri))]
        for r, counts in zip(matrix.rows, matrix.counts(), strict=True)
    ]
    body.append(
        [word("distinct", lang), *(str(matrix.column_total(c.iri)) for c in matrix.columns), str(matrix.grand_total())]
    )
    lines = [title_of(matrix, lang), "", text_table(header, body), note_of(matrix, lang)]
    lines += _unplaced_lines(matrix, lang)
    return "\n".join(lines).rstrip() + "\n"


def matrix_csv(matrix: Matrix, lang: str = "zh") -> str:
    """First column ``category``/``mechanism`` (the label), then one integer column per province or organ type."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([matrix.by, *(c.label(lang) for c in matrix.columns)])
    for row, counts in zip(matrix.rows, matrix.counts(), strict=True):
        writer.writerow([row.label(lang), *counts])
    return out.getvalue()


def _md(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]], numeric_from: int = 1) -> str:
    align = ["---" if i < numeric_from else "---:" for i in range(len(header))]
    lines = ["| " + " | ".join(_md(h) for h in header) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines) + "\n"


def matrix_markdown(matrix: Matrix, lang: str = "zh") -> str:
    header = [word(matrix.by, lang), *(c.label(lang) for c in matrix.columns), word("total", lang)]
    body = []
    for row, counts in zip(matrix.rows, matrix.counts(), strict=True):
        label = _md(row.label(lang))
        if matrix.by == "mechanism":
            label = f"**{label}**" if row.is_category else "　" * (row.depth - 1) + "↳ " + label
        body.append([label, *(str(n) for n in counts), str(matrix.row_total(row.iri))])
    body.append(
        [
            f"*{_md(word('distinct', lang))}*",
            *(str(matrix.column_total(c.iri)) for c in matrix.columns),
            str(matrix.grand_total()),
        ]
    )
    parts = [f"## {_md(title_of(matrix, lang))}", "", markdown_table(header, body), note_of(matrix, lang)]
    unplaced = _unplaced_lines(matrix, lang)
    if unplaced:
        parts += ["", unplaced[0], *(f"- {line.strip()}" for line in unplaced[1:])]
    return "\n".join(parts).rstrip() + "\n"


def _entity_json(entity: Entity) -> dict[str, str]:
    return {"iri": entity.iri, "zh": entity.zh, "en": entity.en}


def matrix_json(matrix: Matrix, lang: str = "zh") -> str:
    data = {
        "by": matrix.by,
        "across": matrix.across,
        "columns": [_entity_json(c) for c in matrix.columns],
        "rows": [
            {
                **_entity_json(r),
                "depth": r.depth,
                "categories": list(r.categories),
                "label": r.label(lang),
                "counts": {c.label(lang): matrix.count(r.iri, c.iri) for c in matrix.columns},
                "measures": {c.label(lang): sorted(matrix.measures(r.iri, c.iri)) for c in matrix.columns},
                "total": matrix.row_total(r.iri),
            }
            for r in matrix.rows
        ],
        "column_totals": {c.label(lang): matrix.column_total(c.iri) for c in matrix.columns},
        "total": matrix.grand_total(),
        "unplaced": [{"measure": u.measure, "code": u.code, "reason": u.why(lang)} for u in matrix.unplaced],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


# --- explanation ------------------------------------------------------------


def _explain_title(expl: Explanation, lang: str) -> str:
    n = len(expl.measures)
    kind = word("category" if expl.row.is_category and expl.by == "category" else "mechanism", lang)
    if lang == "en":
        return f"{expl.column.en} × {expl.row.en} ({kind}): {n} measure{'s' if n != 1 else ''}"
    return f"{expl.column.zh} × {expl.row.zh}（{kind}）：{n} 项举措"


def explanation_text(expl: Explanation, lang: str = "zh") -> str:
    lines = [_explain_title(expl, lang), ""]
    if not expl.measures:
        lines.append(word("no-measures", lang))
    sep = SEPARATOR[lang]
    for i, item in enumerate(expl.measures, 1):
        m = item.measure
        lines.append(f"{i}. {m.label(lang)}  [{m.curie}]")
        lines.append(f"   {word('organ', lang)}: {sep.join(o.label(lang) for o in item.organs)}")
        lines.append(f"   {word('via', lang)}: {sep.join(c.label(lang) for c in item.via)}")
        for q in m.quotes:
            lines.append(f"   “{q.exact}”")
            lines.append(f"      — {q.where}  ({curie(q.evidence)})")
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def explanation_markdown(expl: Explanation, lang: str = "zh") -> str:
    lines = [f"## {_md(_explain_title(expl, lang))}", ""]
    if not expl.measures:
        lines.append(word("no-measures", lang))
    sep = SEPARATOR[lang]
    for i, item in enumerate(expl.measures, 1):
        m = item.measure
        lines.append(f"{i}. **{_md(m.label(lang))}** (`{m.curie}`)")
        lines.append(f"   - {word('organ', lang)}: {_md(sep.join(o.label(lang) for o in item.organs))}")
        lines.append(f"   - {word('via', lang)}: {_md(sep.join(c.label(lang) for c in item.via))}")
        for q in m.quotes:
            lines.append(f"   - > {_md(q.exact)}")
            lines.append(f"     > — {_md(q.where)} (`{curie(q.evidence)}`)")
    return "\n".join(lines).rstrip() + "\n"


def explanation_rows(expl: Explanation, lang: str = "zh") -> list[dict[str, Any]]:
    """One row per quote, for CSV and JSON."""
    sep = SEPARATOR[lang]
    rows = []
    for item in expl.measures:
        m = item.measure
        for q in m.quotes or (None,):
            rows.append(
                {
                    "column": expl.column.label(lang),
                    "row": expl.row.label(lang),
                    "measure": m.iri,
                    "measure_label": m.label(lang),
                    "organs": sep.join(o.label(lang) for o in item.organs),
                    "via": sep.join(c.label(lang) for c in item.via),
                    "evidence": q.evidence if q else "",
                    "quote": q.exact if q else "",
                    "start": q.start if q else None,
                    "end": q.end if q else None,
                    "source": q.source if q else "",
                    "source_file": q.source_file if q else "",
                }
            )
    return rows


def explanation_csv(expl: Explanation, lang: str = "zh") -> str:
    rows = explanation_rows(expl, lang)
    fields = [
        "column",
        "row",
        "measure",
        "measure_label",
        "organs",
        "via",
        "evidence",
        "quote",
        "start",
        "end",
        "source",
        "source_file",
    ]
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if v is None else v for k, v in row.items()})
    return out.getvalue()


def explanation_json(expl: Explanation, lang: str = "zh") -> str:
    data = {
        "by": expl.by,
        "across": expl.across,
        "column": _entity_json(expl.column),
        "row": _entity_json(expl.row),
        "count": len(expl.measures),
        "measures": [
            {
                **_entity_json(item.measure),
                "organs": [_entity_json(o) for o in item.organs],
                "via": [_entity_json(c) for c in item.via],
                "quotes": [
                    {
                        "evidence": q.evidence,
                        "exact": q.exact,
                        "start": q.start,
                        "end": q.end,
                        "source": q.source,
                        "source_file": q.source_file,
                    }
                    for q in item.measure.quotes
                ],
            }
            for item in expl.measures
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render_explanation(expl: Explanation, fmt: str = "table", lang: str = "zh") -> str:
    check_choice("--format", fmt, REPORT_FORMATS)
    renderers = {
        "table": explanation_text,
        "md": explanation_markdown,
        "csv": explanation_csv,
        "json": explanation_json,
    }
    return renderers[fmt](expl, lang)


# --- similarity and overlap -------------------------------------------------


def _fraction(value: Fraction | None) -> str:
    if value is None:
        return "—"
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def _decimal(value: Fraction | None) -> str:
    return "" if value is None else f"{float(value):.3f}"


def similarity_square(sim: Similarity, lang: str) -> tuple[list[str], list[list[str]]]:
    header = ["", *(c.label(lang) for c in sim.columns)]
    rows = []
    for a in sim.columns:
        cells = []
        for b in sim.columns:
            value = sim.jaccard(a.iri, b.iri)
            cells.append(f"{_fraction(value)} ({_decimal(value)})" if value is not None else "—")
        rows.append([a.label(lang), *cells])
    return header, rows


def _similarity_title(sim: Similarity, lang: str) -> str:
    if lang == "en":
        return f"Jaccard similarity of {word(sim.across + '-plural', lang)} over {word(sim.by + '-plural', lang)}"
    return f"{word(sim.across, lang)}间相似度（Jaccard，基于{word(sim.by, lang)}）"


def similarity_text(sims: Sequence[Similarity], lang: str = "zh") -> str:
    parts = []
    for sim in sims:
        header, rows = similarity_square(sim, lang)
        parts += [_similarity_title(sim, lang), "", text_table(header, rows)]
    return "\n".join(parts).rstrip() + "\n"


def similarity_markdown(sims: Sequence[Similarity], lang: str = "zh") -> str:
    parts = []
    for sim in sims:
        header, rows = similarity_square(sim, lang)
        parts += [
            f"## {_md(_similarity_title(sim, lang))}",
            "",
            markdown_table(header, [[_md(c) for c in r] for r in rows]),
        ]
    return "\n".join(parts).rstrip() + "\n"


def similarity_records(sims: Sequence[Similarity], lang: str = "zh") -> list[dict[str, Any]]:
    records = []
    for sim in sims:
        for pair in sim.pairs:
            value = pair.jaccard
            records.append(
                {
                    "level": sim.by,
                    "a": pair.a.label(lang),
                    "b": pair.b.label(lang),
                    "shared": len(pair.shared),
                    "union": pair.union,
                    "jaccard": _fraction(value) if value is not None else "",
                    "jaccard_decimal": _decimal(value),
                }
            )
    return records


def similarity_csv(sims: Sequence[Similarity], lang: str = "zh") -> str:
    """One row per unordered pair: level, a, b, shared, union, jaccard (exact fraction), jaccard_decimal."""
    out = io.StringIO()
    fields = ["level", "a", "b", "shared", "union", "jaccard", "jaccard_decimal"]
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    writer.writerows(similarity_records(sims, lang))
    return out.getvalue()


def similarity_json(sims: Sequence[Similarity], lang: str = "zh") -> str:
    data = [
        {
            "level": sim.by,
            "across": sim.across,
            "columns": [_entity_json(c) for c in sim.columns],
            "pairs": [
                {
                    "a": _entity_json(p.a),
                    "b": _entity_json(p.b),
                    "shared": list(p.shared),
                    "union": p.union,
                    "jaccard": _fraction(p.jaccard) if p.jaccard is not None else None,
                    "jaccard_decimal": float(p.jaccard) if p.jaccard is not None else None,
                }
                for p in sim.pairs
            ],
        }
        for sim in sims
    ]
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render_similarity(sims: Sequence[Similarity], fmt: str = "table", lang: str = "zh") -> str:
    check_choice("--format", fmt, REPORT_FORMATS)
    renderers = {"table": similarity_text, "md": similarity_markdown, "csv": similarity_csv, "json": similarity_json}
    return renderers[fmt](sims, lang)


def _overlap_title(matrix: Matrix, lang: str) -> str:
    if lang == "en":
        plural = word(matrix.by + "-plural", lang)
        return f"{plural[0].upper()}{plural[1:]} shared by two or more {word(matrix.across + '-plural', lang)}, and unique to one"
    return f"{word(matrix.across, lang)}共有与独有的{word(matrix.by, lang)}"


def overlap_text(matrix: Matrix, spreads: Sequence[Spread], lang: str = "zh", markdown: bool = False) -> str:
    sep = SEPARATOR[lang]
    title = _overlap_title(matrix, lang)
    lines = [f"## {_md(title)}" if markdown else title]
    for status in ("shared", "unique", "none"):
        group = [s for s in spreads if s.status == status]
        if not group:
            continue
        if lang == "en":
            heading, colon = f"{word(status, lang)} ({len(group)})", ":"
        else:
            heading, colon = f"{word(status, lang)}（{len(group)}）", "："
        lines += ["", f"### {_md(heading)}", ""] if markdown else ["", heading + colon]
        for s in group:
            where = sep.join(c.label(lang) for c in s.columns)
            n, m = len(s.columns), s.measures
            if lang == "en":
                kind = word(matrix.across + ("-plural" if n != 1 else ""), lang)
                counts = f" ({n} {kind}, {m} measure{'s' if m != 1 else ''})"
            else:
                counts = f"（{n} 个{word(matrix.across, lang)}，{m} 项举措）"
            item = s.row.label(lang) + (f" — {where}{counts}" if s.columns else "")
            lines.append(f"- {_md(item)}" if markdown else f"  {item}")
    return "\n".join(lines).rstrip() + "\n"


def overlap_csv(matrix: Matrix, spreads: Sequence[Spread], lang: str = "zh") -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([matrix.by, "status", "count", matrix.across, "measures"])
    for s in spreads:
        writer.writerow(
            [
                s.row.label(lang),
                s.status,
                len(s.columns),
                SEPARATOR[lang].join(c.label(lang) for c in s.columns),
                s.measures,
            ]
        )
    return out.getvalue()


def overlap_json(matrix: Matrix, spreads: Sequence[Spread], lang: str = "zh") -> str:
    data = {
        "by": matrix.by,
        "across": matrix.across,
        "rows": [
            {
                **_entity_json(s.row),
                "status": s.status,
                "columns": [_entity_json(c) for c in s.columns],
                "measures": s.measures,
            }
            for s in spreads
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def render_overlap(matrix: Matrix, fmt: str = "table", lang: str = "zh") -> str:
    check_choice("--format", fmt, REPORT_FORMATS)
    spreads = overlap(matrix)
    if fmt == "csv":
        return overlap_csv(matrix, spreads, lang)
    if fmt == "json":
        return overlap_json(matrix, spreads, lang)
    return overlap_text(matrix, spreads, lang, markdown=fmt == "md")


# --- HTML ---------------------------------------------------------------------

_CSS = """
body{font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif;margin:2rem;color:#1a1a1a;max-width:72rem}
table{border-collapse:collapse;font-size:.92rem}
th,td{border:1px solid #d0d7de;padding:.3rem .55rem}
thead th{position:sticky;top:0;background:#f6f8fa}
td.n{text-align:right;font-variant-numeric:tabular-nums;min-width:2.5rem}
td.n a{color:inherit;font-weight:600;text-decoration:none;display:block}
td.n a:hover{text-decoration:underline}
th.row{text-align:left;font-weight:normal}
tr.category th.row{font-weight:600}
tr.total td,tr.total th{font-weight:600;background:#f6f8fa}
.note{color:#57606a;font-size:.85rem}
section.cell{margin-top:2rem;border-top:1px solid #d0d7de}
blockquote{margin:.3rem 0 .3rem 1rem;padding-left:.7rem;border-left:3px solid #8c959f}
cite{color:#57606a;font-style:normal;font-size:.85rem}
code{font-size:.85rem;color:#57606a}
""".strip()


def _cell_id(r: int, c: int) -> str:
    return f"cell-{r}-{c}"


def _shade(count: int, peak: int) -> str:
    if not count or not peak:
        return ""
    alpha = 0.15 + 0.65 * count / peak
    return f' style="background:rgba(33,102,172,{alpha:.2f});color:{"#fff" if alpha > 0.5 else "#1a1a1a"}"'


def matrix_html(matrix: Matrix, data: Adoptions, lang: str = "zh") -> str:
    """A self-contained page: the matrix, each non-empty cell linked to its measures and quotes."""
    e = html.escape
    sep = SEPARATOR[lang]
    title = title_of(matrix, lang)
    counts = matrix.counts()
    peak = max((n for row in counts for n in row), default=0)
    out = [
        "<!DOCTYPE html>",
        f'<html lang="{"en" if lang == "en" else "zh-Hans"}">',
        '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(title)}</title><style>{_CSS}</style></head>",
        "<body>",
        f"<h1>{e(title)}</h1>",
        f'<p class="note">{e(note_of(matrix, lang))}</p>',
        "<table><thead><tr>",
        f'<th scope="col">{e(word(matrix.by, lang))}</th>',
        *(f'<th scope="col" title="{e(c.iri)}">{e(c.label(lang))}</th>' for c in matrix.columns),
        f'<th scope="col">{e(word("total", lang))}</th></tr></thead><tbody>',
    ]
    for r, (row, row_counts) in enumerate(zip(matrix.rows, counts, strict=True)):
        cls = ' class="category"' if matrix.by == "mechanism" and row.is_category else ""
        indent = (
            f' style="padding-left:{0.55 + 1.2 * row.depth:.2f}rem"' if matrix.by == "mechanism" and row.depth else ""
        )
        cells = []
        for c, n in enumerate(row_counts):
            inner = f'<a href="#{_cell_id(r, c)}">{n}</a>' if n else "0"
            cells.append(f'<td class="n"{_shade(n, peak)}>{inner}</td>')
        out.append(
            f'<tr{cls}><th scope="row" class="row" title="{e(row.iri)}"{indent}>{e(row.label(lang))}</th>'
            + "".join(cells)
            + f'<td class="n">{matrix.row_total(row.iri)}</td></tr>'
        )
    out.append(
        f'<tr class="total"><th scope="row" class="row">{e(word("distinct", lang))}</th>'
        + "".join(f'<td class="n">{matrix.column_total(c.iri)}</td>' for c in matrix.columns)
        + f'<td class="n">{matrix.grand_total()}</td></tr>'
    )
    out.append("</tbody></table>")
    if matrix.unplaced:
        out.append(f"<h2>{e(word('unplaced', lang))}</h2><ul>")
        out += [f"<li><code>{e(curie(u.measure))}</code>: {e(u.why(lang))}</li>" for u in matrix.unplaced]
        out.append("</ul>")
    out.append(f"<h2>{e(word('quotes', lang))}</h2>")
    for r, row in enumerate(matrix.rows):
        for c, column in enumerate(matrix.columns):
            iris = matrix.measures(row.iri, column.iri)
            if not iris:
                continue
            measures = sorted((data.measures[i] for i in iris), key=lambda m: (m.first_offset, m.iri))
            out.append(f'<section class="cell" id="{_cell_id(r, c)}">')
            out.append(f"<h3>{e(column.label(lang))} × {e(row.label(lang))} ({len(measures)})</h3><ol>")
            for m in measures:
                organs = sep.join(data.label_of(o, lang) for o in m.organs)
                via = sep.join(data.label_of(v, lang) for v in sorted(matrix.via.get((m.iri, row.iri), ())))
                out.append(f"<li><strong>{e(m.label(lang))}</strong> <code>{e(m.curie)}</code><br>")
                out.append(f"{e(word('organ', lang))}: {e(organs)} · {e(word('via', lang))}: {e(via)}")
                for q in m.quotes:
                    out.append(
                        f"<blockquote>{e(q.exact)}</blockquote><cite>{e(q.source_label or q.source)} · {e(q.where)}</cite>"
                    )
                out.append("</li>")
            out.append(f'</ol><p><a href="#top">↑ {e(word("back", lang))}</a></p></section>')
    out += ["</body>", "</html>"]
    page = "\n".join(out) + "\n"
    return page.replace("<body>", '<body id="top">', 1)


def render_matrix(matrix: Matrix, fmt: str = "table", lang: str = "zh", data: Adoptions | None = None) -> str | bytes:
    """The matrix in one of :data:`MATRIX_FORMATS` (HTML needs ``data`` for the quotes)."""
    check_choice("--format", fmt, MATRIX_FORMATS)
    check_choice("--lang", lang, LANGS)
    if fmt == "table":
        return matrix_table(matrix, lang)
    if fmt == "csv":
        return matrix_csv(matrix, lang)
    if fmt == "md":
        return matrix_markdown(matrix, lang)
    if fmt == "json":
        return matrix_json(matrix, lang)
    if fmt == "html":
        if data is None:
            raise UsageError("the HTML matrix needs the loaded data for its quotes")
        return matrix_html(matrix, data, lang)
    return heatmap(matrix, fmt=fmt, lang=lang).data


# ---------------------------------------------------------------------------
# Heatmap (matplotlib, imported only here)
# ---------------------------------------------------------------------------

#: CJK font families, most wanted first (Debian's fonts-noto-cjk provides the first).
CJK_FAMILIES: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Noto Serif CJK SC",
    "AR PL UMing CN",
    "Droid Sans Fallback",
    "PingFang SC",
    "Microsoft YaHei",
    "SimHei",
)


class CJKFontMissing(UserWarning):
    """No font with Chinese glyphs is installed: Chinese labels would render as empty boxes."""


def cjk_font() -> str | None:
    """The first installed CJK font family matplotlib knows, or None."""
    from matplotlib import font_manager

    installed = {entry.name for entry in font_manager.fontManager.ttflist}
    return next((family for family in CJK_FAMILIES if family in installed), None)


def needs_cjk(texts: Iterable[str]) -> bool:
    return any(unicodedata.east_asian_width(ch) in "WF" for text in texts for ch in text)


@dataclass(frozen=True)
class Image:
    data: bytes
    format: str
    width: int  # pixels for PNG, points for SVG
    height: int
    font: str | None


def heatmap(matrix: Matrix, fmt: str = "png", lang: str = "zh", title: str | None = None, dpi: int = 150) -> Image:
    """Draw the matrix as a heatmap; PNG or SVG (text kept as text, so labels stay searchable)."""
    check_choice("--format", fmt, ("png", "svg"))
    import matplotlib
    from matplotlib.colors import ListedColormap
    from matplotlib.figure import Figure

    title = title if title is not None else title_of(matrix, lang)
    marks = {1: "· ", 2: "·· "}
    row_labels = [
        (marks.get(r.depth, "··· ") if matrix.by == "mechanism" and r.depth else "") + r.label(lang)
        for r in matrix.rows
    ]
    col_labels = [c.label(lang) for c in matrix.columns]
    font = cjk_font()
    if font is None and needs_cjk([title, *row_labels, *col_labels]):
        warnings.warn(
            "no CJK font found (install fonts-noto-cjk): Chinese labels will show as boxes; or use --lang en",
            CJKFontMissing,
            stacklevel=2,
        )
    counts = matrix.counts()
    n_rows, n_cols = max(len(row_labels), 1), max(len(col_labels), 1)
    unit = 0.07  # inches per half-width character at 9 pt
    cell_width = 0.85
    longest_column = max((display_width(t) for t in col_labels), default=4) * unit
    rotate = longest_column > cell_width - 0.1  # long column names are set at an angle
    width = round(max((display_width(t) for t in row_labels), default=4) * unit + 0.4 + cell_width * n_cols + 1.3, 1)
    height = round(1.2 + 0.3 * n_rows + (longest_column * 0.65 if rotate else 0.2), 1)
    rc: Any = {
        "font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "font.size": 9,
        "svg.fonttype": "none",
        "svg.hashsalt": "zhengfa-kg",
        "axes.unicode_minus": False,
    }
    with matplotlib.rc_context(rc):
        # A bare Figure, not pyplot: no global backend switch, so notebooks keep theirs.
        fig = Figure(figsize=(width, height), dpi=dpi, layout="constrained")
        ax = fig.add_subplot()
        peak = max((n for row in counts for n in row), default=0)
        base = matplotlib.colormaps["Blues"]
        colours: list[Any] = ["#ffffff", *(base(0.2 + 0.75 * i / max(peak - 1, 1)) for i in range(max(peak, 1)))]
        image = ax.imshow(
            counts or [[0]],
            cmap=ListedColormap(colours),
            vmin=-0.5,
            vmax=max(peak, 1) + 0.5,
            aspect="auto",
            interpolation="nearest",
        )
        ax.xaxis.tick_top()
        ax.set_xticks(range(len(col_labels)), col_labels)
        if rotate:
            for label in ax.get_xticklabels():
                label.set(rotation=35, ha="left", rotation_mode="anchor")
        ax.set_yticks(range(len(row_labels)), row_labels)
        ax.tick_params(length=0)
        for i, row_counts in enumerate(counts):
            for j, n in enumerate(row_counts):
                if n:
                    shade = 0.2 + 0.75 * (n - 1) / max(peak - 1, 1)
                    ax.text(j, i, str(n), ha="center", va="center", color="white" if shade > 0.55 else "#1a1a1a")
        if matrix.by == "mechanism":
            for i, row in enumerate(matrix.rows):
                if row.is_category:
                    ax.get_yticklabels()[i].set_fontweight("bold")
                    if i:
                        ax.axhline(i - 0.5, color="#8c959f", linewidth=0.6)
        ax.set_xticks([x - 0.5 for x in range(1, n_cols)], minor=True)
        ax.set_yticks([y - 0.5 for y in range(1, n_rows)], minor=True)
        ax.grid(which="minor", color="#e1e4e8", linewidth=0.5)
        ax.tick_params(which="minor", length=0)
        for spine in ax.spines.values():
            spine.set_visible(False)
        ticks = range(0, max(peak, 1) + 1, max(1, (peak + 9) // 10))
        bar = fig.colorbar(image, ax=ax, shrink=min(1.0, 6 / n_rows + 0.2), pad=0.02, ticks=list(ticks))
        bar.set_label(word("count", lang))
        ax.set_title(title, pad=10, fontsize=11)
        buffer = io.BytesIO()
        metadata: dict[str, Any] = {"Software": None} if fmt == "png" else {"Date": None, "Creator": None}
        with warnings.catch_warnings():
            # Without a CJK font, one clear warning (above) beats one per missing glyph.
            warnings.filterwarnings("ignore", message=r"Glyph \d+ .* missing from font")
            fig.savefig(buffer, format=fmt, dpi=dpi, metadata=metadata)
        pixels = fig.canvas.get_width_height()
    if fmt == "png":
        size = pixels
    else:
        size = (round(width * 72), round(height * 72))
    return Image(buffer.getvalue(), fmt, size[0], size[1], font)
