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
