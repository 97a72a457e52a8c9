"""kg release (a versioned, checksummed set, never overwritten) and kg diff (what changed, for curators)."""

from __future__ import annotations

import gzip
import hashlib
import json
import random
import shutil
from datetime import date
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef
from typer.testing import CliRunner

from kg.build import BuildResult, build
from kg.cli import app
from kg.diff import apply_patch, canonical, diff, diff_graphs, load_side, to_json, to_markdown, to_patch
from kg.release import make_release, releases_in
from kg.serialize import from_rdflib

runner = CliRunner()
MEASURE = URIRef("https://w3id.org/zhengfa-kg/id/measure-jiangsu-mandatory-similar-case-search")
RDFS_LABEL = URIRef("http://www.w3.org/2000/01/rdf-schema#label")


@pytest.fixture(scope="module")
def dist(built: BuildResult) -> Path:
    return built.outputs["graph.nt"].parent


@pytest.fixture(scope="module")
def seed_nt(dist: Path) -> Graph:
    return load_side(str(dist))


def test_release_writes_a_checksummed_set_that_unpacks_to_the_build(dist: Path, tmp_path: Path) -> None:
    made = make_release("0.1.0", dist, tmp_path, released=date(2026, 12, 3))
    names = sorted(p.name for p in made.folder.iterdir())
    assert names == [
        "CITATION.cff",
        "NOTES.md",
        "SHA256SUMS",
        "void.ttl",
        "zhengfa-kg-0.1.0.jsonld.gz",
        "zhengfa-kg-0.1.0.nt.gz",
        "zhengfa-kg-0.1.0.ttl.gz",
    ]
    for line in (made.folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split("  ")
        assert hashlib.sha256((made.folder / name).read_bytes()).hexdigest() == digest
    for suffix in ("ttl", "nt", "jsonld"):
        packed = (made.folder / f"zhengfa-kg-0.1.0.{suffix}.gz").read_bytes()
        assert gzip.decompress(packed) == (dist / f"graph.{suffix}").read_bytes()
    cff = (made.folder / "CITATION.cff").read_text(encoding="utf-8")
    assert 'version: "0.1.0"' in cff and 'date-released: "2026-12-03"' in cff and "license: CC-BY-4.0" in cff
    void = Graph().parse(made.folder / "void.ttl", format="turtle")
    versions = {str(o) for o in void.objects(None, URIRef("http://www.w3.org/ns/dcat#version"))}
    assert versions == {"0.1.0"}
    assert (made.folder / "NOTES.md").read_text(encoding="utf-8") == "# zhengfa-kg 0.1.0\n\nFirst release.\n"


def test_release_is_deterministic_and_never_overwritten(dist: Path, tmp_path: Path) -> None:
    first = make_release("0.1.0", dist, tmp_path / "a", released=date(2026, 12, 3))
    second = make_release("0.1.0", dist, tmp_path / "b", released=date(2026, 12, 3))
    assert (first.folder / "SHA256SUMS").read_bytes() == (second.folder / "SHA256SUMS").read_bytes()
    before = (first.folder / "SHA256SUMS").read_bytes()
    again = runner.invoke(app, ["release", "0.1.0", "--dist", str(dist), "--out", str(tmp_path / "a")])
    assert again.exit_code == 2
    assert "never overwritten" in again.output
    assert (first.folder / "SHA256SUMS").read_bytes() == before
    bad = runner.invoke(app, ["release", "v1", "--dist", str(dist), "--out", str(tmp_path / "a")])
    assert bad.exit_code == 2 and "MAJOR.MINOR.PATCH" in bad.output
    assert releases_in(tmp_path / "a") == ["0.1.0"]


def test_second_release_notes_its_diff_against_the_previous(dist: Path, tmp_path: Path) -> None:
    make_release("0.1.0", dist, tmp_path, released=date(2026, 12, 1))
    # A curator relabels one measure: the next build differs by exactly that statement.
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "relabel.ttl").write_text(
        f'<{MEASURE}> <http://www.w3.org/2000/01/rdf-schema#comment> "复核过"@zh .\n', encoding="utf-8"
    )
    second = build(include=[extra / "relabel.ttl"], out_dir=tmp_path / "dist2", validate=False)
    made = make_release("0.2.0", second.outputs["graph.nt"].parent, tmp_path, released=date(2026, 12, 3))
    assert made.previous == "0.1.0"
    notes = (made.folder / "NOTES.md").read_text(encoding="utf-8")
    assert "1 entities changed: 1 statements added, 0 removed." in notes
    assert (
        "### zfr:measure-jiangsu-mandatory-similar-case-search — 制定操作规程，规定六类情形必须进行类案强制检索"
        in notes
    )
    assert '    + rdfs:comment "复核过"@zh' in notes


