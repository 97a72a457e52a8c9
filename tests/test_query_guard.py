"""No query reaches the network: the check refuses SERVICE and updates exactly, and the engine is cut off anyway.

Each attack is a real request to a real ``kg serve`` (or a real ``kg query``
process) while a real socket on 127.0.0.1 listens for the call the query tries
to make. The listener must receive nothing, and each refusal has the
documented code: HTTP 403, exit code 2.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest

from kg.errors import QueryError
from kg.namespaces import PREFIXES
from kg.serve.background import serving
from kg.serve.engine import Limits, QueryEngine
from kg.sparql.check import (
    MAX_DEPTH,
    CheckedQuery,
    QuerySyntaxError,
    ServiceRefused,
    UpdateRefused,
    check_query,
    engine_failure,
)
from kg.sparql.netns import network_isolation_available

ROOT = Path(__file__).resolve().parent.parent


class Listener:
    """A TCP socket on loopback that records every connection made to it."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.connections: list[bytes] = []
        self._stop = False
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"

    def _accept(self) -> None:
        self.sock.settimeout(0.2)
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(1)
            try:
                self.connections.append(conn.recv(4096))
            except OSError:
                self.connections.append(b"")
            conn.close()

    def settle(self) -> list[bytes]:
        time.sleep(0.3)  # let a late connection land before we look
        return list(self.connections)

    def close(self) -> None:
        self._stop = True
        self.sock.close()


@pytest.fixture
def listener() -> Iterator[Listener]:
    server = Listener()
    yield server
    server.close()


def variants(url: str) -> list[str]:
    """A family of SERVICE calls to ``url``: nesting, glued punctuation, case, comments, escapes, prefixes."""
    iri = f"<{url}>"
    found = []
    for depth in range(1, 61):
        found.append(
            "SELECT ?s ?p ?o WHERE { "
            + "{ " * depth
            + f"?a ?b ?c .SERVICE {iri} {{ ?s ?p ?o }}"
            + " }" * depth
            + " } LIMIT 3"
        )
    body = [
        f"?a ?b ?c .SERVICE {iri} {{ ?s ?p ?o }}",
        f"?a ?b ?c ;SERVICE {iri} {{ ?s ?p ?o }}",
        f"{{ ?a ?b ?c }}SERVICE{iri}{{ ?s ?p ?o }}",
        f"{{SERVICE {iri} {{ ?s ?p ?o }}}}",
        f"service {iri} {{ ?s ?p ?o }}",
        f"SeRvIcE SILENT {iri} {{ ?s ?p ?o }}",
        f"?a ?b ?c .#SERVICE?\nSERVICE#{{\n{iri}#}}\n{{ ?s ?p ?o }}",
        f"\\u0053ERVICE {iri} {{ ?s ?p ?o }}",
        f"SERVIC\\u0045 {iri} {{ ?s ?p ?o }}",
        f"\\U00000053\\u0045RVICE {iri} {{ ?s ?p ?o }}",
        f"BIND({iri} AS ?u) SERVICE ?u {{ ?s ?p ?o }}",
        f"?a ?b ?c FILTER(?c<1)SERVICE#>\n{iri} {{ ?s ?p ?o }}",
    ]
    prologues = [
        "",
        f"PREFIX SERVICE: {iri}\n",
        f"PREFIX s: <http://127.0.0.1:{url.split(':')[2].split('/')[0]}/>\n",
    ]
    for prologue in prologues:
        for pattern in body:
            found.append(f"{prologue}SELECT * WHERE {{ {pattern} }} LIMIT 3")
    found += [
        f"PREFIX SERVICE: {iri}\nSELECT * WHERE {{ ?a ?b ?c . SERVICE SERVICE: {{ ?s ?p ?o }} }}",
        f"PREFIX s: <{url.rsplit('/', 1)[0]}/>\nSELECT * WHERE {{ SERVICE s:sparql {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ SERVICE <{url}#x> {{ ?s ?p ?o }} }}",
        f"SELECT * WHERE {{ ?s ?p ?o FILTER EXISTS {{ SERVICE {iri} {{ ?s ?p ?o }} }} }}",
        f"ASK {{ SERVICE {iri} {{ ?s ?p ?o }} }}",
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE {iri} {{ ?s ?p ?o }} }}",
    ]
    return found


