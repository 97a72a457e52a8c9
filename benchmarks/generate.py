"""Generate a seeded synthetic graph in the project's own vocabulary, for benchmarks.

    python benchmarks/generate.py --triples 100k -o bench/graph.ttl
    kg build --include bench/graph.ttl --seeds-dir bench/graph-seeds

The graph is shaped like the curated one and passes ``kg validate``: 31
provinces (GB/T 2260 codes, Wikidata IRIs), cities, organs of the five
political-legal organ types, a three-level SKOS mechanism taxonomy under its
own scheme, indicators and problems, measures and figures (with before/after
pairs and year-on-year changes), policy documents and information systems —
every fact derived from an evidence node whose quote is really in a source
text. The source texts (one synthetic "report" per province) are written to
the seeds folder together with copies of the shipped seed texts, so that this
one folder is all ``--seeds-dir`` needs.

The same ``--seed`` and ``--triples`` give the same bytes. Everything is
synthetic: names, figures and quotes are made up; only the province names,
codes and Wikidata links are real.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import shutil
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from kg.evidence import CONTEXT, turtle_literal
from kg.project import seeds_dir
from kg.serialize import write_atomic

# (GB/T 2260 code, Chinese name, short name, English name, Wikidata item)
PROVINCES: list[tuple[str, str, str, str, str]] = [
    ("110000", "北京市", "北京", "Beijing", "Q956"),
    ("120000", "天津市", "天津", "Tianjin", "Q11736"),
    ("130000", "河北省", "河北", "Hebei", "Q21208"),
    ("140000", "山西省", "山西", "Shanxi", "Q46913"),
    ("150000", "内蒙古自治区", "内蒙古", "Inner Mongolia", "Q41079"),
    ("210000", "辽宁省", "辽宁", "Liaoning", "Q43934"),
    ("220000", "吉林省", "吉林", "Jilin", "Q45208"),
    ("230000", "黑龙江省", "黑龙江", "Heilongjiang", "Q19206"),
    ("310000", "上海市", "上海", "Shanghai", "Q8686"),
    ("320000", "江苏省", "江苏", "Jiangsu", "Q16963"),
    ("330000", "浙江省", "浙江", "Zhejiang", "Q16967"),
    ("340000", "安徽省", "安徽", "Anhui", "Q40956"),
    ("350000", "福建省", "福建", "Fujian", "Q41705"),
    ("360000", "江西省", "江西", "Jiangxi", "Q57052"),
    ("370000", "山东省", "山东", "Shandong", "Q43407"),
    ("410000", "河南省", "河南", "Henan", "Q43684"),
    ("420000", "湖北省", "湖北", "Hubei", "Q46862"),
    ("430000", "湖南省", "湖南", "Hunan", "Q45761"),
    ("440000", "广东省", "广东", "Guangdong", "Q15175"),
    ("450000", "广西壮族自治区", "广西", "Guangxi", "Q15176"),
    ("460000", "海南省", "海南", "Hainan", "Q42200"),
    ("500000", "重庆市", "重庆", "Chongqing", "Q11725"),
    ("510000", "四川省", "四川", "Sichuan", "Q19770"),
    ("520000", "贵州省", "贵州", "Guizhou", "Q47097"),
    ("530000", "云南省", "云南", "Yunnan", "Q43194"),
    ("540000", "西藏自治区", "西藏", "Tibet", "Q17269"),
    ("610000", "陕西省", "陕西", "Shaanxi", "Q47974"),
    ("620000", "甘肃省", "甘肃", "Gansu", "Q42392"),
    ("630000", "青海省", "青海", "Qinghai", "Q45833"),
    ("640000", "宁夏回族自治区", "宁夏", "Ningxia", "Q57448"),
    ("650000", "新疆维吾尔自治区", "新疆", "Xinjiang", "Q34800"),
]

# (class, Chinese name, English name, IRI slug)
#: The supervision relations of ontology/taxonomy.ttl, one drawn per synthetic measure.
RELATIONS = [
    "zfr:rel-party-leadership",
    "zfr:rel-hierarchical",
    "zfr:rel-internal",
    "zfr:rel-mutual-checks",
    "zfr:rel-procuratorial",
    "zfr:rel-discipline-inspection",
    "zfr:rel-social",
]

ORGAN_TYPES: list[tuple[str, str, str, str]] = [
    ("zf:PeoplesCourt", "人民法院", "People's Court", "court"),
    ("zf:PeoplesProcuratorate", "人民检察院", "People's Procuratorate", "procuratorate"),
    ("zf:PublicSecurityOrgan", "公安局", "Public Security Bureau", "public-security"),
    ("zf:JusticeAdministration", "司法局", "Justice Bureau", "justice"),
    ("zf:PoliticalLegalCommission", "政法委", "Political-Legal Affairs Commission", "plac"),
]

CATEGORIES: list[tuple[str, str]] = [
    ("统筹领导", "overall leadership"),
    ("内部监督", "internal supervision"),
    ("统一标准", "uniform standards"),
    ("流程管控", "process control"),
    ("质效评价", "quality evaluation"),
    ("责任追究", "accountability"),
    ("法律监督", "legal supervision"),
    ("公开监督", "public supervision"),
    ("防止干预", "preventing interference"),
    ("科技赋能", "technology-enabled supervision"),
    ("协作配合", "coordination"),
    ("权利保障", "protection of litigation rights"),
]

TOPICS: list[tuple[str, str]] = [
    ("制度建设", "rule-making"),
    ("案件评查", "case review"),
    ("考核评价", "performance evaluation"),
    ("监督检查", "inspection"),
    ("信息公开", "disclosure"),
    ("风险防控", "risk control"),
    ("联动协作", "joint work"),
    ("平台支撑", "platform support"),
]

INDICATOR_STEMS: list[tuple[str, str]] = [
    ("结案率", "case closure rate"),
    ("群众满意度", "public satisfaction"),
    ("证人出庭率", "witness appearance rate"),
    ("认罪认罚适用率", "plea-leniency application rate"),
    ("案件改判发回率", "rate of cases revised or remanded"),
    ("律师会见预约办结率", "lawyer-visit booking completion rate"),
    ("执法检查覆盖率", "enforcement inspection coverage"),
    ("线上办案率", "online case-handling rate"),
]

PROBLEM_STEMS: list[tuple[str, str]] = [
    ("关系案", "cases decided by connections"),
    ("人情案", "cases decided by favours"),
    ("金钱案", "cases decided by money"),
    ("证人出庭难", "difficulty getting witnesses to court"),
    ("执行难", "difficulty enforcing judgments"),
    ("同案不同判", "like cases decided differently"),
    ("久押不决", "long detention without decision"),
    ("有案不立", "cases not filed"),
    ("选择性执法", "selective enforcement"),
    ("超期羁押", "detention beyond time limits"),
]

VERBS: list[tuple[str, str]] = [
    ("建立", "Establishes"),
    ("健全", "Improves"),
    ("完善", "Refines"),
    ("推行", "Introduces"),
    ("深化", "Deepens"),
    ("落实", "Implements"),
]

DETAILS = [
    "细化了操作规程",
    "明确了责任分工",
    "实现了全流程留痕",
    "形成了闭环管理",
    "加强了日常监督",
    "推动了常态运行",
    "压实了主体责任",
    "提升了办案质效",
]

SYLLABLES: list[tuple[str, str]] = [
    ("安", "an"),
    ("平", "ping"),
    ("宁", "ning"),
    ("阳", "yang"),
    ("东", "dong"),
    ("新", "xin"),
    ("和", "he"),
    ("昌", "chang"),
    ("兴", "xing"),
    ("德", "de"),
    ("永", "yong"),
    ("清", "qing"),
    ("河", "he"),
    ("山", "shan"),
    ("林", "lin"),
    ("泉", "quan"),
    ("源", "yuan"),
    ("丰", "feng"),
    ("泰", "tai"),
    ("华", "hua"),
]

PREFIXES = """\
@prefix zf:      <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:     <https://w3id.org/zhengfa-kg/id/> .
@prefix owl:     <http://www.w3.org/2002/07/owl#> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix oa:      <http://www.w3.org/ns/oa#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix schema:  <https://schema.org/> .
@prefix wd:      <http://www.wikidata.org/entity/> .

