"""A first page of a large sorted answer, asked bucket by bucket of its first sort key.

Why: at a million triples Oxigraph sorts IRIs by looking their text up in the store
at every comparison (about 8 s for 44,000 evidence IRIs), and it computes and sorts
the whole answer before it cuts a page — a ``LIMIT 100`` saves almost nothing.
A query whose first ``ORDER BY`` key ``?k`` is bound by a plain (non-optional)
pattern can instead be paged by its values: fetch the distinct values of ``?k``
(cheap: one pattern, no sort), sort them here, and ask the query itself for the
rows of the smallest few only (``VALUES ?k { … }`` placed first in its WHERE
group), taking more values until the page is full. IRI values come as one text
(``GROUP_CONCAT`` of their texts: 44,000 fact IRIs in 0.3 s, where reading them as
44,000 terms took 0.45 s more), and the ones a page asks for are first confirmed to be
IRIs of the pattern (see "The first key's values, read as one text" below). Several first keys page the same
way by their combinations (``VALUES (?k1 ?k2) { … }``): smaller buckets, as little
sorting as a page needs. The combinations are asked for one value of the first key at a
time, as the page needs them: reading all 21,000 (province, measure) pairs of a
million-triple graph takes 0.6 s, those of the first province 0.02 s.

Why it is exact: every row of the answer has ``?k`` bound to one of the values
(the declared pattern gives every value a row has, as one of the query's own required
patterns does; it may give more, and a value of no row is an empty bucket), and the answer
is sorted by ``?k`` first, so the rows whose ``?k`` is among the n smallest values
are exactly the answer's first rows, in the same order (the engine sorts them by the
same ``ORDER BY``). Sorting here must agree with the engine: Oxigraph orders IRIs by
their text, code point by code point, as Python orders strings, and plain strings
(``"external"``) by their text too; any other value (a blank node, a number, a
tagged literal) has an order of the engine's own, and then the query is paged whole.
Values read as one text are the values, and sorting the texts sorts them, for the
reasons ``_IriTexts`` gives (every value has a text, the split counts them, no two
texts repeat, the ones asked for are confirmed IRIs, and IRIs sort before every
literal). The values are read one per row instead when the text cannot be split into
them (a value of no text, a text holding the separator, a repeated text) or the one value
sampled is not an IRI (plain strings); a text asked for that is not an IRI's means
values of several kinds, and the query is paged whole. Restricting a variable bound by a required pattern with a
``VALUES`` block in the same group does not change which rows have that value, and
rows with other values cannot merge with them: for ``SELECT DISTINCT`` (where ``?k``
need not be projected) a row repeating one of an earlier bucket is dropped here, as
the whole answer drops it; a query with ``GROUP BY`` in its outermost SELECT must not
declare it. The header's author promises the pattern; a test checks every page.

A shipped query declares it in its header: ``# page-by ?fact: ?fact prov:wasDerivedFrom ?evidence``
(``# page-by ?cat ?mech: pattern`` for the first two keys). A line of the first key alone
followed by a line of more keys (``# page-by ?k1: pattern1`` then ``# page-by ?k1 ?k2:
pattern2``) takes the first key's values from ``pattern1`` and the combinations of each
from ``pattern2`` (``VALUES ?k1 { … } pattern2``; ``pattern2`` need not bind ``?k1``: then
every ``?k2`` it gives is combined with the value, a superset). Two lines of one key alone take its
values from the first and join the second to the query (``figures``: the provinces asked for among
the distinct areas, instead of a test of the province parameter per figure).

A pattern asked alone (for the keys' values, their combinations, or whether rows lack a key) is given
the values of the parameters it uses (``VALUES ?province { … }`` first): one that filters by a
parameter as the query does then gives only the keys of the rows asked for (``who-checks-whom`` with a
relation: that relation's buckets, not the empty ones of every relation before it).

A key bound inside an ``OPTIONAL`` (``measures`` sorts by a province that an organ may
lack, ``who-checks-whom`` by relation and then such a province) is declared with a
further line, ``# page-by unbound: pattern`` for the first key or ``# page-by unbound ?k2:
pattern`` for the second, a pattern that every row without the key satisfies. An unbound
value sorts before any IRI or string, so such rows come before the rows with the key that
share the keys before it: before every bucket (the first key), or before the combinations
of each first value (the second key; its first values then must come from a line of the
first key alone, which every row satisfies: the keys' pattern gives none for rows without
``?k2``). Where they would come (once; or per first value, as the page reaches it, fixed by
``VALUES ?k1 { … }``) the pattern is asked for one solution (cheap), and only if it has one
are those rows asked for: the first key's value fixed, the pattern next and
``FILTER(!BOUND(?k))`` last in the query's group. The buckets of key values then join the
keys' pattern too (``VALUES (?k1 ?k2) { … } pattern``): a ``VALUES`` block alone would let a
row whose ``OPTIONAL`` did not bind the key through with the bucket's value. Exact when
the author keeps the promises: every row with the key satisfies the keys' pattern with its
own values, every row without it the unbound pattern, and no row without it the keys'
pattern; and each pattern, joined to the rows it selects, binds no variable they do not
bind and gives each solution once (so a row meets at most one solution, and adds nothing
from it). Only the first key, or the second, may be unbound.
"""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import overload

