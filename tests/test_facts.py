"""The curated fact base of the seed article: specific facts a scholar relies on."""

from __future__ import annotations

from decimal import Decimal

from rdflib import Graph, Literal, URIRef

from kg.namespaces import DCTERMS, ORG, OWL, PROV, RDF, RDFS, SKOS, ZF, ZFR

PROVINCES = {
    "hunan": ("湖南", "Q45761", "430000"),
    "jiangsu": ("江苏", "Q16963", "320000"),
    "guangxi": ("广西", "Q15176", "450000"),
    "guizhou": ("贵州", "Q47097", "520000"),
    "sichuan": ("四川", "Q19770", "510000"),
}


def provinces_of_mechanism(graph: Graph, mechanism: URIRef) -> set[str]:
    rows = graph.query(
        """SELECT DISTINCT ?short WHERE {
             ?m a zf:Measure ; zf:implements ?mech ; zf:adoptedBy ?organ .
             ?organ zf:inProvince ?province . ?province zf:shortName ?short . FILTER(lang(?short) = "zh")
           }""",
        initBindings={"mech": mechanism},
    )
    return {str(r[0]) for r in rows}


def test_provinces_link_to_wikidata_and_gb_codes(seed_graph: Graph) -> None:
    for key, (short, qid, code) in PROVINCES.items():
        province = ZFR[f"province-{key}"]
        assert (province, RDF.type, ZF.Province) in seed_graph
        assert (province, ZF.shortName, Literal(short, lang="zh")) in seed_graph
        assert (province, OWL.sameAs, URIRef(f"http://www.wikidata.org/entity/{qid}")) in seed_graph
        assert str(seed_graph.value(province, ZF.divisionCode)) == code


def test_five_speeches_with_speaker_post_organ_event(seed_graph: Graph) -> None:
    expected = {
        "hunan": ("李殿勋", "湖南省委政法委"),
        "jiangsu": ("夏道虎", "江苏省高级人民法院"),
        "guangxi": ("崔智友", "广西壮族自治区人民检察院"),
        "guizhou": ("郭瑞民", "贵州省公安厅"),
        "sichuan": ("刘志诚", "四川省司法厅"),
    }
    event = ZFR["event-2020-08-26-political-legal-reform-video-conference"]
    assert str(seed_graph.value(event, DCTERMS.date)) == "2020-08-26"
    for key, (speaker, organ) in expected.items():
        speech = ZFR[f"speech-{key}"]
        person = seed_graph.value(speech, ZF.speaker)
        assert str(seed_graph.value(person, URIRef("http://xmlns.com/foaf/0.1/name"))) == speaker
        organ_node = seed_graph.value(speech, ZF.onBehalfOf)
        assert Literal(organ, lang="zh") in set(seed_graph.objects(organ_node, RDFS.label))
        assert seed_graph.value(speech, ZF.deliveredAt) == event
        for post in seed_graph.objects(speech, ZF.speakerPost):
            assert seed_graph.value(post, ORG.heldBy) == person
            assert (post, PROV.wasDerivedFrom, None) in seed_graph


def test_every_province_adopted_measures(seed_graph: Graph) -> None:
    rows = seed_graph.query(
        """SELECT ?short (COUNT(DISTINCT ?m) AS ?n) WHERE {
             ?m a zf:Measure ; zf:adoptedBy ?organ . ?organ zf:inProvince ?p .
             ?p zf:shortName ?short . FILTER(lang(?short) = "zh") } GROUP BY ?short"""
    )
    counts = {str(r[0]): int(r[1]) for r in rows}
    assert set(counts) == {short for short, _, _ in PROVINCES.values()}
    assert all(n >= 10 for n in counts.values()), counts


def test_overlapping_mechanisms_meet_under_one_concept(seed_graph: Graph) -> None:
    assert {"湖南", "江苏"} <= provinces_of_mechanism(seed_graph, ZFR["mech-four-categories-case-supervision"])
    assert {"湖南", "广西"} <= provinces_of_mechanism(seed_graph, ZFR["mech-case-quality-indicators"])
    assert {"湖南", "江苏"} <= provinces_of_mechanism(seed_graph, ZFR["mech-similar-case-search"])
    assert {"湖南", "贵州"} <= provinces_of_mechanism(seed_graph, ZFR["mech-case-handling-management-centre"])
    assert {"广西", "四川"} <= provinces_of_mechanism(seed_graph, ZFR["mech-prison-resident-circuit-procuratorate"])


