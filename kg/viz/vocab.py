"""What a reader sees: the kinds of node and their style, how relations are named and
drawn, which properties are details, and how a node belongs to a province."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from typing import Literal

from kg.namespaces import PREFIXES
from kg.viz.triples import Lit

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

ZF = PREFIXES["zf"]
RDF_TYPE = PREFIXES["rdf"] + "type"
RDFS = PREFIXES["rdfs"]
SKOS = PREFIXES["skos"]
OWL = PREFIXES["owl"]
OA = PREFIXES["oa"]
ORG = PREFIXES["org"]
DCT = PREFIXES["dcterms"]
PROV = PREFIXES["prov"]
FOAF = PREFIXES["foaf"]
SKOS_BROADER = SKOS + "broader"


@dataclass(frozen=True)
class Kind:
    """A kind of node drawn in the explorer, with its legend entry and style."""

    key: str
    classes: tuple[str, ...]
    zh: str
    en: str
    color: str
    shape: str
    size: int
    font: int  # label size: the larger ones stay readable when the whole graph is in view


#: In classification order (the first kind whose class a node has wins).
KINDS: tuple[Kind, ...] = (
    Kind("province", (ZF + "Province",), "省份", "provinces", "#d62728", "box", 26, 30),
    Kind("category", (ZF + "MechanismCategory",), "机制大类", "mechanism categories", "#6a3d9a", "hexagon", 24, 22),
    Kind("mechanism", (ZF + "Mechanism",), "机制", "mechanisms", "#b39ddb", "hexagon", 15, 13),
    Kind("organ", (ZF + "Organ",), "机关", "organs", "#1f77b4", "square", 17, 16),
    Kind("measure", (ZF + "Measure",), "举措", "measures", "#2ca02c", "dot", 12, 12),
    Kind("problem", (ZF + "Problem",), "问题", "problems", "#ff7f0e", "triangleDown", 14, 12),
    Kind("document", (ZF + "PolicyDocument",), "规范性文件", "policy documents", "#8c564b", "diamond", 13, 12),
    Kind("system", (ZF + "InformationSystem",), "信息系统", "information systems", "#17becf", "triangle", 14, 12),
    Kind("figure", (ZF + "Figure",), "数据", "figures", "#d4a017", "dot", 8, 10),
    Kind("speech", (ZF + "Speech",), "发言", "speeches", "#e377c2", "star", 20, 16),
    Kind("person", (ZF + "Person", FOAF + "Person"), "人物", "people", "#7f7f7f", "ellipse", 14, 14),
    Kind("event", (ZF + "Event",), "会议", "events", "#404040", "star", 20, 16),
    Kind("source", (ZF + "SourceDocument",), "来源文献", "source documents", "#5d4037", "square", 15, 14),
)
KIND_BY_KEY = {kind.key: kind for kind in KINDS}

#: Which kinds are kept first when a view is larger than its node limit.
KEEP_ORDER = (
    "province",
    "category",
    "organ",
    "speech",
    "person",
    "event",
    "source",
    "measure",
    "mechanism",
    "problem",
    "document",
    "system",
    "figure",
)

#: Predicates never drawn as edges (types, schemes) — the rest of the
#: relations between drawn nodes are all drawn.
UNDRAWN = {RDF_TYPE, SKOS + "inScheme", SKOS + "topConceptOf", SKOS + "hasTopConcept", OWL + "sameAs"}

#: Relations drawn the other way round under their inverse, so that a pair
#: stated both ways is one edge.
INVERSES = {
    SKOS + "narrower": SKOS + "broader",
    ORG + "hasSubOrganization": ORG + "subOrganizationOf",
    ORG + "heldBy": ORG + "holds",
}

#: Two-step paths through nodes that are not drawn (posts, document parts),
#: drawn as one edge: (first step, second step) → relation name.
FOLDED: dict[tuple[str, str], tuple[str, str]] = {
    (ORG + "holds", ORG + "postIn"): ("任职于", "holds a post in"),
    (ZF + "textPart", DCT + "isPartOf"): ("摘登于", "excerpted in"),
}

#: Names for the reused vocabulary's relations (the project's own carry labels in the ontology).
RELATION_NAMES: dict[str, tuple[str, str]] = {
    SKOS + "broader": ("上位概念", "broader"),
    SKOS + "related": ("相关", "related"),
    ORG + "subOrganizationOf": ("隶属于", "part of"),
    ORG + "postIn": ("职务所在机关", "post in"),
    ORG + "holds": ("担任职务", "holds post"),
    DCT + "creator": ("制定者", "creator"),
    DCT + "subject": ("主题", "subject"),
    DCT + "references": ("引用", "references"),
    DCT + "publisher": ("出版者", "publisher"),
    DCT + "isPartOf": ("属于", "part of"),
    DCT + "hasPart": ("包含", "has part"),
    DCT + "title": ("题名", "title"),
    DCT + "description": ("说明", "description"),
    DCT + "date": ("日期", "date"),
    DCT + "issued": ("发布时间", "issued"),
    DCT + "language": ("语言", "language"),
    DCT + "type": ("类型", "type"),
    DCT + "format": ("格式", "format"),
    DCT + "alternative": ("又名", "alternative title"),
    DCT + "dateAccepted": ("通过日期", "date accepted"),
    PROV + "wasDerivedFrom": ("来源引文", "derived from"),
    SKOS + "altLabel": ("又称", "also called"),
    SKOS + "scopeNote": ("范围注释", "scope note"),
    SKOS + "exactMatch": ("对应", "exact match"),
    OWL + "sameAs": ("同一实体", "same as"),
    FOAF + "name": ("姓名", "name"),
    "https://schema.org/startDate": ("开始日期", "start date"),
    # The attribution and evidence-role terms (CONTRACT-14), named here too so that a graph
    # without the ontology's labels still reads well.
    ZF + "attributionBasis": ("归属依据", "attribution basis"),
    ZF + "attributionNote": ("归属说明", "attribution note"),
    ZF + "StatedInText": ("原文明示", "stated in the text"),
    ZF + "InferredFromContext": ("据上下文推断", "inferred from context"),
    ZF + "evidenceRole": ("引文作用", "evidence role"),
    ZF + "StatingSentence": ("陈述句", "stating sentence"),
    ZF + "ContextHeading": ("所在标题（上下文）", "section heading (context)"),
    ZF + "ContextClause": ("所在语境（问题或背景）", "context clause (problem or background)"),
}

LABEL_PREDICATES = (SKOS + "prefLabel", RDFS + "label", FOAF + "name", DCT + "title")
SEARCH_PREDICATES = (SKOS + "altLabel", ZF + "shortName", FOAF + "name", DCT + "title", DCT + "alternative")
DEFINITION_PREDICATES = (SKOS + "definition", DCT + "description")

#: Shown as a node's headline facts rather than in its list of other properties.
HEADLINE_PREDICATES = {
    RDF_TYPE,
    PROV + "wasDerivedFrom",
    *LABEL_PREDICATES,
    *DEFINITION_PREDICATES,
    SKOS + "altLabel",
    ZF + "shortName",
    SKOS + "inScheme",
    SKOS + "topConceptOf",
    ZF + "inProvince",
    ZF + "adoptedBy",
    ZF + "implements",
    ZF + "hasFigure",
    ZF + "attributionBasis",
    ZF + "attributionNote",
}

#: How a node belongs to a province: property paths ending at a province.
#: A step ``^p`` follows ``p`` backwards.
PROVINCE_PATHS: tuple[tuple[str, ...], ...] = (
    (ZF + "inProvince",),
    (ZF + "aboutArea",),
    (ZF + "adoptedBy", ZF + "inProvince"),
    (ZF + "aboutOrgan", ZF + "inProvince"),
    ("^" + ZF + "hasFigure", ZF + "adoptedBy", ZF + "inProvince"),
    (ZF + "onBehalfOf", ZF + "inProvince"),
    (ZF + "operatedBy", ZF + "inProvince"),
    (DCT + "creator", ZF + "inProvince"),
    ("^" + ZF + "createsDocument", ZF + "adoptedBy", ZF + "inProvince"),
    (ORG + "holds", ORG + "postIn", ZF + "inProvince"),
    ("^" + ZF + "speaker", ZF + "inProvince"),
)

#: Relations whose objects are listed as a node's organs in its details.
ORGAN_PREDICATES = (
    ZF + "adoptedBy",
    ZF + "jointlyWith",
    ZF + "aboutOrgan",
    ZF + "operatedBy",
    ZF + "onBehalfOf",
    DCT + "creator",
)


@cache
def qname(iri: str) -> str:
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def local_name(iri: str) -> str:
    return re.split(r"[/#]", iri.rstrip("/#"))[-1] or iri


def lang_of(literal: Lit) -> Lang | None:
    if literal.lang is None:
        return None
    if literal.lang.startswith("zh"):
        return "zh"
    if literal.lang.startswith("en"):
        return "en"
    return None


def literal_order(literal: Lit) -> tuple[str, str]:
    return literal.value, literal.lang or ""


def bilingual(literals: Sequence[Lit]) -> dict[str, str] | None:
    """The first Chinese and the first English value, each falling back to the other."""
    found: dict[str, str] = {}
    plain: str | None = None
    ordered = literals if len(literals) < 2 else sorted(literals, key=literal_order)
    for literal in ordered:
        lang = lang_of(literal)
        if lang is None:
            plain = plain if plain is not None else literal.value
        else:
            found.setdefault(lang, literal.value)
    if not found and plain is None:
        return None
    zh = found.get("zh") or plain or found.get("en", "")
    en = found.get("en") or plain or found.get("zh", "")
    return {"zh": zh, "en": en}
