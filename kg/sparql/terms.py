"""RDF terms as query results carry them (pyoxigraph terms), and their text forms.

Every backend's results are turned into pyoxigraph terms: they are small,
picklable (the timed worker sends them through a pipe) and serialise to
N-Triples with correct escaping, which is what a ``VALUES`` clause needs.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

import pyoxigraph as ox

from kg.errors import UsageError

Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_STRING = XSD + "string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

INTEGER_TYPES = {
    XSD + name
    for name in (
        "integer",
        "int",
        "long",
        "short",
        "byte",
        "nonNegativeInteger",
        "positiveInteger",
        "negativeInteger",
        "nonPositiveInteger",
        "unsignedInt",
        "unsignedLong",
        "unsignedShort",
        "unsignedByte",
    )
}
DECIMAL_TYPE = XSD + "decimal"
FLOAT_TYPES = {XSD + "double", XSD + "float"}
NUMERIC_TYPES = INTEGER_TYPES | {DECIMAL_TYPE} | FLOAT_TYPES


def is_numeric(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in NUMERIC_TYPES


def numeric_value(term: ox.Literal) -> Decimal | None:
    """The value of a numeric literal, exact (so ``0.7610`` equals ``0.761``); None if it is not a number."""
    try:
        return Decimal(term.value.strip())
    except InvalidOperation:
        return None


def python_value(term: Term | None) -> Any:
    """A plain Python value for a notebook: int, Decimal, float, bool, date, or str (IRIs as full IRIs)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    datatype = term.datatype.value
    try:
        if datatype in INTEGER_TYPES:
            return int(term.value)
        if datatype == DECIMAL_TYPE:
            return Decimal(term.value)
        if datatype in FLOAT_TYPES:
            return float(term.value)
        if datatype == XSD + "boolean":
            return term.value in ("true", "1")
        if datatype == XSD + "date":
            return datetime.date.fromisoformat(term.value)
    except ValueError:
        pass  # an ill-typed literal keeps its lexical form
    return term.value


# ---------------------------------------------------------------------------
# Compact text forms
# ---------------------------------------------------------------------------

_PN_LOCAL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")


def compact_iri(iri: str, prefixes: Mapping[str, str]) -> str:
    """``zfr:province-hunan`` for a known namespace, else ``<iri>``."""
    best = ""
    best_prefix = ""
    for prefix, namespace in prefixes.items():
        if iri.startswith(namespace) and len(namespace) > len(best):
            local = iri[len(namespace) :]
            if local == "" or _PN_LOCAL.match(local):
                best, best_prefix = namespace, prefix
    if best:
        return f"{best_prefix}:{iri[len(best) :]}"
    return f"<{iri}>"


