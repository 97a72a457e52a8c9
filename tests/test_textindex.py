"""The text index kg build writes into the store (kg.textindex): what it proposes, when it declines, and that
an answer narrowed from it is the answer the store's own scan gives.

Expectations by hand, from the seed: the seed text holds "证人出庭难" once, in the sentence
"针对证人出庭难,制定出庭补助标准,健全出庭保障机制", which is a quote of the graph; ontology/facts/hunan.ttl
names one problem "证人出庭难"@zh (skos:prefLabel) and no rdfs:label or altLabel holds it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from kg.build import BuildResult, build
from kg.query import connect, shipped_query
from kg.serve.engine import Limits, QueryEngine
from kg.sparql.narrowing import narrowed_values
from kg.sparql.results import QueryResult
from kg.textindex import INDEX_FILE, INDEXED, TextIndex, declared_prefixes, indexed_line, write_text_index

LABEL, PREF, ALT, EXACT = INDEXED
PREFIXES = {"rdfs": LABEL.removesuffix("label"), "oa": EXACT.removesuffix("exact")}


@pytest.fixture(scope="module")
def index(store_path: Path) -> TextIndex:
    found = TextIndex.of_store(store_path.resolve())
    assert found is not None
    return found


@pytest.fixture(scope="module")
def unindexed(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the seed store without its index: the engine scans, as before the index."""
    copy = tmp_path_factory.mktemp("unindexed") / "store"
    shutil.copytree(store_path.resolve(), copy, ignore=shutil.ignore_patterns(INDEX_FILE))
    assert TextIndex.of_store(copy) is None
    return copy


def test_kg_build_writes_the_index_of_its_store(built: BuildResult, index: TextIndex) -> None:
    assert (built.outputs["store"] / INDEX_FILE).is_file()
    assert sorted(index.sections) == sorted(INDEXED)


def test_hand_worked_candidates(index: TextIndex) -> None:
    assert index.candidates(PREF, "证人出庭难") == ['"证人出庭难"@zh']
    assert index.candidates(EXACT, "证人出庭难") == ['"针对证人出庭难,制定出庭补助标准,健全出庭保障机制"']
    assert index.candidates(LABEL, "证人出庭难") == [] and index.candidates(ALT, "证人出庭难") == []


@pytest.mark.parametrize(
    "text", ["类案", "检察", "CASE", "Procuratorial", "证人出庭难", "机制", "2020", "", "无此文字"]
)
def test_the_candidates_hold_every_object_that_contains_the_text(store_path: Path, index: TextIndex, text: str) -> None:
    store = ox.Store.read_only(str(store_path))
    for predicate in INDEXED:
        everything = {str(o) for (o,) in store.query(f"SELECT DISTINCT ?o WHERE {{ ?s <{predicate}> ?o }}")}  # type: ignore[misc]
        containing = store.query(
            f"SELECT DISTINCT ?o WHERE {{ ?s <{predicate}> ?o FILTER(CONTAINS(LCASE(STR(?o)), LCASE({ox.Literal(text)}))) }}"
        )
        candidates = index.candidates(predicate, text)
        assert candidates is not None
        assert {str(o) for (o,) in containing} <= set(candidates) <= everything  # type: ignore[misc]


def test_the_index_declines_what_it_cannot_say(index: TextIndex, monkeypatch: pytest.MonkeyPatch) -> None:
    # Written escaped in the index (\" \\ \n): a text holding them is left to the engine.
    for text in ['"form menus"', "a\\b", "一\n二", "\t"]:
        assert index.candidates(LABEL, text) is None
    assert index.candidates("http://www.w3.org/2000/01/rdf-schema#comment", "类案") is None
    monkeypatch.setattr("kg.textindex.MAX_CANDIDATES", 3)
    assert index.candidates(LABEL, "类案") is None  # 12 labels: more than the store's scan would cost
    assert index.candidates(PREF, "证人出庭难") == ['"证人出庭难"@zh']


