"""Explaining one cell: the measures behind it, their organs and quotes."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

from kg.compare.counting import build_matrix
from kg.compare.model import Adoptions, Concept, Entity, Measure, curie
from kg.compare.options import ACROSS, BYS, check_choice
from kg.errors import InputError, UsageError
from kg.namespaces import PREFIXES


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _matches(key: str, candidates: Iterable[tuple[str, Iterable[str]]], what: str) -> str:
    """The IRI whose names include ``key``; an unknown or ambiguous key is an input error."""
    wanted = _norm(key)
    expanded = key
    if ":" in key and not key.startswith("http"):
        prefix, local = key.split(":", 1)
        if prefix in PREFIXES:
            expanded = PREFIXES[prefix] + local
    hits: list[str] = []
    names: dict[str, str] = {}
    for iri, labels in candidates:
        local = curie(iri).split(":", 1)[-1]
        options = {iri, local, *labels}
        names.update({label: iri for label in labels})
        if expanded == iri or wanted in {_norm(o) for o in options}:
            hits.append(iri)
    if len(hits) == 1:
        return hits[0]
    if not hits:
        import difflib

        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.4)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InputError(f"no {what} named {key!r}{hint}")
    raise InputError(f"{key!r} names more than one {what}: {', '.join(curie(h) for h in hits)}; give its IRI")


def resolve_column(data: Adoptions, key: str, across: str = "province") -> Entity:
    """A province (short or full name, zh or en, or IRI) or an organ type (label or IRI)."""
    columns = data.columns(across)
    candidates = [(c.iri, (c.zh, c.en)) for c in columns]
    what = "province" if across == "province" else "organ type"
    found = _matches(key, candidates, what)
    return next(c for c in columns if c.iri == found)


def resolve_row(data: Adoptions, key: str) -> Concept:
    """A category or mechanism by zh or en label, IRI or local name; an alternative label if unambiguous."""
    concepts = list(data.concepts.values())
    try:
        found = _matches(key, [(c.iri, (c.zh, c.en)) for c in concepts], "category or mechanism")
    except InputError:
        wanted = _norm(key)
        alt_hits = [c.iri for c in concepts if wanted in {_norm(a) for a in c.alt_labels}]
        if len(alt_hits) != 1:
            raise
        found = alt_hits[0]
    return data.concepts[found]


@dataclass(frozen=True)
class ExplainedMeasure:
    measure: Measure
    organs: tuple[Entity, ...]
    via: tuple[Concept, ...]


@dataclass
class Explanation:
    """The measures and quotes behind one cell of the matrix."""

    by: str
    across: str
    row: Concept
    column: Entity
    measures: list[ExplainedMeasure]


def explain(
    data: Adoptions, column_key: str, row_key: str, by: str | None = None, across: str = "province"
) -> Explanation:
    """The measures behind the cell (``column_key``, ``row_key``), with their organs and quotes.

    ``by`` defaults to the kind of the row: a category is explained as the
    rolled-up category cell, a mechanism as its own cell.
    """
    check_choice("--across", across, ACROSS)
    column = resolve_column(data, column_key, across)
    row = resolve_row(data, row_key)
    if by is None:
        by = "category" if row.is_category else "mechanism"
    check_choice("--by", by, BYS)
    if by == "category" and not row.is_category:
        raise UsageError(
            f"{row.zh!r} is a mechanism, not a category: use --by mechanism (or leave --by out) to explain it"
        )
    matrix = build_matrix(data, by=by, across=across)
    explained = []
    for iri in matrix.measures(row.iri, column.iri):
        measure = data.measures[iri]
        organs = tuple(data.organs[o] for o in measure.organs if o in data.organs)
        via = tuple(data.concepts[c] for c in sorted(matrix.via.get((iri, row.iri), ())))
        explained.append(ExplainedMeasure(measure, organs, via))
    explained.sort(key=lambda e: (e.measure.first_offset, e.measure.iri))
    return Explanation(by=by, across=across, row=row, column=column, measures=explained)
