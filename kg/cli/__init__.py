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

This module imports no typer: ``app`` (the typer application, :mod:`kg.cli.root`)
is built when first asked for, and ``kg --help`` is written by :mod:`kg.cli.help`
with the same words and wrapping (typer's import alone is ~0.05 s).
"""

from __future__ import annotations

import sys
from typing import Any

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

#: The program's description, the first paragraph of ``kg --help``.
HELP = (
    "zhengfa-kg: a knowledge graph of China's law-enforcement and judicial supervision system "
    "(执法司法制约监督体系), every fact quoted. Exit codes: 0 ok, 1 validation failures, 2 usage or input error."
)
#: Help of the options every command takes (``kg --project … CMD``, ``kg --version``).
PROJECT_HELP = (
    "Data folder (with ontology/ and seeds/) to use; default: $KG_HOME, else a checkout found "
    "from the current folder upwards, else the data shipped with the package (read-only)."
)
VERSION_HELP = "Print the version and the data folder in use."


def __getattr__(name: str) -> Any:
    """``kg.cli.app``: the typer application, imported on first use (PEP 562)."""
    if name == "app":
        from kg.cli.root import app

        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


#: True when ``kg`` runs as its own program (the console script or ``python -m kg``), not inside another
#: process (a test's CliRunner, a notebook): only then may a command change process-wide state such as
#: moving the whole process into an empty network namespace.
STANDALONE = False


def main() -> None:
    global STANDALONE
    STANDALONE = True
    arguments = sys.argv[1:]
    if arguments in ([], ["--help"]):
        from kg.cli.help import top_level_help

        text = top_level_help()
        if text is not None:  # as typer writes it: --help on stdout; no arguments is a usage error
            (sys.stdout if arguments else sys.stderr).write(text)
            sys.exit(0 if arguments else 2)
    import typer

    from kg.cli.root import app
    from kg.errors import KGError

    try:
        app()
    except KGError as exc:
        typer.echo(f"error: {exc}", err=True)
        sys.exit(exc.exit_code)
