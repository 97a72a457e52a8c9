"""Corpus coverage: every figure, quoted term and title of the text is in the graph or excluded with a reason."""

from __future__ import annotations

import json

from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.corpus import load_corpus
from kg.coverage import coverage, read_exclusions, scan_text


def test_scanner_finds_each_kind() -> None:
    text = "结收案比同比上升1.15个百分点,2019年达90%以上,“案—件比”从1:2.08优化,连续8年,《关于贯彻<条例>的意见》"
    items = scan_text(text, 0, len(text), "part")
    found = [(i.kind, i.text, i.value) for i in items]
    assert found == [
        ("figure", "1.15个百分点", "1.15"),
        ("figure", "90%", "90"),
        ("term", "“案—件比”", "案—件比"),
        ("figure", "1:2.08", "2.08"),
        ("figure", "8年", "8"),
        ("title", "《关于贯彻<条例>的意见》", "关于贯彻<条例>的意见"),
    ]
    assert all(text[i.start : i.end] == i.text for i in items)


def test_seed_is_fully_covered(seed_graph: Graph) -> None:
    result = coverage(seed_graph, load_corpus(seed_graph))
    assert result.missing == [], [i.text for i in result.missing]
    totals = result.totals()
    assert {kind: t["in_text"] for kind, t in totals.items()} == {"figure": 44, "term": 32, "title": 3}
    assert totals["title"]["in_graph"] == 3


def test_every_exclusion_has_a_reason_and_is_used(seed_graph: Graph) -> None:
    exclusions = read_exclusions()
    assert all(reason for reason in exclusions.values())
    used = {item.key() for item in coverage(seed_graph, load_corpus(seed_graph)).excluded}
    assert set(exclusions) == used, "stale exclusions: remove the rows the graph no longer needs"


def test_stats_reports_coverage() -> None:
    result = CliRunner().invoke(app, ["stats", "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["missing_labels"] == [] and data["without_evidence"] == []
    assert data["coverage"]["missing"] == []
    assert data["coverage"]["totals"]["figure"]["in_text"] == 44
    text = CliRunner().invoke(app, ["stats"]).output
    assert "figures: 44 in text" in text and "(100.0% covered)" in text


def test_the_coverage_counts_agree_with_a_count_by_hand() -> None:
    """44 figures, 32 quoted terms, 3 titles: counted here from the seed, not by the project's scanner.

    The figures were read off the text of the editor's note and the five speeches (from 编者按 to the
    page footer 视频推荐) and typed in below; the test checks that each is there as many times as listed,
    and that a plain regex over the same span finds no other number with a unit.
    """
    import re

    from tests.conftest import SEED_TEXT

    seed = SEED_TEXT.read_text(encoding="utf-8")
    body = seed[seed.index("编者按") : seed.index("视频推荐")]
    percentages = ["90%", "84.73%", "86.56%", "8.57%", "3.86%", "92.59%", "99.15%", "65.22%"]
    percentages += ["99.05%", "97.31%", "30%", "50%", "23.8%", "23.12%", "49.4%", "98.85%"]
    ratios = ["1:2.08", "1:1.20"]  # "刑事“案—件比”从去年的1:2.08优化至1:1.20"
    counts = ["26项", "12项", "17项", "1.15个百分点", "12项", "11项", "24种", "24种", "67个", "37个", "8年"]
    counts += ["173件", "5个", "436个", "93个", "15类", "1100起", "952个", "8大类", "226种", "10类", "5项"]
    counts += ["14项", "103项", "8项", "7级"]
    by_hand = percentages + ratios + counts
    assert len(by_hand) == 16 + 2 + 26 == 44
    for figure in set(by_hand):
        occurrences = len(re.findall(rf"(?<![\d.:]){re.escape(figure)}", body))
        assert occurrences == by_hand.count(figure), figure
    # Nothing else: every number followed by % or a unit, less the years (2019年 is a date, not a figure).
    units = "个百分点|大类|项|件|个|起|种|类|人|万|年|名|家|条|次|级|倍"
    numbers = re.findall(rf"(?<![\d.:])\d+(?:\.\d+)?(?:%|{units})|\d+:\d+(?:\.\d+)?", body)
    assert len([n for n in numbers if not re.fullmatch(r"(19|20)\d\d年", n)]) == 44
    assert len(re.findall(r"“[^”]+”", body)) == 32
    assert re.findall(r"《(?:[^《》]|《[^《》]*》)+》", body) == [
        "《关于贯彻<中国共产党政法工作条例>扎实做好新时代政法工作的意见》",
        "《刑事案件基本证据要求》",
        "《现场执法执勤处置规范》",
    ]
