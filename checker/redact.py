"""Keep secrets out of every report: evidence lines, messages, facts and summary.

Three nets, because a pasted text may not parse: the secret values the parsers
collected (tokens, `*-data`, passwords, the AuthURL) are replaced wherever they
appear; a line whose key names a secret shows REDACTED as its value; and
anything shaped like a secret (a JWT, PEM armour, a long base64 run, a
Tailscale login link, a bearer header) is replaced even when nothing knew it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

REDACTED = "REDACTED"

_KEY_VALUE = re.compile(r'^(\s*(?:-\s+)?"?)([A-Za-z0-9_.-]+)("?\s*[:=]\s*)(.+?)(,?)$')
# Keys whose values are secrets, wherever they appear (a kubeconfig, an exec env entry,
# a quoted line); the kubeconfig parser collects the values under them too.
SECRET_KEY = re.compile(
    r"token|password|passwd|secret|key-data|certificate-data|authority-data|authurl|"
    r"credential|private|apikey|api-key|client-key",
    re.I,
)
_PLACEHOLDERS = {"unused", '"unused"', "null", '""', "''", "DATA+OMITTED", "REDACTED"}
_SHAPES = re.compile(
    r"https?://login\.tailscale\.com/\S+"  # login links, whatever follows
    r"|(?<=Log in at: )\S+"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{6,}"
    r"|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?"
    r"|-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)"
)
_RUN = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")


def looks_like_blob(value: str) -> bool:
    """A long run of base64 with upper case, lower case and digits: key or cert data.

    Long Kubernetes names (`tasking-manager-backend-7d9f8c6b5d-x2x4q`) are lower
    case, and hex public keys have no upper case; both stay readable.
    """
    return (
        len(value) >= 40
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )


def _blob(match: re.Match[str]) -> str:
    return REDACTED if looks_like_blob(match.group()) else match.group()


class Redactor:
    """Replaces the known secret values and secret-shaped text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        # Longest first, so a secret containing another is replaced whole.
        self.secrets = sorted({s for s in secrets if len(s) >= 6}, key=len, reverse=True)

    def text(self, value: str) -> str:
        for secret in self.secrets:
            if secret in value:
                value = value.replace(secret, REDACTED)
        return _RUN.sub(_blob, _SHAPES.sub(REDACTED, value))

    def line(self, value: str) -> str:
        """An evidence line: also hide the value of a key that names a secret."""
        m = _KEY_VALUE.match(value)
        if m and SECRET_KEY.search(m.group(2)) and m.group(4).strip() not in _PLACEHOLDERS:
            quote = '"' if m.group(4).startswith('"') else ""
            value = f"{m.group(1)}{m.group(2)}{m.group(3)}{quote}{REDACTED}{quote}{m.group(5)}"
        return self.text(value)


_AUTH_URL = re.compile(r'"AuthURL"\s*:\s*"([^"]+)"|Log in at:\s*(\S+)')


def secrets_in_status(text: str) -> set[str]:
    """The login link in a status paste: it signs a device in for whoever has it."""
    return {m.group(1) or m.group(2) for m in _AUTH_URL.finditer(text)}
