"""The interpretive layer of the seed graph (issue 14): splitting rule, attribution, evidence roles,
the supervision-relation facet, the speakers' own headings, court units, and each correction of the review.

Every expectation here is worked out by hand from the seed text, not read back from the facts.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import combinations

import pytest
from rdflib import Graph, Literal, URIRef

from kg.namespaces import DCTERMS, ORG, PROV, RDF, RDFS, SKOS, ZF, ZFR
from tests.conftest import SEED_TEXT

OA_START = URIRef("http://www.w3.org/ns/oa#start")
OA_END = URIRef("http://www.w3.org/ns/oa#end")
OA_SELECTOR = URIRef("http://www.w3.org/ns/oa#hasSelector")
BOOLEAN_TRUE = Literal(True)


def measures(graph: Graph) -> set[URIRef]:
    return {m for m in graph.subjects(RDF.type, ZF.Measure) if isinstance(m, URIRef)}


def offsets(graph: Graph, evidence: URIRef) -> tuple[int, int]:
    for selector in graph.objects(evidence, OA_SELECTOR):
        start = graph.value(selector, OA_START)
        if start is not None:
            return int(start), int(graph.value(selector, OA_END))
    raise AssertionError(evidence)


def stating(graph: Graph, measure: URIRef) -> list[URIRef]:
    return [
        e
        for e in graph.objects(measure, PROV.wasDerivedFrom)
        if (e, ZF.evidenceRole, ZF.StatingSentence) in graph and isinstance(e, URIRef)
    ]


def sentence_of(text: str, start: int) -> tuple[int, int]:
    """The sentence around a code-point offset: text between 。 ; ； or a line break."""
    stops = "。;；\n"
    left = max(text.rfind(ch, 0, start) for ch in stops) + 1
    rights = [i for i in (text.find(ch, start) for ch in stops) if i >= 0]
    return left, min(rights)


def with_broader(graph: Graph, mechanism: URIRef) -> set[URIRef]:
    """A mechanism and every broader mechanism above it, short of its category."""
    found = set()
    node = mechanism
    while node is not None and (node, RDF.type, ZF.MechanismCategory) not in graph:
        found.add(node)
        node = graph.value(node, SKOS.broader)
    return found


def categories_of(graph: Graph, measure: URIRef) -> set[URIRef]:
    found = set()
    for mech in graph.objects(measure, ZF.implements):
        node = mech
        while node is not None:
            if (node, RDF.type, ZF.MechanismCategory) in graph:
                found.add(node)
            node = graph.value(node, SKOS.broader)
    return found


# --- §2 the splitting rule -------------------------------------------------------------------------------


def test_measure_counts_after_the_splitting_rule(seed_graph: Graph) -> None:
    per_speech = Counter(str(seed_graph.value(m, ZF.reportedIn)).rsplit("-", 1)[-1] for m in measures(seed_graph))
    # 136 measures before the rule; 24 merged away: 湖南 7, 江苏 1, 广西 4, 贵州 5, 四川 7 (→ 112); then REVIEW-1:
    # 湖南 “三个规定”的配套制度 + “十二条禁令” one sentence, one mechanism family (−1); 江苏 “24种标准流程67个流程节点、
    # 执行工作“854”模式37个流程节点” one list (−1) and “闭环式”监管新模式 the speaker's frame (−1); 广西
    # “在办案中监督、在监督中办案” an idea (−1) → 108; then REVIEW-2: 贵州 “落实办案质量终身负责制,对执法有过错的单位或个人
    # 严肃追责问责” one sentence, the 追责 clause enforcing the 终身负责制 (−1) → 107.
    assert per_speech == {"hunan": 31, "jiangsu": 13, "guangxi": 22, "guizhou": 12, "sichuan": 29}


def test_one_measure_per_mechanism_per_sentence(seed_graph: Graph) -> None:
    """docs/curation.md: within one sentence an organ's clauses are split exactly where they implement
    different mechanisms; no two measures of one organ whose stating sentences meet share a mechanism, counting a
    narrower mechanism (“854” under 流程节点监控, 十二条禁令 under “三个规定”) as its broader one."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    sentences = {
        m: {sentence_of(text, offsets(seed_graph, e)[0]) for e in stating(seed_graph, m)} for m in measures(seed_graph)
    }
    for a, b in combinations(sorted(measures(seed_graph)), 2):
        if set(seed_graph.objects(a, ZF.adoptedBy)) != set(seed_graph.objects(b, ZF.adoptedBy)):
            continue
        if sentences[a] & sentences[b]:
            mechs_a = {n for m in seed_graph.objects(a, ZF.implements) for n in with_broader(seed_graph, m)}
            mechs_b = {n for m in seed_graph.objects(b, ZF.implements) for n in with_broader(seed_graph, m)}
            assert not mechs_a & mechs_b, (a, b, mechs_a & mechs_b)


@pytest.mark.parametrize(
    ("measure", "mechanisms"),
    [
        # “纳入重大事项请示报告内容,纳入党风廉政建设和政绩考核体系,并作为向省委述职的重要内容”: one device, three channels
        ("measure-hunan-reform-in-major-matters-reporting", {"mech-reform-performance-assessment"}),
        # “秉承“双赢多赢共赢”理念。强化…良性互动关系,共同制定加强监督实施细则,积极构建协作机制”
        ("measure-guangxi-win-win-interaction", {"mech-win-win-cooperative-supervision"}),
        # “建立接处警证据移交、接处警行为记录、警情回访等机制,将所有警情数据集中存储”
        (
            "measure-guizhou-110-centralised-incident-data",
            {"mech-police-call-response-management", "mech-enforcement-full-process-recording"},
        ),
        # “制定出庭补助标准,健全出庭保障机制”
        ("measure-hunan-court-appearance-guarantee-mechanism", {"mech-court-appearance-guarantee"}),
        # 院长12项 and 庭长11项 stay one measure, as they were
        ("measure-jiangsu-supervisory-duty-lists", {"mech-power-responsibility-list"}),
    ],
)
def test_the_over_split_sentences_of_the_review_are_one_measure(
    seed_graph: Graph, measure: str, mechanisms: set[str]
) -> None:
    assert (ZFR[measure], RDF.type, ZF.Measure) in seed_graph
    assert {str(m).rsplit("/", 1)[-1] for m in seed_graph.objects(ZFR[measure], ZF.implements)} == mechanisms
    for gone in (
        "measure-hunan-reform-in-work-reports",
        "measure-guangxi-cooperation-mechanisms",
        "measure-guizhou-110-follow-up-calls",
        "measure-hunan-court-appearance-allowance-standard",
    ):
        assert (ZFR[gone], None, None) not in seed_graph


