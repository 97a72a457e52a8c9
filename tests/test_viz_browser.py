"""The explorer page in a real headless Chromium, with every request but the file itself blocked.

Counts drawn are read from the vis-network DataViews in the page and compared
with what SPARQL says the graph holds for the same filter (tests/test_viz.py).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import pytest
from playwright.sync_api import Browser, Page, Route
from rdflib import Graph
from typer.testing import CliRunner

from kg.cli import app
from kg.viz import explore
from tests.browser import REQUIRES_CHROMIUM, axe_violations
from tests.test_viz import (
    ZFR,
    expected_edges,
    expected_neighbourhood,
    expected_nodes,
    expected_province_view,
    iris,
    label_of,
    oxigraph_copy,
    province_iri,
)

pytestmark = REQUIRES_CHROMIUM


@dataclass
class Opened:
    """A loaded explorer page and what it tried to do."""

    page: Page
    errors: list[str] = field(default_factory=list)
    requests: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def drawn(self) -> tuple[set[str], int]:
        ids, edges, indices, edge_indices = self.js(
            """() => [kgExplorer.nodeView.getIds(), kgExplorer.edgeView.length,
                      kgExplorer.network.body.nodeIndices.length, kgExplorer.network.body.edgeIndices.length]"""
        )
        assert len(ids) == indices and edges == edge_indices  # what the network draws is what the views hold
        return set(ids), edges

    def assert_clean(self) -> None:
        assert self.errors == []
        assert self.requests == []


def open_page(browser: Browser, path: Path) -> Opened:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    opened = Opened(page)
    url = path.resolve().as_uri()

    def route(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            opened.requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.on("console", lambda message: opened.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: opened.errors.append(str(error)))
    page.goto(url)
    # The page marks <body data-ready> once the layout has settled (a selector: CSP forbids eval-based waits).
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=180_000)
    return opened


@pytest.fixture(scope="module")
def seed_store(seed_graph: Graph) -> ox.Store:
    return oxigraph_copy(seed_graph)


@pytest.fixture(scope="module")
def whole_page(seed_store: ox.Store, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return explore(seed_store, max_nodes=None).write(tmp_path_factory.mktemp("viz") / "graph.html")


def node_position(opened: Opened, iri: str) -> tuple[float, float]:
    """Where a node is drawn, in page coordinates."""
    return tuple(  # type: ignore[return-value]
        opened.js(
            """(id) => {
                 const net = kgExplorer.network;
                 const dom = net.canvasToDOM(net.getPositions([id])[id]);
                 const box = document.getElementById('graph').getBoundingClientRect();
                 return [box.left + dom.x, box.top + dom.y];
               }""",
            iri,
        )
    )


# ---------------------------------------------------------------------------


def test_whole_graph_is_drawn_offline_and_settles(browser: Browser, whole_page: Path, seed_store: ox.Store) -> None:
    opened = open_page(browser, whole_page)
    nodes = expected_nodes(seed_store)
    ids, edge_count = opened.drawn()
    assert ids == nodes
    assert edge_count == len(expected_edges(seed_store, nodes))
    # Physics is off: nothing moves.
    assert opened.js("() => kgExplorer.network.physics.physicsEnabled") is False
    before = opened.js("() => kgExplorer.network.getPositions()")
    time.sleep(0.5)
    assert opened.js("() => kgExplorer.network.getPositions()") == before
    # "Re-run layout" runs the physics once, which settles and stops.
    opened.page.click("#relayout")
    opened.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=180_000)
    assert "布局完成" in opened.page.inner_text("#status")
    assert opened.js("() => kgExplorer.network.physics.physicsEnabled") is False
    assert opened.js("() => kgExplorer.network.getPositions()") != before
    opened.assert_clean()


def test_province_and_class_filters_in_the_page(browser: Browser, whole_page: Path, seed_store: ox.Store) -> None:
    opened = open_page(browser, whole_page)
    everything = expected_nodes(seed_store)
    all_edges = expected_edges(seed_store, everything)
    hunan = province_iri(seed_store, "Hunan")
    expected = expected_province_view(seed_store, hunan)

    opened.page.click("#provinces-none")
    assert opened.drawn() == (set(), 0)
    opened.page.locator("#province-list label", has_text="湖南").click()
    ids, edge_count = opened.drawn()
    assert ids == expected
    assert edge_count == len({e for e in all_edges if e[0] in expected and e[2] in expected})

    figures = {iri for iri in expected if iri in expected_nodes_of(seed_store, "zf:Figure")}
    opened.page.locator("#legend label", has_text="数据").click()
    ids, edge_count = opened.drawn()
    assert ids == expected - figures
    kept = expected - figures
    assert edge_count == len({e for e in all_edges if e[0] in kept and e[2] in kept})

    opened.page.locator("#legend label", has_text="机关").click()  # keep a selection across the reset
    opened.js("(id) => kgExplorer.select(id)", hunan)
    opened.page.click("#reset")
    assert opened.drawn() == (everything, len(all_edges))
    assert opened.js("() => kgExplorer.network.getSelectedNodes()") == []
    assert opened.page.locator("#details").is_hidden()
    opened.assert_clean()


def expected_nodes_of(store: ox.Store, cls: str) -> set[str]:
    return iris(store, f"SELECT ?x WHERE {{ ?x a {cls} }}")


def test_cli_filtered_page(browser: Browser, seed_store: ox.Store, tmp_path: Path) -> None:
    out = tmp_path / "hunan.html"
    result = CliRunner().invoke(app, ["viz", "--backend", "memory", "--province", "Hunan", "-o", str(out)])
    assert result.exit_code == 0, result.output
    opened = open_page(browser, out)
    expected = expected_province_view(seed_store, province_iri(seed_store, "Hunan"))
    ids, edge_count = opened.drawn()
    assert ids == expected
    assert edge_count == len({e for e in expected_edges(seed_store, expected)})
    assert "省份: 湖南" in opened.page.inner_text("#applied")
    opened.assert_clean()


def test_language_switch_changes_labels(browser: Browser, whole_page: Path, seed_store: ox.Store) -> None:
    opened = open_page(browser, whole_page)
    hunan = province_iri(seed_store, "Hunan")
    label = "(id) => kgExplorer.nodes.get(id).label"
    assert opened.js(label, hunan) == label_of(seed_store, hunan, "zh")
    assert "省份" in opened.page.inner_text("#legend")
    opened.page.click("#lang-switch button[data-lang=en]")
    assert opened.js(label, hunan) == label_of(seed_store, hunan, "en")
    assert "provinces" in opened.page.inner_text("#legend")
    assert opened.page.inner_text("#heading") == "zhengfa-kg graph explorer"
    assert opened.js("() => document.documentElement.lang") == "en"
    assert "adopted by" in opened.js("() => kgExplorer.edges.get().map(e => e.label)")
    opened.page.click("#lang-switch button[data-lang=zh]")
    assert opened.js(label, hunan) == label_of(seed_store, hunan, "zh")
    assert "采取机关" in opened.js("() => kgExplorer.edges.get().map(e => e.label)")
    opened.assert_clean()


def test_search_selects_and_highlights_the_neighbourhood(
    browser: Browser, whole_page: Path, seed_store: ox.Store
) -> None:
    opened = open_page(browser, whole_page)
    person = next(
        iter(seed_store.query('SELECT ?p WHERE { ?p <http://www.w3.org/2000/01/rdf-schema#label> "夏道虎"@zh }'))
    )[0].value
    opened.page.fill("#search", "xia daohu")  # English, any case
    assert "夏道虎" in opened.page.inner_text("#suggestions")
    opened.page.press("#search", "Enter")
    assert opened.js("() => kgExplorer.network.getSelectedNodes()") == [person]
    details = opened.page.inner_text("#details")
    assert "夏道虎" in details and "Xia Daohu" in details
    lit = opened.js(
        "() => kgExplorer.nodes.get().filter(n => kgExplorer.nodeView.get(n.id) && !n.color.background.startsWith('rgba')).map(n => n.id)"
    )
    assert set(lit) == expected_neighbourhood(seed_store, person)

    # "Show only its neighbourhood" filters the page to it; Esc and reset bring everything back.
    opened.page.click("#details .actions button")
    assert opened.drawn()[0] == expected_neighbourhood(seed_store, person)
    opened.page.click("#focus-clear")
    assert opened.drawn()[0] == expected_nodes(seed_store)
    opened.page.keyboard.press("Escape")
    assert opened.page.locator("#details").is_hidden()
    assert opened.js("() => kgExplorer.network.getSelectedNodes()") == []
    opened.assert_clean()


def test_hover_and_click_show_the_evidence(browser: Browser, seed_store: ox.Store, tmp_path: Path) -> None:
    measure, exact, start, end = next(
        iter(
            seed_store.query(
                """PREFIX zf: <https://w3id.org/zhengfa-kg/def/> PREFIX oa: <http://www.w3.org/ns/oa#>
                   PREFIX prov: <http://www.w3.org/ns/prov#>
                   SELECT ?m ?exact ?start ?end WHERE {
                     ?m a zf:Measure ; prov:wasDerivedFrom ?ev . ?ev oa:hasSelector ?q , ?p .
                     ?q oa:exact ?exact . ?p oa:start ?start ; oa:end ?end } ORDER BY ?m ?start LIMIT 1"""
            )
        )
    )
    page_file = explore(seed_store, focus=[measure.value], depth=1).write(tmp_path / "measure.html")
    opened = open_page(browser, page_file)
    x, y = node_position(opened, measure.value)
    opened.page.mouse.move(x, y)
    opened.page.wait_for_selector("#tooltip:not([hidden])")
    tooltip = opened.page.inner_text("#tooltip")
    assert exact.value in tooltip and f"位置 {start.value}–{end.value}" in tooltip
    assert "举措" in tooltip  # its type
    opened.page.mouse.click(x, y)
    details = opened.page.inner_text("#details")
    assert exact.value in details and f"位置 {start.value}–{end.value}" in details
    opened.assert_clean()


MALICIOUS = r"""
@prefix zf:   <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:  <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .

