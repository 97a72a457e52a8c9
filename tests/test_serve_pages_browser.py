"""The first contact with `kg serve` (issue 15), in a real headless Chromium with every request off the
server blocked: the home page's tasks, the entity pages that lead with what was reported and link to the
graph and back, the graph page's one set of controls, the SPARQL editor (YASGUI), the comparison's cell
panel and contrast, and an axe-core audit of every kind of page.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

import pytest
from playwright.sync_api import Browser

from kg.namespaces import PREFIXES
from kg.store import open_store
from tests.browser import REQUIRES_CHROMIUM, run_axe
from tests.test_serve_browser import Visit, server, visit, write_query

pytestmark = REQUIRES_CHROMIUM
__all__ = ["server"]  # the module-scoped server fixture, shared with test_serve_browser

ZFR = "https://w3id.org/zhengfa-kg/id/"


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Visit]:
    yield from visit(browser, server)


@pytest.fixture
def audit_tab(browser: Browser, server: str) -> Iterator[Visit]:
    yield from visit(browser, server, bypass_csp=True)


def count(store_path: Path, query: str) -> int:
    """One number from the store, by a SPARQL query written independently of the pages' own code."""
    store = open_store(store_path)
    prefixes = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in PREFIXES.items())
    row = next(iter(store.query(prefixes + query)))
    return int(row[0].value)


# --- 7. the home page -----------------------------------------------------------------------------


