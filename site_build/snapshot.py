"""Ship a memory image of the checker's Python, so that the checker page starts faster.

Runs after site_build/runtime.py (site_build/pipeline.py orders the steps) and uses what
that wrote into assets/pyodide/: the runtime, the lock and the wheels it lists. It adds

- `snapshot-<sha256>.bin.gz`: Pyodide's memory after the wheels are unpacked and the
  checker is imported and warmed up, made with Node.js and
  the pinned pyodide package, offline (site_build/node/make_snapshot.mjs);
  site_build/in_pyodide/snapshot_image.py is its Python side;
- `site-packages-<sha256>.tar.gz`: the lock's wheels unpacked, as the image was made
  with them (the file system is not in the image);
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

import gzip
import json
import tarfile
import zipfile
from pathlib import Path
from typing import Any

from site_build.base import REPO, file_sha256, ship
from site_build.node import IN_PYODIDE, NodeStep
from site_build.runtime import LOCK_NAME, RUNTIME_FILES, pyodide_dir

MANIFEST_NAME = "snapshot-manifest.json"
STDLIB_NAME = "snapshot-stdlib.zip"
# The zip the restored Python fetches if it ever imports a module that is not in memory.
ON_DEMAND_STDLIB = "python_stdlib.zip"
STEP = NodeStep(
    what="memory image",
    maker="make_snapshot.mjs",
    files=(
        IN_PYODIDE / "snapshot_image.py",
        IN_PYODIDE / "page_imports.py",
        IN_PYODIDE / "stdlib_on_demand.py",
        IN_PYODIDE / "warm_up.py",
        IN_PYODIDE / "sitecustomize.py",
        # The maker restores the image with the page's own code, to check it.
        REPO / "docs" / "assets" / "checker" / "snapshot.js",
        REPO / "docs" / "assets" / "checker" / "files.js",
    ),
    cache="snapshot",
    record="image.json",
    made_with=(Path(__file__).resolve(),),  # made_image()'s prepare
)


def cache_key(root: Path, runtime: Path, assets: Path) -> str:
    return STEP.key(runtime, RUNTIME_FILES, assets / LOCK_NAME)


def site_packages_tar(assets: Path, dest: Path) -> None:
    """The lock's wheels unpacked (as unpackArchive does) into one reproducible tar.gz."""
    lock = json.loads((assets / LOCK_NAME).read_text(encoding="utf-8"))
    with (
        dest.open("wb") as raw,
        gzip.GzipFile(fileobj=raw, mode="wb", compresslevel=9, mtime=0) as packed,
        tarfile.open(fileobj=packed, mode="w", format=tarfile.USTAR_FORMAT) as tar,
    ):
        for package in sorted(lock["packages"].values(), key=lambda p: p["file_name"]):
            with zipfile.ZipFile(assets / package["file_name"]) as wheel:
                for info in wheel.infolist():
                    if info.is_dir():
                        continue
                    entry = tarfile.TarInfo(info.filename)
                    entry.size, entry.mode = info.file_size, 0o644
                    with wheel.open(info) as data:
                        tar.addfile(entry, data)


def made_image(root: Path, runtime: Path, assets: Path, key: str) -> Path:
    """The cache folder with what the page restores, and image.json; made if missing."""

    def prepare(work: Path) -> None:
        zipfile.ZipFile(work / "stdlib.zip", "w").close()
        site_packages_tar(assets, work / "site-packages.tar.gz")

    return STEP.made(root / ".cache", key, runtime, assets, prepare)


def write_snapshot(root: Path, dest: Path) -> dict[str, Any]:
    """Add the image, site-packages, the empty standard library and the manifest to dest."""
    runtime = pyodide_dir(root)
    key = cache_key(root, runtime, dest)
    entry = made_image(root, runtime, dest, key)
    made = json.loads((entry / "image.json").read_text(encoding="utf-8"))

    def size(*names: str) -> int:
        return sum((dest / name).stat().st_size for name in names)

    image = ship(entry / "image.bin.gz", dest, "snapshot-{hash}.bin.gz")
    files = ship(entry / "site-packages.tar.gz", dest, "site-packages-{hash}.tar.gz")
    with gzip.open(entry / "site-packages.tar.gz") as tar:
        files["raw_bytes"] = len(tar.read())
    stdlib = ship(entry / "stdlib.zip", dest, STDLIB_NAME)
    lock = json.loads((dest / LOCK_NAME).read_text(encoding="utf-8"))

    manifest = {
        "pyodide": json.loads((runtime / "package.json").read_text(encoding="utf-8"))["version"],
        "python": made["python"],
        "lock_sha256": file_sha256(dest / LOCK_NAME),
        "wheels": {p["file_name"]: p["sha256"] for p in lock["packages"].values()},
        "image": {
            **image,
            "raw_bytes": made["raw_bytes"],
            "holes": made["holes"],
            "base_bytes": made["base_bytes"],
            "base_sha256": made["base_sha256"],
            "modules": made["modules"],
        },
        "site_packages": {"path": made["site_packages"], **files},
        "stdlib": {**stdlib, "on_demand": ON_DEMAND_STDLIB},
        # What the page downloads from assets/pyodide/ to boot from the image, besides
        # this manifest.
        "boot_bytes": size(
            "pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", LOCK_NAME,
            image["file_name"], files["file_name"], STDLIB_NAME,
        ),
        "cache_key": key,
    }  # fmt: skip
    (dest / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
