"""What changed between two versions of the graph, in terms a curator reads.

Either side is a build folder (``dist/``), a release folder, an RDF file (``.nt``,
``.ttl``, ``.jsonld``, each optionally ``.gz``) or ``working`` (the sources of
the checkout, unbuilt). Blank nodes get content-derived labels on both sides
(:func:`canonical`), so an unchanged graph gives an empty diff.

Statements are grouped by the entity that owns them: its own triples and those
of the blank nodes hanging off it (an evidence node's selectors). ``--format nt``
writes the change as N-Triples statements prefixed ``D`` (delete) or ``A`` (add),
the operations of RDF Patch; :func:`apply_patch` replays it.
"""

from __future__ import annotations

import gzip
import json
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.term import Node

from kg.errors import InputError, UsageError
from kg.namespaces import PREFIXES, RDF, RDFS, SKOS

Triple = tuple[Node, Node, Node]
FORMATS = ("md", "json", "nt")
WORKING = "working"
_RDF_FORMATS = {".nt": "nt", ".ttl": "turtle", ".jsonld": "json-ld"}


def canonical(graph: Graph) -> Graph:
    """``graph`` with content-derived blank-node labels, as the build's exports label them."""
    from kg.serialize import canonical_triples, from_rdflib, to_rdflib_graph

    return to_rdflib_graph(canonical_triples(from_rdflib(graph)))


def load_side(spec: str) -> Graph:
    """The graph a diff side names (see the module doc), canonicalised."""
    if spec == WORKING:
        from kg.sources import load_sources, source_files

        return canonical(load_sources(source_files()).graph)
    path = Path(spec)
    if path.is_dir():
        candidates = sorted(path.glob("*.nt")) + sorted(path.glob("*.nt.gz"))
        if not candidates:
            raise InputError(f"{path}: no graph.nt or *.nt.gz in this folder (a build folder or a release?)")
        path = candidates[0]
    if not path.is_file():
        raise InputError(f"{spec}: no such file or folder (or say {WORKING!r} for the checkout's sources)")
    compressed = path.suffix == ".gz"
    suffix = Path(path.stem).suffix if compressed else path.suffix
    if suffix not in _RDF_FORMATS:
        raise InputError(f"{path}: not a graph file ({', '.join(_RDF_FORMATS)}, optionally .gz)")
    data = path.read_bytes()
    if compressed:
        data = gzip.decompress(data)
    graph = Graph()
    try:
        graph.parse(data=data.decode("utf-8"), format=_RDF_FORMATS[suffix])
    except Exception as exc:  # rdflib raises many kinds; the message names the problem
        raise InputError(f"{path}: cannot be read as {_RDF_FORMATS[suffix]}: {exc}") from None
    return canonical(graph)


def _owners(graph: Graph) -> dict[Node, Node]:
    """Each blank node's owning IRI (the first IRI up the incoming edges); a blank root owns itself."""
    parent: dict[Node, Node] = {}
    for s, _p, o in graph:
        if isinstance(o, BNode) and o not in parent:
            parent[o] = s
    owners: dict[Node, Node] = {}
    for node in parent:
        seen = {node}
        up = parent[node]
        while isinstance(up, BNode) and up in parent and up not in seen:
            seen.add(up)
            up = parent[up]
        owners[node] = up
    return owners


def _grouped(graph: Graph) -> dict[Node, set[Triple]]:
    owners = _owners(graph)
    groups: dict[Node, set[Triple]] = defaultdict(set)
    for triple in graph:
        subject = triple[0]
        groups[owners.get(subject, subject)].add(triple)
    return groups


@dataclass
class EntityChange:
    entity: Node
    status: str  # added | removed | changed
    classes: list[Node]
    label: str
    added: list[Triple] = field(default_factory=list)
    removed: list[Triple] = field(default_factory=list)


@dataclass
class Diff:
    old: Graph
    new: Graph
    changes: list[EntityChange]

    @property
    def empty(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, Counter[str]]:
        """Per class (prefixed name): how many entities were added, removed, changed."""
        table: dict[str, Counter[str]] = defaultdict(Counter)
        for change in self.changes:
            for name in [_curie(cls) for cls in change.classes] or ["(untyped)"]:
                table[name][change.status] += 1
        return dict(sorted(table.items()))


def diff_graphs(old: Graph, new: Graph) -> Diff:
    before, after = _grouped(old), _grouped(new)
    changes = []
    for entity in sorted(set(before) | set(after), key=_sort_key):
        removed = before.get(entity, set()) - after.get(entity, set())
        added = after.get(entity, set()) - before.get(entity, set())
        if not removed and not added:
            continue
        status = "added" if entity not in before else "removed" if entity not in after else "changed"
        graph = new if status != "removed" else old
        classes = sorted(graph.objects(entity, RDF.type), key=_sort_key)
        changes.append(
            EntityChange(
                entity, status, classes, _label(graph, entity), sorted(added, key=_key), sorted(removed, key=_key)
            )
        )
    return Diff(old, new, changes)


def diff(old: str, new: str) -> Diff:
    return diff_graphs(load_side(old), load_side(new))


def _sort_key(node: Node) -> str:
    return node.n3()


