"""The explorer in a notebook, and the graph as a pyvis Network or a networkx graph.

- :func:`show` displays the explorer inline: the same self-contained page, in an
  ``<iframe srcdoc>`` with ``sandbox="allow-scripts"`` (its own origin, no access
  to the notebook, no network: the page's Content-Security-Policy forbids every
  request). JupyterLab, classic Notebook and VS Code all render such a frame in a
  cell's HTML output; nbconvert's HTML export keeps it.
- :func:`to_pyvis` gives a :class:`pyvis.network.Network` of a view with our
  colours, shapes, bilingual labels, plain-text tooltips and relation names, for
  those who restyle, filter or export with pyvis. :func:`pyvis_html` /
  :func:`write_pyvis` save it offline: pyvis's own template loads vis-network and
  Bootstrap from CDNs, so the page is rendered with everything inlined, the remote
  tags taken out and a policy that forbids any request put in.
- :func:`to_networkx` gives the view as a networkx graph with the node attributes
  ``kg analyze`` uses (``kind``, ``label``, ``label_zh``, ``label_en``).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kg.errors import UsageError
from kg.serialize import write_atomic
from kg.viz.layout import degrees, layout, node_sizes
from kg.viz.vocab import KIND_BY_KEY, LANGS, Lang, qname

if TYPE_CHECKING:
    import networkx as nx
    from pyvis.network import Network

    from kg.viz.select import GraphView

#: A notebook cell's frame: tall enough for the side panel and the details, as wide as the cell.
DEFAULT_HEIGHT = 640


def frame_html(page: str, height: int = DEFAULT_HEIGHT) -> str:
    """A page in a sandboxed frame: scripts run, but in their own origin, and nothing else is allowed."""
    return (
        f'<iframe srcdoc="{html.escape(page, quote=True)}" sandbox="allow-scripts" '
        f'title="zhengfa-kg graph explorer" '
        f'style="width:100%;height:{int(height)}px;border:1px solid #ddd;border-radius:4px"></iframe>'
    )


class Inline:
    """What ``show`` displays; Jupyter renders its ``_repr_html_``, and ``str()`` is the markup."""

    def __init__(self, markup: str, what: str = "page") -> None:
        self.markup = markup
        self.what = what

    def __repr__(self) -> str:
        return f"<zhengfa-kg {self.what}, shown inline in a notebook>"

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def show(view: GraphView | Network, *, height: int = DEFAULT_HEIGHT, lang: Lang | None = None) -> Inline | None:
    """Show the explorer of a view (or a pyvis Network, saved offline) inline in a notebook.

    In a Jupyter kernel the frame is displayed at once (anywhere in a cell) and None is
    returned; elsewhere the frame is returned (its ``str()`` is the markup).
    """
    from kg.viz.select import GraphView

    if isinstance(view, GraphView):
        if lang is not None and lang not in LANGS:
            raise UsageError(f"unknown language {lang!r}: choose zh or en")
        page = view.to_html(lang)
        what = f"graph explorer: {len(view.nodes)} nodes, {len(view.edges)} edges"
    elif type(view).__name__ == "Network" and hasattr(view, "generate_html"):
        page = pyvis_html(view)
        what = f"pyvis network: {len(view.nodes)} nodes, {len(view.edges)} edges"
    else:
        raise UsageError(f"show() takes a kg.viz view or a pyvis Network, not {type(view).__name__}")
    inline = Inline(frame_html(page, height), what)
    shell = _kernel()
    if shell is None:
        return inline
    from IPython.display import display

    display(inline)
    return None


def _kernel() -> Any:
    """The running IPython shell, if this is one (without importing IPython otherwise)."""
    import sys

    ipython = sys.modules.get("IPython")
    return ipython.get_ipython() if ipython is not None else None


# --- pyvis ------------------------------------------------------------------------------


def _plain(text: str) -> str:
    """Tooltip text: pyvis's template switches to innerHTML when a title contains "href"; keep it text."""
    return text.replace("href", "hre\u200bf")


def _tooltip(view: GraphView, iri: str, lang: Lang) -> str:
    node = view.catalog.nodes[iri]
    kind = KIND_BY_KEY[node.kind]
    other = "en" if lang == "zh" else "zh"
    lines = [node.label[lang]]
    if node.label[other] != node.label[lang]:
        lines.append(node.label[other])
    lines.append(kind.zh if lang == "zh" else kind.en)
    provinces = [view.catalog.nodes[p] for p in node.provinces if p in view.catalog.nodes]
    if provinces and node.kind != "province":
        lines.append(", ".join((p.short or p.label)[lang] for p in provinces))
    evidence = node.info.get("evidence") or []
    if evidence and evidence[0].get("quote"):
        first = evidence[0]
        where = f" [{first['start']}–{first['end']}]" if "start" in first and "end" in first else ""
        lines.append(f"“{first['quote']}”{where}")
    return _plain("\n".join(lines))


