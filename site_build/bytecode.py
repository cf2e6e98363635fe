"""Ship the checker page's Python as bytecode, in as few bytes as a slow link needs.

Runs after site_build/runtime.py (site_build/pipeline.py orders the steps) and uses
what that wrote into assets/pyodide/: the lock and the wheels it lists. Pyodide ships its
standard library as source, and the wheels hold source: compiling it took most of the
time Python needed to start in the page. And on a real link, bytes are time: 10 Mbit/s
moves about 1.25 MB a second. This adds `assets/pyodide/bytecode/`:

- `python-<sha256>.tar.xz`: one archive of
  - `python_stdlib.zip`: the standard modules the page may import, as bytecode, and
    the module that fetches the whole standard library if anything else is ever
    imported (site_build/in_pyodide/bytecode_compile.py says which);
  - one `.zip` per wheel of the lock: its modules as bytecode, for `sys.path`;

  stored zips in a tar, compressed with xz together: 1.0 MB where the standard library
  alone was 3.3 MB deflated;
- `pyodide.asm-<sha256>.wasm.xz`: Pyodide's WebAssembly with xz, 2.6 MB where the
  gzip a host applies leaves 3.5 MB;
- `manifest.json`: those files with their sha256 (checked by the page), their sizes
  packed and unpacked, the archive's members, and the Pyodide, Python and lock they
  were made for.

docs/assets/checker/worker.js fetches both, unpacks them with the pinned xz decoder
(site_build/runtime.py ships it), starts Python with this standard library and puts
the zips on `sys.path` instead of installing the wheels. The names carry their
content's hash, so a copy cached before a deploy is never taken for one after it;
the manifest, which names them, is fetched fresh each time.

Bytecode is only valid for the Python that made it, so site_build/node/make_bytecode.mjs
compiles it inside the pinned Pyodide under Node.js (site_build/in_pyodide/
bytecode_compile.py is its Python side). That and xz take seconds, so the result is
kept in `.cache/bytecode/<key>/`, the key being a hash of everything that goes into it.
"""

from __future__ import annotations

import base64
import io
import json
import lzma
import tarfile
from pathlib import Path
from typing import Any

from site_build.base import BuildError, file_sha256, ship
from site_build.node import IN_PYODIDE, NodeStep
from site_build.runtime import LOCK_NAME, RUNTIME_FILES, pyodide_dir

SUBDIR = "bytecode"
MANIFEST_NAME = "manifest.json"
STDLIB_ZIP = "python_stdlib.zip"
# What a module missing from the bytecode standard library fetches: Pyodide's own.
ON_DEMAND_STDLIB = "python_stdlib.zip"
ARCHIVE = "python.tar.xz"
WASM = "pyodide.asm.wasm"
# xz's strongest setting: the page decodes it in a few hundred milliseconds either way.
XZ_PRESET = 9 | lzma.PRESET_EXTREME
STEP = NodeStep(
    what="bytecode",
    maker="make_bytecode.mjs",
    files=(
        IN_PYODIDE / "bytecode_compile.py",
        IN_PYODIDE / "page_imports.py",
        IN_PYODIDE / "stdlib_on_demand.py",
        IN_PYODIDE / "warm_up.py",
        IN_PYODIDE / "sitecustomize.py",
    ),
    cache="bytecode",
    record="made.json",
    made_with=(Path(__file__).resolve(),),  # pack()
)
# What pack() adds to the cache entry: each packed file's size unpacked.
PACKED_RECORD = "packed.json"


def integrity(sha256_hex: str) -> str:
    """Subresource Integrity for a sha256, which the browser checks on download."""
    return "sha256-" + base64.b64encode(bytes.fromhex(sha256_hex)).decode("ascii")


def cache_key(root: Path, runtime: Path, assets: Path) -> str:
    return STEP.key(runtime, RUNTIME_FILES, assets / LOCK_NAME)


def pack(made_dir: Path, runtime: Path) -> None:
    """Add python.tar.xz (the zips the maker wrote), the WebAssembly with xz, and
    PACKED_RECORD with their sizes unpacked."""
    members = sorted(p.name for p in made_dir.glob("*.zip"))
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        for name in members:
            data = (made_dir / name).read_bytes()
            entry = tarfile.TarInfo(name)
            entry.size, entry.mode = len(data), 0o644
            tar.addfile(entry, io.BytesIO(data))
    unpacked = {ARCHIVE: raw.getvalue(), f"{WASM}.xz": (runtime / WASM).read_bytes()}
    for name, data in unpacked.items():
        (made_dir / name).write_bytes(lzma.compress(data, preset=XZ_PRESET))
    sizes = {name: len(data) for name, data in unpacked.items()}
    (made_dir / PACKED_RECORD).write_text(json.dumps(sizes), encoding="utf-8")


def write_bytecode(root: Path, assets: Path) -> dict[str, Any]:
    """Add bytecode/ with the archive, the WebAssembly and the manifest to assets."""
    runtime = pyodide_dir(root)
    key = cache_key(root, runtime, assets)
    entry = STEP.made(root / ".cache", key, runtime, assets,
                      finish=lambda made: pack(made, runtime))  # fmt: skip
    made = json.loads((entry / "made.json").read_text(encoding="utf-8"))
    unpacked = json.loads((entry / PACKED_RECORD).read_text(encoding="utf-8"))
    dest = assets / SUBDIR
    dest.mkdir()

    def shipped(name: str, as_name: str) -> dict[str, Any]:
        file = ship(entry / name, dest, as_name)
        return {**file, "integrity": integrity(file["sha256"]), "raw_bytes": unpacked[name]}

    def member(name: str) -> dict[str, Any]:
        if file_sha256(entry / name) != made["files"][name]["sha256"]:
            raise BuildError(f"{entry / name} changed after it was compiled: delete {entry}.")
        return {"file_name": name, "modules": made["files"][name]["modules"]}

    lock = json.loads((assets / LOCK_NAME).read_text(encoding="utf-8"))
    manifest = {
        "pyodide": json.loads((runtime / "package.json").read_text(encoding="utf-8"))["version"],
        "python": made["python"],
        "lock_sha256": file_sha256(assets / LOCK_NAME),
        "wasm": shipped(f"{WASM}.xz", "pyodide.asm-{hash}.wasm.xz"),
        "archive": shipped(ARCHIVE, "python-{hash}.tar.xz"),
        "stdlib": {**member(STDLIB_ZIP), "on_demand": ON_DEMAND_STDLIB},
        "packages": [
            {"name": name, "wheel": package["file_name"]}
            | member(Path(package["file_name"]).with_suffix(".zip").name)
            for name, package in sorted(lock["packages"].items())
        ],
        "cache_key": key,
    }
    (dest / MANIFEST_NAME).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest
