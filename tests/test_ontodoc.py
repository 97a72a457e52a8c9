"""`kg docs`: the ontology reference, on a small hand-written ontology and on the project's own Turtle."""

from __future__ import annotations

import re
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, SKOS
from typer.testing import CliRunner

from kg.cli import app
from kg.namespaces import curie
from kg.ontodoc import ontology_markdown
from kg.project import ontology_dir

PREFIXES = """\
@prefix zf: <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr: <https://w3id.org/zhengfa-kg/id/> .
@prefix zfs: <https://w3id.org/zhengfa-kg/shapes/> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
"""

ONTOLOGY = """
<https://w3id.org/zhengfa-kg/def> a owl:Ontology ;
    rdfs:label "测试本体"@zh , "Test ontology"@en ;
    skos:definition "测试用的本体。"@zh , "An ontology for tests."@en ;
    owl:versionIRI <https://w3id.org/zhengfa-kg/def/9.9> ;
    owl:versionInfo "9.9" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcterms:created "2026-01-02"^^xsd:date .
zf:Measure a owl:Class ; rdfs:subClassOf prov:Entity ;
    rdfs:label "举措"@zh , "measure"@en ; skos:definition "一项做法。"@zh , "A step | taken."@en .
zf:Unit a owl:Class ; rdfs:label "单位"@zh , "unit"@en .
zf:Percent a zf:Unit ; rdfs:label "百分比"@zh , "percent"@en .
zf:unit a owl:ObjectProperty , owl:FunctionalProperty ; rdfs:domain zf:Measure ; rdfs:range zf:Unit ;
    rdfs:label "单位"@zh , "unit"@en .
zf:before a owl:ObjectProperty ; owl:inverseOf zf:after ; rdfs:label "前"@zh , "before"@en .
zf:after a owl:ObjectProperty ; rdfs:label "后"@zh , "after"@en .
zf:note a owl:DatatypeProperty ; rdfs:range xsd:string ; rdfs:label "注"@zh , "note"@en .
"""

TAXONOMY = """
zfr:scheme a skos:ConceptScheme ; skos:prefLabel "分类"@zh , "Scheme"@en ; skos:definition "Kinds of things."@en .
zfr:facet a skos:ConceptScheme ; skos:prefLabel "分面"@zh , "Facet"@en .
zfr:cat-b a skos:Concept ; skos:inScheme zfr:scheme ; skos:notation "10" ; skos:prefLabel "乙类"@zh , "Category B"@en .
zfr:cat-a a skos:Concept ; skos:inScheme zfr:scheme ; skos:notation "2" ; skos:prefLabel "甲类"@zh , "Category A"@en .
zfr:mech-x a skos:Concept ; skos:inScheme zfr:scheme ; skos:broader zfr:cat-a ;
    skos:prefLabel "机制X"@zh , "Mechanism X"@en ; skos:altLabel "别名一"@zh , "别名二"@zh .
zfr:mech-y a skos:Concept ; skos:inScheme zfr:scheme ; skos:broader zfr:mech-x ;
    skos:prefLabel "机制Y"@zh , "Mechanism Y"@en .
zfr:mech-lost a skos:Concept ; skos:inScheme zfr:scheme ; skos:broader zfr:not-in-taxonomy ;
    skos:prefLabel "孤立"@zh , "Orphan"@en .
zfr:rel-a a skos:Concept ; skos:inScheme zfr:facet ; skos:prefLabel "关系"@zh , "Relation"@en .
zfr:loop-1 a skos:Concept ; skos:inScheme zfr:scheme ; skos:broader zfr:loop-2 ; skos:prefLabel "环一"@zh , "Loop 1"@en .
zfr:loop-2 a skos:Concept ; skos:inScheme zfr:scheme ; skos:broader zfr:loop-1 ; skos:prefLabel "环二"@zh , "Loop 2"@en .
zfr:stray a skos:Concept ; skos:prefLabel "散"@zh , "Stray"@en .
"""

SHAPES = """
zfs:MeasureShape a sh:NodeShape ; rdfs:comment "A measure has one unit." ; sh:targetClass zf:Measure ;
    sh:property [ sh:path zf:unit ; sh:minCount 1 ; sh:maxCount 1 ; sh:class zf:Unit ; sh:message "needs a unit" ] ;
    sh:property [ sh:path zf:note ; sh:maxCount 2 ; sh:pattern "^a|b$" ] ;
    sh:property [ sh:path zf:after ; sh:in ( zf:Percent zf:Measure ) ] ;
    sh:or ( [ sh:path zf:before ; sh:minCount 1 ] [ sh:not [ sh:path zf:unit ; sh:hasValue zf:Percent ] ] ) .
zfs:LabelShape a sh:NodeShape ; rdfs:comment "Two labels." ; sh:targetClass zf:Measure , zf:Unit , owl:Class ;
    sh:property [ sh:path rdfs:label ; sh:minCount 2 ; sh:maxCount 2 ; sh:uniqueLang true ; sh:languageIn ( "zh" "en" ) ] .
zfs:NoDraftShape a sh:NodeShape ; rdfs:comment "No drafts." ; sh:targetSubjectsOf zf:before ;
    sh:property [ sh:path zf:before ; sh:not [ sh:hasValue zf:Percent ] ; sh:message "not a percent" ] .
zfs:QuoteShape a sh:NodeShape ; sh:targetClass prov:Entity ;
    sh:property [ sh:path prov:value ; sh:minCount 1 ; sh:datatype xsd:string ; sh:minLength 1 ] .
"""


