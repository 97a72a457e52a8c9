"""``kg serve``: the SPARQL endpoint and the web explorer."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import SeedsDirOption, StoreOption, reported


@app.command()
def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (0.0.0.0 for every interface).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    store: StoreOption = None,
    base_iri: Annotated[
        str | None,
        typer.Option(
            "--base-iri",
            help="IRI base of the entities this server answers for: /id/X is <BASE id/X>, /def/X is <BASE def/X> "
            "(default: https://w3id.org/zhengfa-kg/, the project's persistent IRIs).",
        ),
    ] = None,
    root_path: Annotated[
        str, typer.Option("--root-path", help="Path prefix when served behind a proxy under a sub-path, e.g. /kg.")
    ] = "",
    timeout: Annotated[float, typer.Option(help="Seconds a SPARQL query may run before it is stopped (503).")] = 10.0,
    max_rows: Annotated[
        int, typer.Option("--max-rows", help="Most rows (or triples) one answer carries; more are cut.")
    ] = 10_000,
    max_body: Annotated[
        int, typer.Option("--max-body", help="Largest request body or query, in bytes (413).")
    ] = 262_144,
    query_memory: Annotated[
        int, typer.Option("--query-memory", help="Megabytes one query may allocate before it is stopped (0: no limit).")
    ] = 1024,
    concurrent_queries: Annotated[
        int, typer.Option("--concurrent-queries", help="Queries run at once; more wait for a slot.")
    ] = 4,
    waiting_queries: Annotated[
        int,
        typer.Option("--waiting-queries", help="Queries that may wait for a slot; one more is answered 503 at once."),
    ] = 16,
    header_timeout: Annotated[
        float,
        typer.Option(
            "--header-timeout",
            help="Seconds a client has to send a request's headers, and as many again for its body; then it is cut off.",
        ),
    ] = 10.0,
    seeds_dir: SeedsDirOption = None,
    cors_origin: Annotated[
        list[str] | None,
        typer.Option(
            "--cors-origin", help="Origin allowed to call the endpoint from a browser (repeatable; default *)."
        ),
    ] = None,
    log_level: Annotated[str, typer.Option("--log-level", help="critical, error, warning, info or debug.")] = "info",
) -> None:
    """Serve the graph: a read-only SPARQL 1.1 endpoint (/sparql), a page for every entity (/id/…) and an explorer
    (/, /query, /graph, /compare, /ontology). Stop it with Ctrl+C."""
    with reported():
        from kg.errors import UsageError
        from kg.namespaces import BASE
        from kg.serve import ServeSettings, run
        from kg.serve.settings import MAX_TIMEOUT

        base_iri = base_iri or BASE
        if not base_iri.endswith(("/", "#")):
            raise UsageError(f"--base-iri must end with / or #: {base_iri!r}")
        for option, value, least in (
            ("--max-rows", max_rows, 1),
            ("--concurrent-queries", concurrent_queries, 1),
            ("--max-body", max_body, 1024),
            ("--waiting-queries", waiting_queries, 0),
            ("--query-memory", query_memory, 0),
        ):
            if value < least:
                raise UsageError(f"{option} must be at least {least}, not {value}")
        # Finite and bounded: inf or 1e12 would overflow the child's wait, nan would refuse every query.
        for name, seconds, fewest in (("--timeout", timeout, 0.0), ("--header-timeout", header_timeout, 0.1)):
            if not (math.isfinite(seconds) and fewest <= seconds <= MAX_TIMEOUT):
                no_limit = " (0: no limit)" if fewest == 0 else ""
                raise UsageError(
                    f"{name} must be a number of seconds from {fewest:g} to {MAX_TIMEOUT:g}{no_limit}, not {seconds:g}"
                )
        settings = ServeSettings(
            store=Path(store) if store else None,
            base_iri=base_iri,
            timeout=timeout,
            max_rows=max_rows,
            max_body=max_body,
            memory_mb=query_memory,
            concurrent_queries=concurrent_queries,
            waiting_queries=waiting_queries,
            header_timeout=header_timeout,
            seed_dirs=[Path(p) for p in seeds_dir or []],
            cors_origins=tuple(cors_origin or ["*"]),
        )
        run(settings, host=host, port=port, root_path=root_path, log_level=log_level)
