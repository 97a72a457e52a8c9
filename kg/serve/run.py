"""Running the app under uvicorn."""

from __future__ import annotations

import logging
import socket

from kg.serve.settings import ServeSettings

log = logging.getLogger("kg.serve")


def run(
    settings: ServeSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    root_path: str = "",
    log_level: str = "info",
    sock: socket.socket | None = None,
) -> None:
    """Serve until interrupted (Ctrl+C, SIGTERM); the store is opened once, read-only."""
    import uvicorn

    from kg.serve.app import create_app

    app = create_app(settings)
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        root_path=root_path,
        log_level=log_level,
        proxy_headers=True,
        server_header=False,
        timeout_keep_alive=5,
        # Requests wait in the query queue (see --concurrent-queries); past this the server answers 503.
        limit_concurrency=256,
    )
    server = uvicorn.Server(config)
    server.run(sockets=[sock] if sock is not None else None)
