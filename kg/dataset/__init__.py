"""The dataset described the way catalogues and endpoints expect: VoID statistics and a DCAT record.

``kg build`` writes ``void.ttl`` beside the exports; ``kg serve`` answers it at
``/.well-known/void`` with its own SPARQL endpoint added; ``kg release`` puts
it into each release. Counts come from the built store (SPARQL in the ``.rq``
files beside this module), sizes and checksums from the exported bytes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from importlib import resources

import pyoxigraph as ox

BASE = "https://w3id.org/zhengfa-kg/"
DATASET = BASE + "id/dataset"
ONTOLOGY = BASE + "def"

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCT = "http://purl.org/dc/terms/"
SPDX = "http://spdx.org/rdf/terms#"
FOAF = "http://xmlns.com/foaf/0.1/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
XSD = "http://www.w3.org/2001/XMLSchema#"
CC_BY = ox.NamedNode("https://creativecommons.org/licenses/by/4.0/")

PREFIXES = {
    "void": VOID,
    "dcat": DCAT,
    "dcterms": DCT,
    "spdx": SPDX,
    "foaf": FOAF,
    "xsd": XSD,
    "sd": "http://www.w3.org/ns/sparql-service-description#",
    "zfr": BASE + "id/",
}

#: Export file → its media type (IANA) and what it is, in the DCAT record.
MEDIA_TYPES: dict[str, str] = {
    ".ttl": "text/turtle",
    ".nt": "application/n-triples",
    ".jsonld": "application/ld+json",
}
IANA = "https://www.iana.org/assignments/media-types/"

#: The vocabularies the data uses (void:vocabulary).
VOCABULARIES = (
    BASE + "def/",
    "http://www.w3.org/ns/org#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/oa#",
    DCT,
    FOAF,
    "https://schema.org/",
    "http://www.w3.org/ns/shacl#",
)


def _query(store: ox.Store, name: str) -> list[ox.QuerySolution]:
    text = resources.files("kg.dataset").joinpath(name).read_text(encoding="utf-8")
    return list(store.query(text))  # type: ignore[arg-type]


def _n(name: str) -> ox.NamedNode:
    prefix, _, local = name.partition(":")
    return ox.NamedNode(PREFIXES[prefix] + local)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _text(value: str, lang: str) -> ox.Literal:
    return ox.Literal(value, language=lang)


def ontology_version(store: ox.Store) -> tuple[str, str]:
    """The dataset's version and date, from the ontology header (owl:versionInfo, dcterms:issued/created)."""
    rows = list(
        store.query(  # type: ignore[arg-type,union-attr]
            "SELECT ?v ?d WHERE { <" + ONTOLOGY + "> <http://www.w3.org/2002/07/owl#versionInfo> ?v "
            "OPTIONAL { <" + ONTOLOGY + "> <http://purl.org/dc/terms/issued> ?i } "
            "OPTIONAL { <" + ONTOLOGY + "> <http://purl.org/dc/terms/created> ?c } BIND(COALESCE(?i, ?c) AS ?d) }"
        )
    )
    if not rows:
        return "", ""
    version, day = rows[0]["v"], rows[0]["d"]
    return (version.value if version else "", day.value if day else "")


@dataclass(frozen=True)
class Statistics:
    """What the description counts in the store (the queries beside this module), apart from the files."""

    version: tuple[str, str]
    counts: dict[str, int]
    classes: list[tuple[ox.NamedNode, int]]
    examples: list[ox.NamedNode]

    def class_entities(self) -> list[tuple[str, int]]:
        """(class IRI, entities) for every class with an instance."""
        return [(cls.value, entities) for cls, entities in self.classes]


def statistics(store: ox.Store) -> Statistics:
    counts = _query(store, "counts.rq")[0]
    return Statistics(
        version=ontology_version(store),
        counts={name: int(counts[name].value) for name in ("triples", "subjects", "properties", "objects")},
        classes=[(row["class"], int(row["entities"].value)) for row in _query(store, "classes.rq")],
        examples=[row["example"] for row in _query(store, "examples.rq")],
    )


