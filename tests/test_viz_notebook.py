"""kg.viz.show, to_pyvis (and its offline page), to_networkx, the layout, and Session.explore.

The pages are checked by what they contain (their data, no remote reference) and, for
the pyvis page, drawn in Chromium with every request but the file refused.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import networkx as nx
import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Route
from rdflib import Graph

from kg import analyze, compare
from kg.errors import UsageError
from kg.query import connect
from kg.viz import explore, pyvis_html, show, to_networkx, to_pyvis, write_pyvis
from kg.viz.layout import layout, node_sizes
from tests.browser import CHROMIUM
from tests.test_viz import ZFR, expected_edges, expected_nodes, expected_province_view, oxigraph_copy, province_iri

REMOTE = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", re.I)


@pytest.fixture(scope="module")
def seed_store(seed_graph: Graph) -> ox.Store:
    return oxigraph_copy(seed_graph)


def test_layout_is_seeded_and_sizes_follow_degree(seed_store: ox.Store) -> None:
    view = explore(seed_store, provinces=["Hunan"])
    first, second = layout(view), layout(explore(seed_store, provinces=["Hunan"]))
    assert first == second  # the same view is drawn the same way every time
    assert len({xy for xy in first.values()}) == len(view.nodes)  # no two nodes on one spot
    degree = {n.iri: 0 for n in view.nodes}
    pairs = {tuple(sorted((e.source, e.target))) for e in view.edges}
    for a, b in pairs:
        degree[a] += 1
        degree[b] += 1
    sizes = node_sizes(view, degree)
    organs = sorted((degree[n.iri], sizes[n.iri]) for n in view.nodes if n.kind == "organ")
    assert (
        organs[-1][1] == pytest.approx(17 * 1.6) and organs[0][1] < organs[-1][1]
    )  # the best-linked organ: 1.6 × its kind's 17


def test_show_frames_the_offline_page(seed_store: ox.Store) -> None:
    view = explore(seed_store, provinces=["Hunan"])
    inline = show(view, height=500)
    assert inline is not None  # outside a kernel the frame is returned
    markup = str(inline)
    assert markup.startswith('<iframe srcdoc="') and 'sandbox="allow-scripts"' in markup and "height:500px" in markup
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', markup).group(1))
    data = json.loads(re.search(r'id="kg-data">(.*?)</script>', page, re.DOTALL).group(1))
    assert {n["id"] for n in data["nodes"]} == expected_province_view(seed_store, province_iri(seed_store, "Hunan"))
    assert not REMOTE.search(page) and "default-src 'none'" in page
    assert view._repr_html_().startswith('<iframe srcdoc="')
    assert "graph explorer: " + str(len(view.nodes)) + " nodes" in repr(inline)
    with pytest.raises(UsageError, match="not dict"):
        show({})  # type: ignore[arg-type]


def test_to_pyvis_keeps_our_style_labels_and_relations(seed_store: ox.Store) -> None:
    view = explore(seed_store, provinces=["Hunan"])
    net = to_pyvis(view, "en")
    hunan = province_iri(seed_store, "Hunan")
    nodes = {n["id"]: n for n in net.nodes}
    assert set(nodes) == expected_province_view(seed_store, hunan)
    province = nodes[hunan]
    assert (province["shape"], province["color"], province["kind"]) == ("box", "#d62728", "province")
    assert (province["label"], province["label_zh"], province["label_en"]) == (
        "Hunan Province",
        "湖南省",
        "Hunan Province",
    )
    assert province["title"].startswith("Hunan Province\n湖南省\nprovinces")
    assert len(net.edges) == len(expected_edges(seed_store, set(nodes)))
    assert {"adopted by", "in province"} <= {e["label"] for e in net.edges}
    assert all(e["relation"].startswith(("zf:", "skos:", "org:", "dcterms:", "prov:")) for e in net.edges)
    measure = next(n for n in net.nodes if n["kind"] == "measure")
    assert "“" in measure["title"]  # its first quote
    assert net.options.physics.enabled is False
    net.toggle_physics(True)
    net.show_buttons(filter_=["physics"])
    page = pyvis_html(net)
    assert not REMOTE.search(page) and "default-src 'none'" in page and "cdn.jsdelivr.net" not in page
    assert "vis-network" in page and hunan in page


MARKUP = """
@prefix zf:   <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:  <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
zfr:organ-xss a zf:Organ ;
    rdfs:label "<img src=x onerror=\\"window.__pwned=1\\"> href"@zh , "<a href=x>court</a>"@en .
"""


def test_pyvis_page_is_drawn_offline_and_tooltips_stay_text(browser: Browser, tmp_path: Path) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed")
    graph = Graph()
    graph.parse(data=MARKUP, format="turtle")
    net = to_pyvis(explore(graph), "zh")
    out = write_pyvis(net, tmp_path / "pyvis.html")
    assert oct(out.stat().st_mode & 0o777) == "0o644"
    page = browser.new_page()
    refused: list[str] = []
    errors: list[str] = []
    url = out.resolve().as_uri()

    def route(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            refused.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.wait_for_function("() => typeof network === 'object' && network.body.nodeIndices.length === 1")
    assert page.evaluate("() => network.body.data.nodes.get()[0].title") == (
        '<img src=x onerror="window.__pwned=1"> hre\u200bf\n<a hre\u200bf=x>court</a>\n机关'
    )
    # pyvis's template would show titles containing "href" with innerHTML; ours never do.
    assert "popup.innerHTML" not in out.read_text(encoding="utf-8")
    assert page.evaluate("() => window.__pwned") is None and page.locator("img").count() == 0
    assert refused == [] and errors == []


def test_to_networkx_matches_kg_analyze(seed_store: ox.Store, seed_graph: Graph) -> None:
    whole = explore(seed_store, max_nodes=None)
    graph = to_networkx(whole)
    assert isinstance(graph, nx.MultiDiGraph)
    assert set(graph) == expected_nodes(seed_store)
    assert graph.number_of_edges() == len(expected_edges(seed_store, set(graph)))
    # Every node of kg analyze's full network is here, with its kind and both labels.
    full = analyze.analyze(compare.load(seed_graph), "full").graph
    assert full.number_of_nodes() == 240  # the same figure notebook 12 prints (tests/test_notebooks.py)
    for node, attrs in full.nodes(data=True):
        mine = graph.nodes[node]
        assert (mine["kind"], mine["label_zh"], mine["label_en"]) == (
            attrs["kind"],
            attrs["label_zh"],
            attrs["label_en"],
        )
    hunan = province_iri(seed_store, "Hunan")
    assert graph.nodes[hunan]["label"] == "湖南"
    adopted = [(u, v) for u, v, key in graph.edges(keys=True) if key == "zf:adoptedBy"]
    assert adopted and all(graph.nodes[v]["kind"] == "organ" for _, v in adopted)
    assert graph.edges[adopted[0][0], adopted[0][1], "zf:adoptedBy"]["label_en"] == "adopted by"


def test_session_explore_reads_the_connected_graph(seed_store: ox.Store, store_path: Path) -> None:
    hunan = province_iri(seed_store, "Hunan")
    for session in (connect("memory"), connect(store=store_path)):
        view = session.explore(provinces=["湖南"])
        assert {n.iri for n in view.nodes} == expected_province_view(seed_store, hunan)
    with pytest.raises(UsageError, match="local graph"):
        connect(endpoint="http://127.0.0.1:9/sparql").explore()
    assert ZFR + "province-hunan" == hunan
