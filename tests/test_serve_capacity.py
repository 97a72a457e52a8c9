"""No client starves ``kg serve``: idle and slow connections, dense bodies and queued heavy queries.

Each test holds a real server under the load the attack used and checks that
``/status``, a page and a small query still answer. The client's read deadline
(1 s, 2 s with heavy queries running on a 2-core machine) is the functional
check, as the issue asks: a starved server answers after seconds, not
fractionally later.
"""

from __future__ import annotations

import resource
import socket
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from kg.serve.background import serving

SMALL_QUERY = "SELECT ?s WHERE { ?s a zf:Province } LIMIT 1"
HEAVY_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def address(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    assert parts.hostname and parts.port
    return parts.hostname, parts.port


def still_answers(url: str, deadline: float, query: bool = True) -> None:
    """``/status`` and (unless queries are queued on purpose) a small query, each 200 within ``deadline`` s;
    a page too (its deadline is 5 s: it reads the graph, on a machine the test itself loads)."""
    with httpx.Client(base_url=url, timeout=deadline) as client:
        assert client.get("/status").status_code == 200
        assert client.get("/search", params={"q": "湖南"}, timeout=5).status_code == 200
        if not query:
            return
        answer = client.get("/sparql", params={"query": SMALL_QUERY, "format": "json"})
        assert answer.status_code == 200
        assert len(answer.json()["results"]["bindings"]) == 1


def assert_closed_by_server(sockets: list[socket.socket]) -> None:
    """Each connection was closed by the server, with no answer sent."""
    for sock in sockets:
        sock.settimeout(5)
        try:
            assert sock.recv(1024) == b""
        except ConnectionResetError:
            pass


@pytest.fixture
def enough_descriptors() -> Iterator[None]:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = 4096
    if soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"the open-file limit ({hard}) is below {wanted}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    yield
    resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_idle_and_slow_header_connections_neither_block_nor_stay(store_path: Path, enough_descriptors: None) -> None:
    with serving(store_path, ["--header-timeout", "3"]) as url:
        host, port = address(url)
        idle = [socket.create_connection((host, port)) for _ in range(1000)]
        slow = [socket.create_connection((host, port)) for _ in range(50)]
        for sock in slow:
            sock.sendall(b"GET /status HTTP/1.1\r\nHost: x\r\n")
        stop = threading.Event()

        def trickle() -> None:  # one more header byte per connection every half second, never the end
            while not stop.wait(0.5):
                for sock in slow:
                    try:
                        sock.sendall(b"X")
                    except OSError:
                        pass

        dripper = threading.Thread(target=trickle, daemon=True)
        dripper.start()
        try:
            still_answers(url, deadline=1.0)
            time.sleep(4.5)  # past --header-timeout: the server has closed both kinds
            assert_closed_by_server(idle + slow)
            still_answers(url, deadline=1.0)
        finally:
            stop.set()
            dripper.join()
            for sock in idle + slow:
                sock.close()


def test_slow_bodies_are_cut_off_and_a_body_in_time_is_answered(store_path: Path) -> None:
    """A body sent a byte at a time holds its connection for --header-timeout after its head, no longer."""
    body = SMALL_QUERY.encode()
    with serving(store_path, ["--header-timeout", "3"]) as url:
        host, port = address(url)
        head = (
            f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
            f"Accept: application/sparql-results+json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode()
        slow = [socket.create_connection((host, port)) for _ in range(50)]
        for sock in slow:
            sock.sendall(head + body[:1])
        stop = threading.Event()

        def trickle() -> None:  # one more body byte per connection every half second, never the last
            sent = 1
            while not stop.wait(0.5) and sent < len(body) - 1:
                for sock in slow:
                    try:
                        sock.sendall(body[sent : sent + 1])
                    except OSError:
                        pass
                sent += 1

        dripper = threading.Thread(target=trickle, daemon=True)
        dripper.start()
        try:
            with socket.create_connection((host, port), timeout=10) as in_time:
                in_time.sendall(head + body[:5])  # the rest 1 s later: well within the deadline
                time.sleep(1)
                in_time.sendall(body[5:])
                assert in_time.recv(65536).startswith(b"HTTP/1.1 200 ")
            still_answers(url, deadline=1.0)
            time.sleep(3.5)  # past --header-timeout after the heads: the server has closed every slow body
            assert_closed_by_server(slow)
            still_answers(url, deadline=1.0)
        finally:
            stop.set()
            dripper.join()
            for sock in slow:
                sock.close()


def raw_post(url: str, body: bytes) -> bytes:
    """A direct SPARQL POST over a bare socket (the flood costs the test process next to nothing)."""
    host, port = address(url)
    head = (
        f"POST /sparql HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/sparql-query\r\n"
        f"Accept: application/sparql-results+json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    with socket.create_connection((host, port), timeout=120) as sock:
        sock.sendall(head.encode() + body)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


def test_dense_bodies_do_not_stall_the_event_loop(store_path: Path) -> None:
    """16 bodies of 262,000 '@' (and 4 valid dense queries) at once; the loop keeps answering."""
    at_signs = b"@" * 262_000
    dense = ("SELECT * WHERE { ?s ?p ?o " + "FILTER(?o != 1) " * 16_000 + "} LIMIT 1").encode()
    assert len(dense) < 262_144
    with serving(store_path, ["--timeout", "3"]) as url:
        with ThreadPoolExecutor(20) as pool:
            refused = [pool.submit(raw_post, url, at_signs) for _ in range(16)]
            valid = [pool.submit(raw_post, url, dense) for _ in range(4)]
            while not all(f.done() for f in refused + valid):
                still_answers(url, deadline=1.0, query=False)  # the small query would queue behind the dense ones
            answers = [f.result() for f in refused]
            dense_answers = [f.result() for f in valid]
    assert all(a.startswith(b"HTTP/1.1 400 ") for a in answers)
    assert b"line 1, column 1: '@' cannot appear here in SPARQL" in answers[0]
    assert all(a.startswith((b"HTTP/1.1 200 ", b"HTTP/1.1 503 ")) for a in dense_answers)


def test_pages_answer_while_heavy_queries_wait_and_a_full_queue_says_503_at_once(store_path: Path) -> None:
    options = ["--concurrent-queries", "1", "--waiting-queries", "3", "--timeout", "6"]
    pool_limits = httpx.Limits(max_connections=60, max_keepalive_connections=60)
    with serving(store_path, options) as url, httpx.Client(base_url=url, timeout=120, limits=pool_limits) as client:

        def heavy(_: int) -> httpx.Response:
            return client.get("/sparql", params={"query": HEAVY_QUERY, "format": "json"})

        with ThreadPoolExecutor(50) as pool:
            admitted = [pool.submit(heavy, i) for i in range(4)]  # 1 runs, 3 wait
            still_answers_pages(url)  # by now the four are in
            refused = [pool.submit(heavy, i) for i in range(46)]
            while not all(f.done() for f in refused):
                still_answers_pages(url)
            assert not all(f.done() for f in admitted)  # the refusals came back while the four still ran
            while not all(f.done() for f in admitted):
                still_answers_pages(url)
    for answer in (f.result() for f in refused):
        assert answer.status_code == 503 and answer.headers["Retry-After"] == "5"
        assert "the server is busy: 1 queries are running and 3 are waiting" in answer.text
    for answer in (f.result() for f in admitted):
        assert answer.status_code == 503 and "stopped after 6 s" in answer.text


def still_answers_pages(url: str) -> None:
    with httpx.Client(base_url=url, timeout=2.0) as client:
        assert client.get("/status").status_code == 200
        assert client.get("/search", params={"q": "湖南"}).status_code == 200
        assert client.get("/").status_code == 200
