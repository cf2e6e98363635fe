"""Bearer tokens that are JWTs: read the claims, never verify the signature."""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from checker.model import TokenClaims
from checker.parse.common import json_too_deep


def jwt_too_deep(token: str) -> bool:
    """Whether a JWT's payload nests deeper than any real token's (see MAX_JSON_DEPTH)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[1] or len(token) > 64_000:
        return False
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
    except (binascii.Error, ValueError):
        return False
    return json_too_deep(raw.decode("utf-8", errors="replace"))


def decode_jwt(token: str) -> TokenClaims | None:
    """The claims of a JWT, or None when the token is not one (opaque tokens are fine)."""
    parts = token.strip().split(".")
    if len(parts) != 3 or not parts[1] or len(token) > 64_000:
        return None
    try:
        raw = base64.urlsafe_b64decode(parts[1] + "=" * (-len(parts[1]) % 4))
        if json_too_deep(raw.decode("utf-8", errors="replace")):
            return None
        claims = json.loads(raw)
    except (binascii.Error, ValueError, RecursionError):
        return None
    if not isinstance(claims, dict):
        return None
    return TokenClaims(
        subject=_text(claims.get("sub")),
        issuer=_text(claims.get("iss")),
        expires=_time(claims.get("exp")),
        not_before=_time(claims.get("nbf")),
    )


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _time(value: object) -> datetime | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    try:
        return datetime.fromtimestamp(value, UTC)
    except (OverflowError, OSError, ValueError):
        return None
