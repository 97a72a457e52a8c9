"""The HTML matrix of ``kg compare`` in a real headless Chromium, offline: every request that is
not for the file itself is blocked (and none may be attempted), markup in labels stays text,
and a click on a cell lands on its quotes."""

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
        app, ["compare", "--backend", "memory", "-i", str(folder / "evil.ttl"), "--format", "html", "-o", str(out)]
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
    link = row.locator("td.n a").nth(1)  # 江苏
    assert link.inner_text() == "5"
    target = link.get_attribute("href")
    assert target and target.startswith("#cell-")
    link.click()
    assert page.url.endswith(target)
    section = page.locator(target)
    assert section.is_visible()
    assert section.locator("li").count() == 5
    assert "设定执行工作“854”模式37个流程节点" in section.inner_text()
    assert section.evaluate("el => el.getBoundingClientRect().top") < 100  # scrolled to it

    # Markup in a label or quote is shown as text and never runs.
    assert "<script>alert('m')</script> & 举措" in page.locator("body").inner_text()
    assert "<img src=x onerror=alert(1)>" in page.locator("body").inner_text()
    assert page.locator("img").count() == 0 and page.locator("body script").count() == 0
    page.screenshot(path=str(page_file.with_suffix(".png")), full_page=False)
    assert not elsewhere and not errors and not dialogs
    page.close()
