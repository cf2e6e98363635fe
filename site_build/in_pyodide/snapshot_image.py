"""The Python side of the checker's memory image (hooks/pyodide_snapshot.py makes it).

This module runs inside Pyodide, never in the site build's own Python:

- at build time, in Node.js (hooks/make_snapshot.mjs), `prepare()` imports everything
  the checker imports, runs the checker on made-up samples so that whatever it imports
  or compiles at first use is done too, and drops what describes files: the memory image
  holds Python's memory, not its file system;
- in the browser, after the image is restored, `standard_library_on_demand(url)`. The
  snapshot boot downloads no standard library (every module the checker uses is already
  in memory). If some rare path imports a standard module that is not, this fetches
  Pyodide's whole standard library zip once, synchronously, and imports from it, so an
  import never fails for want of a file.

Nothing of a request stays in the image: the organisation data arrives with every
request, and the samples use a made-up organisation and a fixed clock.
"""

from __future__ import annotations

import ast
import codecs
import gc
import importlib
import importlib.machinery
import importlib.util
import json
import linecache
import sys
import zipimport
from pathlib import Path
from types import ModuleType
from typing import Any

from warm_up import sample_requests

# The command line and `python -m checker` are not part of the page.
NOT_IN_THE_PAGE = {"checker.cli", "checker.__main__"}
# Codecs named by string (asn1crypto decodes BMPString and UniversalString as
# UTF-16/32-BE and names as IDNA; a pasted text may carry a BOM; the forgiving reader
# undoes UTF-8 read as Windows-1252): looked up once here, they are in the codec
# registry's memory, not in files, so no paste makes the page fetch the standard
# library after it is ready.
CODECS = (
    "utf-8-sig", "utf-16", "utf-16-be", "utf-16-le", "utf-32", "utf-32-be", "idna", "cp1252",
)  # fmt: skip


def sample_reports() -> str:
    """The checker's reports on the samples, as one JSON list (to compare two runs)."""
    from checker.api import run

    return json.dumps([json.loads(run(request)) for request in sample_requests()])


class Imports(ast.NodeVisitor):
    """What a source file imports, at the top or inside functions; not for type checkers.

    `from a import b` names a module `a` and maybe a submodule `a.b`.
    """

    def __init__(self) -> None:
        self.modules: set[str] = set()
        self.maybe_modules: set[str] = set()

    def visit_If(self, node: ast.If) -> None:
        # `if TYPE_CHECKING:` (or `typing.TYPE_CHECKING`) imports only for type checkers.
        if getattr(node.test, "id", getattr(node.test, "attr", None)) == "TYPE_CHECKING":
            for child in node.orelse:
                self.visit(child)
        else:
            self.generic_visit(node)

    def visit_Import(self, node: ast.Import) -> None:
        self.modules.update(alias.name for alias in node.names)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:
            self.modules.add(node.module)
            self.maybe_modules.update(f"{node.module}.{alias.name}" for alias in node.names)


def imported_by(package: ModuleType) -> Imports:
    """What the package's modules import, and the modules themselves, except the CLI's."""
    imports = Imports()
    root = Path(next(iter(package.__path__)))
    for path in sorted(root.rglob("*.py")):
        parts = path.relative_to(root.parent).with_suffix("").parts
        module = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        if module not in NOT_IN_THE_PAGE:
            imports.modules.add(module)
            imports.visit(ast.parse(path.read_bytes(), str(path)))
    return imports


def is_module(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except ModuleNotFoundError:  # the parent is a module, not a package
        return False


def prepare() -> str:
    """Get the interpreter ready for the image; returns the sample reports made before it."""
    import checker

    imports = imported_by(checker)
    for name in sorted(imports.modules):
        importlib.import_module(name)
    for name in sorted(imports.maybe_modules):
        if is_module(name):
            importlib.import_module(name)
    for name in CODECS:
        codecs.lookup(name)
    reports = sample_reports()

    sys.meta_path.append(STANDARD_LIBRARY)
    # These describe files (zip directories, source lines): after the restore they would
    # describe the files of the build, not those in the browser.
    sys.path_importer_cache.clear()
    zipimport._zip_directory_cache.clear()  # type: ignore[attr-defined]
    linecache.clearcache()
    gc.collect()
    return reports


class StandardLibraryOnDemand:
    """A last meta path finder: fetch the standard library zip when a module is missing."""

    def __init__(self) -> None:
        self.url: str | None = None

    def find_spec(
        self, fullname: str, path: Any = None, target: Any = None
    ) -> importlib.machinery.ModuleSpec | None:
        if self.url is None or fullname.partition(".")[0] not in sys.stdlib_module_names:
            return None
        url, self.url = self.url, None
        if not fetch_into(url, standard_library_zip()):
            return None
        importlib.invalidate_caches()
        return importlib.machinery.PathFinder.find_spec(fullname, path, target)


STANDARD_LIBRARY = StandardLibraryOnDemand()


def standard_library_zip() -> Path:
    return Path(next(p for p in sys.path if p.endswith(".zip")))


def fetch_into(url: str, dest: Path) -> bool:
    """Download url into dest synchronously (allowed in a Web Worker); False on failure."""
    from js import XMLHttpRequest  # type: ignore[import-not-found]

    request = XMLHttpRequest.new()
    request.open("GET", url, False)
    request.responseType = "arraybuffer"
    try:
        request.send()
    except Exception:
        return False
    if request.status != 200:
        return False
    dest.write_bytes(request.response.to_bytes())
    return True


def standard_library_on_demand(url: str) -> None:
    """From now on, a missing standard module makes Python fetch the zip at url once."""
    STANDARD_LIBRARY.url = url