# ---------------------------------------------------------------------------
# The check, alone
# ---------------------------------------------------------------------------


def test_every_variant_is_refused_by_the_check() -> None:
    family = variants("http://127.0.0.1:9999/sparql")
    assert len(family) == 60 + 3 * 12 + 6
    for text in family:
        with pytest.raises(ServiceRefused):
            check_query(text, PREFIXES)


@pytest.mark.parametrize(
    "text",
    [
        'SELECT * WHERE { ?s ?p "SERVICE <http://127.0.0.1:9/> { }" }',
        "SELECT * WHERE { ?s ?p ?o } # SERVICE <http://127.0.0.1:9/> { }",
        "SELECT * WHERE { ?s <http://example.org/SERVICE> ?o }",
        "PREFIX SERVICE: <urn:x:>\nSELECT * WHERE { ?s SERVICE:call ?o }",
        "SELECT ?service WHERE { ?service ?p ?o }",
        "SELECT * WHERE { ?s zf:INSERT.SERVICE ?o }",
        "SELECT * WHERE { ?s ?p '''SERVICE\n<http://127.0.0.1:9/> { ?a ?b ?c }''' }",
    ],
)
def test_a_keyword_inside_a_string_iri_comment_or_name_is_not_one(text: str) -> None:
    assert check_query(text, PREFIXES).form == "SELECT"


def test_updates_are_refused_however_written() -> None:
    for text in (
        "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }",
        "PREFIX a: <urn:a:>\ndelete where { ?s ?p ?o }",
        "SELECT * { ?s ?p ?o } ;DROP ALL",
        "SELECT * { ?s ?p ?o } \\u0043LEAR DEFAULT",
    ):
        with pytest.raises(UpdateRefused):
            check_query(text, PREFIXES)


def test_an_8000_branch_union_is_accepted() -> None:
    text = "SELECT * WHERE { " + " UNION ".join(f"{{ ?s zf:p{i} ?o }}" for i in range(8000)) + " }"
    assert check_query(text, PREFIXES).form == "SELECT"


def test_nesting_past_the_bound_is_refused_with_its_place() -> None:
    text = "SELECT * WHERE " + "{ " * (MAX_DEPTH + 1) + "?s ?p ?o" + " }" * (MAX_DEPTH + 1)
    with pytest.raises(QuerySyntaxError, match=f"more than {MAX_DEPTH} levels") as caught:
        check_query(text, PREFIXES)
    assert (caught.value.line, caught.value.column) == (1, 16 + 2 * MAX_DEPTH)
    assert check_query(text.replace("{ ", "", 1).replace(" }", "", 1), PREFIXES).form == "SELECT"


def test_a_character_sparql_does_not_know_is_refused_at_its_place() -> None:
    with pytest.raises(QuerySyntaxError, match="line 1, column 1") as caught:
        check_query("@" * 262_000, PREFIXES)
    assert "'@' cannot appear here" in str(caught.value)
    with pytest.raises(QuerySyntaxError, match="column 20"):
        check_query("SELECT * { ?s ?p ?o\u00a0}", PREFIXES)  # a no-break space is not SPARQL whitespace


def test_remote_failures_read_alike() -> None:
    refused = engine_failure(OSError("error sending request for url (http://10.0.0.7:5432/): Connection refused"))
    late = engine_failure(RuntimeError("operation timed out"))
    assert str(refused) == str(late) == "the query failed: a call to a remote SERVICE could not be completed"
    assert str(engine_failure(RuntimeError("division by zero"))) == "the query failed: division by zero"


