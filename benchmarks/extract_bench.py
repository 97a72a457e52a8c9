"""Timings and quality of ``kg extract`` and ``kg add-source``.

    python benchmarks/extract_bench.py              # seed article, scaling up to ~10 MB, add-source
    python benchmarks/extract_bench.py --quick      # seed article and a 1M-character text only

Quality is the agreement of a blind draft of the seed article (no linking to
curated entities) with the curated graph, computed as in the tests. Scaling
runs each text size in a fresh process (the seed repeated N times) and reports
wall seconds for extraction and for writing the Turtle draft, the number of
candidates, and the process's peak resident memory. Figures go to
docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from timing import median_seconds

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c6000f12c74fa8d8.txt"


def one_size(copies: int) -> dict[str, Any]:
    """Run in a child process: draft the seed repeated ``copies`` times, with no character limit."""
    from kg.extract import Knowledge, read_source
    from kg.extract.extractor import extract
    from kg.extract.turtle import to_turtle

    knowledge = Knowledge.load(link=True)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.txt"
        path.write_bytes(SEED.read_bytes() * copies)
        started = time.perf_counter()
        source = read_source(path, max_chars=None)
        draft = extract(source, knowledge)
        extracted = time.perf_counter() - started
        started = time.perf_counter()
        turtle = to_turtle(draft, knowledge.provinces)
        written = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "copies": copies,
        "mb": round(path_size(copies) / 1e6, 1),
        "characters": draft.characters,
        "candidates": len(draft.candidates),
        "extract_s": round(extracted, 2),
        "turtle_s": round(written, 2),
        "turtle_mb": round(len(turtle.encode()) / 1e6, 1),
        "peak_rss_mb": round(peak_kib / 1024),
    }


def path_size(copies: int) -> int:
    return SEED.stat().st_size * copies


def seed_article(repeat: int) -> None:
    from kg.extract import Knowledge, extract, read_source
    from kg.extract.evaluate import evaluate
    from kg.extract.report import to_json, to_markdown
    from kg.extract.turtle import to_turtle
    from kg.sources import load_sources, source_files

    graph_seconds = median_seconds(lambda: load_sources(source_files()).graph, repeat)
    graph = load_sources(source_files()).graph
    knowledge = Knowledge.from_graph(graph, link=True)
    source = read_source(SEED)
    draft = extract(source, knowledge)
    print(f"seed article: {draft.characters} characters, {len(draft.candidates)} candidates {draft.counts()}")
    print(f"  load the graph (ontology + facts + seeds):  {graph_seconds:.3f} s")
    print(
        f"  knowledge from the graph (link):           {median_seconds(lambda: Knowledge.from_graph(graph), repeat):.3f} s"
    )
    print(
        f"  extract:                                   {median_seconds(lambda: extract(source, knowledge), repeat):.3f} s"
    )
    print(
        f"  write ttl:                                 {median_seconds(lambda: to_turtle(draft, knowledge.provinces), repeat):.3f} s"
    )
    print(f"  write json:                                {median_seconds(lambda: to_json(draft), repeat):.3f} s")
    print(f"  write md:                                  {median_seconds(lambda: to_markdown(draft), repeat):.3f} s")
    cli = median_seconds(
        lambda: subprocess.run(
            [sys.executable, "-m", "kg", "extract", str(SEED), "-f", "md"], capture_output=True, check=True
        ),
        repeat,
    )
    print(f"  `kg extract seed -f md` (whole process):   {cli:.3f} s")
    blind = extract(source, Knowledge.from_graph(graph, link=False))
    print("\nagreement of a blind draft with the curated graph:")
    print(evaluate(blind, graph).to_text())


def scaling(sizes: list[int]) -> None:
    print("\nscaling (the seed repeated; each size in a fresh process, no character limit):")
    print(
        f"{'copies':>7} {'MB':>6} {'chars':>10} {'cands':>8} {'extract s':>10} {'ttl s':>7} {'ttl MB':>7} {'peak RSS MB':>12}"
    )
    for copies in sizes:
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(copies)], capture_output=True, text=True, check=True
        ).stdout
        r = json.loads(out)
        print(
            f"{r['copies']:>7} {r['mb']:>6} {r['characters']:>10} {r['candidates']:>8} {r['extract_s']:>10} "
            f"{r['turtle_s']:>7} {r['turtle_mb']:>7} {r['peak_rss_mb']:>12}"
        )


def refusal() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        big = Path(tmp) / "big.txt"
        big.write_bytes(SEED.read_bytes() * 620)
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "kg", "extract", str(big)], capture_output=True, text=True)
        seconds = time.perf_counter() - started
    print(
        f"\n10 MB text with the default limit: exit {result.returncode} in {seconds:.2f} s: {result.stderr.strip()[:90]}…"
    )


def add_source_timing() -> None:
    from kg.add_source import add_source

    text = "政法工作推进会发言摘登\n\n浙江省人民检察院检察长张某\n\n今年以来,浙江检察机关办理案件1200件。\n"
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "speech.txt"
        path.write_text(text, encoding="utf-8")
        started = time.perf_counter()
        add_source(path, title="t", publisher="法制网", issued="2021-03-02", seeds=Path(tmp) / "a")
        validated = time.perf_counter() - started
        path.write_text(text + "补充。\n", encoding="utf-8")
        started = time.perf_counter()
        add_source(path, title="t", publisher="法制网", issued="2021-03-02", seeds=Path(tmp) / "b", validate=False)
        unvalidated = time.perf_counter() - started
    print(
        f"\nkg add-source: {validated:.2f} s with validation (SHACL over the whole graph), {unvalidated:.2f} s without"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(one_size(args.one)))
        return
    seed_article(args.repeat)
    scaling([1, 40, 180] if args.quick else [1, 10, 40, 180, 620])
    refusal()
    add_source_timing()


if __name__ == "__main__":
    main()