def test_the_shipped_lines_the_index_answers() -> None:
    search, evidence = shipped_query("search"), shipped_query("evidence-of")
    assert search.narrowing is not None and evidence.narrowing is not None
    lines = [indexed_line(p, "text", PREFIXES | declared_prefixes(search.text)) for p in search.narrowing.patterns]
    assert [(line.predicate, line.test) if line else None for line in lines] == [
        (LABEL, "contains"),
        (PREF, "contains"),
        (ALT, "contains"),
        (EXACT, "contains"),
    ]
    lines = [indexed_line(p, "entity", declared_prefixes(evidence.text)) for p in evidence.narrowing.patterns]
    assert [(line.predicate, line.test) if line else None for line in lines] == [
        None,  # BIND(?entity AS ?fact): no text
        (LABEL, "equals"),
        (PREF, "equals"),
    ]


@pytest.mark.parametrize(
    "pattern",
    [
        "?t rdfs:label ?m FILTER(CONTAINS(STR(?m), STR(?text)))",  # case-sensitive: not the form
        "?t rdfs:comment ?m FILTER(CONTAINS(LCASE(STR(?m)), LCASE(STR(?text))))",  # not indexed
        "?t rdfs:label ?text FILTER(CONTAINS(LCASE(STR(?text)), LCASE(STR(?text))))",  # the parameter as object
        "?t nope:label ?m FILTER(CONTAINS(LCASE(STR(?m)), LCASE(STR(?text))))",  # an undeclared prefix
        "?t rdfs:label ?m FILTER(CONTAINS(LCASE(STR(?other)), LCASE(STR(?text))))",  # another variable's text
        "?t rdfs:label ?m FILTER(!CONTAINS(LCASE(STR(?m)), LCASE(STR(?text))))",  # negated
        "?t rdfs:label ?m FILTER(CONTAINS(LCASE(STR(?m)), LCASE(STR(?text))) || true)",  # widened
    ],
)
def test_lines_the_index_does_not_answer(pattern: str) -> None:
    assert indexed_line(pattern, "text", PREFIXES) is None


def test_the_narrowing_starts_from_the_candidates(store_path: Path, index: TextIndex) -> None:
    shipped = shipped_query("search")
    assert shipped.narrowing is not None
    session = connect(store=store_path, isolate=False, timeout=None)
    asked: list[str] = []

    def run(query: str) -> QueryResult:
        asked.append(query)
        return session.query(query)

    value = ox.Literal("证人出庭难")
    with_index = narrowed_values(shipped.narrowing, value, shipped.text, run, index, session.prefixes)
    # Labels and altLabels: no candidate, no query; the prefLabel and the quote start from their one candidate.
    assert len(asked) == 2
    assert asked[0].count('VALUES ?match { "证人出庭难"@zh }') == 1
    assert asked[1].count('VALUES ?match { "针对证人出庭难,制定出庭补助标准,健全出庭保障机制" }') == 1
    assert with_index == narrowed_values(shipped.narrowing, value, shipped.text, session.query)
    # The problem by its name; the sentence is the quote of the problem, of the measure and of the policy.
    quote = "针对证人出庭难,制定出庭补助标准,健全出庭保障机制"
    assert sorted((str(thing.value).rsplit("/", 1)[1], str(match.value)) for thing, match in with_index or []) == [  # type: ignore[union-attr]
        ("measure-hunan-court-appearance-guarantee-mechanism", quote),
        ("policy-hunan-court-appearance-allowance-standard", quote),
        ("problem-witness-appearance-difficulty", "证人出庭难"),  # 证 U+8BC1 before 针 U+9488
        ("problem-witness-appearance-difficulty", quote),
    ]


CASES = [
    ("search", {"text": "类案"}),
    ("search", {"text": "CASE"}),
    ("search", {"text": "证人出庭难"}),
    ("search", {"text": '"form menus"'}),  # declined: the store scans
    ("search", {"text": "无此文字"}),
    ("evidence-of", {"entity": "证人出庭难"}),
    ("evidence-of", {"entity": "difficulty getting witnesses to testify in court"}),
    ("evidence-of", {"entity": "强制类案检索"}),
]