@pytest.mark.parametrize("timeout", [None, 30.0])
def test_a_query_failing_on_its_thread_drops_its_answer_there(
    monkeypatch: pytest.MonkeyPatch, timeout: float | None
) -> None:
    """A SERVICE call refused while the answer is read: the error reaches the caller's thread, the answer
    (pyoxigraph's, which may not leave its thread) does not; before, dropping it there raised "unsendable"."""
    import gc

    from kg.query import _run_oxigraph
    from kg.sparql.worker import run_limited

    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(repr(hook.exc_value)))
    with socket.socket() as closed:  # a port nobody listens on
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode("http://a/s"), ox.NamedNode("http://a/p"), ox.NamedNode("http://a/o")))
    query = f"SELECT * WHERE {{ ?s ?p ?o SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError, match="a call to a remote SERVICE could not be completed") as raised:
        run_limited(_run_oxigraph, (store, query, {}, "SELECT"), timeout, isolate=False)
    assert raised.traceback  # the traceback still says where
    del raised
    gc.collect()
    assert unraisable == []


def collect_on_another_thread() -> None:
    """Collect garbage on a thread of its own.

    A pyoxigraph answer left in a reference cycle is dropped by whichever thread's allocation next
    triggers a collection: CI saw it ("PyQuerySolutions is unsendable, but is being dropped on another
    thread") inside a later query's worker, in an unrelated test. Collecting on a new thread makes
    any answer the code before left in a cycle show at once, whichever thread made it.
    """
    import gc

    collector = threading.Thread(target=gc.collect)
    collector.start()
    collector.join()


@pytest.mark.parametrize("timeout", [None, 30.0])
def test_pages_and_failures_leave_no_answer_for_another_thread(
    monkeypatch: pytest.MonkeyPatch, store_path: Path, timeout: float | None
) -> None:
    """Pages asked by buckets (evidence-of's first key's values read as one text, who-checks-whom's unbound
    key), a narrowed parameter and failing queries, on the query threads of ``kg query`` and the tests: none
    drops an answer on a thread that did not make it, then or when garbage is collected on another thread."""
    from kg.query import connect

    collect_on_another_thread()  # whatever earlier tests left, before listening
    unraisable: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda hook: unraisable.append(repr(hook.exc_value)))
    kg = connect(store=store_path, isolate=False, timeout=timeout)
    assert len(kg.run("evidence-of", limit=7, offset=7).rows) == 7
    assert len(kg.run("who-checks-whom", limit=40).rows) == 40
    assert kg.run("evidence-of", {"entity": "证人出庭难"}, limit=5).rows
    with pytest.raises(QueryError, match="malformed query"):
        kg.query("SELECT * WHERE { ?s ?p }")
    with socket.socket() as closed:  # a port nobody listens on: the query fails while its answer is read
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    service = f"SELECT * WHERE {{ ?s ?p ?o SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}"
    with pytest.raises(QueryError, match="a call to a remote SERVICE could not be completed") as raised:
        kg.query(service, allow_service=True)
    del raised  # its traceback holds this frame: a cycle of the test's own
    collect_on_another_thread()
    assert unraisable == []


# ---------------------------------------------------------------------------
# Over HTTP: /sparql (GET, form POST, direct POST) and /query
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def endpoint(store_path: Path) -> Iterator[str]:
    with serving(store=store_path) as url:
        yield url


def test_no_variant_reaches_the_listener_over_http(endpoint: str, listener: Listener) -> None:
    cross_site = {"Origin": "https://elsewhere.example", "Accept": "application/sparql-results+json"}
    with httpx.Client(base_url=endpoint, headers=cross_site, timeout=30) as client:
        for text in variants(listener.url):
            answers = [
                client.get("/sparql", params={"query": text}),
                client.post("/sparql", data={"query": text}),
                client.post("/sparql", content=text.encode(), headers={"Content-Type": "application/sparql-query"}),
                client.post("/query", data={"query": text}),
            ]
            assert [a.status_code for a in answers] == [403, 403, 403, 403], text
            assert "SERVICE" in answers[0].text
    assert listener.settle() == []


