"""``kg stats``: what the graph holds, what lacks a label or evidence, and corpus coverage."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import Graph, URIRef

from kg.build import class_counts
from kg.corpus import load_corpus
from kg.coverage import Coverage, coverage
from kg.namespaces import ORG, OWL, PROV, RDF, RDFS, SKOS, ZF
from kg.sources import load_sources, source_files

#: Classes whose instances must derive from evidence.
EVIDENCED = (ZF.Measure, ZF.Figure, ORG.Post, ZF.PolicyDocument, ZF.Problem, ZF.InformationSystem, ZF.Event, ZF.Speech)
#: Classes whose instances a person sees and so need a label in both languages.
LABELLED = (
    ZF.Organ,
    ZF.Province,
    ZF.Person,
    ORG.Post,
    ZF.Event,
    ZF.Speech,
    ZF.SourceDocument,
    ZF.DocumentPart,
    ZF.Measure,
    ZF.PolicyDocument,
    ZF.InformationSystem,
    ZF.Figure,
    SKOS.Concept,
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
)


@dataclass
class Stats:
    triples: int
    classes: dict[str, int]
    missing_labels: list[tuple[str, str]] = field(default_factory=list)  # (entity, missing language)
    without_evidence: list[str] = field(default_factory=list)
    coverage: Coverage | None = None

    def to_dict(self) -> dict[str, object]:
        cov = self.coverage
        return {
            "triples": self.triples,
            "classes": self.classes,
            "missing_labels": [{"entity": e, "language": lang} for e, lang in self.missing_labels],
            "without_evidence": self.without_evidence,
            "coverage": None
            if cov is None
            else {
                "totals": cov.totals(),
                "missing": [{"kind": i.kind, "text": i.text, "offset": i.start} for i in cov.missing],
                "excluded": [{"kind": i.kind, "text": i.text, "offset": i.start} for i in cov.excluded],
            },
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    def to_text(self) -> str:
        lines = [f"triples: {self.triples}", "entities per class:"]
        lines += [f"  {name}: {count}" for name, count in self.classes.items()]
        lines.append(f"labels missing a language: {len(self.missing_labels)}")
        lines += [f"  {entity} lacks @{lang}" for entity, lang in self.missing_labels]
        lines.append(f"facts without evidence: {len(self.without_evidence)}")
        lines += [f"  {entity}" for entity in self.without_evidence]
        if self.coverage is not None:
            lines.append("corpus coverage (editor's note and speeches):")
            for kind, t in self.coverage.totals().items():
                share = 100.0 * (t["in_graph"] + t["excluded"]) / t["in_text"] if t["in_text"] else 100.0
                lines.append(
                    f"  {kind}s: {t['in_text']} in text, {t['in_graph']} in graph, "
                    f"{t['excluded']} excluded, {t['missing']} missing ({share:.1f}% covered)"
                )
            lines += [f"  missing {i.kind}: {i.text} (offset {i.start})" for i in self.coverage.missing]
        return "\n".join(lines)


def _labels(graph: Graph, node: URIRef) -> set[str]:
    langs = set()
    for prop in (RDFS.label, SKOS.prefLabel):
        for label in graph.objects(node, prop):
            langs.add(getattr(label, "language", None) or "")
    return langs


def instances(graph: Graph, cls: URIRef) -> set[URIRef]:
    """Instances of ``cls`` or of any of its subclasses."""
    classes = set(graph.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in graph.subjects(RDF.type, c) if isinstance(s, URIRef)}


def compute_stats(include: Iterable[Path] = (), graph: Graph | None = None) -> Stats:
    if graph is None:
        graph = load_sources(source_files(include)).graph
    stats = Stats(triples=len(graph), classes=class_counts(graph))
    seen: set[URIRef] = set()
    for cls in LABELLED:
        for node in sorted(instances(graph, cls)):
            if node in seen:
                continue
            seen.add(node)
            langs = _labels(graph, node)
            stats.missing_labels += [
                (graph.namespace_manager.normalizeUri(node), lang) for lang in ("zh", "en") if lang not in langs
            ]
    for cls in EVIDENCED:
        for node in sorted(instances(graph, cls)):
            if (node, PROV.wasDerivedFrom, None) not in graph:
                stats.without_evidence.append(graph.namespace_manager.normalizeUri(node))
    stats.coverage = coverage(graph, load_corpus(graph))
    return stats
