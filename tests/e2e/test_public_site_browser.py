"""The public site in a real headless Chromium: every page meets WCAG 2.1 AA as axe-core
checks it, can be used with the keyboard alone and prints without its navigation; a
screenshot of the Lund page is left for a person to look at."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.async_api import Browser, BrowserContext

from tests.browser import SCREENSHOTS, axe_violations, chromium, described
from tests.polling import eventually
from tests.processes import service_env
from tests.public_site import Running, public_site, report_progress
from tests.service_http import get_json

PAGES = (
    "/",
    "/promises/lund-2017",
    "/promises/lund-2017/lofte",
    "/promises/lund-2017/report/2017.html",
    "/tillganglighet",
    "/saknas",
)


@pytest.fixture
async def site(
    kafka_bootstrap: str, database_url: str, namespace: str, tmp_path: Path
) -> AsyncIterator[Running]:
    env = service_env(kafka_bootstrap, database_url, namespace)
    async with public_site(env, database_url, tmp_path) as running:
        await report_progress(running.activities.url, database_url)
        await eventually(
            lambda: get_json(f"{running.public.url}/promises/lund-2017.json"),
            lambda body: any(
                c["id"] == "klotter-folder" and c["status"] == "achieved"
                for c in body["commitments"]
            ),
        )
        yield running


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    async for launched in chromium():
        yield launched


@pytest.fixture
async def swedish(browser: Browser) -> AsyncIterator[BrowserContext]:
    # The site allows no scripts of its own; axe-core is let in by the test alone.
    context = await browser.new_context(
        locale="sv-SE", bypass_csp=True, viewport={"width": 1100, "height": 900}
    )
    yield context
    await context.close()


async def test_every_page_meets_wcag_2_1_aa_in_both_languages_wide_and_narrow(
    site: Running, swedish: BrowserContext
) -> None:
    page = await swedish.new_page()
    # As wide as a desktop, and as narrow as WCAG's reflow asks (320 CSS pixels: a 1280
    # pixel screen at 400 % zoom), where tables scroll on their own and the page does not.
    for width in (1100, 320):
        await page.set_viewport_size({"width": width, "height": 900})
        for path in PAGES:
            for query in ("", "?lang=en"):
                await page.goto(f"{site.public.url}{path}{query}")
                violations = await axe_violations(page)
                assert not violations, f"{path}{query} at {width}px:\n{described(violations)}"
                page_width = await page.evaluate("document.documentElement.scrollWidth")
                assert page_width <= width, f"{path}{query} is {page_width}px wide at {width}px"


async def test_the_page_can_be_used_with_the_keyboard_alone(
    site: Running, swedish: BrowserContext
) -> None:
    page = await swedish.new_page()
    await page.goto(f"{site.public.url}/promises/lund-2017")

    await page.keyboard.press("Tab")
    skip = page.locator(":focus")
    assert await skip.inner_text() == "Hoppa till innehållet"
    assert await skip.is_visible()
    await page.keyboard.press("Enter")
    assert await page.evaluate("document.activeElement.id") == "innehall"
    for _ in range(40):
        await page.keyboard.press("Tab")
        focused = page.locator(":focus")
        if await focused.inner_text() == "Läs hela löftet":
            break
    else:
        raise AssertionError("the link to the whole promise is not reached with Tab")
    outline = await focused.evaluate("e => getComputedStyle(e).outlineStyle")
    assert outline != "none", "the focused link shows no focus"
    await page.keyboard.press("Enter")
    await page.wait_for_url("**/promises/lund-2017/lofte")
    assert "Inriktningen för löftet" in await page.locator("main").inner_text()


async def test_the_page_prints_without_its_navigation_and_is_left_as_a_screenshot(
    site: Running, swedish: BrowserContext
) -> None:
    page = await swedish.new_page()
    await page.goto(f"{site.public.url}/promises/lund-2017")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    shot = SCREENSHOTS / "public-lund-2017.png"
    await page.screenshot(path=str(shot), full_page=True)
    assert shot.stat().st_size > 0

    await page.emulate_media(media="print")
    assert not await page.locator("nav.contents").is_visible()
    assert not await page.locator("a.language").is_visible()
    assert await page.locator("h1").is_visible()
    pdf = await page.pdf(format="A4")
    assert pdf.startswith(b"%PDF")


async def test_the_report_page_is_styled_under_the_site_s_content_security_policy(
    site: Running, browser: Browser
) -> None:
    # Without bypassing the policy, as a visitor's browser sees the page.
    context = await browser.new_context(locale="sv-SE")
    page = await context.new_page()
    await page.goto(f"{site.public.url}/promises/lund-2017/report/2017.html")
    heading = page.locator("h1")
    colour = await heading.evaluate("e => getComputedStyle(e).color")
    await context.close()
    assert colour == "rgb(20, 54, 93)"  # the report's own stylesheet applied
