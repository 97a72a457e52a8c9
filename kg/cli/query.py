"""``kg query``, ``kg queries``, ``kg prefixes``: SPARQL on the graph from the command line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import BackendOption, IncludeOption, StoreOption, reported

#: Rows a table shows when no --limit is given: a terminal's reading, asked of the engine as one page
#: (at a million triples a first page of 100 rows comes in well under a second, 1,000 in about one).
TABLE_ROWS = 100

QueryArgument = Annotated[
    str | None,
    typer.Argument(
        help="The query text, or - to read it from standard input. Or use --file / --name.", show_default=False
    ),
]


@app.command("query")
def query_command(
    query: QueryArgument = None,
    file: Annotated[Path | None, typer.Option("--file", "-f", help="Read the query from this file.")] = None,
    name: Annotated[
        str | None, typer.Option("--name", "-n", help="Run a shipped query (`kg queries` lists them).")
    ] = None,
    param: Annotated[
        list[str] | None,
        typer.Option(
            "--param",
            "-p",
            help="Bind a variable: NAME=VALUE (repeatable). VALUE is a plain string (湖南), or an RDF term as in "
            "Turtle: '\"湖南\"@zh', zfr:province-hunan, '<https://…>', 12, 84.73, true.",
        ),
    ] = None,
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-F",
            help="table, csv, tsv, json, md for solutions; turtle, nt, jsonld for CONSTRUCT/DESCRIBE (table means turtle there).",
        ),
    ] = "table",
    backend: BackendOption = "oxigraph",
    store: StoreOption = None,
    include: IncludeOption = None,
    endpoint: Annotated[
        str | None, typer.Option("--endpoint", help="Run the query on this remote SPARQL 1.1 endpoint URL instead.")
    ] = None,
    default_graph: Annotated[
        list[str] | None,
        typer.Option(
            "--default-graph", help="With --endpoint: the graph IRI to query (default-graph-uri; repeatable)."
        ),
    ] = None,
    timeout: Annotated[
        float, typer.Option("--timeout", help="Stop the query after this many seconds (0: no limit; at most a day).")
    ] = 30.0,
    allow_service: Annotated[
        bool, typer.Option("--allow-service", help="Allow SERVICE calls to other endpoints (network access).")
    ] = False,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write the result to this file.")] = None,
    max_width: Annotated[
        int | None,
        typer.Option(
            "--max-width", help="Fit the table in this many columns (default: the terminal's width; 0: no limit)."
        ),
    ] = None,
    expect_empty: Annotated[
        bool, typer.Option("--expect-empty", help="Exit 1 when the query finds anything (for the check-… queries).")
    ] = False,
    limit: Annotated[
        int | None,
        typer.Option(
            "--limit",
            help=f"Print at most this many rows (SELECT), in every format. Without it a table shows the first "
            f"{TABLE_ROWS} and says whether more follow; csv, tsv, json and md carry every row.",
            min=0,
        ),
    ] = None,
    offset: Annotated[
        int, typer.Option("--offset", help="Skip this many rows first (SELECT; with ORDER BY for stable pages).", min=0)
    ] = 0,
) -> None:
    """Run a SPARQL query (read-only) on the graph and print its result.

    Large answers come in pages: --limit N --offset M (a table shows the first 100 rows otherwise).

    Exit codes: 0 ok; 1 --expect-empty and rows were found; 2 a malformed or refused query
    (updates, SERVICE without --allow-service), a timeout, or an unreachable endpoint.
    """
    from kg.errors import EXIT_VALIDATION, UsageError
    from kg.query import Session
    from kg.sparql.formats import normalise_format
    from kg.sparql.terms import parse_param

    with reported():
        from kg.numbers import MAX_SECONDS, check_number

        check_number("--timeout", timeout, 0, MAX_SECONDS, zero="no limit", unit=" seconds")
        if max_width is not None:
            check_number("--max-width", max_width, 0, 100_000, zero="no limit")
        if output is not None:
            from kg.project import check_output

            check_output(output, stores=[store])
        sources = [s for s in (query is not None, file is not None, name is not None) if s]
        if len(sources) != 1:
            raise UsageError("give the query one way: as text (or - for standard input), with --file, or with --name")
        if include and (backend != "memory" or endpoint):
            raise UsageError("--include adds files to --backend memory; the store holds what `kg build` loaded")
        if default_graph and not endpoint:
            raise UsageError("--default-graph goes with --endpoint")
        session = Session(
            backend=backend,
            store=store,
            include=include or [],
            endpoint=endpoint,
            timeout=timeout or None,
            allow_service=allow_service,
            default_graphs=default_graph or [],
            isolate=False,  # a timed-out query's thread ends when the command exits
        )
        bindings = dict(parse_param(spec, session.prefixes) for spec in param or [])
        import kg.cli

        if endpoint is None and not allow_service and kg.cli.STANDALONE:
            # The query needs no network: cut this process off it (an empty network namespace), so
            # that not even a query that got past the check can make the engine call out. Only as its
            # own program: inside a caller's process (a test runner, a notebook) it would cut the caller off.
            from kg.sparql.netns import isolate_network

            isolate_network()
        # A table is for reading: without a page asked for, the engine is asked for its first TABLE_ROWS rows
        # only (a million-triple answer's first rows come in a second; counting them all would take the whole).
        preview = TABLE_ROWS if fmt.lower() == "table" else None
        if name is not None:
            result = session.run(name, bindings, limit=limit, offset=offset, preview=preview)
        else:
            text = _read_query(query, file)
            result = session.query(text, bindings, limit=limit, offset=offset, preview=preview)
        normalise_format(fmt, result)  # a usage error before anything is written
        width = max_width if max_width is not None else _terminal_width(output)
        rendered = result.serialize(fmt, max_width=width or None)
        if output is not None:
            _write_output(output, rendered)
        else:
            typer.echo(rendered, nl=False)
    if expect_empty and len(result) and (result.form != "ASK" or result.boolean):
        found = f"more than {len(result)}" if result.more else str(len(result))
        typer.echo(f"found {found} result(s) where none were expected", err=True)
        raise typer.Exit(EXIT_VALIDATION)


def _read_query(query: str | None, file: Path | None) -> str:
    from kg.errors import InputError

    if file is not None:
        try:
            return file.read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(f"cannot read the query file {file}: {exc.strerror}") from None
        except UnicodeDecodeError:
            raise InputError(f"the query file {file} is not UTF-8 text") from None
    assert query is not None
    if query == "-":
        return sys.stdin.read()
    return query


def _write_output(output: Path, text: str) -> None:
    """A file is replaced atomically; a device or pipe (/dev/stdout, a FIFO) is written into, never replaced."""
    from kg.errors import InputError
    from kg.serialize import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        raise InputError(f"cannot write {output}: {exc.strerror}") from None


def _terminal_width(output: Path | None) -> int | None:
    """The terminal's width when printing to one; no limit for files and pipes."""
    if output is not None or not sys.stdout.isatty():
        return None
    import shutil

    return shutil.get_terminal_size().columns


