"""Where each node is drawn, worked out before the page opens.

The page used to lay the graph out in the browser: a blank canvas for seconds,
then the whole graph fitted so small that no label could be read. Now the
positions are computed here with networkx's ForceAtlas2 (seeded, so the same
view is drawn the same way every time), written into the page, and
vis-network opens with its physics off: the graph is drawn at once. The page
keeps a button to run its own physics again.
"""

from __future__ import annotations

import math
import zlib
from collections import Counter
from typing import TYPE_CHECKING

from kg.viz.vocab import KIND_BY_KEY

if TYPE_CHECKING:
    from kg.viz.select import GraphView

#: The same view is laid out the same way every time.
SEED = 7
#: ForceAtlas2 costs about n² per iteration: small views get many, large ones a few
#: (their start, one sector per province, is already close to where they settle).
ITERATION_BUDGET = 12_000_000
MAX_ITERATIONS = 80
MIN_ITERATIONS = 5
#: Above this many nodes ForceAtlas2 (n² per iteration) would take many seconds: the start
#: positions are drawn as they are, and the page's "Re-run layout" refines them on demand.
LAYOUT_LIMIT = 2000
#: Median edge length in canvas units after scaling: room for a relation name between two nodes.
EDGE_LENGTH = 150.0


def start_positions(view: GraphView) -> dict[str, tuple[float, float]]:
    """Provinces on a circle, their nodes towards them, shared nodes in the middle.

    ForceAtlas2 only refines this, so it needs few iterations and the picture
    reads as "one sector per province" every time it is drawn.
    """
    provinces = sorted({p for node in view.nodes for p in node.provinces})
    count = max(len(view.nodes), 1)
    radius = 60.0 * math.sqrt(count) + 200.0
    angle_of = {p: 2 * math.pi * i / max(len(provinces), 1) for i, p in enumerate(provinces)}
    ring = {"province": 1.0, "organ": 0.85, "speech": 0.9, "person": 1.0, "measure": 0.7, "figure": 0.95}
    positions: dict[str, tuple[float, float]] = {}
    for node in view.nodes:
        jitter = zlib.crc32(node.iri.encode("utf-8"))
        wobble = ((jitter & 0xFFFF) / 0xFFFF) - 0.5
        spread = (((jitter >> 16) & 0xFFFF) / 0xFFFF) - 0.5
        if node.provinces:
            angles = [angle_of[p] for p in node.provinces]
            angle = math.atan2(sum(map(math.sin, angles)), sum(map(math.cos, angles))) + wobble * 0.9
            r = radius * (ring.get(node.kind, 0.8) + spread * 0.3)
        else:
            angle = wobble * 2 * math.pi
            r = radius * (0.15 + 0.35 * (spread + 0.5)) * (0.6 if node.kind == "category" else 1.0)
        positions[node.iri] = (r * math.cos(angle), r * math.sin(angle))
    return positions


def degrees(view: GraphView) -> dict[str, int]:
    """Links of each node within the view (an edge stated twice between one pair counts once)."""
    pairs = {(e.source, e.target) if e.source < e.target else (e.target, e.source) for e in view.edges}
    counted: Counter[str] = Counter()
    for a, b in pairs:
        if a != b:
            counted[a] += 1
            counted[b] += 1
    return {node.iri: counted[node.iri] for node in view.nodes}


def node_sizes(view: GraphView, degree: dict[str, int]) -> dict[str, float]:
    """A node's size grows with its degree, from 0.7 to 1.6 times its kind's size (the best-linked of its kind)."""
    top: dict[str, int] = {}
    for node in view.nodes:
        top[node.kind] = max(top.get(node.kind, 0), degree[node.iri])
    sizes = {}
    for node in view.nodes:
        base = KIND_BY_KEY[node.kind].size
        share = math.sqrt(degree[node.iri] / top[node.kind]) if top[node.kind] else 0.5
        sizes[node.iri] = round(base * (0.7 + 0.9 * share), 1)
    return sizes


def layout(view: GraphView, sizes: dict[str, float] | None = None) -> dict[str, tuple[float, float]]:
    """Seeded ForceAtlas2 positions, scaled so that the median edge is EDGE_LENGTH long."""
    start = start_positions(view)
    if len(view.nodes) < 2:
        return {iri: (0.0, 0.0) for iri in start}
    if len(view.nodes) > LAYOUT_LIMIT:
        return {iri: (round(x, 1), round(y, 1)) for iri, (x, y) in start.items()}
    import networkx as nx  # only when a page is drawn
    import numpy as np

    graph = nx.Graph()
    graph.add_nodes_from(node.iri for node in view.nodes)
    graph.add_edges_from((e.source, e.target) for e in view.edges if e.source != e.target)
    count = len(view.nodes)
    iterations = max(MIN_ITERATIONS, min(MAX_ITERATIONS, ITERATION_BUDGET // (count * count)))
    found = nx.forceatlas2_layout(
        graph,
        pos={iri: np.array(xy) / 100.0 for iri, xy in start.items()},
        max_iter=iterations,
        seed=SEED,
        scaling_ratio=2.0,
        gravity=1.0,
        node_size={iri: size / 30.0 for iri, size in sizes.items()} if sizes else None,
    )
    lengths = sorted(math.dist(found[a], found[b]) for a, b in graph.edges() if math.dist(found[a], found[b]) > 0) or [
        1.0
    ]
    scale = EDGE_LENGTH / lengths[len(lengths) // 2]
    return {iri: (round(float(found[iri][0]) * scale, 1), round(float(found[iri][1]) * scale, 1)) for iri in start}
