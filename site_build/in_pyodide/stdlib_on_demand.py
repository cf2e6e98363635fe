"""The whole standard library, fetched the first time a module that is not there is
imported: both of the checker page's boots start with only the modules it uses
(page_imports.py), and an import must never fail for want of a file.

Shipped inside the page's Python: in the memory image (snapshot_image.py imports it)
and, as bytecode, in the normal boot's standard library (bytecode_compile.py). The
worker calls `standard_library_on_demand(url)` once Python is up; the fetch is
synchronous, which a Web Worker may do.
"""

from __future__ import annotations

import importlib
import importlib.machinery
import sys
from pathlib import Path
from typing import Any


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
