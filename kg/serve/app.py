"""The ASGI app of ``kg serve``: routes, static files, CORS and security headers, error pages."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kg.serve import citations, dataset, explorer, linked_data, pages, protocol
from kg.serve.settings import ServeSettings
from kg.serve.site import STATIC_DIR, Site, log

#: Pages may load only this server's own scripts, styles and frames; nothing from elsewhere.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-src 'self'; frame-ancestors 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)
SECURITY_HEADERS = {
    b"x-content-type-options": b"nosniff",
    b"referrer-policy": b"same-origin",
    b"x-frame-options": b"SAMEORIGIN",
}


class SecurityHeaders:
    """Adds the security headers to every response (a route's own CSP wins)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in SECURITY_HEADERS.items():
                    if name not in present:
                        headers.append((name, value))
                if b"content-security-policy" not in present:
                    headers.append((b"content-security-policy", CONTENT_SECURITY_POLICY.encode()))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class PrefixedPaths:
    """Behind a proxy under a sub-path (``--root-path /kg``): answer ``/kg/x`` as well as the stripped ``/x``.

    Some proxies strip the prefix before forwarding, others pass the path as it came.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        root = scope.get("root_path", "").rstrip("/")
        path = scope.get("path", "")
        if scope["type"] == "http" and root and (path == root or path.startswith(root + "/")):
            scope = dict(scope)
            scope["path"] = path[len(root) :] or "/"
            raw = scope.get("raw_path")
            if isinstance(raw, bytes) and raw.startswith(root.encode()):
                scope["raw_path"] = raw[len(root) :] or b"/"
        await self.app(scope, receive, send)


def _wants_html(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith("/sparql")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    site: Site = request.app.state.site
    if exc.status_code == 404 and _wants_html(request):
        return site.render(request, "not_found.html", status_code=404, what=request.url.path, suggestions=[], q="")
    return PlainTextResponse(f"{exc.detail}\n", status_code=exc.status_code, headers=exc.headers)


async def server_error(request: Request, exc: Exception) -> Response:
    log.exception("error answering %s %s", request.method, request.url.path, exc_info=exc)
    return PlainTextResponse("internal error: the server failed to answer this request\n", status_code=500)


def create_app(settings: ServeSettings | None = None, warm_up: bool = True) -> Starlette:
    """The app over the built store (opened read-only); raises InputError when there is no store."""
    settings = settings or ServeSettings()
    site = Site(settings)
    if warm_up:
        site.warm_up()
    routes = [
        Route("/", pages.home, name="home"),
        Route("/search", pages.search, name="search"),
        Route("/sparql", protocol.sparql, methods=["GET", "POST"], name="sparql"),
        Route("/query", explorer.query_page, methods=["GET", "POST"], name="query"),
        Route("/graph", explorer.graph_page, name="graph"),
        Route("/graph/view", explorer.graph_view, name="graph_view"),
        Route("/compare", explorer.compare_page, name="compare"),
        Route("/ontology", pages.ontology, name="ontology"),
        Route("/def", pages.ontology, name="vocabulary"),
        Route("/def/{local:path}", linked_data.vocabulary_term, name="term"),
        Route("/id/{local:path}", linked_data.entity, name="entity"),
        Route("/resource", linked_data.resource, name="resource"),
        Route("/source/{local:path}", pages.source, name="source"),
        Route("/status", pages.status, name="status"),
        Route("/cite", citations.citation, name="cite"),
        Route("/.well-known/void", dataset.void, name="void"),
        Route("/download/{name}", dataset.download, name="download"),
        Mount("/static", app=StaticFiles(directory=str(STATIC_DIR)), name="static"),
    ]
    middleware = [
        Middleware(PrefixedPaths),
        Middleware(SecurityHeaders),
        Middleware(
            CORSMiddleware,
            allow_origins=list(settings.cors_origins),
            allow_methods=["GET", "POST", "OPTIONS"],
            allow_headers=["Accept", "Content-Type"],
            expose_headers=["X-SPARQL-MaxRows", "Link", "Content-Disposition"],
            max_age=3600,
        ),
    ]
    app = Starlette(
        routes=routes,
        middleware=middleware,
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.site = site
    return app