zfr:organ-xss a zf:PeoplesCourt ;
    rdfs:label "<img src=x onerror=\"window.__pwned=1\">"@zh , "</script><script>window.__pwned=2</script>"@en ;
    zf:inProvince zfr:province-hunan .

zfr:measure-xss a zf:Measure ;
    rdfs:label "<script>window.__pwned=3</script>"@zh , "<b onmouseover=\"window.__pwned=4\">bold</b>"@en ;
    zf:adoptedBy zfr:organ-xss ;
    prov:wasDerivedFrom zfr:ev-xss .

zfr:ev-xss a zf:Evidence ;
    oa:hasSource zfr:doc-c6000f12c74fa8d8 ;
    oa:hasSelector [ a oa:TextQuoteSelector ;
            oa:exact "<img src=x onerror=\"window.__pwned=5\"> & </script><script>window.__pwned=6</script>\u2028" ;
            oa:prefix "<!--" ; oa:suffix "-->" ] ,
        [ a oa:TextPositionSelector ; oa:start 0 ; oa:end 10 ] .
"""


def test_markup_in_labels_and_quotes_is_text(browser: Browser, tmp_path: Path) -> None:
    fixture = tmp_path / "xss.ttl"
    fixture.write_text(MALICIOUS, encoding="utf-8")
    out = tmp_path / "xss.html"
    result = CliRunner().invoke(
        app, ["viz", "--include", str(fixture), "--focus", "zfr:organ-xss", "--depth", "1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    raw = out.read_text(encoding="utf-8")
    assert "window.__pwned" in raw and "<script>window.__pwned" not in raw and "<img src=x" not in raw

    opened = open_page(browser, out)
    organ, measure = ZFR + "organ-xss", ZFR + "measure-xss"
    assert opened.drawn()[0] == {organ, measure, ZFR + "province-hunan"}
    assert opened.js("(id) => kgExplorer.nodes.get(id).label", organ).startswith("<img src=x onerror=")
    # Exercise every path that puts text on screen: tooltip, details, search, the other language.
    x, y = node_position(opened, measure)
    opened.page.mouse.move(x, y)
    opened.page.wait_for_selector("#tooltip:not([hidden])")
    assert "<img src=x onerror=" in opened.page.inner_text("#tooltip")
    opened.page.mouse.click(x, y)
    details = opened.page.inner_text("#details")
    assert "<script>window.__pwned=3</script>" in details and "</script><script>window.__pwned=6</script>" in details
    opened.page.fill("#search", "<img")
    assert '<img src=x onerror="window.__pwned=1">' in opened.page.inner_text("#suggestions")
    opened.page.press("#search", "Enter")
    opened.page.click("#lang-switch button[data-lang=en]")
    assert "</script><script>window.__pwned=2</script>" in opened.page.inner_text("#details")
    opened.page.mouse.move(x, y)

    assert opened.js("() => window.__pwned") is None
    assert opened.js("() => document.querySelectorAll('img, b, iframe, object, embed').length") == 0
    assert opened.js("() => document.scripts.length") == 3  # data, vis-network, the explorer: none injected
    opened.assert_clean()


def test_large_view_says_what_was_left_out(browser: Browser, seed_store: ox.Store, tmp_path: Path) -> None:
    view = explore(seed_store, max_nodes=30)
    opened = open_page(browser, view.write(tmp_path / "limited.html"))
    assert len(opened.drawn()[0]) == 30
    notice = opened.page.inner_text("#notice")
    assert "只显示 30 个" in notice and "--focus" in notice and "--max-nodes" in notice
    opened.page.click("#lang-switch button[data-lang=en]")
    notice = opened.page.inner_text("#notice")
    assert f"showing 30 of the {view.selected}" in notice and "--province" in notice
    opened.assert_clean()


def test_notebook_display_runs_in_a_sandboxed_frame(browser: Browser, seed_store: ox.Store, tmp_path: Path) -> None:
    """What Jupyter shows for a GraphView: the page in an iframe's srcdoc, scripts allowed, nothing else."""
    view = explore(seed_store, provinces=["Guangxi"])
    host = tmp_path / "notebook.html"
    host.write_text("<!DOCTYPE html><meta charset=utf-8><body>" + view._repr_html_(), encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    url = host.resolve().as_uri()
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))

    def route(route: Route) -> None:
        if route.request.url == url:
            route.continue_()
        else:
            requests.append(route.request.url)
            route.abort()

    page.route("**/*", route)
    page.goto(url)
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready=true]").wait_for(state="attached", timeout=180_000)
    drawn = page.frames[1].evaluate("() => kgExplorer.nodeView.length")
    assert drawn == len(view.nodes)
    assert errors == [] and requests == []


