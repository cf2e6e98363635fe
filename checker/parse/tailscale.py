"""`tailscale status --json` output, or whatever was pasted instead of it.

Tolerates every shape the reference lists: clients before v1.18 (base64 keys),
before v1.20 (`TailAddr`, no `Online`), null lists and maps, warning lines
before the JSON, a BOM and CRLF. When the daemon is down the CLI prints an
error instead of JSON, and text mode prints one-line states; those become
`TextSignal`s that the layers read like a BackendState.
"""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from checker.boxes import TAILSCALE_STATUS
from checker.model import Peer, Problem, Status, TextSignal
from checker.parse import kubectl, sniff
from checker.parse.common import (
    MAX_JSON_DEPTH,
    LineIndex,
    json_span_end,
    json_too_deep,
    parse_time,
)
from checker.text import Box

_TEXT_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "not-installed",
        re.compile(
            r"tailscale: (?:command )?not found|command not found: tailscale"
            r"|(?:The term )?'tailscale(?:\.exe)?' is not recognized"
            r"|tailscale: No such file or directory",
            re.I,
        ),
    ),
    (
        "daemon-unreachable",
        re.compile(
            r"failed to connect to local (?:tailscaled|Tailscale service|Tailscale daemon)"
            # The macOS app's CLI when the app (its network extension) does not run.
            r"|The Tailscale (?:CLI|GUI) failed to start"
            r"|tailscaled\.sock: connect: (?:no such file|connection refused)",
            re.I,
        ),
    ),
    ("in-use-other-user", re.compile(r"Tailscale already in use by|state: InUseOtherUser")),
    # The LocalAPI refuses a user who is neither root nor the configured operator.
    ("access-denied", re.compile(r"^\s*Access denied: ")),
    # `tailscale up` with an auth key the control server does not take.
    ("auth-key-invalid", re.compile(r"backend error: invalid key: ")),
    # Health lines (`#     - ...`, `# - ...` in text mode) that name why it stopped.
    (
        "logged-out",
        re.compile(r"^\s*#\s*-\s*(?:You are logged out|not logged in)", re.I),
    ),
    # `tailscale configure kubeconfig` that finds no device to point kubectl at.
    (
        "proxy-unreachable",
        re.compile(
            r"is in MagicDNS, but is not currently reachable on any known peer"
            r'|no peer found (?:with hostname )?"'
        ),
    ),
    ("no-state", re.compile(r"unexpected state: NoState")),
    ("stopped", re.compile(r"^\s*Tailscale is stopped\.?\s*$")),
    (
        "needs-approval",
        re.compile(
            r"Machine is not yet approved by tailnet admin"
            r"|To approve your machine, visit \(as admin\)"
        ),
    ),
    (
        "locked-out",
        re.compile(r"this node is locked out|IS NOT trusted by (?:network|tailnet)-lock"),
    ),
    ("login-link", re.compile(r"^\s*(?:Log in at:|To authenticate, visit:)")),
    ("logged-out", re.compile(r"^\s*(?:Logged out\.|Not logged in\.|You are logged out)")),
    ("starting", re.compile(r"Tailscale is starting")),
    # Output that only a running daemon gives: it answered.
    ("daemon-ok", re.compile(r"^\s*pong from \S+|^\s*Tailnet lock is (?:NOT )?enabled")),
    (
        "table",
        re.compile(r"^\s*(?:100\.\d{1,3}\.\d{1,3}\.\d{1,3}|fd7a:115c:a1e0:[0-9a-f:]*)\s+\S+\s+\S+"),
    ),
)


def parse_status(box: Box) -> tuple[Status | None, list[Problem]]:
    """The status, or the input problems that make this box unusable."""
    start = _json_start(box)
    if start is not None:
        return _parse_json(box, start)
    return _parse_text(box)


# A status object inside other output: a script's error line that quotes it.
_EMBEDDED = re.compile(r'\{\s*"(?:Version|BackendState|TUN|Self|AuthURL|TailscaleIPs)"\s*:')


