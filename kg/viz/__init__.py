"""Interactive graph explorer in one offline HTML file (``kg viz``).

The graph is read once into a small in-memory index; the nodes a reader wants
to see (measures, organs, provinces, mechanisms and their categories, problems,
documents, systems, figures, speeches, people, events, the source document)
are picked by class, evidence is folded into each node's details, and the
filters (province, category, class, focus) select a subgraph. The page is one
self-contained UTF-8 file: vis-network (the copy pyvis ships) and our own
script are inlined, a Content-Security-Policy forbids every request, and all
graph text travels as JSON that the page renders with ``textContent`` only.

Notebook use::

    from kg.store import open_graph
    from kg.viz import explore

    view = explore(open_graph("memory"), provinces=["湖南"])
    view.write("hunan.html")
    view  # shows the explorer inline
"""

from __future__ import annotations

from kg.viz.catalog import Catalog, Edge, Node, build_catalog
from kg.viz.page import payload, render_html, script_json
from kg.viz.select import DEFAULT_MAX_NODES, Filters, GraphView, explore, select

__all__ = [
    "DEFAULT_MAX_NODES",
    "Catalog",
    "Edge",
    "Filters",
    "GraphView",
    "Node",
    "build_catalog",
    "explore",
    "payload",
    "render_html",
    "script_json",
    "select",
]
