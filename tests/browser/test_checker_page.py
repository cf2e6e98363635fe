"""The checker page in a real Chromium, on the site exactly as `mkdocs build` makes it."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from checker_page import (
    BOOT_TIMEOUT_MS,
    REPORT,
    check,
    fill,
    open_checker,
    wait_for_report,
    wait_until_ready,
)
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, Page, Route
from support import Case, all_cases, cli_report

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASES = all_cases()
CORPUS = {case.path.name: case for case in CASES}
STAFF_ALL_GOOD = CORPUS["staff-all-good"]
WORKER_SCRIPT = "/assets/checker/worker.js"
PYODIDE_FILES = ("/assets/pyodide/", ".wasm", ".whl", "pyodide")


def texts(case: Case) -> dict[str, str | None]:
    return {box: case.text(box) for box in ("tailscale_status", "kubeconfig", "kubectl_output")}


def is_csp_violation(message: ConsoleMessage) -> bool:
    text = message.text
    return "Content Security Policy" in text or "Content-Security-Policy" in text


# --- the corpus: one page load, every case --------------------------------------------


@pytest.fixture(scope="module", params=["snapshot", "normal"])
def corpus_page(request: pytest.FixtureRequest, browser: Browser) -> Iterator[Page]:
    """The checker page booted from the site's memory image, or the normal way."""
    snapshot = request.param == "snapshot"
    site_url = request.getfixturevalue("site_url" if snapshot else "site_url_without_snapshot")
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    fetched: list[str] = []
    context.on("request", lambda r: fetched.append(r.url))
    open_checker(page, site_url)
    assert any(url.endswith(".bin.gz") for url in fetched) == snapshot
    assert any(url.endswith(".tar.xz") for url in fetched) != snapshot  # the normal boot's
    ready = len(fetched)
    yield page
    context.close()
    # Whatever the corpus pasted, nothing was fetched once the page was ready (a module
    # or codec the boot had not loaded would fetch the standard library).
    if after := [url for url in fetched[ready:] if not url.startswith(("data:", "blob:"))]:
        pytest.fail(f"requested after the page was ready, while checking the corpus: {after}")


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_page_gives_the_clis_verdict(case: Case, corpus_page: Page) -> None:
    expected = cli_report(case)
    organisation = case.organisation_data() if case.organisation else None
    shown = check(
        corpus_page,
        texts(case),
        case.role,
        now=case.now,
        tailnets=case.tailnets,
        organisation=organisation,
    )
    assert shown.state == "done", shown.text
    assert shown.verdict == expected["verdict"]
    assert shown.layers == [(layer["id"], layer["status"]) for layer in expected["layers"]]
    # The page leads with the input's findings, then the failing hop's, then the rest.
    def rank(finding: dict[str, Any]) -> int:
        layer = finding["layer"]
        return 0 if layer == "input" else 1 if layer == expected["verdict"] else 2

    order = sorted(expected["findings"], key=rank)
    assert shown.findings == [finding["id"] for finding in order]
    # The page shows the report's own words: its title and each layer's status word.
    assert shown.title == expected["title"]
    assert shown.status_words == [layer["status_text"] for layer in expected["layers"]]


# --- nothing leaves the page ------------------------------------------------------------


@pytest.fixture
def recorded(context: BrowserContext, site_url: str) -> Iterator[dict[str, list[Any]]]:
    """Every request of the context (pages and workers), every block, every console line."""
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(site_url))
    seen: dict[str, list[Any]] = {"requests": [], "blocked": [], "console": [], "dialogs": []}

    def block_other_origins(route: Route) -> None:
        url = route.request.url
        if url.startswith(origin + "/") or url.startswith(("data:", "blob:")):
            route.fallback()
        else:
            seen["blocked"].append(url)
            route.abort("blockedbyclient")

    context.route("**/*", block_other_origins)
    context.on("request", lambda request: seen["requests"].append(request.url))
    context.on("console", lambda message: seen["console"].append(message))
    context.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    yield seen


def network(urls: list[str]) -> list[str]:
    """The requests that could carry something away: not data: or blob: URLs."""
    return [url for url in urls if not url.startswith(("data:", "blob:"))]


