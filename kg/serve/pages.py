"""The explorer's own pages: home, search, ontology reference, source texts, status."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response

from kg.namespaces import OWL, PREFIXES, RDFS, SKOS, ZF
from kg.serve.linked_data import PAGE_FORMATS
from kg.serve.negotiation import HTML, NotAcceptable, negotiate
from kg.serve.ontology import build_page
from kg.serve.protocol import refusal
from kg.serve.reader import TYPE, curie, iri
from kg.serve.site import Site
from kg.serve.views import Presenter, TermView

PROVINCE = iri(str(ZF.Province))
MECHANISM_CATEGORY = iri(str(ZF.MechanismCategory))
SOURCE_DOCUMENT = iri(str(ZF.SourceDocument))
SEARCH_LIMIT = 100
#: The shipped questions whose answer is kg compare's matrix: the home page links them to /compare too.
MATRIX_QUERIES = {
    "province-category-matrix": "?by=category&across=province",
    "organtype-category-matrix": "?by=category&across=organ-type",
}
#: Types too general to tell a search hit apart (every mechanism is a skos:Concept, every class an owl:Class).
UNTELLING_TYPES = {str(OWL.Class), str(SKOS.Concept), str(OWL.NamedIndividual), str(RDFS.Class)}
#: How far around a quote the source page shows the text when asked for a span only.
MAX_QUERY_LENGTH = 200


@dataclass
class ClassCount:
    term: TermView
    count: int
    own: bool


def home(request: Request) -> Response:
    site: Site = request.app.state.site
    presenter = site.presenter(request)
    reader = site.reader
    queries = _shipped()
    provinces = sorted((presenter.term(p) for p in reader.instances(PROVINCE)), key=lambda t: t.iri or "")
    categories = sorted((presenter.term(c) for c in reader.instances(MECHANISM_CATEGORY)), key=lambda t: t.iri or "")
    documents = [presenter.term(d) for d in reader.instances(SOURCE_DOCUMENT)]
    return site.render(
        request,
        "home.html",
        title="zhengfa-kg",
        triples=site.triple_count,
        provinces=provinces,
        categories=categories,
        documents=documents,
        competency=sorted((q for q in queries if q.competency), key=lambda q: q.competency),
        other_queries=[q for q in queries if not q.competency and not q.is_check],
        checks=[q for q in queries if q.is_check],
        matrix_queries=MATRIX_QUERIES,
        endpoint=str(request.url_for("sparql")),
    )


def class_counts(site: Site, presenter: Presenter) -> list[ClassCount]:
    """Entities per class, the project's own classes first (for the ontology reference)."""
    vocabulary = site.settings.vocabulary_base
    found = site.memo("class-counts", site.reader.class_counts)
    counts = [ClassCount(presenter.term(c), n, c.value.startswith(vocabulary)) for c, n in found]
    counts.sort(key=lambda c: (not c.own, -c.count, c.term.curie or ""))
    return counts


def _shipped() -> list:  # type: ignore[type-arg]
    try:
        from kg.query import shipped_queries

        return shipped_queries()
    except Exception:  # no queries shipped yet: the page simply lists none
        return []


def search(request: Request) -> Response:
    """Entities by label in either language; JSON for a script (``format=json`` or ``Accept: application/json``)."""
    site: Site = request.app.state.site
    q = request.query_params.get("q", "")[:MAX_QUERY_LENGTH]
    hits = _distinct_hits(site, site.reader.search(q, limit=SEARCH_LIMIT)) if q.strip() else []
    presenter = site.presenter(request)
    wants_json = request.query_params.get("format") == "json" or (
        "application/json" in request.headers.get("accept", "") and "text/html" not in request.headers.get("accept", "")
    )
    if wants_json:
        return JSONResponse(
            {
                "q": q,
                "results": [
                    {
                        "iri": h.node.value,
                        "label": h.text,
                        "lang": h.language,
                        "labels": site.reader.labels(h.node),
                        "types": [t.value for t in site.reader.types(h.node)],
                        "href": presenter.linker.href(h.node),
                    }
                    for h in hits
                ],
            }
        )
    rows = [
        (presenter.term(h.node), h.text, h.language, [presenter.term(t) for t in _telling_types(site, h.node)])
        for h in hits
    ]
    return site.render(request, "search.html", title=f"{q} · search" if q else "search", q=q, rows=rows)


def _telling_types(site: Site, node: ox.NamedNode) -> list[ox.NamedNode]:
    types = site.reader.types(node)
    return [t for t in types if t.value not in UNTELLING_TYPES]


def _distinct_hits(site: Site, hits: list) -> list:  # type: ignore[type-arg]
    """One row per name: a vocabulary term (the class zf:Court) gives way to an entity with the same name."""
    vocabulary = site.settings.vocabulary_base
    entity_names = {(h.text, h.language) for h in hits if not h.node.value.startswith(vocabulary)}
    return [h for h in hits if not (h.node.value.startswith(vocabulary) and (h.text, h.language) in entity_names)]


def ontology(request: Request) -> Response:
    """The ontology reference in HTML, or the vocabulary's triples in RDF (this is also ``/def``)."""
    site: Site = request.app.state.site
    try:
        fmt = negotiate(request.query_params.getlist("format"), request.headers.get("accept"), PAGE_FORMATS)
    except NotAcceptable as exc:
        return refusal(406, str(exc))
    settings = site.settings
    if fmt is not HTML:
        return _vocabulary_rdf(site, fmt)
    if request.url.path.rstrip("/").endswith("/def"):
        return RedirectResponse(site.linker(request).url("/ontology"), status_code=303)
    presenter = site.presenter(request)
    page = site.memo(
        ("ontology", presenter.linker.root),
        lambda: build_page(site.reader, presenter, settings.vocabulary_base, settings.ontology_iri),
    )
    counts = class_counts(site, presenter)
    return site.render(request, "ontology.html", title="Ontology · 本体", page=page, prefixes=PREFIXES, counts=counts)


def _vocabulary_rdf(site: Site, fmt: object) -> Response:
    from kg.serve.results import graph_bytes

    reader = site.reader
    vocabulary = site.settings.vocabulary_base
    subjects = {ox.NamedNode(site.settings.ontology_iri)}
    subjects |= {
        q.subject
        for q in reader.store.quads_for_pattern(None, None, None)
        if isinstance(q.subject, ox.NamedNode) and q.subject.value.startswith(vocabulary)
    }
    triples = []
    for subject in sorted(subjects, key=lambda s: s.value):
        triples += reader.bounded_description(subject, with_incoming=False)
    body = graph_bytes(triples, fmt, PREFIXES)  # type: ignore[arg-type]
    return Response(body, media_type=f"{fmt.media_type}; charset=utf-8", headers={"Vary": "Accept"})  # type: ignore[attr-defined]


def source(request: Request) -> Response:
    """A source text, with the quote at ``start``–``end`` marked (code point offsets, as the evidence gives them)."""
    site: Site = request.app.state.site
    linker = site.linker(request)
    local = request.path_params["local"]
    try:
        node = linker.iri_for("id", local)
    except ValueError:
        node = None
    texts = site.source_texts()
    if node is None or node not in texts:
        return site.render(request, "not_found.html", status_code=404, what=f"/source/{local}", suggestions=[], q="")
    text = texts[node]
    start, end = _offset(request, "start"), _offset(request, "end")
    if start is not None and end is None:
        end = start
    if start is None or end is None or not 0 <= start <= end <= len(text):
        start = end = None
    parts = site.document_parts(node)
    presenter = site.presenter(request)
    return site.render(
        request,
        "source.html",
        title=site.reader.label(node),
        document=presenter.term(node),
        before=text[:start] if start is not None else text,
        marked=text[start:end] if start is not None else "",
        after=text[end:] if end is not None else "",
        start=start,
        end=end,
        length=len(text),
        parts=[(presenter.term(p), s, e) for p, s, e in parts],
        entity_href=linker.href(node),
    )


def _offset(request: Request, name: str) -> int | None:
    value = request.query_params.get(name)
    if value is None or not value.isdigit() or len(value) > 9:
        return None
    return int(value)


async def status(request: Request) -> Response:
    """Liveness and what is served: for monitoring and for scripts that wait for the server."""
    site: Site = request.app.state.site
    return Response(
        json.dumps({"status": "ok", "triples": site.triple_count, "base_iri": site.settings.base_iri}) + "\n",
        media_type="application/json",
    )


def type_label(site: Site, node: ox.NamedNode) -> str:
    types = [t for t in site.reader.objects(node, TYPE) if isinstance(t, ox.NamedNode)]
    return ", ".join(curie(t.value) for t in types)
