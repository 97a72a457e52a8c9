"""Is this text a read-only SPARQL query we may run? rdflib's parser decides.

- An update (INSERT, DELETE, LOAD, CLEAR, DROP, …) is refused: ``kg query`` is read-only.
- ``SERVICE`` (found in the parsed algebra) is refused unless allowed: no network unless asked.
- A malformed query is reported with its line and column and the line itself, marked.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from kg.errors import QueryError
from kg.sparql.lexer import Token, keywords, query_form, tokens

UPDATE_KEYWORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH")
QUERY_FORMS = ("SELECT", "CONSTRUCT", "DESCRIBE", "ASK")


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


def check_query(text: str, prefixes: Mapping[str, str], allow_service: bool = False) -> CheckedQuery:
    """Parse ``text`` as a SPARQL 1.1 query; raise a QueryError saying what is wrong, else describe it."""
    if next(tokens(text), None) is None:
        raise QueryError("the query is empty")
    _refuse_update(text)
    try:
        return _check_parsed(text, prefixes, allow_service)
    except RecursionError:
        # rdflib's parser recurses per pattern and nesting level and gives up on long or deep
        # (yet valid) queries: judge SERVICE by keyword and leave the syntax to the engine's parser.
        services = ["SERVICE"] if "SERVICE" in keywords(text) else []
        if services and not allow_service:
            raise ServiceRefused(
                "the query calls a remote SERVICE; kg query makes no network request unless you pass --allow-service"
            ) from None
        return CheckedQuery(form=query_form(text) or "SELECT", services=services)


def _check_parsed(text: str, prefixes: Mapping[str, str], allow_service: bool) -> CheckedQuery:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.algebra import translateQuery
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except ParseBaseException as exc:
        updating = bool(keywords(text) & set(UPDATE_KEYWORDS)) and _parses_as_update(text)
        _refuse_update(text, parsed_as_update=updating)
        raise syntax_error(text, exc) from None
    try:
        translated = translateQuery(parsed, initNs=dict(prefixes))
    except Exception as exc:  # rdflib raises a bare Exception for an unknown prefix
        raise _translation_error(text, exc) from None
    algebra = translated.algebra
    services = [_service_name(node) for node in _walk(algebra) if getattr(node, "name", "") == "ServiceGraphPattern"]
    graphs = [str(clause.get("default") or clause.get("named")) for clause in (algebra.get("datasetClause") or [])]
    if services and not allow_service:
        listed = ", ".join(services)
        raise ServiceRefused(
            f"the query calls a remote SERVICE ({listed}); kg query makes no network request unless you pass "
            "--allow-service"
        )
    form = algebra.name.removesuffix("Query").upper()
    return CheckedQuery(form=form, services=services, from_graphs=graphs)


def _parses_as_update(text: str) -> bool:
    from pyparsing import ParseBaseException
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except ParseBaseException:
        return False
    return True


def _first_keyword(text: str) -> Token | None:
    """The first bare word after the prologue (PREFIX/BASE declarations)."""
    toks = list(tokens(text))
    i = 0
    while i < len(toks):
        word = toks[i].text.upper() if toks[i].kind == "word" else ""
        if word == "PREFIX":
            i += 3
        elif word == "BASE":
            i += 2
        else:
            return toks[i]
    return None


def _refuse_update(text: str, parsed_as_update: bool = False) -> None:
    first = _first_keyword(text)
    verb = first.text.upper() if first is not None and first.kind == "word" else ""
    if parsed_as_update or verb in UPDATE_KEYWORDS:
        what = verb if verb in UPDATE_KEYWORDS else "an update"
        raise UpdateRefused(
            f"refused: this is a SPARQL Update ({what}); kg query only reads the graph. "
            "Change the facts in ontology/ and run `kg build` instead."
        )


def syntax_error(text: str, exc: Any) -> QuerySyntaxError:
    """A pyparsing error as a message with the line, column, the line itself and a caret."""
    line, column = int(getattr(exc, "lineno", 1)), int(getattr(exc, "col", 1))
    problem = _unbalanced(text)
    if problem is not None:
        message, line, column = problem
    else:
        found = _found_text(text, int(getattr(exc, "loc", 0)))
        message = f"the query cannot be read from here on (found {found})"
        first = _first_keyword(text)
        if first is not None and first.start == getattr(exc, "loc", -1) and first.text.upper() not in QUERY_FORMS:
            message = f"a query starts with SELECT, CONSTRUCT, DESCRIBE or ASK (after PREFIX/BASE), found {found}"
        elif _missing_dot_before(text, int(getattr(exc, "loc", 0))):
            message += "; is a '.' missing at the end of the line before?"
    return QuerySyntaxError(
        f"malformed query at line {line}, column {column}: {message}\n{mark(text, line, column)}", line, column
    )


def _missing_dot_before(text: str, loc: int) -> bool:
    """True when the parser stopped at the start of a line and the line before ends a triple without '.'."""
    before = text[:loc]
    if before[before.rfind("\n") + 1 :].strip():
        return False
    previous = list(tokens(before))
    return bool(previous) and previous[-1].text not in (".", "{", ";", ",", "}", "(")


def _found_text(text: str, loc: int) -> str:
    rest = text[loc:].strip()
    if not rest:
        return "the end of the query"
    token = next(iter(tokens(text[loc:])), None)
    return repr(token.text if token is not None else rest[:20])


def _unbalanced(text: str) -> tuple[str, int, int] | None:
    """The first unclosed or unexpected bracket, or an unterminated string."""
    pairs = {"}": "{", ")": "(", "]": "["}
    stack: list[Token] = []
    for tok in tokens(text):
        if tok.kind == "punct" and tok.text in ("'", '"'):
            line, column = position(text, tok.start)
            return "a string starts here and never ends", line, column
        if tok.kind != "punct":
            continue
        if tok.text in "{([":
            stack.append(tok)
        elif tok.text in pairs:
            if not stack or stack[-1].text != pairs[tok.text]:
                line, column = position(text, tok.start)
                return f"'{tok.text}' closes nothing", line, column
            stack.pop()
    if stack:
        line, column = position(text, stack[-1].start)
        return f"'{stack[-1].text}' is never closed", line, column
    return None


def position(text: str, offset: int) -> tuple[int, int]:
    """1-based line and column (in characters) of ``offset``."""
    line = text.count("\n", 0, offset) + 1
    column = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return line, column


def mark(text: str, line: int, column: int) -> str:
    """The offending line with a caret under the column (East Asian wide characters count two)."""
    from kg.sparql.width import display_width

    lines = text.splitlines() or [""]
    if not 1 <= line <= len(lines):
        return ""
    source = lines[line - 1].replace("\t", " ")
    gutter = f"{line:>4} | "
    pad = display_width(source[: max(column - 1, 0)])
    return f"{gutter}{source}\n{' ' * (len(gutter) - 2)}| {' ' * pad}^"


def _translation_error(text: str, exc: Exception) -> QueryError:
    message = str(exc)
    if message.startswith("Unknown namespace prefix"):
        prefix = message.split(":", 1)[1].strip()
        where = next((t for t in tokens(text) if t.kind == "word" and t.text.startswith(prefix + ":")), None)
        hint = f"unknown prefix '{prefix}:': declare it with PREFIX {prefix}: <…> (`kg prefixes` lists the predeclared ones)"
        if where is not None:
            line, column = position(text, where.start)
            return QuerySyntaxError(f"line {line}, column {column}: {hint}\n{mark(text, line, column)}", line, column)
        return QueryError(hint)
    return QueryError(f"the query cannot be evaluated: {message}")


def _walk(node: Any) -> Iterator[Any]:
    from rdflib.plugins.sparql.parserutils import CompValue

    if isinstance(node, CompValue):
        yield node
        for value in node.values():
            yield from _walk(value)
    elif isinstance(node, (list, tuple)):
        for value in node:
            yield from _walk(value)


def _service_name(node: Any) -> str:
    from rdflib import Variable

    term = node.get("term")
    return f"?{term}" if isinstance(term, Variable) else f"<{term}>"
