"""``kg compare``: the matrix on the seed graph (every cell, from reviewed goldens), explanations,
Jaccard similarity, shared/unique lists, and every output format parsed back."""

from __future__ import annotations

import csv
import importlib.util
import io
import json
import struct
import subprocess
import sys
import warnings
import xml.etree.ElementTree as ET
from fractions import Fraction
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg import compare
from kg.cli import app
from kg.compare import Adoptions
from kg.errors import InputError, UsageError
from kg.store import open_graph, open_store

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = ROOT / "tests" / "golden" / "compare"
SEED_TEXT = (ROOT / "seeds" / "000_c6000f12c74fa8d8.txt").read_text(encoding="utf-8")
PROVINCES = ["湖南", "江苏", "广西", "贵州", "四川"]
ZFR = "https://w3id.org/zhengfa-kg/id/"
MEMORY = ["--backend", "memory"]


def _load_regenerate():
    spec = importlib.util.spec_from_file_location("regenerate_compare_goldens", GOLDEN / "regenerate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


REGENERATE = _load_regenerate()


@pytest.fixture(scope="module")
def data(seed_graph: Graph) -> Adoptions:
    return compare.load(seed_graph)


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["compare", *args])
    return result.exit_code, result.stdout, result.stderr


def read_csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def golden_rows(name: str) -> list[list[str]]:
    return read_csv((GOLDEN / name).read_text(encoding="utf-8"))


def golden_sets(name: str) -> dict[str, set[str]]:
    """Column → the rows with at least one measure, read from a golden CSV."""
    header, *rows = golden_rows(name)
    return {col: {row[0] for row in rows if int(row[i]) > 0} for i, col in enumerate(header) if i}


# ---------------------------------------------------------------------------
# The matrix: every cell against the reviewed goldens
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(REGENERATE.GOLDENS))
def test_matrix_matches_golden_cell_by_cell(data: Adoptions, name: str) -> None:
    expected = golden_rows(name)
    actual = read_csv(REGENERATE.render(name, data))
    assert actual[0] == expected[0]
    assert [row[0] for row in actual] == [row[0] for row in expected], "rows differ"
    for want, got in zip(expected[1:], actual[1:], strict=True):
        assert got == want, f"row {want[0]}: expected {want[1:]}, got {got[1:]}"


def test_golden_shape_is_what_other_tools_read() -> None:
    header, *rows = golden_rows("province-category.csv")
    assert header == ["category", *PROVINCES]
    assert len(rows) == 12 and len({r[0] for r in rows}) == 12  # every category once, zeros included
    assert all(cell.isdigit() for row in rows for cell in row[1:])
    assert golden_rows("province-mechanism.csv")[0] == ["mechanism", *PROVINCES]
    assert golden_rows("province-category.en.csv")[0] == [
        "category",
        "Hunan",
        "Jiangsu",
        "Guangxi",
        "Guizhou",
        "Sichuan",
    ]


def test_reviewed_cells_of_the_category_matrix() -> None:
    """Cells checked by hand against the speeches (see the review notes in docs/compare.md)."""
    cells = {
        row[0]: dict(zip(PROVINCES, map(int, row[1:]), strict=True))
        for row in golden_rows("province-category.measures.csv")[1:]
    }
    # After the splitting rule and the review's corrections (issue 14), e.g. 湖南 党委领导: 报请省委出台意见;
    # 任务清单…纳入年度改革要点…清单式管理 (one measure); 执法监督实施细则…执法检查和案件评查 (one);
    # 纳入请示报告…考核…述职 (one) = 4. 四川 流程管控: 三核三审、逐级把关、责任倒查 = 1.
    assert cells["党委领导与统筹推进"] == {"湖南": 4, "江苏": 0, "广西": 0, "贵州": 0, "四川": 0}
    # 广西 7 → 6 (REVIEW-1): “持续更新检察监督理念,坚持“在办案中监督、在监督中办案”” is an idea, not a measure.
    assert cells["相互制约与法律监督"] == {"湖南": 3, "江苏": 0, "广西": 6, "贵州": 0, "四川": 1}
    # 江苏 5 → 4 (REVIEW-1): “设定案件审判24种标准流程67个流程节点、执行工作“854”模式37个流程节点” is one list, one
    # measure; “构建事前事中事后“闭环式”监管新模式” is the speaker's frame. Left: 24种情形…实时预警, 智能办案辅助系统…
    # 裁判结果自动监测预警, the process nodes, 裁判文书强制纠错制度.
    assert cells["流程管控与节点监控"] == {"湖南": 3, "江苏": 4, "广西": 0, "贵州": 4, "四川": 1}
    assert cells["诉讼权利保障与律师执业规范"] == {"湖南": 1, "江苏": 0, "广西": 0, "贵州": 0, "四川": 4}
    assert cells["科技赋能监督"] == {"湖南": 2, "江苏": 2, "广西": 2, "贵州": 6, "四川": 3}
    # REVIEW-2 S-1: 贵州 “落实办案质量终身负责制,对执法有过错的单位或个人严肃追责问责” is one measure (2 → 1).
    assert cells["司法责任与惩戒问责"] == {"湖南": 4, "江苏": 4, "广西": 2, "贵州": 1, "四川": 4}
    # REVIEW-2 T-2: 广西 “推动实现与侦查机关执法办案系统互联互通” is also 公检法办案数据衔接, like 贵州's platform (1 → 2:
    # with “共同制定加强监督实施细则,积极构建协作机制”).
    assert cells["协作配合与衔接机制"] == {"湖南": 1, "江苏": 0, "广西": 2, "贵州": 2, "四川": 4}


