"""The counting rules, which every output of ``kg compare`` follows (mirrored by docs/compare.md).

- A measure belongs to the province of each organ that adopted it
  (``zf:adoptedBy`` → ``zf:inProvince``); partner organs (``zf:jointlyWith``)
  do not count. Across organ types, it belongs to the organ type of each
  adopting organ (the ``zf:OrganType`` class of the organ, found through
  ``rdfs:subClassOf`` when the organ is typed more narrowly).
- ``by="mechanism"``: a cell counts the measures that ``zf:implements`` that
  concept itself. A category's own row counts the measures filed directly under
  the category, not under one of its mechanisms.
- ``by="category"``: each implemented concept is rolled up along
  ``skos:broader`` (any depth) to its top concept; a cell counts the DISTINCT
  measures, so a measure implementing two mechanisms of one category counts once.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from kg.compare.model import Adoptions, Concept, Entity
from kg.compare.options import ACROSS, BYS, ROWS, SORTS, check_choice

#: Why a measure is in no cell, in both languages.
REASONS: dict[str, dict[str, str]] = {
    "no-organ": {"zh": "没有采用机关（zf:adoptedBy）", "en": "no adopting organ (zf:adoptedBy)"},
    "no-province": {"zh": "采用机关没有所属省份", "en": "its adopting organ has no province"},
    "no-organ-type": {"zh": "采用机关没有机关类型", "en": "its adopting organ has no organ type"},
    "no-mechanism": {"zh": "未实施任何机制（zf:implements）", "en": "implements no mechanism (zf:implements)"},
    "outside-taxonomy": {"zh": "所实施的机制不在分类体系中", "en": "implements no concept of the taxonomy"},
}


@dataclass(frozen=True)
class Unplaced:
    """A measure that cannot be put in a cell, and why (a key of :data:`REASONS`)."""

    measure: str
    code: str

    @property
    def reason(self) -> str:
        return self.why("en")

    def why(self, lang: str) -> str:
        return REASONS[self.code]["en" if lang == "en" else "zh"]


@dataclass
class Matrix:
    """Rows (concepts) × columns (provinces or organ types); each cell holds measure IRIs."""

    by: str
    across: str
    rows: list[Concept]
    columns: list[Entity]
    cells: dict[tuple[str, str], frozenset[str]]
    via: dict[tuple[str, str], frozenset[str]]  # (measure, row) → the implemented concepts behind it
    unplaced: list[Unplaced] = field(default_factory=list)

    def measures(self, row: str, column: str) -> frozenset[str]:
        return self.cells.get((row, column), frozenset())

    def count(self, row: str, column: str) -> int:
        return len(self.measures(row, column))

    def row_total(self, row: str) -> int:
        return len(frozenset().union(*(self.measures(row, c.iri) for c in self.columns)))

    def column_total(self, column: str) -> int:
        return len(frozenset().union(*(self.measures(r.iri, column) for r in self.rows)))

    def grand_total(self) -> int:
        return len(frozenset().union(*self.cells.values()))

    def counts(self) -> list[list[int]]:
        return [[self.count(r.iri, c.iri) for c in self.columns] for r in self.rows]

    def present(self, column: str) -> set[str]:
        """The rows with at least one measure in ``column``."""
        return {r.iri for r in self.rows if self.count(r.iri, column)}

    @property
    def row_header(self) -> str:
        return self.by


def build_matrix(
    data: Adoptions,
    by: str = "category",
    across: str = "province",
    rows: str = "all",
    columns: str = "all",
    sort: str = "taxonomy",
) -> Matrix:
    """Count measures per (concept, province) or (concept, organ type) cell."""
    check_choice("--by", by, BYS)
    check_choice("--across", across, ACROSS)
    check_choice("--rows", rows, ROWS)
    check_choice("--columns", columns, ROWS)
    check_choice("--sort", sort, SORTS)
    column_list = list(data.columns(across))
    column_iris = {c.iri for c in column_list}
    cells: dict[tuple[str, str], set[str]] = defaultdict(set)
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    unplaced: list[Unplaced] = []
    for measure in data.measures.values():
        placed_columns = data.columns_of(measure, across) & column_iris
        placed_rows = data.rows_of(measure, by)
        if not measure.organs:
            unplaced.append(Unplaced(measure.iri, "no-organ"))
        elif not placed_columns:
            unplaced.append(Unplaced(measure.iri, f"no-{across}"))
        if not measure.implements:
            unplaced.append(Unplaced(measure.iri, "no-mechanism"))
        elif not placed_rows:
            unplaced.append(Unplaced(measure.iri, "outside-taxonomy"))
        for row, concepts in placed_rows.items():
            via[(measure.iri, row)] |= concepts
            for column in placed_columns:
                cells[(row, column)].add(measure.iri)
    matrix = Matrix(
        by=by,
        across=across,
        rows=[c for c in data.concepts.values() if by == "mechanism" or c.is_category],
        columns=column_list,
        cells={key: frozenset(value) for key, value in cells.items()},
        via={key: frozenset(value) for key, value in via.items()},
        unplaced=unplaced,
    )
    if rows == "nonzero":
        kept = {r.iri for r in matrix.rows if matrix.row_total(r.iri)}
        if by == "mechanism" and sort == "taxonomy":
            # A category stays as the heading of its mechanisms that have measures.
            kept |= {c for r in matrix.rows if r.iri in kept for c in r.categories}
        matrix.rows = [r for r in matrix.rows if r.iri in kept]
    if columns == "nonzero":
        matrix.columns = [c for c in matrix.columns if matrix.column_total(c.iri)]
    if sort == "total":
        order = {r.iri: i for i, r in enumerate(matrix.rows)}
        matrix.rows.sort(key=lambda r: (-matrix.row_total(r.iri), order[r.iri]))
    return matrix
