"""The SPARQL checks (kg.conformance) against pySHACL, the reference.

Validation answers from the store when the checks prove that the shapes hold, and from pySHACL otherwise.
So the store's answer must never differ from pySHACL's: these tests compare them on the shipped graph, on
every example of tests/shacl, and on seeded random mutations of the seed graph, and check that the fast
path is taken where the graph conforms (or only fails the quote check), that an untranslated shapes feature
falls back to pySHACL, and that a conforming build does not import pySHACL at all.
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph

from kg.conformance import Unsupported, compile_shapes, literals_read_alike
from kg.errors import KGError
from kg.sources import loaded_from, parse_sources, read_sources, source_files
from kg.validate import (
    SourcesValidation,
    ValidationReport,
    _validate_on_store,
    shapes_graph,
    validate_loaded,
    validate_parsed,
)

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "tests" / "shacl"
VALID = sorted((EXAMPLES / "valid").glob("*.ttl"))
INVALID = sorted((EXAMPLES / "invalid").glob("*.ttl"))
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")

Parsed = list[tuple[Path, list[ox.Triple]]]


def ntriples(parsed: Parsed) -> bytes:
    return b"".join(ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"" for _path, triples in parsed)


def outcome(run: object) -> ValidationReport | str:
    """A report, or the error a curator would see."""
    try:
        return run()  # type: ignore[operator, no-any-return]
    except KGError as exc:
        return f"{type(exc).__name__}: {exc}"


def compare(parsed: Parsed) -> tuple[ValidationReport | str | None, ValidationReport | str]:
    """(the store's answer, or None where it leaves the graph to pySHACL; pySHACL's answer)."""
    fast = outcome(lambda: _validate_on_store(parsed, ntriples(parsed), None))
    reference = outcome(lambda: validate_loaded(loaded_from(parsed)))
    if isinstance(fast, ValidationReport) and isinstance(reference, ValidationReport):
        assert fast.violations == reference.violations
        assert fast.checked_evidence == reference.checked_evidence
    elif fast is not None:
        assert fast == reference
    return fast, reference


def test_shipped_graph_is_proved_conforming_by_the_checks() -> None:
    fast, reference = compare(parse_sources(source_files()))
    assert isinstance(fast, ValidationReport) and fast.conforms and fast.violations == []
    assert isinstance(reference, ValidationReport) and reference.checked_evidence == fast.checked_evidence == 240


@pytest.mark.parametrize("example", VALID, ids=lambda p: p.name)
def test_valid_example_is_proved_conforming(example: Path) -> None:
    fast, _reference = compare(parse_sources(source_files([example])))
    assert isinstance(fast, ValidationReport) and fast.conforms


@pytest.mark.parametrize("example", INVALID, ids=lambda p: p.name)
def test_invalid_example_gets_pyshacls_report(example: Path) -> None:
    parsed = parse_sources(source_files([example]))
    fast, reference = compare(parsed)
    assert isinstance(reference, ValidationReport) and not reference.conforms
    final = validate_parsed(parsed)
    assert final.violations == reference.violations
    # The quote-only failures are answered from the store; a SHACL failure leaves the report to pySHACL.
    quote_only = all(v.rule == "evidence-quote" for v in reference.violations)
    assert (fast is not None) == quote_only, example.name


def build_report(files: list[Path]) -> tuple[ValidationReport, int]:
    """What `kg build` reports: the store part on its thread, loaded from the source files themselves;
    and the triples its in-memory store counted for void.ttl."""
    sources = read_sources(files)
    with SourcesValidation(sources, None, then=len) as checking:
        parsed = parse_sources(sources)
        return checking.report(parsed, ntriples(parsed)), checking.counted()


@pytest.mark.parametrize("example", [*VALID, *INVALID], ids=lambda p: p.name)
def test_the_build_validating_beside_its_exports_reports_what_validate_parsed_does(example: Path) -> None:
    files = source_files([example])
    parsed = parse_sources(files)
    expected = validate_parsed(parsed)
    report, triples = build_report(files)
    assert report.violations == expected.violations
    assert report.checked_evidence == expected.checked_evidence
    assert triples == len({t for _path, ts in parsed for t in ts})  # every triple once, blank nodes of two files apart


# --- seeded random mutations of the seed graph -------------------------------------------------------


def _literal(value: str, datatype: str | None = None, language: str | None = None) -> ox.Literal:
    if language:
        return ox.Literal(value, language=language)
    return ox.Literal(value, datatype=ox.NamedNode(datatype or XSD + "string"))


def mutate(parsed: Parsed, seed: int) -> tuple[Parsed, str]:
    """The seed graph with one random change of a kind a curator could make, and what the change was."""
    rng = random.Random(seed)
    files = [(path, list(triples)) for path, triples in parsed]
    path, triples = rng.choice([f for f in files if len(f[1]) > 50])
    subjects = sorted({t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}, key=str)
    classes = sorted({t.object for t in triples if t.predicate == RDF_TYPE}, key=str)
    kind = ["drop", "datatype", "language", "retype", "wrong-object", "second-value", "lexical"][seed % 7]
    has = {
        "datatype": any(isinstance(t.object, ox.Literal) and not t.object.language for t in triples),
        "language": any(isinstance(t.object, ox.Literal) and t.object.language for t in triples),
        "retype": bool(classes),
        "wrong-object": bool(subjects)
        and any(isinstance(t.object, ox.NamedNode) and t.predicate != RDF_TYPE for t in triples),
    }
    if not has.get(kind, has["datatype"] if kind == "lexical" else True):
        kind = "drop"  # nothing of that kind in this file
    i = rng.randrange(len(triples))
    s, p, o = triples[i]
    if kind == "drop":
        del triples[i]
    elif kind in ("datatype", "lexical"):
        literals = [j for j, t in enumerate(triples) if isinstance(t.object, ox.Literal) and not t.object.language]
        i = rng.choice(literals)
        s, p, o = triples[i]
        assert isinstance(o, ox.Literal)
        if kind == "datatype":
            datatype = rng.choice(["integer", "decimal", "date", "dateTime", "string", "boolean"])
            new: ox.Literal = _literal(o.value, XSD + datatype)
        else:
            value = rng.choice(["+05", "1.20", "abc", "2024-02-30", "007", "1", " 7"])
            new = _literal(value, o.datatype.value)
        triples[i] = ox.Triple(s, p, new)
    elif kind == "language":
        tagged = [j for j, t in enumerate(triples) if isinstance(t.object, ox.Literal) and t.object.language]
        i = rng.choice(tagged)
        s, p, o = triples[i]
        assert isinstance(o, ox.Literal)
        triples[i] = ox.Triple(s, p, _literal(o.value, language=rng.choice(["zh", "en", "fr", "zh-cn"])))
    elif kind == "retype":
        typed = [j for j, t in enumerate(triples) if t.predicate == RDF_TYPE]
        i = rng.choice(typed)
        s, p, _o = triples[i]
        triples[i] = ox.Triple(s, p, rng.choice(classes))
    elif kind == "wrong-object":
        linked = [j for j, t in enumerate(triples) if isinstance(t.object, ox.NamedNode) and t.predicate != RDF_TYPE]
        i = rng.choice(linked)
        s, p, _o = triples[i]
        triples[i] = ox.Triple(s, p, rng.choice(subjects))
    else:  # a second value for a predicate
        k = rng.randrange(len(triples))
        other = triples[k].object
        if isinstance(other, ox.Literal) and rng.random() < 0.5:
            other = _literal(
                other.value + "x", language=other.language, datatype=None if other.language else other.datatype.value
            )
        triples.append(ox.Triple(s, p, other))
    return [(f, triples if f == path else t) for f, t in files], f"{kind} in {path.name} at {s} {p}"


@pytest.fixture(scope="module")
def seed_parsed() -> Parsed:
    return parse_sources(source_files())


@pytest.mark.parametrize("seed", range(42))
def test_store_answer_equals_pyshacl_on_a_mutated_seed_graph(seed_parsed: Parsed, seed: int) -> None:
    mutated, what = mutate(seed_parsed, seed)
    fast, reference = compare(mutated)
    if fast is not None:  # the checks proved the shapes hold: so must pySHACL find
        assert not isinstance(reference, ValidationReport) or all(
            v.rule == "evidence-quote" for v in reference.violations
        ), what


def test_mutations_reach_both_paths(seed_parsed: Parsed) -> None:
    """The mutations above are not all alike: some break a shape, some only a quote, some nothing."""
    answers = [compare(mutate(seed_parsed, seed)[0]) for seed in range(0, 42, 3)]
    assert any(fast is None for fast, _ in answers)
    assert any(isinstance(fast, ValidationReport) and fast.conforms for fast, _ in answers)
    assert any(isinstance(ref, ValidationReport) and not ref.conforms for _, ref in answers)


def test_a_changed_quote_is_reported_from_the_store(seed_parsed: Parsed) -> None:
    exact = ox.NamedNode("http://www.w3.org/ns/oa#exact")
    files = []
    changed = None
    for path, triples in seed_parsed:
        new = list(triples)
        for i, t in enumerate(new):
            if changed is None and t.predicate == exact:
                assert isinstance(t.object, ox.Literal)
                new[i] = ox.Triple(t.subject, t.predicate, _literal(t.object.value + "了"))
                changed = (path, t.subject)
        files.append((path, new))
    fast, _reference = compare(files)
    assert isinstance(fast, ValidationReport) and len(fast.violations) == 1
    (violation,) = fast.violations
    assert violation.rule == "evidence-quote" and "quote differs from the source" in violation.message
    assert changed is not None and str(changed[0]) in violation.files


# --- literals Oxigraph stores in canonical form -------------------------------------------------------


def test_literals_kept_as_written_need_no_second_look() -> None:
    checks = compile_shapes(shapes_graph())
    line = b'<urn:a> <urn:b> "5"^^<' + XSD.encode() + b"integer> .\n"
    assert literals_read_alike(line, checks)


def test_a_canonicalised_literal_is_fine_where_no_constraint_reads_its_lexical_form() -> None:
    checks = compile_shapes(shapes_graph())
    value = b'<urn:a> <https://w3id.org/zhengfa-kg/def/value> "1.20"^^<' + XSD.encode() + b"decimal> .\n"
    assert literals_read_alike(value, checks)


def test_a_canonicalised_literal_on_a_lexical_path_or_two_merged_literals_go_to_pyshacl() -> None:
    checks = compile_shapes(shapes_graph())
    boolean = b'<urn:a> <https://w3id.org/zhengfa-kg/def/curatorSupplied> "1"^^<' + XSD.encode() + b"boolean> .\n"
    assert not literals_read_alike(boolean, checks)  # sh:hasValue true: rdflib keeps "1", not "true"
    merged = b"".join(b'<urn:a> <urn:b> "%s"^^<%sdecimal> .\n' % (v, XSD.encode()) for v in (b"1.2", b"1.20"))
    assert not literals_read_alike(merged, checks)  # two values to rdflib, one to the store


def test_a_non_canonical_boolean_gets_pyshacls_answer(tmp_path: Path) -> None:
    """``"1"^^xsd:boolean`` is stored as ``true``; sh:hasValue compares terms, so the checks leave it to pySHACL."""
    source = (ROOT / "tests" / "shacl" / "valid" / "curator-supplied-mechanism.ttl").read_text(encoding="utf-8")
    assert "zf:curatorSupplied true" in source
    changed = tmp_path / "one.ttl"
    changed.write_text(
        source.replace("zf:curatorSupplied true", 'zf:curatorSupplied "1"^^xsd:boolean'), encoding="utf-8"
    )
    parsed = parse_sources(source_files([changed]))
    fast, reference = compare(parsed)
    assert fast is None  # the checks cannot tell: pySHACL answers (rdflib reads "1" as true, so it conforms)
    assert isinstance(reference, ValidationReport) and reference.conforms
    assert validate_parsed(parsed).violations == reference.violations == []
    report, _triples = build_report(source_files([changed]))
    assert report.violations == [] and report.checked_evidence == reference.checked_evidence


# --- shapes the compiler does not translate ------------------------------------------------------------

SH = "@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <http://example.org/> .\n"


@pytest.mark.parametrize(
    "shape",
    [
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:closed true .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ( ex:p ex:q ) ; sh:minCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:property [ sh:path ex:p ; sh:maxLength 3 ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:deactivated true ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:C a <http://www.w3.org/2000/01/rdf-schema#Class> , sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .",
        "ex:S a sh:NodeShape ; sh:targetClass ex:C ; sh:sparql [ sh:select 'SELECT $this WHERE {}' ] .",
    ],
)
def test_an_untranslated_shapes_feature_is_refused(shape: str) -> None:
    graph = Graph().parse(data=SH + shape, format="turtle")
    with pytest.raises(Unsupported):
        compile_shapes(graph)


def _project_with_extra_shape(tmp_path: Path, shape: str) -> Path:
    home = tmp_path / "home"
    shutil.copytree(ROOT / "ontology", home / "ontology")
    shutil.copytree(ROOT / "seeds", home / "seeds")
    with (home / "ontology" / "shapes.ttl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + shape + "\n")
    return home


def _build_in_child(home: Path, out: Path) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from kg.build import build\n"
        "from kg.errors import ValidationFailed\n"
        "try:\n"
        f"    result = build(out_dir=Path({str(out)!r}))\n"
        "    print('conforms', result.report.conforms)\n"
        "except ValidationFailed as exc:\n"
        "    print('failed', exc)\n"
        "print('pyshacl imported', 'pyshacl' in sys.modules, 'rdflib graph', 'pyshacl.validate' in sys.modules)\n"
    )
    env = {**os.environ, "KG_HOME": str(home), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)


def test_building_the_seed_graph_does_not_import_pyshacl(tmp_path: Path) -> None:
    home = _project_with_extra_shape(tmp_path, "")
    done = _build_in_child(home, tmp_path / "dist")
    assert "conforms True" in done.stdout
    assert "pyshacl imported False" in done.stdout, done.stdout


def test_an_untranslated_feature_falls_back_to_pyshacl_with_its_report(tmp_path: Path) -> None:
    # sh:maxLength is not translated: pySHACL validates, and its result is the report.
    home = _project_with_extra_shape(
        tmp_path,
        "zfs:CodeLengthShape a sh:NodeShape ; sh:targetClass zf:Province ;\n"
        "    sh:property [ sh:path zf:divisionCode ; sh:maxLength 5 ] .",
    )
    done = _build_in_child(home, tmp_path / "dist")
    assert "pyshacl imported True" in done.stdout
    assert "failed" in done.stdout and "zfs:CodeLengthShape / MaxLengthConstraintComponent" in done.stdout
    assert not (tmp_path / "dist" / "graph.ttl").exists()
