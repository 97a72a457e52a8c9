"""The shipped queries: each one's full answer on the seed graph, on both backends.

The expected answers live in ``tests/golden/queries/*.tsv`` (rewrite them with
``python -m tests.golden.regenerate`` after changing facts, and review the diff
against the source text). Numbers are compared by value.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

import pytest

from kg.namespaces import PREFIXES
from kg.query import Session, shipped_queries, shipped_query, term
from kg.sparql.check import check_query
from kg.sparql.lexer import has_top_level_order_by, tokens

HERE = Path(__file__).resolve().parent


def _load_regenerate() -> ModuleType:
    # Loaded by path: the helper is also run as `python -m tests.golden.regenerate`.
    spec = importlib.util.spec_from_file_location("golden_regenerate", HERE / "golden" / "regenerate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


golden = _load_regenerate()
GOLDEN_FILES = sorted(golden.GOLDEN_DIR.glob("*.tsv"))


@pytest.fixture(scope="module")
def memory() -> Session:
    return Session(backend="memory", timeout=None)


@pytest.fixture(scope="module")
def oxigraph(store_path: Path) -> Session:
    return Session(backend="oxigraph", store=store_path)


def test_every_case_has_a_golden_file_and_every_golden_file_a_case() -> None:
    expected = {golden.GOLDEN_DIR / f"{q}{'.' + c if c else ''}.tsv" for q, c, _ in golden.all_cases()}
    assert expected == set(GOLDEN_FILES)


@pytest.mark.parametrize("backend", ["memory", "oxigraph"])
@pytest.mark.parametrize("path", GOLDEN_FILES, ids=[p.stem for p in GOLDEN_FILES])
def test_the_answer_is_the_golden_answer(path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    session = request.getfixturevalue(backend)
    want = golden.parse_golden(path)
    got = golden.answer(session, want.query, want.params)
    assert got.variables == want.variables
    if want.ordered:
        assert got.rows == want.rows
    else:
        assert Counter(got.rows) == Counter(want.rows)


@pytest.mark.parametrize(("query", "params"), [(q, p) for q, _, p in golden.all_cases()])
def test_memory_and_oxigraph_give_the_same_answer(memory: Session, oxigraph: Session, query: str, params: dict) -> None:
    bindings = {k: term(v) for k, v in params.items()}
    a, b = memory.run(query, bindings), oxigraph.run(query, bindings)
    assert a.variables == b.variables
    assert golden.canonical_rows(a, PREFIXES) == golden.canonical_rows(b, PREFIXES)


def test_the_twelve_competency_questions_ship() -> None:
    numbers = sorted(q.competency for q in shipped_queries() if q.competency)
    assert numbers == list(range(1, 13))


@pytest.mark.parametrize("query", [q.name for q in shipped_queries()])
def test_a_shipped_query_is_portable_and_documented(query: str) -> None:
    shipped = shipped_query(query)
    text = shipped.text
    assert text.startswith("# "), "a shipped query begins with a comment stating its question"
    assert shipped.question.endswith(("?", ".", ")")) and shipped.question_zh
    # Self-contained: it parses with no predeclared prefixes (copy it into any SPARQL client).
    checked = check_query(text, prefixes={})
    assert checked.form == "SELECT" and not checked.services and not checked.from_graphs
    assert has_top_level_order_by(text), "ORDER BY makes the output deterministic"
    variables = {t.text[1:] for t in tokens(text) if t.kind == "var"}
    assert set(shipped.params) <= variables
    # Portable to Virtuoso: no * or + property paths, no sameTerm (Virtuoso 7.2 mis-evaluates it).
    assert not any(t.text in ("*", "+") and t.kind == "punct" for t in tokens(text.split("WHERE", 1)[1]))
    assert "sameTerm" not in text


def test_the_data_checks_find_nothing(oxigraph: Session) -> None:
    checks = [q for q in shipped_queries() if q.is_check]
    assert len(checks) >= 5
    for check in checks:
        assert len(oxigraph.run(check.name)) == 0, check.name


# A few answers spelled out, so that a reader sees what the goldens hold.


def test_who_spoke_holding_which_post(oxigraph: Session) -> None:
    rows = oxigraph.run("speakers").records()
    assert [(r["speakerName"], r["postLabel"], r["organLabel"]) for r in rows] == [
        ("李殿勋", "湖南省委常委", "湖南省委政法委"),
        ("李殿勋", "湖南省委政法委书记", "湖南省委政法委"),
        ("夏道虎", "江苏省高级人民法院院长", "江苏省高级人民法院"),
        ("崔智友", "广西壮族自治区人民检察院检察长", "广西壮族自治区人民检察院"),
        ("郭瑞民", "贵州省公安厅厅长", "贵州省公安厅"),
        ("郭瑞民", "贵州省副省长", "贵州省公安厅"),
        ("刘志诚", "四川省司法厅厅长", "四川省司法厅"),
    ]
    assert {r["eventLabel"] for r in rows} == {"政法领域全面深化改革推进视频会"}


def test_figures_over_time_pair_2013_with_2020(oxigraph: Session) -> None:
    from decimal import Decimal

    rows = {
        (r["beforePeriod"], r["beforeValue"], r["afterPeriod"], r["afterValue"], r["change"])
        for r in oxigraph.run("figures-over-time").records()
    }
    assert ("2013年", Decimal("92.59"), "2020年", Decimal("99.15"), Decimal("6.56")) in rows
    assert len(rows) == 2


def test_party_leadership_is_the_one_category_unique_to_a_province(oxigraph: Session) -> None:
    unique = {
        (r["catLabel"], r["provName"]) for r in oxigraph.run("shared-categories").records() if r["sharing"] == "unique"
    }
    assert unique == {("党委领导与统筹推进", "湖南")}


def test_the_user_guide_lists_every_shipped_query() -> None:
    guide = (HERE.parent / "docs" / "querying.md").read_text(encoding="utf-8")
    missing = [q.name for q in shipped_queries() if f"`{q.name}`" not in guide]
    assert missing == []


def test_who_checks_whom_inside_a_court_and_from_another_organ(oxigraph: Session) -> None:
    """江苏: 审管办 and 监察部门 (细分监管事务), 专业法官会议 and 审委会 (加强宏观督导) check inside the courts;
    四川: the procuratorates carry out the 派驻+巡回 supervision the prisons accept (a checker from another organ)."""
    internal = oxigraph.run("who-checks-whom", {"relation": "内部"}).records()
    units = {(r["checkerLabel"], r["measure"].rsplit("-", 1)[-1]) for r in internal if r["checkerKind"] == "unit"}
    assert units == {
        ("审判管理办公室（审管办）", "labour"),
        ("监察部门", "labour"),
        ("专业法官会议", "meeting"),
        ("审判委员会（审委会）", "functions"),
    }
    assert {r["scope"] for r in internal} == {"within an organ"}
    procuratorial = oxigraph.run("who-checks-whom", {"relation": "检察"}).records()
    other = {(r["checkerLabel"], r["checkedLabel"]) for r in procuratorial if r["checkerKind"] == "other organ"}
    assert other == {("四川检察机关", "四川监狱"), ("四川检察机关", "监狱")}
    assert {r["scope"] for r in procuratorial} == {"across organs"}


def test_measures_under_a_speakers_own_heading(oxigraph: Session) -> None:
    """江苏 事前赋权明责: 重塑监管理念 (放权; 案件监督管理办法), 细化监管职责 (院长12项、庭长11项),
    优化监管模式 (细分监管事务); 四川 刑罚执行监督体系: 建立全业务标准 3, 实现全过程管控 2, 强化全覆盖监督 3."""
    before = oxigraph.run("measures-under-heading", {"heading": "事前"}).records()
    assert [(r["headingLabel"], r["frameLabel"]) for r in before] == [
        ("重塑监管理念", "事前"),
        ("重塑监管理念", "事前"),
        ("细化监管职责", "事前"),
        ("优化监管模式", "事前"),
    ]
    prison = oxigraph.run("measures-under-heading", {"heading": "刑罚执行"}).records()
    counts: dict[str, int] = {}
    for r in prison:
        counts[r["headingLabel"]] = counts.get(r["headingLabel"], 0) + 1
    assert counts == {"建立全业务标准": 3, "实现全过程管控": 2, "强化全覆盖监督": 3}
    frames = {r["headingLabel"]: r["frameLabel"] for r in prison}
    assert frames["实现全过程管控"] == "过程控制（重点）" and frames["强化全覆盖监督"] is None
