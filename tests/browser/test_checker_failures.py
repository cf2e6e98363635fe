"""Every failure of the checker page ends in a message; no hang, no stale verdict.

- Python that cannot start (its WebAssembly missing) says "could not start".
- A check that takes too long ends the worker, says so, and the next check starts a
  new one; a worker that crashes is restarted too.
- The verdict shown is marked stale the moment an input changes, and the page
  never reads `done` for inputs that are gone.
- A paste or a drop over the size limit never reaches the box.
"""

from __future__ import annotations

import re

import pytest
from checker_page import BOOT_TIMEOUT_MS, REPORT, check, fill, open_checker, wait_for_report
from playwright.sync_api import BrowserContext, Page, Route
from support import case

pytestmark = [pytest.mark.browser]

STAFF_ALL_GOOD = case("staff-all-good")
STATUS = STAFF_ALL_GOOD.text("tailscale_status") or ""
KUBECONFIG = STAFF_ALL_GOOD.text("kubeconfig") or ""


def test_python_that_cannot_start_says_so(
    page: Page, context: BrowserContext, site_url: str
) -> None:
    def missing(route: Route) -> None:
        route.fulfill(status=404, body="not found")

    # Both forms of the WebAssembly: as Pyodide ships it (the memory image boot) and with
    # xz (the normal boot, which the page falls back to).
    context.route(re.compile(r".*/pyodide\.asm[^/]*\.wasm(\.xz)?$"), missing)
    page.goto(site_url + "checker/")
    page.wait_for_selector(f"{REPORT}[data-checker-state=error]", timeout=BOOT_TIMEOUT_MS)
    message = page.text_content("[data-checker-status]") or ""
    assert message.startswith("The checker could not start: Python stopped while starting")
    assert message.endswith("Reload the page to try again.")


def test_a_check_that_takes_too_long_restarts_the_checker(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    page.evaluate(f"document.querySelector({REPORT!r}).dataset.checkerRunTimeout = '1'")
    shown = check(page, {"tailscale_status": STATUS}, "staff")
    assert shown.state == "error"
    assert "the check took longer than 0 seconds; the checker was restarted" in (
        page.text_content("[data-checker-status]") or ""
    )
    page.evaluate(f"delete document.querySelector({REPORT!r}).dataset.checkerRunTimeout")
    # The next check starts a new worker and answers.
    shown = check(page, {"tailscale_status": STATUS, "kubeconfig": KUBECONFIG}, "staff")
    assert (shown.state, shown.verdict) == ("done", "ok")


def test_a_crashed_worker_is_restarted(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    assert check(page, {"tailscale_status": STATUS}, "staff").verdict == "ok"
    fetched = "() => performance.getEntriesByType('resource').map((e) => e.name).join()"
    (worker,) = [w for w in page.workers if "/assets/pyodide/" in w.evaluate(fetched)]
    worker.evaluate("() => { setTimeout(() => { throw new Error('boom'); }, 0); }")
    page.wait_for_function(
        "() => (document.querySelector('[data-checker-status]').textContent || '').includes('boom')"
    )
    assert "was restarted" in (page.text_content("[data-checker-status]") or "")
    shown = check(page, {"tailscale_status": STATUS, "kubeconfig": KUBECONFIG}, "staff")
    assert (shown.state, shown.verdict) == ("done", "ok")


def test_a_changed_input_marks_the_verdict_stale_at_once(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    assert check(page, {"tailscale_status": STATUS}, "staff").state == "done"
    # Typed (not pasted): the check waits for a pause, the old verdict must not wait.
    after = page.evaluate(
        """() => {
          const box = document.querySelector('[data-checker-input="tailscale-status"]');
          box.value = box.value.replace('"Running"', '"Stopped"');
          box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertText" }));
          const report = document.querySelector("[data-checker-report]");
          return {
            state: report.dataset.checkerState,
            verdict: report.dataset.checkerVerdict || null,
            stale: report.querySelector(".checker-report__output").dataset.stale || null,
          };
        }"""
    )
    assert after == {"state": "checking", "verdict": None, "stale": "true"}
    shown = wait_for_report(page)
    assert (shown.state, shown.verdict) == ("done", "tailscale")
    assert page.evaluate(
        "() => document.querySelector('.checker-report__output').dataset.stale === undefined"
    )


@pytest.mark.parametrize("how", ["paste", "drop"])
def test_text_over_the_limit_never_reaches_the_box(page: Page, site_url: str, how: str) -> None:
    open_checker(page, site_url)
    fill(page, {"tailscale_status": STATUS}, "staff")
    wait_for_report(page)
    refused = page.evaluate(
        """(how) => {
          const box = document.querySelector('[data-checker-input="kubeconfig"]');
          const data = new DataTransfer();
          data.setData("text/plain", "a".repeat(2_100_000));
          const event = how === "paste"
            ? new ClipboardEvent("paste", { clipboardData: data, bubbles: true, cancelable: true })
            : new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true });
          box.dispatchEvent(event);
          return { prevented: event.defaultPrevented, length: box.value.length };
        }""",
        how,
    )
    assert refused == {"prevented": True, "length": 0}
    page.wait_for_selector(f"{REPORT}[data-checker-state=error]")
    assert (page.text_content("[data-checker-status]") or "").startswith(
        "kubeconfig: the pasted text is 2051 KB; expected at most 1953 KB."
    )
