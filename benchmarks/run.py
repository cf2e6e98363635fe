"""How long a reader waits for the checker, next to what Pyodide alone costs.

    .venv/bin/python benchmarks/run.py [--runs N] [--build-runs N] [--hover-ms MS] [--json PATH]
    make bench

Builds the site, serves it on 127.0.0.1 with the browser tests' request handler
and drives Debian's Chromium (or $CHROMIUM) through Playwright with the browser
tests' flags. Each site is built for the address it is served at, as the browser
tests do, so that Material's instant navigation works. Every cold page load gets a
fresh browser context (an empty cache), and the loads alternate round by round, each
round in a rotated order, so that the drift of a shared machine spreads over all of
them. It reports median / min / max:

- bare: a page of the benchmark's own (benchmarks/bare/, never part of the site)
  whose module worker runs loadPyodide() from the site's runtime files, then 1+1:
  the floor, Pyodide as it is shipped. Also, as a reference, the same page started
  with the standard library the site compiles to bytecode (site_build/bytecode.py);
- checker cold: the checker page, from navigation to ready (the report's state
  first leaves "booting") and to the first verdict (state "done" with a verdict)
  for the typical case, pasted as soon as the page has its boxes;
- first verdict / bare, per round (loads next to each other), and its median;
- from a guide page: click the navigation link to the checker and paste at once,
  from the click to the first verdict; once clicked straight away, once after
  resting the pointer on the link for --hover-ms (the page starts Python then);
- warm: on a page that is ready, from a paste's input event to the verdict (the page
  checks a paste at once), from the moment the check starts (no debounce at all),
  and for the typical case from a keystroke's input event (which waits for the
  page's 150 ms typing pause): the typical case and kubeconfigs of ~100 KB and 1 MB;
- bytes: what the browser transferred (response headers + bodies as this server
  sends them, uncompressed) for a guide page, the bare page and the checker page;
- CPython: benchmarks/cpython.py's diagnose times for the same inputs;
- build: `mkdocs build` of the site and of the same docs with CHECKER_ASSETS=off,
  with the build caches in .cache/ as they are (a rebuild), and once the bytecode
  compile step alone without its cache;
- the network (--profiles): the same site through a link shaped in the server
  (benchmarks/link.py: one shared line per profile, latency per request, gzip and
  caching as GitHub Pages does them), for each profile bare Pyodide, the normal
  boot and the snapshot boot side by side, cold, in the rotated order, with the
  bytes that crossed the link; and a repeat visit in the same browser context,
  within max-age (600 s) and after it (the server then sends max-age=0, as a copy
  older than ten minutes is: the browser revalidates each file).

When the built site ships a Pyodide memory snapshot (issue 6: its
snapshot-manifest.json), a second site is built with CHECKER_SNAPSHOT=off: "checker
cold" and the guide page are measured on that one, "checker cold (snapshot)" on the
default one.

It prints a table, writes JSON to benchmarks/results/<time>.json (and --json PATH)
and ends with `first-verdict/bare ratio: X.XX`, `snapshot first-verdict/bare ratio:
X.XX` and, when the 10 Mbit/s profile ran, `network first-verdict/bare ratio
(10 Mbit/s): X.XX` (the page as shipped, with its snapshot). Timings from a shared machine are
noisy: compare numbers measured in one run, never across days. This is not a test
and fails on no number; it fails when a page gives another verdict than CPython or
a guide page loads any of Pyodide.
"""

from __future__ import annotations

import argparse
import functools
import io
import json
import lzma
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

BENCHMARKS = Path(__file__).resolve().parent
REPO = BENCHMARKS.parent
sys.path[:0] = [str(REPO / "tests" / "browser"), str(REPO / "tests"), str(REPO)]

from checker_page import BOOT_TIMEOUT_MS, REPORT  # noqa: E402
from conftest import CHROMIUM, CHROMIUM_ARGS, SiteServer  # noqa: E402
from cpython import NOW, Scenario, scenarios  # noqa: E402
from playwright.sync_api import Browser, Page, Request, sync_playwright  # noqa: E402
from support import build_site, organisation_data  # noqa: E402

from benchmarks.link import PROFILES, Link, Profile, SiteHandler, serving, shaped  # noqa: E402
from checker import diagnose  # noqa: E402
from checker.organisation import load_organisation_file, organisation_path  # noqa: E402
from site_build.base import ASSETS_SUBDIR as SITE_SUBDIR  # noqa: E402
from site_build.bytecode import STEP as BYTECODE_STEP  # noqa: E402
from site_build.runtime import LOCK_NAME, RUNTIME_FILES  # noqa: E402

