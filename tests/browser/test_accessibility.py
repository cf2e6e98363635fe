"""WCAG 2.2 AA on the built site, in a real Chromium: axe-core on every page and every
state of the checker, light and dark; the checker page by keyboard alone; and what a
screen reader hears.

axe-core is the one pinned in package.json (npm ci); it is evaluated in the page, as
the page's policy allows no script from elsewhere. Its serious and critical findings
fail the test, each with the element and axe's words.

Screenshots of the access path and of a failing report, light and dark, at 1280 and
390 px, go to build/test-output/screenshots/ (CI keeps them).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from checker_page import REPORT, check, open_checker, wait_for_report
from playwright.sync_api import Browser, BrowserContext, FileChooser, Page
from support import REPO, case

pytestmark = [pytest.mark.browser, pytest.mark.slow]

AXE = REPO / "node_modules" / "axe-core" / "axe.min.js"
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = REPO / "build" / "test-output" / "screenshots"
SCHEMES = ["light", "dark"]
EXAMPLES = ["all-good", "wrong-tailnet", "awaiting-approval", "forbidden"]

RUN_AXE = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: "tag", values: tags } });
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}) at ${n.target.join(" ")}: ` +
      (n.any.concat(n.all, n.none).map((c) => c.message).join("; ") || v.help)));
}"""


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical WCAG 2.2 AA findings on the page as it is now."""
    if not AXE.is_file():
        pytest.fail(f"Expected axe-core at {AXE.relative_to(REPO)}: run `npm ci`.")
    # Measured at the top of the page, once it stops moving: a button fading in is not
    # its colour, and a control half under the fixed header at some scroll position is
    # where the reader scrolled, not the page (focus scrolls clear of it: Material's
    # scroll-padding).
    page.evaluate("() => window.scrollTo(0, 0)")
    page.wait_for_function("() => document.getAnimations().every((a) => a.playState !== 'running')")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    found: list[str] = page.evaluate(RUN_AXE, WCAG_22_AA)
    return found


@pytest.fixture(params=SCHEMES)
def scheme_context(request: pytest.FixtureRequest, browser: Browser) -> Iterator[BrowserContext]:
    """A fresh profile in the light or the dark palette (Material follows the system's)."""
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=request.param
    )
    context.set_default_timeout(60_000)
    yield context
    context.close()


def scheme_of(page: Page) -> str:
    return page.evaluate("document.body.dataset.mdColorScheme")


def site_pages(page: Page, site_url: str) -> list[str]:
    """Every page of the sitemap, and the page shown for a missing address."""
    sitemap = page.request.get(site_url + "sitemap.xml").text()
    found = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert site_url + "checker/" in found
    return [*found, site_url + "404.html"]


def test_every_page_in_both_palettes(scheme_context: BrowserContext, site_url: str) -> None:
    page = scheme_context.new_page()
    found: dict[str, list[str]] = {}
    for address in site_pages(page, site_url):
        page.goto(address)
        assert scheme_of(page) == ("slate" if scheme_context_is_dark(page) else "default")
        if problems := serious_violations(page):
            found[address] = problems
    assert found == {}


def scheme_context_is_dark(page: Page) -> bool:
    return bool(page.evaluate("matchMedia('(prefers-color-scheme: dark)').matches"))


def checker_states(page: Page) -> Iterator[str]:
    """The checker page in each state a reader meets, one after the other."""
    yield "ready"
    for example in EXAMPLES:
        page.click(f"[data-checker-example={example}]")
        wait_for_report(page)
        yield f"example {example}"
    staff = case("staff-all-good")
    shown = check(page, {"tailscale_status": staff.text("kubeconfig")}, "staff")
    assert shown.verdict == "input"
    yield "input in the wrong box"
    page.set_input_files(
        '[data-checker-file="kubeconfig"]',
        files=[{"name": "huge.txt", "mimeType": "text/plain", "buffer": b"x" * 3_000_000}],
    )
    page.wait_for_selector(f"{REPORT}[data-checker-state=error]")
    yield "a file refused"


