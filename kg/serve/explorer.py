"""The interactive pages: the query editor (``/query``), the graph (``/graph``) and the comparison (``/compare``)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from kg.errors import KGError
from kg.serve.graph_links import GraphLinks
from kg.serve.protocol import (
    FORM,
    RequestRefused,
    answer,
    body_parameters,
    bucketed_answer,
    media_type,
    narrowed_answer,
    off_loop,
    read_body,
    refusal,
)
from kg.serve.site import Site
from kg.serve.views import MAX_NESTING, TermView

#: The results table shows this many rows; the downloads carry them all (up to the server's row cap).
SHOWN_ROWS = 1000
#: A SELECT run without ``?limit=`` shows its first page of this many rows (as ``kg query``'s table): at a million
#: triples the engine is asked for a page (0.1-0.7 s) instead of a whole answer of 44,000 rows (18 s, past the
#: server's time limit). ``?limit=`` asks for more, up to SHOWN_ROWS; the downloads offer the whole answer too.
FIRST_PAGE = 100
EXAMPLE_QUERY = """SELECT ?province ?name (COUNT(?measure) AS ?measures)
WHERE {
  ?measure a zf:Measure ; zf:adoptedBy ?organ .
  ?organ zf:inProvince ?province .
  ?province zf:shortName ?name .
  FILTER(LANG(?name) = "zh")
}
GROUP BY ?province ?name
ORDER BY DESC(?measures)
"""


@dataclass
class ParamField:
    name: str
    help: str
    value: str


@dataclass
class QueryOutcome:
    form: str
    columns: list[str] = field(default_factory=list)
    rows: list[list[TermView | None]] = field(default_factory=list)
    boolean: bool | None = None
    total: int = 0
    truncated: bool = False
    limit: int = 0
    seconds: float = 0.0
    #: Per column, the one language tag every literal in it carries (shown once, in the header), else "".
    languages: list[str] = field(default_factory=list)
    # One page (?limit=, ?offset=): where it starts, whether rows follow, and links to its neighbours.
    paged: bool = False
    offset: int = 0
    more: bool = False
    previous_url: str | None = None
    next_url: str | None = None


async def _page_parameters(request: Request, site: Site) -> list[tuple[str, str]]:
    params = list(request.query_params.multi_items())
    if request.method == "POST":
        if media_type(request) != FORM:
            raise RequestRefused(415, f"send the form as {FORM}")
        body = await read_body(request, site.settings.max_body)
        params += await off_loop(body_parameters, FORM, body)  # parsing client text: off the event loop
    return params


def _first(params: list[tuple[str, str]], name: str) -> str | None:
    return next((v for k, v in params if k == name), None)


async def query_page(request: Request) -> Response:
    """The editor: pick a shipped query (``?name=``), edit it, run it (``?query=``), see the rows, download them."""
    site: Site = request.app.state.site
    try:
        params = await _page_parameters(request, site)
    except RequestRefused as exc:
        return refusal(exc.status, exc.message)
    from kg.query import shipped_queries, shipped_query

    catalogue = _shipped(shipped_queries)
    name = _first(params, "name") or ""
    text = _first(params, "query")
    selected = None
    error: str | None = None
    status = 200
    if name:
        try:
            selected = shipped_query(name)
        except KGError as exc:
            error, status = str(exc), 404
    if text is None:
        text = selected.text if selected is not None else EXAMPLE_QUERY
        run = False
    else:
        run = bool(text.strip())
    fields = []
    if selected is not None:
        fields = [ParamField(p, help, _first(params, f"param.{p}") or "") for p, help in selected.params.items()]
    chosen = next((q for q in catalogue if q["name"] == name), None)
    outcome: QueryOutcome | None = None
    bound = whole = text
    if run and error is None:
        try:
            rows, skip = _paging(params)
            bound = await off_loop(_bind, text, fields)
            whole = bound
            if rows is None and not skip and await off_loop(_pageable, bound):
                rows = FIRST_PAGE
            asked = bound
            if rows is not None or skip:
                from kg.sparql.paging import page

                # One row more than shown tells whether a next page exists; the downloads carry the page.
                asked = page(bound, None if rows is None else rows + 1, skip)
                bound = page(bound, rows, skip)
            started = time.perf_counter()
            result = None
            # A shipped query as shipped (a browser sends a text area's lines ended by CR LF): its page
            # is asked by buckets of its first sort key (kg.sparql.buckets).
            as_shipped = selected is not None and text.replace("\r\n", "\n") == selected.text
            if as_shipped and selected is not None and selected.narrowing is not None:
                # A parameter that selects a few values (evidence-of's entity): the query starts from them.
                given = await off_loop(_narrowing_value, selected.narrowing.param, fields)
                if given is not None:
                    values = await off_loop(_values, selected.text, fields)
                    limit = None if rows is None else rows + 1
                    result = await narrowed_answer(
                        site, selected.text, selected.narrowing, given, values, limit, skip, selected.page_by
                    )
            if (
                result is None
                and as_shipped
                and selected is not None
                and selected.page_by is not None
                and rows is not None
            ):
                values = await off_loop(_values, selected.text, fields)
                result = await bucketed_answer(site, selected.text, values, selected.page_by, rows + 1, skip)
            if result is None:
                result = await answer(site, asked)
            more = rows is not None and len(result.result.rows) > rows
            if more:
                del result.result.rows[rows:]
            outcome = await run_in_threadpool(_outcome, site, request, result)
            outcome.seconds = time.perf_counter() - started
            if rows is not None or skip:
                _link_pages(outcome, site, request, params, rows, skip, more)
        except RequestRefused as exc:
            error, status = exc.message, exc.status
        except KGError as exc:
            error, status = str(exc), 400
    # Rendering up to SHOWN_ROWS rows is real work: off the event loop, like the query.
    return await run_in_threadpool(
        site.render,
        request,
        "query.html",
        status_code=status,
        title="Query · 查询",
        queries=catalogue,
        selected=selected,
        chosen=chosen,
        prefixes=_prefixes(),
        name=name,
        text=text,
        bound=bound,
        fields=fields,
        outcome=outcome,
        error=error,
        whole=whole,
        shown_rows=SHOWN_ROWS,
        max_rows=site.settings.max_rows,
        timeout=site.settings.timeout,
    )


def _shipped(list_queries: Any) -> list[dict[str, Any]]:
    out = []
    for q in list_queries():
        try:
            text = q.text
        except OSError:
            continue
        out.append(
            {
                "name": q.name,
                "question": q.question,
                "question_zh": q.question_zh,
                "competency": q.competency,
                "check": q.name.startswith("check-"),
                # A list of pairs, not an object: the fields keep the order the query's header gives them.
                "params": list(q.params.items()),
                "description": description(text),
                "compare": _compare_link(q.name),
                "text": text,
            }
        )
    return out


def _pageable(text: str) -> bool:
    """Whether ``text`` is a SELECT that can be paged; a text the pager cannot read is run as sent, so that the
    query's check, not the pager, answers it (a refused SERVICE is a 403 whatever the text around it)."""
    from kg.sparql import lexer
    from kg.sparql.paging import page

    if lexer.query_form(text) != "SELECT":
        return False
    try:
        page(text, FIRST_PAGE)
    except KGError:
        return False
    return True


