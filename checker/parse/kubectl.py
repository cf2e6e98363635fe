"""kubectl output: which failure (or success) each line shows.

kubectl prints klog lines from the discovery cache (`memcache.go:265] couldn't
get current server API group list: ...`) before its one summary line, and the
wording differs across versions and Go toolchains, so lines are matched by the
substrings that stay the same (see the reference on kubectl error texts).
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from checker.boxes import KUBECTL_OUTPUT
from checker.model import KubectlOutput, KubectlSignal, Problem, Whoami
from checker.parse import sniff
from checker.parse.common import json_too_deep
from checker.text import Box

_HOSTPORT = r"(\[[0-9A-Fa-f:.]+\]|[^\s:\"/\[\]]+):(\d+)"


@dataclass(frozen=True)
class _Pattern:
    kind: str
    regex: re.Pattern[str]
    make: Callable[[re.Match[str]], dict[str, str | None]] | None = None


def _host(m: re.Match[str], group: int = 1) -> dict[str, str | None]:
    host = m.group(group)
    return {"host": host.strip("[]"), "port": m.group(group + 1)}


def _forbidden(m: re.Match[str]) -> dict[str, str | None]:
    return {
        "user": m.group("user"),
        "verb": m.group("verb"),
        "resource": m.group("resource") or m.group("old_resource") or m.group("path"),
        "group": m.group("group"),
        "namespace": m.group("namespace"),
    }


_FORBIDDEN = re.compile(
    r'User "(?P<user>[^"]*)" cannot (?P<verb>[\w*-]+) '
    r'(?:resource "(?P<resource>[^"]*)" in API group "(?P<group>[^"]*)"'
    r'|path "(?P<path>[^"]*)"'
    r"|(?P<old_resource>[\w.*/-]+))"
    r'(?: in the namespace "(?P<namespace>[^"]*)"| at the cluster scope)?'
)

# Order matters: the first pattern that matches a line decides its kind.
_PATTERNS: tuple[_Pattern, ...] = (
    _Pattern(
        "tailscale-daemon",
        re.compile(r"failed to connect to local (?:tailscaled|Tailscale service)", re.I),
    ),
    _Pattern(
        "no-kubeconfig",
        re.compile(
            r"(?:localhost|127\.0\.0\.1|\[::1\]):8080\b.*refused"
            r"|no configuration has been provided"
        ),
    ),
    _Pattern("no-current-context", re.compile(r"current-context is not set")),
    _Pattern(
        "context-not-found",
        re.compile(
            r"context was not found for specified context: ?(?P<d>\S*)"
            r'|error: context "(?P<d2>[^"]*)" does not exist'
            r'|no context exists with the name: "(?P<d3>[^"]*)"'
        ),
        lambda m: {"detail": m.group("d") or m.group("d2") or m.group("d3") or ""},
    ),
    _Pattern(
        "context-incomplete",
        re.compile(
            r'(?:user|cluster) "[^"]*" was not found for context'
            r"|(?:user|cluster) was not specified for context"
            r'|(?:auth info|cluster) "[^"]*" does not exist'
        ),
    ),
    _Pattern(
        "no-server",
        re.compile(r"no server found for cluster|cluster has no server defined"),
    ),
    _Pattern("config-unreadable", re.compile(r"error loading config file")),
    # Files the kubeconfig names (or the kubeconfig itself) that kubectl cannot read.
    _Pattern(
        "file-missing",
        re.compile(
            r"unable to read (?P<what>client-cert|client-key|certificate-authority|token-file"
            r"|client certificate|client key)\s+(?P<file>\S+) for (?P<who>\S+) due to"
            r"|(?P<what2>Config) not found: (?P<file2>\S+)"
        ),
        lambda m: {
            "detail": f"{m.group('what') or 'kubeconfig'} {m.group('file') or m.group('file2')}"
        },
    ),
    _Pattern(
        "exec-missing",
        re.compile(r"exec: executable (?P<d>\S+) not found"),
        lambda m: {"detail": m.group("d")},
    ),
    _Pattern(
        "exec-api-version",
        re.compile(
            r'exec plugin: invalid apiVersion "?(?P<d>[^"\s]+)'
            r"|exec plugin is configured to use API version \S+, plugin returned version "
            r"(?P<d2>\S+)"
        ),
        lambda m: {"detail": m.group("d") or m.group("d2") or ""},
    ),
    _Pattern(
        "exec-failed",
        re.compile(
            r"exec: executable (?P<d>\S+) failed(?: with exit code \d+)?"
            r"|getting credentials: exec: (?P<d2>.*)"
            r"|exec plugin didn't return"
            # The plugins' own errors, printed before kubectl's line.
            r"|could not get token: (?P<aws>NoCredentialProviders)"
            r"|^\s*Error: failed to (?:authenticate|get token|acquire token)\b"
            r"|\bAADSTS\d{5,}|^\s*error: get-token: "
        ),
        lambda m: {
            "detail": m.group("d") or m.group("d2")
            or ("aws-iam-authenticator" if m.group("aws") else "")
        },
    ),
    _Pattern(
        "auth-provider-failed",
        re.compile(
            r"error executing access token command"
            r"|failed to refresh token: oauth2: cannot fetch token"
            r"|refresh token is (?:expired|invalid)"
        ),
    ),
    _Pattern(
        "tls-unknown-authority",
        re.compile(r"x509: certificate signed by unknown authority"),
    ),
    _Pattern(
        "tls-name-mismatch",
        re.compile(
            r"x509: certificate is valid for (?P<d>.+?), not (?P<h>\S+)"
            r"|x509: cannot validate certificate for (?P<h2>\S+)"
        ),
        lambda m: {"detail": m.group("d") or "", "host": m.group("h") or m.group("h2")},
    ),
    _Pattern("tls-expired", re.compile(r"x509: certificate has expired or is not yet valid")),
    # The server ended the TLS handshake with an alert: the operator's proxy does when it
    # has no certificate for the name it was asked for (or was asked for none: an IP).
    _Pattern(
        "tls-internal-error",
        re.compile(r'(?:Get "https://(?P<h>[^/:"]+)[^"]*": )?remote error: tls: internal error'),
        lambda m: {"host": m.group("h")},
    ),
    # The Tailscale operator's API server proxy (auth mode) impersonates the caller; its
    # own service account needs the right to, and a grant may demand a session recorder.
    _Pattern(
        "impersonate-forbidden",
        re.compile(
            r'User "(?P<user>system:serviceaccount:[^"]*)" cannot impersonate '
            r'resource "(?P<resource>[^"]*)"'
        ),
        lambda m: {"user": m.group("user"), "verb": "impersonate", "resource": m.group("resource")},
    ),
    _Pattern(
        "recorder-required",
        re.compile(r"must be recorded, but no recorders are available"),
    ),
    _Pattern(
        "forbidden-anonymous",
        re.compile(r'User "system:anonymous" cannot|forbidden: User "system:anonymous"'),
        lambda m: {"user": "system:anonymous"},
    ),
    _Pattern("forbidden", _FORBIDDEN, _forbidden),
    _Pattern("forbidden", re.compile(r"Error from server \(Forbidden\)")),
    _Pattern(
        "unauthorized",
        re.compile(
            r"You must be logged in to the server"
            r"|the server has asked for the client to provide credentials"
            r"|^error: Unauthorized\s*$"
        ),
    ),
    _Pattern(
        "refused",
        re.compile(r"The connection to the server " + _HOSTPORT + r" was refused"),
        _host,
    ),
    _Pattern(
        "refused",
        re.compile(
            r"dial tcp " + _HOSTPORT + r": (?:connect: connection refused|connectex: No "
            r"connection could be made because the target machine actively refused it)"
        ),
        _host,
    ),
    _Pattern(
        "reset",
        re.compile(
            r"wsarecv: An existing connection was forcibly closed|connection reset by peer"
            r"|Unable to connect to the server: (?:EOF|unexpected EOF)\s*$"
            r"|http2: client connection lost"
        ),
    ),
    _Pattern(
        "no-such-host",
        re.compile(r"lookup (?P<h>[^\s:]+)(?: on \S+)?: no such host"),
        lambda m: {"host": m.group("h")},
    ),
    _Pattern(
        "timeout",
        re.compile(
            r"dial tcp " + _HOSTPORT + r": (?:i/o timeout|connect: (?:no route to host|"
            r"network is unreachable|operation timed out|connection timed out)"
            r"|connectex: A connection attempt failed)"
        ),
        _host,
    ),
    _Pattern(
        "timeout",
        re.compile(r'(?:Get "https://(?P<h>[^/:"]+)[^"]*": )?net/http: TLS handshake timeout'),
        lambda m: {"host": m.group("h"), "detail": "tls-handshake"},
    ),
    _Pattern(
        "timeout",
        re.compile(
            r"i/o timeout|Client\.Timeout exceeded"
            r"|context deadline exceeded|no route to host|network is unreachable"
        ),
    ),
    _Pattern(
        "success",
        re.compile(
            r"^NAME\s+\S"
            r"|^No resources found"
            r"|^Server Version:"
            r"|Kubernetes control plane is running at"
            r"|^Kubernetes master is running at"
        ),
    ),
)


# A line that reads as an error, though no pattern above knows it.
_ERROR_LIKE = re.compile(
    r"^\s*(?:error:|Error from server|Unable to connect to the server"
    r"|E\d{4} \d\d:\d\d:\d\d\.\d+\s)|\b(?:failed|forbidden|denied|refused)\b",
    re.I,
)
_WHOAMI_HEADER = re.compile(r"^\s*ATTRIBUTE\s+VALUE\s*$")
_WHOAMI_ROW = re.compile(r"^\s*(Username|UID|Groups|Extra: \S+)\s+(.*?)\s*$")


def whoami(lines: tuple[str, ...]) -> Whoami | None:
    """`kubectl auth whoami` in the box: its table, or its `-o json` SelfSubjectReview."""
    for number, line in enumerate(lines, 1):
        if _WHOAMI_HEADER.match(line):
            return _whoami_table(lines, number)
    text = "\n".join(lines)
    at = text.find('"SelfSubjectReview"')
    if at < 0:
        return None
    start = text.rfind("{", 0, at)
    if start < 0 or json_too_deep(text, start):
        return None
    try:
        review, _ = json.JSONDecoder().raw_decode(text, start) if start >= 0 else (None, 0)
    except (ValueError, RecursionError):
        return None
    info = review.get("status", {}).get("userInfo", {}) if isinstance(review, dict) else {}
    if not isinstance(info, dict):
        return None
    groups = info.get("groups") or []
    first = text.count("\n", 0, start) + 1
    groups_at = text.find('"groups"', start)
    return Whoami(
        username=info["username"] if isinstance(info.get("username"), str) else None,
        groups=tuple(g for g in groups if isinstance(g, str)) if isinstance(groups, list) else (),
        line=first,
        groups_line=text.count("\n", 0, groups_at) + 1 if groups_at >= 0 else None,
    )


def _whoami_table(lines: tuple[str, ...], header: int) -> Whoami | None:
    username: str | None = None
    groups: tuple[str, ...] = ()
    line, groups_line = header, None
    for number in range(header + 1, len(lines) + 1):
        row = _WHOAMI_ROW.match(lines[number - 1])
        if row is None:
            break
        if row.group(1) == "Username":
            username, line = row.group(2), number
        elif row.group(1) == "Groups":
            # Go prints a slice as [a b c]; group names have no spaces.
            groups = tuple(row.group(2).strip("[]").split())
            groups_line = number
    return Whoami(username, groups, line, groups_line)


def recognise(lines: Iterable[str]) -> tuple[KubectlSignal, ...]:
    signals = []
    for number, line in enumerate(lines, 1):
        if len(line) > 10_000:
            line = line[:10_000]
        for pattern in _PATTERNS:
            m = pattern.regex.search(line)
            if m is None:
                continue
            extra = pattern.make(m) if pattern.make else {}
            signals.append(
                KubectlSignal(
                    kind=pattern.kind,
                    line=number,
                    host=extra.get("host"),
                    port=extra.get("port"),
                    detail=extra.get("detail") or "",
                    user=extra.get("user"),
                    verb=extra.get("verb"),
                    resource=extra.get("resource"),
                    group=extra.get("group"),
                    namespace=extra.get("namespace"),
                )
            )
            break
    return tuple(signals)


def parse_kubectl(box: Box) -> tuple[KubectlOutput | None, list[Problem]]:
    """The recognised lines of a kubectl paste, or an input problem."""
    if sniff.looks_like_status_json(box.text):
        return None, [
            Problem(
                "input-wrong-box",
                "Expected kubectl output, found `tailscale status --json` output: "
                "paste it in the `tailscale status --json` box.",
                KUBECTL_OUTPUT,
                1,
            )
        ]
    if sniff.looks_like_kubeconfig(box.text):
        return None, [
            Problem(
                "input-wrong-box",
                "Expected kubectl output, found a kubeconfig: paste it in the kubeconfig box.",
                KUBECTL_OUTPUT,
                1,
            )
        ]
    signals = recognise(box.lines) + _wrapped(box.lines)
    signals = tuple(sorted(signals, key=lambda s: s.line))
    me = whoami(box.lines)
    if me is not None:
        signals = (*signals, KubectlSignal(kind="whoami", line=me.line))
    failures = [s for s in signals if s.kind not in ("success", "whoami")]
    unplaced = None if failures else _unplaced_error(box.lines, {s.line for s in signals})
    if unplaced is not None:
        return KubectlOutput(signals, me), [
            Problem(
                "input-kubectl-error-unplaced",
                "Expected kubectl output the checker can place on a layer, found an error it "
                "does not know, so it cannot say which layer fails.",
                KUBECTL_OUTPUT,
                unplaced,
            )
        ]
    if not signals:
        first = next((i for i, line in enumerate(box.lines, 1) if line.strip()), 1)
        return KubectlOutput(), [
            Problem(
                "input-kubectl-unrecognised",
                "Expected the output of a kubectl command (an error or a table), found text "
                "the checker does not recognise, so the kubectl output was not used.",
                KUBECTL_OUTPUT,
                first,
            )
        ]
    return KubectlOutput(signals, me), []


def _wrapped(lines: tuple[str, ...]) -> tuple[KubectlSignal, ...]:
    """Errors that a narrow terminal or a forum wrapped onto the next line (Windows'
    long socket errors above all): a line that says nothing alone is read with the
    next one, when that one goes on with the same sentence."""
    alone = {s.line for s in recognise(lines)}
    found = []
    for number in range(1, len(lines)):
        line, after = lines[number - 1], lines[number]
        if number in alone or number + 1 in alone or not line.strip() or not after.strip():
            continue
        if not _ERROR_LIKE.search(line) or not re.match(r"\s*(?:[a-z:(]|\S+\s+[a-z])", after):
            continue
        joined = recognise([line.rstrip() + " " + after.strip()])
        found += [dataclasses.replace(s, line=number) for s in joined]
    return tuple(found)


def _unplaced_error(lines: tuple[str, ...], known: set[int]) -> int | None:
    """The line of the first error-looking line that no signal explains."""
    return next(
        (
            number
            for number, line in enumerate(lines, 1)
            if number not in known and _ERROR_LIKE.search(line[:10_000])
        ),
        None,
    )
