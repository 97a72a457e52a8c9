"""``kg compare`` (provinces or organ types × mechanisms) and ``kg analyze`` (network analysis)."""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli import app
from kg.cli.common import BackendOption, IncludeOption, StoreOption, reported, write_output, writing

if TYPE_CHECKING:
    from kg.compare import Adoptions

LangOption = Annotated[str, typer.Option("--lang", help="Labels and column names: zh (default) or en.")]
OutputOption = Annotated[
    Path | None,
    typer.Option("--output", "-o", help="Write to this file (atomically) instead of standard output."),
]


def _load(backend: str, store: Path | None, include: list[Path] | None) -> Adoptions:
    """The comparison data from the built store (read-only) or from the sources in memory."""
    from kg.compare import load
    from kg.errors import UsageError
    from kg.store import BACKENDS, open_graph, open_store

    if backend not in BACKENDS:
        raise UsageError(f"unknown --backend {backend!r}: choose one of {', '.join(BACKENDS)}")
    if include and backend != "memory":
        raise UsageError("--include needs --backend memory (the store holds what `kg build --include` put in it)")
    if backend == "oxigraph":
        return load(open_store(store))
    return load(open_graph(backend="memory", include=include or []))


def _emit(text: str | bytes, output: Path | None, what: str = "") -> None:
    from kg.errors import UsageError

    if output is None:
        if isinstance(text, bytes):
            raise UsageError("PNG is binary: give --output FILE.png")
        typer.echo(text, nl=False)
        return
    write_output(output, text)
    typer.echo(f"wrote {output}{what}", err=True)


def _warn(caught: list[warnings.WarningMessage]) -> None:
    for item in caught:
        typer.echo(f"warning: {item.message}", err=True)


@app.command()
def compare(
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            "-b",
            help="category (top SKOS categories, the default), mechanism (each specific mechanism) or relation "
            "(the supervision relation: who checks whom). With --similarity and no --by: category and mechanism.",
        ),
    ] = None,
    across: Annotated[
        str, typer.Option("--across", help="Columns: province (default) or organ-type (kinds of adopting organ).")
    ] = "province",
    count: Annotated[
        str | None,
        typer.Option(
            "--count",
            help="What a cell counts: presence (reported or not; default --by mechanism), mechanisms (distinct "
            "mechanisms reported; default --by category), statements (distinct stating sentences; default --by relation) or "
            "measures.",
        ),
    ] = None,
    rows: Annotated[
        str,
        typer.Option(
            "--rows",
            help="all (default: every concept of the taxonomy, zeros too) or nonzero (categories stay as headings).",
        ),
    ] = "all",
    columns: Annotated[
        str, typer.Option("--columns", help="all (default) or nonzero (drop columns without any measure).")
    ] = "all",
    sort: Annotated[
        str, typer.Option("--sort", help="Row order: taxonomy (default) or total (most measures first).")
    ] = "taxonomy",
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            help="table, csv, md, html, json, png or svg (explain/similarity/shared: table, csv, md, json).",
        ),
    ] = "table",
    lang: LangOption = "zh",
    output: OutputOption = None,
    explain: Annotated[
        tuple[str, str] | None,
        typer.Option(
            "--explain",
            metavar="COLUMN ROW",
            help="The measures and quotes behind one cell: a province (or organ type) and a category or "
            "mechanism, by zh or en label or IRI, e.g. --explain 湖南 办案内部监督管理.",
        ),
    ] = None,
    similarity: Annotated[
        bool, typer.Option("--similarity", help="Jaccard similarity of every pair of columns (exact fractions).")
    ] = False,
    shared: Annotated[
        bool, typer.Option("--shared", help="What two or more columns share, what is unique to one, what none has.")
    ] = False,
    title: Annotated[str | None, typer.Option("--title", help="Title of the heatmap.")] = None,
    dpi: Annotated[int, typer.Option("--dpi", help="Resolution of the PNG heatmap.")] = 150,
    include: IncludeOption = None,
    store: StoreOption = None,
    backend: BackendOption = "oxigraph",
) -> None:
    """What each province's source reports (报告/提及), by mechanism: the matrix, one cell's quotes, similarity.

    A measure belongs to the province of the organ it is attributed to (zf:adoptedBy → zf:inProvince); each column rests on one organ's speech (the basis is printed under the matrix). 0 = not reported in the source (未提及), not "not adopted".

    CSV: first column `category`, `mechanism` or `relation` (the label), then one integer column per province (湖南, 江苏, 广西, 贵州, 四川). Guide: docs/compare.md.
    """
    from kg import compare as lib
    from kg.errors import UsageError
    from kg.numbers import check_number
    from kg.project import check_output

    with reported():
        if output is not None:
            check_output(output, stores=[store])
        views = [
            name for name, on in (("--explain", explain), ("--similarity", similarity), ("--shared", shared)) if on
        ]
        if len(views) > 1:
            raise UsageError(f"choose one of {', '.join(views)}")
        lib.check_choice("--lang", lang, lib.LANGS)
        if by is not None:
            lib.check_choice("--by", by, lib.BYS)
        lib.check_choice("--across", across, lib.ACROSS)
        if count is not None:
            lib.check_choice("--count", count, lib.COUNTS)
        lib.check_choice("--rows", rows, lib.ROWS)
        lib.check_choice("--columns", columns, lib.ROWS)
        lib.check_choice("--sort", sort, lib.SORTS)
        if views and fmt not in lib.REPORT_FORMATS:
            raise UsageError(f"{views[0]} prints table, csv, md or json, not {fmt!r}")
        lib.check_choice("--format", fmt, lib.MATRIX_FORMATS)
        if fmt == "png" and output is None:
            raise UsageError("PNG is binary: give --output FILE.png")
        check_number("--dpi", dpi, 10, 1200)
        data = _load(backend, store, include)
        if explain is not None:
            expl = lib.explain(data, explain[0], explain[1], by=by, across=across)
            _emit(lib.render_explanation(expl, fmt, lang), output)
            return
        if similarity:
            levels = [by] if by else ["category", "mechanism"]
            sims = [lib.similarity(lib.build_matrix(data, by=level, across=across)) for level in levels]
            _emit(lib.render_similarity(sims, fmt, lang), output)
            return
        matrix = lib.build_matrix(
            data, by=by or "category", across=across, rows=rows, columns=columns, sort=sort, count=count
        )
        if shared:
            _emit(lib.render_overlap(matrix, fmt, lang), output)
            return
        if fmt in ("png", "svg"):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", lib.CJKFontMissing)
                image = lib.heatmap(matrix, fmt=fmt, lang=lang, title=title, dpi=dpi)
            _warn(caught)
            unit = "px" if fmt == "png" else "pt"
            _emit(
                image.data if fmt == "png" else image.data.decode("utf-8"),
                output,
                f" ({image.width}×{image.height} {unit})",
            )
        else:
            _emit(lib.render_matrix(matrix, fmt, lang, data=data), output)
        if matrix.unplaced and fmt in ("csv", "png", "svg"):
            missing = len({u.measure for u in matrix.unplaced})
            typer.echo(f"warning: {missing} measure(s) not counted (see --format table)", err=True)