def test_four_different_devices_in_one_sentence_stay_four_measures(seed_graph: Graph) -> None:
    """湖南 “建立健全案例裁判指引、发改案件沟通、类案关联案检索、随案评查机制”: four mechanisms, four measures."""
    sentence = [m for m in measures(seed_graph) if (m, PROV.wasDerivedFrom, ZFR["ev-hunan-018"]) in seed_graph]
    assert len(sentence) == 4


# --- §3 attribution ------------------------------------------------------------------------------------------

HUNAN_INFERRED = {
    # 一是完善审判监督管理机制 (courts)
    "judicial-personnel-responsibility-list",
    "judge-discretion-opinion",
    "case-adjudication-guidance",
    "reversed-case-communication",
    "similar-related-case-search",
    "review-alongside-cases",
    "unlawful-adjudication-accountability",
    "judge-discipline",
    # 二是完善检察制约监督机制 (procuratorates)
    "procuratorial-procedure-norms",
    "routine-and-special-supervision",
    "real-time-case-supervision",
    "case-quality-indicator-system",
    "individual-case-supervision-and-sweeps",
    "case-management-inspection-linkage",
    # 三是完善执法动态监督机制 (police)
    "three-unifications",
    "case-handling-management-centres",
    "sunshine-policing-platform",
    # 细化监管“四类案件”17项情形
    "four-categories-17-situations",
}
SICHUAN_INFERRED = {
    "criminal-reward-three-level-review",  # “严格实行…监区、监狱、监狱局三核三审”: levels named, not who applies it
    "prison-enforcement-matter-procedures",
    "prisoner-assessment-indicator-system",
    "prison-enforcement-local-standard",
    "accept-resident-circuit-procuratorial-supervision",
    "penal-enforcement-supervisors",
    "prison-enforcement-information-disclosure",
}


def test_every_measure_says_how_its_organ_is_known(seed_graph: Graph) -> None:
    inferred = set()
    for m in measures(seed_graph):
        bases = set(seed_graph.objects(m, ZF.attributionBasis))
        assert bases in ({ZF.StatedInText}, {ZF.InferredFromContext}), m
        if bases == {ZF.InferredFromContext}:
            inferred.add(str(m).rsplit("/measure-", 1)[-1])
            notes = {n.language for n in seed_graph.objects(m, ZF.attributionNote) if isinstance(n, Literal)}
            assert notes == {"zh", "en"}, m
    assert inferred == {f"hunan-{m}" for m in HUNAN_INFERRED} | {f"sichuan-{m}" for m in SICHUAN_INFERRED}
    assert len(inferred) == 25


def test_the_three_hunan_sub_headings_are_named_in_the_notes(seed_graph: Graph) -> None:
    note = str(next(seed_graph.objects(ZFR["measure-hunan-judge-discipline"], ZF.attributionNote)))
    assert "完善审判监督管理机制" in note


# --- §4 evidence roles --------------------------------------------------------------------------------------


def test_every_evidence_has_one_role_and_every_measure_a_stating_sentence(seed_graph: Graph) -> None:
    for ev in seed_graph.subjects(RDF.type, ZF.Evidence):
        assert len(set(seed_graph.objects(ev, ZF.evidenceRole))) == 1, ev
    for m in measures(seed_graph):
        assert stating(seed_graph, m), m


def test_section_headings_quoted_by_measures_are_marked_as_context(seed_graph: Graph) -> None:
    headings = {
        "ev-hunan-015": "一是完善审判监督管理机制",
        "ev-hunan-020": "二是完善检察制约监督机制",
        "ev-hunan-027": "三是完善执法动态监督机制",
        "ev-guangxi-034": "强化自身监督,确保检察权规范运行",
        "ev-guangxi-035": "加强检察权运行监督",
        "ev-guangxi-036": "前移监督端口",
        "ev-guizhou-026": "深度应用政法数据平台",
    }
    used = {e for m in measures(seed_graph) for e in seed_graph.objects(m, PROV.wasDerivedFrom)}
    marked = {str(e).rsplit("/", 1)[-1] for e in used if (e, ZF.evidenceRole, ZF.ContextHeading) in seed_graph}
    assert marked == set(headings)
    # the 案—件比 measure the review named: its heading is context, its sentence states it
    ratio = ZFR["measure-guangxi-case-to-proceeding-ratio-indicators"]
    assert ZFR["ev-guangxi-027"] in stating(seed_graph, ratio)
    assert ZFR["ev-guangxi-034"] not in stating(seed_graph, ratio)


# --- §5 corrections, one test each ------------------------------------------------------------------------


def definition(graph: Graph, concept: str, lang: str = "zh") -> str:
    return next(str(d) for d in graph.objects(ZFR[concept], SKOS.definition) if d.language == lang)


