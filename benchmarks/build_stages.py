"""Where `kg build`'s write side spends its time, in process: CPU of the main thread per stage, the store thread's, the process's.

    python benchmarks/build_stages.py DATA OUT

DATA holds ``graph.ttl`` and ``seeds/`` (as benchmarks/generate.py writes
them); OUT is a scratch output folder. Builds with ``validate=False`` and
``force=True``, so only the write side is timed (docs/benchmarks.md, "The
write side of kg build").
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import kg.build as build_module
import kg.store as store_module

STAGES: dict[str, tuple[float, float]] = {}


def timed(label: str, function: Callable[..., Any]) -> Callable[..., Any]:
    def run(*args: Any, **kwargs: Any) -> Any:
        cpu, wall = time.thread_time(), time.perf_counter()
        try:
            return function(*args, **kwargs)
        finally:
            STAGES[label] = (time.thread_time() - cpu, time.perf_counter() - wall)

    return run


def main(data: Path, out: Path) -> None:
    for name, label in (
        ("parse_sources", "parse the sources"),
        ("canonical_exports", "labels, order, exports"),
        ("_write_generation", "write files, wait for the store, void.ttl"),
    ):
        setattr(build_module, name, timed(label, getattr(build_module, name)))
    store_module.SourcesLoad._load = timed("[store thread] load + statistics", store_module.SourcesLoad._load)  # type: ignore[method-assign]
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
    result = build_module.build(
        include=[data / "graph.ttl"], out_dir=out, validate=False, force=True, seed_dirs=[data / "seeds"]
    )
    after = resource.getrusage(resource.RUSAGE_SELF)
    for label, (cpu, wall) in STAGES.items():
        print(f"{label:45s} cpu {cpu:6.2f}  wall {wall:6.2f}")
    cpu = after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime
    print(
        f"{'build() (process)':45s} cpu {cpu:6.2f}  wall {time.perf_counter() - started:6.2f}  triples {result.triples}"
    )


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(sys.argv[2]))
