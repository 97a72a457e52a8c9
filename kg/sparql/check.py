"""Is this text a read-only SPARQL query we may run? Judged on its tokens, exactly.

The check works on :mod:`kg.sparql.lexer`'s tokens (the SPARQL grammar's
terminals, ``\\u`` escapes decoded first), never on a keyword guess, and refuses
what it cannot fully analyse:

- An update keyword (INSERT, DELETE, LOAD, CLEAR, CREATE, DROP, COPY, MOVE, ADD,
  WITH) anywhere as a keyword token is refused: ``kg query`` is read-only.
- ``SERVICE`` anywhere as a keyword token is refused unless allowed: no network
  unless asked. A word inside a string, an IRI, a comment or a prefixed name
  (``SERVICE:x``) is not a keyword; everything else that could be one counts.
- A character that starts no SPARQL terminal, an unterminated string, an
  unbalanced bracket, nesting deeper than :data:`MAX_DEPTH`, an undeclared prefix,
  or a text that is not a SELECT/CONSTRUCT/DESCRIBE/ASK query is reported with
  its line and column.

The work is one pass of one regular expression and a loop over the tokens:
linear in the text, no recursion, so an 8,000-branch UNION is checked as fast
as any query. Other syntax errors are the engine's to find (it reports their
position); :func:`engine_syntax_error` words them like ours.

The text is read twice when it holds escapes: as SPARQL defines it (escapes
decoded) and as written (which is how Oxigraph reads keywords). A keyword in
either reading counts, so no reading the engine might take can hide one.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import QueryError
from kg.sparql.lexer import EscapeError, Token, decode_escapes, scan

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")
#: Brackets ({, (, [) open at once, at most: deeper texts are refused before the engine's parser
#: (which recurses per level and would overflow its stack) sees them.
MAX_DEPTH = 256
_REFUSED = frozenset((*UPDATE_KEYWORDS, "SERVICE"))
# Inside an IRI token, a keyword right after ')' ']' '.' ';' ',' and right before '#': where a
# parser that reads that '<' as "less than" would see the keyword, then a comment.
_HIDDEN_IN_IRI = re.compile(r"[)\].;,](" + "|".join(sorted(_REFUSED)) + r")#", re.IGNORECASE)


class QuerySyntaxError(QueryError):
    """A query that does not parse; carries its position."""

    def __init__(self, message: str, line: int, column: int) -> None:
        self.line, self.column = line, column
        super().__init__(message)


class UpdateRefused(QueryError):
    """A SPARQL Update given where only queries are allowed."""


class ServiceRefused(QueryError):
    """A federated query (SERVICE) or remote graph, without --allow-service."""


@dataclass(frozen=True)
class CheckedQuery:
    form: str  # SELECT, CONSTRUCT, DESCRIBE or ASK
    services: list[str] = field(default_factory=list)
    from_graphs: list[str] = field(default_factory=list)


SERVICE_REFUSED = "the query calls a remote SERVICE; kg query makes no network request unless you pass --allow-service"


def check_query(text: str, prefixes: Mapping[str, str], allow_service: bool = False) -> CheckedQuery:
    """Judge ``text`` from its tokens; raise a QueryError saying what is wrong, else describe it."""
    try:
        decode_escapes(text)
    except EscapeError as exc:
        raise _located(text, exc.offset, str(exc)) from None
    toks, error = _tokens_until_error(text)
    if not toks and error is None:
        raise QueryError("the query is empty")
    # As written, too: Oxigraph does not decode escapes outside strings and IRIs. Only its words matter.
    as_written = (
        [t for t in scan(text, decode=False) if t.kind in ("word", "iri")] if ("\\u" in text or "\\U" in text) else []
    )
    body = _after_prologue(toks)
    _refuse_update(toks, as_written, body)
    services = _services(toks)
    hidden = [t for t in (*toks, *as_written) if t.kind == "iri" and _HIDDEN_IN_IRI.search(t.text)]
    if hidden:
        word = _HIDDEN_IN_IRI.search(hidden[0].text).group(1).upper()  # type: ignore[union-attr]
        if word != "SERVICE":
            raise _update_refused(word)
        services.append("SERVICE")
    if "SERVICE" not in services and any(_is_word(t, "SERVICE") for t in as_written):
        services.append("SERVICE")
    if services and not allow_service:
        listed = ", ".join(s for s in services if s != "SERVICE")
        raise ServiceRefused(SERVICE_REFUSED.replace("SERVICE;", f"SERVICE ({listed});") if listed else SERVICE_REFUSED)
    if error is not None:
        if error.text in ("'", '"'):
            raise _located(text, error.start, "a string starts here and never ends")
        shown = repr(error.text) if error.text.isprintable() else f"U+{ord(error.text):04X}"
        raise _located(text, error.start, f"{shown} cannot appear here in SPARQL")
    if body is None or not _is_word(toks[body], *QUERY_FORMS):
        found = repr(toks[body].text) if body is not None else "the end of the query"
        offset = toks[body].start if body is not None else len(text.rstrip())
        raise _located(
            text, offset, f"a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK (after PREFIX/BASE), found {found}"
        )
    _check_brackets(text, toks)
    declared = _declared(toks, body)
    _check_prefixes(text, toks, body, {**prefixes, **declared})
    return CheckedQuery(
        form=toks[body].text.upper(), services=services, from_graphs=_from_graphs(toks, prefixes, declared)
    )


# --- the steps ------------------------------------------------------------------------


def _tokens_until_error(text: str) -> tuple[list[Token], Token | None]:
    """The tokens up to the first that is no SPARQL terminal, and that one: the rest is never read."""
    found: list[Token] = []
    for token in scan(text):
        if token.kind == "error":
            return found, token
        found.append(token)
    return found, None


def _is_word(token: Token, *names: str) -> bool:
    return token.kind == "word" and token.text.upper() in names


def _after_prologue(toks: list[Token]) -> int | None:
    """Index of the first token after the PREFIX/BASE declarations (None: nothing follows them)."""
    i = 0
    while i < len(toks):
        if _is_word(toks[i], "BASE") and i + 1 < len(toks) and toks[i + 1].kind == "iri":
            i += 2
        elif _is_word(toks[i], "PREFIX") and i + 2 < len(toks):
            if not (toks[i + 1].kind == "pname" and toks[i + 1].text.endswith(":")) or toks[i + 2].kind != "iri":
                return i
            i += 3
        else:
            return i
    return None


def _update_refused(verb: str) -> UpdateRefused:
    return UpdateRefused(
        f"refused: this is a SPARQL Update ({verb}); kg query only reads the graph. "
        "Change the facts in ontology/ and run `kg build` instead."
    )


def _refuse_update(toks: list[Token], as_written: list[Token], body: int | None) -> None:
    first = toks[body] if body is not None else None
    if first is not None and _is_word(first, *UPDATE_KEYWORDS):
        raise _update_refused(first.text.upper())
    for token in (*toks, *as_written):
        if token.kind == "word" and token.text.upper() in UPDATE_KEYWORDS:
            raise _update_refused(token.text.upper())


def _services(toks: list[Token]) -> list[str]:
    """What each SERVICE keyword calls: ``<iri>``, ``prefix:name`` or ``?var`` (``SERVICE`` when unreadable)."""
    found = []
    for i, token in enumerate(toks):
        if token.kind == "word" and token.text.upper() == "SERVICE":
            j = i + 2 if i + 1 < len(toks) and _is_word(toks[i + 1], "SILENT") else i + 1
            target = toks[j] if j < len(toks) else None
            found.append(target.text if target is not None and target.kind in ("iri", "pname", "var") else "SERVICE")
    return found


def _check_brackets(text: str, toks: list[Token]) -> None:
    pairs = {"}": "{", ")": "(", "]": "["}
    stack: list[Token] = []
    for token in toks:
        if token.kind != "punct":
            continue
        if token.text in ("{", "(", "["):
            stack.append(token)
            if len(stack) > MAX_DEPTH:
                raise _located(
                    text, token.start, f"the query nests brackets more than {MAX_DEPTH} levels deep; flatten it"
                )
        elif token.text in pairs:
            if not stack or stack[-1].text != pairs[token.text]:
                raise _located(text, token.start, f"'{token.text}' closes nothing")
            stack.pop()
    if stack:
        raise _located(text, stack[-1].start, f"'{stack[-1].text}' is never closed")


def _declared(toks: list[Token], body: int) -> dict[str, str]:
    found = {}
    for i in range(body):
        if _is_word(toks[i], "PREFIX"):
            found[toks[i + 1].text[:-1]] = toks[i + 2].text[1:-1]
    return found


def _check_prefixes(text: str, toks: list[Token], body: int, known: Mapping[str, str]) -> None:
    for token in toks[body:]:
        if token.kind == "pname" and token.text.split(":", 1)[0] not in known:
            prefix = token.text.split(":", 1)[0]
            hint = (
                f"unknown prefix '{prefix}:': declare it with PREFIX {prefix}: <…> "
                "(`kg prefixes` lists the predeclared ones)"
            )
            raise _located(text, token.start, hint, lead="")


def _from_graphs(toks: list[Token], prefixes: Mapping[str, str], declared: Mapping[str, str]) -> list[str]:
    graphs = []
    for i, token in enumerate(toks):
        if token.kind == "word" and token.text.upper() == "FROM":
            j = i + 2 if i + 1 < len(toks) and _is_word(toks[i + 1], "NAMED") else i + 1
            if j < len(toks) and toks[j].kind == "iri":
                graphs.append(toks[j].text[1:-1])
            elif j < len(toks) and toks[j].kind == "pname":
                prefix, local = toks[j].text.split(":", 1)
                graphs.append({**prefixes, **declared}.get(prefix, prefix + ":") + local)
    return graphs


# --- messages -------------------------------------------------------------------------


def _located(text: str, offset: int, message: str, lead: str = "malformed query at ") -> QuerySyntaxError:
    line, column = position(text, offset)
    return QuerySyntaxError(f"{lead}line {line}, column {column}: {message}\n{mark(text, line, column)}", line, column)


_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)
#: Past this size a syntax error is placed by the engine alone (rdflib's parser is slow on long texts).
PLACE_WITH_RDFLIB_UP_TO = 20_000


def engine_syntax_error(text: str, exc: SyntaxError) -> QueryError:
    """Oxigraph's syntax error as a message with line, column and a caret.

    This runs only once a query has failed: then rdflib's parser, which stops at a
    more telling place and tells what it found, is asked where (short texts only).
    """
    message = str(exc.args[0]) if exc.args else str(exc)
    if len(text) <= PLACE_WITH_RDFLIB_UP_TO:
        placed = _placed_by_rdflib(text)
        if placed is not None:
            return placed
    match = _OXIGRAPH_POSITION.match(message)
    if match is None:
        return QueryError(f"malformed query: {message}")
    line, column, what = int(match.group(1)), int(match.group(2)), match.group(3)
    return QuerySyntaxError(
        f"malformed query at line {line}, column {column}: {what}\n{mark(text, line, column)}", line, column
    )


def _placed_by_rdflib(text: str) -> QuerySyntaxError | None:
    try:
        from pyparsing import ParseBaseException
        from rdflib.plugins.sparql.parser import parseQuery
    except ImportError:
        return None
    try:
        parseQuery(text)
    except ParseBaseException as exc:
        return syntax_error(text, exc)
    except (RecursionError, Exception):  # rdflib's own limits: leave it to the engine's position
        return None
    return None


def syntax_error(text: str, exc: Any) -> QuerySyntaxError:
    """A parser's error (line, col, loc) as a message with the line, column, the line itself and a caret."""
    line, column = int(getattr(exc, "lineno", 1)), int(getattr(exc, "col", 1))
    loc = int(getattr(exc, "loc", 0))
    found = _found_text(text, loc)
    message = f"the query cannot be read from here on (found {found})"
    if _missing_dot_before(text, loc):
        message += "; is a '.' missing at the end of the line before?"
    return QuerySyntaxError(
        f"malformed query at line {line}, column {column}: {message}\n{mark(text, line, column)}", line, column
    )


