"""`tailscale status --json` output, or whatever was pasted instead of it.

Tolerates every shape the reference lists: clients before v1.18 (base64 keys),
before v1.20 (`TailAddr`, no `Online`), null lists and maps, warning lines
before the JSON, a BOM and CRLF. When the daemon is down the CLI prints an
error instead of JSON, and text mode prints one-line states; those become
`TextSignal`s that the layers read like a BackendState.
"""

from __future__ import annotations

import json
import re
from typing import Any

from checker.boxes import TAILSCALE_STATUS
from checker.model import Peer, Problem, Status, TextSignal
from checker.parse import kubectl, sniff
from checker.parse.common import LineIndex, json_span_end, parse_time
from checker.text import Box

_TEXT_SIGNALS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "not-installed",
        re.compile(
            r"tailscale: (?:command )?not found|command not found: tailscale"
            r"|'tailscale' is not recognized|The term 'tailscale' is not recognized"
            r"|tailscale: No such file or directory",
            re.I,
        ),
    ),
    (
        "daemon-unreachable",
        re.compile(
            r"failed to connect to local (?:tailscaled|Tailscale service|Tailscale daemon)"
            r"|tailscaled\.sock: connect: (?:no such file|connection refused)",
            re.I,
        ),
    ),
    ("in-use-other-user", re.compile(r"Tailscale already in use by|state: InUseOtherUser")),
    ("no-state", re.compile(r"unexpected state: NoState")),
    ("stopped", re.compile(r"^\s*Tailscale is stopped\.?\s*$")),
    ("needs-approval", re.compile(r"Machine is not yet approved by tailnet admin")),
    ("locked-out", re.compile(r"this node is locked out")),
    ("login-link", re.compile(r"^\s*Log in at:")),
    ("logged-out", re.compile(r"^\s*(?:Logged out\.|Not logged in\.|You are logged out)")),
    ("starting", re.compile(r"Tailscale is starting")),
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


def _json_start(box: Box) -> int | None:
    offset = 0
    for line in box.lines:
        if line.lstrip().startswith("{"):
            return offset + (len(line) - len(line.lstrip()))
        offset += len(line) + 1
    return None


def _problem(id: str, message: str, line: int | None = None) -> list[Problem]:
    return [Problem(id, message, TAILSCALE_STATUS, line)]


def _parse_text(box: Box) -> tuple[Status | None, list[Problem]]:
    signals: list[TextSignal] = []
    for number, line in enumerate(box.lines, 1):
        for kind, regex in _TEXT_SIGNALS:
            if regex.search(line):
                signals.append(
                    TextSignal(kind, number, _os_hint(line) if kind == "daemon-unreachable" else "")
                )
                break
    kinds = {s.kind for s in signals}
    if kinds - {"table"}:
        return Status(
            form="text",
            auth_url_waiting="login-link" in kinds,
            signals=tuple(s for s in signals if s.kind != "table"),
        ), []
    if "table" in kinds:
        return None, _problem(
            "input-status-plain-text",
            "Expected `tailscale status --json` output, found the plain `tailscale status` "
            "table: run it again with --json and paste that.",
            signals[0].line,
        )
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
    try:
        data, _ = json.JSONDecoder().raw_decode(text, start)
    except json.JSONDecodeError as error:
        rest = text[error.pos :].strip()
        last = len([line for line in box.lines if line.strip()]) and max(
            i for i, line in enumerate(box.lines, 1) if line.strip()
        )
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
    return _status(data, index, start), []


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
        health=tuple((h, _string_line(index, h)) for h in _str_list(data.get("Health"))),
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


def _string_line(index: LineIndex, value: str) -> int | None:
    encoded = json.dumps(value)[:60]
    at = index.text.find(encoded)
    return index.line_of(at) if at >= 0 else None


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
