"""Parameterised shipped queries answer what they say, worked out here by walking the graph in Python.

The golden files (tests/test_query_golden.py) pin each answer on the seed graph; these
tests recompute the answer of a parameterised query from the triples themselves, for
parameters the golden cases do not cover (no match, an unknown IRI, an English name),
so that a rewrite of the query for speed is checked against what it must mean.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.query import Session, connect, term

ZF = "https://w3id.org/zhengfa-kg/def/"
ZFR = "https://w3id.org/zhengfa-kg/id/"
EN_LABEL = "Issuing operating rules that make a search for similar cases compulsory in six kinds of situation"


@pytest.fixture(scope="module")
def sessions(store_path: Path) -> dict[str, Session]:
    return {"oxigraph": connect(store=store_path, isolate=False), "memory": connect("memory", timeout=None)}


def expected_measures_by_mechanism(graph: Graph, wanted: str | None) -> set[tuple[str, str]]:
    """(mechanism, measure) pairs: the mechanism, or a concept one or two levels above it, is the one asked for."""
    implements = URIRef(ZF + "implements")
    category = URIRef(ZF + "MechanismCategory")

    def names(concept: object) -> list[str]:
        return [str(o) for p in (SKOS.prefLabel, SKOS.altLabel) for o in graph.objects(concept, p)]  # type: ignore[arg-type]

    def asked(concept: object) -> bool:
        if wanted is None:
            return True
        if wanted.startswith("zfr:"):
            return str(concept) == ZFR + wanted[4:]
        return any(wanted.lower() in name.lower() for name in names(concept))

    def ups(mech: object) -> set[object]:
        one = set(graph.objects(mech, SKOS.broader))  # type: ignore[arg-type]
        two = {b2 for b in one for b2 in graph.objects(b, SKOS.broader)}  # type: ignore[arg-type]
        return {mech} | one | two

    pairs = set()
    for measure, mech in graph.subject_objects(implements):
        if (measure, RDF.type, URIRef(ZF + "Measure")) not in graph:
            continue
        has_category = any((c, RDF.type, category) in graph for c in ups(mech))
        if has_category and any(asked(c) for c in ups(mech)):
            pairs.add((str(mech), str(measure)))
    return pairs


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
@pytest.mark.parametrize(
    "wanted",
    [
        None,
        "zfr:cat-legal-supervision",
        "zfr:mech-similar-case-search",
        "类案检索",
        "SIMILAR-CASE",
        "没有这个机制",
        "zfr:nothing",
    ],
)
def test_measures_by_mechanism_finds_what_the_graph_says(
    backend: str, wanted: str | None, sessions: dict[str, Session], seed_graph: Graph
) -> None:
    session = sessions[backend]
    params = {} if wanted is None else {"mechanism": term(wanted) if wanted.startswith("zfr:") else wanted}
    result = session.run("measures-by-mechanism", params)
    got = {(str(r["mech"].value), str(r["measure"].value)) for r in result}  # type: ignore[union-attr]
    expected = expected_measures_by_mechanism(seed_graph, wanted)
    assert got == expected
    if wanted in ("没有这个机制", "zfr:nothing"):
        assert got == set()
    else:
        assert got


def expected_evidence_of(graph: Graph, wanted: str | None) -> set[tuple[str, str]]:
    """(fact, evidence) pairs: the fact is the one asked for, by IRI or by one of its labels, exactly."""
    derived = URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")
    selector = URIRef("http://www.w3.org/ns/oa#hasSelector")
    exact = URIRef("http://www.w3.org/ns/oa#exact")

    def asked(fact: object) -> bool:
        if wanted is None:
            return True
        if wanted.startswith("zfr:"):
            return str(fact) == ZFR + wanted[4:]
        labels = [*graph.objects(fact, RDFS.label), *graph.objects(fact, SKOS.prefLabel)]  # type: ignore[arg-type]
        return any(str(label) == wanted for label in labels)

    pairs = set()
    for fact, evidence in graph.subject_objects(derived):
        quoted = any(graph.value(s, exact) is not None for s in graph.objects(evidence, selector))
        if quoted and asked(fact):
            pairs.add((str(fact), str(evidence)))
    return pairs


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
@pytest.mark.parametrize(
    "wanted", [None, "zfr:measure-jiangsu-mandatory-similar-case-search", "证人出庭难", EN_LABEL, "zfr:nothing"]
)
def test_evidence_of_finds_what_the_graph_says(
    backend: str, wanted: str | None, sessions: dict[str, Session], seed_graph: Graph
) -> None:
    session = sessions[backend]
    params = {} if wanted is None else {"entity": term(wanted) if wanted.startswith("zfr:") else wanted}
    result = session.run("evidence-of", params)
    got = {(str(r["fact"].value), str(r["evidence"].value)) for r in result}  # type: ignore[union-attr]
    assert len(got) == len(result)  # one row per fact and evidence
    expected = expected_evidence_of(seed_graph, wanted)
    assert got == expected
    assert (got == set()) == (wanted == "zfr:nothing")
