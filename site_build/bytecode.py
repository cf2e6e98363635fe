"""Ship the checker page's Python as bytecode, so that the browser compiles none of it.

Runs after site_build/runtime.py (site_build/pipeline.py orders the steps) and uses
what that wrote into assets/pyodide/: the lock and the wheels it lists. Pyodide ships its
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

Bytecode is only valid for the Python that made it, so site_build/node/make_bytecode.mjs
compiles it inside the pinned Pyodide under Node.js (site_build/in_pyodide/
bytecode_compile.py is its Python side). That takes seconds, so the result is kept in
`.cache/bytecode/<key>/`, the key being a hash of everything that goes into it.
"""

from __future__ import annotations

import base64
import json
import shutil
from pathlib import Path
from typing import Any

from site_build.base import BuildError, file_sha256
from site_build.node import IN_PYODIDE, NodeStep
from site_build.runtime import LOCK_NAME, RUNTIME_FILES, pyodide_dir

SUBDIR = "bytecode"
MANIFEST_NAME = "manifest.json"
STEP = NodeStep(
    what="bytecode",
    maker="make_bytecode.mjs",
    files=(IN_PYODIDE / "bytecode_compile.py", IN_PYODIDE / "warm_up.py"),
    cache="bytecode",
    record="made.json",
)


def integrity(sha256_hex: str) -> str:
    """Subresource Integrity for a sha256, which the browser checks on download."""
    return "sha256-" + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")


def cache_key(root: Path, runtime: Path, assets: Path) -> str:
    return STEP.key(runtime, RUNTIME_FILES, assets / LOCK_NAME)


def write_bytecode(root: Path, assets: Path) -> dict[str, Any]:
    """Add bytecode/ with the zips and the manifest to assets (the site's assets/pyodide)."""
    runtime = pyodide_dir(root)
    entry = STEP.made(root / ".cache", cache_key(root, runtime, assets), runtime, assets)
    made = json.loads((entry / "made.json").read_text(encoding="utf-8"))
    dest = assets / SUBDIR
    dest.mkdir()

    def shipped(name: str) -> dict[str, Any]:
        shutil.copyfile(entry / name, dest / name)
        digest = file_sha256(dest / name)
        if digest != made["files"][name]["sha256"]:
            raise BuildError(f"{entry / name} changed after it was compiled: delete {entry}.")
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
