"""``kg query --endpoint``: the graph served by a real Oxigraph server on loopback, and misbehaving servers.

The Oxigraph server binary comes with the PyPI ``oxigraph`` package; the tests
skip with that reason when it is missing.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import socket
import subprocess
import sys
import sysconfig
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.build import BuildResult
from kg.cli import app
from kg.endpoint import DEFAULT_TIMEOUT, MAX_GET_QUERY_LENGTH, SparqlEndpoint, parse_json_results
from kg.errors import EndpointError, QueryTimeout
from kg.namespaces import PREFIXES
from kg.ports import free_port
from kg.query import Session, connect, term

pytestmark = pytest.mark.slow

HERE = Path(__file__).resolve().parent
NAMED_GRAPH = "urn:x-kg-test:provinces"


def _golden_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("golden_regenerate", HERE / "golden" / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(spec.name, module)
    spec.loader.exec_module(module)
    return module


golden = _golden_module()
GOLDEN_FILES = sorted(golden.GOLDEN_DIR.glob("*.tsv"))


def oxigraph_binary() -> str | None:
    beside_python = Path(sysconfig.get_path("scripts")) / "oxigraph"
    return str(beside_python) if beside_python.is_file() else shutil.which("oxigraph")


# ---------------------------------------------------------------------------
# A real SPARQL server with the seed graph
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(built: BuildResult, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``oxigraph serve`` on loopback: the seed graph as default graph, the provinces also in a named graph."""
    binary = oxigraph_binary()
    if binary is None:
        pytest.skip("the Oxigraph server binary is missing (pip install oxigraph, or zhengfa-kg[test])")
    folder = tmp_path_factory.mktemp("oxigraph-server")
    data = folder / "data"
    provinces = folder / "provinces.nt"
    seed = Session(store=built.outputs["store"], timeout=60)
    subset = seed.query("CONSTRUCT { ?p ?q ?o } WHERE { ?p a zf:Province ; ?q ?o }")
    provinces.write_text(subset.serialize("nt"), encoding="utf-8")
    subprocess.run([binary, "load", "-l", str(data), "-f", str(built.outputs["graph.nt"])], check=True, timeout=120)
    subprocess.run(
        [binary, "load", "-l", str(data), "-f", str(provinces), "--graph", NAMED_GRAPH], check=True, timeout=120
    )
    port = free_port()
    log = (folder / "server.log").open("wb")
    process = subprocess.Popen(
        [binary, "serve", "-l", str(data), "-b", f"127.0.0.1:{port}"], stdout=log, stderr=subprocess.STDOUT
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(url, params={"query": "ASK {}"}, timeout=2).raise_for_status()
                break
            except httpx.HTTPError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"the Oxigraph server did not start: {(folder / 'server.log').read_text()}")
                time.sleep(0.05)
        yield url
    finally:
        process.terminate()
        process.wait(10)
        log.close()


@pytest.fixture(scope="module")
def remote(server: str) -> Session:
    return connect(endpoint=server, timeout=60)


@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_every_shipped_query_answers_as_on_the_local_store(remote: Session, path: Path) -> None:
    want = golden.parse_golden(path)
    got = golden.answer(remote, want.query, want.params)
    assert got.variables == want.variables
    assert got.rows == want.rows if want.ordered else sorted(got.rows) == sorted(want.rows)


def test_kg_query_endpoint_on_the_command_line(server: str) -> None:
    result = CliRunner().invoke(
        app, ["query", "--endpoint", server, "--name", "province-measures", "-p", "province=湖南", "-F", "json"]
    )
    assert result.exit_code == 0, result.stderr
    got = parse_json_results(result.stdout.encode())
    want = golden.parse_golden(golden.GOLDEN_DIR / "province-measures.hunan.tsv")
    assert golden.canonical_rows(got, PREFIXES) == want.rows


