"""The queries that read the comparison's data: taxonomy, relations, columns, organs, measures, source parts."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from kg.compare.reading import Labels, Source, entity_labels, labels, lang_of, natural_key, pick, sparql, text
from kg.compare.vocab import ORGAN_TYPE_ORDER, RELATION_SCHEME, SCHEME, curie, iri_list

if TYPE_CHECKING:
    from kg.compare.model import Concept, Entity, Measure, Organ, Part


def _scheme_members(graph: Source, scheme: str) -> list[tuple[Any, ...]]:
    return sparql(
        graph,
        f"""SELECT ?c ?broader ?top ?notation WHERE {{
          {{ ?c skos:inScheme <{scheme}> }} UNION {{ ?c skos:topConceptOf <{scheme}> }}
          UNION {{ <{scheme}> skos:hasTopConcept ?c }}
          OPTIONAL {{ ?c skos:broader ?broader }}
          OPTIONAL {{ ?c skos:topConceptOf ?top FILTER(?top = <{scheme}>) }}
          OPTIONAL {{ ?c skos:notation ?notation }}
        }}""",
    )


def taxonomy(graph: Source, scheme: str = SCHEME) -> dict[str, Concept]:
    """The concepts of ``scheme``: each top concept, then its narrower concepts depth-first."""
    from kg.compare.model import Concept

    broader: dict[str, set[str]] = defaultdict(set)
    tops: set[str] = set()
    notation: dict[str, str] = {}
    members: set[str] = set()
    for c, b, top, note in _scheme_members(graph, scheme):
        iri = str(c)
        members.add(iri)
        if b is not None:
            broader[iri].add(str(b))
        if top is not None:
            tops.add(iri)
        if note is not None:
            notation[iri] = min(notation.get(iri, str(note)), str(note))
    if not members:
        return {}
    found = labels(graph, members)
    alt = defaultdict(list)
    for c, label in sparql(
        graph, f"SELECT ?c ?label WHERE {{ VALUES ?c {{ {iri_list(sorted(members))} }} ?c skos:altLabel ?label }}"
    ):
        alt[str(c)].append(str(label))
    # Only links inside the scheme count; a concept with none is a top concept.
    parents = {iri: sorted(b for b in broader[iri] if b in members) for iri in members}
    for iri in members:
        if not parents[iri]:
            tops.add(iri)

    def sort_key(iri: str) -> tuple[Any, ...]:
        return (0, natural_key(notation[iri]), iri) if iri in notation else (1, (), iri)

    children: dict[str, list[str]] = defaultdict(list)
    for iri in members:
        if iri not in tops:
            children[parents[iri][0]].append(iri)  # the first parent places it in the tree

    def categories_of(iri: str) -> tuple[str, ...]:
        reached: set[str] = set()
        seen: set[str] = set()
        todo = [iri]
        while todo:
            node = todo.pop()
            if node in seen:
                continue
            seen.add(node)
            if node in tops:
                reached.add(node)
            else:
                todo.extend(parents[node])
        return tuple(sorted(reached, key=sort_key))

    ordered: dict[str, Concept] = {}

    def visit(iri: str, depth: int) -> None:
        if iri in ordered:
            return
        zh, en = entity_labels(found, iri)
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


def relations(graph: Source) -> dict[str, Concept]:
    """The supervision relations (CONTRACT-14), flat, in skos:notation order."""
    from kg.compare.model import Concept

    return {
        iri: Concept(c.iri, c.zh, c.en, categories=(c.iri,), depth=0, alt_labels=c.alt_labels)
        for iri, c in taxonomy(graph, RELATION_SCHEME).items()
    }


def provinces(graph: Source) -> list[Entity]:
    from kg.compare.model import Entity

    rows = sparql(
        graph,
        """SELECT ?p ?short ?label ?code WHERE {
          ?p a zf:Province .
          OPTIONAL { ?p zf:shortName ?short }
          OPTIONAL { ?p rdfs:label ?label }
          OPTIONAL { ?p zf:divisionCode ?code }
        }""",
    )
    short: Labels = defaultdict(lambda: defaultdict(list))
    long: Labels = defaultdict(lambda: defaultdict(list))
    codes: dict[str, str] = {}
    for p, short_name, label, code in rows:
        iri = str(p)
        for term, table in ((short_name, short), (label, long)):
            table[iri]
            if term is not None:
                table[iri][lang_of(term)].append(str(term))
        if code is not None:
            codes[iri] = str(code)
    speeches = sparql(
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
        key = (text(issued) or "9999", text(doc), int(start) if start is not None else 1 << 62)
        iri = str(p)
        if iri not in first or key < first[iri]:
            first[iri] = key
    found = []
    for iri in short:
        local = curie(iri).split(":", 1)[-1]
        # The short name (湖南 / Hunan) names a column; the full label is the fallback.
        zh = min(short[iri]["zh"], default="") or pick(long[iri], "zh", local)
        en = min(short[iri]["en"], default="") or pick(long[iri], "en", local)
        found.append(Entity(iri, zh, en))
    never = ("~", "", 1 << 62)
    found.sort(key=lambda e: (e.iri not in first, first.get(e.iri, never), codes.get(e.iri, "~"), e.iri))
    return found


def organ_types(graph: Source) -> list[Entity]:
    from kg.compare.model import Entity

    iris = {str(t) for (t,) in sparql(graph, "SELECT DISTINCT ?t WHERE { ?t a zf:OrganType }")}
    rank = {iri: i for i, iri in enumerate(ORGAN_TYPE_ORDER)}
    ordered = sorted(iris, key=lambda iri: (rank.get(iri, len(rank)), iri))
    found = labels(graph, ordered)
    return [Entity(iri, *entity_labels(found, iri)) for iri in ordered]


def type_closure(graph: Source, organ_types: set[str]) -> dict[str, set[str]]:
    """Class → the organ types it is or specialises (e.g. HighPeoplesCourt → PeoplesCourt)."""
    subclass: dict[str, set[str]] = defaultdict(set)
    for c, sup in sparql(graph, "SELECT ?c ?sup WHERE { ?c rdfs:subClassOf ?sup FILTER(isIRI(?c) && isIRI(?sup)) }"):
        subclass[str(c)].add(str(sup))

    def types_of(cls: str) -> set[str]:
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

    closure = {cls: types_of(cls) for cls in set(subclass) | organ_types}
    return {cls: types for cls, types in closure.items() if types}


def organs(graph: Source, organ_types: set[str], only: Sequence[str] | None = None) -> dict[str, Organ]:
    """Organs with their province and organ types; ``only``: just these (one cell's)."""
    from kg.compare.model import Organ

    if only is not None:
        rows = sparql(
            graph,
            f"""SELECT DISTINCT ?o ?province ?class WHERE {{ VALUES ?o {{ {iri_list(only)} }}
              OPTIONAL {{ ?o zf:inProvince ?province }} OPTIONAL {{ ?o a ?class }} }}""",
        )
    else:
        rows = sparql(
            graph,
            """SELECT DISTINCT ?o ?province ?class WHERE {
              { ?m zf:adoptedBy ?o } UNION { ?m zf:jointlyWith ?o } UNION { ?o zf:inProvince ?any . ?o a zf:Organ }
              UNION { ?o a ?someType . ?someType a zf:OrganType }
              OPTIONAL { ?o zf:inProvince ?province }
              OPTIONAL { ?o a ?class }
            }""",
        )
    closure = type_closure(graph, organ_types)
    in_province: dict[str, set[str]] = defaultdict(set)
    types: dict[str, set[str]] = defaultdict(set)
    for o, province, cls in rows:
        iri = str(o)
        types[iri]
        if province is not None:
            in_province[iri].add(str(province))
        if cls is not None:
            types[iri] |= closure.get(str(cls), set())
    found = labels(graph, types)
    result = {}
    for iri in sorted(types):
        zh, en = entity_labels(found, iri)
        province = min(in_province[iri]) if in_province[iri] else None
        result[iri] = Organ(iri, zh, en, province=province, types=tuple(sorted(types[iri])))
    return result


def measures(graph: Source, only: Sequence[str] | None = None) -> dict[str, Measure]:
    """Measures with their organs, concepts, relations, attribution and quotes (stating sentences first).

    ``only``: just these measures (one cell's), read with a VALUES clause.
    """
    from kg.compare.model import Measure, Quote, quote_order

    values = f"VALUES ?m {{ {iri_list(only)} }} " if only is not None else ""
    links = sparql(
        graph,
        f"""SELECT ?m ?p ?o WHERE {{ {values}
          ?m a zf:Measure .
          {{ ?m zf:adoptedBy ?o BIND("adopted" AS ?p) }} UNION {{ ?m zf:jointlyWith ?o BIND("partner" AS ?p) }}
          UNION {{ ?m zf:implements ?o BIND("implements" AS ?p) }}
          UNION {{ ?m zf:supervisionRelation ?o BIND("relation" AS ?p) }}
          UNION {{ ?m zf:attributionBasis ?o BIND("basis" AS ?p) }}
          UNION {{ ?m zf:attributionNote ?o BIND("note" AS ?p) }}
          UNION {{ ?m zf:reportedIn ?o BIND("reported" AS ?p) }}
        }}""",
    )
    found: dict[str, dict[str, set[Any]]] = defaultdict(lambda: defaultdict(set))
    for (m,) in sparql(graph, f"SELECT ?m WHERE {{ {values} ?m a zf:Measure }}"):
        found[str(m)]
    notes: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for m, p, o in links:
        if str(p) == "note":
            notes[str(m)][lang_of(o)].append(str(o))
        else:
            found[str(m)][str(p)].add(str(o))
    # Evidence in small queries joined here: one query with nested OPTIONALs is slow on rdflib.
    evidence = sparql(graph, f"SELECT ?m ?ev WHERE {{ {values} ?m a zf:Measure ; prov:wasDerivedFrom ?ev }}")
    ev_values = f"VALUES ?ev {{ {iri_list(sorted({str(e) for _, e in evidence}))} }} " if only is not None else ""
    quote: dict[str, tuple[str, str, str]] = {}
    for ev, exact, prefix, suffix in sparql(
        graph,
        f"""SELECT ?ev ?exact ?prefix ?suffix WHERE {{ {ev_values} ?ev oa:hasSelector ?q .
            ?q a oa:TextQuoteSelector ; oa:exact ?exact
            OPTIONAL {{ ?q oa:prefix ?prefix }} OPTIONAL {{ ?q oa:suffix ?suffix }} }}""",
    ):
        candidate = (str(exact), text(prefix), text(suffix))
        quote[str(ev)] = min(quote.get(str(ev), candidate), candidate)
    position: dict[str, tuple[int, int]] = {}
    for ev, start, end in sparql(
        graph,
        f"""SELECT ?ev ?start ?end WHERE {{ {ev_values} ?ev oa:hasSelector ?q .
            ?q a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end }}""",
    ):
        position.setdefault(str(ev), (int(start), int(end)))
    source: dict[str, str] = {}
    role: dict[str, str] = {}
    for ev, src, ev_role in sparql(
        graph,
        f"""SELECT ?ev ?src ?role WHERE {{ {ev_values} ?ev a zf:Evidence ; oa:hasSource ?src
            OPTIONAL {{ ?ev zf:evidenceRole ?role }} }}""",
    ):
        source.setdefault(str(ev), str(src))
        if ev_role is not None:
            role[str(ev)] = min(role.get(str(ev), str(ev_role)), str(ev_role))
    sources = sorted(set(source.values()))
    seed_file = {
        str(s): str(f)
        for s, f in sparql(graph, f"SELECT ?s ?f WHERE {{ VALUES ?s {{ {iri_list(sources)} }} ?s zf:seedFile ?f }}")
    }
    source_labels = labels(graph, sources)
    quotes: dict[str, list[Quote]] = defaultdict(list)
    for m, ev in evidence:
        iri, src = str(ev), source.get(str(ev), "")
        start, end = position.get(iri, (None, None))
        exact, prefix, suffix = quote.get(iri, ("", "", ""))
        quotes[str(m)].append(
            Quote(
                evidence=iri,
                exact=exact,
                start=start,
                end=end,
                source=src,
                source_label=pick(source_labels.get(src), "zh", "") if src else "",
                source_file=seed_file.get(src, ""),
                prefix=prefix,
                suffix=suffix,
                role=role.get(iri),
                source_label_en=pick(source_labels.get(src), "en", "") if src else "",
            )
        )
    found_labels = labels(graph, found) if only is not None else labels(graph)
    result = []
    for iri, parts in found.items():
        zh, en = entity_labels(found_labels, iri)
        note = notes.get(iri, {})
        result.append(
            Measure(
                iri,
                zh,
                en,
                organs=tuple(sorted(parts["adopted"])),
                partners=tuple(sorted(parts["partner"])),
                implements=tuple(sorted(parts["implements"])),
                quotes=tuple(sorted(quotes[iri], key=quote_order)),
                relations=tuple(sorted(parts["relation"])),
                attribution=min(parts["basis"]) if parts["basis"] else None,
                attribution_note=(pick(note, "zh", ""), pick(note, "en", "")) if note else ("", ""),
                reported_in=tuple(sorted(parts["reported"])),
            )
        )
    result.sort(key=lambda m: (m.first_offset, m.iri))
    return {m.iri: m for m in result}


def parts(graph: Source, organ_types: dict[str, Entity]) -> dict[str, Part]:
    """Speech → its source part, speaker's organ (and its organ types), offsets: the basis of a column."""
    from kg.compare.model import Entity, Part

    rows = sparql(
        graph,
        """SELECT ?speech ?part ?province ?organ ?start ?end ?doc WHERE {
          ?speech a zf:Speech .
          OPTIONAL { ?speech zf:inProvince ?province }
          OPTIONAL { ?speech zf:onBehalfOf ?organ }
          OPTIONAL { ?speech zf:textPart ?part .
                     OPTIONAL { ?part zf:startOffset ?start } OPTIONAL { ?part zf:endOffset ?end }
                     OPTIONAL { ?part dcterms:isPartOf ?doc } }
        }""",
    )
    organ_iris = {str(r[3]) for r in rows if r[3] is not None}
    closure = type_closure(graph, set(organ_types))
    classes: dict[str, set[str]] = defaultdict(set)
    if organ_iris:
        for o, cls in sparql(graph, f"SELECT ?o ?c WHERE {{ VALUES ?o {{ {iri_list(sorted(organ_iris))} }} ?o a ?c }}"):
            classes[str(o)] |= closure.get(str(cls), set())
    found = labels(graph, {str(r[i]) for r in rows for i in (0, 1, 3) if r[i] is not None})
    result: dict[str, Part] = {}
    for speech, part, province, organ, start, end, doc in sorted(rows, key=lambda r: tuple(map(text, r))):
        iri = str(speech)
        if iri in result:
            continue
        organ_entity = Entity(str(organ), *entity_labels(found, str(organ))) if organ is not None else None
        types = sorted(classes.get(str(organ), set()), key=lambda t: list(organ_types).index(t))
        result[iri] = Part(
            str(part) if part is not None else iri,
            *entity_labels(found, str(part) if part is not None else iri),
            speech=iri,
            province=str(province) if province is not None else None,
            organ=organ_entity,
            organ_types=tuple(organ_types[t] for t in types),
            start=int(start) if start is not None else None,
            end=int(end) if end is not None else None,
            source=text(doc),
        )
    return result
