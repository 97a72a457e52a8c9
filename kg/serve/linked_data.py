"""Linked data: a page for every IRI, in HTML for a person and in RDF for a program.

``/id/<name>`` is the entity ``<base>id/<name>``, ``/def/<name>`` the vocabulary
term ``<base>def/<name>``, ``/def`` the ontology, and ``/resource?iri=…`` any
other IRI the graph mentions. The representation follows ``Accept`` (or
``?format=ttl|nt|jsonld|rdfxml|html``, or a file extension such as ``.ttl``);
responses say ``Vary: Accept`` and list the alternates in a ``Link`` header.
"""

from __future__ import annotations

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from kg.namespaces import PREFIXES
from kg.serve.negotiation import GRAPH_FORMATS, HTML, Format, NotAcceptable, negotiate
from kg.serve.protocol import refusal
from kg.serve.results import graph_bytes
from kg.serve.site import Site

PAGE_FORMATS: tuple[Format, ...] = (HTML, *GRAPH_FORMATS)


def _format(request: Request, suffix_format: Format | None = None) -> Format:
    wanted = request.query_params.getlist("format")
    if suffix_format is not None and not wanted:
        return suffix_format
    return negotiate(wanted, request.headers.get("accept"), PAGE_FORMATS)


def _node(site: Site, request: Request, route: str, local: str) -> tuple[ox.NamedNode | None, Format | None]:
    """The IRI a path stands for; a known file extension (``x.ttl``) picks a format when ``x`` exists."""
    linker = site.linker(request)
    try:
        node = linker.iri_for(route, local)
    except ValueError:
        return None, None
    if site.reader.exists(node):
        return node, None
    stem, dot, extension = local.rpartition(".")
    if dot:
        fmt = next((f for f in PAGE_FORMATS if extension in (f.extension, f.name)), None)
        if fmt is not None:
            try:
                stripped = linker.iri_for(route, stem)
            except ValueError:
                return None, None
            if site.reader.exists(stripped):
                return stripped, fmt
    return None, None


def _alternates(site: Site, request: Request, node: ox.NamedNode) -> list[tuple[str, str, str]]:
    """The node's other representations, as links to this server."""
    page = site.linker(request).href(node)
    joiner = "&" if "?" in page else "?"
    return [(fmt.name, fmt.media_type, f"{page}{joiner}format={fmt.name}") for fmt in GRAPH_FORMATS]


def describe(request: Request, site: Site, node: ox.NamedNode, fmt: Format) -> Response:
    """One IRI's page: HTML, or its concise bounded description plus the triples pointing at it."""
    alternates = _alternates(site, request, node)
    link_header = ", ".join(f'<{href}>; rel="alternate"; type="{media}"' for _n, media, href in alternates)
    headers = {"Vary": "Accept", "Link": link_header}
    if fmt is not HTML:
        triples = site.reader.bounded_description(node)
        body = graph_bytes(triples, fmt, PREFIXES)
        return Response(body, media_type=f"{fmt.media_type}; charset=utf-8", headers=headers)
    page = site.presenter(request).entity(node, alternates, in_graph=lambda n: n.value in site.graph_catalog.nodes)
    response = site.render(request, "entity.html", page=page, title=page.names[0][1] if page.names else page.curie)
    response.headers.update(headers)
    return response


def not_found(request: Request, site: Site, what: str, guess: str) -> Response:
    words = guess.replace("-", " ").replace("_", " ").strip()
    hits = site.presenter(request)
    suggestions = [hits.term(h.node) for h in site.reader.search(words.split(" ")[-1] if words else "", limit=10)]
    return site.render(request, "not_found.html", status_code=404, what=what, suggestions=suggestions, q=words)


def _page(request: Request, route: str) -> Response:
    site: Site = request.app.state.site
    local = request.path_params["local"]
    node, suffix_format = _node(site, request, route, local)
    try:
        fmt = _format(request, suffix_format)
    except NotAcceptable as exc:
        return refusal(406, str(exc))
    if node is None:
        if fmt is not HTML:
            return refusal(404, f"nothing in the graph is named {route}/{local}")
        return not_found(request, site, f"/{route}/{local}", local)
    return describe(request, site, node, fmt)


def entity(request: Request) -> Response:
    return _page(request, "id")


def vocabulary_term(request: Request) -> Response:
    return _page(request, "def")


def resource(request: Request) -> Response:
    """Any IRI the graph mentions (``?iri=``); IRIs under this server's base go to their own path."""
    site: Site = request.app.state.site
    value = request.query_params.get("iri", "")
    try:
        node = ox.NamedNode(value)
    except ValueError:
        return refusal(400, "give an absolute IRI: /resource?iri=https://…")
    linker = site.linker(request)
    if linker.is_local(node) and not linker.href(node).startswith(linker.url("/resource")):
        return RedirectResponse(linker.href(node), status_code=303)
    try:
        fmt = _format(request)
    except NotAcceptable as exc:
        return refusal(406, str(exc))
    if not site.reader.exists(node):
        if fmt is not HTML:
            return refusal(404, f"the graph does not mention <{value}>")
        return not_found(request, site, value, value.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1])
    return describe(request, site, node, fmt)
