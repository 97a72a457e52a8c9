"""Running a visitor's SPARQL query: read-only, time-limited, row-capped, memory-bounded.

The checks and the timed child process are ``kg query``'s own
(:func:`kg.sparql.check.check_query`, :func:`kg.sparql.worker.run_limited`);
what a public server adds is here: the query is checked *inside* the child, so
a parser-hostile text is bounded by the time limit too; the answer stops at
``max_rows`` rows (or triples) so a cross product cannot fill the memory; the
child gets a memory budget; and only a few queries run at once.
"""

from __future__ import annotations

import os
import re
import resource
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, QueryTimeout
from kg.namespaces import PREFIXES
from kg.sparql.results import GRAPH_FORMS, QueryResult

#: The message ``run_limited`` gives when the child died (killed by the memory limit, or crashed).
_CHILD_DIED = "the query process ended without an answer"
#: "No time limit" (``--timeout 0``) still runs the query in a child process, for this long at most.
UNLIMITED_SECONDS = 7 * 24 * 3600.0  # poll() takes at most ~24 days
#: How many query texts that passed the checks are remembered.
CHECKED_CACHE_SIZE = 512
_OXIGRAPH_POSITION = re.compile(r"^error at (\d+):(\d+):\s*(.*)$", re.DOTALL)


class ServerBusy(QueryError):
    """Every query slot stayed taken for as long as the request could wait."""


class QueryCrashed(QueryError):
    """The query's process died: it went past its memory budget (or the engine failed)."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    memory_mb: int = 1024
    concurrent: int = 4


@dataclass
class Answer:
    """A query result, and whether it was cut at the row cap."""

    result: QueryResult
    truncated: bool
    limit: int


class QueryEngine:
    """Runs checked, limited queries against the read-only store at ``store_path``.

    The children use a store handle opened here but never used by this process's
    threads: a forked child inherits it ready (opening a store costs tens of
    milliseconds), and no thread can hold one of its locks at the moment of the fork.
    """

    def __init__(self, store_path: Path, limits: Limits, prefixes: Mapping[str, str] = PREFIXES) -> None:
        from kg.store import open_store

        self.store_path = store_path
        self.limits = limits
        self.prefixes = dict(prefixes)
        self._slots = threading.BoundedSemaphore(max(1, limits.concurrent))
        self._checked: dict[str, str] = {}
        self._checked_lock = threading.Lock()
        self._child_store = open_store(store_path)

    def warm_up(self) -> None:
        """Load rdflib's SPARQL parser here once, so each forked child starts with it ready."""
        from kg.sparql.check import check_query

        check_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", self.prefixes)

    def run(self, text: str, params: Mapping[str, ox.NamedNode | ox.Literal] | None = None) -> Answer:
        """Check and run ``text``; QueryError (or a subclass) says why it was refused or stopped."""
        from kg.sparql.check import QuerySyntaxError, ServiceRefused, UpdateRefused
        from kg.sparql.worker import run_limited

        if params:
            from kg.sparql import lexer
            from kg.sparql.terms import sparql_text

            text = lexer.inject_values(text, {name: sparql_text(value) for name, value in params.items()})
        limits = self.limits
        # Wait for a slot no longer than a query may run: past that, the client is better told to retry.
        if not self._slots.acquire(timeout=limits.timeout or None):
            raise ServerBusy(f"the server is busy: {limits.concurrent} queries are running; retry shortly")
        try:
            checked_form = self._checked.get(text)
            args = (
                self._child_store,
                text,
                self.prefixes,
                limits.max_rows,
                limits.memory_mb,
                checked_form,
                os.getpid(),
            )
            try:
                # The child never needs the network: refuse it there too (defence in depth).
                # Always in a child, even without a time limit: the memory cap and a crash stay there.
                limit = limits.timeout if limits.timeout > 0 else UNLIMITED_SECONDS
                kind, payload = run_limited(_answer, args, limit, block_network=True)
            except QueryTimeout:
                raise QueryTimeout(
                    f"the query was stopped after {limits.timeout:g} s, the time limit of this server"
                ) from None
            except QueryError as exc:
                if str(exc).startswith(_CHILD_DIED):
                    raise QueryCrashed(
                        f"the query was stopped: it needed more than the {limits.memory_mb} MB this server "
                        "allows a query (or the engine failed); narrow it down or add a LIMIT"
                    ) from None
                raise
        finally:
            self._slots.release()
        if kind == "update":
            raise UpdateRefused(
                f"refused: this endpoint is read-only and does not run SPARQL Update ({payload}); "
                "send a SELECT, CONSTRUCT, DESCRIBE or ASK query"
            )
        if kind == "service":
            raise ServiceRefused(f"refused: {payload}; this endpoint makes no network requests")
        if kind == "syntax":
            message, line, column = payload
            raise QuerySyntaxError(message, line, column)
        result, truncated = payload
        self._remember(text, result.form)
        return Answer(result=result, truncated=truncated, limit=limits.max_rows)

    def _remember(self, text: str, form: str) -> None:
        """A text that passed the checks once passes them again: skip rdflib's parse (tens of ms) next time."""
        with self._checked_lock:
            self._checked[text] = form
            while len(self._checked) > CHECKED_CACHE_SIZE:
                self._checked.pop(next(iter(self._checked)))


