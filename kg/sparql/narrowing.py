"""A parameter turned into the few values of a variable it selects, asked before the query runs.

Why: ``evidence-of --param entity=…`` selects its facts with a FILTER (the fact is
the entity, or the entity is one of its labels) that an engine checks row by row:
at a million triples Oxigraph builds all 44,000 fact rows first (15-19 s) to keep a
handful; ``search --param text=…`` joins all 43,000 quotes to their facts before
its CONTAINS (2 s). Asked first, the values the parameter selects come from one scan
of the labels or quotes a pattern names (0.45 s for 95,000 labels at a million
triples, 0.2 s for the quotes), and the query starts from them
(``VALUES ?fact { … }`` first in its WHERE group: a few lookups).

A shipped query declares it in its header, one line a pattern::

    # narrow ?fact by ?entity: BIND(?entity AS ?fact) FILTER(isIRI(?fact))
    # narrow ?fact by ?entity: ?fact rdfs:label ?name FILTER(isLITERAL(?entity) && STR(?name) = STR(?entity))

The values of ``?target`` are those of all the lines' patterns, each asked alone
(``SELECT DISTINCT ?target``, ``VALUES ?param { value }`` first in its group): one
triple pattern and its FILTER is one scan, where a UNION of them is not (Oxigraph
joins the union whole to the parameter, then filters: 0.97 s against 0.66 s for the
four scans of ``search``). Why it is exact: the query keeps its own FILTER on the
parameter, so narrowing may only drop rows that FILTER drops; the header's author
promises that every row the query keeps has a ``?target`` some line gives. A value
the lines give as a blank node cannot be written in ``VALUES``: then nothing is narrowed.

``# narrow ?mech exactly by ?mechanism: pattern`` promises more: the pattern selects exactly
the ``?target`` values of the rows the query's filter keeps, and the parameter is used for
nothing else. Then the parameter is left unbound once its values are found: the filter, which
``measures-by-mechanism`` tests by six ``EXISTS`` per row (2 ms a row: 50 s for a name most
mechanisms hold), is what the pattern did once per concept (0.1 s at a million triples).

Several targets, ``# narrow ?thing ?match by ?text: pattern``, give the combinations the lines
bind (``VALUES (?thing ?match) { … }``), with the same promise for each row's combination.

Pages: a narrowed answer is asked whole (an entity's facts, a province's organs: a few
hundred rows at most), except where ``?target`` is a later page-by key (``?cat ?mech``): then
the buckets are those of the values found (:func:`narrowed_page_by`), or where the first key's
line of values uses ``?target`` (``who-checks-whom``: ``?rel`` gives ``?relNotation``): then the
pages are asked by the same buckets, every query of them given ``VALUES ?target { found }``; and
where the first sort key is a target (``search``'s ``?thing``): then a page is asked for the
combinations of its first few key values only (:func:`narrowed_page`). ``search --param text=case``
at a million triples finds 9,065 (thing, name) pairs; sorting the whole answer cost 1 s more than
the scans, a page of the first hundred things 0.015 s.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace

import pyoxigraph as ox

from kg.sparql import lexer
from kg.sparql.buckets import XSD_STRING, PageBy, PageRows, first_order_keys
from kg.sparql.results import QueryResult
from kg.sparql.terms import Term, sparql_text
from kg.textindex import TextIndex, declared_prefixes, indexed_line

NARROW_LINE = re.compile(
    r"^#\s*narrow\s+((?:\?[A-Za-z_][A-Za-z0-9_]*\s+)+)(exactly\s+)?by\s+\?([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.+)$"
)


Row = tuple[Term | None, ...]


@dataclass(frozen=True)
class Narrowing:
    """``# narrow ?target by ?param: pattern`` lines: the values of ``?target`` that ``?param``'s value selects."""

    targets: tuple[str, ...]
    param: str
    patterns: tuple[str, ...]
    # ``exactly``: the patterns are the filter's own test, so the parameter is left unbound once they ran.
    exact: bool = False

    def with_line(self, line: Narrowing) -> Narrowing:
        """This narrowing and a further line's pattern; the lines must name the same variables."""
        if (line.targets, line.param, line.exact) != (self.targets, self.param, self.exact):
            raise ValueError(f"narrow lines of {_names(self.targets)} by ?{self.param} and {_names(line.targets)}")
        return Narrowing(self.targets, self.param, self.patterns + line.patterns, self.exact)

    def unbinds(self, name: str) -> bool:
        """Whether parameter ``name`` (``?`` or ``$`` optional) is left unbound once the values are found."""
        return self.exact and name.lstrip("?$") == self.param


