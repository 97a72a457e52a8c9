"""``kg push`` against a real Oxigraph server on loopback: replacing a named graph, and
every way an upload can fail — nothing listening, a server that hangs, a read-only
server, a full disk — each with a clear message and exit code 2, the local store
untouched.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.build import BuildResult
from kg.cli import app
from tests.servers import OxigraphServer, ServerUnavailable, SilentServer, oxigraph_binary, store_fingerprint

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        oxigraph_binary() is None, reason="the oxigraph server binary is missing (pip install oxigraph)"
    ),
]

GRAPH = "https://w3id.org/zhengfa-kg/graph/test"
OTHER_GRAPH = "https://w3id.org/zhengfa-kg/graph/other"


def kg(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"KG_PASSWORD": "", **(env or {})})
    return result.exit_code, result.output


@pytest.fixture(scope="module")
def store(built: BuildResult) -> Iterator[Path]:
    """The built seed store; after the module, it must be exactly as before."""
    path = built.outputs["store"]
    before = store_fingerprint(path)
    yield path
    assert store_fingerprint(path) == before, "kg push changed the local store"


@pytest.fixture
def untouched(store: Path) -> Iterator[Path]:
    """The store, checked unchanged (triple count and file checksum) after each test."""
    before = store_fingerprint(store)
    yield store
    assert store_fingerprint(store) == before


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[OxigraphServer]:
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph") / "data") as running:
        yield running


def graph_count(server: OxigraphServer, graph: str) -> int:
    answer = httpx.get(
        server.query_url,
        params={"query": f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"},
        headers={"Accept": "application/sparql-results+json"},
        timeout=30,
    )
    answer.raise_for_status()
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def graph_triples(server: OxigraphServer, graph: str) -> set[tuple[str, str, str]]:
    """The server's copy of a graph, blank nodes left out (their labels differ by design)."""
    answer = httpx.get(
        server.graph_store_url, params={"graph": graph}, headers={"Accept": "application/n-triples"}, timeout=30
    )
    answer.raise_for_status()
    return _named(t for t in ox.parse(answer.content, format=ox.RdfFormat.N_TRIPLES))


def _named(triples: object) -> set[tuple[str, str, str]]:
    return {
        (str(t.subject), str(t.predicate), str(t.object))
        for t in triples  # type: ignore[attr-defined]
        if not isinstance(t.subject, ox.BlankNode) and not isinstance(t.object, ox.BlankNode)
    }


def test_push_creates_then_replaces_the_named_graph(server: OxigraphServer, untouched: Path) -> None:
    local = ox.Store.read_only(str(untouched))
    local_count = len(local)
    local_named = _named(q.triple for q in local)
    del local

    code, out = kg("push", "--endpoint", server.graph_store_url, "--graph", GRAPH, "--store", str(untouched))
    assert code == 0, out
    assert f"pushed {local_count} triples" in out
    assert "graph created (HTTP 201)" in out
    assert graph_count(server, GRAPH) == local_count
    assert graph_triples(server, GRAPH) == local_named

    # PUT replaces: a second push leaves one copy, not two.
    code, out = kg("push", "-e", server.graph_store_url, "-g", GRAPH, "--store", str(untouched))
    assert code == 0, out
    assert "graph replaced" in out
    assert graph_count(server, GRAPH) == local_count


def test_push_a_file_replaces_only_its_graph(server: OxigraphServer, tmp_path: Path, untouched: Path) -> None:
    small = tmp_path / "small.ttl"
    small.write_text(
        '@prefix zfr: <https://w3id.org/zhengfa-kg/id/> .\nzfr:a zfr:b "甲"@zh , "乙"@zh , 3 .\n', encoding="utf-8"
    )
    assert kg("push", "-e", server.graph_store_url, "-g", OTHER_GRAPH, "--store", str(untouched))[0] == 0
    other_before = graph_count(server, OTHER_GRAPH)

    code, out = kg("push", "-e", server.graph_store_url, "-g", GRAPH, "--file", str(small))
    assert code == 0, out
    assert "pushed 3 triples" in out
    assert graph_count(server, GRAPH) == 3
    assert graph_triples(server, GRAPH) == {
        ("<https://w3id.org/zhengfa-kg/id/a>", "<https://w3id.org/zhengfa-kg/id/b>", '"甲"@zh'),
        ("<https://w3id.org/zhengfa-kg/id/a>", "<https://w3id.org/zhengfa-kg/id/b>", '"乙"@zh'),
        (
            "<https://w3id.org/zhengfa-kg/id/a>",
            "<https://w3id.org/zhengfa-kg/id/b>",
            '"3"^^<http://www.w3.org/2001/XMLSchema#integer>',
        ),
    }
    assert graph_count(server, OTHER_GRAPH) == other_before


