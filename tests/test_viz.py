"""``kg viz``: what is drawn equals what the graph says; the page is offline, UTF-8 and inert data.

Expected nodes and edges are computed here with SPARQL, independently of
kg.viz, following the rules docs/viz.md states. Facts are still being added,
so no count of the seed graph is written down: every expectation is a query.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.cli.viz import DEFAULT_MAX_NODES_TEXT
from kg.errors import UsageError
from kg.namespaces import PREFIXES
from kg.store import write_store
from kg.viz import DEFAULT_MAX_NODES, build_catalog, explore, payload, script_json, select

ZFR = PREFIXES["zfr"]
SPARQL_PREFIXES = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())

#: The classes whose instances are drawn (docs/viz.md).
DRAWN_CLASSES = (
    "zf:Province zf:Mechanism zf:Organ zf:Measure zf:Problem zf:PolicyDocument zf:InformationSystem "
    "zf:Figure zf:Speech zf:Person foaf:Person zf:Event zf:SourceDocument"
)
#: How a node belongs to a province (docs/viz.md), as one SPARQL property path.
OWNED_BY = (
    "(zf:inProvince|zf:aboutArea|zf:adoptedBy/zf:inProvince|zf:aboutOrgan/zf:inProvince"
    "|^zf:hasFigure/zf:adoptedBy/zf:inProvince|zf:onBehalfOf/zf:inProvince|zf:operatedBy/zf:inProvince"
    "|dcterms:creator/zf:inProvince|^zf:createsDocument/zf:adoptedBy/zf:inProvince"
    "|org:holds/org:postIn/zf:inProvince|^zf:speaker/zf:inProvince)"
)
#: "?a and ?b are linked" by anything drawn as an edge (both directions, and the folded paths).
LINKED = "{ ?a ?r ?b } UNION { ?b ?r ?a } UNION { ?a org:holds/org:postIn ?b } UNION { ?b org:holds/org:postIn ?a }"
LINKED += " UNION { ?a zf:textPart/dcterms:isPartOf ?b } UNION { ?b zf:textPart/dcterms:isPartOf ?a }"


def is_drawn(var: str) -> str:
    return f"{{ SELECT DISTINCT {var} WHERE {{ VALUES ?cls {{ {DRAWN_CLASSES} }} {var} a/rdfs:subClassOf* ?cls . }} }}"


def iris(store: ox.Store, query: str) -> set[str]:
    return {row[0].value for row in store.query(SPARQL_PREFIXES + query)}


# ---------------------------------------------------------------------------
# Expectations, by SPARQL
# ---------------------------------------------------------------------------


def expected_nodes(store: ox.Store) -> set[str]:
    return iris(store, f"SELECT DISTINCT ?x WHERE {{ {is_drawn('?x')} FILTER(isIRI(?x)) }}")


def expected_edges(store: ox.Store, nodes: set[str]) -> set[tuple[str, str, str]]:
    """Every relation between two drawn nodes; zf:precededBy drawn as zf:followedBy; posts and parts folded."""
    rows = store.query(
        SPARQL_PREFIXES
        + """
        SELECT DISTINCT ?s ?p ?o WHERE {
          { ?s ?p ?o . FILTER(isIRI(?o) && ?p NOT IN (rdf:type, skos:inScheme, skos:topConceptOf,
                                                     skos:hasTopConcept, owl:sameAs, zf:precededBy, org:heldBy)) }
          UNION { ?o zf:precededBy ?s . BIND(zf:followedBy AS ?p) }
          UNION { { ?s org:holds ?post } UNION { ?post org:heldBy ?s } ?post org:postIn ?o .
                  BIND(<urn:x:holds-post-in> AS ?p) }
          UNION { ?s zf:textPart/dcterms:isPartOf ?o . BIND(<urn:x:excerpted-in> AS ?p) }
          FILTER(?s != ?o)
        }"""
    )
    return {
        (s.value, p.value, o.value)
        for s, p, o in ((r[0], r[1], r[2]) for r in rows)
        if s.value in nodes and o.value in nodes
    }


def expected_province_view(store: ox.Store, province: str) -> set[str]:
    """The province, what belongs to it, the shared nodes linked to those, and the broader chain of shared concepts."""
    return iris(
        store,
        f"""
        SELECT DISTINCT ?x WHERE {{
          VALUES ?P {{ <{province}> }}
          {{ VALUES ?x {{ <{province}> }} }}
          UNION {{ ?x {OWNED_BY} ?P . }}
          UNION {{ ?a {OWNED_BY} ?P . {LINKED.replace("?b", "?x")}
                   FILTER NOT EXISTS {{ ?x {OWNED_BY} ?any . ?any a zf:Province }} }}
          UNION {{ ?a {OWNED_BY} ?P . {LINKED.replace("?b", "?m")}
                   FILTER NOT EXISTS {{ ?m {OWNED_BY} ?any . ?any a zf:Province }}
                   ?m skos:broader+ ?x .
                   FILTER NOT EXISTS {{ ?x {OWNED_BY} ?any2 . ?any2 a zf:Province }} }}
          {is_drawn("?x")}
        }}""",
    )


def expected_category_view(store: ox.Store, category: str) -> set[str]:
    """Concepts under the category, measures implementing them, their neighbours, and the organs' provinces."""
    return iris(
        store,
        f"""
        SELECT DISTINCT ?x WHERE {{
          VALUES ?C {{ <{category}> }}
          {{ ?x skos:broader* ?C }}
          UNION {{ ?x zf:implements/skos:broader* ?C }}
          UNION {{ ?a zf:implements/skos:broader* ?C . {LINKED.replace("?b", "?x")} }}
          UNION {{ ?a zf:implements/skos:broader* ?C . {LINKED.replace("?b", "?o")}
                   ?o a/rdfs:subClassOf* zf:Organ ; zf:inProvince ?x }}
          {is_drawn("?x")}
        }}""",
    )


