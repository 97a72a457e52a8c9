"""Deterministic serialisations, so that rebuilding unchanged sources changes no byte.

Blank nodes get canonical labels (RDFC-style hashing in ``rdflib.compare``)
before writing, so their order no longer depends on parse order.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from kg.namespaces import PREFIXES


def canonical(graph: Graph) -> Graph:
    out = Graph()
    if any(isinstance(t, BNode) for triple in graph for t in triple):
        out += to_canonical_graph(graph)
    else:
        out += graph
    for prefix, iri in PREFIXES.items():
        out.bind(prefix, iri, override=True, replace=True)
    return out


def to_turtle(graph: Graph) -> str:
    return canonical(graph).serialize(format="turtle")


def to_ntriples(graph: Graph) -> str:
    lines = canonical(graph).serialize(format="nt").splitlines()
    return "\n".join(sorted(line for line in lines if line.strip())) + "\n"


def to_jsonld(graph: Graph) -> str:
    context = {prefix: iri for prefix, iri in sorted(PREFIXES.items())}
    data = json.loads(canonical(graph).serialize(format="json-ld", context=context, auto_compact=True))
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        data["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so that readers see either the old or the new content, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
