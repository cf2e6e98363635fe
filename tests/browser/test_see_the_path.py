"""See the path: the access path drawn on the site, the report drawn as that path,
examples one click away, a headline that never claims what was not checked, and the
boxes kept across in-page navigation.

The contract the page keeps (docs/checker.md): `[data-checker-path]` has one child per
layer, in connection order, with `data-layer` and `data-status` (passed, failed,
warning, not_checked); the first failing one is marked and is what focus goes to.
"""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from checker_page import REPORT, check, open_checker, wait_for_report, wait_until_ready
from playwright.sync_api import Browser, Page
from support import REPO, case, cli_report

from site_build.colours import AA_TEXT, contrast

pytestmark = [pytest.mark.browser, pytest.mark.slow]

PATH = "[data-checker-path]"
STATUSES = {"passed", "failed", "warning", "not_checked"}
SCREENSHOTS = REPO / "build" / "test-output" / "screenshots"
BOXES = {"tailscale_status": "tailscale-status", "kubeconfig": "kubeconfig",
         "kubectl_output": "kubectl-output"}  # fmt: skip

READ_PATH = """() => [...document.querySelector("[data-checker-path]").children].map((hop) => ({
  layer: hop.dataset.layer, status: hop.dataset.status,
  first: hop.classList.contains("checker-layer--first-failure"),
  link: hop.querySelector("a")?.getAttribute("href") ?? null,
}))"""


def texts(name: str) -> dict[str, str | None]:
    c = case(name)
    return {box: c.text(box) for box in BOXES}