RESULTS = BENCHMARKS / "results"
GUIDE_PAGE = "connect/staff/"
CHECKER_PAGE = "checker/"
CHECKER_LINK = ".md-nav--primary a.md-nav__link[href$='checker/']"
# site_build/snapshot.py writes it; a site without it has no snapshot.
SNAPSHOT_MANIFEST = "snapshot-manifest.json"
# site_build/bytecode.py: the standard library the checker starts with.
BYTECODE_STDLIB = "bytecode/python_stdlib.zip"
VARIANTS = {
    "default": {},
    "CHECKER_ASSETS=off": {"CHECKER_ASSETS": "off"},
    "CHECKER_SNAPSHOT=off": {"CHECKER_SNAPSHOT": "off"},
}
POLL_MS = 50
WARM_TIMEOUT_S = 60.0
VIEWPORT = {"width": 1280, "height": 900}

# Every change of the report's state or verdict with the page's clock, recorded
# from the first script of every document on (performance.now() counts from the
# navigation). A MutationObserver also sees a state set to the value it already
# has: the page's check() sets "checking" again when it starts.
TIMELINE = """(() => {
  const records = [];
  window.__timeline = records;
  new MutationObserver((mutations) => {
    const at = performance.now();
    for (const m of mutations) {
      records.push([m.attributeName, m.oldValue, m.target.getAttribute(m.attributeName), at]);
    }
  }).observe(document, {
    subtree: true,
    attributes: true,
    attributeOldValue: true,
    attributeFilter: ["data-checker-state", "data-checker-verdict"],
  });
})();"""

# Paste a scenario: the role, then each box with the input event a paste sends.
# Returns the report's state just after.
PASTE = """([texts, role, now]) => {
  const report = document.querySelector("[data-checker-report]");
  report.dataset.checkerNow = now;
  const select = document.querySelector('[data-checker-input="role"]');
  select.value = role || "";
  select.dispatchEvent(new Event("change", { bubbles: true }));
  for (const [box, text] of Object.entries(texts)) {
    const input = document.querySelector(`[data-checker-input="${box}"]`);
    input.value = text;
    input.dispatchEvent(new InputEvent("input", { bubbles: true, inputType: "insertFromPaste" }));
  }
  return report.dataset.checkerState;
}"""

# The boxes of one scenario, without an input event (the next step sends one).
SET_BOXES = """([texts, role, now]) => {
  document.querySelector("[data-checker-report]").dataset.checkerNow = now;
  document.querySelector('[data-checker-input="role"]').value = role || "";
  for (const [box, text] of Object.entries(texts)) {
    document.querySelector(`[data-checker-input="${box}"]`).value = text;
  }
}"""

# One input event on the kubeconfig box, as a paste ("insertFromPaste") or a keystroke
# ("insertText") sends it. Returns the event's time. The page checks only a request
# that changed, so each time the text gains or loses a trailing space (the same
# kubeconfig to YAML, another request to the page).
INPUT = """(inputType) => {
  window.__timeline.length = 0;
  const box = document.querySelector('[data-checker-input="kubeconfig"]');
  box.value = box.value.endsWith(" ") ? box.value.slice(0, -1) : box.value + " ";
  const at = performance.now();
  box.dispatchEvent(new InputEvent("input", { bubbles: true, inputType }));
  return at;
}"""

BOX_NAMES = {"tailscale_status": "tailscale-status", "kubectl_output": "kubectl-output"}

Record = tuple[str, str | None, str | None, float]


class BenchmarkError(RuntimeError):
    pass


# --- numbers -----------------------------------------------------------------------------


def summary(samples: list[float]) -> dict[str, Any]:
    return {
        "median": statistics.median(samples),
        "min": min(samples),
        "max": max(samples),
        "n": len(samples),
        "samples": [round(s, 3) for s in samples],
    }


def nproc() -> int | None:
    """What `nproc` says: the CPUs this process may use."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count()


def machine() -> dict[str, Any]:
    cpu = platform.processor() or platform.machine()
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.is_file():
        for line in cpuinfo.read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    pyodide = json.loads((REPO / "node_modules/pyodide/package.json").read_text("utf-8"))
    return {
        "nproc": nproc(),
        "cpu": cpu,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "pyodide": pyodide["version"],
        "loadavg_at_start": list(os.getloadavg()),
    }


# --- sites -------------------------------------------------------------------------------


@contextmanager
def served(root: Path) -> Iterator[str]:
    """root on http://127.0.0.1:<free port>/, with the browser tests' handler."""
    handler = functools.partial(SiteHandler, directory=str(root))
    with serving(SiteServer(("127.0.0.1", 0), handler)) as url:
        yield url


def organisation_for(url: str, dest: Path) -> Path:
    """The organisation data with `url` as the site's address, written to dest."""
    data = organisation_data()
    data["organisation"]["site_url"] = url
    dest.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return dest