def test_a_narrower_mechanism_counts_as_the_mechanism_it_is_a_kind_of(data: Adoptions) -> None:
    """REVIEW-2 C-2, worked from the speeches: a measure reporting a mechanism and its narrower one reports one
    mechanism of the category, not two."""
    matrix = compare.build_matrix(data, by="category", count="mechanisms")
    cells = {(r.zh, c.zh): matrix.count(r.iri, c.iri) for r in matrix.rows for c in matrix.columns}
    # 江苏: 办案实时监控预警 (24种情形识别标注; 裁判结果自动监测预警), 流程节点监控 with its narrower 执行工作“854”模式
    # (one list: “设定案件审判24种标准流程67个流程节点、执行工作“854”模式37个流程节点”), 裁判文书强制纠错 = 3, not 4.
    assert cells[("流程管控与节点监控", "江苏")] == 3
    # 湖南: “三个规定” and 规范司法人员与律师交往, narrower than it (its rules include lawyer contacts) = 1, not 2.
    assert cells[("防止干预司法与廉政风险防控", "湖南")] == 1
    # The mechanism rows themselves still show each concept reported.
    by_mechanism = compare.build_matrix(data, by="mechanism", count="presence")
    jiangsu = next(c.iri for c in by_mechanism.columns if c.zh == "江苏")
    reported = {r.zh for r in by_mechanism.rows if by_mechanism.count(r.iri, jiangsu)}
    assert {"流程节点监控", "执行工作“854”模式"} <= reported
    # The cell's explanation gives both numbers, so that 4 measures beside a cell of 3 reads right.
    title = compare.render_explanation(compare.explain(data, "江苏", "流程管控与节点监控")).splitlines()[0]
    assert title == "江苏 × 流程管控与节点监控（机制类别）：4 项举措，3 个机制（下位机制计入其上位机制）"


def test_measures_per_province_and_distinct_counting(data: Adoptions) -> None:
    matrix = compare.build_matrix(data, count="measures")
    totals = {c.zh: matrix.column_total(c.iri) for c in matrix.columns}
    # REVIEW-1: 湖南 “三个规定”的配套制度 + “十二条禁令” one measure (−1); 江苏 the process nodes one (−1) and
    # “闭环式”监管新模式 a frame (−1); 广西 “在办案中监督、在监督中办案” an idea (−1). REVIEW-2: 贵州 终身负责制 and
    # its 追责 clause one measure (−1).
    assert totals == {"湖南": 31, "江苏": 13, "广西": 22, "贵州": 12, "四川": 29}
    assert matrix.grand_total() == len(data.measures) == 107
    # A measure implementing two mechanisms of one category counts once in that category.
    guizhou = next(c for c in matrix.columns if c.zh == "贵州").iri
    process = ZFR + "cat-process-control"
    centralised = ZFR + "measure-guizhou-110-centralised-incident-data"
    assert len([i for i in data.measures[centralised].implements if process in data.concepts[i].categories]) == 2
    assert centralised in matrix.measures(process, guizhou)
    assert not matrix.unplaced


def test_columns_follow_speech_order_and_rows_every_concept(data: Adoptions) -> None:
    assert [p.zh for p in data.provinces] == PROVINCES
    assert [p.en for p in data.provinces] == ["Hunan", "Jiangsu", "Guangxi", "Guizhou", "Sichuan"]
    by_mechanism = compare.build_matrix(data, count="measures", by="mechanism")
    # 86 before REVIEW-1; 11 specific mechanisms replace the links to a category, 事前事中事后闭环监管 is gone.
    assert len(by_mechanism.rows) == len(data.concepts) == 96
    # Each category comes first, then its mechanisms depth-first (one sits at the third level).
    depths = {r.iri: r.depth for r in by_mechanism.rows}
    assert depths[ZFR + "mech-execution-854-model"] == 2
    order = [r.iri for r in by_mechanism.rows]
    assert order.index(ZFR + "cat-process-control") < order.index(ZFR + "mech-process-node-control")
    assert order.index(ZFR + "mech-process-node-control") < order.index(ZFR + "mech-execution-854-model")


