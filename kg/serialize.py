"""Deterministic exports, so that rebuilding unchanged sources changes no byte; and atomic file writes.

What "canonical" means here (the README's promise, checked by tests/test_build.py):

- blank nodes are labelled from their content (``_:b`` and 24 hex digits), so
  their labels do not depend on parse order. Each label hashes a node's own
  triples (as N-Triples, with its blank neighbours' labels), round after round
  for the nodes not yet told apart (colour refinement), which separates the
  shapes this project writes (selectors hanging off an evidence node: one
  round; the shapes' RDF lists: three); should two blank nodes stay alike,
  the full canonicalisation of ``rdflib.compare`` (much slower) takes over;
- each triple appears once, and the triples are ordered by their canonical
  N-Triples line in code-point order;
- graph.nt is those lines, the ones that mention a blank node last (so that
  ``kg.store.write_store`` can load everything before them in parallel);
- graph.ttl is Oxigraph's Turtle of the ordered triples with the prefixes of
  ``kg.namespaces`` (consecutive triples of a subject grouped with ``;`` and ``,``);
- graph.jsonld is Oxigraph's expanded JSON-LD of the ordered triples (one node
  object per subject, full IRIs: no context to resolve).

Oxigraph writes all three (0.4 s for 100k triples where rdflib took 60 s), and
the N-Triples the labels and the order are worked out on: no Python object per
triple but for those with a blank node. W3C RDFC-1.0 (``Dataset.canonicalize``)
was measured as the labelling and not taken: 1.5 s at 100k (building the
Dataset, then canonicalising) against 0.4 s for this one (docs/benchmarks.md).
"""

from __future__ import annotations

import hashlib
import operator
import os
import tempfile
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from itertools import compress, count, islice, repeat
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from kg.namespaces import PREFIXES

if TYPE_CHECKING:
    from rdflib import Graph

EXPORTS = ("graph.ttl", "graph.nt", "graph.jsonld")
T = TypeVar("T")


def _content_labels(blank: list[tuple[bytes, bytes, bytes]], rounds: int = 12) -> dict[bytes, bytes] | None:
    """A label (``_:b`` and 24 hex digits) per blank node of N-Triples terms (s, p, o), or None if two stay alike.

    Each round hashes a node's edges (its triples, blank neighbours written by
    their labels from the round before: colour refinement), so nested
    structures separate by depth. A node whose label is unique keeps it; only
    the others go on to the next round (most nodes are told apart by their
    own triples in the first).
    """
    edges: dict[bytes, list[tuple[bytes, bytes | None]]] = defaultdict(list)
    for s, p, o in blank:
        blank_s, blank_o = s.startswith(b"_:"), o.startswith(b"_:")
        if blank_s:
            edges[s].append((b"> " + p + b" " + (b"" if blank_o else o), o if blank_o else None))
        if blank_o:
            edges[o].append((b"< " + (b"" if blank_s else s) + b" " + p, s if blank_s else None))
    labels = dict.fromkeys(edges, b"")
    open_nodes = list(edges)  # the nodes whose label is not yet unique
    for _ in range(rounds):
        relabelled = {
            node: hashlib.sha256(
                b"\n".join(sorted(text + b" " + (labels[n] if n is not None else b"") for text, n in edges[node]))
            )
            .hexdigest()[:24]
            .encode("ascii")
            for node in open_nodes
        }
        labels.update(relabelled)
        seen = Counter(labels.values())
        open_nodes = [node for node in open_nodes if seen[labels[node]] > 1]
        if not open_nodes:
            return {node: b"_:b" + label for node, label in labels.items()}
    return None


def canonical_lines(given: Iterable[ox.Triple | ox.Quad]) -> tuple[list[bytes], list[ox.Triple | ox.Quad]]:
    """The canonical N-Triples lines (with " .", sorted, once each) and the triples in that order
    (those relabelled as default-graph Quads).

    Oxigraph writes the N-Triples (a triple's line is its ``str()`` and " ."),
    the labels and the sort work on those bytes (UTF-8 byte order is code-point
    order); only the triples that mention a blank node are made anew. Lines and
    triples stay in two parallel lists (no dictionary of a million lines).
    """
    lines, triples, _mentions = _canonical(given)
    return lines, triples


