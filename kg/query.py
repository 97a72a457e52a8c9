"""Querying the graph with SPARQL, from Python and for ``kg query``.

In a notebook::

    from kg.query import connect
    kg = connect()                                        # the built store at dist/store
    kg.run("province-measures", province="湖南").to_dataframe()
    kg.query("SELECT ?o WHERE { ?o a zf:PeoplesCourt }").records()

Queries are read-only and safe by default: an update is refused, ``SERVICE``
is refused unless ``allow_service=True``, parameters are bound as RDF terms
(never pasted into the query text), and every query has a time limit.
Common prefixes (``kg prefixes``) are predeclared.
"""

from __future__ import annotations

import datetime
import difflib
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from kg.errors import QueryError, UsageError
from kg.project import queries_dir
from kg.sparql import lexer, paging
from kg.sparql.buckets import MAX_ROWS, PageBy, bucketed_page, page_by_header, page_by_unbound
from kg.sparql.narrowing import (
    Narrowing,
    Row,
    narrowed_page,
    narrowed_page_by,
    narrowed_values,
    narrowing_header,
    values_block,
)
from kg.sparql.prefixes import PREFIXES
from kg.sparql.results import GRAPH_FORMS, QueryResult
from kg.sparql.terms import Term, from_rdflib, param_term, sparql_text, to_rdflib
from kg.sparql.worker import Deadline, run_limited

__all__ = [
    "BACKENDS",
    "DEFAULT_TIMEOUT",
    "QueryResult",
    "Session",
    "ShippedQuery",
    "connect",
    "run_query",
    "shipped_queries",
    "shipped_query",
    "term",
]

#: Seconds a query may run before it is stopped (``--timeout``; 0 or None: no limit).
DEFAULT_TIMEOUT = 30.0
BACKENDS = ("oxigraph", "memory")


# ---------------------------------------------------------------------------
# The shipped queries
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ShippedQuery:
    """A named query in ``kg/queries/``; its leading ``#`` comments say what it answers.

    Header lines: the question (English), the question in Chinese, then optionally
    ``# competency question: N`` and ``# param NAME: what it binds; when unbound …``.
    """

    name: str
    path: Path
    question: str
    question_zh: str
    competency: int | None
    params: dict[str, str] = field(default_factory=dict)
    page_by: PageBy | None = None  # ``# page-by ?k: pattern``: first pages asked by buckets of ?k (kg.sparql.buckets)
    narrowing: Narrowing | None = (
        None  # ``# narrow ?k by ?param: pattern``: ?k's few values asked first (kg.sparql.narrowing)
    )

    @property
    def text(self) -> str:
        return self.path.read_text(encoding="utf-8")

    @property
    def is_check(self) -> bool:
        """A data check: its answer must be empty."""
        return self.name.startswith("check-")


_PARAM_LINE = re.compile(r"^#\s*param\s+\??([A-Za-z_][A-Za-z0-9_]*)\s*:\s*(.*)$")
_CQ_LINE = re.compile(r"^#\s*competency question\s*:?\s*(\d+)", re.IGNORECASE)


def _has_cjk(text: str) -> bool:
    """Whether ``text`` holds a CJK ideograph (U+3400–U+9FFF). Not a regular expression: compiling
    that character class costs ~3 ms at every start (re walks each of its 27,000 code points)."""
    return not text.isascii() and any("\u3400" <= ch <= "\u9fff" for ch in text)


def _read_header(path: Path) -> ShippedQuery:
    question = question_zh = ""
    competency: int | None = None
    params: dict[str, str] = {}
    page_by: PageBy | None = None
    narrowing: Narrowing | None = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        if narrows := narrowing_header(line):
            narrowing = narrows if narrowing is None else narrowing.with_line(narrows)
        elif declared := page_by_header(line):
            page_by = declared if page_by is None else page_by.refined(declared)
        elif (unbound := page_by_unbound(line)) and page_by is not None:
            page_by = page_by.with_unbound(*unbound)
        elif match := _PARAM_LINE.match(line):
            params[match.group(1)] = match.group(2).strip()
        elif match := _CQ_LINE.match(line):
            competency = int(match.group(1))
        else:
            body = line.lstrip("#").strip()
            if not body:
                continue
            if _has_cjk(body) and not question_zh and question:
                question_zh = body
            elif not question:
                question = body
    return ShippedQuery(path.stem, path, question, question_zh, competency, params, page_by, narrowing)