def _json_start(box: Box) -> int | None:
    """Where the status JSON starts: the first line that opens an object, or a status
    object quoted inside another line."""
    offset = 0
    for line in box.lines:
        if line.lstrip().startswith("{"):
            return offset + (len(line) - len(line.lstrip()))
        offset += len(line) + 1
    embedded = _EMBEDDED.search(box.text)
    return embedded.start() if embedded else None


def _problem(id: str, message: str, line: int | None = None) -> list[Problem]:
    return [Problem(id, message, TAILSCALE_STATUS, line)]


_SUCCESS = frozenset({"table", "daemon-ok"})


def _parse_text(box: Box) -> tuple[Status | None, list[Problem]]:
    """Tailscale's messages: each command's output in a transcript, the last one first.

    When the last command that said anything says Tailscale answers (a peer table, a
    pong), the earlier failures were set right; otherwise every failure counts, so a
    health line above an older `unexpected state: NoState` still names the cause.
    """
    segments = [_signals(box, lines) for lines in box.segments()]
    said = [found for found in segments if found]
    last = said[-1] if said else []
    if last and {s.kind for s in last} <= _SUCCESS:
        signals = last
    else:
        signals = [s for found in said for s in found]
    kinds = {s.kind for s in signals}
    problems: list[Problem] = []
    if len(said) > 1 and signals is last:
        problems = _problem(
            "input-repaired",
            f"Expected one command's output, found several: the checker read the last one "
            f"(from line {last[0].line}), which shows Tailscale answering, and set aside the "
            "errors before it.",
            last[0].line,
        )
    if kinds - {"table"}:
        return Status(
            form="text",
            auth_url_waiting="login-link" in kinds,
            signals=tuple(s if s.kind != "table" else TextSignal("daemon-ok", s.line)
                          for s in signals if s.kind != "table" or kinds <= _SUCCESS),
        ), problems  # fmt: skip
    if "table" in kinds:
        return Status(form="text", signals=(TextSignal("daemon-ok", signals[0].line),)), [
            *problems,
            Problem(
                "input-status-plain-text",
                "Expected `tailscale status --json` output, found the plain `tailscale status` "
                "table: it shows that Tailscale runs, but not the tailnet or the device's "
                "approval. Run it again with --json and paste that to check those too.",
                TAILSCALE_STATUS,
                signals[0].line,
                "warning",
            ),
        ]
    if sniff.looks_like_kubeconfig(box.text):
        return None, _problem(
            "input-wrong-box",
            "Expected `tailscale status --json` output, found a kubeconfig: "
            "this looks like a kubeconfig; paste it in the kubeconfig box.",
            1,
        )
    found = kubectl.recognise(box.lines)
    if found:
        return None, _problem(
            "input-wrong-box",
            "Expected `tailscale status --json` output, found kubectl output: "
            "paste it in the kubectl output box.",
            found[0].line,
        )
    first = next((i for i, line in enumerate(box.lines, 1) if line.strip()), 1)
    return None, _problem(
        "input-status-unrecognised",
        "Expected the output of `tailscale status --json` (JSON starting with `{`), "
        "found text that is neither JSON nor a known Tailscale message.",
        first,
    )


def _signals(box: Box, lines: range) -> list[TextSignal]:
    found = []
    for number in lines:
        line = box.lines[number - 1]
        for kind, regex in _TEXT_SIGNALS:
            if regex.search(line):
                detail = _os_hint(line) if kind == "daemon-unreachable" else ""
                if kind in ("logged-out", "auth-key-invalid") and "invalid key:" in line:
                    detail = line.split("invalid key:", 1)[1].strip()
                found.append(TextSignal(kind, number, detail))
                break
    return found


def _os_hint(line: str) -> str:
    if "systemctl" in line or "tailscaled.sock" in line:
        return "linux"
    if "Tailscale service; is Tailscale running" in line:
        return "macos"
    if "is the Tailscale service running" in line:
        return "windows"
    return ""