def test_empty_view_says_so(browser: Browser, seed_store: ox.Store, tmp_path: Path) -> None:
    view = explore(seed_store, focus=["Jiangsu"], depth=0, classes=["measure"])  # a province is not a measure
    assert view.nodes == [] and "nothing matches these filters" in view.summary()
    opened = open_page(browser, view.write(tmp_path / "empty.html"))
    assert opened.drawn() == (set(), 0)
    assert "没有节点符合" in opened.page.inner_text("#notice")
    opened.assert_clean()


# --- issue 15: a first view that can be read, linked state, the details panel ----------

ANCHORS = ("province", "category", "organ", "mechanism")


def label_sizes(opened: Opened) -> list[dict[str, Any]]:
    """Every shown node's label on screen: font size × canvas scale, and whether vis-network draws it."""
    return opened.js("() => kgExplorer.labelSizes()")  # type: ignore[no-any-return]


def test_opening_view_is_drawn_at_once_with_readable_labels(
    browser: Browser, whole_page: Path, seed_store: ox.Store
) -> None:
    opened = open_page(browser, whole_page)
    # Drawn from the positions written into the page (vis-network keeps whole units): physics never ran.
    assert opened.js("() => kgExplorer.network.physics.physicsEnabled") is False
    assert opened.js("() => kgExplorer.timings.relaid") is None
    moved = opened.js(
        """() => kgExplorer.data.nodes.filter(n => {
                   const at = kgExplorer.network.body.nodes[n.id];
                   return at.x !== Math.trunc(n.x) || at.y !== Math.trunc(n.y); }).length"""
    )
    assert moved == 0 and opened.js("() => kgExplorer.data.nodes.length") == len(expected_nodes(seed_store))
    assert opened.js("() => kgExplorer.timings.drawn > kgExplorer.timings.network") is True

    sizes = label_sizes(opened)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for item in sizes:
        by_kind.setdefault(item["kind"], []).append(item)
    # Every province and category is labelled at ≥ 14 px on screen; organs and mechanisms at ≥ 12 px
    # unless their label would overlap a more important one at this zoom (then it is not drawn at all).
    assert len(by_kind["province"]) == 5 and len(by_kind["category"]) == 12
    assert all(item["px"] >= 14 and item["drawn"] for k in ("province", "category") for item in by_kind[k])
    for kind in ("organ", "mechanism"):
        assert all(item["px"] >= 12 or not item["drawn"] for item in by_kind[kind])
        assert sum(item["drawn"] for item in by_kind[kind]) >= len(by_kind[kind]) // 3
    # Nothing is drawn at an unreadable size.
    assert all(item["px"] >= 8 or not item["drawn"] for item in sizes)

    # Zoomed out further, the labels keep their size on screen.
    opened.js("() => kgExplorer.network.moveTo({scale: kgExplorer.network.getScale() / 2})")
    opened.page.wait_for_function(
        "() => kgExplorer.labelSizes().every(l => l.kind !== 'province' || l.px >= 14)", timeout=10_000
    )
    # The density control: provinces and categories only, then every node.
    opened.page.select_option("#label-density", "1")
    assert not any(item["drawn"] for item in label_sizes(opened) if item["kind"] in ("organ", "mechanism"))
    opened.page.select_option("#label-density", "3")
    assert any(item["drawn"] and item["px"] >= 12 for item in label_sizes(opened) if item["kind"] == "measure")
    opened.assert_clean()


