"""``/cite``: the citation of one entity in a scholar's style, as ``kg cite`` prints it.

``/cite?iri=…&style=gb7714|gb7714-author-date|chicago|apa|bibtex|csl-json&lang=zh|en``
answers text/plain (JSON for csl-json). The pages' "Cite · 引用" controls fetch it,
and link to it for a reader without JavaScript.
"""

from __future__ import annotations

from datetime import date

import pyoxigraph as ox
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from kg.cite import STYLES, StoreSession, cite, default_language
from kg.errors import InputError, KGError, UsageError
from kg.serve.protocol import refusal
from kg.serve.site import Site


async def citation(request: Request) -> Response:
    site: Site = request.app.state.site
    params = request.query_params
    value = params.get("iri", "")
    style = params.get("style", "gb7714")
    lang = params.get("lang") or default_language(style)
    try:
        node = ox.NamedNode(value)
    except ValueError:
        return refusal(400, "give the entity's absolute IRI: /cite?iri=https://…&style=gb7714")
    if style not in STYLES:
        return refusal(400, f"unknown citation style {style!r}: choose one of {', '.join(STYLES)}")
    if lang not in ("zh", "en"):
        return refusal(400, f"unknown language {lang!r}: choose zh or en")
    try:
        # citeproc and the store's queries are blocking work: off the event loop.
        text = await run_in_threadpool(cite, StoreSession(site.reader.store), node.value, style, lang, date.today())
    except UsageError as exc:
        return refusal(400, str(exc))
    except InputError as exc:
        return refusal(404, str(exc))
    except KGError as exc:
        return refusal(500, f"the citation cannot be made: {exc}")
    media = "application/json" if style == "csl-json" else "text/plain"
    return Response(text, media_type=f"{media}; charset=utf-8", headers={"Cache-Control": "no-cache"})
