"""Ship the checker's browser runtime with the site: Pyodide, the checker wheel and its lock.

After every build (`mkdocs build` and each rebuild of `mkdocs serve`) this writes
`assets/pyodide/` into the site directory:

- the Pyodide runtime files, copied from `node_modules/pyodide` (`npm ci` installs the
  exact version pinned in package.json);
- a wheel of the `checker` package, built from this repository with hatchling;
- the pure-Python wheels of the checker's dependencies, pinned in pyproject.toml and
  downloaded once with pip into `.cache/wheels/` so later builds work offline;
- `pyodide-lock.json` listing exactly those wheels with their sha256, so that
  `loadPackage("checker")` resolves everything from the site and nothing from a CDN.

`CHECKER_ASSETS=off` skips all of this (the pages are built as usual, but the
checker page cannot start): benchmarks/run.py uses it to measure what this step
costs the build.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError

# Where the site serves the runtime; the page's worker finds it at ../pyodide/.
SITE_SUBDIR = "assets/pyodide"
# The runtime files the browser loads. The npm package also holds pyodide.js (UMD),
# source maps, type declarations and demo consoles, which the site does not need.
RUNTIME_FILES = ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip")
LOCK_NAME = "pyodide-lock.json"


def project_root(config: MkDocsConfig) -> Path:
    return Path(config.config_file_path).resolve().parent


def pyodide_dir(root: Path) -> Path:
    """node_modules/pyodide, checked to hold the runtime at the version package.json pins."""
    pinned = json.loads((root / "package.json").read_text(encoding="utf-8"))["dependencies"][
        "pyodide"
    ]
    here = root / "node_modules" / "pyodide"
    missing = [name for name in (*RUNTIME_FILES, LOCK_NAME) if not (here / name).is_file()]
    if missing:
        raise PluginError(
            f"The checker page needs the Pyodide runtime from npm, but {here} lacks "
            f"{', '.join(missing)}: run `npm ci` in {root}."
        )
    installed = json.loads((here / "package.json").read_text(encoding="utf-8"))["version"]
    if installed != pinned:
        raise PluginError(
            f"package.json pins pyodide {pinned} but node_modules has {installed}: run `npm ci`."
        )
    return here


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def node(what: str) -> str:
    """The Node.js that runs the pinned Pyodide at build time to make `what`."""
    found = shutil.which("node")
    if found is None:
        raise PluginError(f"The checker's {what} is made with Node.js, which is not on PATH.")
    return found


# How many made results each cache folder keeps (one per set of inputs).
KEEP_CACHED = 4


def made_with_node(
    root: Path,
    *,
    what: str,
    maker: str,
    cache_subdir: str,
    key: str,
    record: str,
    runtime: Path,
    assets: Path,
    prepare: Any = None,
) -> Path:
    """Run `node <maker> <runtime> <assets> <work>` once per key and cache the folder it fills.

    The maker's stdout is kept as `record` in the folder, which also marks it complete;
    `prepare(work)` may put inputs in the folder first. Old results are pruned.
    """
    cache = root / cache_subdir
    entry = cache / key
    if (entry / record).is_file():
        entry.touch()
        return entry
    cache.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="making-", dir=cache))
    try:
        if prepare is not None:
            prepare(work)
        result = subprocess.run(
            [node(what), str(root / maker), str(runtime), str(assets), str(work)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise PluginError(f"Could not make the checker's {what}:\n{result.stderr}")
        (work / record).write_text(result.stdout, encoding="utf-8")
        try:
            work.rename(entry)
        except OSError:
            # Another build made the same meanwhile.
            if not (entry / record).is_file():
                raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    for old in sorted(cache.iterdir(), key=lambda p: p.stat().st_mtime)[:-KEEP_CACHED]:
        if not old.name.startswith("making-"):
            shutil.rmtree(old, ignore_errors=True)
    return entry


def pinned_dependencies(root: Path) -> list[tuple[str, str]]:
    """The checker's dependencies as (name, version); each must be pinned with ==."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = []
    for requirement in project.get("dependencies", []):
        match = re.fullmatch(r"\s*([A-Za-z0-9._-]+)\s*==\s*([A-Za-z0-9.+!_-]+)\s*", requirement)
        if not match:
            raise PluginError(
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
            raise PluginError(
                f"Could not download the wheel of {name}=={version} into {cache} "
                f"(needed once; later builds use the cache):\n{result.stderr}"
            )
    wheels = cached()
    pure = [p for p in wheels if p.name.endswith("-none-any.whl")]
    if not pure:
        raise PluginError(
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
    dest = site_dir / SITE_SUBDIR
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir(parents=True)
    for name in RUNTIME_FILES:
        shutil.copyfile(runtime / name, dest / name)

    wheels = [
        shutil.copy2(dependency_wheel(root / ".cache" / "wheels", name, version), dest)
        for name, version in pinned_dependencies(root)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        wheels.append(shutil.copy2(build_checker_wheel(root, Path(tmp)), dest))
    lock = write_lock(runtime, dest, [Path(w) for w in wheels])

    shipped = {p["file_name"] for p in lock["packages"].values()}
    if shipped != {Path(w).name for w in wheels} or "checker" not in lock["packages"]:
        raise PluginError(f"The generated {LOCK_NAME} lists {sorted(shipped)}, not our wheels.")
    return dest


def assets_wanted() -> bool:
    """False when the environment says CHECKER_ASSETS=off."""
    switch = os.environ.get("CHECKER_ASSETS", "on")
    if switch not in ("on", "off"):
        raise PluginError(f"Expected CHECKER_ASSETS=on or off, found {switch!r}.")
    return switch == "on"


def on_post_build(config: MkDocsConfig) -> None:
    if assets_wanted():
        build_assets(project_root(config), Path(config.site_dir))


def on_config(config: MkDocsConfig) -> None:
    # Fail before rendering pages, not after, when `npm ci` has not run.
    if assets_wanted():
        pyodide_dir(project_root(config))


def on_serve(server: Any, config: MkDocsConfig, builder: Any) -> Any:
    # The wheel is built from checker/: rebuild the site when its sources change.
    server.watch(str(project_root(config) / "checker"))
    return server