def expected_neighbourhood(store: ox.Store, centre: str) -> set[str]:
    return {centre} | iris(
        store,
        f"SELECT DISTINCT ?x WHERE {{ BIND(<{centre}> AS ?a) {LINKED.replace('?b', '?x')} {is_drawn('?x')} }}",
    )


def count_instances(store: ox.Store, cls: str) -> int:
    return len(iris(store, f"SELECT DISTINCT ?x WHERE {{ ?x a/rdfs:subClassOf* {cls} }}"))


def label_of(store: ox.Store, iri: str, lang: str) -> str:
    rows = list(
        store.query(
            SPARQL_PREFIXES
            + f'SELECT ?l WHERE {{ <{iri}> skos:prefLabel|rdfs:label ?l FILTER(lang(?l) = "{lang}") }} ORDER BY ?l'
        )
    )
    return str(rows[0][0].value)


# ---------------------------------------------------------------------------
# Fixtures
# ---------------------------------------------------------------------------


def oxigraph_copy(graph: Graph) -> ox.Store:
    """A graph in an in-memory Oxigraph store, for the expectations (and as an input to kg.viz)."""
    store = ox.Store()
    store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return store


@pytest.fixture(scope="module")
def seed_store(seed_graph: Graph) -> ox.Store:
    return oxigraph_copy(seed_graph)


@pytest.fixture(scope="module")
def seed_catalog(seed_store: ox.Store):  # type: ignore[no-untyped-def]
    return build_catalog(seed_store)


def province_iri(store: ox.Store, short_en: str) -> str:
    found = iris(store, f'SELECT ?p WHERE {{ ?p a zf:Province ; zf:shortName "{short_en}"@en }}')
    assert len(found) == 1
    return found.pop()


def a_category_with_measures(store: ox.Store) -> str:
    rows = store.query(
        SPARQL_PREFIXES
        + """SELECT ?c (COUNT(DISTINCT ?m) AS ?n) WHERE { ?c a zf:MechanismCategory . ?m zf:implements/skos:broader* ?c }
             GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT 1"""
    )
    return next(iter(rows))[0].value


# ---------------------------------------------------------------------------
# What is drawn
# ---------------------------------------------------------------------------


def test_whole_graph_draws_every_node_and_relation(seed_store: ox.Store, seed_catalog) -> None:  # type: ignore[no-untyped-def]
    nodes = expected_nodes(seed_store)
    view = select(seed_catalog, max_nodes=None)
    assert {n.iri for n in view.nodes} == nodes
    assert {(e.source, e.relation, e.target) for e in view.edges} == {
        (
            s,
            {"urn:x:holds-post-in": "org:holds/org:postIn", "urn:x:excerpted-in": "zf:textPart/dcterms:isPartOf"}.get(
                p, p
            ),
            o,
        )
        for s, p, o in expected_edges(seed_store, nodes)
    }


