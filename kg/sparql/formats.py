"""Writing query results: the SPARQL 1.1 result formats, readable tables, and RDF for graph results.

- ``json``, ``csv``, ``tsv``: the W3C SPARQL 1.1 Query Results formats (full IRIs);
- ``table``: a terminal table, East Asian wide characters counted as two columns;
- ``md``: a Markdown table (compact IRIs) to paste into a report;
- ``turtle``, ``nt``, ``jsonld``: the triples of a CONSTRUCT or DESCRIBE.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from kg.errors import UsageError
from kg.sparql.terms import XSD_STRING, Term, compact_iri, display_text, is_numeric
from kg.sparql.width import display_width, pad, truncate

if TYPE_CHECKING:  # results.py imports this module to write itself: no import back at run time
    from kg.sparql.results import QueryResult

SOLUTION_FORMATS = ("table", "csv", "tsv", "json", "md")
GRAPH_FORMATS = ("turtle", "nt", "jsonld")
ALIASES = {
    "ttl": "turtle",
    "ntriples": "nt",
    "n-triples": "nt",
    "json-ld": "jsonld",
    "markdown": "md",
    "text": "table",
}
ALL_FORMATS = SOLUTION_FORMATS + GRAPH_FORMATS


def normalise_format(fmt: str, result: QueryResult) -> str:
    """The format to write ``result`` in; table/json for triples mean Turtle/JSON-LD."""
    name = ALIASES.get(fmt.lower(), fmt.lower())
    if name not in ALL_FORMATS:
        raise UsageError(f"unknown format {fmt!r}: choose one of {', '.join(ALL_FORMATS)}")
    if result.is_graph:
        name = {"table": "turtle", "json": "jsonld"}.get(name, name)
        if name not in GRAPH_FORMATS:
            raise UsageError(f"a {result.form} query gives triples: choose --format turtle, nt or jsonld")
    elif name in GRAPH_FORMATS:
        raise UsageError(f"a {result.form} query gives solutions: choose --format {', '.join(SOLUTION_FORMATS)}")
    return name


def render(result: QueryResult, fmt: str = "table", max_width: int | None = None) -> str:
    """``result`` written in ``fmt``."""
    name = normalise_format(fmt, result)
    if result.form == "ASK":
        return _render_ask(result, name)
    writers = {
        "table": lambda r: to_table(r, max_width),
        "csv": to_csv,
        "tsv": to_tsv,
        "json": to_json,
        "md": to_markdown,
        "turtle": to_turtle,
        "nt": to_ntriples,
        "jsonld": to_jsonld,
    }
    return writers[name](result)


def _render_ask(result: QueryResult, fmt: str) -> str:
    if fmt == "json":
        return json.dumps({"head": {}, "boolean": bool(result.boolean)}) + "\n"
    if fmt == "table":
        return ("yes" if result.boolean else "no") + "\n"
    return ("true" if result.boolean else "false") + "\n"


# ---------------------------------------------------------------------------
# SPARQL 1.1 result formats
# ---------------------------------------------------------------------------


def json_term(term: Term) -> dict[str, Any]:
    """One RDF term in the SPARQL 1.1 JSON results format."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Triple):
        return {
            "type": "triple",
            "value": {k: json_term(v) for k, v in zip(("subject", "predicate", "object"), term, strict=True)},  # type: ignore[arg-type]
        }
    out: dict[str, Any] = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD_STRING:
        out["datatype"] = term.datatype.value
    return out


def to_json(result: QueryResult) -> str:
    bindings = [
        {name: json_term(t) for name, t in zip(result.variables, row, strict=True) if t is not None}
        for row in result.rows
    ]
    document = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(document, ensure_ascii=False, indent=1) + "\n"


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    if isinstance(term, ox.Triple):
        return str(term)
    return term.value