def test_progress_bar_when_asked(server: OxigraphServer, untouched: Path) -> None:
    code, out = kg("push", "-e", server.graph_store_url, "-g", GRAPH, "--store", str(untouched), "--progress")
    assert code == 0, out
    assert "pushed" in out


def test_a_stopped_server_gives_a_clear_error(tmp_path: Path, untouched: Path) -> None:
    stopped = OxigraphServer(tmp_path / "data").start()
    url = stopped.graph_store_url
    stopped.stop()
    code, out = kg("push", "-e", url, "-g", GRAPH, "--store", str(untouched))
    assert code == 2
    assert f"cannot connect to {url}" in out
    assert "is the server running" in out
    assert "Traceback" not in out


def test_a_server_that_never_answers_times_out(untouched: Path) -> None:
    silent = SilentServer()
    try:
        code, out = kg("push", "-e", silent.url, "-g", GRAPH, "--store", str(untouched), "--timeout", "1")
    finally:
        silent.close()
    assert code == 2
    assert f"{silent.url} did not finish within 1 s (--timeout, the deadline for the whole upload)" in out


def test_a_read_only_server_refuses(tmp_path: Path, untouched: Path) -> None:
    folder = tmp_path / "ro"
    empty = ox.Store(str(folder))  # an empty store for the read-only server to open
    del empty
    with OxigraphServer(folder, read_only=True) as read_only:
        code, out = kg("push", "-e", read_only.graph_store_url, "-g", GRAPH, "--store", str(untouched))
    assert code == 2
    assert "forbids an anonymous client to write graph" in out
    assert "HTTP 403" in out
    assert "The server is read-only" in out


def test_a_full_disk_on_the_server_gives_a_clear_error(tmp_path: Path, untouched: Path) -> None:
    """The server's data folder is a 1 MiB tmpfs (in a private mount namespace): it really fills up."""
    try:
        tiny = OxigraphServer(tmp_path / "data", disk_kib=1024).start()
    except ServerUnavailable as exc:
        pytest.skip(f"cannot give the server a tiny filesystem here: {exc}")
    try:
        code, out = kg("push", "-e", tiny.graph_store_url, "-g", GRAPH, "--store", str(untouched))
    finally:
        tiny.stop()
    assert code == 2
    assert "could not store the graph: its disk is full (HTTP 500)" in out
    assert "No space left on device" in out
    assert "free space on the server, then push again" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--graph", "not an iri"], "--graph must be an absolute IRI"),
        (["--graph", GRAPH, "--endpoint", "ftp://example.org/store"], "--endpoint must be an http(s) URL"),
        (["--graph", GRAPH, "--timeout", "0"], "--timeout must be a positive number"),
        (["--graph", GRAPH, "--password", "secret"], "No such option: --password"),
        (["--graph", GRAPH, "--file", "graph.ttl"], "--file and --store are alternatives"),
    ],
)
def test_usage_errors(args: list[str], message: str, server: OxigraphServer, untouched: Path) -> None:
    base = ["push", "--endpoint", server.graph_store_url, "--store", str(untouched)]
    code, out = kg(*base, *args)
    assert code == 2
    assert message in out


def test_a_missing_store_is_named(server: OxigraphServer, tmp_path: Path) -> None:
    code, out = kg("push", "-e", server.graph_store_url, "-g", GRAPH, "--store", str(tmp_path / "nothing"))
    assert code == 2
    assert "no graph store at" in out
    assert "kg build" in out
