"""Pages of a SELECT query's solutions, asked of the engine itself (``LIMIT``/``OFFSET``).

A page is written into the query text so that every engine — Oxigraph, rdflib, a
remote endpoint — returns only that page, composed with the query's own
``LIMIT``/``OFFSET``: page 2 of a query that already skips 10 rows starts at its
row 10 + offset, and never goes past its own limit. Pages are stable only for a
sorted query (``ORDER BY``); every shipped query that can return many rows sorts.
"""

from __future__ import annotations

from kg.errors import QueryError, UsageError
from kg.sparql import lexer


def page(text: str, limit: int | None, offset: int = 0) -> str:
    """``text`` answering only its solutions ``offset`` … ``offset + limit - 1`` (``limit`` None: all from ``offset``)."""
    if (limit is not None and limit < 0) or offset < 0:
        raise UsageError("--limit and --offset take whole numbers ≥ 0")
    if limit is None and offset == 0:
        return text
    if lexer.query_form(text) != "SELECT":
        raise UsageError("--limit and --offset page the solutions of a SELECT query")
    group = lexer.where_group(text)
    if group is None:
        raise QueryError("cannot page the query: it has no WHERE clause")
    own_limit, own_offset, cut, values_at = _modifiers(text, group[1])
    new_offset = own_offset + offset
    if own_limit is not None:
        rest = max(0, own_limit - offset)
        limit = rest if limit is None else min(limit, rest)
    modifiers = (f"LIMIT {limit} " if limit is not None else "") + (f"OFFSET {new_offset}" if new_offset else "")
    for start, end in reversed(cut):
        text = text[:start] + text[end:]
        if values_at is not None and values_at > start:
            values_at -= end - start
    if values_at is None:
        # A newline first: the query may end in a comment.
        return text.rstrip() + "\n" + modifiers.strip() + "\n"
    return text[:values_at] + modifiers.strip() + "\n" + text[values_at:]


def _modifiers(text: str, where_end: int) -> tuple[int | None, int, list[tuple[int, int]], int | None]:
    """The query's own LIMIT and OFFSET after the WHERE group, their spans, and where a trailing VALUES starts."""
    toks = [t for t in lexer.tokens(text) if t.start > where_end]
    limit: int | None = None
    offset = 0
    cut: list[tuple[int, int]] = []
    values_at: int | None = None
    depth = 0
    for i, tok in enumerate(toks):
        if tok.text in ("{", "("):
            depth += 1
        elif tok.text in ("}", ")"):
            depth -= 1
        elif depth == 0 and tok.kind == "word":
            word = tok.text.upper()
            if word == "VALUES":
                values_at = tok.start
                break
            if word in ("LIMIT", "OFFSET"):
                number = toks[i + 1] if i + 1 < len(toks) else None
                if number is None or not number.text.isdigit():
                    raise QueryError(f"cannot page the query: {word} is not followed by a whole number")
                if word == "LIMIT":
                    limit = int(number.text)
                else:
                    offset = int(number.text)
                end = number.end
                while end < len(text) and text[end] in " \t":
                    end += 1
                cut.append((tok.start, end))
    return limit, offset, cut, values_at
