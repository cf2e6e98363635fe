"""Ship the checker's browser runtime with the site: Pyodide, the checker wheel and its lock.

After every build (`mkdocs build` and each rebuild of `mkdocs serve`) this writes
`assets/pyodide/` into the site directory:

- the Pyodide runtime files, copied from `node_modules/pyodide` (`npm ci` installs the
  exact version pinned in package.json) (site_build/bytecode.py adds the WebAssembly
  with xz, for slow links);
- a wheel of the `checker` package, built from this repository with hatchling;
- the pure-Python wheels of the checker's dependencies, pinned in pyproject.toml and
  downloaded once with pip into `.cache/wheels/` so later builds work offline;
- `pyodide-lock.json` listing exactly those wheels with their sha256, so that
  `loadPackage("checker")` resolves everything from the site and nothing from a CDN;
- `xz-decompress.mjs`: the xz decoder the page unpacks its downloads with (the npm
  package `xz-decompress`, pinned in package.json: WebAssembly inside, MIT), as an ES
  module a worker can import.

`CHECKER_ASSETS=off` skips all of this (the pages are built as usual, but the
checker page cannot start): benchmarks/run.py uses it to measure what this step
costs the build.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from site_build.base import ASSETS_SUBDIR, BuildError

# The runtime files the browser loads. The npm package also holds pyodide.js (UMD),
# source maps, type declarations and demo consoles, which the site does not need.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK_NAME = "pyodide-lock.json"


XZ_DECODER = "xz-decompress.mjs"
XZ_PACKAGE_FILE = "dist/package/xz-decompress.js"


def npm_package(root: Path, name: str, files: tuple[str, ...], what: str) -> Path:
    """node_modules/<name>, checked to hold `files` at the version package.json pins."""
    pinned = json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"][name]
    here = root / "node_modules" / name
    missing = [file for file in files if not (here / file).is_file()]
    if missing:
        raise BuildError(
            f"The checker page needs {what} from npm, but {here} lacks "
            f"{', '.join(missing)}: run `npm ci` in {root}."
        )
    installed = json.loads((here / "package.json").read_text(encoding="utf-8"))["version"]
    if installed != pinned:
        raise BuildError(
            f"package.json pins {name} {pinned} but node_modules has {installed}: run `npm ci`."
        )
    return here


def pyodide_dir(root: Path) -> Path:
    """node_modules/pyodide, checked to hold the runtime at the version package.json pins."""
    return npm_package(root, "pyodide", (*RUNTIME_FILES, LOCK_NAME), "the Pyodide runtime")


def xz_decoder_module(root: Path) -> str:
    """The pinned xz decoder (a UMD script) as an ES module.

    It exports `xzDecoder()`, which evaluates the package anew each time: the package
    decodes one stream at a time per copy, and the page decodes two downloads at once.
    """
    package = npm_package(root, "xz-decompress", (XZ_PACKAGE_FILE,), "its xz decoder")
    version = json.loads((package / "package.json").read_text(encoding="utf-8"))["version"]
    source = (package / XZ_PACKAGE_FILE).read_text(encoding="utf-8")
    return (
        f"// xz-decompress {version} (MIT), node_modules/xz-decompress/{XZ_PACKAGE_FILE},\n"
        "// as an ES module (site_build/runtime.py): its UMD wrapper gets the CommonJS names\n"
        "// it looks for, and ReadableStream is the global one. Each xzDecoder() is a copy of\n"
        "// its own, with its own WebAssembly: one copy decodes one stream at a time.\n"
        "export function xzDecoder() {\n"
        "const module = { exports: {} };\n"
        "const exports = module.exports;\n"
        "const require = () => ({});\n"
        f"{source}\n"
        "return module.exports.XzReadableStream;\n"
        "}\n"
    )


def pinned_dependencies(root: Path) -> list[tuple[str, str]]:
    """The checker's dependencies as (name, version); each must be pinned with ==."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = []
    for requirement in project.get("dependencies", []):
        match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*==\s*([A-Za-z0-9.+!_-]+)\s*", requirement)
        if not match:
            raise BuildError(
                f"Expected an exact pin (name==version) for {requirement!r} in pyproject.toml: "
                "the site ships these wheels to the browser."
            )
        pins.append((match[1], match[2]))
    return pins


def wheel_stem(name: str) -> str:
    """A distribution name as it starts a wheel file name (PEP 427: runs of -_. become _)."""
    return re.sub(r"[-_.]+", "_", name).lower()


def dependency_wheel(cache: Path, name: str, version: str) -> Path:
    """The pure wheel of name==version from the cache, downloaded with pip the first time."""

    def cached() -> list[Path]:
        prefix = f"{wheel_stem(name)}-{version}-"
        return [p for p in cache.glob("*.whl") if p.name.lower().startswith(prefix)]

    if not cached():
        cache.mkdir(parents=True, exist_ok=True)
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps",
             "--only-binary=:all:", "--dest", str(cache), f"{name}=={version}"],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise BuildError(
                f"Could not download the wheel of {name}=={version} into {cache} "
                f"(needed once; later builds use the cache):\n{result.stderr}"
            )
    wheels = cached()
    pure = [p for p in wheels if p.name.endswith("-none-any.whl")]
    if not pure:
        raise BuildError(
            f"Expected a pure-Python wheel (…-none-any.whl) of {name}=={version}, found "
            f"{[p.name for p in wheels]}: the browser can only load pure wheels."
        )
    return pure[0]


def build_checker_wheel(root: Path, dest: Path) -> Path:
    """Build the checker wheel from the working tree (reproducible: fixed timestamps)."""
    from hatchling.builders.wheel import WheelBuilder

    (path,) = WheelBuilder(str(root)).build(directory=str(dest), versions=["standard"])
    return Path(path)


def write_lock(runtime: Path, dest: Path, wheels: list[Path]) -> dict[str, Any]:
    """Write dest/pyodide-lock.json: Pyodide's lock info with only our wheels as packages."""
    from pyodide_lock import PyodideLockSpec
    from pyodide_lock.utils import add_wheels_to_spec

    stock = json.loads((runtime / LOCK_NAME).read_text(encoding="utf-8"))
    spec = PyodideLockSpec.from_dict({**stock, "packages": {}})
    spec = add_wheels_to_spec(spec, wheels, base_path=dest, base_url="")
    spec.to_json(dest / LOCK_NAME)
    lock: dict[str, Any] = json.loads((dest / LOCK_NAME).read_text(encoding="utf-8"))
    return lock


def build_assets(root: Path, site_dir: Path) -> Path:
    """Write the runtime, the wheels and the lock into site_dir/assets/pyodide/."""
    runtime = pyodide_dir(root)
    dest = site_dir / ASSETS_SUBDIR
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copyfile(runtime / name, dest / name)
    (dest / XZ_DECODER).write_text(xz_decoder_module(root), encoding="utf-8")

    wheels = [
        shutil.copy2(dependency_wheel(root / ".cache" / "wheels", name, version), dest)
        for name, version in pinned_dependencies(root)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        wheels.append(shutil.copy2(build_checker_wheel(root, Path(tmp)), dest))
    lock = write_lock(runtime, dest, [Path(w) for w in wheels])

    shipped = {p["file_name"] for p in lock["packages"].values()}
    if shipped != {Path(w).name for w in wheels} or "checker" not in lock["packages"]:
        raise BuildError(f"The generated {LOCK_NAME} lists {sorted(shipped)}, not our wheels.")
    return dest
