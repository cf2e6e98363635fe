"""What every build step shares: where things are, the one error type, switches, hashes."""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path
from typing import Any

BUILD_DIR = Path(__file__).resolve().parent
REPO = BUILD_DIR.parent
# Where the site serves the checker's runtime; the page's worker finds it at ../pyodide/.
ASSETS_SUBDIR = "assets/pyodide"


class BuildError(Exception):
    """The site cannot be built, and why, in words for the person building it.

    The MkDocs hook turns it into the build's error (hooks/site_hook.py)."""


def switch(name: str) -> bool:
    """An on/off environment switch, on unless set to off."""
    value = os.environ.get(name, "on")
    if value not in ("on", "off"):
        raise BuildError(f"Expected {name}=on or off, found {value!r}.")
    return value == "on"


def assets_wanted() -> bool:
    """CHECKER_ASSETS=off builds the pages without the checker's runtime."""
    return switch("CHECKER_ASSETS")


def snapshot_wanted() -> bool:
    """CHECKER_SNAPSHOT=off builds the checker's runtime without its memory image."""
    return assets_wanted() and switch("CHECKER_SNAPSHOT")


def file_sha256(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def ship(source: Path, dest: Path, as_name: str) -> dict[str, Any]:
    """Copy a made file into the site folder dest as `as_name`, where {hash} stands for
    the start of its sha256 (so a copy cached before a deploy is never taken for one
    after it): its file_name, sha256 and bytes, for a manifest."""
    digest = file_sha256(source)
    file_name = as_name.format(hash=digest[:16])
    shutil.copyfile(source, dest / file_name)
    return {"file_name": file_name, "sha256": digest, "bytes": (dest / file_name).stat().st_size}