def test_node_size_grows_with_degree(browser: Browser, whole_page: Path, seed_store: ox.Store) -> None:
    opened = open_page(browser, whole_page)
    organs = opened.js(
        "() => kgExplorer.data.nodes.filter(n => n.kind === 'organ').map(n => [n.degree, kgExplorer.nodes.get(n.id).size])"
    )
    best = max(organs)
    assert best[1] == max(size for _, size in organs) and best[1] > min(size for _, size in organs)
    # Degrees are the distinct neighbours SPARQL finds (an edge stated both ways counts once).
    hunan = province_iri(seed_store, "Hunan")
    degree = opened.js("(id) => kgExplorer.data.nodes.find(n => n.id === id).degree", hunan)
    everything = expected_nodes(seed_store)
    neighbours = {e[2] for e in expected_edges(seed_store, everything) if e[0] == hunan} | {
        e[0] for e in expected_edges(seed_store, everything) if e[2] == hunan
    }
    assert degree == len(neighbours - {hunan})
    opened.assert_clean()


def lit_edge_labels(opened: Opened) -> list[dict[str, Any]]:
    """Edges whose relation name is drawn (its font not transparent), with the name's size on screen."""
    return opened.js(  # type: ignore[no-any-return]
        """() => kgExplorer.edgeView.get().filter(e => e.font.color !== 'rgba(0,0,0,0)')
                 .map(e => ({from: e.from, to: e.to, label: e.label, px: e.font.size * kgExplorer.network.getScale()}))"""
    )


