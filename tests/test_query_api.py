"""The Python API a notebook uses: open the graph, query it safely, get rows and DataFrames."""

from __future__ import annotations

import datetime
import multiprocessing
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.errors import InputError, QueryError, QueryTimeout, UsageError
from kg.query import Session, connect, run_query, shipped_queries, term
from kg.sparql.check import QuerySyntaxError, ServiceRefused, UpdateRefused
from tests.servers import store_fingerprint

ZFR = "https://w3id.org/zhengfa-kg/id/"
PROVINCE_BY_NAME = """
SELECT ?prov WHERE {
  ?prov a zf:Province ; zf:shortName ?name .
  FILTER(?name = ?wanted)
}
"""
#: Four-way cross product of every triple: it runs for hours unless stopped.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def kg(store_path: Path) -> Session:
    return connect(store=store_path)


@pytest.fixture(scope="module")
def memory() -> Session:
    return connect("memory", timeout=None)


# ---------------------------------------------------------------------------
# Rows, records, DataFrames
# ---------------------------------------------------------------------------


def test_records_are_plain_python_values(kg: Session) -> None:
    result = kg.query(
        "SELECT ?figure ?value ?start WHERE { ?figure zf:value ?value ; zf:periodStart ?start } ORDER BY ?figure"
    )
    records = {r["figure"]: r for r in result.records()}
    closure = records[ZFR + "figure-jiangsu-closure-ratio-2020"]
    assert closure["value"] == Decimal("84.73")
    assert closure["start"] == datetime.date(2020, 1, 1)
    compact = result.records(compact=True)
    assert "zfr:figure-jiangsu-closure-ratio-2020" in {r["figure"] for r in compact}


def test_iterating_gives_terms_by_variable(kg: Session) -> None:
    result = kg.run("provinces")
    assert len(result) == 5
    first = next(iter(result))
    assert isinstance(first["prov"], ox.NamedNode) and first["code"] == ox.Literal("320000")
    assert result.column("provName") == [ox.Literal(n, language="zh") for n in ("江苏", "湖南", "广西", "四川", "贵州")]


def test_a_dataframe_of_a_shipped_query(kg: Session) -> None:
    pytest.importorskip("pandas")
    frame = kg.df("figures", province="江苏")
    assert list(frame.columns) == kg.run("figures").variables
    assert len(frame) == 12
    assert frame["value"].dtype.kind == "f"  # decimals become floats, ready to plot
    assert sorted(frame["value"])[-1] == pytest.approx(86.56)
    counts = kg.df("SELECT ?p (COUNT(?o) AS ?n) WHERE { ?o zf:inProvince ?p } GROUP BY ?p")
    assert counts["n"].dtype.kind == "i"
    assert counts["n"].sum() == len(kg.query("SELECT ?o ?p WHERE { ?o zf:inProvince ?p }"))


def test_a_dataframe_of_a_construct(kg: Session) -> None:
    pytest.importorskip("pandas")
    frame = kg.query("CONSTRUCT { ?p zf:shortName ?n } WHERE { ?p zf:shortName ?n }").to_dataframe()
    assert list(frame.columns) == ["subject", "predicate", "object"] and len(frame) == 10


def test_one_shot_run_query(store_path: Path) -> None:
    result = run_query(PROVINCE_BY_NAME, {"wanted": term('"湖南"@zh')}, store=store_path)
    assert [r["prov"] for r in result.records()] == [ZFR + "province-hunan"]


def test_ask_and_describe(kg: Session, memory: Session) -> None:
    assert kg.query("ASK { zfr:province-hunan a zf:Province }").boolean is True
    assert memory.query("ASK { zfr:province-hunan a zf:Measure }").boolean is False
    for session in (kg, memory):
        described = session.query("DESCRIBE zfr:province-hunan")
        assert described.form == "DESCRIBE"
        assert (
            ox.Triple(
                ox.NamedNode(ZFR + "province-hunan"),
                ox.NamedNode("https://w3id.org/zhengfa-kg/def/divisionCode"),
                ox.Literal("430000"),
            )
            in described.triples
        )


# ---------------------------------------------------------------------------
# Parameters are bound as RDF terms, never pasted into the text
# ---------------------------------------------------------------------------


def test_a_plain_string_is_not_a_language_tagged_literal(kg: Session) -> None:
    # zf:shortName is "湖南"@zh: an exact comparison needs the tag, the shipped queries compare STR().
    assert len(kg.query(PROVINCE_BY_NAME, wanted="湖南")) == 0
    assert len(kg.query(PROVINCE_BY_NAME, wanted=term('"湖南"@zh'))) == 1
    assert len(kg.run("province-measures", province="湖南")) == len(
        kg.run("province-measures", province=term('"湖南"@zh'))
    )


def test_a_province_by_any_of_its_names_or_its_iri(kg: Session) -> None:
    expected = kg.run("province-category-matrix", province=term("zfr:province-guangxi")).rows
    assert expected
    for name in ("广西", "Guangxi", "guangxi", "广西壮族自治区", "Guangxi Zhuang Autonomous Region"):
        assert kg.run("province-category-matrix", province=name).rows == expected, name


