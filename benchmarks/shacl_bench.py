"""How long validation takes on a synthetic graph, as `kg build` runs it and with pySHACL for comparison.

    python benchmarks/shacl_bench.py                         # generate a 100k graph, median of 3 runs
    python benchmarks/shacl_bench.py --graph bench/graph.ttl --runs 5 --pyshacl --per-shape --authored

What is timed first is what `kg build` runs: ``kg.validate.validate_parsed(parsed, ntriples)`` on files
already parsed (the shipped sources plus the synthetic file, and their N-Triples): an in-memory store, the
SPARQL checks of ``kg.conformance`` and the quote check; then the SPARQL checks alone on a loaded store.
``--pyshacl`` also times ``kg.validate.shacl_violations(loaded, shapes_graph())`` (pySHACL, the reference,
which validation falls back to when the checks cannot prove conformance) on a graph already loaded through
``kg.sources.load_sources``, as ``benchmarks/run.py`` times it. Every run reports
wall-clock and CPU seconds (this process and any children, from ``os.times()``);
the medians are what counts. The load average is printed before and after,
since the machine may be shared. ``--authored`` also times pySHACL on the shapes
as written in ``ontology/shapes.ttl`` (each property shape validated per focus
node), for comparison; ``--per-shape`` validates each node shape on its own.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path
from typing import Any

import pyoxigraph as ox
from rdflib import BNode, Graph

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # benchmarks/generate.py
from timing import load_average, measure

import kg.validate
from kg.conformance import compile_shapes, shapes_that_may_fail
from kg.namespaces import RDF, SH, curie
from kg.sources import LoadedSources, load_sources, parse_sources, source_files
from kg.validate import shacl_violations, shapes_graph, validate_parsed

GOAL_SECONDS = 3.0


def one_shape(shapes: Graph, node_shape: Any) -> Graph:
    """The node shape with everything it reaches through blank nodes (its property shapes, lists, …)."""
    sub = Graph()
    for prefix, namespace in shapes.namespaces():
        sub.bind(prefix, namespace, override=True, replace=True)
    todo, seen = [node_shape], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for p, o in shapes.predicate_objects(node):
            sub.add((node, p, o))
            if isinstance(o, BNode):
                todo.append(o)
    return sub


def per_shape(loaded: LoadedSources, shapes: Graph, runs: int) -> None:
    print("per node shape (median wall / CPU seconds):")
    rows = []
    for node_shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        sub = one_shape(shapes, node_shape)
        wall, cpu, _ = measure(lambda s=sub: shacl_violations(loaded, s), runs)
        rows.append((wall, cpu, curie(node_shape) or str(node_shape)))
    for wall, cpu, name in sorted(rows, reverse=True):
        print(f"  {name:40} {wall:6.2f} {cpu:6.2f}")
    print(f"  {'sum':40} {sum(r[0] for r in rows):6.2f} {sum(r[1] for r in rows):6.2f}")


def authored(loaded: LoadedSources, runs: int) -> None:
    """pySHACL on the shapes as written, without `kg.validate.batched_shapes`."""
    batched = kg.validate.batched_shapes
    kg.validate.batched_shapes = lambda shapes: shapes  # type: ignore[assignment]
    try:
        wall, cpu, violations = measure(lambda: shacl_violations(loaded, shapes_graph()), runs, "authored shapes")
    finally:
        kg.validate.batched_shapes = batched  # type: ignore[assignment]
    print(f"authored shapes: median wall {wall:.2f} s, CPU {cpu:.2f} s, {len(violations)} violation(s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="an existing synthetic Turtle file (default: generate one)")
    parser.add_argument("--triples", "-n", type=generate.parse_size, default=100_000, help="size to generate (100k)")
    parser.add_argument("--seed", type=int, default=42, help="generator seed (default 42)")
    parser.add_argument("--runs", type=int, default=3, help="runs per measurement (default 3)")
    parser.add_argument("--seeds-dir", type=Path, help="seed texts of --graph (default: its folder's seeds/)")
    parser.add_argument("--pyshacl", action="store_true", help="also time pySHACL on an rdflib graph")
    parser.add_argument("--per-shape", action="store_true", help="also time each node shape on its own (pySHACL)")
    parser.add_argument("--authored", action="store_true", help="also time pySHACL on the shapes as written")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="shacl-bench-") as tmp:
        graph = args.graph
        if graph is None:
            graph = Path(tmp) / "graph.ttl"
            generate.generate(args.triples, graph, Path(tmp) / "seeds", args.seed)
        seeds = [args.seeds_dir or graph.parent / "seeds"]
        parsed = parse_sources(source_files([graph]))
        ntriples = b"".join(ox.serialize(t, format=ox.RdfFormat.N_TRIPLES) or b"" for _p, t in parsed)
        print(f"{graph}: {sum(len(t) for _p, t in parsed):,} triples with the shipped sources")
        print(f"load average before: {load_average()}")
        wall, cpu, report = measure(lambda: validate_parsed(parsed, ntriples, seeds), args.runs, "validation")
        verdict = "met" if wall <= GOAL_SECONDS else "missed"
        print(
            f"validation as kg build runs it: median wall {wall:.2f} s, CPU {cpu:.2f} s over {args.runs} run(s); "
            f"{len(report.violations)} problem(s), {report.checked_evidence} quotes; "
            f"goal ≤ {GOAL_SECONDS:.0f} s wall: {verdict}"
        )
        store = ox.Store()
        store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
        checks = compile_shapes(shapes_graph())
        wall, cpu, failing = measure(lambda: shapes_that_may_fail(store, checks), args.runs, "SPARQL checks")
        print(f"SPARQL checks alone ({len(checks.shapes)} ASK queries): median wall {wall:.2f} s, CPU {cpu:.2f} s")
        violations = report.violations
        if args.pyshacl or args.authored or args.per_shape:
            loaded = load_sources(source_files([graph]))
        if args.pyshacl:
            wall, cpu, found = measure(lambda: shacl_violations(loaded, shapes_graph()), args.runs, "pySHACL")
            print(f"pySHACL: median wall {wall:.2f} s, CPU {cpu:.2f} s; {len(found)} violation(s)")
        if args.authored:
            authored(loaded, args.runs)
        if args.per_shape:
            per_shape(loaded, shapes_graph(), args.runs)
        print(f"load average after: {load_average()}")
        for v in violations[:10]:
            print(v.to_text())
        if failing:
            print(f"checks that may fail (pySHACL decides): {', '.join(failing)}")
    return 0 if not violations else 1


if __name__ == "__main__":
    sys.exit(main())
