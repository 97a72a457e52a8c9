"""The synthetic graph of ``benchmarks/generate.py`` (what gets pushed and measured at scale):
at a tiny size it is deterministic, shaped like the curated graph, passes ``kg validate``
(SHACL and every quote against its source text) and every shipped data check.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

from kg.cli import app
from kg.query import connect, shipped_queries
from tests.conftest import ROOT

GENERATE = ROOT / "benchmarks" / "generate.py"
ZF = "https://w3id.org/zhengfa-kg/def/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("bench")
    output, seeds = folder / "graph.ttl", folder / "seeds"
    done = subprocess.run(
        [sys.executable, str(GENERATE), "--triples", "3k", "-o", str(output), "--seeds-dir", str(seeds)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "triples: " in done.stdout
    return output, seeds


def _count(triples: list[ox.Triple], cls: str) -> int:
    return sum(1 for t in triples if t.predicate == RDF_TYPE and t.object == ox.NamedNode(cls))


def test_the_graph_is_shaped_like_the_curated_one(generated: tuple[Path, Path]) -> None:
    output, seeds = generated
    triples = [q.triple for q in ox.parse(path=str(output))]
    assert 3000 <= len(triples) < 4500
    assert _count(triples, ZF + "Province") == 31
    organ_types = {
        t.object.value
        for t in triples
        if t.predicate == RDF_TYPE and isinstance(t.object, ox.NamedNode) and t.subject.value.count("-organ-")
    }
    assert organ_types == {
        ZF + "PeoplesCourt",
        ZF + "PeoplesProcuratorate",
        ZF + "PublicSecurityOrgan",
        ZF + "JusticeAdministration",
        ZF + "PoliticalLegalCommission",
    }
    broader = {(t.subject, t.object) for t in triples if t.predicate == ox.NamedNode(SKOS + "broader")}
    parents = dict(broader)
    assert any(parents.get(parent) is not None for parent in parents.values()), "no third taxonomy level"
    assert _count(triples, ZF + "Measure") > 0
    assert _count(triples, ZF + "Figure") > 0
    assert _count(triples, ZF + "Evidence") > 0
    assert len(list(seeds.glob("bench-*.txt"))) == 31
    assert (seeds / "000_c6000f12c74fa8d8.txt").is_file()  # the shipped seed travels along


def test_the_same_seed_gives_the_same_bytes(generated: tuple[Path, Path], tmp_path: Path) -> None:
    output, _seeds = generated
    again = tmp_path / "again.ttl"
    subprocess.run(
        [sys.executable, str(GENERATE), "--triples", "3k", "-o", str(again), "--seeds-dir", str(tmp_path / "s")],
        capture_output=True,
        check=True,
    )
    assert again.read_bytes() == output.read_bytes()


def test_kg_validate_accepts_it(generated: tuple[Path, Path]) -> None:
    output, seeds = generated
    result = CliRunner().invoke(app, ["validate", "--include", str(output), "--seeds-dir", str(seeds)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("conforms: SHACL shapes hold and all ")


def test_every_data_check_finds_nothing(generated: tuple[Path, Path]) -> None:
    output, _seeds = generated
    session = connect("memory", include=[output])
    checks = [q.name for q in shipped_queries() if q.is_check]
    assert checks
    found = {name: len(session.run(name).rows or []) for name in checks}
    assert found == dict.fromkeys(checks, 0)
