"""HTTP connections that cannot hold the server: a deadline for every request head and body.

uvicorn closes a kept-alive connection after ``timeout_keep_alive``, but not one
that never sends a request, nor one that sends its headers a byte at a time
(the keep-alive timer stops at the first byte), nor one that announces a body
and sends it a byte at a time. Here every request head — the first on a
connection and each later one — must arrive complete within :data:`HEAD_TIMEOUT`
seconds of the moment the server started waiting for it, and the request's body
(at most ``--max-body`` bytes) within as many seconds again of its head, or the
connection is closed. Idle connections cost a socket and a timer, no request
capacity: the server is started without uvicorn's ``limit_concurrency`` (which
counts open connections, idle ones too), and the query capacity is the query
gate's (:class:`kg.serve.engine.QueryGate`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a complete request head (``kg serve --header-timeout``).
HEAD_TIMEOUT = 10.0


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, with a deadline for each request head and each request body."""

    head_timeout = HEAD_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._timer: asyncio.TimerHandle | None = None
        # What the running deadline waits for: h11.IDLE (a head) or h11.SEND_BODY (the rest of a body).
        self._awaited: type[h11.IDLE] | type[h11.SEND_BODY] | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._follow_client()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._follow_client()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._follow_client()

    def connection_lost(self, exc: Exception | None) -> None:
        self._stop_deadline()
        super().connection_lost(exc)

    def _follow_client(self) -> None:
        """Keep the deadline of what the client owes now (a head, a body's rest), start one when that changed."""
        state = self.conn.their_state
        if state is not h11.IDLE and state is not h11.SEND_BODY:
            self._stop_deadline()  # the request is complete (or the connection is closing)
        elif self._awaited is not state:
            self._stop_deadline()
            self._awaited = state
            self._timer = self.loop.call_later(self.head_timeout, self._too_late)

    def _stop_deadline(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        self._timer = None
        self._awaited = None

    def _too_late(self) -> None:
        self._timer = None
        if self.conn.their_state is self._awaited and not self.transport.is_closing():
            self.transport.close()
        self._awaited = None


def protocol_with_head_timeout(seconds: float) -> type[HeadTimeoutProtocol]:
    """The protocol class uvicorn is given (``Config(http=…)``), with its deadline set."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
