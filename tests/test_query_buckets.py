"""First pages asked by buckets of the first sort key (kg.sparql.buckets): every page is the whole answer's.

The shipped queries that declare ``# page-by`` are paged on the embedded store by
asking for the rows of the smallest key values only; these tests page them with
parameters bound and unbound and compare every page, and the pages put together,
with the whole answer of the same store asked in one go.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.namespaces import PREFIXES
from kg.query import Session, connect, shipped_queries, shipped_query
from kg.sparql import lexer
from kg.sparql.buckets import (
    CONFIRM_AT_ONCE,
    MAX_ROWS,
    PageBy,
    bucketed_page,
    first_order_keys,
    key_texts_query,
    page_by_header,
    page_by_unbound,
)
from kg.sparql.results import QueryResult
from kg.sparql.terms import param_term

PAGED = [
    "evidence-of",
    "province-measures",
    "measures-by-mechanism",
    "measures",
    "figures",
    "organs",
    "problems",
    "policy-documents",
    "figures-over-time",
    "who-supervises-whom",
    "who-checks-whom",
]

XSD = "http://www.w3.org/2001/XMLSchema#"

# (query, parameters): unbound, and bound to the example each query's header gives.
CASES = [
    ("evidence-of", {}),
    ("evidence-of", {"entity": "zfr:measure-jiangsu-mandatory-similar-case-search"}),
    ("evidence-of", {"entity": "证人出庭难"}),
    ("province-measures", {}),
    ("province-measures", {"province": "湖南"}),
    ("measures-by-mechanism", {}),
    ("measures-by-mechanism", {"mechanism": "类案检索"}),
    ("measures-by-mechanism", {"mechanism": "zfr:cat-legal-supervision"}),
    ("measures", {}),
    ("measures", {"province": "江苏"}),
    ("measures", {"province": "zfr:province-hunan"}),
    ("figures", {}),
    ("figures", {"province": "四川"}),
    ("organs", {}),  # two organs in no province: the first bucket
    ("problems", {}),
    ("policy-documents", {}),
    ("figures-over-time", {}),  # two rows on the curated graph, one area
    ("who-supervises-whom", {}),  # first key a plain string, "external" or "internal"
    ("who-supervises-whom", {"province": "广西"}),
    ("who-checks-whom", {}),
    ("who-checks-whom", {"relation": "检察"}),
    ("who-checks-whom", {"relation": "zfr:rel-internal"}),
]
# The whole answer holds more than this many rows (unbound parameters), so that it spans several buckets.
FEW_ROWS = {"figures-over-time": 1}


@pytest.fixture(scope="module")
def kg(store_path: Path) -> Session:
    return connect(store=store_path, isolate=False, timeout=None)


def raw_runner(store_path: Path | ox.Store) -> tuple[list[str], object]:
    """A runner for bucketed_page that records every query text it is given."""
    store = store_path if isinstance(store_path, ox.Store) else ox.Store.read_only(str(store_path))
    asked: list[str] = []

    def run(text: str) -> QueryResult:
        asked.append(text)
        answer = store.query(text)
        assert isinstance(answer, ox.QuerySolutions)
        variables = [v.value for v in answer.variables]
        return QueryResult(
            form="SELECT", variables=variables, rows=[tuple(s[i] for i in range(len(variables))) for s in answer]
        )

    return asked, run


def test_the_paged_queries_are_the_ones_declared_and_sort_by_their_key_first() -> None:
    declared = {q.name: q.page_by for q in shipped_queries() if q.page_by is not None}
    assert sorted(declared) == sorted(PAGED)
    assert declared["evidence-of"] == PageBy(("fact",), "?fact prov:wasDerivedFrom ?evidence")
    # The provinces come from the distinct ones of organs, filtered by the province asked for as the query does.
    provinces = (
        "{ SELECT DISTINCT ?prov WHERE { ?organ zf:inProvince ?prov } } FILTER(!BOUND(?province) || ?prov = ?province"
        " || EXISTS { ?prov zf:shortName|rdfs:label ?provinceName"
        " FILTER(LCASE(STR(?provinceName)) = LCASE(STR(?province))) })"
    )
    assert declared["province-measures"] == PageBy(
        ("prov", "measure"), "?organ zf:inProvince ?prov . ?measure zf:adoptedBy ?organ", firsts=provinces
    )
    assert declared["figures"].pattern == "?figure zf:aboutArea ?prov"
    assert declared["figures"].firsts == provinces.replace("?organ zf:inProvince", "?figure zf:aboutArea")
    assert declared["measures-by-mechanism"].variables == ("cat", "mech")
    for name, page_by in declared.items():
        text = shipped_query(name).text
        assert first_order_keys(text)[: len(page_by.variables)] == page_by.variables
        # The pattern is one of the query's own required patterns (so every row's keys are among its solutions),
        # or with a first key bound in an OPTIONAL, that OPTIONAL's first pattern.
        flat = " ".join(text.split())
        if name == "who-supervises-whom":
            # Its pattern gives more combinations than rows have (cheaper to find): the kinds come from
            # sub-selects, the relation from the same join as the query's own.
            assert page_by.pattern.split("} } } ")[-1] in flat
        elif name == "who-checks-whom":
            # The relations: the query's own pattern, for those some measure has only; then a province of any
            # organ, the first pattern of the OPTIONAL that binds the second key.
            # Filtered by the relation asked for as the query filters it, without its choice of the zh name.
            assert page_by.firsts is not None and page_by.unbound_at == 1
            assert page_by.firsts.startswith("?rel skos:notation ?relNotation ; skos:prefLabel ?relName . ")
            assert "WHERE { ?rel skos:notation ?relNotation ; skos:prefLabel ?relName . OPTIONAL {" in flat
            assert page_by.firsts.endswith(
                "FILTER(!BOUND(?relation) || ?rel = ?relation || CONTAINS(LCASE(STR(?relName)), LCASE(STR(?relation))))"
            )
            assert "(?rel = ?relation || CONTAINS(LCASE(STR(?relName)), LCASE(STR(?relation))))" in flat
            assert f"OPTIONAL {{ {page_by.pattern} ." in flat
        elif page_by.unbound is None:
            parts = page_by.pattern.split(" . ")  # or each of its triples, written with the subject's other ones
            assert page_by.pattern.rstrip(" .") in flat or all(part.split(" ", 1)[1] in flat for part in parts)
        else:
            assert f"OPTIONAL {{ {page_by.pattern.split(' . ')[0]} ." in flat


@pytest.mark.parametrize(("name", "given"), CASES, ids=[f"{n}-{'bound' if p else 'unbound'}" for n, p in CASES])
def test_pages_put_together_are_the_whole_answer(kg: Session, name: str, given: dict[str, str]) -> None:
    params = {key: param_term(value, PREFIXES) for key, value in given.items()}  # as the golden tests bind them
    # The engine's own whole answer (a shipped query's whole answer narrowed by a parameter is asked by buckets too).
    whole = kg.query(shipped_query(name).text, params)
    assert not whole.more
    assert kg.run(name, params).rows == whole.rows
    assert len(whole) > (FEW_ROWS.get(name, 30) if not params else 0)
    for size in (1, 7, 40):
        rows: list[tuple[object, ...]] = []
        offset = 0
        while True:
            part = kg.run(name, params, limit=size, offset=offset)
            assert part.variables == whole.variables
            assert part.rows == whole.rows[offset : offset + size], (size, offset)
            assert part.more == (offset + size < len(whole))
            rows.extend(part.rows)
            if not part.more or offset > 120:
                break
            offset += size
        assert rows == whole.rows[: len(rows)]
    last = kg.run(name, params, limit=len(whole) + 5)
    assert last.rows == whole.rows and not last.more


@pytest.mark.parametrize("name", PAGED)
def test_a_first_page_asks_only_for_the_smallest_keys(store_path: Path, kg: Session, name: str) -> None:
    shipped = shipped_query(name)
    assert shipped.page_by is not None
    whole = kg.run(name)
    asked, run = raw_runner(store_path)
    values = {param: "UNDEF" for param in shipped.params}
    page = bucketed_page(shipped.text, values, shipped.page_by, 5, 0, run)  # type: ignore[arg-type]
    assert page is not None and page.rows == whole.rows[:5]
    variables = shipped.page_by.variables
    names = " ".join(f"?{v}" for v in variables)
    rest = list(asked)
    # The first text reads the first key's values, as one text (one key) or one per row (the first of several keys,
    # or plain strings, which are read one per row after the text); the last asks for the rows of the smallest
    # keys only.
    # A pattern asked alone is given the parameters it uses (who-checks-whom's relations filtered by ?relation).
    # (measures, province-measures, figures: the provinces asked for, among the distinct ones).
    given = {
        "who-checks-whom": "VALUES ?relation { UNDEF } ",
        "measures": "VALUES ?province { UNDEF } ",
        "province-measures": "VALUES ?province { UNDEF } ",
        "figures": "VALUES ?province { UNDEF } ",
    }.get(name, "")
    firsts_pattern = given + (shipped.page_by.firsts or shipped.page_by.pattern)
    one_per_row = f"SELECT DISTINCT ?{variables[0]} WHERE {{ {firsts_pattern} }}"
    count = sample = concatenated = None
    if len(variables) == 1:
        assert rest[0].endswith(key_texts_query("", variables[0], firsts_pattern))
        count, sample, concatenated = run(rest.pop(0)).rows[0]  # type: ignore[operator]
    if isinstance(sample, ox.NamedNode):
        # IRIs: the sorted texts, confirmed to be IRIs of the pattern before a bucket asks for them.
        firsts = [f"<{text}>" for text in sorted(concatenated.value.split(" "))]
        assert str(len(firsts)) == count.value
        confirm = next(i for i, asked_text in enumerate(rest) if "(COUNT(*) AS ?found)" in asked_text)
        assert f"VALUES ?{variables[0]} {{ {' '.join(firsts[:CONFIRM_AT_ONCE])} }}" in rest.pop(confirm)
    else:
        assert len(variables) > 1  # every shipped query of one key sorts by IRIs
        assert rest[0].endswith(one_per_row)
        firsts = sorted(str(row[0]) for row in run(rest.pop(0)).rows)  # type: ignore[operator]
    assert len(firsts) > 1 and firsts[0].startswith(("<", '"'))
    if shipped.page_by.unbound is not None and shipped.page_by.unbound_at == 1:
        # Rows of the first value without the second key would come first: one solution of their pattern is
        # asked for (who-checks-whom: no measure of an organ in no province on the curated graph).
        probe = rest.pop(0)
        restricted = f"VALUES ?{variables[0]} {{ {firsts[0]} }}"
        assert probe.endswith(f"SELECT * WHERE {{ {restricted} {shipped.page_by.unbound} }} LIMIT 1")
        assert not run(probe).rows  # type: ignore[operator]
    elif shipped.page_by.unbound is not None:
        # Rows without the key would come first: one solution of their pattern is asked for, and if there is
        # one (organs: two national organs), those rows.
        probe = rest.pop(0)
        assert probe.endswith(f"SELECT * WHERE {{ {shipped.page_by.unbound} }} LIMIT 1")
        if run(probe).rows:  # type: ignore[operator]
            assert name == "organs"
            assert f"FILTER(!BOUND(?{variables[0]}))" in rest.pop(0)
    if len(variables) > 1:
        # Then the combinations of the keys, for the smallest first value only.
        assert f"WHERE {{ VALUES ?{variables[0]} {{ {firsts[0]} }} " in rest[0]
        keys = sorted(" ".join(str(t) for t in row) for row in run(rest.pop(0)).rows)  # type: ignore[operator]
    else:
        keys = firsts
    joined = f" {shipped.page_by.pattern} ." if shipped.page_by.unbound is not None else ""
    assert f"VALUES ({names}) {{ {' '.join(f'({k})' for k in keys[:1])} }}{joined}" in rest[0]


def test_rows_without_an_optional_key_are_the_first_bucket(store_path: Path) -> None:
    # measures sorts first by a province bound in an OPTIONAL. Give the store an organ in no
    # province, adopting a measure of its own (no quote) and a second one of a Jiangsu measure
    # (one quote): their two rows have no ?prov and come first.
    store = ox.Store()
    store.extend(ox.Store.read_only(str(store_path)))
    zf, zfr = PREFIXES["zf"], PREFIXES["zfr"]
    organ, own = ox.NamedNode(zfr + "organ-test-national"), ox.NamedNode(zfr + "measure-test-national")
    jiangsu = ox.NamedNode(zfr + "measure-jiangsu-mandatory-similar-case-search")
    for s, p, o in [
        (organ, ox.NamedNode(zf + "Organ"), None),
        (own, ox.NamedNode(zf + "Measure"), None),
        (own, ox.NamedNode(zf + "adoptedBy"), organ),
        (jiangsu, ox.NamedNode(zf + "adoptedBy"), organ),
    ]:
        rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
        store.add(ox.Quad(s, rdf_type, p) if o is None else ox.Quad(s, p, o))
    shipped = shipped_query("measures")
    assert shipped.page_by is not None and shipped.page_by.unbound is not None
    asked, run = raw_runner(store)
    for given in ({}, {"province": '"江苏"'}):
        values = {"province": "UNDEF", **given}
        whole = run(lexer.inject_values(shipped.text, values)).rows  # type: ignore[operator]
        unbound = [row for row in whole if row[0] is None]
        assert len(unbound) == (0 if given else 2) and whole[: len(unbound)] == unbound
        assert {row[2] for row in unbound} == ({own, jiangsu} if not given else set())
        for size in (1, 2, 3, 5, 40):
            for offset in range(0, 9):
                page = bucketed_page(shipped.text, values, shipped.page_by, size, offset, run)  # type: ignore[arg-type]
                assert page is not None and page.rows == whole[offset : offset + size], (given, size, offset)
    assert any("FILTER(!BOUND(?prov))" in text for text in asked)


def test_select_distinct_drops_a_row_repeated_in_a_later_bucket(store_path: Path, kg: Session) -> None:
    # ?s is not projected: rows of different subjects repeat the same type, which DISTINCT keeps once.
    text = "SELECT DISTINCT ?type WHERE { ?s a ?type FILTER(isIRI(?s)) } ORDER BY ?s"
    whole = kg.query(text)
    assert len(whole) == len(set(whole.rows)) > 3
    _, run = raw_runner(store_path)
    page_by = PageBy(("s",), "?s a ?type FILTER(isIRI(?s))")
    for offset in (0, 2, 5):
        page = bucketed_page(text, {}, page_by, 3, offset, run)  # type: ignore[arg-type]
        assert page is not None and page.rows == whole.rows[offset : offset + 3]


def test_when_buckets_do_not_apply_the_query_is_paged_whole(store_path: Path) -> None:
    _, run = raw_runner(store_path)
    sorted_by_literal = (
        "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } ORDER BY ?label"
    )
    by_label = PageBy(("label",), "?s <http://www.w3.org/2000/01/rdf-schema#label> ?label")
    assert bucketed_page(sorted_by_literal, {}, by_label, 5, 0, run) is None  # type: ignore[arg-type]
    by_subject = PageBy(("s",), "?s <http://www.w3.org/2000/01/rdf-schema#label> ?label")
    assert bucketed_page(sorted_by_literal, {}, by_subject, 5, 0, run) is None  # type: ignore[arg-type]
    assert bucketed_page(sorted_by_literal.replace("?label }", "?label } #"), {}, by_subject, None, 0, run) is None  # type: ignore[arg-type]
    assert bucketed_page(sorted_by_literal, {}, by_label, MAX_ROWS, 1, run) is None  # type: ignore[arg-type]


def test_the_first_sort_keys_and_the_header_line() -> None:
    assert first_order_keys("SELECT * WHERE { ?a ?b ?c } ORDER BY ?a ?b") == ("a", "b")
    assert first_order_keys("SELECT * WHERE { ?a ?b ?c } ORDER BY ASC(?b) ?a LIMIT 3") == ("b", "a")
    assert first_order_keys("SELECT * WHERE { ?a ?b ?c } ORDER BY ?c DESC(?a) ?b") == ("c",)
    assert first_order_keys("SELECT * WHERE { { SELECT ?a WHERE { ?a ?b ?c } ORDER BY ?a } }") == ()
    assert first_order_keys("SELECT * WHERE { ?a ?b ?c } ORDER BY STR(?a)") == ()
    fact = PageBy(("fact",), "?fact prov:wasDerivedFrom ?e")
    assert page_by_header("# page-by ?fact: ?fact prov:wasDerivedFrom ?e") == fact
    assert page_by_header("# page-by ?a ?b: ?a ?p ?b") == PageBy(("a", "b"), "?a ?p ?b")
    assert page_by_header("# Paging: a page …") is None
    assert page_by_header("# page-by unbound: ?a ?p ?b") is None
    assert page_by_unbound("# page-by unbound: ?a ?p ?b . MINUS { ?b ?q ?c }") == (
        None,
        "?a ?p ?b . MINUS { ?b ?q ?c }",
    )
    assert page_by_unbound("# page-by unbound ?b: ?a ?p ?c") == ("b", "?a ?p ?c")
    assert page_by_unbound("# page-by ?a: ?a ?p ?b") is None
    # A second line of more keys: the first line's pattern gives the first key's values, the second the combinations.
    first, both = PageBy(("a",), "?a ?p ?x"), PageBy(("a", "b"), "?b ?q ?y")
    assert first.refined(both) == PageBy(("a", "b"), "?b ?q ?y", firsts="?a ?p ?x")
    assert first.refined(both).with_unbound("b", "?a ?r ?z") == PageBy(
        ("a", "b"), "?b ?q ?y", "?a ?r ?z", unbound_at=1, firsts="?a ?p ?x"
    )
    assert both.with_unbound(None, "?a ?r ?z") == PageBy(("a", "b"), "?b ?q ?y", "?a ?r ?z")
    with pytest.raises(ValueError, match="first key alone"):
        both.refined(PageBy(("a", "b", "c"), "?c ?q ?y"))
    with pytest.raises(ValueError, match="first key alone"):
        first.refined(PageBy(("b", "a"), "?b ?q ?a"))
    # One key twice: its values from the first line, the second joined to the query; another key alone is an error.
    assert first.refined(PageBy(("a",), "?a ?q ?y")) == PageBy(("a",), "?a ?q ?y", firsts="?a ?p ?x")
    with pytest.raises(ValueError, match="first key alone"):
        first.refined(PageBy(("b",), "?b ?q ?y"))
    with pytest.raises(ValueError, match="needs a line of the first key's values"):
        both.with_unbound("b", "?a ?r ?z")  # its combinations would miss the first values of rows without ?b
    with pytest.raises(ValueError, match="only the first key, or the second"):
        first.refined(PageBy(("a", "b", "c"), "?c ?q ?y")).with_unbound("c", "?a ?r ?z")
    with pytest.raises(ValueError, match="only the first key, or the second"):
        first.with_unbound("b", "?a ?r ?z")
    measures = shipped_query("measures").page_by
    assert measures == PageBy(
        ("prov", "measure"),
        "?organ zf:inProvince ?prov . ?measure zf:adoptedBy ?organ",
        "?measure zf:adoptedBy ?organ . MINUS { ?organ zf:inProvince ?anyProvince }",
        firsts=shipped_query("province-measures").page_by.firsts,  # type: ignore[union-attr]
    )


# who-checks-whom on a graph small enough to work out by hand: two relations, two provinces, and an organ in
# no province (o0) whose measures have no ?prov. Each measure has one row (no unit, no other organ: the
# adopting organ checks; m6 names the organ it checks).
CHECKS_GRAPH = """
@prefix zf: <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr: <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
zfr:rel-a skos:notation "1" ; skos:prefLabel "甲监督"@zh, "alpha"@en .
zfr:rel-b skos:notation "2" ; skos:prefLabel "乙监督"@zh, "beta"@en .
zfr:p1 zf:shortName "一省"@zh .
zfr:p2 zf:shortName "二省"@zh .
zfr:o0 rdfs:label "国家机关"@zh .
zfr:o1 zf:inProvince zfr:p1 ; rdfs:label "一省机关"@zh .
zfr:o2 zf:inProvince zfr:p2 ; rdfs:label "二省机关"@zh .
zfr:m1 a zf:Measure ; zf:supervisionRelation zfr:rel-a ; zf:adoptedBy zfr:o2 ; rdfs:label "措施一"@zh .
zfr:m2 a zf:Measure ; zf:supervisionRelation zfr:rel-a ; zf:adoptedBy zfr:o0 ; rdfs:label "措施二"@zh .
zfr:m3 a zf:Measure ; zf:supervisionRelation zfr:rel-a ; zf:adoptedBy zfr:o1 ; rdfs:label "措施三"@zh .
zfr:m4 a zf:Measure ; zf:supervisionRelation zfr:rel-b ; zf:adoptedBy zfr:o0 ; rdfs:label "措施四"@zh .
zfr:m5 a zf:Measure ; zf:supervisionRelation zfr:rel-b ; zf:adoptedBy zfr:o1 ; rdfs:label "措施五"@zh .
zfr:m6 a zf:Measure ; zf:supervisionRelation zfr:rel-a ; zf:adoptedBy zfr:o1 ; zf:supervisesOrgan zfr:o2 ;
    rdfs:label "措施六"@zh .
