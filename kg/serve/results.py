"""Query answers as bytes in the negotiated format.

JSON, CSV and TSV results and Turtle, N-Triples and JSON-LD graphs are
``kg query``'s own writers (:mod:`kg.sparql.formats`); the SPARQL XML results
format and RDF/XML, which ``kg query`` does not write, are added here.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from kg.serve.negotiation import Format
from kg.sparql import formats
from kg.sparql.results import QueryResult
from kg.sparql.terms import XSD_STRING, Term

#: Characters XML 1.0 cannot carry, even escaped.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def serialize(result: QueryResult, fmt: Format) -> bytes:
    if result.is_graph:
        return _graph(result, fmt)
    if result.form == "ASK":
        return _boolean(bool(result.boolean), fmt)
    writers = {"json": formats.to_json, "csv": formats.to_csv, "tsv": formats.to_tsv, "xml": to_xml}
    return writers[fmt.name](result).encode("utf-8")


def _boolean(value: bool, fmt: Format) -> bytes:
    if fmt.name == "json":
        return (json.dumps({"head": {}, "boolean": value}) + "\n").encode()
    if fmt.name == "xml":
        return (
            '<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head/>'
            f"<boolean>{'true' if value else 'false'}</boolean></sparql>\n"
        ).encode()
    # CSV and TSV have no boolean form in the standard: one column named after the question.
    header = "_askResult" if fmt.name == "csv" else "?_askResult"
    newline = "\r\n" if fmt.name == "csv" else "\n"
    return f"{header}{newline}{'true' if value else 'false'}{newline}".encode()


def _graph(result: QueryResult, fmt: Format) -> bytes:
    if fmt.name == "ttl":
        return formats.to_turtle(result).encode("utf-8")
    if fmt.name == "nt":
        return formats.to_ntriples(result).encode("utf-8")
    if fmt.name == "jsonld":
        return formats.to_jsonld(result).encode("utf-8")
    triples = sorted(set(result.triples), key=str)
    return ox.serialize(triples, format=ox.RdfFormat.RDF_XML, prefixes=_xml_prefixes(result)) or b""


def graph_bytes(triples: Iterable[ox.Triple], fmt: Format, prefixes: Mapping[str, str]) -> bytes:
    """Any triples (an entity's description, the service description) in a graph format."""
    return _graph(QueryResult(form="CONSTRUCT", triples=list(triples), prefixes=dict(prefixes)), fmt)


def _xml_prefixes(result: QueryResult) -> dict[str, str]:
    return {p: ns for p, ns in result.prefixes.items() if ns.endswith(("/", "#"))}


def _xml_text(text: str) -> str:
    return escape(_NOT_XML.sub("\ufffd", text))


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{_xml_text(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{_xml_text(term.value)}</bnode>"
    if isinstance(term, ox.Triple):
        parts = zip(("subject", "predicate", "object"), term, strict=True)
        return "<triple>" + "".join(f"<{n}>{_xml_term(t)}</{n}>" for n, t in parts) + "</triple>"  # type: ignore[arg-type]
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{_xml_text(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{_xml_text(term.value)}</literal>"
    return f"<literal>{_xml_text(term.value)}</literal>"


def to_xml(result: QueryResult) -> str:
    """The SPARQL 1.1 Query Results XML Format."""
    lines = [
        '<?xml version="1.0" encoding="utf-8"?>',
        '<sparql xmlns="http://www.w3.org/2005/sparql-results#">',
        "<head>" + "".join(f"<variable name={quoteattr(v)}/>" for v in result.variables) + "</head>",
        "<results>",
    ]
    for row in result.rows:
        bindings = "".join(
            f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>"
            for name, term in zip(result.variables, row, strict=True)
            if term is not None
        )
        lines.append(f"<result>{bindings}</result>")
    lines += ["</results>", "</sparql>"]
    return "\n".join(lines) + "\n"
