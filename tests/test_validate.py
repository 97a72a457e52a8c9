"""SHACL and the provenance check: valid examples conform, each invalid example is caught by its rule."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.namespaces import OA, RDF, ZF
from kg.validate import validate
from tests.conftest import SEED_TEXT

EXAMPLES = Path(__file__).parent / "shacl"
VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))


def expectation(path: Path) -> tuple[str, str]:
    """The `# expect: FOCUS | RULE` line of an invalid example."""
    line = next(x for x in path.read_text(encoding="utf-8").splitlines() if x.startswith("# expect:"))
    focus, rule = (part.strip() for part in line.removeprefix("# expect:").split("|"))
    return focus, rule


def test_shipped_graph_conforms() -> None:
    report = validate()
    assert report.conforms, report.to_text()
    assert report.violations == []


@pytest.mark.parametrize("example", VALID, ids=lambda p: p.name)
def test_valid_example_conforms(example: Path) -> None:
    report = validate([example])
    assert report.conforms, report.to_text()


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.name)
def test_invalid_example_is_caught_by_its_rule(example: Path) -> None:
    focus, rule = expectation(example)
    report = validate([example])
    assert not report.conforms
    hits = [v for v in report.violations if v.focus == focus and rule in v.rule]
    assert hits, report.to_text()
    assert all(str(example) in v.files for v in hits)


def test_every_evidence_quote_equals_the_seed_at_its_offsets(seed_graph: Graph) -> None:
    """Independent of kg.evidence: slice the seed text at every evidence node's offsets."""
    text = SEED_TEXT.read_text(encoding="utf-8")
    evidence = list(seed_graph.subjects(RDF.type, ZF.Evidence))
    assert evidence
    for ev in evidence:
        quote = next(
            s for s in seed_graph.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextQuoteSelector) in seed_graph
        )
        position = next(
            s for s in seed_graph.objects(ev, OA.hasSelector) if (s, RDF.type, OA.TextPositionSelector) in seed_graph
        )
        start, end = int(seed_graph.value(position, OA.start)), int(seed_graph.value(position, OA.end))
        exact = str(seed_graph.value(quote, OA.exact))
        assert text[start:end] == exact, ev
        assert text[start:end].encode("utf-8") == exact.encode("utf-8")
        prefix, suffix = seed_graph.value(quote, OA.prefix), seed_graph.value(quote, OA.suffix)
        assert prefix is None or text[:start].endswith(str(prefix)), ev
        assert suffix is None or text[end:].startswith(str(suffix)), ev


def test_cli_validate_exit_codes_and_json() -> None:
    runner = CliRunner()
    ok = runner.invoke(app, ["validate", "--format", "json"])
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["conforms"] is True

    bad = runner.invoke(app, ["validate", "--format", "json", "-i", str(EXAMPLES / "invalid" / "broken-quote.ttl")])
    assert bad.exit_code == 1
    data = json.loads(bad.output)
    assert data["conforms"] is False
    assert {v["rule"] for v in data["violations"]} == {"evidence-quote"}

    usage = runner.invoke(app, ["validate", "--format", "yaml"])
    assert usage.exit_code == 2
