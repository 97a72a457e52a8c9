"""Linked views and the Cite control (issues 15.5 and 17), in a real headless Chromium with every request off the
server blocked: click a measure in /graph, follow each link its details panel offers (its page, its quote's place
in the source, its compare cell) and land on the right page; read a citation from an /id/ page, from the graph's
panel and from a compare cell; markup in labels and quotes stays text on the way.

The measure: Jiangsu's compulsory similar-case search, quoted from the seed at code points 2167–2205, filed under
the mechanism 类案检索 of the category 统一标准与办案指引 (cat-uniform-standards), adopted by Jiangsu's courts.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from playwright.sync_api import Browser, FrameLocator, Page

from tests.browser import REQUIRES_CHROMIUM, run_axe
from tests.test_serve_browser import Visit, markup_server, server, visit

pytestmark = REQUIRES_CHROMIUM
__all__ = ["markup_server", "server"]

ZFR = "https://w3id.org/zhengfa-kg/id/"
MEASURE = "measure-jiangsu-mandatory-similar-case-search"
LABEL = "制定操作规程，规定六类情形必须进行类案强制检索"
QUOTE = "制定操作规程,规定新类型案件、法律适用规则不明等六类情形必须进行类案强制检索"
SOURCE = "doc-c6000f12c74fa8d8"
CELL = (
    "/compare?by=category&across=province&row=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fcat-uniform-standards"
    "&column=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fprovince-jiangsu#cell"
)


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Visit]:
    yield from visit(browser, server)


@pytest.fixture
def audit_tab(browser: Browser, server: str) -> Iterator[Visit]:
    yield from visit(browser, server, bypass_csp=True)


@pytest.fixture
def markup_tab(browser: Browser, markup_server: str) -> Iterator[Visit]:
    yield from visit(browser, markup_server)


def open_graph(page: Page, origin: str, local: str) -> FrameLocator:
    """/graph focused on one node, its explorer laid out and ready."""
    page.goto(f"{origin}/graph?focus={ZFR}{local}&depth=1")
    inner = page.frame_locator("#graph-frame")
    inner.locator("body[data-ready=true]").wait_for(state="attached", timeout=120_000)
    return inner


def click_node(page: Page, iri: str) -> None:
    """A real mouse click on the node where the explorer drew it."""
    frame = page.frame(url=lambda url: "/graph/view" in url)
    assert frame is not None
    frame.wait_for_function("() => kgExplorer.ready")
    point = frame.evaluate(
        """iri => { const n = kgExplorer.network; n.stopSimulation(); n.fit({animation: false});
                   return n.canvasToDOM(n.getPositions([iri])[iri]); }""",
        iri,
    )
    graph = frame.locator("#graph").bounding_box()  # in the window's coordinates, frame and all
    assert graph is not None
    x, y = graph["x"] + point["x"], graph["y"] + point["y"]
    page.mouse.move(x, y)
    page.mouse.click(x, y)


def test_a_measure_clicked_in_the_graph_links_to_its_page_its_source_and_its_compare_cell(tab: Visit) -> None:
    page = tab.page
    inner = open_graph(page, tab.origin, MEASURE)
    click_node(page, ZFR + MEASURE)
    panel = inner.locator("#details")
    panel.locator(".site-links a.entity-link").wait_for()
    assert panel.locator("h3").inner_text().strip().endswith(LABEL)
    # Every link leaves the frame for the whole window.
    targets = panel.locator("a.entity-link, a.source-link, a.compare-link").evaluate_all("as => as.map(a => a.target)")
    assert targets and set(targets) == {"_top"}
    assert panel.locator("a.entity-link").get_attribute("href") == f"/id/{MEASURE}"
    quotes = panel.locator(".quote a.source-link")
    assert quotes.count() == 1
    assert quotes.get_attribute("href") == f"/source/{SOURCE}?start=2167&end=2205#quote"
    compare = panel.locator("a.compare-link")
    assert compare.count() == 1
    assert compare.inner_text() == "统一标准与办案指引 × 江苏"
    assert compare.get_attribute("href") == CELL

    panel.locator("a.entity-link").click()
    page.wait_for_url(f"**/id/{MEASURE}")
    assert page.locator("h1").inner_text().startswith(LABEL)
    page.go_back()
    inner = page.frame_locator("#graph-frame")
    inner.locator("body[data-ready=true]").wait_for(state="attached", timeout=120_000)
    click_node(page, ZFR + MEASURE)

    inner.locator("#details .quote a.source-link").click()
    page.wait_for_url(f"**/source/{SOURCE}?start=2167&end=2205#quote")
    assert page.locator("mark#quote").inner_text() == QUOTE
    page.go_back()
    inner = page.frame_locator("#graph-frame")
    inner.locator("body[data-ready=true]").wait_for(state="attached", timeout=120_000)
    click_node(page, ZFR + MEASURE)

    inner.locator("#details a.compare-link").click()
    page.wait_for_url("**/compare?**")
    query = parse_qs(urlparse(page.url).query)
    assert query == {
        "by": ["category"],
        "across": ["province"],
        "row": [ZFR + "cat-uniform-standards"],
        "column": [ZFR + "province-jiangsu"],
    }
    assert page.locator(f'#cell ol.explained a[href="/id/{MEASURE}"]').count() >= 1
    tab.check()


def test_the_graph_panel_cites_the_selected_node(tab: Visit) -> None:
    page = tab.page
    inner = open_graph(page, tab.origin, MEASURE)
    click_node(page, ZFR + MEASURE)
    cite = inner.locator("#details details.cite")
    cite.locator("summary").click()
    text = cite.locator("textarea.cite-text")
    expected = httpx.get(tab.origin + "/cite", params={"iri": ZFR + MEASURE, "style": "gb7714", "lang": "zh"}).text
    page.wait_for_function(
        "t => document.getElementById('graph-frame').contentDocument.querySelector('textarea.cite-text').value === t",
        arg=expected.rstrip("\n"),
    )
    # Another style: English, as kg cite would choose for APA.
    cite.locator("select[name=style]").select_option("apa")
    assert cite.locator("select[name=lang]").input_value() == "en"
    expected_apa = httpx.get(tab.origin + "/cite", params={"iri": ZFR + MEASURE, "style": "apa"}).text
    page.wait_for_function(
        "t => document.getElementById('graph-frame').contentDocument.querySelector('textarea.cite-text').value === t",
        arg=expected_apa.rstrip("\n"),
    )
    assert text.input_value().startswith("Issuing operating rules")
    assert cite.locator("a.cite-open").get_attribute("href") == (
        "/cite?iri=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2F" + MEASURE + "&style=apa&lang=en"
    )
    tab.check()


def test_an_entity_page_cite_control_shows_and_copies_the_citation(browser: Browser, server: str) -> None:
    for seen in visit(browser, server):
        page = seen.page
        page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=server)
        page.goto(f"{server}/id/{MEASURE}")
        cite = page.locator("header details.cite")
        assert cite.locator("textarea.cite-text").is_hidden()
        cite.locator("summary").click()
        text = cite.locator("textarea.cite-text")
        page.wait_for_function(
            "() => document.querySelector('textarea.cite-text').value.startsWith('[1]') ||"
            " document.querySelector('textarea.cite-text').value.split('\\n').length > 2"
        )
        lines = text.input_value().splitlines()
        assert lines[0] == LABEL
        assert lines[2] == (
            "[1]周斌, 董凡超. 政法领域全面深化改革推进视频会发言摘登——加快构建规范高效的执法司法制约监督体系"
            f"[N/OL]. 法制网, 2020-08-28[{date.today().isoformat()}]. {ZFR}{SOURCE}."
        )
        cite.locator("button.cite-copy").click()
        page.wait_for_function("() => document.querySelector('.cite-status').textContent.length > 0")
        assert page.evaluate("() => navigator.clipboard.readText()") == text.input_value()
        # Without a script, the form opens the same citation as plain text.
        cite.locator("select[name=style]").select_option("chicago")
        with page.expect_navigation():
            cite.locator("button.cite-open").click()
        assert parse_qs(urlparse(page.url).query) == {"iri": [ZFR + MEASURE], "style": ["chicago"], "lang": ["en"]}
        assert "Zhou, Bin, and Fanchao Dong. 2020." in page.locator("body").inner_text()
        seen.check()


def test_each_measure_of_a_compare_cell_has_a_cite_control(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/compare")
    page.locator('#matrix a.cell-link[href*="cat-uniform-standards&"][href*="province-jiangsu#"]').click()
    page.wait_for_selector("#cell ol.explained")
    items = page.locator("#cell ol.explained > li")
    assert items.count() >= 1
    assert page.locator("#cell ol.explained > li details.cite").count() == items.count()
    ours = page.locator("#cell ol.explained > li", has=page.locator(f'strong a[href="/id/{MEASURE}"]'))
    ours.locator("details.cite summary").click()
    ours.locator("textarea.cite-text").wait_for()
    page.wait_for_function(
        "n => [...document.querySelectorAll('#cell textarea.cite-text')].some(t => t.value.startsWith(n))",
        arg=LABEL,
    )
    tab.check()


def test_markup_in_the_served_graph_panel_stays_text(markup_tab: Visit) -> None:
    page = markup_tab.page
    inner = open_graph(page, markup_tab.origin, "test-markup-measure")
    frame = page.frame(url=lambda url: "/graph/view" in url)
    assert frame is not None
    frame.evaluate(f"() => kgExplorer.select('{ZFR}test-markup-measure')")
    panel = inner.locator("#details")
    panel.locator("a.entity-link").wait_for()
    assert '<b onmouseover="window.__xss = 3">标记举措</b>' in panel.locator("h3").inner_text()
    assert panel.locator(".quote .exact").inner_text() == "<script>window.__xss = 4</script>"
    assert panel.locator("a.entity-link").get_attribute("href") == "/id/test-markup-measure"
    assert panel.locator(".quote a.source-link").get_attribute("href") == f"/source/{SOURCE}?start=1&end=2#quote"
    assert panel.locator("b, img, iframe, script, [onmouseover], [onerror], [onload]").count() == 0
    panel.locator("details.cite summary").click()
    page.wait_for_function(
        "() => document.getElementById('graph-frame').contentDocument"
        ".querySelector('textarea.cite-text').value.includes('<b onmouseover')"
    )
    assert frame.evaluate("() => window.__xss") is None
    markup_tab.check()


@pytest.mark.parametrize("path", [f"/id/{MEASURE}", CELL.split("#")[0], "/"])
def test_pages_with_cite_controls_pass_axe(audit_tab: Visit, path: str) -> None:
    page = audit_tab.page
    page.goto(audit_tab.origin + path)
    for summary in page.locator("details.cite summary").all()[:2]:
        summary.click()
    if page.locator("details.cite").count():
        page.wait_for_function("() => document.querySelector('textarea.cite-text').value.length > 2")
    assert run_axe(page) == []
    audit_tab.check()


def test_the_home_page_links_the_dataset_and_service_descriptions(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/")
    void = page.locator("a#void-link")
    assert void.get_attribute("href") == "/.well-known/void"
    service = page.locator("a#service-description")
    href = service.get_attribute("href")
    assert href is not None
    answer = httpx.get(tab.origin + href)
    assert answer.status_code == 200 and "sd:Service" in answer.text
    assert httpx.get(tab.origin + "/.well-known/void").status_code == 200
    tab.check()


def test_the_served_graph_panel_with_its_cite_control_passes_axe(audit_tab: Visit) -> None:
    page = audit_tab.page
    page.goto(f"{audit_tab.origin}/graph/view?focus={ZFR}{MEASURE}&depth=1")
    page.wait_for_selector("body[data-ready=true]", state="attached", timeout=120_000)
    page.evaluate(f"() => kgExplorer.select('{ZFR}{MEASURE}')")
    page.locator("#details details.cite summary").click()
    page.wait_for_function("() => document.querySelector('textarea.cite-text').value.length > 2")
    assert run_axe(page) == []
    audit_tab.check()


def test_a_measure_under_two_categories_links_both_compare_cells(tab: Visit) -> None:
    # Guangxi's guided evidence collection (the 表格式菜单 measures were merged into it by the splitting rule)
    # implements mechanisms under 统一标准与办案指引 and under 相互制约与法律监督; its organ is Guangxi's.
    local = "measure-guangxi-guided-evidence-collection"
    page = tab.page
    inner = open_graph(page, tab.origin, local)
    click_node(page, ZFR + local)
    links = inner.locator("#details a.compare-link")
    links.first.wait_for()
    assert sorted(links.all_inner_texts()) == ["相互制约与法律监督 × 广西", "统一标准与办案指引 × 广西"]
    hrefs = links.evaluate_all("as => as.map(a => a.getAttribute('href'))")
    rows = sorted(parse_qs(urlparse(h).query)["row"][0] for h in hrefs)
    assert rows == [ZFR + "cat-legal-supervision", ZFR + "cat-uniform-standards"]
    for href in hrefs:
        page.goto(tab.origin + href)
        assert page.locator(f'#cell ol.explained a[href="/id/{local}"]').count() >= 1
    tab.check()