# --- in the child process -------------------------------------------------------------


def _answer(
    store: ox.Store,
    text: str,
    prefixes: Mapping[str, str],
    max_rows: int,
    memory_mb: int,
    checked_form: str | None = None,
    server_pid: int = 0,
) -> tuple[str, Any]:
    """Check and run one query (in the forked child); at most ``max_rows`` rows or triples come back.

    Refusals come back as values, not exceptions, so that their kind survives the trip to the parent.
    """
    from kg.sparql.check import QuerySyntaxError, ServiceRefused, UpdateRefused

    if os.getpid() != server_pid:  # only ever cap a child: where fork is missing, this runs in a server thread
        _limit_memory(memory_mb)
    try:
        form = checked_form or _check(text, prefixes)
        answer = _evaluate(store, text, prefixes)
    except UpdateRefused:
        return "update", _first_word(text) or "an update"
    except ServiceRefused as exc:
        services = re.findall(r"\(([^)]*)\)", str(exc))
        return "service", f"the query calls a remote SERVICE {services[0] if services else ''}".rstrip()
    except QuerySyntaxError as exc:
        return "syntax", (str(exc), exc.line, exc.column)
    try:
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows: list[tuple[ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple | None, ...]] = []
            for solution in answer:
                if len(rows) >= max_rows:
                    return "result", (QueryResult(form="SELECT", variables=variables, rows=rows), True)
                rows.append(tuple(solution[i] for i in range(len(variables))))
            return "result", (QueryResult(form="SELECT", variables=variables, rows=rows), False)
        if isinstance(answer, ox.QueryBoolean):
            return "result", (QueryResult(form="ASK", boolean=bool(answer)), False)
        graph_form = form if form in GRAPH_FORMS else "CONSTRUCT"
        triples: list[ox.Triple] = []
        for triple in answer:
            if len(triples) >= max_rows:
                return "result", (QueryResult(form=graph_form, triples=triples), True)
            triples.append(triple)
        return "result", (QueryResult(form=graph_form, triples=triples), False)
    except (OSError, RuntimeError) as exc:  # evaluation errors surface while iterating
        raise QueryError(f"the query failed: {exc}") from None


def _evaluate(store: ox.Store, text: str, prefixes: Mapping[str, str]) -> Any:
    try:
        return store.query(text, prefixes=dict(prefixes))
    except SyntaxError as exc:
        raise _oxigraph_syntax_error(text, exc) from None
    except OSError as exc:
        raise QueryError(f"the query failed: {exc}") from None


def _check(text: str, prefixes: Mapping[str, str]) -> str:
    """The query form, after ``kg query``'s checks (update and SERVICE refused, syntax errors placed)."""
    from kg.sparql.check import check_query

    return check_query(text, prefixes, allow_service=False).form


def _first_word(text: str) -> str:
    """The first keyword after the prologue (PREFIX p: <iri> and BASE <iri>), upper-cased."""
    from kg.sparql import lexer

    for token in lexer.tokens(text):
        word = token.text.upper()
        if token.kind == "word" and word not in ("PREFIX", "BASE") and ":" not in word:
            return word
    return ""


def _oxigraph_syntax_error(text: str, exc: SyntaxError) -> QueryError:
    from kg.sparql.check import QuerySyntaxError, mark

    message = str(exc.args[0]) if exc.args else str(exc)
    match = _OXIGRAPH_POSITION.match(message)
    if match is None:
        return QueryError(f"malformed query: {message}")
    line, column, what = int(match.group(1)), int(match.group(2)), match.group(3)
    return QuerySyntaxError(
        f"malformed query at line {line}, column {column}: {what}\n{mark(text, line, column)}", line, column
    )


def _limit_memory(memory_mb: int) -> None:
    """Cap the child's address space at what it uses now plus ``memory_mb``: a runaway join dies alone."""
    if memory_mb <= 0:
        return
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            in_use = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        return
    limit = in_use + memory_mb * 1024 * 1024
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