def test_relation_names_only_for_the_hovered_or_selected_node(
    browser: Browser, whole_page: Path, seed_store: ox.Store
) -> None:
    opened = open_page(browser, whole_page)
    assert lit_edge_labels(opened) == []  # none at open
    hunan = province_iri(seed_store, "Hunan")
    x, y = node_position(opened, hunan)
    opened.page.mouse.move(x, y)
    opened.page.wait_for_selector("#tooltip:not([hidden])")
    lit = lit_edge_labels(opened)
    # Named: some of the hovered node's relations, at 12 px on screen, where the edge has room.
    assert lit and all(hunan in (e["from"], e["to"]) for e in lit) and all(e["px"] >= 12 for e in lit)
    edges_of_hunan = opened.js(
        "(id) => kgExplorer.edgeView.get().filter(e => e.from === id || e.to === id).length", hunan
    )
    opened.page.mouse.move(x + 400, 5)  # off the canvas: the names go again
    opened.page.mouse.move(5, 500)
    opened.page.wait_for_function(
        "() => kgExplorer.edgeView.get().every(e => e.font.color === 'rgba(0,0,0,0)')", timeout=5_000
    )
    opened.page.click("#lang-switch button[data-lang=en]")
    opened.js("(id) => kgExplorer.select(id, {move: false})", hunan)
    # Zoomed in on it, its edges have room for their names.
    opened.js(
        "(id) => kgExplorer.network.moveTo({position: kgExplorer.network.getPositions([id])[id], scale: 2.5})", hunan
    )
    opened.page.wait_for_function(
        f"() => kgExplorer.edgeView.get().filter(e => e.font.color !== 'rgba(0,0,0,0)').length >= {min(edges_of_hunan, 3)}",
        timeout=10_000,
    )
    lit = lit_edge_labels(opened)
    assert "in province" in {e["label"] for e in lit} and all(hunan in (e["from"], e["to"]) for e in lit)
    opened.assert_clean()