def test_third_level_mechanism_rolls_up_to_its_category(data: Adoptions) -> None:
    concept = data.concepts[ZFR + "mech-execution-854-model"]
    assert concept.categories == (ZFR + "cat-process-control",)
    matrix = compare.build_matrix(data, count="measures")
    jiangsu = next(c for c in matrix.columns if c.zh == "江苏").iri
    assert ZFR + "measure-jiangsu-trial-process-nodes" in matrix.measures(ZFR + "cat-process-control", jiangsu)


def test_nonzero_rows_and_columns_and_sort_by_total(data: Adoptions) -> None:
    rows = compare.build_matrix(data, count="measures", by="mechanism", rows="nonzero")
    assert all(rows.row_total(r.iri) for r in rows.rows if not r.is_category)
    # Categories stay as headings of their mechanisms; every mechanism row follows its own category.
    heading = ""
    for row in rows.rows:
        heading = row.iri if row.is_category else heading
        assert row.categories == (heading,)
    flat = compare.build_matrix(data, count="measures", by="mechanism", rows="nonzero", sort="total")
    totals = [flat.row_total(r.iri) for r in flat.rows]
    assert all(totals) and totals == sorted(totals, reverse=True) and len(flat.rows) <= len(rows.rows)
    organ_types = compare.build_matrix(data, count="measures", across="organ-type", columns="nonzero")
    assert [c.zh for c in organ_types.columns] == [
        "党委政法委员会",
        "人民法院",
        "人民检察院",
        "公安机关",
        "司法行政机关",
        "监狱",
    ]
    ranked = compare.build_matrix(data, count="measures", sort="total")
    totals = [ranked.row_total(r.iri) for r in ranked.rows]
    assert totals == sorted(totals, reverse=True)
    assert ranked.rows[0].zh == "统一标准与办案指引"


def test_organ_type_counts_a_measure_once_per_type(data: Adoptions) -> None:
    """三核三审 is adopted by a prison and the prison administration (a justice-administration organ): one
    measure in each of their columns, and once in the distinct total."""
    matrix = compare.build_matrix(data, count="measures", across="organ-type")
    prison = str(compare.ZF["Prison"])
    internal = ZFR + "cat-internal-case-supervision"
    assert matrix.measures(internal, prison) == {ZFR + "measure-sichuan-criminal-reward-three-level-review"}
    # REVIEW-1: 湖南政法委 −1 (十二条禁令 merged), 江苏法院 −2, 广西检察 −1; the three provincial prison standards
    # (“2018年在全国率先将监狱执法管理整体纳入省级地方标准” and its sentence) move from 监狱 to the 监狱管理局 (司法行政).
    # REVIEW-2: 贵州公安 −1 (终身负责制 + 追责 one measure).
    assert {c.zh: matrix.column_total(c.iri) for c in matrix.columns if matrix.column_total(c.iri)} == {
        "党委政法委员会": 13,
        "人民法院": 22,
        "人民检察院": 28,
        "公安机关": 15,
        "司法行政机关": 26,
        "监狱": 4,
    }
    assert matrix.grand_total() == 107


def test_matrix_agrees_with_an_independent_sparql_roll_up(seed_graph: Graph, data: Adoptions) -> None:
    """A fixed-depth UNION in SPARQL (no property-path star) gives the same category cells."""
    query = """
    PREFIX zf: <https://w3id.org/zhengfa-kg/def/>
    PREFIX zfr: <https://w3id.org/zhengfa-kg/id/>
    PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
    SELECT ?cat ?province (COUNT(DISTINCT ?m) AS ?n) WHERE {
      ?m a zf:Measure ; zf:adoptedBy ?organ ; zf:implements ?mech .
      ?organ zf:inProvince ?province .
      { ?mech skos:topConceptOf zfr:mechanisms . BIND(?mech AS ?cat) }
      UNION { ?mech skos:broader ?cat . ?cat skos:topConceptOf zfr:mechanisms }
      UNION { ?mech skos:broader ?mid . ?mid skos:broader ?cat . ?cat skos:topConceptOf zfr:mechanisms }
    } GROUP BY ?cat ?province"""
    expected = {(str(c), str(p)): int(n) for c, p, n in seed_graph.query(query)}  # type: ignore[misc]
    matrix = compare.build_matrix(data, count="measures")
    actual = {(r.iri, c.iri): matrix.count(r.iri, c.iri) for r in matrix.rows for c in matrix.columns}
    assert {k: v for k, v in actual.items() if v} == expected


# ---------------------------------------------------------------------------
# Explaining a cell
# ---------------------------------------------------------------------------


