"""The typer application of ``kg``: its options for every command, and the lazy command group."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import HELP, PROJECT_HELP, VERSION_HELP
from kg.cli.lazy import LazyGroup

app = typer.Typer(
    name="kg",
    cls=LazyGroup,
    help=HELP,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # Plain help: typer's rich help costs ~0.2 s of imports (rich, pygments, markdown-it) per `--help`.
    rich_markup_mode=None,
)


@app.callback(invoke_without_command=True)
def global_options(
    ctx: typer.Context,
    project: Annotated[
        Path | None,
        typer.Option(
            "--project",
            help=PROJECT_HELP,
            show_default=False,
        ),
    ] = None,
    version: Annotated[bool, typer.Option("--version", help=VERSION_HELP)] = False,
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
