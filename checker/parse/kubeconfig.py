"""A pasted kubeconfig (YAML or JSON) as the kubeconfig model.

Loading follows client-go where it matters to a diagnosis: entries are looked up
by name, the context names a cluster and a user, `*-data` fields are base64. The
cluster and the user that the current context selects are decoded here, once:
their certificates and the claims of a JWT bearer token. Anything that could be a
secret is collected in `Kubeconfig.secrets` so that the report can be checked never
to contain it.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from checker.boxes import KUBECONFIG
from checker.model import (
    OMITTED,
    Cluster,
    Context,
    Kubeconfig,
    Problem,
    User,
)
from checker.parse import kubectl, sniff, yamltree
from checker.parse.common import MAX_JSON_DEPTH
from checker.parse.jwt import decode_jwt, jwt_too_deep
from checker.parse.x509 import decode_certificate_data
from checker.redact import SECRET_KEY, looks_like_blob
from checker.text import Box

# Values that are secrets whatever their key: a JWT, PEM armour.
_SECRET_VALUE = re.compile(r"^eyJ[\w-]+\.[\w-]+|-----BEGIN ")
# `--password=x`, `--token x`: an exec plugin's argument that carries a secret.
_SECRET_ARG = re.compile(
    r"(?i)^--?(?:[a-z0-9]+-)*(?:password|passwd|pass|pwd|token|secret)(?:=(.+))?$"
)
# Values that are placeholders, never secrets: `tailscale configure kubeconfig`
# writes `token: unused`, `kubectl config view` writes the omitted markers.
NOT_SECRET = frozenset({"unused", *OMITTED})


def _problem(id: str, message: str, line: int | None = None) -> list[Problem]:
    return [Problem(id, message, KUBECONFIG, line)]


def parse_kubeconfig(box: Box) -> tuple[Kubeconfig | None, list[Problem]]:
    """The kubeconfig model, or the input problems that make this box unusable."""
    if sniff.looks_like_status_json(box.text):
        return None, _problem(
            "input-wrong-box",
            "Expected a kubeconfig, found `tailscale status --json` output: "
            "paste it in the `tailscale status --json` box.",
            1,
        )
    data, problem = yamltree.load(box.text)
    if problem is not None:
        if problem.kind == "documents":
            return None, _problem(
                "input-kubeconfig-multiple-documents",
                f"Expected one kubeconfig document, {problem.message}: paste only the kubeconfig.",
                problem.line,
            )
        if problem.kind == "size":
            return None, _problem(
                "input-too-large",
                f"Expected a kubeconfig, found a text too big to check: {problem.message}. "
                "Paste only the context you use: `kubectl config view --raw --minify`.",
            )
        if problem.kind == "complexity":
            return None, _problem(
                "input-too-complex",
                f"Expected a kubeconfig, found YAML that cannot be one: {problem.message}.",
            )
        wrong = _wrong_box(box)
        if wrong:
            return None, wrong
        return Kubeconfig(unreadable=problem.message, unreadable_line=problem.line), []
    if not isinstance(data, dict):
        wrong = _wrong_box(box)
        if wrong:
            return None, wrong
        what = "only comments" if data is None else f"a {_yaml_type(data)}"
        return None, _problem(
            "input-kubeconfig-not-kubeconfig",
            f"Expected a kubeconfig (a mapping with clusters, contexts and users), found {what}.",
            1,
        )
    if not {"clusters", "contexts", "users", "current-context"} & data.keys():
        keys = ", ".join(list(data)[:4])
        return None, _problem(
            "input-kubeconfig-not-kubeconfig",
            "Expected a kubeconfig (with clusters, contexts and users), found YAML with "
            f"other keys ({keys}).",
            getattr(data, "line", 1),
        )
    kc = _decoded(_kubeconfig(data))
    deep = next((u for u in kc.users if u.token and jwt_too_deep(u.token)), None)
    if deep is not None:
        return None, _problem(
            "input-too-complex",
            f"Expected a bearer token for user `{deep.name}`, found a JWT whose payload is "
            f"JSON nested more than {MAX_JSON_DEPTH} levels deep: no real token is.",
            deep.token_line,
        )
    if kc.data_omitted:
        return kc, _problem(
            "input-kubeconfig-data-omitted",
            "Expected the kubeconfig's certificates and tokens, found `DATA+OMITTED` "
            "or `REDACTED` in their place (`kubectl config view` without `--raw`), so "
            "they were not checked.",
            box.first_line_matching("DATA+OMITTED") or box.first_line_matching("REDACTED"),
        )
    return kc, []


def _wrong_box(box: Box) -> list[Problem]:
    if sniff.looks_like_kubeconfig(box.text):
        return []
    signals = kubectl.recognise(box.lines)
    if any(s.kind == "tailscale-daemon" for s in signals):
        return _problem(
            "input-wrong-box",
            "Expected a kubeconfig, found a Tailscale error: paste it in the "
            "`tailscale status --json` box.",
            signals[0].line,
        )
    if signals:
        return _problem(
            "input-wrong-box",
            "Expected a kubeconfig, found kubectl output: paste it in the kubectl output box.",
            signals[0].line,
        )
    return []


def _yaml_type(value: object) -> str:
    if isinstance(value, list):
        return "list"
    if isinstance(value, str):
        return "single line of text" if "\n" not in value.strip() else "block of text"
    return type(value).__name__


def _kubeconfig(data: dict[str, Any]) -> Kubeconfig:
    secrets: set[str] = set()
    omitted = _collect_secrets(data, secrets)
    current = data.get("current-context")
    return Kubeconfig(
        current_context=str(current) if current not in (None, "") else None,
        current_context_line=_line(data, "current-context"),
        clusters=tuple(_entries(data, "clusters", "cluster", _cluster)),
        users=tuple(_entries(data, "users", "user", _user)),
        contexts=tuple(_entries(data, "contexts", "context", _context)),
        data_omitted=omitted,
        secrets=frozenset(secrets),
    )


def _decoded(kc: Kubeconfig) -> Kubeconfig:
    """The kubeconfig with the current context's cluster and user decoded."""
    context = kc.context(kc.current_context)
    if context is None:
        return kc
    cluster, user = kc.cluster(context.cluster), kc.user(context.user)
    clusters, users = kc.clusters, kc.users
    if cluster is not None and cluster.ca_data and cluster.ca_data not in OMITTED:
        decoded = dataclasses.replace(cluster, ca=decode_certificate_data(cluster.ca_data))
        clusters = tuple(decoded if c is cluster else c for c in clusters)
    if user is not None:
        cert, token = user.client_cert_data, user.token
        decoded_user = dataclasses.replace(
            user,
            client_certificate=(
                decode_certificate_data(cert) if cert and cert not in OMITTED else None
            ),
            token_claims=decode_jwt(token) if token and token not in OMITTED else None,
        )
        users = tuple(decoded_user if u is user else u for u in users)
    return dataclasses.replace(kc, clusters=clusters, users=users)