def test_home_leads_with_three_tasks_and_the_twelve_questions(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/")
    tasks = page.locator("ul.tasks a.task")
    assert [tasks.nth(i).get_attribute("href") for i in range(tasks.count())] == ["/compare", "/graph", "/query"]
    # The tasks come before anything else in the page's main part, and are in view without scrolling.
    assert page.locator("ul.tasks").bounding_box()["y"] < 400  # type: ignore[index]
    questions = page.locator("ol.competency > li")
    assert questions.count() == 12
    assert [questions.nth(i).get_attribute("value") for i in range(12)] == [str(n) for n in range(1, 13)]
    # Data checks are listed apart from the questions, and the class-count table is gone from here.
    checks = page.locator("ul.checks a").all_inner_texts()
    assert len(checks) == 6 and not any("check-" in href for href in questions.locator("a").all_inner_texts())
    assert page.locator("table.counts").count() == 0
    assert "owl:Class" not in page.content() and "sh:NodeShape" not in page.content()
    # The matrix questions also lead to /compare.
    assert page.locator('ol.competency li[value="1"] a.see').get_attribute("href") == (
        "/compare?by=category&across=province"
    )
    page.click("#task-compare")
    page.wait_for_url("**/compare")
    page.goto(tab.origin + "/ontology#counts")
    assert page.locator("table.counts").count() == 1
    tab.check()


def test_search_shows_telling_types_and_one_row_per_name(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/search?q=最高人民法院")
    types = " ".join(page.locator("table.results td:nth-child(3)").all_inner_texts())
    assert "owl:Class" not in types and "skos:Concept" not in types
    names = page.locator("table.results td:nth-child(2)").all_inner_texts()
    assert names.count("最高人民法院") == 1  # the organ, not also the class of that name
    page.goto(tab.origin + "/search?q=类案检索")
    types = " ".join(page.locator("table.results td:nth-child(3)").all_inner_texts())
    assert "skos:Concept" not in types and "机制" in types
    tab.check()


# --- 5 and 6. entity pages ------------------------------------------------------------------------


def test_a_province_page_leads_with_its_31_measures_by_category(tab: Visit, store_path: Path) -> None:
    expected = count(
        store_path,
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a zf:Measure ; zf:adoptedBy/zf:inProvince zfr:province-hunan }",
    )
    assert expected == 31  # the same total tests/test_compare.py works out by hand (REVIEW-1)
    page = tab.page
    page.goto(tab.origin + "/id/province-hunan")
    sections = page.locator("article.entity > section")
    assert sections.first.get_attribute("id") == "reported"
    assert page.locator("#reported h2 .count").inner_text() == "(31)"
    listed = page.eval_on_selector_all("#reported ul.measures > li > a:first-child", "as => as.map(a => a.href)")
    assert len(set(listed)) == 31
    # Each category group names its category and links to its compare cell.
    group = page.locator("#reported section.reported-group").first
    category = group.locator("h3 a").first.get_attribute("href")
    assert category is not None and category.startswith("/id/cat-")
    cell = group.locator("a.compare-link").get_attribute("href")
    assert cell is not None
    query = parse_qs(urlparse(cell).query)
    assert query["column"] == [ZFR + "province-hunan"] and query["row"] == [ZFR + category.removeprefix("/id/")]
    group.locator("a.compare-link").click()
    page.wait_for_selector("#cell figure.quote")
    assert page.locator("#matrix td.selected").count() == 1
    tab.check()


def test_a_category_page_counts_the_measures_under_its_mechanisms(tab: Visit, store_path: Path) -> None:
    expected = count(
        store_path,
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE "
        "{ ?m a zf:Measure ; zf:implements/skos:broader* zfr:cat-legal-supervision }",
    )
    direct = count(
        store_path,
        "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a zf:Measure ; zf:implements zfr:cat-legal-supervision }",
    )
    assert expected > direct  # most are filed under a mechanism, not the category itself
    page = tab.page
    page.goto(tab.origin + "/id/cat-legal-supervision")
    assert page.locator("#reported h2 .count").inner_text() == f"({expected})"
    tab.check()


def test_an_organ_page_puts_its_measures_first_and_names_relations_readably(tab: Visit, store_path: Path) -> None:
    expected = count(store_path, "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m zf:adoptedBy zfr:organ-hunan-courts }")
    page = tab.page
    page.goto(tab.origin + "/id/organ-hunan-courts")
    assert page.locator("article.entity > section").first.get_attribute("id") == "reported"
    assert page.locator("#reported h2 .count").inner_text() == f"({expected})"
    # No second list of the same measures under the inverse label "adopted by".
    summaries = page.locator("section.incoming summary").all_inner_texts()
    assert not any("adopted by" in s or "采取机关" in s for s in summaries)
    # Every property row is labelled: a name, never a bare prefixed name such as dcterms:creator.
    page.goto(tab.origin + "/id/policy-guangxi-evidence-form-menus")
    headings = page.locator("table.properties th > a").all_inner_texts()
    assert headings and not [h for h in headings if re.fullmatch(r"[a-z]+:[A-Za-z]+", h)]
    tab.check()


def test_every_entity_page_links_to_the_graph_and_the_graph_back(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/id/province-hunan")
    links = page.locator("p.actions a.graph-link")
    assert links.count() == 2
    page.locator('p.actions a.graph-link[data-depth="2"]').click()
    page.wait_for_url("**/graph?**")
    query = parse_qs(urlparse(page.url).query)
    assert query == {"focus": [ZFR + "province-hunan"], "depth": ["2"]}
    assert page.input_value("#focus") == "湖南省"
    assert page.input_value("#depth") == "2"
    page.frame_locator("#graph-frame").locator("canvas").first.wait_for()
    # A measure's page too, and its quotes stating sentence first.
    page.goto(tab.origin + "/id/measure-sichuan-lawyer-case-representation")
    assert page.locator("p.actions a.graph-link").count() == 2
    # A measure leads to the compare cell that counts it, and the cell lists it.
    page.locator("p.actions a.compare-link").first.click()
    page.wait_for_selector("#cell figure.quote")
    assert page.locator('#cell a[href="/id/measure-sichuan-lawyer-case-representation"]').count() >= 1
    tab.check()


# --- 4. the graph page ----------------------------------------------------------------------------


def test_the_graph_page_has_one_set_of_controls_fills_the_window_and_keeps_its_state_in_the_url(
    tab: Visit,
) -> None:
    page = tab.page
    page.goto(tab.origin + "/graph")
    # Province, language and reset are the explorer's own (in the frame): none outside it.
    assert page.locator("main select[name=province], main select[name=lang], main select[name=category]").count() == 0
    assert "Filters of this file" not in page.content()
    frame = page.locator("#graph-frame")
    frame.wait_for()
    box = frame.bounding_box()
    header = page.locator("header.site").bounding_box()
    assert box is not None and header is not None
    viewport = page.viewport_size
    assert viewport is not None
    assert box["y"] >= header["y"] + header["height"]
    assert box["y"] + box["height"] >= viewport["height"] - 16  # down to the bottom of the window
    assert box["height"] >= viewport["height"] - 160
    # The focus field: a name, a depth, and the URL says what is shown.
    page.fill("#focus", "湖南省")
    page.select_option("#depth", "1")
    page.click("#graph-form button[type=submit]")
    page.wait_for_url("**/graph?focus=**")
    query = parse_qs(urlparse(page.url).query)
    assert query["focus"] == ["湖南省"] and query["depth"] == ["1"]
    assert re.match(r"\d+ nodes", page.locator("#graph-summary").inner_text())
    # The explorer's own state (in its hash) is mirrored into the page's URL.
    inner = page.frame_locator("#graph-frame")
    inner.locator("canvas").first.wait_for()
    page.evaluate(
        """() => { const w = document.getElementById('graph-frame').contentWindow;
                    w.location.hash = '#lang=en'; }"""
    )
    page.wait_for_function("() => location.hash === '#lang=en'")
    # The selected node gets a link to its page beside the focus field.
    assert page.locator("#graph-selected").is_hidden()
    page.evaluate(
        "() => { document.getElementById('graph-frame').contentWindow.location.hash = '#select=province-hunan'; }"
    )
    page.wait_for_function("() => !document.getElementById('graph-selected').hidden")
    assert page.get_attribute("#graph-selected", "href") == "/id/province-hunan"
    page.click("#whole-graph")
    page.wait_for_url(re.compile(r".*/graph$"))
    tab.check()


# --- 8. the SPARQL editor -------------------------------------------------------------------------


def test_the_editor_is_yasgui_with_our_prefixes_and_nothing_from_the_network(tab: Visit, store_path: Path) -> None:
    page = tab.page
    page.goto(tab.origin + "/query?name=province-category-matrix")
    page.wait_for_selector(".yasqe .CodeMirror")
    # Highlighting: comments, keywords, variables and prefixed names are told apart.
    assert page.locator(".yasqe .cm-comment").count() > 3
    # The parameter fields in the order the query's header gives them (province, then category).
    fields = page.eval_on_selector_all("#params input", "xs => xs.map(x => x.name)")
    assert fields == ["param.province", "param.category"]
    # The comment header is the description; the matrix question links to /compare.
    assert "One row per province and category" in page.locator("#description").inner_text()
    assert page.get_attribute("#compare-link", "href") == "/compare?by=category&across=province"
    # Picking another query keeps its own parameter order too.
    page.click('#shipped a[data-name="who-supervises-whom"]')
    assert page.eval_on_selector_all("#params input", "xs => xs.map(x => x.name)") == ["param.province"]
    write_query(page, "SELECT ?x WHERE { ?x a zf:Province }")
    assert page.locator(".yasqe .cm-keyword").all_inner_texts()[:2] == ["SELECT", "WHERE"]
    assert page.locator(".yasqe .cm-atom").all_inner_texts() == ["?x", "?x"]
    assert page.locator(".yasqe .cm-string-2").all_inner_texts() == ["zf:Province"]
    # The predeclared prefixes count as declared in the syntax check; an unknown one is marked.
    assert page.locator(".yasqe .parseErrorIcon").count() == 0
    write_query(page, "SELECT ?x WHERE { ?x a nope:Province }")
    page.wait_for_selector(".yasqe .parseErrorIcon")
    # Prefix completion offers exactly our prefixes.
    write_query(page, "PREFIX ")
    page.evaluate("() => { const e = window.kgEditor; e.focus(); e.setCursor(e.lineCount(), 0); }")
    page.keyboard.press("Control+Space")
    page.wait_for_selector(".CodeMirror-hints li")
    hints = page.locator(".CodeMirror-hints li").all_inner_texts()
    assert sorted(hints) == sorted(f"{p}: <{iri}>" for p, iri in PREFIXES.items())
    page.keyboard.press("Escape")
    # Run a query with Ctrl+Enter: IRIs as labelled CURIEs, a shared language tag shown once, sticky header.
    write_query(
        page, "SELECT ?province ?name WHERE { ?province a zf:Province ; zf:shortName ?name FILTER(LANG(?name) = 'zh') }"
    )
    page.locator(".CodeMirror textarea").press("Control+Enter")
    page.wait_for_selector("#results tbody tr")
    assert page.locator("#results tbody tr").count() == 5
    first = page.locator("#results tbody tr td:nth-child(1)").all_inner_texts()
    assert all(re.fullmatch(r"\S+省|\S+自治区", t.split("\n")[0].split(" ")[0]) for t in first)
    assert all("zfr:province-" in t for t in first)
    assert page.locator("#results thead th").nth(1).inner_text() == "name @zh"
    assert not [t for t in page.locator("#results tbody td:nth-child(2)").all_inner_texts() if "@" in t]
    assert page.eval_on_selector("#results thead th", "th => getComputedStyle(th).position") == "sticky"
    tab.check()


# --- 9. the comparison ----------------------------------------------------------------------------

CONTRAST = """() => {
  const rgb = s => s.match(/\\d+(\\.\\d+)?/g).slice(0, 3).map(Number);
  const lum = c => { const [r, g, b] = c.map(v => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
                     return 0.2126 * r + 0.7152 * g + 0.0722 * b; };
  const out = {};
  for (const a of document.querySelectorAll('#matrix td[class*="shade-"] a')) {
    const shade = [...a.parentElement.classList].find(c => c.startsWith('shade-'));
    const fg = lum(rgb(getComputedStyle(a).color)), bg = lum(rgb(getComputedStyle(a.parentElement).backgroundColor));
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    out[shade] = Math.min(out[shade] || 99, ratio);
  }
  return out;
}"""


def test_compare_cells_open_beside_the_matrix_with_readable_shades_and_a_sticky_header(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/compare?by=mechanism")
    ratios = page.evaluate(CONTRAST)
    page.goto(tab.origin + "/compare")
    for shade, ratio in page.evaluate(CONTRAST).items():
        ratios[shade] = min(ratio, ratios.get(shade, ratio))
    assert {"shade-4", "shade-5"} <= set(ratios) and {"shade-1", "shade-2"} & set(ratios)  # dark and light
    assert all(r >= 4.5 for r in ratios.values()), ratios
    page.goto(tab.origin + "/compare?by=mechanism")
    # The header row stays at the top of the scrolling matrix.
    wrap = page.locator(".matrix-wrap")
    top = wrap.bounding_box()["y"]  # type: ignore[index]
    wrap.evaluate("w => w.scrollTop = 600")
    header = page.locator("#matrix thead th").nth(1).bounding_box()
    assert header is not None and abs(header["y"] - top) < 3
    # A click opens the cell beside the matrix, without loading another page.
    page.goto(tab.origin + "/compare")
    page.evaluate("() => window.stillHere = true")
    link = page.locator("#matrix a.cell-link").first
    n = int(link.inner_text())
    link.click()
    page.wait_for_selector("#cell-panel #cell figure.quote")
    assert page.evaluate("() => window.stillHere") is True
    assert "row=" in page.url and "column=" in page.url
    assert page.locator("#cell ol.explained > li").count() == n
    panel = page.locator("#cell-panel").bounding_box()
    matrix = page.locator(".matrix-wrap").bounding_box()
    assert panel is not None and matrix is not None and panel["x"] >= matrix["x"] + matrix["width"]
    # The cell leads to the graph focused on exactly its measures.
    graph = page.get_attribute("#cell-graph", "href")
    assert graph is not None
    focus = parse_qs(urlparse(graph).query)["focus"]
    measures = page.eval_on_selector_all(
        "#cell ol.explained > li strong a", "as => as.map(a => a.getAttribute('href'))"
    )
    assert sorted(unquote(f).removeprefix(ZFR) for f in focus) == sorted(m.removeprefix("/id/") for m in measures)
    tab.check()


# --- the accessibility audit -----------------------------------------------------------------------

PAGES = [
    "/",
    "/search?q=湖南",
    "/query?name=province-measures",
    "/query?query=SELECT%20%3Fp%20WHERE%20%7B%20%3Fp%20a%20zf%3AProvince%20%7D",
    "/graph",
    "/compare",
    "/compare?row=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fcat-legal-supervision"
    "&column=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fprovince-hunan",
    "/ontology",
    "/id/province-hunan",
    "/id/organ-hunan-courts",
    "/id/cat-legal-supervision",
    "/id/measure-sichuan-lawyer-case-representation",
    "/id/figure-jiangsu-closure-ratio-2020",
    "/def/Measure",
    "/resource?iri=http%3A%2F%2Fwww.wikidata.org%2Fentity%2FQ45761",
    "/source/doc-c6000f12c74fa8d8?start=100&end=120",
    "/id/no-such-thing",
]


def test_every_kind_of_page_passes_axe_without_serious_or_critical_violations(audit_tab: Visit) -> None:
    page = audit_tab.page
    found = {}
    for path in PAGES:
        page.goto(audit_tab.origin + path)
        page.wait_for_load_state("load")
        violations = run_axe(page)
        if violations:
            found[path] = violations
    assert found == {}
    audit_tab.allow_status(404)
    audit_tab.check()