def _canonical(given: Iterable[ox.Triple | ox.Quad]) -> tuple[list[bytes], list[ox.Triple | ox.Quad], list[bool]]:
    """:func:`canonical_lines`, and which of the lines hold "_:" (:func:`_mention_blank`)."""
    triples: list[ox.Triple | ox.Quad] = list(given)
    lines = (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").split(b"\n")  # type: ignore[arg-type]
    lines.pop()  # after the last newline
    if len(lines) != len(triples):
        raise AssertionError("one N-Triples line per triple")
    mentions = _mention_blank(lines)  # relabelling keeps a "_:" where there was one and adds none
    # The subject and predicate hold no space, so a line splits into s, p and "o ."; a "_:" inside a literal is no blank node.
    blank = [
        (index, s, p, rest[:-2])
        for index in compress(count(), mentions)
        for s, p, rest in (lines[index].split(b" ", 2),)
        if s.startswith(b"_:") or rest.startswith(b"_:")
    ]
    if blank:
        labels = _content_labels([(s, p, o) for _index, s, p, o in blank])
        if labels is None:
            return _canonical(_rdflib_canonical(_as_triples(triples)))
        for index, s, p, o in blank:
            lines[index] = labels.get(s, s) + b" " + p + b" " + labels.get(o, o) + b" ."
        # Oxigraph's parser makes the relabelled terms faster than Python can (Quads: the writers take them too).
        relabelled = ox.parse(b"\n".join([lines[index] for index, *_ in blank]), format=ox.RdfFormat.N_TRIPLES)
        for (index, *_), quad in zip(blank, relabelled, strict=True):
            triples[index] = quad
    order = sorted(range(len(lines)), key=lines.__getitem__)
    lines, triples, mentions = _take(lines, order), _take(triples, order), _take(mentions, order)
    # Each triple once: drop a line equal to the one before.
    if len(lines) > 1 and any(map(bytes.__eq__, islice(lines, 1, None), lines)):
        keep = [True, *map(bytes.__ne__, lines[1:], lines[:-1])]
        lines, triples, mentions = (
            list(compress(lines, keep)),
            list(compress(triples, keep)),
            list(compress(mentions, keep)),
        )
    return lines, triples, mentions


def _take(items: Sequence[T], order: list[int]) -> list[T]:
    """``[items[i] for i in order]``, made in C (itemgetter) where it can."""
    if len(order) < 2:
        return [items[index] for index in order]
    return list(operator.itemgetter(*order)(items))


def _mention_blank(lines: list[bytes]) -> list[bool]:
    """Which lines hold "_:" anywhere (a blank node, or those two characters in a literal)."""
    return list(map(bytes.__contains__, lines, repeat(b"_:")))


def canonical_triples(triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples once each, blank nodes labelled from their content, in N-Triples code-point order."""
    return _as_triples(canonical_lines(triples)[1])


def _as_triples(triples: Iterable[ox.Triple | ox.Quad]) -> list[ox.Triple]:
    return [t if isinstance(t, ox.Triple) else t.triple for t in triples]


def _rdflib_canonical(triples: list[ox.Triple]) -> list[ox.Triple]:
    from rdflib.compare import to_canonical_graph

    return from_rdflib(to_canonical_graph(to_rdflib_graph(triples)))


def ntriples_order(line: str) -> tuple[bool, str]:
    """Sort key for N-Triples lines: plain lines first, then those with a blank node, each sorted."""
    return ("_:" in line, line)


def canonical_exports(triples: Iterable[ox.Triple | ox.Quad]) -> dict[str, bytes]:
    """graph.ttl, graph.nt and graph.jsonld of any triples (or default-graph Quads), in canonical order
    (:func:`canonical_lines`)."""
    return _exports(*_canonical(triples))


def _exports(lines: list[bytes], ordered: Sequence[ox.Triple | ox.Quad], blank: list[bool]) -> dict[str, bytes]:
    last = list(compress(lines, blank))
    lines = list(compress(lines, map(operator.not_, blank))) + last
    return {
        "graph.ttl": _turtle(ordered),
        "graph.nt": b"\n".join(lines) + b"\n" if lines else b"",
        # Oxigraph's writers take Triples and default-graph Quads alike (its stub says one kind).
        "graph.jsonld": (ox.serialize(ordered, format=ox.RdfFormat.JSON_LD) or b"[]") + b"\n",  # type: ignore[arg-type]
    }


def _turtle(ordered: Sequence[ox.Triple | ox.Quad]) -> bytes:
    """Oxigraph's Turtle with the prefix lines in prefix order (Oxigraph's own order is not promised)."""
    data = ox.serialize(ordered, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES) or b""  # type: ignore[arg-type]
    body_start = 0
    while data.startswith(b"@prefix ", body_start):
        body_start = data.index(b"\n", body_start) + 1
    header = "".join(f"@prefix {prefix}: <{iri}> .\n" for prefix, iri in sorted(PREFIXES.items()))
    return header.encode("utf-8") + data[body_start:]


def exports(graph: Graph | Iterable[ox.Triple]) -> dict[str, str]:
    """The three exports of an rdflib graph (or of Oxigraph triples) as text."""
    from rdflib import Graph

    triples = from_rdflib(graph) if isinstance(graph, Graph) else list(graph)
    return {name: data.decode("utf-8") for name, data in canonical_exports(triples).items()}


def to_ntriples(graph: Graph) -> str:
    """Sorted N-Triples, the lines that mention a blank node last."""
    return exports(graph)["graph.nt"]


def from_rdflib(graph: Iterable[tuple[object, object, object]]) -> list[ox.Triple]:
    from kg.sparql.terms import from_rdflib as term

    return [ox.Triple(term(s), term(p), term(o)) for s, p, o in graph]  # type: ignore[arg-type]


def to_rdflib_graph(triples: Iterable[ox.Triple]) -> Graph:
    from kg.sources import new_graph, to_rdflib

    graph = new_graph()
    for s, p, o in triples:
        graph.add((to_rdflib(s), to_rdflib(p), to_rdflib(o)))
    return graph


def write_atomic(path: Path, data: str | bytes) -> None:
    """Write a file so that readers see either the old or the new content, never half.

    A path that exists but is no regular file (``/dev/stdout``, a FIFO, a device)
    is written into, never replaced. A path that cannot be written (a read-only
    or pseudo file system such as ``/proc``, a full disk) is an InputError: one line, exit 2.
    """
    from kg.errors import InputError

    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        if path.exists() and not path.is_file():
            with path.open("wb") as stream:
                stream.write(payload)
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    except OSError as exc:
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    umask = os.umask(0)
    os.umask(umask)
    try:
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; outputs are ordinary files
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {exc.strerror or exc}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