def timed_build(dest: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    build_site(dest, env=env)
    return time.perf_counter() - start


def snapshot_manifest(site: Path) -> Path | None:
    """The manifest of the Pyodide memory snapshot a built site ships (issue 6), if any."""
    manifest = site / SITE_SUBDIR / SNAPSHOT_MANIFEST
    return manifest if manifest.is_file() else None


def build_all(
    work: Path, www: Path, base_url: str, rounds: int, log: Callable[[str], None]
) -> tuple[dict[str, Any], dict[str, str]]:
    """Build each variant `rounds` times, alternating; serve the first of each under www.

    Returns the build times and the address of each served site. CHECKER_SNAPSHOT=off
    is built only when the default site has a snapshot.
    """
    times: dict[str, list[float]] = {}
    urls: dict[str, str] = {}
    names = ["default", "CHECKER_ASSETS=off"]
    for i in range(rounds):
        order = names[i % len(names) :] + names[: i % len(names)]
        for name in order:
            slug = name.lower().replace("=", "-").replace("_", "-")
            if name != "CHECKER_ASSETS=off" and name not in urls:
                urls[name] = f"{base_url}{slug}/"
                dest = www / slug
            else:
                dest = work / f"build-{i}-{slug}"
            env = {
                **VARIANTS[name],
                "ORGANISATION_FILE": str(
                    organisation_for(urls.get(name, base_url), work / f"organisation-{slug}.yml")
                ),
            }
            times.setdefault(name, []).append(timed_build(dest, env))
            if dest.parent == work:
                shutil.rmtree(dest)
            if i == 0 and name == "default" and snapshot_manifest(dest):
                names.append("CHECKER_SNAPSHOT=off")
                order.append("CHECKER_SNAPSHOT=off")
        log(f"  build round {i + 1}/{rounds}")
    return {name: summary(t) for name, t in times.items()}, urls


def bytecode_compile_time(site: Path, work: Path) -> float | None:
    """The bytecode step alone, without its cache (what a first build pays)."""
    node = shutil.which("node")
    assets = site / SITE_SUBDIR
    if node is None or not (assets / "bytecode").is_dir():
        return None
    out = work / "bytecode-uncached"
    out.mkdir()
    start = time.perf_counter()
    runtime = REPO / "node_modules/pyodide"
    inputs = BYTECODE_STEP.inputs()
    maker = [node, str(inputs[0]), str(runtime), str(assets), str(out), *map(str, inputs[1:])]
    subprocess.run(maker, capture_output=True, check=True)
    return time.perf_counter() - start


def bare_site(site: Path, dest: Path) -> Path:
    """benchmarks/bare/ beside Pyodide as npm ships it, and the site's lock."""
    shutil.copytree(BENCHMARKS / "bare", dest)
    runtime = dest / "pyodide"
    runtime.mkdir(exist_ok=True)
    for name in RUNTIME_FILES:
        shutil.copyfile(REPO / "node_modules" / "pyodide" / name, runtime / name)
    shutil.copyfile(site / SITE_SUBDIR / LOCK_NAME, runtime / LOCK_NAME)
    # The reference row: the same page started with the site's bytecode standard library.
    bytecode = site / SITE_SUBDIR / "bytecode"
    manifest = json.loads((bytecode / "manifest.json").read_text(encoding="utf-8"))
    archive = bytecode / manifest["archive"]["file_name"]
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(archive.read_bytes()))) as tar:
        member = tar.extractfile(manifest["stdlib"]["file_name"])
        assert member is not None
        (runtime / BYTECODE_STDLIB).parent.mkdir(parents=True, exist_ok=True)
        (runtime / BYTECODE_STDLIB).write_bytes(member.read())
    return dest


# --- the browser -------------------------------------------------------------------------


