"""Times as the checker reads and writes them: always UTC."""

from __future__ import annotations

from datetime import UTC, datetime


def utc(now: datetime | None) -> datetime:
    """`now` in UTC (naive times are UTC); the current time when None."""
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    return now.astimezone(UTC)


def format_time(value: datetime) -> str:
    """A time as people read it in a report: UTC, to the minute."""
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def iso(value: datetime) -> str:
    """A time as the JSON report writes it: ISO 8601 with Z."""
    return value.isoformat().replace("+00:00", "Z")