def hex_of(rgb: str) -> str:
    r, g, b = (int(float(v)) for v in re.findall(r"[\d.]+", rgb)[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


# --- the picture on the site ------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_picture_reads_in_both_palettes(browser: Browser, site_url: str, scheme: str) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url)
    svg = page.locator("svg.access-path:visible").first
    box = svg.bounding_box()
    assert box and box["width"] > 200 and box["height"] > 400
    colours = page.evaluate(
        """() => {
          const svg = [...document.querySelectorAll("svg.access-path")]
            .find((s) => s.getBoundingClientRect().width > 0);
          const style = (selector, property) =>
            getComputedStyle(svg.querySelector(selector))[property];
          return {
            page: getComputedStyle(document.body).backgroundColor,
            box: style(".access-path__box", "fill"),
            title: style(".access-path__hop--end .access-path__title", "fill"),
            link: style("a .access-path__title", "fill"),
            detail: style(".access-path__detail", "fill"),
          };
        }"""
    )
    background = hex_of(colours["box"])
    for part in ("title", "link", "detail"):
        ratio = contrast(hex_of(colours[part]), background)
        assert ratio >= AA_TEXT, (scheme, part, colours)
    context.close()


def test_a_hop_opens_its_step(page: Page, site_url: str) -> None:
    page.goto(site_url)
    page.locator("svg.access-path:visible a[data-access-layer=device]").first.click()
    page.wait_for_url(site_url + "connect/staff/#approve-device")
    assert page.locator("#approve-device").is_visible()
    # On the guide, its own picture links within the page.
    page.locator("svg.access-path a[data-access-layer=kubeconfig]").click()
    page.wait_for_url(site_url + "connect/staff/#add-kubeconfig")


# --- the report as the path ---------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["personal-tailnet", "forbidden-rbac", "staff-all-good", "awaiting-device-approval"]
)
def test_the_report_is_drawn_as_the_path(page: Page, site_url: str, name: str) -> None:
    c = case(name)
    expected = cli_report(c)
    open_checker(page, site_url)
    shown = check(page, texts(name), c.role, now=c.now, tailnets=c.tailnets)
    assert shown.verdict == expected["verdict"]

    hops = page.evaluate(READ_PATH)
    assert [(h["layer"], h["status"]) for h in hops] == [
        (layer["id"], layer["status"]) for layer in expected["layers"]
    ]
    assert {h["status"] for h in hops} <= STATUSES
    failed = [h["layer"] for h in hops if h["status"] == "failed"]
    assert [h["layer"] for h in hops if h["first"]] == failed[:1]
    assert all(h["link"] and h["link"].endswith(f"troubleshooting/#{h['layer']}") for h in hops)
    # The path leads the report: right after the verdict, before any finding.
    order = page.evaluate(
        """() => [...document.querySelector(".checker-report__output").children]
            .map((e) => e.matches("[data-checker-path]") ? "path" : e.dataset.verdict ? "verdict"
              : e.dataset.finding ? "finding" : "other")"""
    )
    assert order[:2] == ["verdict", "path"]
    # The line above the boxes says the same, with a link down to the report.
    overview = page.locator("[data-checker-overview]")
    assert (overview.text_content() or "").startswith(expected["title"])
    assert overview.locator("a[href='#report']").count() == 1


def test_the_headline_never_passes_what_was_not_checked(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    shown = check(
        page, {"tailscale_status": case("staff-all-good").text("tailscale_status")}, "staff"
    )
    hops = page.evaluate(READ_PATH)
    unchecked = sum(1 for h in hops if h["status"] == "not_checked")
    assert unchecked >= 3
    assert shown.title == (
        f"No problem in the {len(hops) - unchecked} layers checked; paste your kubeconfig "
        f"and what kubectl says to check {unchecked} more"
    )
    assert "passed" not in (shown.title or "").lower()


# --- examples ---------------------------------------------------------------------------------


def test_each_example_fills_the_boxes_and_shows_its_verdict(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    examples: list[dict[str, Any]] = json.loads(
        page.get_attribute("[data-checker-examples]", "data-checker-examples") or "[]"
    )
    assert [e["id"] for e in examples] == [
        "all-good", "wrong-tailnet", "awaiting-approval", "forbidden"]  # fmt: skip
    assert [e["verdict"] for e in examples] == ["ok", "account", "device", "rbac"]
    for example in examples:
        page.click(f"[data-checker-example={example['id']}]")
        shown = wait_for_report(page)
        assert shown.verdict == example["verdict"], example["id"]
        assert page.input_value('[data-checker-input="role"]') == example["role"]
        for field, box in BOXES.items():
            assert page.input_value(f'[data-checker-input="{box}"]') == (
                example["texts"][field] or ""
            )
        notice = page.locator(".checker-example-notice")
        assert "made-up data" in (notice.text_content() or "")
        assert example["label"] in (notice.text_content() or "")

    # The reader's own text is no example.
    page.fill('[data-checker-input="kubectl-output"]', "Unable to connect to the server: EOF")
    wait_for_report(page)
    assert page.locator(".checker-example-notice").count() == 0


# --- kept across in-page navigation -----------------------------------------------------------


def test_the_boxes_survive_a_guide_link_and_back_but_not_a_reload(
    page: Page, site_url: str
) -> None:
    open_checker(page, site_url)
    c = case("forbidden-rbac")
    shown = check(page, texts("forbidden-rbac"), c.role, now=c.now)
    assert shown.verdict == "rbac"
    page.evaluate("window.__sameDocument = true")

    # The failing finding's guide step, then Back.
    page.locator("[data-finding] .checker-finding__links a[href*='/connect/']").first.click()
    page.wait_for_url(re.compile(r"/connect/contractor/#"))
    page.go_back()
    page.wait_for_url(site_url + "checker/")
    wait_until_ready(page)
    assert page.evaluate("window.__sameDocument") is True
    for field, box in BOXES.items():
        assert page.input_value(f'[data-checker-input="{box}"]') == (c.text(field) or "")
    assert page.input_value('[data-checker-input="role"]') == c.role
    back = wait_for_report(page)
    assert (back.state, back.verdict) == ("done", "rbac")

    # A reload forgets, as the page promises: nothing was stored.
    page.reload()
    wait_until_ready(page)
    for box in BOXES.values():
        assert page.input_value(f'[data-checker-input="{box}"]') == ""
    assert page.get_attribute(REPORT, "data-checker-verdict") is None


# --- screenshots for the reader of the test output ---------------------------------------------


@pytest.mark.parametrize("width", [1280, 390])
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_screenshots_of_the_picture_and_a_failing_report(
    browser: Browser, site_url: str, scheme: str, width: int
) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": 900}, color_scheme=scheme)
    page = context.new_page()
    page.goto(site_url)
    picture = page.locator("svg.access-path:visible").first
    picture.scroll_into_view_if_needed()
    shot = SCREENSHOTS / f"access-path-{scheme}-{width}.png"
    picture.screenshot(path=str(shot))
    assert shot.stat().st_size > 5_000

    open_checker(page, site_url)
    page.click("[data-checker-example=forbidden]")
    wait_for_report(page)
    # From the full page, so that the fixed header covers none of it.
    box = page.evaluate(
        f"""() => {{ const r = document.querySelector({REPORT!r}).getBoundingClientRect();
          return {{ x: r.x + scrollX, y: r.y + scrollY, width: r.width, height: r.height }}; }}"""
    )
    shot = SCREENSHOTS / f"report-forbidden-{scheme}-{width}.png"
    page.screenshot(path=str(shot), full_page=True, clip=box)
    assert shot.stat().st_size > 5_000
    page.screenshot(path=str(SCREENSHOTS / f"checker-page-{scheme}-{width}.png"), full_page=True)
    context.close()
