"""Pages of large answers: ``--limit/--offset``, ``Session.query(limit=, offset=)``, the table's row cap."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.cli.query import TABLE_ROWS
from kg.errors import UsageError
from kg.query import Session, connect
from kg.sparql.formats import table_footer
from kg.sparql.paging import page
from kg.sparql.results import QueryResult
from kg.sparql.terms import display_text

ALL_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o"
NAMED = "SELECT ?s ?p ?o WHERE { ?s ?p ?o FILTER(isIRI(?s)) } ORDER BY ?s ?p ?o"


@pytest.fixture(scope="module")
def kg(store_path: Path) -> Session:
    return connect(store=store_path, isolate=False)


@pytest.fixture(scope="module")
def memory() -> Session:
    return connect("memory", timeout=None)


def cli(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


# ---------------------------------------------------------------------------
# The query text: a page composed with the query's own LIMIT and OFFSET
# ---------------------------------------------------------------------------


def test_a_page_is_added_after_the_solution_modifiers() -> None:
    text = "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s"
    assert page(text, 10, 20) == "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\nLIMIT 10 OFFSET 20\n"
    assert page(text, None, 5) == "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\nOFFSET 5\n"
    assert page(text, 3) == "SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s\nLIMIT 3\n"
    assert page(text, None, 0) == text


def test_a_page_never_goes_past_the_querys_own_limit() -> None:
    text = "SELECT ?s WHERE { ?s ?p ?o } LIMIT 25 OFFSET 10"
    # rows 10+20 … of the query's own rows 10 … 34: five are left
    assert page(text, 10, 20) == "SELECT ?s WHERE { ?s ?p ?o }\nLIMIT 5 OFFSET 30\n"
    assert page(text, None, 30) == "SELECT ?s WHERE { ?s ?p ?o }\nLIMIT 0 OFFSET 40\n"
    assert page("SELECT * { ?s ?p ?o } offset 2 limit 9", 4) == "SELECT * { ?s ?p ?o }\nLIMIT 4 OFFSET 2\n"


def test_a_trailing_comment_a_values_block_and_look_alike_words_are_respected() -> None:
    text = 'SELECT ?s WHERE { ?s ?p "LIMIT 3" FILTER(?p != <urn:OFFSET>) } # LIMIT 99'
    assert page(text, 2, 1) == text + "\nLIMIT 2 OFFSET 1\n"
    sub = "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 50 } } LIMIT 7 VALUES ?s { <urn:a> }"
    assert (
        page(sub, 5, 4)
        == "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 50 } } LIMIT 3 OFFSET 4\nVALUES ?s { <urn:a> }"
    )


def test_only_the_solutions_of_a_select_are_paged() -> None:
    with pytest.raises(UsageError, match="SELECT"):
        page("ASK { ?s ?p ?o }", 1)
    with pytest.raises(UsageError, match="SELECT"):
        page("CONSTRUCT WHERE { ?s ?p ?o }", 1)
    with pytest.raises(UsageError, match="≥ 0"):
        page("SELECT * { ?s ?p ?o }", -1)


# ---------------------------------------------------------------------------
# Pages put together give the whole answer, on every backend
# ---------------------------------------------------------------------------


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_pages_of_a_shipped_query_add_up_to_its_answer(backend: str, kg: Session, memory: Session) -> None:
    session = kg if backend == "oxigraph" else memory
    whole = session.run("evidence-of")
    assert len(whole) > 250 and not whole.more
    pages, offset = [], 0
    while True:
        part = session.run("evidence-of", limit=250, offset=offset)
        assert part.offset == offset and len(part) <= 250
        pages.append(part)
        if not part.more:
            break
        offset += 250
    full, last = divmod(len(whole), 250)
    assert [len(p) for p in pages] == [250] * full + [last]
    assert [row for p in pages for row in p.rows] == whole.rows


def test_a_page_of_a_bound_query_and_an_exact_last_page(kg: Session) -> None:
    whole = kg.run("measures", province="湖南")
    assert len(whole) > 10
    part = kg.run("measures", {"province": "湖南"}, limit=len(whole) - 3, offset=3)
    assert part.rows == whole.rows[3:] and not part.more  # the probe row found nothing more
    assert kg.query(ALL_TRIPLES, limit=0).rows == [] and kg.query(ALL_TRIPLES, limit=0).more


# ---------------------------------------------------------------------------
# kg query: a table asks for its first TABLE_ROWS rows only; other formats are complete
# ---------------------------------------------------------------------------


def test_a_large_table_shows_its_first_rows_and_says_more_follow(store_path: Path, kg: Session) -> None:
    total = int(kg.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows[0][0].value)  # type: ignore[union-attr]
    assert total > TABLE_ROWS
    code, out, _ = cli("query", ALL_TRIPLES, "--store", str(store_path), "--max-width", "0")
    lines = out.splitlines()
    assert code == 0 and len(lines) == 2 + TABLE_ROWS + 1
    assert lines[-1] == (
        f"(the first {TABLE_ROWS} rows; more follow: use --offset {TABLE_ROWS}, or --format csv for every row)"
    )
    # The rows shown are the answer's first rows, in its order (ALL_TRIPLES sorts).
    first = kg.query(ALL_TRIPLES, limit=TABLE_ROWS)
    assert [line.split()[0] for line in lines[2:4]] == [_table_cell(first, 0), _table_cell(first, 1)]
    # A shipped query the same way; --offset alone pages on from there.
    code, out, _ = cli("query", ALL_TRIPLES, "--store", str(store_path), "--offset", str(total - 3), "--max-width", "0")
    assert code == 0 and out.splitlines()[-1] == f"(3 rows from row {total - 2}; no more)"
    code, out, _ = cli("query", ALL_TRIPLES, "--store", str(store_path), "--format", "csv")
    assert code == 0 and len(list(csv.reader(io.StringIO(out)))) == 1 + total
    # A table of exactly TABLE_ROWS rows says nothing follows (the engine's probe row found none).
    exact = f"SELECT ?s ?p ?o WHERE {{ ?s ?p ?o }} ORDER BY ?s ?p ?o LIMIT {TABLE_ROWS}"
    code, out, _ = cli("query", exact, "--store", str(store_path), "--max-width", "0")
    assert code == 0 and out.splitlines()[-1] == f"({TABLE_ROWS} rows)"
    # Triples are not cut: a CONSTRUCT's table is its whole Turtle.
    construct = "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"
    code, out, _ = cli("query", construct, "--store", str(store_path))
    assert code == 0 and len(Graph().parse(data=out, format="turtle")) == len(kg.query(construct)) > TABLE_ROWS


def _table_cell(result: QueryResult, row: int) -> str:
    term = result.rows[row][0]
    assert term is not None
    return display_text(term, result.prefixes)


def test_limit_and_offset_page_every_format(store_path: Path, kg: Session) -> None:
    expected = [row[0].value for row in kg.query(NAMED).rows[10:15]]  # type: ignore[union-attr]
    code, out, _ = cli("query", NAMED, "--store", str(store_path), "-F", "csv", "--limit", "5", "--offset", "10")
    assert code == 0 and [r["s"] for r in csv.DictReader(io.StringIO(out))] == expected
    code, out, _ = cli("query", ALL_TRIPLES, "--store", str(store_path), "--limit", "5", "--offset", "10")
    assert code == 0 and out.splitlines()[-1] == "(5 rows from row 11; more follow: use --offset 15)"
    code, _, err = cli("query", "ASK { ?s ?p ?o }", "--store", str(store_path), "--limit", "5")
    assert code == 2 and "page the solutions of a SELECT" in err
    code, _, err = cli("query", ALL_TRIPLES, "--store", str(store_path), "--offset", "-1")
    assert code == 2


def test_the_footer_says_where_a_page_stands() -> None:
    assert table_footer(1) == "(1 row)"
    assert table_footer(7) == "(7 rows)"
    assert table_footer(40, offset=80, more=False) == "(40 rows from row 81; no more)"
    assert table_footer(0, offset=80) == "(no rows from row 81; no more)"
    assert table_footer(5, offset=10, more=True) == "(5 rows from row 11; more follow: use --offset 15)"
    assert (
        table_footer(1000, more=True)
        == "(the first 1000 rows; more follow: use --offset 1000, or --format csv for every row)"
    )
