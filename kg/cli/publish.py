"""``kg release`` and ``kg diff``: versioned, checksummed releases and what changed between two graphs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import reported


@app.command()
def release(
    version: Annotated[str, typer.Argument(help="The version to release, MAJOR.MINOR.PATCH (e.g. 0.2.0).")],
    dist: Annotated[Path, typer.Option("--dist", help="The build to release (kg build's output folder).")] = Path(
        "dist"
    ),
    out: Annotated[Path, typer.Option("--out", help="Where releases live; each version in its own folder.")] = Path(
        "releases"
    ),
) -> None:
    """Write releases/VERSION: the graph as .ttl/.nt/.jsonld.gz, VoID/DCAT, CITATION.cff, NOTES.md, SHA256SUMS."""
    from kg.release import make_release

    with reported():
        made = make_release(version, dist, out)
    for name in made.files:
        typer.echo(f"wrote {made.folder / name}")
    typer.echo(f"notes: changes since {made.previous}" if made.previous else "notes: first release")


@app.command(name="diff")
def diff_command(
    old: Annotated[str, typer.Argument(help="A build folder, a release folder, an RDF file, or 'working'.")],
    new: Annotated[str, typer.Argument(help="The same kinds; 'working' is the checkout's unbuilt sources.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="md (for curators), json, or nt (D/A patch lines).")
    ] = "md",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
) -> None:
    """What changed between two versions of the graph: entities added, removed, changed, with their statements."""
    from kg.diff import diff, render
    from kg.serialize import write_atomic

    with reported():
        text = render(diff(old, new), fmt, old, new)
        if output is not None:
            write_atomic(output, text)
    if output is None:
        typer.echo(text, nl=False)