"""

#: A Turtle object: a ready term, or a blank node given as its own (predicate, object) pairs.
Obj = str | list[tuple[str, "Obj"]]


def zh(text: str) -> str:
    return turtle_literal(text) + "@zh"


def en(text: str) -> str:
    return turtle_literal(text) + "@en"


def plain(text: str) -> str:
    return turtle_literal(text)


def parse_size(text: str) -> int:
    """``10k``, ``1M``, ``250000`` → an integer."""
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    try:
        value = int(float(text) * factor)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a size: {text!r} (e.g. 10k, 1M)") from None
    if value <= 0:
        raise argparse.ArgumentTypeError("the size must be positive")
    return value


@dataclass
class Source:
    """One synthetic source text, grown sentence by sentence."""

    code: str
    iri: str
    file_name: str
    parts: list[str] = field(default_factory=list)
    length: int = 0

    def add(self, sentence: str, quote: str) -> tuple[int, int]:
        """Append ``sentence`` and return the code-point offsets of ``quote`` inside it."""
        at = sentence.index(quote)
        start = self.length + at
        self.parts.append(sentence)
        self.length += len(sentence)
        return start, start + len(quote)

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class PendingEvidence:
    iri: str
    source: Source
    start: int
    end: int
    role: str = "zf:StatingSentence"


class Writer:
    """Turtle out, with a count of the triples written."""

    def __init__(self) -> None:
        self.chunks: list[str] = [PREFIXES]
        self.triples = 0

    def entity(self, subject: str, pairs: Sequence[tuple[str, Obj]]) -> None:
        body = " ;\n    ".join(f"{p} {self._object(o)}" for p, o in pairs)
        self.chunks.append(f"{subject} {body} .\n")

    def _object(self, obj: Obj) -> str:
        self.triples += 1
        if isinstance(obj, str):
            return obj
        inner = " ; ".join(f"{p} {self._object(o)}" for p, o in obj)
        return f"[ {inner} ]"

    def comment(self, text: str) -> None:
        self.chunks.append(f"\n# {text}\n")

    def text(self) -> str:
        return "".join(self.chunks)


@dataclass
class Organ:
    iri: str
    zh: str
    en: str
    type_slug: str
    province: int


class Generator:
    """Builds the synthetic graph for a target number of triples."""

    def __init__(self, triples: int, seed: int) -> None:
        self.target = triples
        self.rng = random.Random(seed)
        self.out = Writer()
        self.pending: list[PendingEvidence] = []
        self.evidence_count = 0
        # The fixed part grows gently with the target so that 10k stays mostly facts.
        self.cities_per_province = max(1, min(20, triples // 50_000))
        self.mechanisms_per_category = max(2, min(8, triples // 25_000))
        self.subs_per_mechanism = 1 if triples < 50_000 else 3
        self.indicator_count = max(4, min(40, triples // 25_000))
        self.sources = [Source(code, f"zfr:bench-doc-{code}", f"bench-{seed}-{code}.txt") for code, *_rest in PROVINCES]
        self.organs: list[Organ] = []
        self.organs_by_province: list[list[Organ]] = [[] for _ in PROVINCES]
        self.mechanisms: list[tuple[str, str, str]] = []  # (iri, zh, en) of the 2nd and 3rd levels
        self.indicators: list[tuple[str, str, str]] = []
        self.problems: list[str] = []
        self.counts: dict[str, int] = {}

    # -- helpers -------------------------------------------------------------------

    def count(self, kind: str) -> None:
        self.counts[kind] = self.counts.get(kind, 0) + 1

    def evidence(self, source: Source, sentence: str, quote: str, role: str = "zf:StatingSentence") -> str:
        """Put ``sentence`` into the source text and return the evidence IRI for ``quote``."""
        self.evidence_count += 1
        iri = f"zfr:bench-ev-{self.evidence_count:07d}"
        start, end = source.add(sentence, quote)
        self.pending.append(PendingEvidence(iri, source, start, end, role))
        return iri

    # -- the fixed part ------------------------------------------------------------

    def publisher(self) -> None:
        self.out.comment("Publisher of the synthetic reports")
        self.out.entity(
            "zfr:bench-publisher",
            [("a", "zf:Publisher"), ("rdfs:label", zh("基准测试出版者")), ("rdfs:label", en("Benchmark publisher"))],
        )

    def provinces(self) -> None:
        self.out.comment("Provinces, cities and organs")
        syllables = SYLLABLES
        for index, (code, name_zh, short_zh, name_en, qid) in enumerate(PROVINCES):
            province = f"zfr:bench-province-{code}"
            self.out.entity(
                province,
                [
                    ("a", "zf:Province"),
                    ("rdfs:label", zh(name_zh)),
                    ("rdfs:label", en(f"{name_en} (benchmark)")),
                    ("zf:shortName", zh(short_zh)),
                    ("zf:shortName", en(name_en)),
                    ("zf:divisionCode", plain(code)),
                    ("owl:sameAs", f"wd:{qid}"),
                ],
            )
            self._organs(index, province, short_zh, name_en, None, "provincial")
            for c in range(self.cities_per_province):
                first, second = syllables[(index + c) % len(syllables)], syllables[(3 * c + 7) % len(syllables)]
                city_zh, city_en = first[0] + second[0] + "市", (first[1] + second[1]).capitalize()
                city = f"zfr:bench-city-{code[:2]}{c + 1:02d}00"
                self.out.entity(
                    city,
                    [
                        ("a", "schema:City"),
                        ("rdfs:label", zh(short_zh + city_zh)),
                        ("rdfs:label", en(f"{city_en}, {name_en}")),
                        ("zf:divisionCode", plain(f"{code[:2]}{c + 1:02d}00")),
                        ("schema:containedInPlace", province),
                    ],
                )
                self._organs(index, province, short_zh + city_zh, f"{city_en} ({name_en})", city, "city")

    def _organs(self, index: int, province: str, place_zh: str, place_en: str, city: str | None, level: str) -> None:
        code = PROVINCES[index][0]
        place_slug = city.rsplit("-", 1)[-1] if city else code
        for cls, type_zh, type_en, slug in ORGAN_TYPES:
            iri = f"zfr:bench-organ-{place_slug}-{slug}"
            label_zh = place_zh + ("高级" + type_zh if slug == "court" and city is None else type_zh)
            label_en = f"{place_en} {type_en}"
            pairs: list[tuple[str, Obj]] = [
                ("a", cls),
                ("rdfs:label", zh(label_zh)),
                ("rdfs:label", en(label_en)),
                ("zf:inProvince", province),
                ("zf:administrativeLevel", plain(level)),
            ]
            if city:
                pairs.append(("schema:areaServed", city))
            self.out.entity(iri, pairs)
            organ = Organ(iri, label_zh, label_en, slug, index)
            self.organs.append(organ)
            self.organs_by_province[index].append(organ)
            self.count("organ")

    def taxonomy(self) -> None:
        self.out.comment("A three-level mechanism taxonomy under its own scheme")
        scheme = "zfr:bench-mechanisms"
        tops = [f"zfr:bench-cat-{i + 1:02d}" for i in range(len(CATEGORIES))]
        self.out.entity(
            scheme,
            [
                ("a", "skos:ConceptScheme"),
                ("skos:prefLabel", zh("基准测试机制分类")),
                ("skos:prefLabel", en("Benchmark mechanism taxonomy")),
                *[("skos:hasTopConcept", top) for top in tops],
            ],
        )
        for i, (cat_zh, cat_en) in enumerate(CATEGORIES):
            top = tops[i]
            self._concept(top, cat_zh + "机制", f"Mechanisms of {cat_en}", scheme, broader=None)
            for j in range(self.mechanisms_per_category):
                topic_zh, topic_en = TOPICS[j % len(TOPICS)]
                mech = f"{top.replace('cat', 'mech')}-{j + 1:02d}"
                mech_zh, mech_en = f"{cat_zh}{topic_zh}机制", f"{topic_en} for {cat_en}"
                self._concept(mech, mech_zh, mech_en.capitalize(), scheme, broader=top)
                self.mechanisms.append((mech, mech_zh, mech_en))
                if self.subs_per_mechanism > 1 or j == 0:  # at least one third-level concept
                    for k in range(self.subs_per_mechanism):
                        sub = f"{mech}-{k + 1}"
                        sub_zh, sub_en = (
                            f"{cat_zh}{topic_zh}第{k + 1}项机制",
                            f"{topic_en} for {cat_en}, strand {k + 1}",
                        )
                        self._concept(sub, sub_zh, sub_en.capitalize(), scheme, broader=mech)
                        self.mechanisms.append((sub, sub_zh, sub_en))

    def _concept(self, iri: str, label_zh: str, label_en: str, scheme: str, broader: str | None) -> None:
        pairs: list[tuple[str, Obj]] = [("a", "skos:Concept"), ("a", "zf:Mechanism")]
        if broader is None:
            pairs += [("a", "zf:MechanismCategory"), ("skos:topConceptOf", scheme)]
        else:
            pairs.append(("skos:broader", broader))
        pairs += [
            ("skos:inScheme", scheme),
            # also in the project's scheme, so that its data checks accept the synthetic measures
            ("skos:inScheme", "zfr:mechanisms"),
            ("skos:prefLabel", zh(label_zh)),
            ("skos:prefLabel", en(label_en)),
            ("skos:definition", zh(f"基准测试用的合成概念：{label_zh}。")),
            ("skos:definition", en(f"A synthetic benchmark concept: {label_en}.")),
        ]
        self.out.entity(iri, pairs)
        self.count("mechanism")

    def indicators_and_problems(self) -> None:
        self.out.comment("Indicators and problems")
        for scheme, label_zh, label_en in (
            ("zfr:bench-indicators", "基准测试指标", "Benchmark indicators"),
            ("zfr:bench-problems", "基准测试难题", "Benchmark problems"),
        ):
            self.out.entity(
                scheme,
                [("a", "skos:ConceptScheme"), ("skos:prefLabel", zh(label_zh)), ("skos:prefLabel", en(label_en))],
            )
        for i in range(self.indicator_count):
            stem_zh, stem_en = INDICATOR_STEMS[i % len(INDICATOR_STEMS)]
            series = i // len(INDICATOR_STEMS)
            label_zh = stem_zh if series == 0 else f"{stem_zh}（口径{series + 1}）"
            label_en = stem_en if series == 0 else f"{stem_en} (definition {series + 1})"
            iri = f"zfr:bench-ind-{i + 1:02d}"
            self.out.entity(
                iri,
                [
                    ("a", "zf:Indicator"),
                    ("a", "skos:Concept"),
                    ("skos:inScheme", "zfr:bench-indicators"),
                    ("skos:prefLabel", zh(label_zh)),
                    ("skos:prefLabel", en(label_en)),
                    ("skos:definition", zh(f"合成指标：{label_zh}。")),
                    ("skos:definition", en(f"A synthetic indicator: {label_en}.")),
                ],
            )
            self.indicators.append((iri, label_zh, label_en))
            self.count("indicator")
        for i, (stem_zh, stem_en) in enumerate(PROBLEM_STEMS):
            source = self.sources[i % len(self.sources)]
            quote = f"着力解决{stem_zh}问题"
            ev = self.evidence(source, f"{quote}，{self.rng.choice(DETAILS)}。", quote)
            iri = f"zfr:bench-problem-{i + 1:02d}"
            self.out.entity(
                iri,
                [
                    ("a", "zf:Problem"),
                    ("a", "skos:Concept"),
                    ("skos:inScheme", "zfr:bench-problems"),
                    ("skos:prefLabel", zh(stem_zh)),
                    ("skos:prefLabel", en(stem_en)),
                    ("prov:wasDerivedFrom", ev),
                ],
            )
            self.problems.append(iri)
            self.count("problem")

    # -- the facts -----------------------------------------------------------------

    def measure(self, n: int) -> None:
        rng = self.rng
        organ = rng.choice(self.organs)
        source = self.sources[organ.province]
        mechanisms = rng.sample(self.mechanisms, 2 if rng.random() < 0.3 else 1)
        verb_zh, verb_en = rng.choice(VERBS)
        quote = f"{organ.zh}{verb_zh}{mechanisms[0][1]}"
        ev = self.evidence(source, f"{quote}，{rng.choice(DETAILS)}。", quote)
        pairs: list[tuple[str, Obj]] = [
            ("a", "zf:Measure"),
            ("rdfs:label", zh(f"{verb_zh}{mechanisms[0][1]}（{n}）")),
            ("rdfs:label", en(f"{verb_en} {mechanisms[0][2]} ({organ.en}, no. {n})")),
            ("zf:adoptedBy", organ.iri),
            ("zf:attributionBasis", "zf:StatedInText"),
            ("zf:supervisionRelation", rng.choice(RELATIONS)),
            ("zf:underHeading", f"zfr:bench-section-{source.code}"),
            *[("zf:implements", m[0]) for m in mechanisms],
        ]
        if rng.random() < 0.4:
            target = rng.choice(ORGAN_TYPES)
            pairs.append(("zf:supervisesOrganType", target[0]))
        if rng.random() < 0.2:
            pairs.append(("zf:targetsProblem", rng.choice(self.problems)))
        if rng.random() < 0.15:
            partner = rng.choice(self.organs_by_province[organ.province])
            if partner is not organ:
                pairs.append(("zf:jointlyWith", partner.iri))
        if rng.random() < 0.05:
            pairs.append(("zf:usesSystem", self.system(organ)))
        if rng.random() < 0.05:
            pairs.append(("zf:createsDocument", self.document(organ, mechanisms[0][0])))
        pairs.append(("prov:wasDerivedFrom", ev))
        self.out.entity(f"zfr:bench-measure-{n:07d}", pairs)
        self.count("measure")

    def system(self, organ: Organ) -> str:
        n = self.counts.get("system", 0) + 1
        name_zh = f"智慧监督平台{n}号"
        quote = f"{organ.zh}上线{name_zh}"
        ev = self.evidence(self.sources[organ.province], f"{quote}，{self.rng.choice(DETAILS)}。", quote)
        iri = f"zfr:bench-system-{n:06d}"
        self.out.entity(
            iri,
            [
                ("a", "zf:InformationSystem"),
                ("rdfs:label", zh(name_zh)),
                ("rdfs:label", en(f"Smart supervision platform no. {n}")),
                ("zf:operatedBy", organ.iri),
                ("prov:wasDerivedFrom", ev),
            ],
        )
        self.count("system")
        return iri

    def document(self, organ: Organ, mechanism: str) -> str:
        n = self.counts.get("document", 0) + 1
        title = f"关于加强执法司法监督的实施办法（第{n}号）"
        quote = f"{organ.zh}出台《{title}》"
        ev = self.evidence(self.sources[organ.province], f"{quote}，{self.rng.choice(DETAILS)}。", quote)
        iri = f"zfr:bench-policy-{n:06d}"
        self.out.entity(
            iri,
            [
                ("a", "zf:PolicyDocument"),
                ("rdfs:label", zh(title)),
                ("rdfs:label", en(f"Implementing measures for stronger supervision of law enforcement, no. {n}")),
                ("dcterms:title", zh(title)),
                ("dcterms:creator", organ.iri),
                ("dcterms:subject", mechanism),
                ("prov:wasDerivedFrom", ev),
            ],
        )
        self.count("document")
        return iri

    def figures(self, n: int) -> None:
        """A level in 2019 and in 2020 (a before/after pair), sometimes with its year-on-year change."""
        rng = self.rng
        organ = rng.choice(self.organs)
        source = self.sources[organ.province]
        province = f"zfr:bench-province-{PROVINCES[organ.province][0]}"
        indicator = rng.choice(self.indicators)
        before = round(rng.uniform(50, 95), 2)
        after = round(min(99.99, before + rng.uniform(0.1, 5)), 2)
        iris = [f"zfr:bench-figure-{n:07d}-2019", f"zfr:bench-figure-{n:07d}-2020"]
        for year, value, iri in ((2019, before, iris[0]), (2020, after, iris[1])):
            quote = f"{year}年{organ.zh}{indicator[1]}为{value}%"
            ev = self.evidence(source, f"{quote}，{rng.choice(DETAILS)}。", quote)
            pairs: list[tuple[str, Obj]] = [
                ("a", "zf:Figure"),
                ("rdfs:label", zh(f"{organ.zh}{year}年{indicator[1]}{value}%")),
                ("rdfs:label", en(f"{indicator[2].capitalize()}, {organ.en}, {year}: {value}%")),
                ("zf:indicator", indicator[0]),
                ("zf:value", f'"{value:.2f}"^^xsd:decimal'),
                ("zf:unit", "zf:Percent"),
                ("zf:periodLabel", zh(f"{year}年")),
                ("zf:periodLabel", en(str(year))),
                ("zf:periodStart", f'"{year}-01-01"^^xsd:date'),
                ("zf:periodEnd", f'"{year}-12-31"^^xsd:date'),
                ("zf:aboutArea", province),
                ("zf:aboutOrgan", organ.iri),
                ("prov:wasDerivedFrom", ev),
            ]
            pairs.append(("zf:followedBy", iris[1]) if year == 2019 else ("zf:precededBy", iris[0]))
            self.out.entity(iri, pairs)
            self.count("figure")
        if rng.random() < 0.5:
            change = round(after - before, 2)
            quote = f"{indicator[1]}同比上升{change}个百分点"
            ev = self.evidence(source, f"{organ.zh}{quote}。", quote)
            self.out.entity(
                f"zfr:bench-figure-{n:07d}-yoy",
                [
                    ("a", "zf:Figure"),
                    ("rdfs:label", zh(quote)),
                    ("rdfs:label", en(f"{indicator[2].capitalize()} up {change} percentage points year on year")),
                    ("zf:indicator", indicator[0]),
                    ("zf:value", f'"{change:.2f}"^^xsd:decimal'),
                    ("zf:unit", "zf:PercentagePoint"),
                    ("zf:comparator", "zf:YearOnYearIncrease"),
                    ("zf:changeOf", iris[1]),
                    ("zf:aboutArea", province),
                    ("zf:aboutOrgan", organ.iri),
                    ("prov:wasDerivedFrom", ev),
                ],
            )
            self.count("figure")
        if rng.random() < 0.3:
            count = rng.randint(2, 60)
            quote = f"{organ.zh}开展专项检查{count}次"
            ev = self.evidence(source, f"{quote}，{rng.choice(DETAILS)}。", quote)
            self.out.entity(
                f"zfr:bench-figure-{n:07d}-count",
                [
                    ("a", "zf:Figure"),
                    ("rdfs:label", zh(f"专项检查{count}次")),
                    ("rdfs:label", en(f"{count} special inspections")),
                    ("zf:indicator", indicator[0]),
                    ("zf:value", str(count)),
                    ("zf:unit", "zf:Count"),
                    ("zf:counterWord", zh("次")),
                    ("zf:aboutArea", province),
                    ("zf:aboutOrgan", organ.iri),
                    ("prov:wasDerivedFrom", ev),
                ],
            )
            self.count("figure")

    # -- sources and evidence ------------------------------------------------------

    EVIDENCE_TRIPLES = 11  # per evidence node, written at the end

    #: Even the smallest graph gets this many measures and figure sets.
    MIN_FACTS = 20

    def facts(self) -> None:
        self.out.comment("Measures and figures")
        n = 0
        while (
            n < self.MIN_FACTS
            or self.out.triples + self.EVIDENCE_TRIPLES * len(self.pending) + 13 * len(PROVINCES) < self.target
        ):
            n += 1
            if (self.rng.random() < 0.75 or n == 1) and n != 2:  # the first two: one of each
                self.measure(n)
            else:
                self.figures(n)

    def sources_and_evidence(self) -> dict[str, str]:
        """Write the source documents and every evidence node; return the texts by file name."""
        self.out.comment("Source documents (synthetic reports, one per province)")
        texts: dict[str, str] = {}
        for source, (code, name_zh, _short, name_en, _qid) in zip(self.sources, PROVINCES, strict=True):
            if not source.parts:  # an empty report still reads as one
                source.add(f"{name_zh}执法司法制约监督工作情况报告。", "报告")
            text = source.text
            texts[source.file_name] = text
            self.out.entity(
                source.iri,
                [
                    ("a", "zf:SourceDocument"),
                    ("rdfs:label", zh(f"{name_zh}执法司法制约监督工作报告（合成）")),
                    ("rdfs:label", en(f"Report on law-enforcement and judicial supervision, {name_en} (synthetic)")),
                    ("dcterms:title", zh(f"{name_zh}执法司法制约监督工作报告")),
                    ("dcterms:publisher", "zfr:bench-publisher"),
                    ("dcterms:issued", '"2020-12-31"^^xsd:date'),
                    ("dcterms:language", plain("zh")),
                    ("zf:seedFile", plain(source.file_name)),
                    ("zf:sha256", plain(hashlib.sha256(text.encode("utf-8")).hexdigest())),
                    ("zf:characterCount", str(len(text))),
                    ("dcterms:description", en(f"Synthetic benchmark text for {code}.")),
                ],
            )
        self.out.comment("Evidence")
        cache = {s.file_name: s.text for s in self.sources}
        for pending in self.pending:
            text = cache[pending.source.file_name]
            s, e = pending.start, pending.end
            self.out.entity(
                pending.iri,
                [
                    ("a", "zf:Evidence"),
                    ("zf:evidenceRole", pending.role),
                    ("oa:hasSource", pending.source.iri),
                    (
                        "oa:hasSelector",
                        [
                            ("a", "oa:TextQuoteSelector"),
                            ("oa:exact", plain(text[s:e])),
                            ("oa:prefix", plain(text[max(0, s - CONTEXT) : s])),
                            ("oa:suffix", plain(text[e : e + CONTEXT])),
                        ],
                    ),
                    ("oa:hasSelector", [("a", "oa:TextPositionSelector"), ("oa:start", str(s)), ("oa:end", str(e))]),
                ],
            )
        return texts

    def sections(self) -> None:
        """One heading per synthetic report, that every measure of the report stands under.

        The synthetic reports are no speeches: each report's section is its own root.
        """
        self.out.comment("Headings of the synthetic reports")
        for source in self.sources:
            quote = f"{source.code}执法司法制约监督情况"
            ev = self.evidence(source, f"{quote}。", quote, role="zf:ContextHeading")
            iri = f"zfr:bench-section-{source.code}"
            self.out.entity(
                iri,
                [
                    ("a", "zf:SpeechSection"),
                    ("dcterms:isPartOf", iri),
                    ("rdfs:label", zh(quote)),
                    ("rdfs:label", en(f"Law-enforcement and judicial supervision in {source.code}")),
                    ("prov:wasDerivedFrom", ev),
                ],
            )

    def run(self) -> dict[str, str]:
        self.publisher()
        self.provinces()
        self.taxonomy()
        self.indicators_and_problems()
        self.sections()
        self.facts()
        return self.sources_and_evidence()


def write_seeds(folder: Path, texts: dict[str, str], shipped: Iterable[Path]) -> None:
    """The synthetic texts plus copies of the shipped seed texts: one folder for --seeds-dir."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in texts.items():
        write_atomic(folder / name, text.encode("utf-8"))
    for path in shipped:
        shutil.copyfile(path, folder / path.name)


