"""The redactor: secrets never reach a report, whatever shape they come in."""

from __future__ import annotations

import pytest

from checker.redact import Redactor, secrets_in_status


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
        "blob " + "QUJD" * 20,
    ],
)
def test_secret_shapes(text: str) -> None:
    redacted = Redactor(()).text(text)
    assert "REDACTED" in redacted
    for secret in ("8f3e2a91c0b7d4", "0123456789abcdef", "c2lnbmF0dXJl", "MHcCAQEEIK", "QUJDQUJD"):
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
