"""A small lexical scanner for SPARQL text.

It does not parse SPARQL (rdflib and Oxigraph do that); it only tells comments,
strings and IRIs apart from the rest, so that we can find the braces of the
WHERE clause, the declared prefixes and bare keywords without being fooled by
a ``{`` or a ``#`` inside a string. That is enough to insert a ``VALUES``
clause built from escaped RDF terms: the safe way to bind a parameter for an
engine that has no binding API of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from kg.errors import QueryError


@dataclass(frozen=True)
class Token:
    kind: str  # "word", "var", "iri", "string", "punct", "langtag"
    text: str
    start: int
    end: int


# Order matters: long strings before short ones, comments before everything else.
_TOKEN_RE = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\r\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$]\w+)
    | (?P<langtag>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
    | (?P<word>(?:[^\s{}()\[\];,<>"'\#?$@^|!=&*+/\\]|\\.)+)
    | (?P<punct>\^\^|\|\||&&|!=|<=|>=|[{}()\[\];,<>^|!=&*+/\\?$@])
    """,
    re.VERBOSE | re.DOTALL,
)


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens of ``text`` (no whitespace, no comments)."""
    pos = 0
    while pos < len(text):
        match = _TOKEN_RE.match(text, pos)
        if match is None:  # an unterminated string: let the real parser report it
            yield Token("punct", text[pos], pos, pos + 1)
            pos += 1
            continue
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start(), match.end())
        pos = match.end()


def _is_keyword(token: Token, *names: str) -> bool:
    return token.kind == "word" and token.text.upper() in names


def keywords(text: str) -> set[str]:
    """Bare words (keywords) of the query, upper-cased: a bare word in SPARQL is always a keyword."""
    return {t.text.upper() for t in tokens(text) if t.kind == "word" and ":" not in t.text}


def declared_prefixes(text: str) -> dict[str, str]:
    """``PREFIX p: <iri>`` declarations of the prologue (relative IRIs left as written)."""
    found: dict[str, str] = {}
    toks = list(tokens(text))
    for i, tok in enumerate(toks[:-2]):
        if _is_keyword(tok, "PREFIX") and toks[i + 1].text.endswith(":") and toks[i + 2].kind == "iri":
            found[toks[i + 1].text[:-1]] = toks[i + 2].text[1:-1]
    return found


def query_form(text: str) -> str | None:
    """SELECT, CONSTRUCT, DESCRIBE or ASK: the first such keyword outside the prologue."""
    for tok in tokens(text):
        if _is_keyword(tok, "SELECT", "CONSTRUCT", "DESCRIBE", "ASK"):
            return tok.text.upper()
    return None


def has_top_level_order_by(text: str) -> bool:
    """True when the outermost query sorts its results (an ORDER BY outside every brace)."""
    depth = 0
    toks = list(tokens(text))
    for i, tok in enumerate(toks):
        if tok.text == "{":
            depth += 1
        elif tok.text == "}":
            depth -= 1
        elif depth == 0 and _is_keyword(tok, "ORDER") and i + 1 < len(toks) and _is_keyword(toks[i + 1], "BY"):
            return True
    return False


def where_group(text: str) -> tuple[int, int] | None:
    """Offsets of the ``{`` and matching ``}`` of the outermost WHERE group, or None if there is none."""
    toks = list(tokens(text))
    form_index = next((i for i, t in enumerate(toks) if _is_keyword(t, "SELECT", "CONSTRUCT", "DESCRIBE", "ASK")), None)
    if form_index is None:
        return None
    form = toks[form_index].text.upper()
    skip_groups = 0
    if form == "CONSTRUCT":
        following = toks[form_index + 1] if form_index + 1 < len(toks) else None
        # CONSTRUCT { template } WHERE { … } — but the short form is CONSTRUCT WHERE { … }
        skip_groups = 0 if following is not None and _is_keyword(following, "WHERE") else 1
    depth = parens = 0
    opening: int | None = None
    for tok in toks[form_index + 1 :]:
        if tok.text == "(":
            parens += 1
        elif tok.text == ")":
            parens -= 1
        elif tok.text == "{" and parens == 0:
            if depth == 0 and opening is None:
                if skip_groups:
                    skip_groups -= 1
                    depth += 1
                    continue
                opening = tok.start
            depth += 1
        elif tok.text == "}" and parens == 0:
            depth -= 1
            if depth == 0 and opening is not None:
                return opening, tok.start
    return None


def _is_short_construct(text: str) -> bool:
    toks = tokens(text)
    for tok in toks:
        if _is_keyword(tok, "CONSTRUCT"):
            following = next(toks, None)
            return following is not None and _is_keyword(following, "WHERE")
    return False


_VARNAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


def inject_values(text: str, bindings: Mapping[str, str]) -> str:
    """Bind variables by a ``VALUES`` clause placed first in the outermost WHERE group.

    ``bindings`` maps variable names to RDF terms already written in SPARQL
    syntax by an RDF serializer (so quotes and backslashes are escaped); the
    values are joined with the whole group, so FILTERs of that group see them.
    """
    if not bindings:
        return text
    for name in bindings:
        if not _VARNAME.match(name):
            raise QueryError(f"not a variable name: {name!r}")
    group = where_group(text)
    if group is None:
        raise QueryError("cannot bind parameters: the query has no WHERE clause")
    opening, closing = group
    values = " ".join(f"VALUES ?{name} {{ {term} }}" for name, term in bindings.items())
    if _is_short_construct(text):
        # CONSTRUCT WHERE { triples } admits no VALUES: spell out its template.
        where = next(t for t in tokens(text) if _is_keyword(t, "WHERE"))
        body = text[opening + 1 : closing]
        return f"{text[: where.start]}{{{body}}} WHERE {{ {values} {body}{text[closing:]}"
    after = next(iter(tokens(text[opening + 1 :])), None)
    if after is not None and _is_keyword(after, "SELECT"):
        # The whole group is a sub-select, which may not share its braces with VALUES.
        return f"{text[: opening + 1]} {values} {{{text[opening + 1 : closing]}}} {text[closing:]}"
    return f"{text[: opening + 1]} {values} {text[opening + 1 :]}"
