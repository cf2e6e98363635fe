"""What every layer check reads: the parsed inputs, the reader's role and the time."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from checker.model import (
    Cluster,
    Context,
    Kubeconfig,
    KubectlOutput,
    KubectlSignal,
    Peer,
    Status,
    User,
)
from checker.organisation import AUTH, Organisation, Role
from checker.tailnet import MAGICDNS, SHORT_NAME, Server, parse_server, same_ip

# What the operator's Helm chart tags its proxy device with, unless told otherwise.
DEFAULT_PROXY_TAG = "tag:k8s-operator"

# A key or certificate that expires within this window gets a warning.
SOON = timedelta(days=7)


@dataclass(frozen=True)
class CheckContext:
    status: Status | None
    kubeconfig: Kubeconfig | None
    kubectl: KubectlOutput | None
    organisation: Organisation
    role: Role | None  # the reader's role: given, or known from the tailnet
    role_given: bool
    expected_tailnets: tuple[str, ...]
    now: datetime

    # --- the kubeconfig's selected context, as kubectl resolves it -------------

    @property
    def context(self) -> Context | None:
        kc = self.kubeconfig
        if kc is None or kc.unreadable:
            return None
        return kc.context(kc.current_context)

    @property
    def cluster(self) -> Cluster | None:
        context = self.context
        return self.kubeconfig.cluster(context.cluster) if context and self.kubeconfig else None

    @property
    def user(self) -> User | None:
        context = self.context
        return self.kubeconfig.user(context.user) if context and self.kubeconfig else None

    @property
    def server(self) -> Server | None:
        cluster = self.cluster
        if cluster is None or not cluster.server:
            return None
        return parse_server(cluster.server, self.status.magic_dns_suffix if self.status else None)

    # --- the Tailscale operator's API server proxy ---------------------------------

    def proxy_peer(self) -> Peer | None:
        """The server's device, when it is an operator's API server proxy (by its tag or
        by the organisation's proxy hostname)."""
        peer = self.control_plane_peer()
        if peer is None:
            return None
        proxy = self.organisation.kubernetes.operator_proxy
        tag = proxy.tag if proxy else DEFAULT_PROXY_TAG
        named = proxy is not None and peer.label == proxy.hostname
        return peer if tag in peer.tags or named else None

    def server_is_proxy(self) -> bool:
        """Whether kubectl talks to an operator's API server proxy: the server is the
        organisation's proxy by name, its device is a proxy, or it is the MagicDNS name
        with the `token: unused` that `tailscale configure kubeconfig` writes."""
        server = self.server
        if server is None:
            return False
        proxy = self.organisation.kubernetes.proxy
        if proxy is not None and server.ip is None and server.host.split(".")[0] == proxy.hostname:
            return True
        if self.proxy_peer() is not None:
            return True
        user = self.user
        return server.kind == MAGICDNS and user is not None and user.token == "unused"

    def proxy_mode(self) -> str | None:
        """auth or noauth when kubectl talks to a proxy, else None. The organisation's
        mode for its own proxy; auth for any other that a `token: unused` kubeconfig
        reaches (that is what `tailscale configure kubeconfig` is for)."""
        if not self.server_is_proxy():
            return None
        proxy = self.organisation.kubernetes.proxy
        if proxy is not None:
            return proxy.mode
        user = self.user
        return AUTH if user is not None and user.token == "unused" else None

    # --- kubectl ----------------------------------------------------------------

    def kubectl_signal(self, *kinds: str) -> KubectlSignal | None:
        return self.kubectl.last(*kinds) if self.kubectl else None

    # --- the control plane as a tailnet device -------------------------------------

    def control_plane_peer(self) -> Peer | None:
        """The peer whose address or MagicDNS name the kubeconfig server uses."""
        server, status = self.server, self.status
        if server is None or status is None:
            return None
        return find_peer(status, server)

    def server_is_self(self) -> bool:
        server, status = self.server, self.status
        if server is None or status is None:
            return False
        if server.ip is not None:
            return any(same_ip(str(server.ip), ip) for ip in status.self_ips)
        return bool(status.self_dns_name) and _name_matches(server, status.self_dns_name)


def find_peer(status: Status, server: Server) -> Peer | None:
    if server.ip is not None:
        return next(
            (p for p in status.peers if any(same_ip(str(server.ip), ip) for ip in p.ips)), None
        )
    if server.kind in (MAGICDNS, SHORT_NAME):
        return next((p for p in status.peers if _name_matches(server, p.dns_name)), None)
    return None


def _name_matches(server: Server, dns_name: str) -> bool:
    if not dns_name:
        return False
    if server.kind == SHORT_NAME:
        return dns_name.split(".")[0] == server.host
    return dns_name == server.host.rstrip(".")


def tailnet_suffix(host: str) -> str:
    """`tail1234.ts.net` from `anything.tail1234.ts.net`."""
    return ".".join(host.rstrip(".").split(".")[-3:])
