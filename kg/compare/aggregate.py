"""The counting rules of :mod:`kg.compare.counting`, computed inside the Oxigraph store.

A CSV matrix then reads a few hundred numbers instead of every measure and
quote of the graph. The taxonomy (small) is read into Python first, so the
roll-up to categories is a VALUES table rather than a property path, and each
part of the pattern is a sub-select that Oxigraph joins by hashing (as the
shipped ``province-category-matrix`` query does).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from kg.compare.counting import Cell, Matrix, Members, Totals, row_concepts, tally
from kg.compare.loaders import type_closure
from kg.compare.model import Adoptions
from kg.compare.reading import ask, is_store, sparql
from kg.compare.vocab import iri_list


def can_aggregate(data: Adoptions, rule: str) -> bool:
    """Only Oxigraph runs these aggregates fast; statements need the source text, read in Python."""
    return data.graph is not None and is_store(data.graph) and rule != "statements"


def _pairs(pairs: Iterable[tuple[str, str]]) -> str:
    return " ".join(f"(<{a}> <{b}>)" for a, b in pairs)


def _triples(data: Adoptions, pairs: Iterable[tuple[str, str]]) -> str:
    """(concept, row) pairs with the mechanism each concept counts as."""
    return " ".join(f"(<{a}> <{b}> <{data.mechanism_of(a)}>)" for a, b in pairs)


#: A measure and its adopting organ (the join between a measure and its column).
ADOPTED = "{ SELECT ?m ?o WHERE { ?m zf:adoptedBy ?o } }"


def placement(data: Adoptions, by: str, across: str, cell: Cell | None = None) -> str:
    """The graph pattern binding ?m (a measure), ?row, ?col and, where there is one, ?concept."""
    column, row = _placement_parts(data, by, across, cell)
    return f"""{{ SELECT ?m WHERE {{ ?m a zf:Measure }} }}
      {ADOPTED}
      {column}
      {row}"""


def _placement_parts(data: Adoptions, by: str, across: str, cell: Cell | None = None) -> tuple[str, str]:
    """The two halves of :func:`placement`: an organ ?o in its column ?col; a measure ?m in its ?row."""
    columns = [c.iri for c in data.columns(across)]
    if cell is not None:
        columns = [cell[1]]
    if across == "province":
        column = f"{{ SELECT ?o ?col WHERE {{ VALUES ?col {{ {iri_list(columns)} }} ?o zf:inProvince ?col }} }}"
    else:
        closure = type_closure(data._graph, set(columns))
        mapping = sorted((cls, t) for cls, types in closure.items() for t in types if t in columns)
        column = f"{{ SELECT ?o ?col WHERE {{ VALUES (?class ?col) {{ {_pairs(mapping)} }} ?o a ?class }} }}"
    rows = [r.iri for r in row_concepts(data, by)]
    if cell is not None:
        rows = [cell[0]]
    taxonomy = data.concepts
    # ?unit: the mechanism a concept counts as under --count mechanisms (Adoptions.mechanism_of).
    if by == "category":
        mapping = sorted((c.iri, cat) for c in taxonomy.values() for cat in c.categories if cat in rows)
        row = (
            f"{{ SELECT ?m ?concept ?row ?unit WHERE {{ VALUES (?concept ?row ?unit) {{ {_triples(data, mapping)} }} "
            "?m zf:implements ?concept } }"
        )
    elif by == "mechanism":
        # Each row counts its subtree (kg.compare.model.Adoptions.rows_of): the concept and its ancestors.
        mapping = sorted((c.iri, up) for c in taxonomy.values() for up in (c.iri, *data.ancestors(c.iri)) if up in rows)
        row = (
            f"{{ SELECT ?m ?concept ?row ?unit WHERE {{ VALUES (?concept ?row ?unit) {{ {_triples(data, mapping)} }} "
            "?m zf:implements ?concept } }"
        )
    else:
        units = _pairs(sorted((c, data.mechanism_of(c)) for c in taxonomy))
        row = (
            f"{{ SELECT ?m ?row WHERE {{ VALUES ?row {{ {iri_list(rows)} }} ?m zf:supervisionRelation ?row }} }}\n"
            f"OPTIONAL {{ SELECT ?m ?concept ?unit WHERE {{ VALUES (?concept ?unit) {{ {units} }} "
            "?m zf:implements ?concept } }"
        )
    return column, row


def _some_unplaced(data: Adoptions, by: str, across: str) -> bool:
    """Whether some measure fits no cell: no adopting organ in a column, or no row.

    Two anti-joins, asked as one ASK: the same answer as comparing the distinct measures of the
    whole placement with all measures, at about two thirds of its cost on a 1M-triple graph.
    """
    column, row = _placement_parts(data, by, across)
    return ask(
        data._graph,
        f"""{{ ?m a zf:Measure MINUS {{ {ADOPTED} {column} }} }}
        UNION {{ ?m a zf:Measure MINUS {{ {row} }} }}""",
    )


def _counted(rule: str) -> str:
    return "?unit" if rule == "mechanisms" else "?m"


def tally_in_store(data: Adoptions, by: str, across: str, rule: str) -> Matrix:
    graph = data._graph
    rows = row_concepts(data, by)
    columns = list(data.columns(across))
    if not rows or not columns:
        matrix, _ = tally(data, by, across, rule)
        return matrix
    pattern = placement(data, by, across)
    unit = _counted(rule)
    tallies: dict[Cell, int] = {}
    for row, col, n in sparql(
        graph, f"SELECT ?row ?col (COUNT(DISTINCT {unit}) AS ?n) WHERE {{ {pattern} }} GROUP BY ?row ?col"
    ):
        value = int(n)
        if rule == "presence":
            value = min(value, 1)
        if value:
            tallies[(str(row), str(col))] = value

    def totals() -> Totals:
        if rule == "presence":
            by_row: dict[str, int] = defaultdict(int)
            by_column: dict[str, int] = defaultdict(int)
            for (r, c), n in tallies.items():
                by_row[r] += n
                by_column[c] += n
            return Totals(dict(by_row), dict(by_column), sum(tallies.values()))
        per_row = sparql(graph, f"SELECT ?row (COUNT(DISTINCT {unit}) AS ?n) WHERE {{ {pattern} }} GROUP BY ?row")
        per_column = sparql(graph, f"SELECT ?col (COUNT(DISTINCT {unit}) AS ?n) WHERE {{ {pattern} }} GROUP BY ?col")
        ((grand,),) = sparql(graph, f"SELECT (COUNT(DISTINCT {unit}) AS ?n) WHERE {{ {pattern} }}")
        return Totals({str(r): int(n) for r, n in per_row}, {str(c): int(n) for c, n in per_column}, int(grand))

    matrix = Matrix(
        by=by,
        across=across,
        rows=rows,
        columns=columns,
        tallies=tallies,
        rule=rule,
        totals_from=totals,
        members_from=lambda: members(data, by, across),
    )
    if _some_unplaced(data, by, across):
        # Some measure fits no cell: say which and why (rare; reads the measures into Python).
        _, matrix.unplaced = tally(data, by, across, "measures")
    return matrix


def members(data: Adoptions, by: str, across: str, cell: Cell | None = None) -> Members:
    """The measures of every cell (or of one) and the concepts that put them in their row."""
    cells: dict[Cell, set[str]] = defaultdict(set)
    via: dict[tuple[str, str], set[str]] = defaultdict(set)
    pattern = placement(data, by, across, cell)
    for row, col, m, concept in sparql(data._graph, f"SELECT DISTINCT ?row ?col ?m ?concept WHERE {{ {pattern} }}"):
        cells[(str(row), str(col))].add(str(m))
        if concept is not None:
            via[(str(m), str(row))].add(str(concept))
        else:
            via[(str(m), str(row))]
    return Members({k: frozenset(v) for k, v in cells.items()}, {k: frozenset(v) for k, v in via.items()})
