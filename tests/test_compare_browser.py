"""The HTML matrix of ``kg compare`` in a real headless Chromium, offline: every request that is
not for the file itself is blocked (and none may be attempted), markup in labels stays text,
a click on a cell opens its quotes beside the matrix, and every shaded cell's text meets WCAG AA
contrast as the browser computes the colours."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from typer.testing import CliRunner

from kg.cli import app
from tests.browser import REQUIRES_CHROMIUM
from tests.test_compare import EVIL

pytestmark = REQUIRES_CHROMIUM


@pytest.fixture(scope="module")
def page_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("compare-html")
    (folder / "evil.ttl").write_text(EVIL, encoding="utf-8")
    out = folder / "matrix.html"
    result = CliRunner().invoke(
        app,
        [
            "compare",
            "--backend",
            "memory",
            "-i",
            str(folder / "evil.ttl"),
            "--format",
            "html",
            "--count",
            "measures",
            "-o",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    return out


def test_html_matrix_offline_escaped_and_linked(browser: Browser, page_file: Path) -> None:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    elsewhere: list[str] = []
    errors: list[str] = []
    dialogs: list[str] = []

    def guard(route):  # type: ignore[no-untyped-def]
        if route.request.url.startswith("file:"):
            route.continue_()
        else:
            elsewhere.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.goto(page_file.as_uri())
    assert page.title() == "省份 × 机制类别（举措数）"
    assert page.locator("thead th").all_inner_texts() == ["机制类别", "湖南", "江苏", "广西", "贵州", "四川", "合计"]

    row = page.locator("tr", has=page.locator("th.row", has_text="流程管控与节点监控"))
    link = row.locator("td.n a").nth(0)  # 湖南 (广西 is 0: not a link)
    assert row.locator("td.n").nth(2).inner_text().split() == ["–", "未提及"]  # the dash, and its words for readers
    assert row.locator("td.n").nth(2).get_attribute("title") == "未提及"
    link = row.locator("td.n a").nth(1)  # 江苏
    assert link.inner_text() == "4"  # REVIEW-1: the 24 procedures and the "854" nodes are one list, one measure
    target = link.get_attribute("href")
    assert target == "#cell__cat-process-control__province-jiangsu"
    before = page.evaluate("window.scrollY")
    link.click()
    assert page.url.endswith(target)
    section = page.locator(target)
    assert section.is_visible()
    assert section.locator("li").count() == 4
    assert "执行工作“854”模式37个流程节点" in section.inner_text()
    # Beside the matrix, not below it: the panel is right of the table and the page did not scroll away.
    table_box = page.locator("table").first.bounding_box()
    panel_box = page.locator("aside#panel").bounding_box()
    assert table_box and panel_box and panel_box["x"] >= table_box["x"] + table_box["width"]
    assert page.evaluate("window.scrollY") == before
    assert page.locator("aside section.cell:visible").count() == 1
    # Quotes carry their context (prefix … suffix) around the marked exact text.
    first = section.locator("blockquote").first
    assert first.locator("mark").count() == 1 and first.locator(".ctx").count() >= 1
    # Another cell replaces it.
    row.locator("td.n a").nth(0).click()
    assert page.locator("aside section.cell:visible").count() == 1
    assert page.locator("#cell__cat-process-control__province-hunan").is_visible()

    # Every shaded cell: the contrast of its text colour on its background, as rendered, is at least 4.5:1.
    pairs = page.evaluate(
        """() => [...document.querySelectorAll('td.n')].map(td => {
             const s = getComputedStyle(td); const a = td.querySelector('a');
             return [getComputedStyle(a || td).color, s.backgroundColor]; })"""
    )
    assert len(pairs) > 60

    def luminance(rgb: str) -> float:
        r, g, b = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
        lin = [(c / 255) / 12.92 if c / 255 <= 0.04045 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    for colour, background in pairs:
        if background == "rgba(0, 0, 0, 0)":
            background = "rgb(255, 255, 255)"
        high, low = sorted((luminance(colour), luminance(background)), reverse=True)
        assert (high + 0.05) / (low + 0.05) >= 4.5, (colour, background)

    # Markup in a label or quote is shown as text and never runs.
    shown = page.locator("body").text_content() or ""  # hidden panels included
    assert "<script>alert('m')</script> & 举措" in shown
    assert "<img src=x onerror=alert(1)>" in shown
    assert page.locator("img").count() == 0 and page.locator("body script").count() == 1  # the page's own
    assert page.locator("body script").get_attribute("src") is None
    page.screenshot(path=str(page_file.with_suffix(".png")), full_page=False)
    assert not elsewhere and not errors and not dialogs
    page.close()


def test_english_page_shows_the_sources_english_title(browser: Browser, tmp_path: Path) -> None:
    out = tmp_path / "matrix.en.html"
    result = CliRunner().invoke(
        app,
        ["compare", "--backend", "memory", "--format", "html", "--lang", "en", "--count", "measures", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    page = browser.new_page()
    page.route("**/*", lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort())
    page.goto(out.as_uri())
    page.locator("tr", has=page.locator("th.row", has_text="Process control")).locator("td.n a").first.click()
    cite = page.locator("aside section.cell:visible cite").first.inner_text()
    assert cite.startswith("Excerpts of speeches at the video conference")
    assert "not reported in the source" in page.locator("body").inner_text()
    page.close()