import pyoxigraph as ox

from kg.sparql import lexer
from kg.sparql.results import QueryResult

XSD_STRING = ox.NamedNode("http://www.w3.org/2001/XMLSchema#string")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")

# Deeper pages: the whole sorted answer costs about as much as the buckets before them.
MAX_ROWS = 5_000

PAGE_BY_LINE = re.compile(r"^#\s*page-by\s+((?:\?[A-Za-z_][A-Za-z0-9_]*\s*)+):\s*(.+)$")
PAGE_BY_UNBOUND_LINE = re.compile(r"^#\s*page-by\s+unbound\s*(\?[A-Za-z_][A-Za-z0-9_]*)?\s*:\s*(.+)$")


@dataclass(frozen=True)
class PageBy:
    """The first sort keys ``variables`` and a pattern that binds them to every combination they take in the answer."""

    variables: tuple[str, ...]
    pattern: str
    # Rows without the key ``variables[unbound_at]`` (bound in an OPTIONAL) satisfy this pattern.
    unbound: str | None = None
    unbound_at: int = 0
    # The first key's values, when ``pattern`` is not the way to them (dearer, or missing rows without a later key).
    firsts: str | None = None

    def refined(self, keys: PageBy) -> PageBy:
        """These first-key values, with the combinations of ``keys`` (a later ``# page-by ?k1 ?k2: …`` line)."""
        if (
            len(self.variables) != 1
            or self.unbound is not None
            or keys.variables[:1] != self.variables[:1]
            # One key twice: its values from this (cheaper) pattern, the later one joined to the query.
            or (len(keys.variables) < 2 and keys.variables != self.variables)
        ):
            raise ValueError(f"# page-by {_names(keys.variables)}: must follow a line of its first key alone")
        return replace(keys, firsts=self.pattern)

    def narrowed(self, parameters: Iterable[str]) -> bool:
        """Whether the keys' values are filtered by one of ``parameters`` (then a whole answer may be a few buckets)."""
        patterns = " ".join(p for p in (self.firsts, self.pattern) if p)
        used = lexer.variables(patterns)
        return any(name in used for name in parameters)

    def with_unbound(self, variable: str | None, pattern: str) -> PageBy:
        """The same keys, one of which (the first unless named) may be unbound: rows without it satisfy ``pattern``."""
        at = self.variables.index(variable) if variable in self.variables else -1 if variable else 0
        if at not in (0, 1) or at >= len(self.variables):
            raise ValueError(f"# page-by unbound {variable}: only the first key, or the second of several, may be")
        if at == 1 and self.firsts is None:
            raise ValueError(f"# page-by unbound {variable}: needs a line of the first key's values alone before")
        return replace(self, unbound=pattern, unbound_at=at)


def page_by_header(line: str) -> PageBy | None:
    """The ``# page-by ?k1 ?k2: pattern`` header line, if ``line`` is one."""
    match = PAGE_BY_LINE.match(line)
    if match is None:
        return None
    return PageBy(tuple(v.lstrip("?") for v in match.group(1).split()), match.group(2).strip())