def test_kinds_follow_the_classes(seed_store: ox.Store, seed_catalog) -> None:  # type: ignore[no-untyped-def]
    kinds: dict[str, int] = {}
    for node in seed_catalog.nodes.values():
        kinds[node.kind] = kinds.get(node.kind, 0) + 1
    assert kinds["measure"] == count_instances(seed_store, "zf:Measure")
    assert kinds["organ"] == count_instances(seed_store, "zf:Organ")
    assert kinds["province"] == count_instances(seed_store, "zf:Province")
    assert kinds["category"] == count_instances(seed_store, "zf:MechanismCategory")
    assert kinds["mechanism"] == count_instances(seed_store, "zf:Mechanism") - kinds["category"]
    # Evidence, posts, indicators, document parts, ontology terms and shapes are never nodes.
    hidden = iris(
        seed_store,
        "SELECT ?x WHERE { VALUES ?c { zf:Evidence org:Post zf:Indicator zf:DocumentPart owl:Class sh:NodeShape } ?x a ?c }",
    )
    assert hidden and not hidden & set(seed_catalog.nodes)


def test_rdflib_and_oxigraph_inputs_agree(seed_graph: Graph, seed_catalog) -> None:  # type: ignore[no-untyped-def]
    from_rdflib = build_catalog(seed_graph)
    assert set(from_rdflib.nodes) == set(seed_catalog.nodes)
    assert from_rdflib.edges == seed_catalog.edges


@pytest.mark.parametrize("name", ["Hunan", "湖南", "湖南省", "Hunan Province"])
def test_province_filter(seed_store: ox.Store, seed_catalog, name: str) -> None:  # type: ignore[no-untyped-def]
    hunan = province_iri(seed_store, "Hunan")
    view = explore(seed_store, provinces=[name], max_nodes=None)
    expected = expected_province_view(seed_store, hunan)
    assert {n.iri for n in view.nodes} == expected
    assert {n.iri for n in view.nodes if n.kind == "province"} == {hunan}
    assert len(view.edges) == len(
        {e for e in expected_edges(seed_store, expected_nodes(seed_store)) if e[0] in expected and e[2] in expected}
    )


def test_two_provinces_are_the_union_of_each(seed_store: ox.Store) -> None:
    both = explore(seed_store, provinces=["Hunan", "江苏"], max_nodes=None)
    expected = expected_province_view(seed_store, province_iri(seed_store, "Hunan")) | expected_province_view(
        seed_store, province_iri(seed_store, "Jiangsu")
    )
    assert {n.iri for n in both.nodes} == expected


def test_category_filter_by_iri_and_label(seed_store: ox.Store) -> None:
    category = a_category_with_measures(seed_store)
    expected = expected_category_view(seed_store, category)
    by_iri = explore(seed_store, categories=[category], max_nodes=None)
    assert {n.iri for n in by_iri.nodes} == expected
    for lang in ("zh", "en"):
        by_label = explore(seed_store, categories=[label_of(seed_store, category, lang)], max_nodes=None)
        assert {n.iri for n in by_label.nodes} == expected
    prefixed = "zfr:" + category.removeprefix(ZFR)
    assert {n.iri for n in explore(seed_store, categories=[prefixed], max_nodes=None).nodes} == expected


def test_class_filter(seed_store: ox.Store) -> None:
    view = explore(seed_store, classes=["measure", "机关"], max_nodes=None)
    expected = iris(seed_store, "SELECT ?x WHERE { VALUES ?c { zf:Measure zf:Organ } ?x a/rdfs:subClassOf* ?c }")
    assert {n.iri for n in view.nodes} == expected
    pairs = {(e.source, e.target) for e in view.edges}
    assert pairs == {(s, o) for s, _, o in expected_edges(seed_store, expected)}
    courts = explore(seed_store, classes=["zf:PeoplesCourt"], max_nodes=None)
    assert {n.iri for n in courts.nodes} == iris(
        seed_store, "SELECT ?x WHERE { ?x a/rdfs:subClassOf* zf:PeoplesCourt }"
    )
    assert {n.iri for n in explore(seed_store, classes=["人民法院"], max_nodes=None).nodes} == {
        n.iri for n in courts.nodes
    }


