"""``kg serve``: a read-only SPARQL 1.1 endpoint, linked-data pages and a web explorer over the built store.

From Python::

    from kg.serve import ServeSettings, create_app, run
    app = create_app(ServeSettings(store=Path("dist/store")))   # any ASGI server can run it
    run(ServeSettings(), host="127.0.0.1", port=8000)           # or let uvicorn run it here

Everything is served from this package (templates and static files): no CDN,
no request leaves the server.
"""

from __future__ import annotations

from kg.serve.app import create_app
from kg.serve.run import run
from kg.serve.settings import ServeSettings

__all__ = ["ServeSettings", "create_app", "run"]
