"""``kg cite``: a citation of any fact, with its quote, source article and dataset version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kg.cli import app
from kg.cli.common import reported


@app.command()
def cite(
    entity: Annotated[str, typer.Argument(help="The fact to cite, by IRI or CURIE (zfr:measure-…).")],
    style: Annotated[
        str, typer.Option("--style", help="gb7714, chicago or apa (rendered by a CSL engine); bibtex or csl-json.")
    ] = "gb7714",
    lang: Annotated[
        str | None,
        typer.Option("--lang", help="zh or en: labels and titles (default: zh for the GB/T 7714 styles, else en)."),
    ] = None,
    store: Annotated[Path | None, typer.Option("--store", help="The built store (default dist/store).")] = None,
) -> None:
    """Cite a fact: its label, its verbatim quote with offsets, the source article and the dataset version."""
    from kg.cite import cite as cite_entity
    from kg.cite import default_language
    from kg.query import connect
    from kg.sparql.prefixes import PREFIXES

    with reported():
        iri = _expand(entity, PREFIXES)
        language = lang or default_language(style)
        text = cite_entity(connect(store=store), iri, style, language)
    typer.echo(text, nl=False)


def _expand(text: str, prefixes: dict[str, str]) -> str:
    from kg.errors import UsageError

    text = text.strip().strip("<>")
    if "://" in text:
        return text
    prefix, colon, local = text.partition(":")
    if colon and prefix in prefixes:
        return prefixes[prefix] + local
    raise UsageError(f"not an IRI or a known CURIE: {text!r}")