def test_an_escaped_update_is_403(endpoint: str) -> None:
    answer = httpx.get(endpoint + "/sparql", params={"query": "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }"})
    assert answer.status_code == 403 and "SPARQL Update (INSERT)" in answer.text


# ---------------------------------------------------------------------------
# The namespace: the engine cannot reach the network even past the check
# ---------------------------------------------------------------------------

needs_netns = pytest.mark.skipif(not network_isolation_available(), reason="no network namespaces here")


def test_without_the_guard_oxigraph_does_call_out(listener: Listener) -> None:
    """The control: the same engine, in this process, does reach the listener (so the tests below can fail)."""
    with pytest.raises(Exception):  # noqa: B017 - the listener answers no HTTP
        list(ox.Store().query(f"SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
    assert len(listener.settle()) == 1


@needs_netns
def test_the_server_engine_is_cut_off_even_past_the_check(store_path: Path, listener: Listener) -> None:
    engine = QueryEngine(store_path, Limits(timeout=20))
    failures = []
    for text in variants(listener.url)[::7]:
        # A test hook: hand the engine a query as if the check had passed it.
        try:
            answer = engine.run(text, checked=CheckedQuery(form="SELECT"))
        except QueryError as exc:
            failures.append(str(exc))
        else:  # SERVICE SILENT: the failed call is an empty solution
            assert "SILENT" in text and answer.result.rows in ([()], [(None, None, None)], [])
    remote = [message for message in failures if not message.startswith("malformed query")]  # these quote the text
    assert all(str(listener.port) not in message and "127.0.0.1" not in message for message in remote)
    assert "the query failed: a call to a remote SERVICE could not be completed" in failures
    assert listener.settle() == []


# ---------------------------------------------------------------------------
# kg query on the command line
# ---------------------------------------------------------------------------


def kg_query(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "kg", "query", *args], capture_output=True, text=True, cwd=ROOT, timeout=120
    )


def test_kg_query_refuses_the_variants_with_exit_2(store_path: Path, listener: Listener) -> None:
    family = variants(listener.url)
    for text in [family[0], family[34], family[59], *family[60::5]]:
        done = kg_query("--store", str(store_path), text)
        assert done.returncode == 2, text
        assert "SERVICE" in done.stderr and done.stdout == ""
    done = kg_query("--store", str(store_path), "\\u0049NSERT DATA { <urn:a> <urn:b> <urn:c> }")
    assert done.returncode == 2 and "SPARQL Update (INSERT)" in done.stderr
    assert listener.settle() == []


@needs_netns
def test_kg_querys_process_is_cut_off_even_past_the_check(store_path: Path, listener: Listener) -> None:
    """What ``kg query`` does before running a query on the store, then a SERVICE query straight to Oxigraph."""
    script = textwrap.dedent(
        f"""
        import pyoxigraph as ox
        from kg.sparql.check import engine_failure
        from kg.sparql.netns import isolate_network
        assert isolate_network()
        store = ox.Store.read_only({str(store_path)!r})
        try:
            list(store.query("SELECT * {{ SERVICE <{listener.url}> {{ ?s ?p ?o }} }}"))
        except Exception as exc:
            print(engine_failure(exc))
        """
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "the query failed: a call to a remote SERVICE could not be completed"
    assert listener.settle() == []


def test_an_8000_branch_union_runs_without_crashing_the_engine(store_path: Path, tmp_path: Path) -> None:
    """The check passes it; Oxigraph, whose parser recurses per branch, gets a large stack (no segfault)
    and is slow on it (quadratic in the branches), so the time limit ends it, as documented."""
    query = tmp_path / "union.rq"
    query.write_text(
        "SELECT * WHERE { " + " UNION ".join(f"{{ ?s zf:p{i} ?o }}" for i in range(8000)) + " }", encoding="utf-8"
    )
    done = kg_query("--store", str(store_path), "--file", str(query), "--timeout", "2")
    assert done.returncode == 2, done.stderr
    assert (
        done.stderr.strip()
        == "error: the query was stopped after 2 s (raise the limit with --timeout SECONDS, 0 for none)"
    )
