"""CHECKER_ASSETS=off builds the pages without the checker's runtime (for benchmarks/run.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from support import build_site

pytestmark = [pytest.mark.slow]


def test_off_builds_every_page_and_no_runtime(tmp_path: Path, site_dir: Path) -> None:
    without = build_site(tmp_path / "site", env={"CHECKER_ASSETS": "off"})

    pages = sorted(p.relative_to(site_dir) for p in site_dir.rglob("*.html"))
    assert sorted(p.relative_to(without) for p in without.rglob("*.html")) == pages
    assert (site_dir / "assets" / "pyodide" / "pyodide.asm.wasm").is_file()
    assert not (without / "assets" / "pyodide").exists()


def test_an_unknown_value_fails_the_build(tmp_path: Path) -> None:
    with pytest.raises(AssertionError, match="Expected CHECKER_ASSETS=on or off, found 'no'"):
        build_site(tmp_path / "site", env={"CHECKER_ASSETS": "no"})
