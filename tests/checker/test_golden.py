"""Rendered text reports for a few cases, compared with reviewed golden files.

After a deliberate change of wording, rewrite them and review the diff like code:

    UPDATE_GOLDEN=1 .venv/bin/pytest tests/checker/test_golden.py
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from support import LOCAL_CASES, SHARED_CORPUS, load_case

from checker.cli import main

GOLDEN = Path(__file__).with_name("golden")
NOW = "2026-11-28T12:00:00Z"
CASES = [
    SHARED_CORPUS / "staff-all-good",
    SHARED_CORPUS / "awaiting-device-approval",
    SHARED_CORPUS / "forbidden-rbac",
    SHARED_CORPUS / "not-a-status",
    LOCAL_CASES / "operator-proxy-token-unused-ok",
    LOCAL_CASES / "kubeconfig-view-data-omitted",
    LOCAL_CASES / "io-timeout",
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
