"""Result formats: the W3C SPARQL result formats, terminal tables with Chinese text, RDF for graphs."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.endpoint import parse_json_results
from kg.errors import UsageError
from kg.query import QueryResult, Session, connect
from kg.sparql.terms import display_text
from kg.sparql.width import display_width


@pytest.fixture(scope="module")
def kg(store_path: Path) -> Session:
    return connect(store=store_path)


@pytest.fixture(scope="module")
def speakers(kg: Session) -> QueryResult:
    return kg.run("speakers")


@pytest.fixture(scope="module")
def figures(kg: Session) -> QueryResult:
    return kg.run("figures")


def column_starts(rule: str) -> list[int]:
    """Display columns where each column starts, read off the ─── rule under the header."""
    starts, previous = [], " "
    for index, char in enumerate(rule):
        if char == "─" and previous == " ":
            starts.append(index)
        previous = char
    return starts


def cut(line: str, starts: list[int]) -> list[str]:
    """Split a table line at display columns (a wide character takes two)."""
    cells, current, column, boundary = [], "", 0, 1
    for char in line:
        if boundary < len(starts) and column >= starts[boundary]:
            cells.append(current.strip())
            current, boundary = "", boundary + 1
        current += char
        column += display_width(char)
    cells.append(current.strip())
    return cells + [""] * (len(starts) - len(cells))


def test_the_table_aligns_chinese_text(speakers: QueryResult) -> None:
    lines = speakers.serialize("table").splitlines()
    assert lines[-1] == "(7 rows)"
    starts = column_starts(lines[1])
    assert cut(lines[0], starts) == speakers.variables
    for line, row in zip(lines[2:-1], speakers.rows, strict=True):
        assert cut(line, starts) == [display_text(t, speakers.prefixes) for t in row]


def test_the_table_fits_a_width_and_marks_what_it_cut(figures: QueryResult) -> None:
    lines = figures.serialize("table", max_width=100).splitlines()
    assert all(display_width(line) <= 100 for line in lines)
    assert any("…" in line for line in lines)
    wide = figures.serialize("table").splitlines()
    assert max(display_width(line) for line in wide) > 100 and not any("…" in line for line in wide)


def test_numbers_are_right_aligned_in_the_table(kg: Session) -> None:
    result = kg.query(
        "SELECT ?name ?organs WHERE { ?p zf:shortName ?name FILTER(LANG(?name) = 'zh') "
        "{ SELECT ?p (COUNT(?o) AS ?organs) WHERE { ?o zf:inProvince ?p } GROUP BY ?p } } ORDER BY ?organs"
    )
    lines = result.serialize("table").splitlines()
    width = display_width(lines[1])  # the rule spans both columns
    counts = [line for line in lines[2:-1]]
    assert {display_width(line) for line in counts} == {width}  # every count ends at the right edge
    assert sorted(int(line.split()[-1]) for line in counts) == [int(line.split()[-1]) for line in counts]


def test_csv_is_the_sparql_csv_format(figures: QueryResult) -> None:
    text = figures.serialize("csv")
    assert "\r\n" in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == figures.variables
    assert len(rows) == len(figures.rows) + 1
    first = dict(zip(rows[0], rows[1], strict=True))
    assert first["figure"].startswith("https://w3id.org/zhengfa-kg/id/figure-")
    assert float(first["value"]) == float(figures.rows[0][figures.variables.index("value")].value)  # type: ignore[union-attr]


def test_tsv_cells_are_rdf_terms(figures: QueryResult) -> None:
    lines = figures.serialize("tsv").rstrip("\n").split("\n")
    assert lines[0].split("\t") == ["?" + v for v in figures.variables]
    for line, row in zip(lines[1:], figures.rows, strict=True):
        for cell, term in zip(line.split("\t"), row, strict=True):
            if term is None:
                assert cell == ""
                continue
            parsed = next(iter(ox.parse(f"<urn:s> <urn:p> {cell} .", format=ox.RdfFormat.N_TRIPLES))).object
            assert parsed == term


def test_json_is_the_sparql_json_format_and_reads_back(figures: QueryResult) -> None:
    document = json.loads(figures.serialize("json"))
    assert document["head"]["vars"] == figures.variables
    binding = document["results"]["bindings"][0]
    assert binding["figure"]["type"] == "uri"
    assert binding["provName"] == {"type": "literal", "value": "广西", "xml:lang": "zh"}
    assert binding["value"]["datatype"].endswith("#integer") or binding["value"]["datatype"].endswith("#decimal")
    again = parse_json_results(figures.serialize("json").encode("utf-8"))
    assert again.variables == figures.variables and again.rows == figures.rows


def test_markdown_escapes_pipes(kg: Session) -> None:
    result = kg.query('SELECT ?x WHERE { VALUES ?x { "a|b" "第一行\\n第二行" } }')
    lines = result.serialize("md").splitlines()
    assert lines[:2] == ["| x |", "|---|"]
    assert lines[2] == "| a\\|b |" and lines[3] == "| 第一行<br>第二行 |"


def test_ask_in_every_format(kg: Session) -> None:
    result = kg.query("ASK { ?p a zf:Province }")
    assert json.loads(result.serialize("json")) == {"head": {}, "boolean": True}
    assert result.serialize("table") == "yes\n"
    assert result.serialize("csv") == "true\n"


def test_construct_as_turtle_ntriples_and_jsonld(kg: Session) -> None:
    result = kg.query(
        "CONSTRUCT { ?p zf:shortName ?n ; zf:divisionCode ?c } WHERE { ?p zf:shortName ?n ; zf:divisionCode ?c }"
    )
    expected = set(result.triples)
    assert len(expected) == 15
    turtle = result.serialize("table")  # table means Turtle for triples
    assert turtle.startswith("@prefix") and "zfr:province-hunan" in turtle
    assert {q.triple for q in ox.parse(turtle.encode(), format=ox.RdfFormat.TURTLE)} == expected
    nt = result.serialize("nt")
    assert {q.triple for q in ox.parse(nt.encode(), format=ox.RdfFormat.N_TRIPLES)} == expected
    assert nt == "".join(sorted(nt.splitlines(keepends=True)))  # sorted: diffable
    jsonld = result.serialize("jsonld")
    assert "@context" in json.loads(jsonld)
    assert len(Graph().parse(data=jsonld, format="json-ld")) == 15
    assert result.serialize("json") == jsonld


def test_formats_that_do_not_fit_the_answer_are_refused(kg: Session, speakers: QueryResult) -> None:
    construct = kg.query("CONSTRUCT WHERE { ?p zf:shortName ?n }")
    with pytest.raises(UsageError, match="turtle, nt or jsonld"):
        construct.serialize("csv")
    with pytest.raises(UsageError, match="solutions"):
        speakers.serialize("turtle")
    with pytest.raises(UsageError, match="unknown format"):
        speakers.serialize("xlsx")


def test_jupyter_shows_an_escaped_html_table(kg: Session) -> None:
    result = kg.query('SELECT ?x WHERE { VALUES ?x { "<b>湖南</b>" } }')
    html = result._repr_html_()
    assert "&lt;b&gt;湖南&lt;/b&gt;" in html and "<b>" not in html
