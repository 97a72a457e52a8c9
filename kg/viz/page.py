"""The page: one self-contained UTF-8 HTML file with vis-network, our script and the data inlined."""

from __future__ import annotations

import base64
import hashlib
import html
import importlib.util
import json
import re
from functools import cache
from pathlib import Path
from typing import Any, Protocol

from kg.errors import InputError
from kg.namespaces import PREFIXES
from kg.viz.catalog import paused_gc
from kg.viz.layout import degrees, layout, node_sizes
from kg.viz.select import GraphView, count_by_kind
from kg.viz.vocab import KINDS, SKOS_BROADER, Lang, qname

#: The vis-network build that pyvis ships inside its package (templates/lib/).
VIS_VERSION = "9.1.2"

ASSETS = Path(__file__).resolve().parent / "assets"


class ServedLinks(Protocol):
    """Where a web site that serves the page shows each thing (kg serve's pages; ``kg.serve.graph_links``).

    Given to :func:`render_html`, the details panel links a node to its page, a quote to
    its place in the source text, a measure to the comparison cells that count it, and
    offers its citation; the offline file has no such site and gets none of these.
    """

    #: The URL of the site's citation service (``…/cite``), asked with ``iri``, ``style`` and ``lang``.
    cite: str
    #: The citation styles it offers: key → the name a reader knows it by.
    styles: dict[str, str]

    def entity(self, iri: str) -> str:
        """The URL of the page about ``iri``."""
        ...

    def quote(self, source: str, start: int, end: int) -> str | None:
        """The URL of the place ``start``–``end`` in the source text ``source``, if the site shows it."""
        ...

    def compare(self, iri: str) -> list[tuple[str, str, str]]:
        """The comparison cells that count the measure ``iri``: (row concept IRI, column IRI, URL) each."""
        ...


def payload(view: GraphView, lang: Lang, served: bool = False, links: ServedLinks | None = None) -> dict[str, Any]:
    """Everything the page needs, as plain JSON data (no markup); ``links`` only for a served page."""
    degree = degrees(view)
    sizes = node_sizes(view, degree)
    positions = layout(view, sizes)
    position_of = {node.iri: i for i, node in enumerate(view.nodes)}
    relations = sorted({e.relation for e in view.edges})
    relation_index = {rel: i for i, rel in enumerate(relations)}
    node_counts = count_by_kind(view.nodes)
    catalog = view.catalog
    # The provinces the drawn nodes belong to: the page's province filter and tooltips need no others.
    provinces = [catalog.nodes[p] for p in sorted({p for node in view.nodes for p in node.provinces})]
    names = NameTable()
    nodes = [
        {
            "id": node.iri,
            "kind": node.kind,
            "label": node.label,
            "alt": [a for a in node.alt if a not in node.label.values()],
            "provinces": node.provinces,
            "x": positions[node.iri][0],
            "y": positions[node.iri][1],
            "size": sizes[node.iri],
            "degree": degree[node.iri],
            "info": compact_details(node.info, names, links),
        }
        for node in view.nodes
    ]
    if links is not None:
        for item, node in zip(nodes, view.nodes, strict=True):
            item["href"] = links.entity(node.iri)
            if node.kind == "measure":
                item["compare"] = [
                    [names(_name_of(catalog, row)), names(_name_of(catalog, column, short=True)), href]
                    for row, column, href in links.compare(node.iri)
                ]
    return {
        "meta": {
            "lang": lang,
            "title": view.title,
            "filters": view.filters,
            "graphNodes": len(catalog.nodes),
            "graphEdges": len(catalog.edges),
            "selected": view.selected,
            "maxNodes": view.max_nodes,
            "leftOut": [{"kind": k, "count": c} for k, c in view.left_out.items()],
            "broader": SKOS_BROADER,
            "visVersion": VIS_VERSION,
            "idBase": PREFIXES["zfr"],
            "served": served,
            "links": {"cite": links.cite, "styles": links.styles} if links is not None else None,
        },
        "kinds": [
            {
                "key": kind.key,
                "label": {"zh": kind.zh, "en": kind.en},
                "color": kind.color,
                "shape": kind.shape,
                "size": kind.size,
                "font": kind.font,
                "count": node_counts.get(kind.key, 0),
            }
            for kind in KINDS
            if kind.key in node_counts
        ],
        "provinces": [{"id": p.iri, "label": p.label, "short": p.short or p.label} for p in provinces],
        "relations": [{"id": qname(rel), "label": catalog.relations[rel]} for rel in relations],
        "names": names.table,
        "nodes": nodes,
        # Edges name their ends by position in "nodes", to keep the file small.
        "edges": [
            {"from": position_of[e.source], "to": position_of[e.target], "rel": relation_index[e.relation]}
            | ({"note": catalog.edge_notes[e]} if e in catalog.edge_notes else {})
            for e in view.edges
        ],
    }


class NameTable:
    """Names that recur in the details (types, organs, sources …) are written once and referred to by number."""

    def __init__(self) -> None:
        self.table: list[list[str]] = []
        self.numbers: dict[tuple[str, str], int] = {}
        # The catalog hands out one dict per name, so most look-ups hit by identity;
        # the dict is kept here too, so that its id cannot be reused while we look.
        self.seen: dict[int, tuple[dict[str, str], int]] = {}

    def __call__(self, name: dict[str, str]) -> int:
        hit = self.seen.get(id(name))
        if hit is not None:
            return hit[1]
        key = (name["zh"], name["en"])
        number = self.numbers.get(key)
        if number is None:
            number = self.numbers[key] = len(self.table)
            self.table.append([name["zh"], name["en"]])
        self.seen[id(name)] = (name, number)
        return number


