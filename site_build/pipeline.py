"""The build's steps, in their order: the one place that says what runs when.

`before_pages` runs when MkDocs has read its config, so that a missing `npm ci` or
Node.js fails the build before any page is rendered; `after_pages` runs once every
page is written. Each step writes into the site folder what the next one reads:

1. runtime.build_assets: assets/pyodide/ (Pyodide, the wheels, pyodide-lock.json);
2. bytecode.write_bytecode: assets/pyodide/bytecode/, from the lock and its wheels;
3. preload.apply: the checker page's <head> starts its WebAssembly's download;
4. snapshot.write_snapshot: the memory image, from the runtime, the lock and its wheels;
5. csp.apply: one Content-Security-Policy in every HTML page, last, once no page is
   written any more.

`CHECKER_ASSETS=off` skips 1 to 4 and `CHECKER_SNAPSHOT=off` skips 4.
"""

from __future__ import annotations

from pathlib import Path

from site_build import bytecode, csp, preload, runtime, snapshot
from site_build.base import ASSETS_SUBDIR, assets_wanted, snapshot_wanted
from site_build.node import node


def before_pages(root: Path) -> None:
    if assets_wanted():
        runtime.pyodide_dir(root)
        node("bytecode")
    snapshot_wanted()  # a bad switch fails now, not after the pages


def after_pages(root: Path, site_dir: Path) -> None:
    if assets_wanted():
        runtime.build_assets(root, site_dir)
        assets = site_dir / ASSETS_SUBDIR
        preload.apply(site_dir, bytecode.write_bytecode(root, assets))
        if snapshot_wanted():
            snapshot.write_snapshot(root, assets)
    csp.apply(site_dir)
