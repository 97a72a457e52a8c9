"""Timings of ``kg compare`` and ``kg analyze`` on the seed graph and on a synthetic larger one.

    python benchmarks/compare_bench.py                    # seed graph + 31 provinces × 3 copies
    python benchmarks/compare_bench.py --provinces 31 --copies 10
    python benchmarks/compare_bench.py --generated 100k,1M # `kg compare --format csv` as a user runs it

``--generated`` makes graphs of those sizes with benchmarks/generate.py (the
shipped sources plus synthetic ones), bulk-loads each into an on-disk store and
times whole ``kg compare`` processes (CPU seconds of the child, median of
``--repeat``) beside a raw pyoxigraph process that opens the same store and
counts its triples.

The synthetic graph copies every measure of the seed graph into made-up
provinces (each with copies of the seed organs), so the taxonomy and the quotes
stay real while the number of measures and columns grows. Prints median
seconds of --repeat runs; figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from timing import median_seconds

from kg import analyze, compare
from kg.build import build
from kg.sources import FORMATS, source_files
from kg.store import open_graph, open_store

ZF = "https://w3id.org/zhengfa-kg/def/"
ZFR = "https://w3id.org/zhengfa-kg/id/"
RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")


def synthetic_store(provinces: int, copies: int) -> tuple[ox.Store, int]:
    """The seed graph plus ``provinces`` made-up provinces, each holding ``copies`` copies of every seed measure."""
    store = ox.Store()
    for path in source_files():
        store.load(path=str(path), format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())
    seed = compare.load(store)
    quads: list[ox.Quad] = []

    def add(s: str, p: str, o: ox.NamedNode | ox.Literal) -> None:
        quads.append(ox.Quad(ox.NamedNode(s), ox.NamedNode(p), o))

    for i in range(provinces):
        province = f"{ZFR}province-synthetic-{i:03d}"
        add(province, RDF_TYPE.value, ox.NamedNode(ZF + "Province"))
        add(province, ZF + "shortName", ox.Literal(f"省{i:03d}", language="zh"))
        add(province, ZF + "shortName", ox.Literal(f"P{i:03d}", language="en"))
        add(province, ZF + "divisionCode", ox.Literal(f"{900000 + i}"))
        for organ in seed.organs.values():
            copy = f"{organ.iri}-s{i:03d}"
            add(copy, ZF + "inProvince", ox.NamedNode(province))
            add(copy, LABEL.value, ox.Literal(f"{organ.zh}{i:03d}", language="zh"))
            for organ_type in organ.types:
                add(copy, RDF_TYPE.value, ox.NamedNode(organ_type))
        for k in range(copies):
            for measure in seed.measures.values():
                copy = f"{measure.iri}-s{i:03d}-{k}"
                add(copy, RDF_TYPE.value, ox.NamedNode(ZF + "Measure"))
                add(copy, LABEL.value, ox.Literal(measure.zh, language="zh"))
                for organ_iri in measure.organs:
                    add(copy, ZF + "adoptedBy", ox.NamedNode(f"{organ_iri}-s{i:03d}"))
                for concept in measure.implements:
                    add(copy, ZF + "implements", ox.NamedNode(concept))
                for quote in measure.quotes:
                    add(copy, "http://www.w3.org/ns/prov#wasDerivedFrom", ox.NamedNode(quote.evidence))
    store.extend(quads)
    return store, len(store)


def report(title: str, rows: list[tuple[str, float]]) -> None:
    print(f"\n{title}")
    width = max(len(name) for name, _ in rows)
    for name, seconds in rows:
        print(f"  {name:<{width}}  {seconds:8.3f} s")


def bench(label: str, source: Any, repeat: int, heatmaps: bool = True) -> None:
    data = compare.load(source)
    rows = [("load (SPARQL → data)", median_seconds(lambda: compare.load(source), repeat))]
    by_category = compare.build_matrix(data)
    by_mechanism = compare.build_matrix(data, by="mechanism")
    column = data.provinces[0].zh
    rows += [
        ("matrix --by category", median_seconds(lambda: compare.build_matrix(data), repeat)),
        ("matrix --by mechanism", median_seconds(lambda: compare.build_matrix(data, by="mechanism"), repeat)),
        ("matrix --across organ-type", median_seconds(lambda: compare.build_matrix(data, across="organ-type"), repeat)),
        ("explain one cell", median_seconds(lambda: compare.explain(data, column, "统一标准与办案指引"), repeat)),
        (
            "similarity (both levels)",
            median_seconds(lambda: [compare.similarity(m) for m in (by_category, by_mechanism)], repeat),
        ),
        ("html (category)", median_seconds(lambda: compare.render_matrix(by_category, "html", data=data), repeat)),
    ]
    if heatmaps:
        rows += [
            ("heatmap png (category)", median_seconds(lambda: compare.heatmap(by_category, "png"), repeat)),
            ("heatmap svg (category)", median_seconds(lambda: compare.heatmap(by_category, "svg"), repeat)),
            ("heatmap png (mechanism)", median_seconds(lambda: compare.heatmap(by_mechanism, "png"), repeat)),
        ]
    with tempfile.TemporaryDirectory() as folder:
        for network in ("organ-mechanism", "full"):
            rows.append((f"analyze {network}", median_seconds(lambda n=network: analyze.analyze(data, n), repeat)))
        full = analyze.analyze(data, "full").graph
        for suffix in (".graphml", ".gexf"):
            rows.append(
                (
                    f"export full{suffix}",
                    median_seconds(lambda s=suffix: analyze.export(full, Path(folder) / f"g{s}"), repeat),
                )
            )
    measures, provinces = len(data.measures), len(data.provinces)
    report(f"{label}: {measures} measures, {provinces} provinces, {len(data.organs)} organs", rows)


#: About how many triples the shipped ontology, facts and seed metadata add to every generated graph.
SHIPPED_TRIPLES = 9_000


def child_cpu(command: list[str]) -> float:
    """CPU seconds (user + system) of one child process run to completion."""
    import resource
    import subprocess

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def generated(sizes: str, repeat: int, workdir: Path | None) -> None:
    """`kg compare` processes on stores of generated graphs of each size."""
    import statistics
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from generate import generate, parse_size

    kg = [sys.executable, "-m", "kg"]
    with tempfile.TemporaryDirectory() as tmp:
        base = workdir or Path(tmp)
        for size in (parse_size(s) for s in sizes.split(",")):
            folder = base / f"compare-{size}"
            folder.mkdir(parents=True, exist_ok=True)
            if (folder / "graph.ttl").exists():  # made by an earlier run with --workdir: same seed, same bytes
                summary = {"triples": "reused"}
            else:
                summary = generate(max(1_000, size - SHIPPED_TRIPLES), folder / "graph.ttl", folder / "seeds")
            store_dir = folder / "store"
            shutil.rmtree(store_dir, ignore_errors=True)
            store = ox.Store(str(store_dir))
            for path in [*source_files(), folder / "graph.ttl"]:
                store.bulk_load(path=str(path), format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())
            store.flush()
            triples = len(store)
            del store
            count = "import pyoxigraph as ox, sys; s = ox.Store.read_only(sys.argv[1]); "
            count += "print(next(iter(s.query('SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }')))[0])"
            commands = {
                "kg compare --format csv": [*kg, "compare", "--format", "csv", "--store", str(store_dir)],
                "kg compare (table, totals and basis)": [*kg, "compare", "--store", str(store_dir)],
                "kg compare --by mechanism --format csv": [
                    *kg,
                    "compare",
                    "--by",
                    "mechanism",
                    "--format",
                    "csv",
                    "--store",
                    str(store_dir),
                ],
                "kg compare --count measures --format csv": [
                    *kg,
                    "compare",
                    "--count",
                    "measures",
                    "--format",
                    "csv",
                    "--store",
                    str(store_dir),
                ],
                "kg compare --explain (one cell)": [
                    *kg,
                    "compare",
                    "--explain",
                    "zfr:province-hunan",
                    "统一标准与办案指引",
                    "--store",
                    str(store_dir),
                ],
                "raw pyoxigraph: open + count": [sys.executable, "-c", count, str(store_dir)],
            }
            rows = [(name, statistics.median(child_cpu(c) for _ in range(repeat))) for name, c in commands.items()]
            report(
                f"generated graph: {triples} triples in the store ({summary['triples']} generated), CPU seconds", rows
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--generated", help="sizes such as 100k,1M: time kg compare processes on generated graphs")
    parser.add_argument("--workdir", type=Path, help="keep the generated graphs and stores here")
    args = parser.parse_args()
    if args.generated:
        generated(args.generated, args.repeat, args.workdir)
        return
    with tempfile.TemporaryDirectory() as folder:
        built = build(out_dir=Path(folder), validate=False)
        store = open_store(built.outputs["store"])
        bench("seed graph, built Oxigraph store", store, args.repeat)
        bench("seed graph, rdflib memory store", open_graph(backend="memory"), args.repeat, heatmaps=False)
    started = time.perf_counter()
    synthetic, triples = synthetic_store(args.provinces, args.copies)
    print(f"\nsynthetic store: {triples} triples, made in {time.perf_counter() - started:.1f} s")
    bench(
        f"synthetic ({args.provinces} provinces × {args.copies} copies), in-memory Oxigraph",
        synthetic,
        max(1, args.repeat // 2),
    )


if __name__ == "__main__":
    main()