def poll(page: Page, expression: str, done: Callable[[Any], bool], timeout_s: float) -> Any:
    """Evaluate `expression` until `done(value)`.

    The pages' Content-Security-Policy refuses Playwright's string wait_for_function
    (it needs eval); evaluate is allowed.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        value = page.evaluate(expression)
        if done(value):
            return value
        if time.monotonic() > deadline:
            raise BenchmarkError(f"gave up after {timeout_s:.0f} s waiting for {expression}")
        page.wait_for_timeout(POLL_MS)


def transferred(requests: list[Request], runtime_prefix: str) -> dict[str, Any]:
    """Bytes the browser received (headers + encoded bodies), in total and for Pyodide.

    A request answered from the browser's memory cache counts 0. Chromium reports no
    body size for a worker's own script: that body counts as its Content-Length.
    """
    files = []
    for request in requests:
        if not request.url.startswith("http"):
            continue
        sizes = request.sizes()
        body, headers = sizes["responseBodySize"], sizes["responseHeadersSize"]
        response = request.response()
        if headers and not body and response is not None:
            body = int(response.headers.get("content-length") or 0)
        files.append((request.url, body + headers))
    total = sum(size for _, size in files)
    pyodide = sum(size for url, size in files if runtime_prefix in url)
    return {"total": total, "pyodide": pyodide, "files": files}


def finished(records: list[Record]) -> bool:
    return any(r[0] == "data-checker-state" and r[2] in ("done", "error") for r in records)


def first_at(records: list[Record], test: Callable[[Record], bool]) -> float:
    return next(r[3] for r in records if r[0] == "data-checker-state" and test(r))


def report_text(page: Page) -> str:
    return " ".join((page.text_content(REPORT) or "").split())


def boxes_of(scenario: Scenario) -> dict[str, str]:
    return {BOX_NAMES.get(k, k): v or "" for k, v in scenario.texts.items()}


def paste_and_wait(page: Page, scenario: Scenario, expected: str) -> list[Record]:
    state = page.evaluate(PASTE, [boxes_of(scenario), scenario.role, NOW.isoformat()])
    if state != "booting" and state != "ready" and state != "checking":
        raise BenchmarkError(f"the checker was {state} when the boxes were filled")
    records: list[Record] = poll(page, "() => window.__timeline", finished, BOOT_TIMEOUT_MS / 1000)
    verdict = page.get_attribute(REPORT, "data-checker-verdict")
    if verdict != expected:
        raise BenchmarkError(f"expected verdict {expected}, found {verdict}: {report_text(page)}")
    return records


def checker_cold(
    browser: Browser,
    url: str,
    scenario: Scenario,
    expected: str,
    seen: dict[str, Any],
    query: str = "",
) -> dict[str, float]:
    """Navigate, paste at once, and time ready and the first verdict."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(TIMELINE)
        requests: list[Request] = []
        page.on("requestfinished", lambda request: requests.append(request))
        page.goto(url + CHECKER_PAGE + query, wait_until="domcontentloaded")
        if page.get_attribute(REPORT, "data-checker-state") != "booting":
            raise BenchmarkError("the checker was ready before its boxes were filled")
        records = paste_and_wait(page, scenario, expected)
        if not seen:
            page.wait_for_load_state("networkidle")
            seen.update(transferred(requests, "/" + SITE_SUBDIR + "/"))
        return {
            "ready": first_at(records, lambda r: r[2] != "booting"),
            "first_verdict": first_at(records, lambda r: r[2] == "done"),
        }
    finally:
        context.close()


def bare_cold(browser: Browser, url: str, seen: dict[str, Any]) -> dict[str, float]:
    """Navigate to the bare page and time Python's answer."""
    context = browser.new_context()
    try:
        page = context.new_page()
        requests: list[Request] = []
        page.on("requestfinished", lambda request: requests.append(request))
        page.goto(url, wait_until="domcontentloaded")
        result = poll(page, "() => window.bare", bool, BOOT_TIMEOUT_MS / 1000)
        if result.get("result") != 2:
            raise BenchmarkError(f"bare Pyodide: expected 1+1 = 2, found {result}")
        if not seen:
            seen.update(transferred(requests, "/pyodide/"))
        return {"python": float(result["ms"])}
    finally:
        context.close()


def from_guide(
    browser: Browser, url: str, scenario: Scenario, expected: str, hover_ms: int
) -> dict[str, float]:
    """On a guide page, (rest on the link and) click it, paste: click -> first verdict."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(TIMELINE)
        page.goto(url + GUIDE_PAGE)
        page.wait_for_load_state("networkidle")
        link = page.locator(CHECKER_LINK).first
        if hover_ms:
            link.hover()
            page.wait_for_timeout(hover_ms)
        clicked = page.evaluate("() => { window.__guide = true; return performance.now(); }")
        link.click()
        poll(page, f"() => !!document.querySelector('{REPORT}')", bool, WARM_TIMEOUT_S)
        if not page.evaluate("() => window.__guide === true"):
            raise BenchmarkError("instant navigation did not keep the guide page's document")
        records = paste_and_wait(page, scenario, expected)
        return {"first_verdict": first_at(records, lambda r: r[2] == "done") - clicked}
    finally:
        context.close()


def guide_bytes(browser: Browser, url: str) -> dict[str, Any]:
    """What a guide page loads, asserting that it loads none of the checker's Python."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        requests: list[Request] = []
        page.on("requestfinished", lambda request: requests.append(request))
        page.goto(url + GUIDE_PAGE, wait_until="networkidle")
        seen = transferred(requests, "/" + SITE_SUBDIR + "/")
        checker = [u for u, _ in seen["files"] if "/assets/checker/" in u and u.endswith(".js")]
        # On every page: mount.js (starts nothing) and worker-policy.js (how workers start).
        started = [u for u in checker if not u.endswith(("/mount.js", "/worker-policy.js"))]
        if seen["pyodide"] or started:
            raise BenchmarkError(
                f"the guide page {GUIDE_PAGE} loaded the checker: {started}, "
                f"{seen['pyodide']} bytes of Pyodide"
            )
        return seen
    finally:
        context.close()