def page_by_unbound(line: str) -> tuple[str | None, str] | None:
    """The key (None: the first) and the pattern of a ``# page-by unbound ?k: pattern`` header line, if ``line`` is one."""
    match = PAGE_BY_UNBOUND_LINE.match(line)
    if match is None:
        return None
    return (match.group(1) and match.group(1)[1:]) or None, match.group(2).strip()


def first_order_keys(text: str) -> tuple[str, ...]:
    """The variables the outermost ``ORDER BY`` sorts by first, while they are plain ascending variables."""
    group = lexer.where_group(text)
    if group is None:
        return ()
    toks = [t for t in lexer.tokens(text) if t.start > group[1]]
    at = next(
        (
            i + 2
            for i, t in enumerate(toks[:-1])
            if lexer._is_keyword(t, "ORDER") and lexer._is_keyword(toks[i + 1], "BY")
        ),
        None,
    )
    keys: list[str] = []
    while at is not None and at < len(toks):
        key = toks[at]
        if key.kind == "var":
            keys.append(key.text[1:])
            at += 1
        elif (
            lexer._is_keyword(key, "ASC")
            and [t.text for t in toks[at + 1 : at + 4 : 2]] == ["(", ")"]
            and toks[at + 2].kind == "var"
        ):
            keys.append(toks[at + 2].text[1:])
            at += 4
        else:
            break
    return tuple(keys)


def restrict(
    text: str, variables: tuple[str, ...], keys: Sequence[tuple[ox.NamedNode, ...]], pattern: str | None = None
) -> str:
    """``text`` with ``VALUES (?k1 …) { … }`` (and ``pattern`` after it) first in its outermost WHERE group."""
    block = _values(variables, keys)
    return _around(text, f"{block} {pattern} ." if pattern else block)


def _names(variables: tuple[str, ...]) -> str:
    return " ".join(f"?{v}" for v in variables)


def _values(variables: tuple[str, ...], keys: Sequence[tuple[ox.NamedNode, ...]]) -> str:
    rows = " ".join("(" + " ".join(str(term) for term in key) + ")" for key in keys)
    return f"VALUES ({_names(variables)}) {{ {rows} }}"


def _around(text: str, first: str, last: str = "") -> str:
    """``text`` with ``first`` put first and ``last`` last in its outermost WHERE group."""
    group = lexer.where_group(text)
    assert group is not None
    opening, closing = group
    after = next(iter(lexer.tokens(text[opening + 1 :])), None)
    if after is not None and lexer._is_keyword(after, "SELECT"):
        # The whole group is a sub-select, which may not share its braces with VALUES.
        return f"{text[: opening + 1]} {first} {{{text[opening + 1 : closing]}}} {last} {text[closing:]}"
    return f"{text[: opening + 1]} {first} {text[opening + 1 : closing]} {last} {text[closing:]}"


def _sorted_keys(found: QueryResult) -> list[tuple[ox.NamedNode, ...]] | None:
    """The key rows sorted as the engine sorts IRIs (by their text), or None when one is not an IRI.

    A key of plain strings (``"external"``, no language or datatype) sorts by its text too, as
    SPARQL compares them; each key holds terms of one kind (IRIs and strings sort apart).
    """
    if not all(_same_kind(column) for column in zip(*found.rows, strict=True)):
        return None
    keys: list[tuple[ox.NamedNode, ...]] = list(found.rows)  # type: ignore[arg-type]
    keys.sort(key=lambda key: tuple(term.value for term in key))
    return keys


def _same_kind(column: tuple[object, ...]) -> bool:
    """Whether ``column`` holds only IRIs, or only plain strings."""
    if all(isinstance(term, ox.NamedNode) for term in column):
        return True
    return all(
        isinstance(term, ox.Literal) and term.language is None and term.datatype == XSD_STRING for term in column
    )


# ---------------------------------------------------------------------------
# The first key's values, read as one text
# ---------------------------------------------------------------------------
#
# At a million triples, reading evidence-of's 44,000 fact IRIs as 44,000 terms cost 0.48 s in
# this process: the engine reads each IRI's text from the store (about 0.3 s, which no exact
# query avoids: no index holds IRIs in text order), then a term is made per row and its text
# read back to sort. Concatenated by the engine (GROUP_CONCAT), they come as one text that Python
# splits and sorts (0.03 s), and a term is made only for the keys a page asks for. The text
# does not say which values are IRIs (asking the engine, isIRI, reads every text a second
# time), so the values a page asks for are confirmed to be IRIs of the pattern first, a few
# hundred at a time (a VALUES join: no text read).

