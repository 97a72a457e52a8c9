"""Finding and parsing the RDF files the graph is built from.

Parsing goes through Oxigraph's parser: it is fast and reports the line and
column of a syntax error, which rdflib's Turtle parser does not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError, RDFSyntaxError
from kg.inputs import (  # noqa: F401 (re-exported: the loader's public names)
    FORMATS,
    default_source_files,
    rdf_files_under,
    read_regular,
    regular_files,
    source_files,
)
from kg.namespaces import PREFIXES

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


class Source(NamedTuple):
    """A source file and the bytes read from it (read once: parsed and loaded from the same bytes)."""

    path: Path
    data: bytes


def read_sources(files: Iterable[Path]) -> list[Source]:
    return [Source(path, read_regular(path)) for path in files]


def source_format(path: Path) -> ox.RdfFormat:
    fmt = FORMATS.get(path.suffix)
    if fmt is None:
        raise InputError(f"{path}: unknown RDF format")
    return fmt


def parse_file(path: Path, rename_blank_nodes: bool = False, data: bytes | None = None) -> list[ox.Triple]:
    """Parse one file (or ``data`` read from it) into Oxigraph triples; a syntax error names file, line and column.

    ``rename_blank_nodes`` gives its blank nodes fresh random labels (Oxigraph's), unlike any other file's.
    """
    return [q.triple for q in _parse(path, rename_blank_nodes, data)]


def parse_file_quads(path: Path, rename_blank_nodes: bool = False, data: bytes | None = None) -> list[ox.Quad]:
    """:func:`parse_file`'s triples as Quads of the default graph, as the parser gives them: Oxigraph's
    writers and stores take them alike, and making a Triple of each costs a third as much again as the parse."""
    quads = _parse(path, rename_blank_nodes, data)
    if source_format(path) in (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG):  # named graphs join the default graph
        return [ox.Quad(q.subject, q.predicate, q.object) for q in quads]
    return quads


def _parse(path: Path, rename_blank_nodes: bool, data: bytes | None) -> list[ox.Quad]:
    fmt = source_format(path)
    data = read_regular(path) if data is None else data
    try:
        quads = ox.parse(data, format=fmt, base_iri=path.resolve().as_uri(), rename_blank_nodes=rename_blank_nodes)
        return list(quads)
    except SyntaxError as exc:
        line = column = None
        if isinstance(exc.args[-1], tuple) and len(exc.args[-1]) >= 3:
            line, column = exc.args[-1][1], exc.args[-1][2]
        message = str(exc.args[0]) if exc.args else str(exc)
        raise RDFSyntaxError(str(path), line, column, message) from exc
    except ValueError as exc:  # e.g. invalid UTF-8
        raise RDFSyntaxError(str(path), None, None, str(exc)) from exc


def to_rdflib(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def new_graph() -> Graph:
    graph = Graph()
    for prefix, iri in PREFIXES.items():
        graph.bind(prefix, iri, override=True, replace=True)
    return graph


@dataclass
class LoadedSources:
    """The merged in-memory graph, and which file each subject was stated in."""

    graph: Graph
    files: list[Path]
    subject_files: dict[Node, list[str]] = field(default_factory=dict)

    def files_of(self, subject: Node) -> list[str]:
        return self.subject_files.get(subject, [])


def parse_sources(files: Iterable[Path | Source]) -> list[tuple[Path, list[ox.Triple]]]:
    """Parse every file (or :class:`Source`) into Oxigraph triples, blank nodes renamed per file
    (``_:b0`` in two files stays two).

    The parser gives every blank node a fresh random label; nothing written
    depends on them (the exports label blank nodes from their content).
    """
    parsed = []
    for item in files:
        path, data = item if isinstance(item, Source) else (item, None)
        parsed.append((path, parse_file(path, rename_blank_nodes=True, data=data)))
    return parsed


def parse_sources_quads(sources: Iterable[Source]) -> list[tuple[Path, list[ox.Quad]]]:
    """:func:`parse_sources` with Quads of the default graph (:func:`parse_file_quads`), as kg build writes them."""
    return [(path, parse_file_quads(path, rename_blank_nodes=True, data=data)) for path, data in sources]


def as_triples(parsed: Sequence[tuple[Path, Sequence[ox.Triple | ox.Quad]]]) -> list[tuple[Path, list[ox.Triple]]]:
    """Parsed files with Triples (:func:`parse_sources`'s form) where they hold default-graph Quads."""
    return [(path, [t if isinstance(t, ox.Triple) else t.triple for t in triples]) for path, triples in parsed]


def loaded_from(parsed: list[tuple[Path, list[ox.Triple]]]) -> LoadedSources:
    """The merged in-memory rdflib graph of parsed files, and which file each subject was stated in."""
    graph = new_graph()
    loaded = LoadedSources(graph=graph, files=[])
    # Terms repeat (every predicate and class, most subjects): convert each once.
    terms: dict[ox.NamedNode | ox.BlankNode | ox.Literal, Node] = {}

    def term(node: ox.NamedNode | ox.BlankNode | ox.Literal) -> Node:
        found = terms.get(node)
        if found is None:
            found = terms[node] = to_rdflib(node)
        return found

    add = graph.add
    for path, triples in parsed:
        loaded.files.append(path)
        name = str(path)
        for ox_s, ox_p, ox_o in triples:
            s = term(ox_s)
            add((s, term(ox_p), term(ox_o)))
            seen = loaded.subject_files.setdefault(s, [])
            if name not in seen:
                seen.append(name)
    return loaded


def load_sources(files: Iterable[Path]) -> LoadedSources:
    """Parse every file and merge them into one in-memory rdflib graph.

    Blank nodes are renamed per file, so ``_:b0`` in two files stays two nodes.
    """
    return loaded_from(parse_sources(files))