def warm(
    browser: Browser, url: str, cases: list[tuple[Scenario, str, int]]
) -> dict[str, dict[str, Any]]:
    """On a ready page, the time from an input event to the verdict.

    For each case: `paste_ms` from a paste's input event, and `check_ms` from the
    moment the page's check starts (the page sets its state to "checking" again then),
    which leaves out any input debounce. For the first case also `typed_ms`, from a
    keystroke's input event: that includes the pause the page waits for.
    """
    context = browser.new_context(viewport=VIEWPORT)
    try:
        page = context.new_page()
        page.add_init_script(TIMELINE)
        page.goto(url + CHECKER_PAGE)
        poll(
            page,
            f"() => document.querySelector('{REPORT}').dataset.checkerState",
            lambda state: state != "booting",
            BOOT_TIMEOUT_MS / 1000,
        )

        def measure(input_type: str, expected: str) -> tuple[float, float]:
            sent = page.evaluate(INPUT, input_type)
            records = poll(page, "() => window.__timeline", finished, WARM_TIMEOUT_S)
            verdict = page.get_attribute(REPORT, "data-checker-verdict")
            if verdict != expected:
                raise BenchmarkError(
                    f"warm: expected verdict {expected}, found {verdict}: {report_text(page)}"
                )
            done = first_at(records, lambda r: r[2] == "done")
            # The last "checking" before "done" is the check starting.
            started = max(
                r[3]
                for r in records
                if r[0] == "data-checker-state" and r[2] == "checking" and r[3] <= done
            )
            return done - sent, done - started

        results: dict[str, dict[str, Any]] = {}
        for i, (scenario, expected, repeats) in enumerate(cases):
            page.evaluate(SET_BOXES, [boxes_of(scenario), scenario.role, NOW.isoformat()])
            if i == 0:
                # The first check on a fresh page also fills the checker's caches.
                paste, check = measure("insertFromPaste", expected)
                results["first check after ready"] = {"paste_ms": paste, "check_ms": check}
            pastes = [measure("insertFromPaste", expected) for _ in range(repeats)]
            results[scenario.name] = {
                "bytes": scenario.size,
                "paste_ms": summary([paste for paste, _ in pastes]),
                "check_ms": summary([check for _, check in pastes]),
            }
            if i == 0:
                typed = [measure("insertText", expected)[0] for _ in range(repeats)]
                results[scenario.name]["typed_ms"] = summary(typed)
        return results
    finally:
        context.close()


# --- the table's cells: median, min, max, n ---------------------------------------------


def ms(s: dict[str, Any], scale: float = 1.0) -> tuple[str, ...]:
    return (*(f"{s[k] * scale:,.0f} ms" for k in ("median", "min", "max")), str(s["n"]))


def mb(s: dict[str, Any]) -> tuple[str, ...]:
    return (*(f"{s[k] / 1e6:,.2f} MB" for k in ("median", "min", "max")), str(s["n"]))


def ratio(s: dict[str, Any]) -> tuple[str, ...]:
    return (*(f"{s[k]:.2f}" for k in ("median", "min", "max")), str(s["n"]))


# --- the network ---------------------------------------------------------------------------


def over_link(link: Link, load: Callable[[], dict[str, float]]) -> dict[str, float]:
    """A load, and the bytes that crossed the link meanwhile (headers and bodies)."""
    before = link.sent
    timings = load()
    return {**timings, "link_bytes": float(link.sent - before)}


def repeat_visit(
    browser: Browser, url: str, scenario: Scenario, expected: str, link: Link
) -> dict[str, float]:
    """Load the checker page, then again in the same context: the second load's times."""
    context = browser.new_context(viewport=VIEWPORT)
    try:
        for visit in (1, 2):
            page = context.new_page()
            page.add_init_script(TIMELINE)
            before = link.sent
            page.goto(url + CHECKER_PAGE, wait_until="domcontentloaded")
            records = paste_and_wait(page, scenario, expected)
            if visit == 2:
                page.wait_for_load_state("networkidle")
                return {
                    "ready": first_at(records, lambda r: r[2] != "booting"),
                    "first_verdict": first_at(records, lambda r: r[2] == "done"),
                    "link_bytes": float(link.sent - before),
                }
            page.wait_for_load_state("networkidle")
            page.close()
        raise AssertionError("unreachable")
    finally:
        context.close()


