"""The dataset's description (VoID + DCAT) at ``/.well-known/void``, and its exports at ``/download/NAME``."""

from __future__ import annotations

from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response

from kg.serve.negotiation import GRAPH_FORMATS
from kg.serve.protocol import RequestRefused, choose_format, refusal
from kg.serve.site import Site

#: The files a build writes beside the store that the server hands out, with their media types.
DOWNLOADS = {
    "graph.ttl": "text/turtle",
    "graph.nt": "application/n-triples",
    "graph.jsonld": "application/ld+json",
    "void.ttl": "text/turtle",
}


def exports_dir(site: Site) -> Path:
    """Where the build's exports lie: beside the store (through a generation link, if there is one)."""
    return site.store_path.resolve().parent


def _exports(site: Site) -> dict[str, bytes]:
    folder = exports_dir(site)
    return {
        name: (folder / name).read_bytes() for name in DOWNLOADS if name != "void.ttl" and (folder / name).is_file()
    }


async def void(request: Request) -> Response:
    """VoID and DCAT of the served dataset, with this server's endpoint and download addresses."""
    from kg.dataset import PREFIXES, describe
    from kg.serve.results import graph_bytes

    site: Site = request.app.state.site
    try:
        fmt = choose_format(list(request.query_params.multi_items()), request.headers.get("accept"), GRAPH_FORMATS)
    except RequestRefused as exc:
        return refusal(exc.status, exc.message, exc.headers)
    linker = site.linker(request)
    endpoint = str(request.url.replace(path=linker.url("/sparql"), query=""))
    download = str(request.url.replace(path=linker.url("/download/"), query=""))
    triples = site.memo(
        ("void", endpoint), lambda: describe(site.reader.store, _exports(site), endpoint, download_base=download)
    )
    body = graph_bytes(triples, fmt, PREFIXES)
    return Response(body, media_type=f"{fmt.media_type}; charset=utf-8", headers={"Vary": "Accept"})


async def download(request: Request) -> Response:
    name = request.path_params["name"]
    site: Site = request.app.state.site
    path = exports_dir(site) / name
    if name not in DOWNLOADS or not path.is_file():
        return PlainTextResponse(f"no export named {name!r}: one of {', '.join(DOWNLOADS)}", status_code=404)
    return FileResponse(path, media_type=DOWNLOADS[name], filename=name)
