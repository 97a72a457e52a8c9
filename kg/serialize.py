"""Deterministic serialisations, so that rebuilding unchanged sources changes no byte.

Blank nodes get labels derived from their content before writing, so their
order no longer depends on parse order. A one-step hash of each blank node's
own triples is enough for the shapes this project writes (selectors hanging
off an evidence node) and is fast; should two blank nodes hash alike, the
full canonicalisation of ``rdflib.compare`` (much slower) takes over.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from kg.namespaces import PREFIXES


def _content_labels(graph: Graph, rounds: int = 12) -> dict[BNode, BNode] | None:
    """A label per blank node from the triples around it, or None if two stay alike.

    Each round hashes a node's edges with its blank neighbours' labels from the
    round before (colour refinement), so nested structures separate by depth.
    """
    edges: dict[BNode, list[tuple[str, str, BNode | None]]] = defaultdict(list)
    for s, p, o in graph:
        if isinstance(s, BNode):
            edges[s].append(
                (">", p.n3() + " " + ("" if isinstance(o, BNode) else o.n3()), o if isinstance(o, BNode) else None)
            )
        if isinstance(o, BNode):
            edges[o].append(
                ("<", ("" if isinstance(s, BNode) else s.n3()) + " " + p.n3(), s if isinstance(s, BNode) else None)
            )
    labels = {node: "" for node in edges}
    for _ in range(rounds):
        labels = {
            node: hashlib.sha256(
                "\n".join(sorted(f"{d} {text} {labels[n] if n is not None else ''}" for d, text, n in lines)).encode(
                    "utf-8"
                )
            ).hexdigest()[:24]
            for node, lines in edges.items()
        }
        if len(set(labels.values())) == len(labels):
            return {node: BNode("b" + label) for node, label in labels.items()}
    return None


def canonical(graph: Graph) -> Graph:
    out = Graph()
    labels = _content_labels(graph)
    if labels is None:
        out += to_canonical_graph(graph)
    elif labels:
        for s, p, o in graph:
            subject = labels[s] if isinstance(s, BNode) else s
            obj = labels[o] if isinstance(o, BNode) else o
            out.add((subject, p, obj))
    else:
        out += graph
    for prefix, iri in PREFIXES.items():
        out.bind(prefix, iri, override=True, replace=True)
    return out


def exports(graph: Graph) -> dict[str, str]:
    """graph.ttl, graph.nt and graph.jsonld of one graph, canonicalised once for all three."""
    canon = canonical(graph)
    return {"graph.ttl": _turtle(canon), "graph.nt": _ntriples(canon), "graph.jsonld": _jsonld(canon)}


def to_turtle(graph: Graph) -> str:
    return _turtle(canonical(graph))


def to_ntriples(graph: Graph) -> str:
    """Sorted N-Triples, the lines that mention a blank node last.

    Keeping blank nodes together at the end lets ``kg.store.write_store`` load
    everything before them in parallel (Oxigraph names blank nodes afresh in
    every load call, so they must all arrive in one).
    """
    return _ntriples(canonical(graph))


def to_jsonld(graph: Graph) -> str:
    return _jsonld(canonical(graph))


def ntriples_order(line: str) -> tuple[bool, str]:
    """Sort key for N-Triples lines: plain lines first, then those with a blank node, each sorted."""
    return ("_:" in line, line)


def _turtle(canon: Graph) -> str:
    return canon.serialize(format="turtle")


def _ntriples(canon: Graph) -> str:
    # Split at "\n" only: str.splitlines() also splits at U+2028, U+2029, U+0085, \f, \v and \x1c-\x1e,
    # which rdflib writes raw inside literals (N-Triples allows them), and would cut a triple in two.
    lines = canon.serialize(format="nt").split("\n")
    return "\n".join(sorted((line for line in lines if line.strip()), key=ntriples_order)) + "\n"


def _jsonld(canon: Graph) -> str:
    context = {prefix: iri for prefix, iri in sorted(PREFIXES.items())}
    data = json.loads(canon.serialize(format="json-ld", context=context, auto_compact=True))
    return json.dumps(_sorted_values(data), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def _sorted_values(value: object, key: str = "") -> object:
    """Sort JSON-LD value arrays (not @list, whose order is data) so output is stable."""
    if isinstance(value, dict):
        return {k: _sorted_values(v, k) for k, v in value.items()}
    if isinstance(value, list):
        items = [_sorted_values(v) for v in value]
        if key != "@list":
            items.sort(key=lambda v: json.dumps(v, ensure_ascii=False, sort_keys=True))
        return items
    return value


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so that readers see either the old or the new content, never half.

    A path that exists but is no regular file (``/dev/stdout``, a FIFO, a device)
    is written into, never replaced.
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    if path.exists() and not path.is_file():
        with path.open("wb") as stream:
            stream.write(payload)
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