def network(
    browser: Browser,
    www: Path,
    paths: dict[str, str],
    profile: Profile,
    runs: int,
    scenario: Scenario,
    expected: str,
    log: Callable[[str], None],
) -> dict[str, Any]:
    """Cold loads through one profile's link, rotated round by round: bare Pyodide, the
    page made to boot the normal way and from its memory image (?checker-boot=), and
    the page as shipped (which chooses); then repeat visits of the page as shipped."""
    shipped = paths.get("snapshot", paths["normal"])
    with shaped(www, profile) as (base, link):

        def page(query: str = "") -> Callable[[], dict[str, float]]:
            return lambda: checker_cold(browser, base + shipped, scenario, expected, {}, query)

        loads: dict[str, Callable[[], dict[str, float]]] = {
            "bare": lambda: bare_cold(browser, base + paths["bare"], {}),
            "checker": page("?checker-boot=normal"),
        }
        if "snapshot" in paths:
            loads["snapshot"] = page("?checker-boot=snapshot")
            loads["shipped"] = page()
        samples: dict[str, list[dict[str, float]]] = {name: [] for name in loads}
        for i in range(runs):
            names = list(loads)
            for name in names[i % len(names) :] + names[: i % len(names)]:
                samples[name].append(over_link(link, loads[name]))
            last = {n: samples[n][-1] for n in loads}
            times = {n: t.get("first_verdict", t.get("python", 0.0)) for n, t in last.items()}
            log(
                f"  {profile.name}, round {i + 1}/{runs}: "
                + ", ".join(f"{n} {t:,.0f} ms" for n, t in times.items())
            )
        within = [
            repeat_visit(browser, base + shipped, scenario, expected, link) for _ in range(runs)
        ]
    with shaped(www, profile, max_age=0) as (base, link):
        after = [
            repeat_visit(browser, base + shipped, scenario, expected, link) for _ in range(runs)
        ]
    result = cold_summary(samples)
    for name, runs_of in samples.items():
        result[name]["link_bytes"] = summary([r["link_bytes"] for r in runs_of])
    result["repeat_within_max_age"] = {k: summary([r[k] for r in within]) for k in within[0]}
    result["repeat_after_max_age"] = {k: summary([r[k] for r in after]) for k in after[0]}
    result["profile"] = {
        "name": profile.name,
        "mbit_per_s": profile.mbit_per_s,
        "latency_ms": profile.latency_ms,
        "gzip": profile.gzip,
    }
    return result


def network_rows(results: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    for net in results.get("network", {}).values():
        name = net["profile"]["name"]
        yield (f"[{name}] bare Pyodide: 1+1", *ms(net["bare"]["python"]))
        yield (f"[{name}] bare Pyodide: bytes on the link", *mb(net["bare"]["link_bytes"]))
        for boot, label in (
            ("checker", "normal boot"),
            ("snapshot", "snapshot boot"),
            ("shipped", "the page as shipped (it chooses)"),
        ):
            if boot not in net:
                continue
            yield (f"[{name}] {label}: first verdict", *ms(net[boot]["first_verdict"]))
            yield (f"[{name}] {label}: first verdict / bare", *ratio(net[boot]["ratio_to_bare"]))
            yield (f"[{name}] {label}: bytes on the link", *mb(net[boot]["link_bytes"]))
        for visit, label in (
            ("repeat_within_max_age", "second visit within 10 min"),
            ("repeat_after_max_age", "second visit after 10 min"),
        ):
            yield (f"[{name}] {label}: first verdict", *ms(net[visit]["first_verdict"]))
            yield (f"[{name}] {label}: bytes on the link", *mb(net[visit]["link_bytes"]))


# --- CPython -----------------------------------------------------------------------------


def cpython() -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, str(BENCHMARKS / "cpython.py"), "--json"],
        capture_output=True,
        text=True,
        check=True,
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def expected_verdicts(cases: list[Scenario]) -> list[str]:
    organisation = load_organisation_file(organisation_path())
    return [
        diagnose(organisation=organisation, **s.texts, role=s.role, now=NOW).verdict for s in cases
    ]


# --- the table ---------------------------------------------------------------------------

LABELS = {
    "bare": "bare Pyodide: loadPyodide() + 1+1",
    "bare_bytecode": "bare Pyodide, bytecode stdlib (reference)",
    "checker": "checker cold",
    "snapshot": "checker cold (snapshot)",
    "guide_click": "guide page, click the checker link: click -> first verdict",
    "guide_hover": "guide page, rest {hover_ms} ms on the link, click: click -> first verdict",
}


def cold_summary(samples: dict[str, list[dict[str, float]]]) -> dict[str, Any]:
    """Median / min / max of each timing; for the checker, its ratio to bare per round."""
    cold: dict[str, Any] = {}
    for name, runs in samples.items():
        cold[name] = {key: summary([run[key] for run in runs]) for key in runs[0]}
        if "ready" in runs[0]:
            for bare in ("bare", "bare_bytecode"):
                if bare in samples:
                    cold[name][f"ratio_to_{bare}"] = summary(
                        [
                            run["first_verdict"] / floor["python"]
                            for run, floor in zip(runs, samples[bare], strict=True)
                        ]
                    )
    return cold


