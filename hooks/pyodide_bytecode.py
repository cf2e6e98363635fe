"""Ship the checker page's Python as bytecode, so that the browser compiles none of it.

Runs after hooks/pyodide_assets.py (mkdocs.yml lists it after) and uses what that
wrote into assets/pyodide/: the lock and the wheels it lists. Pyodide ships its
standard library as source, and the wheels hold source: compiling it took most of the
time Python needed to start in the page. This adds `assets/pyodide/bytecode/`:

- `python_stdlib.zip`: the standard library with the modules that Pyodide's start-up
  and the checker import as bytecode (the rest stays source);
- one `.zip` per wheel of the lock: its modules as bytecode, for `sys.path`;
- `manifest.json`: those files with their sha256 (as Subresource Integrity for the
  page's fetch), the Pyodide and Python they were compiled for, and the lock's sha256.

docs/assets/checker/worker.js starts Python with this standard library and puts the
zips on `sys.path` instead of installing the wheels (the wheels and the lock stay: the
lock is what loadPyodide reads, the wheels what a memory snapshot unpacks).

Bytecode is only valid for the Python that made it, so hooks/make_bytecode.mjs
compiles it inside the pinned Pyodide under Node.js (hooks/bytecode_compile.py is its
Python side). That takes seconds, so the result is kept in `.cache/bytecode/<key>/`,
the key being a hash of everything that goes into it.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from pyodide_assets import (
    LOCK_NAME,
    SITE_SUBDIR,
    assets_wanted,
    file_sha256,
    made_with_node,
    node,
    project_root,
    pyodide_dir,
)

SUBDIR = "bytecode"
MANIFEST_NAME = "manifest.json"
MAKER = "hooks/make_bytecode.mjs"
# What makes the bytecode besides Pyodide and the wheels: a change to any remakes it.
MAKER_FILES = (MAKER, "hooks/bytecode_compile.py", "hooks/warm_up.py")
CACHE_SUBDIR = ".cache/bytecode"


def integrity(sha256_hex: str) -> str:
    """Subresource Integrity for a sha256, which the browser checks on download."""
    return "sha256-" + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")


def cache_key(root: Path, runtime: Path, assets: Path) -> str:
    """A hash of all that goes in: Pyodide, the lock (so the wheels), the maker."""
    inputs = {
        "pyodide/package.json": file_sha256(runtime / "package.json"),
        "pyodide/python_stdlib.zip": file_sha256(runtime / "python_stdlib.zip"),
        "pyodide/pyodide.asm.wasm": file_sha256(runtime / "pyodide.asm.wasm"),
        LOCK_NAME: file_sha256(assets / LOCK_NAME),
        **{name: file_sha256(root / name) for name in MAKER_FILES},
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def compiled(root: Path, runtime: Path, assets: Path, key: str) -> Path:
    """The cache folder with the zips and made.json; compiled if missing."""
    return made_with_node(
        root, what="bytecode", maker=MAKER, cache_subdir=CACHE_SUBDIR, key=key,
        record="made.json", runtime=runtime, assets=assets,
    )  # fmt: skip


def write_bytecode(root: Path, assets: Path) -> dict[str, Any]:
    """Add bytecode/ with the zips and the manifest to assets (the site's assets/pyodide)."""
    runtime = pyodide_dir(root)
    entry = compiled(root, runtime, assets, cache_key(root, runtime, assets))
    made = json.loads((entry / "made.json").read_text(encoding="utf-8"))
    dest = assets / SUBDIR
    dest.mkdir()

    def shipped(name: str) -> dict[str, Any]:
        shutil.copyfile(entry / name, dest / name)
        digest = file_sha256(dest / name)
        if digest != made["files"][name]["sha256"]:
            raise PluginError(f"{entry / name} changed after it was compiled: delete {entry}.")
        return {
            "file_name": name,
            "sha256": digest,
            "integrity": integrity(digest),
            "bytes": (dest / name).stat().st_size,
            "modules": made["files"][name]["modules"],
        }

    lock = json.loads((assets / LOCK_NAME).read_text(encoding="utf-8"))
    manifest = {
        "pyodide": json.loads((runtime / "package.json").read_text(encoding="utf-8"))["version"],
        "python": made["python"],
        "lock_sha256": file_sha256(assets / LOCK_NAME),
        "stdlib": shipped("python_stdlib.zip"),
        "packages": [
            {"name": name, "wheel": package["file_name"]}
            | shipped(Path(package["file_name"]).with_suffix(".zip").name)
            for name, package in sorted(lock["packages"].items())
        ],
    }
    (dest / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def on_config(config: MkDocsConfig) -> None:
    # Fail before rendering pages, not after, when Node.js is missing.
    if assets_wanted():
        node("bytecode")


def on_post_build(config: MkDocsConfig) -> None:
    if assets_wanted():
        write_bytecode(project_root(config), Path(config.site_dir) / SITE_SUBDIR)
