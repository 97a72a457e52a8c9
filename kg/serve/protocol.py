"""The SPARQL 1.1 Protocol at ``/sparql``: query by GET, form POST or direct POST; read-only.

Status codes: 200 answer · 400 malformed query or request · 403 update or
SERVICE refused · 406 no acceptable format · 413 body too large · 415 unknown
request body type · 503 query stopped at the time or memory limit, or the
server busy. Errors are one plain-text message (with the line and a caret for
a syntax error).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, TypeVar
from urllib.parse import parse_qsl, urlencode

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response

from kg.errors import QueryError, QueryTimeout
from kg.serve.engine import Answer, QueryCrashed, ServerBusy
from kg.serve.negotiation import GRAPH_FORMATS, HTML, RESULT_FORMATS, Format, NotAcceptable, negotiate
from kg.serve.results import serialize
from kg.serve.site import Site
from kg.sparql.buckets import PageBy
from kg.sparql.check import CheckedQuery
from kg.sparql.narrowing import Narrowing

FORM = "application/x-www-form-urlencoded"
SPARQL_QUERY = "application/sparql-query"
SPARQL_UPDATE = "application/sparql-update"
#: Parameters that choose the result format (``output``/``results`` are what SPARQLWrapper also sends).
FORMAT_PARAMETERS = ("format", "output", "results")
RETRY_AFTER = "5"
T = TypeVar("T")


class RequestRefused(Exception):
    """A request this endpoint will not answer, with its status code and message."""

    def __init__(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.headers = headers or {}


def refusal(status: int, message: str, headers: dict[str, str] | None = None) -> PlainTextResponse:
    return PlainTextResponse(message.rstrip("\n") + "\n", status_code=status, headers=headers)


async def read_body(request: Request, limit: int) -> bytes:
    """The request body, refused (413) past ``limit`` bytes, whether or not Content-Length says so."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > limit:
                raise RequestRefused(413, f"request body too large: the limit is {limit} bytes")
        except ValueError:
            raise RequestRefused(400, "Content-Length is not a number") from None
    chunks: list[bytes] = []
    size = 0
    try:
        async for chunk in request.stream():
            size += len(chunk)
            if size > limit:
                raise RequestRefused(413, f"request body too large: the limit is {limit} bytes")
            chunks.append(chunk)
    except ClientDisconnect:
        # The client left, or was cut off for sending its body too slowly (kg.serve.connections): nobody to answer.
        raise RequestRefused(408, "the request body did not arrive in time") from None
    return b"".join(chunks)


def decode(data: bytes, what: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestRefused(400, f"the {what} is not valid UTF-8 (byte {exc.start})") from None


def media_type(request: Request) -> str:
    return request.headers.get("content-type", "").split(";")[0].strip().lower()


async def protocol_parameters(request: Request, max_body: int) -> list[tuple[str, str]]:
    """All parameters of a protocol request: the URL's, then the form's; a direct POST's body as ``query``."""
    params = list(request.query_params.multi_items())
    if request.method != "POST":
        return params
    kind = media_type(request)
    if kind == SPARQL_UPDATE:
        raise RequestRefused(403, "refused: this endpoint is read-only and does not run SPARQL Update")
    if kind not in (FORM, SPARQL_QUERY):
        raise RequestRefused(
            415,
            f"unsupported request body type {kind or '(none)'!r}: send {FORM} with query=…, "
            f"or {SPARQL_QUERY} with the query as the body",
        )
    body = await read_body(request, max_body)
    # Decoding and form parsing are work per byte of client text: off the event loop.
    return [*params, *await off_loop(body_parameters, kind, body)]


def body_parameters(kind: str, body: bytes) -> list[tuple[str, str]]:
    if kind == SPARQL_QUERY:
        return [("query", decode(body, "query"))]
    try:
        return parse_qsl(decode(body, "form body"), keep_blank_values=True, strict_parsing=False, max_num_fields=200)
    except ValueError as exc:
        raise RequestRefused(400, f"the form body cannot be read: {exc}") from None


#: Threads for reading client text (decoding, form parsing, the query check) at once. One: that
#: work holds the GIL, so a flood of large bodies then takes at most half of it from the event
#: loop and the pages, and none of the threads pages run on. (Bounded work: 256 KiB a text.)
TEXT_THREADS = 1
_text_limiter: Any = None


async def off_loop(func: Callable[..., T], *args: Any) -> T:
    """``func(*args)`` on one of :data:`TEXT_THREADS` threads kept for client text."""
    import anyio
    import anyio.to_thread

    global _text_limiter
    if _text_limiter is None:
        _text_limiter = anyio.CapacityLimiter(TEXT_THREADS)
    return await anyio.to_thread.run_sync(func, *args, limiter=_text_limiter)


def values(params: Sequence[tuple[str, str]], name: str) -> list[str]:
    return [v for k, v in params if k == name]


def query_of(params: Sequence[tuple[str, str]]) -> str | None:
    if values(params, "update"):
        raise RequestRefused(403, "refused: this endpoint is read-only and does not run SPARQL Update")
    queries = values(params, "query")
    if len(queries) > 1:
        raise RequestRefused(400, "give exactly one query parameter")
    if values(params, "default-graph-uri") or values(params, "named-graph-uri"):
        raise RequestRefused(
            400, "this endpoint holds one graph: default-graph-uri and named-graph-uri are not supported"
        )
    return queries[0] if queries else None


def offered_for(checked: CheckedQuery) -> tuple[Format, ...]:
    """Result formats for SELECT/ASK, RDF formats for CONSTRUCT/DESCRIBE."""
    return GRAPH_FORMATS if checked.form in ("CONSTRUCT", "DESCRIBE") else RESULT_FORMATS


def choose_format(params: Sequence[tuple[str, str]], accept: str | None, offered: Sequence[Format]) -> Format:
    wanted = [v for name in FORMAT_PARAMETERS for v in values(params, name)]
    try:
        return negotiate(wanted, accept, offered)
    except NotAcceptable as exc:
        raise RequestRefused(406, str(exc)) from None


async def check(site: Site, text: str) -> CheckedQuery:
    """The query check, off the event loop; a refusal becomes its status code (403 update or SERVICE)."""
    if len(text) > site.settings.max_body or len(text.encode("utf-8")) > site.settings.max_body:
        raise RequestRefused(413, f"query too long: the limit is {site.settings.max_body} bytes")
    try:
        return await off_loop(site.engine.check, text)
    except QueryError as exc:
        raise _refused(exc) from None


async def answer(site: Site, text: str, checked: CheckedQuery | None = None) -> Answer:
    """Check (unless done) and run the query through the query gate; turn each refusal into its status code."""
    if checked is None:
        checked = await check(site, text)
    try:
        return await site.engine.gate.run(site.engine.run, text, None, checked)
    except QueryError as exc:
        raise _refused(exc) from None


async def bucketed_answer(
    site: Site, text: str, values: Mapping[str, str], page_by: PageBy, limit: int, offset: int
) -> Answer | None:
    """A page of a shipped query asked by buckets of its first sort key (kg.sparql.buckets), or None."""
    try:
        return await site.engine.gate.run(site.engine.run_bucketed, text, values, page_by, limit, offset)
    except QueryError as exc:
        raise _refused(exc) from None


async def narrowed_answer(
    site: Site,
    text: str,
    narrowing: Narrowing,
    value: Any,
    values: Mapping[str, str],
    limit: int | None,
    offset: int,
    page_by: PageBy | None = None,
) -> Answer | None:
    """A page of a shipped query started from the few values its parameter selects (kg.sparql.narrowing), or None."""
    try:
        run = site.engine.run_narrowed
        return await site.engine.gate.run(run, text, narrowing, value, values, limit, offset, page_by)
    except QueryError as exc:
        raise _refused(exc) from None


def _refused(exc: QueryError) -> RequestRefused:
    from kg.sparql.check import ServiceRefused, UpdateRefused

    if isinstance(exc, (UpdateRefused, ServiceRefused)):
        return RequestRefused(403, str(exc))
    if isinstance(exc, (QueryTimeout, ServerBusy, QueryCrashed)):
        return RequestRefused(503, str(exc), {"Retry-After": RETRY_AFTER})
    return RequestRefused(400, str(exc))


async def sparql(request: Request) -> Response:
    site: Site = request.app.state.site
    try:
        params = await protocol_parameters(request, site.settings.max_body)
        text = query_of(params)
        if text is None:
            return service_description(request, site, params)
        checked = await check(site, text)
        offered = offered_for(checked)
        if request.method == "GET" and _prefers_html(params, request.headers.get("accept"), offered):
            # A person who opened a query URL in a browser: show the answer as a table in the editor.
            target = site.linker(request).url("/query?" + urlencode({"query": text}))
            return RedirectResponse(target, status_code=303)
        fmt = choose_format(params, request.headers.get("accept"), offered)
        result = await answer(site, text, checked)
        if (fmt in RESULT_FORMATS) == result.result.is_graph:  # cannot happen with an exact check; kept safe
            fmt = choose_format(params, request.headers.get("accept"), offered_for_result(result))
    except RequestRefused as exc:
        return refusal(exc.status, exc.message, exc.headers)
    # Writing up to max_rows rows is real work: off the event loop (the rows are ours, not the client's).
    body = await run_in_threadpool(_serialized, result, text, fmt)
    headers = {"Vary": "Accept"}
    if result.truncated:
        headers["X-SPARQL-MaxRows"] = str(result.limit)
    if values(params, "download"):
        headers["Content-Disposition"] = f'attachment; filename="results.{fmt.extension}"'
    return Response(body, media_type=_with_charset(fmt), headers=headers)


def offered_for_result(result: Answer) -> tuple[Format, ...]:
    return GRAPH_FORMATS if result.result.is_graph else RESULT_FORMATS


def _serialized(result: Answer, text: str, fmt: Format) -> bytes:
    from kg.namespaces import PREFIXES
    from kg.sparql.lexer import declared_prefixes

    result.result.prefixes = {**PREFIXES, **{p: i for p, i in declared_prefixes(text).items() if ":" in i}}
    return serialize(result.result, fmt)


def _prefers_html(params: Sequence[tuple[str, str]], accept: str | None, offered: Sequence[Format]) -> bool:
    """A browser's Accept (text/html above everything else) and no format asked for by name."""
    from kg.serve.negotiation import by_accept

    if any(values(params, name) for name in FORMAT_PARAMETERS):
        return False
    return by_accept(accept, (*offered, HTML)) is HTML


def _with_charset(fmt: Format) -> str:
    return f"{fmt.media_type}; charset=utf-8"


SD = "http://www.w3.org/ns/sparql-service-description#"
FORMATS_NS = "http://www.w3.org/ns/formats/"
SD_RESULT_FORMATS = ("SPARQL_Results_JSON", "SPARQL_Results_XML", "SPARQL_Results_CSV", "SPARQL_Results_TSV")
SD_GRAPH_FORMATS = ("Turtle", "N-Triples", "JSON-LD", "RDF_XML")


def service_description(request: Request, site: Site, params: Sequence[tuple[str, str]]) -> Response:
    """GET /sparql without a query: a browser goes to the query editor, a client gets the service description."""
    offered = (HTML, *GRAPH_FORMATS)
    fmt = choose_format(params, request.headers.get("accept"), offered)
    if fmt is HTML:
        return RedirectResponse(site.linker(request).url("/query"), status_code=303)
    endpoint = ox.NamedNode(str(request.url.replace(query="")))
    service = ox.BlankNode("service")
    dataset, graph = ox.BlankNode("dataset"), ox.BlankNode("graph")

    def sd(name: str) -> ox.NamedNode:
        return ox.NamedNode(SD + name)

    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    triples = [
        ox.Triple(service, rdf_type, sd("Service")),
        ox.Triple(service, sd("endpoint"), endpoint),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, rdf_type, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), graph),
        ox.Triple(graph, rdf_type, sd("Graph")),
        ox.Triple(
            graph,
            ox.NamedNode("http://rdfs.org/ns/void#triples"),
            ox.Literal(str(site.triple_count), datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")),
        ),
    ]
    triples += [
        ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMATS_NS + name))
        for name in SD_RESULT_FORMATS + SD_GRAPH_FORMATS
    ]
    from kg.serve.results import graph_bytes

    prefixes = {"sd": SD, "formats": FORMATS_NS, "void": "http://rdfs.org/ns/void#"}
    return Response(graph_bytes(triples, fmt, prefixes), media_type=_with_charset(fmt), headers={"Vary": "Accept"})