def rows(results: dict[str, Any]) -> Iterator[tuple[str, ...]]:
    for name, timings in results["cold"].items():
        label = LABELS[name].format(hover_ms=results["hover_ms"])
        if "python" in timings:
            yield (label, *ms(timings["python"]))
        elif "ready" not in timings:
            yield (label, *ms(timings["first_verdict"]))
        else:
            yield (f"{label}: ready", *ms(timings["ready"]))
            yield (f"{label}: first verdict", *ms(timings["first_verdict"]))
            yield (f"{label}: first verdict / bare", *ratio(timings["ratio_to_bare"]))
            if "ratio_to_bare_bytecode" in timings:
                yield (
                    f"{label}: first verdict / bare with bytecode stdlib",
                    *ratio(timings["ratio_to_bare_bytecode"]),
                )
    first = results["warm"]["first check after ready"]
    yield ("warm: first check after ready, paste -> verdict", f"{first['paste_ms']:,.0f} ms")
    for name, w in results["warm"].items():
        if name != "first check after ready":
            yield (f"warm {name}: paste -> verdict", *ms(w["paste_ms"]))
            yield (f"warm {name}: the check alone", *ms(w["check_ms"]))
            if "typed_ms" in w:
                yield (f"warm {name}: keystroke -> verdict", *ms(w["typed_ms"]))
    for r in results["cpython"]["results"]:
        median = f"{r['median_ms']:,.1f} ms"
        yield (f"CPython diagnose {r['scenario']}", median, "", "", str(r["runs"]))
    for name, t in results["build"].items():
        yield (f"build: mkdocs build, {name}", *ms(t, 1000))
    if results.get("bytecode_compile_s") is not None:
        yield ("build: bytecode step alone, uncached", f"{results['bytecode_compile_s']:,.1f} s")


def byte_rows(results: dict[str, Any]) -> Iterator[tuple[str, str, str]]:
    b = results["bytes"]
    yield f"guide page /{GUIDE_PAGE}", f"{b['guide']['total']:,}", f"{b['guide']['pyodide']:,}"
    for name in ("bare", "checker", "snapshot"):
        if name in b:
            yield LABELS[name], f"{b[name]['total']:,}", f"{b[name]['pyodide']:,}"
    for name in ("checker", "snapshot"):
        if name in b:
            difference = b[name]["total"] - b["bare"]["total"]
            yield f"{LABELS[name]} - bare Pyodide", f"{difference:+,}", ""


def print_table(results: dict[str, Any]) -> None:
    m = results["machine"]
    print(
        f"\n{m['nproc']} CPUs ({m['cpu']}), Chromium {m['chromium']}, Pyodide {m['pyodide']}, "
        f"{results['runs']} cold runs of each, load average {m['loadavg_at_start'][0]:.1f} "
        f"at the start, {m['loadavg_at_end'][0]:.1f} at the end"
    )
    width = print_timings("", list(rows(results)))
    print(f"\n{'bytes transferred':<{width}}  {'total':>12} {'Pyodide':>10}")
    for name, total, pyodide in byte_rows(results):
        print(f"{name:<{width}}  {total:>12} {pyodide:>10}")
    print("(a guide page loads 0 bytes of Pyodide: asserted)\n")
    if results.get("network"):
        print_timings("network (shaped in the server)", list(network_rows(results)))
        print()


def print_timings(title: str, table: list[tuple[str, ...]]) -> int:
    """Rows of (name, median, min, max, n) under `title`; returns the names' width."""
    width = max(len(r[0]) for r in table)
    print(f"{title:<{width}}  {'median':>12} {'min':>10} {'max':>10} {'n':>3}")
    for name, *values in table:
        median, low, high, n = [*values, "", "", "", ""][:4]
        print(f"{name:<{width}}  {median:>12} {low:>10} {high:>10} {n:>3}")
    return width


