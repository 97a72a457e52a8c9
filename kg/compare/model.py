"""What the graph says about measures, organs, places and mechanisms: read from the store once.

Columns: provinces in the order their first speech appears in the corpus
(source document date, then offset; for the seed article 湖南, 江苏, 广西, 贵州,
四川), then provinces without a speech by GB/T 2260 code. Organ types in the
fixed order of :data:`ORGAN_TYPE_ORDER`, then any other by IRI. Rows: every
concept of the taxonomy; categories and, under each, its mechanisms
depth-first, ordered by ``skos:notation`` when the taxonomy gives one,
otherwise by IRI.

The roll-up is done in Python from the taxonomy rather than with ``skos:broader*``
so that it gives the same answer on every SPARQL engine.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Union

import pyoxigraph as ox

from kg.namespaces import PREFIXES, ZF, ZFR

if TYPE_CHECKING:
    from rdflib import Graph


#: Where the data is read from: the built Oxigraph store, or an rdflib graph.
Source = Union["ox.Store", "Graph"]


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
