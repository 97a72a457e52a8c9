"""How well a draft agrees with the curated graph: recall and precision per kind.

The gold standard is read from the graph with SPARQL, never from a list:
figures by value (the candidate's number must lie inside the curated
figure's evidence span), quoted terms by label (any label the graph gives a
term the text puts in “…”), document titles by ``dcterms:title``, organs and
people by their @zh label. Only what the graph ties to the document counts.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation

from rdflib import Graph, URIRef

from kg.extract.model import Draft, FigureData
from kg.namespaces import PREFIXES

MEASURED = ("figure", "term", "title", "organ", "person")

_PREFIXES = "\n".join(f"PREFIX {p}: <{iri}>" for p, iri in PREFIXES.items())

GOLD_FIGURES = """
SELECT ?figure ?value ?start ?end WHERE {
  ?figure a zf:Figure ; zf:value ?value ; prov:wasDerivedFrom ?ev .
  ?ev oa:hasSource $doc ; oa:hasSelector ?sel .
  ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
}"""
GOLD_LABELS = """
SELECT DISTINCT ?label WHERE {
  ?thing rdfs:label|skos:prefLabel|skos:altLabel ?label .
  FILTER(lang(?label) = "zh" || lang(?label) = "")
}"""
GOLD_TITLES = """
SELECT DISTINCT ?title WHERE {
  ?document a zf:PolicyDocument ; dcterms:title ?title ; prov:wasDerivedFrom/oa:hasSource $doc .
}"""
GOLD_ORGANS = """
SELECT DISTINCT ?organ ?label WHERE {
  ?organ a/rdfs:subClassOf* zf:Organ ; rdfs:label ?label .
  FILTER(lang(?label) = "zh")
  { ?fact ?p ?organ . ?fact prov:wasDerivedFrom/oa:hasSource $doc . }
  UNION { ?fact ?p ?organ . ?fact zf:reportedIn/zf:textPart/dcterms:isPartOf $doc . }
  UNION { ?speech zf:onBehalfOf ?organ ; zf:textPart/dcterms:isPartOf $doc . }
}"""
GOLD_PEOPLE = """
SELECT DISTINCT ?person ?label WHERE {
  ?person a zf:Person ; rdfs:label ?label .
  FILTER(lang(?label) = "zh")
  { ?fact ?p ?person . ?fact prov:wasDerivedFrom/oa:hasSource $doc . }
  UNION { ?speech zf:speaker ?person ; zf:textPart/dcterms:isPartOf $doc . }
  UNION { $doc dcterms:creator ?person . }
}"""
GOLD_MEASURES = """
SELECT ?measure ?start ?end ?category WHERE {
  ?measure a zf:Measure ; prov:wasDerivedFrom ?ev .
  ?ev oa:hasSource $doc ; oa:hasSelector ?sel .
  ?sel a oa:TextPositionSelector ; oa:start ?start ; oa:end ?end .
  OPTIONAL { ?measure zf:implements/skos:broader* ?category . ?category a zf:MechanismCategory . }
}"""


def _rows(graph: Graph, query: str, doc: str) -> list[tuple[object, ...]]:
    # the document goes into the query text: rdflib applies initBindings only after the joins
    result = graph.query(_PREFIXES + query.replace("$doc", URIRef(doc).n3()))
    return [tuple(row) for row in result]  # type: ignore[arg-type]


def on_oxigraph(graph: Graph) -> Graph:
    """The same triples in an in-memory Oxigraph store: its SPARQL engine joins these queries in
    milliseconds where rdflib's takes minutes. A graph already on Oxigraph is returned as it is."""
    from oxrdflib import OxigraphStore

    if isinstance(graph.store, OxigraphStore):
        return graph
    out = Graph(store=OxigraphStore())
    out.addN((s, p, o, out) for s, p, o in graph)
    return out


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


@dataclass
class Score:
    kind: str
    gold: int
    candidates: int
    recalled: int
    correct: int
    missed: list[str] = field(default_factory=list)
    spurious: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.recalled / self.gold if self.gold else 1.0

    @property
    def precision(self) -> float:
        return self.correct / self.candidates if self.candidates else 1.0


