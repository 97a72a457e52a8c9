"""The graph on real production servers: a private Virtuoso and an Oxigraph server on loopback.

Each server gets the seed graph by ``kg push`` into a named graph; then every
shipped query runs there (``kg query --endpoint URL --default-graph G``) and its
answer must equal the local answer by value
(Virtuoso normalises numbers: 0.7610 comes back as 0.761). A wrong password or
a missing login is refused clearly, and the local store stays as it was.
"""

from __future__ import annotations

import fcntl
import os
import pty
import secrets
import select
import subprocess
import sys
import termios
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.build import BuildResult
from kg.cli import app
from kg.endpoint import parse_json_results
from kg.errors import EndpointError
from kg.query import QueryResult, Session, connect, shipped_queries, term
from kg.virtuoso import Virtuoso, virtuoso_binary
from tests.servers import OxigraphServer, oxigraph_binary, store_fingerprint

pytestmark = pytest.mark.slow

GRAPH = "https://w3id.org/zhengfa-kg/graph"
XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {
    XSD + name
    for name in (
        "integer decimal double float int long short byte nonNegativeInteger positiveInteger "
        "negativeInteger nonPositiveInteger unsignedInt unsignedLong unsignedShort unsignedByte"
    ).split()
}

#: A value for each parameter a shipped query declares, as `kg query --param` takes it
#: (the seed graph has answers for each).
SAMPLE_PARAMS: dict[str, str] = {
    "province": "湖南",
    "category": "法律监督",
    "entity": "zfr:measure-jiangsu-mandatory-similar-case-search",
    "mechanism": "zfr:cat-legal-supervision",
    "text": "类案",
    "relation": "检察",
    "heading": "事前",
}


def kg(*args: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    result = CliRunner().invoke(app, list(args), env={"KG_PASSWORD": "", **(env or {})})
    return result.exit_code, result.output


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


@dataclass
class Remote:
    name: str
    query_url: str
    graph_store_url: str
    user: str | None
    password: str | None


@pytest.fixture(scope="module")
def store(built: BuildResult) -> Iterator[Path]:
    """The built seed store; every push only reads it."""
    path = built.outputs["store"]
    before = store_fingerprint(path)
    yield path
    assert store_fingerprint(path) == before, "pushing changed the local store"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, store: Path) -> Iterator[Remote]:
    if virtuoso_binary() is None:
        pytest.skip("virtuoso-t is not installed (Debian: apt-get install virtuoso-opensource)")
    password = secrets.token_hex(8)
    instance = Virtuoso(tmp_path_factory.mktemp("virtuoso"), password=password, buffers=20_000)
    instance.start()
    try:
        code, out = kg(
            "push", "-e", instance.graph_store_url, "-g", GRAPH, "-u", "dba", "--store", str(store),
            env={"KG_PASSWORD": password},
        )  # fmt: skip
        assert code == 0, out
        assert "graph created (HTTP 201, digest auth)" in out
        yield Remote("virtuoso", instance.sparql_url, instance.graph_store_url, "dba", password)
    finally:
        instance.stop()


@pytest.fixture(scope="module")
def oxigraph(tmp_path_factory: pytest.TempPathFactory, store: Path) -> Iterator[Remote]:
    if oxigraph_binary() is None:
        pytest.skip("the oxigraph server binary is missing (pip install oxigraph)")
    with OxigraphServer(tmp_path_factory.mktemp("oxigraph-server") / "data") as server:
        code, out = kg("push", "-e", server.graph_store_url, "-g", GRAPH, "--store", str(store))
        assert code == 0, out
        yield Remote("oxigraph-server", server.query_url, server.graph_store_url, None, None)


@pytest.fixture(params=["virtuoso", "oxigraph"])
def remote(request: pytest.FixtureRequest) -> Remote:
    return request.getfixturevalue(request.param)  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def local(store: Path) -> Session:
    return connect(store=store)


def remote_session(remote: Remote) -> Session:
    # The pushed data sits in a named graph: query it as the default graph
    # (default-graph-uri), the way that works on Virtuoso too.
    return connect(endpoint=remote.query_url, default_graphs=[GRAPH], timeout=60)


# ---------------------------------------------------------------------------
# Comparing answers by value
# ---------------------------------------------------------------------------


def normalised(value: Any) -> Any:
    """A term as a comparable value: numbers by value, blank nodes all alike, language tags lower-case."""
    if value is None:
        return None
    if isinstance(value, ox.NamedNode):
        return ("iri", value.value)
    if isinstance(value, ox.BlankNode):
        return ("bnode",)
    if isinstance(value, ox.Literal):
        if value.language:
            return ("literal", value.value, value.language.lower())
        datatype = value.datatype.value
        if datatype in NUMERIC:
            try:
                return ("number", Decimal(value.value).normalize())
            except InvalidOperation:
                return ("number", value.value)
        if datatype == XSD + "string":
            return ("literal", value.value, "")
        return ("literal", value.value, datatype)
    return ("other", str(value))


def answer(result: QueryResult) -> object:
    if result.form == "ASK":
        return result.boolean
    if result.form == "SELECT":
        return Counter(tuple(normalised(v) for v in row) for row in result.rows or [])
    return Counter(tuple(normalised(t) for t in (s, p, o)) for s, p, o in result.triples or [])


QUERY_CASES = []
for _query in shipped_queries():
    QUERY_CASES.append(pytest.param(_query.name, {}, id=_query.name))
    if _query.params:
        bound = {name: SAMPLE_PARAMS[name] for name in _query.params}
        QUERY_CASES.append(
            pytest.param(_query.name, bound, id=f"{_query.name}[{','.join(f'{k}={v}' for k, v in bound.items())}]")
        )


