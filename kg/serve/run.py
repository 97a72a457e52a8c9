"""Running the app under uvicorn."""

from __future__ import annotations

import socket
import sys

from kg.serve.settings import ServeSettings


def run(
    settings: ServeSettings,
    host: str = "127.0.0.1",
    port: int = 8000,
    root_path: str = "",
    log_level: str = "info",
    sock: socket.socket | None = None,
) -> None:
    """Serve until interrupted (Ctrl+C, SIGTERM); the store is opened once, read-only.

    The socket is bound before the app opens the store, so a port in use is reported at once;
    ``port=0`` picks a free port (the log says which).
    """
    import uvicorn

    from kg.serve.app import create_app
    from kg.serve.connections import protocol_with_head_timeout

    if sock is None:
        sock = bind(host, port)
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
        # Every request head, then its body, must arrive within --header-timeout; an idle or slow connection is closed.
        http=protocol_with_head_timeout(settings.header_timeout),
        # No limit_concurrency: uvicorn counts idle connections against it. Queries have their own
        # capacity (--concurrent-queries, --waiting-queries: past it 503 at once), pages theirs.
        limit_concurrency=None,
        backlog=4096,
    )
    server = uvicorn.Server(config)
    actual = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    sys.stderr.write(f"kg serve: http://{shown}:{actual}{root_path}/ (SPARQL endpoint: {root_path}/sparql)\n")
    from kg.sparql.netns import network_isolation_available

    if not network_isolation_available():
        sys.stderr.write(
            "kg serve: network namespaces are not available here: SERVICE is refused by the query check only\n"
        )
    server.run(sockets=[sock])


def bind(host: str, port: int) -> socket.socket:
    """The listening socket; a port in use or an address that is not ours is a usage error, said plainly."""
    from kg.errors import UsageError

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP explicitly: asyncio sets TCP_NODELAY only on sockets that say so, and without it
    # every keep-alive response waits ~40 ms for a delayed ACK.
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        reason = exc.strerror or str(exc)
        raise UsageError(f"cannot listen on {host}:{port}: {reason} (choose another --port or --host)") from None
    sock.set_inheritable(True)
    return sock
