"""SHACL and the provenance check: valid examples conform, each invalid example is caught by its rule."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rdflib import BNode, Graph, Literal, URIRef
from typer.testing import CliRunner

import kg.validate
from kg.cli import app
from kg.namespaces import OA, RDF, SH, ZF
from kg.sources import load_sources, source_files
from kg.validate import batched_shapes, shacl_violations, shapes_graph, validate
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
    assert json.loads(ok.stdout)["conforms"] is True

    bad = runner.invoke(app, ["validate", "--format", "json", "-i", str(EXAMPLES / "invalid" / "broken-quote.ttl")])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["conforms"] is False
    assert {v["rule"] for v in data["violations"]} == {"evidence-quote"}

    usage = runner.invoke(app, ["validate", "--format", "yaml"])
    assert usage.exit_code == 2


def _mutate(graph: Graph, count: int, seed: int) -> None:
    """Break the graph at random, the same way every time: drop, duplicate, retype and relink values."""
    rng = random.Random(seed)
    triples = sorted(graph)
    subjects = sorted({s for s, _, _ in triples})
    predicates = sorted({p for _, p, _ in triples})
    classes = sorted({o for _, p, o in triples if p == RDF.type})
    # Offsets stay literals: a node there stops validation before pySHACL runs (uncomparable_values),
    # which would leave nothing to compare.
    offsets = {OA.start, OA.end, ZF.startOffset, ZF.endOffset}
    for i in range(count):
        s, p, o = rng.choice(triples)
        kind = rng.randrange(7)
        if kind == 0:
            graph.remove((s, p, o))
        elif kind == 1:
            graph.add((s, p, Literal(f"extra {i}")))
        elif kind == 2 and isinstance(o, Literal):
            graph.remove((s, p, o))
            graph.add((s, p, Literal(str(o))))
        elif kind == 3 and p not in offsets:
            graph.add((s, p, rng.choice(subjects)))
        elif kind == 4 and p not in offsets:
            graph.add((s, p, BNode()))
        elif kind == 5 and (rng.choice(predicates) not in offsets or not isinstance(o, BNode)):
            graph.add((s, rng.choice(predicates), o))
        elif kind == 6:
            graph.add((rng.choice(subjects), RDF.type, rng.choice(classes)))
    for s, p, o in list(graph):
        if p in offsets and isinstance(o, BNode):
            graph.remove((s, p, o))


def test_batched_shapes_report_exactly_what_the_shapes_as_written_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """`batched_shapes` only changes how pySHACL walks the shapes: every result, message and file stays."""
    loaded = load_sources(source_files(sorted(EXAMPLES.glob("*/*.ttl"))))
    _mutate(loaded.graph, 400, seed=8)
    shapes = shapes_graph()
    batched = shacl_violations(loaded, shapes)
    monkeypatch.setattr(kg.validate, "batched_shapes", lambda shapes: shapes)
    as_written = shacl_violations(loaded, shapes)
    assert len(as_written) > 100
    assert len({v.rule for v in as_written}) > 20
    assert batched == as_written


def test_every_shipped_property_shape_is_batched() -> None:
    """No shipped property shape is left for pySHACL to validate once per focus node (the slow way)."""
    shapes = shapes_graph()
    batched = batched_shapes(shapes)
    assert set(shapes.objects(None, SH.property))
    assert not set(batched.objects(None, SH.property))
    targets = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf)
    for node_shape, prop_shape in shapes.subject_objects(SH.property):  # each takes its node shape's targets
        for p in targets:
            assert set(batched.objects(prop_shape, p)) == set(shapes.objects(node_shape, p))
    moved = set(shapes.subject_objects(SH.property))
    added = sum(len(set(shapes.objects(node_shape, p))) for node_shape, _ in moved for p in targets)
    assert len(batched) == len(shapes) - len(moved) + added


def test_a_node_shape_that_other_shapes_use_keeps_its_property_shapes() -> None:
    zfs = "https://w3id.org/zhengfa-kg/shapes/"
    shapes = Graph().parse(
        data=f"""
        @prefix sh: <http://www.w3.org/ns/shacl#> .
        @prefix zf: <https://w3id.org/zhengfa-kg/def/> .
        <{zfs}Used> sh:targetClass zf:Organ ; sh:property [ sh:path zf:a ; sh:minCount 1 ] .
        <{zfs}User> sh:targetClass zf:Measure ; sh:property [ sh:path zf:adoptedBy ; sh:node <{zfs}Used> ] .
        <{zfs}Off> sh:targetClass zf:Organ ; sh:deactivated true ; sh:property [ sh:path zf:b ; sh:minCount 1 ] .
        <{zfs}Own> sh:targetClass zf:Organ ; sh:property [ sh:path zf:c ; sh:minCount 1 ; sh:targetNode zf:X ] .
        """,
        format="turtle",
    )
    batched = batched_shapes(shapes)
    kept = {s for s, _ in batched.subject_objects(SH.property)}
    assert kept == {URIRef(zfs + n) for n in ("Used", "Off", "Own")}
    assert len(batched) == len(shapes)  # only User's property shape moved: one triple out, one in


def test_an_offset_that_is_not_a_literal_is_reported_not_raised(tmp_path: Path) -> None:
    """pySHACL raises on sh:lessThan over a blank node or IRI; kg validate reports the value instead."""
    source = (EXAMPLES / "invalid" / "negative-offset.ttl").read_text(encoding="utf-8")
    broken = tmp_path / "iri-offset.ttl"
    broken.write_text(source.replace("oa:start -3", "oa:start zfr:somewhere"), encoding="utf-8")
    report = validate([broken])
    assert not report.conforms
    shacl = [v for v in report.violations if "LessThan" in v.rule]
    assert [(v.focus, v.path, v.value, v.files) for v in shacl] == [
        ("zfr:ev-example-1 › oa:hasSelector", "oa:start", "zfr:somewhere", (str(broken),))
    ]
    quote = [v for v in report.violations if v.rule == "evidence-quote"]
    assert [v.message for v in quote] == ["offsets are not integers: https://w3id.org/zhengfa-kg/id/somewhere, 759"]
