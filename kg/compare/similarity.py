"""Jaccard similarity of columns; rows shared by two or more columns, unique to one, or in none."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from kg.compare.counting import Matrix
from kg.compare.model import Concept, Entity

if TYPE_CHECKING:
    # Imported where a ratio is made: kg.compare loads this module, and a CSV matrix needs no fractions.
    from fractions import Fraction


@dataclass(frozen=True)
class Pair:
    a: Entity
    b: Entity
    shared: tuple[str, ...]  # row IRIs present in both
    union: int

    @property
    def jaccard(self) -> Fraction | None:
        """|A ∩ B| / |A ∪ B|; undefined (None) when neither has anything."""
        from fractions import Fraction

        return Fraction(len(self.shared), self.union) if self.union else None


@dataclass
class Similarity:
    by: str
    across: str
    columns: list[Entity]
    pairs: list[Pair]

    def jaccard(self, a: str, b: str) -> Fraction | None:
        if a == b:
            from fractions import Fraction

            return Fraction(1) if any(p.union for p in self.pairs) else None
        for pair in self.pairs:
            if {pair.a.iri, pair.b.iri} == {a, b}:
                return pair.jaccard
        raise KeyError((a, b))


def similarity(matrix: Matrix) -> Similarity:
    """Jaccard similarity of every pair of columns over the rows they have at least one measure in.

    Over mechanisms, a column has the mechanisms its measures implement as stated: a row that
    only sums up mechanisms below it (a category, or 流程节点监控 above 854) would count one
    report twice.
    """
    sets = {c.iri: _reported(matrix, c.iri) for c in matrix.columns}
    order = {r.iri: i for i, r in enumerate(matrix.rows)}
    pairs = [
        Pair(a, b, tuple(sorted(sets[a.iri] & sets[b.iri], key=order.__getitem__)), len(sets[a.iri] | sets[b.iri]))
        for a, b in combinations(matrix.columns, 2)
    ]
    return Similarity(matrix.by, matrix.across, list(matrix.columns), pairs)


def _reported(matrix: Matrix, column: str) -> set[str]:
    if matrix.by != "mechanism":
        return matrix.present(column)
    via = matrix.members.via
    return {r.iri for r in matrix.rows if any(r.iri in via.get((m, r.iri), ()) for m in matrix.measures(r.iri, column))}


@dataclass(frozen=True)
class Spread:
    """Which columns have at least one measure in a row."""

    row: Concept
    columns: tuple[Entity, ...]
    measures: int

    @property
    def status(self) -> str:
        n = len(self.columns)
        return "shared" if n >= 2 else "unique" if n == 1 else "none"


def overlap(matrix: Matrix) -> list[Spread]:
    """Every row with the columns it occurs in: shared by two or more first (most widely shared on top).

    In the mechanism matrix a row counts its whole subtree, so a category row is shared
    wherever any of its mechanisms is. ``measures`` is the number of distinct measures of
    the row, whatever the matrix counts.
    """

    def measures(row: str) -> int:
        return len(frozenset().union(*(matrix.measures(row, c.iri) for c in matrix.columns)))

    spreads = [
        Spread(r, tuple(c for c in matrix.columns if matrix.count(r.iri, c.iri)), measures(r.iri)) for r in matrix.rows
    ]
    order = {r.iri: i for i, r in enumerate(matrix.rows)}
    rank = {"shared": 0, "unique": 1, "none": 2}
    spreads.sort(key=lambda s: (rank[s.status], -len(s.columns), -s.measures, order[s.row.iri]))
    return spreads
