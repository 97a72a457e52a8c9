"""The explorer in a real headless Chromium: every request that is not to our loopback server is blocked,
and the tests assert that none was even attempted.

Pick a shipped query, run it, see the rows, download them; open an entity page;
open pages whose labels carry markup and see the markup as text, never run.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route

from kg.build import build
from kg.query import connect, shipped_query
from kg.serve.background import serving
from tests.browser import REQUIRES_CHROMIUM
from tests.test_serve import MARKUP_LABEL, MARKUP_TTL

TIMEOUT_MS = 30_000

pytestmark = REQUIRES_CHROMIUM


@pytest.fixture(scope="module")
def server(store_path: Path) -> Iterator[str]:
    with serving(store_path) as url:
        yield url


@pytest.fixture(scope="module")
def markup_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    folder = tmp_path_factory.mktemp("markup-browser")
    (folder / "markup.ttl").write_text(MARKUP_TTL, encoding="utf-8")
    built = build(include=[folder / "markup.ttl"], out_dir=folder / "dist", validate=False)
    with serving(built.outputs["store"]) as url:
        yield url


@dataclass
class Visit:
    """One browser page that may only talk to ``origin``; what it tried elsewhere, and what went wrong."""

    page: Page
    origin: str
    elsewhere: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def allow_status(self, status: int) -> None:
        """A page answered with this status on purpose (Chromium logs it as an error)."""
        self.errors = [e for e in self.errors if f"status of {status}" not in e]

    def check(self) -> None:
        assert self.elsewhere == [], f"requests outside the server: {self.elsewhere}"
        assert self.errors == [], f"errors in the page: {self.errors}"
        assert self.dialogs == [], f"dialogs opened: {self.dialogs}"


def visit(
    browser: Browser, origin: str, downloads: bool = False, bypass_csp: bool = False, viewport: dict | None = None
) -> Iterator[Visit]:
    """A page in a fresh context; ``bypass_csp`` lets a test inject a script (axe-core), nothing else changes."""
    context = browser.new_context(
        accept_downloads=downloads, bypass_csp=bypass_csp, viewport=viewport or {"width": 1400, "height": 900}
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    seen = Visit(page, origin)

    def route(r: Route) -> None:
        url = r.request.url
        if url == origin or url.startswith(origin + "/") or url.startswith(("data:", "blob:", "about:")):
            r.continue_()
        else:
            seen.elsewhere.append(url)
            r.abort()

    context.route("**/*", route)
    page.on("console", lambda message: seen.errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: seen.errors.append(str(error)))

    def dialog(d: object) -> None:
        seen.dialogs.append(d.message)  # type: ignore[attr-defined]
        d.dismiss()  # type: ignore[attr-defined]

    page.on("dialog", dialog)
    try:
        yield seen
    finally:
        context.close()


def write_query(page: Page, text: str) -> None:
    """Replace the text in the query editor (YASGUI's, once it has loaded) by ``text``."""
    page.wait_for_selector(".CodeMirror")
    page.evaluate("text => window.kgEditor.setValue(text)", text)


@pytest.fixture
def tab(browser: Browser, server: str) -> Iterator[Visit]:
    yield from visit(browser, server, downloads=True)


@pytest.fixture
def markup_tab(browser: Browser, markup_server: str) -> Iterator[Visit]:
    yield from visit(browser, markup_server)


def test_pick_a_shipped_query_run_it_see_the_rows_and_download_them(tab: Visit, store_path: Path) -> None:
    page = tab.page
    page.goto(tab.origin + "/query")
    page.click('#shipped a[data-name="provinces"]')
    # Picking fills the editor without loading a page.
    assert page.input_value("#query") == shipped_query("provinces").text
    assert "provinces" in page.url
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    expected = connect(store=store_path, timeout=None).run("provinces")
    rows = page.locator("#results tbody tr")
    assert rows.count() == len(expected.rows) == 5
    headers = page.locator("#results thead th .name").all_inner_texts()
    assert headers == expected.variables
    # A column whose values all share a language says it once, in its header, and not in every cell.
    assert page.locator("#results thead th").nth(expected.variables.index("provName")).inner_text() == "provName @zh"
    assert "@zh" not in page.locator("#results tbody tr td:nth-child(2)").all_inner_texts()[0]
    first_codes = [row[expected.variables.index("code")].value for row in expected.rows]
    shown_codes = page.locator("#results tbody tr td:nth-child(4)").all_inner_texts()
    assert [c.split(" ")[0] for c in shown_codes] == first_codes
    assert "湖南" in page.locator("#results").inner_text()

    with page.expect_download() as download_info:
        page.click("#download-csv")
    download = download_info.value
    assert download.suggested_filename == "results.csv"
    with open(download.path(), encoding="utf-8", newline="") as handle:
        table = list(csv.reader(handle))
    assert table[0] == expected.variables
    assert len(table) == 1 + len(expected.rows)
    assert sorted(r[expected.variables.index("code")] for r in table[1:]) == sorted(first_codes)
    tab.check()


def test_ctrl_enter_runs_an_edited_query_and_errors_show_their_place(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/query")
    write_query(page, "SELECT ?name WHERE { zfr:province-jiangsu zf:shortName ?name } ORDER BY ?name")
    page.locator(".CodeMirror textarea").press("Control+Enter")
    page.wait_for_selector("#results tbody tr")
    # Two languages in the column: each value keeps its tag.
    assert page.locator("#results tbody td").all_inner_texts() == ["Jiangsu @en", "江苏 @zh"]
    write_query(page, "SELECT * WHERE { ?s ?p }")
    page.click("#run")
    error = page.wait_for_selector("#error")
    assert "line 1, column 18" in error.inner_text()
    assert page.locator("#results").count() == 0
    tab.allow_status(400)
    tab.check()


def test_open_an_entity_page_from_the_results(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/query?name=provinces")
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    page.locator('#results a[href="/id/province-hunan"]').first.click()
    page.wait_for_url("**/id/province-hunan")
    heading = page.locator("h1").inner_text()
    assert "湖南" in heading and "Hunan" in heading
    # Linked entities are one click away, and the quotes of a fact are on its page.
    page.goto(tab.origin + "/id/figure-jiangsu-closure-ratio-2020")
    assert page.locator("figure.quote mark").first.inner_text() == "全省法院结收案比仍然达到84.73%"
    page.locator("figure.quote a", has_text="show in the source").first.click()
    page.wait_for_url("**/source/**")
    assert page.locator("mark#quote").inner_text() == "全省法院结收案比仍然达到84.73%"
    tab.check()


def test_search_compare_graph_and_ontology_pages_work_offline(tab: Visit) -> None:
    page = tab.page
    page.goto(tab.origin + "/")
    page.fill("header input[name=q]", "hunan")
    page.press("header input[name=q]", "Enter")
    page.wait_for_url("**/search?q=hunan")
    assert page.locator('table.results a[href="/id/province-hunan"]').count() == 1

    page.goto(tab.origin + "/compare")
    page.locator("#matrix td a").first.click()
    page.wait_for_selector("#cell figure.quote")
    assert page.locator("#cell li").count() >= 1

    page.goto(tab.origin + "/graph")
    frame = page.frame_locator("iframe.graph")
    frame.locator("canvas").first.wait_for()
    page.goto(tab.origin + "/ontology")
    assert page.locator("#classes").is_visible()
    tab.check()


def test_markup_in_labels_and_quotes_shows_as_text_and_never_runs(markup_tab: Visit) -> None:
    page = markup_tab.page
    for path in (
        "/id/test-markup-organ",
        "/id/test-markup-measure",
        "/id/test-markup-ev",
        "/id/test-js-link",
        "/search?q=%E6%A0%87%E8%AE%B0",
        "/compare?row=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fcat-internal-case-supervision"
        "&column=https%3A%2F%2Fw3id.org%2Fzhengfa-kg%2Fid%2Fprovince-hunan",
    ):
        page.goto(markup_tab.origin + path)
        page.mouse.move(300, 300)
        page.hover("main")
        assert page.evaluate("typeof window.__xss") == "undefined", path
    page.goto(markup_tab.origin + "/id/test-markup-organ")
    assert MARKUP_LABEL in page.locator("h1").inner_text()
    page.goto(markup_tab.origin + "/query")
    write_query(page, "SELECT ?label WHERE { ?s rdfs:label ?label FILTER(CONTAINS(?label, '__xss')) }")
    page.click("#run")
    page.wait_for_selector("#results tbody tr")
    assert MARKUP_LABEL in page.locator("#results").inner_text()
    assert page.evaluate("typeof window.__xss") == "undefined"
    # The attribute breaker's page: its IRI is shown, nothing fires on hover.
    page.goto(markup_tab.origin + "/id/test-quote'onmouseover='window.__xss=6")
    page.hover("h1")
    assert page.evaluate("typeof window.__xss") == "undefined"
    markup_tab.check()
