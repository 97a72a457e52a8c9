"""Curation helpers: ``kg quote`` drafts an evidence node; ``kg docs`` writes the ontology reference."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import reported


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
    heading: Annotated[
        bool,
        typer.Option("--heading", help="The quote is a section heading (zf:ContextHeading), not a stating sentence."),
    ] = False,
) -> None:
    """Locate a quote in a seed text and print its evidence node (Turtle) with offsets, prefix and suffix."""
    from kg.corpus import load_corpus
    from kg.errors import InputError
    from kg.evidence import evidence_turtle, locate
    from kg.sources import load_sources, source_files

    with reported():
        corpus = load_corpus(load_sources(source_files()).graph)
        docs = [d for d in corpus.values() if seed is None or d.path.name == seed]
        if len(docs) != 1:
            names = ", ".join(sorted(d.path.name for d in corpus.values()))
            raise InputError(f"name the seed with --seed (one of: {names})")
        doc = docs[0]
        span = locate(doc.text, text, occurrence)
        source = "zfr:" + str(doc.iri).rsplit("/", 1)[-1]
    role = "zf:ContextHeading" if heading else "zf:StatingSentence"
    typer.echo(evidence_turtle(evidence_id, source, span, role), nl=False)


@app.command()
def docs(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the ontology reference.")] = Path(
        "docs/ontology.md"
    ),
    check: Annotated[
        bool, typer.Option("--check", help="Exit 1 if the file is out of date instead of writing it.")
    ] = False,
) -> None:
    """Generate docs/ontology.md (classes, properties, labels, definitions) from the Turtle."""
    from kg.errors import EXIT_VALIDATION
    from kg.ontodoc import ontology_markdown
    from kg.serialize import write_atomic

    with reported():
        text = ontology_markdown()
    if check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current != text:
            typer.echo(f"{output} is out of date: run `kg docs -o {output}`", err=True)
            raise typer.Exit(EXIT_VALIDATION)
        typer.echo(f"{output} is up to date")
        return
    write_atomic(output, text)
    typer.echo(f"wrote {output}")
