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
    data = json.loads(result.output)
    assert data["missing_labels"] == [] and data["without_evidence"] == []
    assert data["coverage"]["missing"] == []
    assert data["coverage"]["totals"]["figure"]["in_text"] == 44
    text = CliRunner().invoke(app, ["stats"]).output
    assert "figures: 44 in text" in text and "(100.0% covered)" in text
