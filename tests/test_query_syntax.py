"""Reading query text: error positions, parameter values, and VALUES clauses placed safely."""

from __future__ import annotations

import itertools

import pyoxigraph as ox
import pytest
from rdflib.plugins.sparql.parser import parseQuery

from kg.errors import QueryError, UsageError
from kg.namespaces import PREFIXES
from kg.sparql import lexer
from kg.sparql.check import QuerySyntaxError, UpdateRefused, check_query, engine_syntax_error
from kg.sparql.lexer import declared_prefixes, has_top_level_order_by, inject_values, keywords, query_form, tokens
from kg.sparql.terms import param_term, parse_param, sparql_text, turtle_text
from kg.sparql.width import display_width

XSD = "http://www.w3.org/2001/XMLSchema#"


def syntax_error(text: str) -> QuerySyntaxError:
    """The error the check gives, or else the one the engine (Oxigraph) gives, worded by engine_syntax_error."""
    try:
        check_query(text, PREFIXES)
    except QuerySyntaxError as exc:
        return exc
    with pytest.raises(SyntaxError) as caught:
        ox.Store().query(text, prefixes=dict(PREFIXES))
    error = engine_syntax_error(text, caught.value)
    assert isinstance(error, QuerySyntaxError)
    return error


def caret_column(message: str) -> tuple[str, int]:
    """The marked source line and the display column of the caret under it."""
    lines = message.splitlines()
    source, marker = lines[-2], lines[-1]
    gutter = source.index("| ") + 2
    return source[gutter:], display_width(marker[gutter : marker.index("^")])


# ---------------------------------------------------------------------------
# Malformed queries: line, column, the line itself, a caret
# ---------------------------------------------------------------------------


def test_a_missing_dot_points_at_the_next_line() -> None:
    error = syntax_error("SELECT ?s WHERE {\n  ?s a zf:Measure\n  ?s zf:adoptedBy ?o .\n}")
    assert (error.line, error.column) == (3, 3)
    assert "line 3, column 3" in str(error) and "'.' missing" in str(error)
    assert caret_column(str(error)) == ("  ?s zf:adoptedBy ?o .", 2)


def test_the_caret_counts_chinese_characters_as_two_columns() -> None:
    error = syntax_error('SELECT * WHERE { ?s rdfs:label "湖南" ; zf:x ?o ?z }')
    source, column = caret_column(str(error))
    assert column == display_width(source[: error.column - 1])
    assert source[error.column - 1 :].startswith("?z")


def test_an_unclosed_brace_is_named() -> None:
    error = syntax_error("SELECT ?s WHERE {\n  ?s a zf:Measure .\n")
    assert (error.line, error.column) == (1, 17) and "'{' is never closed" in str(error)


def test_an_unterminated_string_is_named() -> None:
    error = syntax_error('SELECT ?s WHERE {\n  ?s rdfs:label "湖南 .\n}')
    assert (error.line, error.column) == (2, 17) and "string" in str(error)


def test_a_misspelt_keyword() -> None:
    error = syntax_error("PREFIX x: <urn:x:>\nSELEC * WHERE { ?s ?p ?o }")
    assert (error.line, error.column) == (2, 1) and "'SELEC'" in str(error)


def test_an_unknown_prefix_is_named_with_its_place() -> None:
    error = syntax_error("SELECT * WHERE {\n  ?s zz:p ?o }")
    assert (error.line, error.column) == (2, 6) and "unknown prefix 'zz:'" in str(error)


def test_an_empty_query() -> None:
    with pytest.raises(QueryError, match="empty"):
        check_query("  \n# only a comment\n", PREFIXES)
    with pytest.raises(QuerySyntaxError, match="the end of the query"):
        check_query("PREFIX a: <urn:a:>\n", PREFIXES)


def test_update_keywords_are_recognised_after_a_prologue() -> None:
    with pytest.raises(UpdateRefused, match=r"\(CLEAR\)"):
        check_query("PREFIX a: <urn:a:>\nBASE <urn:b>\n  clear default", PREFIXES)


def test_the_checked_query_says_what_it_is() -> None:
    checked = check_query("SELECT * FROM <urn:g> WHERE { ?s ?p ?o }", PREFIXES)
    assert (checked.form, checked.from_graphs) == ("SELECT", ["urn:g"])
    checked = check_query("SELECT * { SERVICE <urn:s> { ?s ?p ?o } }", PREFIXES, allow_service=True)
    assert checked.services == ["<urn:s>"]
    assert check_query("CONSTRUCT WHERE { ?s ?p ?o }", PREFIXES).form == "CONSTRUCT"
    assert check_query("DESCRIBE zfr:x", PREFIXES).form == "DESCRIBE"


# ---------------------------------------------------------------------------
# Lexical facts about a query
# ---------------------------------------------------------------------------


