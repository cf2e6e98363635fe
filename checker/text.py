"""Pasted text as it arrives: size cap, binary check, BOM and line endings."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from checker.boxes import BOX
from checker.model import Problem

# Real inputs are a few KB; a status with hundreds of peers stays well below this.
MAX_CHARS = 2_000_000


@dataclass(frozen=True)
class Box:
    """One input box's text, normalised, with its lines (1-based through `line`)."""

    source: str
    text: str
    lines: tuple[str, ...]
    # Lines where a command ran (a prompt, the command itself), when the paste is a
    # terminal transcript (checker.parse.forgiving found them).
    commands: tuple[int, ...] = ()

    def segments(self) -> list[range]:
        """The lines of each command's output, in order (all lines when none ran)."""
        end = len(self.lines) + 1
        if not self.commands:
            return [range(1, end)]
        bounds = [*self.commands, end]
        ranges = [range(1, self.commands[0])]
        ranges += [range(start + 1, stop) for start, stop in itertools.pairwise(bounds)]
        return [r for r in ranges if len(r)]

    def line(self, number: int | None) -> str | None:
        if number is None or not 1 <= number <= len(self.lines):
            return None
        return self.lines[number - 1]

    def first_line_matching(self, needle: str) -> int | None:
        return next((i for i, line in enumerate(self.lines, 1) if needle in line), None)


def normalise(text: str) -> str:
    """Drop a byte-order mark and turn CRLF / CR line endings into LF."""
    if text.startswith("\ufeff"):
        text = text[1:]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def open_box(source: str, text: str | None) -> tuple[Box | None, Problem | None]:
    """The usable box, or None with the input problem (None, None: nothing pasted)."""
    if text is None or not text.strip():
        return None, None
    title = BOX[source].title
    if len(text) > MAX_CHARS:
        return None, Problem(
            "input-too-large",
            f"Expected at most {MAX_CHARS // 1_000_000} MB of text in the {title}, found "
            f"{len(text) / 1_000_000:.1f} MB: that is far more than this output ever is.",
            source,
        )
    if _looks_binary(text):
        return None, Problem(
            "input-binary",
            f"Expected text in the {title}, found binary data (NUL bytes or control characters).",
            source,
        )
    text = normalise(text)
    return Box(source, text, tuple(text.split("\n"))), None


def _looks_binary(text: str) -> bool:
    if "\x00" in text:
        return True
    sample = text[:4096]
    odd = sum(1 for c in sample if (c < " " and c not in "\t\n\r\f\v\x1b") or c == "\ufffd")
    return odd > max(8, len(sample) // 20)
