"""What each column rests on: the source parts (speeches) reporting its measures.

A column of the matrix is not a province's practice but what one or more
speakers reported: each measure is ``zf:reportedIn`` a speech, delivered
``zf:onBehalfOf`` an organ of some organ type, whose text is a source part with
code-point offsets. For every column this lists each such part with its length
in characters and the number of the column's measures it reports.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from kg.compare.model import Adoptions, Entity, Part
from kg.compare.reading import sparql
from kg.compare.vocab import iri_list


@dataclass(frozen=True)
class Basis:
    column: Entity
    part: Part
    measures: int  # the column's measures this part reports

    @property
    def characters(self) -> int | None:
        return self.part.characters


def column_pattern(data: Adoptions, across: str, columns: list[str]) -> str:
    """Binds ?o (an organ) to ?col, a province or organ type it belongs to."""
    from kg.compare.loaders import type_closure

    if across == "province":
        return f"{{ SELECT ?o ?col WHERE {{ VALUES ?col {{ {iri_list(columns)} }} ?o zf:inProvince ?col }} }}"
    closure = type_closure(data._graph, set(columns))
    pairs = " ".join(f"(<{c}> <{t}>)" for c, types in sorted(closure.items()) for t in sorted(types) if t in columns)
    return f"{{ SELECT ?o ?col WHERE {{ VALUES (?class ?col) {{ {pairs} }} ?o a ?class }} }}"


def basis(data: Adoptions, across: str, column: str | None = None) -> dict[str, list[Basis]]:
    """Column IRI → the parts its measures are reported in, in reading order (``column``: that one only)."""
    return _cached(data, across, column)


@lru_cache(maxsize=8)
def _cached(data: Adoptions, across: str, column: str | None) -> dict[str, list[Basis]]:
    columns = {c.iri: c for c in data.columns(across) if column is None or c.iri == column}
    if not columns:
        return {}
    rows = sparql(
        data._graph,
        f"""SELECT ?col ?speech (COUNT(DISTINCT ?m) AS ?n) WHERE {{
          {{ SELECT ?m WHERE {{ ?m a zf:Measure }} }}
          {{ SELECT ?m ?o WHERE {{ ?m zf:adoptedBy ?o }} }}
          {column_pattern(data, across, list(columns))}
          {{ SELECT ?m ?speech WHERE {{ ?m zf:reportedIn ?speech }} }}
        }} GROUP BY ?col ?speech""",
    )
    parts = data.parts
    found: dict[str, list[Basis]] = defaultdict(list)
    for col, speech, n in rows:
        part = parts.get(str(speech))
        if part is None:
            continue
        found[str(col)].append(Basis(columns[str(col)], part, int(n)))
    for entries in found.values():
        entries.sort(key=lambda b: (b.part.source, b.part.start if b.part.start is not None else 1 << 62, b.part.iri))
    return dict(found)
