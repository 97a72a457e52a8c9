"""The data-check queries (``check-…``) find what they are for, on both backends.

On the seed graph every check answers nothing (tests/test_query_golden.py), which
cannot tell a check that works from one that finds nothing ever. Here a small
graph breaks each rule once or twice beside facts that keep it, and the rows each
check must return are written out by hand, in the order the query promises.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.query import Session

BROKEN = """
@prefix zf:   <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:  <https://w3id.org/zhengfa-kg/id/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd:  <http://www.w3.org/2001/XMLSchema#> .

zfr:mech-a skos:inScheme zfr:mechanisms .
zfr:organ-a zf:inProvince zfr:prov-a .

# evidence: offsets right (ASCII and CJK), offsets one short, and a position without a quote
zfr:ev-ok oa:hasSelector [ oa:exact "abc" ] , [ oa:start 0 ; oa:end 3 ] .
zfr:ev-cjk oa:hasSelector [ oa:exact "一二三" ] , [ oa:start 5 ; oa:end 8 ] .
zfr:ev-bad oa:hasSelector [ oa:exact "abcd" ] , [ oa:start 10 ; oa:end 13 ] .
zfr:ev-noquote oa:hasSelector [ oa:start 0 ; oa:end 5 ] .

zfr:m-ok a zf:Measure ; zf:implements zfr:mech-a ; zf:adoptedBy zfr:organ-a ; prov:wasDerivedFrom zfr:ev-ok .
zfr:m-cjk a zf:Measure ; zf:implements zfr:mech-a ; zf:adoptedBy zfr:organ-a ; prov:wasDerivedFrom zfr:ev-cjk .
zfr:m-noquote a zf:Measure ; zf:implements zfr:mech-a ; zf:adoptedBy zfr:organ-a ;
    prov:wasDerivedFrom zfr:ev-noquote .
# a mechanism outside the scheme, an organ in no province, no evidence at all
zfr:m-noevidence a zf:Measure ; zf:implements zfr:mech-x ; zf:adoptedBy zfr:organ-national .

zfr:f1 a zf:Figure ; zf:indicator zfr:i1 ; zf:value 1 ; zf:unit "件" ; prov:wasDerivedFrom zfr:ev-ok ;
    zf:periodStart "2019-01-01"^^xsd:date ; zf:followedBy zfr:f2 .
# another indicator, and a start before f1's
zfr:f2 a zf:Figure ; zf:indicator zfr:i2 ; zf:value 2 ; zf:unit "件" ; prov:wasDerivedFrom zfr:ev-ok ;
    zf:periodStart "2018-01-01"^^xsd:date ; zf:precededBy zfr:f1 .
# no evidence, indicator, value or unit; followed by f1, which does not say so
zfr:f3 a zf:Figure ; zf:followedBy zfr:f1 .
# preceded by f2, which does not say so
zfr:f4 a zf:Figure ; zf:indicator zfr:i2 ; zf:value 3 ; zf:unit "件" ; prov:wasDerivedFrom zfr:ev-cjk ;
    zf:precededBy zfr:f2 .
# a pair that keeps every rule
zfr:f5 a zf:Figure ; zf:indicator zfr:i1 ; zf:value 4 ; zf:unit "件" ; prov:wasDerivedFrom zfr:ev-ok ;
    zf:periodStart "2018-01-01"^^xsd:date ; zf:followedBy zfr:f6 .
zfr:f6 a zf:Figure ; zf:indicator zfr:i1 ; zf:value 5 ; zf:unit "件" ; prov:wasDerivedFrom zfr:ev-ok ;
    zf:periodStart "2019-01-01"^^xsd:date ; zf:precededBy zfr:f5 .
"""

EXPECTED = {
    "check-quote-offsets": [("ev-bad", "10", "13", "4", "abcd")],
    "check-measures-without-evidence": [("m-noevidence",), ("m-noquote",)],
    "check-figures-without-evidence": [
        ("f3", "evidence"),
        ("f3", "indicator"),
        ("f3", "unit"),
        ("f3", "value"),
    ],
    "check-measures-without-mechanism": [("m-noevidence", "mechanism"), ("m-noevidence", "province")],
    "check-before-after-pairs": [
        ("f1", "f2", "different indicators"),
        ("f1", "f2", "the later figure does not start later"),
        ("f2", "f4", "precededBy without followedBy"),
        ("f3", "f1", "followedBy without precededBy"),
    ],
}


@pytest.fixture(scope="module")
def sessions(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Session]:
    path = tmp_path_factory.mktemp("checks") / "store"
    store = ox.Store(str(path))
    store.load(BROKEN.encode(), format=ox.RdfFormat.TURTLE)
    store.flush()
    del store
    graph = Graph().parse(data=BROKEN, format="turtle")
    return {
        "oxigraph": Session(backend="oxigraph", store=Path(path), isolate=False),
        "memory": Session(backend="memory", graph=graph, timeout=None),
    }


def _short(cell: object) -> str:
    # an rdflib term is its lexical form as a string; a pyoxigraph term holds it in .value
    text = cell.value if isinstance(cell, (ox.NamedNode, ox.Literal)) else str(cell)
    return text.removeprefix("https://w3id.org/zhengfa-kg/id/")


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_check_finds_exactly_the_broken_facts(sessions: dict[str, Session], backend: str, name: str) -> None:
    answer = sessions[backend].run(name)
    assert [tuple(_short(cell) for cell in row) for row in answer.rows] == EXPECTED[name]
