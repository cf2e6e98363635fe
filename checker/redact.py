"""Keep secrets out of every report: one redactor for every text that can be shared.

The engine passes every message, evidence line, fact and the summary through
`Redactor.text` at the report's boundary, so a new finding cannot forget it. It
removes, line by line:

- the secret values the parsers collected (tokens, `*-data`, passwords, exec env
  values, the login link), of any length: long ones wherever they appear, short
  ones where they stand as a word of their own;
- the userinfo of every URL (`https://user:pw@host`) and its query values (but for
  harmless parameters such as `?timeout=32s`);
- the value of every `key: value`, `key=value` or `"key": "value"` whose key names a
  secret (`password`, `pwd`, `auth`, `authorization`, `token`, `*_token`,
  `api-key`, `secret`, `*-data`, ...), whatever its length, anywhere in a line, and
  the rest of a line that starts with such a key and has no separator (a YAML line
  that did not parse);
- `--password=...`-style options, `-u user:pass`, `Basic` and `Bearer` credentials,
  Tailscale keys (`tskey-...`), JWTs, PEM blocks, long mixed-case base64 runs and
  Tailscale login links, even when nothing knew them.

Names are not secrets: context, cluster, user and host names stay readable unless
they stand under a secret key.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import parse_qsl, urlsplit

REDACTED = "REDACTED"

# The words that make a key a secret's, as the last part of the key
# (`password`, `db_password`, `refresh-token`, `AWS_SECRET_ACCESS_KEY`...).
_SECRET_WORD = (
    r"pass|pwd|passwd|password|passphrase|auth|authorization|token|secret|secrets"
    r"|api[_-]?key|apikey|authurl|private[_-]?key|secret[_-]access[_-]key"
    r"|client[_-]key|key[_-]data|certificate[_-]data|authority[_-]data|cookie"
)
# A key (in a kubeconfig, a JSON object, an env entry) whose value is a secret.
SECRET_KEY = re.compile(rf"(?i)(?:^|[_.-])(?:{_SECRET_WORD})$")
_KEY = rf"(?:[A-Za-z0-9]+[_.-])*(?:{_SECRET_WORD})"
# key: value / key=value / "key": "value" inside a line.
_KEY_VALUE = re.compile(
    rf"""(?ix)
    (?<![A-Za-z0-9_.-])(?P<key>{_KEY})(?P<quote>["']?)
    (?P<sep>\s*[:=]\s*)
    (?P<value>(?:(?:bearer|basic|negotiate|digest)\s+)?(?:"[^"]*"|'[^']*'|[^\s,;&"'}}\]]+))
    """
)
# A line that starts with a secret key but has no separator: show only the key.
_KEY_LINE = re.compile(rf"(?i)^(?P<head>\s*(?:-\s+)?[\"']?{_KEY}[\"']?)(?P<rest>\s+\S.*)$")
_FLAG = re.compile(
    rf"""(?ix)(?P<flag>(?<!\S)--?(?:[a-z0-9]+-)*(?:{_SECRET_WORD})(?:=|\s+))
    (?P<value>"[^"]*"|'[^']*'|\S+)"""
)
_ENV_VALUE = re.compile(r"(?i)^(?P<head>\s*(?:-\s+)?[\"']?value[\"']?\s*:\s*).+$")
_USER_FLAG = re.compile(r"(?<!\S)(?P<flag>(?:-u|--user)\s+)(?P<value>\S+:\S+)")
_PLACEHOLDERS = {"unused", "null", "", "DATA+OMITTED", REDACTED, "true", "false", "none"}
_SHAPES = re.compile(
    r"https?://login\.tailscale\.com/[^\s\"'<>`]+"  # login links, whatever follows
    r"|(?<=Log in at: )\S+"
    r"|(?i:bearer)\s+[A-Za-z0-9._~+/=-]{6,}"
    r"|(?i:basic)\s+[A-Za-z0-9+/]{6,}={0,2}"
    r"|(?i:tskey-)[A-Za-z0-9-]+"
    r"|eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}(?:\.[A-Za-z0-9_-]*)?"
    r"|-----BEGIN [A-Z ]+-----[\s\S]*?(?:-----END [A-Z ]+-----|$)"
)
_RUN = re.compile(r"[A-Za-z0-9+/_-]{40,}={0,2}")
_BASE64 = re.compile(r"[A-Za-z0-9+/_-]+={0,2}")
_URL = re.compile(r"(?i)\b(?:https?|wss?)://[^\s\"'<>`]+")
# Query parameters that say nothing about anyone (kubectl's and tailscaled's own).
_HARMLESS_QUERY = frozenset(
    {"timeout", "limit", "v", "type", "watch", "resourceversion", "fieldselector",
     "labelselector", "fieldmanager", "dryrun", "pretty", "min_validity", "continue"}
)  # fmt: skip


def looks_like_blob(value: str) -> bool:
    """A long run of base64 with upper case, lower case and digits: key or cert data.

    Long Kubernetes names (`tasking-manager-backend-7d9f8c6b5d-x2x4q`, GKE's
    `gke_<project>_<zone>_<cluster>`) are lower case, and hex public keys have no
    upper case; both stay readable.
    """
    return (
        len(value) >= 40
        and _BASE64.fullmatch(value) is not None
        and any(c.isupper() for c in value)
        and any(c.islower() for c in value)
        and any(c.isdigit() for c in value)
    )


def _blob(match: re.Match[str]) -> str:
    return REDACTED if looks_like_blob(match.group()) else match.group()


def _key_value(match: re.Match[str]) -> str:
    value = match.group("value")
    bare = value.strip("\"'")
    if bare in _PLACEHOLDERS or bare.startswith("$"):  # $VAR: a name, not the value
        return match.group()
    quote = value[0] if value[:1] in "\"'" and len(value) > 1 else ""
    return f"{match.group('key')}{match.group('quote')}{match.group('sep')}{quote}{REDACTED}{quote}"


def _flag(match: re.Match[str]) -> str:
    return f"{match.group('flag')}{REDACTED}"


def _url(match: re.Match[str]) -> str:
    url = match.group()
    try:
        parts = urlsplit(url)
        netloc = parts.netloc
    except ValueError:
        return REDACTED
    if "@" in netloc:
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    query = parts.query
    if query:
        pairs = parse_qsl(query, keep_blank_values=True)
        query = "&".join(
            f"{k}={v if k.casefold() in _HARMLESS_QUERY else REDACTED}" if v else k
            for k, v in pairs
        )
    rebuilt = f"{parts.scheme}://{netloc}{parts.path}"
    if query:
        rebuilt += f"?{query}"
    if parts.fragment:
        rebuilt += f"#{REDACTED}"
    return rebuilt


def _line(line: str, quoted: bool) -> str:
    line = _URL.sub(_url, line)
    line = _FLAG.sub(_flag, line)
    line = _USER_FLAG.sub(_flag, line)
    redacted = _KEY_VALUE.sub(_key_value, line)
    if quoted and redacted == line and (bare := _KEY_LINE.match(line)):
        rest = bare.group("rest").strip().strip("\"',")
        if rest not in _PLACEHOLDERS:
            redacted = f"{bare.group('head')} {REDACTED}"
    return redacted


class Redactor:
    """Replaces the known secret values and secret-shaped text, in any text."""

    def __init__(self, secrets: Iterable[str]) -> None:
        values = {s for s in secrets if s.strip() and s not in _PLACEHOLDERS}
        # Longest first, so a secret containing another is replaced whole.
        self._long = sorted((s for s in values if len(s) >= 8), key=len, reverse=True)
        short = sorted((s for s in values if len(s) < 8), key=len, reverse=True)
        self._short = (
            re.compile(
                r"(?<![A-Za-z0-9])(?:" + "|".join(map(re.escape, short)) + r")(?![A-Za-z0-9])"
            )
            if short
            else None
        )

    def text(self, value: str) -> str:
        """`value` with every secret in it replaced by REDACTED."""
        return self._redact(value, quoted=False)

    def line(self, value: str, *, unparsed: bool = False) -> str:
        """An evidence line, quoted from a paste: also, a line that starts with a secret's
        key but did not parse as `key: value` shows only its key. A line that did not
        parse (`unparsed`) also hides the value of a bare `value:` key, which an exec
        env entry's secret sits under."""
        if unparsed:
            value = _ENV_VALUE.sub(rf"\g<head>{REDACTED}", value)
        return self._redact(value, quoted=True)

    def _redact(self, value: str, *, quoted: bool) -> str:
        for secret in self._long:
            if secret in value:
                value = value.replace(secret, REDACTED)
        if self._short is not None:
            value = self._short.sub(REDACTED, value)
        value = "\n".join(_line(line, quoted) for line in value.split("\n"))
        value = _SHAPES.sub(REDACTED, value)
        return _RUN.sub(_blob, value)


_AUTH_URL = re.compile(r'"AuthURL"\s*:\s*"([^"]+)"|Log in at:\s*(\S+)')


def secrets_in_status(text: str) -> set[str]:
    """The login link in a status paste: it signs a device in for whoever has it."""
    return {m.group(1) or m.group(2) for m in _AUTH_URL.finditer(text)}