def test_the_default_graph_parameter_picks_a_graph(server: str, store_path: Path) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    local = connect(store=store_path)
    whole = connect(endpoint=server).query(count).records()[0]["n"]
    named = connect(endpoint=server, default_graphs=[NAMED_GRAPH]).query(count).records()[0]["n"]
    assert whole == local.query(count).records()[0]["n"]
    assert named == len(local.query("SELECT * WHERE { ?p a zf:Province ; ?q ?o }"))
    result = CliRunner().invoke(
        app, ["query", count, "--endpoint", server, "--default-graph", NAMED_GRAPH, "-F", "csv"]
    )
    assert result.exit_code == 0 and result.stdout.splitlines()[1] == str(named)


def test_construct_ask_and_a_long_query(remote: Session) -> None:
    triples = remote.query("CONSTRUCT { ?p zf:divisionCode ?c } WHERE { ?p zf:divisionCode ?c }").triples
    assert len(triples) == 5 and all(isinstance(t, ox.Triple) for t in triples)
    assert remote.query("ASK { zfr:province-hunan a zf:Province }").boolean is True
    padding = "# " + "填充" * MAX_GET_QUERY_LENGTH + "\n"  # too long for a URL: sent as a form POST
    assert len(remote.query(padding + "SELECT ?p WHERE { ?p a zf:Province }")) == 5


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_service_runs_with_allow_service(server: str, store_path: Path, backend: str) -> None:
    session = connect(backend, store=store_path if backend == "oxigraph" else None, allow_service=True, timeout=60)
    query = f"SELECT ?name WHERE {{ SERVICE <{server}> {{ zfr:province-hunan zf:shortName ?name }} }} ORDER BY ?name"
    assert [r["name"] for r in session.query(query).records()] == ["Hunan", "湖南"]


# ---------------------------------------------------------------------------
# What the client sends, and servers that misbehave
# ---------------------------------------------------------------------------


@dataclass
class Recorder:
    """A loopback HTTP server that records each request and answers with a canned response."""

    status: int = 200
    content_type: str = "application/sparql-results+json"
    body: bytes = b'{"head": {"vars": ["x"]}, "results": {"bindings": [{"x": {"type": "literal", "value": "1"}}]}}'
    requests: list[dict] = field(default_factory=list)

    def start(self) -> Recorder:
        recorder = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                recorder.requests.append(
                    {
                        "method": self.command,
                        "params": parse_qs(urlsplit(self.path).query),
                        "form": parse_qs(body),
                        "content_type": self.headers.get("Content-Type"),
                        "accept": self.headers.get("Accept"),
                    }
                )
                self.send_response(recorder.status)
                self.send_header("Content-Type", recorder.content_type)
                self.send_header("Content-Length", str(len(recorder.body)))
                self.end_headers()
                self.wfile.write(recorder.body)

            do_GET = do_POST = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        return self

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/sparql"

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def recorder() -> Iterator[Recorder]:
    server = Recorder().start()
    yield server
    server.stop()


def test_get_for_short_queries_form_post_for_long_ones(recorder: Recorder) -> None:
    session = connect(endpoint=recorder.url, default_graphs=["urn:g"])
    session.query("SELECT ?x WHERE { ?x ?p ?o }")
    session.query("# " + "x" * (2 * MAX_GET_QUERY_LENGTH) + "\nSELECT ?x WHERE { ?x ?p ?o }")
    short, long = recorder.requests
    assert short["method"] == "GET" and "SELECT ?x" in short["params"]["query"][0]
    assert short["params"]["default-graph-uri"] == ["urn:g"]
    assert long["method"] == "POST" and long["content_type"] == "application/x-www-form-urlencoded"
    assert "SELECT ?x" in long["form"]["query"][0] and long["form"]["default-graph-uri"] == ["urn:g"]
    assert all(r["accept"].startswith("application/sparql-results+json") for r in recorder.requests)
    assert all(r["content_type"] != "application/sparql-query" for r in recorder.requests)
    # The predeclared prefixes travel with the query: the server knows none of them.
    assert "PREFIX zfr: <https://w3id.org/zhengfa-kg/id/>" in short["params"]["query"][0]


def test_parameters_reach_the_endpoint_as_a_values_clause(recorder: Recorder) -> None:
    connect(endpoint=recorder.url).run("province-measures", province='湖南" } DROP ALL #')
    request = recorder.requests[0]
    sent = (request["params"] or request["form"])["query"][0]
    assert 'VALUES ?province { "湖南\\" } DROP ALL #" }' in sent


