"""Certificates from kubeconfig `*-data` fields: base64 of PEM (or of DER).

Only what a diagnosis needs is read: subject CN and O (the Kubernetes user and
groups of a client certificate) and the validity window. Signatures are never
verified; the API server does that.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, datetime

from checker.model import Certificate, CertificateData


class CertificateError(ValueError):
    """Why the data is not a certificate, in words for the report."""


_BASE64_JUNK = re.compile(r"\s+")


def decode_base64(data: str) -> bytes:
    """Strict base64 (whitespace allowed, as YAML folding may add it)."""
    compact = _BASE64_JUNK.sub("", data)
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        pass
    # URL-safe alphabet or missing padding, still strictly: a stray character
    # means the value was damaged, and must not be skipped silently.
    standard = compact.rstrip("=").replace("-", "+").replace("_", "/")
    try:
        return base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise CertificateError("it is not valid base64") from error


def load_asn1crypto() -> None:
    """Import asn1crypto now instead of at the first certificate (checker.api.warm_up)."""
    from asn1crypto import pem, x509  # type: ignore[import-untyped]  # noqa: F401


def decode_certificate_data(data: str) -> CertificateData:
    """A `*-data` value decoded: its certificates, or why it holds none."""
    try:
        return CertificateData(certificates=certificates_from_data(data))
    except CertificateError as error:
        return CertificateData(error=str(error))


def certificates_from_data(data: str) -> tuple[Certificate, ...]:
    """Every certificate in a `*-data` value; raise CertificateError when there is none."""
    # Imported on first use: asn1crypto takes ~50 ms to import in the browser, and
    # kubeconfigs with tokens or an auth proxy (Tailscale's) hold no certificate.
    from asn1crypto import pem

    raw = decode_base64(data)
    if pem.detect(raw):
        certificates = []
        try:
            for kind, _headers, der in pem.unarmor(raw, multiple=True):
                if kind != "CERTIFICATE":
                    raise CertificateError(f"it holds a PEM {kind.lower()}, not a certificate")
                certificates.append(_certificate(der))
        except ValueError as error:
            if isinstance(error, CertificateError):
                raise
            raise CertificateError("its PEM armour is broken") from error
        if not certificates:
            raise CertificateError("it holds no certificate")
        return tuple(certificates)
    if raw[:1] != b"\x30":
        raise CertificateError("it decodes to data that is neither PEM nor a DER certificate")
    return (_certificate(raw),)


def _certificate(der: bytes) -> Certificate:
    from asn1crypto import x509 as asn1_x509

    try:
        cert = asn1_x509.Certificate.load(der, strict=True)
        subject = cert.subject.native
        validity = cert["tbs_certificate"]["validity"]
        not_before = validity["not_before"].native
        not_after = validity["not_after"].native
    # asn1crypto parses lazily and signals malformed DER with several exception
    # types (ValueError, TypeError, KeyError, OverflowError...): all mean "not a cert".
    except Exception as error:
        raise CertificateError("it is not a valid X.509 certificate") from error
    if not isinstance(not_before, datetime) or not isinstance(not_after, datetime):
        raise CertificateError("its validity dates cannot be read")
    cn = subject.get("common_name")
    orgs = subject.get("organization_name") or ()
    return Certificate(
        common_name=str(cn) if cn else None,
        organisations=tuple(map(str, orgs)) if isinstance(orgs, list | tuple) else (str(orgs),),
        not_before=not_before.astimezone(UTC),
        not_after=not_after.astimezone(UTC),
    )
