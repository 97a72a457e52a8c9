"""kg serve over HTTP: the SPARQL 1.1 Protocol, content negotiation, linked-data pages, the explorer pages,
and bad input (updates, malformed queries, oversized bodies, unknown formats, path traversal, markup in labels).

Every test talks to a real ``kg serve`` process on a loopback port.
"""

from __future__ import annotations

import csv
import http.client
import io
import re
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path

import httpx
import pyoxigraph as ox
import pytest
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic

from kg.build import BuildResult, build
from kg.query import connect
from kg.serve.background import serving
from kg.sparql.terms import turtle_text

pytestmark = pytest.mark.slow

ZF = "https://w3id.org/zhengfa-kg/def/"
ZFR = "https://w3id.org/zhengfa-kg/id/"
SRX = "{http://www.w3.org/2005/sparql-results#}"
PROVINCES = "SELECT ?p ?name WHERE { ?p a zf:Province ; zf:shortName ?name } ORDER BY ?p ?name"
HUNAN_CONSTRUCT = "CONSTRUCT { zfr:province-hunan ?p ?o } WHERE { zfr:province-hunan ?p ?o }"
#: Enough work to outlast any time limit: a three-way cross product of the whole graph.
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

MARKUP_TTL = """\
@prefix zf:   <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:  <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .

zfr:test-markup-organ a zf:PeoplesCourt ;
    rdfs:label "<script>window.__xss = 1</script>标记法院"@zh ,
        "<img src=x onerror=\\"window.__xss = 2\\">markup court"@en ;
    zf:inProvince zfr:province-hunan .

zfr:test-markup-measure a zf:Measure ;
    rdfs:label "<b onmouseover=\\"window.__xss = 3\\">标记举措</b>"@zh ,
        "measure \\"quoted\\" & 'apostrophes' </td></tr></table><iframe src=javascript:window.__xss=8>"@en ;
    zf:adoptedBy zfr:test-markup-organ ;
    zf:implements zfr:mech-similar-case-search ;
    prov:wasDerivedFrom zfr:test-markup-ev .

zfr:test-markup-ev a zf:Evidence ;
    oa:hasSource zfr:doc-c6000f12c74fa8d8 ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "<script>window.__xss = 4</script>" ;
            oa:prefix "</mark><svg onload=\\"window.__xss = 5\\">" ;
            oa:suffix "]]>--><!--" ] ,
        [ a oa:TextPositionSelector ; oa:start 1 ; oa:end 2 ] .

<https://w3id.org/zhengfa-kg/id/test-quote'onmouseover='window.__xss=6> a zf:Problem ;
    rdfs:label "attribute breaker"@en .

zfr:test-js-link a zf:Problem ;
    rdfs:label "javascript link"@en ;
    rdfs:seeAlso <javascript:window.__xss=7> .

<https://example.org/kg/id/thing> a zf:Problem ;
    rdfs:label "a thing under another IRI base"@en , "另一个IRI基址下的事物"@zh .
"""
MARKUP_LABEL = "<script>window.__xss = 1</script>标记法院"


