"""What the build ships for the checker page's normal boot (site_build/bytecode.py).

tests/node runs the corpus on exactly these files, and the browser tests on the page.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import lzma
import re
import tarfile
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
BYTECODE = "assets/pyodide/bytecode"


def manifest(site_dir: Path) -> dict[str, Any]:
    found: dict[str, Any] = json.loads(
        (site_dir / BYTECODE / "manifest.json").read_text(encoding="utf-8")
    )
    return found


def members(site_dir: Path) -> dict[str, bytes]:
    archive = site_dir / BYTECODE / manifest(site_dir)["archive"]["file_name"]
    with tarfile.open(fileobj=io.BytesIO(lzma.decompress(archive.read_bytes()))) as tar:
        return {m.name: tar.extractfile(m).read() for m in tar.getmembers()}  # type: ignore[union-attr]


def test_two_files_named_by_their_hash_and_described_exactly(site_dir: Path) -> None:
    shipped = manifest(site_dir)
    assert sorted(p.name for p in (site_dir / BYTECODE).iterdir()) == sorted(
        ["manifest.json", shipped["wasm"]["file_name"], shipped["archive"]["file_name"]]
    )
    for entry in (shipped["wasm"], shipped["archive"]):
        data = (site_dir / BYTECODE / entry["file_name"]).read_bytes()
        digest = hashlib.sha256(data).digest()
        assert entry["sha256"] == digest.hex()
        assert entry["sha256"][:16] in entry["file_name"]
        assert entry["integrity"] == "sha256-" + base64.b64encode(digest).decode()
        assert entry["bytes"] == len(data)
        assert entry["raw_bytes"] == len(lzma.decompress(data))
    # The WebAssembly is Pyodide's, byte for byte, in a third less than gzip leaves.
    wasm = (site_dir / BYTECODE / shipped["wasm"]["file_name"]).read_bytes()
    stock = (REPO / "node_modules/pyodide/pyodide.asm.wasm").read_bytes()
    assert lzma.decompress(wasm) == stock
    assert len(wasm) < 0.8 * len(__import__("gzip").compress(stock))


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
    assert sorted(members(site_dir)) == sorted(
        f["file_name"] for f in [shipped["stdlib"], *shipped["packages"]]
    )


def test_each_package_zip_is_its_wheel_with_bytecode_for_source(site_dir: Path) -> None:
    assets = site_dir / "assets/pyodide"
    archive = members(site_dir)
    for package in manifest(site_dir)["packages"]:
        with zipfile.ZipFile(assets / package["wheel"]) as wheel:
            expected = {
                name + "c" if name.endswith(".py") else name
                for name in wheel.namelist()
                if not name.endswith(".dist-info/RECORD")
            }
        if package["name"] == "checker":
            expected.add(f"checker/{PARSED_NAME}")
        with zipfile.ZipFile(io.BytesIO(archive[package["file_name"]])) as compiled:
            assert set(compiled.namelist()) == expected
            # Stored: the archive compresses them all together.
            assert {i.compress_type for i in compiled.infolist()} == {zipfile.ZIP_STORED}
            pycs = [name for name in compiled.namelist() if name.endswith(".pyc")]
            assert len(pycs) == package["modules"] > 0
            for name in pycs:
                assert compiled.read(name)[4:8] == UNCHECKED_HASH, name


def test_the_standard_library_is_what_the_page_imports_as_bytecode(site_dir: Path) -> None:
    stdlib = manifest(site_dir)["stdlib"]
    with zipfile.ZipFile(REPO / "node_modules/pyodide/python_stdlib.zip") as stock:
        sources = set(stock.namelist())
    with zipfile.ZipFile(io.BytesIO(members(site_dir)[stdlib["file_name"]])) as compiled:
        names = set(compiled.namelist())
        for name in names:
            assert compiled.read(name)[4:8] == UNCHECKED_HASH, name
    assert all(name.endswith(".pyc") for name in names)
    assert len(names) == stdlib["modules"] + 1  # and the on-demand fetcher
    assert "stdlib_on_demand.pyc" in names
    assert {name[:-1] for name in names} - sources == {"stdlib_on_demand.py"}
    # Pyodide's start-up, the checker's own imports, the codecs it names by string,
    # and not what the page never uses (fetched with the whole library if it ever is).
    assert {"asyncio/base_events.pyc", "ipaddress.pyc", "json/decoder.pyc"} <= names
    assert "encodings/cp1252.pyc" in names
    assert "argparse.pyc" not in names and "tkinter/__init__.pyc" not in names
    assert stdlib["on_demand"] == "python_stdlib.zip"
    assert (site_dir / "assets/pyodide" / stdlib["on_demand"]).is_file()


def test_docstrings_are_left_out(site_dir: Path) -> None:
    archive = members(site_dir)
    with zipfile.ZipFile(io.BytesIO(archive[manifest(site_dir)["stdlib"]["file_name"]])) as z:
        decoder = z.read("json/decoder.pyc")
    # json/decoder.py's docstrings; a string its code uses stays.
    assert b"Implementation of JSONDecoder" not in decoder
    assert b"Simple JSON <https://json.org> decoder" not in decoder
    assert b"Expecting value" in decoder
    (checker,) = (p for p in manifest(site_dir)["packages"] if p["name"] == "checker")
    with zipfile.ZipFile(io.BytesIO(archive[checker["file_name"]])) as z:
        organisation = z.read("checker/organisation.pyc")
    source = (REPO / "checker" / "organisation.py").read_text(encoding="utf-8")
    first_line = re.search(r'"""(.+)', source)
    assert first_line and first_line.group(1).encode() not in organisation
    assert b"a hex colour such as" in organisation


def test_the_checker_reads_the_catalogue_the_yaml_says(site_dir: Path) -> None:
    (checker,) = (p for p in manifest(site_dir)["packages"] if p["name"] == "checker")
    with zipfile.ZipFile(io.BytesIO(members(site_dir)[checker["file_name"]])) as archive:
        parsed = json.loads(archive.read(f"checker/{PARSED_NAME}"))
    assert catalogue_from_data(parsed) == load_catalogue()
    assert not (REPO / "checker" / PARSED_NAME).exists()


def test_the_checker_page_starts_the_webassembly_download_itself(site_dir: Path) -> None:
    wasm = manifest(site_dir)["wasm"]["file_name"]
    # client.js finds it by its data- attribute, to measure the link by it.
    preload = re.compile(
        r'<link rel="preload" href="([^"]+)" as="fetch" crossorigin="anonymous"'
        r" data-checker-preload>"
    )
    for page in sorted(site_dir.rglob("*.html")):
        found = preload.findall(page.read_text(encoding="utf-8"))
        if page == site_dir / "checker" / "index.html":
            assert found == [f"../{BYTECODE}/{wasm}"]
        else:
            assert found == [], page