def _fixture(tmp_path: Path) -> str:
    for name, body in (("zhengfa.ttl", ONTOLOGY), ("taxonomy.ttl", TAXONOMY), ("shapes.ttl", SHAPES)):
        (tmp_path / name).write_text(PREFIXES + body, encoding="utf-8")
    return ontology_markdown(tmp_path)


def _section(text: str, heading: str) -> list[str]:
    """The lines under a heading up to the next heading of the same or a higher level."""
    level = heading.split(" ", 1)[0]
    lines = text.splitlines()
    start = lines.index(heading) + 1
    end = next(
        (i for i in range(start, len(lines)) if re.match(rf"#{{1,{len(level)}}} ", lines[i])),
        len(lines),
    )
    return [line for line in lines[start:end] if line]


def test_metadata_table_follows_widoco(tmp_path: Path) -> None:
    assert _section(_fixture(tmp_path), "## Metadata") == [
        "| | |",
        "|---|---|",
        "| IRI | <https://w3id.org/zhengfa-kg/def> |",
        "| Version IRI | <https://w3id.org/zhengfa-kg/def/9.9> |",
        "| Version | 9.9 |",
        "| Created | 2026-01-02 |",
        "| Licence | <https://creativecommons.org/licenses/by/4.0/> |",
        "| Sources | `ontology/zhengfa.ttl`, `ontology/taxonomy.ttl`, `ontology/shapes.ttl` |",
    ]


def test_abstract_in_both_languages(tmp_path: Path) -> None:
    assert _section(_fixture(tmp_path), "## Abstract") == ["An ontology for tests.", "测试用的本体。"]


def test_namespace_table_lists_only_the_namespaces_used(tmp_path: Path) -> None:
    rows = _section(_fixture(tmp_path), "## Namespaces")[2:]
    prefixes = [row.split("`")[1] for row in rows]
    # The fixture's IRIs use these and no other predeclared namespace (no org:, oa:, foaf:, schema:, wd:, vann:).
    assert prefixes == ["dcterms:", "owl:", "prov:", "rdf:", "rdfs:", "sh:", "skos:", "xsd:", "zf:", "zfr:", "zfs:"]


def test_tables_put_chinese_and_english_side_by_side_and_escape_pipes(tmp_path: Path) -> None:
    text = _fixture(tmp_path)
    assert _section(text, "## Classes")[2:] == [
        "| `zf:Measure` | 举措 | measure | `prov:Entity` | A step \\| taken. | 一项做法。 |",
        "| `zf:Unit` | 单位 | unit |  |  |  |",
    ]
    assert _section(text, "## Object properties")[2:] == [
        "| `zf:after` | 后 | after | — → — | inverse of `zf:before` |  |  |",
        "| `zf:before` | 前 | before | — → — | inverse of `zf:after` |  |  |",
        "| `zf:unit` | 单位 | unit | `zf:Measure` → `zf:Unit` | functional |  |  |",
    ]
    assert _section(text, "## Datatype properties")[2:] == ["| `zf:note` | 注 | note | — → `xsd:string` |  |  |  |"]
    assert _section(text, "## Named individuals")[2:] == ["| `zf:Percent` | 百分比 | percent | `zf:Unit` |  |  |"]


def test_class_details_cross_reference_and_render_shapes(tmp_path: Path) -> None:
    text = _fixture(tmp_path)
    assert _section(text, "### zf:Measure — 举措 · measure") == [
        "- Subclass of: `prov:Entity`",
        "- Domain of: `zf:unit`",
        "- Also checked by: `zfs:LabelShape` (see General constraints)",
        "Shape `zfs:MeasureShape`: A measure has one unit.",
        "| property | constraint | message |",
        "|---|---|---|",
        "| `zf:after` | one of `zf:Percent`, `zf:Measure` |  |",
        "| `zf:note` | [0..2] matching `^a\\|b$` |  |",
        "| `zf:unit` | [1] a `zf:Unit` | needs a unit |",
        "Rule: (`zf:before` [1..*] or not (`zf:unit` = `zf:Percent`))",
    ]
    assert _section(text, "### zf:Unit — 单位 · unit") == [
        "- Named individuals: `zf:Percent`",
        "- Range of: `zf:unit`",
        "- Also checked by: `zfs:LabelShape` (see General constraints)",
    ]
    assert _section(text, "### prov:Entity") == [
        "Shape `zfs:QuoteShape`:",
        "| property | constraint | message |",
        "|---|---|---|",
        "| `prov:value` | [1..*] `xsd:string`; length ≥ 1 |  |",
    ]
    assert _section(text, "### Subjects of zf:before") == [
        "Shape `zfs:NoDraftShape`: No drafts.",
        "| property | constraint | message |",
        "|---|---|---|",
        "| `zf:before` | not (= `zf:Percent`) | not a percent |",
    ]
    assert _section(text, "### zfs:LabelShape")[:2] == [
        "Applies to: `owl:Class`, `zf:Measure`, `zf:Unit`",
        "Shape `zfs:LabelShape`: Two labels.",
    ]
    assert "| `rdfs:label` | [2] in @zh, @en; one per language |  |" in _section(text, "### zfs:LabelShape")