def _collect_secrets(node: object, secrets: set[str], key: str = "") -> bool:
    """Add every secret-looking string under `node`; True if data was omitted."""
    omitted = False
    stack: list[tuple[str, object]] = [(key, node)]
    while stack:
        key, value = stack.pop()
        if isinstance(value, dict):
            # exec `env` entries are {name, value}: the name says whether it is a secret.
            name = value.get("name")
            if isinstance(name, str) and SECRET_KEY.search(name) and "value" in value:
                stack.append((name, value["value"]))
            stack.extend((str(k), v) for k, v in value.items())
        elif isinstance(value, list):
            if key == "args":
                secrets.update(_secret_args(value))
            stack.extend((key, v) for v in value)
        elif isinstance(value, str):
            if value in OMITTED and SECRET_KEY.search(key):
                omitted = True
            if value in NOT_SECRET or not value.strip():
                continue
            if SECRET_KEY.search(key) or _SECRET_VALUE.search(value) or looks_like_blob(value):
                secrets.add(value)
            if "://" in value:
                secrets.update(_url_secrets(value))
    return omitted


def _secret_args(args: list[Any]) -> set[str]:
    """The values of an exec plugin's `--password=x` / `--token x` arguments."""
    found: set[str] = set()
    words = [a for a in args if isinstance(a, str)]
    for i, word in enumerate(words):
        m = _SECRET_ARG.match(word)
        if m is None:
            continue
        value = m.group(1)
        if value is None:
            value = words[i + 1] if i + 1 < len(words) else ""
        if value and value not in NOT_SECRET:
            found.add(value)
    return found


