"""The site's memory image, restored under Node.js: what it holds and what it fetches.

The image starts with an empty standard library (snapshot-stdlib.zip). A standard
module that is not in memory makes it fetch python_stdlib.zip once; anything else
fails to import as it would anywhere.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from support import REPO

pytestmark = [pytest.mark.node, pytest.mark.slow]

RUNNER = Path(__file__).with_name("import_after_restore.mjs")


def import_after_restore(site_dir: Path, *modules: str) -> dict[str, Any]:
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to run Pyodide outside the browser (and for npm ci).")
    result = subprocess.run(
        [node, str(RUNNER), str(site_dir), *modules],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, f"restoring the image failed:\n{result.stderr}"
    out: dict[str, Any] = json.loads(result.stdout)
    return out


def test_the_image_holds_the_checker_and_no_file_of_the_standard_library(site_dir: Path) -> None:
    shipped = site_dir / "assets" / "pyodide"
    manifest = json.loads((shipped / "snapshot-manifest.json").read_text(encoding="utf-8"))
    assert (shipped / manifest["stdlib"]["file_name"]).stat().st_size == 22  # an empty zip

    out = import_after_restore(site_dir, "checker.api", "ruamel.yaml", "asn1crypto.x509")
    assert all(module == {"before": True, "error": None} for module in out["modules"].values())
    assert out["fetched_on_demand"] == []


def test_a_standard_module_outside_the_image_is_fetched_once(site_dir: Path) -> None:
    out = import_after_restore(site_dir, "difflib", "pprint", "no_such_module")

    assert out["modules"]["difflib"] == {"before": False, "error": None}
    assert out["modules"]["pprint"] == {"before": False, "error": None}
    assert out["modules"]["no_such_module"]["error"] == (
        "ModuleNotFoundError: No module named 'no_such_module'"
    )
    stdlib = site_dir / "assets" / "pyodide" / "python_stdlib.zip"
    assert out["fetched_on_demand"] == [stdlib.as_uri()]


def test_a_module_outside_the_standard_library_fetches_nothing(site_dir: Path) -> None:
    out = import_after_restore(site_dir, "no_such_module", "checker.no_such_module")

    assert [m["error"] is not None for m in out["modules"].values()] == [True, True]
    assert out["fetched_on_demand"] == []
