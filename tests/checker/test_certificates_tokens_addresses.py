"""X.509 from `*-data`, JWT claims, and Tailscale address classification."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
from checker_testkit import GOOD

from checker.parse.jwt import decode_jwt
from checker.parse.x509 import CertificateError, certificates_from_data, decode_base64
from checker.tailnet import (
    CHROMEOS,
    LOOPBACK,
    MAGICDNS,
    OTHER_NAME,
    PRIVATE,
    PUBLIC,
    SERVICE,
    SHORT_NAME,
    TAILNET_IP,
    parse_server,
    same_ip,
)


def corpus_value(key: str) -> str:
    for line in (GOOD / "kubeconfig.yaml").read_text().splitlines():
        if line.strip().startswith(key + ":"):
            return line.split(":", 1)[1].strip()
    raise AssertionError(key)


def test_client_certificate_identity_and_dates() -> None:
    (cert,) = certificates_from_data(corpus_value("client-certificate-data"))
    assert cert.common_name == "first.last" and cert.organisations == ("viewers",)
    assert cert.identity == "CN=first.last, O=viewers"
    assert cert.not_before == datetime(2026, 1, 1, tzinfo=UTC)
    assert cert.not_after == datetime(2099, 1, 1, tzinfo=UTC)


def test_der_instead_of_pem() -> None:
    pem = base64.b64decode(corpus_value("certificate-authority-data")).decode()
    body = "".join(line for line in pem.splitlines() if "-----" not in line)
    (cert,) = certificates_from_data(body)  # base64 of DER is the PEM body itself
    assert cert.common_name == "kubernetes"


def test_bundle_of_two() -> None:
    pem = base64.b64decode(corpus_value("certificate-authority-data"))
    assert len(certificates_from_data(base64.b64encode(pem + pem).decode())) == 2


def test_base64_with_line_breaks_is_fine() -> None:
    data = corpus_value("certificate-authority-data")
    wrapped = "\n".join(data[i : i + 64] for i in range(0, len(data), 64))
    assert certificates_from_data(wrapped)


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        ("not base64 at all!!", "not valid base64"),
        (base64.b64encode(b"just text").decode(), "neither PEM nor a DER certificate"),
        (base64.b64encode(b"\x30\x03\x02\x01\x01").decode(), "not a valid X.509 certificate"),
        (base64.b64encode(b"\x30" + b"\xff" * 40).decode(), "not a valid X.509 certificate"),
        (corpus_value("client-key-data"), "PEM private key"),
        (base64.b64encode(b"-----BEGIN CERTIFICATE-----\nAAAA\n").decode(), "PEM armour is broken"),
        (
            base64.b64encode(
                b"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"
            ).decode(),
            "not a valid X.509 certificate",
        ),
    ],
)
def test_not_a_certificate(data: str, reason: str) -> None:
    with pytest.raises(CertificateError, match=reason):
        certificates_from_data(data)


def test_urlsafe_base64_is_accepted() -> None:
    assert decode_base64("-_8=") == b"\xfb\xff"


def jwt(claims: object) -> str:
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"eyJhbGciOiJSUzI1NiJ9.{body}.c2ln"


def test_jwt_claims_read_without_verifying() -> None:
    claims = decode_jwt(jwt({"sub": "system:serviceaccount:ops:x", "exp": 1767225600, "iss": "k"}))
    assert claims is not None
    assert claims.subject == "system:serviceaccount:ops:x"
    assert claims.expires == datetime(2026, 1, 1, tzinfo=UTC)


@pytest.mark.parametrize(
    "token",
    ["unused", "abc.def", "a.b.c", "x..y", jwt([1, 2]), jwt("s"), "eyJ.%%%.x", ""],
)
def test_not_a_jwt(token: str) -> None:
    claims = decode_jwt(token)
    assert claims is None or (claims.subject is None and claims.expires is None)


def test_jwt_with_absurd_exp() -> None:
    claims = decode_jwt(jwt({"exp": 10**30, "nbf": True}))
    assert claims is not None and claims.expires is None and claims.not_before is None


@pytest.mark.parametrize(
    ("server", "kind"),
    [
        ("https://100.101.7.20:6443", TAILNET_IP),
        ("https://100.64.0.0", TAILNET_IP),
        ("https://100.127.255.255:443", TAILNET_IP),
        ("https://100.128.0.1", PUBLIC),
        ("https://100.63.255.255", PUBLIC),
        ("https://100.115.92.10:6443", CHROMEOS),
        ("https://100.115.93.255", CHROMEOS),
        ("https://100.115.94.1", TAILNET_IP),
        ("https://100.100.100.100", SERVICE),
        ("https://[fd7a:115c:a1e0::b01:714]:6443", TAILNET_IP),
        ("https://[fd7a:115c:a1e1::1]", PRIVATE),
        ("https://[::ffff:100.101.7.20]:6443", TAILNET_IP),
        ("https://k8s.tail4c21e8.ts.net", MAGICDNS),
        ("https://K8S.Tail4c21e8.TS.NET.", MAGICDNS),
        ("https://k8s-control-plane:6443", SHORT_NAME),
        ("https://localhost:6443", LOOPBACK),
        ("https://127.0.0.1:6443", LOOPBACK),
        ("https://[::1]:6443", LOOPBACK),
        ("https://192.168.1.50:6443", PRIVATE),
        ("https://10.0.0.12:6443", PRIVATE),
        ("https://172.20.0.1", PRIVATE),
        ("https://203.0.113.40:6443", PUBLIC),
        ("https://8.8.8.8", PUBLIC),
        ("https://api.example.org", OTHER_NAME),
        ("100.101.7.20:6443", TAILNET_IP),
    ],
)
def test_server_kinds(server: str, kind: str) -> None:
    assert parse_server(server).kind == kind


def test_invalid_servers() -> None:
    assert parse_server("https://").kind == "invalid"
    assert parse_server("https://[::1").kind == "invalid"
    assert parse_server("https://host:99999").kind == "invalid"


def test_same_ip() -> None:
    assert same_ip("::ffff:100.64.0.1", "100.64.0.1")
    assert same_ip("FD7A:115C:A1E0::1", "fd7a:115c:a1e0:0::1")
    assert not same_ip("100.64.0.1", "100.64.0.2")
    assert same_ip("name", "NAME")