def test_every_request_stays_on_the_site_and_checking_makes_none(
    page: Page, site_url: str, recorded: dict[str, list[Any]]
) -> None:
    open_checker(page, site_url)
    booted = len(recorded["requests"])
    # Whatever the reader does once the page is ready, nothing is requested:
    # pasting and typing,
    page.fill('[data-checker-input="tailscale-status"]', STAFF_ALL_GOOD.text("tailscale_status"))
    page.fill('[data-checker-input="kubeconfig"]', STAFF_ALL_GOOD.text("kubeconfig"))
    page.select_option('[data-checker-input="role"]', STAFF_ALL_GOOD.role)
    shown = wait_for_report(page)
    assert shown.state == "done"
    page.type('[data-checker-input="kubectl-output"]', "Error from server (Forbidden)", delay=5)
    wait_for_report(page)
    # the examples, a finding's evidence, the summary and its copy button,
    for example in page.locator("[data-checker-example]").all():
        example.click()
        wait_for_report(page)
    page.click("[data-finding] .checker-finding__evidence:not([disabled])")
    page.click(".checker-summary summary")
    page.click('[data-slot="copy"]')
    page.wait_for_selector('[data-slot="copied"]:not(:empty)')
    # the OS tabs, the palette, and scrolling (Material rewrites the address as the
    # reader scrolls, which made Chromium fetch the favicon again: it is in the page now).
    page.click(".tabbed-labels label:nth-child(2)")
    page.click("form[data-md-component=palette] label:not([hidden])")
    for _ in range(15):
        page.mouse.wheel(0, 400)
        page.wait_for_timeout(30)
    # and the page's own links: the table of contents, "See the report", a heading's ¶
    # (Material's instant navigation fetched the page again on the first of these).
    page.locator("a.md-nav__link[href$='#report']:visible").first.click()
    page.click("[data-checker-overview] a[href='#report']")
    assert page.evaluate("() => document.activeElement.id") == "report"
    page.locator("h2 a.headerlink").first.click()
    page.wait_for_timeout(500)
    assert page.url.startswith(site_url + "checker/#")

    assert recorded["blocked"] == []
    assert all(url.startswith(site_url) for url in network(recorded["requests"]))
    # The boot fetched the runtime from the site itself (so the recording sees the worker).
    assert any(url.endswith("/assets/pyodide/pyodide.asm.wasm") for url in recorded["requests"])
    assert network(recorded["requests"][booted:]) == []
    assert [m.text for m in recorded["console"] if is_csp_violation(m)] == []


def test_once_ready_it_works_offline(
    page: Page, context: BrowserContext, site_url: str, recorded: dict[str, list[Any]]
) -> None:
    open_checker(page, site_url)
    context.set_offline(True)
    for case in (STAFF_ALL_GOOD, CORPUS["personal-tailnet"], CORPUS["forbidden-rbac"]):
        shown = check(page, texts(case), case.role, now=case.now, tailnets=case.tailnets)
        assert (shown.state, shown.verdict) == ("done", cli_report(case)["verdict"])
    page.click("[data-checker-example=awaiting-approval]")
    assert wait_for_report(page).verdict == "device"
    assert recorded["blocked"] == []


def test_storage_stays_empty(page: Page, context: BrowserContext, site_url: str) -> None:
    open_checker(page, site_url)
    check(page, texts(STAFF_ALL_GOOD), STAFF_ALL_GOOD.role)
    # Material would persist these: the palette toggle and a linked content tab.
    page.click("form[data-md-component=palette] label:not([hidden])")
    page.click(".tabbed-labels label:nth-child(2)")

    stored = page.evaluate(
        """async () => ({
          local: localStorage.length,
          session: sessionStorage.length,
          databases: (await indexedDB.databases()).map((db) => db.name),
          cookie: document.cookie,
        })"""
    )
    assert stored == {"local": 0, "session": 0, "databases": [], "cookie": ""}
    assert context.storage_state() == {"cookies": [], "origins": []}


