"""Ship a memory image of the checker's Python, so that the checker page starts faster.

Runs after hooks/pyodide_assets.py (mkdocs.yml lists it next) and uses what that wrote
into assets/pyodide/: the runtime, the lock and the wheels it lists. It adds

- `snapshot-<sha256>.bin.gz`: Pyodide's memory after the wheels are unpacked and the
  checker is imported and warmed up. hooks/make_snapshot.mjs makes it with Node.js and
  the pinned pyodide package, offline; hooks/snapshot_image.py is its Python side;
- `snapshot-stdlib.zip`: the standard library the restored Python starts with: empty,
  since every module the checker uses is in the image;
- `snapshot-manifest.json`: what the image was made with (Pyodide version, lock and
  wheel sha256s) and what it is (file name, sha256, sizes). The page's worker
  (docs/assets/checker/snapshot.js) checks it before it uses the image; tools tell a
  site with a snapshot from one without by this file.

Making an image takes seconds, so it is kept in `.cache/snapshot/<key>/`, the key being
a hash of everything that goes into it; builds whose inputs did not change copy it.
`CHECKER_SNAPSHOT=off` builds the site without it: the page then boots Python the
normal way (benchmarks/run.py builds both).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from pyodide_assets import (
    LOCK_NAME,
    RUNTIME_FILES,
    SITE_SUBDIR,
    assets_wanted,
    project_root,
    pyodide_dir,
)

MANIFEST_NAME = "snapshot-manifest.json"
STDLIB_NAME = "snapshot-stdlib.zip"
# The zip the restored Python fetches if it ever imports a module that is not in memory.
ON_DEMAND_STDLIB = "python_stdlib.zip"
MAKER = "hooks/make_snapshot.mjs"
# What makes the image besides the runtime and the wheels: a change to any remakes it.
MAKER_FILES = (MAKER, "hooks/snapshot_image.py", "docs/assets/checker/snapshot.js")
CACHE_SUBDIR = ".cache/snapshot"
KEEP_CACHED = 4


def snapshot_wanted() -> bool:
    """False when the environment says CHECKER_SNAPSHOT=off."""
    switch = os.environ.get("CHECKER_SNAPSHOT", "on")
    if switch not in ("on", "off"):
        raise PluginError(f"Expected CHECKER_SNAPSHOT=on or off, found {switch!r}.")
    return switch == "on"


def node() -> str:
    found = shutil.which("node")
    if found is None:
        raise PluginError(
            "The checker's memory image is made with Node.js, which is not on PATH "
            "(or build with CHECKER_SNAPSHOT=off)."
        )
    return found


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def cache_key(root: Path, runtime: Path, assets: Path) -> str:
    """A hash of every input of the image: Pyodide, Node.js, the lock (so the wheels), the maker."""
    version = subprocess.run([node(), "--version"], capture_output=True, text=True, check=True)
    inputs = {
        "node": version.stdout.strip(),
        **{f"pyodide/{name}": file_sha256(runtime / name) for name in RUNTIME_FILES},
        LOCK_NAME: file_sha256(assets / LOCK_NAME),
        **{name: file_sha256(root / name) for name in MAKER_FILES},
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def made_image(root: Path, runtime: Path, assets: Path, key: str) -> Path:
    """The cache folder with image.bin.gz, image.json and stdlib.zip; made if missing."""
    cache = root / CACHE_SUBDIR
    entry = cache / key
    if (entry / "image.json").is_file():
        entry.touch()
        return entry
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="making-", dir=cache))
    try:
        zipfile.ZipFile(work / "stdlib.zip", "w").close()
        result = subprocess.run(
            [node(), str(root / MAKER), str(runtime), str(assets), str(work)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise PluginError(f"Could not make the checker's memory image:\n{result.stderr}")
        (work / "image.json").write_text(result.stdout, encoding="utf-8")
        try:
            work.rename(entry)
        except OSError:
            # Another build made the same image meanwhile.
            if not (entry / "image.json").is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in sorted(cache.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP_CACHED]:
        if not old.name.startswith("making-"):
            shutil.rmtree(old, ignore_errors=True)
    return entry


def write_snapshot(root: Path, dest: Path) -> dict[str, Any]:
    """Add the image, its empty standard library and the manifest to dest (assets/pyodide)."""
    runtime = pyodide_dir(root)
    key = cache_key(root, runtime, dest)
    entry = made_image(root, runtime, dest, key)
    made = json.loads((entry / "image.json").read_text(encoding="utf-8"))

    digest = file_sha256(entry / "image.bin.gz")
    image = f"snapshot-{digest[:16]}.bin.gz"
    shutil.copyfile(entry / "image.bin.gz", dest / image)
    shutil.copyfile(entry / "stdlib.zip", dest / STDLIB_NAME)

    lock = json.loads((dest / LOCK_NAME).read_text(encoding="utf-8"))
    wheels = {p["file_name"]: p["sha256"] for p in lock["packages"].values()}

    def size(*names: str) -> int:
        return sum((dest / name).stat().st_size for name in names)

    manifest = {
        "pyodide": json.loads((runtime / "package.json").read_text(encoding="utf-8"))["version"],
        "python": made["python"],
        "lock_sha256": file_sha256(dest / LOCK_NAME),
        "wheels": wheels,
        "site_packages": made["site_packages"],
        "image": {
            "file_name": image,
            "sha256": digest,
            "bytes": size(image),
            "raw_bytes": made["raw_bytes"],
            "base_bytes": made["base_bytes"],
            "base_sha256": made["base_sha256"],
            "modules": made["modules"],
        },
        "stdlib": {
            "file_name": STDLIB_NAME,
            "sha256": file_sha256(dest / STDLIB_NAME),
            "bytes": size(STDLIB_NAME),
            "on_demand": ON_DEMAND_STDLIB,
        },
        # What the page downloads from assets/pyodide/ to boot from the image, besides
        # this manifest.
        "boot_bytes": size(
            "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", LOCK_NAME,
            image, STDLIB_NAME, *wheels,
        ),
        "cache_key": key,
    }  # fmt: skip
    (dest / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def on_config(config: MkDocsConfig) -> None:
    # Fail before rendering pages, not after, on a bad switch or a missing Node.js.
    if assets_wanted() and snapshot_wanted():
        node()


def on_post_build(config: MkDocsConfig) -> None:
    if assets_wanted() and snapshot_wanted():
        write_snapshot(project_root(config), Path(config.site_dir) / SITE_SUBDIR)