def test_pre_filtering_belongs_to_the_professional_judges_meeting(seed_graph: Graph) -> None:
    assert "前置过滤" in definition(seed_graph, "mech-professional-judges-meeting")
    committee = definition(seed_graph, "mech-adjudication-committee-supervision")
    assert "分析审判运行态势" in committee and "前置过滤由专业法官会议承担" in committee


def test_four_categories_as_the_spc_defines_them_with_the_instrument(seed_graph: Graph) -> None:
    text = definition(seed_graph, "mech-four-categories-case-supervision")
    for kind in (
        "涉及群体性纠纷、可能影响社会稳定的",
        "疑难、复杂且在社会上有重大影响的",
        "与本院或者上级法院的类案判决可能发生冲突的",
        "有关单位或者个人反映法官有违法审判行为的",
    ):
        assert kind in text
    assert "重大敏感" not in text
    mech = ZFR["mech-four-categories-case-supervision"]
    assert seed_graph.value(mech, ZF.definitionSource) == ZF.CuratorSupplied
    ref = seed_graph.value(mech, ZF.externalReference)
    assert str(seed_graph.value(ref, DCTERMS.identifier)) == "法发〔2015〕13号"
    assert str(seed_graph.value(ref, DCTERMS.issued)) == "2015-09-21"
    assert seed_graph.value(ref, ZF.curatorSupplied) == BOOLEAN_TRUE


def test_hunan_17_and_jiangsu_24_are_not_one_indicator(seed_graph: Graph) -> None:
    hunan = seed_graph.value(ZFR["figure-hunan-four-categories-situation-count"], ZF.indicator)
    jiangsu = {
        seed_graph.value(f, ZF.indicator) for f in seed_graph.subjects(ZF.value, Literal(24)) if "jiangsu" in str(f)
    }
    assert ZFR["ind-flagged-case-situations"] in jiangsu
    assert hunan == ZFR["ind-four-categories-situations"] and hunan not in jiangsu
    assert "超长期未结" in str(seed_graph.value(ZFR["ind-flagged-case-situations"], SKOS.prefLabel))


def test_the_procuratorate_supervises_sichuan_prisons_it_does_not_co_adopt(seed_graph: Graph) -> None:
    m = ZFR["measure-sichuan-accept-resident-circuit-procuratorial-supervision"]
    assert (m, ZF.jointlyWith, None) not in seed_graph
    assert seed_graph.value(m, ZF.supervisingOrgan) == ZFR["organ-sichuan-procuratorates"]
    assert seed_graph.value(m, ZF.supervisionRelation) == ZFR["rel-procuratorial"]


def test_mechanism_assignments_the_review_rejected(seed_graph: Graph) -> None:
    implements = lambda m: set(seed_graph.objects(ZFR[m], ZF.implements))  # noqa: E731
    filing = ZFR["mech-normative-document-filing-review"]
    assert seed_graph.value(filing, SKOS.broader) != ZFR["cat-legal-supervision"]
    for m in ("measure-sichuan-filing-review-cross-and-expert", "measure-sichuan-reconsideration-internal-controls"):
        assert ZFR["cat-openness-public-supervision"] not in categories_of(seed_graph, ZFR[m]), m
        assert ZFR["cat-legal-supervision"] not in categories_of(seed_graph, ZFR[m]), m
    assert ZFR["mech-pre-protest-request"] not in implements("measure-guangxi-trial-supervision-case-guidance")
    assert ZFR["mech-trial-supervision-case-guidance"] in implements("measure-guangxi-trial-supervision-case-guidance")
    assert ZFR["mech-enforcement-full-process-recording"] not in implements(
        "measure-guizhou-integrated-case-handling-systems"
    )
    # the 436 supervision items (now one measure with the platform they are broken down on)
    platform = ZFR["measure-guangxi-investigation-supervision-platform"]
    assert ZFR["figure-guangxi-supervision-items"] in set(seed_graph.objects(platform, ZF.hasFigure))
    assert ZFR["mech-process-norms"] not in implements("measure-guangxi-investigation-supervision-platform")


def test_understated_cells_are_reported(seed_graph: Graph) -> None:
    def speech_categories(speech: str) -> set[URIRef]:
        return {
            c for m in seed_graph.subjects(ZF.reportedIn, ZFR[f"speech-{speech}"]) for c in categories_of(seed_graph, m)
        }

    assert ZFR["cat-process-control"] in speech_categories("sichuan")  # 实现全过程管控: 三核三审、逐级把关、责任倒查
    assert ZFR["cat-coordination-linkage"] in speech_categories("guizhou")  # 联合检、法 / 与检、法形成数据高效衔接
    for m in ("measure-guizhou-basic-evidence-requirements", "measure-guizhou-cross-department-big-data-platform"):
        assert ZFR["cat-coordination-linkage"] in categories_of(seed_graph, ZFR[m])
    for m in (
        "measure-jiangsu-judgment-document-error-correction",  # 文书自动校对软件嵌入案管系统
        "measure-hunan-sunshine-policing-platform",  # 阳光警务执法公开平台
        "measure-guizhou-automatic-warning-torture-overtime",  # 自动预警
        "measure-guizhou-sunshine-policing",  # 依托公安“两微一端”和政务服务平台
        "measure-sichuan-legal-service-integrity-platform",  # 诚信公益平台
    ):
        assert ZFR["cat-technology-enabled-supervision"] in categories_of(seed_graph, ZFR[m])


def test_weak_definitions_say_what_the_terms_mean(seed_graph: Graph) -> None:
    d854 = definition(seed_graph, "mech-execution-854-model")
    assert all(part in d854 for part in ("8类事务性工作", "5项技术服务", "4项管理职责", "37个"))
    assert seed_graph.value(ZFR["mech-execution-854-model"], ZF.externalReference) is not None
    three = definition(seed_graph, "mech-three-unifications")
    assert "统一从一个入口进入" in three and "公安机关" in three
    assert "督导" not in definition(seed_graph, "mech-pre-protest-request")


