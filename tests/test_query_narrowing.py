"""A parameter narrowed to the values it selects before the query runs (kg.sparql.narrowing).

``evidence-of`` (by IRI or exact label in any language) and ``search`` (a text in
names and quotes, case-insensitive) ask the embedded store for the facts or names
their parameter selects first; the answers here are worked out by hand on a small
graph built for it: two facts sharing a label in two languages, a name in capitals,
a quote, a blank-node fact.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.query import Session, connect, shipped_query, term
from kg.sparql import lexer
from kg.sparql.narrowing import Narrowing, narrowed_page, narrowed_values, narrowing_header
from kg.sparql.results import QueryResult
from kg.textindex import TextIndex, write_text_index

ZFR = "https://w3id.org/zhengfa-kg/id/"

# Facts a and b share the label "同名" (a in Chinese, b as an English prefLabel); c has a name in capitals
# and a quote holding "Case"; d is a fact with no label.
GRAPH = """
@prefix zf:   <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:  <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .

zfr:a a zf:Measure ; rdfs:label "同名"@zh , "Same name"@en ; prov:wasDerivedFrom zfr:ev-a .
zfr:b a zf:Problem ; skos:prefLabel "同名"@en , "乙"@zh ; prov:wasDerivedFrom zfr:ev-b .
zfr:c a zf:Measure ; rdfs:label "类案 SEARCH"@zh ; prov:wasDerivedFrom zfr:ev-c .
zfr:d prov:wasDerivedFrom zfr:ev-d .
zfr:doc zf:seedFile "seed.md" .
zfr:ev-a oa:hasSource zfr:doc ; oa:hasSelector [ oa:exact "甲引文" ] , [ oa:start 0 ; oa:end 3 ] .
zfr:ev-b oa:hasSource zfr:doc ; oa:hasSelector [ oa:exact "乙引文" ] , [ oa:start 3 ; oa:end 6 ] .
zfr:ev-c oa:hasSource zfr:doc ; oa:hasSelector [ oa:exact "a Case search" ] , [ oa:start 6 ; oa:end 19 ] .
zfr:ev-d oa:hasSource zfr:doc ; oa:hasSelector [ oa:exact "丁" ] , [ oa:start 19 ; oa:end 20 ] .
"""


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Session]:
    path = tmp_path_factory.mktemp("narrowing") / "store"
    store = ox.Store(str(path))
    store.load(GRAPH.encode(), ox.RdfFormat.TURTLE)
    store.flush()
    del store
    # The same store with its text index (kg.textindex), as kg build writes it: the narrowing starts from it.
    indexed = path.parent / "indexed"
    shutil.copytree(path, indexed)
    write_text_index(indexed)
    assert TextIndex.of_store(indexed) is not None and TextIndex.of_store(path) is None
    graph = Graph().parse(data=GRAPH, format="turtle")
    return {
        "oxigraph": connect(store=path, isolate=False, timeout=None),
        "indexed": connect(store=indexed, isolate=False, timeout=None),
        "memory": connect("memory", timeout=None, graph=graph),
    }


def runner(session: Session) -> object:
    store = ox.Store.read_only(str(session.store))

    def run(text: str) -> QueryResult:
        answer = store.query(text)
        assert isinstance(answer, ox.QuerySolutions)
        names = [v.value for v in answer.variables]
        return QueryResult(
            form="SELECT", variables=names, rows=[tuple(s[i] for i in range(len(names))) for s in answer]
        )

    return run


def facts(result: QueryResult) -> list[str]:
    return [str(row["fact"].value).removeprefix(ZFR) for row in result]  # type: ignore[union-attr]


def test_the_narrowed_queries_declare_their_lines() -> None:
    evidence = shipped_query("evidence-of").narrowing
    assert evidence is not None
    assert (evidence.targets, evidence.param, len(evidence.patterns)) == (("fact",), "entity", 3)
    search = shipped_query("search").narrowing
    assert search is not None
    assert (search.targets, search.param, len(search.patterns)) == (("thing", "match"), "text", 4)
    line = narrowing_header("# narrow ?x by ?y: ?x rdfs:label ?y")
    assert line == Narrowing(("x",), "y", ("?x rdfs:label ?y",))
    both = narrowing_header("# narrow ?x ?z exactly by ?y: ?x rdfs:label ?z")
    assert both == Narrowing(("x", "z"), "y", ("?x rdfs:label ?z",), exact=True)
    assert narrowing_header("# page-by ?fact: ?fact prov:wasDerivedFrom ?evidence") is None
    with pytest.raises(ValueError, match="narrow lines"):
        line.with_line(Narrowing(("z",), "y", ("?z rdfs:label ?y",)))
    with pytest.raises(ValueError, match="narrow lines"):
        line.with_line(Narrowing(("x", "z"), "y", ("?x rdfs:label ?z",)))


def test_an_iri_narrows_to_itself_and_a_label_to_every_fact_it_names(small: dict[str, Session]) -> None:
    narrowing = shipped_query("evidence-of").narrowing
    assert narrowing is not None
    text = shipped_query("evidence-of").text  # its PREFIX lines declare the narrowing lines' prefixes
    run = runner(small["oxigraph"])
    assert narrowed_values(narrowing, ox.NamedNode(ZFR + "a"), text, run) == [(ox.NamedNode(ZFR + "a"),)]  # type: ignore[arg-type]
    # A label in any language: "同名" is a's @zh label and b's @en prefLabel.
    two = narrowed_values(narrowing, ox.Literal("同名"), text, run)  # type: ignore[arg-type]
    assert sorted(str(v) for (v,) in two or []) == [f"<{ZFR}a>", f"<{ZFR}b>"]
    assert narrowed_values(narrowing, ox.Literal("无此名"), text, run) == []  # type: ignore[arg-type]
    assert narrowed_values(narrowing, ox.BlankNode(), text, run) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("backend", ["oxigraph", "indexed", "memory"])
@pytest.mark.parametrize(
    ("entity", "expected"),
    [
        ("同名", ["a", "b"]),  # one label, two facts, two languages
        ('"同名"@en', ["a", "b"]),  # the language of the value given does not matter: STR is compared
        ("Same name", ["a"]),
        ("zfr:b", ["b"]),
        ("乙", ["b"]),
        ("zfr:nothing", []),
        ("无此名", []),
    ],
)
def test_evidence_of_an_entity(small: dict[str, Session], backend: str, entity: str, expected: list[str]) -> None:
    value = term(entity) if entity.startswith(("zfr:", '"')) else entity
    result = small[backend].run("evidence-of", {"entity": value})
    assert facts(result) == expected
    # The narrowed answer is the query's own: asked as a plain query text, nothing is narrowed.
    plain = small[backend].query(shipped_query("evidence-of").text, {"entity": value})
    assert result.rows == plain.rows


def test_evidence_of_unbound_and_a_page_of_a_narrowed_answer(small: dict[str, Session]) -> None:
    session = small["oxigraph"]
    assert facts(session.run("evidence-of")) == ["a", "b", "c", "d"]
    page = session.run("evidence-of", {"entity": "同名"}, limit=1)
    assert facts(page) == ["a"] and page.more
    rest = session.run("evidence-of", {"entity": "同名"}, limit=1, offset=1)
    assert facts(rest) == ["b"] and not rest.more
    quote = session.run("evidence-of", {"entity": "同名"})
    assert [str(row["quote"].value) for row in quote] == ["甲引文", "乙引文"]  # type: ignore[union-attr]


@pytest.mark.parametrize("backend", ["oxigraph", "indexed", "memory"])
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # c's name "类案 SEARCH" and c's quote "a Case search" both contain "search", whatever the case.
        ("search", [("c", "label", "类案 SEARCH"), ("c", "quote", "a Case search")]),
        ("CASE", [("c", "quote", "a Case search")]),
        ("同名", [("a", "label", "同名"), ("b", "label", "同名")]),
        ("引文", [("a", "quote", "甲引文"), ("b", "quote", "乙引文")]),
        ("丁", [("d", "quote", "丁")]),  # a fact with no name, by its quote
        ("无此", []),
    ],
)
def test_search(small: dict[str, Session], backend: str, text: str, expected: list[tuple[str, str, str]]) -> None:
    result = small[backend].run("search", {"text": text})
    got = [
        (str(row["thing"].value).removeprefix(ZFR), str(row["where"].value), str(row["match"].value))  # type: ignore[union-attr]
        for row in result
    ]
    assert got == expected
    plain = small[backend].query(shipped_query("search").text, {"text": text})
    assert result.rows == plain.rows


# The empty text is in every name and quote: the broadest search, sorted by thing, then "label" before "quote",
# then the text (a's English name "Same name" before "同名"; b's "乙" U+4E59 before "同" U+540C).
EVERYTHING = [
    ("a", "label", "Same name"),
    ("a", "label", "同名"),
    ("a", "quote", "甲引文"),
    ("b", "label", "乙"),
    ("b", "label", "同名"),
    ("b", "quote", "乙引文"),
    ("c", "label", "类案 SEARCH"),
    ("c", "quote", "a Case search"),
    ("d", "quote", "丁"),
]


def found_rows(result: QueryResult) -> list[tuple[str, str, str]]:
    return [
        (str(row["thing"].value).removeprefix(ZFR), str(row["where"].value), str(row["match"].value))  # type: ignore[union-attr]
        for row in result
    ]


@pytest.mark.parametrize("backend", ["oxigraph", "indexed"])
def test_pages_of_a_broad_search_are_the_whole_answers_rows(small: dict[str, Session], backend: str) -> None:
    session = small[backend]
    whole = session.run("search", {"text": ""})
    assert found_rows(whole) == EVERYTHING and not whole.more
    assert session.query(shipped_query("search").text, {"text": ""}).rows == whole.rows
    for limit in range(1, 11):
        for offset in range(0, 10):
            page = session.run("search", {"text": ""}, limit=limit, offset=offset)
            assert page.rows == whole.rows[offset : offset + limit], (limit, offset)
            assert page.more == (offset + limit < 9), (limit, offset)


def test_a_page_of_a_broad_search_asks_for_the_pairs_of_its_first_things_only(small: dict[str, Session]) -> None:
    shipped = shipped_query("search")
    assert shipped.narrowing is not None
    run = runner(small["oxigraph"])
    pairs = narrowed_values(shipped.narrowing, ox.Literal(""), shipped.text, run)  # type: ignore[arg-type]
    assert pairs is not None
    things = [(str(thing.value).removeprefix(ZFR), str(match.value)) for thing, match in pairs]  # type: ignore[union-attr]
    assert sorted(things) == sorted((thing, match) for thing, _, match in EVERYTHING)
    text = lexer.inject_values(shipped.text, {"text": '""'})
    asked: list[str] = []

    def recorded(query: str) -> QueryResult:
        asked.append(query)
        return run(query)  # type: ignore[operator,no-any-return]

    # Three rows: a's three pairs are enough, one query for them alone.
    page = narrowed_page(text, shipped.narrowing.targets, pairs, 3, 0, recorded)
    assert page is not None and found_rows(page) == EVERYTHING[:3]
    assert len(asked) == 1 and f"<{ZFR}a>" in asked[0] and f"<{ZFR}b>" not in asked[0]
    # Five rows from offset 1: a's three pairs and b's three.
    asked.clear()
    page = narrowed_page(text, shipped.narrowing.targets, pairs, 5, 1, recorded)
    assert page is not None and found_rows(page) == EVERYTHING[1:6]
    assert len(asked) == 1 and f"<{ZFR}b>" in asked[0] and f"<{ZFR}c>" not in asked[0]
    # A pair of no row ("aa" sorts between a and b) leaves the first query a row short: a second asks for twice
    # as many things (b, c, d), and the page is the same.
    asked.clear()
    extra = [*pairs, (ox.NamedNode(ZFR + "aa"), ox.Literal("无"))]
    page = narrowed_page(text, shipped.narrowing.targets, extra, 4, 0, recorded)
    assert page is not None and found_rows(page) == EVERYTHING[:4]
    assert len(asked) == 2 and f"<{ZFR}aa>" in asked[0] and f"<{ZFR}d>" in asked[1]
    # No more pairs than rows wanted (nine): the whole narrowed answer is about a page, asked whole by the caller.
    assert narrowed_page(text, shipped.narrowing.targets, pairs, 5, 4, recorded) is None
    assert narrowed_page(text, shipped.narrowing.targets, pairs, 8, 0, recorded) is not None
    # A key the answer is not sorted by first, or a pair without it: not paged here.
    assert narrowed_page(text, ("match",), [(match,) for _, match in pairs], 3, 0, recorded) is None
    assert narrowed_page(text, ("thing", "match"), [*pairs, (None, ox.Literal("x"))], 3, 0, recorded) is None


def test_narrowing_in_a_child_process_with_a_time_limit(small: dict[str, Session]) -> None:
    """A server's session runs each query in a child (isolate): the narrowing's queries run in one, timed."""
    session = connect(store=small["oxigraph"].store, timeout=30)
    assert facts(session.run("evidence-of", {"entity": "同名"})) == ["a", "b"]
    assert [str(row["match"].value) for row in session.run("search", {"text": "引文"})] == ["甲引文", "乙引文"]  # type: ignore[union-attr]


@pytest.mark.parametrize("province", ["湖南", "Jiangsu", "zfr:province-sichuan", "四川省"])
def test_who_supervises_whom_in_a_province_is_narrowed_to_its_organs(store_path: Path, province: str) -> None:
    """The province's organs are found first (one organ per province speaks in the seed); the answer is the
    query's own, row for row, and every row's organ is in that province."""
    shipped = shipped_query("who-supervises-whom")
    assert shipped.narrowing is not None and (shipped.narrowing.targets, shipped.narrowing.param) == (
        ("organ",),
        "province",
    )
    session = connect(store=store_path, isolate=False)
    value = term(province) if province.startswith("zfr:") else province
    narrowed = session.run("who-supervises-whom", {"province": value})
    plain = session.query(shipped.text, {"province": value})
    assert narrowed.rows == plain.rows and narrowed.rows
    short = {"湖南": "湖南", "Jiangsu": "江苏", "zfr:province-sichuan": "四川", "四川省": "四川"}[province]
    column = narrowed.variables.index("provName")
    assert {row[column].value for row in narrowed.rows} == {short}  # type: ignore[union-attr]
    assert session.run("who-supervises-whom", {"province": value}, limit=3).rows == plain.rows[:3]