LISTED_NAMES = ("types", "organs", "categories", "mechanisms", "figures")


def _name_of(catalog: Any, iri: str, short: bool = False) -> dict[str, str]:
    node = catalog.nodes.get(iri)
    if node is None:
        return {"zh": iri, "en": iri}
    return (node.short or node.label) if short else node.label  # type: ignore[no-any-return]


def compact_details(info: dict[str, Any], names: NameTable, links: ServedLinks | None = None) -> dict[str, Any]:
    """A node's details with each name replaced by its number in the name table (and, served, quote links)."""
    out: dict[str, Any] = {key: [names(v) for v in info[key]] for key in LISTED_NAMES if key in info}
    if "definition" in info:
        out["definition"] = info["definition"]
    if "attribution" in info:
        out["attribution"] = {k: names(v) if isinstance(v, dict) else v for k, v in info["attribution"].items()}
    if "evidence" in info:
        out["evidence"] = []
        for evidence in info["evidence"]:
            item = {k: names(v) if k == "source" else v for k, v in evidence.items() if k != "doc"}
            if links is not None and "doc" in evidence and "start" in evidence and "end" in evidence:
                href = links.quote(evidence["doc"], evidence["start"], evidence["end"])
                if href:
                    item["href"] = href
            out["evidence"].append(item)
    if info.get("props"):
        out["props"] = [[names(prop), [names(v) for v in values]] for prop, values in info["props"]]
    return out


def script_json(data: Any) -> str:
    """JSON that is safe inside a <script> element: no ``<``, ``>``, ``&`` or line separators in the clear."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


@cache
def vis_assets() -> tuple[str, str]:
    """vis-network's script and style sheet from inside the installed pyvis (licence header kept)."""
    spec = importlib.util.find_spec("pyvis")  # locates the package without importing it (IPython, networkx …)
    if spec is None or not spec.submodule_search_locations:
        raise InputError("pyvis is not installed: it carries the vis-network script the page inlines")
    lib = Path(next(iter(spec.submodule_search_locations))) / "templates" / "lib" / f"vis-{VIS_VERSION}"
    try:
        js = (lib / "vis-network.min.js").read_text(encoding="utf-8")
        css = (lib / "vis-network.css").read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"vis-network {VIS_VERSION} not found inside pyvis ({lib}): {exc}") from exc
    return js, css


@cache
def _template(name: str) -> str:
    return (ASSETS / name).read_text(encoding="utf-8")


def _inline(code: str, element: str) -> str:
    """Code to put inside a <script> or <style> element: it must not be able to end it early."""
    if re.search(rf"</{element}|<!--", code, re.IGNORECASE):
        raise InputError(f"an inlined {element} contains '</{element}' or '<!--' and would break the page")
    return code


def _csp_hash(code: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode("ascii") + "'"


def render_html(view: GraphView, lang: Lang = "zh", *, served: bool = False, links: ServedLinks | None = None) -> str:
    """The self-contained page: vis-network, our script and style, the data; nothing loads from elsewhere.

    ``served=True`` is the page as a web site embeds it (kg serve's /graph, in a frame): it
    speaks of "this view" rather than "this file", suggests no kg viz options, and tells
    its host (``postMessage({kgGraphState: "#…"})``) whenever its state changes; with
    ``links`` (the site's pages, see :class:`ServedLinks`) its details panel links each node,
    quote and measure to them and offers a citation (fetched from the site, the one request
    its policy then allows). Either way
    the state — language, provinces, focus, depth, selection — is read from and written
    to the address's hash (``#lang=en&province=province-hunan&focus=…&depth=2``).
    """
    with paused_gc():
        return _render_html(view, lang, served, links)


def _render_html(view: GraphView, lang: Lang, served: bool, links: ServedLinks | None) -> str:
    vis_js, vis_css = vis_assets()
    app_js = _inline(_template("explorer.js"), "script")
    vis_js = _inline(vis_js, "script")
    data = script_json(payload(view, lang, served, links))
    # Only these two scripts may run; no request may leave the page (default-src 'none'), but
    # a served page's citations, fetched from the site that serves it.
    csp = (
        "default-src 'none'; "
        + ("connect-src 'self'; " if links is not None else "")
        + f"script-src {_csp_hash(vis_js)} {_csp_hash(app_js)}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:; "
        "base-uri 'none'; form-action 'none'"
    )
    title = view.title or _default_title(view, lang)
    parts = {
        "LANG": "zh-Hans" if lang == "zh" else "en",
        "CSP": html.escape(csp, quote=False),  # inside a double-quoted attribute; the policy has no "
        "TITLE": html.escape(title, quote=False),
        "VIS_CSS": _inline(vis_css, "style"),
        "CSS": _inline(_template("explorer.css"), "style"),
        "DATA": data,
        "VIS_JS": vis_js,
        "APP_JS": app_js,
    }
    return re.sub(r"@@([A-Z_]+)@@", lambda m: parts[m.group(1)], _template("page.html"))


def _default_title(view: GraphView, lang: Lang) -> str:
    base = "执法司法制约监督体系知识图谱" if lang == "zh" else "zhengfa-kg graph explorer"
    pieces = []
    for item in view.filters:
        pieces += [v[lang] for v in item["values"]]
    return f"{base} · {'、'.join(pieces) if lang == 'zh' else ', '.join(pieces)}" if pieces else base