def test_strings_comments_and_iris_hide_nothing() -> None:
    text = 'PREFIX a: <urn:a#x>\n# SERVICE { ORDER BY\nSELECT ?x WHERE { ?x a:p "SERVICE { } # " . }'
    assert "SERVICE" not in keywords(text)
    assert declared_prefixes(text) == {"a": "urn:a#x"}
    assert query_form(text) == "SELECT"
    assert not has_top_level_order_by(text)
    assert has_top_level_order_by("SELECT * { { SELECT ?x { ?x ?p ?o } ORDER BY ?x } } order by ?x")
    assert not has_top_level_order_by("SELECT * { { SELECT ?x { ?x ?p ?o } ORDER BY ?x } }")


def kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in tokens(text)]


def test_names_with_chinese_letters_are_one_token() -> None:
    # Worked out from the grammar (section 19.8): CJK ideographs are PN_CHARS_BASE, U+00B7 and U+0300–U+036F
    # may follow the first character, U+00D7 (×) and U+3000 (ideographic space) start no terminal.
    text = 'SELECT ?变量 WHERE { zf:湖南·省 rdfs:label "湖南"@zh . _:b甲 ?é\u0301 zf:a.中 } # 注释'
    assert kinds(text) == [
        ("word", "SELECT"),
        ("var", "?变量"),
        ("word", "WHERE"),
        ("punct", "{"),
        ("pname", "zf:湖南·省"),
        ("pname", "rdfs:label"),
        ("string", '"湖南"'),
        ("langtag", "@zh"),
        ("punct", "."),
        ("bnode", "_:b甲"),
        ("var", "?é\u0301"),
        ("pname", "zf:a.中"),
        ("punct", "}"),
    ]
    assert kinds("?a×b\u3000zf:x") == [
        ("var", "?a"),
        ("error", "×"),
        ("word", "b"),
        ("error", "\u3000"),
        ("pname", "zf:x"),
    ]
    # An escape is decoded before the text is split: \u4e2d is 中, part of the name.
    assert [(t.kind, t.start, t.end) for t in tokens("?a\\u4e2d .")] == [("var", 0, 8), ("punct", 9, 10)]


def test_the_ascii_scanner_splits_as_the_full_one_wherever_it_is_used() -> None:
    """scan() uses the full scanner only when the ASCII one leaves a non-ASCII character unmatched; wherever it
    does not, both give the same tokens: on every shipped query and on texts made to trip it up."""
    from kg.project import queries_dir

    texts = [p.read_text(encoding="utf-8") for p in sorted(queries_dir().glob("*.rq"))]
    assert len(texts) > 10
    pieces = ["?", "$", "_:", ":", "a", "9", ".", "-", "\\'", "\\#", "%4e", "'", '"', "#", "<", ">", "中", "·", "×"]
    texts += ["".join(combo) for combo in itertools.product(pieces, repeat=3)]
    used_ascii = 0
    for text in texts:
        ascii_split = lexer._split(lexer._ASCII_TOKEN_RE, text)
        if any(kind == "error" and not m.group().isascii() for kind, m in ascii_split):
            continue
        used_ascii += 1
        full_split = lexer._split(lexer._token_re(), text)
        assert [(k, m.span()) for k, m in ascii_split] == [(k, m.span()) for k, m in full_split], text
    assert used_ascii > 1000


# ---------------------------------------------------------------------------
# VALUES clauses: always inside the outermost WHERE group, always parseable
# ---------------------------------------------------------------------------

TRICKY = [
    'SELECT ?s WHERE { ?s ?p "a { b } # c" }',
    "SELECT ?s (EXISTS { ?s ?q ?r } AS ?e) WHERE { ?s ?p ?o }",
    "PREFIX a: <urn:x#y> SELECT * { ?s ?p ?o FILTER(?o<5&&?o>1) }",
    "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }",
    "CONSTRUCT WHERE { ?s ?p ?o }",
    "SELECT * { SELECT ?s ?p ?o { ?s ?p ?o } LIMIT 5 }",
    "ASK { ?s ?p ?o }",
    "DESCRIBE ?s WHERE { ?s ?p ?o }",
    "SELECT ?s WHERE {\n  ?s ?p ?o # a comment with }\n}",
]


@pytest.mark.parametrize("text", TRICKY)
def test_values_land_in_the_where_clause(text: str) -> None:
    bound = inject_values(text, {"s": "<urn:s1>"})
    parseQuery(bound)  # still a query
    store = ox.Store()
    for s in ("urn:s1", "urn:s2"):
        store.add(
            ox.Quad(ox.NamedNode(s), ox.NamedNode("urn:p"), ox.Literal("3", datatype=ox.NamedNode(XSD + "integer")))
        )
    answer = store.query(bound)
    if isinstance(answer, ox.QueryBoolean):
        assert bool(answer)
    elif isinstance(answer, ox.QuerySolutions):
        subjects = {solution["s"] for solution in answer}
        assert subjects <= {ox.NamedNode("urn:s1")}
    else:
        assert {t.subject for t in answer} == {ox.NamedNode("urn:s1")}


def test_values_need_a_where_clause_and_a_real_name() -> None:
    with pytest.raises(QueryError, match="no WHERE clause"):
        inject_values("DESCRIBE <urn:x>", {"s": "<urn:s>"})
    with pytest.raises(QueryError, match="not a variable name"):
        inject_values("SELECT * { ?s ?p ?o }", {"s } DROP ALL #": "<urn:s>"})