def _parse_json(box: Box, start: int) -> tuple[Status | None, list[Problem]]:
    text = box.text
    index = LineIndex(text)
    if json_too_deep(text, start):
        return None, _problem(
            "input-too-complex",
            "Expected `tailscale status --json` output, found JSON nested more than "
            f"{MAX_JSON_DEPTH} levels deep: no status is.",
            index.line_of(start),
        )
    repaired: list[Problem] = []
    try:
        data, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as error:
        mended = _mend(box, start)
        if mended is None:
            return _unreadable(box, text, error)
        data, repaired = mended
    except RecursionError:
        return None, _problem(
            "input-too-complex",
            "Expected `tailscale status --json` output, found JSON nested too deeply "
            "to be a status.",
        )
    if not isinstance(data, dict) or ("BackendState" not in data and "Self" not in data):
        if isinstance(data, dict) and sniff.looks_like_kubeconfig(text):
            return None, _problem(
                "input-wrong-box",
                "Expected `tailscale status --json` output, found a kubeconfig in JSON: "
                "this looks like a kubeconfig; paste it in the kubeconfig box.",
                index.line_of(start),
            )
        return None, _problem(
            "input-status-unrecognised",
            "Expected `tailscale status --json` output (an object with BackendState), "
            "found other JSON.",
            index.line_of(start),
        )
    if not _str(data.get("BackendState")):
        return None, _problem(
            "input-status-unusable",
            "Expected `tailscale status --json` output with a BackendState, found "
            f"{'null' if 'BackendState' in data else 'none'}: this status says nothing any "
            "layer could be checked by.",
            index.key_line("BackendState", start) or index.line_of(start),
        )
    status = _status(data, index, start)
    if repaired:
        status = dataclasses.replace(status, peers_known=False)
    return status, repaired


def _unreadable(box: Box, text: str, error: json.JSONDecodeError) -> tuple[None, list[Problem]]:
    rest = text[error.pos :].strip()
    last = max((i for i, line in enumerate(box.lines, 1) if line.strip()), default=0)
    if not rest or error.msg.startswith("Unterminated string"):
        return None, _problem(
            "input-status-truncated",
            f"Expected complete JSON, found JSON that stops at line {last}: the paste "
            "looks cut off. Copy the whole output of `tailscale status --json`.",
            last or None,
        )
    return None, _problem(
        "input-status-invalid-json",
        f"Expected valid JSON, found a JSON error at line {error.lineno} column "
        f"{error.colno}: {error.msg}.",
        error.lineno,
    )


# Lines people put in place of the part of a status they left out.
_ELISION = re.compile(
    r"^\s*(?:\.{2,}|\u2026|\[\.\.\.\]|//.*|#.*|<[^>]*(?:snip|cut|omitted)[^>]*>)\s*,?\s*$",
    re.I,
)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _mend(box: Box, start: int) -> tuple[dict[str, Any], list[Problem]] | None:
    """A status that people trimmed (`....` in place of lines) or that was cut off,
    read as far as it goes. The parts left out are said, with their lines; None when
    even that does not read as a status object."""
    lines = list(box.lines)
    elided = [n for n, line in enumerate(lines, 1) if n > 1 and _ELISION.match(line)]
    for n in elided:
        lines[n - 1] = ""
    text = "\n".join(lines)
    text = _TRAILING_COMMA.sub(r"\1", text)
    data: Any = None
    cut_at: int | None = None
    try:
        data, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as error:
        closed = _close(text, start)
        if closed is None:
            return None
        try:
            data, _ = json.JSONDecoder().raw_decode(closed, start)
        except json.JSONDecodeError:
            return None
        cut_at = error.lineno
    if not isinstance(data, dict):
        return None
    lost = []
    if elided:
        lost.append(f"{_count(elided, 'line')} left out ({_at(elided)})")
    if cut_at is not None:
        cut_at = max((i for i, line in enumerate(box.lines, 1) if line.strip()), default=cut_at)
        lost.append(f"the rest cut off after line {cut_at}")
    problem = Problem(
        "input-status-incomplete",
        f"Expected the whole output of `tailscale status --json`, found it with "
        f"{' and '.join(lost)}: the checker read what is there, and did not look for "
        "the control plane among the peers.",
        TAILSCALE_STATUS,
        elided[0] if elided else cut_at,
    )
    return data, [problem]