def _prefixes() -> dict[str, str]:
    from kg.namespaces import PREFIXES

    return dict(PREFIXES)


def description(text: str) -> str:
    """What a shipped query's comment header says beyond its question lines: the paragraphs after the first
    empty ``#`` line, up to the query itself."""
    lines = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    if "" not in lines:
        return ""
    body = "\n".join(lines[lines.index("") + 1 :])
    return "\n\n".join(" ".join(part.split()) for part in body.split("\n\n") if part.strip())


def _compare_link(name: str) -> str:
    from kg.serve.pages import MATRIX_QUERIES

    return MATRIX_QUERIES.get(name, "")


def _paging(params: list[tuple[str, str]]) -> tuple[int | None, int]:
    """``?limit=`` (at most SHOWN_ROWS) and ``?offset=``: one page of a SELECT's solutions."""
    from kg.errors import UsageError

    limit, offset = _first(params, "limit"), _first(params, "offset")
    for value in (limit, offset):
        if value not in (None, "") and not (value.isascii() and value.isdigit() and len(value) < 10):
            raise UsageError("limit and offset take whole numbers ≥ 0")
    rows = min(int(limit), SHOWN_ROWS) if limit else None
    return rows, int(offset) if offset else 0


def _link_pages(
    outcome: QueryOutcome,
    site: Site,
    request: Request,
    params: list[tuple[str, str]],
    rows: int | None,
    skip: int,
    more: bool,
) -> None:
    from urllib.parse import urlencode

    outcome.paged, outcome.offset, outcome.more = True, skip, more
    kept = [(k, v) for k, v in params if k not in ("limit", "offset")]
    size = rows if rows is not None else SHOWN_ROWS

    def url(offset: int) -> str:
        return site.linker(request).url("/query?" + urlencode([*kept, ("limit", str(size)), ("offset", str(offset))]))

    if skip > 0:
        outcome.previous_url = url(max(0, skip - size))
    if more:
        outcome.next_url = url(skip + size)