def test_explain_a_mechanism_cell_exact_measures_and_quotes(data: Adoptions) -> None:
    expl = compare.explain(data, "江苏", "类案检索")
    assert expl.by == "mechanism" and expl.row.iri == ZFR + "mech-similar-case-search"
    got = [(e.measure.iri, [(q.evidence, q.start, q.end, q.exact) for q in e.measure.quotes]) for e in expl.measures]
    assert got == [
        (
            ZFR + "measure-jiangsu-mandatory-similar-case-search",
            [
                (
                    ZFR + "ev-jiangsu-017",
                    2167,
                    2205,
                    "制定操作规程,规定新类型案件、法律适用规则不明等六类情形必须进行类案强制检索",
                )
            ],
        ),
        (
            ZFR + "measure-jiangsu-smart-case-assistant",
            [(ZFR + "ev-jiangsu-018", 2206, 2239, "开发智能办案辅助系统,实现类案智推、裁判指引、裁判结果自动监测预警")],
        ),
    ]
    assert [o.zh for e in expl.measures for o in e.organs] == ["江苏法院", "江苏法院"]


def test_explain_a_category_cell_lists_measures_in_reading_order(data: Adoptions) -> None:
    expl = compare.explain(data, "湖南", "办案内部监督管理")
    assert expl.by == "category"
    assert [e.measure.iri.removeprefix(ZFR) for e in expl.measures] == [
        "measure-hunan-internal-supervision-mechanisms",
        "measure-hunan-judicial-personnel-responsibility-list",
        "measure-hunan-individual-case-supervision-and-sweeps",
        "measure-hunan-routine-and-special-supervision",
        "measure-hunan-court-president-supervision-duties-opinion",
        "measure-hunan-four-categories-17-situations",
    ]
    first = expl.measures[0]
    assert [c.zh for c in first.via] == ["推动健全内部监督机制"]  # its own mechanism, no longer the category itself
    assert [(q.start, q.end, q.exact) for q in first.measure.quotes] == [(760, 774, "推动政法单位健全内部监督机制")]
    assert [c.zh for c in expl.measures[-1].via] == ["“四类案件”监督管理"]


def test_explain_by_english_names_and_iris_and_third_level(data: Adoptions) -> None:
    assert len(compare.explain(data, "Hunan", "Party leadership and overall coordination").measures) == 4
    expl = compare.explain(data, f"{ZFR}province-jiangsu", "zfr:cat-process-control")
    assert len(expl.measures) == 4
    via = {e.measure.iri: [c.zh for c in e.via] for e in expl.measures}
    assert via[ZFR + "measure-jiangsu-trial-process-nodes"] == ["执行工作“854”模式", "流程节点监控"]
    assert compare.explain(data, "贵州", "党委领导与统筹推进").measures == []
    prison = compare.explain(data, "监狱", "cat-internal-case-supervision", across="organ-type")
    assert [sorted(o.zh for o in e.organs) for e in prison.measures] == [["四川监狱", "四川省监狱管理局"]]


def test_every_explained_quote_is_the_source_text_at_its_offsets(data: Adoptions) -> None:
    matrix = compare.build_matrix(data, count="measures")
    checked = 0
    for row in matrix.rows:
        for column in matrix.columns:
            for item in compare.explain(data, column.iri, row.iri).measures:
                for quote in item.measure.quotes:
                    assert quote.start is not None and quote.end is not None
                    assert SEED_TEXT[quote.start : quote.end] == quote.exact
                    assert quote.source_file == "000_c6000f12c74fa8d8.txt"
                    checked += 1
    assert checked > 136


def test_explain_rejects_unknown_and_mismatched_keys(data: Adoptions) -> None:
    with pytest.raises(InputError, match="did you mean"):
        compare.explain(data, "湖南", "办案内部监督")
    # One rule for every command (kg.provinces): an unknown province names the known ones.
    with pytest.raises(UsageError, match=r"no province named '浙江'; known: 四川 \(Sichuan\), 广西"):
        compare.explain(data, "浙江", "办案内部监督管理")
    with pytest.raises(UsageError, match="is a mechanism"):
        compare.explain(data, "湖南", "权责清单", by="category")


def test_explain_formats(data: Adoptions) -> None:
    expl = compare.explain(data, "四川", "逐级审核把关")
    text = compare.render_explanation(expl, "table")
    assert text.startswith("四川 × 逐级审核把关（机制）：2 项举措")
    assert "[4764–4797]" in text and "[5095–5128]" in text
    rows = list(csv.DictReader(io.StringIO(compare.render_explanation(expl, "csv"))))
    assert [(r["measure"].removeprefix(ZFR), r["start"], r["end"]) for r in rows] == [
        ("measure-sichuan-criminal-reward-three-level-review", "4764", "4797"),
        ("measure-sichuan-reconsideration-seven-level-review", "5095", "5128"),
    ]
    parsed = json.loads(compare.render_explanation(expl, "json", "en"))
    assert parsed["count"] == 2 and parsed["column"]["en"] == "Sichuan"
    assert parsed["measures"][0]["quotes"][0]["exact"] == SEED_TEXT[4764:4797]
    assert "**" in compare.render_explanation(expl, "md")


