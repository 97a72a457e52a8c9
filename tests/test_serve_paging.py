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

from kg.query import connect, shipped_query
from kg.serve.background import serving


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


def test_bad_paging_parameters_are_a_clear_400(client: httpx.Client) -> None:
    bad = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p ?o }", "limit": "ten"})
    assert bad.status_code == 400 and "whole numbers" in bad.text
    ask = client.get("/query", params={"query": "ASK { ?s ?p ?o }", "limit": "10"})
    assert ask.status_code == 400 and "page the solutions of a SELECT" in ask.text
