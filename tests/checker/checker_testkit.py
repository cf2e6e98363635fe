"""Helpers for the checker tests (imported by name: tests/checker is on sys.path)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from support import CASES_DIR

from checker import Report

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)
GOOD = CASES_DIR / "staff-all-good"


def only(report: Report, check_id: str) -> Any:
    """The one finding with `check_id` (fails the test if there is not exactly one)."""
    found = [f for f in report.findings if f.id == check_id]
    assert len(found) == 1, [f.id for f in report.findings]
    return found[0]


def layer_status(report: Report) -> dict[str, str]:
    return {layer.id: layer.status for layer in report.layers}


def read(path: Path) -> str:
    return path.read_text(encoding="utf-8")
