"""``kg build``, ``kg validate``, ``kg stats``."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import BackendOption, IncludeOption, SeedsDirOption, StoreOption, data_line, reported
from kg.errors import EXIT_VALIDATION, ValidationFailed


@app.command()
def build(
    include: IncludeOption = None,
    store: StoreOption = None,
    backend: BackendOption = "oxigraph",
    out_dir: Annotated[
        Path, typer.Option("--out-dir", "-o", help="Folder for graph.ttl/.nt/.jsonld and the store.")
    ] = Path("dist"),
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip SHACL and the quote check.")] = False,
    seeds_dir: SeedsDirOption = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even if the inputs are unchanged.")] = False,
) -> None:
    """Load ontology/ and seeds/ (plus --include), validate, write the store and dist/graph.{ttl,nt,jsonld}."""
    from kg.build import build as run_build
    from kg.project import check_output

    with reported():
        check_output(out_dir, "--out-dir", store_is_output=True)
        if store is not None:
            check_output(store, "--store", store_is_output=True)
        try:
            result = run_build(
                include or [],
                out_dir=out_dir,
                store=store,
                backend=backend,
                validate=not no_validate,
                seed_dirs=seeds_dir,
                force=force,
            )
        except ValidationFailed as exc:
            typer.echo(str(exc))
            typer.echo("build failed: the graph does not validate; previous outputs left in place", err=True)
            raise typer.Exit(EXIT_VALIDATION) from None
    typer.echo(result.summary())
    typer.echo(data_line())


@app.command()
def validate(
    include: IncludeOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
    seeds_dir: SeedsDirOption = None,
) -> None:
    """SHACL validation plus the provenance check (every quote equals the seed text at its offsets)."""
    from kg.errors import UsageError
    from kg.validate import validate as run_validate

    with reported():
        if fmt not in ("text", "json"):
            raise UsageError(f"unknown format {fmt!r}: choose text or json")
        report = run_validate(include or [], seed_dirs=seeds_dir)
    typer.echo(report.to_json() if fmt == "json" else report.to_text())
    typer.echo(data_line(), err=fmt == "json")
    if not report.conforms:
        raise typer.Exit(EXIT_VALIDATION)


@app.command()
def stats(
    include: IncludeOption = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="text or json.")] = "text",
) -> None:
    """Counts by class, labels missing a language, facts without evidence, corpus coverage."""
    from kg.errors import UsageError
    from kg.stats import compute_stats

    with reported():
        if fmt not in ("text", "json"):
            raise UsageError(f"unknown format {fmt!r}: choose text or json")
        result = compute_stats(include or [])
    if fmt == "json":
        typer.echo(result.to_json())
        typer.echo(data_line(), err=True)
    else:
        typer.echo(f"{data_line()}\n{result.to_text()}")
