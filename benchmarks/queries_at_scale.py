"""Every shipped query on a large store, as a user runs it: whole processes, CPU and wall, medians.

    python benchmarks/queries_at_scale.py STORE                 # every shipped query, default parameters
    python benchmarks/queries_at_scale.py STORE --params        # the parameter cases below instead
    python benchmarks/queries_at_scale.py STORE --runs 1 --names search evidence-of

STORE is a store `kg build` (or `benchmarks/generate.py` and a bulk load) made, e.g. the
million-triple one of `python benchmarks/run.py --quick`. For each query three ways of asking:

* ``page``: ``--format csv --limit 100``, the first page;
* ``table``: the default table, which asks for its first 100 rows (and one more);
* ``whole``: ``--format csv``, every row (what a program reads).

Issue 16's goal is "every shipped query ≤ 1 s at 1M, or paged": CPU seconds (user + system) of
the whole ``kg query`` process, so an answer whose first page (and table) meets it but whose
whole answer does not is "paged". Prints a Markdown table with the load average before and after
and ``python -c pass`` as the anchor (the machine's speed of the moment), and whether the store has
its text index (kg.textindex: ``kg build`` writes it; a store bulk-loaded by hand has none, and
``python -c "from kg.textindex import write_text_index; write_text_index('STORE')"`` adds it).
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from query_cold import kg_command

#: Parameter cases: a value naming few things, one naming many, one naming nothing; zfr:province-hunan
#: is one of the curated provinces (on a generated graph 湖南 may name several: use the IRI).
PARAM_CASES = [
    ("evidence-of", "entity=zfr:measure-jiangsu-mandatory-similar-case-search"),
    ("evidence-of", "entity=证人出庭难"),
    ("evidence-of", "entity=强制类案检索"),
    ("figures", "province=zfr:province-hunan"),
    ("measures", "province=zfr:province-hunan"),
    ("measures-by-mechanism", "mechanism=类案检索"),
    ("measures-by-mechanism", "mechanism=zfr:cat-legal-supervision"),
    ("measures-by-mechanism", "mechanism=机制"),
    ("measures-under-heading", "heading=事前"),
    ("measures-using-systems", "province=zfr:province-hunan"),
    ("province-category-matrix", "category=法律监督"),
    ("province-measures", "province=zfr:province-hunan"),
    ("search", "text=类案"),
    ("search", "text=case"),
    ("who-checks-whom", "relation=检察"),
    ("who-checks-whom", "relation=zfr:rel-procuratorial"),
    ("who-checks-whom", "relation=监督"),
    ("who-supervises-whom", "province=zfr:province-hunan"),
]

MODES = {"page": ["--format", "csv", "--limit", "100"], "table": ["--max-width", "200"], "whole": ["--format", "csv"]}


def shipped_names() -> list[str]:
    from kg.query import shipped_queries

    return [query.name for query in shipped_queries()]


def measured(command: list[str], runs: int) -> tuple[float, float, str]:
    """Median CPU (user + system) and wall seconds of ``runs`` processes, and the rows the answer has
    (csv: lines after the header; a table: its last line)."""
    walls, cpus = [], []
    out = ""
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr[-500:]}")
        out = done.stdout
    if "--format" in command:  # csv: a quote may span lines
        rows = str(max(0, len(list(csv.reader(io.StringIO(out)))) - 1))
    else:
        footer = (out.rstrip().splitlines() or ["(0 rows)"])[-1]  # "(7 rows)", "(the first 1000 rows; more follow…"
        count = "".join(c for c in footer.split(";")[0] if c.isdigit())
        rows = f"{count}+" if "more follow" in footer else count
    return statistics.median(cpus), statistics.median(walls), rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("store", type=Path)
    parser.add_argument("--params", action="store_true", help="the parameter cases instead of default parameters")
    parser.add_argument("--names", nargs="*", help="only these queries")
    parser.add_argument("--modes", nargs="*", default=list(MODES), choices=list(MODES))
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args(argv)
    cases = PARAM_CASES if args.params else [(name, "") for name in shipped_names()]
    if args.names:
        cases = [case for case in cases if case[0] in args.names]
    anchor, _, _ = measured([sys.executable, "-c", "pass"], 5)
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    from kg.textindex import TextIndex

    indexed = "with" if TextIndex.of_store(args.store.resolve()) is not None else "without"
    print(f"load average before: {load}; `python -c pass` {anchor:.3f} s CPU; the store {indexed} its text index")
    print("\n| query | parameter | " + " | ".join(f"{mode}: CPU / wall s (rows)" for mode in args.modes) + " |")
    print("|---|---|" + "---:|" * len(args.modes))
    for name, param in cases:
        cells = []
        for mode in args.modes:
            command = [*kg_command(), "query", "--store", str(args.store), "--name", name, "--timeout", "0"]
            command += (["--param", param] if param else []) + MODES[mode]
            cpu, wall, rows = measured(command, args.runs)
            cells.append(f"{cpu:.2f} / {wall:.2f} ({rows})")
        print(f"| `{name}` | {param and f'`{param}`'} | " + " | ".join(cells) + " |", flush=True)
    print(f"\nload average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
