"""``/cite`` on a real ``kg serve`` over loopback: the same citation ``kg cite`` prints, and one-line refusals.

The fact cited: the Jiangsu measure on compulsory similar-case search (see tests/test_cite.py), stated in
the seed at code points 2167–2205, in the article by 周斌 and 董凡超 (法制网, 2020-08-28).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.serve.background import serving

MEASURE = "https://w3id.org/zhengfa-kg/id/measure-jiangsu-mandatory-similar-case-search"
SOURCE = "https://w3id.org/zhengfa-kg/id/doc-c6000f12c74fa8d8"
TITLE_ZH = "政法领域全面深化改革推进视频会发言摘登——加快构建规范高效的执法司法制约监督体系"


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[str]:
    with serving(store_path) as url:
        yield url


def get(server: str, **params: str) -> httpx.Response:
    return httpx.get(server + "/cite", params=params, timeout=30)


@pytest.mark.parametrize("style", ["gb7714", "apa"])
def test_cite_answers_what_kg_cite_prints(server: str, store_path: Path, style: str) -> None:
    printed = CliRunner().invoke(
        app, ["cite", "zfr:measure-jiangsu-mandatory-similar-case-search", "--style", style, "--store", str(store_path)]
    )
    assert printed.exit_code == 0, printed.output
    served = get(server, iri=MEASURE, style=style)  # no lang: the style's own, as kg cite chooses
    assert served.status_code == 200
    assert served.headers["content-type"] == "text/plain; charset=utf-8"
    assert served.text == printed.output


def test_cite_gb7714_line_written_by_hand(server: str) -> None:
    # GB/T 7714-2015 electronic newspaper article: 主要责任者. 题名[N/OL]. 报纸名, 出版日期[引用日期]. 获取和访问路径.
    today = date.today().isoformat()
    text = get(server, iri=MEASURE, style="gb7714", lang="zh").text
    assert f"[1]周斌, 董凡超. {TITLE_ZH}[N/OL]. 法制网, 2020-08-28[{today}]. {SOURCE}." in text.splitlines()


def test_cite_csl_json_is_json(server: str) -> None:
    answer = get(server, iri=MEASURE, style="csl-json")
    assert answer.headers["content-type"] == "application/json; charset=utf-8"
    items = answer.json()
    assert [item["type"] for item in items] == ["article-newspaper", "dataset"]
    assert items[1]["URL"] == MEASURE
    assert json.loads(get(server, iri=MEASURE, style="csl-json", lang="zh").text)[0]["author"] == [
        {"literal": "周斌"},
        {"literal": "董凡超"},
    ]


@pytest.mark.parametrize(
    ("params", "status", "line"),
    [
        ({"iri": MEASURE, "style": "mla"}, 400, "unknown citation style 'mla': choose one of gb7714, "),
        ({"iri": MEASURE, "lang": "fr"}, 400, "unknown language 'fr': choose zh or en"),
        ({"iri": "not an iri"}, 400, "give the entity's absolute IRI"),
        ({}, 400, "give the entity's absolute IRI"),
        ({"iri": "https://w3id.org/zhengfa-kg/id/no-such-thing"}, 404, "no labelled entity "),
    ],
)
def test_cite_refuses_in_one_line(server: str, params: dict[str, str], status: int, line: str) -> None:
    answer = get(server, **params)
    assert answer.status_code == status
    assert answer.text.startswith(line) and answer.text.count("\n") == 1


def test_the_served_graph_links_under_the_root_path(store_path: Path) -> None:
    """Behind a proxy under /kg, the graph panel's links, quotes, compare cells and /cite carry the prefix."""
    import re

    measure = "measure-jiangsu-mandatory-similar-case-search"
    with serving(store_path, ["--root-path", "/kg"]) as url:
        page = httpx.get(
            url + "/kg/graph/view", params={"focus": "https://w3id.org/zhengfa-kg/id/" + measure}, timeout=60
        ).text
        cited = httpx.get(url + "/kg/cite", params={"iri": MEASURE, "style": "apa"}, timeout=30)
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.S)
    assert found is not None
    data = json.loads(found.group(1))
    assert data["meta"]["links"]["cite"] == "/kg/cite"
    node = next(n for n in data["nodes"] if n["id"] == MEASURE)
    assert node["href"] == f"/kg/id/{measure}"
    assert [e["href"] for e in node["info"]["evidence"]] == [
        "/kg/source/doc-c6000f12c74fa8d8?start=2167&end=2205#quote"
    ]
    assert [cell[2] for cell in node["compare"]] == [
        "/kg/compare?by=category&across=province&row=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fcat-uniform-standards"
        "&column=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fprovince-jiangsu#cell"
    ]
    assert cited.status_code == 200 and cited.text.startswith("Issuing operating rules")