def to_pyvis(
    view: GraphView,
    lang: Lang | None = None,
    *,
    height: str = "640px",
    width: str = "100%",
    physics: bool = False,
    **network_options: Any,
) -> Network:
    """A pyvis Network of the view: our colours, shapes, sizes, positions, labels and relation names.

    Tooltips are plain text (vis-network shows a string title as text). Positions are the
    explorer's layout, so ``physics=False`` (the default) draws it as laid out; with
    ``physics=True`` or ``net.toggle_physics(True)`` vis-network's physics takes over.
    Save it offline with :func:`write_pyvis` (``net.write_html`` would load from CDNs).
    """
    from pyvis.network import Network

    lang = lang or view.lang
    if lang not in LANGS:
        raise UsageError(f"unknown language {lang!r}: choose zh or en")
    net = Network(height=height, width=width, directed=True, cdn_resources="in_line", **network_options)
    degree = degrees(view)
    sizes = node_sizes(view, degree)
    positions = layout(view, sizes)
    for node in view.nodes:
        kind = KIND_BY_KEY[node.kind]
        net.add_node(
            node.iri,
            label=node.label[lang],
            shape=kind.shape,
            color=kind.color,
            size=sizes[node.iri],
            x=positions[node.iri][0],
            y=positions[node.iri][1],
            title=_tooltip(view, node.iri, lang),
            group=node.kind,
            font={"size": kind.font},
            label_zh=node.label["zh"],
            label_en=node.label["en"],
            kind=node.kind,
        )
        net.node_map[node.iri]["color"] = kind.color  # pyvis drops the colour of a node given a group
    relations = view.catalog.relations
    notes = view.catalog.edge_notes
    for edge in view.edges:
        # Appended directly: pyvis's add_edge scans every edge for duplicates (quadratic).
        name = relations[edge.relation][lang]
        title = name + (f" ({notes[edge][lang]})" if edge in notes else "")
        net.edges.append(
            {
                "from": edge.source,
                "to": edge.target,
                "arrows": "to",
                "label": name,
                "title": _plain(title),
                "relation": qname(edge.relation),
                "font": {"size": 10},
            }
        )
    net.toggle_physics(physics)
    return net


_REMOTE_TAG = re.compile(
    r"<link\b[^>]*\bhref\s*=\s*[\"']?(?:https?:)?//[^>]*>|"
    r"<script\b[^>]*\bsrc\s*=\s*[\"']?(?:https?:)?//[^>]*>\s*</script>",
    re.IGNORECASE,
)
_OFFLINE_POLICY = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:\">"
)


def pyvis_html(net: Network) -> str:
    """pyvis's page for a Network, offline: vis-network inlined, CDN tags removed, requests forbidden."""
    kept = net.cdn_resources
    net.cdn_resources = "in_line"  # vis-network, its style and pyvis's helpers inlined from the package
    try:
        page = net.generate_html()
    finally:
        net.cdn_resources = kept
    page = _REMOTE_TAG.sub("", page)  # Bootstrap (pyvis's template loads it from a CDN even "in_line")
    leftover = re.search(r"\b(?:src|href)\s*=\s*[\"']?(?:https?:)?//", page, re.IGNORECASE)
    if leftover:
        raise UsageError(f"the pyvis page still refers to a remote resource near {page[leftover.start() :][:80]!r}")
    # And whatever a script might try, the page can send nothing.
    page = re.sub(r"<head>", "<head>\n" + _OFFLINE_POLICY, page, count=1, flags=re.IGNORECASE)
    return page


def write_pyvis(net: Network, path: Path | str) -> Path:
    """Save a pyvis Network as one offline UTF-8 page, atomically."""
    target = Path(path)
    write_atomic(target, pyvis_html(net).encode("utf-8"))
    target.chmod(0o644)
    return target


# --- networkx ---------------------------------------------------------------------------


def to_networkx(view: GraphView, lang: Lang | None = None) -> nx.MultiDiGraph:
    """The view as a networkx MultiDiGraph, for analysis.

    Nodes are IRIs with ``kind`` (province, organ, measure, category, mechanism … as in
    ``kg analyze``), ``label`` (in ``lang``), ``label_zh``, ``label_en``, ``provinces``
    (IRIs joined by spaces, so GraphML/GEXF can hold it) and ``x``/``y`` (the explorer's
    layout). Edges are keyed by relation (``zf:adoptedBy`` …) with ``relation``,
    ``label_zh`` and ``label_en``. ``networkx.Graph(g)`` collapses it for ``kg.analyze``'s
    measures.
    """
    import networkx as nx

    lang = lang or view.lang
    graph = nx.MultiDiGraph(name=view.title or "zhengfa-kg view")
    positions = layout(view, node_sizes(view, degrees(view)))
    for node in view.nodes:
        names = node.short or node.label  # a province by its short name, as kg analyze does
        graph.add_node(
            node.iri,
            kind=node.kind,
            label=names[lang],
            label_zh=names["zh"],
            label_en=names["en"],
            provinces=" ".join(node.provinces),
            x=positions[node.iri][0],
            y=positions[node.iri][1],
        )
    relations = view.catalog.relations
    for edge in view.edges:
        name = relations[edge.relation]
        graph.add_edge(
            edge.source,
            edge.target,
            key=qname(edge.relation),
            relation=qname(edge.relation),
            label_zh=name["zh"],
            label_en=name["en"],
        )
    return graph
