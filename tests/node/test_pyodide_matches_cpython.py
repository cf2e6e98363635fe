"""The checker gives the same report on Pyodide (Python 3.14, in Node.js) as on CPython.

Pyodide is loaded from node_modules and the checker wheel, its dependencies and the
lock from the built site, exactly what the browser gets, so a difference between
CPython and the browser's Python shows up here without a browser. Every way Python can
boot is checked: loading the wheels; the page's normal boot, from the bytecode the build
compiles; and restoring the site's memory image.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from support import REPO, Case, all_cases

from checker.organisation import load_organisation_file, organisation_path

pytestmark = [pytest.mark.node, pytest.mark.slow]

RUNNER = Path(__file__).with_name("run_checker.mjs")
# Load the wheels; the page's normal boot (bytecode); restore the memory image.
BOOTS = ("wheels", "bytecode", "snapshot")
CASES = all_cases()
# Cases without a capture time are checked "now": the same instant for both runtimes.
NOW = datetime.now(UTC).replace(microsecond=0).isoformat()
ORGANISATION = load_organisation_file(organisation_path())


def request_for(case: Case) -> str:
    """The request the checker page sends for this case's boxes, role and clock."""
    return case.request(NOW)


@pytest.fixture(scope="module", params=BOOTS)
def pyodide_run(
    request: pytest.FixtureRequest, site_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, Any]:
    """Every case through checker.api.run on Pyodide, in one Node.js process per boot."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("Node.js is needed to run Pyodide outside the browser (and for npm ci).")
    requests = tmp_path_factory.mktemp("node") / "requests.json"
    requests.write_text(json.dumps([request_for(case) for case in CASES]), encoding="utf-8")
    result = subprocess.run(
        [node, str(RUNNER), str(site_dir), str(requests), request.param],
        capture_output=True,
        text=True,
        check=False,
        cwd=REPO,
    )
    assert result.returncode == 0, f"Pyodide under Node.js failed:\n{result.stderr}"
    out: dict[str, Any] = json.loads(result.stdout)
    responses = dict(zip([c.name for c in CASES], out["responses"], strict=True))
    return {
        "python": out["python"],
        "fetched_on_demand": out["fetched_on_demand"],
        "imported_from_source": out["imported_from_source"],
        **responses,
    }


def test_runs_the_browsers_python(pyodide_run: dict[str, Any]) -> None:
    lock = json.loads((REPO / "node_modules" / "pyodide" / "pyodide-lock.json").read_text())
    assert pyodide_run["python"].startswith(lock["info"]["python"] + " ")


@pytest.mark.parametrize("pyodide_run", ["snapshot", "bytecode"], indirect=True)
def test_the_corpus_needs_no_module_the_boot_lacks(pyodide_run: dict[str, Any]) -> None:
    # Both of the page's boots start with only the standard modules the page may import
    # (in memory, or as bytecode) and fetch the whole library only when a module they
    # lack is imported: the corpus must never need that.
    assert pyodide_run["fetched_on_demand"] == []


@pytest.mark.parametrize("pyodide_run", ["bytecode"], indirect=True)
def test_the_corpus_compiles_no_source(pyodide_run: dict[str, Any]) -> None:
    # The build compiles what Pyodide's start-up and a sample check import; a module the
    # corpus imports from source would work, but slowly: the sample must import it too.
    assert pyodide_run["imported_from_source"] == []


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_same_report_as_cpython(case: Case, pyodide_run: dict[str, Any]) -> None:
    from checker.api import run

    on_cpython = json.loads(run(request_for(case)))
    on_pyodide = json.loads(pyodide_run[case.name])
    assert on_pyodide["verdict"] == on_cpython["verdict"]
    assert on_pyodide == on_cpython
