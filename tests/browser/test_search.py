"""Search by error text: the line a reader pastes into the site's search box finds its
entry on the troubleshooting page, in Material's own search (its worker and the built
index, in a real browser)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page

pytestmark = [pytest.mark.browser, pytest.mark.slow]

# Lines as terminals print them, with the parts that differ filled in.
PASTED = {
    "E1201 10:02:11.123456   4242 memcache.go:265] couldn't get current server API group "
    "list: Get \"http://localhost:8080/api?timeout=32s\": dial tcp [::1]:8080: connect: "
    "connection refused\nThe connection to the server localhost:8080 was refused - did you "
    "specify the right host or port?": "the-connection-to-the-server-localhost-8080-was-refused",
    "Unable to connect to the server: remote error: tls: internal error":
        "unable-to-connect-to-the-server-remote-error-tls-internal-er",
    "Unable to connect to the server: dial tcp 100.101.102.103:6443: i/o timeout":
        "dial-tcp-100-x-y-z-6443-i-o-timeout",
    "failed to connect to local tailscaled; it doesn't appear to be running "
    "(sudo systemctl start tailscaled ?)": "failed-to-connect-to-local-tailscaled",
}  # fmt: skip


META = ".md-search-result__meta"


@pytest.mark.parametrize("pasted", list(PASTED), ids=list(PASTED.values()))
def test_a_pasted_error_line_finds_its_entry(page: Page, site_url: str, pasted: str) -> None:
    page.goto(site_url)
    page.keyboard.press("/")  # Material's shortcut to the search box
    page.wait_for_function(
        f"() => document.querySelector({META!r}).textContent.trim() === 'Type to start searching'"
    )
    # Only the last line of a paste goes in: a search box holds one line. Material
    # searches on key events, as after a paste with the keyboard.
    page.fill("input.md-search__input", pasted.splitlines()[-1])
    page.keyboard.press("End")
    page.wait_for_function(
        f"() => / matching document/.test(document.querySelector({META!r}).textContent)"
    )
    # Results come per page, the page first and then its sections, best first.
    best = page.locator(".md-search-result__list a[href*='#']").first
    href = best.get_attribute("href") or ""
    assert "/troubleshooting/" in href and f"#message-{PASTED[pasted]}" in href, href
    best.click()
    page.wait_for_url("**/troubleshooting/**#message-*")
    anchor = page.url.split("#", 1)[1]
    # The entry says which layer, and links to the check's entry on the same page.
    entry = page.locator(f"[id='{anchor}'] + p a")
    entry.first.wait_for()  # instant navigation changes the address, then the page
    assert entry.count() == 1
    check = (entry.get_attribute("href") or "").split("#", 1)[1]
    assert page.locator(f"[id='{check}'].catalogue-check").count() == 1