def test_focus_by_label_in_either_language(seed_store: ox.Store) -> None:
    person = iris(seed_store, 'SELECT ?p WHERE { ?p a zf:Person ; rdfs:label "夏道虎"@zh }').pop()
    expected = expected_neighbourhood(seed_store, person)
    for name in ("夏道虎", "Xia Daohu", person, "zfr:" + person.removeprefix(ZFR)):
        assert {n.iri for n in explore(seed_store, focus=[name]).nodes} == expected
    two = explore(seed_store, focus=["夏道虎"], depth=2)
    assert {n.iri for n in two.nodes} == set().union(*(expected_neighbourhood(seed_store, n) for n in expected))
    assert [n.iri for n in explore(seed_store, focus=["夏道虎"], depth=0).nodes] == [person]


def test_filters_combine_as_an_intersection(seed_store: ox.Store) -> None:
    view = explore(seed_store, provinces=["Jiangsu"], classes=["measure"], max_nodes=None)
    jiangsu = expected_province_view(seed_store, province_iri(seed_store, "Jiangsu"))
    measures = iris(seed_store, "SELECT ?x WHERE { ?x a zf:Measure }")
    assert {n.iri for n in view.nodes} == jiangsu & measures


def test_node_limit_keeps_the_anchors_and_says_what_was_left_out(seed_store: ox.Store) -> None:
    view = explore(seed_store, max_nodes=40)
    total = len(expected_nodes(seed_store))
    assert len(view.nodes) == 40
    assert view.selected == total
    assert sum(view.left_out.values()) == total - 40
    assert {n.iri for n in view.nodes if n.kind == "province"} == iris(
        seed_store, "SELECT ?x WHERE { ?x a zf:Province }"
    )
    assert "figures" in view.summary() and "--focus NODE --depth N" in view.summary()
    edges_kept = {(e.source, e.target) for e in view.edges}
    kept = {n.iri for n in view.nodes}
    assert all(s in kept and t in kept for s, t in edges_kept)


def test_focus_node_survives_the_node_limit(seed_store: ox.Store) -> None:
    figure = sorted(iris(seed_store, "SELECT ?f WHERE { ?f a zf:Figure }"))[0]  # figures are left out first
    view = explore(seed_store, focus=[figure], depth=3, max_nodes=5)
    assert len(view.nodes) == 5 and figure in {n.iri for n in view.nodes}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"provinces": ["Atlantis"]}, "no province named 'Atlantis'; known: "),
        ({"categories": ["no such mechanism"]}, "no mechanism category named"),
        ({"classes": ["spaceship"]}, "no class named 'spaceship'"),
        ({"focus": ["zfr:nothing-here"]}, "no node named"),
        ({"focus": ["湖南"], "depth": -1}, "--depth must be 0 or more"),
        ({"depth": 2}, "a depth needs a focus node"),
        ({"lang": "fr"}, "unknown language 'fr'"),
        ({"max_nodes": 0}, "--max-nodes must be 1 or more"),
    ],
)
def test_bad_filters_are_usage_errors(seed_store: ox.Store, kwargs: dict, message: str) -> None:  # type: ignore[type-arg]
    with pytest.raises(UsageError, match=re.escape(message)):
        explore(seed_store, **kwargs)


def test_ambiguous_label_lists_the_candidates(seed_store: ox.Store) -> None:
    with pytest.raises(UsageError, match="matches several"):
        explore(seed_store, focus=["法院"])  # 湖南法院, 江苏法院, 最高人民法院 …


# ---------------------------------------------------------------------------
# The page: details, offline, UTF-8, data kept as data
# ---------------------------------------------------------------------------


def test_details_carry_type_province_organ_categories_figures_and_quote(seed_store: ox.Store) -> None:
    row = next(
        iter(
            seed_store.query(
                SPARQL_PREFIXES
                + """SELECT ?m ?exact ?start ?end ?organ ?province WHERE {
                       ?m a zf:Measure ; zf:hasFigure ?f ; prov:wasDerivedFrom ?ev ; zf:adoptedBy ?o .
                       ?o rdfs:label ?organ ; zf:inProvince/zf:shortName ?province .
                       ?ev oa:hasSelector ?q , ?pos . ?q oa:exact ?exact . ?pos oa:start ?start ; oa:end ?end .
                       FILTER(lang(?organ) = "zh" && lang(?province) = "zh")
                     } ORDER BY ?m ?start LIMIT 1"""
            )
        )
    )
    measure = row[0].value
    view = explore(seed_store, focus=[measure], depth=0)
    data = payload(view, "zh")
    node, names = data["nodes"][0], data["names"]
    info = node["info"]
    assert names[info["types"][0]] == ["举措", "measure"]
    assert row[4].value in [names[o][0] for o in info["organs"]]
    assert [p["short"]["zh"] for p in data["provinces"] if p["id"] in node["provinces"]] == [row[5].value]
    assert info["categories"] and info["figures"]
    quotes = {(e["quote"], e["start"], e["end"]) for e in info["evidence"]}
    assert (row[1].value, int(row[2].value), int(row[3].value)) in quotes


