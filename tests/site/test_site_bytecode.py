"""The bytecode the build ships for the checker page's normal boot (site_build/bytecode.py).

tests/node runs the corpus on exactly these files, and the browser tests on the page.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from support import REPO

from checker.catalogue import PARSED_NAME, catalogue_from_data, load_catalogue

pytestmark = [pytest.mark.slow]

# A .pyc starts with the magic number of the Python that made it, then its flags:
# 0b01 is hash-based and unchecked (PEP 552), used without looking for the source.
UNCHECKED_HASH = (1).to_bytes(4, "little")


def manifest(site_dir: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        (site_dir / "assets/pyodide/bytecode/manifest.json").read_text(encoding="utf-8")
    )
    return found


def test_one_zip_per_wheel_of_the_lock(site_dir: Path) -> None:
    assets = site_dir / "assets/pyodide"
    lock = json.loads((assets / "pyodide-lock.json").read_text(encoding="utf-8"))
    shipped = manifest(site_dir)
    stock = json.loads((REPO / "node_modules/pyodide/package.json").read_text("utf-8"))

    assert shipped["pyodide"] == stock["version"]
    assert shipped["python"].startswith(lock["info"]["python"] + " ")
    assert (
        shipped["lock_sha256"]
        == hashlib.sha256((assets / "pyodide-lock.json").read_bytes()).hexdigest()
    )
    assert {p["name"]: p["wheel"] for p in shipped["packages"]} == {
        name: p["file_name"] for name, p in lock["packages"].items()
    }
    files = [shipped["stdlib"], *shipped["packages"]]
    assert sorted(p.name for p in (assets / "bytecode").glob("*.zip")) == sorted(
        f["file_name"] for f in files
    )
    for f in files:
        data = (assets / "bytecode" / f["file_name"]).read_bytes()
        digest = hashlib.sha256(data).digest()
        assert f["sha256"] == digest.hex()
        assert f["integrity"] == "sha256-" + base64.b64encode(digest).decode()
        assert f["bytes"] == len(data)


def test_each_package_zip_is_its_wheel_with_bytecode_for_source(site_dir: Path) -> None:
    assets = site_dir / "assets/pyodide"
    for package in manifest(site_dir)["packages"]:
        with zipfile.ZipFile(assets / package["wheel"]) as wheel:
            expected = {
                name + "c" if name.endswith(".py") else name
                for name in wheel.namelist()
                if not name.endswith(".dist-info/RECORD")
            }
        if package["name"] == "checker":
            expected.add(f"checker/{PARSED_NAME}")
        with zipfile.ZipFile(assets / "bytecode" / package["file_name"]) as compiled:
            assert set(compiled.namelist()) == expected
            pycs = [name for name in compiled.namelist() if name.endswith(".pyc")]
            assert len(pycs) == package["modules"] > 0
            for name in pycs:
                assert compiled.read(name)[4:8] == UNCHECKED_HASH, name


def test_the_standard_library_has_bytecode_for_what_the_checker_imports(site_dir: Path) -> None:
    stdlib = manifest(site_dir)["stdlib"]
    with zipfile.ZipFile(REPO / "node_modules/pyodide/python_stdlib.zip") as stock:
        sources = set(stock.namelist())
    with zipfile.ZipFile(site_dir / "assets/pyodide/bytecode" / stdlib["file_name"]) as compiled:
        names = set(compiled.namelist())
        pycs = {name for name in names if name.endswith(".pyc")}
        for name in pycs:
            assert compiled.read(name)[4:8] == UNCHECKED_HASH, name
    # Each module is there once: as bytecode in place of its source, or as source.
    assert {name[:-1] for name in pycs} | (names - pycs) == sources
    assert len(pycs) == stdlib["modules"]
    # Pyodide's start-up, the checker's own imports, and not what the page never uses.
    assert {"asyncio/base_events.pyc", "ipaddress.pyc", "json/decoder.pyc"} <= pycs
    assert "argparse.pyc" not in pycs


def test_the_checker_reads_the_catalogue_the_yaml_says(site_dir: Path) -> None:
    (checker,) = (p for p in manifest(site_dir)["packages"] if p["name"] == "checker")
    with zipfile.ZipFile(site_dir / "assets/pyodide/bytecode" / checker["file_name"]) as archive:
        parsed = json.loads(archive.read(f"checker/{PARSED_NAME}"))
    assert catalogue_from_data(parsed) == load_catalogue()
    assert not (REPO / "checker" / PARSED_NAME).exists()
