"""The counting rules, which every output of ``kg compare`` follows (mirrored by docs/compare.md).

Where a measure stands:

- **Columns.** A measure belongs to the province of each organ that adopted it
  (``zf:adoptedBy`` → ``zf:inProvince``); partner organs (``zf:jointlyWith``)
  do not count. Across organ types, it belongs to the organ type of each
  adopting organ (the ``zf:OrganType`` class of the organ, found through
  ``rdfs:subClassOf`` when the organ is typed more narrowly).
- **Rows.** ``by="mechanism"``: the concepts it ``zf:implements`` and every
  concept above them (a category's row, or a mechanism's with narrower ones,
  reports what is reported anywhere below it).
  ``by="category"``: each implemented concept rolled up along ``skos:broader``
  (any depth) to its top concept. ``by="relation"``: each of its
  ``zf:supervisionRelation`` values.

What a cell counts (``count``), over the measures standing in it:

- ``presence``: 1 if the source reports at least one such measure, else 0
  (the default ``--by mechanism``). Totals: columns reporting a row, rows
  reported in a column, cells reported.
- ``mechanisms``: the distinct taxonomy concepts those measures implement that
  put them in the row (the default ``--by category``), a narrower mechanism
  counted as the mechanism it is a kind of (``Adoptions.mechanism_of``).
- ``statements``: the distinct stating sentences quoted for those measures
  (:mod:`kg.compare.statements`); measures sharing a sentence count once (the
  default ``--by relation``).
- ``measures``: the distinct measures (how finely the curators split a sentence
  shows here; see docs/compare.md).

Totals of the last three count the distinct units (concepts, sentences,
measures) of the row, the column or the whole matrix, so they are not sums.
This module is the reference: :mod:`kg.compare.aggregate` computes the same
cells inside the store, and the tests hold the two to the same answers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field

from kg.compare.basis import Basis
from kg.compare.model import Adoptions, Concept, Entity
from kg.compare.options import ACROSS, BYS, COUNTS, DEFAULT_COUNT, ROWS, SORTS, check_choice

#: Why a measure is in no cell, in both languages.
REASONS: dict[str, dict[str, str]] = {
    "no-organ": {"zh": "没有采用机关（zf:adoptedBy）", "en": "no adopting organ (zf:adoptedBy)"},
    "no-province": {"zh": "采用机关没有所属省份", "en": "its adopting organ has no province"},
    "no-organ-type": {"zh": "采用机关没有机关类型", "en": "its adopting organ has no organ type"},
    "no-mechanism": {"zh": "未实施任何机制（zf:implements）", "en": "implements no mechanism (zf:implements)"},
    "outside-taxonomy": {"zh": "所实施的机制不在分类体系中", "en": "implements no concept of the taxonomy"},
    "no-relation": {
        "zh": "没有监督关系（zf:supervisionRelation）",
        "en": "no supervision relation (zf:supervisionRelation)",
    },
}

Cell = tuple[str, str]  # (row IRI, column IRI)


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
class Totals:
    rows: dict[str, int]
    columns: dict[str, int]
    grand: int


@dataclass
class Members:
    """Which measures stand in each cell, and through which implemented concepts."""

    cells: dict[Cell, frozenset[str]]
    via: dict[tuple[str, str], frozenset[str]]  # (measure, row) → the implemented concepts behind it


@dataclass
class Matrix:
    """Rows × columns (provinces or organ types); each cell a count under ``rule``.

    The measures of a cell (``measures``) and the totals may be read only when
    asked for: a CSV needs neither.
    """

    by: str
    across: str
    rows: list[Concept]
    columns: list[Entity]
    tallies: dict[Cell, int]
    rule: str = "measures"
    unplaced: list[Unplaced] = field(default_factory=list)
    data: Adoptions | None = None  # what the matrix was counted from (for its basis and quotes)
    totals_from: Callable[[], Totals] | None = None
    members_from: Callable[[], Members] | None = None
    _totals: Totals | None = None
    _members: Members | None = None

    @property
    def members(self) -> Members:
        if self._members is None:
            assert self.members_from is not None
            self._members = self.members_from()
        return self._members

    @property
    def cells(self) -> dict[Cell, frozenset[str]]:
        return self.members.cells

    @property
    def via(self) -> dict[tuple[str, str], frozenset[str]]:
        return self.members.via

    @property
    def total(self) -> Totals:
        if self._totals is None:
            assert self.totals_from is not None
            self._totals = self.totals_from()
        return self._totals

    def measures(self, row: str, column: str) -> frozenset[str]:
        return self.cells.get((row, column), frozenset())

    def count(self, row: str, column: str) -> int:
        return self.tallies.get((row, column), 0)

    def row_total(self, row: str) -> int:
        return self.total.rows.get(row, 0)

    def column_total(self, column: str) -> int:
        return self.total.columns.get(column, 0)

    def grand_total(self) -> int:
        return self.total.grand

    def counts(self) -> list[list[int]]:
        return [[self.count(r.iri, c.iri) for c in self.columns] for r in self.rows]

    def present(self, column: str) -> set[str]:
        """The rows reported (at least one measure) in ``column``."""
        return {r.iri for r in self.rows if self.count(r.iri, column)}

    @property
    def row_header(self) -> str:
        return self.by

    def basis(self) -> dict[str, list[Basis]]:
        """Column IRI → the source parts it rests on (empty without the data it was counted from)."""
        if self.data is None or self.data.graph is None:
            return {}
        from kg.compare.basis import basis

        return {c.iri: basis(self.data, self.across).get(c.iri, []) for c in self.columns}


def row_concepts(data: Adoptions, by: str) -> list[Concept]:
    if by == "relation":
        return list(data.relations.values())
    return [c for c in data.concepts.values() if by == "mechanism" or c.is_category]


def units_of(rule: str, measure: str, concepts: Iterable[str], statements: Iterable[Hashable]) -> set[Hashable]:
    """What one measure adds to a cell under ``rule`` (presence counts measures, then caps at 1)."""
    if rule == "mechanisms":
        return set(concepts)
    if rule == "statements":
        return set(statements)
    return {measure}


def tally(data: Adoptions, by: str, across: str, rule: str) -> tuple[Matrix, list[Unplaced]]:
    """The rules above, applied measure by measure in Python over every measure of the graph."""
    from kg.compare.statements import seed_text_reader, statements

    column_list = list(data.columns(across))
    column_iris = {c.iri for c in column_list}
    row_iris = {r.iri for r in row_concepts(data, by)}
    cells: dict[Cell, set[str]] = defaultdict(set)
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    units: dict[Cell, set[Hashable]] = defaultdict(set)
    unplaced: list[Unplaced] = []
    read = seed_text_reader() if rule == "statements" else None
    for measure in data.measures.values():
        placed_columns = data.columns_of(measure, across) & column_iris
        placed_rows = {r: c for r, c in data.rows_of(measure, by).items() if r in row_iris}
        if not measure.organs:
            unplaced.append(Unplaced(measure.iri, "no-organ"))
        elif not placed_columns:
            unplaced.append(Unplaced(measure.iri, f"no-{across}"))
        if by == "relation":
            if not placed_rows:
                unplaced.append(Unplaced(measure.iri, "no-relation"))
        elif not measure.implements:
            unplaced.append(Unplaced(measure.iri, "no-mechanism"))
        elif not placed_rows:
            unplaced.append(Unplaced(measure.iri, "outside-taxonomy"))
        said = statements(measure.quotes, read) if read is not None else set()
        for row, concepts in placed_rows.items():
            via[(measure.iri, row)] |= concepts
            for column in placed_columns:
                cells[(row, column)].add(measure.iri)
                units[(row, column)] |= units_of(rule, measure.iri, {data.mechanism_of(c) for c in concepts}, said)
    frozen = Members({k: frozenset(v) for k, v in cells.items()}, {k: frozenset(v) for k, v in via.items()})

    def count(found: set[Hashable]) -> int:
        return min(len(found), 1) if rule == "presence" else len(found)

    tallies = {key: count(value) for key, value in units.items() if count(value)}

    def totals() -> Totals:
        if rule == "presence":
            by_row: dict[str, int] = defaultdict(int)
            by_column: dict[str, int] = defaultdict(int)
            for (row, column), n in tallies.items():
                by_row[row] += n
                by_column[column] += n
            return Totals(dict(by_row), dict(by_column), sum(tallies.values()))
        row_units: dict[str, set[Hashable]] = defaultdict(set)
        column_units: dict[str, set[Hashable]] = defaultdict(set)
        for (row, column), found in units.items():
            row_units[row] |= found
            column_units[column] |= found
        every: set[Hashable] = set().union(*units.values()) if units else set()
        return Totals(
            {k: len(v) for k, v in row_units.items()}, {k: len(v) for k, v in column_units.items()}, len(every)
        )

    matrix = Matrix(
        by=by,
        across=across,
        rows=row_concepts(data, by),
        columns=column_list,
        tallies=tallies,
        rule=rule,
        unplaced=unplaced,
        totals_from=totals,
        _members=frozen,
    )
    return matrix, unplaced


def build_matrix(
    data: Adoptions,
    by: str = "category",
    across: str = "province",
    rows: str = "all",
    columns: str = "all",
    sort: str = "taxonomy",
    count: str | None = None,
    engine: str = "auto",
) -> Matrix:
    """The matrix of ``by`` × ``across`` cells counted under ``count`` (default: :data:`DEFAULT_COUNT`).

    ``engine``: ``store`` aggregates inside the Oxigraph store (fast at any size;
    --format csv reads nothing else), ``python`` applies this module's rules to
    every measure read into Python (the rdflib backend, and ``statements``);
    ``auto`` picks the store when it can.
    """
    check_choice("--by", by, BYS)
    check_choice("--across", across, ACROSS)
    check_choice("--rows", rows, ROWS)
    check_choice("--columns", columns, ROWS)
    check_choice("--sort", sort, SORTS)
    rule = count or DEFAULT_COUNT[by]
    check_choice("--count", rule, COUNTS)
    check_choice("engine", engine, ("auto", "store", "python"))
    if by == "relation" and not data.relations:
        from kg.errors import InputError

        raise InputError(
            "this graph has no supervision relations (skos:inScheme zfr:supervision-relations) to use as rows: "
            "use --by category or --by mechanism"
        )
    from kg.compare.aggregate import can_aggregate, tally_in_store

    if engine == "store" or (engine == "auto" and can_aggregate(data, rule)):
        matrix = tally_in_store(data, by, across, rule)
    else:
        matrix, _ = tally(data, by, across, rule)
    matrix.data = data
    if rows == "nonzero":
        kept = {r.iri for r in matrix.rows if matrix.row_total(r.iri)}
        if by == "mechanism" and sort == "taxonomy":
            # A category stays as the heading of its mechanisms that are reported.
            kept |= {c for r in matrix.rows if r.iri in kept for c in r.categories}
        matrix.rows = [r for r in matrix.rows if r.iri in kept]
    if columns == "nonzero":
        matrix.columns = [c for c in matrix.columns if matrix.column_total(c.iri)]
    if sort == "total":
        order = {r.iri: i for i, r in enumerate(matrix.rows)}
        matrix.rows.sort(key=lambda r: (-matrix.row_total(r.iri), order[r.iri]))
    return matrix
