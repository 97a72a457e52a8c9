"""Readable names for the properties the pages show: the borrowed vocabularies' terms (which carry no label in
the graph) and the inverse reading of a relation ("measures adopted" on an organ's page, not "adopted by").

Labels the graph itself gives a property win over these; an inverse name is used on the page of the object.
"""

from __future__ import annotations

from kg.namespaces import DCTERMS, FOAF, OA, ORG, OWL, PROV, RDF, RDFS, SKOS, ZF

#: (Chinese, English) names of borrowed terms that the graph uses without labelling them.
BORROWED: dict[str, tuple[str, str]] = {
    str(RDF.type): ("类型", "type"),
    str(RDFS.label): ("名称", "label"),
    str(RDFS.comment): ("说明", "comment"),
    str(RDFS.subClassOf): ("上位类", "subclass of"),
    str(RDFS.domain): ("定义域", "domain"),
    str(RDFS.range): ("值域", "range"),
    str(RDFS.seeAlso): ("另见", "see also"),
    str(OWL.sameAs): ("等同于", "same as"),
    str(OWL.inverseOf): ("逆属性", "inverse of"),
    str(OWL.versionIRI): ("版本 IRI", "version IRI"),
    str(SKOS.prefLabel): ("首选名称", "preferred label"),
    str(SKOS.altLabel): ("别名", "alternative label"),
    str(SKOS.definition): ("定义", "definition"),
    str(SKOS.broader): ("上位概念", "broader concept"),
    str(SKOS.narrower): ("下位概念", "narrower concept"),
    str(SKOS.inScheme): ("所属概念体系", "in scheme"),
    str(SKOS.hasTopConcept): ("顶层概念", "top concept"),
    str(SKOS.topConceptOf): ("顶层概念所属体系", "top concept of"),
    str(SKOS.exactMatch): ("完全对应", "exact match"),
    str(SKOS.closeMatch): ("近似对应", "close match"),
    str(SKOS.notation): ("编号", "notation"),
    str(DCTERMS.creator): ("发布机关", "issued by"),
    str(DCTERMS.publisher): ("出版者", "publisher"),
    str(DCTERMS.title): ("标题", "title"),
    str(DCTERMS.subject): ("主题", "subject"),
    str(DCTERMS.isPartOf): ("属于", "part of"),
    str(DCTERMS.hasPart): ("组成部分", "has part"),
    str(DCTERMS.issued): ("发布日期", "issued"),
    str(DCTERMS.date): ("日期", "date"),
    str(DCTERMS.identifier): ("文号", "identifier"),
    str(DCTERMS.license): ("许可", "licence"),
    str(DCTERMS.references): ("引用", "references"),
    str(DCTERMS.description): ("描述", "description"),
    str(DCTERMS.source): ("来源", "source"),
    str(FOAF.name): ("姓名", "name"),
    str(PROV.wasDerivedFrom): ("依据（原文引文）", "derived from (evidence)"),
    str(OA.hasSource): ("来源文本", "source text"),
    str(OA.hasSelector): ("定位", "selector"),
    str(OA.exact): ("原文", "exact text"),
    str(OA.prefix): ("前文", "text before"),
    str(OA.suffix): ("后文", "text after"),
    str(OA.start): ("起始位置", "start offset"),
    str(OA.end): ("结束位置", "end offset"),
    str(ORG.postIn): ("任职机关", "post in"),
    str(ORG.holds): ("担任职务", "holds post"),
    str(ORG.heldBy): ("任职者", "held by"),
    str(ORG.subOrganizationOf): ("上级机关", "part of organisation"),
    str(ORG.hasSubOrganization): ("下属机关", "sub-organisations"),
    str(ORG.unitOf): ("所属机关", "unit of"),
    str(ORG.hasUnit): ("内设机构", "units"),
}

#: How a relation reads from its object's page: (Chinese, English).
INVERSE: dict[str, tuple[str, str]] = {
    str(ZF.adoptedBy): ("报告的举措", "measures reported"),
    str(DCTERMS.creator): ("发布的文件", "documents issued"),
    str(ZF.implements): ("实施该机制的举措", "measures implementing it"),
    str(ZF.inProvince): ("本省的机关与来源", "organs and sources in this province"),
    str(ZF.reportedIn): ("文中报告的举措", "measures reported here"),
    str(ZF.underHeading): ("该标题下的举措", "measures under this heading"),
    str(ZF.targetsProblem): ("针对该问题的举措", "measures targeting it"),
    str(ZF.supervisionRelation): ("属于该监督关系的举措", "measures of this relation"),
    str(ZF.supervisesOrgan): ("监督它的举措", "measures supervising it"),
    str(ZF.supervisesOrganType): ("监督此类机关的举措", "measures supervising this kind of organ"),
    str(ZF.aboutArea): ("关于本地的数据", "figures about it"),
    str(ZF.aboutOrgan): ("关于该机关的数据", "figures about it"),
    str(ZF.hasFigure): ("报告该数据的举措", "measures reporting it"),
    str(ZF.jointlyWith): ("共同采取的举措", "measures taken jointly with it"),
    str(ZF.externalReference): ("引用它的机制", "mechanisms referring to it"),
    str(ZF.attributionBasis): ("以此为归属依据的举措", "measures attributed this way"),
    str(ZF.evidenceRole): ("此角色的引文", "quotes in this role"),
    str(SKOS.broader): ("下位概念", "narrower concepts"),
    str(SKOS.inScheme): ("体系中的概念", "concepts in this scheme"),
    str(SKOS.topConceptOf): ("顶层概念", "top concepts"),
    str(PROV.wasDerivedFrom): ("据此得出的事实", "facts derived from it"),
    str(OA.hasSource): ("出自本文的引文", "quotes from this text"),
    str(DCTERMS.isPartOf): ("组成部分", "parts"),
    str(DCTERMS.hasPart): ("所属", "part of"),
    str(DCTERMS.subject): ("以此为主题的文件", "documents about it"),
    str(RDFS.subClassOf): ("下位类", "subclasses"),
    str(RDFS.domain): ("以此为定义域的属性", "properties of it"),
    str(RDFS.range): ("取值为此类的属性", "properties pointing to it"),
    str(ORG.postIn): ("职务", "posts"),
    str(ORG.heldBy): ("担任的职务", "posts held"),
    str(ORG.subOrganizationOf): ("下属机关", "sub-organisations"),
    str(ORG.unitOf): ("内设机构", "units"),
    str(OWL.sameAs): ("等同于", "same as"),
}


def borrowed_names(iri: str) -> dict[str, str]:
    """The Chinese and English name of a borrowed term, or an empty dict."""
    names = BORROWED.get(iri)
    return {"zh": names[0], "en": names[1]} if names else {}


def inverse_names(iri: str) -> dict[str, str]:
    """How the relation reads from its object's side, or an empty dict (the page then says "… of")."""
    names = INVERSE.get(iri)
    return {"zh": names[0], "en": names[1]} if names else {}
