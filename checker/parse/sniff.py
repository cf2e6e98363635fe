"""Guess what a pasted text is, to say "this belongs in the other box"."""

from __future__ import annotations

import re

_KUBECONFIG_KEYS = re.compile(
    r'(?:^\s*"?|")(apiVersion|kind|clusters|contexts|users|current-context)"?\s*:', re.MULTILINE
)
_STATUS_KEYS = re.compile(r'"(BackendState|TailscaleIPs|MagicDNSSuffix|CurrentTailnet)"\s*:')


def looks_like_kubeconfig(text: str) -> bool:
    """Two or more top-level kubeconfig keys (YAML or JSON)."""
    found = {m.group(1) for m in _KUBECONFIG_KEYS.finditer(text[:200_000])}
    return (
        len(found & {"clusters", "contexts", "users", "current-context"}) >= 1 and len(found) >= 2
    )


def looks_like_status_json(text: str) -> bool:
    return len({m.group(1) for m in _STATUS_KEYS.finditer(text[:200_000])}) >= 2