def test_smaller_corrections(seed_graph: Graph) -> None:
    assert seed_graph.value(ZFR["figure-guizhou-upgraded-case-handling-centres"], ZF.comparator) is None
    this_year = [
        f
        for f in seed_graph.subjects(ZF.periodLabel, Literal("今年以来", lang="zh"))
        if (f, ZF.reportedIn, ZFR["speech-jiangsu"]) in seed_graph
    ]
    assert len(this_year) == 5
    assert all("推断" in str(seed_graph.value(f, SKOS.scopeNote)) for f in this_year)
    assert (ZFR["system-guizhou-cross-department-big-data-case-platform"], ZF.operatedBy, None) not in seed_graph
    assert (ZFR["figure-hunan-poll-satisfaction-2019"], ZF.aboutOrgan, None) not in seed_graph
    coast_guard = set(seed_graph.objects(ZFR["organ-guangxi-coast-guard"], RDF.type))
    assert ZF.GovernmentAgency not in coast_guard and ZF.InvestigativeAgency in coast_guard
    assert (ZFR["organ-sichuan-prison-administration-bureau"], RDF.type, ZF.Prison) not in seed_graph
    systems = seed_graph.subjects(RDF.type, ZF.InformationSystem)
    assert Literal("会见中心", lang="zh") not in {lab for s in systems for lab in seed_graph.objects(s, RDFS.label)}
    regulated = set(
        seed_graph.objects(ZFR["policy-central-three-regulations-on-judicial-interference"], ZF.regulatesOrganType)
    )
    assert {ZF.PublicSecurityOrgan, ZF.JusticeAdministration} <= regulated


# --- §6 relation scheme, external references, speech structure, court units -------------------------------

RELATIONS = ["party-leadership", "hierarchical", "internal", "mutual-checks", "procuratorial"]
RELATIONS += ["discipline-inspection", "social"]


def test_relation_scheme_has_seven_ordered_relations_and_classifies_every_measure(seed_graph: Graph) -> None:
    for n, rel in enumerate(RELATIONS, start=1):
        concept = ZFR[f"rel-{rel}"]
        assert (concept, SKOS.inScheme, ZFR["supervision-relations"]) in seed_graph
        assert str(seed_graph.value(concept, SKOS.notation)) == str(n)
    for m in measures(seed_graph):
        rels = set(seed_graph.objects(m, ZF.supervisionRelation))
        assert rels and all((r, SKOS.inScheme, ZFR["supervision-relations"]) in seed_graph for r in rels), m


@pytest.mark.parametrize(
    ("measure", "relation"),
    [
        ("measure-hunan-law-enforcement-supervision-rules", "party-leadership"),  # 政法委出台执法监督实施细则
        ("measure-guangxi-regional-review-gang-cases", "hierarchical"),  # 统一由自治区检察院审核把关
        ("measure-sichuan-criminal-reward-three-level-review", "hierarchical"),  # 监区、监狱、监狱局三核三审
        ("measure-jiangsu-supervisory-duty-lists", "internal"),  # 院长12项、庭长11项监管职责
        ("measure-hunan-division-cooperation-checks", "mutual-checks"),  # 分工负责、配合有力、制约有效
        ("measure-guangxi-resident-offices-investigative-organs", "procuratorial"),  # 派驻检察室
        ("measure-hunan-job-crime-case-linkage-measures", "discipline-inspection"),  # 与省纪委…衔接办法
        ("measure-sichuan-penal-enforcement-supervisors", "social"),  # 向社会公开聘请刑罚执行监督员
    ],
)
def test_hand_checked_relations(seed_graph: Graph, measure: str, relation: str) -> None:
    assert (ZFR[measure], ZF.supervisionRelation, ZFR[f"rel-{relation}"]) in seed_graph


def test_mutual_checks_and_procuratorial_supervision_stay_apart(seed_graph: Graph) -> None:
    assert (ZFR["measure-hunan-division-cooperation-checks"], ZF.supervisionRelation, ZFR["rel-procuratorial"]) not in (
        seed_graph
    )
    assert (
        ZFR["measure-guangxi-resident-offices-investigative-organs"],
        ZF.supervisionRelation,
        ZFR["rel-mutual-checks"],
    ) not in seed_graph


def test_definitions_beyond_the_seed_cite_a_curator_supplied_instrument(seed_graph: Graph) -> None:
    supplied = set(seed_graph.subjects(ZF.definitionSource, ZF.CuratorSupplied))
    expected = {"four-categories-case-supervision", "three-regulations-on-interference"}
    expected |= {"judicial-accountability-system", "execution-854-model"}
    assert supplied == {ZFR[f"mech-{m}"] for m in expected}
    for mech in supplied:
        refs = list(seed_graph.objects(mech, ZF.externalReference))
        assert refs, mech
        for ref in refs:
            assert seed_graph.value(ref, ZF.curatorSupplied) == BOOLEAN_TRUE
            assert seed_graph.value(ref, DCTERMS.title) is not None and seed_graph.value(ref, DCTERMS.creator)
            assert (ref, PROV.wasDerivedFrom, None) not in seed_graph  # nothing to quote
    three = set(seed_graph.objects(ZFR["mech-three-regulations-on-interference"], ZF.externalReference))
    titles = {str(seed_graph.value(r, DCTERMS.title)) for r in three}
    assert titles == {
        "领导干部干预司法活动、插手具体案件处理的记录、通报和责任追究规定",
        "司法机关内部人员过问案件的记录和责任追究规定",
        "关于进一步规范司法人员与当事人、律师、特殊关系人、中介组织接触交往行为的若干规定",
    }


def speech_of_section(graph: Graph, section: URIRef) -> URIRef:
    node = section
    while (node, RDF.type, ZF.SpeechSection) in graph:
        node = graph.value(node, DCTERMS.isPartOf)
    return node


