"""Filters (province, category, class, focus), the node limit, and the resulting view."""

from __future__ import annotations

import re
from collections import defaultdict, deque
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kg.errors import UsageError
from kg.serialize import write_atomic
from kg.viz.catalog import Catalog, Edge, Node, build_catalog
from kg.viz.vocab import KEEP_ORDER, KIND_BY_KEY, KINDS, LANGS, SKOS_BROADER, ZF, Lang, qname

#: Above this many nodes the page would be slow to lay out and unreadable:
#: the lowest-priority nodes are left out and the page says how to focus.
DEFAULT_MAX_NODES = 1500


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def _names(node: Node) -> set[str]:
    return {_norm(n) for n in (node.iri, qname(node.iri), node.label["zh"], node.label["en"], *node.alt)}


def _candidates(nodes: Iterable[Node]) -> str:
    shown = sorted(f"{n.label['zh']} / {n.label['en']}" for n in nodes)
    more = f" … ({len(shown) - 12} more)" if len(shown) > 12 else ""
    return ", ".join(shown[:12]) + more


def resolve(catalog: Catalog, name: str, kinds: Sequence[str] | None, what: str) -> Node:
    """The one node named ``name`` (IRI, prefixed name or a label in either language)."""
    pool = [n for n in catalog.nodes.values() if kinds is None or n.kind in kinds]
    wanted = _norm(name)
    if wanted.startswith("<") and wanted.endswith(">"):
        wanted = wanted[1:-1]
    exact = [n for n in pool if wanted in _names(n)]
    if len(exact) == 1:
        return exact[0]
    if len(exact) > 1:
        raise UsageError(f"{what} {name!r} is ambiguous: it names {_candidates(exact)}; give the IRI")
    partial = [n for n in pool if any(wanted in candidate for candidate in _names(n))]
    if len(partial) == 1:
        return partial[0]
    if partial:
        raise UsageError(f"{what} {name!r} matches several: {_candidates(partial)}; give a full label or the IRI")
    if what == "province":  # the same message as kg query and kg compare give (kg.provinces)
        from kg.provinces import unknown_province

        raise unknown_province(
            name, [((n.short or n.label).get("zh", ""), (n.short or n.label).get("en", "")) for n in pool]
        )
    hint = f"; known: {_candidates(pool)}" if kinds and len(pool) <= 40 else ""
    raise UsageError(f"no {what} named {name!r}{hint}")


def province_selection(catalog: Catalog, provinces: set[str]) -> set[str]:
    """The nodes of some provinces, with the shared nodes (mechanisms, problems, events …) they link to.

    A node belongs to a province by the paths in PROVINCE_PATHS; a shared node
    (one that belongs to no province) is kept when a kept node links to it, and
    the broader chain of a kept mechanism is kept so its category shows. The page
    repeats this rule in its province filter.
    """
    nodes = catalog.nodes
    kept = {iri for iri, node in nodes.items() if set(node.provinces) & provinces}
    shared = {other for iri in kept for other in catalog.neighbours.get(iri, ()) if not nodes[other].provinces}
    kept |= shared
    todo = deque(shared)
    up: dict[str, list[str]] = defaultdict(list)
    for edge in catalog.edges:
        if edge.relation == SKOS_BROADER:
            up[edge.source].append(edge.target)
    while todo:
        for parent in up.get(todo.popleft(), ()):
            if parent not in kept and not nodes[parent].provinces:
                kept.add(parent)
                todo.append(parent)
    return kept


def category_selection(catalog: Catalog, concepts: set[str]) -> set[str]:
    """Mechanism concepts and everything under them, the measures implementing them and those measures' neighbours.

    The provinces of the organs shown are added, so the question "which provinces
    use this kind of mechanism" reads off the picture.
    """
    down: dict[str, list[str]] = defaultdict(list)
    for edge in catalog.edges:
        if edge.relation == SKOS_BROADER:
            down[edge.target].append(edge.source)
    under = set(concepts)
    todo = deque(concepts)
    while todo:
        for child in down.get(todo.popleft(), ()):
            if child not in under:
                under.add(child)
                todo.append(child)
    implements = ZF + "implements"
    measures = {e.source for e in catalog.edges if e.relation == implements and e.target in under}
    kept = under | measures
    for measure in measures:
        kept |= catalog.neighbours.get(measure, set())
    kept |= {p for iri in list(kept) if catalog.nodes[iri].kind == "organ" for p in catalog.nodes[iri].provinces}
    return kept


