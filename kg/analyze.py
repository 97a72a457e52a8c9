"""Network analysis of who adopted which mechanisms: centrality, projections, communities, export.

Networks (node ids are IRIs; every node carries ``kind``, ``label``,
``label_zh``, ``label_en``):

- ``organ-mechanism`` (default): organs linked to the concepts their measures
  implement; edge ``weight`` = number of distinct measures. Bipartite
  (``bipartite`` = 0 for organs, 1 for concepts).
- ``province-mechanism``: the same with the organs' provinces.
- ``province-projection``: provinces linked when they share mechanisms;
  ``weight`` = shared mechanisms, ``jaccard`` = their Jaccard similarity.
- ``mechanism-projection``: mechanisms linked when one organ adopted both;
  ``weight`` = number of such organs.
- ``full``: provinces, organs, measures and the whole taxonomy, linked by
  ``in_province``, ``adopted``, ``partner``, ``implements`` and ``broader`` edges.

Counting follows :mod:`kg.compare` (adopting organs only, implemented concepts
as they are, no roll-up) except in ``full``, which also holds partner organs.
networkx is imported inside the functions, so ``kg --help`` never loads it.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.compare import SEPARATOR, Adoptions, Entity, markdown_table, text_table
from kg.errors import UsageError
from kg.serialize import write_atomic

if TYPE_CHECKING:
    import networkx as nx

NETWORKS: tuple[str, ...] = (
    "organ-mechanism",
    "province-mechanism",
    "province-projection",
    "mechanism-projection",
    "full",
)
FORMATS: tuple[str, ...] = ("table", "md", "json", "csv")
EXPORT_SUFFIXES: tuple[str, ...] = (".graphml", ".gexf")
#: The order kinds of node are listed in.
KINDS: tuple[str, ...] = ("province", "organ", "measure", "category", "mechanism")
DEFAULT_SEED = 42
#: Up to this many nodes betweenness is exact; above, it is estimated from a seeded sample of sources.
EXACT_BETWEENNESS_NODES = 2000
DEFAULT_SAMPLES = 100

KIND_WORDS: dict[str, dict[str, str]] = {
    "province": {"zh": "省份", "en": "provinces"},
    "organ": {"zh": "机关", "en": "organs"},
    "measure": {"zh": "举措", "en": "measures"},
    "category": {"zh": "机制类别", "en": "categories"},
    "mechanism": {"zh": "机制", "en": "mechanisms"},
}
NETWORK_WORDS: dict[str, dict[str, str]] = {
    "organ-mechanism": {"zh": "机关—机制二部图", "en": "organ–mechanism bipartite network"},
    "province-mechanism": {"zh": "省份—机制二部图", "en": "province–mechanism bipartite network"},
    "province-projection": {"zh": "省份投影（共有机制）", "en": "province projection (shared mechanisms)"},
    "mechanism-projection": {"zh": "机制投影（同一机关采用）", "en": "mechanism projection (adopted by one organ)"},
    "full": {"zh": "完整网络", "en": "full network"},
}


def _node(graph: nx.Graph, entity: Entity, kind: str, lang: str, **extra: Any) -> None:
    if entity.iri not in graph:
        graph.add_node(entity.iri, kind=kind, label=entity.label(lang), label_zh=entity.zh, label_en=entity.en, **extra)


def _concept_kind(data: Adoptions, iri: str) -> str:
    return "category" if data.concepts[iri].is_category else "mechanism"


def _adoption_edges(data: Adoptions, level: str) -> dict[tuple[str, str], set[str]]:
    """(organ or province, concept) → the measures that link them."""
    edges: dict[tuple[str, str], set[str]] = defaultdict(set)
    for measure in data.measures.values():
        owners = sorted(data.columns_of(measure, "province")) if level == "province" else list(measure.organs)
        for owner in owners:
            if owner not in data.organs and level == "organ":
                continue
            for concept in measure.implements:
                if concept in data.concepts:
                    edges[(owner, concept)].add(measure.iri)
    return edges


def _bipartite(data: Adoptions, level: str, lang: str) -> nx.Graph:
    import networkx as nx

    graph = nx.Graph(name=f"{level}-mechanism")
    edges = _adoption_edges(data, level)
    owners: list[Entity] = data.provinces if level == "province" else list(data.organs.values())
    used_owners = {o for o, _ in edges}
    used_concepts = {c for _, c in edges}
    for owner in owners:
        if owner.iri in used_owners:
            _node(graph, owner, level, lang, bipartite=0)
    for concept in data.concepts.values():  # taxonomy order keeps Louvain's input order stable
        if concept.iri in used_concepts:
            _node(graph, concept, _concept_kind(data, concept.iri), lang, bipartite=1)
    for (owner_iri, concept_iri), measures in sorted(edges.items()):
        graph.add_edge(owner_iri, concept_iri, weight=len(measures), relation="adopted")
    return graph


def _full(data: Adoptions, lang: str) -> nx.Graph:
    import networkx as nx

    graph = nx.Graph(name="full")
    provinces = {p.iri: p for p in data.provinces}
    for province in data.provinces:
        _node(graph, province, "province", lang)
    for organ in data.organs.values():
        types = SEPARATOR[lang].join(data.label_of(t, lang) for t in organ.types)
        _node(graph, organ, "organ", lang, organ_type=types)
        if organ.province in provinces:
            graph.add_edge(organ.iri, organ.province, weight=1, relation="in_province")
    for concept in data.concepts.values():
        _node(graph, concept, _concept_kind(data, concept.iri), lang)
    for concept in data.concepts.values():
        for parent in concept.broader:
            graph.add_edge(concept.iri, parent, weight=1, relation="broader")
    for measure in data.measures.values():
        _node(graph, measure, "measure", lang)
        for adopter in measure.organs:
            if adopter in graph:
                graph.add_edge(adopter, measure.iri, weight=1, relation="adopted")
        for partner in measure.partners:
            if partner in graph and not graph.has_edge(partner, measure.iri):
                graph.add_edge(partner, measure.iri, weight=1, relation="partner")
        for implemented in measure.implements:
            if implemented in graph:
                graph.add_edge(measure.iri, implemented, weight=1, relation="implements")
    return graph


def _projection(bipartite: nx.Graph, kind_kept: Sequence[str], name: str) -> nx.Graph:
    """Project a bipartite network onto the nodes of ``kind_kept``; weight = shared neighbours."""
    import networkx as nx
    from networkx.algorithms import bipartite as bp

    keep = [n for n, kind in bipartite.nodes(data="kind") if kind in kind_kept]
    shared = bp.weighted_projected_graph(bipartite, keep)
    jaccard = bp.overlap_weighted_projected_graph(bipartite, keep, jaccard=True)
    graph = nx.Graph(name=name)
    for node in keep:
        attrs = {k: v for k, v in bipartite.nodes[node].items() if k != "bipartite"}
        graph.add_node(node, **attrs)
    for a, b in sorted(shared.edges()):
        graph.add_edge(a, b, weight=shared[a][b]["weight"], jaccard=round(jaccard[a][b]["weight"], 6))
    return graph


def network(data: Adoptions, name: str = "organ-mechanism", lang: str = "zh") -> nx.Graph:
    """One of :data:`NETWORKS`, built from the loaded comparison data."""
    if name not in NETWORKS:
        raise UsageError(f"unknown --network {name!r}: choose one of {', '.join(NETWORKS)}")
    if name == "organ-mechanism":
        return _bipartite(data, "organ", lang)
    if name == "province-mechanism":
        return _bipartite(data, "province", lang)
    if name == "province-projection":
        return _projection(_bipartite(data, "province", lang), ["province"], name)
    if name == "mechanism-projection":
        return _projection(_bipartite(data, "organ", lang), ["category", "mechanism"], name)
    return _full(data, lang)


# ---------------------------------------------------------------------------
# Measures of the network
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class NodeScore:
    iri: str
    kind: str
    zh: str
    en: str
    degree: int
    strength: float  # weighted degree
    degree_centrality: float
    betweenness: float
    community: int

    def label(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class ProvincePair:
    """Two provinces in the bipartite projection: how many mechanisms they share, and Jaccard."""

    a: Entity
    b: Entity
    shared: int
    union: int

    @property
    def jaccard(self) -> Fraction:
        return Fraction(self.shared, self.union) if self.union else Fraction(0)


@dataclass
class Analysis:
    name: str
    graph: nx.Graph
    scores: list[NodeScore]
    communities: list[list[str]]
    modularity: float | None
    seed: int
    resolution: float
    projection: list[ProvincePair] = field(default_factory=list)
    samples: int | None = None  # betweenness estimated from this many sources; None: exact

    def kinds(self) -> dict[str, int]:
        counts: dict[str, int] = defaultdict(int)
        for score in self.scores:
            counts[score.kind] += 1
        return {kind: counts[kind] for kind in KINDS if counts[kind]}

    def top(self, kind: str, key: str, n: int) -> list[NodeScore]:
        chosen = [s for s in self.scores if s.kind == kind]
        chosen.sort(key=lambda s: (-getattr(s, key), -s.strength, s.iri))
        return chosen[:n]


def communities(graph: nx.Graph, seed: int = DEFAULT_SEED, resolution: float = 1.0) -> list[list[str]]:
    """Louvain communities (weighted), largest first; members in the graph's node order."""
    import networkx as nx

    if graph.number_of_nodes() == 0:
        return []
    found = nx.community.louvain_communities(graph, weight="weight", resolution=resolution, seed=seed)
    order = {node: i for i, node in enumerate(graph.nodes)}
    groups = [sorted(group, key=order.__getitem__) for group in found]
    groups.sort(key=lambda g: (-len(g), order[g[0]]))
    return groups


