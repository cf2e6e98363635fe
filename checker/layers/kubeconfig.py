"""Does your kubeconfig parse, and does it point at the control plane's Tailscale address?

Follows kubectl: `current-context` must be set and name a context, the context a
cluster and a user that exist, the cluster a `server`. The server must be a
Tailscale address (100.64.0.0/10 without ChromeOS's 100.115.92.0/23, or
fd7a:115c:a1e0::/48) or a MagicDNS `*.ts.net` name; public, office/home
network and loopback servers do not go through the tailnet. A name under the
pasted status's own MagicDNS domain counts too (Headscale gives its tailnet one).
When the server is the Tailscale operator's API server proxy it must be named, not
addressed (the proxy picks its certificate by name), and it must not pin the
cluster's own certificate authority (the proxy presents a Let's Encrypt one).
`certificate-authority-data` must decode to a certificate. kubectl's own
messages count too: "localhost:8080 was refused" (no usable kubeconfig),
"context was not found", and the x509 errors (unknown authority, name mismatch,
expired).
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import KUBECONFIG, KUBECTL_OUTPUT
from checker.context import CheckContext
from checker.model import Cluster, Problem
from checker.tailnet import DESCRIPTIONS, RANGES_TEXT, Server, classify_host

_KUBECTL_KINDS = {
    "config-unreadable": "kubeconfig-unreadable",
    "file-missing": "kubeconfig-file-missing",
    "no-kubeconfig": "kubeconfig-no-current-context",
    "no-current-context": "kubeconfig-no-current-context",
    "context-not-found": "kubeconfig-context-not-found",
    "context-incomplete": "kubeconfig-incomplete-context",
    "no-server": "kubeconfig-no-server",
    "tls-unknown-authority": "kubeconfig-tls-unknown-authority",
    "tls-name-mismatch": "kubeconfig-tls-name-mismatch",
    "tls-expired": "kubeconfig-tls-certificate-expired",
}
_HOST_KINDS = ("timeout", "refused", "no-such-host", "tls-name-mismatch")


def applies(ctx: CheckContext) -> bool:
    return (
        ctx.kubeconfig is not None or ctx.kubectl_signal(*_KUBECTL_KINDS, *_HOST_KINDS) is not None
    )


def check(ctx: CheckContext) -> Iterator[Problem]:
    seen: set[str] = set()
    for problem in _from_kubeconfig(ctx):
        seen.add(problem.id)
        yield problem
    if "kubeconfig-proxy-pinned-ca" in seen:
        # kubectl's "unknown authority" is what the pinned authority causes.
        seen.add("kubeconfig-tls-unknown-authority")
    for problem in _from_kubectl(ctx):
        if problem.id not in seen:
            seen.add(problem.id)
            yield problem


def _from_kubeconfig(ctx: CheckContext) -> Iterator[Problem]:
    kc = ctx.kubeconfig
    if kc is None:
        return
    if kc.unreadable:
        yield Problem(
            "kubeconfig-unreadable",
            f"Expected a kubeconfig in YAML or JSON, found a syntax error: {kc.unreadable}. "
            "kubectl cannot load this file either.",
            KUBECONFIG,
            kc.unreadable_line,
            unparsed=True,
        )
        return
    if not kc.current_context:
        names = ", ".join(f"`{c.name}`" for c in kc.contexts) or "none"
        yield Problem(
            "kubeconfig-no-current-context",
            "Expected `current-context` to name the context to use, found it "
            f"{'empty' if kc.current_context_line else 'missing'}: kubectl then falls back "
            f"to localhost:8080. Contexts in the file: {names}.",
            KUBECONFIG,
            kc.current_context_line,
        )
        return
    context = ctx.context
    if context is None:
        names = ", ".join(f"`{c.name}`" for c in kc.contexts) or "none"
        yield Problem(
            "kubeconfig-context-not-found",
            f"Expected a context named `{kc.current_context}` (the current-context), found "
            f"only these contexts: {names}.",
            KUBECONFIG,
            kc.current_context_line,
        )
        return
    missing = []
    if context.cluster is None:
        missing.append("names no cluster")
    elif ctx.cluster is None:
        missing.append(f"names cluster `{context.cluster}`, which is not in the file")
    if context.user is None:
        missing.append("names no user")
    elif ctx.user is None:
        missing.append(f"names user `{context.user}`, which is not in the file")
    if missing:
        yield Problem(
            "kubeconfig-incomplete-context",
            f"Expected context `{context.name}` to name a cluster and a user in the file, "
            f"found that it {' and '.join(missing)}.",
            KUBECONFIG,
            (context.cluster_line if ctx.cluster is None else context.user_line) or context.line,
        )
    cluster = ctx.cluster
    if cluster is None:
        return
    server = ctx.server
    if server is None:
        yield Problem(
            "kubeconfig-no-server",
            f"Expected cluster `{cluster.name}` to have a `server:` address, found none.",
            KUBECONFIG,
            cluster.line,
        )
    elif not server.is_tailnet:
        yield Problem(
            "kubeconfig-server-not-tailnet",
            _not_tailnet_message(server.host or server.url, server.kind),
            KUBECONFIG,
            cluster.server_line,
        )
    else:
        yield from _proxy_problems(ctx, cluster)
    if cluster.ca is not None and cluster.ca.error is not None:
        yield Problem(
            "kubeconfig-bad-certificate-authority",
            "Expected `certificate-authority-data` to be a base64 PEM certificate, "
            f"found that {cluster.ca.error}.",
            KUBECONFIG,
            cluster.ca_data_line,
        )
    if cluster.insecure:
        yield Problem(
            "kubeconfig-insecure-skip-tls-verify",
            f"Expected cluster `{cluster.name}` to check the server's certificate, found "
            "`insecure-skip-tls-verify: true`.",
            KUBECONFIG,
            cluster.insecure_line,
        )


def _proxy_problems(ctx: CheckContext, cluster: Cluster) -> Iterator[Problem]:
    """A kubeconfig that cannot work with the Tailscale operator's API server proxy."""
    server = ctx.server
    if server is None:
        return
    proxy = ctx.organisation.kubernetes.proxy
    tls_failed = ctx.kubectl_signal("tls-internal-error") is not None
    if server.ip is not None and (ctx.proxy_peer() is not None or (proxy and tls_failed)):
        peer = ctx.proxy_peer()
        name = peer.dns_name if peer and peer.dns_name else _proxy_name(ctx)
        yield Problem(
            "kubeconfig-proxy-by-address",
            f"Expected the API server proxy's MagicDNS name (`https://{name}`), found its "
            f"address {server.host}: the proxy chooses its certificate by the name kubectl "
            "sends, and kubectl sends none for an address, so TLS fails "
            '("remote error: tls: internal error").',
            KUBECONFIG,
            cluster.server_line,
        )
        return
    if not ctx.server_is_proxy() or cluster.ca is None or not cluster.ca.certificates:
        return
    authority = cluster.ca.certificates[0]
    if any(mark in (authority.common_name or "") for mark in _PUBLIC_ROOTS):
        return
    yield Problem(
        "kubeconfig-proxy-pinned-ca",
        f"Expected no `certificate-authority-data` for the API server proxy `{server.host}`, "
        f"found the certificate authority {authority.identity}: the proxy presents a "
        "public certificate for its MagicDNS name (Let's Encrypt), not one from the "
        'cluster\'s own authority, so kubectl says "x509: certificate signed by unknown '
        'authority".',
        KUBECONFIG,
        cluster.ca_data_line,
    )