zfr:m7 a zf:Measure ; zf:supervisionRelation zfr:rel-b ; zf:adoptedBy zfr:o2 ; rdfs:label "措施七"@zh .
"""


def test_rows_without_a_second_key_come_first_within_their_first_key() -> None:
    # who-checks-whom sorts by relation, then by a province bound in an OPTIONAL: within each relation the
    # measures of the organ in no province (m2 for "1", m4 for "2") come first, then province p1, then p2.
    store = ox.Store()
    store.load(CHECKS_GRAPH.encode(), ox.RdfFormat.TURTLE)
    shipped = shipped_query("who-checks-whom")
    assert shipped.page_by is not None and shipped.page_by.unbound_at == 1
    asked, run = raw_runner(store)
    by_hand = {
        "UNDEF": [
            ("1", None, "m2", "o0", None),
            ("1", "一省", "m3", "o1", None),
            ("1", "一省", "m6", "o1", "o2"),
            ("1", "二省", "m1", "o2", None),
            ("2", None, "m4", "o0", None),
            ("2", "一省", "m5", "o1", None),
            ("2", "二省", "m7", "o2", None),
        ],
        '"乙"': [("2", None, "m4", "o0", None), ("2", "一省", "m5", "o1", None), ("2", "二省", "m7", "o2", None)],
    }
    # Relation "1" by IRI and by its English name in other case; both by the part "监督" of their names.
    alpha = by_hand["UNDEF"][:4]
    by_hand.update({"<https://w3id.org/zhengfa-kg/id/rel-a>": alpha, '"ALPHA"': alpha, '"监督"': by_hand["UNDEF"]})
    asked_for = {"UNDEF": ("1", "2"), '"乙"': ("2",), '"监督"': ("1", "2")}
    for relation, expected in by_hand.items():
        values = {"relation": relation}
        whole = run(lexer.inject_values(shipped.text, values))  # type: ignore[operator]
        short = [
            tuple(None if term is None else term.value.rsplit("/", 1)[-1] for term in row)
            for row in whole.rows  # type: ignore[attr-defined]
        ]
        columns = [whole.variables.index(name) for name in ("relNotation", "provName", "measure", "checker", "checked")]  # type: ignore[attr-defined]
        assert [tuple(row[i] for i in columns) for row in short] == expected
        asked.clear()
        for size in (1, 2, 3, 4, 8):
            for offset in range(0, len(expected) + 1):
                page = bucketed_page(shipped.text, values, shipped.page_by, size, offset, run)  # type: ignore[arg-type]
                assert page is not None and page.rows == whole.rows[offset : offset + size], (relation, size, offset)  # type: ignore[attr-defined]
        # Rows without a province were asked for relation by relation, their own pattern joined, ?prov unbound
        # last; only for the relations asked for (the relations' pattern is given ?relation: "乙" names "2" only).
        unbound = [text for text in asked if "FILTER(!BOUND(?prov))" in text]
        notations = asked_for.get(relation, ("1",))
        for notation in ("1", "2"):
            wanted = any(
                f'VALUES (?relNotation) {{ ("{notation}") }} ?measure zf:adoptedBy' in text for text in unbound
            )
            assert wanted == (notation in notations), (relation, notation)
            assert any(f'VALUES ?relNotation {{ "{notation}" }}' in text for text in asked) == (notation in notations)


def _store_of(triples: list[tuple[str, str, str]]) -> ox.Store:
    """A store of N-Triples-like (subject, predicate, object) texts."""
    store = ox.Store()
    store.load("".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode(), ox.RdfFormat.N_TRIPLES)
    return store


def test_iris_read_as_one_text_sort_code_point_by_code_point_as_the_engine_does() -> None:
    # Fact IRIs whose texts nest (one is the start of the next ones), worked out by hand in code point order:
    # "-" (U+2D) < "/" (U+2F) < "A" (U+41) < "a" (U+61) < "é" (U+E9) < "中" (U+4E2D) < "Ａ" (U+FF21) < "𠀀"
    # (U+20000; in UTF-16 it would sort before "Ａ"), and a text sorts before every longer text it starts.
    by_hand = [
        ("e", 1),
        ("f", 1),
        ("f", 2),
        ("f/A", 1),
        ("f/a", 1),
        ("f/a-b", 1),
        ("f/a/b", 1),
        ("f/a/b", 2),
        ("f/a/b", 3),
        ("f/a/b/c", 1),
        ("f/ab", 1),
        ("f/z", 1),
        ("f/é", 1),
        ("f/中", 1),
        ("f/Ａ", 1),
        ("f/𠀀", 1),
    ]
    base, n = "http://example.org/", "<http://example.org/n>"
    shuffled = by_hand[2::3] + by_hand[::3] + by_hand[1::3]
    assert sorted(shuffled) == by_hand
    store = _store_of(
        [(f"<{base}{fact}>", n, f'"{value}"^^<http://www.w3.org/2001/XMLSchema#integer>') for fact, value in shuffled]
    )
    text = f"PREFIX ex: <{base}>\nSELECT ?fact ?n WHERE {{ ?fact ex:n ?n }} ORDER BY ?fact ?n"
    expected = [
        (ox.NamedNode(base + fact), ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer")))
        for fact, value in by_hand
    ]
    asked, run = raw_runner(store)
    assert run(text).rows == expected  # type: ignore[operator]  # the engine's own order is the one worked out by hand
    page_by = PageBy(("fact",), "?fact ex:n ?n")
    for size in (1, 2, 3, 5, 16):
        for offset in range(len(by_hand) + 1):
            asked.clear()
            page = bucketed_page(text, {}, page_by, size, offset, run)  # type: ignore[arg-type]
            assert page is not None and page.rows == expected[offset : offset + size], (size, offset)
            # The values came as one text, confirmed IRIs once (13 values: one batch), never read one per row.
            assert "GROUP_CONCAT(STR(?fact)" in asked[0]
            assert sum("(COUNT(*) AS ?found)" in query for query in asked) == 1
            assert not any("SELECT DISTINCT ?fact WHERE { ?fact ex:n ?n }" == query.split("\n")[-1] for query in asked)


@pytest.mark.parametrize(
    "others",
    [
        ['"http://example.org/k0"'],  # a literal whose text is an IRI's, sorting first
        ['"http://example.org/k1"'],  # the same text as an IRI value
        ['"a b"'],  # a text holding the separator
        ['"zzz"'],  # not an IRI's text
        ["_:b1"],  # a blank node (no text)
        ['"1"^^<http://www.w3.org/2001/XMLSchema#integer>'],
    ],
)
def test_key_values_of_several_kinds_are_paged_whole(others: list[str]) -> None:
    iris = [f"<http://example.org/k{i}>" for i in range(1, 4)]
    store = _store_of([("<http://example.org/s>", "<http://example.org/k>", key) for key in iris + others])
    text = "SELECT ?key WHERE { <http://example.org/s> <http://example.org/k> ?key } ORDER BY ?key"
    _, run = raw_runner(store)
    page_by = PageBy(("key",), "<http://example.org/s> <http://example.org/k> ?key")
    for size, offset in ((1, 0), (2, 1), (10, 0)):
        assert bucketed_page(text, {}, page_by, size, offset, run) is None  # type: ignore[arg-type]


def test_plain_string_values_are_read_one_per_row_and_sorted_by_their_text() -> None:
    # "a b" holds the separator, "a" starts it: by hand, "" < "a" < "a b" < "ab" < "b".
    keys = ['"b"', '"a b"', '""', '"ab"', '"a"']
    store = _store_of([("<http://example.org/s>", "<http://example.org/k>", key) for key in keys])
    text = "SELECT ?key WHERE { <http://example.org/s> <http://example.org/k> ?key } ORDER BY ?key"
    expected = [(ox.Literal(value),) for value in ("", "a", "a b", "ab", "b")]
    asked, run = raw_runner(store)
    assert run(text).rows == expected  # type: ignore[operator]
    page_by = PageBy(("key",), "<http://example.org/s> <http://example.org/k> ?key")
    for size, offset in ((1, 0), (2, 1), (2, 3), (10, 0)):
        page = bucketed_page(text, {}, page_by, size, offset, run)  # type: ignore[arg-type]
        assert page is not None and page.rows == expected[offset : offset + size]
    assert any(query.startswith("SELECT DISTINCT ?key WHERE") for query in asked)


def test_a_page_reads_one_opening_of_the_store(store_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Every query of a page reads the same state of the store, opened once (not once per bucket).
    import kg.query

    opened: list[object] = []
    real_open = kg.query._open_store

    def counted(path: Path | None) -> ox.Store:
        opened.append(path)
        return real_open(path)

    monkeypatch.setattr(kg.query, "_open_store", counted)
    session = connect(store=store_path, isolate=False, timeout=30)
    page = session.run("evidence-of", limit=40)
    assert len(page) == 40 and page.more
    assert len(opened) == 1
