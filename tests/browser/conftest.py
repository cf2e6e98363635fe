"""The built site on a local server, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import http.server
import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from checker_page import CHECK_TIMEOUT_MS
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from support import build_site, organisation_data

from benchmarks.link import SiteHandler, serving

# Debian's Chromium by default; CHROMIUM=/path/to/chrome elsewhere (e.g. GitHub's runners).
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Playwright cannot download its own browsers here; Debian's needs these to run
# headless as root and to stay off the network by itself.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


class SiteServer(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A test that finishes while a download runs closes the connection: not an error.
        if not isinstance(sys.exception(), ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def served_site(folder: Path, env: dict[str, str] | None = None) -> Iterator[str]:
    """The site built into folder for and served at http://127.0.0.1:<free port>/.

    Built with that address as its site_url, as if published there (the way
    `mkdocs serve` builds for its own address): Material's instant navigation only
    takes over links to pages listed in sitemap.xml under the site's own address,
    and the checker's promises (one worker, the first page's policy) are about it.
    """
    root = folder / "site"
    root.mkdir()
    handler = functools.partial(SiteHandler, directory=str(root))
    server = SiteServer(("127.0.0.1", 0), handler)
    url = f"http://127.0.0.1:{server.server_port}/"

    data = organisation_data()
    data["organisation"]["site_url"] = url
    local = folder / "organisation.yml"
    # JSON is YAML too.
    local.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    build_site(root, env={"ORGANISATION_FILE": str(local), **(env or {})})

    with serving(server):
        yield url


@pytest.fixture(scope="session")
def site_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where site_url's site is built: its files are in site/."""
    return tmp_path_factory.mktemp("served")


@pytest.fixture(scope="session")
def site_url(site_folder: Path) -> Iterator[str]:
    """The site as published: the checker page boots from its memory image."""
    with served_site(site_folder) as url:
        yield url


@pytest.fixture(scope="session")
def site_url_without_snapshot(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site built with CHECKER_SNAPSHOT=off: the checker page boots the normal way."""
    with served_site(tmp_path_factory.mktemp("served"), {"CHECKER_SNAPSHOT": "off"}) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.is_file():
        pytest.fail(f"Expected Debian's Chromium at {CHROMIUM} (apt-get install chromium).")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile: no storage, no cache, a desktop-sized window."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(CHECK_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    return context.new_page()
