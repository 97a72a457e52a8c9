"""``kg extract`` drafts the facts of a source text; ``kg add-source`` registers a new one."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kg.cli import app
from kg.cli.common import IncludeOption, data_line, reported, write_output

if TYPE_CHECKING:
    from rdflib import Graph

    from kg.extract import Draft, Knowledge

FORMATS = ("ttl", "json", "md")

EncodingOption = Annotated[
    str | None,
    typer.Option("--encoding", help="Encoding of a text that is not UTF-8, e.g. gb18030, gbk, big5."),
]
SeedsDirOption = Annotated[
    Path | None,
    typer.Option("--seeds-dir", help="Folder of registered seed texts and metadata (default: the project's seeds/)."),
]


@app.command()
def extract(
    file: Annotated[Path, typer.Argument(help="The source text (UTF-8, or give --encoding).")],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the draft here (default: stdout).")
    ] = None,
    fmt: Annotated[
        str | None,
        typer.Option(
            "--format", "-f", help="ttl (draft Turtle), json, or md (review checklist); default from -o, else ttl."
        ),
    ] = None,
    encoding: EncodingOption = None,
    only: Annotated[
        str | None,
        typer.Option(
            "--only",
            help="Comma-separated kinds to keep: part,speech,event,person,post,organ,title,term,figure,indicator,measure.",
        ),
    ] = None,
    no_link: Annotated[
        bool, typer.Option("--no-link", help="Do not point candidates at entities already in the graph.")
    ] = False,
    reference_date: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="Date the text speaks from (YYYY-MM-DD), for 今年以来/1至7月; default: its registered or byline date.",
        ),
    ] = None,
    max_chars: Annotated[
        int, typer.Option("--max-chars", help="Refuse texts longer than this many characters (0: no limit).")
    ] = 1_000_000,
    include: IncludeOption = None,
    seeds: SeedsDirOption = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing output file (never one under ontology/ or seeds/).")
    ] = False,
    evaluate: Annotated[
        bool,
        typer.Option(
            "--evaluate", help="For a registered text: print recall and precision against the curated graph (stderr)."
        ),
    ] = False,
) -> None:
    """Draft the facts of a source text: parts, speakers, organs, 《titles》, “terms”, figures, measures — each with its quote and offsets."""
    import re

    from kg.errors import UsageError

    with reported():
        from kg.numbers import check_number

        check_number("--max-chars", max_chars, 0, 1_000_000_000, zero="no limit")
        kind = _format(fmt, output)
        kinds = _kinds(only)
        if reference_date is not None and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", reference_date):
            raise UsageError(f"--date {reference_date!r}: give YYYY-MM-DD")
        if output is not None:
            _check_output(output, file, seeds, force)
        draft, knowledge, graph = _run(file, encoding, max_chars, include or [], seeds, not no_link, reference_date)
        if kinds:
            draft.shown = frozenset(kinds)
        text = _render(draft, kind, knowledge.provinces)
        if output is None:
            typer.echo(text, nl=False)
        else:
            write_output(output, text)
        counts = ", ".join(f"{n} {k}" for k, n in draft.counts().items() if n)
        where = f"-> {output}" if output else "-> stdout"
        typer.echo(
            f"drafted {sum(draft.counts().values())} candidates ({counts}) from {file} {where} [{kind}]", err=True
        )
        typer.echo(data_line(), err=True)
        if not draft.registered:
            typer.echo("note: this text is not registered; run `kg add-source` before validating the draft", err=True)
        if evaluate:
            _evaluate(draft, graph)


def _format(fmt: str | None, output: Path | None) -> str:
    from kg.errors import UsageError

    if fmt is None:
        suffix = output.suffix.lstrip(".").lower() if output else ""
        return {"ttl": "ttl", "turtle": "ttl", "json": "json", "md": "md", "markdown": "md"}.get(suffix, "ttl")
    if fmt not in FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose ttl, json or md")
    return fmt


def _kinds(only: str | None) -> set[str]:
    from kg.errors import UsageError
    from kg.extract.model import KINDS

    if not only:
        return set()
    kinds = {k.strip() for k in only.split(",") if k.strip()}
    unknown = kinds - set(KINDS)
    if unknown:
        raise UsageError(f"--only: unknown kind(s) {', '.join(sorted(unknown))}; choose from {', '.join(KINDS)}")
    return kinds


def _check_output(output: Path, source: Path, seeds: Path | None, force: bool) -> None:
    """Never write a draft over curated data or the source; replace another file only with --force."""
    from kg.errors import UsageError
    from kg.project import check_output

    check_output(output)
    target = output.resolve()
    if seeds is not None:
        root = Path(seeds).resolve()
        if target == root or root in target.parents:
            raise UsageError(
                f"-o {output}: refusing to write into --seeds-dir {seeds} (curated data); choose another path"
            )
    if source.exists() and target == source.resolve():
        raise UsageError(f"{output}: that is the source text itself")
    if target.is_dir():
        raise UsageError(f"{output}: is a folder; give a file name")
    if target.exists() and not force:
        raise UsageError(f"{output} exists; pass --force to replace it")


def _run(
    file: Path,
    encoding: str | None,
    max_chars: int,
    include: list[Path],
    seeds: Path | None,
    link: bool,
    reference_date: str | None,
) -> tuple[Draft, Knowledge, Graph]:
    from kg.extract import Knowledge, extract, read_source
    from kg.sources import load_sources, source_files

    source = read_source(file, encoding, max_chars or None)
    extra = list(include) + (sorted(Path(seeds).glob("*.ttl")) if seeds and Path(seeds).is_dir() else [])
    graph = load_sources(source_files(extra)).graph
    knowledge = Knowledge.from_graph(graph, link=link)
    draft = extract(source, knowledge, reference_date)
    return draft, knowledge, graph


def _render(draft: Draft, kind: str, provinces: dict[str, str]) -> str:
    from kg.extract.report import to_json, to_markdown
    from kg.extract.turtle import to_turtle

    if kind == "json":
        return to_json(draft)
    if kind == "md":
        return to_markdown(draft)
    return to_turtle(draft, provinces)


def _evaluate(draft: Draft, graph: Graph) -> None:
    from kg.extract.evaluate import evaluate

    if not draft.registered:
        typer.echo("--evaluate: the text is not registered, so the graph has nothing to compare with", err=True)
        return
    typer.echo(evaluate(draft, graph).to_text(), err=True)


@app.command("add-source")
def add_source(
    file: Annotated[Path, typer.Argument(help="The source text to register.")],
    title: Annotated[str, typer.Option("--title", help="Title as the source gives it (dcterms:title).")],
    publisher: Annotated[str, typer.Option("--publisher", help="Publisher's name (an existing one is reused) or IRI.")],
    issued: Annotated[str, typer.Option("--date", help="Publication date: 2020-08-28 or 2020-08-28T09:59:36+08:00.")],
    url: Annotated[str | None, typer.Option("--url", help="Where the text was published (dcterms:source).")] = None,
    encoding: EncodingOption = None,
    seeds: SeedsDirOption = None,
    title_en: Annotated[str | None, typer.Option("--title-en", help="English title (rdfs:label @en).")] = None,
    publisher_en: Annotated[str | None, typer.Option("--publisher-en", help="English name of a new publisher.")] = None,
    language: Annotated[str, typer.Option("--language", help="Language of the text (dcterms:language).")] = "zh",
    doc_type: Annotated[
        str | None, typer.Option("--type", help='Kind of document, e.g. "news article", "speech".')
    ] = None,
    no_validate: Annotated[bool, typer.Option("--no-validate", help="Skip validating the new metadata.")] = False,
) -> None:
    """Register a source text: copy it into seeds/ unchanged (or converted to UTF-8) and write its metadata beside it."""
    from kg.add_source import add_source as register

    with reported():
        result = register(
            file,
            title=title,
            publisher=publisher,
            issued=issued,
            url=url,
            encoding=encoding,
            seeds=seeds,
            title_en=title_en,
            publisher_en=publisher_en,
            language=language,
            doc_type=doc_type,
            validate=not no_validate,
        )
    typer.echo(result.summary())
    typer.echo(data_line())