def test_pasted_markup_is_shown_as_text(
    page: Page, site_url: str, recorded: dict[str, list[Any]]
) -> None:
    payload = "<img src=x onerror=alert(1)>"
    status = json.loads(STAFF_ALL_GOOD.text("tailscale_status") or "")
    status["BackendState"] = "Stopped"
    status["Self"]["HostName"] = payload
    open_checker(page, site_url)

    for pasted in (json.dumps(status, indent=2), payload, f"{payload}\n{payload}"):
        shown = check(page, {"tailscale_status": pasted, "kubeconfig": None}, "staff")
        assert shown.state == "done"
        assert page.locator(f"{REPORT} img").count() == 0
    assert payload in shown.text
    assert recorded["dialogs"] == []
    assert not any(url.endswith("/x") for url in recorded["requests"])  # the <img src=x>


# --- when Python boots ----------------------------------------------------------------------


def test_other_pages_load_no_pyodide(
    page: Page, context: BrowserContext, site_url: str, site_dir: Path
) -> None:
    requested: list[str] = []
    # Context-level: the requests of workers count too (they load the worker script).
    context.on("request", lambda request: requested.append(request.url))
    others = [
        p.parent.relative_to(site_dir).as_posix() + "/"
        for p in sorted(site_dir.rglob("index.html"))
        if p.parent.name != "checker" and p.parent != site_dir / "search"
    ]
    assert len(others) > 2
    for path in others:
        page.goto(site_url + path.removeprefix("./"))
        page.wait_for_load_state("load")
    loaded_checker = [url for url in requested if any(p in url for p in PYODIDE_FILES)]
    assert loaded_checker == []
    assert not any(url.endswith(("/assets/checker/checker.js", WORKER_SCRIPT)) for url in requested)


def test_paste_before_python_is_ready_is_checked_when_it_is(page: Page, site_url: str) -> None:
    held: list[Route] = []
    page.route("**/assets/pyodide/pyodide.asm.wasm", lambda route: held.append(route))
    page.goto(site_url + "checker/")
    page.wait_for_selector('[data-checker-input="tailscale-status"]')
    while not held:  # the worker has asked for the runtime: Python cannot be ready yet
        page.wait_for_timeout(50)

    state = fill(page, texts(STAFF_ALL_GOOD), STAFF_ALL_GOOD.role)
    assert state == "booting"
    assert page.locator(REPORT).get_attribute("data-checker-verdict") is None
    held[0].fallback()

    shown = wait_for_report(page, timeout=BOOT_TIMEOUT_MS)
    assert (shown.state, shown.verdict) == ("done", cli_report(STAFF_ALL_GOOD)["verdict"])


def test_instant_navigation_keeps_one_worker(
    page: Page, site_url: str, recorded: dict[str, list[Any]]
) -> None:
    open_checker(page, site_url)
    first = check(page, texts(STAFF_ALL_GOOD), STAFF_ALL_GOOD.role)
    page.evaluate("window.__sameDocument = true")

    # Another page of the site, by its link in the navigation, then back the same way.
    page.locator(".md-nav--primary a.md-nav__link:not([href*='checker'])").first.click()
    page.wait_for_selector(REPORT, state="detached")
    assert not page.url.endswith("/checker/")
    page.locator(".md-nav--primary a.md-nav__link[href$='checker/']").first.click()
    page.wait_for_url(site_url + "checker/")
    wait_until_ready(page)

    # Instant navigation: the same document all along, so the same worker and Python.
    assert page.evaluate("window.__sameDocument") is True
    second = check(page, texts(STAFF_ALL_GOOD), STAFF_ALL_GOOD.role)
    assert (second.state, second.verdict) == ("done", first.verdict)
    # One checker worker started (it loads worker.js once), kept across the navigation.
    assert [url for url in recorded["requests"] if url.endswith(WORKER_SCRIPT)] == [
        site_url + WORKER_SCRIPT[1:]
    ]
    # The first page's policy governs the whole visit: the pages swapped in obey it too.
    assert [m.text for m in recorded["console"] if is_csp_violation(m)] == []


# --- what the report offers -----------------------------------------------------------------


