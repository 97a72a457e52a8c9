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

Pages: a narrowed answer is asked whole (an entity's facts, a province's organs: a few
hundred rows at most), except where ``?target`` is a later page-by key (``?cat ?mech``): then
the buckets are those of the values found (:func:`narrowed_page_by`), or where the first key's
line of values uses ``?target`` (``who-checks-whom``: ``?rel`` gives ``?relNotation``): then the
pages are asked by the same buckets, every query of them given ``VALUES ?target { found }``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace

import pyoxigraph as ox

from kg.sparql import lexer
from kg.sparql.buckets import PageBy
from kg.sparql.results import QueryResult
from kg.sparql.terms import Term, sparql_text

NARROW_LINE = re.compile(
    r"^#\s*narrow\s+\?([A-Za-z_][A-Za-z0-9_]*)\s+(exactly\s+)?by\s+\?([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.+)$"
)


@dataclass(frozen=True)
class Narrowing:
    """``# narrow ?target by ?param: pattern`` lines: the values of ``?target`` that ``?param``'s value selects."""

    target: str
    param: str
    patterns: tuple[str, ...]
    # ``exactly``: the patterns are the filter's own test, so the parameter is left unbound once they ran.
    exact: bool = False

    def with_line(self, line: Narrowing) -> Narrowing:
        """This narrowing and a further line's pattern; the lines must name the same variables."""
        if (line.target, line.param, line.exact) != (self.target, self.param, self.exact):
            raise ValueError(f"narrow lines of ?{self.target} by ?{self.param} and ?{line.target} by ?{line.param}")
        return Narrowing(self.target, self.param, self.patterns + line.patterns, self.exact)

    def unbinds(self, name: str) -> bool:
        """Whether parameter ``name`` (``?`` or ``$`` optional) is left unbound once the values are found."""
        return self.exact and name.lstrip("?$") == self.param


def narrowing_header(line: str) -> Narrowing | None:
    """The ``# narrow ?target by ?param: pattern`` header line, if ``line`` is one."""
    match = NARROW_LINE.match(line)
    if match is None:
        return None
    return Narrowing(match.group(1), match.group(3), (match.group(4).strip(),), bool(match.group(2)))


def narrowed_values(
    narrowing: Narrowing, value: Term, text: str, run: Callable[[str], QueryResult]
) -> list[Term] | None:
    """The values of ``?target`` that ``value`` (the parameter's) selects, in the lines' order; None: not narrowed.

    ``text`` is the SELECT query narrowed (its prefixes declare the lines'); ``run`` runs a SELECT text on the engine.
    """
    if isinstance(value, ox.BlankNode):
        return None
    select = next(t for t in lexer.tokens(text) if lexer._is_keyword(t, "SELECT"))
    prologue = text[: select.start]
    found: dict[Term, None] = {}
    for pattern in narrowing.patterns:
        query = f"{prologue}SELECT DISTINCT ?{narrowing.target} WHERE {{ {pattern} }}"
        for row in run(lexer.inject_values(query, {narrowing.param: sparql_text(value)})).rows:
            if isinstance(row[0], ox.BlankNode):
                return None
            if row[0] is not None:
                found[row[0]] = None
    return list(found)


def values_text(values: list[Term]) -> str:
    """The values as the inside of a ``VALUES ?v { … }`` block (empty: no value, no row)."""
    return " ".join(sparql_text(value) for value in values)


def narrowed_page_by(page_by: PageBy | None, target: str, values: str) -> PageBy | None:
    """The page-by of an answer narrowed to ``VALUES ?target { values }``: its buckets restricted to those values
    when ``?target`` is a later key (the first key's values stay the pattern's own: a value of no row is an empty
    bucket); the same page-by when ``?target`` is no key but the first key's own line (``firsts``) uses it
    (``who-checks-whom``'s relations: the pages ask for the narrowed values, and so do those lines, which then give
    the keys of those values only); else none — the narrowed answer (a province's organs, an entity's facts) is
    asked whole."""
    if page_by is None or target == page_by.variables[0]:
        return None
    if target not in page_by.variables:
        return page_by if page_by.firsts is not None and target in lexer.variables(page_by.firsts) else None
    block = f"VALUES ?{target} {{ {values} }}"
    return replace(page_by, pattern=f"{{ {page_by.pattern} }} {block}", firsts=page_by.firsts or page_by.pattern)