def _bind(text: str, fields: list[ParamField]) -> str:
    """The query with the filled-in parameters bound as RDF terms (a VALUES clause, never pasted text)."""
    from kg.sparql import lexer

    bindings = _values(text, fields)
    return lexer.inject_values(text, bindings) if bindings else text


def _values(text: str, fields: list[ParamField]) -> dict[str, str]:
    """The filled-in parameters the query uses, each an RDF term in SPARQL syntax."""
    filled = {f.name: f.value for f in fields if f.value.strip()}
    if not filled:
        return {}
    from kg.namespaces import PREFIXES
    from kg.query import term
    from kg.sparql import lexer
    from kg.sparql.terms import sparql_text

    used = lexer.variables(text)
    return {name: sparql_text(term(value, PREFIXES)) for name, value in filled.items() if name in used}


def _narrowing_value(param: str, fields: list[ParamField]) -> Any:
    """The filled-in value of ``param`` as an RDF term, or None."""
    from kg.namespaces import PREFIXES
    from kg.query import term

    filled = next((f.value for f in fields if f.name == param and f.value.strip()), None)
    return None if filled is None else term(filled, PREFIXES)


def _outcome(site: Site, request: Request, result: Any) -> QueryOutcome:
    presenter = site.presenter(request)
    answer_ = result.result
    outcome = QueryOutcome(form=answer_.form, truncated=result.truncated, limit=result.limit)
    if answer_.form == "ASK":
        outcome.boolean = bool(answer_.boolean)
        return outcome
    if answer_.is_graph:
        outcome.columns = ["subject", "predicate", "object"]
        triples = sorted(set(answer_.triples), key=str)
        outcome.total = len(triples)
        # Results show blank nodes by name: the table is the answer, not the graph around it.
        outcome.rows = [
            [presenter.term(t.subject, MAX_NESTING), presenter.term(t.predicate), presenter.term(t.object, MAX_NESTING)]
            for t in triples[:SHOWN_ROWS]
        ]
        return outcome
    outcome.columns = list(answer_.variables)
    outcome.total = len(answer_.rows)
    outcome.rows = [
        [presenter.term(value, MAX_NESTING) if value is not None else None for value in row]
        for row in answer_.rows[:SHOWN_ROWS]
    ]
    outcome.languages = [_shared_language([row[i] for row in outcome.rows]) for i in range(len(outcome.columns))]
    return outcome


def _shared_language(cells: list[TermView | None]) -> str:
    """The language tag of a column whose values are all literals with that one tag, else ""."""
    tags = {cell.lang if cell.kind == "literal" else None for cell in cells if cell is not None}
    if len(tags) != 1:
        return ""
    return next(iter(tags)) or ""


# --- the graph --------------------------------------------------------------------------


def _graph_key(request: Request) -> tuple[Any, ...]:
    q = request.query_params
    lang = q.get("lang", "zh")
    depth = q.get("depth", "1")
    max_nodes = q.get("max_nodes", "")
    return (
        tuple(v for v in q.getlist("province") if v),
        tuple(v for v in q.getlist("category") if v),
        tuple(v for v in q.getlist("class") if v),
        tuple(v for v in q.getlist("focus") if v),
        depth if depth.isdigit() and len(depth) < 3 else "1",
        lang if lang in ("zh", "en") else "zh",
        max_nodes if max_nodes.isdigit() and len(max_nodes) < 6 else "",
    )


def _graph_view(site: Site, key: tuple[Any, ...]) -> Any:
    """The selected subgraph (kg.viz), built once per distinct filter."""

    def build() -> Any:
        from kg.viz import DEFAULT_MAX_NODES, Filters, select

        provinces, categories, classes, focus, depth, lang, max_nodes = key
        filters = Filters(provinces, categories, classes, focus, int(depth) if focus else 1)
        view = select(site.graph_catalog, filters, int(max_nodes) if max_nodes else DEFAULT_MAX_NODES)
        view.lang = lang
        return view

    return site.memo(("graph", *key), build)