def test_every_measure_stands_under_a_heading_of_its_own_speech(seed_graph: Graph) -> None:
    for m in measures(seed_graph):
        section = seed_graph.value(m, ZF.underHeading)
        assert speech_of_section(seed_graph, section) == seed_graph.value(m, ZF.reportedIn), m


@pytest.mark.parametrize(
    ("measure", "heading"),
    [
        ("measure-hunan-internal-supervision-mechanisms", "统筹推进"),
        ("measure-jiangsu-flagged-case-situations", "突出监管重点"),
        ("measure-jiangsu-routine-priority-special-case-review", "着力中观评查"),
        ("measure-guangxi-three-regulations", "加强检察权运行监督"),
        ("measure-guangxi-quarterly-statistics-release", "强化自身监督,确保检察权规范运行"),
        ("measure-hunan-four-categories-17-situations", "破解难题"),
        ("measure-sichuan-criminal-reward-three-level-review", "实现全过程管控"),
        ("measure-guizhou-110-centralised-incident-data", "突出源头管理"),
    ],
)
def test_hand_checked_headings(seed_graph: Graph, measure: str, heading: str) -> None:
    section = seed_graph.value(ZFR[measure], ZF.underHeading)
    assert Literal(heading, lang="zh") in set(seed_graph.objects(section, RDFS.label))


def test_the_speakers_frames_are_data(seed_graph: Graph) -> None:
    sichuan = [
        str(seed_graph.value(s, RDFS.label))
        for s in seed_graph.subjects(DCTERMS.isPartOf, ZFR["section-sichuan"])
        if (s, RDF.type, ZF.SpeechSection) in seed_graph
    ]
    assert sorted(re.sub(r".*构建", "", s) for s in sichuan) == sorted(
        ["严格公正的刑罚执行监督体系", "公开透明的行政执法监督体系", "诚信规范的法律服务监督体系"]
    )
    frame = {
        str(seed_graph.value(s, RDFS.label)): str(seed_graph.value(seed_graph.value(s, ZF.frameElement), RDFS.label))
        for s in seed_graph.subjects(ZF.frameElement, None)
        if seed_graph.value(s, DCTERMS.isPartOf) != ZFR["section-jiangsu"]
    }
    assert frame["实现全过程管控"].startswith("过程控制")
    assert frame["压实监督责任"].startswith("责任落实")
    jiangsu = sorted(
        str(seed_graph.value(seed_graph.value(s, ZF.frameElement), RDFS.label))
        for s in seed_graph.subjects(DCTERMS.isPartOf, ZFR["section-jiangsu"])
    )
    assert jiangsu == ["事中", "事前", "事后"]


def test_court_bodies_are_units_of_their_court(seed_graph: Graph) -> None:
    units = {
        str(lab)
        for u in seed_graph.subjects(ORG.unitOf, ZFR["organ-jiangsu-courts"])
        for lab in seed_graph.objects(u, SKOS.altLabel)
    } | {str(seed_graph.value(u, RDFS.label)) for u in seed_graph.subjects(ORG.unitOf, ZFR["organ-jiangsu-courts"])}
    assert {"审管办", "监察部门", "专业法官会议", "审委会"} <= units
    division = ZFR["measure-jiangsu-supervision-division-of-labour"]
    assert len(set(seed_graph.objects(division, ZF.supervisingUnit))) == 2


# --- REVIEW-1 (the scholar's review after the curation branch), one test per finding -----------------------


def test_no_measure_implements_a_whole_category(seed_graph: Graph) -> None:
    """CERTAIN: 16 zf:implements pointed at a category (e.g. 湖南 办案管理中心 and 阳光警务平台 both cat-technology)."""
    for m in measures(seed_graph):
        for mech in seed_graph.objects(m, ZF.implements):
            assert (mech, RDF.type, ZF.MechanismCategory) not in seed_graph, (m, mech)
    for mech in seed_graph.subjects(SKOS.inScheme, ZFR["mechanisms"]):
        if (mech, RDF.type, ZF.MechanismCategory) not in seed_graph:
            assert len(set(seed_graph.objects(mech, SKOS.broader))) == 1, mech


@pytest.mark.parametrize(
    ("measure", "mechanism", "category"),
    [
        # 湖南 “推动政法单位健全内部监督机制”
        ("measure-hunan-internal-supervision-mechanisms", "internal-supervision-building", "internal-case-supervision"),
        # 湖南 “报请省委出台《关于贯彻<中国共产党政法工作条例>…的意见》”
        (
            "measure-hunan-political-legal-work-opinion",
            "political-legal-work-regulations-implementation",
            "leadership-coordination",
        ),
        # 湖南 “支持检察机关法律监督”
        (
            "measure-hunan-support-procuratorial-supervision",
            "support-for-procuratorial-supervision",
            "legal-supervision",
        ),
        # 湖南 “做到视频监控全覆盖” and 贵州 “对刑讯逼供、超时讯(询)问等行为自动预警”: monitoring devices
        (
            "measure-hunan-case-handling-management-centres",
            "smart-enforcement-monitoring",
            "technology-enabled-supervision",
        ),
        (
            "measure-guizhou-automatic-warning-torture-overtime",
            "smart-enforcement-monitoring",
            "technology-enabled-supervision",
        ),
        # 湖南 “阳光警务执法公开平台” — a disclosure platform, not the same device as the centres
        ("measure-hunan-sunshine-policing-platform", "online-disclosure-platform", "technology-enabled-supervision"),
        # 江苏 “将文书自动校对软件嵌入案管系统”
        (
            "measure-jiangsu-judgment-document-error-correction",
            "document-auto-proofreading",
            "technology-enabled-supervision",
        ),
        # 贵州 “联合检、法制定” and 四川 “联合卫健、检察部门…逐一界定”
        ("measure-guizhou-basic-evidence-requirements", "joint-standard-setting", "coordination-linkage"),
        ("measure-sichuan-parole-medical-criteria", "joint-standard-setting", "coordination-linkage"),
        # 贵州 “与检、法形成数据高效衔接的办案体系”
        (
            "measure-guizhou-cross-department-big-data-platform",
            "inter-agency-case-data-linkage",
            "coordination-linkage",
        ),
        # 四川 “二是实现全过程管控。严格实行刑事奖励提请…三核三审”
        ("measure-sichuan-criminal-reward-three-level-review", "penal-reward-process-control", "process-control"),
    ],
)
def test_category_links_became_specific_mechanisms(
    seed_graph: Graph, measure: str, mechanism: str, category: str
) -> None:
    mech = ZFR[f"mech-{mechanism}"]
    assert (ZFR[measure], ZF.implements, mech) in seed_graph
    assert seed_graph.value(mech, SKOS.broader) == ZFR[f"cat-{category}"]
    assert {d.language for d in seed_graph.objects(mech, SKOS.definition) if isinstance(d, Literal)} == {"zh", "en"}


