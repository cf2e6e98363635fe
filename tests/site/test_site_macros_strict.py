"""A page naming an undefined variable fails the build instead of publishing a blank.

The real mkdocs.yml must configure mkdocs-macros strictly; a tiny project with the
same macros options, hook and templates then proves the options do what they say.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from support import REPO


class _TolerantLoader(yaml.SafeLoader):
    """Reads mkdocs.yml, ignoring tags such as !ENV or !!python/name that need MkDocs."""


_TolerantLoader.add_multi_constructor("!", lambda loader, suffix, node: None)
_TolerantLoader.add_multi_constructor(
    "tag:yaml.org,2002:python/", lambda loader, suffix, node: None
)


def macros_options() -> dict[str, Any]:
    config = yaml.load((REPO / "mkdocs.yml").read_text(encoding="utf-8"), _TolerantLoader)
    for plugin in config["plugins"]:
        if isinstance(plugin, dict) and "macros" in plugin:
            return dict(plugin["macros"])
    raise AssertionError("mkdocs.yml does not configure the macros plugin")


def test_macros_are_configured_strictly() -> None:
    options = macros_options()
    assert options["on_undefined"] == "strict"
    assert options["on_error_fail"] is True
    assert options["module_name"] == "macros/main"


def build_tiny_site(root: Path, page: str) -> subprocess.CompletedProcess[str]:
    """Build a one-page project that uses the site's macros options, module and hook."""
    docs = root / "docs"
    shutil.copytree(REPO / "docs" / "_templates", docs / "_templates")
    (docs / "index.md").write_text(page, encoding="utf-8")
    options = {**macros_options(), "module_name": str(REPO / "macros" / "main")}
    config = {
        "site_name": "tiny",
        "exclude_docs": "/_templates/\n",
        "hooks": [str(REPO / "hooks" / "site_hook.py")],
        "plugins": [{"macros": options}],
    }
    (root / "mkdocs.yml").write_text(yaml.safe_dump(config), encoding="utf-8")
    return subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(root / "site")],
        cwd=root,
        # The pages only: the checker's runtime is not what this test is about.
        env={**os.environ, "CHECKER_ASSETS": "off"},
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.slow
def test_a_defined_variable_builds(tmp_path: Path) -> None:
    result = build_tiny_site(
        tmp_path, "# Hello\n\n{{ org.short_name }} and {{ roles[0].tailnet }}\n"
    )
    assert result.returncode == 0, result.stderr
    built = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "HOT and user@hotosm" in built


@pytest.mark.slow
def test_an_undefined_variable_fails_the_build(tmp_path: Path) -> None:
    result = build_tiny_site(tmp_path, "# Hello\n\nAsk {{ tailscale.admin }} for access.\n")
    assert result.returncode != 0
    assert "UndefinedError" in result.stdout + result.stderr
    assert not (tmp_path / "site" / "index.html").exists()
