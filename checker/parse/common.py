"""Small helpers shared by the parsers: line numbers of offsets, times, JSON spans."""

from __future__ import annotations

import bisect
import re
from datetime import UTC, datetime


class LineIndex:
    """Turn character offsets of a text into 1-based line numbers."""

    def __init__(self, text: str) -> None:
        self.text = text
        self._starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self._starts, offset)

    def key_line(self, key: str, start: int = 0, end: int | None = None) -> int | None:
        """Line of the first `"key":` in text[start:end] (JSON object keys)."""
        found = self.key_offset(key, start, end)
        return None if found is None else self.line_of(found)

    def key_offset(self, key: str, start: int = 0, end: int | None = None) -> int | None:
        pattern = re.compile('"' + re.escape(key) + r'"\s*:')
        m = pattern.search(self.text, start, len(self.text) if end is None else end)
        return m.start() if m else None


_JSON_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\]]')


# Far deeper than any real status, token payload or request (they nest 3 to 6 deep).
# Python's JSON decoder recurses once a level, and in the browser a few thousand
# levels overflow WebAssembly's stack before Python can raise RecursionError, so
# depth is measured, linearly, before anything is decoded.
MAX_JSON_DEPTH = 100


def json_too_deep(text: str, start: int = 0, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether the JSON from `start` on opens more than `limit` levels at once."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text, start):
        token = m.group()
        if token in "{[":
            depth += 1
            if depth > limit:
                return True
        elif token in "}]":
            depth = max(depth - 1, 0)
    return False


def json_span_end(text: str, open_at: int) -> int:
    """Offset just after the object/array that opens at `open_at` (end of text if open)."""
    depth = 0
    for m in _JSON_TOKEN.finditer(text, open_at):
        token = m.group()
        if token in "{[":
            depth += 1
        elif token in "}]":
            depth -= 1
            if depth == 0:
                return m.end()
    return len(text)


def parse_time(value: object) -> datetime | None:
    """An RFC 3339 time as tailscaled and Kubernetes write it; None if zero or not one."""
    if not isinstance(value, str) or not value or value.startswith("0001-01-01"):
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