@pytest.mark.parametrize("width", [1280, 390])
def test_every_checker_state_in_both_palettes(
    scheme_context: BrowserContext, site_url: str, width: int
) -> None:
    page = scheme_context.new_page()
    page.set_viewport_size({"width": width, "height": 900})
    open_checker(page, site_url)
    found: dict[str, list[str]] = {}
    for state in checker_states(page):
        if problems := serious_violations(page):
            found[state] = problems
    assert found == {}


# --- by keyboard alone ----------------------------------------------------------------

# What the walk must reach, in page order, each by its contract attribute.
KIND = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  if (e.matches('[data-checker-input="role"]')) return "role";
  if (e.matches("[data-checker-example]")) return "example";
  if (e.matches("textarea[data-checker-input]")) return "box";
  if (e.matches("[data-checker-pick]")) return "file button";
  if (e.closest("[data-checker-path]")) return "report path";
  if (e.matches(".checker-finding__evidence")) return "evidence";
  if (e.closest(".checker-finding__links") && /\\/connect\\//.test(e.href)) return "guide link";
  if (e.matches('[data-slot="copy"]')) return "copy summary";
  if (e.closest(".md-footer")) return "footer";
  return "other";
}"""
# The box that shows the focus: a hidden radio's or checkbox's label (tabs, palette).
FOCUS_BOX = """() => {
  const e = document.activeElement;
  const r = e.getBoundingClientRect();
  const shown = r.width < 2 || r.height < 2
    ? document.querySelector(`label[for="${CSS.escape(e.id)}"]`) : e;
  const b = (shown || e).getBoundingClientRect();
  return { x: b.x, y: b.y, width: b.width, height: b.height };
}"""


def focus_shows(page: Page) -> bool:
    """Whether the focused control looks different from the same control unfocused."""
    box = page.evaluate(FOCUS_BOX)
    pad = 6
    viewport = page.viewport_size or {"width": 1280, "height": 900}
    clip = {
        "x": max(0, box["x"] - pad),
        "y": max(0, box["y"] - pad),
        "width": min(box["width"] + 2 * pad, viewport["width"]),
        "height": min(box["height"] + 2 * pad, viewport["height"]),
    }
    if clip["width"] < 1 or clip["height"] < 1:
        return False
    focused = page.screenshot(clip=clip, animations="disabled", caret="initial")
    page.evaluate("() => { window.__focused = document.activeElement; __focused.blur(); }")
    unfocused = page.screenshot(clip=clip, animations="disabled", caret="initial")
    page.evaluate("() => __focused.focus({ preventScroll: true })")
    return focused != unfocused


def test_the_keyboard_walk_reaches_everything_with_visible_focus(
    scheme_context: BrowserContext, site_url: str
) -> None:
    page = scheme_context.new_page()
    open_checker(page, site_url)
    # An example, chosen by keyboard: its report's failing hop takes focus.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.dataset.checkerExample") == "forbidden":
            break
    page.keyboard.press("Enter")
    wait_for_report(page)
    page.wait_for_function(
        "() => document.activeElement.closest('[data-checker-path] [data-status=failed]')"
    )
    assert page.evaluate("() => document.activeElement.matches(':focus-visible')")

    # From the top of the page to the footer, by Tab alone.
    page.click("h1")
    walk: list[str] = []
    unseen: list[str] = []
    for _ in range(150):
        page.keyboard.press("Tab")
        kind = page.evaluate(KIND)
        if kind is None:
            continue
        if not focus_shows(page):
            unseen.append(page.evaluate("() => document.activeElement.outerHTML.slice(0, 120)"))
        if kind == "footer":
            break
        if kind != "other" and (not walk or walk[-1] != kind):
            walk.append(kind)
    assert walk == [
        "role",
        "example",
        *["box", "file button"] * 3,
        "report path",
        "evidence",
        "guide link",
        "copy summary",
    ]
    assert unseen == []


def test_a_file_button_opens_the_picker_by_keyboard(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    # Listening before the key is pressed: Playwright takes over file choosers only
    # once a listener is on, and a picker opened before that is the browser's own.
    choosers: list[FileChooser] = []
    page.on("filechooser", lambda chooser: choosers.append(chooser))
    page.focus('[data-checker-pick="kubeconfig"]')
    page.keyboard.press("Enter")
    for _ in range(50):
        if choosers:
            break
        page.wait_for_timeout(100)
    assert len(choosers) == 1
    staff = case("staff-all-good")
    kubeconfig = staff.text("kubeconfig") or ""
    choosers[0].set_files(
        files=[{"name": "config", "mimeType": "text/plain", "buffer": kubeconfig.encode()}]
    )
    page.wait_for_selector(f"{REPORT}[data-checker-state=done][data-checker-verdict]")
    assert page.input_value('[data-checker-input="kubeconfig"]') == kubeconfig


def test_the_evidence_button_shows_its_line_in_the_box(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    page.click("[data-checker-example=forbidden]")
    wait_for_report(page)
    page.focus("[data-finding] .checker-finding__evidence:not([disabled])")
    page.keyboard.press("Enter")
    selected = page.evaluate(
        """() => { const t = document.activeElement;
          return [t.dataset.checkerInput, t.value.slice(t.selectionStart, t.selectionEnd)]; }"""
    )
    box, line = selected
    assert box == "kubectl-output"
    assert line.startswith("Error from server (Forbidden)")


# --- what a screen reader hears -------------------------------------------------------

WATCH_LIVE = """() => {
  window.__spoken = [];
  const regions = document.querySelectorAll("[aria-live], [role=status], [role=alert]");
  for (const region of regions) {
    new MutationObserver(() => window.__spoken.push(region.textContent.trim()))
      .observe(region, { childList: true, subtree: true, characterData: true });
  }
  return regions.length;
}"""


def test_one_sentence_is_announced_per_check(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    # The report is not a live region; one polite status line is.
    assert page.get_attribute(REPORT, "aria-live") is None
    assert page.evaluate(WATCH_LIVE) >= 1
    staff = case("staff-all-good")
    first = check(page, {"tailscale_status": staff.text("tailscale_status")}, "staff")
    assert first.title and first.title.startswith("No problem in the 3 layers checked")
    assert page.evaluate("window.__spoken") == [first.title]

    # Another check with the same verdict is said again, once.
    changed = (staff.text("tailscale_status") or "") + "\n"
    second = check(page, {"tailscale_status": changed}, "staff")
    assert second.title == first.title
    spoken = page.evaluate("window.__spoken")
    assert len(spoken) == 2 and spoken[1].strip() == first.title


def test_the_report_is_not_redrawn_when_nothing_changed(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    page.click("[data-checker-example=wrong-tailnet]")
    wait_for_report(page)
    page.evaluate("() => { window.__drawn = document.querySelector('[data-checker-path]'); }")
    # Into a box and out again, and the same role chosen again: a change event each.
    page.focus('[data-checker-input="tailscale-status"]')
    page.keyboard.press("Tab")
    page.select_option(
        '[data-checker-input="role"]', page.input_value('[data-checker-input="role"]')
    )
    page.wait_for_timeout(400)  # longer than the typing pause the page waits for
    assert page.evaluate("() => window.__drawn === document.querySelector('[data-checker-path]')")
    assert page.get_attribute(REPORT, "data-checker-state") == "done"


def test_focus_stays_in_the_report_when_it_is_redrawn(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    page.click("[data-checker-example=forbidden]")
    wait_for_report(page)
    page.focus("[data-finding] .checker-finding__evidence:not([disabled])")
    finding = page.evaluate(
        "() => document.activeElement.closest('[data-finding]').dataset.finding"
    )
    # The kubectl box changes under the reader (one more line), and the report is redrawn.
    page.evaluate(
        """() => { const box = document.querySelector('[data-checker-input="kubectl-output"]');
          box.value += "\\n"; box.dispatchEvent(new Event("input", { bubbles: true })); }"""
    )
    page.wait_for_function(
        "() => !document.querySelector('[data-checker-path]')?.isConnected || "
        "document.querySelector('[data-checker-report]').dataset.checkerState === 'done'"
    )
    wait_for_report(page)
    assert (
        page.evaluate("() => document.activeElement.closest('[data-finding]')?.dataset.finding")
        == finding
    )
