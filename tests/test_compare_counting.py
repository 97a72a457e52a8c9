"""``kg compare``'s counting rules, basis, relation rows, wording and contrast, checked against values
worked out BY HAND from the seed text (each with the seed sentence quoted), and the store's
aggregates held to the same answers as the rules applied in Python (``--backend memory``)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg import compare
from kg.cli import app
from kg.compare import Adoptions
from kg.compare.render.html import SHADES, cell_id, contrast, shade_index, text_colour
from kg.compare.statements import sentence_at
from kg.sources import FORMATS, source_files
from kg.store import open_graph

ROOT = Path(__file__).resolve().parent.parent
SEED_TEXT = (ROOT / "seeds" / "000_c6000f12c74fa8d8.txt").read_text(encoding="utf-8")
ZFR = "https://w3id.org/zhengfa-kg/id/"
PROVINCES = ["湖南", "江苏", "广西", "贵州", "四川"]


@pytest.fixture(scope="module")
def data(seed_graph: Graph) -> Adoptions:
    return compare.load(seed_graph)


def _store(*extra: Path) -> ox.Store:
    store = ox.Store()
    for path in [*source_files(), *extra]:
        store.load(path=str(path), format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())
    return store


@pytest.fixture(scope="module")
def stored() -> Adoptions:
    return compare.load(_store())


def cell(matrix: compare.Matrix, row: str, province: str) -> int:
    column = next(c for c in matrix.columns if c.zh == province)
    return matrix.count(ZFR + row, column.iri)


# ---------------------------------------------------------------------------
# Cells derived by hand from the seed text
# ---------------------------------------------------------------------------

#: Presence (the default --by mechanism): each mechanism is plainly named in the speech.
PRESENT = [
    # 江苏: “发挥专业法官会议促进裁判尺度统一、审委会讨论案件前置过滤”
    ("mech-professional-judges-meeting", "江苏", "发挥专业法官会议促进裁判尺度统一"),
    # 广西: “同步备案审查机制,实行抗前请示、强化审判监督案件督导和案件质量评查”
    ("mech-pre-protest-request", "广西", "实行抗前请示"),
    # 广西: “健全落实检察官常态化退出机制。”
    ("mech-judicial-personnel-exit", "广西", "健全落实检察官常态化退出机制"),
    # 贵州: “突出追责问责。落实办案质量终身负责制,对执法有过错的单位或个人严肃追责问责。”
    ("mech-lifelong-case-quality-responsibility", "贵州", "落实办案质量终身负责制"),
    # 四川: “建立法律服务“好差评”制定,实现即办即评,群众满意度98.85%。”
    ("mech-good-bad-review", "四川", "建立法律服务“好差评”制定"),
    # 四川: “建立合法性审核第三方评估机制”
    ("mech-third-party-evaluation", "四川", "建立合法性审核第三方评估机制"),
    # 四川: “主动接受“派驻+巡回”检察,向社会公开聘请刑罚执行监督员”
    ("mech-penal-enforcement-supervisors", "四川", "向社会公开聘请刑罚执行监督员"),
    # 湖南: “针对纪法衔接难,与省纪委出台职务犯罪案件衔接办法,明确提前介入等“七项措施”。”
    ("mech-discipline-criminal-linkage", "湖南", "与省纪委出台职务犯罪案件衔接办法"),
    # 湖南: “推进以审判为中心的刑事诉讼制度改革”
    ("mech-trial-centred-reform", "湖南", "推进以审判为中心的刑事诉讼制度改革"),
    # 江苏: “建立裁判文书强制纠错制度,将文书自动校对软件嵌入案管系统”
    ("mech-judgment-document-error-correction", "江苏", "建立裁判文书强制纠错制度"),
]


@pytest.mark.parametrize(("mechanism", "province", "words"), PRESENT)
def test_presence_of_a_plainly_stated_mechanism(data: Adoptions, mechanism: str, province: str, words: str) -> None:
    assert words in SEED_TEXT  # the hand check: the speech says it in these words
    matrix = compare.build_matrix(data, by="mechanism")
    assert matrix.rule == "presence"
    assert cell(matrix, mechanism, province) == 1
    # … and presence is 1 however many measures the curators made of it.
    assert (
        compare.build_matrix(data, by="mechanism", count="measures").count(
            ZFR + mechanism, next(c.iri for c in matrix.columns if c.zh == province)
        )
        >= 1
    )


#: Statements: distinct stating sentences (sentences end at 。！？；or a line break).
STATEMENTS = [
    # 广西, one measure split three ways over two sentences:
    # “二是秉承“双赢多赢共赢”理念。” | “强化与被监督者良性互动关系,共同制定加强监督实施细则,积极构建协作机制,同步提升各环节质效。”
    ("mech-win-win-cooperative-supervision", "广西", 2, ["二是秉承“双赢多赢共赢”理念。", "强化与被监督者良性互动关系"]),
    # 湖南, three measures from one sentence: “三是把落实改革任务、健全相应制度机制等纳入重大事项请示报告内容,
    # 纳入党风廉政建设和政绩考核体系,并作为向省委述职的重要内容。”
    ("mech-reform-performance-assessment", "湖南", 1, ["三是把落实改革任务"]),
    # 贵州, four measures from one sentence: “深化“贵州110”改革,建立接处警证据移交、接处警行为记录、警情回访等机制,
    # 将所有警情数据集中存储,实现接处警所有环节轨迹可溯,有效解决有警不录、有案不立等问题。”
    ("mech-police-call-response-management", "贵州", 1, ["深化“贵州110”改革"]),
    # 湖南, two measures from one clause between semicolons: “针对证人出庭难,制定出庭补助标准,健全出庭保障机制;”
    ("mech-court-appearance-guarantee", "湖南", 1, ["针对证人出庭难,制定出庭补助标准,健全出庭保障机制;"]),
    # 江苏, two sentences: “…必须进行类案强制检索。” | “开发智能办案辅助系统,实现类案智推、裁判指引、裁判结果自动监测预警。”
    ("mech-similar-case-search", "江苏", 2, ["必须进行类案强制检索。", "开发智能办案辅助系统"]),
    # 江苏, one sentence up to the semicolon: “…执行工作“854”模式37个流程节点,实现实时监控、动态跟踪、及时提醒;”
    ("mech-execution-854-model", "江苏", 1, ["执行工作“854”模式37个流程节点,实现实时监控、动态跟踪、及时提醒;"]),
]


@pytest.mark.parametrize(("mechanism", "province", "expected", "sentences"), STATEMENTS)
def test_statements_count_stating_sentences_once(
    data: Adoptions, mechanism: str, province: str, expected: int, sentences: list[str]
) -> None:
    assert all(s in SEED_TEXT for s in sentences)
    matrix = compare.build_matrix(data, by="mechanism", count="statements")
    assert cell(matrix, mechanism, province) == expected


#: The speeches' lengths, recomputed here from the text: a speech runs from its headline to the
#: blank line before the next speech's headline (the last one to the page furniture "视频推荐").
HEADLINES = {
    "湖南": "统筹协调 健全机制",
    "江苏": "打造监管多层次闭环体系",
    "广西": "强化新时代法律监督",
    "贵州": "坚持改革引领 聚焦执法公正",
    "四川": "聚焦三大重点领域 构建三大监督体系",
}


def _speech_span(province: str) -> tuple[int, int]:
    starts = [SEED_TEXT.index(HEADLINES[p]) for p in PROVINCES] + [SEED_TEXT.index("视频推荐")]
    i = PROVINCES.index(province)
    return starts[i], SEED_TEXT.rindex("\n\n", 0, starts[i + 1])


@pytest.mark.parametrize("province", PROVINCES)
def test_basis_characters_recomputed_from_the_text(data: Adoptions, province: str) -> None:
    start, end = _speech_span(province)
    matrix = compare.build_matrix(data)
    column = next(c for c in matrix.columns if c.zh == province)
    (entry,) = matrix.basis()[column.iri]  # one speech per province in the seed
    assert (entry.part.start, entry.part.end, entry.characters) == (start, end, end - start)
    assert SEED_TEXT[start:end].count("\n\n") >= 3  # headline, subheadline, speaker, body


def test_basis_organs_and_types_say_who_reported(data: Adoptions) -> None:
    """湖南: 李殿勋 speaks as “湖南省委常委 政法委书记”; 江苏: “江苏省高级人民法院院长夏道虎” (the seed's bylines)."""
    basis = compare.build_matrix(data).basis()
    found = {
        next(c.zh for c in data.provinces if c.iri == col): (e[0].part.organ.zh, [t.zh for t in e[0].part.organ_types])
        for col, e in basis.items()
        if e and e[0].part.organ
    }
    assert found == {
        "湖南": ("湖南省委政法委", ["党委政法委员会"]),
        "江苏": ("江苏省高级人民法院", ["人民法院"]),
        "广西": ("广西壮族自治区人民检察院", ["人民检察院"]),
        "贵州": ("贵州省公安厅", ["公安机关"]),
        "四川": ("四川省司法厅", ["司法行政机关"]),
    }


def test_sentence_rule_on_the_seed() -> None:
    start = SEED_TEXT.index("秉承“双赢多赢共赢”理念")
    s, e = sentence_at(SEED_TEXT, start)
    assert SEED_TEXT[s:e] == "二是秉承“双赢多赢共赢”理念。"


# ---------------------------------------------------------------------------
# The defaults and the rules between themselves
# ---------------------------------------------------------------------------


def test_defaults_and_rules(data: Adoptions) -> None:
    by_category = compare.build_matrix(data)
    assert by_category.rule == "mechanisms"
    assert compare.build_matrix(data, by="mechanism").rule == "presence"
    measures = compare.build_matrix(data, count="measures")
    presence = compare.build_matrix(data, count="presence")
    for row in by_category.rows:
        for column in by_category.columns:
            n = measures.count(row.iri, column.iri)
            # reported at all ⇔ at least one measure ⇔ at least one mechanism (a measure may implement
            # two mechanisms of one category, so mechanisms can exceed measures: 湖南 流程管控 4 > 3)
            assert presence.count(row.iri, column.iri) == min(n, 1)
            assert (by_category.count(row.iri, column.iri) > 0) == (n > 0)
    # 党委领导与统筹推进 in 湖南: 4 measures of 4 mechanisms — “报请省委出台《关于贯彻<中国共产党政法工作条例>…的意见》”
    # (贯彻《中国共产党政法工作条例》), “…全省政法领域改革任务清单…实行清单式管理、项目化推进” (改革任务清单化管理),
    # “出台执法监督实施细则,加强执法检查和案件评查” (政法委执法监督), “把落实改革任务…纳入重大事项请示报告内容,纳入党风廉政
    # 建设和政绩考核体系,并作为向省委述职的重要内容” (改革落实纳入请示报告与考核述职).
    assert cell(measures, "cat-leadership-coordination", "湖南") == 4
    assert cell(by_category, "cat-leadership-coordination", "湖南") == 4
    # Presence totals count cells: 湖南 reports all 12 categories; 科技赋能监督 through “做到视频监控全覆盖” and
    # “建成“六公开一投诉”的阳光警务执法公开平台”.
    column = next(c for c in presence.columns if c.zh == "湖南")
    assert presence.column_total(column.iri) == 12


UNPLACED = """
@prefix zf: <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr: <https://w3id.org/zhengfa-kg/id/> .
zfr:organ-test-nowhere a zf:PeoplesCourt .
zfr:measure-test-nowhere a zf:Measure ; zf:adoptedBy zfr:organ-test-nowhere ; zf:implements zfr:mech-case-review .
zfr:measure-test-no-mechanism a zf:Measure ; zf:adoptedBy zfr:organ-hunan-plac .
zfr:measure-test-no-organ a zf:Measure ; zf:implements zfr:mech-case-review .
"""


@pytest.mark.parametrize(
    ("by", "across", "expected"),
    [
        # Worked out by hand: the court has no province but is an organ type; no seed measure is unplaced.
        (
            "category",
            "province",
            {"nowhere": ["no-province"], "no-mechanism": ["no-mechanism"], "no-organ": ["no-organ"]},
        ),
        ("mechanism", "organ-type", {"no-mechanism": ["no-mechanism"], "no-organ": ["no-organ"]}),
        ("mechanism", "province", {"no-mechanism": ["no-mechanism"]}),
        ("category", "organ-type", {"no-organ": ["no-organ"]}),
        (
            "relation",
            "organ-type",
            {"nowhere": ["no-relation"], "no-mechanism": ["no-relation"], "no-organ": ["no-organ", "no-relation"]},
        ),
    ],
)
def test_the_store_finds_the_unplaced_measures_the_python_rules_find(
    tmp_path: Path, by: str, across: str, expected: dict[str, list[str]]
) -> None:
    # Only the measures expected (each line of UNPLACED is one subject): each kind of misfit found on its own.
    lines = [
        ln for ln in UNPLACED.splitlines() if not ln.startswith("zfr:measure-test-") or ln.split()[0][17:] in expected
    ]
    extra = tmp_path / "unplaced.ttl"
    extra.write_text("\n".join(lines), encoding="utf-8")
    data = compare.load(_store(extra))
    store = compare.build_matrix(data, by=by, across=across, count="measures", engine="store")
    python = compare.build_matrix(data, by=by, across=across, count="measures", engine="python")
    assert store.unplaced == python.unplaced
    found: dict[str, list[str]] = {}
    for u in store.unplaced:
        found.setdefault(u.measure.removeprefix(ZFR + "measure-test-"), []).append(u.code)
    assert found == expected
    assert store.counts() == python.counts()


@pytest.mark.parametrize("by", ["category", "mechanism"])
@pytest.mark.parametrize("across", ["province", "organ-type"])
@pytest.mark.parametrize("rule", ["presence", "mechanisms", "measures"])
def test_store_aggregates_equal_the_python_rules(
    data: Adoptions, stored: Adoptions, by: str, across: str, rule: str
) -> None:
    """--backend memory (rdflib, the rules in Python) and the store's SPARQL aggregates: the same cells."""
    memory = compare.build_matrix(data, by=by, across=across, count=rule)
    store = compare.build_matrix(stored, by=by, across=across, count=rule, engine="store")
    assert [r.iri for r in store.rows] == [r.iri for r in memory.rows]
    assert [c.iri for c in store.columns] == [c.iri for c in memory.columns]
    assert store.counts() == memory.counts()
    assert store.total == memory.total
    assert store.cells == memory.cells and store.via == memory.via
    assert store.unplaced == memory.unplaced == []


def test_cli_memory_and_store_print_the_same_csv(store_path: Path) -> None:
    for args in ([], ["--by", "mechanism"], ["--count", "measures", "--across", "organ-type"]):
        outs = [
            CliRunner().invoke(app, ["compare", "--format", "csv", *args, *backend]).stdout
            for backend in (["--backend", "memory"], ["--store", str(store_path)])
        ]
        assert outs[0] == outs[1] and outs[0].split(",")[0] in ("category", "mechanism")


# ---------------------------------------------------------------------------
# Relations, attribution and quote roles, as curated in the seed graph
# ---------------------------------------------------------------------------

RELATIONS = [
    ("rel-party-leadership", "党委领导监督", "Party leadership supervision"),
    ("rel-hierarchical", "层级监督", "hierarchical supervision by the higher organ"),
    ("rel-internal", "内部监督", "internal supervision within an organ"),
    ("rel-mutual-checks", "相互制约", "mutual checks among organs"),
    ("rel-procuratorial", "检察法律监督", "procuratorial legal supervision"),
    ("rel-discipline-inspection", "纪检监察衔接", "discipline-inspection linkage"),
    ("rel-social", "社会监督", "social and public supervision"),
]


@pytest.mark.parametrize("backend", ["memory", "store"])
def test_by_relation_rows_in_notation_order(backend: str) -> None:
    graph = open_graph(backend="memory") if backend == "memory" else _store()
    data = compare.load(graph)
    matrix = compare.build_matrix(data, by="relation", count="measures")
    assert [r.zh for r in matrix.rows] == [zh for _, zh, _ in RELATIONS]
    # 湖南 纪检监察衔接: only “针对纪法衔接难,与省纪委出台职务犯罪案件衔接办法,明确提前介入等“七项措施””; the
    # “三个规定” sentence names no discipline-inspection organ (REVIEW-1), nor does 广西 “严格执行“三项规定””.
    assert cell(matrix, "rel-discipline-inspection", "湖南") == 1
    assert cell(matrix, "rel-discipline-inspection", "广西") == 0
    measures = lambda row, p: {  # noqa: E731
        m.removeprefix(ZFR) for m in matrix.measures(ZFR + row, next(c.iri for c in matrix.columns if c.zh == p))
    }
    # 四川 “探索行政复议书面审查与听证审理并行”: 行政复议 is 层级监督 (REVIEW-1), not 社会监督.
    assert "measure-sichuan-reconsideration-written-and-hearing-review" in measures("rel-hierarchical", "四川")
    assert "measure-sichuan-reconsideration-written-and-hearing-review" not in measures("rel-social", "四川")
    # 广西 “通过成立专家咨询委员会、制定类案指引标准等方式,提升监督精准度”: the procuratorate's own supervision.
    assert "measure-guangxi-expert-advisory-committee" in measures("rel-procuratorial", "广西")
    assert cell(matrix, "rel-social", "广西") == 2
    # 四川 “三是健全权利维护机制。完善联席会议制度,…合力破解“新老三难”问题”: lawyers' rights, so 社会监督 too (REVIEW-2
    # R-2), and still 相互制约 (meetings with the other political-legal organs).
    assert "measure-sichuan-joint-meeting-system" in measures("rel-social", "四川")
    assert "measure-sichuan-joint-meeting-system" in measures("rel-mutual-checks", "四川")
    # 湖南 相互制约: 以审判为中心, 分工负责、配合有力、制约有效, 强化案件标准指引, 出庭保障.
    assert measures("rel-mutual-checks", "湖南") == {
        "measure-hunan-trial-centred-reform",
        "measure-hunan-division-cooperation-checks",
        "measure-hunan-case-standard-guidance",
        "measure-hunan-court-appearance-guarantee-mechanism",
    }
    # 湖南 纪检监察衔接 by distinct mechanisms: one, 纪法衔接.
    assert (
        compare.build_matrix(data, by="relation", count="mechanisms").count(
            ZFR + "rel-discipline-inspection", data.provinces[0].iri
        )
        == 1
    )
    assert not matrix.unplaced  # every measure has a relation
    csv = compare.matrix_csv(matrix).splitlines()
    assert csv[0] == "relation,湖南,江苏,广西,贵州,四川" and csv[6] == "纪检监察衔接,1,1,0,0,0"


def test_explain_shows_attribution_and_stating_sentence_first() -> None:
    """ev-hunan-015 is the sub-heading “一是完善审判监督管理机制” (924–936), ev-hunan-016 the stating
    “制定司法人员职责清单” (937–947): the heading comes second, marked as context. ev-hunan-035, the problem clause
    “针对院庭长不愿监督、不敢监督、不会监督问题” (1364–1385), comes after the stating sentences, marked as a context clause."""
    data = compare.load(open_graph(backend="memory"))
    expl = compare.explain(data, "湖南", "权责清单")
    (item,) = [i for i in expl.measures if i.measure.iri.endswith("judicial-personnel-responsibility-list")]
    assert [q.exact for q in item.measure.quotes] == ["制定司法人员职责清单", "一是完善审判监督管理机制"]
    text = compare.render_explanation(expl, "table")
    assert "归属依据: 据上下文推断：举措所属机关据小标题“完善审判监督管理机制”推断为法院" in text
    assert "[所在标题（上下文）] “一是完善审判监督管理机制”" in text
    assert text.index("“制定司法人员职责清单”") < text.index("“一是完善审判监督管理机制”")
    assert "[所在语境（问题或背景）] “针对院庭长不愿监督、不敢监督、不会监督问题”" in text
    assert text.index("“指导出台院庭长监管职责意见”") < text.index("“针对院庭长不愿监督")
    english = compare.render_explanation(expl, "table", "en")
    assert "attribution: inferred from context: Attributed to the courts from the sub-heading" in english
    assert "[section heading (context)]" in english
    assert "[context clause (problem or background)]" in english
    stated = compare.explain(data, "江苏", "专业法官会议")
    assert "归属依据: 原文明示" in compare.render_explanation(stated, "table")
    # Neither a heading nor a problem clause is a statement: 湖南 权责清单 rests on “制定司法人员职责清单,…。” and
    # “二是针对院庭长不愿监督…,指导出台院庭长监管职责意见,…界限。” — 2 sentences, not the heading's “一是完善审判监督管理机制。”
    statements = compare.build_matrix(data, by="mechanism", count="statements")
    assert statements.count(ZFR + "mech-power-responsibility-list", data.provinces[0].iri) == 2


# ---------------------------------------------------------------------------
# What every format says: basis, wording, caveat
# ---------------------------------------------------------------------------

ADOPTED = re.compile(r"adopt|采用|采取", re.IGNORECASE)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_no_output_says_adopted_and_zero_reads_not_reported(data: Adoptions, lang: str) -> None:
    matrix = compare.build_matrix(data)
    for fmt in ("table", "md", "csv", "json", "html"):
        out = str(compare.render_matrix(matrix, fmt, lang, data=data))
        labels = "|".join(re.escape(m.label(lang)) for m in data.measures.values() if ADOPTED.search(m.label(lang)))
        said = re.sub(labels, "", out) if labels else out
        assert not ADOPTED.search(said), (fmt, ADOPTED.search(said))
    shared = compare.render_overlap(compare.build_matrix(data, by="mechanism"), "table", lang)
    assert not ADOPTED.search(shared)
    assert ("两个及以上来源提及" if lang == "zh" else "reported for two or more") in shared
    # Under presence a row's number of measures is still its measures: 执法办案流程与行为规范, 5 measures in 3 provinces —
    # 湖南 “细化12项执法流程规范”; 贵州 “科学设置执法办案流程” and “制定《现场执法执勤处置规范》”; 四川 “编制执法流程等5项
    # 行政执法地方标准和投诉处理等14项工作规范” and “逐项明确“收押”到“释放”952个执法事项的流程、规范及文书表单”
    # (广西's 436 监督项目 is no procedure norm: issue 14 §5).
    assert (
        "执法办案流程与行为规范 — 湖南、贵州、四川（3 个省份，5 项举措）"
        if lang == "zh"
        else "(3 provinces, 5 measures)"
    ) in shared
    page = str(compare.render_matrix(matrix, "html", lang, data=data))
    assert ("未提及" if lang == "zh" else "not reported in the source") in page
    # The caveat in both languages on the page.
    assert "0 表示原文未提及" in page and "0 means not reported in the source" in page


def test_json_states_each_columns_basis(data: Adoptions) -> None:
    parsed = json.loads(str(compare.render_matrix(compare.build_matrix(data), "json")))
    assert parsed["count"] == "mechanisms"
    hunan = parsed["columns"][0]
    assert hunan["zh"] == "湖南"
    (basis,) = hunan["basis"]
    start, end = _speech_span("湖南")
    assert basis["part"] == ZFR + "doc-c6000f12c74fa8d8-speech-hunan"
    assert basis["organ"] == "湖南省委政法委" and basis["organTypeLabel"] == ["党委政法委员会"]
    assert basis["characters"] == end - start == 1025
    # 39 before the splitting rule, 32 after it, 31 after REVIEW-1 (“三个规定”的配套制度 and “十二条禁令” one measure).
    assert basis["measures"] == 31


def test_organ_type_columns_state_their_basis(data: Adoptions) -> None:
    """Across organ types, a column rests on every speech reporting measures of that type: 人民法院's
    measures come from 江苏's court speech AND from 湖南's commission speech (湖南法院)."""
    matrix = compare.build_matrix(data, across="organ-type")
    court = next(c for c in matrix.columns if c.zh == "人民法院")
    speakers = [e.part.organ.zh for e in matrix.basis()[court.iri] if e.part.organ]
    assert speakers[:2] == ["湖南省委政法委", "江苏省高级人民法院"]
    assert "湖南省委政法委（党委政法委员会）的发言" in compare.render_matrix(matrix, "table")


# ---------------------------------------------------------------------------
# HTML: contrast of every shade, stable cell addresses
# ---------------------------------------------------------------------------


def test_every_shade_meets_wcag_aa_contrast(data: Adoptions) -> None:
    for shade in SHADES:
        assert contrast(text_colour(shade), shade) >= 4.5, shade
    assert contrast("#57606a", "#ffffff") >= 4.5  # zero cells, context, notes
    assert contrast("#1a1a1a", "#fff8c5") >= 4.5  # the quote's mark
    page = str(compare.render_matrix(compare.build_matrix(data, count="measures"), "html", data=data))
    used = set(re.findall(r"background:(#[0-9a-f]{6});color:(#[0-9a-f]{6})", page))
    assert len({bg for bg, _ in used}) >= 5  # the page really shades
    for background, colour in used:
        assert contrast(colour, background) >= 4.5, (colour, background)
    assert [shade_index(n, 9) for n in (1, 5, 9)] == [1, 4, 7]


def test_cell_ids_are_stable_addresses() -> None:
    assert cell_id(ZFR + "cat-internal-case-supervision", ZFR + "province-hunan") == (
        "cell__cat-internal-case-supervision__province-hunan"
    )
    assert cell_id(ZFR + "rel-internal", "https://w3id.org/zhengfa-kg/def/PeoplesCourt") == (
        "cell__rel-internal__PeoplesCourt"
    )


def test_a_csv_matrix_from_the_store_reads_no_rdflib(store_path: Path) -> None:
    """The library path of `kg compare --format csv`: the store's aggregates, without importing rdflib
    (its import costs more than the whole matrix). A sys.modules check, not a timing."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "from kg import compare\n"
        "from kg.store import open_store\n"
        f"data = compare.load(open_store({str(store_path)!r}))\n"
        "text = compare.matrix_csv(compare.build_matrix(data))\n"
        "assert text.startswith('category,湖南,江苏,广西,贵州,四川')\n"
        "assert 'measures' not in data.__dict__  # no measure or quote was read\n"
        "print(sorted(m for m in ('rdflib', 'networkx', 'matplotlib', 'pyshacl') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_html_shows_attribution_and_headings_after_stating_sentences() -> None:
    data = compare.load(open_graph(backend="memory"))
    page = str(compare.render_matrix(compare.build_matrix(data, by="mechanism"), "html", data=data))
    section = page[page.index('id="cell__mech-power-responsibility-list__province-hunan"') :]
    section = section[: section.index("</section>")]
    assert "归属依据: 据上下文推断：举措所属机关据小标题“完善审判监督管理机制”推断为法院" in section
    stating = section.index("<mark>制定司法人员职责清单</mark>")
    heading = section.index('<span class="role">所在标题（上下文）</span>')
    assert stating < heading < section.index("<mark>一是完善审判监督管理机制</mark>")


def test_by_relation_without_relations_is_a_clear_input_error(seed_graph: Graph) -> None:
    from kg.errors import InputError

    # The seed graph without the relation scheme (a graph curated before issue 14).
    bare = Graph()
    for triple in seed_graph:
        if not str(triple[0]).startswith((ZFR + "rel-", ZFR + "supervision-relations")):
            bare.add(triple)
    with pytest.raises(InputError, match="this graph has no supervision relations"):
        compare.build_matrix(compare.load(bare), by="relation")
    bad = CliRunner().invoke(app, ["compare", "--count", "sentences", "--backend", "memory"])
    assert bad.exit_code == 2 and "unknown --count 'sentences'" in bad.stderr


def test_the_organ_type_view_says_its_columns_are_adopting_organ_types(data: Adoptions) -> None:
    """Across organ types a column gathers organs of several speeches; the caveat must not say "one speech"."""
    table = str(compare.render_matrix(compare.build_matrix(data, across="organ-type"), "table"))
    assert "每列为采取举措的机关类型（含据上下文推断的归属）" in table
    assert "每列只反映该省一个机关的一篇约千字发言" not in table
    page = str(compare.render_matrix(compare.build_matrix(data, across="organ-type"), "html", "en", data=data))
    assert "province and the reporting organ&#x27;s type cannot be told apart" in page  # escaped apostrophe