# ---------------------------------------------------------------------------
# Parameter values
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("湖南", ox.Literal("湖南")),
        ("Hunan Province", ox.Literal("Hunan Province")),
        ('"湖南"@zh', ox.Literal("湖南", language="zh")),
        ("'湖南'@zh", ox.Literal("湖南", language="zh")),
        ("zfr:province-hunan", ox.NamedNode("https://w3id.org/zhengfa-kg/id/province-hunan")),
        ("<https://example.org/a>", ox.NamedNode("https://example.org/a")),
        ("12", ox.Literal("12", datatype=ox.NamedNode(XSD + "integer"))),
        ("84.73", ox.Literal("84.73", datatype=ox.NamedNode(XSD + "decimal"))),
        ("true", ox.Literal("true", datatype=ox.NamedNode(XSD + "boolean"))),
        ('"2020-08-26"^^xsd:date', ox.Literal("2020-08-26", datatype=ox.NamedNode(XSD + "date"))),
        ("http://example.org/a", ox.Literal("http://example.org/a")),  # unknown prefix "http": a string
        ("foo:bar", ox.Literal("foo:bar")),
        ('"a \\"quoted\\" word"', ox.Literal('a "quoted" word')),
        ("", ox.Literal("")),
        ("_:b0", ox.Literal("_:b0")),  # not a term a parameter can bind: the plain string
    ],
)
def test_a_parameter_value_reads_like_turtle(text: str, expected: ox.Literal | ox.NamedNode) -> None:
    assert param_term(text, PREFIXES) == expected


@pytest.mark.parametrize(
    "text",
    ['"a" . <urn:x> <urn:y> "b"', '"a" ; <urn:p> "b"', "<not an iri>", '"unterminated', '"x"^^<urn:a b>'],
)
def test_a_parameter_value_that_is_not_one_term_is_refused(text: str) -> None:
    with pytest.raises(UsageError):
        param_term(text, PREFIXES)


def test_a_parameter_needs_a_name_and_an_equals_sign() -> None:
    assert parse_param("?province=湖南", PREFIXES) == ("province", ox.Literal("湖南"))
    assert parse_param("text=a=b", PREFIXES) == ("text", ox.Literal("a=b"))
    for bad in ("province", "=湖南", "pro vince=x", "1x=y"):
        with pytest.raises(UsageError, match="NAME=VALUE"):
            parse_param(bad, PREFIXES)


def test_terms_are_written_escaped_for_values_clauses() -> None:
    nasty = ox.Literal('x" } ; DROP ALL ; #\n')
    text = sparql_text(nasty)
    bound = inject_values("SELECT ?s WHERE { ?s ?p ?v }", {"v": text})
    parseQuery(bound)
    assert "DROP" not in {word.upper() for word in keywords(bound)}


def test_numbers_are_compared_by_value() -> None:
    decimal = ox.NamedNode(XSD + "decimal")
    assert turtle_text(ox.Literal("0.7610", datatype=decimal), PREFIXES) == "0.761"
    assert turtle_text(ox.Literal("12.0", datatype=decimal), PREFIXES) == "12"
    assert turtle_text(ox.Literal("1E3", datatype=ox.NamedNode(XSD + "double")), PREFIXES) == "1000"
    assert turtle_text(ox.Literal("湖南", language="zh"), PREFIXES) == '"湖南"@zh'
    assert (
        turtle_text(ox.Literal("2020-08-26", datatype=ox.NamedNode(XSD + "date")), PREFIXES) == '"2020-08-26"^^xsd:date'
    )


def test_the_predeclared_prefixes_are_the_projects() -> None:
    # kg.sparql.prefixes keeps kg query free of rdflib; it must stay the same table as kg.namespaces.
    from kg.sparql.prefixes import PREFIXES as predeclared

    assert predeclared == PREFIXES, "update kg/sparql/prefixes.py to match kg/namespaces.py"


LONG_QUERY = "SELECT * WHERE { " + " ".join(f"?s{i} zf:p ?o{i} ." for i in range(150)) + " }"
DEEP_QUERY = "SELECT * WHERE " + "{ " * 80 + "?s ?p ?o" + " }" * 80


@pytest.mark.parametrize("text", [LONG_QUERY, DEEP_QUERY], ids=["150 patterns", "80 nested groups"])
def test_long_or_deep_valid_queries_are_checked_without_a_crash(text: str) -> None:
    """The check reads tokens in one pass: no recursion, whatever the length or depth."""
    assert check_query(text, PREFIXES).form == "SELECT"
    store = ox.Store()
    assert list(store.query(text, prefixes=dict(PREFIXES))) == []


def test_a_long_query_still_refuses_service() -> None:
    text = LONG_QUERY.replace(" }", " SERVICE <http://example.org/sparql> { ?a ?b ?c } }")
    with pytest.raises(QueryError, match="SERVICE"):
        check_query(text, PREFIXES)
    assert check_query(text, PREFIXES, allow_service=True).services == ["<http://example.org/sparql>"]