def graph_page(request: Request) -> Response:
    """The explorer around kg viz's page: one focus field above the interactive graph, which fills the window.

    The explorer in the frame has the province, language and reset controls; this page only chooses what it is
    given (``focus`` and ``depth``, plus ``province``/``category``/``class``/``lang`` from links), all in the URL.
    """
    site: Site = request.app.state.site
    key = _graph_key(request)
    error = None
    view = None
    try:
        view = _graph_view(site, key)
    except KGError as exc:
        error = str(exc)
    catalog = site.graph_catalog
    # One focus shows in the field by name; several (a compare cell's measures) ride along as hidden fields.
    focus_text = _focus_name(catalog, key[3][0]) if len(key[3]) == 1 else ""
    frame = site.linker(request).url("/graph/view") + ("?" + request.url.query if request.url.query else "")
    kept = [(name, request.query_params.getlist(name)) for name in ("province", "category", "class", "lang")]
    if len(key[3]) > 1:
        kept.append(("focus", list(key[3])))
    return site.render(
        request,
        "graph.html",
        status_code=400 if error else 200,
        title="Graph · 图谱",
        error=error,
        view=view,
        frame=frame,
        key=key,
        focus_text=focus_text,
        focus_names=site.memo("graph-focus-names", lambda: _focus_names(catalog)),
        kept=[(name, [v for v in values if v]) for name, values in kept],
    )


#: The kinds of node the focus field offers by name (measures and quotes are reached from them).
FOCUS_KINDS = ("province", "organ", "category", "mechanism", "document", "problem")


def _unique_names(catalog: Any) -> dict[str, str]:
    """Chinese name → IRI, for the names only one node has (a shared name would be ambiguous as a focus)."""
    seen: dict[str, list[str]] = {}
    for node in catalog.nodes.values():
        name = node.label.get("zh")
        if name:
            seen.setdefault(name, []).append(node.iri)
    return {name: iris[0] for name, iris in seen.items() if len(iris) == 1}


def _focus_names(catalog: Any) -> list[str]:
    unique = _unique_names(catalog)
    return sorted(name for name, node in unique.items() if catalog.nodes[node].kind in FOCUS_KINDS)


def _focus_name(catalog: Any, value: str) -> str:
    """A focus given as an IRI shows as its Chinese name in the field when that name is unique."""
    node = catalog.nodes.get(value)
    if node is not None and _unique_names(catalog).get(node.label.get("zh", "")) == value:
        return node.label["zh"]  # type: ignore[no-any-return]
    return value


def graph_view(request: Request) -> Response:
    """kg viz's self-contained page (its own Content-Security-Policy forbids every request)."""
    site: Site = request.app.state.site
    try:
        key = _graph_key(request)
        view = _graph_view(site, key)
        links = GraphLinks(site.presenter(request))
        page = site.memo(("graph-page", links.linker.root, *key), lambda: _served_html(view, links))
    except KGError as exc:
        return refusal(400, str(exc))
    # The page carries its own CSP in a meta element; the header only keeps it inside this site's frames.
    return HTMLResponse(page, headers={"Content-Security-Policy": "frame-ancestors 'self'"})


def _served_html(view: Any, links: GraphLinks) -> str:
    """kg viz's page in its served mode: it speaks of "this view", not "this file", posts its state to this
    site's /graph page, and links what it shows to this site's pages (entities, sources, compare, cite)."""
    return view.to_html(served=True, links=links)  # type: ignore[no-any-return]


# --- the comparison ---------------------------------------------------------------------

COMPARE_CHOICES = {
    "by": ("category", "mechanism"),
    "across": ("province", "organ-type"),
    "lang": ("zh", "en"),
    "rows": ("all", "nonzero"),
}
COMPARE_DOWNLOADS = {"csv": "text/csv", "json": "application/json", "md": "text/markdown"}


@dataclass
class CompareCell:
    count: int
    href: str | None
    shade: float
    selected: bool = False


@dataclass
class CompareRow:
    concept: TermView
    depth: int
    is_category: bool
    cells: list[CompareCell]
    total: int


@dataclass
class Explained:
    measure: TermView
    organs: list[TermView]
    via: list[TermView]
    quotes: list[Any]


def _choice(request: Request, name: str) -> str:
    value = request.query_params.get(name, COMPARE_CHOICES[name][0])
    return value if value in COMPARE_CHOICES[name] else COMPARE_CHOICES[name][0]