def test_linkages_the_text_keeps_apart_stay_apart(seed_graph: Graph) -> None:
    assert provinces_of_mechanism(seed_graph, ZFR["mech-discipline-criminal-linkage"]) == {"湖南"}
    assert provinces_of_mechanism(seed_graph, ZFR["mech-administrative-criminal-linkage"]) == {"四川"}


def test_jiangsu_closure_ratio_and_its_year_on_year_change(seed_graph: Graph) -> None:
    base = ZFR["figure-jiangsu-closure-ratio-2020"]
    assert seed_graph.value(base, ZF.value).toPython() == Decimal("84.73")
    assert seed_graph.value(base, ZF.unit) == ZF.Percent
    change = next(seed_graph.subjects(ZF.changeOf, base))
    assert seed_graph.value(change, ZF.value).toPython() == Decimal("1.15")
    assert seed_graph.value(change, ZF.unit) == ZF.PercentagePoint
    assert seed_graph.value(change, ZF.comparator) == ZF.YearOnYearIncrease


def test_before_after_pairs_are_linked_both_ways(seed_graph: Graph) -> None:
    pairs = [
        (
            "figure-guangxi-procuratorial-satisfaction-2013",
            "figure-guangxi-procuratorial-satisfaction-2020",
            "92.59",
            "99.15",
        ),
        (
            "figure-guangxi-case-to-proceeding-ratio-2019",
            "figure-guangxi-case-to-proceeding-ratio-2020",
            "2.08",
            "1.20",
        ),
    ]
    for before, after, v1, v2 in pairs:
        assert (ZFR[before], ZF.followedBy, ZFR[after]) in seed_graph
        assert (ZFR[after], ZF.precededBy, ZFR[before]) in seed_graph
        assert seed_graph.value(ZFR[before], ZF.value).toPython() == Decimal(v1)
        assert seed_graph.value(ZFR[after], ZF.value).toPython() == Decimal(v2)
    assert seed_graph.value(ZFR["figure-guangxi-case-to-proceeding-ratio-2019"], ZF.unit) == ZF.RatioToOne


def test_figure_values_are_typed_numbers(seed_graph: Graph) -> None:
    for figure in seed_graph.subjects(RDF.type, ZF.Figure):
        value = seed_graph.value(figure, ZF.value)
        assert isinstance(value, Literal) and isinstance(value.toPython(), (int, Decimal)), (figure, value)


def test_nested_title_document_with_issuer(seed_graph: Graph) -> None:
    title = Literal("关于贯彻<中国共产党政法工作条例>扎实做好新时代政法工作的意见", lang="zh")
    docs = list(seed_graph.subjects(DCTERMS.title, title))
    assert len(docs) == 1
    assert seed_graph.value(docs[0], DCTERMS.creator) == ZFR["organ-hunan-party-committee"]
    jointly = ZFR["policy-guizhou-basic-evidence-requirements"]
    creators = set(seed_graph.objects(jointly, DCTERMS.creator))
    assert len(creators) == 3  # police jointly with procuratorates and courts


def test_named_problems_are_targeted(seed_graph: Graph) -> None:
    for label in ("关系案", "人情案", "金钱案", "证人出庭难", "纪法衔接难", "有警不录", "有案不立"):
        problems = list(seed_graph.subjects(SKOS.prefLabel, Literal(label, lang="zh")))
        assert len(problems) == 1, label
        assert (None, ZF.targetsProblem, problems[0]) in seed_graph, label


def test_measures_facts_posts_documents_all_have_evidence(seed_graph: Graph) -> None:
    for cls in (ZF.Measure, ZF.Figure, ORG.Post, ZF.PolicyDocument, ZF.Problem, ZF.InformationSystem):
        for node in seed_graph.subjects(RDF.type, cls):
            evidence = list(seed_graph.objects(node, PROV.wasDerivedFrom))
            assert evidence, node
            assert all((e, RDF.type, ZF.Evidence) in seed_graph for e in evidence), node