def test_python_values_bind_as_typed_literals(kg: Session) -> None:
    query = "SELECT ?f WHERE { ?f zf:value ?v FILTER(?v = ?wanted) } ORDER BY ?f"
    assert [r["f"] for r in kg.query(query, wanted=Decimal("84.73")).records()] == [
        ZFR + "figure-jiangsu-closure-ratio-2020"
    ]
    assert len(kg.query(query, wanted=952)) == 1
    assert len(kg.query(query, wanted=84.73)) == 1  # a double equals the decimal by value
    dated = "SELECT ?f WHERE { ?f zf:periodEnd ?end FILTER(?end = ?day) }"
    assert len(kg.query(dated, day=datetime.date(2020, 8, 26))) > 0


def test_injection_through_a_parameter_is_just_a_string(kg: Session, store_path: Path) -> None:
    before = store_fingerprint(store_path)
    sneaky = '湖南" } ?s ?p ?o . FILTER("x'
    # The whole text is one name: no province is called that (the one rule for provinces), nothing runs.
    with pytest.raises(UsageError, match="no province named '湖南\" } \\?s"):
        kg.run("province-measures", province=sneaky)
    assert len(kg.query(PROVINCE_BY_NAME, wanted=sneaky)) == 0
    assert store_fingerprint(store_path) == before


def test_binding_an_unknown_variable_is_a_usage_error(kg: Session) -> None:
    with pytest.raises(UsageError, match=r"no variable \?provice"):
        kg.run("province-measures", provice="湖南")


def test_every_shipped_parameter_is_optional(memory: Session) -> None:
    for query in shipped_queries():
        if query.params and query.name != "search":
            assert len(memory.run(query.name)) > 0, query.name


# ---------------------------------------------------------------------------
# Read-only, no network, bounded time
# ---------------------------------------------------------------------------

UPDATES = [
    "INSERT DATA { <urn:a> <urn:b> <urn:c> }",
    "PREFIX x: <urn:x:>\nDELETE WHERE { ?s ?p ?o }",
    "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
    "WITH <urn:g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "LOAD <http://127.0.0.1:9/data.ttl>",
    "CLEAR ALL",
    "DROP GRAPH <urn:g>",
    "CREATE GRAPH <urn:g>",
    "ADD DEFAULT TO <urn:g>",
    "MOVE DEFAULT TO <urn:g>",
    "COPY DEFAULT TO <urn:g>",
    "# a comment first\ninsert data { <urn:a> <urn:b> <urn:c> }",
]


@pytest.mark.parametrize("update", UPDATES)
def test_an_update_is_refused_and_the_store_is_unchanged(kg: Session, store_path: Path, update: str) -> None:
    before = store_fingerprint(store_path)
    with pytest.raises(UpdateRefused, match="SPARQL Update"):
        kg.query(update)
    assert store_fingerprint(store_path) == before
    assert len(kg.query("SELECT * WHERE { <urn:a> ?p ?o }")) == 0


def test_a_query_and_an_update_together_are_refused(kg: Session) -> None:
    with pytest.raises(QueryError):
        kg.query("SELECT * WHERE { ?s ?p ?o } ; INSERT DATA { <urn:a> <urn:b> <urn:c> }")


def test_the_store_is_opened_read_only(store_path: Path) -> None:
    from kg.store import open_store

    store = open_store(store_path)
    with pytest.raises((OSError, RuntimeError), match="read-write"):
        store.update("INSERT DATA { <urn:a> <urn:b> <urn:c> }")


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_service_is_refused_unless_allowed(backend: str, kg: Session, memory: Session) -> None:
    session = kg if backend == "oxigraph" else memory
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(ServiceRefused, match="--allow-service"):
        session.query(query)
    with pytest.raises(ServiceRefused):
        session.query("SELECT * WHERE { ?x a zf:Province OPTIONAL { SERVICE SILENT ?endpoint { ?x ?p ?o } } }")


def test_from_is_refused_on_the_memory_backend(memory: Session) -> None:
    with pytest.raises(QueryError, match="FROM"):
        memory.query("SELECT * FROM <http://127.0.0.1:9/remote.ttl> WHERE { ?s ?p ?o }")


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_a_runaway_query_is_stopped(backend: str, store_path: Path, memory: Session) -> None:
    session = connect(store=store_path, timeout=1) if backend == "oxigraph" else memory
    with pytest.raises(QueryTimeout, match="stopped after 1 s"):
        session.query(RUNAWAY, timeout=1)
    assert multiprocessing.active_children() == []  # the worker is gone, not left spinning


def test_a_malformed_query_raises_with_its_position(kg: Session) -> None:
    with pytest.raises(QuerySyntaxError) as caught:
        kg.query("SELECT ?s WHERE {\n  ?s a zf:Measure\n  ?s zf:adoptedBy ?o .\n}")
    assert (caught.value.line, caught.value.column) == (3, 3)


def test_a_missing_store_says_how_to_build_it(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="kg build"):
        connect(store=tmp_path / "nothing")


def test_without_a_time_limit_the_query_runs_in_this_process(store_path: Path) -> None:
    session = connect(store=store_path, timeout=None)
    assert len(session.run("speakers")) == 7
    assert multiprocessing.active_children() == []
