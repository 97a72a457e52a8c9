"""Every export re-reads as the graph it was written from, whatever characters a label or quote holds.

Text pasted from web pages and pdftotext output carries line and page separators
(U+2028, U+2029, U+0085, form feed, vertical tab, U+001C–U+001E) and other
control characters; each export must keep them inside their literal, for
rdflib's parsers and for Oxigraph's.
"""

from __future__ import annotations

import json
import sys
import unicodedata

import pyoxigraph as ox
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

from kg.namespaces import OA, RDF, RDFS, ZF, ZFR
from kg.serialize import exports
from kg.sources import to_rdflib

#: Every Unicode line and control character: categories Cc, Zl and Zp (67 code points).
CONTROLS = [c for c in map(chr, range(sys.maxunicode + 1)) if unicodedata.category(c) in ("Cc", "Zl", "Zp")]
#: The separators that str.splitlines() splits at (besides \n and \r), which once cut graph.nt.
SPLITLINES_ONLY = ["\u2028", "\u2029", "\x85", "\x0c", "\x0b", "\x1c", "\x1d", "\x1e"]

text = st.text(
    alphabet=st.one_of(
        st.sampled_from(CONTROLS),
        st.sampled_from(['"', "'", "\\", "<", ">", "{", "@", "#", " ", "湖", "南", "é", "\U0001f600"]),
        st.characters(exclude_categories=("Cs",)),  # no lone surrogates: they cannot be encoded
    ),
    max_size=24,
)


def sample_graph(labels: list[str], quotes: list[str]) -> Graph:
    """A graph shaped like ours: labelled entities, evidence with a blank-node selector holding a quote."""
    graph = Graph()
    for index, (label, quote) in enumerate(zip(labels, quotes, strict=False)):
        entity = ZFR[f"entity-{index}"]
        evidence = ZFR[f"ev-{index}"]
        selector = BNode()
        graph.add((entity, RDF.type, ZF.Measure))
        graph.add((entity, RDFS.label, Literal(label, lang="zh")))
        graph.add((entity, RDFS.comment, Literal(label)))
        graph.add((entity, ZF.evidence, evidence))
        graph.add((evidence, OA.hasSelector, selector))
        graph.add((selector, RDF.type, OA.TextQuoteSelector))
        graph.add((selector, OA.exact, Literal(quote)))
    return graph


def oxigraph_reading(data: str, fmt: ox.RdfFormat) -> Graph:
    graph = Graph()
    for quad in ox.parse(data.encode("utf-8"), format=fmt):
        graph.add(tuple(to_rdflib(term) for term in quad.triple))  # type: ignore[arg-type]
    return graph


READERS = {
    "graph.ttl": ("turtle", ox.RdfFormat.TURTLE),
    "graph.nt": ("nt", ox.RdfFormat.N_TRIPLES),
    "graph.jsonld": ("json-ld", ox.RdfFormat.JSON_LD),
}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(labels=st.lists(text, min_size=1, max_size=4), quotes=st.lists(text, min_size=1, max_size=4))
def test_every_export_rereads_as_the_source_graph(labels: list[str], quotes: list[str]) -> None:
    source = sample_graph(labels, quotes)
    files = exports(source)
    for name, (rdflib_format, ox_format) in READERS.items():
        by_rdflib = Graph().parse(data=files[name], format=rdflib_format)
        assert isomorphic(by_rdflib, source), f"{name} read by rdflib"
        assert isomorphic(oxigraph_reading(files[name], ox_format), source), f"{name} read by Oxigraph"


def test_splitlines_separators_stay_inside_one_ntriples_line() -> None:
    """The reported case, spelled out: each separator once in a label and once in a quote."""
    labels = [f"a{ch}b" for ch in SPLITLINES_ONLY]
    source = sample_graph(labels, list(reversed(labels)))
    nt = exports(source)["graph.nt"]
    lines = nt.split("\n")
    assert lines[-1] == "" and len(lines) - 1 == len(source)  # one line per triple, each ending in "\n"
    assert all(line.endswith(" .") for line in lines[:-1])
    assert isomorphic(oxigraph_reading(nt, ox.RdfFormat.N_TRIPLES), source)


def test_every_control_character_survives_each_export() -> None:
    source = sample_graph(["x" + "".join(CONTROLS) + "y"], ["".join(reversed(CONTROLS))])
    for name, (rdflib_format, ox_format) in READERS.items():
        data = exports(source)[name]
        assert isomorphic(Graph().parse(data=data, format=rdflib_format), source), name
        assert isomorphic(oxigraph_reading(data, ox_format), source), name


def test_the_canonical_forms_are_as_the_readme_promises() -> None:
    """Worked out by hand: sorted unique N-Triples lines, Turtle grouped by subject with our prefixes,
    expanded JSON-LD one node object per subject in the same order."""
    turtle = """
        @prefix ex: <http://example.org/> .
        ex:b ex:p "2" ; ex:p "1"@zh .
        ex:a a ex:C ; ex:q 3 .
        ex:a ex:q 3 .
    """
    source = Graph().parse(data=turtle, format="turtle")
    files = exports(source)
    assert files["graph.nt"] == (
        "<http://example.org/a> <http://example.org/q> "
        '"3"^^<http://www.w3.org/2001/XMLSchema#integer> .\n'
        "<http://example.org/a> <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> <http://example.org/C> .\n"
        '<http://example.org/b> <http://example.org/p> "1"@zh .\n'
        '<http://example.org/b> <http://example.org/p> "2" .\n'
    )
    ttl = files["graph.ttl"]
    prefix_lines = [line for line in ttl.splitlines() if line.startswith("@prefix")]
    assert prefix_lines == sorted(prefix_lines) and "@prefix zf: <https://w3id.org/zhengfa-kg/def/> ." in prefix_lines
    body = [line for line in ttl.split("\n") if line and not line.startswith("@prefix")]
    assert body == [
        "<http://example.org/a> <http://example.org/q> 3 ;",
        "\ta <http://example.org/C> .",
        '<http://example.org/b> <http://example.org/p> "1"@zh , "2" .',
    ]
    assert json.loads(files["graph.jsonld"]) == [
        {
            "@id": "http://example.org/a",
            "http://example.org/q": [{"@type": "http://www.w3.org/2001/XMLSchema#integer", "@value": "3"}],
            "http://www.w3.org/1999/02/22-rdf-syntax-ns#type": [{"@id": "http://example.org/C"}],
        },
        {"@id": "http://example.org/b", "http://example.org/p": [{"@language": "zh", "@value": "1"}, {"@value": "2"}]},
    ]


def test_blank_node_labels_do_not_depend_on_parse_order_or_input_labels() -> None:
    one = '<http://x/s> <http://x/sel> _:a .\n_:a <http://x/exact> "q" .\n<http://x/t> <http://x/sel> _:b .\n_:b <http://x/exact> "r" .\n'
    two = '_:z9 <http://x/exact> "r" .\n<http://x/s> <http://x/sel> _:k .\n<http://x/t> <http://x/sel> _:z9 .\n_:k <http://x/exact> "q" .\n'
    first, second = exports(Graph().parse(data=one, format="nt")), exports(Graph().parse(data=two, format="nt"))
    assert first == second
    lines = first["graph.nt"].split("\n")[:-1]
    assert [line.startswith("<") for line in lines] == [True, True, False, False]  # blank-node lines last…
    assert all("_:b" in line for line in lines)  # …each one naming a content label
