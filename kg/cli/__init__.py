"""The ``kg`` command line: thin commands that call functions in ``kg``.

Each submodule registers its commands on ``app``; heavy libraries are imported
inside the command functions so that ``kg --help`` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.errors import KGError

app = typer.Typer(
    name="kg",
    help="zhengfa-kg: a knowledge graph of China's law-enforcement and judicial supervision "
    "system (执法司法制约监督体系), every fact quoted. Exit codes: 0 ok, 1 validation "
    "failures, 2 usage or input error.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback(invoke_without_command=True)
def global_options(
    ctx: typer.Context,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help="Data folder (with ontology/ and seeds/) to use; default: $KG_HOME, else a checkout found "
            "from the current folder upwards, else the data shipped with the package (read-only).",
            show_default=False,
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help="Print the version and the data folder in use.")] = False,
) -> None:
    """Options for every command: which data folder (kg.project decides), and --version."""
    from kg.cli.common import reported
    from kg.project import current, use_project

    use_project(project)
    if version:
        from kg import __version__

        with reported():
            typer.echo(f"kg {__version__}\ndata: {current().describe()}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())


# Registration by import: each module adds its commands to ``app``.
from kg.cli import build as _build  # noqa: E402,F401
from kg.cli import cite as _cite  # noqa: E402,F401
from kg.cli import compare as _compare  # noqa: E402,F401
from kg.cli import curate as _curate  # noqa: E402,F401
from kg.cli import extract as _extract  # noqa: E402,F401
from kg.cli import publish as _publish  # noqa: E402,F401
from kg.cli import push as _push  # noqa: E402,F401
from kg.cli import query as _query  # noqa: E402,F401
from kg.cli import serve as _serve  # noqa: E402,F401
from kg.cli import viz as _viz  # noqa: E402,F401


def main() -> None:
    try:
        app()
    except KGError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
