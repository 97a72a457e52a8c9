"""The ``kg`` command line: thin commands that call functions in ``kg``.

Commands are loaded lazily: ``kg --help`` lists them from ``COMMANDS`` below
without importing a single command module, and ``kg query`` imports
``kg.cli.query`` and nothing else of the CLI. Heavy libraries are imported
inside the command functions.

To add a command:

1. write ``kg/cli/<module>.py`` with ``from kg.cli import app`` and
   ``@app.command("name")`` on a function whose imports sit inside its body;
2. add ``"name": ("<module>", "One-line summary for kg --help.")`` to
   ``COMMANDS``.

``tests/test_cli_startup.py`` checks that every command a module registers is
listed here and that the listing loads no command module. A module imported
eagerly (``from kg.cli import x``) still works; it only costs start-up time.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli.lazy import LazyGroup

#: Command name → (module under ``kg.cli`` that registers it, its line in ``kg --help``).
COMMANDS: dict[str, tuple[str, str]] = {
    "build": ("build", "Load ontology/ and seeds/ (plus --include), validate, write the store and dist/graph.*."),
    "validate": ("build", "SHACL validation plus the provenance check (every quote equals the seed at its offsets)."),
    "stats": ("build", "Counts by class, labels missing a language, facts without evidence, corpus coverage."),
    "compare": ("compare", "Which provinces (or kinds of organ) report which mechanisms: matrix, quotes, similarity."),
    "analyze": ("compare", "Network analysis: centrality, the province projection, communities; GraphML/GEXF export."),
    "quote": ("curate", "Locate a quote in a seed text and print its evidence node with offsets."),
    "docs": ("curate", "Generate docs/ontology.md (classes, properties, labels, definitions) from the Turtle."),
    "extract": ("extract", "Draft the facts of a source text, each with its quote and offsets."),
    "add-source": ("extract", "Register a source text: copy it into seeds/ and write its metadata beside it."),
    "push": ("push", "Replace a named graph on a remote triple store with the built graph."),
    "query": ("query", "Run a SPARQL query (read-only) on the graph and print its result."),
    "queries": ("query", "List the shipped queries and the question each answers (or print one query)."),
    "prefixes": ("query", "List the prefixes every query may use without declaring them."),
    "serve": ("serve", "Serve the graph: a SPARQL endpoint, a page for every entity, an explorer."),
    "viz": ("viz", "Write an interactive, self-contained graph explorer (one HTML file that works offline)."),
    "cite": ("cite", "Cite a fact: its label, its quote with offsets, the source article and the dataset version."),
    "release": ("publish", "Write releases/VERSION: compressed exports, VoID/DCAT, CITATION.cff, notes, SHA256SUMS."),
    "diff": ("publish", "What changed between two versions of the graph: entities and statements, for curators."),
}

app = typer.Typer(
    name="kg",
    cls=LazyGroup,
    help="zhengfa-kg: a knowledge graph of China's law-enforcement and judicial supervision system "
    "(执法司法制约监督体系), every fact quoted. Exit codes: 0 ok, 1 validation failures, 2 usage or input error.",
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


#: True when ``kg`` runs as its own program (the console script or ``python -m kg``), not inside another
#: process (a test's CliRunner, a notebook): only then may a command change process-wide state such as
#: moving the whole process into an empty network namespace.
STANDALONE = False


def main() -> None:
    global STANDALONE
    STANDALONE = True
    from kg.errors import KGError

    try:
        app()
    except KGError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
