"""Timings of ``kg compare`` and ``kg analyze`` on the seed graph and on a synthetic larger one.

    python benchmarks/compare_bench.py                    # seed graph + 31 provinces × 3 copies
    python benchmarks/compare_bench.py --provinces 31 --copies 10

The synthetic graph copies every measure of the seed graph into made-up
provinces (each with copies of the seed organs), so the taxonomy and the quotes
stay real while the number of measures and columns grows. Prints median
seconds of --repeat runs; figures are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--provinces", type=int, default=31)
    parser.add_argument("--copies", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
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