def _url_secrets(value: str) -> set[str]:
    """A URL's userinfo and query values: `https://admin:pw@host/?token=x`."""
    try:
        parts = urlsplit(value.strip())
    except ValueError:
        return set()
    found = {v for v in (parts.password, parts.username) if v}
    found |= {v for _, v in parse_qsl(parts.query) if v}
    return found


def _line(node: object, key: str) -> int | None:
    lines = getattr(node, "lines", None)
    return lines.get(key) if isinstance(lines, dict) else None


def _entries(data: dict[str, Any], list_key: str, inner_key: str, make: Any) -> list[Any]:
    entries = data.get(list_key)
    if not isinstance(entries, list):
        return []
    lines = getattr(entries, "lines", [])
    found = []
    for i, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        line = lines[i] if i < len(lines) else 1
        inner = entry.get(inner_key)
        name = entry.get("name")
        found.append(
            make(
                str(name) if name is not None else "",
                line,
                inner if isinstance(inner, dict) else {},
            )
        )
    return found


def _text(node: dict[str, Any], key: str) -> str | None:
    value = node.get(key)
    if value is None or isinstance(value, dict | list):
        return None
    return str(value).strip()


def _cluster(name: str, line: int, c: dict[str, Any]) -> Cluster:
    insecure = c.get("insecure-skip-tls-verify")
    return Cluster(
        name=name,
        line=line,
        server=_text(c, "server") or None,
        server_line=_line(c, "server"),
        ca_data=_text(c, "certificate-authority-data") or None,
        ca_data_line=_line(c, "certificate-authority-data"),
        ca_file=_text(c, "certificate-authority") or None,
        insecure=insecure is True or str(insecure).lower() == "true",
        insecure_line=_line(c, "insecure-skip-tls-verify"),
        tls_server_name=_text(c, "tls-server-name") or None,
    )


def _user(name: str, line: int, u: dict[str, Any]) -> User:
    exec_config = u.get("exec")
    provider = u.get("auth-provider")
    return User(
        name=name,
        line=line,
        client_cert_data=_text(u, "client-certificate-data") or None,
        client_cert_line=_line(u, "client-certificate-data") or _line(u, "client-certificate"),
        client_cert_file=_text(u, "client-certificate") or None,
        client_key_data=_text(u, "client-key-data") or None,
        client_key_line=_line(u, "client-key-data") or _line(u, "client-key"),
        client_key_file=_text(u, "client-key") or None,
        token=_text(u, "token") or None,
        token_line=_line(u, "token") or _line(u, "tokenFile"),
        token_file=_text(u, "tokenFile") or None,
        username=_text(u, "username") or None,
        password=_text(u, "password") or None,
        basic_line=_line(u, "username") or _line(u, "password"),
        exec_command=(
            (_text(exec_config, "command") or "") if isinstance(exec_config, dict) else None
        ),
        exec_line=_line(u, "exec"),
        auth_provider=((_text(provider, "name") or "") if isinstance(provider, dict) else None),
        auth_provider_line=_line(u, "auth-provider"),
    )


def _context(name: str, line: int, c: dict[str, Any]) -> Context:
    return Context(
        name=name,
        line=line,
        cluster=_text(c, "cluster") or None,
        cluster_line=_line(c, "cluster"),
        user=_text(c, "user") or None,
        user_line=_line(c, "user"),
        namespace=_text(c, "namespace") or None,
    )
