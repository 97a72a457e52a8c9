"""Explaining one cell: the measures behind it, their organs and quotes."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from kg.compare.basis import Basis, basis
from kg.compare.counting import Members, tally
from kg.compare.model import Adoptions, Concept, Entity, Measure
from kg.compare.options import ACROSS, BYS, check_choice
from kg.compare.vocab import QUERY_PREFIXES as PREFIXES
from kg.compare.vocab import curie
from kg.errors import InputError, UsageError


def _norm(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip().casefold()


def _matches(
    key: str,
    candidates: Iterable[tuple[str, Iterable[str]]],
    what: str,
    unknown: Callable[[], Exception] | None = None,
) -> str:
    """The IRI whose names include ``key``; an unknown (``unknown()``, if given) or ambiguous key is an input error."""
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
    if not hits and unknown is not None:
        raise unknown()
    if not hits:
        import difflib

        close = difflib.get_close_matches(key, list(names), n=3, cutoff=0.4)
        hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ""
        raise InputError(f"no {what} named {key!r}{hint}")
    raise InputError(f"{key!r} names more than one {what}: {', '.join(curie(h) for h in hits)}; give its IRI")


def resolve_column(data: Adoptions, key: str, across: str = "province") -> Entity:
    """A province (short or full name, zh or en, or IRI) or an organ type (label or IRI)."""
    from kg.provinces import unknown_province  # here: a matrix without --explain does not need it

    columns = data.columns(across)
    candidates = [(c.iri, (c.zh, c.en)) for c in columns]
    what = "province" if across == "province" else "organ type"
    # One rule for every command: an unknown province is an error naming the known ones.
    unknown = (lambda: unknown_province(key, [(c.zh, c.en) for c in columns])) if across == "province" else None
    found = _matches(key, candidates, what, unknown)
    return next(c for c in columns if c.iri == found)


def resolve_row(data: Adoptions, key: str, by: str | None = None) -> Concept:
    """A category, mechanism or supervision relation by zh or en label, IRI or local name.

    An alternative label works if it is unambiguous. ``by="relation"`` looks only
    among the relations; otherwise the taxonomy is searched first.
    """
    tables = [data.relations] if by == "relation" else [data.concepts, data.relations]
    what = "supervision relation" if by == "relation" else "category or mechanism"
    concepts = [c for table in tables for c in table.values()]
    try:
        found = _matches(key, [(c.iri, (c.zh, c.en)) for c in concepts], what)
    except InputError:
        wanted = _norm(key)
        alt_hits = [c.iri for c in concepts if wanted in {_norm(a) for a in c.alt_labels}]
        if len(alt_hits) != 1:
            raise
        found = alt_hits[0]
    return next(table[found] for table in tables if found in table)


@dataclass(frozen=True)
class ExplainedMeasure:
    measure: Measure
    organs: tuple[Entity, ...]
    via: tuple[Concept, ...]


@dataclass
class Explanation:
    """The measures and quotes behind one cell of the matrix, and what its column rests on."""

    by: str
    across: str
    row: Concept
    column: Entity
    measures: list[ExplainedMeasure]
    basis: list[Basis] = field(default_factory=list)
    #: The distinct mechanisms of the cell as ``--count mechanisms`` counts them (a narrower one as its broader).
    mechanisms: int = 0


def cell_members(data: Adoptions, by: str, across: str, row: str, column: str) -> Members:
    """One cell's measures: read from the store for that cell only, or by the Python rules."""
    from kg.compare.aggregate import can_aggregate, members

    if can_aggregate(data, "measures"):
        return members(data, by, across, (row, column))
    matrix, _ = tally(data, by, across, "measures")
    return matrix.members


def explain(
    data: Adoptions, column_key: str, row_key: str, by: str | None = None, across: str = "province"
) -> Explanation:
    """The measures behind the cell (``column_key``, ``row_key``), with their organs and quotes.

    ``by`` defaults to the kind of the row: a category is explained as the
    rolled-up category cell, a mechanism as its own cell, a relation as a relation cell.
    """
    check_choice("--across", across, ACROSS)
    if by is not None:
        check_choice("--by", by, BYS)
    column = resolve_column(data, column_key, across)
    row = resolve_row(data, row_key, by)
    kind = "relation" if row.iri in data.relations else "category" if row.is_category else "mechanism"
    if by is None:
        by = kind
    if by == "category" and kind != "category":
        raise UsageError(
            f"{row.zh!r} is a mechanism, not a category: use --by mechanism (or leave --by out) to explain it"
        )
    if by == "mechanism" and kind == "relation":
        raise UsageError(f"{row.zh!r} is a supervision relation: use --by relation (or leave --by out)")
    found = cell_members(data, by, across, row.iri, column.iri)
    iris = found.cells.get((row.iri, column.iri), frozenset())
    measures = data.some_measures(iris)
    organs = data.some_organs(o for m in measures.values() for o in m.organs)
    explained = []
    for iri in iris:
        measure = measures[iri]
        via = tuple(data.concepts[c] for c in sorted(found.via.get((iri, row.iri), ())) if c in data.concepts)
        explained.append(ExplainedMeasure(measure, tuple(organs[o] for o in measure.organs if o in organs), via))
    explained.sort(key=lambda e: (e.measure.first_offset, e.measure.iri))
    mechanisms = len({data.mechanism_of(c.iri) for e in explained for c in e.via})
    return Explanation(
        by, across, row, column, explained, basis(data, across, column.iri).get(column.iri, []), mechanisms
    )