# ---------------------------------------------------------------------------
# Similarity and overlap
# ---------------------------------------------------------------------------

CATEGORY_JACCARD = {
    # 湖南 reports all 12 categories, 江苏 6, 广西 9, 贵州 6, 四川 11 (all but 党委领导); 江苏, 广西 and 贵州
    # report no category 四川 lacks, so their Jaccard with 四川 is their size over 11.
    ("湖南", "江苏"): Fraction(1, 2),
    ("湖南", "广西"): Fraction(3, 4),
    ("湖南", "贵州"): Fraction(1, 2),
    ("湖南", "四川"): Fraction(11, 12),
    ("江苏", "广西"): Fraction(1, 2),
    ("江苏", "贵州"): Fraction(1, 2),
    ("江苏", "四川"): Fraction(6, 11),
    ("广西", "贵州"): Fraction(1, 2),
    ("广西", "四川"): Fraction(9, 11),
    ("贵州", "四川"): Fraction(6, 11),
}


def test_jaccard_over_categories_exact_fractions(data: Adoptions) -> None:
    sim = compare.similarity(compare.build_matrix(data, count="measures", by="category"))
    assert {(p.a.zh, p.b.zh): p.jaccard for p in sim.pairs} == CATEGORY_JACCARD


def test_jaccard_over_mechanisms_agrees_with_the_golden_sets(data: Adoptions) -> None:
    # The mechanisms each province's measures implement as stated (rows that only sum up others excluded).
    matrix = compare.build_matrix(data, count="measures", by="mechanism")
    stated = {
        p.zh: {
            data.concepts[i].zh
            for m in data.measures.values()
            if p.iri in data.columns_of(m, "province")
            for i in m.implements
            if i in data.concepts
        }
        for p in matrix.columns
    }
    golden = golden_sets("province-mechanism.csv")
    assert all(stated[p] <= golden[p] for p in stated)  # what is stated is reported in the golden matrix
    sim = compare.similarity(matrix)
    for pair in sim.pairs:
        a, b = stated[pair.a.zh], stated[pair.b.zh]
        assert pair.jaccard == Fraction(len(a & b), len(a | b))
    values = {(p.a.zh, p.b.zh): p.jaccard for p in sim.pairs}
    # REVIEW-1: no measure implements a category any more, so the 科技赋能监督 row itself is shared by none.
    # 9 shared of 44: 四类案件, 实时监控预警, 司法责任制, 过错责任追究 …; REVIEW-2 T-1: 湖南's platform no longer also
    # states 执法司法信息公开 (阳光警务 is narrower), which 江苏 lacks, so the union is 45 − 1.
    assert values[("湖南", "江苏")] == Fraction(9, 44)
    assert values[("江苏", "四川")] == Fraction(2, 48)  # 案件评查, 执法司法过错责任追究


def test_shared_and_unique(data: Adoptions) -> None:
    spreads = compare.overlap(compare.build_matrix(data, count="measures"))
    status = {s.row.zh: (s.status, [c.zh for c in s.columns]) for s in spreads}
    assert status["党委领导与统筹推进"] == ("unique", ["湖南"])
    assert status["统一标准与办案指引"] == ("shared", PROVINCES)
    assert [s.status for s in spreads].count("shared") == 11
    mechanisms = compare.overlap(compare.build_matrix(data, count="measures", by="mechanism"))
    assert {s.status for s in mechanisms} == {"shared", "unique"}  # every mechanism is adopted somewhere
    assert all(s.measures for s in mechanisms if s.row.is_category)  # empty category rows are headings
    first_unique = [s.status for s in mechanisms].index("unique")
    assert all(s.status == "shared" for s in mechanisms[:first_unique])
    jiangsu_only = compare.build_matrix(data, count="measures")
    jiangsu_only.columns = jiangsu_only.columns[1:2]
    status = {s.row.zh: s.status for s in compare.overlap(jiangsu_only)}
    assert status["党委领导与统筹推进"] == "none" and status["科技赋能监督"] == "unique"