def test_details_panel_lists_a_problem_clause_after_the_stating_sentence(seed_store: ox.Store) -> None:
    """湖南 “针对院庭长不愿监督、不敢监督、不会监督问题” (1364–1385) is a zf:ContextClause (REVIEW-1): listed after the
    stating “指导出台院庭长监管职责意见” (1386) and “细化监管“四类案件”17项情形…” (1400), with its own role."""
    measure = "https://w3id.org/zhengfa-kg/id/measure-hunan-court-president-supervision-duties-opinion"
    data = payload(explore(seed_store, focus=[measure], depth=0), "zh")
    evidence = data["nodes"][0]["info"]["evidence"]
    assert [(e["start"], e["role"]) for e in evidence] == [(1386, "sentence"), (1400, "sentence"), (1364, "clause")]


def test_script_json_cannot_close_the_script_element() -> None:
    data = {"label": "</script><script>alert(1)</script> & <!-- \u2028\u2029"}
    text = script_json(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == data


def test_page_is_offline_and_utf8(seed_store: ox.Store, tmp_path: Path) -> None:
    out = explore(seed_store, provinces=["Hunan"]).write(tmp_path / "hunan.html")
    raw = out.read_bytes()
    page = raw.decode("utf-8")
    assert page.startswith("<!DOCTYPE html>") and '<meta charset="utf-8">' in page
    assert "湖南" in page  # written as UTF-8, not as \u escapes only
    assert "default-src 'none'" in page
    # Nothing refers to another file or host: no src/href attributes, no url(http…), no @import.
    assert not re.search(r"<(script|link|img|iframe)[^>]*\b(src|href)\s*=", page, re.IGNORECASE)
    assert not re.search(r"url\(\s*['\"]?(https?:|//)", page, re.IGNORECASE)
    assert "@import" not in page
    assert "vis-network" in page and "@license" in page  # the inlined library keeps its licence header
    assert not list(tmp_path.glob(".*.tmp"))  # written atomically: no temporary left behind


def test_page_rendering_does_not_need_pyvis_network_or_jupyter(tmp_path: Path) -> None:
    # networkx is needed (it lays the graph out before the page is written); pyvis's Network,
    # IPython and jinja2 are not.
    code = (
        "import sys; from kg.viz import explore; from kg.store import open_graph;"
        f"explore(open_graph('memory'), classes=['province']).write({str(tmp_path / 'p.html')!r});"
        "print(sorted(m for m in ('pyvis.network', 'IPython', 'networkx', 'jinja2') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "['networkx']"


def test_cli_help_is_fast_to_import() -> None:
    code = "import sys, kg.cli; print([m for m in ('kg.viz', 'pyvis', 'pyoxigraph', 'networkx') if m in sys.modules])"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


# ---------------------------------------------------------------------------
# The command
# ---------------------------------------------------------------------------


runner = CliRunner()


def test_cli_writes_a_province_page(seed_store: ox.Store, tmp_path: Path) -> None:
    out = tmp_path / "jiangsu.html"
    result = runner.invoke(app, ["viz", "--backend", "memory", "--province", "江苏", "-o", str(out), "--lang", "en"])
    assert result.exit_code == 0, result.output
    expected = expected_province_view(seed_store, province_iri(seed_store, "Jiangsu"))
    assert f"wrote {out}: {len(expected)} nodes" in result.output
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', out.read_text("utf-8"), re.S).group(1))  # type: ignore[union-attr]
    assert {n["id"] for n in data["nodes"]} == expected
    assert data["meta"]["lang"] == "en"
    assert [p["short"]["en"] for p in data["provinces"]] == ["Jiangsu"]  # the page's province filter offers only it
    assert data["meta"]["filters"] == [{"key": "province", "values": [{"zh": "江苏", "en": "Jiangsu"}]}]


def test_cli_reads_the_built_store(seed_graph: Graph, seed_store: ox.Store, tmp_path: Path) -> None:
    store = tmp_path / "store"
    write_store(store, seed_graph.serialize(format="nt", encoding="utf-8"))
    out = tmp_path / "graph.html"
    result = runner.invoke(app, ["viz", "--store", str(store), "-o", str(out), "--max-nodes", "0"])
    assert result.exit_code == 0, result.output
    assert f"{len(expected_nodes(seed_store))} nodes" in result.output
    assert out.stat().st_mode & 0o044 == 0o044  # readable by others, like any page to share


def test_an_rdflib_graph_over_the_store_reads_the_store(seed_graph: Graph, seed_catalog, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    from kg.store import open_graph

    store = tmp_path / "store"
    write_store(store, seed_graph.serialize(format="nt", encoding="utf-8"))
    catalog = build_catalog(open_graph("oxigraph", store))
    assert set(catalog.nodes) == set(seed_catalog.nodes) and catalog.edges == seed_catalog.edges


def test_cli_says_what_was_left_out(tmp_path: Path) -> None:
    result = runner.invoke(app, ["viz", "--backend", "memory", "--max-nodes", "25", "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 0, result.output
    assert (
        "left out" in result.output
        and "--focus NODE --depth N" in result.output
        and "raise --max-nodes" in result.output
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--province", "Atlantis"], "no province named 'Atlantis'"),
        (["--lang", "fr"], "unknown language 'fr'"),
        (["--depth", "3"], "a depth needs a focus node"),
        (["--focus", "法院"], "matches several"),
    ],
)
def test_cli_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    out = tmp_path / "g.html"
    result = runner.invoke(app, ["viz", "--backend", "memory", "-o", str(out), *args])
    assert result.exit_code == 2
    assert message in result.output
    assert not out.exists()


def test_cli_without_a_store_says_to_build(tmp_path: Path) -> None:
    result = runner.invoke(app, ["viz", "--store", str(tmp_path / "nothing"), "-o", str(tmp_path / "g.html")])
    assert result.exit_code == 2
    assert "kg build" in result.output


def test_cli_default_limit_is_documented_correctly() -> None:
    assert int(DEFAULT_MAX_NODES_TEXT) == DEFAULT_MAX_NODES


class _Links:
    """A site's links as kg serve gives them (kg.viz.page.ServedLinks), written out by hand for one measure."""

    def __init__(self) -> None:
        self.cite = "/kg/cite"
        self.styles = {"gb7714": "GB/T 7714-2015"}

    def entity(self, iri: str) -> str:
        return "/kg/id/" + iri.rsplit("/", 1)[-1]

    def quote(self, source: str, start: int, end: int) -> str:
        return f"/kg/source/{source.rsplit('/', 1)[-1]}?start={start}&end={end}#quote"

    def compare(self, iri: str) -> list[tuple[str, str, str]]:
        return [(PREFIXES["zfr"] + "cat-uniform-standards", PREFIXES["zfr"] + "province-jiangsu", "/kg/compare?x")]


def test_only_a_served_page_with_links_carries_them(seed_store: ox.Store) -> None:
    measure = PREFIXES["zfr"] + "measure-jiangsu-mandatory-similar-case-search"
    view = explore(seed_store, focus=[measure], depth=1)
    offline = payload(view, "zh")
    assert offline["meta"]["links"] is None
    node = next(n for n in offline["nodes"] if n["id"] == measure)
    assert "href" not in node and "compare" not in node
    assert [set(e) & {"href", "doc"} for e in node["info"]["evidence"]] == [set()]
    assert "connect-src" not in view.to_html() and "connect-src" not in view.to_html(served=True)

    served = payload(view, "zh", served=True, links=_Links())
    assert served["meta"]["links"] == {"cite": "/kg/cite", "styles": {"gb7714": "GB/T 7714-2015"}}
    node = next(n for n in served["nodes"] if n["id"] == measure)
    assert node["href"] == "/kg/id/measure-jiangsu-mandatory-similar-case-search"
    assert [e["href"] for e in node["info"]["evidence"]] == [
        "/kg/source/doc-c6000f12c74fa8d8?start=2167&end=2205#quote"
    ]
    names = served["names"]
    assert [[names[row], names[column], href] for row, column, href in node["compare"]] == [
        [["统一标准与办案指引", "Uniform standards and case-handling guidance"], ["江苏", "Jiangsu"], "/kg/compare?x"]
    ]
    assert "connect-src 'self'" in view.to_html(served=True, links=_Links())
