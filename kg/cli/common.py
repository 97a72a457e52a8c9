"""Options shared by several commands, and the error-to-exit-code bridge."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, TypeVar

import typer

from kg.errors import KGError

T = TypeVar("T")

IncludeOption = Annotated[
    list[Path] | None,
    typer.Option("--include", "-i", help="Extra Turtle file or folder to load beside ontology/ (repeatable)."),
]
StoreOption = Annotated[
    Path | None,
    typer.Option("--store", help="Oxigraph store folder (default: dist/store in the working directory)."),
]
SeedsDirOption = Annotated[
    list[Path] | None,
    typer.Option("--seeds-dir", help="Folder of seed texts (default: the shipped seeds/); repeatable."),
]
BackendOption = Annotated[
    str,
    typer.Option(
        "--backend", help="oxigraph (embedded persistent store, default) or memory (rdflib, for cross-checks)."
    ),
]


@contextmanager
def writing(output: Path) -> Iterator[None]:
    """A file system's refusal to write ``output`` becomes one line and exit 2, not a traceback."""
    try:
        yield
    except OSError as exc:
        from kg.errors import InputError

        raise InputError(f"cannot write {output}: {exc.strerror or exc}") from None


def write_output(output: Path, data: str | bytes) -> None:
    """Write a command's output atomically (see :func:`writing`)."""
    from kg.serialize import write_atomic

    with writing(output):
        write_atomic(output, data)


def data_line() -> str:
    """The summary line naming the data folder in use (kg.project decides which)."""
    from kg.project import current

    return f"data: {current().describe()}"


@contextmanager
def reported() -> Iterator[None]:
    """Turn a KGError into a one-line message on stderr and its documented exit code."""
    try:
        yield
    except KGError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(exc.exit_code) from None


def run(func: Callable[[], T]) -> T:
    with reported():
        return func()
