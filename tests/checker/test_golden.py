"""Rendered text reports for a few cases, compared with reviewed golden files.

After a deliberate change of wording, rewrite them and review the diff like code:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/checker/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import CASES_DIR, load_case

from checker.cli import main

GOLDEN = Path(__file__).with_name("golden")
NOW = "2026-11-28T12:00:00Z"
CASES = [
    CASES_DIR / "staff-all-good",
    CASES_DIR / "awaiting-device-approval",
    CASES_DIR / "forbidden-rbac",
    CASES_DIR / "not-a-status",
    CASES_DIR / "operator-proxy-token-unused-ok",
    CASES_DIR / "kubeconfig-view-data-omitted",
    CASES_DIR / "io-timeout",
    CASES_DIR / "proxy-by-address-tls-internal-error",
    CASES_DIR / "proxy-whoami-group-missing-table",
]


@pytest.mark.parametrize("folder", CASES, ids=lambda p: p.name)
def test_text_report(folder: Path, capsys: pytest.CaptureFixture[str]) -> None:
    case = load_case(folder)
    args = case.cli_args() + ([] if case.now else ["--now", NOW])
    main(args)
    rendered = capsys.readouterr().out
    golden = GOLDEN / f"{folder.name}.txt"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.parent.mkdir(exist_ok=True)
        golden.write_text(rendered, encoding="utf-8")
    assert rendered == golden.read_text(encoding="utf-8")
