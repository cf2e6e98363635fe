"""A reader about to open the checker: Python starts on the page they are still reading.

tests/browser/test_checker_page.py proves the other half: a page view alone starts nothing.
"""

from __future__ import annotations

import pytest
from checker_page import BOOT_TIMEOUT_MS, wait_until_ready
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

GUIDE = "connect/staff/"
LINK = ".md-nav--primary a.md-nav__link[href$='checker/']"
RUNTIME = "/assets/pyodide/"


def is_runtime(url: str) -> bool:
    return RUNTIME in url


def test_resting_the_pointer_on_a_link_to_the_checker_starts_python(
    page: Page, site_url: str
) -> None:
    requested: list[str] = []
    workers: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("worker", lambda worker: workers.append(worker.url))
    page.goto(site_url + GUIDE)
    page.wait_for_load_state("networkidle")
    assert not any(map(is_runtime, requested))

    with page.expect_request(lambda r: is_runtime(r.url), timeout=BOOT_TIMEOUT_MS):
        page.hover(LINK)
    assert page.url == site_url + GUIDE

    # Instant navigation keeps the document: the checker page uses the Python that started.
    page.click(LINK)
    page.wait_for_url(site_url + "checker/")
    wait_until_ready(page)
    # One checker worker (started from a blob under the page's policy), not two.
    fetched = "() => performance.getEntriesByType('resource').map((e) => e.name).join()"
    checkers = [w for w in page.workers if RUNTIME in w.evaluate(fetched)]
    assert len(checkers) == 1 and checkers[0].url.startswith("blob:")


def test_focusing_a_link_to_the_checker_starts_python(page: Page, site_url: str) -> None:
    page.goto(site_url + GUIDE)
    page.wait_for_load_state("networkidle")
    with page.expect_request(lambda r: is_runtime(r.url), timeout=BOOT_TIMEOUT_MS):
        page.focus(LINK)
