"""The explorer's query page in pages: ``/query?name=…&query=…&limit=&offset=`` on a real server."""

from __future__ import annotations

import csv
import html
import io
import re
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from kg.namespaces import PREFIXES
from kg.query import connect, shipped_query
from kg.serve.background import serving
from kg.sparql.terms import param_term


@pytest.fixture(scope="module")
def client(store_path: Path) -> Iterator[httpx.Client]:
    with serving(store_path) as url, httpx.Client(base_url=url, timeout=60) as c:
        yield c


def cells(page: str) -> list[str]:
    """The first column of the results table, as text."""
    body = page.split('id="results"', 1)[1].split("</tbody>", 1)[0]
    return [
        html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<tr><td[^>]*>(.*?)</td>", body)
    ]


def test_pages_of_a_shipped_query_walk_through_its_whole_answer(client: httpx.Client, store_path: Path) -> None:
    text = shipped_query("evidence-of").text
    whole = connect(store=store_path, timeout=None).run("evidence-of")
    assert len(whole) > 200
    first = client.get("/query", params={"name": "evidence-of", "query": text, "limit": "100"})
    assert first.status_code == 200
    assert "Rows 1–100; more follow" in first.text and 'id="previous-page"' not in first.text
    seen, page = [], first
    while True:
        shown = cells(page.text)
        seen += shown
        link = re.search(r'id="next-page" rel="next" href="([^"]+)"', page.text)
        if link is None:
            break
        assert len(shown) == 100
        page = client.get(html.unescape(link.group(1)))
        assert page.status_code == 200 and 'id="previous-page"' in page.text
    assert "; no more" in page.text
    assert len(seen) == len(whole)
    # each cell shows a label (which may hold a colon itself, "1:2.08"), then the compact IRI
    assert [s.rsplit(" zfr:", 1)[-1] for s in seen] == [row[0].value.rsplit("/", 1)[-1] for row in whole.rows]  # type: ignore[union-attr]


def test_a_page_with_a_parameter_and_its_csv_download(client: httpx.Client, store_path: Path) -> None:
    text = shipped_query("province-measures").text
    whole = connect(store=store_path, timeout=None).run("province-measures", province="湖南")
    assert len(whole) > 6
    params = {"name": "province-measures", "query": text, "param.province": "湖南", "limit": "3", "offset": "3"}
    page = client.get("/query", params=params)
    assert page.status_code == 200 and "Rows 4–6; more follow" in page.text
    # the download carries the page shown, bound and paged in the query text
    bound = html.unescape(re.search(r'name="query" value="([^"]*)"', page.text.split("downloads", 1)[1]).group(1))  # type: ignore[union-attr]
    download = client.post("/sparql", data={"query": bound, "format": "csv"})
    rows = list(csv.DictReader(io.StringIO(download.text)))
    assert [r["measure"] for r in rows] == [row[1].value for row in whole.rows[3:6]]  # type: ignore[union-attr]


def _download_form(page: str, button: str) -> str:
    """The query text the download form with button ``button`` posts."""
    form = re.search(
        rf'<form[^>]*class="download">((?:(?!</form>).)*id="{button}"(?:(?!</form>).)*)</form>', page, re.S
    )
    assert form is not None, button
    return html.unescape(re.search(r'name="query" value="([^"]*)"', form.group(1)).group(1))  # type: ignore[union-attr]