def test_refused_queries_never_reach_the_endpoint(recorder: Recorder) -> None:
    for query in ("DROP ALL", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/s> { ?s ?p ?o } }", "SELECT * {"):
        result = CliRunner().invoke(app, ["query", query, "--endpoint", recorder.url])
        assert result.exit_code == 2
    assert recorder.requests == []


def test_an_http_error_is_reported_with_the_servers_words(recorder: Recorder) -> None:
    recorder.status, recorder.content_type, recorder.body = 400, "text/plain", b"Parse error: unexpected token"
    with pytest.raises(EndpointError, match="HTTP 400: Parse error: unexpected token"):
        connect(endpoint=recorder.url).query("SELECT * WHERE { ?s ?p ?o }")
    result = CliRunner().invoke(app, ["query", "SELECT * WHERE { ?s ?p ?o }", "--endpoint", recorder.url])
    assert result.exit_code == 2 and "HTTP 400" in result.stderr


def test_an_answer_that_is_not_sparql_json(recorder: Recorder) -> None:
    recorder.content_type, recorder.body = "text/html", b"<html>maintenance</html>"
    with pytest.raises(EndpointError, match="did not answer with SPARQL JSON"):
        connect(endpoint=recorder.url).query("SELECT * WHERE { ?s ?p ?o }")


def test_virtuoso_typed_literals_are_read(recorder: Recorder) -> None:
    recorder.body = json.dumps(
        {
            "head": {"vars": ["v", "l"]},
            "results": {
                "bindings": [
                    {
                        "v": {
                            "type": "typed-literal",
                            "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
                            "value": "0.761",
                        },
                        "l": {"type": "literal", "xml:lang": "zh", "value": "湖南"},
                    }
                ]
            },
        }
    ).encode()
    row = connect(endpoint=recorder.url).query("SELECT ?v ?l WHERE { ?s ?p ?v }").records()[0]
    assert str(row["v"]) == "0.761" and row["l"] == "湖南"


def test_a_refused_connection(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{free_port()}/sparql"
    with pytest.raises(EndpointError, match="cannot reach"):
        connect(endpoint=url).query("ASK {}")


class Silent:
    """Accepts connections and then says nothing (``drip``: sends headers, then a byte now and then)."""

    def __init__(self, drip: bool = False) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.drip = drip
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/sparql"
        self.connections: list[socket.socket] = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections.append(conn)
            if self.drip:
                threading.Thread(target=self._trickle, args=(conn,), daemon=True).start()

    def _trickle(self, conn: socket.socket) -> None:
        try:
            conn.sendall(
                b"HTTP/1.1 200 OK\r\nContent-Type: application/sparql-results+json\r\nContent-Length: 100000\r\n\r\n"
            )
            while True:
                conn.sendall(b" ")
                time.sleep(0.2)
        except OSError:
            return

    def close(self) -> None:
        self.sock.close()
        for conn in self.connections:
            conn.close()


@pytest.mark.parametrize("drip", [False, True], ids=["silent", "trickling"])
def test_a_server_that_never_finishes_is_given_up_on(drip: bool) -> None:
    server = Silent(drip=drip)
    try:
        with pytest.raises(QueryTimeout, match="did not answer within 1 s"):
            connect(endpoint=server.url, timeout=1).query("SELECT * WHERE { ?s ?p ?o }")
        result = CliRunner().invoke(app, ["query", "ASK {}", "--endpoint", server.url, "--timeout", "1"])
        assert result.exit_code == 2 and "did not answer" in result.stderr
    finally:
        server.close()


def test_a_client_time_limit_is_always_set() -> None:
    assert SparqlEndpoint("http://127.0.0.1:1/sparql", timeout=None).timeout == DEFAULT_TIMEOUT
    assert SparqlEndpoint("http://127.0.0.1:1/sparql", timeout=0).timeout == DEFAULT_TIMEOUT
    with pytest.raises(EndpointError, match="not an HTTP"):
        SparqlEndpoint("ftp://example.org/sparql")
    assert term("zfr:x") == ox.NamedNode("https://w3id.org/zhengfa-kg/id/x")
