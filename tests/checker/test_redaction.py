"""The redactor: secrets never reach a report, whatever shape they come in."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from checker import Report
from checker.redact import Redactor, secrets_in_status

Run = Callable[..., Report]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("    token: abcdef123456", "    token: REDACTED"),
        ("    token: unused", "    token: unused"),
        (
            "    client-key-data: LS0tLS1CRUdJTiBFQyBQUklWQVRFIEtFWS0tLS0t",
            "    client-key-data: REDACTED",
        ),
        ("- password: hunter22", "- password: REDACTED"),
        ('  "AuthURL": "https://login.tailscale.com/a/1a2b3c",', '  "AuthURL": "REDACTED",'),
        ('  "AuthURL": "",', '  "AuthURL": "",'),
        ('  "token": "abc.def.ghi"', '  "token": "REDACTED"'),
        ("        refresh-token: r3fr3sh", "        refresh-token: REDACTED"),
        ("    server: https://100.101.7.20:6443", "    server: https://100.101.7.20:6443"),
        ('  "BackendState": "Running",', '  "BackendState": "Running",'),
    ],
)
def test_lines(line: str, expected: str) -> None:
    assert Redactor(()).line(line) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Log in at: https://login.tailscale.com/a/8f3e2a91c0b7d4",
        "Authorization: Bearer 0123456789abcdef",
        "header eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl trailer",
        "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIK\n-----END EC PRIVATE KEY-----",
        "blob " + "TUlJQmtUQ0NBVGVn" * 4,
    ],
)
def test_secret_shapes(text: str) -> None:
    redacted = Redactor(()).text(text)
    assert "REDACTED" in redacted
    for secret in ("8f3e2a91c0b7d4", "0123456789abcdef", "c2lnbmF0dXJl", "MHcCAQEEIK", "TUlJQmtU"):
        assert secret not in redacted


def test_known_values_anywhere() -> None:
    redactor = Redactor({"s3cr3t-value", "abc"})
    assert (
        redactor.text("x s3cr3t-value y abc") == "x REDACTED y abc"
    )  # too short to replace blindly


def test_secrets_in_status() -> None:
    assert secrets_in_status('{"AuthURL": "https://login.tailscale.com/a/x1"}') == {
        "https://login.tailscale.com/a/x1"
    }
    assert secrets_in_status("Logged out.\nLog in at: https://l/a/y\n") == {"https://l/a/y"}
    assert secrets_in_status('{"AuthURL": ""}') == set()


def test_long_kubernetes_names_stay_readable() -> None:
    redactor = Redactor(())
    name = 'pods "tasking-manager-backend-7d9f8c6b5d-x2x4q-and-more" is forbidden'
    assert redactor.text(name) == name
    key = "nodekey:6b38732d636f6e74726f6c2d706c616e656b38732d636f6e74726f6c2d706c61"
    assert redactor.text(key) == key


def test_long_evidence_is_redacted_before_it_is_cut(run: Run) -> None:
    line = "x " + "A1b2" * 200  # a secret-looking run longer than the evidence limit
    report = run(
        kubectl_output=line + "\nerror: You must be logged in to the server (Unauthorized)"
    )
    assert "A1b2A1b2" not in json.dumps([f.evidence for f in report.findings]) + report.summary


def test_exec_env_secrets_are_collected() -> None:
    from checker.boxes import KUBECONFIG
    from checker.parse.kubeconfig import parse_kubeconfig
    from checker.text import open_box

    box, _ = open_box(
        KUBECONFIG,
        "users:\n- name: u\n  user:\n    exec:\n      command: aws\n      env:\n"
        "      - name: AWS_SECRET_ACCESS_KEY\n        value: wJalrXUtnFEMI/K7MDENG\n"
        "      - name: AWS_PROFILE\n        value: hot-prod-profile\ncontexts: []\n",
    )
    assert box is not None
    kc, _ = parse_kubeconfig(box)
    assert kc is not None
    assert "wJalrXUtnFEMI/K7MDENG" in kc.secrets and "hot-prod-profile" not in kc.secrets