# ---------------------------------------------------------------------------
# Formats
# ---------------------------------------------------------------------------


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_links_every_nonempty_cell_to_its_quotes(data: Adoptions) -> None:
    matrix = compare.build_matrix(data, count="measures")
    page = _Page()
    page.feed(str(compare.render_matrix(matrix, "html", data=data)))
    ids = {attrs["id"] for _, attrs in page.tags if attrs.get("id")}
    links = [attrs["href"] for tag, attrs in page.tags if tag == "a"]
    cell_links = [h for h in links if h and h.startswith("#cell__")]
    assert len(cell_links) == sum(1 for row in matrix.counts() for n in row if n)
    assert "#cell__cat-internal-case-supervision__province-hunan" in cell_links  # a stable address per cell
    assert all(h[1:] in ids for h in links if h and h.startswith("#"))
    assert all(h and h.startswith("#") for h in links)  # nothing leaves the page
    # One inline script (the cell panel), nothing loaded from anywhere.
    assert [t for t, _ in page.tags if t == "script"] == ["script"]
    assert not [t for t, a in page.tags if t in ("link", "img", "iframe") or "src" in a]
    text = "".join(page.text)
    assert "推动政法单位健全内部监督机制" in text and "[760–774]" in text


EVIL = """
@prefix zf: <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr: <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa: <http://www.w3.org/ns/oa#> .
zfr:measure-test-escape a zf:Measure ;
    rdfs:label "<script>alert('m')</script> & 举措"@zh , "<b>bold</b>"@en ;
    zf:adoptedBy zfr:organ-hunan-plac ;
    zf:implements zfr:mech-reform-task-list ;
    prov:wasDerivedFrom zfr:ev-test-escape .
zfr:ev-test-escape a zf:Evidence ;
    oa:hasSource zfr:doc-c6000f12c74fa8d8 ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "<img src=x onerror=alert(1)>\\"'" ] .
zfr:organ-test-nowhere a zf:PeoplesCourt ; rdfs:label "无省份法院"@zh , "court without province"@en .
zfr:measure-test-nowhere a zf:Measure ;
    rdfs:label "无省份举措"@zh , "measure without province"@en ;
    zf:adoptedBy zfr:organ-test-nowhere ;
    zf:implements zfr:mech-case-review .
"""


def test_html_escapes_labels_and_quotes_and_is_written_atomically(tmp_path: Path) -> None:
    extra = tmp_path / "evil.ttl"
    extra.write_text(EVIL, encoding="utf-8")
    out = tmp_path / "matrix.html"
    code, _, err = run(*MEMORY, "-i", str(extra), "--format", "html", "-o", str(out))
    assert code == 0, err
    page_text = out.read_text(encoding="utf-8")
    page = _Page()
    page.feed(page_text)
    assert not [t for t, _ in page.tags if t in ("img", "b")]
    assert [t for t, _ in page.tags if t == "script"] == ["script"]  # only the page's own
    assert "&lt;script&gt;alert(&#x27;m&#x27;)&lt;/script&gt; &amp; 举措" in page_text
    assert "&lt;img src=x onerror=alert(1)&gt;&quot;&#x27;" in page_text
    assert "measure-test-nowhere" in page_text  # listed as not counted, with the reason
    assert {p.name for p in tmp_path.iterdir()} == {"evil.ttl", "matrix.html"}  # no temporary file left


def test_unplaced_measures_are_reported_not_counted(seed_graph: Graph, tmp_path: Path) -> None:
    extra = tmp_path / "evil.ttl"
    extra.write_text(EVIL, encoding="utf-8")
    data = compare.load(open_graph(backend="memory", include=[extra]))
    matrix = compare.build_matrix(data, count="measures")
    assert [(u.measure.removeprefix(ZFR), u.reason) for u in matrix.unplaced] == [
        ("measure-test-nowhere", "its adopting organ has no province")
    ]
    assert matrix.grand_total() == 108  # the seed's 107 and measure-test-escape
    organ_types = compare.build_matrix(data, count="measures", across="organ-type")
    assert not organ_types.unplaced and organ_types.grand_total() == 109
    code, out, err = run(*MEMORY, "-i", str(extra), "--format", "csv")
    assert code == 0 and "1 measure(s) not counted" in err
    assert read_csv(out)[0] == ["category", *PROVINCES]


def test_text_markdown_and_json_tables(data: Adoptions) -> None:
    matrix = compare.build_matrix(data, count="measures")
    table = str(compare.render_matrix(matrix, "table"))
    lines = table.splitlines()
    assert lines[0] == "省份 × 机制类别（举措数）"
    header = next(line for line in lines if line.startswith("机制类别"))
    assert header.split() == ["机制类别", *PROVINCES, "合计"]
    assert "合计（举措数）" in table and "单元格为不重复举措数" in table
    assert "0 表示原文未提及，不能据此推断该省没有这项做法" in table  # the caveat, under every matrix
    assert "湖南：湖南省委政法委（党委政法委员会）的发言，原文第492–1517字（共1025字），报告举措31项" in table
    md = str(compare.render_matrix(matrix, "md", "en"))
    assert "| mechanism category | Hunan | Jiangsu | Guangxi | Guizhou | Sichuan | Total |" in md
    parsed = json.loads(str(compare.render_matrix(matrix, "json")))
    assert parsed["total"] == 107 and parsed["column_totals"]["湖南"] == 31
    row = next(r for r in parsed["rows"] if r["zh"] == "党委领导与统筹推进")
    assert row["counts"] == {"湖南": 4, "江苏": 0, "广西": 0, "贵州": 0, "四川": 0}
    assert len(row["measures"]["湖南"]) == 4