def _missing_dot_before(text: str, loc: int) -> bool:
    """True when the parser stopped at the start of a line and the line before ends a triple without '.'."""
    before = text[:loc]
    if before[before.rfind("\n") + 1 :].strip():
        return False
    previous = list(scan(before))
    return bool(previous) and previous[-1].text not in (".", "{", ";", ",", "}", "(")


def _found_text(text: str, loc: int) -> str:
    rest = text[loc:].strip()
    if not rest:
        return "the end of the query"
    token = next(iter(scan(text[loc:])), None)
    return repr(token.text if token is not None else rest[:20])


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def mark(text: str, line: int, column: int) -> str:
    """The offending line with a caret under the column (East Asian wide characters count two)."""
    from kg.sparql.width import display_width

    lines = text.split("\n")
    if not 1 <= line <= len(lines):
        return ""
    source = lines[line - 1].rstrip("\r").replace("\t", " ")
    if len(source) > 200:  # a long line: show the 200 characters around the column
        start = max(0, column - 100)
        source, column = source[start : start + 200], column - start
    gutter = f"{line:>4} | "
    pad = display_width(source[: max(column - 1, 0)])
    return f"{gutter}{source}\n{' ' * (len(gutter) - 2)}| {' ' * pad}^"


#: Words in an engine's error that tell something about a remote side (host, port, how it failed).
_REMOTE_DETAIL = re.compile(
    r"https?:|//|\bport\b|:\d{2,5}\b|connect|refused|unreachable|timed? ?out|resolv|dns|socket|network|"
    r"\bhost\b|tls|certificate|http|service",
    re.IGNORECASE,
)


def engine_failure(exc: BaseException) -> QueryError:
    """An evaluation error as a message; one about a remote call says only that it failed.

    A refused connection, a timeout, an unknown host or a TLS error each would tell a caller
    something about a host it cannot otherwise see (a port scan by error message).
    """
    message = str(exc)
    if _REMOTE_DETAIL.search(message):
        return QueryError("the query failed: a call to a remote SERVICE could not be completed")
    return QueryError(f"the query failed: {message}")