def test_a_select_run_without_limit_shows_its_first_page_and_offers_the_whole_answer(
    client: httpx.Client, store_path: Path
) -> None:
    text = shipped_query("evidence-of").text
    whole = connect(store=store_path, timeout=None).run("evidence-of")
    assert len(whole) > 200
    first = client.get("/query", params={"name": "evidence-of", "query": text})
    assert first.status_code == 200 and "Rows 1–100; more follow" in first.text
    shown = cells(first.text)
    assert [s.rsplit(" zfr:", 1)[-1] for s in shown] == [row[0].value.rsplit("/", 1)[-1] for row in whole.rows[:100]]  # type: ignore[union-attr]
    link = re.search(r'id="next-page" rel="next" href="([^"]+)"', first.text)
    assert link is not None and "limit=100" in link.group(1) and "offset=100" in link.group(1)
    # Two sets of downloads: the page shown, and the whole answer (the query as run, unpaged).
    page_rows = csv.DictReader(
        io.StringIO(
            client.post("/sparql", data={"query": _download_form(first.text, "download-csv"), "format": "csv"}).text
        )
    )
    assert [r["fact"] for r in page_rows] == [row[0].value for row in whole.rows[:100]]  # type: ignore[union-attr]
    assert _download_form(first.text, "download-all-csv") == text
    all_rows = csv.DictReader(io.StringIO(client.post("/sparql", data={"query": text, "format": "csv"}).text))
    assert len(list(all_rows)) == len(whole)
    # An answer of one page says so, with one set of downloads (the page is the whole answer).
    provinces = client.get("/query", params={"name": "provinces", "query": shipped_query("provinces").text})
    assert "Rows 1–5; no more" in provinces.text and 'id="next-page"' not in provinces.text
    assert 'id="download-all-csv"' not in provinces.text
    assert _download_form(provinces.text, "download-csv") == shipped_query("provinces").text
    # A graph is not paged: its first triples are shown, the download carries them all.
    graph = client.get("/query", params={"query": "CONSTRUCT WHERE { zfr:province-hunan ?p ?o }"})
    assert graph.status_code == 200 and "triples" in graph.text and "Rows 1" not in graph.text
    assert 'id="download-all-ttl"' not in graph.text and 'id="download-ttl"' in graph.text


def test_bad_paging_parameters_are_a_clear_400(client: httpx.Client) -> None:
    bad = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }", "limit": "ten"})
    assert bad.status_code == 400 and "whole numbers" in bad.text
    ask = client.get("/query", params={"query": "ASK { ?s ?p ?o }", "limit": "10"})
    assert ask.status_code == 400 and "page the solutions of a SELECT" in ask.text


