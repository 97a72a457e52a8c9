"""The source texts: located through their metadata, checked against their checksum."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph, URIRef

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
    folders = seed_dirs or [seeds_dir()]
    corpus: dict[URIRef, SourceText] = {}
    for doc in sorted(set(graph.subjects(RDF.type, ZF.SourceDocument)), key=str):
        if not isinstance(doc, URIRef):
            continue
        name = graph.value(doc, ZF.seedFile)
        expected = graph.value(doc, ZF.sha256)
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