Key = tuple[ox.NamedNode, ...]

#: Separates the values' texts: no IRI holds a space (a text that does makes the split miscount).
KEY_SEPARATOR = " "
#: The fewest values confirmed at once (a page of 100 rows asks for about 130 facts).
CONFIRM_AT_ONCE = 256


def key_texts_query(prologue: str, variable: str, pattern: str) -> str:
    """The query that reads the distinct values of ``?variable`` in ``pattern`` as one text, with their count and one of them."""
    key = f"?{variable}"
    return (
        f"{prologue}SELECT (COUNT(*) AS ?keys) (SAMPLE({key}) AS ?sample) "
        f'(GROUP_CONCAT(STR({key}); separator="{KEY_SEPARATOR}") AS ?texts) '
        f"WHERE {{ SELECT DISTINCT {key} WHERE {{ {pattern} }} }}"
    )


def first_key_values(
    prologue: str, variable: str, pattern: str, run: Callable[[str], QueryResult], as_text: bool = True
) -> tuple[Sequence[Key], Callable[[int], bool]] | None:
    """The distinct values of ``?variable`` in ``pattern``, sorted as the engine sorts them, and ``confirm``.

    ``confirm(n)`` says whether the first ``n`` values can be asked for. None when the values
    are not all IRIs or all plain strings (``_sorted_keys``): then the query is paged whole.
    ``as_text``: try reading IRIs as one text first (else one per row, in one reading of the pattern).
    """
    if as_text:
        answer = run(key_texts_query(prologue, variable, pattern))
        count, sample, texts = answer.rows[0] if len(answer.rows) == 1 else (None, None, None)
        if isinstance(count, ox.Literal) and isinstance(sample, ox.NamedNode) and isinstance(texts, ox.Literal):
            parts = texts.value.split(KEY_SEPARATOR) if count.value != "0" else []
            parts.sort()
            if str(len(parts)) == count.value and all(a != b for a, b in itertools.pairwise(parts)):
                iris = _IriTexts(parts, prologue, variable, pattern, run)
                return iris, iris.confirm
    # Plain strings (seven notations: few values), or values of several kinds.
    keys = _sorted_keys(run(f"{prologue}SELECT DISTINCT ?{variable} WHERE {{ {pattern} }}"))
    return None if keys is None else (keys, lambda count: True)


class _IriTexts(Sequence[Key]):
    """The sorted texts of a key's values, made IRIs as a page asks for them, once ``confirm`` has said they are.

    Why the texts are the values: every value has a text (``STR`` of a blank node, an unbound
    value or a triple is an error, and one error leaves the whole ``GROUP_CONCAT`` unbound), the
    split gives as many texts as there are values (no text holds the separator), and no two
    texts are the same (an IRI and a literal of the same text). Why sorting them sorts the
    values: the values confirmed are IRIs of the pattern, and the engine sorts IRIs by their
    text, before every literal (SPARQL 1.1, 15.1: unbound, blank nodes, IRIs, literals): so the
    first ``n`` texts, once confirmed, are the ``n`` smallest values (every IRI value's text is
    among the texts), whatever follows. When one
    is not an IRI (a literal's text), some value is a literal, and the values are not all of
    one kind: the query is paged whole, as ``_sorted_keys`` would have it.
    """

    def __init__(
        self, texts: list[str], prologue: str, variable: str, pattern: str, run: Callable[[str], QueryResult]
    ) -> None:
        self.texts = texts
        self.confirmed = 0
        self._ask = (prologue, variable, pattern, run)

    def confirm(self, count: int) -> bool:
        """Whether the first ``count`` texts are IRIs of the pattern (asked a few hundred at a time)."""
        count = min(count, len(self.texts))
        if count <= self.confirmed:
            return True
        upto = min(len(self.texts), max(count, 2 * self.confirmed, CONFIRM_AT_ONCE))
        prologue, variable, pattern, run = self._ask
        try:
            asked = " ".join(str(ox.NamedNode(text)) for text in self.texts[self.confirmed : upto])
        except ValueError:  # not an IRI's text
            return False
        found = run(
            f"{prologue}SELECT (COUNT(*) AS ?found) WHERE {{ SELECT DISTINCT ?{variable} "
            f"WHERE {{ VALUES ?{variable} {{ {asked} }} {pattern} }} }}"
        )
        if found.rows != [(ox.Literal(str(upto - self.confirmed), datatype=XSD_INTEGER),)]:
            return False
        self.confirmed = upto
        return True

    def __len__(self) -> int:
        return len(self.texts)

    @overload
    def __getitem__(self, at: int) -> Key: ...
    @overload
    def __getitem__(self, at: slice) -> list[Key]: ...
    def __getitem__(self, at: int | slice) -> Key | list[Key]:
        if isinstance(at, slice):
            return [(ox.NamedNode(text),) for text in self.texts[at]]
        return (ox.NamedNode(self.texts[at]),)