def to_csv(result: QueryResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # the SPARQL CSV format uses CRLF
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow([_csv_value(t) for t in row])
    return buffer.getvalue()


def to_tsv(result: QueryResult) -> str:
    lines = ["\t".join("?" + v for v in result.variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------
# Readable forms
# ---------------------------------------------------------------------------


def _cell(term: Term | None, prefixes: Mapping[str, str]) -> str:
    return display_text(term, prefixes).replace("\r\n", "\n").replace("\n", " ⏎ ").replace("\t", " ")


def to_table(result: QueryResult, max_width: int | None = None) -> str:
    """A plain-text table; columns shrink (cells end in …) to fit ``max_width`` columns when given.

    The last line counts the rows and, for a page, says how to ask for the next.
    """
    headers = result.variables
    shown = result.rows
    cells = [[_cell(t, result.prefixes) for t in row] for row in shown]
    numeric = [bool(shown) and all(t is None or is_numeric(t) for t in col) for col in zip(*shown, strict=True)]
    if not shown:
        numeric = [False] * len(headers)
    widths = [max([display_width(h)] + [display_width(row[i]) for row in cells]) for i, h in enumerate(headers)]
    if max_width:
        widths = _fit(widths, [display_width(h) for h in headers], max_width)
    sep = "  "

    def line(values: list[str], aligns: list[bool]) -> str:
        parts = [
            pad(truncate(v, w), w, "right" if right else "left")
            for v, w, right in zip(values, widths, aligns, strict=True)
        ]
        return sep.join(parts).rstrip()

    out = [line(headers, [False] * len(headers)), sep.join("─" * w for w in widths)]
    out += [line(row, numeric) for row in cells]
    out.append(table_footer(len(result.rows), result.offset, result.more))
    return "\n".join(out) + "\n"


def table_footer(count: int, offset: int = 0, more: bool = False) -> str:
    """The table's last line: how many rows, and how to see the others when more follow."""

    def rows(n: int) -> str:
        return f"{n} row{'s' if n != 1 else ''}"

    if offset == 0 and not more:
        return f"({rows(count)})"
    if offset == 0:
        # The first page (a table's first rows when no page was asked for): other formats carry every row.
        return f"(the first {rows(count)}; more follow: use --offset {count}, or --format csv for every row)"
    place = f"{rows(count)} from row {offset + 1}" if count else f"no rows from row {offset + 1}"
    return f"({place}; more follow: use --offset {offset + count})" if more else f"({place}; no more)"


def _fit(widths: list[int], minimums: list[int], total: int) -> list[int]:
    """Shrink the widest columns until the row fits in ``total`` columns (never below a small floor)."""
    widths = list(widths)
    floor = [min(w, max(m, 6)) for w, m in zip(widths, minimums, strict=True)]
    budget = total - 2 * (len(widths) - 1)
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i] - floor[i])
        if widths[widest] <= floor[widest]:
            break
        widths[widest] -= 1
    return widths


def to_markdown(result: QueryResult) -> str:
    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("|", "\\|").replace(" ⏎ ", "<br>")

    lines = ["| " + " | ".join(result.variables) + " |", "|" + "|".join("---" for _ in result.variables) + "|"]
    lines += ["| " + " | ".join(esc(_cell(t, result.prefixes)) for t in row) + " |" for row in result.rows]
    return "\n".join(lines) + "\n"


def to_html(result: QueryResult) -> str:
    """A small HTML table for Jupyter (values escaped)."""
    import html

    if result.form == "ASK":
        return f"<p>{'yes' if result.boolean else 'no'}</p>"
    if result.is_graph:
        return "<pre>" + html.escape(to_turtle(result)) + "</pre>"
    head = "".join(f"<th>{html.escape(v)}</th>" for v in result.variables)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(display_text(t, result.prefixes))}</td>" for t in row) + "</tr>"
        for row in result.rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table><p>{len(result.rows)} rows</p>"


# ---------------------------------------------------------------------------
# Triples
# ---------------------------------------------------------------------------


def _sorted_triples(result: QueryResult) -> list[ox.Triple]:
    return sorted(set(result.triples), key=str)


def _used_prefixes(result: QueryResult) -> dict[str, str]:
    iris = set()
    for triple in result.triples:
        for term in triple:
            if isinstance(term, ox.NamedNode):
                iris.add(term.value)
            elif isinstance(term, ox.Literal) and not term.language:
                iris.add(term.datatype.value)
    used = {compact_iri(iri, result.prefixes).split(":", 1)[0] for iri in iris}
    return {p: ns for p, ns in result.prefixes.items() if p in used}


def to_turtle(result: QueryResult) -> str:
    data = ox.serialize(_sorted_triples(result), format=ox.RdfFormat.TURTLE, prefixes=_used_prefixes(result))
    return (data or b"").decode("utf-8")


def to_ntriples(result: QueryResult) -> str:
    return "".join(f"{t} .\n" for t in _sorted_triples(result))


def to_jsonld(result: QueryResult) -> str:
    """Compact JSON-LD with the used prefixes as its context."""
    context = dict(sorted(_used_prefixes(result).items()))
    graph = result.to_rdflib()
    data = json.loads(graph.serialize(format="json-ld", context=context, auto_compact=True))
    if isinstance(data, dict) and isinstance(data.get("@graph"), list):
        data["@graph"].sort(key=lambda node: str(node.get("@id", "")))
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
