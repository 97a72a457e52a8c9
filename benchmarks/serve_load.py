"""A bounded load on ``kg serve``: N concurrent clients for a fixed time, every answer checked.

    python benchmarks/serve_load.py                      # 8 clients, 20 s, the seed graph
    python benchmarks/serve_load.py --clients 16 --seconds 60 --store dist/store

The server is a real ``kg serve`` process on a loopback port; the clients are
asyncio tasks over keep-alive HTTP connections, each cycling through a mix of
what users do: SPARQL queries (shipped queries by GET, a small query by form
POST, a CONSTRUCT in Turtle), entity pages in HTML and Turtle, search, the home
page and the query editor. A request counts as an error unless it answers 200
with a body. Prints requests per second and latency percentiles (overall and
per kind) as a Markdown table; exits 1 if any request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import httpx

from kg.query import shipped_query
from kg.serve.background import serving


@dataclass(frozen=True)
class Call:
    kind: str
    method: str
    path: str
    params: dict[str, str] | None = None
    data: dict[str, str] | None = None
    accept: str = "*/*"


def workload() -> list[Call]:
    sparql = "application/sparql-results+json"
    return [
        Call("sparql", "GET", "/sparql", {"query": shipped_query("province-category-matrix").text}, accept=sparql),
        Call("page", "GET", "/id/province-hunan", accept="text/html"),
        Call("sparql", "GET", "/sparql", {"query": shipped_query("figures").text}, accept=sparql),
        Call("page", "GET", "/search", {"q": "检察"}, accept="text/html"),
        Call("sparql", "POST", "/sparql", data={"query": "SELECT ?p ?n WHERE { ?p a zf:Province ; zf:shortName ?n }"}),
        Call("page", "GET", "/id/measure-jiangsu-mandatory-similar-case-search", accept="text/html"),
        Call("sparql", "GET", "/sparql", {"query": shipped_query("provinces").text}, accept="text/csv"),
        Call("page", "GET", "/id/organ-jiangsu-courts", accept="text/turtle"),
        Call(
            "sparql",
            "GET",
            "/sparql",
            {
                "query": "CONSTRUCT { ?m ?p ?o } WHERE { ?m a zf:Measure ; zf:adoptedBy zfr:organ-jiangsu-courts ; ?p ?o }"
            },
            accept="text/turtle",
        ),
        Call("page", "GET", "/", accept="text/html"),
        Call("page", "GET", "/query", {"name": "province-measures"}, accept="text/html"),
    ]


@dataclass
class Sample:
    kind: str
    seconds: float
    ok: bool
    detail: str


async def client(base: str, calls: list[Call], offset: int, deadline: float, samples: list[Sample]) -> None:
    async with httpx.AsyncClient(base_url=base, timeout=60) as http:
        i = offset
        while time.monotonic() < deadline:
            call = calls[i % len(calls)]
            i += 1
            started = time.perf_counter()
            try:
                response = await http.request(
                    call.method, call.path, params=call.params, data=call.data, headers={"Accept": call.accept}
                )
                ok = response.status_code == 200 and len(response.content) > 0
                detail = f"{response.status_code} {call.path}"
            except httpx.HTTPError as exc:
                ok, detail = False, f"{type(exc).__name__} {call.path}"
            samples.append(Sample(call.kind, time.perf_counter() - started, ok, detail))


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def row(name: str, samples: list[Sample], seconds: float) -> str:
    ms = [s.seconds * 1000 for s in samples]
    errors = sum(not s.ok for s in samples)
    return (
        f"| {name} | {len(samples)} | {errors} | {len(samples) / seconds:.1f} | {percentile(ms, 50):.0f} | "
        f"{percentile(ms, 90):.0f} | {percentile(ms, 99):.0f} | {max(ms, default=float('nan')):.0f} |"
    )


async def load(base: str, clients: int, seconds: float) -> tuple[list[Sample], float]:
    calls = workload()
    samples: list[Sample] = []
    started = time.monotonic()
    deadline = started + seconds
    await asyncio.gather(*(client(base, calls, i * 3, deadline, samples) for i in range(clients)))
    return samples, time.monotonic() - started


def seed_store(folder: Path) -> Path:
    """The seed graph as a store (what `kg build` leaves in dist/store, without the validation)."""
    from kg.serialize import to_ntriples
    from kg.sources import load_sources, source_files
    from kg.store import write_store

    path = folder / "store"
    write_store(path, to_ntriples(load_sources(source_files()).graph).encode("utf-8"))
    return path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--store", type=Path, help="a built store (default: the seed graph, built here)")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds of load before measuring")
    parser.add_argument("--server-option", action="append", default=[], help="passed to kg serve (repeatable)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = args.store or seed_store(Path(tmp))
        with serving(store, args.server_option) as base:
            asyncio.run(load(base, args.clients, args.warmup))
            samples, elapsed = asyncio.run(load(base, args.clients, args.seconds))
    print(f"{args.clients} clients, {elapsed:.1f} s, {len(samples)} requests against kg serve on loopback\n")
    print("| requests | count | errors | per second | p50 ms | p90 ms | p99 ms | max ms |")
    print("|---|---|---|---|---|---|---|---|")
    print(row("all", samples, elapsed))
    for kind in ("sparql", "page"):
        print(row(kind, [s for s in samples if s.kind == kind], elapsed))
    failures = [s.detail for s in samples if not s.ok]
    if failures:
        print(f"\n{len(failures)} failed requests, e.g. {sorted(set(failures))[:5]}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