def test_the_lawyer_contact_rules_are_the_third_of_the_three_regulations(seed_graph: Graph) -> None:
    """PROBABLE: 三个规定's definition already includes 律师接触交往; 湖南 “健全落实…“三个规定”的配套制度,出台司法人员与
    律师交往“十二条禁令”,对领导干部和司法机关内部人员过问案件全程留痕” is then one measure (splitting rule)."""
    three = ZFR["mech-three-regulations-on-interference"]
    assert seed_graph.value(ZFR["mech-lawyer-contact-rules"], SKOS.broader) == three
    merged = ZFR["measure-hunan-three-regulations-supporting-rules"]
    assert ZFR["policy-hunan-twelve-prohibitions"] in set(seed_graph.objects(merged, ZF.createsDocument))
    assert (ZFR["measure-hunan-twelve-prohibitions"], None, None) not in seed_graph


def test_one_list_of_process_nodes_is_one_measure(seed_graph: Graph) -> None:
    """PROBABLE: “设定案件审判24种标准流程67个流程节点、执行工作“854”模式37个流程节点,实现实时监控” is one list."""
    nodes = ZFR["measure-jiangsu-trial-process-nodes"]
    assert set(seed_graph.objects(nodes, ZF.implements)) == {
        ZFR["mech-process-node-control"],
        ZFR["mech-execution-854-model"],
    }
    assert ZFR["figure-jiangsu-execution-process-nodes"] in set(seed_graph.objects(nodes, ZF.hasFigure))
    assert (ZFR["measure-jiangsu-execution-854-process-nodes"], None, None) not in seed_graph


def test_ideas_and_frames_are_not_measures(seed_graph: Graph) -> None:
    """广西 “持续更新检察监督理念,坚持“在办案中监督、在监督中办案”” is a 理念; 江苏 “构建事前事中事后“闭环式”监管新模式”
    is the speaker's frame (zfr:frame-jiangsu-before/-during/-after), counting it as a device double-counts."""
    assert (ZFR["measure-guangxi-supervision-through-case-handling"], None, None) not in seed_graph
    assert (ZFR["measure-jiangsu-closed-loop-supervision-model"], None, None) not in seed_graph
    assert (None, ZF.implements, ZFR["mech-closed-loop-supervision"]) not in seed_graph
    assert (ZFR["frame-jiangsu-before"], RDF.type, ZF.FrameElement) in seed_graph


def test_provincial_prison_standards_are_the_bureaus(seed_graph: Graph) -> None:
    """PROBABLE: “2018年在全国率先将监狱执法管理整体纳入省级地方标准” is not the act of individual prisons."""
    bureau = ZFR["organ-sichuan-prison-administration-bureau"]
    for m in (
        "prison-enforcement-local-standard",
        "prison-enforcement-matter-procedures",
        "prisoner-assessment-indicator-system",
    ):
        measure = ZFR[f"measure-sichuan-{m}"]
        assert set(seed_graph.objects(measure, ZF.adoptedBy)) == {bureau}, m
        assert seed_graph.value(measure, ZF.attributionBasis) == ZF.InferredFromContext
        assert "省监狱管理局" in str(next(seed_graph.objects(measure, ZF.attributionNote)))


def test_the_forensic_expert_measure_regulates_a_practitioner(seed_graph: Graph) -> None:
    """PROBABLE: “规范律师案件代理和司法鉴定人出庭质证” regulates the expert, it does not guarantee appearance."""
    m = ZFR["measure-sichuan-forensic-expert-court-testimony"]
    assert set(seed_graph.objects(m, ZF.implements)) == {ZFR["mech-forensic-expert-testimony-regulation"]}
    assert (
        seed_graph.value(ZFR["mech-forensic-expert-testimony-regulation"], SKOS.broader) == ZFR["cat-litigation-rights"]
    )
    assert set(seed_graph.objects(m, ZF.supervisionRelation)) == {ZFR["rel-internal"]}


@pytest.mark.parametrize(
    ("measure", "mechanism"),
    [
        ("measure-sichuan-criminal-reward-three-level-review", "fault-accountability"),  # “逐级把关,责任倒查”
        ("measure-jiangsu-smart-case-assistant", "real-time-case-monitoring"),  # “裁判结果自动监测预警”
        ("measure-guangxi-guided-evidence-collection", "trial-centred-reform"),  # “把裁判标准向侦查前端传导”
    ],
)
def test_mechanisms_the_review_found_missing(seed_graph: Graph, measure: str, mechanism: str) -> None:
    assert (ZFR[measure], ZF.implements, ZFR[f"mech-{mechanism}"]) in seed_graph


