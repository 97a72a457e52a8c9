"""``kg query``, ``kg queries`` and ``kg prefixes`` from the command line: exit codes and parsed outputs."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib.plugins.sparql import prepareQuery
from typer.testing import CliRunner

from kg.cli import app
from kg.namespaces import PREFIXES
from kg.query import shipped_queries
from tests.servers import store_fingerprint

ROOT = Path(__file__).resolve().parent.parent


def kg(*args: str, stdin: str | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args), input=stdin)
    return result.exit_code, result.stdout, result.stderr


@pytest.fixture(scope="module")
def store(store_path: Path) -> str:
    return str(store_path)


def csv_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


# ---------------------------------------------------------------------------
# Four ways to give the query
# ---------------------------------------------------------------------------

PROVINCES = "SELECT ?p WHERE { ?p a zf:Province } ORDER BY ?p"
PROVINCE_IRIS = [
    f"https://w3id.org/zhengfa-kg/id/province-{p}" for p in ("guangxi", "guizhou", "hunan", "jiangsu", "sichuan")
]


def test_inline_file_stdin_and_name(store: str, tmp_path: Path) -> None:
    code, out, _ = kg("query", PROVINCES, "--store", store, "--format", "csv")
    assert code == 0 and [r["p"] for r in csv_rows(out)] == PROVINCE_IRIS
    query_file = tmp_path / "q.rq"
    query_file.write_text(PROVINCES, encoding="utf-8")
    assert kg("query", "-f", str(query_file), "--store", store, "-F", "csv")[1] == out
    assert kg("query", "-", "--store", store, "-F", "csv", stdin=PROVINCES)[1] == out
    code, out, _ = kg("query", "--name", "speakers", "--store", store, "-F", "csv")
    assert code == 0 and len(csv_rows(out)) == 7


def test_exactly_one_query_source(store: str, tmp_path: Path) -> None:
    for args in ([], [PROVINCES, "--name", "speakers"]):
        code, _, err = kg("query", *args, "--store", store)
        assert code == 2 and "one way" in err
    code, _, err = kg("query", "-f", str(tmp_path / "missing.rq"), "--store", store)
    assert code == 2 and "cannot read the query file" in err
    code, _, err = kg("query", "--name", "speakerz", "--store", store)
    assert code == 2 and "did you mean speakers" in err
    code, _, err = kg("query", "--name", "speakers", "--store", store, "--include", str(tmp_path))
    assert code == 2 and "--backend memory" in err
    code, _, err = kg("query", "--name", "speakers", "--store", store, "--default-graph", "urn:g")
    assert code == 2 and "--endpoint" in err


def test_memory_backend_gives_the_same_answer(store: str) -> None:
    from kg.endpoint import parse_json_results
    from kg.sparql.terms import turtle_text

    def answer(*args: str) -> list[tuple[str, ...]]:
        result = parse_json_results(kg("query", "--name", "figures", "-F", "json", *args)[1].encode())
        return [tuple(turtle_text(t, PREFIXES) for t in row) for row in result.rows]  # numbers by value

    assert answer("--store", store) == answer("--backend", "memory")


def test_a_missing_store_says_how_to_build_one(tmp_path: Path) -> None:
    code, _, err = kg("query", "--name", "speakers", "--store", str(tmp_path / "none"))
    assert code == 2 and "run `kg build` first" in err


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------


def test_a_province_parameter(store: str) -> None:
    code, out, _ = kg("query", "--name", "province-measures", "--param", "province=湖南", "--store", store, "-F", "csv")
    rows = csv_rows(out)
    assert code == 0 and rows and {r["provName"] for r in rows} == {"湖南"}
    tagged = kg("query", "--name", "province-measures", "-p", 'province="湖南"@zh', "--store", store, "-F", "csv")[1]
    by_iri = kg(
        "query", "--name", "province-measures", "-p", "province=zfr:province-hunan", "--store", store, "-F", "csv"
    )[1]
    assert tagged == out == by_iri


def test_an_exact_term_parameter_in_an_inline_query(store: str) -> None:
    query = "SELECT ?p WHERE { ?p zf:shortName ?name }"
    assert len(csv_rows(kg("query", query, "-p", "name=湖南", "--store", store, "-F", "csv")[1])) == 0
    rows = csv_rows(kg("query", query, "-p", 'name="湖南"@zh', "--store", store, "-F", "csv")[1])
    assert [r["p"] for r in rows] == [PROVINCE_IRIS[2]]


@pytest.mark.parametrize(
    ("param", "message"),
    [
        ("province", "NAME=VALUE"),
        ("provice=湖南", "no variable ?provice"),
        ('province="a" . <x:y> <x:z> "b"', "single RDF term"),
    ],
)
def test_bad_parameters_are_usage_errors(store: str, param: str, message: str) -> None:
    code, _, err = kg("query", "--name", "province-measures", "--param", param, "--store", store)
    assert code == 2 and message in err


# ---------------------------------------------------------------------------
# Safety: read-only, no network, malformed input, time limits
# ---------------------------------------------------------------------------


def test_an_update_is_refused_and_the_store_is_unchanged(store: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    triples = csv_rows(kg("query", count, "--store", store, "-F", "csv")[1])[0]["n"]
    before = store_fingerprint(Path(store))
    for update in (
        "INSERT DATA { zfr:x a zf:Measure }",
        "DELETE WHERE { ?s ?p ?o }",
        "DROP ALL",
        "LOAD <http://127.0.0.1:9/x>",
    ):
        code, out, err = kg("query", update, "--store", store)
        assert code == 2 and out == "" and "SPARQL Update" in err and "only reads" in err
    assert store_fingerprint(Path(store)) == before
    assert csv_rows(kg("query", count, "--store", store, "-F", "csv")[1])[0]["n"] == triples


def test_a_malformed_query_shows_line_column_and_caret(store: str) -> None:
    code, out, err = kg("query", "SELECT ?s WHERE {\n  ?s a zf:Measure\n  ?s zf:adoptedBy ?o .\n}", "--store", store)
    assert code == 2 and out == ""
    lines = err.splitlines()
    assert lines[0].startswith("error: malformed query at line 3, column 3")
    assert lines[1].endswith("|   ?s zf:adoptedBy ?o .") and lines[2].endswith("|   ^")


def test_service_needs_allow_service(store: str) -> None:
    code, _, err = kg("query", "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "--store", store)
    assert code == 2 and "--allow-service" in err


def test_a_runaway_query_times_out(store: str) -> None:
    # A real process: kg query abandons the query's thread on time and exits, which ends it.
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"
    done = subprocess.run(
        [sys.executable, "-m", "kg", "query", runaway, "--store", store, "--timeout", "1"],
        capture_output=True,
        cwd=ROOT,
        timeout=120,
    )
    assert done.returncode == 2 and done.stdout == b"" and b"stopped after 1 s" in done.stderr


def test_expect_empty_for_data_checks(store: str) -> None:
    for check in (q.name for q in shipped_queries() if q.is_check):
        assert kg("query", "--name", check, "--store", store, "--expect-empty")[0] == 0
    code, _, err = kg("query", "--name", "speakers", "--store", store, "--expect-empty")
    assert code == 1 and "found 7 result(s)" in err


# ---------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------


def test_output_to_a_file(store: str, tmp_path: Path) -> None:
    target = tmp_path / "out" / "figures.json"
    code, out, _ = kg("query", "--name", "figures", "--store", store, "-F", "json", "-o", str(target))
    assert code == 0 and out == ""
    assert json.loads(target.read_text(encoding="utf-8")) == json.loads(
        kg("query", "--name", "figures", "--store", store, "-F", "json")[1]
    )


def test_output_into_a_pipe_leaves_the_pipe_a_pipe(store: str, tmp_path: Path) -> None:
    import os
    import stat
    import threading

    fifo = tmp_path / "answer"
    os.mkfifo(fifo)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_text(encoding="utf-8")), daemon=True)
    reader.start()
    code, _, _ = kg("query", "--name", "speakers", "--store", store, "-F", "csv", "-o", str(fifo))
    reader.join(30)
    assert code == 0 and len(csv_rows(received[0])) == 7
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # written into, not replaced by a regular file


def test_construct_on_the_command_line(store: str) -> None:
    query = "CONSTRUCT { ?p zf:divisionCode ?c } WHERE { ?p zf:divisionCode ?c }"
    code, out, _ = kg("query", query, "--store", store, "-F", "nt")
    assert code == 0 and len(out.splitlines()) == 5 and out.splitlines()[0].endswith(" .")
    code, _, err = kg("query", query, "--store", store, "-F", "csv")
    assert code == 2 and "turtle, nt or jsonld" in err


def test_the_table_format_by_default(store: str) -> None:
    code, out, _ = kg("query", "--name", "speakers", "--store", store, "--max-width", "80")
    lines = out.splitlines()
    assert code == 0 and lines[0].split()[:2] == ["speech", "speakerName"] and lines[-1] == "(7 rows)"


# ---------------------------------------------------------------------------
# kg queries, kg prefixes
# ---------------------------------------------------------------------------


def test_kg_queries_lists_every_shipped_query() -> None:
    code, out, _ = kg("queries")
    assert code == 0
    flat = " ".join(out.split())  # the questions are wrapped to the terminal
    for query in shipped_queries():
        assert query.name in out and " ".join(query.question.split()) in flat
    assert "CQ12" in out and "--param province=" in out
    listed = json.loads(kg("queries", "--format", "json")[1])
    assert [q["name"] for q in listed] == [q.name for q in shipped_queries()]
    assert sorted(q["competency_question"] for q in listed if q["competency_question"]) == list(range(1, 13))
    assert "各省在每个机制大类下采取了几项举措" in kg("queries", "--lang", "zh")[1]


def test_kg_queries_prints_one_query() -> None:
    code, out, _ = kg("queries", "figures")
    assert code == 0 and out.startswith("# Every reported figure") and "SELECT" in out


def test_kg_prefixes() -> None:
    code, out, _ = kg("prefixes")
    assert code == 0
    for prefix, iri in PREFIXES.items():
        assert f"{prefix}:" in out and iri in out
    declarations = kg("prefixes", "--format", "sparql")[1]
    prepareQuery(declarations + "SELECT * WHERE { ?s a zf:Measure ; org:x ?o ; skos:y ?z ; prov:q ?r ; oa:w ?v }")
    assert kg("prefixes", "--format", "turtle")[1].startswith("@prefix zf:")


# ---------------------------------------------------------------------------
# A real process, as a user runs it
# ---------------------------------------------------------------------------


def test_kg_query_in_a_real_process_imports_nothing_heavy(store: str) -> None:
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join(sorted(sys.modules)) + '\\n'))\n"
        f"sys.argv = ['kg', 'query', '--name', 'figures', '--store', {store!r}, '--format', 'csv']\n"
        "from kg.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, cwd=ROOT, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.startswith(b"figure,provName,") and b"\r\n" in done.stdout
    rows = list(csv.DictReader(io.StringIO(done.stdout.decode("utf-8"))))
    assert len(rows) == 51 and rows[0]["provName"] == "广西"  # one row per figure of the graph
    modules = set(done.stderr.decode().split("MODULES ", 1)[1].split())
    assert not {"pyvis", "networkx", "pyshacl", "pandas", "oxrdflib"} & {m.split(".")[0] for m in modules}


def test_python_m_kg_query_reports_errors_with_exit_2(store: str) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "kg", "query", "CLEAR ALL", "--store", store], capture_output=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 2 and b"SPARQL Update" in done.stderr and done.stdout == b""


def test_memory_backend_reads_extra_files(tmp_path: Path) -> None:
    extra = tmp_path / "draft.ttl"
    extra.write_text(
        "@prefix zf: <https://w3id.org/zhengfa-kg/def/> .\n@prefix zfr: <https://w3id.org/zhengfa-kg/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        'zfr:province-zhejiang a zf:Province ; zf:shortName "浙江"@zh , "Zhejiang"@en ; zf:divisionCode "330000" .\n',
        encoding="utf-8",
    )
    code, out, _ = kg("query", PROVINCES, "--backend", "memory", "--include", str(extra), "-F", "csv")
    assert code == 0 and "https://w3id.org/zhengfa-kg/id/province-zhejiang" in [r["p"] for r in csv_rows(out)]
