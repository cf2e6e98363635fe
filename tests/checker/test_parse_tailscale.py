"""The tailscale status parser: JSON shapes across versions, and the texts pasted instead."""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable

import pytest
from checker_testkit import GOOD
from support import REPO

from checker.boxes import TAILSCALE_STATUS
from checker.model import Status
from checker.parse.tailscale import parse_status
from checker.text import open_box

SAMPLES = REPO / "tests" / "samples"


def parse(text: str) -> tuple[Status | None, list[str]]:
    box, problem = open_box(TAILSCALE_STATUS, text)
    assert box is not None and problem is None
    status, problems = parse_status(box)
    return status, [p.id for p in problems]


def test_current_json_with_line_numbers() -> None:
    status, problems = parse((GOOD / "tailscale-status.json").read_text())
    assert problems == [] and status is not None
    assert status.form == "json"
    assert status.backend_state == "Running"
    assert status.backend_state_line == 4
    assert status.tailnet == "user@hotosm"
    assert status.tailnet_line == 43
    assert status.magic_dns_suffix == "tail4c21e8.ts.net"
    assert status.self_host_name == "first-last-laptop"
    assert status.login_name == "first.last@github"
    (peer,) = status.peers
    assert peer.dns_name == "k8s-control-plane.tail4c21e8.ts.net"
    assert peer.ips == ("100.101.7.20", "fd7a:115c:a1e0::b01:714")
    assert peer.online is True
    assert peer.line == 51
    assert peer.online_line == 71


def test_real_v184_sample_with_expired_offline_peers() -> None:
    text = (SAMPLES / "02-v1.84.0-running-personal-tailnet-expired-offline-peers.json").read_text()
    status, problems = parse(text)
    assert problems == [] and status is not None
    assert status.tailnet == "karthik.devarajiit@gmail.com"
    assert [p.online for p in status.peers] == [False, False]
    assert all(p.expired for p in status.peers)
    assert status.peers[0].expiry_line is not None


def test_nulls_everywhere_are_tolerated() -> None:
    text = json.dumps(
        {
            "BackendState": "NeedsLogin",
            "TailscaleIPs": None,
            "Self": None,
            "Health": None,
            "CurrentTailnet": None,
            "Peer": None,
            "User": None,
            "ExtraRecords": None,
        }
    )
    status, problems = parse(text)
    assert problems == [] and status is not None
    assert status.peers == () and status.tailnet is None and status.health == ()


def test_wrong_types_do_not_crash() -> None:
    assert parse(json.dumps({"BackendState": 7})) == (None, ["input-status-unusable"])
    text = json.dumps(
        {
            "BackendState": "Running",
            "Self": [],
            "Peer": {"k": "not a peer", "j": {"Online": "yes"}},
            "Health": [1, "x"],
            "TailscaleIPs": "100.1.1.1",
        }
    )
    status, problems = parse(text)
    assert problems == [] and status is not None
    assert status.self_known is False and status.health == (("x", 1),)
    assert status.peers[0].online is None


def test_old_client_base64_keys_and_tailaddr() -> None:
    key = "L+V9o0fNYkMVKSYIvM/2ZDsMOYLEknJcsdZ5x0xQEJg="
    text = json.dumps(
        {
            "BackendState": "Running",
            "Self": {"PublicKey": "abc=", "HostName": "laptop", "TailAddr": "100.88.12.34"},
            "Peer": {key: {"PublicKey": key, "HostName": "cp", "TailAddr": "100.101.7.20"}},
        }
    )
    status, _ = parse(text)
    assert status is not None
    assert status.self_ips == ("100.88.12.34",)
    assert status.peers[0].ips == ("100.101.7.20",)
    assert status.peers[0].online is None  # before v1.20: unknown, not offline


def test_warning_lines_before_json_keep_real_line_numbers() -> None:
    body = (GOOD / "tailscale-status.json").read_text()
    status, problems = parse(
        'Warning: client version "1.2" != tailscaled server version "1.4"\n' + body
    )
    assert problems == [] and status is not None
    assert status.backend_state_line == 5


def test_bom_and_crlf() -> None:
    body = (GOOD / "tailscale-status.json").read_text().replace("\n", "\r\n")
    status, problems = parse("\ufeff" + body)
    assert problems == [] and status is not None
    assert status.backend_state_line == 4


def test_magic_dns_suffix_from_self_when_tailnet_is_missing() -> None:
    status, _ = parse(
        json.dumps({"BackendState": "Running", "Self": {"DNSName": "a.tail1.ts.net."}})
    )
    assert status is not None and status.magic_dns_suffix == "tail1.ts.net"