@pytest.mark.parametrize(
    ("measure", "relations"),
    [
        ("measure-sichuan-reconsideration-written-and-hearing-review", {"hierarchical"}),  # 行政复议 is 层级
        ("measure-sichuan-practice-supervision-coordination", {"internal"}),  # 执业监管 of practitioners
        ("measure-guangxi-expert-advisory-committee", {"procuratorial"}),  # “提升监督精准度”: the procuratorate's
        ("measure-hunan-three-regulations-supporting-rules", {"internal"}),  # no 纪检监察 in the sentence
        ("measure-guangxi-three-regulations", {"internal"}),  # “严格执行“三项规定””: no 纪检监察 either
        ("measure-hunan-court-president-supervision-duties-opinion", {"internal"}),  # 指导出台: guiding is not checking
    ],
)
def test_relations_the_review_corrected(seed_graph: Graph, measure: str, relations: set[str]) -> None:
    assert set(seed_graph.objects(ZFR[measure], ZF.supervisionRelation)) == {ZFR[f"rel-{r}"] for r in relations}


def test_problem_and_background_clauses_are_context_not_statements(seed_graph: Graph) -> None:
    """PROBABLE: “针对关系案、人情案、金钱案问题” and “针对院庭长不愿监督、不敢监督、不会监督问题” were listed first as if
    they stated the measures; they are zf:ContextClause, and each measure keeps a stating sentence."""
    for ev in ("ev-hunan-031", "ev-hunan-035"):
        assert seed_graph.value(ZFR[ev], ZF.evidenceRole) == ZF.ContextClause, ev
    assert set(seed_graph.objects(ZF.ContextClause, RDFS.label)) == {
        Literal("所在语境（问题或背景）", lang="zh"),
        Literal("context clause (problem or background)", lang="en"),
    }
    for m in (
        "measure-hunan-three-regulations-supporting-rules",
        "measure-hunan-four-categories-17-situations",
        "measure-hunan-court-president-supervision-duties-opinion",
    ):
        assert stating(seed_graph, ZFR[m]), m
        assert ZFR["ev-hunan-031"] not in stating(seed_graph, ZFR[m])
        assert ZFR["ev-hunan-035"] not in stating(seed_graph, ZFR[m])


def test_the_hunan_17_situations_figure_says_its_organ_is_inferred(seed_graph: Graph) -> None:
    note = str(seed_graph.value(ZFR["figure-hunan-four-categories-situation-count"], SKOS.scopeNote))
    assert "推断" in note


def test_category_scope_notes_for_the_debatable_groupings(seed_graph: Graph) -> None:
    internal = " ".join(str(n) for n in seed_graph.objects(ZFR["cat-internal-case-supervision"], SKOS.scopeNote))
    assert "行政复议内控" in internal and "备案审查" in internal
    quality = " ".join(str(n) for n in seed_graph.objects(ZFR["cat-quality-evaluation"], SKOS.scopeNote))
    assert "好差评" in quality and "第三方评估" in quality


# --- REVIEW-2 (the second scholarly review), one test per finding fixed in the data --------------------------


def test_the_hunan_task_list_opens_with_its_own_sentence(seed_graph: Graph) -> None:
    """E-1: “报请省委出台《…意见》和全省政法领域改革任务清单,明确26项…” — ev-hunan-002 quotes the 《意见》, which is
    measure-hunan-political-legal-work-opinion; the task list's first stating quote is ev-hunan-003 (offset 664)."""
    task_list = ZFR["measure-hunan-reform-task-list"]
    quotes = sorted(stating(seed_graph, task_list), key=lambda e: offsets(seed_graph, e))
    assert quotes[0] == ZFR["ev-hunan-003"] and offsets(seed_graph, quotes[0]) == (664, 694)
    assert ZFR["ev-hunan-002"] not in quotes
    assert str(seed_graph.value(task_list, RDFS.label)).startswith("报请省委出台全省政法领域改革任务清单")
    assert stating(seed_graph, ZFR["measure-hunan-political-legal-work-opinion"]) == [ZFR["ev-hunan-002"]]


def test_lifelong_responsibility_and_its_accountability_are_one_measure(seed_graph: Graph) -> None:
    """S-1: “落实办案质量终身负责制,对执法有过错的单位或个人严肃追责问责” is one sentence, one device."""
    merged = ZFR["measure-guizhou-lifelong-case-quality-responsibility"]
    assert set(seed_graph.objects(merged, ZF.implements)) == {
        ZFR["mech-lifelong-case-quality-responsibility"],
        ZFR["mech-fault-accountability"],
    }
    assert set(stating(seed_graph, merged)) == {ZFR["ev-guizhou-024"], ZFR["ev-guizhou-025"]}
    assert (ZFR["measure-guizhou-enforcement-fault-accountability"], None, None) not in seed_graph
    assert (None, None, ZFR["measure-guizhou-enforcement-fault-accountability"]) not in seed_graph


def test_the_sichuan_joint_meeting_guarantees_lawyers_rights(seed_graph: Graph) -> None:
    """R-2: “三是健全权利维护机制。完善联席会议制度,…合力破解“新老三难”问题” — 社会监督 (lawyers' rights) beside 相互制约."""
    relations = set(seed_graph.objects(ZFR["measure-sichuan-joint-meeting-system"], ZF.supervisionRelation))
    assert relations == {ZFR["rel-social"], ZFR["rel-mutual-checks"]}