def test_pages_of_a_bucketed_query_with_and_without_a_parameter(client: httpx.Client, store_path: Path) -> None:
    # measures-by-mechanism is paged by buckets of its first sort key (# page-by ?cat ?mech) and is SELECT DISTINCT;
    # the text comes back as a browser sends a text area (CR LF), which is still the shipped query.
    text = shipped_query("measures-by-mechanism").text.replace("\n", "\r\n")
    session = connect(store=store_path, timeout=None)
    for given in ({}, {"mechanism": "zfr:cat-legal-supervision"}):
        whole = session.run("measures-by-mechanism", {k: param_term(v, PREFIXES) for k, v in given.items()})
        assert len(whole) > 6
        column = whole.variables.index("measure")
        expected = [row[column].value.rsplit("/", 1)[-1] for row in whole.rows]  # type: ignore[union-attr]
        size = max(2, len(whole) // 3)
        params = {"name": "measures-by-mechanism", "query": text, "limit": str(size), "offset": str(size)}
        params.update({f"param.{k}": v for k, v in given.items()})
        page = client.get("/query", params=params)
        assert page.status_code == 200 and f"Rows {size + 1}–{2 * size}; more follow" in page.text
        assert [row[column].rsplit(" zfr:", 1)[-1] for row in table(page.text)] == expected[size : 2 * size]


def table(page: str) -> list[list[str]]:
    """Every row of the results table, each cell as text."""
    body = page.split('id="results"', 1)[1].split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [
        [html.unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_the_engine_asks_a_page_of_a_shipped_query_by_buckets(store_path: Path) -> None:
    from kg.serve.engine import Limits, QueryEngine

    shipped = shipped_query("evidence-of")
    assert shipped.page_by is not None
    whole = connect(store=store_path, timeout=None).run("evidence-of")
    engine = QueryEngine(store_path, Limits(timeout=60))
    page = engine.run_bucketed(shipped.text, {"entity": "UNDEF"}, shipped.page_by, 20, 40)
    assert page is not None and not page.truncated
    assert page.result.rows == whole.rows[40:60]


def test_the_engine_starts_a_narrowed_query_from_its_parameters_values(store_path: Path) -> None:
    # evidence-of with an entity: the entity's fact is found first (kg.sparql.narrowing), no bucket of all the
    # facts is read (no GROUP_CONCAT of their IRIs), and the page is the whole answer's.
    from kg.serve.engine import Limits, QueryEngine

    shipped = shipped_query("evidence-of")
    assert shipped.narrowing is not None
    fact = "zfr:measure-jiangsu-mandatory-similar-case-search"
    whole = connect(store=store_path, timeout=None).run("evidence-of", entity=param_term(fact, PREFIXES))
    assert len(whole) >= 1
    engine = QueryEngine(store_path, Limits(timeout=60))
    asked: list[str] = []
    run = engine.run

    def recorded(text: str, *args: object, **kwargs: object) -> object:
        asked.append(text)
        return run(text, *args, **kwargs)  # type: ignore[arg-type]

    engine.run = recorded  # type: ignore[method-assign]
    value = param_term(fact, PREFIXES)
    page = engine.run_narrowed(shipped.text, shipped.narrowing, value, {"entity": str(value)}, 10, 0)
    assert page is not None and page.result.rows == whole.rows[:10]
    assert not any("GROUP_CONCAT" in text for text in asked)
    assert f"VALUES ?fact {{ <{PREFIXES['zfr']}measure-jiangsu-mandatory-similar-case-search> }}" in " ".join(asked)
    # a label names its facts the same way; a label of nothing gives no row
    label = "制定操作规程，规定六类情形必须进行类案强制检索"
    by_label = engine.run_narrowed(shipped.text, shipped.narrowing, ox_literal(label), {"entity": f'"{label}"'}, 10, 0)
    assert by_label is not None and by_label.result.rows == whole.rows[:10]
    nothing = engine.run_narrowed(
        shipped.text, shipped.narrowing, ox_literal("无此事实"), {"entity": '"无此事实"'}, 10, 0
    )
    assert nothing is not None and nothing.result.rows == []


def test_the_engine_pages_a_broad_search_by_its_first_things(store_path: Path) -> None:
    # search with a text in many names and quotes: the (thing, name) pairs are found first, and a page is asked
    # for the pairs of its first things only (kg.sparql.narrowing.narrowed_page); its rows are the whole answer's.
    from kg.serve.engine import Limits, QueryEngine

    shipped = shipped_query("search")
    assert shipped.narrowing is not None
    whole = connect(store=store_path, timeout=None).run("search", text="检察")
    assert len(whole) > 60
    last = whole.rows[-1][0]
    engine = QueryEngine(store_path, Limits(timeout=60))
    asked: list[str] = []
    run = engine.run

    def recorded(text: str, *args: object, **kwargs: object) -> object:
        asked.append(text)
        return run(text, *args, **kwargs)  # type: ignore[arg-type]

    engine.run = recorded  # type: ignore[method-assign]
    for rows, skip in [(5, 0), (10, 7), (50, 3)]:
        asked.clear()
        page = engine.run_narrowed(
            shipped.text, shipped.narrowing, ox_literal("检察"), {"text": '"检察"'}, rows + 1, skip
        )
        assert page is not None and page.result.rows == whole.rows[skip : skip + rows + 1]
        # The four scans, then the page's pairs: not those of the last thing.
        assert len(asked) >= 5 and "VALUES (?thing ?match)" in asked[4] and str(last) not in asked[4]


def ox_literal(text: str) -> object:
    import pyoxigraph as ox

    return ox.Literal(text)


def test_the_query_page_with_an_entity_shows_its_evidence(client: httpx.Client, store_path: Path) -> None:
    text = shipped_query("evidence-of").text
    fact = "zfr:measure-jiangsu-mandatory-similar-case-search"
    whole = connect(store=store_path, timeout=None).run("evidence-of", entity=param_term(fact, PREFIXES))
    page = client.get("/query", params={"name": "evidence-of", "query": text, "param.entity": fact, "limit": "100"})
    assert page.status_code == 200
    quotes = [row[whole.variables.index("quote")].value for row in whole.rows]  # type: ignore[union-attr]
    shown = [row[whole.variables.index("quote")] for row in table(page.text)]
    assert shown == quotes and quotes
