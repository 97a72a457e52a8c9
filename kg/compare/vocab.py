"""The IRIs ``kg compare`` reads, as plain strings (no rdflib: a CSV matrix must not pay for importing it)."""

from __future__ import annotations

ZF_BASE = "https://w3id.org/zhengfa-kg/def/"
ZFR_BASE = "https://w3id.org/zhengfa-kg/id/"

#: The prefixes every query of this package declares (the same IRIs as kg.namespaces.PREFIXES).
QUERY_PREFIXES: dict[str, str] = {
    "zf": ZF_BASE,
    "zfr": ZFR_BASE,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "org": "http://www.w3.org/ns/org#",
    "prov": "http://www.w3.org/ns/prov#",
    "oa": "http://www.w3.org/ns/oa#",
    "dcterms": "http://purl.org/dc/terms/",
}

#: The taxonomy whose concepts are the rows of ``--by category|mechanism``.
SCHEME = ZFR_BASE + "mechanisms"
#: The supervision-relation facet (CONTRACT-14): the rows of ``--by relation``.
RELATION_SCHEME = ZFR_BASE + "supervision-relations"

#: Evidence roles (CONTRACT-14): a stating sentence, or the heading a measure stands under.
STATING_SENTENCE = ZF_BASE + "StatingSentence"
CONTEXT_HEADING = ZF_BASE + "ContextHeading"
#: A clause giving the problem a measure addresses or its background (“针对……问题”): context, like a heading.
CONTEXT_CLAUSE = ZF_BASE + "ContextClause"
#: Attribution bases (CONTRACT-14).
STATED_IN_TEXT = ZF_BASE + "StatedInText"
INFERRED_FROM_CONTEXT = ZF_BASE + "InferredFromContext"

#: Kinds of organ in the order of 政法 practice (委、法、检、公、司、狱), then the others.
ORGAN_TYPE_ORDER: tuple[str, ...] = tuple(
    ZF_BASE + name
    for name in (
        "PoliticalLegalCommission",
        "PeoplesCourt",
        "PeoplesProcuratorate",
        "PublicSecurityOrgan",
        "JusticeAdministration",
        "Prison",
        "PartyCommittee",
        "DisciplineInspectionCommission",
        "PeoplesGovernment",
        "GovernmentAgency",
    )
)


def curie(iri: str) -> str:
    """``zfr:measure-x`` for a project IRI, the IRI itself otherwise."""
    for prefix, base in (("zfr", ZFR_BASE), ("zf", ZF_BASE)):
        if iri.startswith(base) and "/" not in iri[len(base) :]:
            return f"{prefix}:{iri[len(base) :]}"
    return iri


def iri_list(iris: object) -> str:
    """``<a> <b> …`` for a VALUES clause."""
    return " ".join(f"<{iri}>" for iri in iris)  # type: ignore[attr-defined]