@app.command()
def analyze(
    network: Annotated[
        str,
        typer.Option(
            "--network",
            "-n",
            help="organ-mechanism (default), province-mechanism, province-projection, mechanism-projection or full.",
        ),
    ] = "organ-mechanism",
    top: Annotated[int, typer.Option("--top", help="How many nodes of each kind to list.")] = 10,
    seed: Annotated[
        int, typer.Option("--seed", help="Seed of the Louvain communities (and of sampled betweenness).")
    ] = 42,
    samples: Annotated[
        int | None,
        typer.Option(
            "--samples",
            help="Betweenness from this many sampled sources; 0: exact. Default: exact up to 2000 nodes, else 100.",
        ),
    ] = None,
    resolution: Annotated[
        float, typer.Option("--resolution", help="Louvain resolution: above 1 favours smaller communities.")
    ] = 1.0,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, md, json, or csv (one row per node).")] = "table",
    lang: LangOption = "zh",
    output: OutputOption = None,
    export: Annotated[
        list[Path] | None,
        typer.Option("--export", "-e", help="Also write the network as GraphML or GEXF (by suffix); repeatable."),
    ] = None,
    include: IncludeOption = None,
    store: StoreOption = None,
    backend: BackendOption = "oxigraph",
) -> None:
    """Network analysis: degree and betweenness centrality of organs and mechanisms, the province projection, Louvain communities; export to GraphML or GEXF for Gephi. Guide: docs/compare.md."""
    from kg import analyze as lib
    from kg.compare import LANGS, check_choice
    from kg.errors import UsageError
    from kg.numbers import check_number
    from kg.project import check_output

    with reported():
        if output is not None:
            check_output(output, stores=[store])
        check_choice("--lang", lang, LANGS)
        if fmt not in lib.FORMATS:
            raise UsageError(f"unknown --format {fmt!r}: choose one of {', '.join(lib.FORMATS)}")
        for path in export or []:
            check_output(path, "--export", stores=[store])
            if path.suffix.lower() not in lib.EXPORT_SUFFIXES:
                raise UsageError(f"cannot export to {path.name!r}: name the file .graphml or .gexf")
        if network not in lib.NETWORKS:
            raise UsageError(f"unknown --network {network!r}: choose one of {', '.join(lib.NETWORKS)}")
        check_number("--top", top, 1, 1_000_000)
        check_number("--seed", seed, 0, 2**32 - 1)
        check_number("--resolution", resolution, 0, 1_000, above_low=True)
        if samples is not None:
            check_number("--samples", samples, 0, 1_000_000, zero="exact")
        data = _load(backend, store, include)
        result = lib.analyze(data, network, seed=seed, resolution=resolution, lang=lang, samples=samples)
        text = lib.render(result, fmt, top=top, lang=lang)
        for path in export or []:
            with writing(path):
                lib.export(result.graph, path)
            graph = result.graph
            typer.echo(f"wrote {path} ({graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges)", err=True)
        _emit(text, output)
