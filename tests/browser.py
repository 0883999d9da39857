"""A real headless Chromium (Debian's, installed by infra/bin/browser.sh) driven by
Playwright, and axe-core, the accessibility rules engine, run inside the pages it shows."""

import os
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, Page, async_playwright

from tests.processes import ROOT

AXE = ROOT / "infra" / "browser" / "node_modules" / "axe-core" / "axe.min.js"
# Screenshots a test run leaves for a person to look at.
SCREENSHOTS = Path(os.environ.get("LOFTE_SCREENSHOTS_DIR", ROOT / ".run" / "screenshots"))
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


async def chromium() -> AsyncIterator[Browser]:
    executable = shutil.which("chromium")
    assert executable, "chromium is missing: run `make test`, which installs it"
    assert AXE.is_file(), f"axe-core is missing at {AXE}: run `make test`, which installs it"
    async with async_playwright() as playwright:
        # Root may not sandbox Chromium; the pages are the site's own.
        browser = await playwright.chromium.launch(
            executable_path=executable, args=["--no-sandbox"]
        )
        try:
            yield browser
        finally:
            await browser.close()


async def axe_violations(page: Page) -> list[dict[str, Any]]:
    """What axe-core finds against WCAG 2.1 A and AA on the page as it is shown."""
    await page.add_script_tag(content=AXE.read_text(encoding="utf-8"))
    result: dict[str, Any] = await page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_21_AA
    )
    violations: list[dict[str, Any]] = result["violations"]
    return violations


def described(violations: list[dict[str, Any]]) -> str:
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']]}"
        for v in violations
    )
