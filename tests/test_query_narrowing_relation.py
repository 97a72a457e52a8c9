"""``who-checks-whom``'s ``# narrow ?rel exactly by ?relation`` header: the relations a bound parameter selects,
found first (kg.sparql.narrowing).

The query matched the relation asked for by joining every measure to both names of its relation (two rows folded
by DISTINCT, twice the sort). On the embedded store the concepts the parameter selects are now found first, put
first in the query's group (VALUES ?rel) and the parameter left unbound; the pages keep their (relation, province)
buckets, each query of them given the relations found. The concepts expected below are read off
``ontology/taxonomy.ttl`` by hand (the relations' and the categories' zh and en prefLabels: both have a
notation); the answers must be the query's own, row for row and in order.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.query import Session, _run_oxigraph, connect, shipped_query, term
from kg.sparql.narrowing import narrowed_page_by, narrowed_values
from kg.sparql.prefixes import PREFIXES
from kg.sparql.results import QueryResult

ZFR = "https://w3id.org/zhengfa-kg/id/"
QUERY = "who-checks-whom"

# The five relations whose zh name holds 监督 (not 相互制约, not 纪检监察衔接) and the four categories whose zh name does.
SUPERVISION_IN_ZH = {
    "rel-party-leadership",  # 党委领导监督
    "rel-hierarchical",  # 层级监督
    "rel-internal",  # 内部监督
    "rel-procuratorial",  # 检察法律监督
    "rel-social",  # 社会监督
    "cat-internal-case-supervision",  # 办案内部监督管理
    "cat-legal-supervision",  # 相互制约与法律监督
    "cat-openness-public-supervision",  # 公开透明与社会监督
    "cat-technology-enabled-supervision",  # 科技赋能监督
}


@pytest.fixture(scope="module")
def oxigraph(store_path: Path) -> Session:
    return connect(store=store_path, isolate=False)


def narrowed_to(store_path: Path, value: ox.NamedNode | ox.Literal) -> set[str]:
    """The concepts (local names) the query is asked for first."""
    shipped = shipped_query(QUERY)
    assert shipped.narrowing is not None
    store = ox.Store.read_only(str(store_path))
    found = narrowed_values(
        shipped.narrowing, value, shipped.text, lambda q: _run_oxigraph(store, q, PREFIXES, "SELECT")
    )
    assert found is not None and all(len(row) == 1 and isinstance(row[0], ox.NamedNode) for row in found)
    return {row[0].value.removeprefix(ZFR) for row in found}  # type: ignore[union-attr]


def test_the_header_declares_the_relation_the_parameter_and_the_filter_s_test() -> None:
    shipped = shipped_query(QUERY)
    narrowing = shipped.narrowing
    assert narrowing is not None
    assert (narrowing.targets, narrowing.param, narrowing.exact) == (("rel",), "relation", True)
    (pattern,) = narrowing.patterns
    # The query's own test of a bound relation, on the relations' names as its sub-select binds them.
    assert pattern.endswith("FILTER(?rel = ?relation || CONTAINS(LCASE(STR(?relName)), LCASE(STR(?relation))))")
    assert "?rel = ?relation\n             || CONTAINS(LCASE(STR(?relName)), LCASE(STR(?relation)))" in shipped.text


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("检察", {"rel-procuratorial"}),  # 检察法律监督 only: 纪检监察衔接 holds 检 and 察 apart
        ("zfr:rel-internal", {"rel-internal"}),
        # 内部监督 and the category 办案内部监督管理: a concept of no measure gives no row.
        ("内部", {"rel-internal", "cat-internal-case-supervision"}),
        ("监督", SUPERVISION_IN_ZH),
        # The en names, case ignored: the same five relations and four categories say "supervision".
        ("SUPERVISION", SUPERVISION_IN_ZH),
        ("没有这个关系", set()),
        ("zfr:nothing", set()),
    ],
)
def test_a_bound_relation_is_narrowed_to_the_concepts_it_names(
    store_path: Path, value: str, expected: set[str]
) -> None:
    asked = term(value) if value.startswith("zfr:") else ox.Literal(value)
    assert narrowed_to(store_path, asked) == expected  # type: ignore[arg-type]


def test_the_pages_keep_their_buckets_and_other_narrowings_are_unchanged() -> None:
    # ?rel is no key, but the relations' line (the first key's values) uses it: the same buckets.
    page_by = shipped_query(QUERY).page_by
    assert page_by is not None and page_by.variables == ("relNotation", "prov")
    assert narrowed_page_by(page_by, ("rel",), f"VALUES ?rel {{ <{ZFR}rel-internal> }}") is page_by
    # who-supervises-whom's organs (used in no line of a first key alone) and evidence-of's facts (the first key):
    # the narrowed answer is asked whole.
    assert (
        narrowed_page_by(shipped_query("who-supervises-whom").page_by, ("organ",), f"VALUES ?organ {{ <{ZFR}x> }}")
        is None
    )
    assert narrowed_page_by(shipped_query("evidence-of").page_by, ("fact",), f"VALUES ?fact {{ <{ZFR}x> }}") is None


def test_every_query_of_a_page_is_given_the_relations_found(oxigraph: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """The relations first (one query), then the page by buckets: the relations' notations, the provinces of the
    first, its rows; each of them starts from the relation found, and none tests the parameter (left unbound)."""
    import kg.query as query_module

    asked: list[str] = []
    original = query_module._run_oxigraph

    def spy(store: object, text: str, prefixes: object, form: str) -> QueryResult:
        asked.append(text)
        return original(store, text, prefixes, form)  # type: ignore[arg-type]

    monkeypatch.setattr(query_module, "_run_oxigraph", spy)
    page = oxigraph.run(QUERY, {"relation": term("zfr:rel-internal")}, limit=2)
    assert len(page) == 2 and page.more
    assert {row[0].value for row in page.rows} == {"3"}  # type: ignore[union-attr]  # rel-internal's notation
    narrow, *queries = asked
    assert f"VALUES ?relation {{ <{ZFR}rel-internal> }}" in narrow
    # The notations of the relations found (a line that uses ?rel); the provinces of the first (its probe for
    # rows in no province, then its provinces: lines that do not use ?rel); the rows of its first buckets.
    notations, probe, provinces, *rows = queries
    assert "SELECT DISTINCT ?relNotation WHERE" in notations and "MINUS" in probe and "zf:inProvince" in provinces
    assert rows and all("SELECT DISTINCT ?relNotation ?relLabel" in text for text in rows)
    for text in [notations, *rows]:
        assert f"VALUES ?rel {{ <{ZFR}rel-internal> }}" in text
        assert "VALUES ?relation { UNDEF }" in text


@pytest.mark.parametrize("value", ["检察", "zfr:rel-internal", "内部", "监督", "SUPERVISION", "没有这个关系"])
@pytest.mark.parametrize(("limit", "offset"), [(None, 0), (2, 0), (40, 5), (1001, 0)])
def test_the_narrowed_answer_is_the_query_s_own(oxigraph: Session, value: str, limit: int | None, offset: int) -> None:
    """Session.run narrows; Session.query runs the same text as it is (the filter tested on every row)."""
    params = {"relation": term(value) if value.startswith("zfr:") else value}
    narrowed = oxigraph.run(QUERY, params, limit=limit, offset=offset)
    whole = oxigraph.query(shipped_query(QUERY).text, params, limit=limit, offset=offset)
    assert narrowed.variables == whole.variables
    assert narrowed.rows == whole.rows
    assert narrowed.more == whole.more
    assert bool(narrowed.rows) == (value != "没有这个关系")


@pytest.mark.parametrize(("value", "offset"), [("检察", 0), ("内部", 3), ("zfr:rel-internal", 0)])
def test_the_server_asks_a_narrowed_page_by_its_buckets(
    store_path: Path, oxigraph: Session, value: str, offset: int
) -> None:
    """The explorer's engine (kg.serve.engine) finds the relations and asks the page by buckets too: each query of
    it starts from them; the rows are the query's own page."""
    from kg.serve.engine import Limits, QueryEngine
    from kg.sparql.terms import sparql_text

    shipped = shipped_query(QUERY)
    assert shipped.narrowing is not None
    asked_value = term(value) if value.startswith("zfr:") else ox.Literal(value)
    whole = oxigraph.query(shipped.text, {"relation": asked_value})
    assert len(whole) > offset + 5
    engine = QueryEngine(store_path, Limits(timeout=60))
    asked: list[str] = []
    run = engine.run

    def recorded(text: str, *args: object, **kwargs: object) -> object:
        asked.append(text)
        return run(text, *args, **kwargs)  # type: ignore[arg-type]

    engine.run = recorded  # type: ignore[method-assign]
    values = {"relation": sparql_text(asked_value)}  # type: ignore[arg-type]
    page = engine.run_narrowed(shipped.text, shipped.narrowing, asked_value, values, 5, offset, shipped.page_by)
    assert page is not None and page.result.rows == whole.rows[offset : offset + 5]
    rows = [text for text in asked if "SELECT DISTINCT ?relNotation ?relLabel" in text]
    bound = f"VALUES ?relation {{ {values['relation']} }}"  # the parameter is left unbound
    assert rows and all("VALUES ?rel {" in text and bound not in text for text in rows)
    assert all("ORDER BY" in text and "(?relNotation ?prov) {" in text for text in rows)  # buckets, not whole
