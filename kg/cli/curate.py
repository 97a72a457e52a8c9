"""Curation helpers: ``kg quote`` drafts an evidence node; ``kg docs`` writes the ontology reference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import data_line, reported, write_output


@app.command()
def quote(
    text: Annotated[str, typer.Argument(help="The exact quote, as it stands in the source text.")],
    evidence_id: Annotated[
        str, typer.Option("--id", help="Evidence IRI to write, e.g. zfr:ev-hunan-001.")
    ] = "zfr:ev-new",
    occurrence: Annotated[
        int | None, typer.Option("--occurrence", "-n", help="Which occurrence, when the quote is not unique.")
    ] = None,
    seed: Annotated[str | None, typer.Option("--seed", help="Seed file name (default: the only seed).")] = None,
    cite_style: Annotated[
        str | None,
        typer.Option("--cite", help="Print a citation of the passage instead: gb7714, chicago, apa, bibtex, csl-json."),
    ] = None,
    lang: Annotated[str | None, typer.Option("--lang", help="With --cite: zh or en.")] = None,
    store: Annotated[Path | None, typer.Option("--store", help="With --cite: the built store.")] = None,
    heading: Annotated[
        bool,
        typer.Option("--heading", help="The quote is a section heading (zf:ContextHeading), not a stating sentence."),
    ] = False,
) -> None:
    """Locate a quote in a seed text and print its evidence node (Turtle) with offsets, prefix and suffix."""
    from kg.corpus import load_corpus
    from kg.errors import InputError
    from kg.evidence import evidence_turtle, locate
    from kg.numbers import check_number
    from kg.sources import load_sources, source_files

    with reported():
        if occurrence is not None:
            check_number("--occurrence", occurrence, 1, 1_000_000)
        corpus = load_corpus(load_sources(source_files()).graph)
        docs = [d for d in corpus.values() if seed is None or d.path.name == seed]
        if len(docs) != 1:
            names = ", ".join(sorted(d.path.name for d in corpus.values()))
            raise InputError(f"name the seed with --seed (one of: {names})")
        doc = docs[0]
        span = locate(doc.text, text, occurrence)
        source = "zfr:" + str(doc.iri).rsplit("/", 1)[-1]
        if cite_style is not None:
            from kg.cite import cite_passage
            from kg.query import connect

            language = lang or ("zh" if cite_style.startswith("gb7714") else "en")
            session = connect(store=store)
            typer.echo(
                cite_passage(session, str(doc.iri), span.start, span.end, span.exact, cite_style, language), nl=False
            )
            return
    role = "zf:ContextHeading" if heading else "zf:StatingSentence"
    typer.echo(evidence_turtle(evidence_id, source, span, role), nl=False)
    typer.echo(data_line(), err=True)


@app.command()
def docs(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the ontology reference.")] = Path(
        "docs/ontology.md"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the file is out of date instead of writing it.")
    ] = False,
) -> None:
    """Generate docs/ontology.md (metadata, classes, properties, individuals, shapes, taxonomy) from the Turtle."""
    from kg.errors import EXIT_VALIDATION
    from kg.ontodoc import ontology_markdown
    from kg.project import check_output

    with reported():
        text = ontology_markdown()
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            typer.echo(f"{output} is out of date: run `kg docs -o {output}`", err=True)
            raise typer.Exit(EXIT_VALIDATION)
        typer.echo(f"{output} is up to date ({data_line()})")
        return
    with reported():
        check_output(output)
        write_output(output, text)
    typer.echo(f"wrote {output} ({data_line()})")