@pytest.mark.parametrize(
    ("text", "kind", "detail"),
    [
        (
            "failed to connect to local tailscaled; it doesn't appear to be running "
            "(sudo systemctl start tailscaled ?)",
            "daemon-unreachable",
            "linux",
        ),
        (
            "failed to connect to local Tailscale service; is Tailscale running?",
            "daemon-unreachable",
            "macos",
        ),
        (
            "failed to connect to local tailscaled process; is the Tailscale service running?",
            "daemon-unreachable",
            "windows",
        ),
        ("Tailscale is stopped.", "stopped", ""),
        ("Logged out.", "logged-out", ""),
        ("Not logged in.", "logged-out", ""),
        ("Machine is not yet approved by tailnet admin.", "needs-approval", ""),
        ("unexpected state: NoState", "no-state", ""),
        ("Tailscale already in use by alice, pid 1234", "in-use-other-user", ""),
        ("bash: tailscale: command not found", "not-installed", ""),
        ("The term 'tailscale' is not recognized as the name of a cmdlet", "not-installed", ""),
    ],
)
def test_text_messages(text: str, kind: str, detail: str) -> None:
    status, problems = parse(text + "\n")
    assert problems == [] and status is not None and status.form == "text"
    signal = status.signal(kind)
    assert signal is not None and signal.line == 1 and signal.detail == detail


def test_login_link_is_noted_not_kept() -> None:
    status, _ = parse("Logged out.\nLog in at: https://login.tailscale.com/a/123abc\n")
    assert status is not None and status.auth_url_waiting
    assert "login.tailscale.com" not in repr(status)


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("apiVersion: v1\nkind: Config\nclusters: []\n", "input-wrong-box"),
        ('{"apiVersion": "v1", "clusters": [], "users": []}', "input-wrong-box"),
        ("error: You must be logged in to the server (Unauthorized)\n", "input-wrong-box"),
        ('{"BackendState": "Runn', "input-status-truncated"),
        ('{"BackendState": "Running",, "x": 1}', "input-status-invalid-json"),
        ('{"BackendState": null, "Self": null, "Peer": null}', "input-status-unusable"),
        ('{"Self": {"HostName": "laptop"}, "Peer": {}}', "input-status-unusable"),
        ('{"hello": "world"}', "input-status-unrecognised"),
        ("just some words\n", "input-status-unrecognised"),
        ("[" * 100_000 + "]" * 100_000, "input-status-unrecognised"),
        ("{" + '"a":{' * 50_000 + "}" * 50_001, "input-too-complex"),
    ],
)
def test_unusable_texts(text: str, problem: str) -> None:
    status, problems = parse(text)
    assert status is None and problems == [problem]


@pytest.mark.parametrize(
    ("text", "read"),
    [
        ('{"BackendState": "Running", "Self": {', {"backend_state": "Running"}),
        (
            '{"BackendState": "NeedsLogin", "AuthURL": "https://login.tailscale.com/a/1", "Sel',
            {"backend_state": "NeedsLogin", "auth_url_waiting": True},
        ),
        (
            '{\n  "BackendState": "Running",\n  ...\n  "Self": {"HostName": "lap"},\n}',
            {"backend_state": "Running", "self_host_name": "lap"},
        ),
    ],
)
def test_a_trimmed_or_cut_status_is_read_as_far_as_it_goes(
    text: str, read: dict[str, object]
) -> None:
    status, problems = parse(text)
    assert status is not None and problems == ["input-status-incomplete"]
    assert {key: getattr(status, key) for key in read} == read
    assert status.peers_known is False  # what was lost may hold the control plane


def test_the_plain_table_shows_only_that_tailscale_runs() -> None:
    status, problems = parse("100.88.12.34  laptop  first.last@  macOS  -\n")
    assert status is not None and status.form == "text"
    assert [s.kind for s in status.signals] == ["daemon-ok"]
    assert problems == ["input-status-plain-text"]


def test_truncated_json_names_the_last_line() -> None:
    lines = (GOOD / "tailscale-status.json").read_text().splitlines()[:30]
    box, _ = open_box(TAILSCALE_STATUS, "\n".join(lines))
    assert box is not None
    _, problems = parse_status(box)
    assert problems[0].id == "input-status-incomplete" and problems[0].line == 30
    assert "cut off after line 30" in problems[0].message


def test_peer_lines_with_many_peers(status_with: Callable[..., str]) -> None:
    peers = {
        f"nodekey:{i:064x}": {
            "HostName": f"h{i}",
            "DNSName": f"h{i}.t.ts.net.",
            "TailscaleIPs": [f"100.64.0.{i}"],
            "Online": i % 2 == 0,
        }
        for i in range(1, 40)
    }
    status, _ = parse(status_with(Peer=peers))
    assert status is not None
    lines = [p.line for p in status.peers]
    assert lines == sorted(lines) and None not in lines
    online_lines = [p.online_line for p in status.peers]
    assert all(
        a is not None and b is not None and a < b for a, b in itertools.pairwise(online_lines)
    )
