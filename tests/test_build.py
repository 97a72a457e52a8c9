"""`kg build`: outputs, determinism, atomic replacement, and refusal of bad input."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.term import Node
from typer.testing import CliRunner

from kg.build import BuildResult, build
from kg.cli import app
from kg.errors import InputError, RDFSyntaxError, SeedChecksumError, ValidationFailed
from kg.generation import Outputs
from kg.project import seeds_dir
from tests.conftest import ROOT

INVALID = Path(__file__).parent / "shacl" / "invalid"


def _describe(graph: Graph, node: Node, depth: int = 4) -> object:
    """A blank node as the nested description of its outgoing triples (rdflib's own isomorphism
    check takes half a minute on this graph; its blank nodes are small trees)."""
    if not isinstance(node, BNode) or depth == 0:
        return node.n3()
    return tuple(sorted((p.n3(), repr(_describe(graph, o, depth - 1))) for p, o in graph.predicate_objects(node)))


def signature(graph: Graph) -> tuple[set[tuple[str, str, str]], list[str]]:
    """Ground triples, plus every triple that holds a blank node with that node described."""
    ground, nested = set(), []
    for s, p, o in graph:
        if isinstance(s, BNode) or isinstance(o, BNode):
            if not isinstance(s, BNode):  # blank nodes are reached from the entity that holds them
                nested.append(repr((s.n3(), p.n3(), _describe(graph, o))))
        else:
            ground.add((s.n3(), p.n3(), o.n3()))
    return ground, sorted(nested)


def test_build_writes_every_output(built: BuildResult, seed_graph: Graph) -> None:
    assert built.report is not None and built.report.conforms
    assert built.triples == len(seed_graph)
    ttl = Graph().parse(built.outputs["graph.ttl"], format="turtle")
    nt = Graph().parse(built.outputs["graph.nt"], format="nt")
    jsonld = Graph().parse(built.outputs["graph.jsonld"], format="json-ld")
    expected = signature(seed_graph)
    assert sum(1 for t in seed_graph if any(isinstance(x, BNode) for x in t)) > 0
    for exported in (ttl, nt, jsonld):
        assert len(exported) == len(seed_graph)
        assert signature(exported) == expected
    store = ox.Store.read_only(str(built.outputs["store"]))
    assert len(store) == len(seed_graph)


def test_class_counts_match_the_graph(built: BuildResult, seed_graph: Graph) -> None:
    from kg.namespaces import RDF, ZF

    assert built.class_counts["zf:Province"] == 5
    assert built.class_counts["zf:Speech"] == 5
    assert built.class_counts["zf:Evidence"] == len(set(seed_graph.subjects(RDF.type, ZF.Evidence)))


def test_outputs_are_deterministic(built: BuildResult, tmp_path: Path) -> None:
    again = build(out_dir=tmp_path)
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        assert again.outputs[name].read_bytes() == built.outputs[name].read_bytes(), name


def test_outputs_are_one_generation_behind_fixed_links(built: BuildResult) -> None:
    out = built.outputs["graph.ttl"].parent
    current = os.readlink(out / "current")
    assert current.startswith(".gen-") and (out / current / "manifest.json").is_file()
    for name in ("store", "graph.ttl", "graph.nt", "graph.jsonld"):
        assert os.readlink(out / name) == f"current/{name}"
        assert (out / current / name).exists()
    manifest = json.loads((out / current / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["triples"] == built.triples and manifest["validated"] is True
    assert manifest["checked_evidence"] == built.report.checked_evidence  # type: ignore[union-attr]


def test_unchanged_inputs_rebuild_nothing_and_say_so(tmp_path: Path) -> None:
    first = build(out_dir=tmp_path)
    generation = os.readlink(tmp_path / "current")
    stamps = {name: (tmp_path / name).stat().st_mtime_ns for name in ("graph.ttl", "graph.nt", "graph.jsonld")}
    again = build(out_dir=tmp_path)
    assert again.unchanged and not first.unchanged
    assert (again.triples, again.class_counts) == (first.triples, first.class_counts)
    assert os.readlink(tmp_path / "current") == generation
    assert {name: (tmp_path / name).stat().st_mtime_ns for name in stamps} == stamps
    assert "nothing to do: the inputs are unchanged" in again.summary()
    assert f"{first.report.checked_evidence} evidence quotes checked" in again.summary()  # type: ignore[union-attr]
    (tmp_path / generation / "graph.jsonld").unlink()  # a generation missing a part is rebuilt
    rebuilt = build(out_dir=tmp_path)
    assert (
        not rebuilt.unchanged and (tmp_path / "graph.jsonld").read_bytes() == first.outputs["graph.jsonld"].read_bytes()
    )
    generation = os.readlink(tmp_path / "current")
    forced = build(out_dir=tmp_path, force=True)
    assert not forced.unchanged and os.readlink(tmp_path / "current") != generation
    assert (tmp_path / "graph.nt").read_bytes() == first.outputs["graph.nt"].read_bytes()
    assert Outputs(tmp_path).debris() == []
    extra = tmp_path / "extra.ttl"  # a changed input rebuilds
    extra.write_text('<https://w3id.org/zhengfa-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    changed = build([extra], out_dir=tmp_path, validate=False)
    assert not changed.unchanged and changed.triples == first.triples + 1
    assert build([extra], out_dir=tmp_path).report is not None  # validated now: unvalidated outputs do not count


def test_a_build_replaces_the_older_layout(tmp_path: Path) -> None:
    """Plain files and a store folder written by earlier versions become links to the generation."""
    (tmp_path / "store").mkdir()
    (tmp_path / "store" / "CURRENT").write_text("old")
    for name in ("graph.ttl", "graph.nt", "graph.jsonld"):
        (tmp_path / name).write_text("old")
    (tmp_path / ".store.new-999999999").mkdir()  # a killed build of the older layout
    result = build(out_dir=tmp_path, validate=False)
    for name in ("store", "graph.ttl", "graph.nt", "graph.jsonld"):
        assert (tmp_path / name).is_symlink()
    assert len(ox.Store.read_only(str(tmp_path / "store"))) == result.triples
    assert Outputs(tmp_path).debris() == []


def test_a_second_build_on_the_same_folder_is_refused(tmp_path: Path) -> None:
    with Outputs(tmp_path).locked(), pytest.raises(InputError, match="another kg build"):
        build(out_dir=tmp_path, validate=False)


def test_failed_build_leaves_previous_outputs(tmp_path: Path) -> None:
    first = build(out_dir=tmp_path)
    before = {name: first.outputs[name].read_bytes() for name in ("graph.ttl", "graph.nt", "graph.jsonld")}
    with pytest.raises(ValidationFailed):
        build([INVALID / "broken-quote.ttl"], out_dir=tmp_path)
    broken = tmp_path / "broken.ttl"
    broken.write_text("@prefix zf: <https://w3id.org/zhengfa-kg/def/> .\nzf:a zf:b .\n", encoding="utf-8")
    with pytest.raises(RDFSyntaxError):
        build([broken], out_dir=tmp_path)
    for name, data in before.items():
        assert (tmp_path / name).read_bytes() == data
    assert len(ox.Store.read_only(str(tmp_path / "store"))) == first.triples
    assert Outputs(tmp_path).debris() == []  # no unpublished generation or temp file left behind
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == [os.readlink(tmp_path / "current")]


def test_malformed_turtle_names_file_line_and_column(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ttl"
    broken.write_text(
        '@prefix zf: <https://w3id.org/zhengfa-kg/def/> .\n\nzf:a zf:b "unterminated .\n', encoding="utf-8"
    )
    with pytest.raises(RDFSyntaxError) as info:
        build([broken], out_dir=tmp_path / "out")
    assert (info.value.path, info.value.line) == (str(broken), 3)
    assert info.value.column is not None
    result = CliRunner().invoke(app, ["build", "-i", str(broken), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert f"{broken}:3:" in result.output
    assert not (tmp_path / "out" / "store").exists()


def test_changed_seed_is_refused(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds)
    text = seeds / "000_c6000f12c74fa8d8.txt"
    text.write_bytes(text.read_bytes().replace("湖南".encode(), "湖北".encode(), 1))
    with pytest.raises(SeedChecksumError, match="SHA-256"):
        build(out_dir=tmp_path / "out", seed_dirs=[seeds])
    result = CliRunner().invoke(app, ["build", "--seeds-dir", str(seeds), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2
    assert "metadata records" in result.output


def test_memory_backend_writes_no_store(tmp_path: Path) -> None:
    result = build(out_dir=tmp_path, backend="memory")
    assert "store" not in result.outputs and not (tmp_path / "store").exists()
    assert (tmp_path / "graph.ttl").is_file()


def test_cli_build_prints_summary(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "validation: conforms" in result.output
    lines = result.output.splitlines()
    # The seed's editor's note names five speakers' organs, one per province: "会上,湖南省委政法委、江苏省高级人民法院、
    # 广西壮族自治区人民检察院、贵州省公安厅、四川省司法厅等负责人先后就……进行了交流发言".
    assert "  zf:Province: 5" in lines
    assert "  zf:Speech: 5" in lines
    assert lines[-1].startswith("data: ")


def test_help_does_not_import_heavy_libraries() -> None:
    code = (
        "import sys\n"
        "sys.argv = ['kg', '--help']\n"
        "from kg.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('pyvis', 'networkx', 'pyshacl', 'matplotlib', 'fastapi') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


def test_python_dash_m_kg_runs() -> None:
    out = subprocess.run([sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert out.returncode == 0 and "build" in out.stdout


def test_ontology_reference_is_up_to_date() -> None:
    result = CliRunner().invoke(app, ["docs", "--check", "-o", str(ROOT / "docs" / "ontology.md")])
    assert result.exit_code == 0, "docs/ontology.md is stale: run `kg docs`"


def test_a_store_elsewhere_is_written_after_validation(tmp_path: Path) -> None:
    elsewhere = tmp_path / "stores" / "mine"
    result = build(out_dir=tmp_path / "out", store=elsewhere)
    assert result.outputs["store"] == elsewhere and elsewhere.is_symlink()
    assert len(ox.Store.read_only(str(elsewhere))) == result.triples
    assert not (tmp_path / "out" / "store").exists()  # the generation holds the exports only
    target = os.readlink(elsewhere)
    with pytest.raises(ValidationFailed):
        build([INVALID / "broken-quote.ttl"], out_dir=tmp_path / "out", store=elsewhere)
    assert os.readlink(elsewhere) == target  # a failing build leaves the store as it was


def test_a_build_keeps_the_generation_a_running_server_reads(tmp_path: Path) -> None:
    """A rebuild while `kg serve` runs must not delete the store under it; the next build after it stops does."""
    import httpx

    from kg.serve.background import serving

    out = tmp_path / "dist"
    build(out_dir=out, validate=False)
    first = Outputs(out).current()
    assert first is not None
    extra = tmp_path / "extra.ttl"
    extra.write_text('<https://w3id.org/zhengfa-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n')
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    with serving(out / "store") as url:
        before = httpx.get(f"{url}/sparql", params={"query": count}, headers={"Accept": "text/csv"}, timeout=60)
        build(include=[extra], out_dir=out, validate=False)
        assert Outputs(out).current() != first and first.is_dir()  # switched, the served one kept
        assert Outputs(out).debris() == []  # a held generation is not debris
        after = httpx.get(f"{url}/sparql", params={"query": count}, headers={"Accept": "text/csv"}, timeout=60)
        assert after.status_code == 200 and after.text == before.text  # still answering, from its own store
    build(out_dir=out, validate=False)  # the server is gone: the old generation with it
    assert not first.exists()


def test_blank_nodes_of_two_files_stay_apart_and_named_graphs_join_the_default_graph(tmp_path: Path) -> None:
    import hashlib

    a = tmp_path / "a.nt"
    a.write_text('_:x <http://example.org/p> "a" .\n', encoding="utf-8")
    b = tmp_path / "b.trig"
    b.write_text(
        '<http://example.org/g> { _:x <http://example.org/p> "b" . <http://example.org/s> <http://example.org/q> _:x . }\n',
        encoding="utf-8",
    )
    seed = build(out_dir=tmp_path / "seed", validate=False)
    result = build([a, b], out_dir=tmp_path / "out", validate=False)
    assert result.triples == seed.triples + 3
    # Each label is the SHA-256 of the node's edges (sorted, one a line), worked out here by hand.
    label_a = "_:b" + hashlib.sha256(b'> <http://example.org/p> "a" ').hexdigest()[:24]
    edges_b = b'< <http://example.org/s> <http://example.org/q> \n> <http://example.org/p> "b" '
    label_b = "_:b" + hashlib.sha256(edges_b).hexdigest()[:24]
    nt = (tmp_path / "out" / "graph.nt").read_text(encoding="utf-8").splitlines()
    assert f'{label_a} <http://example.org/p> "a" .' in nt
    assert f'{label_b} <http://example.org/p> "b" .' in nt
    assert f"<http://example.org/s> <http://example.org/q> {label_b} ." in nt
    assert len(nt) == result.triples
    store = ox.Store.read_only(str(tmp_path / "out" / "store"))
    assert len(store) == result.triples and list(store.named_graphs()) == []
    rows = store.query("SELECT ?o WHERE { ?x <http://example.org/p> ?o . FILTER(isBlank(?x)) } ORDER BY ?o")
    assert [row["o"].value for row in rows] == ["a", "b"]  # type: ignore[union-attr]
