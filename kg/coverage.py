"""Corpus coverage: does the graph hold every figure, quoted term and title of the text?

The scan covers the editor's note and the speeches (parts of kind
``zf:EditorsNote`` and ``zf:SpeechExcerpt``), finds every percentage, every
number followed by a unit or counter word, every ratio, every “quoted term”
and every 《title》, and looks each up in the graph or in the reviewed
exclusions file.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from rdflib import Graph, URIRef

from kg.corpus import SourceText
from kg.namespaces import DCTERMS, OA, PROV, RDF, RDFS, SKOS, ZF
from kg.project import ontology_dir

NUMBER = r"\d+(?:\.\d+)?"
#: Units and counter words that make a number a figure (longest first).
COUNTERS = (
    "个百分点",
    "大类",
    "项",
    "件",
    "个",
    "起",
    "种",
    "类",
    "人",
    "万",
    "年",
    "名",
    "家",
    "条",
    "次",
    "级",
    "倍",
)

PATTERNS: dict[str, re.Pattern[str]] = {
    "ratio": re.compile(rf"(?<![\d.]){NUMBER}:(?P<value>{NUMBER})"),
    "percent": re.compile(rf"(?<![\d.])(?P<value>{NUMBER})%"),
    "count": re.compile(rf"(?<![\d.:])(?P<value>{NUMBER})(?P<unit>{'|'.join(COUNTERS)})"),
    "term": re.compile(r"“(?P<value>[^”]+)”"),
    "title": re.compile(r"《(?P<value>(?:[^《》]|《[^《》]*》)+)》"),
}
#: A four-digit year followed by 年 is a date, not a figure.
YEAR = re.compile(r"^(1[89]|20)\d\d$")

SCANNED_PARTS = (ZF.EditorsNote, ZF.SpeechExcerpt)


@dataclass(frozen=True)
class Item:
    kind: str  # figure, term or title
    text: str  # the matched text, e.g. "84.73%", "“三统一”"
    value: str  # the number, term or title
    start: int
    end: int
    part: str
    value_start: int = 0
    value_end: int = 0

    def key(self) -> tuple[str, str]:
        return (self.kind, self.value if self.kind != "figure" else self.text)


@dataclass
class Coverage:
    found: dict[str, list[Item]] = field(default_factory=dict)
    missing: list[Item] = field(default_factory=list)
    excluded: list[Item] = field(default_factory=list)

    def totals(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for kind in ("figure", "term", "title"):
            items = self.found.get(kind, [])
            missing = sum(1 for i in self.missing if i.kind == kind)
            excluded = sum(1 for i in self.excluded if i.kind == kind)
            out[kind] = {
                "in_text": len(items),
                "in_graph": len(items) - missing - excluded,
                "excluded": excluded,
                "missing": missing,
            }
        return out


def read_exclusions(path: Path | None = None) -> dict[tuple[str, str], str]:
    """The reviewed exclusions: (kind, term) → reason."""
    path = path or ontology_dir() / "coverage-exclusions.tsv"
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = csv.DictReader(handle, delimiter="\t")
        return {(row["kind"].strip(), row["term"].strip()): (row.get("reason") or "").strip() for row in rows}


def scan_text(text: str, start: int, end: int, part: str) -> list[Item]:
    segment = text[start:end]
    items: list[Item] = []
    for name, pattern in PATTERNS.items():
        for m in pattern.finditer(segment):
            kind = name if name in ("term", "title") else "figure"
            if name == "count" and m.group("unit") == "年" and YEAR.match(m.group("value")):
                continue
            items.append(
                Item(
                    kind,
                    m.group(0),
                    m.group("value"),
                    start + m.start(),
                    start + m.end(),
                    part,
                    start + m.start("value"),
                    start + m.end("value"),
                )
            )
    return sorted(items, key=lambda i: (i.start, i.kind))


def scanned_parts(graph: Graph, doc: URIRef) -> list[tuple[str, int, int]]:
    parts = []
    for part in graph.subjects(DCTERMS.isPartOf, doc):
        if graph.value(part, ZF.partKind) in SCANNED_PARTS:
            start, end = graph.value(part, ZF.startOffset), graph.value(part, ZF.endOffset)
            parts.append((str(part), int(start), int(end)))  # type: ignore[call-overload]
    return sorted(parts, key=lambda p: p[1])


def _decimal(value: object) -> Decimal | None:
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def figure_spans(graph: Graph, doc: URIRef) -> list[tuple[Decimal, int, int]]:
    """(value, start, end) of every figure's evidence span in ``doc``."""
    spans = []
    for figure in graph.subjects(RDF.type, ZF.Figure):
        value = _decimal(graph.value(figure, ZF.value))
        if value is None:
            continue
        for ev in graph.objects(figure, PROV.wasDerivedFrom):
            if graph.value(ev, OA.hasSource) != doc:
                continue
            for selector in graph.objects(ev, OA.hasSelector):
                start, end = graph.value(selector, OA.start), graph.value(selector, OA.end)
                if start is not None and end is not None:
                    spans.append((value, int(start), int(end)))  # type: ignore[call-overload]
    return spans


def graph_labels(graph: Graph) -> set[str]:
    return {str(o) for p in (RDFS.label, SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(None, p)}


def document_titles(graph: Graph) -> set[str]:
    return {str(graph.value(d, DCTERMS.title)) for d in graph.subjects(RDF.type, ZF.PolicyDocument)} - {"None"}


def coverage(graph: Graph, corpus: dict[URIRef, SourceText], exclusions_file: Path | None = None) -> Coverage:
    exclusions = read_exclusions(exclusions_file)
    labels, titles = graph_labels(graph), document_titles(graph)
    result = Coverage()
    for doc, source in sorted(corpus.items()):
        spans = figure_spans(graph, doc)
        for part, start, end in scanned_parts(graph, doc):
            for item in scan_text(source.text, start, end, part):
                result.found.setdefault(item.kind, []).append(item)
                if item.kind == "figure":
                    value = _decimal(item.value)
                    present = any(v == value and s <= item.value_start and item.value_end <= e for v, s, e in spans)
                elif item.kind == "term":
                    present = item.value in labels
                else:
                    present = item.value in titles
                if present:
                    continue
                if item.key() in exclusions:
                    result.excluded.append(item)
                else:
                    result.missing.append(item)
    return result
