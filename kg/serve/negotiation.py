"""Content negotiation: which representation a client asked for, by ``Accept`` or by a parameter.

An explicit parameter (``format=``, or SPARQLWrapper's ``output=``/``results=``)
wins over ``Accept``; a browser's ``Accept`` (``text/html`` first) gets the
HTML page where there is one. Nothing acceptable means 406, with the list of
what there is.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One representation: a short name, its media type, and the names and types that also select it."""

    name: str
    media_type: str
    aliases: tuple[str, ...] = ()
    also_accepts: tuple[str, ...] = ()
    extension: str = ""


HTML = Format("html", "text/html", ("htm",), ("application/xhtml+xml",), "html")

#: Results of SELECT and ASK (SPARQL 1.1 Query Results JSON, XML, CSV, TSV).
RESULT_FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", ("srj",), ("application/json",), "srj"),
    Format("xml", "application/sparql-results+xml", ("srx",), ("application/xml", "text/xml"), "srx"),
    Format("csv", "text/csv", (), (), "csv"),
    Format("tsv", "text/tab-separated-values", (), (), "tsv"),
)

#: Graphs: CONSTRUCT and DESCRIBE results, entity descriptions.
GRAPH_FORMATS: tuple[Format, ...] = (
    Format("ttl", "text/turtle", ("turtle", "n3"), ("application/x-turtle", "text/n3"), "ttl"),
    Format("nt", "application/n-triples", ("ntriples", "n-triples"), ("text/plain",), "nt"),
    # SPARQLWrapper asks for a graph in JSON as "json", and in RDF/XML as "xml" or "rdf".
    Format("jsonld", "application/ld+json", ("json-ld", "json"), ("application/json",), "jsonld"),
    Format("rdfxml", "application/rdf+xml", ("rdf+xml", "rdf", "xml", "owl"), ("application/xml", "text/xml"), "rdf"),
)


class NotAcceptable(Exception):
    """Nothing the client accepts (or names) is on offer."""

    def __init__(self, asked: str, offered: Sequence[Format]) -> None:
        self.asked = asked
        self.offered = offered
        names = ", ".join(f"{f.name} ({f.media_type})" for f in offered)
        super().__init__(f"cannot answer in {asked!r}: available formats are {names}")


@dataclass(frozen=True)
class MediaRange:
    type: str
    subtype: str
    q: float

    def matches(self, media_type: str) -> int:
        """How specifically this range matches ``media_type``: 2 exact, 1 ``type/*``, 0 ``*/*``, -1 not at all."""
        main, _, sub = media_type.partition("/")
        if self.type == "*":
            return 0
        if self.type != main:
            return -1
        if self.subtype == "*":
            return 1
        return 2 if self.subtype == sub else -1


def parse_accept(header: str | None) -> list[MediaRange]:
    """The media ranges of an ``Accept`` header with their quality (parameters other than q ignored)."""
    ranges: list[MediaRange] = []
    for part in (header or "").split(","):
        fields = [f.strip() for f in part.split(";")]
        main, _, sub = fields[0].lower().partition("/")
        if not main or not sub:
            continue
        q = 1.0
        for param in fields[1:]:
            key, _, value = param.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = max(0.0, min(1.0, float(value)))
                except ValueError:
                    q = 0.0
        ranges.append(MediaRange(main, sub, q))
    return ranges


def _quality(ranges: Sequence[MediaRange], fmt: Format) -> float:
    """The q the client gives ``fmt`` (by its own or an accepted alias type): the most specific range decides."""
    best_q = 0.0
    for media_type in (fmt.media_type, *fmt.also_accepts):
        specificity, q = -1, 0.0
        for media_range in ranges:
            s = media_range.matches(media_type)
            if s > specificity:
                specificity, q = s, media_range.q
        # An alias type counts slightly less, so an exact request for another format wins.
        if media_type != fmt.media_type:
            q = q * 0.99 if specificity == 2 else 0.0
        best_q = max(best_q, q)
    return best_q


def by_accept(header: str | None, offered: Sequence[Format]) -> Format | None:
    """The offered format the ``Accept`` header prefers (the first offered on a tie); None if none is acceptable."""
    if not header or not header.strip():
        return offered[0]
    ranges = parse_accept(header)
    if not ranges:
        return offered[0]
    best: Format | None = None
    best_q = 0.0
    for fmt in offered:
        q = _quality(ranges, fmt)
        if q > best_q:
            best, best_q = fmt, q
    return best


def by_name(value: str, offered: Sequence[Format]) -> Format | None:
    """The format a ``format=`` value names: a short name, an alias, an extension or a media type."""
    wanted = value.strip().lower()
    for fmt in offered:
        if wanted in (fmt.name, fmt.media_type, fmt.extension, *fmt.aliases):
            return fmt
    for fmt in offered:
        if wanted in fmt.also_accepts:
            return fmt
    return None


def negotiate(format_values: Iterable[str], accept: str | None, offered: Sequence[Format]) -> Format:
    """The representation to send: the first recognised ``format`` value, else the ``Accept`` choice."""
    values = [v for v in format_values if v and v.strip()]
    for value in values:
        found = by_name(value, offered)
        if found is not None:
            return found
    if values:
        raise NotAcceptable(values[0], offered)
    found = by_accept(accept, offered)
    if found is None:
        raise NotAcceptable(accept or "", offered)
    return found
