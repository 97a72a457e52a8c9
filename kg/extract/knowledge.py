"""What the extractor knows from the graph: registered sources, the taxonomy, and (when
linking) the entities already curated, so a draft points at them instead of repeating them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, Literal, URIRef

from kg.extract.mechanisms import MechanismIndex
from kg.namespaces import DCTERMS, FOAF, ORG, RDF, RDFS, SKOS, ZF


@dataclass(frozen=True)
class RegisteredSource:
    iri: str
    issued: str | None  # ISO date


@dataclass
class Knowledge:
    mechanisms: MechanismIndex
    sources: dict[str, RegisteredSource] = field(default_factory=dict)  # sha256 → source
    linking: bool = False
    organs: dict[str, str] = field(default_factory=dict)  # zh label → IRI
    persons: dict[str, str] = field(default_factory=dict)
    posts: dict[str, str] = field(default_factory=dict)
    titles: dict[str, str] = field(default_factory=dict)
    indicators: dict[str, str] = field(default_factory=dict)
    provinces: dict[str, str] = field(default_factory=dict)
    events: dict[str, str] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)  # any zh label → IRI (for quoted terms)
    parts: dict[tuple[str, int, int], str] = field(default_factory=dict)  # (document, start, end) → part IRI
    speeches: dict[str, str] = field(default_factory=dict)  # part IRI → speech IRI

    @classmethod
    def from_graph(cls, graph: Graph, link: bool = True) -> Knowledge:
        know = cls(mechanisms=MechanismIndex(graph), linking=link)
        for doc in graph.subjects(RDF.type, ZF.SourceDocument):
            for prop in (ZF.sha256, ZF.originalSha256):
                sha = graph.value(doc, prop)
                if sha is not None:
                    issued = graph.value(doc, DCTERMS.issued)
                    know.sources[str(sha)] = RegisteredSource(str(doc), str(issued)[:10] if issued else None)
        if not link:
            return know
        for part, doc in graph.subject_objects(DCTERMS.isPartOf):
            start, end = graph.value(part, ZF.startOffset), graph.value(part, ZF.endOffset)
            if start is not None and end is not None:
                know.parts[(str(doc), int(str(start)), int(str(end)))] = str(part)
        for speech, part in graph.subject_objects(ZF.textPart):
            know.speeches[str(part)] = str(speech)
        organ_types = _organ_classes(graph)
        for subject, label in graph.subject_objects(RDFS.label):
            if not (isinstance(subject, URIRef) and isinstance(label, Literal) and label.language == "zh"):
                continue
            types = set(graph.objects(subject, RDF.type))
            text = str(label)
            if types & organ_types:
                know.organs.setdefault(text, str(subject))
            if ZF.Person in types:
                know.persons.setdefault(text, str(subject))
            if ORG.Post in types:
                know.posts.setdefault(text, str(subject))
            if ZF.Province in types:
                know.provinces.setdefault(text, str(subject))
            if ZF.Event in types:
                know.events.setdefault(text, str(subject))
            know.labels.setdefault(text, str(subject))
        for subject, name in graph.subject_objects(FOAF.name):
            if (subject, RDF.type, ZF.Person) in graph:
                know.persons.setdefault(str(name), str(subject))
        for subject, short in graph.subject_objects(ZF.shortName):
            if (subject, RDF.type, ZF.Province) in graph and isinstance(short, Literal) and short.language == "zh":
                know.provinces.setdefault(str(short), str(subject))
        for doc, title in graph.subject_objects(DCTERMS.title):
            if (doc, RDF.type, ZF.PolicyDocument) in graph:
                know.titles.setdefault(str(title), str(doc))
        for prop in (SKOS.prefLabel, SKOS.altLabel):
            for concept, label in graph.subject_objects(prop):
                if not (isinstance(label, Literal) and label.language == "zh"):
                    continue
                if (concept, RDF.type, ZF.Indicator) in graph:
                    know.indicators.setdefault(str(label), str(concept))
                know.labels.setdefault(str(label), str(concept))
        return know

    @classmethod
    def load(cls, include: Iterable[Path] = (), link: bool = True) -> Knowledge:
        from kg.sources import load_sources, source_files

        return cls.from_graph(load_sources(source_files(include)).graph, link=link)

    def indicator_for(self, phrase: str) -> str | None:
        """An existing indicator whose label the phrase is or ends with (全省法院结收案比 → 结收案比)."""
        if not self.linking:
            return None
        if phrase in self.indicators:
            return self.indicators[phrase]
        best = max(
            (label for label in self.indicators if len(label) >= 3 and phrase.endswith(label)), key=len, default=None
        )
        return self.indicators[best] if best else None


def _organ_classes(graph: Graph) -> set[URIRef]:
    classes = {ZF.Organ}
    changed = True
    while changed:
        changed = False
        for sub, sup in graph.subject_objects(RDFS.subClassOf):
            if sup in classes and isinstance(sub, URIRef) and sub not in classes:
                classes.add(sub)
                changed = True
    return classes
