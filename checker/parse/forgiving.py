"""Read what people really paste: the output, out of whatever was pasted around it.

People paste terminal transcripts (the prompt and the command before the output, the
next prompt after it, several commands in a row), copies from Markdown (quote marks,
code fences, list indentation, bold), CI logs (a timestamp before every line),
journald lines, and text that a Windows code page mis-decoded. `tidy` returns the
box with those parts set aside, line for line (so that every line number still
points at the line the person pasted), the commands it found, and what it did, as
one `input-repaired` note for the report: the checker never guesses silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from checker.model import Problem
from checker.text import Box

# Commands whose output the boxes hold, and what people run them through.
_COMMANDS = (
    r"(?:sudo\s+(?:-\S+\s+)*)?(?:\S*/)?(?:kubectl|tailscale(?:\.exe)?|Tailscale|oc|k|kubens"
    r"|kubectx|microk8s(?:\.kubectl|\s+kubectl)?|helm|docker|podman|nerdctl|aws|gcloud|az"
    r"|kubelogin|curl|cat|type|Get-Content|echo|export|set|date|k3s\s+kubectl|minikube)\b"
)
# A shell prompt: `$ `, `% `, `user@host:~$ `, `[user@host dir]$ `, `root@host:~# `,
# `PS C:\Users\x> `, `C:\Users\x>`, zsh's arrows, `~> `, `bash-4.3# `, `(venv) $ `.
_PROMPT = (
    r"(?:\([\w.-]+\)\s*)?"
    r"(?:PS [A-Za-z]:\\[^>]*>|[A-Za-z]:\\[^>]*>|(?:\u279c|\u276f|\u03bb)\s*\S*|"
    r"\[[^\]\n]{1,80}\][$#%]|[\w.@:~/+-]{0,80}[$#%>]|~>)"
)
_COMMAND_LINE = re.compile(rf"^\s*{_PROMPT}\s*{_COMMANDS}(?:\s.*)?$")
_PROMPT_ONLY = re.compile(rf"^\s*{_PROMPT}\s*$")
# A line that is the command without a prompt must look like one: the command's name,
# then one of its subcommands (never output such as "tailscale   Active   226d", a
# namespace, or "Tailscale is stopped.").
_BARE_COMMAND = re.compile(
    r"^\s*(?:sudo\s+(?:-\S+\s+)*)?(?:\S*/)?(?:"
    r"(?:kubectl|oc|k3s kubectl|microk8s(?:\.kubectl| kubectl))\s+(?:-\S+\s+)*"
    r"(?:get|describe|apply|config|auth|cluster-info|version|logs|exec|create|delete"
    r"|run|top|api-resources|port-forward|rollout|edit|login|whoami)"
    r"|tailscale(?:\.exe)?\s+(?:-\S+\s+)*"
    r"(?:status|up|down|login|logout|ping|netcheck|version|ip|configure|switch|set|lock"
    r"|cert|debug|bugreport|whois|exit-node|serve|funnel)"
    r")\b.*$"
)
_ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")
_TIMESTAMP = re.compile(
    r"^(?:\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z ?"  # GitHub Actions, Azure DevOps
    r"|\[\d{4}-\d\d-\d\dT?[ \d:.]+Z?\] ?"  # Jenkins
    r"|[A-Z][a-z]{2} [ \d]\d \d\d:\d\d:\d\d [\w.-]+ [\w./-]+(?:\[\d+\])?: )"  # journald
)
_QUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
_FENCE = re.compile(r"^\s*(?:```|~~~)[\w-]*\s*$")
_BOLD = re.compile(r"^(\s*)\*\*(.+?)\*\*\s*$")
# UTF-8 read as Windows-1252: "â€œ" for a curly quote, "Ã©" for an é.
_MOJIBAKE = re.compile(r"[\u00c2-\u00f4][\x80-\xbf\u0152-\u2122]{1,3}")
_CURLY_QUOTES = "\u201c\u201d\u2018\u2019"
# Changes made to the text on its way (not text around it): undone, not set aside.
MISDECODED, CURLY = "text a Windows code page mis-decoded", "curly quotes"
UNDONE = frozenset({MISDECODED, CURLY})
_CURLY = str.maketrans(dict(zip(_CURLY_QUOTES, "\"\"''", strict=True)))


@dataclass(frozen=True)
class Tidied:
    box: Box  # the same lines, with what is not the output blanked out, and its commands
    repairs: tuple[Problem, ...] = field(default=())


def tidy(box: Box) -> Tidied:
    """The box with prompts, commands, quote marks, timestamps and mis-decoding set
    aside, and the margin that every line shares taken off."""
    lines = list(box.lines)
    done: dict[str, list[int]] = {}

    def note(what: str, number: int) -> None:
        done.setdefault(what, []).append(number)

    quoted = sum(1 for line in lines if _QUOTE.match(line))
    nonblank = sum(1 for line in lines if line.strip())
    strip_quotes = nonblank and quoted >= max(1, nonblank // 2)
    commands: list[int] = []
    for i, line in enumerate(lines):
        number = i + 1
        original = line
        if _ANSI.search(line):
            line = _ANSI.sub("", line)
            note("terminal colour codes", number)
        if strip_quotes and _QUOTE.match(line):
            line = _QUOTE.sub("", line, count=1)
            note("quote marks", number)
        if _FENCE.match(line):
            line = ""
            note("code fences", number)
        if (m := _TIMESTAMP.match(line)) and len(line) > m.end():
            line = line[m.end() :].lstrip()
            note("log timestamps", number)
        if m := _BOLD.match(line):
            line = m.group(1) + m.group(2)
            note("bold marks", number)
        if _MOJIBAKE.search(line):
            repaired = _undo_mojibake(line)
            if repaired != line:
                line = repaired
                note(MISDECODED, number)
        if any(c in line for c in _CURLY_QUOTES):
            line = line.translate(_CURLY)
            note(CURLY, number)
        if _COMMAND_LINE.match(line) or _BARE_COMMAND.match(line):
            commands.append(number)
            line = ""
            note("prompts and command lines", number)
        elif _PROMPT_ONLY.match(line) and not line.strip().startswith("#"):
            line = ""
            note("empty prompts", number)
        if line != original:
            lines[i] = line
    lines = _dedent(lines, done)
    if not done:
        return Tidied(box)
    tidied = Box(box.source, "\n".join(lines), tuple(lines), tuple(commands))
    first = min(n for numbers in done.values() for n in numbers)
    order = sorted(done.items(), key=lambda item: item[1][0])
    aside = ", ".join(f"{what} ({_lines(n)})" for what, n in order if what not in UNDONE)
    undone = ", ".join(f"{what} ({_lines(n)})" for what, n in order if what in UNDONE)
    if aside and undone:
        message = (
            "Expected only the command's output as it printed it, found more around it and "
            f"text changed on the way: the checker set aside {aside}, undid {undone} and "
            "read the rest."
        )
    elif aside:
        message = (
            "Expected only the command's output, found more around it: the checker set "
            f"aside {aside} and read the rest."
        )
    else:
        message = (
            "Expected the command's output as it printed it, found text changed on the way: "
            f"the checker undid {undone} and read it."
        )
    return Tidied(tidied, (Problem("input-repaired", message, box.source, first),))


def _dedent(lines: list[str], done: dict[str, list[int]]) -> list[str]:
    """Take off a margin every non-blank line shares (a Markdown list, a quote)."""
    margins = [len(line) - len(line.lstrip(" \t")) for line in lines if line.strip()]
    margin = min(margins, default=0)
    if margin == 0:
        return lines
    done.setdefault("a shared indentation", []).append(
        next(i for i, line in enumerate(lines, 1) if line.strip())
    )
    return [line[margin:] if line.strip() else line for line in lines]


def _undo_mojibake(line: str) -> str:
    """UTF-8 that was read as Windows-1252, read again as UTF-8, run by run."""

    def fix(match: re.Match[str]) -> str:
        run = match.group()
        try:
            # Bytes 0x81, 0x8d, 0x8f, 0x90 and 0x9d mean nothing in Windows-1252, and
            # come through as the control characters of the same number.
            raw = b"".join(
                bytes([ord(c)]) if ord(c) < 0x100 else c.encode("cp1252") for c in run
            )
            return raw.decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            return run

    return _MOJIBAKE.sub(fix, line)


def _lines(numbers: list[int]) -> str:
    if len(numbers) == 1:
        return f"line {numbers[0]}"
    return f"{len(numbers)} lines from line {numbers[0]}"