def test_bad_input_names_the_box(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    # A kubeconfig pasted into the tailscale status box.
    shown = check(page, {"tailscale_status": STAFF_ALL_GOOD.text("kubeconfig")}, "staff")
    assert (shown.state, shown.verdict) == ("done", "input")
    assert "tailscale status" in shown.text

    # A file far too big to be any of the outputs: a message naming the box, not a hang.
    page.set_input_files(
        '[data-checker-file="kubeconfig"]',
        files=[
            {
                "name": "disk.img",
                "mimeType": "application/octet-stream",
                "buffer": b"\0" * (3 << 20),
            }
        ],
    )
    page.wait_for_selector(f"{REPORT}[data-checker-state=error]")
    message = page.text_content("[data-checker-status]") or ""
    assert "kubeconfig" in message and "disk.img" in message


def test_open_a_file_instead_of_pasting(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    fill(page, {"kubeconfig": STAFF_ALL_GOOD.text("kubeconfig")}, STAFF_ALL_GOOD.role)
    wait_for_report(page)
    page.evaluate(
        "document.querySelector('[data-checker-report]').removeAttribute('data-checker-verdict')"
    )
    page.set_input_files(
        '[data-checker-file="tailscale-status"]', STAFF_ALL_GOOD.inputs["tailscale_status"]
    )
    shown = wait_for_report(page)
    assert page.input_value('[data-checker-input="tailscale-status"]') == STAFF_ALL_GOOD.text(
        "tailscale_status"
    )
    assert shown.verdict == cli_report(STAFF_ALL_GOOD)["verdict"]


def test_drop_a_file_on_a_box(page: Page, site_url: str) -> None:
    case = CORPUS["forbidden-rbac"]
    open_checker(page, site_url)
    fill(page, {**texts(case), "kubectl_output": None}, case.role, now=case.now)
    wait_for_report(page)
    page.evaluate(
        """(text) => {
          document.querySelector("[data-checker-report]").removeAttribute("data-checker-verdict");
          const files = new DataTransfer();
          files.items.add(new File([text], "kubectl.txt", { type: "text/plain" }));
          const box = document.querySelector('[data-checker-box="kubectl-output"]');
          box.dispatchEvent(new DragEvent("drop", { dataTransfer: files, bubbles: true }));
        }""",
        case.text("kubectl_output"),
    )
    shown = wait_for_report(page)
    assert page.input_value('[data-checker-input="kubectl-output"]') == case.text("kubectl_output")
    assert shown.verdict == cli_report(case)["verdict"]


def first_case_with_evidence_line() -> tuple[Case, dict[str, Any]]:
    for case in CASES:
        report = cli_report(case)
        for finding in report["findings"]:
            if finding["source"] and finding["line"] and finding["evidence"]:
                return case, finding
    raise AssertionError("no case has a finding with an evidence line")


def test_evidence_selects_its_line_in_the_box(page: Page, site_url: str) -> None:
    case, finding = first_case_with_evidence_line()
    open_checker(page, site_url)
    check(page, texts(case), case.role, now=case.now, tailnets=case.tailnets)
    page.click(f"[data-finding='{finding['id']}'] .checker-finding__evidence")
    selected = page.evaluate(
        """(box) => {
          const t = document.querySelector(`[data-checker-input="${box}"]`);
          return {focused: document.activeElement === t,
                  text: t.value.slice(t.selectionStart, t.selectionEnd),
                  line: t.value.slice(0, t.selectionStart).split("\\n").length};
        }""",
        finding["source"],
    )
    assert selected["focused"]
    assert selected["line"] == finding["line"]
    assert finding["evidence"].strip() in selected["text"]


def test_copy_redacted_summary(page: Page, context: BrowserContext, site_url: str) -> None:
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site_url.rstrip("/"))
    case = next((c for c in CASES if c.now), STAFF_ALL_GOOD)
    open_checker(page, site_url)
    check(page, texts(case), case.role, now=case.now, tailnets=case.tailnets)
    page.click(".checker-summary button")
    page.wait_for_selector(".checker-summary__copied:has-text('Copied')")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.text_content(".checker-summary__text")
    if case.now:
        assert copied == cli_report(case)["summary"]


def test_guide_links_lead_into_the_site(page: Page, site_url: str) -> None:
    case = next(c for c in CASES if any(f["guide"] for f in cli_report(c)["findings"]))
    open_checker(page, site_url)
    check(page, texts(case), case.role, now=case.now, tailnets=case.tailnets)
    hrefs = page.eval_on_selector_all(
        f"{REPORT} .checker-finding__links a", "links => links.map(a => a.href)"
    )
    assert hrefs and all(href.startswith(site_url) for href in hrefs)
    response = page.request.get(hrefs[0].split("#")[0])
    assert response.ok