@pytest.mark.parametrize(
    ("figure", "organ"),
    [
        # “二是完善检察制约监督机制。细化12项执法流程规范”: the organ comes from the sub-heading
        ("figure-hunan-procuratorial-procedure-norm-count", "organ-hunan-procuratorates"),
        # “逐项明确“收押”到“释放”952个执法事项…,逐项明确8大类226种改造行为加扣分标准”: no organ named; their measures are
        # the 省监狱管理局's (REVIEW-1 M1), and so are the figures now
        ("figure-sichuan-prison-enforcement-matters", "organ-sichuan-prison-administration-bureau"),
        ("figure-sichuan-prisoner-conduct-categories", "organ-sichuan-prison-administration-bureau"),
        ("figure-sichuan-prisoner-conduct-kinds", "organ-sichuan-prison-administration-bureau"),
    ],
)
def test_figures_with_an_inferred_organ_say_so(seed_graph: Graph, figure: str, organ: str) -> None:
    """F-1, F-2."""
    assert set(seed_graph.objects(ZFR[figure], ZF.aboutOrgan)) == {ZFR[organ]}
    notes = {n.language: str(n) for n in seed_graph.objects(ZFR[figure], SKOS.scopeNote) if isinstance(n, Literal)}
    assert "推断" in notes["zh"] and "inferred" in notes["en"]
    measure = next(seed_graph.subjects(ZF.hasFigure, ZFR[figure]))
    assert set(seed_graph.objects(measure, ZF.adoptedBy)) == {ZFR[organ]}


def test_procuratorial_inspection_is_not_a_discipline_inspection_example(seed_graph: Graph) -> None:
    """T-3: 检务督察 is the procuratorate's own inspection; “建立完善案件管理与检务督察衔接机制” is 内部监督 only."""
    for definition in seed_graph.objects(ZFR["rel-discipline-inspection"], SKOS.definition):
        assert "如纪法衔接办法、案件评查与监督执纪贯通" in str(definition) or "such as rules linking" in str(definition)
        assert "不属此类" in str(definition) or "is not such a linkage" in str(definition)
    relations = set(seed_graph.objects(ZFR["measure-hunan-case-management-inspection-linkage"], ZF.supervisionRelation))
    assert relations == {ZFR["rel-internal"]}


def test_expert_participation_is_defined_by_what_it_tags(seed_graph: Graph) -> None:
    """T-4: its only measure is 广西 “成立专家咨询委员会” (检察法律监督); 四川 “专家随机抽选” and “专家协审” stay items of
    their internal procedures (issue 14's review: not 公开透明与社会监督), so the definition no longer names them."""
    experts = ZFR["mech-expert-participation"]
    assert set(seed_graph.subjects(ZF.implements, experts)) == {ZFR["measure-guangxi-expert-advisory-committee"]}
    zh = next(
        str(d) for d in seed_graph.objects(experts, SKOS.definition) if isinstance(d, Literal) and d.language == "zh"
    )
    assert "专家咨询委员会" in zh and "随机抽选" not in zh and "协审" not in zh
    assert "不记为社会监督" in " ".join(str(n) for n in seed_graph.objects(experts, SKOS.scopeNote))


def test_sunshine_policing_is_the_police_form_of_disclosure(seed_graph: Graph) -> None:
    """T-1: 湖南 “建成“六公开一投诉”的阳光警务执法公开平台” and 贵州 “纵深推进“阳光警务”建设” are one kind of device;
    阳光警务 is narrower than 执法司法信息公开 and neither measure also carries the broader one; 湖南 keeps 投诉受理
    (“一投诉” is explicit); no disclosure definition speaks of 受理投诉 any more."""
    sunshine = ZFR["mech-sunshine-policing"]
    assert seed_graph.value(sunshine, SKOS.broader) == ZFR["mech-enforcement-information-disclosure"]
    hunan = set(seed_graph.objects(ZFR["measure-hunan-sunshine-policing-platform"], ZF.implements))
    guizhou = set(seed_graph.objects(ZFR["measure-guizhou-sunshine-policing"], ZF.implements))
    assert hunan == {sunshine, ZFR["mech-complaint-handling"], ZFR["mech-online-disclosure-platform"]}
    assert guizhou == {sunshine, ZFR["mech-online-disclosure-platform"]}
    for mech in (sunshine, ZFR["mech-online-disclosure-platform"]):
        zh = next(
            str(d) for d in seed_graph.objects(mech, SKOS.definition) if isinstance(d, Literal) and d.language == "zh"
        )
        assert "并受理投诉" not in zh and "、受理投诉" not in zh, mech


def test_cross_department_case_data_is_tagged_alike_on_both_sides(seed_graph: Graph) -> None:
    """T-2: 贵州 “接入贵州省跨部门大数据办案平台,与检、法形成数据高效衔接的办案体系” and 广西 “推动实现与侦查机关执法办案
    系统互联互通,及时发现监督线索” are one kind of device seen from the police and from the procuratorate. Issue 14's review
    wants its linkage in 协作配合与衔接, so the two mechanisms stay, narrowed to the platform (科技赋能监督) and the organs'
    linkage (协作配合与衔接), and both measures carry both."""
    platform = ZFR["mech-cross-department-case-data-platform"]
    linkage = ZFR["mech-inter-agency-case-data-linkage"]
    both = {
        ZFR["measure-guizhou-cross-department-big-data-platform"],
        ZFR["measure-guangxi-interconnection-investigative-systems"],
    }
    assert set(seed_graph.subjects(ZF.implements, platform)) == both
    assert set(seed_graph.subjects(ZF.implements, linkage)) == both
    assert seed_graph.value(platform, SKOS.broader) == ZFR["cat-technology-enabled-supervision"]
    assert seed_graph.value(linkage, SKOS.broader) == ZFR["cat-coordination-linkage"]
    for mech, other in ((platform, "公检法办案数据衔接"), (linkage, "跨部门办案数据平台")):
        zh = next(
            str(d) for d in seed_graph.objects(mech, SKOS.definition) if isinstance(d, Literal) and d.language == "zh"
        )
        assert f"另计为“{other}”" in zh, mech
