"""Where `kg build` spends its time, in process: CPU and wall of each stage on its thread, the process's.

    python benchmarks/build_stages.py DATA OUT [--validate]

DATA holds ``graph.ttl`` and ``seeds/`` (as benchmarks/generate.py writes
them); OUT is a scratch output folder. Builds with ``force=True``; without
``--validate`` only the write side is timed (docs/benchmarks.md, "The write
side of kg build"), with it also the validation's threads (the in-memory
load, the SPARQL checks, the quote check, the VoID counts). Each stage is
printed with the CPU of its own thread (``time.thread_time``), its wall time
and when it started and ended, in start order: where the threads overlap.
"""

from __future__ import annotations

import resource
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kg.build as build_module
import kg.store as store_module
import kg.validate as validate_module

#: label → (thread CPU, wall, start, end), seconds since the build started.
STAGES: dict[str, tuple[float, float, float, float]] = {}
STARTED = time.perf_counter()


def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            end = time.perf_counter()
            name = label.format(thread=threading.current_thread().name)
            STAGES[name] = (time.thread_time() - cpu, end - wall, wall - STARTED, end - STARTED)

    return run


def main(data: Path, out: Path, validate: bool) -> None:
    global STARTED
    for name, label in (
        ("parse_sources_quads", "parse the sources"),
        ("canonical_exports", "labels, order, exports"),
        ("_write_generation", "write files, wait for the store, void.ttl"),
    ):
        setattr(build_module, name, timed(label, getattr(build_module, name)))
    store_module.SourcesLoad._load = timed(
        "[store thread] load (+ VoID counts without --validate)", store_module.SourcesLoad._load
    )  # type: ignore[method-assign]
    checks = validate_module.SourcesValidation
    checks.report = timed("literal check, wait for the checks", checks.report)  # type: ignore[method-assign]
    checks._check_quotes = timed("[validation] quote check", checks._check_quotes)  # type: ignore[method-assign]
    checks._count = timed("[validation] VoID counts", checks._count)  # type: ignore[method-assign]
    store_module.load_sources_into = timed("[{thread}] load the sources", store_module.load_sources_into)
    shapes = checks._may_fail
    checks._may_fail = lambda self, check: timed(f"[validation] {check.shape}", shapes)(self, check)  # type: ignore[method-assign]
    before, STARTED = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    result = build_module.build(
        include=[data / "graph.ttl"], out_dir=out, validate=validate, force=True, seed_dirs=[data / "seeds"]
    )
    after = resource.getrusage(resource.RUSAGE_SELF)
    for label, (cpu, wall, start, end) in sorted(STAGES.items(), key=lambda item: item[1][2]):
        print(f"{label:60s} cpu {cpu:6.2f}  wall {wall:6.2f}  from {start:6.2f} to {end:6.2f}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"{'build() (process)':60s} cpu {cpu:6.2f}  wall {time.perf_counter() - STARTED:6.2f}  triples {result.triples}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]), "--validate" in sys.argv[3:])