def test_png_heatmap_decodes_with_the_expected_size(data: Adoptions) -> None:
    import matplotlib.image as mpimg

    matrix = compare.build_matrix(data, count="measures")
    image = compare.heatmap(matrix, fmt="png", dpi=100)
    assert image.font == "Noto Sans CJK SC", "install fonts-noto-cjk (scripts/system-deps.sh)"
    assert image.data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", image.data[16:24])
    assert (width, height) == (image.width, image.height)
    assert width > 0 and height > 0
    pixels = mpimg.imread(io.BytesIO(image.data), format="png")
    assert pixels.shape[:2] == (height, width)
    assert pixels[..., :3].min() < 0.5  # something dark was drawn
    again = compare.heatmap(matrix, fmt="png", dpi=100)
    assert again.data == image.data  # deterministic bytes


def test_svg_heatmap_keeps_chinese_labels_as_text(data: Adoptions) -> None:
    matrix = compare.build_matrix(data, count="measures", by="mechanism", rows="nonzero")
    svg = compare.heatmap(matrix, fmt="svg").data
    root = ET.fromstring(svg)
    texts = {"".join(e.itertext()).strip() for e in root.iter() if e.tag.endswith("}text")}
    assert set(PROVINCES) <= texts
    for row in matrix.rows:
        assert any(t.endswith(row.zh) for t in texts), row.zh
    assert "Noto Sans CJK SC" in svg.decode("utf-8")
    assert compare.heatmap(matrix, fmt="svg").data == svg


def test_heatmap_says_what_a_white_cell_means(data: Adoptions) -> None:
    """A zero cell is white and unlabelled: the colour bar's 0 and the caveat under the plot read it as 未提及."""
    for lang, zero, caveat_text in (
        (
            "zh",
            "0 = 未提及",
            "每列只反映该省一个机关的一篇约千字发言所报告的内容：0 表示原文未提及，不能据此推断该省没有这项做法。",
        ),
        ("en", "0 = not reported in the source", "0 means not reported in the source, which does not show"),
    ):
        matrix = compare.build_matrix(data, count="measures")
        root = ET.fromstring(compare.heatmap(matrix, fmt="svg", lang=lang).data)
        lines = ["".join(e.itertext()).strip() for e in root.iter() if e.tag.endswith("}text")]
        assert zero in lines
        assert caveat_text in (" " if lang == "en" else "").join(lines)


def test_heatmap_caveat_wraps_by_display_width() -> None:
    from kg.compare.render.heatmap import wrap

    assert wrap("abc def  ghi", 7) == ["abc def", "ghi"]
    assert wrap("中文：0 表示", 6) == ["中文：", "0 表示"]  # a Chinese character is two columns wide
    assert wrap("", 5) == []
    assert wrap("overlong", 3) == ["overlong"]  # a word longer than a line is kept whole


def test_missing_cjk_font_warns_clearly(data: Adoptions, monkeypatch: pytest.MonkeyPatch) -> None:
    # The module, not the package: the heatmap reads its own CJK_FAMILIES.
    monkeypatch.setattr(importlib.import_module("kg.compare.render.heatmap"), "CJK_FAMILIES", ("No Such CJK Family",))
    matrix = compare.build_matrix(data, count="measures")
    with pytest.warns(compare.CJKFontMissing, match="fonts-noto-cjk"):
        assert compare.heatmap(matrix, fmt="png", dpi=30).font is None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        compare.heatmap(matrix, fmt="png", lang="en", dpi=30)  # English labels need no CJK font
    assert not [w for w in caught if issubclass(w.category, compare.CJKFontMissing)]


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


def test_cli_csv_is_the_golden(tmp_path: Path) -> None:
    code, out, _ = run(*MEMORY, "--format", "csv")
    assert code == 0 and out == (GOLDEN / "province-category.csv").read_text(encoding="utf-8")
    code, out, _ = run(*MEMORY, "--format", "csv", "--by", "mechanism")
    assert code == 0 and out == (GOLDEN / "province-mechanism.csv").read_text(encoding="utf-8")
    code, out, _ = run(*MEMORY, "--format", "csv", "--lang", "en")
    assert out == (GOLDEN / "province-category.en.csv").read_text(encoding="utf-8")
    code, out, _ = run(*MEMORY, "--format", "csv", "--across", "organ-type")
    assert out == (GOLDEN / "organ-type-category.csv").read_text(encoding="utf-8")


