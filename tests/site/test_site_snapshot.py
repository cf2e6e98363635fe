"""The checker's memory image in the built site: its manifest, its cache, its switch.

How the page uses it is tested in tests/browser/test_snapshot.py, what the image holds
in tests/node/.
"""

from __future__ import annotations

import dataclasses
import gzip
import hashlib
import json
import shutil
import tarfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from support import REPO, build_site

from site_build import bytecode, snapshot
from site_build.runtime import RUNTIME_FILES

pytestmark = [pytest.mark.slow]


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def manifest_of(site: Path) -> dict[str, Any]:
    path = site / "assets" / "pyodide" / "snapshot-manifest.json"
    manifest: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return manifest


def test_the_manifest_describes_what_the_site_ships(site_dir: Path) -> None:
    shipped = site_dir / "assets" / "pyodide"
    manifest = manifest_of(site_dir)
    package = json.loads((REPO / "package.json").read_text(encoding="utf-8"))
    lock = json.loads((shipped / "pyodide-lock.json").read_text(encoding="utf-8"))

    assert manifest["pyodide"] == package["dependencies"]["pyodide"]
    assert manifest["python"] == lock["info"]["python"]
    assert manifest["lock_sha256"] == sha256(shipped / "pyodide-lock.json")
    assert manifest["wheels"] == {p["file_name"]: p["sha256"] for p in lock["packages"].values()}
    assert all(sha256(shipped / name) == digest for name, digest in manifest["wheels"].items())

    image = manifest["image"]
    assert image["file_name"] == f"snapshot-{image['sha256'][:16]}.bin.gz"
    assert sha256(shipped / image["file_name"]) == image["sha256"]
    assert (shipped / image["file_name"]).stat().st_size == image["bytes"]
    holes = sum(length for _, length in image["holes"])
    sparse = gzip.decompress((shipped / image["file_name"]).read_bytes())
    assert len(sparse) + holes == image["raw_bytes"]

    files = manifest["site_packages"]
    assert files["file_name"] == f"site-packages-{files['sha256'][:16]}.tar.gz"
    assert sha256(shipped / files["file_name"]) == files["sha256"]
    with tarfile.open(shipped / files["file_name"]) as tar:
        unpacked = {m.name: tar.extractfile(m).read() for m in tar if m.isfile()}  # type: ignore[union-attr]
    in_wheels = {}
    for wheel in manifest["wheels"]:
        with zipfile.ZipFile(shipped / wheel) as archive:
            in_wheels |= {i.filename: archive.read(i) for i in archive.infolist() if not i.is_dir()}
    assert unpacked == in_wheels

    stdlib = shipped / manifest["stdlib"]["file_name"]
    assert zipfile.ZipFile(stdlib).namelist() == []
    assert sha256(stdlib) == manifest["stdlib"]["sha256"]
    assert (shipped / manifest["stdlib"]["on_demand"]).is_file()

    boot = ["pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "pyodide-lock.json"]
    boot += [image["file_name"], files["file_name"], stdlib.name]
    assert manifest["boot_bytes"] == sum((shipped / name).stat().st_size for name in boot)


def test_the_image_comes_from_the_cache_of_its_inputs(site_dir: Path) -> None:
    manifest = manifest_of(site_dir)
    cached = REPO / ".cache" / "snapshot" / manifest["cache_key"] / "image.bin.gz"
    assert sha256(cached) == manifest["image"]["sha256"]


def test_the_cache_key_changes_with_each_input(tmp_path: Path) -> None:
    copies = []
    for i, path in enumerate(snapshot.STEP.files):
        copies.append(tmp_path / str(i) / path.name)
        copies[-1].parent.mkdir()
        shutil.copyfile(path, copies[-1])
    step = dataclasses.replace(snapshot.STEP, files=tuple(copies))
    lock = tmp_path / "pyodide-lock.json"
    lock.write_text('{"packages": {}}', encoding="utf-8")
    runtime = REPO / "node_modules" / "pyodide"

    key = step.key(runtime, RUNTIME_FILES, lock)
    assert step.key(runtime, RUNTIME_FILES, lock) == key
    lock.write_text('{"packages": {"x": {}}}', encoding="utf-8")
    assert step.key(runtime, RUNTIME_FILES, lock) != key
    for copy in copies:
        before = step.key(runtime, RUNTIME_FILES, lock)
        with copy.open("a", encoding="utf-8") as f:
            f.write("\n// changed\n" if copy.suffix == ".js" else "\n# changed\n")
        assert step.key(runtime, RUNTIME_FILES, lock) != before, copy.name


def test_the_maker_reads_the_files_the_key_is_made_of() -> None:
    """Each step's files are the ones its maker is given, and exist."""
    for step in (snapshot.STEP, bytecode.STEP):
        assert all(path.is_file() for path in step.inputs())
        maker = step.inputs()[0].read_text(encoding="utf-8")
        assert "process.argv.slice(5)" in maker  # the files come from the command line
        assert "readFileSync(path.join(here" not in maker  # and from nowhere else


def test_off_builds_the_runtime_without_the_image(tmp_path: Path) -> None:
    without = build_site(tmp_path / "site", env={"CHECKER_SNAPSHOT": "off"})
    shipped = without / "assets" / "pyodide"
    assert (shipped / "pyodide.asm.wasm").is_file()
    assert sorted(p.name for p in shipped.glob("snapshot*")) == []


def test_an_unknown_value_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="Expected CHECKER_SNAPSHOT=on or off, found 'no'"):
        build_site(tmp_path / "site", env={"CHECKER_SNAPSHOT": "no"})