# ---------------------------------------------------------------------------
# Servers
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def server(store_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed graph behind a server with a short time limit (for the runaway query)."""
    log = tmp_path_factory.mktemp("serve-log") / "server.log"
    with serving(store_path, ["--timeout", "3"], log_path=log) as url:
        yield url


@pytest.fixture(scope="module")
def tight(store_path: Path) -> Iterator[str]:
    """A server with small limits: 50 rows, 4 KiB bodies, 200 MB per query, one query at a time, and no time
    limit (so the memory cap alone must stop a runaway query)."""
    options = ["--max-rows", "50", "--max-body", "4096", "--query-memory", "200", "--concurrent-queries", "1"]
    options += ["--timeout", "0"]
    with serving(store_path, options) as url:
        yield url


@pytest.fixture(scope="module")
def markup_build(tmp_path_factory: pytest.TempPathFactory) -> BuildResult:
    """The seed graph plus labels and quotes full of markup (not validated: the quote is made up)."""
    folder = tmp_path_factory.mktemp("markup")
    (folder / "markup.ttl").write_text(MARKUP_TTL, encoding="utf-8")
    return build(include=[folder / "markup.ttl"], out_dir=folder / "dist", validate=False)


@pytest.fixture(scope="module")
def markup(markup_build: BuildResult) -> Iterator[str]:
    with serving(markup_build.outputs["store"]) as url:
        yield url


@pytest.fixture(scope="module")
def client(server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server, timeout=30) as c:
        yield c


def local_rows(store: Path, query: str) -> Counter[tuple[str, ...]]:
    result = connect(store=store, timeout=None).query(query)
    return Counter(tuple(turtle_text(t, {}) for t in row) for row in result.rows)


def json_term(binding: dict[str, str]) -> ox.NamedNode | ox.BlankNode | ox.Literal:
    if binding["type"] == "uri":
        return ox.NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return ox.BlankNode(binding["value"])
    if "xml:lang" in binding:
        return ox.Literal(binding["value"], language=binding["xml:lang"])
    if "datatype" in binding:
        return ox.Literal(binding["value"], datatype=ox.NamedNode(binding["datatype"]))
    return ox.Literal(binding["value"])


def json_rows(document: dict) -> Counter[tuple[str, ...]]:  # type: ignore[type-arg]
    names = document["head"]["vars"]
    return Counter(
        tuple(turtle_text(json_term(b[n]), {}) if n in b else "" for n in names)
        for b in document["results"]["bindings"]
    )


def still_serving(url: str) -> None:
    """After bad input the server answers a good query as before."""
    response = httpx.get(url + "/sparql", params={"query": "ASK { ?p a zf:Province }"}, timeout=30)
    assert response.status_code == 200
    assert response.json()["boolean"] is True


# ---------------------------------------------------------------------------
# The SPARQL 1.1 Protocol
# ---------------------------------------------------------------------------


def test_select_by_get_post_form_and_direct_post_agree_with_the_local_answer(
    client: httpx.Client, store_path: Path
) -> None:
    expected = local_rows(store_path, PROVINCES)
    assert len(expected) == 10  # five provinces, a short name in Chinese and in English each
    accept = {"Accept": "application/sparql-results+json"}
    by_get = client.get("/sparql", params={"query": PROVINCES}, headers=accept)
    by_form = client.post("/sparql", data={"query": PROVINCES}, headers=accept)
    by_body = client.post(
        "/sparql", content=PROVINCES.encode(), headers={**accept, "Content-Type": "application/sparql-query"}
    )
    for response in (by_get, by_form, by_body):
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("application/sparql-results+json")
        assert json_rows(response.json()) == expected
    assert ('"湖南"@zh',) in {(row[1],) for row in expected}


def test_result_formats_by_accept_and_by_format_parameter(client: httpx.Client, store_path: Path) -> None:
    expected = local_rows(store_path, PROVINCES)
    names = sorted(row[1] for row in expected)

    csv_text = client.get("/sparql", params={"query": PROVINCES}, headers={"Accept": "text/csv"})
    assert csv_text.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(csv_text.text)))
    assert rows[0] == ["p", "name"]
    assert sorted(f'"{r[1]}"@{"zh" if re.search("[一-鿿]", r[1]) else "en"}' for r in rows[1:]) == names

    tsv = client.get("/sparql", params={"query": PROVINCES, "format": "tsv"}, headers={"Accept": "text/csv"})
    assert tsv.headers["content-type"].startswith("text/tab-separated-values")  # the parameter wins
    lines = tsv.text.strip().split("\n")
    assert lines[0] == "?p\t?name" and len(lines) == 11
    assert f'<{ZFR}province-hunan>\t"湖南"@zh' in lines

    xml = client.get("/sparql", params={"query": PROVINCES}, headers={"Accept": "application/sparql-results+xml"})
    root = ET.fromstring(xml.content)
    assert [v.get("name") for v in root.find(f"{SRX}head")] == ["p", "name"]  # type: ignore[union-attr]
    literals = root.findall(f".//{SRX}literal")
    assert sorted(f'"{lit.text}"@{lit.get("{http://www.w3.org/XML/1998/namespace}lang")}' for lit in literals) == names

    # SPARQLWrapper's spelling: output=json
    assert json_rows(client.get("/sparql", params={"query": PROVINCES, "output": "json"}).json()) == expected
    # No Accept at all: JSON.
    plain = httpx.get(f"{client.base_url}/sparql", params={"query": PROVINCES}, headers={"Accept": ""})
    assert plain.headers["content-type"].startswith("application/sparql-results+json")


def test_ask_in_json_and_xml(client: httpx.Client) -> None:
    yes = client.get("/sparql", params={"query": "ASK { zfr:province-hunan a zf:Province }"})
    assert yes.json() == {"head": {}, "boolean": True}
    no = client.get(
        "/sparql",
        params={"query": "ASK { zfr:province-hunan a zf:Measure }"},
        headers={"Accept": "application/sparql-results+xml"},
    )
    assert ET.fromstring(no.content).find(f"{SRX}boolean").text == "false"  # type: ignore[union-attr]


def test_construct_in_turtle_ntriples_jsonld_and_rdfxml_is_the_same_graph(
    client: httpx.Client, store_path: Path
) -> None:
    local = connect(store=store_path, timeout=None).query(HUNAN_CONSTRUCT).to_rdflib()
    assert len(local) > 5
    for media, parse_as in (
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ):
        response = client.get("/sparql", params={"query": HUNAN_CONSTRUCT}, headers={"Accept": media})
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith(media)
        remote = Graph().parse(data=response.text, format=parse_as)
        assert isomorphic(remote, local), media
    by_name = client.get("/sparql", params={"query": HUNAN_CONSTRUCT, "format": "nt"})
    assert by_name.headers["content-type"].startswith("application/n-triples")


def test_describe_gives_the_entity_in_turtle(client: httpx.Client) -> None:
    response = client.get("/sparql", params={"query": "DESCRIBE zfr:province-hunan"}, headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.text, format="turtle")
    hunan = URIRef(ZFR + "province-hunan")
    assert (hunan, None, None) in graph
    assert {str(o) for o in graph.objects(hunan, URIRef(ZF + "shortName"))} == {"湖南", "Hunan"}


def test_cors_headers_let_browser_clients_elsewhere_query(client: httpx.Client) -> None:
    origin = {"Origin": "https://notebook.example.org"}
    response = client.get("/sparql", params={"query": "ASK {}"}, headers=origin)
    assert response.headers["access-control-allow-origin"] == "*"
    preflight = client.options(
        "/sparql",
        headers={**origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )
    assert preflight.status_code == 200
    assert "POST" in preflight.headers["access-control-allow-methods"]
    assert "content-type" in preflight.headers["access-control-allow-headers"].lower()


def test_service_description_for_clients_and_the_editor_for_browsers(client: httpx.Client) -> None:
    description = client.get("/sparql", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=description.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    assert (None, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    browser = client.get("/sparql", headers={"Accept": "text/html,*/*;q=0.8"})
    assert browser.status_code == 303 and browser.headers["location"].endswith("/query")
    # A query URL opened in a browser shows its answer in the editor; a client still gets the answer itself.
    opened = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "text/html,*/*;q=0.8"})
    assert opened.status_code == 303 and opened.headers["location"] == "/query?query=ASK+%7B%7D"
    assert client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "*/*"}).json()["boolean"] is True


# ---------------------------------------------------------------------------
# Refused: updates, malformed queries, SERVICE, unknown formats, bodies
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { zfr:x a zf:Measure }",
        "PREFIX ex: <http://example.org/> DELETE WHERE { ?s ?p ?o }",
        "DELETE { ?s ?p ?o } INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
        "LOAD <http://example.org/data.ttl>",
        "CLEAR ALL",
        "DROP GRAPH <http://example.org/g>",
        "CREATE GRAPH <http://example.org/g>",
        "WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
    ],
)
def test_updates_are_refused_however_they_are_sent(client: httpx.Client, server: str, update: str) -> None:
    attempts = [
        client.post("/sparql", data={"update": update}),
        client.post("/sparql", content=update.encode(), headers={"Content-Type": "application/sparql-update"}),
        client.get("/sparql", params={"query": update}),
        client.post("/sparql", data={"query": update}),
        client.get("/sparql", params={"update": update}),
    ]
    for response in attempts:
        assert response.status_code == 403, (update, response.status_code, response.text)
        assert "read-only" in response.text
    count = client.get("/sparql", params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"})
    assert int(count.json()["results"]["bindings"][0]["n"]["value"]) > 7000
    assert client.get("/sparql", params={"query": "ASK { zfr:x ?p ?o }"}).json()["boolean"] is False
    still_serving(server)


def test_a_malformed_query_gets_400_with_its_line_and_column(client: httpx.Client, server: str) -> None:
    response = client.get("/sparql", params={"query": "SELECT *\nWHERE { ?s ?p }"})
    assert response.status_code == 400
    assert "line 2, column 9" in response.text
    assert "WHERE { ?s ?p }" in response.text and "^" in response.text  # the line itself, with a caret
    unbalanced = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o "})
    assert unbalanced.status_code == 400 and "never closed" in unbalanced.text
    prefix = client.get("/sparql", params={"query": "SELECT * WHERE { ?s nope:x ?o }"})
    assert prefix.status_code == 400 and "nope" in prefix.text
    assert client.get("/sparql", params={"query": "   "}).status_code == 400
    two = client.get("/sparql", params=[("query", "ASK {}"), ("query", "ASK {}")])
    assert two.status_code == 400 and "exactly one" in two.text
    # Valid but deep enough that rdflib's parser gives up: Oxigraph's parser still places the error.
    long_bad = "SELECT * WHERE { " + " ".join(f"?s{i} rdfs:label ?o{i} ." for i in range(150)) + " ?x }"
    deep = client.get("/sparql", params={"query": long_bad})
    assert deep.status_code == 400 and re.search(r"line 1, column \d+", deep.text)
    still_serving(server)


def test_service_and_dataset_parameters_are_refused(client: httpx.Client) -> None:
    service = client.get(
        "/sparql", params={"query": "SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"}
    )
    assert service.status_code == 403 and "SERVICE" in service.text
    dataset = client.get("/sparql", params={"query": "ASK {}", "default-graph-uri": "http://example.org/g"})
    assert dataset.status_code == 400


def test_unknown_formats_and_body_types(client: httpx.Client, server: str) -> None:
    bad_format = client.get("/sparql", params={"query": "ASK {}", "format": "pdf"})
    assert bad_format.status_code == 406 and "csv" in bad_format.text
    bad_accept = client.get("/sparql", params={"query": "ASK {}"}, headers={"Accept": "image/png"})
    assert bad_accept.status_code == 406
    graph_as_csv = client.get("/sparql", params={"query": HUNAN_CONSTRUCT, "format": "csv"})
    assert graph_as_csv.status_code == 406 and "turtle" in graph_as_csv.text.lower()
    body = client.post("/sparql", content=b"ASK {}", headers={"Content-Type": "text/plain"})
    assert body.status_code == 415
    bad_utf8 = client.post("/sparql", content=b"ASK { \xff }", headers={"Content-Type": "application/sparql-query"})
    assert bad_utf8.status_code == 400 and "UTF-8" in bad_utf8.text
    entity = client.get("/id/province-hunan", params={"format": "docx"})
    assert entity.status_code == 406
    still_serving(server)


def test_oversized_bodies_are_refused_with_or_without_a_length(tight: str) -> None:
    query = "ASK { " + "?s ?p ?o . " * 1000 + "}"  # 11 kB, over the 4 KiB limit
    declared = httpx.post(
        tight + "/sparql", content=query.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert declared.status_code == 413 and "4096" in declared.text

    def chunks() -> Iterator[bytes]:
        for _ in range(100):
            yield b"x" * 1000

    chunked = httpx.post(tight + "/sparql", content=chunks(), headers={"Content-Type": "application/sparql-query"})
    assert chunked.status_code == 413
    as_form = httpx.post(tight + "/sparql", data={"query": query})
    assert as_form.status_code == 413
    in_url = httpx.get(tight + "/sparql", params={"query": query})
    assert in_url.status_code in (413, 414, 400)  # the query limit, or the HTTP parser's own
    still_serving(tight)


def test_results_are_capped_at_the_documented_size(tight: str) -> None:
    response = httpx.get(tight + "/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o }"}, timeout=30)
    assert response.status_code == 200
    assert len(response.json()["results"]["bindings"]) == 50
    assert response.headers["x-sparql-maxrows"] == "50"
    triples = httpx.get(
        tight + "/sparql",
        params={"query": "CONSTRUCT WHERE { ?s ?p ?o }"},
        headers={"Accept": "application/n-triples"},
        timeout=30,
    )
    assert len(triples.text.strip().splitlines()) == 50
    small = httpx.get(tight + "/sparql", params={"query": PROVINCES})
    assert "x-sparql-maxrows" not in small.headers


def test_a_runaway_query_is_stopped_at_the_time_limit(server: str) -> None:
    response = httpx.get(server + "/sparql", params={"query": RUNAWAY}, timeout=60)
    assert response.status_code == 503
    assert "stopped after 3 s" in response.text
    assert response.headers["retry-after"]
    still_serving(server)


def test_a_query_past_its_memory_budget_is_stopped(tight: str) -> None:
    hungry = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?i ?e"
    response = httpx.get(tight + "/sparql", params={"query": hungry}, timeout=120)
    assert response.status_code == 503
    assert "200 MB" in response.text
    still_serving(tight)


# ---------------------------------------------------------------------------
# Linked data
# ---------------------------------------------------------------------------


def test_an_entity_page_for_a_browser_shows_labels_properties_and_links(client: httpx.Client) -> None:
    page = client.get("/id/province-hunan", headers={"Accept": "text/html"})
    assert page.status_code == 200
    assert page.headers["vary"].startswith("Accept")
    text = page.text
    assert "湖南" in text and "Hunan" in text
    assert f'<link rel="canonical" href="{ZFR}province-hunan">' in text
    assert 'href="/id/organ-hunan-plac"' in text  # a linked entity, served here


def test_an_entity_for_a_program_in_turtle_jsonld_ntriples_and_rdfxml(client: httpx.Client) -> None:
    hunan = URIRef(ZFR + "province-hunan")
    province = URIRef(ZF + "Province")
    rdf_type = URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    for media, parse_as in (
        ("text/turtle", "turtle"),
        ("application/ld+json", "json-ld"),
        ("application/n-triples", "nt"),
        ("application/rdf+xml", "xml"),
    ):
        response = client.get("/id/province-hunan", headers={"Accept": media})
        assert response.headers["content-type"].startswith(media)
        graph = Graph().parse(data=response.text, format=parse_as)
        assert (hunan, rdf_type, province) in graph
        # The triples pointing at it come along: the organs in the province.
        assert (URIRef(ZFR + "organ-hunan-plac"), None, hunan) in graph
    by_parameter = client.get("/id/province-hunan", params={"format": "ttl"}, headers={"Accept": "text/html"})
    assert by_parameter.headers["content-type"].startswith("text/turtle")
    by_extension = client.get("/id/province-hunan.jsonld")
    assert by_extension.headers["content-type"].startswith("application/ld+json")
    link = client.get("/id/province-hunan").headers["link"]
    assert 'rel="alternate"; type="text/turtle"' in link


def test_a_measure_page_carries_its_quote_with_offsets_and_a_way_to_the_source(client: httpx.Client) -> None:
    page = client.get("/id/figure-jiangsu-closure-ratio-2020").text
    assert "全省法院结收案比仍然达到84.73%" in page
    assert "1668–1686" in page
    source = client.get("/source/doc-c6000f12c74fa8d8", params={"start": 1668, "end": 1686}).text
    assert '<mark id="quote">全省法院结收案比仍然达到84.73%</mark>' in source


def test_vocabulary_terms_and_the_ontology(client: httpx.Client) -> None:
    term = client.get("/def/Measure", headers={"Accept": "text/html"})
    assert term.status_code == 200 and "举措" in term.text and "instances" in term.text
    ontology = client.get("/def", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=ontology.text, format="turtle")
    owl_ontology = URIRef("http://www.w3.org/2002/07/owl#Ontology")
    assert (URIRef("https://w3id.org/zhengfa-kg/def"), None, owl_ontology) in graph
    assert (URIRef(ZF + "Measure"), None, None) in graph
    assert client.get("/def", headers={"Accept": "text/html"}).headers["location"].endswith("/ontology")
    reference = client.get("/ontology").text
    for expected in ("zf:Measure", "zf:adoptedBy", "zf:value", 'href="/id/cat-internal-case-supervision"'):
        assert expected in reference, expected


def test_unknown_entities_are_404_in_every_representation(client: httpx.Client) -> None:
    html_page = client.get("/id/no-such-thing", headers={"Accept": "text/html"})
    assert html_page.status_code == 404 and "Not found" in html_page.text
    assert client.get("/id/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/has space", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/resource", params={"iri": "not an iri"}).status_code == 400


def test_another_iri_base_for_a_deployment(markup_build: BuildResult) -> None:
    with serving(markup_build.outputs["store"], ["--base-iri", "https://example.org/kg/"]) as url:
        page = httpx.get(url + "/id/thing", headers={"Accept": "text/html"})
        assert page.status_code == 200 and "另一个IRI基址下的事物" in page.text
        turtle = httpx.get(url + "/id/thing", headers={"Accept": "text/turtle"})
        assert "https://example.org/kg/id/thing" in turtle.text
        # The project's own IRIs are now "elsewhere": served by /resource, not /id/.
        assert httpx.get(url + "/id/province-hunan").status_code == 404


def test_behind_a_proxy_under_a_sub_path(store_path: Path) -> None:
    with serving(store_path, ["--root-path", "/kg"]) as url:
        for path in ("/kg/id/province-hunan", "/id/province-hunan"):  # prefix kept, or stripped by the proxy
            page = httpx.get(url + path, headers={"Accept": "text/html"})
            assert page.status_code == 200, path
            assert 'href="/kg/id/organ-hunan-plac"' in page.text
            assert 'href="/kg/static/style.css"' in page.text
        assert httpx.get(url + "/kg/static/style.css").status_code == 200
        assert httpx.get(url + "/kg/sparql", params={"query": "ASK {}"}).json() == {"head": {}, "boolean": True}


def test_kg_serve_without_a_store_says_so(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from kg.cli import app

    result = CliRunner().invoke(app, ["serve", "--store", str(tmp_path / "missing"), "--port", "0"])
    assert result.exit_code == 2
    assert "no graph store" in result.output and "kg build" in result.output


# ---------------------------------------------------------------------------
# Explorer pages
# ---------------------------------------------------------------------------


def test_home_lists_what_the_graph_holds_and_search_finds_both_languages(client: httpx.Client) -> None:
    home = client.get("/").text
    # The home page leads with tasks; the class counts live on the ontology reference.
    assert 'id="task-compare"' in home and "zf:Evidence" not in home
    ontology = client.get("/ontology").text
    assert "zf:Measure" in ontology and "zf:Evidence" in ontology and 'id="counts"' in ontology
    for q in ("湖南", "hunan", "HUNAN"):
        found = client.get("/search", params={"q": q, "format": "json"}).json()["results"]
        assert f"{ZFR}province-hunan" in {hit["iri"] for hit in found}, q
    html_page = client.get("/search", params={"q": "类案检索"}).text
    assert 'href="/id/mech-similar-case-search"' in html_page


def test_query_page_runs_a_shipped_query_and_binds_a_parameter(client: httpx.Client, store_path: Path) -> None:
    page = client.get("/query", params={"name": "province-measures"})
    assert page.status_code == 200 and "?province" in page.text
    from kg.query import shipped_query

    text = shipped_query("province-measures").text
    ran = client.get("/query", params={"name": "province-measures", "query": text, "param.province": "湖南"})
    expected = len(connect(store=store_path, timeout=None).run("province-measures", province="湖南").rows)
    assert expected > 0
    rows = re.findall(r"<tr><td>", ran.text.split('id="results"', 1)[1])
    assert len(rows) == expected
    bad = client.get("/query", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert bad.status_code == 400 and "line 1, column 18" in bad.text


def test_compare_and_graph_pages(client: httpx.Client) -> None:
    matrix = client.get("/compare")
    assert matrix.status_code == 200 and 'id="matrix"' in matrix.text
    cell = re.search(r'<a href="(/compare\?[^"]+#cell)" class="cell-link"[^>]*>(\d+)</a>', matrix.text)
    assert cell is not None
    explained = client.get(cell.group(1).replace("&amp;", "&")).text
    assert explained.count('<figure class="quote') >= int(cell.group(2))
    graph = client.get("/graph")
    assert graph.status_code == 200 and 'src="/graph/view"' in graph.text
    view = client.get("/graph/view")
    assert view.status_code == 200 and "default-src 'none'" in view.text
    assert client.get("/graph/view", params={"province": "Atlantis"}).status_code == 400


# ---------------------------------------------------------------------------
# Static files: no way out of the folder
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../../pyproject.toml",
        "/static/..%2f..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml",
        "/static/%252e%252e/%252e%252e/pyproject.toml",
        "/static/..\\..\\..\\pyproject.toml",
        "/static/..%5c..%5c..%5cpyproject.toml",
        "/static//etc/passwd",
        "/static/%2fetc%2fpasswd",
        "/static/....//....//etc/passwd",
        "/static/style.css%00.txt",
        "/source/..%2f..%2fpyproject.toml",
        "/id/../../pyproject.toml",
    ],
)
def test_path_traversal_on_static_files_is_refused(server: str, path: str) -> None:
    host, port = server.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    connection.request("GET", path)  # sent exactly as written: no client-side normalisation
    response = connection.getresponse()
    body = response.read()
    connection.close()
    assert response.status in (400, 404), (path, response.status)
    assert b"[project]" not in body and b"root:" not in body
    still_serving(server)


def test_static_assets_are_served_from_the_package(client: httpx.Client) -> None:
    css = client.get("/static/style.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert client.get("/static/query.js").status_code == 200


# ---------------------------------------------------------------------------
# Markup in the data is text on every page
# ---------------------------------------------------------------------------


class ActiveContent(HTMLParser):
    """Collects whatever in a page could run: event-handler attributes, javascript: URLs, script bodies."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith("javascript:"):
                self.found.append(f"<{tag} {name}={value}>")
        if tag in ("svg", "iframe", "img", "b") and any("__xss" in (v or "") for _n, v in attrs):
            self.found.append(f"<{tag}> from the data")
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and "__xss" in data:
            self.found.append("a script from the data")


def active_content(page: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(page)
    return parser.found


def test_labels_and_quotes_with_markup_are_escaped_everywhere(markup: str) -> None:
    pages = {
        "organ": httpx.get(markup + "/id/test-markup-organ"),
        "measure": httpx.get(markup + "/id/test-markup-measure"),
        "evidence": httpx.get(markup + "/id/test-markup-ev"),
        "attribute breaker": httpx.get(
            markup + "/resource", params={"iri": ZFR + "test-quote'onmouseover='window.__xss=6"}, follow_redirects=True
        ),
        "javascript link": httpx.get(markup + "/id/test-js-link"),
        "province": httpx.get(markup + "/id/province-hunan"),
        "search": httpx.get(markup + "/search", params={"q": "标记"}),
        "query": httpx.get(
            markup + "/query", params={"query": "SELECT ?s ?l WHERE { ?s rdfs:label ?l FILTER(CONTAINS(?l, '__xss')) }"}
        ),
        "compare": httpx.get(
            markup + "/compare",
            params={"row": ZFR + "cat-internal-case-supervision", "column": ZFR + "province-hunan"},
        ),
        "home": httpx.get(markup + "/"),
        "not found": httpx.get(markup + "/id/<script>window.__xss=9</script>", headers={"Accept": "text/html"}),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 404), (name, response.status_code)
        assert active_content(response.text) == [], name
    organ = pages["organ"].text
    assert "&lt;script&gt;window.__xss = 1&lt;/script&gt;标记法院" in organ
    assert "&lt;img src=x onerror=&#34;window.__xss = 2&#34;&gt;markup court" in organ
    assert "&lt;script&gt;window.__xss = 4&lt;/script&gt;" in pages["measure"].text
    assert "标记举措" in pages["search"].text
    assert pages["query"].text.count("__xss") >= 4  # the labels are in the table, as text
    # JSON answers carry the text as it is; the CSV too.
    hits = httpx.get(markup + "/search", params={"q": "标记法院", "format": "json"}).json()["results"]
    assert hits[0]["labels"]["zh"] == MARKUP_LABEL
    still_serving(markup)


class Loads(HTMLParser):
    """Every URL a page would fetch by itself: src attributes, style sheets, icons, frames."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if values.get("src"):
            self.urls.append(values["src"] or "")
        if tag == "link" and values.get("rel") not in ("canonical", "alternate"):
            self.urls.append(values.get("href") or "")


def test_security_headers_and_nothing_loaded_from_elsewhere(client: httpx.Client) -> None:
    headers = client.get("/").headers
    policy = headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert headers["x-content-type-options"] == "nosniff"
    for page in ("/", "/query", "/ontology", "/compare", "/graph", "/id/province-hunan", "/search?q=hunan"):
        parser = Loads()
        parser.feed(client.get(page).text)
        assert parser.urls, page
        for url in parser.urls:
            assert url.startswith("/") and not url.startswith("//"), (page, url)
