"""How fast ``kg viz`` writes its page: the seed graph, and a synthetic graph of 5,000 nodes.

    python benchmarks/viz_bench.py            # HTML generation (targets: seed ≤ 0.5 s, 5,000 nodes ≤ 1.5 s)
    python benchmarks/viz_bench.py --browser  # also: how long headless Chromium takes to lay the page out

Each figure is the median of --runs runs, from opening the store to the file
written (reading the graph, choosing nodes, rendering, writing atomically).
The synthetic graph comes from benchmarks/generate.py, grown until it holds at
least --nodes drawable nodes, and is drawn whole (no node limit).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox

sys.path.insert(0, str(Path(__file__).resolve().parent))

import generate  # benchmarks/generate.py
from timing import measure

from kg.sources import load_sources, source_files
from kg.store import open_store, write_store
from kg.viz import build_catalog, explore, render_html, select

TARGETS = {"seed": 0.5, "synthetic": 1.5}


def median_seconds(func: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and median CPU seconds (CPU time is steadier on a busy, shared machine)."""
    wall, cpu, _ = measure(func, runs)
    return wall, cpu


def seed_store(folder: Path) -> Path:
    """The seed graph as a built Oxigraph store (what `kg build` leaves in dist/store)."""
    path = folder / "seed-store"
    graph = load_sources(source_files()).graph
    write_store(path, graph.serialize(format="nt", encoding="utf-8"))
    return path


def synthetic_store(folder: Path, nodes: int) -> tuple[Path, int]:
    """A generated graph with at least ``nodes`` drawable nodes, loaded with the ontology into a store."""
    triples = 60_000
    while True:
        turtle = folder / f"synthetic-{triples}.ttl"
        generate.generate(triples, turtle, folder / f"synthetic-{triples}-seeds")
        memory = ox.Store()
        for file in source_files([turtle]):
            memory.bulk_load(path=str(file), format=ox.RdfFormat.TURTLE, base_iri=file.resolve().as_uri())
        drawable = len(build_catalog(memory).nodes)
        if drawable >= nodes:
            path = folder / f"synthetic-store-{triples}"
            write_store(path, memory.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()))
            return path, triples
        triples = int(triples * max(1.05, nodes / drawable))


def page_seconds(store: Path, out: Path) -> Callable[[], object]:
    return lambda: explore(open_store(store), max_nodes=None).write(out)


def stages(store: Path, out: Path) -> dict[str, float]:
    """One run split into its stages."""
    times: dict[str, float] = {}
    start = time.perf_counter()
    catalog = build_catalog(open_store(store))
    times["read + catalog"] = time.perf_counter() - start
    start = time.perf_counter()
    view = select(catalog, max_nodes=None)
    times["select"] = time.perf_counter() - start
    start = time.perf_counter()
    page = render_html(view)
    times["render"] = time.perf_counter() - start
    start = time.perf_counter()
    from kg.serialize import write_atomic

    write_atomic(out, page.encode("utf-8"))
    times["write"] = time.perf_counter() - start
    return times


def browser_settle_seconds(page: Path) -> float:
    """Seconds from navigation until the page says its layout has settled, in headless Chromium."""
    import shutil

    from playwright.sync_api import sync_playwright

    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    url = page.resolve().as_uri()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
        tab = browser.new_page(viewport={"width": 1400, "height": 900})
        tab.route("**/*", lambda route: route.continue_() if route.request.url == url else route.abort())
        start = time.perf_counter()
        tab.goto(url)
        tab.wait_for_selector("body[data-ready=true]", state="attached", timeout=600_000)
        seconds = time.perf_counter() - start
        browser.close()
    return seconds


def cli_seconds(store: Path, out: Path) -> float:
    """The whole command, Python start-up and imports included."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "kg", "viz", "--store", str(store), "-o", str(out), "--max-nodes", "0"],
        check=True,
        capture_output=True,
    )
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per figure (median reported; default 5)")
    parser.add_argument("--nodes", type=int, default=5000, help="nodes in the synthetic graph (default 5000)")
    parser.add_argument("--browser", action="store_true", help="also time the layout in headless Chromium")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="viz-bench-") as tmp:
        folder = Path(tmp)
        cases = {"seed": seed_store(folder)}
        synthetic, triples = synthetic_store(folder, args.nodes)
        cases["synthetic"] = synthetic
        print(f"load average: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} CPUs")
        header = (
            f"{'graph':<10} {'nodes':>6} {'edges':>6} {'triples':>8} {'MB':>5} {'wall s':>7} {'CPU s':>6} {'target':>6}"
        )
        print(header + "  stages (wall s)")
        for name, store in cases.items():
            out = folder / f"{name}.html"
            view = explore(open_store(store), max_nodes=None)
            seconds, cpu = median_seconds(page_seconds(store, out), args.runs)
            parts = stages(store, out)
            size = out.stat().st_size / 1e6
            count = len(open_store(store))
            verdict = "ok" if seconds <= TARGETS[name] else "over target"
            breakdown = ", ".join(f"{k} {v:.3f}" for k, v in parts.items())
            print(
                f"{name:<10} {len(view.nodes):>6} {len(view.edges):>6} {count:>8} {size:>5.2f} "
                f"{seconds:>7.3f} {cpu:>6.3f} {TARGETS[name]:>5.1f}{'' if verdict == 'ok' else '!'}  {breakdown}"
            )
        for name, store in cases.items():
            print(
                f"{name}: whole command (`python -m kg viz`, start-up included): {cli_seconds(store, folder / 'c.html'):.2f} s"
            )
        if args.browser:
            for name in cases:
                seconds = browser_settle_seconds(folder / f"{name}.html")
                print(f"{name}: headless Chromium, load to settled layout: {seconds:.1f} s")
        print(f"(synthetic graph: benchmarks/generate.py --triples {triples})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
