"""Compile the Python that the checker page imports to bytecode, inside Pyodide itself.

This module runs inside Pyodide under Node.js (hooks/make_bytecode.mjs), never in the
site build's own Python: bytecode is only valid for the exact Python that made it,
and Pyodide's is 3.14 on WebAssembly.

Pyodide ships its standard library and the wheels ship their modules as source, so
every page load compiled the ~170 standard modules that Pyodide's start-up and the
checker import, and all of the checker, ruamel.yaml and asn1crypto: most of the time
Python took to start. `compile_all` writes, into `out`:

- `python_stdlib.zip`: only the standard modules the page may import (Pyodide's
  start-up, and page_imports.py: what the checker's sources import and a sample check
  loads), as bytecode, and stdlib_on_demand.py, which fetches Pyodide's whole standard
  library the first time anything else is imported. A third of the standard library's
  bytes, which matters on a slow link;
- for each wheel, `<wheel name>.zip`: the wheel with every module as bytecode, to be
  put on `sys.path` as it is (zipimport), not installed. Its RECORD, which lists the
  source files, is left out. The checker's also holds its catalogue already parsed
  (checker.catalogue.PARSED_NAME), which it reads instead of parsing the YAML.

The zips are stored, not deflated: the build compresses them together
(site_build/bytecode.py), far smaller than each file deflated on its own.

The bytecode is "unchecked hash-based" (PEP 552): Python uses it without looking for
the source. It sits where the source was (`module.pyc`), where zipimport looks first.
"""

from __future__ import annotations

import hashlib
import json
import os
import py_compile
import sys
import tempfile
import zipfile
from pathlib import Path

from page_imports import import_everything


def bytecode(source: bytes, name: str, work: Path) -> bytes:
    """The .pyc for one module's source; `name` is where tracebacks say it came from."""
    src, pyc = work / "module.py", work / "module.pyc"
    src.write_bytes(source)
    py_compile.compile(
        str(src),
        cfile=str(pyc),
        dfile=name,
        doraise=True,
        invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH,
    )
    return pyc.read_bytes()


def rewrite(
    source_zip: Path,
    dest: Path,
    only: set[str] | None,
    work: Path,
    extra: dict[str, bytes] | None = None,
) -> int:
    """Copy a zip's modules as .pyc (those in `only`, or all), with `extra`, stored.

    Returns how many modules it compiled.
    """
    compiled = 0
    with zipfile.ZipFile(source_zip) as old, zipfile.ZipFile(dest, "w") as new:
        for info in old.infolist():
            name = info.filename
            if only is not None and name not in only:
                continue
            if name.endswith(".dist-info/RECORD"):
                continue
            data = old.read(info)
            if name.endswith(".py"):
                data = bytecode(data, f"{source_zip.name}/{name}", work)
                name += "c"
                compiled += 1
            entry = zipfile.ZipInfo(name, date_time=info.date_time)
            entry.external_attr = info.external_attr
            new.writestr(entry, data, compress_type=zipfile.ZIP_STORED)
        for name, data in (extra or {}).items():
            new.writestr(zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0)), data)
    return compiled


def parsed_data(wheel: Path) -> dict[str, bytes]:
    """Data files the package would parse at first use, already parsed (the catalogue)."""
    from checker.catalogue import PARSED_NAME, parsed_catalogue

    with zipfile.ZipFile(wheel) as archive:
        if "checker/catalogue.yml" not in archive.namelist():
            return {}
        text = archive.read("checker/catalogue.yml").decode("utf-8")
    return {f"checker/{PARSED_NAME}": parsed_catalogue(text).encode("utf-8")}


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def compile_all(wheels: list[str], out: str) -> str:
    """Import and run the checker from the wheels, then write the bytecode zips into out."""
    out_dir = Path(out)
    sys.path[:0] = wheels
    # What the checker imports when it first runs is compiled too (asn1crypto, for
    # one, is imported when a certificate is read), and what a rare path imports.
    import_everything()

    stdlib = Path(os.__file__).parent
    if stdlib.suffix != ".zip":
        raise RuntimeError(f"Expected the standard library in a zip, found it at {stdlib}")
    prefix = f"{stdlib}/"
    imported = {
        module.__file__[len(prefix) :]
        for module in list(sys.modules.values())
        if (getattr(module, "__file__", None) or "").startswith(prefix)
    }
    on_demand = Path(__file__).with_name("stdlib_on_demand.py")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        stdlib_zip = out_dir / "python_stdlib.zip"
        fetcher = {"stdlib_on_demand.pyc": bytecode(on_demand.read_bytes(), on_demand.name, work)}
        files = {stdlib_zip.name: rewrite(stdlib, stdlib_zip, imported, work, fetcher)}
        for wheel in map(Path, wheels):
            name = wheel.with_suffix(".zip").name
            files[name] = rewrite(wheel, out_dir / name, None, work, parsed_data(wheel))
    return json.dumps(
        {
            "python": sys.version,
            "files": {
                name: {"modules": modules, "sha256": sha256(out_dir / name)}
                for name, modules in files.items()
            },
        }
    )