def describe(
    store: ox.Store | None,
    files: Mapping[str, bytes],
    endpoint: str | None = None,
    version: str | None = None,
    issued: date | str | None = None,
    download_base: str | None = None,
    counted: Statistics | None = None,
) -> list[ox.Triple]:
    """VoID and DCAT triples for the dataset in ``store``, distributed as ``files`` (name → bytes).

    ``counted``: the store's :func:`statistics` if they are known already (kg build counts them
    while it writes the exports; then ``store`` may be None).
    """
    dataset = ox.NamedNode(DATASET)
    if counted is None:
        assert store is not None, "describe() needs a store or its statistics"
        counted = statistics(store)
    found_version, found_date = counted.version
    version = version or found_version
    issued_text = str(issued or found_date)
    triples = [
        ox.Triple(dataset, RDF_TYPE, _n("void:Dataset")),
        ox.Triple(dataset, RDF_TYPE, _n("dcat:Dataset")),
        ox.Triple(dataset, _n("dcterms:title"), _text("执法司法制约监督体系知识图谱", "zh")),
        ox.Triple(
            dataset,
            _n("dcterms:title"),
            _text("zhengfa-kg: a knowledge graph of China's law-enforcement and judicial supervision system", "en"),
        ),
        ox.Triple(
            dataset,
            _n("dcterms:description"),
            _text(
                "政法机关、其报告的制约监督举措、举措针对的问题、承载举措的文件及报告的数据，每一事实附原文引文与位置。",
                "zh",
            ),
        ),
        ox.Triple(
            dataset,
            _n("dcterms:description"),
            _text(
                "The political-legal organs, the supervision measures their speeches report, the problems those "
                "target, the documents that carry them and the figures they report; every fact with its verbatim "
                "quote and offsets.",
                "en",
            ),
        ),
        ox.Triple(dataset, _n("dcterms:license"), CC_BY),
        ox.Triple(dataset, _n("dcterms:publisher"), ox.NamedNode(BASE)),
        ox.Triple(ox.NamedNode(BASE), RDF_TYPE, _n("foaf:Organization")),
        ox.Triple(ox.NamedNode(BASE), _n("foaf:name"), ox.Literal("zhengfa-kg")),
        ox.Triple(dataset, _n("dcterms:language"), ox.NamedNode("http://id.loc.gov/vocabulary/iso639-1/zh")),
        ox.Triple(dataset, _n("void:uriSpace"), ox.Literal(BASE + "id/")),
        ox.Triple(dataset, _n("void:feature"), ox.NamedNode("http://www.w3.org/ns/formats/Turtle")),
    ]
    if version:
        triples.append(ox.Triple(dataset, _n("dcat:version"), ox.Literal(version)))
        triples.append(
            ox.Triple(dataset, ox.NamedNode("http://www.w3.org/2002/07/owl#versionInfo"), ox.Literal(version))
        )
    if issued_text:
        triples.append(
            ox.Triple(dataset, _n("dcterms:issued"), ox.Literal(issued_text[:10], datatype=ox.NamedNode(XSD + "date")))
        )
    counts = counted.counts
    for name in ("triples", "properties"):
        triples.append(ox.Triple(dataset, _n("void:" + name), _int(counts[name])))
    triples.append(ox.Triple(dataset, _n("void:distinctSubjects"), _int(counts["subjects"])))
    triples.append(ox.Triple(dataset, _n("void:distinctObjects"), _int(counts["objects"])))
    triples.append(ox.Triple(dataset, _n("void:classes"), _int(len(counted.classes))))
    triples.append(ox.Triple(dataset, _n("void:entities"), _int(sum(entities for _cls, entities in counted.classes))))
    for cls, entities in counted.classes:
        partition = ox.NamedNode(DATASET + "/class/" + _slug(cls.value))
        triples += [
            ox.Triple(dataset, _n("void:classPartition"), partition),
            ox.Triple(partition, _n("void:class"), cls),
            ox.Triple(partition, _n("void:entities"), _int(entities)),
        ]
    triples += [ox.Triple(dataset, _n("void:vocabulary"), ox.NamedNode(v)) for v in VOCABULARIES]
    triples += [ox.Triple(dataset, _n("void:exampleResource"), example) for example in counted.examples]
    if endpoint:
        triples.append(ox.Triple(dataset, _n("void:sparqlEndpoint"), ox.NamedNode(endpoint)))
    for name, data in sorted(files.items()):
        triples += _distribution(dataset, name, data, download_base)
    return sorted(triples, key=str)


