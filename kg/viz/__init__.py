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
    show(view)                 # the explorer inline (or just ``view`` as a cell's last line)
    net = to_pyvis(view)       # a pyvis Network to restyle; write_pyvis(net, "mine.html") offline
    graph = to_networkx(view)  # for analysis, with kg analyze's node attributes

A web site embeds the page with ``render_html(view, lang, served=True)`` (see kg.viz.page).
"""

from __future__ import annotations

from kg.viz.catalog import Catalog, Edge, Node, build_catalog
from kg.viz.notebook import pyvis_html, show, to_networkx, to_pyvis, write_pyvis
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
    "pyvis_html",
    "render_html",
    "script_json",
    "select",
    "show",
    "to_networkx",
    "to_pyvis",
    "write_pyvis",
]
