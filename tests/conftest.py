from __future__ import annotations

from pathlib import Path

import pytest
from support import build_site


@pytest.fixture(scope="session")
def site_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The site as `mkdocs build --strict` makes it, built once per test session."""
    return build_site(tmp_path_factory.mktemp("site") / "site")
