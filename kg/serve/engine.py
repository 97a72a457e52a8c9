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
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyoxigraph as ox

from kg.errors import QueryError, QueryTimeout
from kg.namespaces import PREFIXES
from kg.sparql.buckets import PageBy
from kg.sparql.check import CheckedQuery, engine_failure
from kg.sparql.narrowing import Narrowing
from kg.sparql.results import GRAPH_FORMS, QueryResult
from kg.sparql.worker import Deadline

#: The message ``run_limited`` gives when the child died (killed by the memory limit, or crashed).
_CHILD_DIED = "the query process ended without an answer"
#: "No time limit" (``--timeout 0``) still runs the query in a child process, for this long at most.
UNLIMITED_SECONDS = 7 * 24 * 3600.0  # poll() takes at most ~24 days
T = TypeVar("T")


class ServerBusy(QueryError):
    """Every query slot is taken and the waiting line is full: retry later."""


class QueryCrashed(QueryError):
    """The query's process died: it went past its memory budget (or the engine failed)."""


@dataclass(frozen=True)
class Limits:
    timeout: float = 10.0
    max_rows: int = 10_000
    memory_mb: int = 1024
    concurrent: int = 4
    #: Queries that may wait for a slot; one more is answered 503 at once.
    waiting: int = 16


@dataclass
class Answer:
    """A query result, and whether it was cut at the row cap."""

    result: QueryResult
    truncated: bool
    limit: int


# The most rows one of the server's own bucket queries may bring back (kg.sparql.buckets).
BUCKET_ROWS = 1_000_000


class _TooLarge(Exception):
    """A bucket query came back cut at BUCKET_ROWS: the page is asked whole instead."""


class QueryGate:
    """Separate capacity for SPARQL: ``concurrent`` queries run, ``waiting`` more wait, the next is refused.

    Queries run on threads of their own limiter, so pages (on the default thread pool)
    never wait behind them. A refusal is immediate: a client is told to retry instead
    of queueing without bound. Used from the event loop only (the counter needs no lock).
    """

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.pending = 0
        self._limiter: Any = None

    async def run(self, func: Callable[..., T], *args: Any) -> T:
        import anyio.to_thread

        if self._limiter is None:
            self._limiter = anyio.CapacityLimiter(max(1, self.limits.concurrent))
        if self.pending >= max(1, self.limits.concurrent) + max(0, self.limits.waiting):
            raise ServerBusy(
                f"the server is busy: {self.limits.concurrent} queries are running and "
                f"{self.limits.waiting} are waiting; retry shortly"
            )
        self.pending += 1
        try:
            return await anyio.to_thread.run_sync(func, *args, limiter=self._limiter)
        finally:
            self.pending -= 1