def _close(text: str, start: int) -> str | None:
    """JSON cut off in the middle, closed after its last complete value."""
    stack: list[str] = []
    last_good = None  # offset after the last complete value, with the stack then
    for m in re.finditer(r'"(?:[^"\\]|\\.)*"|[{}\[\],]', text[start:]):
        token = m.group()
        at = start + m.end()
        if token in "{[":
            stack.append("}" if token == "{" else "]")
        elif token in "}]":
            if not stack:
                return None
            stack.pop()
            last_good = (at, list(stack))
        elif token == ",":
            last_good = (start + m.start(), list(stack))
    if last_good is None or not last_good[1]:
        return None
    at, open_brackets = last_good
    return text[:at] + "".join(reversed(open_brackets))


def _count(numbers: list[int], noun: str) -> str:
    return f"{len(numbers)} {noun}{'' if len(numbers) == 1 else 's'}"


def _at(numbers: list[int]) -> str:
    return f"line {numbers[0]}" if len(numbers) == 1 else f"lines {numbers[0]} to {numbers[-1]}"


def _status(data: dict[str, Any], index: LineIndex, start: int) -> Status:
    self_data = _dict(data.get("Self"))
    self_at = index.key_offset("Self", start)
    self_end = json_span_end(index.text, self_at) if self_at is not None else None
    tailnet_data = _dict(data.get("CurrentTailnet"))
    tailnet_at = index.key_offset("CurrentTailnet", start)
    suffix = _str(tailnet_data.get("MagicDNSSuffix")) or _str(data.get("MagicDNSSuffix"))
    self_dns = _dns(self_data.get("DNSName"))
    if not suffix and "." in self_dns:
        suffix = self_dns.split(".", 1)[1]
    users = _dict(data.get("User"))
    login = _dict(users.get(str(self_data.get("UserID")))).get("LoginName")
    peers = _peers(_dict(data.get("Peer")), index, start)
    exit_status = _dict(data.get("ExitNodeStatus"))
    exit_peer = next(
        (v for v in _dict(data.get("Peer")).values() if _dict(v).get("ExitNode") is True), None
    )
    exit_at = index.key_offset("ExitNodeStatus", start)
    return Status(
        form="json",
        backend_state=_str(data.get("BackendState")) or None,
        backend_state_line=index.key_line("BackendState", start),
        auth_url_waiting=bool(_str(data.get("AuthURL"))),
        tailnet=_str(tailnet_data.get("Name")) or None,
        tailnet_line=(
            index.key_line("Name", tailnet_at) if tailnet_at is not None and tailnet_data else None
        ),
        magic_dns_suffix=suffix.lower().strip(".") or None,
        in_network_map=(
            self_data["InNetworkMap"] if isinstance(self_data.get("InNetworkMap"), bool) else None
        ),
        self_known=bool(self_data),
        self_host_name=_str(self_data.get("HostName")),
        self_dns_name=self_dns,
        self_ips=_ips(self_data) or _str_list(data.get("TailscaleIPs")),
        self_expired=self_data.get("Expired") is True,
        self_expired_line=(
            index.key_line("Expired", self_at, self_end) if self_at is not None else None
        ),
        self_key_expiry=parse_time(self_data.get("KeyExpiry")),
        self_key_expiry_line=(
            index.key_line("KeyExpiry", self_at, self_end) if self_at is not None else None
        ),
        health=_health(data, index, start),
        peers=peers,
        peers_known=isinstance(data.get("Peer"), dict) or data.get("Peer") is None,
        extra_names=tuple(
            _dns(r.get("Name")) for r in _list(data.get("ExtraRecords")) if isinstance(r, dict)
        ),
        version=_str(data.get("Version")) or None,
        login_name=_str(login) or None,
        cert_domains=(
            _str_list(data.get("CertDomains")) if "CertDomains" in data else None
        ),
        cert_domains_line=index.key_line("CertDomains", start),
        tun=data["TUN"] if isinstance(data.get("TUN"), bool) else None,
        tun_line=index.key_line("TUN", start),
        magic_dns_enabled=(
            tailnet_data["MagicDNSEnabled"]
            if isinstance(tailnet_data.get("MagicDNSEnabled"), bool)
            else None
        ),
        magic_dns_line=(
            index.key_line("MagicDNSEnabled", tailnet_at) if tailnet_at is not None else None
        ),
        self_tags=_str_list(self_data.get("Tags")),
        exit_node=(_peer_label(exit_peer) if exit_peer else None) or (
            "the exit node" if exit_status else None
        ),
        exit_node_online=(
            exit_status["Online"] if isinstance(exit_status.get("Online"), bool) else None
        ),
        exit_node_line=(
            index.key_line("Online", exit_at, json_span_end(index.text, exit_at))
            if exit_at is not None
            else None
        ),
    )