class PageRows:
    """The rows a page keeps from its queries (buckets, batches of narrowed values), in their order.

    For ``SELECT DISTINCT`` (or REDUCED) a row of a later query that repeats an earlier one is
    not in the whole answer either: it is dropped.
    """

    def __init__(self, text: str) -> None:
        select = next(t for t in lexer.tokens(text) if lexer._is_keyword(t, "SELECT"))
        after = next(iter(lexer.tokens(text[select.end :])), None)
        self.distinct = after is not None and lexer._is_keyword(after, "DISTINCT", "REDUCED")
        self.rows: list[tuple[object, ...]] = []
        self._seen: set[tuple[object, ...]] = set()

    def take(self, answer: QueryResult) -> int:
        """Keep ``answer``'s rows; how many."""
        before = len(self.rows)
        for row in answer.rows:
            if self.distinct:
                if row in self._seen:
                    continue
                self._seen.add(row)
            self.rows.append(row)
        return len(self.rows) - before


def _given(page_by: PageBy, values: Mapping[str, str], narrowed: str = "") -> PageBy:
    """``page_by`` with each of its patterns that uses a parameter given that parameter's value first
    (and the ``narrowed`` block of values, kg.sparql.narrowing, if it uses one of its variables).

    A pattern asked alone (the keys' values, their combinations, whether rows lack a key) does not
    see the parameters the query is given; one that filters by a parameter as the query does
    (who-checks-whom's relations by ``?relation``) then gives only the key values of rows matching
    it, instead of every value (empty buckets, each a query).
    """

    def given(pattern: str | None) -> str | None:
        if pattern is None:
            return None
        used = lexer.variables(pattern)
        blocks = [f"VALUES ?{name} {{ {term} }}" for name, term in values.items() if name in used]
        if narrowed and used & lexer.variables(narrowed):
            blocks.append(narrowed)
        return " ".join([*blocks, pattern])

    return replace(
        page_by, pattern=given(page_by.pattern) or "", unbound=given(page_by.unbound), firsts=given(page_by.firsts)
    )