def test_concept_schemes_are_trees_ordered_by_notation_that_drop_no_concept(tmp_path: Path) -> None:
    text = _fixture(tmp_path)
    assert _section(text, "### zfr:facet — 分面 · Facet") == ["- `zfr:rel-a` 关系 · Relation"]
    assert _section(text, "### Concepts in no scheme") == ["- `zfr:stray` 散 · Stray"]
    assert _section(text, "### zfr:scheme — 分类 · Scheme") == [
        "Kinds of things.",
        # notations in numeric order: 2 before 10
        "- **2** `zfr:cat-a` 甲类 · Category A",
        "  - `zfr:mech-x` 机制X · Mechanism X (also: 别名一、别名二)",
        "    - `zfr:mech-y` 机制Y · Mechanism Y",
        "- **10** `zfr:cat-b` 乙类 · Category B",
        # broader outside the taxonomy: shown at the top rather than lost
        "- `zfr:mech-lost` 孤立 · Orphan",
        # a broader cycle: the first concept of the cycle becomes a root, the other hangs under it
        "- `zfr:loop-1` 环一 · Loop 1",
        "  - `zfr:loop-2` 环二 · Loop 2",
    ]


def test_output_is_deterministic(tmp_path: Path) -> None:
    assert _fixture(tmp_path) == ontology_markdown(tmp_path)


def _real(name: str) -> Graph:
    return Graph().parse(ontology_dir() / name)


def test_project_reference_lists_every_term_once() -> None:
    """On the project's Turtle (which curators keep editing), every term is documented exactly once."""
    text = ontology_markdown()
    ontology, taxonomy = _real("zhengfa.ttl"), _real("taxonomy.ttl")
    zf = "https://w3id.org/zhengfa-kg/def/"
    for kind, section in (
        (OWL.Class, "## Classes"),
        (OWL.ObjectProperty, "## Object properties"),
        (OWL.DatatypeProperty, "## Datatype properties"),
    ):
        terms = sorted({str(t) for t in ontology.subjects(RDF.type, kind) if str(t).startswith(zf)})
        expected = [f"`{curie(t)}`" for t in terms]
        rows = _section(text, section)[2:]
        assert [row.split(" | ")[0].removeprefix("| ") for row in rows] == expected
    concepts = {c for c in taxonomy.subjects(RDF.type, SKOS.Concept) if isinstance(c, URIRef)}
    tree = [line for line in _section(text, "## Concept schemes") if line.lstrip().startswith("- ")]
    assert sorted(re.search(r"`(zfr:[^`]+)`", line).group(1) for line in tree) == sorted(  # type: ignore[union-attr]
        curie(str(c)) for c in concepts
    )
    for line in tree:  # each concept is indented one level deeper than its broader concept
        concept = URIRef("https://w3id.org/zhengfa-kg/id/" + re.search(r"`zfr:([^`]+)`", line).group(1))  # type: ignore[union-attr]
        depth, node = 0, concept
        while (broader := taxonomy.value(node, SKOS.broader)) in concepts and depth < len(concepts):
            depth, node = depth + 1, broader
        assert line.startswith("  " * depth + "- ")


def test_project_reference_shows_the_measure_shape() -> None:
    """zf:Measure, worked out by hand from ontology/shapes.ttl: adopted by an organ, at least one mechanism."""
    details = _section(ontology_markdown(), "### zf:Measure — 举措 · measure")
    assert (
        "Shape `zfs:MeasureShape`: A measure is adopted by an organ, implements at least one mechanism, and is quoted."
        in details
    )
    assert any(line.startswith("| `zf:adoptedBy` | [1..*] a `zf:Organ` |") for line in details)
    assert any(line.startswith("| `zf:implements` | [1..*] a `zf:Mechanism` |") for line in details)


def test_docs_check_detects_a_stale_file(tmp_path: Path) -> None:
    output = tmp_path / "ontology.md"
    runner = CliRunner()
    assert runner.invoke(app, ["docs", "--check", "-o", str(output)]).exit_code == 1
    written = runner.invoke(app, ["docs", "-o", str(output)])
    assert written.exit_code == 0 and output.read_text(encoding="utf-8") == ontology_markdown()
    assert runner.invoke(app, ["docs", "--check", "-o", str(output)]).exit_code == 0
    output.write_text(output.read_text(encoding="utf-8").replace("举措", "措施"), encoding="utf-8")
    stale = runner.invoke(app, ["docs", "--check", "-o", str(output)])
    assert stale.exit_code == 1 and "out of date" in stale.output