def test_show_only_the_neighbourhood_lays_it_out_again(
    browser: Browser, whole_page: Path, seed_store: ox.Store
) -> None:
    opened = open_page(browser, whole_page)
    hunan = province_iri(seed_store, "Hunan")
    opened.js("(id) => kgExplorer.select(id)", hunan)
    before = opened.js("() => kgExplorer.network.getPositions()")
    opened.page.click("#details .actions button")
    opened.page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    kept = opened.drawn()[0]
    assert kept == expected_neighbourhood(seed_store, hunan)
    after = opened.js("() => kgExplorer.network.getPositions()")
    assert sum(before[i] != after[i] for i in kept) > len(kept) // 2  # laid out anew, then stopped
    assert opened.js("() => kgExplorer.network.physics.physicsEnabled") is False
    assert opened.js("() => typeof kgExplorer.timings.relaid") == "number"
    opened.assert_clean()


def test_details_panel_starts_at_the_top_and_esc_clears_from_the_search_box(
    browser: Browser, whole_page: Path, seed_store: ox.Store
) -> None:
    opened = open_page(browser, whole_page)
    hub = opened.js("() => kgExplorer.data.nodes.reduce((a, b) => (b.degree > a.degree ? b : a)).id")
    opened.js("(id) => kgExplorer.select(id)", hub)
    panel = opened.page.locator("#details")
    panel.evaluate("el => { el.scrollTop = el.scrollHeight; }")
    assert panel.evaluate("el => el.scrollTop") > 100  # the best-linked node's links make the panel long
    opened.page.locator("#details .links-list button").last.click()  # follow a link to another node
    assert opened.js("() => kgExplorer.network.getSelectedNodes()") not in ([hub], [])
    assert panel.evaluate("el => el.scrollTop") == 0
    assert panel.locator("h3").is_visible()

    opened.page.click("#search")
    opened.page.keyboard.type("湖南")
    opened.page.keyboard.press("Escape")
    assert opened.js("() => kgExplorer.network.getSelectedNodes()") == []
    assert panel.is_hidden() and opened.page.locator("#suggestions").is_hidden()
    assert opened.page.input_value("#search") == ""

    # A click on the canvas leaves no focus ring round it (or round whatever holds the focus).
    box = opened.page.locator("#graph").bounding_box()
    assert box is not None
    opened.page.mouse.click(box["x"] + 8, box["y"] + 8)
    assert opened.js("() => getComputedStyle(document.activeElement).outlineStyle") == "none"
    assert opened.js(
        "() => [...document.querySelectorAll('#graph *')].every(e => getComputedStyle(e).outlineStyle === 'none')"
    )
    opened.assert_clean()