def narrowing_header(line: str) -> Narrowing | None:
    """The ``# narrow ?target by ?param: pattern`` header line, if ``line`` is one."""
    match = NARROW_LINE.match(line)
    if match is None:
        return None
    targets = tuple(name.lstrip("?") for name in match.group(1).split())
    return Narrowing(targets, match.group(3), (match.group(4).strip(),), bool(match.group(2)))


def narrowed_values(
    narrowing: Narrowing,
    value: Term,
    text: str,
    run: Callable[[str], QueryResult],
    index: TextIndex | None = None,
    prefixes: Mapping[str, str] | None = None,
) -> list[Row] | None:
    """The combinations of the targets that ``value`` (the parameter's) selects, in the lines' order; None: not narrowed.

    ``text`` is the SELECT query narrowed (its prefixes declare the lines'); ``run`` runs a SELECT text on the engine.
    A row leaves a target unbound (None) where its line does. With the store's text ``index`` (kg.textindex), a
    line whose head it answers starts from the triples it finds (``prefixes``: the engine's, beside the query's).
    """
    if isinstance(value, ox.BlankNode):
        return None
    select = next(t for t in lexer.tokens(text) if lexer._is_keyword(t, "SELECT"))
    prologue = text[: select.start]
    known = {**(prefixes or {}), **declared_prefixes(prologue)} if index is not None else {}
    found: dict[Row, None] = {}
    for pattern in narrowing.patterns:
        block = _indexed_block(index, pattern, narrowing.param, value, known) if index is not None else None
        if block == _NOTHING:
            continue
        query = f"{prologue}SELECT DISTINCT {_names(narrowing.targets)} WHERE {{ {pattern} }}"
        query = lexer.inject_values(query, {narrowing.param: sparql_text(value)})
        if block is not None:
            # The proposed objects go in after the parameter's VALUES (the lexer need not read thousands of them),
            # just before the line in the WHERE group: its last copy (the header quotes the line as a comment).
            at = query.rindex(pattern)
            query = f"{query[:at]}{block} {query[at:]}"
        for row in run(query).rows:
            if any(isinstance(term, ox.BlankNode) for term in row):
                return None
            if any(term is not None for term in row):
                found[row] = None  # type: ignore[index]
    return list(found)


_NOTHING = "nothing"


def _indexed_block(index: TextIndex, pattern: str, param: str, value: Term, prefixes: Mapping[str, str]) -> str | None:
    """``VALUES ?o { … }`` of the objects the text index proposes for the line ``pattern``, to start it from,
    or _NOTHING (it proposes none), or None: the index does not answer it (kg.textindex)."""
    line = indexed_line(pattern, param, prefixes)
    if line is None:
        return None
    if line.test == "equals" and not isinstance(value, ox.Literal):
        return _NOTHING  # isLITERAL(?param) is false: the line selects nothing
    terms = index.candidates(line.predicate, value.value)  # type: ignore[union-attr]
    if terms is None:
        return None
    return f"VALUES ?{line.object} {{ {' '.join(terms)} }}" if terms else _NOTHING


def values_block(targets: tuple[str, ...], rows: Sequence[Row]) -> str:
    """The rows as a ``VALUES`` block of the targets (no row: the block gives no solution)."""
    if len(targets) == 1:
        return f"VALUES ?{targets[0]} {{ {' '.join(_text(row[0]) for row in rows)} }}"
    inside = " ".join("(" + " ".join(_text(term) for term in row) + ")" for row in rows)
    return f"VALUES ({_names(targets)}) {{ {inside} }}"