def _slug(iri: str) -> str:
    """A readable local name for a class partition: zf-Measure, skos-Concept."""
    from kg.sparql.prefixes import PREFIXES as KNOWN

    for prefix, namespace in sorted(KNOWN.items(), key=lambda item: -len(item[1])):
        local = iri[len(namespace) :]
        if iri.startswith(namespace) and local.replace("_", "").isalnum():
            return f"{prefix}-{local}"
    return hashlib.sha256(iri.encode()).hexdigest()[:16]


def _distribution(dataset: ox.NamedNode, name: str, data: bytes, download_base: str | None) -> list[ox.Triple]:
    node = ox.NamedNode(DATASET + "/distribution/" + name)
    checksum = ox.NamedNode(DATASET + "/distribution/" + name + "#sha256")
    size = ox.Literal(str(len(data)), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))
    digest = ox.Literal(hashlib.sha256(data).hexdigest(), datatype=ox.NamedNode(XSD + "hexBinary"))
    triples = [
        ox.Triple(dataset, _n("dcat:distribution"), node),
        ox.Triple(node, RDF_TYPE, _n("dcat:Distribution")),
        ox.Triple(node, _n("dcterms:title"), ox.Literal(name)),
        ox.Triple(node, _n("dcat:byteSize"), size),
        ox.Triple(node, _n("dcterms:license"), CC_BY),
        ox.Triple(node, _n("spdx:checksum"), checksum),
        ox.Triple(checksum, RDF_TYPE, _n("spdx:Checksum")),
        ox.Triple(checksum, _n("spdx:algorithm"), _n("spdx:checksumAlgorithm_sha256")),
        ox.Triple(checksum, _n("spdx:checksumValue"), digest),
    ]
    compressed = name.endswith(".gz")
    inner = name[: -len(".gz")] if compressed else name
    media = MEDIA_TYPES.get("." + inner.rsplit(".", 1)[-1])
    if media:
        triples.append(ox.Triple(node, _n("dcat:mediaType"), ox.NamedNode(IANA + media)))
    if compressed:
        triples.append(ox.Triple(node, _n("dcat:compressFormat"), ox.NamedNode(IANA + "application/gzip")))
    if download_base:
        triples.append(ox.Triple(node, _n("dcat:downloadURL"), ox.NamedNode(download_base + name)))
    return triples


def to_turtle(triples: list[ox.Triple]) -> bytes:
    """Deterministic Turtle of the description (sorted triples, the prefixes above)."""
    return ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES)  # type: ignore[return-value]


def write_description(files: Mapping[str, bytes], counted: Statistics) -> bytes:
    """``void.ttl`` as ``kg build`` writes it: no endpoint, no download addresses (the server adds them)."""
    return to_turtle(describe(None, files, counted=counted))


def validate_description(turtle: bytes | str) -> tuple[bool, str]:
    """Check a VoID/DCAT/service description against the shapes beside this module: (conforms, report text)."""
    from pyshacl import validate
    from rdflib import Graph

    data = Graph().parse(data=turtle, format="turtle")
    shapes = Graph().parse(
        data=resources.files("kg.dataset").joinpath("shapes.ttl").read_text("utf-8"), format="turtle"
    )
    conforms, _graph, text = validate(data, shacl_graph=shapes)
    return bool(conforms), str(text)