def province_projection(data: Adoptions) -> list[ProvincePair]:
    """Every pair of provinces with the mechanisms (implemented concepts) both have measures under."""
    from networkx.algorithms import bipartite as bp

    graph = _bipartite(data, "province", "zh")
    neighbours = {p.iri: set(graph[p.iri]) if p.iri in graph else set() for p in data.provinces}
    projected = bp.weighted_projected_graph(graph, [p.iri for p in data.provinces if p.iri in graph])
    pairs = []
    for i, a in enumerate(data.provinces):
        for b in data.provinces[i + 1 :]:
            shared = projected[a.iri][b.iri]["weight"] if projected.has_edge(a.iri, b.iri) else 0
            pairs.append(ProvincePair(a, b, shared, len(neighbours[a.iri] | neighbours[b.iri])))
    return pairs


def analyze(
    data: Adoptions,
    name: str = "organ-mechanism",
    seed: int = DEFAULT_SEED,
    resolution: float = 1.0,
    lang: str = "zh",
    samples: int | None = None,
) -> Analysis:
    """Degree and betweenness centrality, Louvain communities and the province projection.

    Betweenness is exact up to :data:`EXACT_BETWEENNESS_NODES` nodes and otherwise
    estimated from ``samples`` source nodes (default :data:`DEFAULT_SAMPLES`) drawn
    with ``seed``; ``samples=0`` forces the exact computation.
    """
    import networkx as nx

    if resolution <= 0:
        raise UsageError("--resolution must be greater than 0")
    if samples is not None and samples < 0:
        raise UsageError("--samples must be 0 (exact) or more")
    graph = network(data, name, lang)
    degree_centrality = nx.degree_centrality(graph) if graph.number_of_nodes() > 1 else dict.fromkeys(graph, 0.0)
    if samples is None:
        samples = DEFAULT_SAMPLES if graph.number_of_nodes() > EXACT_BETWEENNESS_NODES else 0
    k = samples if 0 < samples < graph.number_of_nodes() else None
    betweenness = nx.betweenness_centrality(graph, k=k, normalized=True, seed=seed if k else None)
    groups = communities(graph, seed, resolution)
    member_of = {node: i for i, group in enumerate(groups, 1) for node in group}
    modularity = (
        nx.community.modularity(graph, [set(g) for g in groups], weight="weight", resolution=resolution)
        if graph.number_of_edges()
        else None
    )
    scores = []
    for node, attrs in graph.nodes(data=True):
        scores.append(
            NodeScore(
                iri=node,
                kind=attrs["kind"],
                zh=attrs["label_zh"],
                en=attrs["label_en"],
                degree=graph.degree(node),
                strength=float(graph.degree(node, weight="weight")),
                degree_centrality=round(degree_centrality[node], 6),
                betweenness=round(betweenness[node], 6),
                community=member_of.get(node, 0),
            )
        )
        graph.nodes[node]["degree_centrality"] = round(degree_centrality[node], 6)
        graph.nodes[node]["betweenness"] = round(betweenness[node], 6)
        graph.nodes[node]["community"] = member_of.get(node, 0)
    return Analysis(name, graph, scores, groups, modularity, seed, resolution, province_projection(data), k)