def test_an_empty_view_says_why(browser: Browser, whole_page: Path) -> None:
    opened = open_page(browser, whole_page)
    empty = opened.page.locator("#empty")
    assert empty.is_hidden()
    opened.page.click("#provinces-none")
    assert "没有勾选任何省份" in empty.inner_text()
    opened.page.click("#lang-switch button[data-lang=en]")
    assert "No province is ticked" in empty.inner_text()
    opened.page.click("#reset")
    assert empty.is_hidden()
    opened.js("() => kgExplorer.setKinds([])")
    assert "No class is ticked" in empty.inner_text()
    opened.assert_clean()


ATTRIBUTED = r"""
@prefix zf:   <https://w3id.org/zhengfa-kg/def/> .
@prefix zfr:  <https://w3id.org/zhengfa-kg/id/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix oa:   <http://www.w3.org/ns/oa#> .

zfr:organ-test a zf:PeoplesCourt ; rdfs:label "测试法院"@zh , "Test court"@en ; zf:inProvince zfr:province-hunan .
zfr:measure-test a zf:Measure ; rdfs:label "测试举措"@zh , "test measure"@en ;
    zf:adoptedBy zfr:organ-test ;
    zf:attributionBasis zf:InferredFromContext ;
    zf:attributionNote "据小标题审判监督管理机制推断"@zh , "inferred from the sub-heading on trial supervision"@en ;
    prov:wasDerivedFrom zfr:ev-heading , zfr:ev-sentence .
zfr:ev-heading a zf:Evidence ; zf:evidenceRole zf:ContextHeading ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "审判监督管理机制" ] , [ a oa:TextPositionSelector ; oa:start 10 ; oa:end 18 ] .
zfr:ev-sentence a zf:Evidence ; zf:evidenceRole zf:StatingSentence ;
    oa:hasSelector [ a oa:TextQuoteSelector ; oa:exact "建立院庭长办案监督机制" ] , [ a oa:TextPositionSelector ; oa:start 40 ; oa:end 51 ] .
"""