def narrowed_page_by(page_by: PageBy | None, targets: tuple[str, ...], block: str) -> PageBy | None:
    """The page-by of an answer narrowed to ``block`` (the targets' ``VALUES``): its buckets restricted to those
    values when a target is a later key (the first key's values stay the pattern's own: a value of no row is an
    empty bucket); the same page-by when no target is a key but the first key's own line (``firsts``) uses one
    (``who-checks-whom``'s relations: the pages ask for the narrowed values, and so do those lines, which then give
    the keys of those values only); else none — the narrowed answer (a province's organs, an entity's facts) is
    asked whole, or by :func:`narrowed_page`."""
    if page_by is None or page_by.variables[0] in targets:
        return None
    if not any(target in page_by.variables for target in targets):
        uses = page_by.firsts is not None and any(t in lexer.variables(page_by.firsts) for t in targets)
        return page_by if uses else None
    return replace(page_by, pattern=f"{{ {page_by.pattern} }} {block}", firsts=page_by.firsts or page_by.pattern)


def narrowed_page(
    text: str, targets: tuple[str, ...], rows: Sequence[Row], limit: int, offset: int, run: Callable[[str], QueryResult]
) -> QueryResult | None:
    """Rows ``offset`` … ``offset + limit - 1`` of ``text``'s answer narrowed to ``rows``, asked for the rows of its
    first sort key's smallest values only; None when that key is not a target bound in every row, or its values
    are not all IRIs or all plain strings (sorted here as the engine sorts them, kg.sparql.buckets), or when
    there are no more combinations than rows wanted (an entity's few facts: the whole answer is about a page).

    ``text`` has its parameters bound already. Why it is exact: every row of the answer has its targets' values
    among ``rows`` (the narrowing's promise) and the answer is sorted by the key first, so its rows whose key is
    among the n smallest values are its first rows, and they are exactly the rows of the query narrowed to the
    combinations of those n values, sorted by the same ``ORDER BY``. A batch takes as many key values as have as
    many combinations as rows are wanted (in ``search`` each combination is a row); more when rows fall short.
    """
    if len(rows) <= offset + limit:
        return None
    keys = first_order_keys(text)
    if not keys or keys[0] not in targets:
        return None
    at = targets.index(keys[0])
    by_key: dict[Term, list[Row]] = {}
    for row in rows:
        key = row[at]
        if key is None:
            return None
        by_key.setdefault(key, []).append(row)
    if not by_key or not _sortable(list(by_key)):
        return None
    ordered = sorted(by_key, key=lambda term: term.value)  # type: ignore[union-attr]
    wanted = offset + limit
    kept = PageRows(text)
    answer: QueryResult | None = None
    start = size = 0
    while answer is None or (len(kept.rows) < wanted and start < len(ordered)):
        end, combinations = start, 0
        while end < len(ordered) and (end - start < size or combinations < wanted - len(kept.rows) or end == start):
            combinations += len(by_key[ordered[end]])
            end += 1
        batch = [row for key in ordered[start:end] for row in by_key[key]]
        answer = run(lexer.inject_block(text, values_block(targets, batch)))
        kept.take(answer)
        size, start = 2 * (end - start), end
    answer.rows = kept.rows[offset:wanted]  # type: ignore[assignment]
    return answer


def _sortable(values: list[Term]) -> bool:
    """Whether ``values`` are all IRIs or all plain strings: Python sorts their texts as the engine sorts them."""
    if all(isinstance(value, ox.NamedNode) for value in values):
        return True
    return all(
        isinstance(value, ox.Literal) and value.language is None and value.datatype == XSD_STRING for value in values
    )


def _text(term: Term | None) -> str:
    return "UNDEF" if term is None else sparql_text(term)


def _names(variables: tuple[str, ...]) -> str:
    return " ".join(f"?{name}" for name in variables)