@app.command("queries")
def queries_command(
    name: Annotated[str | None, typer.Argument(help="Print this shipped query's text.", show_default=False)] = None,
    lang: Annotated[str, typer.Option("--lang", help="Language of the questions: en or zh.")] = "en",
    fmt: Annotated[str, typer.Option("--format", "-F", help="table or json.")] = "table",
) -> None:
    """List the shipped queries and the question each answers (or print one query)."""
    import json

    from kg.errors import UsageError
    from kg.query import shipped_queries, shipped_query
    from kg.sparql.width import pad, wrap

    with reported():
        if lang not in ("en", "zh"):
            raise UsageError(f"unknown language {lang!r}: choose en or zh")
        if fmt not in ("table", "json"):
            raise UsageError(f"unknown format {fmt!r}: choose table or json")
        if name is not None:
            typer.echo(shipped_query(name).text, nl=False)
            return
        catalogue = shipped_queries()
    if fmt == "json":
        items = [
            {
                "name": q.name,
                "competency_question": q.competency,
                "question": q.question,
                "question_zh": q.question_zh,
                "params": q.params,
                "check": q.is_check,
            }
            for q in catalogue
        ]
        typer.echo(json.dumps(items, ensure_ascii=False, indent=1))
        return
    import shutil

    width = max(len(q.name) for q in catalogue)
    indent = " " * (width + 8)
    # Wrapped to the terminal (80 columns when there is none), questions and parameters under their column.
    room = max(shutil.get_terminal_size().columns - len(indent), 24)
    for q in catalogue:
        tag = f"CQ{q.competency:<2}" if q.competency else "    "
        question = q.question_zh if lang == "zh" and q.question_zh else q.question
        first, *rest = wrap(question, room)
        typer.echo(f"{pad(q.name, width)}  {tag}  {first}")
        for line in rest:
            typer.echo(f"{indent}{line}")
        for param_name, help_text in q.params.items():
            head, *more = wrap(f"--param {param_name}=…  {help_text}", room - 4)
            typer.echo(f"{indent}{head}")
            for line in more:
                typer.echo(f"{indent}    {line}")
    typer.echo(f"\n{len(catalogue)} queries: run one with `kg query --name NAME`, show it with `kg queries NAME`.")


@app.command("prefixes")
def prefixes_command(
    fmt: Annotated[
        str, typer.Option("--format", "-F", help="table, sparql (PREFIX lines) or turtle (@prefix lines).")
    ] = "table",
) -> None:
    """List the prefixes every query may use without declaring them."""
    from kg.errors import UsageError
    from kg.sparql.prefixes import PREFIXES

    with reported():
        if fmt not in ("table", "sparql", "turtle"):
            raise UsageError(f"unknown format {fmt!r}: choose table, sparql or turtle")
    width = max(len(p) for p in PREFIXES) + 1
    for prefix, iri in PREFIXES.items():
        if fmt == "sparql":
            typer.echo(f"PREFIX {prefix + ':':<{width}} <{iri}>")
        elif fmt == "turtle":
            typer.echo(f"@prefix {prefix + ':':<{width}} <{iri}> .")
        else:
            typer.echo(f"{prefix + ':':<{width}}  {iri}")
