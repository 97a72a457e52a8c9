"""Headless Debian Chromium for the browser tests, driven by Playwright (no browser download).

conftest.py registers this module as a plugin, so every test module gets the
module-scoped ``browser`` fixture; a browser test module sets ``pytestmark = REQUIRES_CHROMIUM``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Without the background-networking flags Chromium keeps dialling out (and is refused) on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

REQUIRES_CHROMIUM = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists(),
        reason="Debian's chromium is not installed (sh scripts/system-deps.sh installs it; CI does)",
    ),
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


AXE_JS = Path(__file__).resolve().parent / "assets" / "axe.min.js"
#: Impacts that fail a page: "serious" and "critical" (WCAG 2 A and AA rules, and axe's best practices).
FAILING_IMPACTS = ("serious", "critical")


def run_axe(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each (empty: none).

    The page's own Content-Security-Policy would refuse the injected script: open pages in a browser
    context created with ``bypass_csp=True``.
    """
    page.add_script_tag(path=str(AXE_JS))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n['target']) for n in v['nodes'][:3])}"
        for v in result["violations"]
        if v["impact"] in FAILING_IMPACTS
    ]