def class_selection(catalog: Catalog, classes: set[str]) -> set[str]:
    """Nodes of the given kinds (``measure``, ``organ`` …) or classes (IRIs, with subclasses)."""
    return {iri for iri, node in catalog.nodes.items() if node.kind in classes or classes & set(node.types)}


def focus_selection(catalog: Catalog, centres: set[str], depth: int) -> set[str]:
    """Nodes at most ``depth`` links away from the centres, in either direction."""
    kept = set(centres)
    frontier = set(centres)
    for _ in range(depth):
        frontier = {n for node in frontier for n in catalog.neighbours.get(node, ())} - kept
        if not frontier:  # nothing farther: a large depth must not loop on
            break
        kept |= frontier
    return kept


def resolve_class(catalog: Catalog, name: str) -> str:
    """A kind key, or a class IRI, from a kind name, a class IRI or prefixed name, or a class label."""
    wanted = _norm(name)
    for kind in KINDS:
        if wanted in {kind.key, _norm(kind.zh), _norm(kind.en), _norm(kind.en.rstrip("s"))}:
            return kind.key
    classes = {cls for node in catalog.nodes.values() for cls in node.types}
    matches = {
        cls
        for cls in classes
        if wanted in {_norm(cls), _norm(qname(cls))} or wanted in {_norm(v) for v in catalog.label(cls).values()}
    }
    if len(matches) == 1:
        return matches.pop()
    if matches:
        raise UsageError(f"class {name!r} is ambiguous: {', '.join(sorted(qname(m) for m in matches))}")
    known = ", ".join(kind.key for kind in KINDS)
    raise UsageError(
        f"no class named {name!r}: use a kind ({known}), a class IRI such as zf:PeoplesCourt, or its label"
    )


@dataclass
class Filters:
    """What to show: every filter given narrows the view (a node is shown when it passes them all)."""

    provinces: Sequence[str] = ()
    categories: Sequence[str] = ()
    classes: Sequence[str] = ()
    focus: Sequence[str] = ()
    depth: int = 1

    def active(self) -> bool:
        return bool(self.provinces or self.categories or self.classes or self.focus)


@dataclass
class GraphView:
    """A selection of the catalog ready to draw, and what was left out."""

    catalog: Catalog
    nodes: list[Node]
    edges: list[Edge]
    selected: int  # nodes that passed the filters, before the node limit
    max_nodes: int | None
    left_out: dict[str, int]  # kind → nodes left out by the node limit
    filters: list[dict[str, Any]]  # a description of the filters, for the page
    lang: Lang = "zh"
    title: str | None = None

    @property
    def truncated(self) -> bool:
        return bool(self.left_out)

    def summary(self) -> str:
        """What the CLI prints: counts by kind, and what was left out with how to focus."""
        lines = [
            f"{len(self.nodes)} nodes, {len(self.edges)} edges "
            f"(of {len(self.catalog.nodes)} nodes, {len(self.catalog.edges)} edges in the graph)"
        ]
        if self.nodes:
            lines.append("  " + ", ".join(f"{KIND_BY_KEY[k].en}: {v}" for k, v in count_by_kind(self.nodes).items()))
        else:
            lines.append("nothing matches these filters (filters combine: a node must pass every one)")
        if self.truncated:
            lines.append(self.left_out_message())
        return "\n".join(lines)

    def left_out_message(self) -> str:
        parts = ", ".join(f"{count} {KIND_BY_KEY[kind].en}" for kind, count in self.left_out.items())
        return (
            f"left out {sum(self.left_out.values())} of {self.selected} nodes above the limit of "
            f"{self.max_nodes} ({parts}); focus with --province, --category, --class or "
            f"--focus NODE --depth N, or raise --max-nodes"
        )

    def to_html(self, lang: Lang | None = None, *, served: bool = False, links: Any = None) -> str:
        """The page as a string; ``served=True`` (and the site's ``links``) for a web site that embeds it
        (see render_html)."""
        from kg.viz.page import render_html  # the page module needs this one

        return render_html(self, lang or self.lang, served=served, links=links)

    def write(self, path: Path | str, lang: Lang | None = None) -> Path:
        """Write the page atomically as UTF-8."""
        target = Path(path)
        write_atomic(target, self.to_html(lang).encode("utf-8"))
        target.chmod(0o644)  # a page to share, not a private temporary file
        return target

    def show(self, *, height: int | None = None, lang: Lang | None = None) -> Any:
        """Show the explorer inline in a notebook (kg.viz.show)."""
        from kg.viz.notebook import DEFAULT_HEIGHT, show

        return show(self, height=height or DEFAULT_HEIGHT, lang=lang)

    def _repr_html_(self) -> str:
        """Show inline in Jupyter: the page in a sandboxed iframe (scripts only, no network)."""
        from kg.viz.notebook import frame_html

        return frame_html(self.to_html())