def _key(triple: Triple) -> tuple[str, str, str]:
    return (triple[0].n3(), triple[1].n3(), triple[2].n3())


def _curie(node: Node) -> str:
    text = str(node)
    for prefix, iri in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if isinstance(node, URIRef) and text.startswith(iri) and text[len(iri) :]:
            return f"{prefix}:{text[len(iri) :]}"
    return node.n3()


def _label(graph: Graph, node: Node, lang: str = "zh") -> str:
    labels = list(graph.objects(node, RDFS.label)) + list(graph.objects(node, SKOS.prefLabel))
    for label in labels:
        if isinstance(label, Literal) and label.language == lang:
            return str(label)
    return str(labels[0]) if labels else ""


def _term(diff: Diff, node: Node) -> str:
    if isinstance(node, Literal):
        return node.n3()
    if isinstance(node, BNode):
        return "[]"
    label = _label(diff.new, node) or _label(diff.old, node)
    return f"{_curie(node)} ({label})" if label else _curie(node)


def to_markdown(diff: Diff, old_name: str = "old", new_name: str = "new") -> str:
    lines = [f"# Changes from `{old_name}` to `{new_name}`", ""]
    if diff.empty:
        return "\n".join([*lines, "No change: the two graphs are the same.", ""])
    added = sum(len(c.added) for c in diff.changes)
    removed = sum(len(c.removed) for c in diff.changes)
    lines += [f"{len(diff.changes)} entities changed: {added} statements added, {removed} removed.", ""]
    lines += ["| class | added | removed | changed |", "|---|---:|---:|---:|"]
    for cls, counts in diff.counts().items():
        lines.append(f"| {cls} | {counts['added']} | {counts['removed']} | {counts['changed']} |")
    for status, title in (("added", "Added"), ("removed", "Removed"), ("changed", "Changed")):
        group = [c for c in diff.changes if c.status == status]
        if not group:
            continue
        lines += ["", f"## {title} ({len(group)})"]
        for change in group:
            kinds = ", ".join(_curie(c) for c in change.classes)
            heading = f"### {_curie(change.entity)}"
            heading += f" — {change.label}" if change.label else ""
            heading += f" ({kinds})" if kinds else ""
            lines += ["", heading, ""]
            for sign, triples in (("-", change.removed), ("+", change.added)):
                for s, p, o in triples:
                    via = "" if s == change.entity else "  ↳ "
                    lines.append(f"    {sign} {via}{_term(diff, p)} {_term(diff, o)}")
    return "\n".join(lines) + "\n"


def to_json(diff: Diff) -> str:
    def triple(t: Triple) -> dict[str, str]:
        return {"subject": t[0].n3(), "predicate": t[1].n3(), "object": t[2].n3()}

    data = {
        "counts": {cls: dict(counts) for cls, counts in diff.counts().items()},
        "entities": [
            {
                "entity": str(c.entity),
                "status": c.status,
                "classes": [str(cls) for cls in c.classes],
                "label": c.label,
                "added": [triple(t) for t in c.added],
                "removed": [triple(t) for t in c.removed],
            }
            for c in diff.changes
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def to_patch(diff: Diff) -> str:
    """``D`` lines (deleted statements), then ``A`` lines (added), each an N-Triples statement."""
    deleted = sorted({_nt(t) for c in diff.changes for t in c.removed})
    added = sorted({_nt(t) for c in diff.changes for t in c.added})
    return "".join(f"D {line}\n" for line in deleted) + "".join(f"A {line}\n" for line in added)


def _nt(triple: Triple) -> str:
    """One N-Triples statement (newlines in literals escaped, unlike Turtle's n3())."""
    from rdflib.plugins.serializers.nt import _nt_row

    return str(_nt_row(triple)).rstrip("\n")


class _SameLabels(dict[str, str]):
    """A blank-node context for rdflib's N-Triples parser that keeps every label as written."""

    def get(self, label: str, default: object = None) -> str:  # type: ignore[override]
        return label


def apply_patch(graph: Graph, patch: str) -> Graph:
    """``graph`` with the patch's deletions and additions made (a canonicalised graph, as diffs use)."""
    out = Graph()
    out += graph
    statements: dict[str, list[str]] = {"A": [], "D": []}
    for number, line in enumerate(patch.split("\n"), start=1):
        if not line.strip():
            continue
        operation, _, statement = line.partition(" ")
        if operation not in statements:
            raise InputError(f"patch line {number}: starts with {operation!r}, not A or D")
        statements[operation].append(statement)
    deletions, additions = Graph(), Graph()
    for target, operation in ((deletions, "D"), (additions, "A")):
        # Keep the patch's blank-node labels: they are the canonical labels of both sides.
        target.parse(data="\n".join(statements[operation]) + "\n", format="nt", bnode_context=_SameLabels())
    out -= deletions
    out += additions
    return out


def render(diff: Diff, fmt: str, old_name: str = "old", new_name: str = "new") -> str:
    if fmt == "md":
        return to_markdown(diff, old_name, new_name)
    if fmt == "json":
        return to_json(diff)
    if fmt == "nt":
        return to_patch(diff)
    raise UsageError(f"unknown diff format {fmt!r}: choose one of {', '.join(FORMATS)}")
