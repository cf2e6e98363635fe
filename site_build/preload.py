"""Start the biggest download of the checker page with the page itself.

The checker's worker starts only after the page's own scripts have loaded, one
after the other: on a link with 40 ms per request that is most of a second in which
the link carries little. The WebAssembly (with xz, 2.6 MB, which both boots need) is
therefore preloaded from the page's <head>: the worker's fetch of the same address
joins the download already under way (the browser's HTTP cache shares it), instead
of starting it. Only on the page that boots Python: the report element marks it.

It is also the page's measure of the link: 2.6 MB is enough to tell a fast link from
a slow one, and it has arrived (or not) by the time the worker starts (client.js).
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from site_build.base import ASSETS_SUBDIR, BuildError

MARKER = "data-checker-report"
# How client.js finds the preload, to tell the worker how fast the link brought it.
PROBE = "data-checker-preload"
HEAD = re.compile(r"<head>\s*", re.I)


def apply(site_dir: Path, bytecode: dict[str, Any]) -> list[Path]:
    """Preload the WebAssembly on every page with the checker; returns those pages."""
    wasm = site_dir / ASSETS_SUBDIR / "bytecode" / bytecode["wasm"]["file_name"]
    pages = []
    for page in sorted(site_dir.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        if MARKER not in html:
            continue
        href = Path(os.path.relpath(wasm, page.parent)).as_posix()
        tag = f'<link rel="preload" href="{href}" as="fetch" crossorigin="anonymous" {PROBE}>\n'
        found = HEAD.search(html)
        if not found:
            raise BuildError(f"{page}: no <head> to put the checker's preload in")
        page.write_text(html[: found.end()] + tag + html[found.end() :], encoding="utf-8")
        pages.append(page)
    return pages