# ---------------------------------------------------------------------------
# Export for Gephi and friends
# ---------------------------------------------------------------------------


def export(graph: nx.Graph, path: Path) -> Path:
    """Write GraphML or GEXF (by the file's suffix), atomically."""
    import networkx as nx

    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in EXPORT_SUFFIXES:
        raise UsageError(f"cannot export to {path.name!r}: name the file .graphml or .gexf")
    buffer = io.BytesIO()
    if suffix == ".graphml":
        nx.write_graphml(graph, buffer, encoding="utf-8", named_key_ids=True)
        data = buffer.getvalue()
    else:
        nx.write_gexf(graph, buffer, encoding="utf-8")
        # The writer stamps today's date; drop it so unchanged data exports unchanged bytes.
        data = re.sub(rb' lastmodifieddate="[^"]*"', b"", buffer.getvalue(), count=1)
    write_atomic(path, data)
    return path


# ---------------------------------------------------------------------------
# Reports
# ---------------------------------------------------------------------------

HEAD: dict[str, dict[str, str]] = {
    "network": {"zh": "网络", "en": "Network"},
    "nodes": {"zh": "节点", "en": "nodes"},
    "edges": {"zh": "边", "en": "edges"},
    "rank": {"zh": "名次", "en": "#"},
    "label": {"zh": "名称", "en": "name"},
    "degree": {"zh": "度", "en": "degree"},
    "strength": {"zh": "加权度", "en": "weighted degree"},
    "degree_centrality": {"zh": "度中心性", "en": "degree centrality"},
    "betweenness": {"zh": "介数中心性", "en": "betweenness"},
    "estimated": {
        "zh": "介数中心性为估计值（{k} 个抽样源点，seed {seed}）",
        "en": "betweenness estimated from {k} sampled sources (seed {seed})",
    },
    "community": {"zh": "社区", "en": "community"},
    "top": {"zh": "中心性最高的{kind}（前 {n} 名）", "en": "Most central {kind} (top {n})"},
    "top_all": {"zh": "{kind}的中心性（全部 {n} 个）", "en": "Centrality of the {kind} (all {n})"},
    "direct_categories": {
        "zh": "（只有直接归入类别、未归入具体机制的措施使类别成为节点）",
        "en": "(a category is a node only where a measure is filed under it directly, not under a mechanism)",
    },
    "projection": {
        "zh": "省份—机制二部图的省份投影：共有机制数与 Jaccard",
        "en": "Province projection of the province–mechanism network: shared mechanisms and Jaccard",
    },
    "pair": {"zh": "省份对", "en": "pair"},
    "shared": {"zh": "共有机制", "en": "shared mechanisms"},
    "union": {"zh": "合计机制", "en": "mechanisms in either"},
    "communities": {
        "zh": "Louvain 社区（seed {seed}，resolution {resolution}）：{k} 个，modularity {q}",
        "en": "Louvain communities (seed {seed}, resolution {resolution}): {k}, modularity {q}",
    },
    "members": {"zh": "成员", "en": "members"},
}


