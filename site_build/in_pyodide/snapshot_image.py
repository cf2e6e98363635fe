"""The Python side of the checker's memory image (site_build/snapshot.py makes it).

This module runs inside Pyodide, never in the site build's own Python: at build time,
in Node.js (site_build/node/make_snapshot.mjs), `prepare()` imports every module the
page may import and runs the checker on made-up samples (page_imports.py), so that
whatever it imports or compiles at first use is done too, and drops what describes
files: the memory image holds Python's memory, not its file system. It also puts the
on-demand standard library in place (stdlib_on_demand.py), which the restored Python
turns on: the snapshot boot downloads no standard library.

Nothing of a request stays in the image: the organisation data arrives with every
request, and the samples use a made-up organisation and a fixed clock.
"""

from __future__ import annotations

import gc
import json
import linecache
import sys
import zipimport

from page_imports import import_everything
from stdlib_on_demand import STANDARD_LIBRARY
from warm_up import sample_requests


def sample_reports() -> str:
    """The checker's reports on the samples, as one JSON list (to compare two runs)."""
    from checker.api import run

    return json.dumps([json.loads(run(request)) for request in sample_requests()])


# The standard streams' buffer size in the image: the page reads no input and its
# output goes to the console.
STREAM_BUFFER = 4096


def prepare() -> str:
    """Get the interpreter ready for the image; returns the sample reports made before it."""
    import_everything()
    reports = sample_reports()

    # Modules imported from now on (after the restore) compile as usual.
    if "sitecustomize" in sys.modules:
        sys.modules.pop("sitecustomize").uninstall()
    # Each standard stream's buffer (128 KiB) was allocated without being cleared and
    # holds whatever that memory held before; none holds data after a flush. Smaller
    # buffers in their place leave the old ones free, to be zeroed with the rest.
    for stream in (sys.stdin, sys.stdout, sys.stderr):
        if stream.writable():
            stream.flush()
        stream.buffer.__init__(stream.buffer.raw, buffer_size=STREAM_BUFFER)  # type: ignore[misc]
    sys.meta_path.append(STANDARD_LIBRARY)
    # These describe files (zip directories, source lines): after the restore they would
    # describe the files of the build, not those in the browser.
    sys.path_importer_cache.clear()
    zipimport._zip_directory_cache.clear()  # type: ignore[attr-defined]
    linecache.clearcache()
    gc.collect()
    return reports
