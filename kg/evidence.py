"""Evidence quotes: locating a quote in a source text and checking every one.

Offsets are Unicode code points of the decoded text (Python ``str`` indices),
as the W3C Web Annotation ``TextPositionSelector`` defines them.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from kg.corpus import SourceText
from kg.errors import InputError
from kg.namespaces import OA, RDF, ZF

#: How many code points of context the prefix and suffix carry.
CONTEXT = 12


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    exact: str
    prefix: str
    suffix: str


def locate(text: str, quote: str, occurrence: int | None = None) -> Span:
    """Find ``quote`` in ``text``; an ambiguous quote needs its occurrence (1-based)."""
    if not quote:
        raise InputError("empty quote")
    starts = []
    at = text.find(quote)
    while at != -1:
        starts.append(at)
        at = text.find(quote, at + 1)
    if not starts:
        raise InputError(f"quote not found in the source text: {quote!r}")
    if occurrence is None:
        if len(starts) > 1:
            raise InputError(f"quote occurs {len(starts)} times (at {starts}); give its occurrence: {quote!r}")
        occurrence = 1
    if not 1 <= occurrence <= len(starts):
        raise InputError(f"quote has {len(starts)} occurrence(s), not {occurrence}")
    return span_at(text, starts[occurrence - 1], starts[occurrence - 1] + len(quote))


def span_at(text: str, start: int, end: int) -> Span:
    return Span(
        start=start,
        end=end,
        exact=text[start:end],
        prefix=text[max(0, start - CONTEXT) : start],
        suffix=text[end : end + CONTEXT],
    )


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}


def turtle_literal(value: str) -> str:
    """A one-line Turtle string literal."""
    return '"' + "".join(_ESCAPES.get(ch, ch) for ch in value) + '"'


def evidence_turtle(evidence_iri: str, source_iri: str, span: Span, role: str = "zf:StatingSentence") -> str:
    """The Turtle block of one evidence node, ready to paste into a facts file.

    ``role`` is its zf:evidenceRole: a stating sentence, ``zf:ContextHeading`` for a section heading, or
    ``zf:ContextClause`` for a clause giving the problem addressed or the background.
    """
    return (
        f"{evidence_iri} a zf:Evidence ;\n"
        f"    zf:evidenceRole {role} ;\n"
        f"    oa:hasSource {source_iri} ;\n"
        f"    oa:hasSelector [ a oa:TextQuoteSelector ;\n"
        f"            oa:exact {turtle_literal(span.exact)} ;\n"
        f"            oa:prefix {turtle_literal(span.prefix)} ;\n"
        f"            oa:suffix {turtle_literal(span.suffix)} ] ,\n"
        f"        [ a oa:TextPositionSelector ; oa:start {span.start} ; oa:end {span.end} ] .\n"
    )


@dataclass(frozen=True)
class EvidenceProblem:
    evidence: Node
    message: str
    rule: str = "evidence-quote"


def _single(graph: Graph, node: Node, prop: URIRef) -> Node | None:
    values = list(graph.objects(node, prop))
    return values[0] if len(values) == 1 else None


def check_evidence(graph: Graph, corpus: dict[URIRef, SourceText]) -> list[EvidenceProblem]:
    """Every evidence quote must equal its source text at its offsets, with matching context."""
    problems: list[EvidenceProblem] = []
    for ev in sorted(set(graph.subjects(RDF.type, ZF.Evidence)), key=str):
        source = _single(graph, ev, OA.hasSource)
        if source is None:
            problems.append(EvidenceProblem(ev, "needs exactly one oa:hasSource"))
            continue
        doc = corpus.get(source)  # type: ignore[call-overload]
        if doc is None:
            problems.append(EvidenceProblem(ev, f"source {source} is not a registered document"))
            continue
        quotes = [s for s in graph.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in graph]
        positions = [s for s in graph.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in graph]
        if len(quotes) != 1 or len(positions) != 1:
            problems.append(EvidenceProblem(ev, "needs exactly one TextQuoteSelector and one TextPositionSelector"))
            continue
        exact, prefix, suffix = (_single(graph, quotes[0], p) for p in (OA.exact, OA.prefix, OA.suffix))
        start, end = (_single(graph, positions[0], p) for p in (OA.start, OA.end))
        if exact is None or start is None or end is None:
            problems.append(EvidenceProblem(ev, "needs oa:exact, oa:start and oa:end"))
            continue
        try:
            s, e = int(start), int(end)  # type: ignore[call-overload]
        except (TypeError, ValueError):
            problems.append(EvidenceProblem(ev, f"offsets are not integers: {_shown(start)}, {_shown(end)}"))
            continue
        problems.extend(_check_span(ev, doc.text, s, e, str(exact), _str(prefix), _str(suffix)))
    return problems


def _str(term: Node | None) -> str | None:
    return None if term is None else str(term)


def _check_span(
    ev: Node, text: str, s: int, e: int, exact: str, prefix: str | None, suffix: str | None
) -> list[EvidenceProblem]:
    """The quote at offsets [s, e) of ``text``, with its context."""
    if not 0 <= s < e <= len(text):
        return [EvidenceProblem(ev, f"offsets [{s}, {e}) fall outside the text (0–{len(text)})")]
    if text[s:e] != exact:
        return [
            EvidenceProblem(ev, f"quote differs from the source at [{s}, {e}): quote {exact!r}, source {text[s:e]!r}")
        ]
    problems = []
    if prefix is not None and text[max(0, s - len(prefix)) : s] != prefix:
        problems.append(EvidenceProblem(ev, f"oa:prefix {prefix!r} does not precede the quote"))
    if suffix is not None and text[e : e + len(suffix)] != suffix:
        problems.append(EvidenceProblem(ev, f"oa:suffix {suffix!r} does not follow the quote"))
    return problems


#: Each well-formed evidence node with its source, quote and offsets: one row each (a malformed one has none
#: or several).
_EVIDENCE = f"""
SELECT ?ev ?src ?exact ?prefix ?suffix ?start ?end WHERE {{
    ?ev <{RDF.type}> <{ZF.Evidence}> ; <{OA.hasSource}> ?src ; <{OA.hasSelector}> ?quote , ?position .
    ?quote <{RDF.type}> <{OA.TextQuoteSelector}> ; <{OA.exact}> ?exact .
    ?position <{RDF.type}> <{OA.TextPositionSelector}> ; <{OA.start}> ?start ; <{OA.end}> ?end .
    OPTIONAL {{ ?quote <{OA.prefix}> ?prefix }}
    OPTIONAL {{ ?quote <{OA.suffix}> ?suffix }}
}}"""

_EVIDENCE_COUNT = f"SELECT (COUNT(DISTINCT ?ev) AS ?n) WHERE {{ ?ev <{RDF.type}> <{ZF.Evidence}> }}"


def check_evidence_on_store(
    store: ox.Store, corpus: dict[URIRef, SourceText]
) -> tuple[list[EvidenceProblem], int] | None:
    """:func:`check_evidence` of the graph in a store, and the number of evidence nodes checked.

    It reads each evidence node in one row; None when one is not well formed (no single source, quote and
    position, or a problem on a blank node, which a report names by its place in a file): check those with
    :func:`check_evidence` on the graph, whose messages say what is wrong.
    """
    rows: dict[ox.NamedNode | ox.BlankNode, list[ox.QuerySolution]] = {}
    for row in store.query(_EVIDENCE):  # type: ignore[union-attr]
        rows.setdefault(row["ev"], []).append(row)
    problems: list[EvidenceProblem] = []
    (count,) = next(iter(store.query(_EVIDENCE_COUNT)))  # type: ignore[arg-type]
    if len(rows) != int(count.value):
        return None
    for ev, found in rows.items():
        if len(found) != 1:
            return None
        row = found[0]
        source, exact, start, end = row["src"], row["exact"], row["start"], row["end"]
        doc = corpus.get(URIRef(source.value)) if isinstance(source, ox.NamedNode) else None
        if doc is None or not all(isinstance(t, ox.Literal) for t in (start, end)):
            return None
        try:
            s, e = int(start.value), int(end.value)
        except ValueError:
            return None
        prefix, suffix = row["prefix"], row["suffix"]
        found_problems = _check_span(
            URIRef(ev.value) if isinstance(ev, ox.NamedNode) else BNode(ev.value),
            doc.text,
            s,
            e,
            exact.value,
            None if prefix is None else prefix.value,
            None if suffix is None else suffix.value,
        )
        if found_problems and isinstance(ev, ox.BlankNode):
            return None
        problems.extend(found_problems)
    return sorted(problems, key=lambda p: str(p.evidence)), len(rows)


def _shown(term: object) -> str:
    """A term as a curator reads it in a report: a literal's text, an IRI, or "a blank node"."""
    return "a blank node" if isinstance(term, BNode) else str(term)