def display_text(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """What a person reads in a table cell: compact IRIs, literal values without quotes or tags."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return "<< " + " ".join(display_text(t, prefixes) for t in term) + " >>"  # type: ignore[arg-type]
    return term.value


def turtle_text(term: Term | None, prefixes: Mapping[str, str]) -> str:
    """A canonical Turtle form for comparing and reviewing results.

    Numbers are written by value (``0.7610`` and ``0.761`` both give ``0.761``;
    ``12`` and ``12.0`` both give ``12``), since engines normalise them differently.
    """
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return compact_iri(term.value, prefixes)
    if isinstance(term, ox.BlankNode):
        return "_:b"  # blank node labels are not stable across engines
    if isinstance(term, ox.Triple):
        return "<< " + " ".join(turtle_text(t, prefixes) for t in term) + " >>"  # type: ignore[arg-type]
    if is_numeric(term):
        number = numeric_value(term)
        if number is not None and number.is_finite():
            text = format(number.normalize(), "f")
            return text if text != "-0" else "0"
    quoted = str(ox.Literal(term.value))  # N-Triples escaping of the lexical form
    if term.language:
        return f"{quoted}@{term.language}"
    datatype = term.datatype.value
    if datatype in (XSD_STRING, RDF_LANGSTRING):
        return quoted
    if datatype == XSD + "boolean" and term.value in ("true", "false"):
        return term.value
    return f"{quoted}^^{compact_iri(datatype, prefixes)}"


def sparql_text(term: Term) -> str:
    """The term in SPARQL syntax with full IRIs and escaped strings, for a VALUES clause."""
    if isinstance(term, ox.BlankNode):
        raise UsageError("a blank node cannot be a parameter value")
    return str(term)


# ---------------------------------------------------------------------------
# Parameters: ``name=value`` from the command line
# ---------------------------------------------------------------------------

_PARAM_NAME = re.compile(r"^[?$]?([A-Za-z_][A-Za-z0-9_]*)$")
_NUMBER = re.compile(r"^[+-]?(?:\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)$")
_PREFIXED = re.compile(r"^([A-Za-z][\w\-.]*)?:(\S*)$")


def parse_param(spec: str, prefixes: Mapping[str, str]) -> tuple[str, Term]:
    """``province=湖南`` → (``province``, the plain literal "湖南"). See :func:`param_term` for values."""
    name, sep, value = spec.partition("=")
    match = _PARAM_NAME.match(name.strip())
    if not sep or match is None:
        raise UsageError(f"--param {spec!r}: write NAME=VALUE, e.g. province=湖南")
    return match.group(1), param_term(value, prefixes)


def param_term(value: str, prefixes: Mapping[str, str]) -> Term:
    """Read a parameter value the way Turtle reads a term, falling back to a plain string.

    - ``<https://…>`` is an IRI and ``zfr:province-hunan`` a prefixed IRI (known prefixes only);
    - ``"湖南"@zh``, ``"2020-08-26"^^xsd:date``, ``'…'`` are literals exactly as written;
    - ``12``, ``84.73``, ``true`` are typed numbers and booleans;
    - anything else is the plain string itself: ``湖南``, ``Hunan``, ``http://x`` (unknown prefix).
    """
    text = value.strip()
    if not text:
        return ox.Literal(value)
    looks_like_term = (
        text[0] in "<\"'"
        or _NUMBER.match(text) is not None
        or text in ("true", "false")
        or ((m := _PREFIXED.match(text)) is not None and (m.group(1) or "") in prefixes)
    )
    if not looks_like_term:
        return ox.Literal(value)
    return _parse_turtle_term(text, prefixes)


_SUBJECT = ox.NamedNode("urn:x-kg:param")
_PREDICATE = ox.NamedNode("urn:x-kg:value")


def _parse_turtle_term(text: str, prefixes: Mapping[str, str]) -> Term:
    # The value is read by a Turtle parser as the object of a one-triple document;
    # anything but exactly that one triple is rejected, so nothing can leak out of it.
    header = "".join(f"@prefix {p}: <{iri}> .\n" for p, iri in prefixes.items())
    document = f"{header}<{_SUBJECT.value}> <{_PREDICATE.value}> {text} .\n"
    try:
        quads = list(ox.parse(document.encode("utf-8"), format=ox.RdfFormat.TURTLE))
    except SyntaxError as exc:
        raise UsageError(f"--param value {text!r} is not a valid RDF term: {_first_line(exc)}") from None
    if len(quads) != 1 or quads[0].subject != _SUBJECT or quads[0].predicate != _PREDICATE:
        raise UsageError(f"--param value {text!r} must be a single RDF term")
    term = quads[0].object
    if isinstance(term, ox.BlankNode):
        raise UsageError(f"--param value {text!r}: a blank node cannot be a parameter")
    return term


def _first_line(exc: BaseException) -> str:
    return str(exc.args[0] if exc.args else exc).splitlines()[0]


# ---------------------------------------------------------------------------
# rdflib ↔ pyoxigraph
# ---------------------------------------------------------------------------


def from_rdflib(node: Any) -> Term | None:
    """An rdflib term as a pyoxigraph term (None stays None)."""
    if node is None:
        return None
    from rdflib import BNode, Literal, URIRef

    if isinstance(node, URIRef):
        return ox.NamedNode(str(node))
    if isinstance(node, BNode):
        return ox.BlankNode(str(node))
    if isinstance(node, Literal):
        if node.language:
            return ox.Literal(str(node), language=node.language)
        if node.datatype is not None:
            return ox.Literal(str(node), datatype=ox.NamedNode(str(node.datatype)))
        return ox.Literal(str(node))
    raise TypeError(f"unsupported rdflib term {node!r}")


def to_rdflib(term: Term) -> Any:
    from kg.sources import to_rdflib as convert

    if isinstance(term, ox.Triple):
        raise UsageError("RDF-star triples cannot be bound on the memory backend")
    return convert(term)
