"""``kg viz``: the graph, or a part of it, as one offline HTML page."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import BackendOption, IncludeOption, StoreOption, data_line, reported, writing

#: Kept in step with kg.viz.DEFAULT_MAX_NODES (a test checks); not imported so `kg --help` stays fast.
DEFAULT_MAX_NODES_TEXT = "1500"

Repeatable = list[str] | None

#: Farther than any path in a graph of this kind; a larger --depth would only cost time.
MAX_DEPTH = 100


@app.command()
def viz(
    output: Annotated[Path, typer.Option("--output", "-o", help="The HTML file to write.")] = Path("graph.html"),
    province: Annotated[
        Repeatable,
        typer.Option(
            "--province", "-p", help="Only this province's part of the graph: 湖南, Hunan or an IRI (repeatable)."
        ),
    ] = None,
    category: Annotated[
        Repeatable,
        typer.Option(
            "--category",
            "-c",
            help="Only measures under this mechanism category or mechanism: IRI or label (repeatable).",
        ),
    ] = None,
    classes: Annotated[
        Repeatable,
        typer.Option(
            "--class",
            "-k",
            help="Only nodes of this kind (measure, organ, province …) or class (zf:PeoplesCourt, 人民法院) (repeatable).",
        ),
    ] = None,
    focus: Annotated[
        Repeatable,
        typer.Option("--focus", "-f", help="Only what lies near this node: IRI or label in either language."),
    ] = None,
    depth: Annotated[int, typer.Option("--depth", "-d", help="How many links from --focus to follow.")] = 1,
    lang: Annotated[
        str, typer.Option("--lang", "-l", help="Language of the labels when the page opens: zh or en.")
    ] = "zh",
    max_nodes: Annotated[
        int | None,
        typer.Option(
            "--max-nodes",
            help=f"Leave out the least central nodes above this many (default {DEFAULT_MAX_NODES_TEXT}; 0: no limit).",
        ),
    ] = None,
    title: Annotated[str | None, typer.Option("--title", help="Page title (default: from the filters).")] = None,
    include: IncludeOption = None,
    store: StoreOption = None,
    backend: BackendOption = "oxigraph",
) -> None:
    """Write an interactive, self-contained graph explorer (one HTML file that works offline).

    Filters combine: a node is drawn when it passes every filter given. With
    --include the graph is loaded in memory from ontology/, seeds/ and the
    extra files; otherwise it is read from the built store (run `kg build`).
    """
    from kg.numbers import check_number
    from kg.project import check_output
    from kg.store import open_graph, open_store
    from kg.viz import DEFAULT_MAX_NODES, explore

    with reported():
        check_output(output, stores=[store])
        check_number("--depth", depth, 0, MAX_DEPTH)
        if max_nodes is not None:
            check_number("--max-nodes", max_nodes, 0, 10_000_000, zero="no limit")
        if lang not in ("zh", "en"):
            from kg.errors import UsageError

            raise UsageError(f"unknown language {lang!r}: choose zh or en")
        source: object
        if include or backend == "memory":
            source = open_graph("memory", include=include or [])
        elif backend == "oxigraph":
            source = open_store(store)
        else:
            source = open_graph(backend, store)
        limit = DEFAULT_MAX_NODES if max_nodes is None else (max_nodes or None)
        view = explore(
            source,
            provinces=province or [],
            categories=category or [],
            classes=classes or [],
            focus=focus or [],
            depth=depth,
            max_nodes=limit,
            lang="en" if lang == "en" else "zh",
            title=title,
        )
        with writing(output):
            view.write(output)
    typer.echo(f"wrote {output}: {view.summary()}")
    if include or backend == "memory":  # read from the data folder, not from a built store
        typer.echo(data_line())
