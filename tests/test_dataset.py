"""The dataset described for catalogues and endpoints: VoID, DCAT and the SPARQL service description.

Expected values are counted here independently of the code under test: triples are
the lines of graph.nt, measures the distinct subjects typed zf:Measure in it,
checksums and sizes the files' own bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from kg.build import BuildResult
from kg.dataset import validate_description
from kg.serve.background import serving

VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
SPDX = "http://spdx.org/rdf/terms#"
DATASET = URIRef("https://w3id.org/zhengfa-kg/id/dataset")
MEASURE_TYPE = re.compile(
    r"^(<[^>]+>) <http://www\.w3\.org/1999/02/22-rdf-syntax-ns#type> <https://w3id\.org/zhengfa-kg/def/Measure> \.$"
)


def nt_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").split("\n") if line.strip()]


def measures_in(path: Path) -> int:
    return len({m.group(1) for line in nt_lines(path) if (m := MEASURE_TYPE.match(line))})


def value(graph: Graph, subject: URIRef, predicate: str) -> object:
    found = graph.value(subject, URIRef(predicate))
    assert found is not None, f"{subject} has no {predicate}"
    return found.toPython() if isinstance(found, Literal) else found


def check_description(graph: Graph, folder: Path) -> None:
    nt = folder / "graph.nt"
    assert value(graph, DATASET, VOID + "triples") == len(nt_lines(nt))
    partitions = {value(graph, p, VOID + "class"): p for p in graph.objects(DATASET, URIRef(VOID + "classPartition"))}
    measure = partitions[URIRef("https://w3id.org/zhengfa-kg/def/Measure")]
    assert value(graph, measure, VOID + "entities") == measures_in(nt)
    titles = set()
    for dist in graph.objects(DATASET, URIRef(DCAT + "distribution")):
        name = str(value(graph, dist, "http://purl.org/dc/terms/title"))
        titles.add(name)
        data = (folder / name).read_bytes()
        assert value(graph, dist, DCAT + "byteSize") == len(data)
        checksum = graph.value(dist, URIRef(SPDX + "checksum"))
        assert str(graph.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(data).hexdigest()
    assert titles == {"graph.ttl", "graph.nt", "graph.jsonld"}
    media = {str(m) for m in graph.objects(None, URIRef(DCAT + "mediaType"))}
    assert media == {
        "https://www.iana.org/assignments/media-types/text/turtle",
        "https://www.iana.org/assignments/media-types/application/n-triples",
        "https://www.iana.org/assignments/media-types/application/ld+json",
    }


def test_build_writes_a_void_and_dcat_record_that_conforms(built: BuildResult) -> None:
    path = built.outputs["void.ttl"]
    conforms, report = validate_description(path.read_bytes())
    assert conforms, report
    check_description(Graph().parse(path, format="turtle"), path.parent)


def test_shapes_refuse_a_broken_checksum_and_a_missing_licence(built: BuildResult) -> None:
    text = built.outputs["void.ttl"].read_text(encoding="utf-8")
    broken = re.sub(r'"[0-9a-f]{64}"', '"not-a-digest"', text, count=1)
    assert not validate_description(broken)[0]
    unlicensed = Graph().parse(data=text, format="turtle")
    unlicensed.remove((DATASET, URIRef("http://purl.org/dc/terms/license"), None))
    conforms, report = validate_description(unlicensed.serialize(format="turtle"))
    assert not conforms and "license" in report


@pytest.fixture(scope="module")
def server(built: BuildResult) -> Iterator[str]:
    with serving(built.outputs["store"]) as url:
        yield url


def test_served_void_names_the_endpoint_and_downloads_that_match_their_checksums(
    server: str, built: BuildResult
) -> None:
    graph = Graph().parse(server + "/.well-known/void", format="turtle")  # rdflib fetches it over HTTP
    conforms, report = validate_description(graph.serialize(format="turtle"))
    assert conforms, report
    check_description(graph, built.outputs["graph.nt"].parent)
    assert value(graph, DATASET, VOID + "sparqlEndpoint") == URIRef(server + "/sparql")
    for dist in graph.objects(DATASET, URIRef(DCAT + "distribution")):
        url = str(value(graph, dist, DCAT + "downloadURL"))
        body = httpx.get(url, timeout=30).content
        checksum = graph.value(dist, URIRef(SPDX + "checksum"))
        assert hashlib.sha256(body).hexdigest() == str(graph.value(checksum, URIRef(SPDX + "checksumValue")))
    jsonld = httpx.get(server + "/.well-known/void", headers={"Accept": "application/ld+json"}, timeout=30)
    assert jsonld.headers["content-type"].startswith("application/ld+json")
    assert len(Graph().parse(data=jsonld.text, format="json-ld")) == len(graph)
    assert httpx.get(server + "/download/../store", timeout=30).status_code == 404
    assert httpx.get(server + "/download/secret.txt", timeout=30).status_code == 404


def test_service_description_conforms_and_its_count_matches_a_sparqlwrapper_query(server: str) -> None:
    from SPARQLWrapper import JSON, SPARQLWrapper

    description = Graph().parse(server + "/sparql", format="turtle")
    conforms, report = validate_description(description.serialize(format="turtle"))
    assert conforms, report
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = next(description.subjects(RDF.type, URIRef(sd + "Service")))
    assert description.value(service, URIRef(sd + "endpoint")) == URIRef(server + "/sparql")
    triples = next(description.objects(None, URIRef(VOID + "triples"))).toPython()
    client = SPARQLWrapper(server + "/sparql", returnFormat=JSON)
    client.setQuery("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    answer = client.queryAndConvert()
    assert int(answer["results"]["bindings"][0]["n"]["value"]) == triples