def test_details_show_the_attribution_and_stating_sentences_first(browser: Browser, tmp_path: Path) -> None:
    fixture = tmp_path / "attributed.ttl"
    fixture.write_text(ATTRIBUTED, encoding="utf-8")
    out = tmp_path / "attributed.html"
    result = CliRunner().invoke(
        app, ["viz", "--include", str(fixture), "--focus", "zfr:measure-test", "--depth", "1", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    opened = open_page(browser, out)
    opened.js("(id) => kgExplorer.select(id)", ZFR + "measure-test")
    details = opened.page.inner_text("#details")
    assert "归属机关依据" in details and "据上下文推断；据小标题审判监督管理机制推断" in details
    quotes = opened.page.locator("#details .quote").all_inner_texts()
    assert [q.split("\n")[0] for q in quotes] == ["建立院庭长办案监督机制", "所在标题（上下文）"]
    assert "审判监督管理机制" in quotes[1]
    opened.page.click("#lang-switch button[data-lang=en]")
    details = opened.page.inner_text("#details")
    assert "Organ attribution" in details and "inferred from context; inferred from the sub-heading" in details
    assert "Evidence (quoted in the original Chinese)" in details
    assert "section heading (context)" in opened.page.locator("#details .quote.heading").inner_text()
    opened.assert_clean()


def test_state_is_read_from_and_written_to_the_hash(browser: Browser, whole_page: Path, seed_store: ox.Store) -> None:
    hunan = province_iri(seed_store, "Hunan")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    url = whole_page.resolve().as_uri()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith(url) else route.abort())
    page.goto(url + "#lang=en&province=province-hunan&focus=province-hunan&depth=1")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    opened = Opened(page)
    assert opened.js("() => kgExplorer.language()") == "en"
    assert opened.drawn()[0] == expected_neighbourhood(seed_store, hunan) & expected_province_view(seed_store, hunan)
    assert "Within 1 link(s)" in page.inner_text("#focus-section")
    # Changes go back into the address.
    page.click("#lang-switch button[data-lang=zh]")
    opened.js("(id) => kgExplorer.select(id)", hunan)
    assert (
        page.evaluate("() => location.hash")
        == "#province=province-hunan&focus=province-hunan&depth=1&select=province-hunan"
    )
    page.click("#focus-clear")
    page.click("#provinces-all")
    assert page.evaluate("() => location.hash") == "#select=province-hunan"
    # A new hash (a link, the host page) is followed.
    page.evaluate("() => { location.hash = '#lang=en'; }")
    page.wait_for_function("() => kgExplorer.language() === 'en'")
    assert opened.js("() => kgExplorer.network.getSelectedNodes()") == []


def test_served_page_speaks_of_a_view_and_tells_its_host(
    seed_store: ox.Store, browser: Browser, tmp_path: Path
) -> None:
    """render_html(served=True) as kg serve embeds it: no "file" or kg viz wording; state posted to the host."""
    view = explore(seed_store, provinces=["Hunan"], max_nodes=30)
    page_html = view.to_html("en", served=True)
    inner = tmp_path / "view.html"
    inner.write_text(page_html, encoding="utf-8")
    host = tmp_path / "host.html"
    host.write_text(
        "<!DOCTYPE html><meta charset=utf-8><body><script>window.states = [];"
        "addEventListener('message', e => states.push(e.data.kgGraphState));</script>"
        '<iframe src="view.html" style="width:1200px;height:800px"></iframe>',
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(host.resolve().as_uri())
    frame = page.frame_locator("iframe")
    frame.locator("body[data-ready=true]").wait_for(state="attached", timeout=120_000)
    text = frame.locator("body").inner_text()
    assert "Filters of this view" in text and "of this file" not in text and "kg viz" not in text
    assert "search for a node and show only its neighbourhood" in frame.locator("#notice").inner_text()
    frame.locator("#lang-switch button[data-lang=zh]").click()
    page.wait_for_function("() => window.states.includes('#lang=zh')")
    assert "of this file" in view.to_html("en")  # the file keeps its own wording


def test_axe_finds_no_serious_violation(browser: Browser, whole_page: Path, seed_store: ox.Store) -> None:
    context = browser.new_context(bypass_csp=True, viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.goto(whole_page.resolve().as_uri())
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    assert axe_violations(page) == []
    page.evaluate("(id) => kgExplorer.select(id)", province_iri(seed_store, "Hunan"))
    page.click("#lang-switch button[data-lang=en]")
    page.fill("#search", "court")
    assert axe_violations(page) == []
    context.close()