def _peer_label(peer: dict[str, Any]) -> str:
    dns = _dns(peer.get("DNSName"))
    return dns.split(".")[0] if dns else _str(peer.get("HostName"))


def _peers(peers: dict[str, Any], index: LineIndex, start: int) -> tuple[Peer, ...]:
    found = []
    cursor = index.key_offset("Peer", start)
    offsets: list[int | None] = []
    for key in peers:
        at = index.key_offset(key, cursor) if cursor is not None else None
        offsets.append(at)
        if at is not None:
            cursor = at + 1
    for i, (key, value) in enumerate(peers.items()):
        if not isinstance(value, dict):
            continue
        at = offsets[i]
        end = next((o for o in offsets[i + 1 :] if o is not None), None)
        online = value.get("Online")
        found.append(
            Peer(
                key=key,
                host_name=_str(value.get("HostName")),
                dns_name=_dns(value.get("DNSName")),
                ips=_ips(value),
                online=online if isinstance(online, bool) else None,
                expired=value.get("Expired") is True,
                key_expiry=parse_time(value.get("KeyExpiry")),
                line=index.line_of(at) if at is not None else None,
                online_line=index.key_line("Online", at, end) if at is not None else None,
                expiry_line=(
                    index.key_line("Expired", at, end) or index.key_line("KeyExpiry", at, end)
                    if at is not None
                    else None
                ),
                tags=_str_list(value.get("Tags")),
            )
        )
    return tuple(found)


_JSON_STRING = re.compile(r'"(?:[^"\\]|\\.)*"')


Health = tuple[tuple[str, int | None], ...]


def _health(data: dict[str, Any], index: LineIndex, start: int) -> Health:
    """The health messages with their lines, found in one pass over the Health array."""
    messages = _str_list(data.get("Health"))
    at = index.key_offset("Health", start)
    open_at = index.text.find("[", at) if at is not None else -1
    if not messages or open_at < 0:
        return tuple((message, None) for message in messages)
    end = json_span_end(index.text, open_at)
    lines = [index.line_of(m.start()) for m in _JSON_STRING.finditer(index.text, open_at, end)]
    if len(lines) != len(messages):  # other values among the strings: no line to trust
        return tuple((message, None) for message in messages)
    return tuple(zip(messages, lines, strict=True))


def _ips(node: dict[str, Any]) -> tuple[str, ...]:
    ips = _str_list(node.get("TailscaleIPs"))
    legacy = _str(node.get("TailAddr"))  # removed in v1.20
    return ips if ips else ((legacy,) if legacy else ())


def _dns(value: object) -> str:
    return _str(value).strip().rstrip(".").lower()


def _str(value: object) -> str:
    return value if isinstance(value, str) else ""


def _dict(value: object) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: object) -> list[Any]:
    return value if isinstance(value, list) else []


def _str_list(value: object) -> tuple[str, ...]:
    return tuple(v for v in _list(value) if isinstance(v, str))