@pytest.mark.parametrize(("name", "params"), CASES)
@pytest.mark.parametrize("page", [None, 2])
def test_answers_with_and_without_the_index_are_the_same(
    store_path: Path, unindexed: Path, name: str, params: dict[str, str], page: int | None
) -> None:
    indexed = connect(store=store_path, isolate=False, timeout=None).run(name, params, limit=page)
    scanned = connect(store=unindexed, isolate=False, timeout=None).run(name, params, limit=page)
    assert indexed.rows == scanned.rows and indexed.more == scanned.more


def test_evidence_of_a_problem_by_its_name(store_path: Path) -> None:
    answer = connect(store=store_path, isolate=False, timeout=None).run("evidence-of", {"entity": "证人出庭难"})
    assert [(str(row["fact"].value).rsplit("/", 1)[1], str(row["quote"].value)) for row in answer] == [  # type: ignore[union-attr]
        ("problem-witness-appearance-difficulty", "针对证人出庭难,制定出庭补助标准,健全出庭保障机制")
    ]


def test_a_store_written_since_is_scanned(store_path: Path, tmp_path: Path) -> None:
    copy = tmp_path / "store"
    shutil.copytree(store_path.resolve(), copy)
    assert TextIndex.of_store(copy) is not None
    store = ox.Store(str(copy))
    store.add(
        ox.Quad(ox.NamedNode("https://w3id.org/zhengfa-kg/id/added"), ox.NamedNode(LABEL), ox.Literal("新增类案名称"))
    )
    store.flush()
    del store
    assert TextIndex.of_store(copy) is None  # the store's files changed: the index is not its own any more
    answer = connect(store=copy, isolate=False, timeout=None).run("search", {"text": "新增类案"})
    assert [str(row["thing"].value) for row in answer] == ["https://w3id.org/zhengfa-kg/id/added"]  # type: ignore[union-attr]
    write_text_index(copy)  # written again for the store as it is now
    index = TextIndex.of_store(copy)
    assert index is not None and index.candidates(LABEL, "新增类案") == ['"新增类案名称"']


def test_kg_build_of_a_store_elsewhere_writes_its_index(tmp_path: Path) -> None:
    result = build(out_dir=tmp_path / "dist", store=tmp_path / "elsewhere", validate=False)
    index = TextIndex.of_store(result.outputs["store"].resolve())
    assert index is not None and index.candidates(PREF, "证人出庭难") == ['"证人出庭难"@zh']


def test_the_server_narrows_from_the_index(store_path: Path) -> None:
    engine = QueryEngine(store_path, Limits())
    assert engine._text_index is not None and engine._text_index.path == store_path.resolve() / INDEX_FILE


def test_every_line_kg_build_wrote_is_one_term(index: TextIndex) -> None:
    for predicate in INDEXED:
        assert index.candidates(predicate, "") is not None  # the empty text: every line of the seed's index


def test_an_index_line_that_is_not_one_term_is_not_used(store_path: Path, unindexed: Path, tmp_path: Path) -> None:
    # Lines go into a query's text: a file not as kg build wrote it (here a line that closes the VALUES block and
    # calls a service) is declined, and the engine scans.
    copy = tmp_path / "store"
    shutil.copytree(store_path.resolve(), copy, ignore=shutil.ignore_patterns(INDEX_FILE))
    lines = b'"\xe7\xb1\xbb\xe6\xa1\x88"\t"x" } SERVICE <http://example.org/sparql> { ?s ?p ?o\n'
    write_text_index(copy, (lines, {predicate: [0, len(lines)] for predicate in INDEXED}))
    index = TextIndex.of_store(copy)
    assert index is not None and index.candidates(LABEL, "类案") is None
    answer = connect(store=copy, isolate=False, timeout=None).run("search", {"text": "类案"})
    scanned = connect(store=unindexed, isolate=False, timeout=None).run("search", {"text": "类案"})
    assert answer.rows == scanned.rows and len(answer.rows) > 20  # the store's scan answers