@lru_cache(maxsize=1)
def _catalogue() -> dict[str, ShippedQuery]:
    return {path.stem: _read_header(path) for path in sorted(queries_dir().glob("*.rq"))}


def shipped_queries() -> list[ShippedQuery]:
    """Every shipped query: competency questions in their order, then the rest by name."""
    return sorted(_catalogue().values(), key=lambda q: (q.competency is None, q.competency or 0, q.name))


def shipped_query(name: str) -> ShippedQuery:
    catalogue = _catalogue()
    if name.endswith(".rq"):
        name = name[:-3]
    if name not in catalogue:
        close = difflib.get_close_matches(name, list(catalogue), n=3, cutoff=0.5)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"no shipped query named {name!r}{hint}; `kg queries` lists them")
    return catalogue[name]


# ---------------------------------------------------------------------------
# Parameters
# ---------------------------------------------------------------------------

ParamValue = Any  # a pyoxigraph or rdflib term, str, int, float, Decimal, bool or date


def term(text: str, prefixes: Mapping[str, str] = PREFIXES) -> Term:
    """A term from Turtle-like text, as ``--param`` reads it: ``term('"湖南"@zh')``, ``term("zfr:province-hunan")``."""
    return param_term(text, prefixes)


def to_term(value: ParamValue) -> Term:
    """A Python value as the RDF term a parameter binds; a str is a plain string literal."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    if isinstance(value, (ox.NamedNode, ox.Literal, ox.Triple)):
        return value
    if isinstance(value, ox.BlankNode):
        raise UsageError("a blank node cannot be a parameter value")
    if isinstance(value, bool):
        return ox.Literal("true" if value else "false", datatype=ox.NamedNode(xsd + "boolean"))
    if isinstance(value, int):
        return ox.Literal(str(value), datatype=ox.NamedNode(xsd + "integer"))
    if isinstance(value, Decimal):
        return ox.Literal(format(value, "f"), datatype=ox.NamedNode(xsd + "decimal"))
    if isinstance(value, float):
        return ox.Literal(repr(value), datatype=ox.NamedNode(xsd + "double"))
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return ox.Literal(value.isoformat(), datatype=ox.NamedNode(xsd + "date"))
    if isinstance(value, str):
        if type(value).__module__.startswith("rdflib"):
            converted = from_rdflib(value)
            if converted is not None and not isinstance(converted, ox.BlankNode):
                return converted
        return ox.Literal(value)
    raise UsageError(f"cannot bind a parameter to {value!r} ({type(value).__name__})")


def _bindings(params: Mapping[str, ParamValue] | None, text: str) -> dict[str, Term]:
    if not params:
        return {}
    used = lexer.variables(text)
    bound: dict[str, Term] = {}
    for raw_name, value in params.items():
        name = raw_name.lstrip("?$")
        if name not in used:
            known = ", ".join(f"?{v}" for v in sorted(used)) or "none"
            raise UsageError(f"the query has no variable ?{name} to bind (its variables: {known})")
        bound[name] = to_term(value)
    return bound


# ---------------------------------------------------------------------------
# Running queries
# ---------------------------------------------------------------------------


class Session:
    """An open graph to query: the built Oxigraph store, an in-memory load, or a remote endpoint.

    ``timeout`` (seconds) limits every query; ``allow_service`` permits SERVICE calls.
    ``isolate`` runs each time-limited query in a child process that is killed on
    time (the default); without it the query runs in a thread that is abandoned on
    time, which suits a command that exits right after (``kg query``).
    """

    def __init__(
        self,
        backend: str = "oxigraph",
        store: Path | str | None = None,
        include: Iterable[Path] = (),
        endpoint: str | None = None,
        timeout: float | None = DEFAULT_TIMEOUT,
        allow_service: bool = False,
        default_graphs: Iterable[str] = (),
        graph: Any = None,
        isolate: bool = True,
    ) -> None:
        if endpoint is None and backend not in BACKENDS:
            raise UsageError(f"unknown backend {backend!r}: choose one of {', '.join(BACKENDS)}")
        if timeout is not None:
            from kg.numbers import MAX_SECONDS, check_number

            check_number("timeout", timeout, 0, MAX_SECONDS, zero="no limit", unit=" seconds")
        self.backend = "endpoint" if endpoint else backend
        self.store = Path(store) if store else None
        self.include = [Path(p) for p in include]
        self.endpoint = endpoint
        self.timeout = timeout
        self.allow_service = allow_service
        self.default_graphs = list(default_graphs)
        self._graph = graph
        self.isolate = isolate
        if self.backend == "oxigraph":
            _require_store(self.store)

    # The rdflib graph of the memory backend, loaded once on first use.
    @property
    def graph(self) -> Any:
        if self.backend != "memory":
            raise UsageError("only the memory backend holds an rdflib graph")
        if self._graph is None:
            from kg.sources import load_sources, source_files

            self._graph = load_sources(source_files(self.include)).graph
        return self._graph

    @property
    def prefixes(self) -> dict[str, str]:
        return dict(PREFIXES)

    def query(
        self,
        text: str,
        params: Mapping[str, ParamValue] | None = None,
        *,
        timeout: float | str | None = "session",
        allow_service: bool | None = None,
        limit: int | None = None,
        offset: int = 0,
        preview: int | None = None,
        **more_params: ParamValue,
    ) -> QueryResult:
        """Check ``text`` (read-only, no SERVICE unless allowed), bind ``params`` and run it.

        ``limit`` and ``offset`` ask the engine for one page of a SELECT's solutions
        (composed with the query's own LIMIT/OFFSET); ``result.more`` tells whether rows follow.
        ``preview`` is a limit for a SELECT only (a table's first rows): other forms come whole.
        """
        from kg.sparql.check import check_query

        allow = self.allow_service if allow_service is None else allow_service
        checked = check_query(text, self.prefixes, allow_service=allow)
        if checked.from_graphs and self.backend == "memory":
            raise QueryError(
                "FROM / FROM NAMED: the memory backend holds one graph and never loads remote graphs; "
                "drop the dataset clause or use --backend oxigraph"
            )
        page = (_page_limit(limit, preview, checked.form), offset)
        deadline = self._deadline(timeout)
        return self._execute(text, checked.form, {**(params or {}), **more_params}, deadline, allow, page=page)

    def run(
        self,
        name: str,
        params: Mapping[str, ParamValue] | None = None,
        *,
        timeout: float | str | None = "session",
        limit: int | None = None,
        offset: int = 0,
        preview: int | None = None,
        **more_params: ParamValue,
    ) -> QueryResult:
        """Run a shipped query by name (``kg queries`` lists them); ``limit``/``offset``/``preview`` as for ``query``."""
        shipped = shipped_query(name)
        text = shipped.text
        # Shipped queries are checked by the test suite (read-only, no SERVICE), so the
        # rdflib parse is skipped here: it is what makes a cold `kg query --name` fast.
        form = lexer.query_form(text) or "SELECT"
        given = {**(params or {}), **more_params}
        # The province check, the narrowing's queries, the buckets' and the query's share one time limit.
        deadline = self._deadline(timeout)
        province = given.get("province", given.get("?province"))
        # A remote endpoint's provinces are its own business (and checking costs a round trip).
        if "province" in shipped.params and province is not None and self.backend != "endpoint":
            self._check_province(to_term(province), deadline)
        page = (_page_limit(limit, preview, form), offset)
        found = self._narrowed(text, shipped.narrowing, given, deadline)
        page_by, narrowed = shipped.page_by, None
        if found is not None and shipped.narrowing is not None:
            targets = shipped.narrowing.targets
            narrowed = values_block(targets, found)
            page_by = narrowed_page_by(page_by, targets, narrowed)
            given = {name: value for name, value in given.items() if not shipped.narrowing.unbinds(name)}
            rows = page[0]
            if page_by is None and rows is not None:
                # The first sort key a target (search's ?thing): a page is asked for its first values' rows only.
                paged = self._narrowed_page(text, given, shipped.params, targets, found, (rows, offset), deadline)
                if paged is not None:
                    return paged
        return self._execute(text, form, given, deadline, False, shipped.params, page, page_by, narrowed)

    def _deadline(self, timeout: float | str | None) -> Deadline | None:
        """The deadline of a request given ``timeout`` seconds ("session": the session's)."""
        seconds = self.timeout if timeout == "session" else timeout
        assert not isinstance(seconds, str)
        return Deadline.after(seconds)

    def _narrowed(
        self, text: str, narrowing: Narrowing | None, given: Mapping[str, ParamValue], deadline: Deadline | None
    ) -> list[Row] | None:
        """The values of the variables a parameter selects, asked before the query (kg.sparql.narrowing), or None.

        On the embedded store only: a remote endpoint and rdflib bind the parameter themselves
        (rdflib starts from it; the endpoint is asked one query).
        """
        if narrowing is None or self.backend != "oxigraph":
            return None
        value = given.get(narrowing.param, given.get("?" + narrowing.param))
        if value is None:
            return None
        # Its few queries in one worker: one opening of the store.
        job = (self.store, narrowing, to_term(value), text, self.prefixes)
        found: list[Row] | None = run_limited(
            _narrow_on_oxigraph, job, deadline, block_network=True, isolate=self.isolate
        )
        return found

    def _narrowed_page(
        self,
        text: str,
        given: Mapping[str, ParamValue],
        declared: Iterable[str],
        targets: tuple[str, ...],
        found: list[Row],
        page: tuple[int, int],
        deadline: Deadline | None,
    ) -> QueryResult | None:
        """A page of a narrowed shipped query whose first sort key is a target (kg.sparql.narrowing), or None."""
        started = time.perf_counter()
        values = {name: "UNDEF" for name in declared}
        values.update({name: sparql_text(value) for name, value in _bindings(given, text).items()})
        run = self._page_runner(deadline, False)
        rows, skip = page
        # One row more than asked: it tells whether more rows follow, and is dropped.
        result = narrowed_page(lexer.inject_values(text, values), targets, found, rows + 1, skip, run)
        return None if result is None else self._paged(result, text, page, started)

    def _check_province(self, value: Term, deadline: Deadline | None) -> None:
        """An unknown province is an error naming the known ones (kg.provinces), not an empty answer."""
        from kg.provinces import PROVINCES_QUERY, find_province, provinces_from_rows

        if not isinstance(value, (ox.NamedNode, ox.Literal)):
            return
        answer = self._execute(PROVINCES_QUERY, "SELECT", {}, deadline, False)
        rows = [(r["province"], r.get("name"), r.get("short"), r.get("lang")) for r in answer.records()]
        find_province(value.value, provinces_from_rows(rows))

    def explore(self, **filters: Any) -> Any:
        """The graph explorer's view of this graph (kg.viz.explore's filters): ``.show()`` it in a notebook."""
        from kg.viz import explore

        if self.backend == "endpoint":
            raise UsageError("the explorer reads a local graph: connect() to the built store or to 'memory'")
        return explore(self.graph if self.backend == "memory" else _open_store(self.store), **filters)

    def df(self, query_or_name: str, params: Mapping[str, ParamValue] | None = None, **more_params: ParamValue) -> Any:
        """A DataFrame of a shipped query (by name) or of a query text."""
        if query_or_name.strip() in _catalogue():
            return self.run(query_or_name.strip(), params, **more_params).to_dataframe()
        return self.query(query_or_name, params, **more_params).to_dataframe()

    def _execute(
        self,
        text: str,
        form: str,
        params: Mapping[str, ParamValue],
        limit: Deadline | None,
        allow: bool,
        declared: Iterable[str] = (),
        page: tuple[int | None, int] = (None, 0),
        page_by: PageBy | None = None,
        narrowed: str | None = None,
    ) -> QueryResult:
        bindings = _bindings(params, text)
        rows, skip = page
        if page_by is not None and self.backend == "oxigraph" and (rows is not None or page_by.narrowed(bindings)):
            started = time.perf_counter()
            # A whole answer narrowed by a parameter its buckets use (one province) is asked for by buckets too:
            # complete when fewer rows than the buckets serve come back (else asked for whole, below).
            asked = (rows, skip) if rows is not None else (MAX_ROWS - 1, 0)
            # Narrowed values of a key are its buckets' already (narrowed_page_by); others are given to every query.
            given = narrowed or ""
            if given and lexer.variables(given) & set(page_by.variables):
                given = ""
            bucketed = self._bucketed(text, declared, bindings, page_by, asked, limit, allow, given)
            if bucketed is not None and (rows is not None or not bucketed.more):
                bucketed.seconds = time.perf_counter() - started
                return bucketed
        # One row more than asked: it tells whether more rows follow, and is dropped.
        text = paging.page(text, None if rows is None else rows + 1, skip)
        # A declared parameter left unbound is bound to UNDEF: the same answer, but
        # Virtuoso cannot compile a FILTER on a variable that no pattern binds.
        values = {name: "UNDEF" for name in declared}
        values.update({name: sparql_text(value) for name, value in bindings.items()})
        started = time.perf_counter()
        if self.backend == "memory":
            rdflib_job = (self.graph, text, self.prefixes, bindings)
            result = run_limited(_run_rdflib, rdflib_job, limit, block_network=not allow, isolate=self.isolate)
        elif self.backend == "oxigraph":
            oxigraph_job = (self.store, lexer.inject_values(text, values, then=narrowed or ""), self.prefixes, form)
            # In a child (isolate) that child is cut off the network too, unless SERVICE is allowed.
            result = run_limited(_run_oxigraph, oxigraph_job, limit, block_network=not allow, isolate=self.isolate)
        else:
            result = self._run_endpoint(text, form, values, limit)
        result.seconds = time.perf_counter() - started
        result.offset = skip
        if rows is not None and len(result.rows) > rows:
            del result.rows[rows:]
            result.more = True
        result.prefixes = {**self.prefixes, **_absolute(lexer.declared_prefixes(text))}
        return result

    def _bucketed(
        self,
        text: str,
        declared: Iterable[str],
        bindings: Mapping[str, Term],
        page_by: PageBy,
        page: tuple[int, int],
        limit: Deadline | None,
        allow: bool,
        narrowed: str = "",
    ) -> QueryResult | None:
        """A page of a sorted shipped query asked by buckets of its first sort key (kg.sparql.buckets), or None.

        ``narrowed``: the values a parameter selected (kg.sparql.narrowing), given to every query of the page."""
        rows, skip = page
        values = {name: "UNDEF" for name in declared}
        values.update({name: sparql_text(value) for name, value in bindings.items()})
        # One row more than asked: it tells whether more rows follow, and is dropped.
        runner = self._page_runner(limit, allow)
        result = bucketed_page(text, values, page_by, rows + 1, skip, runner, narrowed)
        return None if result is None else self._paged(result, text, page)

    def _page_runner(self, limit: Deadline | None, allow: bool) -> Callable[[str], QueryResult]:
        """Runs the SELECT queries of one page on the store, all of them by the request's deadline."""
        # Every query of a page reads one opening of the store (one state of it, and opening it at a million
        # triples costs 0.01-0.02 s a query); a child process (isolate) opens its own.
        store = self.store if self.isolate else _open_store(self.store)

        def run(query: str) -> QueryResult:
            job = (store, query, self.prefixes, "SELECT")
            result: QueryResult = run_limited(_run_oxigraph, job, limit, block_network=not allow, isolate=self.isolate)
            return result

        return run

    def _paged(
        self, result: QueryResult, text: str, page: tuple[int, int], started: float | None = None
    ) -> QueryResult:
        """``result``, one row more than the page asked for, cut to the page: the extra row says more follow."""
        rows, skip = page
        result.offset = skip
        if len(result.rows) > rows:
            del result.rows[rows:]
            result.more = True
        result.prefixes = {**self.prefixes, **_absolute(lexer.declared_prefixes(text))}
        if started is not None:
            result.seconds = time.perf_counter() - started
        return result

    def _run_endpoint(self, text: str, form: str, values: Mapping[str, str], deadline: Deadline | None) -> QueryResult:
        from kg.endpoint import SparqlEndpoint

        assert self.endpoint is not None
        declared = lexer.declared_prefixes(text)
        # A remote server knows none of our prefixes: declare the ones the query did not.
        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in self.prefixes.items() if p not in declared)
        bound = lexer.inject_values(prologue + text, values)
        # The one request of this backend (no narrowing, no buckets): the whole limit is its own.
        timeout = None if deadline is None else deadline.seconds
        client = SparqlEndpoint(self.endpoint, timeout=timeout, default_graphs=self.default_graphs)
        return client.query(bound, form)

    def close(self) -> None:
        self._graph = None

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _page_limit(limit: int | None, preview: int | None, form: str) -> int | None:
    """The rows a page asks for: ``limit``, else ``preview`` for a SELECT (a table's first rows; others come whole)."""
    return limit if limit is not None or form != "SELECT" else preview


def _absolute(prefixes: Mapping[str, str]) -> dict[str, str]:
    return {p: iri for p, iri in prefixes.items() if ":" in iri}


def _require_store(store: Path | None) -> None:
    from kg.project import default_store_path

    path = store or default_store_path()
    if not (path / "CURRENT").is_file():
        from kg.errors import InputError

        raise InputError(f"no graph store at {path}: run `kg build` first (or pass --store PATH, or --backend memory)")


def _open_store(store_path: Path | None) -> ox.Store:
    """The built store, read-only (kg.store.open_store: it warns on a stale build and holds the generation),
    after this module's own message for a missing store, which names --backend memory too."""
    from kg.store import open_store

    _require_store(store_path)
    return open_store(store_path)


def _run_oxigraph(store_path: Path | ox.Store | None, text: str, prefixes: Mapping[str, str], form: str) -> QueryResult:
    """``text`` run on the store at ``store_path`` (opened here), or on an open store."""
    store = store_path if isinstance(store_path, ox.Store) else _open_store(store_path)
    from kg.sparql.check import engine_failure, engine_syntax_error

    try:
        answer = store.query(text, prefixes=dict(prefixes))
        if isinstance(answer, ox.QuerySolutions):
            variables = [v.value for v in answer.variables]
            rows = [tuple(solution[i] for i in range(len(variables))) for solution in answer]
            return QueryResult(form="SELECT", variables=variables, rows=rows)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult(form="ASK", boolean=bool(answer))
        return QueryResult(form=form if form in GRAPH_FORMS else "CONSTRUCT", triples=list(answer))
    except SyntaxError as exc:
        raise engine_syntax_error(text, exc) from None
    except (OSError, RuntimeError) as exc:  # a failed SERVICE call says nothing about the remote side
        raise engine_failure(exc) from None


def _narrow_on_oxigraph(
    store_path: Path | None, narrowing: Narrowing, value: Term, text: str, prefixes: Mapping[str, str]
) -> list[Row] | None:
    """kg.sparql.narrowing.narrowed_values on the store at ``store_path``, opened once for all its queries,
    with the store's text index where it has a current one (kg.textindex)."""
    from kg.project import default_store_path
    from kg.textindex import open_with_index

    store, index = open_with_index(store_path or default_store_path(), lambda: _open_store(store_path))
    return narrowed_values(
        narrowing, value, text, lambda query: _run_oxigraph(store, query, prefixes, "SELECT"), index, prefixes
    )


def _run_rdflib(graph: Any, text: str, prefixes: Mapping[str, str], bindings: Mapping[str, Term]) -> QueryResult:
    import rdflib.plugins.sparql as rdflib_sparql
    from rdflib import Variable

    rdflib_sparql.SPARQL_LOAD_GRAPHS = False  # never fetch a FROM graph over the network
    from pyparsing import ParseBaseException

    from kg.sparql.check import syntax_error

    init = {Variable(name): to_rdflib(value) for name, value in bindings.items()}
    try:
        answer = graph.query(text, initNs=dict(prefixes), initBindings=init)
    except ParseBaseException as exc:
        raise syntax_error(text, exc) from None
    except RecursionError:
        raise QueryError(
            "the query has too many patterns or nesting levels for the memory backend's SPARQL engine; "
            "run it on the Oxigraph store (the default backend)"
        ) from None
    if answer.type == "SELECT":
        variables = [str(v) for v in answer.vars or []]
        rows = [tuple(from_rdflib(value) for value in row) for row in answer]
        return QueryResult(form="SELECT", variables=variables, rows=rows)  # type: ignore[arg-type]
    if answer.type == "ASK":
        return QueryResult(form="ASK", boolean=bool(answer.askAnswer))
    triples = [
        ox.Triple(from_rdflib(s), from_rdflib(p), from_rdflib(o))  # type: ignore[arg-type]
        for s, p, o in answer.graph or []
    ]
    return QueryResult(form=answer.type, triples=triples)


def connect(
    backend: str = "oxigraph",
    store: Path | str | None = None,
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    **options: Any,
) -> Session:
    """Open the graph for querying: ``connect()`` (built store), ``connect("memory")``, ``connect(endpoint=URL)``."""
    return Session(backend=backend, store=store, endpoint=endpoint, timeout=timeout, **options)


def run_query(
    text: str,
    params: Mapping[str, ParamValue] | None = None,
    backend: str = "oxigraph",
    store: Path | str | None = None,
    endpoint: str | None = None,
    timeout: float | None = DEFAULT_TIMEOUT,
    allow_service: bool = False,
) -> QueryResult:
    """One query, one answer: ``run_query("SELECT …", {"province": "湖南"})``."""
    session = Session(backend=backend, store=store, endpoint=endpoint, timeout=timeout, allow_service=allow_service)
    return session.query(text, params)
