"""Facts that help a human read the report: names, addresses, identities, dates."""

from __future__ import annotations

from checker.clock import format_time
from checker.context import CheckContext
from checker.model import OMITTED, User, program
from checker.organisation import AUTH
from checker.tailnet import MAGICDNS


class _Facts(list[tuple[str, str]]):
    def add(self, name: str, value: object) -> None:
        if value not in (None, "", ()):
            self.append((name, str(value)))


def gather(ctx: CheckContext) -> list[tuple[str, str]]:
    facts = _Facts()
    add = facts.add
    if ctx.role is not None:
        add("role", ctx.role.id if ctx.role_given else f"{ctx.role.id} (from the tailnet)")
    add("expected tailnets", ", ".join(ctx.expected_tailnets))
    status = ctx.status
    if status is not None:
        add("tailscale version", status.version)
        add("backend state", status.backend_state)
        add("tailnet", status.tailnet)
        add("magicdns domain", status.magic_dns_suffix)
        add("tailnet login", status.login_name)
        add("device", status.self_host_name)
        add("device name", status.self_dns_name)
        add("device addresses", ", ".join(status.self_ips))
        if status.self_key_expiry:
            add("device key expires", format_time(status.self_key_expiry))
        if status.form == "json" and status.peers_known and status.has_netmap:
            add("peers", len(status.peers))
        if status.self_tags:
            add("device tags", ", ".join(status.self_tags))
        if status.cert_domains == () and status.backend_state == "Running":
            add("https certificates", "off for this tailnet (CertDomains is empty)")
        if status.tun is False:
            add("networking", "userspace (TUN: false)")
    kc = ctx.kubeconfig
    if kc is not None and not kc.unreadable:
        add("context", kc.current_context)
        if ctx.context:
            add("namespace", ctx.context.namespace)
        if ctx.cluster:
            add("cluster", ctx.cluster.name)
            add("server", ctx.cluster.server)
        peer = ctx.control_plane_peer()
        if peer is not None:
            online = {True: "online", False: "offline", None: "online state unknown"}[peer.online]
            address = ", ".join(peer.ips[:1])
            add("control-plane peer", f"{peer.label} ({address}), {online}")
        if ctx.server_is_proxy():
            mode = ctx.proxy_mode()
            add("api server proxy", f"{ctx.server.host if ctx.server else ''}"
                + (f" ({mode} mode)" if mode else ""))  # fmt: skip
        if ctx.user is not None:
            add("kubeconfig user", ctx.user.name)
            _identity(ctx, ctx.user, facts)
    me = ctx.kubectl.whoami if ctx.kubectl else None
    if me is not None:
        add("kubernetes username (whoami)", me.username)
        add("kubernetes groups (whoami)", ", ".join(me.groups) or "none")
    return list(facts)


def _identity(ctx: CheckContext, user: User, facts: _Facts) -> None:
    """Who the kubeconfig user is to Kubernetes, as far as the kubeconfig says."""
    add, server = facts.add, ctx.server
    certificates = user.client_certificate.certificates if user.client_certificate else ()
    if certificates:
        add("kubernetes identity", f"client certificate {certificates[0].identity}")
        add("client certificate valid from", format_time(certificates[0].not_before))
        add("client certificate expires", format_time(certificates[0].not_after))
    elif ctx.proxy_mode() == AUTH or (
        user.token == "unused" and server is not None and server.kind == MAGICDNS
    ):
        add("kubernetes identity", "your tailnet login (Tailscale operator auth proxy)")
    elif user.token and user.token not in OMITTED:
        claims = user.token_claims
        if claims is not None:
            add("kubernetes identity", f"token subject {claims.subject or '(none)'}")
            if claims.expires:
                add("token expires", format_time(claims.expires))
        else:
            add("kubernetes identity", "an opaque bearer token")
    elif user.exec_command is not None:
        add("kubernetes identity", f"from the exec plugin `{program(user.exec_command)}`")
    elif user.auth_provider is not None:
        add("kubernetes identity", f"from the auth provider `{user.auth_provider}`")
