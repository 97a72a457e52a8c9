"""Inputs `kg build` must refuse in one line (exit 2) instead of skipping, hanging or crashing.

Issue 13, items 9 and 10: a broken link under the facts (as under seeds/), a
named pipe with an RDF ending (which once blocked the build forever), a seed
text that cannot be read; and an output path on a pseudo file system.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from typer.testing import CliRunner

import kg.inputs
import kg.sources
from kg.build import build
from kg.cli import app
from kg.errors import InputError
from kg.project import seeds_dir
from kg.sources import parse_file, parse_file_quads
from tests.conftest import SEED_TEXT

FACT = '<https://w3id.org/zhengfa-kg/id/x> <http://www.w3.org/2000/01/rdf-schema#label> "x" .\n'


def one_line_exit_2(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.output.strip().count("\n") == 0 and result.output.startswith("error: "), result.output
    assert expected in result.output


@pytest.mark.timeout(60)
def test_a_broken_link_among_the_facts_is_an_error(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    facts.mkdir()
    (facts / "good.ttl").write_text(FACT, encoding="utf-8")
    (facts / "gone.ttl").symlink_to(tmp_path / "deleted.ttl")
    with pytest.raises(InputError, match=r"gone\.ttl: broken symbolic link"):
        build([facts], out_dir=tmp_path / "out", validate=False)
    one_line_exit_2(["build", "-i", str(facts), "-o", str(tmp_path / "out")], "broken symbolic link")
    assert not (tmp_path / "out" / "current").exists()


@pytest.mark.timeout(60)
def test_a_named_pipe_with_an_rdf_ending_is_refused_not_waited_on(tmp_path: Path) -> None:
    facts = tmp_path / "facts"
    facts.mkdir()
    os.mkfifo(facts / "x.ttl")
    one_line_exit_2(
        ["build", "-i", str(facts), "-o", str(tmp_path / "out")], "x.ttl: not a regular file (a named pipe)"
    )
    one_line_exit_2(["build", "-i", str(facts / "x.ttl"), "-o", str(tmp_path / "out")], "a named pipe")
    with pytest.raises(InputError, match="a named pipe"):  # read directly (a pipe made between listing and reading)
        kg.sources.read_regular(facts / "x.ttl")


@pytest.mark.timeout(60)
def test_a_named_pipe_under_seeds_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds)
    os.mkfifo(seeds / "x.ttl")
    monkeypatch.setattr(kg.inputs, "seeds_dir", lambda: seeds)
    one_line_exit_2(["build", "-o", str(tmp_path / "out")], f"{seeds / 'x.ttl'}: not a regular file (a named pipe)")
    (seeds / "x.ttl").unlink()
    (seeds / "x.ttl").symlink_to(tmp_path / "nowhere.ttl")
    one_line_exit_2(["build", "-o", str(tmp_path / "out")], "x.ttl: broken symbolic link")


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", ["named pipe", "folder", "broken link"])
def test_a_seed_text_that_is_no_readable_file_is_one_line(tmp_path: Path, kind: str) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds)
    text = seeds / SEED_TEXT.name
    text.unlink()
    if kind == "named pipe":
        os.mkfifo(text)
    elif kind == "folder":
        text.mkdir()
    else:
        text.symlink_to(tmp_path / "moved.txt")
    expected = "broken symbolic link" if kind == "broken link" else f"not a regular file (a {kind})"
    one_line_exit_2(["build", "--seeds-dir", str(seeds), "-o", str(tmp_path / "out")], expected)


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads a file without read permission anyway")
def test_an_unreadable_seed_text_is_one_line(tmp_path: Path) -> None:
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir(), seeds)
    (seeds / SEED_TEXT.name).chmod(0)
    one_line_exit_2(
        ["build", "--seeds-dir", str(seeds), "-o", str(tmp_path / "out")], "cannot read (Permission denied)"
    )


def test_extract_into_proc_is_one_line_exit_2() -> None:
    one_line_exit_2(["extract", str(SEED_TEXT), "-o", "/proc/version", "--force"], "cannot write /proc/version")
    assert Path("/proc/version").read_text().startswith("Linux")


def test_quads_for_the_build_are_the_parsed_triples_in_the_default_graph(tmp_path: Path) -> None:
    """kg build keeps the parser's Quads: those of a named graph join the default graph, as parse_file's Triples do."""
    quads = tmp_path / "g.nq"
    quads.write_text(
        '<urn:a> <urn:p> <urn:b> <urn:g> .\n<urn:a> <urn:p> "x"@zh .\n_:n <urn:p> <urn:b> <urn:g> .\n', encoding="utf-8"
    )
    turtle = tmp_path / "g.ttl"
    turtle.write_text('<urn:a> <urn:p> "1.20"^^<http://www.w3.org/2001/XMLSchema#decimal> .\n', encoding="utf-8")
    for path in (quads, turtle):
        kept = parse_file_quads(path)
        assert all(q.graph_name == ox.DefaultGraph() for q in kept)
        assert [q.triple for q in kept] == parse_file(path)
    assert [str(q.object) for q in parse_file_quads(turtle)] == ['"1.20"^^<http://www.w3.org/2001/XMLSchema#decimal>']
    assert len(parse_file_quads(quads)) == 3
