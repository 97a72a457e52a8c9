"""The default store's loader: parallel parts keep every blank node whole."""

from __future__ import annotations

import os
import random
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph, Literal, URIRef

from kg.build import BuildResult
from kg.sources import to_rdflib
from kg.store import load_parts, write_store
from tests.test_build import signature


def store_graph(path: Path | None = None, store: ox.Store | None = None) -> Graph:
    graph = Graph()
    for quad in store if store is not None else ox.Store.read_only(str(path)):
        graph.add(tuple(to_rdflib(term) for term in quad.triple))  # type: ignore[arg-type]
    return graph


def test_exported_ntriples_put_blank_nodes_last(built: BuildResult) -> None:
    lines = built.outputs["graph.nt"].read_text(encoding="utf-8").split("\n")[:-1]
    with_blank = [i for i, line in enumerate(lines) if "_:" in line]
    assert with_blank, "the seed graph has blank nodes (evidence selectors)"
    assert with_blank == list(range(with_blank[0], len(lines)))
    assert lines[: with_blank[0]] == sorted(lines[: with_blank[0]])
    assert lines[with_blank[0] :] == sorted(lines[with_blank[0] :])


@pytest.mark.parametrize("pieces", [1, 2, 3, 7])
def test_parts_cover_the_input_and_keep_blank_lines_together(built: BuildResult, pieces: int) -> None:
    data = built.outputs["graph.nt"].read_bytes()
    parts = load_parts(data, pieces)
    assert b"".join(parts) == data
    assert all(part.endswith(b"\n") for part in parts)
    assert len(parts) == pieces + 1
    assert all(b"_:" not in part for part in parts[:-1])


def test_parts_of_unordered_input_are_still_right() -> None:
    data = b'<http://x/a> <http://x/p> "1" .\n_:b <http://x/p> "2" .\n<http://x/c> <http://x/q> _:b .\n'
    parts = load_parts(data, 4)
    assert parts == [b'<http://x/a> <http://x/p> "1" .\n', data.split(b"\n", 1)[1]]
    assert load_parts(b"", 3) == []


@pytest.mark.parametrize("workers", [1, 2, 5])
def test_parallel_load_equals_one_load(built: BuildResult, seed_graph: Graph, tmp_path: Path, workers: int) -> None:
    data = built.outputs["graph.nt"].read_bytes()
    whole = ox.Store()  # one load call: the reference (Oxigraph also normalises numbers, e.g. 1.20 to 1.2)
    whole.bulk_load(data, format=ox.RdfFormat.N_TRIPLES)
    write_store(tmp_path / "store", data, workers)
    loaded = store_graph(tmp_path / "store")
    assert len(loaded) == len(seed_graph)
    assert signature(loaded) == signature(store_graph(store=whole))


def test_shuffled_input_keeps_blank_nodes_shared_across_the_file(tmp_path: Path) -> None:
    graph = Graph()
    shared = BNode()
    for i in range(200):
        graph.add((URIRef(f"http://x/s{i}"), URIRef("http://x/selector"), shared if i % 50 == 0 else BNode()))
        graph.add((URIRef(f"http://x/s{i}"), URIRef("http://x/label"), Literal(f"s{i}")))
    graph.add((shared, URIRef("http://x/label"), Literal("shared")))
    lines = graph.serialize(format="nt", encoding="utf-8").splitlines(keepends=True)
    random.Random(7).shuffle(lines)
    write_store(tmp_path / "store", b"".join(lines), 4)
    loaded = store_graph(tmp_path / "store")
    assert len(loaded) == len(graph)
    holders = {s for s, o in loaded.subject_objects(URIRef("http://x/selector")) if (o, None, None) in loaded}
    assert holders == {URIRef(f"http://x/s{i}") for i in (0, 50, 100, 150)}


def test_a_store_elsewhere_is_switched_by_one_rename_and_old_folders_go(tmp_path: Path) -> None:
    """`kg build --store PATH`: PATH is a link swapped in one rename; an older store folder and the
    folders of builds that were killed (their process is gone) are removed, a running one's is kept."""
    first = b'<http://x/a> <http://x/p> "1" .\n'
    second = first + b'<http://x/b> <http://x/p> "2" .\n'
    store = tmp_path / "mystore"
    ox.Store(str(store)).bulk_load(first, format=ox.RdfFormat.N_TRIPLES)  # the older layout: a plain folder
    (tmp_path / ".mystore.new-999999999").mkdir()  # a killed build of the older layout
    (tmp_path / ".mystore.gen-999999999-abc").mkdir()  # a killed build of this layout
    (tmp_path / f".mystore.gen-{os.getppid()}-running").mkdir()  # a build still running (our parent)
    write_store(store, second, 2)
    assert store.is_symlink() and len(ox.Store.read_only(str(store))) == 2
    target = os.readlink(store)
    write_store(store, first, 2)
    assert len(ox.Store.read_only(str(store))) == 1
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([f".mystore.gen-{os.getppid()}-running", os.readlink(store), "mystore"])
    assert target not in left
