"""Headless Debian Chromium for the browser tests, driven by Playwright (no browser download).

conftest.py registers this module as a plugin, so every test module gets the
module-scoped ``browser`` fixture; a browser test module sets ``pytestmark = REQUIRES_CHROMIUM``.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

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


#: axe-core's browser build, vendored for the accessibility audits (tests/vendor/axe-core/README.md).
AXE_SCRIPT = Path(__file__).resolve().parent / "vendor" / "axe-core" / "axe.min.js"


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[dict[str, Any]]:
    """Run axe-core on the page as it stands; the violations of these impacts, each with its failing nodes.

    The page's own Content-Security-Policy refuses the injected script unless its browser
    context was made with ``browser.new_context(bypass_csp=True)``.
    """
    page.add_script_tag(path=str(AXE_SCRIPT))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [
        {"id": v["id"], "impact": v["impact"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def run_axe(page: Page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now, one line each (empty: none)."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {', '.join(str(n) for n in v['nodes'][:3])}"
        for v in axe_violations(page)
    ]
