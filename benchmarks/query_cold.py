"""Cold `kg query --name NAME`: wall time of a fresh process per run, and what it imports.

    python benchmarks/query_cold.py                  # every shipped query, 15 runs each, on a fresh seed build
    python benchmarks/query_cold.py --runs 31 --names figures speakers --store dist/store

Each run starts a new process running the ``kg`` command (the console script
beside this Python, or ``python -m kg`` when there is none), so it pays for
the interpreter, the imports, opening the store and the query, as a user does.
Prints the median, fastest and slowest wall time and the median CPU time per
query (on a busy machine wall time is inflated by waiting for a CPU; CPU time
is not), the baselines (``python -c pass``, ``kg --help``), and whether pyvis,
networkx or pyshacl were imported (they must not be).
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 0.35
HEAVY = ("pyvis", "networkx", "pyshacl")


def kg_command() -> list[str]:
    script = Path(sysconfig.get_path("scripts")) / "kg"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "kg"]


def timed(command: list[str], runs: int) -> tuple[list[float], list[float]]:
    """Wall and CPU (user + system) seconds of ``runs`` fresh processes running ``command``."""
    walls, cpus = [], []
    for _ in range(runs):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed: {done.stderr.decode()[-500:]}")
    return walls, cpus


def heavy_imports(store: Path, name: str) -> list[str]:
    """Top-level packages among HEAVY that `kg query --name NAME` imports."""
    program = (
        "import atexit, sys\n"
        "atexit.register(lambda: sys.stderr.write('MODULES ' + ' '.join({m.split('.')[0] for m in sys.modules})))\n"
        f"sys.argv = ['kg', 'query', '--name', {name!r}, '--store', {str(store)!r}, '--format', 'csv']\n"
        "from kg.cli import main\n"
        "main()\n"
    )
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, check=True)
    loaded = set(done.stderr.split("MODULES ", 1)[1].split())
    return [package for package in HEAVY if package in loaded]


PHASES = """
import time, sys
clock = time.process_time
t0 = clock()
import kg.cli
t1 = clock()
import typer._adapters  # typer coerces every option through pydantic
t2 = clock()
from kg.query import Session
t3 = clock()
result = Session(store=sys.argv[1], isolate=False).run(sys.argv[2])
t4 = clock()
result.serialize("table")
t5 = clock()
print(t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)
"""


def phases(store: Path, name: str, runs: int) -> list[float]:
    """Median CPU seconds of: importing kg.cli, typer's pydantic layer, kg.query, the query, the table."""
    samples = []
    for _ in range(runs):
        done = subprocess.run(
            [sys.executable, "-c", PHASES, str(store), name], capture_output=True, text=True, check=True
        )
        samples.append([float(x) for x in done.stdout.split()])
    return [statistics.median(column) for column in zip(*samples, strict=True)]


def build_seed(folder: Path) -> Path:
    from kg.build import build

    return build(out_dir=folder, validate=False).outputs["store"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=15, help="fresh processes per query (default 15)")
    parser.add_argument("--store", type=Path, help="a built store (default: build the seed graph into a temp folder)")
    parser.add_argument("--names", nargs="*", help="shipped queries to time (default: all)")
    args = parser.parse_args()

    from kg.query import shipped_queries

    names = args.names or [q.name for q in shipped_queries()]
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or build_seed(Path(tmp) / "dist")
        kg = kg_command()
        print(f"command: {' '.join(kg)} query --name NAME --store STORE  ({args.runs} fresh processes each)")
        print(f"machine: {os.cpu_count()} CPUs, load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        median = statistics.median
        base_wall, base_cpu = timed([sys.executable, "-c", "pass"], args.runs)
        help_wall, help_cpu = timed([*kg, "--help"], args.runs)
        print(
            f"baseline medians: python -c pass {median(base_wall):.3f} s wall / {median(base_cpu):.3f} s CPU; "
            f"kg --help {median(help_wall):.3f} s wall / {median(help_cpu):.3f} s CPU"
        )
        print(f"{'query':34} {'wall median':>11} {'min':>6} {'max':>6} {'CPU median':>10}  heavy imports")
        medians = []
        for name in names:
            walls, cpus = timed([*kg, "query", "--name", name, "--store", str(store), "--format", "csv"], args.runs)
            medians.append(median(walls))
            heavy = ", ".join(heavy_imports(Path(store), name)) or "none"
            print(f"{name:34} {median(walls):11.3f} {min(walls):6.3f} {max(walls):6.3f} {median(cpus):10.3f}  {heavy}")
        split = phases(Path(store), names[0], args.runs)
        print(
            f"CPU split for {names[0]} (medians, in-process): import kg.cli {split[0]:.3f} s, typer's pydantic layer "
            f"{split[1]:.3f} s, import kg.query {split[2]:.3f} s, the query {split[3]:.3f} s, "
            f"the table {split[4]:.3f} s"
        )
        worst = max(medians)
        verdict = "meets" if worst <= TARGET_SECONDS else "misses"
        print(f"slowest wall median {worst:.3f} s: {verdict} the {TARGET_SECONDS} s target")
    return 0


if __name__ == "__main__":
    sys.exit(main())