def kg_query_remote(remote: Remote, name: str, params: Mapping[str, str]) -> QueryResult:
    """``kg query --endpoint URL --default-graph G --name NAME --format json`` and its parsed answer."""
    args = ["query", "--endpoint", remote.query_url, "--default-graph", GRAPH, "--name", name]
    args += ["--format", "json", "--timeout", "60"]
    for key, value in params.items():
        args += ["--param", f"{key}={value}"]
    result = CliRunner().invoke(app, args)
    if result.exit_code != 0:
        raise EndpointError(result.output)
    return parse_json_results(result.stdout.encode("utf-8"), remote.query_url)


@pytest.mark.parametrize(("name", "params"), QUERY_CASES)
def test_every_shipped_query_answers_remotely_as_locally(
    remote: Remote, local: Session, name: str, params: dict[str, str]
) -> None:
    expected = local.run(name, {key: term(value) for key, value in params.items()})
    got = kg_query_remote(remote, name, params)
    assert got.variables == expected.variables
    assert answer(got) == answer(expected)
    if name != "search" or params:  # unbound, `search` finds nothing by design
        assert expected.rows or expected.triples or expected.boolean is not None or name.startswith("check-")


def test_the_remote_graph_holds_every_local_triple(remote: Remote, local: Session) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    local_count = local.query(count).rows[0][0]  # type: ignore[index]
    remote_count = remote_session(remote).query(count).rows[0][0]  # type: ignore[index]
    assert int(remote_count.value) == int(local_count.value) > 5000


def test_chinese_labels_come_back_intact(remote: Remote) -> None:
    rows = remote_session(remote).run("provinces").rows or []
    names = [(row[1].value, row[1].language, row[3].value) for row in rows]  # type: ignore[union-attr]
    assert names == [
        ("江苏", "zh", "320000"),
        ("湖南", "zh", "430000"),
        ("广西", "zh", "450000"),
        ("四川", "zh", "510000"),
        ("贵州", "zh", "520000"),
    ]


# ---------------------------------------------------------------------------
# Logins
# ---------------------------------------------------------------------------


def test_a_wrong_password_is_refused_clearly(virtuoso: Remote, store: Path) -> None:
    before = store_fingerprint(store)
    code, out = kg(
        "push", "-e", virtuoso.graph_store_url, "-g", GRAPH, "-u", "dba", "--store", str(store),
        env={"KG_PASSWORD": "not-the-password"},
    )  # fmt: skip
    assert code == 2
    assert "rejected the digest login of user 'dba' (HTTP 401): wrong user name or password" in out
    assert "not-the-password" not in out
    assert store_fingerprint(store) == before


def test_a_missing_login_is_asked_for(virtuoso: Remote, store: Path) -> None:
    code, out = kg("push", "-e", virtuoso.graph_store_url, "-g", GRAPH, "--store", str(store))
    assert code == 2
    assert "asks for a login (digest auth): pass --user NAME" in out


def test_basic_auth_where_the_server_wants_digest(virtuoso: Remote, store: Path) -> None:
    code, out = kg(
        "push", "-e", virtuoso.graph_store_url, "-g", GRAPH, "-u", "dba", "--auth", "basic", "--store", str(store),
        env={"KG_PASSWORD": virtuoso.password or ""},
    )  # fmt: skip
    assert code == 2
    assert "the server does not take basic auth (try --auth auto)" in out


def test_the_password_is_prompted_for_on_a_terminal(virtuoso: Remote, store: Path) -> None:
    """A real `kg push` on a pseudo-terminal: it asks for the password, does not echo it, and pushes."""
    kg_command = [sys.executable, "-m", "kg", "push", "-e", virtuoso.graph_store_url, "-g", GRAPH]
    kg_command += ["-u", "dba", "--store", str(store), "--progress"]
    env = {k: v for k, v in os.environ.items() if k != "KG_PASSWORD"}
    env["COLUMNS"] = "100"
    leader, follower = pty.openpty()
    process = subprocess.Popen(
        kg_command,
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env=env,
        start_new_session=True,
        preexec_fn=_controlling_terminal,  # so that getpass reads /dev/tty, as in a real shell
    )
    os.close(follower)
    seen = b""
    try:
        seen += _read_until(leader, b"password for dba", timeout=30)
        _wait_for_echo_off(leader, timeout=10)  # typed earlier, the password would be flushed away
        os.write(leader, (virtuoso.password or "").encode() + b"\n")
        seen += _read_until(leader, b"digest auth) in", timeout=60)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
        os.close(leader)
    text = seen.decode("utf-8", "replace")
    assert process.returncode == 0, text
    assert "graph replaced (HTTP 200, digest auth)" in text
    assert (virtuoso.password or "") not in text


def _controlling_terminal() -> None:
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)


def _wait_for_echo_off(fd: int, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while termios.tcgetattr(fd)[3] & termios.ECHO:
        if time.monotonic() > deadline:
            raise AssertionError("the password prompt never turned echo off")
        time.sleep(0.02)


def _read_until(fd: int, marker: bytes, timeout: float) -> bytes:
    data = b""
    deadline = time.monotonic() + timeout
    while marker not in data:
        left = deadline - time.monotonic()
        if left <= 0:
            raise AssertionError(f"no {marker!r} within {timeout} s; got {data!r}")
        ready, _, _ = select.select([fd], [], [], left)
        if ready:
            try:
                chunk = os.read(fd, 4096)
            except OSError:
                break
            if not chunk:
                break
            data += chunk
    return data
