"""The source texts: located through their metadata, checked against their checksum."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError, SeedChecksumError
from kg.namespaces import RDF, ZF
from kg.project import seeds_dir
from kg.sources import read_regular


@dataclass(frozen=True)
class SourceText:
    iri: URIRef
    path: Path
    sha256: str
    text: str


def _present(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_corpus(graph: Graph, seed_dirs: list[Path] | None = None) -> dict[URIRef, SourceText]:
    """Read every source document the graph describes, refusing a changed one.

    A document's text is looked up by its ``zf:seedFile`` name in the given
    folders (by default the shipped ``seeds/``).
    """
    documents = [
        (doc, graph.value(doc, ZF.seedFile), graph.value(doc, ZF.sha256))
        for doc in sorted(set(graph.subjects(RDF.type, ZF.SourceDocument)), key=str)
        if isinstance(doc, URIRef)
    ]
    return read_corpus(documents, seed_dirs)


#: The source documents of a store with their seed file and checksum (the store path of :func:`load_corpus`).
_DOCUMENTS = f"""
SELECT ?doc ?name ?sha WHERE {{
    ?doc <{RDF.type}> <{ZF.SourceDocument}> .
    FILTER(isIRI(?doc))
    OPTIONAL {{ ?doc <{ZF.seedFile}> ?name }}
    OPTIONAL {{ ?doc <{ZF.sha256}> ?sha }}
}}"""


def load_corpus_from_store(store: ox.Store, seed_dirs: list[Path] | None = None) -> dict[URIRef, SourceText]:
    """:func:`load_corpus` of the graph in an Oxigraph store (whose documents have one name and checksum each)."""
    documents: dict[str, tuple[URIRef, Literal | None, Literal | None]] = {}
    for row in store.query(_DOCUMENTS):  # type: ignore[union-attr]
        doc, name, sha = row["doc"], row["name"], row["sha"]
        documents.setdefault(
            doc.value,
            (
                URIRef(doc.value),
                Literal(name.value) if name is not None else None,
                Literal(sha.value) if sha is not None else None,
            ),
        )
    return read_corpus([documents[key] for key in sorted(documents)], seed_dirs)


def read_corpus(
    documents: Iterable[tuple[URIRef, Node | None, Node | None]], seed_dirs: list[Path] | None = None
) -> dict[URIRef, SourceText]:
    """The texts of (document, seed file name, expected SHA-256), each checked against its checksum."""
    folders = seed_dirs or [seeds_dir()]
    corpus: dict[URIRef, SourceText] = {}
    for doc, name, expected in documents:
        if name is None or expected is None:
            raise InputError(f"{doc}: source document metadata needs zf:seedFile and zf:sha256")
        path = next((d / str(name) for d in folders if _present(d / str(name))), None)
        if path is None:
            raise InputError(f"{doc}: seed file {name} not found in {', '.join(map(str, folders))}")
        data = read_regular(path)  # one line for an unreadable file, a broken link, a named pipe
        actual = hashlib.sha256(data).hexdigest()
        if actual != str(expected):
            raise SeedChecksumError(
                f"{path}: SHA-256 is {actual}, but its metadata records {expected}; "
                "seed texts must stay byte-for-byte as registered"
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise InputError(f"{path}: not valid UTF-8 ({exc})") from exc
        corpus[doc] = SourceText(doc, path, actual, text)
    return corpus