def test_cli_explain_similarity_shared() -> None:
    code, out, _ = run(*MEMORY, "--explain", "湖南", "办案内部监督管理")
    assert code == 0 and out.startswith("湖南 × 办案内部监督管理（机制类别）：6 项举措")
    code, out, _ = run(*MEMORY, "--similarity", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {r["level"] for r in rows} == {"category", "mechanism"} and len(rows) == 20
    category = {(r["a"], r["b"]): Fraction(r["jaccard"]) for r in rows if r["level"] == "category"}
    assert category == CATEGORY_JACCARD
    code, out, _ = run(*MEMORY, "--shared", "--format", "json", "--lang", "en")
    parsed = json.loads(out)
    assert parsed["by"] == "category" and parsed["rows"][-1]["status"] == "unique"


def test_cli_heatmaps_to_files(tmp_path: Path) -> None:
    png, svg = tmp_path / "m.png", tmp_path / "m.svg"
    code, _, err = run(*MEMORY, "--format", "png", "-o", str(png), "--dpi", "80")
    assert code == 0 and "px" in err and png.read_bytes()[:4] == b"\x89PNG"
    code, _, err = run(*MEMORY, "--format", "svg", "-o", str(svg), "--across", "organ-type", "--lang", "en")
    assert code == 0
    texts = {"".join(e.itertext()) for e in ET.parse(svg).getroot().iter() if e.tag.endswith("}text")}
    assert "People's Court" in texts


@pytest.mark.parametrize(
    "args, message",
    [
        (["--format", "png"], "PNG is binary"),
        (["--format", "pdf"], "unknown --format"),
        (["--by", "organ"], "unknown --by"),
        (["--rows", "some"], "unknown --rows"),
        (["--lang", "fr"], "unknown --lang"),
        (["--similarity", "--shared"], "choose one of"),
        (["--explain", "湖南", "x", "--format", "html"], "prints table, csv, md or json"),
        (["--explain", "湖南", "没有这个机制"], "no category or mechanism"),
        (["--explain", "Hunan", "权责清单", "--by", "category"], "is a mechanism"),
        (["--include", "x.ttl"], "--include needs --backend memory"),
    ],
)
def test_cli_usage_and_input_errors_exit_2(args: list[str], message: str) -> None:
    backend = [] if "--include" in args else MEMORY
    code, _, err = run(*backend, *args)
    assert code == 2 and message in err


def test_cli_without_a_store_says_how_to_build_one(tmp_path: Path) -> None:
    code, _, err = run("--store", str(tmp_path / "none"))
    assert code == 2 and "kg build" in err


def test_compare_does_not_import_networkx_or_matplotlib_for_tables() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['kg', 'compare', '--backend', 'memory', '--format', 'csv']\n"
        "from kg.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('networkx', 'matplotlib', 'pyvis', 'pyshacl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


# ---------------------------------------------------------------------------
# The built Oxigraph store gives the same answers as the in-memory graph
# ---------------------------------------------------------------------------


@pytest.mark.slow
def test_store_backend_matches_goldens(store_path: Path) -> None:
    data = compare.load(open_store(store_path))
    for name in REGENERATE.GOLDENS:
        assert REGENERATE.render(name, data) == (GOLDEN / name).read_text(encoding="utf-8"), name
    expl = compare.explain(data, "湖南", "办案内部监督管理")
    assert len(expl.measures) == 6
    code, out, _ = run("--store", str(store_path), "--format", "csv", "--by", "mechanism")
    assert code == 0 and out == (GOLDEN / "province-mechanism.csv").read_text(encoding="utf-8")


def test_matrices_agree_with_the_shipped_competency_queries(data: Adoptions) -> None:
    """kg query's province-category-matrix (CQ 1), shared-categories (CQ 3), organtype-category-matrix (CQ 12)."""
    from kg.query import connect

    session = connect("memory")
    matrix = compare.build_matrix(data, count="measures")
    nonzero = {(r.iri, c.iri): matrix.count(r.iri, c.iri) for r in matrix.rows for c in matrix.columns}
    shipped = {(r["cat"], r["prov"]): r["measures"] for r in session.run("province-category-matrix").records()}
    assert shipped == {k: v for k, v in nonzero.items() if v}
    spreads = {s.row.iri: (s.status, len(s.columns)) for s in compare.overlap(matrix) if s.columns}
    sharing = {r["cat"]: (r["sharing"], r["provinces"]) for r in session.run("shared-categories").records()}
    assert sharing == spreads
    by_type = compare.build_matrix(data, count="measures", across="organ-type")
    cells = {(r.iri, c.iri): by_type.count(r.iri, c.iri) for r in by_type.rows for c in by_type.columns}
    shipped = {(r["cat"], r["organType"]): r["measures"] for r in session.run("organtype-category-matrix").records()}
    assert shipped == {k: v for k, v in cells.items() if v}