def _h(key: str, lang: str, **values: Any) -> str:
    return HEAD[key]["en" if lang == "en" else "zh"].format(**values)


def _kind_word(kind: str, lang: str) -> str:
    return KIND_WORDS[kind]["en" if lang == "en" else "zh"]


def _summary(analysis: Analysis, lang: str) -> str:
    kinds = analysis.kinds()
    sep = "，" if lang != "en" else ", "
    parts = sep.join(f"{_kind_word(k, lang)} {n}" for k, n in kinds.items())
    name = NETWORK_WORDS[analysis.name]["en" if lang == "en" else "zh"]
    graph = analysis.graph
    line = (
        f"{_h('network', lang)}: {name} — {graph.number_of_nodes()} {_h('nodes', lang)} ({parts}), "
        f"{graph.number_of_edges()} {_h('edges', lang)}"
    )
    if analysis.samples:
        line += ("; " if lang == "en" else "；") + _h("estimated", lang, k=analysis.samples, seed=analysis.seed)
    return line


def _centrality_rows(analysis: Analysis, kind: str, top: int, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [_h(k, lang) for k in ("rank", "label", "degree", "strength", "degree_centrality", "betweenness")]
    header.append(_h("community", lang))
    rows = [
        [
            str(i),
            s.label(lang),
            str(s.degree),
            f"{s.strength:g}",
            f"{s.degree_centrality:.3f}",
            f"{s.betweenness:.3f}",
            str(s.community),
        ]
        for i, s in enumerate(analysis.top(kind, "betweenness", top), 1)
    ]
    return header, rows


def _fraction(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}" if value.denominator != 1 else str(value.numerator)


def _projection_rows(analysis: Analysis, lang: str) -> tuple[list[str], list[list[str]]]:
    header = [_h("pair", lang), _h("shared", lang), _h("union", lang), "Jaccard"]
    dash = "–"
    rows = [
        [
            f"{p.a.label(lang)}{dash}{p.b.label(lang)}",
            str(p.shared),
            str(p.union),
            f"{_fraction(p.jaccard)} ({float(p.jaccard):.3f})",
        ]
        for p in sorted(analysis.projection, key=lambda p: (-p.jaccard, -p.shared))
    ]
    return header, rows


def _community_lines(analysis: Analysis, lang: str, limit: int) -> list[str]:
    q = f"{analysis.modularity:.3f}" if analysis.modularity is not None else "—"
    lines = [
        _h(
            "communities",
            lang,
            seed=analysis.seed,
            resolution=f"{analysis.resolution:g}",
            k=len(analysis.communities),
            q=q,
        )
    ]
    scores = {s.iri: s for s in analysis.scores}
    sep = SEPARATOR[lang]
    for i, group in enumerate(analysis.communities, 1):
        shown = [scores[n].label(lang) for n in group[:limit]]
        more = f"{sep}… (+{len(group) - limit})" if len(group) > limit else ""
        lines.append(f"{i}. ({len(group)}) {sep.join(shown)}{more}")
    return lines


def _central_kinds(analysis: Analysis) -> list[str]:
    wanted: list[str] = [k for k in ("organ", "mechanism", "category", "province") if k in analysis.kinds()]
    return wanted or list(analysis.kinds())


def _top_heading(analysis: Analysis, kind: str, top: int, lang: str) -> str:
    """ "top 10" only when there are more than ten; otherwise say that all are listed (and, for categories, why few)."""
    count = analysis.kinds().get(kind, 0)
    if count > top:
        return _h("top", lang, kind=_kind_word(kind, lang), n=top)
    heading = _h("top_all", lang, kind=_kind_word(kind, lang), n=count)
    if kind == "category" and "mechanism" in analysis.kinds():
        heading += (" " if lang == "en" else "") + _h("direct_categories", lang)
    return heading


def report_text(analysis: Analysis, top: int = 10, lang: str = "zh") -> str:
    out = [_summary(analysis, lang), ""]
    for kind in _central_kinds(analysis):
        header, rows = _centrality_rows(analysis, kind, top, lang)
        out += [_top_heading(analysis, kind, top, lang), "", text_table(header, rows, numeric_from=2)]
    header, rows = _projection_rows(analysis, lang)
    out += [_h("projection", lang), "", text_table(header, rows)]
    out += _community_lines(analysis, lang, limit=12)
    return "\n".join(out).rstrip() + "\n"


def report_markdown(analysis: Analysis, top: int = 10, lang: str = "zh") -> str:
    def cells(rows: list[list[str]]) -> list[list[str]]:
        return [[c.replace("|", "\\|") for c in row] for row in rows]

    out = [f"## {_summary(analysis, lang)}", ""]
    for kind in _central_kinds(analysis):
        header, rows = _centrality_rows(analysis, kind, top, lang)
        out += [f"### {_top_heading(analysis, kind, top, lang)}", ""]
        out += [markdown_table(header, cells(rows), numeric_from=2)]
    header, rows = _projection_rows(analysis, lang)
    out += [f"### {_h('projection', lang)}", "", markdown_table(header, cells(rows))]
    lines = _community_lines(analysis, lang, limit=1000)
    out += [f"### {lines[0]}", "", *lines[1:]]
    return "\n".join(out).rstrip() + "\n"


def report_json(analysis: Analysis, top: int = 10, lang: str = "zh") -> str:
    graph = analysis.graph
    data = {
        "network": analysis.name,
        "nodes": graph.number_of_nodes(),
        "edges": graph.number_of_edges(),
        "kinds": analysis.kinds(),
        "scores": [
            {
                "iri": s.iri,
                "kind": s.kind,
                "zh": s.zh,
                "en": s.en,
                "degree": s.degree,
                "weighted_degree": s.strength,
                "degree_centrality": s.degree_centrality,
                "betweenness": s.betweenness,
                "community": s.community,
            }
            for s in analysis.scores
        ],
        "betweenness_samples": analysis.samples,
        "communities": {
            "algorithm": "louvain",
            "seed": analysis.seed,
            "resolution": analysis.resolution,
            "modularity": analysis.modularity,
            "groups": analysis.communities,
        },
        "province_projection": [
            {
                "a": p.a.iri,
                "b": p.b.iri,
                "shared": p.shared,
                "union": p.union,
                "jaccard": _fraction(p.jaccard),
                "jaccard_decimal": float(p.jaccard),
            }
            for p in analysis.projection
        ],
    }
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def report_csv(analysis: Analysis, top: int = 10, lang: str = "zh") -> str:
    """One row per node: iri, kind, label, degree, weighted_degree, degree_centrality, betweenness, community."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(
        ["iri", "kind", "label", "degree", "weighted_degree", "degree_centrality", "betweenness", "community"]
    )
    for s in analysis.scores:
        writer.writerow(
            [s.iri, s.kind, s.label(lang), s.degree, f"{s.strength:g}", s.degree_centrality, s.betweenness, s.community]
        )
    return out.getvalue()


def render(analysis: Analysis, fmt: str = "table", top: int = 10, lang: str = "zh") -> str:
    if fmt not in FORMATS:
        raise UsageError(f"unknown --format {fmt!r}: choose one of {', '.join(FORMATS)}")
    if top < 1:
        raise UsageError("--top must be at least 1")
    renderers = {"table": report_text, "md": report_markdown, "json": report_json, "csv": report_csv}
    return renderers[fmt](analysis, top, lang)


__all__ = [
    "NETWORKS",
    "Analysis",
    "NodeScore",
    "ProvincePair",
    "analyze",
    "communities",
    "export",
    "network",
    "province_projection",
    "render",
]
