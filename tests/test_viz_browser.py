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
from tests.browser import REQUIRES_CHROMIUM
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
