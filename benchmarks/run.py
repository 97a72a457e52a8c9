"""The scaling benchmark: every engine side by side, at several sizes, in one run.

    python benchmarks/run.py --sizes 10k,100k,1M --json bench.json --plot docs/benchmarks-scaling.png
    python benchmarks/run.py --quick      # issue 16's table: cold commands, compare, build, slowest queries

For each size it generates a seeded synthetic graph (``benchmarks/generate.py``)
and measures:

* load: rdflib's memory store (``--backend memory``: ``kg.sources.load_sources``),
  the default embedded Oxigraph store (``kg.store.write_store`` of the graph's
  N-Triples as ``kg build`` exports them, file read included; beside it, one
  ``Store.bulk_load`` per Turtle source file), and a private Virtuoso (``kg push``:
  a Graph Store HTTP Protocol PUT of the whole graph, digest auth);
* every shipped query on the three (``kg.query`` sessions: the store, the
  in-memory graph, ``connect(endpoint=…)``), median of ``--repeat`` runs;
* the commands as a user runs them, each in a fresh process: ``kg build``,
  ``kg validate``, a cold ``kg query`` and ``kg viz``; and, inside
  ``kg validate``, the SHACL part and the quote check on their own.

The memory backend is slow at scale (ENGINES.md: ~15 s a query at 1M), so it
is capped: above ``--memory-all-queries-max`` only the headline queries run on
it, above ``--memory-max`` it is skipped, and each of its queries is stopped
after ``--memory-timeout`` seconds. It prints one table per size and writes
everything (with the machine it ran on) to ``--json``. Benchmarks, not tests:
nothing here asserts a time; the goals are checked and reported.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate import generate, parse_size

from kg.errors import KGError, QueryTimeout
from kg.query import Session, shipped_queries
from kg.serialize import write_atomic

ENGINES = ("memory", "oxigraph", "virtuoso")
#: Queries the memory backend still runs above --memory-all-queries-max.
HEADLINE_QUERIES = ("province-category-matrix", "organtype-category-matrix", "figures")
GOAL_QUERY = "province-category-matrix"
GRAPH_BASE = "https://w3id.org/zhengfa-kg/graph/bench-"


def label(size: int) -> str:
    if size >= 1_000_000 and size % 1_000_000 == 0:
        return f"{size // 1_000_000}M"
    if size >= 1_000 and size % 1_000 == 0:
        return f"{size // 1_000}k"
    return str(size)


def timed(func: Callable[[], Any]) -> tuple[float, Any]:
    started = time.perf_counter()
    value = func()
    return time.perf_counter() - started, value


def repeated(func: Callable[[], Any], repeat: int, budget: float = 60.0) -> tuple[dict[str, float], Any]:
    """Median and best of ``repeat`` runs (the best is the least disturbed by a busy machine).

    Once the runs have taken ``budget`` seconds no more are started: a slow
    measurement is slow enough with one run.
    """
    times, value = [], None
    for _ in range(max(1, repeat)):
        seconds, value = timed(func)
        times.append(seconds)
        if sum(times) > budget:
            break
    return {"seconds": statistics.median(times), "min": min(times), "runs": len(times)}, value


# -- the machine -----------------------------------------------------------------------


def machine() -> dict[str, Any]:
    info: dict[str, Any] = {
        "system": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                info["memory_gb"] = round(int(line.split()[1]) / 1024 / 1024, 1)
        release = Path("/etc/os-release").read_text()
        info["os"] = next(
            (line.split("=", 1)[1].strip('"') for line in release.splitlines() if line.startswith("PRETTY_NAME")), ""
        )
    except OSError:
        pass
    from importlib.metadata import PackageNotFoundError, version

    for package in ("pyoxigraph", "rdflib", "pyshacl", "oxrdflib", "httpx"):
        try:
            info[package] = version(package)
        except PackageNotFoundError:
            info[package] = None
    from kg.virtuoso import virtuoso_binary

    binary = virtuoso_binary()
    if binary:
        done = subprocess.run([binary, "-?"], capture_output=True, text=True, check=False)
        first = next((ln for ln in (done.stdout + done.stderr).splitlines() if "Version" in ln), "")
        info["virtuoso"] = first.strip()
    return info


# -- loading -----------------------------------------------------------------------------


def bulk_load_files(store: Any, files: list[Path]) -> None:
    """One ``bulk_load`` call per source file."""
    from kg.sources import FORMATS

    for path in files:
        store.bulk_load(path=str(path), format=FORMATS[path.suffix], base_iri=path.resolve().as_uri())


def load_oxigraph(files: list[Path], folder: Path) -> None:
    """Bulk-load the source files into a fresh on-disk store, one call per file."""
    import pyoxigraph as ox

    shutil.rmtree(folder, ignore_errors=True)
    store = ox.Store(str(folder))
    bulk_load_files(store, files)
    store.flush()
    del store


def export_ntriples(files: list[Path], target: Path) -> None:
    """The graph as ``kg build`` exports it to graph.nt: sorted, blank-node lines last."""
    import pyoxigraph as ox

    from kg.serialize import ntriples_order

    store = ox.Store()
    bulk_load_files(store, files)
    lines = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()).decode("utf-8").splitlines()
    target.write_text("\n".join(sorted(lines, key=ntriples_order)) + "\n", encoding="utf-8")


def load_default_store(ntriples: Path, folder: Path) -> None:
    """Read graph.nt and write the default store from it, as ``kg build`` does (kg.store.write_store)."""
    from kg.store import write_store

    write_store(folder, ntriples.read_bytes())


def store_triples(folder: Path) -> int:
    import pyoxigraph as ox

    return len(ox.Store.read_only(str(folder)))


# -- one size ----------------------------------------------------------------------------


class Bench:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self.virtuoso: Any = None
        self.password = secrets.token_hex(8)

    def start_virtuoso(self) -> None:
        from kg.virtuoso import Virtuoso, virtuoso_binary

        if self.args.no_virtuoso or virtuoso_binary() is None:
            print("Virtuoso: skipped" + ("" if self.args.no_virtuoso else " (virtuoso-t not installed)"))
            return
        self.virtuoso = Virtuoso(self.work / "virtuoso", password=self.password).start()
        print(f"Virtuoso: private instance at {self.virtuoso.base_url}")

    def stop_virtuoso(self) -> None:
        if self.virtuoso is not None:
            self.virtuoso.stop()

    def run_size(self, size: int) -> dict[str, Any]:
        args = self.args
        name = label(size)
        folder = self.work / name
        folder.mkdir(parents=True, exist_ok=True)
        from kg.sources import default_source_files, parse_file, source_files

        # The shipped ontology, facts and seed metadata come with every graph: generate the rest.
        shipped = sum(len(parse_file(path)) for path in default_source_files())
        print(f"\n== {name}: generating {size - shipped} triples beside the {shipped} shipped ones", flush=True)
        summary = generate(max(1_000, size - shipped), folder / "graph.ttl", folder / "seeds", seed=args.seed)

        files = source_files([folder / "graph.ttl"])
        result: dict[str, Any] = {
            "label": name,
            "target_triples": size,
            # counts only: the report names no folder of this machine
            "generated": {k: v for k, v in summary.items() if k not in ("output", "seeds_dir")},
            "load": {},
            "queries": {},
            "commands": {},
            "notes": [],
        }

        # Oxigraph: the default store, written from graph.nt as `kg build` writes it (several
        # threads); and, for comparison, one bulk load per Turtle source file (one thread).
        store = folder / "store"
        export_ntriples(files, folder / "graph.nt")
        result["load_average"] = [round(x, 2) for x in os.getloadavg()]
        # Counting the triples (a scan of the store) is a check, not part of the load: done once, untimed.
        figures, _ = repeated(lambda: load_default_store(folder / "graph.nt", store), args.repeat)
        triples = result["triples"] = store_triples(store)
        result["load"]["oxigraph"] = figures
        turtle, _ = repeated(lambda: load_oxigraph(files, folder / "store-from-turtle"), args.repeat)
        if store_triples(folder / "store-from-turtle") != triples:
            result["notes"].append("the Turtle load and graph.nt hold different numbers of triples")
        shutil.rmtree(folder / "store-from-turtle", ignore_errors=True)
        result["load_from_turtle"] = turtle
        print(
            f"   {triples} triples; default store {_fmt(figures)} s (from the Turtle sources {_fmt(turtle)} s)",
            flush=True,
        )

        # Virtuoso: kg push.
        graph_iri = GRAPH_BASE + name
        if self.virtuoso is not None:
            from kg.push import push, store_payload

            payload = store_payload(store)
            seconds, _ = timed(
                lambda: push(
                    self.virtuoso.graph_store_url,
                    graph_iri,
                    payload,
                    user="dba",
                    password=self.password,
                    timeout=args.command_timeout,
                )
            )
            result["load"]["virtuoso"] = {"seconds": seconds, "min": seconds, "runs": 1}
            print(f"   Virtuoso push {seconds:.2f} s ({len(payload.data) / 1e6:.0f} MB)", flush=True)

        # Queries on the stores first, while this process is small (each query runs in a
        # forked child, as in `kg query`; a large rdflib graph would make every fork slower).
        self.queries(result, size, self.store_sessions(store, graph_iri), memory=False)

        # Memory: rdflib, through the project's loader.
        loaded = None
        if size <= args.memory_max:
            seconds, loaded = timed(lambda: _load_memory(files))
            result["load"]["memory"] = {"seconds": seconds, "min": seconds, "runs": 1}
            print(f"   memory load {seconds:.2f} s", flush=True)
            memory = Session(backend="memory", graph=loaded.graph, timeout=args.memory_timeout)
            self.queries(result, size, {"memory": memory}, memory=True)
        else:
            result["notes"].append(f"memory backend skipped above {label(args.memory_max)} triples (--memory-max)")
        if loaded is not None and size <= args.shacl_max:
            self.validation_parts(result, loaded, folder / "seeds")
        del loaded
        if not args.no_commands:
            self.commands(result, folder, store)
        return result

    def store_sessions(self, store: Path, graph_iri: str) -> dict[str, Session]:
        sessions = {"oxigraph": Session(store=store, timeout=self.args.query_timeout)}
        if self.virtuoso is not None:
            sessions["virtuoso"] = Session(
                endpoint=self.virtuoso.sparql_url, default_graphs=[graph_iri], timeout=self.args.query_timeout
            )
        return sessions

    def queries(self, result: dict[str, Any], size: int, sessions: dict[str, Session], memory: bool) -> None:
        args = self.args
        for query in shipped_queries():
            row: dict[str, Any] = result["queries"].setdefault(query.name, {})
            for engine, session in sessions.items():
                if memory and size > args.memory_all_queries_max and query.name not in HEADLINE_QUERIES:
                    continue
                limit = args.memory_timeout if memory else args.query_timeout
                try:
                    figures, answer = repeated(lambda s=session, q=query.name: s.run(q), args.repeat)
                    row[engine] = {**figures, "rows": len(answer.rows or answer.triples or [])}
                except QueryTimeout:
                    row[engine] = {"timeout": limit}
                except KGError as exc:
                    row[engine] = {"error": str(exc).splitlines()[0][:300]}
                print(f"   {query.name}: {engine} {_fmt(row[engine])}", flush=True)

    def validation_parts(self, result: dict[str, Any], loaded: Any, seeds: Path) -> None:
        """SHACL and the quote check on their own, on the graph already in memory."""
        import pyoxigraph as ox

        from kg.corpus import load_corpus
        from kg.evidence import check_evidence
        from kg.sources import parse_sources
        from kg.validate import shacl_violations, shapes_graph, validate_parsed

        # What kg build runs: SPARQL checks and the quote check on a store of graph.nt (pySHACL only if needed).
        parsed = parse_sources(loaded.files)
        nt = b"".join(ox.serialize(t, format=ox.RdfFormat.N_TRIPLES) or b"" for _p, t in parsed)
        seconds, report = timed(lambda: validate_parsed(parsed, nt, [seeds]))
        result["commands"]["validation (SPARQL checks + quotes)"] = {
            "seconds": seconds,
            "violations": len(report.violations),
        }
        print(f"   validation (SPARQL checks + quotes) {seconds:.2f} s", flush=True)
        seconds, violations = timed(lambda: shacl_violations(loaded, shapes_graph()))
        result["commands"]["shacl (pyshacl, in process)"] = {"seconds": seconds, "violations": len(violations)}
        print(f"   SHACL {seconds:.2f} s ({len(violations)} violations)", flush=True)
        seconds, problems = timed(lambda: check_evidence(loaded.graph, load_corpus(loaded.graph, [seeds])))
        result["commands"]["quote check (in process)"] = {"seconds": seconds, "problems": len(problems)}
        print(f"   quote check {seconds:.2f} s", flush=True)

    def commands(self, result: dict[str, Any], folder: Path, store: Path) -> None:
        ttl, seeds, out = folder / "graph.ttl", folder / "seeds", folder / "dist"
        kg = [sys.executable, "-m", "kg"]
        steps = [
            ("kg build", [*kg, "build", "--include", str(ttl), "--seeds-dir", str(seeds), "-o", str(out)]),
            ("kg validate", [*kg, "validate", "--include", str(ttl), "--seeds-dir", str(seeds)]),
            (
                "kg query (cold)",
                [*kg, "query", "--store", str(store), "--name", GOAL_QUERY, "--format", "csv", "--timeout", "0"],
            ),
            ("kg viz", [*kg, "viz", "--store", str(store), "-o", str(folder / "graph.html")]),
        ]
        for step, command in steps:
            record: dict[str, Any]
            started = time.perf_counter()
            try:
                done = subprocess.run(
                    command,
                    cwd=folder,
                    capture_output=True,
                    text=True,
                    timeout=self.args.command_timeout,
                    check=False,
                )
                record = {"seconds": time.perf_counter() - started, "exit": done.returncode}
                if done.returncode != 0:
                    record["stderr"] = done.stderr.strip()[-400:]
            except subprocess.TimeoutExpired:
                record = {"timeout": self.args.command_timeout}
            result["commands"][step] = record
            print(f"   {step}: {_fmt(record)}", flush=True)
        shutil.rmtree(out, ignore_errors=True)


def _load_memory(files: list[Path]) -> Any:
    from kg.sources import load_sources

    return load_sources(files)


# -- reporting ---------------------------------------------------------------------------


def _fmt(cell: dict[str, Any] | None) -> str:
    if not cell:
        return "—"
    if "timeout" in cell:
        return f">{cell['timeout']:g} s"
    if "error" in cell:
        return "error"
    seconds = cell["seconds"]
    text = f"{seconds:.3f}" if seconds < 10 else f"{seconds:.1f}"
    if cell.get("exit") not in (None, 0):
        text += f" (exit {cell['exit']})"
    return text


def speedup(row: dict[str, Any]) -> float | None:
    memory, oxigraph = row.get("memory", {}), row.get("oxigraph", {})
    if "seconds" in oxigraph and oxigraph["seconds"] > 0:
        if "seconds" in memory:
            return float(memory["seconds"]) / oxigraph["seconds"]
    return None


def table(result: dict[str, Any]) -> str:
    lines = [
        f"### {result['label']} ({result['triples']:,} triples)",
        "",
        "| | memory (rdflib) | Oxigraph (default) | Virtuoso | rows | memory ÷ Oxigraph |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    load = result["load"]
    ratio = speedup(load)
    lines.append(
        "| **load** | "
        + " | ".join(_fmt(load.get(e)) for e in ENGINES)
        + " | | "
        + (f"{ratio:.0f}×" if ratio else "")
        + " |"
    )
    if "load_from_turtle" in result:
        lines.append(
            f"| load, Oxigraph from the Turtle sources (one thread) | | {_fmt(result['load_from_turtle'])} | | | |"
        )
    for name, row in result["queries"].items():
        rows = {cell.get("rows") for cell in row.values() if "rows" in cell}
        shown_rows = "/".join(str(r) for r in sorted(rows)) if rows else ""
        ratio = speedup(row)
        lines.append(
            f"| {name} | "
            + " | ".join(_fmt(row.get(e)) for e in ENGINES)
            + f" | {shown_rows} | "
            + (f"{ratio:.0f}×" if ratio else "")
            + " |"
        )
    if result["commands"]:
        lines += ["", "| command | seconds |", "|---|---:|"]
        lines += [f"| {step} | {_fmt(record)} |" for step, record in result["commands"].items()]
    if result["notes"]:
        lines += [""] + [f"- {note}" for note in result["notes"]]
    return "\n".join(lines)


def goals(results: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The issue's goals, checked against this run's figures."""
    by_label = {r["label"]: r for r in results}
    checked: list[dict[str, Any]] = []
    big, mid = by_label.get("1M"), by_label.get("100k")
    if big:
        load = big["load"].get("oxigraph", {})
        checked.append(
            {
                "goal": "1M triples load into the default store ≤ 3 s",
                "value": load.get("seconds"),
                "best": load.get("min"),
                "met": load.get("seconds", 1e9) <= 3,
            }
        )
        row = big["queries"].get(GOAL_QUERY, {})
        cell = row.get("oxigraph", {})
        if "seconds" in cell:
            checked.append(
                {
                    "goal": "province × category at 1M ≤ 0.3 s",
                    "value": cell["seconds"],
                    "best": cell["min"],
                    "met": cell["seconds"] <= 0.3,
                }
            )
        ratio = speedup(row)
        memory, lower_bound = row.get("memory", {}), False
        if ratio is None and "timeout" in memory and cell.get("seconds"):
            # rdflib was stopped at its time limit: the limit gives a lower bound of the ratio.
            ratio, lower_bound = float(memory["timeout"]) / cell["seconds"], True
        checked.append(
            {
                "goal": "province × category at 1M ≥ 50× faster than the memory backend",
                "value": ratio,
                "lower_bound": lower_bound,
                "met": ratio is not None and ratio >= 50,
            }
        )
    if mid:
        shacl = mid["commands"].get("validation (SPARQL checks + quotes)", {}).get("seconds")
        checked.append(
            {"goal": "SHACL validation at 100k ≤ 3 s", "value": shacl, "met": shacl is not None and shacl <= 3}
        )
    return checked


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k,1M", help="comma-separated sizes (default 10k,100k,1M)")
    parser.add_argument("--json", type=Path, help="write every figure here")
    parser.add_argument("--plot", type=Path, help="write a PNG of time against size per engine here")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is kept (default 3)")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--workdir", type=Path, help="keep the generated graphs and stores here (default: a temp dir)")
    parser.add_argument("--no-virtuoso", action="store_true", help="leave Virtuoso out")
    parser.add_argument("--no-commands", action="store_true", help="leave out kg build/validate/query/viz")
    parser.add_argument("--memory-max", type=parse_size, default=parse_size("1M"), help="largest size for rdflib")
    parser.add_argument(
        "--memory-all-queries-max",
        type=parse_size,
        default=parse_size("100k"),
        help="above this size rdflib runs only the headline queries",
    )
    parser.add_argument("--memory-timeout", type=float, default=300.0, help="seconds per rdflib query")
    parser.add_argument("--query-timeout", type=float, default=120.0, help="seconds per query on Oxigraph and Virtuoso")
    parser.add_argument("--shacl-max", type=parse_size, default=parse_size("100k"), help="largest size for SHACL alone")
    parser.add_argument("--command-timeout", type=float, default=3600.0, help="seconds per command or upload")
    parser.add_argument(
        "--quick",
        action="store_true",
        help="only the speed table of issue 16 (benchmarks/quick.py): cold commands, compare, build, slowest queries",
    )
    parser.add_argument("--quick-runs", type=int, default=5, help="with --quick: runs per cold command (default 5)")
    parser.add_argument("--quick-no-1m", action="store_true", help="with --quick: stop at 100k triples")
    args = parser.parse_args(argv)
    if args.quick:
        from quick import main as quick_main

        return quick_main(runs=args.quick_runs, workdir=args.workdir, big=not args.quick_no_1m)
    # On SIGTERM, unwind normally: the private Virtuoso must be stopped.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sizes = [parse_size(s) for s in args.sizes.split(",") if s.strip()]

    work = args.workdir or Path(tempfile.mkdtemp(prefix="kg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    settings = {k: (v.name if isinstance(v, Path) else v) for k, v in vars(args).items()}
    report: dict[str, Any] = {"machine": machine(), "settings": settings}
    print(json.dumps(report["machine"], ensure_ascii=False))
    bench = Bench(args, work)
    results: list[dict[str, Any]] = []
    started = time.perf_counter()
    try:
        bench.start_virtuoso()
        for size in sizes:
            results.append(bench.run_size(size))
            report["sizes"] = results
            if args.json:  # written after every size, so a long run leaves its figures behind
                write_atomic(args.json, json.dumps(report, ensure_ascii=False, indent=1))
    finally:
        bench.stop_virtuoso()
        if args.workdir is None:
            shutil.rmtree(work, ignore_errors=True)
    report["sizes"] = results
    report["goals"] = goals(results)
    report["machine"]["load_average_at_end"] = [round(x, 2) for x in os.getloadavg()]
    report["seconds"] = time.perf_counter() - started
    print()
    for result in results:
        print(table(result))
        print()
    for goal in report["goals"]:
        value = goal["value"]
        shown = "n/a" if value is None else f"{value:.3g}"
        best = f" (best of runs {goal['best']:.3g})" if goal.get("best") is not None else ""
        shown = f"≥ {shown}" if goal.get("lower_bound") else shown
        print(f"{'met   ' if goal['met'] else 'MISSED'}  {goal['goal']}: {shown}{best}")
    if args.json:
        write_atomic(args.json, json.dumps(report, ensure_ascii=False, indent=1))
    if args.plot:
        from plot import plot

        plot(report, args.plot)
        print(f"plot: {args.plot}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