def bucketed_page(
    text: str,
    values: Mapping[str, str],
    page_by: PageBy,
    limit: int | None,
    offset: int,
    run: Callable[[str], QueryResult],
    narrowed: str = "",
) -> QueryResult | None:
    """Rows ``offset`` … ``offset + limit - 1`` of ``text``'s answer, asked by buckets of its first sort keys.

    ``values`` binds the query's parameters (SPARQL terms by name, as for
    ``lexer.inject_values``); ``narrowed``, ``VALUES`` a parameter selected (kg.sparql.narrowing),
    is given to the query and to each pattern that uses its variables;
    ``run`` runs a SELECT text on the engine. None when
    buckets do not apply (no limit, a deep page, a query not sorted by the key
    first, a key value that is not an IRI): then page the whole query.
    """
    variables = page_by.variables
    if limit is None or offset + limit > MAX_ROWS or first_order_keys(text)[: len(variables)] != variables:
        return None
    select = next(t for t in lexer.tokens(text) if lexer._is_keyword(t, "SELECT"))
    prologue = text[: select.start]
    names = _names(variables)
    # The first key's values first; the combinations of several keys one first value at a time, as the page needs them.
    # Several keys: the first key's values are few (36 provinces, 24 categories, two relations) and the pattern can
    # cost more than reading them (0.07 s for who-supervises-whom's): read one per row, the pattern read once.
    # One key: its values may be many (44,000 facts): read as one text, made terms as the page asks for them.
    # Patterns asked alone are given the parameters they use; joined to the query (which has them), as written.
    alone = _given(page_by, values, narrowed)
    found = first_key_values(prologue, variables[0], alone.firsts or alone.pattern, run, as_text=len(variables) == 1)
    if found is None:
        return None
    firsts, confirm = found
    unbound, at = page_by.unbound, page_by.unbound_at
    # Buckets in the answer's order: key values, and whether they are a bucket of rows without the unbound key
    # (then the values are those of the keys before it).
    buckets: list[tuple[Key, bool]] = []
    if unbound is not None and at == 0 and run(f"{prologue}SELECT * WHERE {{ {alone.unbound} }} LIMIT 1").rows:
        # Rows without the first key sort first; asked for only if the pattern they satisfy has a solution.
        buckets.append(((), True))
    asked_firsts = 0

    def known(count: int) -> bool:
        """Whether ``count`` buckets are known, fetching those of further first values until they are."""
        nonlocal asked_firsts
        while len(buckets) < count and asked_firsts < len(firsts):
            if len(variables) == 1:
                # One key: its values are the buckets, confirmed as the page reaches them.
                upto = min(len(firsts), asked_firsts + count - len(buckets))
                if not confirm(upto):
                    return False
                buckets.extend((key, False) for key in firsts[asked_firsts:upto])
                asked_firsts = upto
                continue
            first = firsts[asked_firsts][0]
            restricted = f"VALUES ?{variables[0]} {{ {first} }}"
            if unbound is not None and at == 1:
                # Rows of this first value without the second key sort before its combinations.
                if run(f"{prologue}SELECT * WHERE {{ {restricted} {alone.unbound} }} LIMIT 1").rows:
                    buckets.append(((first,), True))
            combinations = _sorted_keys(
                run(f"{prologue}SELECT DISTINCT {names} WHERE {{ {restricted} {alone.pattern} }}")
            )
            if combinations is None:
                return False
            buckets.extend((key, False) for key in combinations)
            asked_firsts += 1
        return True

    text = lexer.inject_values(text, values, then=narrowed)
    wanted = offset + limit
    kept = PageRows(text)
    rows, take = kept.rows, kept.take

    # With an unbound key, the key's pattern is joined too (a VALUES block alone would let rows without the key through).
    pattern = page_by.pattern if unbound is not None else None
    answer: QueryResult | None = None
    start, size = 0, 1
    keyed_rows = keyed = 0  # rows of the buckets of key values so far, and those buckets
    while answer is None or (len(rows) < wanted and (start < len(buckets) or asked_firsts < len(firsts))):
        if not known(start + size):
            return None
        if start < len(buckets) and buckets[start][1]:
            # Rows without the key: its unbound pattern first, the keys before it fixed, the key unbound last.
            before_key, _ = buckets[start]
            fixed = f"{_values(variables[:at], [before_key])} " if before_key else ""
            answer = run(_around(text, f"{fixed}{unbound} .", f"FILTER(!BOUND(?{variables[at]}))"))
            take(answer)
            start += 1
            continue
        batch = list(itertools.takewhile(lambda bucket: not bucket[1], buckets[start : start + size]))
        if not batch and answer is not None:
            break
        answer = run(restrict(text, variables, [key for key, _ in batch], pattern))
        keyed_rows += take(answer)
        start += len(batch)
        keyed += len(batch)
        # The next batch: as many values as the rows seen so far per value say are needed (a quarter more), at
        # most twice as many as the last (rows per value can be skewed: a first value of 10 rows, then 340 each).
        per_key = keyed_rows / keyed if keyed else 0
        needed = math.ceil((wanted - len(rows)) / per_key * 1.25) if per_key else 2 * size
        size = max(1, min(needed, 2 * size))
    answer.rows = rows[offset:wanted]  # type: ignore[assignment]
    return answer