class QueryEngine:
    """Runs checked, limited queries against the read-only store at ``store_path``.

    The children use a store handle opened here but never used by this process's
    threads: a forked child inherits it ready (opening a store costs tens of
    milliseconds), and no thread can hold one of its locks at the moment of the fork.
    Each child moves into an empty network namespace before it runs anything
    (:mod:`kg.sparql.netns`), so even a query that slipped past the check cannot
    reach the network.
    """

    def __init__(self, store_path: Path, limits: Limits, prefixes: Mapping[str, str] = PREFIXES) -> None:
        from kg.store import open_store

        self.store_path = store_path
        self.limits = limits
        self.prefixes = dict(prefixes)
        self.gate = QueryGate(limits)
        self._slots = threading.BoundedSemaphore(max(1, limits.concurrent))
        from kg.textindex import open_with_index

        self._child_store, self._text_index = open_with_index(store_path, lambda: open_store(store_path))

    def warm_up(self) -> None:
        """Load rdflib's SPARQL parser here once: a forked child places a syntax error with it, ready."""
        from kg.sparql.check import check_query, engine_syntax_error

        check_query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", self.prefixes)
        engine_syntax_error("SELECT * WHERE { ?s ?p ?o", SyntaxError("error at 1:1: warm-up"))

    def check(self, text: str) -> CheckedQuery:
        """``kg query``'s check (update and SERVICE refused, lexical errors placed); in a worker thread."""
        from kg.sparql.check import ServiceRefused, UpdateRefused, check_query

        try:
            return check_query(text, self.prefixes, allow_service=False)
        except UpdateRefused as exc:
            verb = re.search(r"\(([A-Z]+)\)", str(exc))
            raise UpdateRefused(
                f"refused: this endpoint is read-only and does not run SPARQL Update ({verb.group(1) if verb else 'an update'}); "
                "send a SELECT, CONSTRUCT, DESCRIBE or ASK query"
            ) from None
        except ServiceRefused as exc:
            called = re.search(r"SERVICE \(([^)]*)\)", str(exc))
            raise ServiceRefused(
                f"refused: the query calls a remote SERVICE{' ' + called.group(1) if called else ''}; "
                "this endpoint makes no network requests"
            ) from None

    def run(
        self,
        text: str,
        params: Mapping[str, ox.NamedNode | ox.Literal] | None = None,
        checked: CheckedQuery | None = None,
        max_rows: int | None = None,
        deadline: Deadline | None = None,
    ) -> Answer:
        """Check and run ``text``; QueryError (or a subclass) says why it was refused or stopped.

        ``max_rows`` replaces the server's row cap (for the server's own queries, not a client's);
        ``deadline`` is the time limit shared with the other queries of one request (see :meth:`_deadline`).
        """
        from kg.sparql.check import QuerySyntaxError
        from kg.sparql.worker import run_limited

        if params:
            from kg.sparql import lexer
            from kg.sparql.terms import sparql_text

            text = lexer.inject_values(text, {name: sparql_text(value) for name, value in params.items()})
            checked = None
        if checked is None:
            checked = self.check(text)
        limits = self.limits
        cap = limits.max_rows if max_rows is None else max_rows
        # Callers through the gate never wait here; direct callers wait no longer than a query may run.
        if not self._slots.acquire(timeout=limits.timeout or None):
            raise ServerBusy(f"the server is busy: {limits.concurrent} queries are running; retry shortly")
        try:
            args = (
                self._child_store,
                text,
                self.prefixes,
                cap,
                limits.memory_mb,
                checked.form,
                os.getpid(),
            )
            try:
                # The child never needs the network: it is cut off at the OS level (and by an audit hook).
                # Always in a child, even without a time limit: the memory cap and a crash stay there.
                limit = deadline or (limits.timeout if limits.timeout > 0 else UNLIMITED_SECONDS)
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
        if kind == "syntax":
            message, line, column = payload
            raise QuerySyntaxError(message, line, column)
        result, truncated = payload
        return Answer(result=result, truncated=truncated, limit=cap)

    def run_bucketed(
        self,
        text: str,
        values: Mapping[str, str],
        page_by: PageBy,
        limit: int,
        offset: int,
        narrowed: str = "",
        deadline: Deadline | None = None,
    ) -> Answer | None:
        """A page of a shipped query asked by buckets of its first sort key (kg.sparql.buckets), or None.

        The key values and the buckets are the server's own queries: they may exceed the
        row cap (a million-triple graph has 44,000 facts with evidence); a bucket that
        exceeds even BUCKET_ROWS makes the page be asked whole. ``narrowed``: the ``VALUES``
        a parameter selected, given to the queries that use them; ``deadline``: the request's,
        when its narrowing came first.
        """
        from kg.sparql.buckets import bucketed_page

        deadline = deadline or self._deadline()

        def run(query: str) -> QueryResult:
            answer = self.run(query, max_rows=BUCKET_ROWS, deadline=deadline)
            if answer.truncated:
                raise _TooLarge
            return answer.result

        try:
            result = bucketed_page(text, values, page_by, limit, offset, run, narrowed)
        except _TooLarge:
            return None
        return None if result is None else Answer(result=result, truncated=False, limit=self.limits.max_rows)

    def run_narrowed(
        self,
        text: str,
        narrowing: Narrowing,
        value: Any,
        values: Mapping[str, str],
        limit: int | None,
        offset: int,
        page_by: PageBy | None = None,
    ) -> Answer | None:
        """A page of a shipped query whose parameter selects a few values first (kg.sparql.narrowing), or None.

        The values are the server's own queries (one scan each); the query then starts from them, paged
        as a client's query is, or by the buckets of ``page_by`` where the values keep some (narrowed_page_by:
        who-checks-whom's relations), or, when its first sort key is narrowed (search's ?thing), asked for the
        values of its first keys only. None where nothing is narrowed (or the values exceed BUCKET_ROWS).
        """
        from kg.sparql import lexer, paging
        from kg.sparql.narrowing import narrowed_page, narrowed_page_by, narrowed_values, values_block

        deadline = self._deadline()

        def run(query: str) -> QueryResult:
            answer = self.run(query, max_rows=BUCKET_ROWS, deadline=deadline)
            if answer.truncated:
                raise _TooLarge
            return answer.result

        try:
            found = narrowed_values(narrowing, value, text, run, self._text_index, self.prefixes)
        except _TooLarge:
            return None
        if found is None:
            return None
        kept = {name: term for name, term in values.items() if not narrowing.unbinds(name)}
        block = values_block(narrowing.targets, found)
        keyed = narrowed_page_by(page_by, narrowing.targets, block)
        if keyed is not None and limit is not None:
            # The values of a key are its buckets' already; others are given to every query of the page.
            given = "" if lexer.variables(block) & set(keyed.variables) else block
            bucketed = self.run_bucketed(text, kept, keyed, limit, offset, given, deadline)
            if bucketed is not None:
                return bucketed
        if keyed is None and limit is not None:
            try:
                paged = narrowed_page(lexer.inject_values(text, kept), narrowing.targets, found, limit, offset, run)
            except _TooLarge:
                paged = None
            if paged is not None:
                return Answer(result=paged, truncated=False, limit=self.limits.max_rows)
        bound = lexer.inject_values(text, kept, then=block)
        return self.run(paging.page(bound, limit, offset), deadline=deadline)

    def _deadline(self) -> Deadline | None:
        """One time limit for the several queries of one request (a page's buckets, a narrowing and its
        query): together they stop after the server's limit, not each of them."""
        return Deadline.after(self.limits.timeout)


# --- in the child process -------------------------------------------------------------


def _answer(
    store: ox.Store,
    text: str,
    prefixes: Mapping[str, str],
    max_rows: int,
    memory_mb: int,
    form: str,
    server_pid: int = 0,
) -> tuple[str, Any]:
    """Run one checked query (in the forked child); at most ``max_rows`` rows or triples come back.

    A syntax error comes back as a value, not an exception, so that its position survives the trip.
    """
    from kg.sparql.check import QuerySyntaxError

    if os.getpid() != server_pid:  # only ever cap a child: where fork is missing, this runs in a server thread
        _limit_memory(memory_mb)
    try:
        answer = _evaluate(store, text, prefixes)
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
        raise engine_failure(exc) from None


def _evaluate(store: ox.Store, text: str, prefixes: Mapping[str, str]) -> Any:
    from kg.sparql.check import engine_syntax_error

    try:
        return store.query(text, prefixes=dict(prefixes))
    except SyntaxError as exc:
        raise engine_syntax_error(text, exc) from None
    except (OSError, RuntimeError) as exc:
        raise engine_failure(exc) from None


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