# The authorities of the certificates the operator's proxy presents (Let's Encrypt).
_PUBLIC_ROOTS = ("ISRG Root", "Let's Encrypt")


def _proxy_name(ctx: CheckContext) -> str:
    proxy = ctx.organisation.kubernetes.proxy
    suffix = ctx.status.magic_dns_suffix if ctx.status else None
    host = proxy.hostname if proxy else "<proxy hostname>"
    return f"{host}.{suffix}" if suffix else f"{host}.<your tailnet>.ts.net"


def _not_tailnet_message(host: str, kind: str) -> str:
    return (
        f"Expected the server to be a Tailscale address ({RANGES_TEXT}) or a `*.ts.net` "
        f"name, found {host}: {DESCRIPTIONS.get(kind, 'not a Tailscale address')}."
    )


def _from_kubectl(ctx: CheckContext) -> Iterator[Problem]:
    if ctx.kubectl is None:
        return
    for signal in ctx.kubectl.signals:
        check_id = _KUBECTL_KINDS.get(signal.kind)
        if check_id is None:
            continue
        message = _kubectl_message(ctx, signal.kind, signal.detail, signal.host)
        yield Problem(check_id, message, KUBECTL_OUTPUT, signal.line)
    named = ctx.kubectl_signal(*_HOST_KINDS) if ctx.kubeconfig is None else None
    if named and named.host:
        kind, _ = classify_host(named.host)
        if not Server(named.host, named.host, named.port, kind).is_tailnet:
            yield Problem(
                "kubeconfig-server-not-tailnet",
                _not_tailnet_message(named.host, kind)
                + " (kubectl names this address, so your kubeconfig points there.)",
                KUBECTL_OUTPUT,
                named.line,
            )


def _kubectl_message(ctx: CheckContext, kind: str, detail: str, host: str | None) -> str:
    if kind == "no-kubeconfig":
        elsewhere = ""
        if ctx.kubeconfig and ctx.kubeconfig.current_context and ctx.context:
            elsewhere = (
                " The pasted kubeconfig does set a current context, so kubectl is reading "
                "another file: check the `KUBECONFIG` variable and `~/.kube/config`."
            )
        return (
            "Expected kubectl to use the cluster's server, found \"localhost:8080 was "
            'refused": kubectl found no kubeconfig with a current context and fell back to '
            "its default." + elsewhere
        )
    if kind == "no-current-context":
        return 'Expected a current context, found "current-context is not set".'
    if kind == "context-not-found":
        return (
            f"Expected the kubeconfig to have the context kubectl was told to use"
            f'{f" (`{detail}`)" if detail else ""}, found "context was not found".'
        )
    if kind == "context-incomplete":
        return (
            "Expected the current context to name a cluster and a user in the kubeconfig, "
            "found kubectl saying one of them is not there."
        )
    if kind == "no-server":
        return 'Expected the cluster to have a `server:`, found "no server found for cluster".'
    if kind == "file-missing":
        return (
            f"Expected the file the kubeconfig names ({detail}) on this computer, found "
            '"no such file or directory": kubectl cannot read it.'
        )
    if kind == "config-unreadable":
        return 'Expected kubectl to load the kubeconfig, found "error loading config file".'
    if kind == "tls-unknown-authority":
        return (
            "Expected the server's certificate to be signed by the kubeconfig's "
            'certificate authority, found "x509: certificate signed by unknown authority".'
        )
    if kind == "tls-name-mismatch":
        names = f" ({detail})" if detail else ""
        return (
            f"Expected the server's certificate to be valid for "
            f"{host or 'the server address'}, found it is valid only for other names{names}."
        )
    return (
        'Expected a current server certificate, found "x509: certificate has expired or '
        "is not yet valid\" (or this computer's clock is wrong)."
    )