def count_by_kind(nodes: Iterable[Node]) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for node in nodes:
        counts[node.kind] += 1
    return {kind.key: counts[kind.key] for kind in KINDS if counts[kind.key]}


def select(catalog: Catalog, filters: Filters | None = None, max_nodes: int | None = DEFAULT_MAX_NODES) -> GraphView:
    """Apply the filters, then the node limit (keeping provinces, categories, organs … before figures)."""
    filters = filters or Filters()
    if filters.depth < 0:
        raise UsageError("--depth must be 0 or more")
    if max_nodes is not None and max_nodes < 1:
        raise UsageError("--max-nodes must be 1 or more")
    chosen = set(catalog.nodes)
    pinned: set[str] = set()  # the focus nodes: never left out by the node limit
    described: list[dict[str, Any]] = []
    if filters.provinces:
        found = [resolve(catalog, name, ("province",), "province") for name in filters.provinces]
        chosen &= province_selection(catalog, {n.iri for n in found})
        described.append({"key": "province", "values": [n.short or n.label for n in found]})
    if filters.categories:
        found = [resolve(catalog, name, ("category", "mechanism"), "mechanism category") for name in filters.categories]
        chosen &= category_selection(catalog, {n.iri for n in found})
        described.append({"key": "category", "values": [n.label for n in found]})
    if filters.classes:
        wanted = {resolve_class(catalog, name) for name in filters.classes}
        chosen &= class_selection(catalog, wanted)
        described.append({"key": "class", "values": [_class_label(catalog, c) for c in sorted(wanted)]})
    if filters.focus:
        found = [resolve(catalog, name, None, "node") for name in filters.focus]
        chosen &= focus_selection(catalog, {n.iri for n in found}, filters.depth)
        pinned = {n.iri for n in found}
        described.append({"key": "focus", "values": [n.label for n in found], "depth": filters.depth})
    selected = len(chosen)
    left_out: dict[str, int] = {}
    if max_nodes is not None and selected > max_nodes:
        chosen, left_out = _limit(catalog, chosen, max_nodes, pinned)
    nodes = [catalog.nodes[iri] for iri in sorted(chosen)]
    edges = [e for e in catalog.edges if e.source in chosen and e.target in chosen]
    return GraphView(catalog, nodes, edges, selected, max_nodes, left_out, described)


def _class_label(catalog: Catalog, cls: str) -> dict[str, str]:
    if cls in KIND_BY_KEY:
        kind = KIND_BY_KEY[cls]
        return {"zh": kind.zh, "en": kind.en}
    return catalog.label(cls)


def _limit(catalog: Catalog, chosen: set[str], max_nodes: int, pinned: set[str]) -> tuple[set[str], dict[str, int]]:
    """Keep the focus nodes, then by kind (KEEP_ORDER), then the best-connected first."""
    rank = {key: i for i, key in enumerate(KEEP_ORDER)}

    def priority(iri: str) -> tuple[bool, int, int, str]:
        node = catalog.nodes[iri]
        degree = len(catalog.neighbours.get(iri, set()) & chosen)
        return iri not in pinned, rank.get(node.kind, len(rank)), -degree, iri

    ordered = sorted(chosen, key=priority)
    kept = set(ordered[:max_nodes])
    dropped = count_by_kind(catalog.nodes[iri] for iri in ordered[max_nodes:])
    return kept, dropped


def explore(
    source: Any,
    *,
    provinces: Sequence[str] = (),
    categories: Sequence[str] = (),
    classes: Sequence[str] = (),
    focus: Sequence[str] = (),
    depth: int = 1,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    lang: Lang = "zh",
    title: str | None = None,
) -> GraphView:
    """Read a graph and select what to draw; ``.write(path)`` the result or show it in a notebook."""
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}: choose zh or en")
    if depth != 1 and not focus:
        raise UsageError("a depth needs a focus node (--focus)")
    catalog = build_catalog(source)
    filters = Filters(tuple(provinces), tuple(categories), tuple(classes), tuple(focus), depth)
    view = select(catalog, filters, max_nodes)
    view.lang, view.title = lang, title
    return view
