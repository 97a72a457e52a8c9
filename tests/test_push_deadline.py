"""``kg push`` against servers that misbehave: a trickle, a SPARQL query endpoint, a login in the URL.

Each server is a real socket on loopback that plays the part. The upload runs
in a thread that the test waits for at most 60 s: a push that ignored its
deadline would still be running (that bound is a functional check, ten times
the deadline, not a measurement).
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Callable, Iterator

import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.errors import EndpointError, UsageError
from kg.push import Payload, push, redact

GRAPH = "https://w3id.org/zhengfa-kg/graph/test"
PAYLOAD = Payload(data=b"<urn:a> <urn:b> <urn:c> .\n" * 1000, triples=1000, origin="test")


class ScriptedServer:
    """A loopback HTTP server whose every connection is handled by ``script(conn, request_head)``."""

    def __init__(self, script: Callable[[socket.socket, bytes], None]) -> None:
        self.script = script
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.heads: list[bytes] = []
        self._stop = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()

    def url(self, path: str = "/store", login: str = "") -> str:
        return f"http://{login}127.0.0.1:{self.port}{path}"

    def _accept(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            threading.Thread(target=self._handle, args=(conn,), daemon=True).start()

    def _handle(self, conn: socket.socket) -> None:
        head = b""
        conn.settimeout(60)
        try:
            while b"\r\n\r\n" not in head:
                chunk = conn.recv(4096)
                if not chunk:
                    return
                head += chunk
            self.heads.append(head)
            self.script(conn, head)
        except OSError:
            pass
        finally:
            conn.close()

    def stopped(self) -> bool:
        return self._stop.is_set()

    def close(self) -> None:
        self._stop.set()
        self.sock.close()


@pytest.fixture
def trickle() -> Iterator[ScriptedServer]:
    """Answers every request one byte per second, forever (a status line that never ends)."""

    def script(conn: socket.socket, head: bytes) -> None:
        for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 10_000:
            if server.stopped():
                return
            conn.sendall(bytes([byte]))
            server._stop.wait(1.0)

    server = ScriptedServer(script)
    yield server
    server.close()


@pytest.fixture
def virtuoso_sparql() -> Iterator[ScriptedServer]:
    """Like Virtuoso's /sparql: HEAD gets the HTML query form; a PUT is never read nor answered."""

    def script(conn: socket.socket, head: bytes) -> None:
        if head.startswith(b"HEAD "):
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nServer: Virtuoso/07.20.3240 (Linux) x86_64-generic-linux-glibc25  VDB\r\n"
                b"Content-Type: text/html; charset=UTF-8\r\nContent-Length: 5120\r\nConnection: close\r\n\r\n"
            )
            return
        server._stop.wait(600)  # the body is never read, no answer is ever sent

    server = ScriptedServer(script)
    yield server
    server.close()


def finishes(action: Callable[[], object], within: float = 60.0) -> BaseException | object:
    """Run ``action`` in a thread; its result or exception, or a failure if it is still running after ``within``."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = action()
        except BaseException as exc:
            box["value"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(within)
    assert not thread.is_alive(), f"still running after {within:g} s"
    return box["value"]


def test_timeout_is_a_deadline_for_the_whole_upload(trickle: ScriptedServer) -> None:
    outcome = finishes(lambda: push(trickle.url(), GRAPH, PAYLOAD, timeout=3))
    assert isinstance(outcome, EndpointError)
    assert "did not finish within 3 s (--timeout, the deadline for the whole upload)" in str(outcome)
    assert len(trickle.heads) == 1 and trickle.heads[0].startswith(b"HEAD /store?graph=")


def test_a_sparql_query_endpoint_is_named_at_once(virtuoso_sparql: ScriptedServer) -> None:
    outcome = finishes(lambda: push(virtuoso_sparql.url("/sparql"), GRAPH, PAYLOAD, timeout=300))
    assert isinstance(outcome, EndpointError)
    assert "is a SPARQL query endpoint, not a Graph Store" in str(outcome)
    assert "…/sparql-graph-crud-auth on Virtuoso" in str(outcome)
    assert [h.split(b" ", 1)[0] for h in virtuoso_sparql.heads] == [b"HEAD"]  # no PUT was ever sent


def test_a_password_in_the_url_is_never_echoed(trickle: ScriptedServer, virtuoso_sparql: ScriptedServer) -> None:
    closed = socket.socket()
    closed.bind(("127.0.0.1", 0))
    port = closed.getsockname()[1]
    closed.close()  # nothing listens there now
    login = "admin:s3cr%40t-pw@"
    urls = [
        f"http://{login}127.0.0.1:{port}/store",
        trickle.url(login=login),
        virtuoso_sparql.url("/sparql", login=login),
    ]
    for url in urls:
        outcome = finishes(lambda url=url: push(url, GRAPH, PAYLOAD, timeout=2))
        assert isinstance(outcome, EndpointError)
        assert "s3cr" not in str(outcome) and "admin:***@127.0.0.1" in str(outcome)
        result = CliRunner().invoke(app, ["push", "-e", url, "-g", GRAPH, "--file", "nothing.ttl", "--timeout", "x"])
        assert "s3cr" not in result.output
    assert redact("https://u:p@h:1/x?y=1") == "https://u:***@h:1/x?y=1"
    assert redact("https://h/x") == "https://h/x"


@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "1e12", "0", "-5"])
def test_push_timeout_must_be_a_reasonable_number(value: str) -> None:
    result = CliRunner().invoke(app, ["push", "-e", "http://127.0.0.1:1/store", "-g", GRAPH, "--timeout", value])
    assert result.exit_code == 2
    assert "--timeout must be a positive number of seconds, at most 86400" in result.output
    assert len(result.output.strip().splitlines()) == 1
    with pytest.raises(UsageError):
        push("http://127.0.0.1:1/store", GRAPH, PAYLOAD, timeout=float(value))


@pytest.mark.parametrize("value", ["nan", "inf", "1e12", "-1"])
def test_serve_timeout_must_be_a_reasonable_number(value: str) -> None:
    result = CliRunner().invoke(app, ["serve", "--store", "nothing", "--timeout", value])
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"error: --timeout must be a number of seconds from 0 to 86400 (0: no limit), not {float(value):g}"
    )
