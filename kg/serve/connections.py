"""HTTP connections that cannot hold the server: a deadline for every request head.

uvicorn closes a kept-alive connection after ``timeout_keep_alive``, but not one
that never sends a request, nor one that sends its headers a byte at a time
(the keep-alive timer stops at the first byte). Here every request head —
the first on a connection and each later one — must arrive complete within
:data:`HEAD_TIMEOUT` seconds of the moment the server started waiting for it,
or the connection is closed. Idle connections cost a socket and a timer, no
request capacity: the server is started without uvicorn's ``limit_concurrency``
(which counts open connections, idle ones too), and the query capacity is the
query gate's (:class:`kg.serve.engine.QueryGate`).
"""

from __future__ import annotations

import asyncio
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a complete request head (``kg serve --header-timeout``).
HEAD_TIMEOUT = 10.0


class HeadTimeoutProtocol(H11Protocol):
    """uvicorn's h11 protocol, with a deadline for each request head."""

    head_timeout = HEAD_TIMEOUT

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_timer: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._await_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self.conn.their_state is h11.IDLE:
            self._await_head()  # still (or again) waiting for a head: keep (or start) its deadline
        else:
            self._head_arrived()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.conn.their_state is h11.IDLE:
            self._await_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._head_arrived()
        super().connection_lost(exc)

    def _await_head(self) -> None:
        if self._head_timer is None:
            self._head_timer = self.loop.call_later(self.head_timeout, self._head_too_late)

    def _head_arrived(self) -> None:
        if self._head_timer is not None:
            self._head_timer.cancel()
            self._head_timer = None

    def _head_too_late(self) -> None:
        self._head_timer = None
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
            self.transport.close()


def protocol_with_head_timeout(seconds: float) -> type[HeadTimeoutProtocol]:
    """The protocol class uvicorn is given (``Config(http=…)``), with its deadline set."""
    return type("HeadTimeoutProtocol", (HeadTimeoutProtocol,), {"head_timeout": seconds})