@dataclass
class Evaluation:
    scores: dict[str, Score]
    measures: dict[str, float | int] = field(default_factory=dict)

    def to_text(self) -> str:
        lines = [f"{'kind':<8} {'gold':>5} {'found':>6} {'recall':>7} {'cands':>6} {'precision':>9}"]
        for s in self.scores.values():
            lines.append(
                f"{s.kind:<8} {s.gold:>5} {s.recalled:>6} {s.recall:>7.1%} {s.candidates:>6} {s.precision:>9.1%}"
            )
        for s in self.scores.values():
            if s.missed:
                lines.append(f"missed {s.kind}: {', '.join(s.missed)}")
        if self.measures:
            lines.append(
                "measures: "
                + ", ".join(f"{k} {v:.1%}" if isinstance(v, float) else f"{k} {v}" for k, v in self.measures.items())
            )
        return "\n".join(lines)

    def to_json(self) -> str:
        data = {k: {**asdict(s), "recall": s.recall, "precision": s.precision} for k, s in self.scores.items()}
        return json.dumps({"scores": data, "measures": self.measures}, ensure_ascii=False, indent=2)


def evaluate(draft: Draft, graph: Graph) -> Evaluation:
    """Compare a draft of a registered document with what the graph holds about that document."""
    doc, text = draft.source_iri, draft.text
    graph = on_oxigraph(graph)
    scores: dict[str, Score] = {}

    # figures: same value, the candidate's number inside one of the figure's evidence spans
    gold_figures: dict[str, tuple[Decimal, list[tuple[int, int]]]] = {}
    for figure, value, start, end in _rows(graph, GOLD_FIGURES, doc):
        number = _decimal(value)
        if number is None:
            continue
        entry = gold_figures.setdefault(str(figure), (number, []))
        entry[1].append((int(str(start)), int(str(end))))
    candidates = [(c.key, c.data["figure"]) for c in draft.of_kind("figure")]

    def matches(value: Decimal, spans: list[tuple[int, int]], f: FigureData) -> bool:
        return f.value == value and any(s <= f.number.start and f.number.end <= e for s, e in spans)

    recalled = [
        iri
        for iri, (v, spans) in gold_figures.items()
        if any(matches(v, spans, f) for _, f in candidates if isinstance(f, FigureData))
    ]
    correct = [
        key
        for key, f in candidates
        if isinstance(f, FigureData) and any(matches(v, sp, f) for v, sp in gold_figures.values())
    ]
    scores["figure"] = Score(
        "figure",
        len(gold_figures),
        len(candidates),
        len(recalled),
        len(correct),
        missed=sorted(f"{gold_figures[i][0]}@{gold_figures[i][1][0][0]}" for i in set(gold_figures) - set(recalled)),
        spurious=[
            f"{f.number.text}@{f.number.start}" for k, f in candidates if k not in correct and isinstance(f, FigureData)
        ],
    )

    # the rest: by label
    labels = {str(row[0]) for row in _rows(graph, GOLD_LABELS, doc)}
    gold_terms = {label for label in labels if f"“{label}”" in text}
    gold = {
        "term": gold_terms,
        "title": {str(row[0]) for row in _rows(graph, GOLD_TITLES, doc)},
        "organ": {str(row[1]) for row in _rows(graph, GOLD_ORGANS, doc)},
        "person": {str(row[1]) for row in _rows(graph, GOLD_PEOPLE, doc)},
    }
    for kind, wanted in gold.items():
        found = {c.label for c in draft.of_kind(kind)}
        scores[kind] = Score(
            kind,
            len(wanted),
            len(found),
            len(wanted & found),
            len(wanted & found),
            missed=sorted(wanted - found),
            spurious=sorted(found - wanted),
        )
    return Evaluation({k: scores[k] for k in MEASURED}, _measures(draft, graph))


def _measures(draft: Draft, graph: Graph) -> dict[str, float | int]:
    """How many curated measures a measure candidate overlaps, and how often its category guess is right."""
    curated: dict[str, tuple[list[tuple[int, int]], set[str]]] = {}
    for measure, start, end, category in _rows(graph, GOLD_MEASURES, draft.source_iri):
        spans, categories = curated.setdefault(str(measure), ([], set()))
        spans.append((int(str(start)), int(str(end))))
        if category is not None:
            categories.add(str(category))
    if not curated:
        return {}
    cands = draft.of_kind("measure")
    found = top1 = top3 = 0
    for spans, categories in curated.values():
        spans = list(dict.fromkeys(spans))
        overlapping = [c for c in cands if any(c.start < e and s < c.end for s, e in spans)]
        if not overlapping:
            continue
        found += 1
        guesses = [g.category for c in overlapping[:1] for g in c.guesses]
        top1 += bool(guesses[:1] and guesses[0] in categories)
        top3 += bool(set(guesses[:3]) & categories)
    return {
        "curated": len(curated),
        "overlapped": found / len(curated),
        "category guess top-1": top1 / found if found else 0.0,
        "category guess top-3": top3 / found if found else 0.0,
    }
