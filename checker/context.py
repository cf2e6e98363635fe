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
from checker.organisation import Organisation, Role
from checker.tailnet import MAGICDNS, SHORT_NAME, Server, parse_server, same_ip

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
        return parse_server(cluster.server) if cluster and cluster.server else None

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