def generate(triples: int, output: Path, seeds: Path | None = None, seed: int = 42) -> dict[str, object]:
    """Write the graph to ``output`` and its source texts to ``seeds``; return a summary."""
    output = Path(output)
    seeds = Path(seeds) if seeds else output.with_name(output.stem + "-seeds")
    generator = Generator(triples, seed)
    texts = generator.run()
    write_atomic(output, generator.out.text())
    write_seeds(seeds, texts, sorted(seeds_dir().glob("*.txt")))
    return {
        "output": str(output),
        "seeds_dir": str(seeds),
        "triples": generator.out.triples,
        "seed": seed,
        **{f"{kind}s": n for kind, n in sorted(generator.counts.items())},
        "evidence": len(generator.pending),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--triples", "-n", type=parse_size, required=True, help="about how many triples (10k, 1M, …)")
    parser.add_argument("--output", "-o", type=Path, required=True, help="the Turtle file to write")
    parser.add_argument(
        "--seeds-dir", type=Path, default=None, help="where the source texts go (default: OUTPUT-STEM-seeds/)"
    )
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    args = parser.parse_args(argv)
    summary = generate(args.triples, args.output, args.seeds_dir, args.seed)
    for key, value in summary.items():
        print(f"{key}: {value}")
    print(f"build it: kg build --include {summary['output']} --seeds-dir {summary['seeds_dir']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