def compare_page(request: Request) -> Response:
    """kg compare's matrix: measures per mechanism (category) × province (organ type); a cell lists its quotes."""
    site: Site = request.app.state.site
    from kg import compare

    by, across, lang, rows = (_choice(request, n) for n in ("by", "across", "lang", "rows"))
    try:
        data = site.adoptions()
        matrix = compare.build_matrix(data, by=by, across=across, rows=rows)
    except KGError as exc:
        return refusal(500, f"the comparison cannot be built from this graph: {exc}")
    download = request.query_params.get("format")
    if download in COMPARE_DOWNLOADS:
        body = compare.render_matrix(matrix, download, lang, data)
        return Response(
            body,
            media_type=f"{COMPARE_DOWNLOADS[download]}; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="compare-{by}-{across}.{download}"'},
        )
    presenter = site.presenter(request, prefer=lang)
    linker = site.linker(request)
    base = {"by": by, "across": across, "lang": lang, "rows": rows}
    counts = matrix.counts()
    peak = max((n for row in counts for n in row), default=0) or 1
    row_key, column_key = request.query_params.get("row"), request.query_params.get("column")
    table = []
    for row, row_counts in zip(matrix.rows, counts, strict=True):
        cells = []
        for column, n in zip(matrix.columns, row_counts, strict=True):
            href = None
            if n:
                href = linker.url("/compare?" + _query({**base, "row": row.iri, "column": column.iri})) + "#cell"
            selected = row.iri == row_key and column.iri == column_key
            cells.append(CompareCell(n, href, round(n / peak, 2), selected))
        table.append(
            CompareRow(_entity(presenter, row.iri), row.depth, row.is_category, cells, matrix.row_total(row.iri))
        )
    explained = None
    cell_title = None
    cell_graph = None
    error = None
    if row_key and column_key:
        try:
            explanation = compare.explain(data, column_key, row_key, by=None if by == "category" else by, across=across)
            cell_title = (_entity(presenter, explanation.column.iri), _entity(presenter, explanation.row.iri))
            explained = [_explained(site, presenter, e) for e in explanation.measures]
            focus = [("focus", e.measure.iri) for e in explanation.measures if e.measure.iri]
            if focus:
                cell_graph = linker.url("/graph?" + urlencode([*focus, ("depth", "1"), ("lang", lang)]))
        except KGError as exc:
            error = str(exc)
    spreads = [
        (_entity(presenter, s.row.iri), [_entity(presenter, c.iri) for c in s.columns], s.measures, s.status)
        for s in compare.overlap(matrix)
        if s.status != "none"
    ]
    return site.render(
        request,
        "compare.html",
        status_code=400 if error else 200,
        title="Compare · 比较",
        choices=COMPARE_CHOICES,
        chosen=base,
        columns=[_named(presenter, c, lang) for c in matrix.columns],
        column_totals=[matrix.column_total(c.iri) for c in matrix.columns],
        grand_total=matrix.grand_total(),
        table=table,
        note=compare.note_of(matrix, lang),
        unplaced=[(_entity(presenter, u.measure), u.reason) for u in matrix.unplaced],
        explained=explained,
        cell_title=cell_title,
        cell_graph=cell_graph,
        highlight=(row_key if not column_key else None, column_key if not row_key else None),
        error=error,
        spreads=spreads,
        downloads=[(fmt, linker.url("/compare?" + _query({**base, "format": fmt}))) for fmt in COMPARE_DOWNLOADS],
    )


def _query(params: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(params)


def _entity(presenter: Any, value: str) -> TermView:
    import pyoxigraph as ox

    return presenter.term(ox.NamedNode(value))  # type: ignore[no-any-return]


def _named(presenter: Any, entity: Any, lang: str) -> TermView:
    """A column as kg compare names it (the short name of a province), linked to its page."""
    view = _entity(presenter, entity.iri)
    other = "zh" if lang == "en" else "en"
    view.text = entity.label(lang) or view.text
    view.alt = entity.label(other) or None
    return view


def _explained(site: Site, presenter: Any, item: Any) -> Explained:
    import pyoxigraph as ox

    measure = ox.NamedNode(item.measure.iri)
    return Explained(
        measure=presenter.term(measure),
        organs=[_entity(presenter, o.iri) for o in item.organs],
        via=[_entity(presenter, c.iri) for c in item.via],
        quotes=[presenter.quote(q) for q in site.reader.quotes_of(measure)],
    )
