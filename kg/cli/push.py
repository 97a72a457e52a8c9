"""``kg push``: upload the built graph to a remote triple store (Graph Store HTTP Protocol)."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli import app
from kg.cli.common import StoreOption, reported

if TYPE_CHECKING:
    from kg.push import Payload, Progress, PushResult

#: Above this size a progress bar is worth showing (on a terminal).
PROGRESS_FROM_BYTES = 2_000_000


@app.command()
def push(
    endpoint: Annotated[
        str,
        typer.Option(
            "--endpoint",
            "-e",
            help="Graph Store HTTP Protocol URL, e.g. http://HOST:8890/sparql-graph-crud-auth (Virtuoso) "
            "or http://HOST:7878/store (Oxigraph server).",
        ),
    ],
    graph: Annotated[str, typer.Option("--graph", "-g", help="IRI of the named graph to replace.")],
    user: Annotated[
        str | None, typer.Option("--user", "-u", help="Login name; the password comes from --password-env or a prompt.")
    ] = None,
    password_env: Annotated[
        str, typer.Option("--password-env", help="Environment variable holding the password.")
    ] = "KG_PASSWORD",
    auth: Annotated[
        str, typer.Option("--auth", help="auto (answer the server's challenge), digest or basic.")
    ] = "auto",
    store: StoreOption = None,
    file: Annotated[
        Path | None,
        typer.Option("--file", "-f", help="Push this RDF file instead of the built store (e.g. dist/graph.nt)."),
    ] = None,
    timeout: Annotated[
        float,
        typer.Option("--timeout", help="Seconds the whole upload may take (connect, send, answer), at most 86400."),
    ] = 300.0,
    progress: Annotated[
        bool | None,
        typer.Option(
            "--progress/--no-progress", help="Show a progress bar (default: on a terminal, for large graphs)."
        ),
    ] = None,
) -> None:
    """Replace a named graph on a remote triple store with the built graph (HTTP PUT, Digest or Basic auth).

    The password is never a command-line argument: set KG_PASSWORD (or the
    variable named by --password-env), or type it at the prompt. The local
    store is only read.
    """
    from kg.errors import InputError, UsageError
    from kg.push import check_endpoint, check_graph_iri, check_timeout, file_payload, redact, store_payload
    from kg.push import push as run_push

    with reported():
        if file is not None and store is not None:
            raise UsageError("--file and --store are alternatives: give one")
        check_endpoint(endpoint)
        check_graph_iri(graph)
        check_timeout(timeout)
        password = None
        if user is not None:
            password = os.environ.get(password_env)
            if password is None:
                if not sys.stdin.isatty():
                    raise InputError(f"no password for user {user!r}: set {password_env} (no terminal to prompt on)")
                password = typer.prompt(f"password for {user} at {redact(endpoint)}", hide_input=True, err=True)
        payload = file_payload(file) if file is not None else store_payload(store)
        show = progress if progress is not None else (sys.stderr.isatty() and len(payload.data) >= PROGRESS_FROM_BYTES)

        def send(report: Progress | None) -> PushResult:
            return run_push(
                endpoint, graph, payload, user=user, password=password, auth=auth, timeout=timeout, progress=report
            )

        result = _with_bar(payload, send) if show else send(None)
    typer.echo(result.summary())


def _with_bar(payload: Payload, send: Callable[[Progress | None], PushResult]) -> PushResult:
    """Run the upload under a rich progress bar on stderr; once sent, it waits for the server to load."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn, TransferSpeedColumn

    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        task = bar.add_task(f"pushing {payload.triples} triples", total=len(payload.data))

        def report(sent: int, total: int) -> None:
            bar.update(task, completed=sent, total=total)
            if sent >= total:
                bar.update(task, description="sent; the server is loading")

        return send(report)