# --- the run -----------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="cold loads of each page (default 5)")
    parser.add_argument("--build-runs", type=int, default=3, help="builds of each (default 3)")
    parser.add_argument(
        "--hover-ms", type=int, default=300, help="rest on the checker link (default 300)"
    )
    parser.add_argument("--json", type=Path, help="also write the results here")
    parser.add_argument(
        "--profiles",
        default="10mbit,2mbit",
        help=f"shaped links to measure too, comma-separated, of {', '.join(PROFILES)}; "
        "'' for none (default 10mbit,2mbit)",
    )
    parser.add_argument(
        "--network-runs", type=int, default=3, help="cold loads of each, per link (default 3)"
    )
    args = parser.parse_args()
    if args.runs < 1 or args.build_runs < 1 or args.hover_ms < 0 or args.network_runs < 1:
        parser.error(
            "--runs, --build-runs and --network-runs must be at least 1, --hover-ms at least 0"
        )
    profiles = [p for p in args.profiles.split(",") if p]
    if unknown := [p for p in profiles if p not in PROFILES]:
        parser.error(f"unknown profile {unknown[0]}: expected one of {', '.join(PROFILES)}")
    if not CHROMIUM.is_file():
        parser.error(f"expected Chromium at {CHROMIUM} (apt-get install chromium, or CHROMIUM=...)")

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    started = time.monotonic()
    cases = scenarios()
    typical = cases[0]
    verdicts = expected_verdicts(cases)
    results: dict[str, Any] = {"runs": args.runs, "hover_ms": args.hover_ms, "machine": machine()}

    with tempfile.TemporaryDirectory(prefix="checker-bench-") as tmp:
        work = Path(tmp)
        www = work / "www"
        www.mkdir()
        with served(www) as base_url, sync_playwright() as playwright:
            log("Building the site ...")
            results["build"], urls = build_all(work, www, base_url, args.build_runs, log)
            snapshot = "CHECKER_SNAPSHOT=off" in urls
            checker_url = urls["CHECKER_SNAPSHOT=off" if snapshot else "default"]
            plain_site = www / checker_url.removeprefix(base_url)
            results["bytecode_compile_s"] = bytecode_compile_time(plain_site, work)
            bare_site(plain_site, www / "bare")
            bare_url = base_url + "bare/"
            bytecode = (www / "bare/pyodide" / BYTECODE_STDLIB).is_file()

            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            results["machine"]["chromium"] = browser.version
            bytes_seen: dict[str, dict[str, Any]] = {}
            loads: dict[str, Callable[[dict[str, Any]], dict[str, float]]] = {
                "bare": lambda seen: bare_cold(browser, bare_url, seen),
                "checker": lambda seen: checker_cold(
                    browser, checker_url, typical, verdicts[0], seen
                ),
            }
            if bytecode:
                loads["bare_bytecode"] = lambda seen: bare_cold(
                    browser, f"{bare_url}?stdlib={BYTECODE_STDLIB}", seen
                )
            if snapshot:
                loads["snapshot"] = lambda seen: checker_cold(
                    browser, urls["default"], typical, verdicts[0], seen
                )
            loads["guide_click"] = lambda seen: from_guide(
                browser, checker_url, typical, verdicts[0], 0
            )
            loads["guide_hover"] = lambda seen: from_guide(
                browser, checker_url, typical, verdicts[0], args.hover_ms
            )
            samples: dict[str, list[dict[str, float]]] = {name: [] for name in loads}
            for i in range(args.runs):
                names = list(loads)
                for name in names[i % len(names) :] + names[: i % len(names)]:
                    samples[name].append(loads[name](bytes_seen.setdefault(name, {})))
                log(
                    f"  cold round {i + 1}/{args.runs}: "
                    + ", ".join(f"{n} {max(samples[n][-1].values()):,.0f} ms" for n in loads)
                )
            results["cold"] = cold_summary(samples)
            results["bytes"] = {name: seen for name, seen in bytes_seen.items() if seen}

            log("Warm checks ...")
            small = max(args.runs, 10)
            results["warm"] = warm(
                browser,
                checker_url,
                [
                    (cases[0], verdicts[0], small),
                    (cases[1], verdicts[1], small),
                    (cases[2], verdicts[2], args.runs),
                ],
            )
            log("Bytes of a guide page ...")
            results["bytes"]["guide"] = guide_bytes(browser, checker_url)

            paths = {"bare": "bare/", "normal": checker_url.removeprefix(base_url)}
            if snapshot:
                paths["snapshot"] = urls["default"].removeprefix(base_url)
            results["network"] = {}
            for key in profiles:
                log(f"Through a link of {PROFILES[key].name} ...")
                results["network"][key] = network(
                    browser, www, paths, PROFILES[key], args.network_runs,
                    typical, verdicts[0], log,
                )  # fmt: skip
            browser.close()

    log("CPython ...")
    results["cpython"] = cpython()
    results["machine"]["loadavg_at_end"] = list(os.getloadavg())
    results["seconds"] = round(time.monotonic() - started)

    print_table(results)
    RESULTS.mkdir(exist_ok=True)
    stamp = datetime.now().strftime("%Y-%m-%dT%H-%M-%S")
    for path in (RESULTS / f"{stamp}.json", args.json):
        if path:
            path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
            log(f"wrote {path}")
    cold = results["cold"]
    print(f"first-verdict/bare ratio: {cold['checker']['ratio_to_bare']['median']:.2f}")
    if snapshot:
        snapshot_ratio = cold["snapshot"]["ratio_to_bare"]["median"]
        print(f"snapshot first-verdict/bare ratio: {snapshot_ratio:.2f}")
    if "10mbit" in results["network"]:
        net = results["network"]["10mbit"]
        shipped = net.get("shipped", net["checker"])
        print(
            f"network first-verdict/bare ratio (10 Mbit/s): "
            f"{shipped['ratio_to_bare']['median']:.2f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
