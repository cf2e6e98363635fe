"""Every worker of the site runs under the page's Content-Security-Policy.

A meta policy does not govern a worker started from its own URL, and GitHub Pages
sends no headers, so docs/assets/checker/worker-policy.js starts every same-origin
worker from a blob: that loads the real script: such a worker inherits the page's
policy. From inside the checker's worker and Material's search worker, a GET, a POST
with a body, a synchronous XHR, a WebSocket and an `import()` to another origin all
fail, and that origin sees none of them; the page still checks.
"""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from checker_page import check, open_checker
from playwright.sync_api import BrowserContext, Page, Worker
from support import case

pytestmark = [pytest.mark.browser]

STAFF_ALL_GOOD = case("staff-all-good")
# Each attempt resolves to "blocked" or "reached"; none may be "reached".
ATTEMPTS = """async (other) => {
  const tries = {
    get: () => fetch(other + "get", { mode: "no-cors" }),
    post: () => fetch(other + "post", { method: "POST", mode: "no-cors", body: "pasted text" }),
    xhr: () => {
      const request = new XMLHttpRequest();
      request.open("GET", other + "xhr", false);
      request.send();
    },
    websocket: () =>
      new Promise((resolve, reject) => {
        const socket = new WebSocket(other.replace("http", "ws") + "socket");
        socket.onopen = resolve;
        socket.onerror = () => reject(new Error("refused"));
      }),
    import: () => import(other + "module.js"),
  };
  const results = {};
  for (const [name, attempt] of Object.entries(tries)) {
    try {
      await attempt();
      results[name] = "reached";
    } catch {
      results[name] = "blocked";
    }
  }
  return results;
}"""


class _Recorder(http.server.BaseHTTPRequestHandler):
    seen: list[str]

    def _answer(self) -> None:
        self.seen.append(f"{self.command} {self.path}")
        self.send_response(200)
        self.send_header("Content-Type", "text/javascript")
        self.send_header("Access-Control-Allow-Origin", "*")
        self.end_headers()
        self.wfile.write(b"export default 1;")

    do_GET = do_POST = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def other_origin() -> Iterator[tuple[str, list[str]]]:
    """Another origin (another port) that records every request it gets."""
    seen: list[str] = []
    handler = type("Handler", (_Recorder,), {"seen": seen})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/", seen
    server.shutdown()
    server.server_close()


def worker_loading(page: Page, script: str) -> Worker:
    """The page's worker that fetched `script` (Material's search worker: that defines
    lunr): started from a blob that loads it."""
    loaded = (
        "() => [...performance.getEntriesByType('resource').map((entry) => entry.name),"
        " ...(typeof lunr === 'undefined' ? [] : ['/assets/javascripts/workers/search.'])]"
    )
    for _ in range(100):
        for worker in page.workers:
            if any(script in name for name in worker.evaluate(loaded)):
                assert worker.url.startswith("blob:"), worker.url
                return worker
        page.wait_for_timeout(100)
    raise AssertionError(f"no worker runs {script}: {[w.url for w in page.workers]}")


def test_the_checkers_worker_cannot_reach_another_origin(
    page: Page, context: BrowserContext, site_url: str, other_origin: tuple[str, list[str]]
) -> None:
    other, seen = other_origin
    open_checker(page, site_url)
    checker = worker_loading(page, "/assets/pyodide/")
    assert checker.evaluate(ATTEMPTS, other) == dict.fromkeys(
        ("get", "post", "xhr", "websocket", "import"), "blocked"
    )
    assert seen == []
    # The page still checks, with the worker under the policy.
    shown = check(page, {"tailscale_status": STAFF_ALL_GOOD.text("tailscale_status")}, "staff")
    assert shown.state == "done"


def test_materials_search_worker_cannot_reach_another_origin(
    page: Page, site_url: str, other_origin: tuple[str, list[str]]
) -> None:
    other, seen = other_origin
    page.goto(site_url)
    search = worker_loading(page, "/assets/javascripts/workers/search.")
    # The search still works from the worker started under the policy.
    page.keyboard.press("/")
    for _ in range(20):
        page.fill("input.md-search__input", "")
        page.type("input.md-search__input", "kubeconfig", delay=20)
        if page.locator(".md-search-result__item").count():
            break
        page.wait_for_timeout(500)
    assert page.locator(".md-search-result__item").count() > 0
    assert search.evaluate(ATTEMPTS, other) == dict.fromkeys(
        ("get", "post", "xhr", "websocket", "import"), "blocked"
    )
    assert seen == []