def test_an_unchanged_graph_gives_an_empty_diff_whatever_its_form(dist: Path) -> None:
    # graph.ttl and graph.nt label blank nodes independently; both canonicalise alike.
    assert diff(str(dist / "graph.ttl"), str(dist / "graph.nt")).empty
    assert diff(str(dist / "graph.jsonld"), str(dist)).empty


def test_a_changed_quote_shows_under_its_evidence_node(seed_nt: Graph) -> None:
    old = seed_nt
    new = Graph()
    new += old
    exact = URIRef("http://www.w3.org/ns/oa#exact")
    selector, quote = next(
        (s, o)
        for s, o in old.subject_objects(exact)
        if str(o) == "制定操作规程,规定新类型案件、法律适用规则不明等六类情形必须进行类案强制检索"
    )
    new.remove((selector, exact, quote))
    new.add((selector, exact, Literal("制定操作规程")))
    evidence = next(old.subjects(URIRef("http://www.w3.org/ns/oa#hasSelector"), selector))
    changes = diff_graphs(old, canonical(new))
    assert [(c.entity, c.status) for c in changes.changes] == [(evidence, "changed")]
    markdown = to_markdown(changes)
    assert (
        '    -   ↳ oa:exact "制定操作规程,规定新类型案件、法律适用规则不明等六类情形必须进行类案强制检索"' in markdown
    )
    assert '    +   ↳ oa:exact "制定操作规程"' in markdown
    assert json.loads(to_json(changes))["counts"] == {"zf:Evidence": {"changed": 1}}


def isomorphic(one: Graph, other: Graph) -> bool:
    """The two graphs are the same up to blank-node names, by Oxigraph's RDFC-1.0 canonical form: an
    implementation independent of kg.diff's own labelling (rdflib.compare takes ~4 minutes on the seed graph's
    644 blank nodes, Oxigraph about one second)."""
    forms = []
    for graph in (one, other):
        dataset = ox.Dataset(ox.Quad(t.subject, t.predicate, t.object) for t in from_rdflib(graph))
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        forms.append({str(quad) for quad in dataset})
    return forms[0] == forms[1]


@pytest.mark.parametrize("seed", range(6))
def test_applying_the_diff_to_old_gives_new_on_random_edits(seed_nt: Graph, seed: int) -> None:
    rng = random.Random(seed)
    old = seed_nt
    triples = sorted(old, key=lambda t: (t[0].n3(), t[1].n3(), t[2].n3()))
    edited = Graph()
    edited += old
    for triple in rng.sample(triples, 25):  # delete, with blank-node statements among them
        edited.remove(triple)
    for subject, predicate, _ in rng.sample(triples, 10):  # change values, on IRIs and blank nodes alike
        edited.add((subject, predicate, Literal(f"edit {rng.random()}", lang="zh")))
    for number in range(5):  # new entities
        node = URIRef(f"https://w3id.org/zhengfa-kg/id/new-{seed}-{number}")
        edited.add((node, RDFS_LABEL, Literal(f"新实体 {number}", lang="zh")))
        edited.add((node, URIRef("http://www.w3.org/ns/oa#hasSelector"), BNode()))
    new = canonical(edited)
    patch = to_patch(diff_graphs(old, new))
    assert not isomorphic(old, new)  # the oracle tells the edited graph apart
    assert isomorphic(apply_patch(old, patch), new)
    assert not diff_graphs(apply_patch(old, patch), new).changes


def test_cli_diff_formats_and_errors(dist: Path, tmp_path: Path) -> None:
    result = runner.invoke(app, ["diff", str(dist), "working"])
    assert result.exit_code == 0, result.output
    assert "No change: the two graphs are the same." in result.output
    patch = runner.invoke(app, ["diff", str(dist), "working", "--format", "nt"])
    assert patch.exit_code == 0 and patch.output == ""
    missing = runner.invoke(app, ["diff", str(tmp_path / "nowhere"), "working"])
    assert missing.exit_code == 2 and "no such file or folder" in missing.output
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    broken = runner.invoke(app, ["diff", str(bad), "working"])
    assert broken.exit_code == 2 and "cannot be read as turtle" in broken.output
    fmt = runner.invoke(app, ["diff", str(dist), "working", "--format", "xml"])
    assert fmt.exit_code == 2
    shutil.rmtree(tmp_path / "nowhere", ignore_errors=True)
