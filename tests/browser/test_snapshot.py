"""The checker page boots from the site's memory image, and the normal way when it cannot.

Whatever goes wrong with the image (missing, corrupt, made for other wheels, another
Pyodide or another WebAssembly, a browser that cannot inflate it), the page gives the
same verdict and the worker says why in the console. The corpus runs on both boots in
test_checker_page.py.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from checker_page import check, open_checker
from playwright.sync_api import Browser, Page, Response, Route
from support import REPO, Case, all_cases

from benchmarks.link import PROFILES, shaped

pytestmark = [pytest.mark.browser, pytest.mark.slow]

CASE = next(case for case in all_cases() if case.path.name == "client-cert-expired")
IMAGE = "**/assets/pyodide/snapshot-*.bin.gz"
MANIFEST = "**/assets/pyodide/snapshot-manifest.json"
FALLBACK = "The checker starts Python without its snapshot: "
# What the normal boot downloads, at most, against Pyodide as npm ships it (its
# WebAssembly, standard library and JavaScript): the WebAssembly with xz, and only the
# standard modules the page imports, as bytecode, with xz (site_build/bytecode.py).
MOST_BYTES_AGAINST_STOCK = 0.4
STOCK = ("pyodide.asm.wasm", "python_stdlib.zip", "pyodide.asm.mjs")


# Every text the status line shows, in order, from the first script of the page on.
STATUS_LINES = """(() => {
  const lines = (window.__statusLines = []);
  new MutationObserver(() => {
    const text = document.querySelector("[data-checker-status]")?.textContent;
    if (text && text !== lines.at(-1)) lines.push(text);
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();"""
DOWNLOADING = r"Downloading Python for the checker: ([\d.]+) of about (\d+) MB \(once\)…"


def texts(case: Case) -> dict[str, str | None]:
    return {box: case.text(box) for box in ("tailscale_status", "kubeconfig", "kubectl_output")}


class Seen:
    """What a page asked for under assets/pyodide/, and the worker's fallback warnings."""

    def __init__(self, page: Page) -> None:
        self.files: dict[str, int] = {}
        self.fallbacks: list[str] = []
        page.on("response", self.response)
        page.on(
            "console",
            lambda m: (
                self.fallbacks.append(m.text[len(FALLBACK) :])
                if m.text.startswith(FALLBACK)
                else None
            ),
        )

    def response(self, response: Response) -> None:
        _, found, name = response.url.partition("/assets/pyodide/")
        if found and response.ok:
            self.files[name] = int(response.headers.get("content-length", "0"))


@pytest.fixture
def seen(page: Page) -> Seen:
    return Seen(page)


def boots_and_checks(page: Page, site_url: str) -> None:
    open_checker(page, site_url)
    shown = check(page, texts(CASE), CASE.role, now=CASE.now, tailnets=CASE.tailnets)
    assert (shown.state, shown.verdict) == ("done", CASE.verdict), shown.text


def manifest_of(page: Page, site_url: str) -> dict[str, Any]:
    manifest: dict[str, Any] = page.request.get(
        site_url + "assets/pyodide/snapshot-manifest.json"
    ).json()
    return manifest


def test_the_page_boots_from_the_image(page: Page, site_url: str, seen: Seen) -> None:
    boots_and_checks(page, site_url)

    assert seen.fallbacks == []
    manifest = manifest_of(page, site_url)
    bytecode = page.request.get(site_url + "assets/pyodide/bytecode/manifest.json").json()
    # What the image needs; what the worker reads to choose (and its xz decoder); and
    # the WebAssembly with xz, which the page's <head> preloads for the normal boot.
    booting = {
        "snapshot-manifest.json",
        "pyodide-lock.json",
        "pyodide.mjs",
        "pyodide.asm.mjs",
        "pyodide.asm.wasm",
        manifest["image"]["file_name"],
        manifest["site_packages"]["file_name"],
        manifest["stdlib"]["file_name"],
    }
    choosing = {"bytecode/manifest.json", "xz-decompress.mjs"}
    preloaded = {f"bytecode/{bytecode['wasm']['file_name']}"}
    assert set(seen.files) == booting | choosing | preloaded
    shown = sum(seen.files[name] for name in booting) - seen.files["snapshot-manifest.json"]
    assert shown == manifest["boot_bytes"]


def test_the_normal_boot_downloads_a_fraction_of_stock_pyodide(
    page: Page, site_url_without_snapshot: str, seen: Seen
) -> None:
    boots_and_checks(page, site_url_without_snapshot)
    stock = sum((REPO / "node_modules" / "pyodide" / name).stat().st_size for name in STOCK)
    assert "pyodide.asm.wasm" not in seen.files and "python_stdlib.zip" not in seen.files
    assert sum(seen.files.values()) <= MOST_BYTES_AGAINST_STOCK * stock


def test_a_slow_link_gets_the_normal_boot(
    browser: Browser, site_url: str, site_folder: Path
) -> None:
    """On 10 Mbit/s the image costs more time than it saves (benchmarks/README.md), and
    the seconds of download are counted out on the page as they pass."""
    with shaped(site_folder / "site", PROFILES["10mbit"]) as (url, link):
        context = browser.new_context()
        page = context.new_page()
        page.add_init_script(STATUS_LINES)
        seen = Seen(page)
        boots_and_checks(page, url)
        shown = page.evaluate("window.__statusLines")
        context.close()
    bytecode = json.loads((site_folder / "site/assets/pyodide/bytecode/manifest.json").read_text())
    assert not [name for name in seen.files if name.endswith(".bin.gz")]
    assert f"bytecode/{bytecode['archive']['file_name']}" in seen.files
    assert seen.fallbacks == []  # chosen, not fallen back to
    assert link.sent < 5_000_000
    counted = [re.fullmatch(DOWNLOADING, line) for line in shown]
    received = [float(found[1]) for found in counted if found]
    assert len(received) >= 4, shown  # about 3 s of download, told every 250 ms
    total = bytecode["wasm"]["bytes"] + bytecode["archive"]["bytes"]
    assert received == sorted(received) and received[0] < 1, received
    assert received[-1] == round(total / 1e6, 1)  # all of it, once it has all come
    assert {found[2] for found in counted if found} == {str(round(total / 1e6))}


def test_a_reader_who_saves_data_gets_the_normal_boot(
    page: Page, site_url: str, seen: Seen
) -> None:
    """A fast link, but the reader asked to save data: the boot that downloads least."""
    page.context.new_cdp_session(page).send(
        "Emulation.setDataSaverOverride", {"dataSaverEnabled": True}
    )
    boots_and_checks(page, site_url)
    assert page.evaluate("navigator.connection.saveData") is True
    assert not [name for name in seen.files if name.endswith(".bin.gz")]
    assert [name for name in seen.files if name.endswith(".tar.xz")]
    assert seen.fallbacks == []


def changed_manifest(change: Callable[[dict[str, Any]], None]) -> Callable[[Route], None]:
    def handle(route: Route) -> None:
        response = route.fetch()
        manifest = response.json()
        change(manifest)
        route.fulfill(response=response, body=json.dumps(manifest))

    return handle


def test_a_missing_image_falls_back(page: Page, site_url: str, seen: Seen) -> None:
    page.route(IMAGE, lambda route: route.fulfill(status=404, body="Not Found"))
    boots_and_checks(page, site_url)

    [reason] = seen.fallbacks
    assert reason.startswith("snapshot-") and ".bin.gz: 404" in reason
    assert any(name.startswith("bytecode/python-") for name in seen.files)


def test_a_corrupt_image_falls_back(page: Page, site_url: str, seen: Seen) -> None:
    page.route(IMAGE, lambda route: route.fulfill(status=200, body=b"\x1f\x8b" + b"garbage" * 999))
    boots_and_checks(page, site_url)

    [reason] = seen.fallbacks
    assert reason.startswith("snapshot-") and ".bin.gz: " in reason


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda manifest: manifest.update(lock_sha256="0" * 64),
            "it was made with other wheels than pyodide-lock.json lists",
        ),
        (
            lambda manifest: manifest.update(pyodide="0.0.0"),
            "it is for Pyodide 0.0.0, the page runs ",
        ),
    ],
    ids=["other wheels", "another Pyodide"],
)
def test_an_image_made_for_something_else_is_not_even_downloaded(
    page: Page,
    site_url: str,
    seen: Seen,
    change: Callable[[dict[str, Any]], None],
    reason: str,
) -> None:
    page.route(MANIFEST, changed_manifest(change))
    boots_and_checks(page, site_url)

    [warned] = seen.fallbacks
    assert warned.startswith(reason)
    assert not any(name.endswith(".bin.gz") for name in seen.files)


def test_an_image_made_against_another_webassembly_is_not_restored(
    page: Page, site_url: str, seen: Seen
) -> None:
    page.route(MANIFEST, changed_manifest(lambda m: m["image"].update(base_sha256="0" * 64)))
    boots_and_checks(page, site_url)

    assert seen.fallbacks == ["it was made against another pyodide.asm.wasm"]


def test_a_browser_that_cannot_inflate_boots_the_normal_way(
    page: Page, site_url: str, seen: Seen
) -> None:
    def without_decompression_streams(route: Route) -> None:
        response = route.fetch()
        script = "delete globalThis.DecompressionStream;\n" + response.text()
        route.fulfill(response=response, body=script)

    page.route("**/assets/checker/snapshot.js", without_decompression_streams)
    boots_and_checks(page, site_url)

    assert seen.fallbacks == ["this browser cannot inflate it (no DecompressionStream)"]
    assert not any(name.endswith(".bin.gz") for name in seen.files)
