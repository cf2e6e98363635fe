"""Can this device see the control plane on the tailnet?

The kubeconfig's server must be a device in `tailscale status --json`: its IP in
a peer's `TailscaleIPs` (or the pre-v1.20 `TailAddr`), or its MagicDNS name a
peer's `DNSName`. That peer must be online and its key not expired, and a
`*.ts.net` server must be in this tailnet's MagicDNS domain. kubectl's own
network errors count too: "i/o timeout", "no such host", "was refused".
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import KUBECONFIG, KUBECTL_OUTPUT, TAILSCALE_STATUS
from checker.clock import format_time
from checker.context import CheckContext, tailnet_suffix
from checker.model import Problem
from checker.tailnet import MAGICDNS

_KUBECTL_KINDS = ("timeout", "no-such-host", "refused")


def applies(ctx: CheckContext) -> bool:
    return _can_match_peer(ctx) or ctx.kubectl_signal(*_KUBECTL_KINDS) is not None


def _can_match_peer(ctx: CheckContext) -> bool:
    status, server = ctx.status, ctx.server
    return (
        status is not None
        and status.form == "json"
        and status.peers_known
        and server is not None
        and server.is_tailnet
    )


def check(ctx: CheckContext) -> Iterator[Problem]:
    if _can_match_peer(ctx):
        yield from _peer_problems(ctx)
    yield from _kubectl_problems(ctx)


def _peer_problems(ctx: CheckContext) -> Iterator[Problem]:
    status, server, cluster = ctx.status, ctx.server, ctx.cluster
    if status is None or server is None or cluster is None:
        return
    line = cluster.server_line
    if server.kind == MAGICDNS and status.magic_dns_suffix:
        suffix = tailnet_suffix(server.host)
        if suffix != status.magic_dns_suffix:
            yield Problem(
                "network-other-tailnet-name",
                f"Expected a `*.{status.magic_dns_suffix}` name (this tailnet's MagicDNS "
                f"domain), found `{server.host}`, a name in another tailnet's domain "
                f"({suffix}).",
                KUBECONFIG,
                line,
            )
            return
    if ctx.server_is_self() or server.host in status.extra_names:
        return
    peer = ctx.control_plane_peer()
    if peer is None:
        where = "a peer's TailscaleIPs" if server.ip is not None else "a peer's DNSName"
        yield Problem(
            "network-control-plane-not-visible",
            f"Expected the server {server.host} in {where}, found no device with it among "
            f"the {len(status.peers)} peers this device can see.",
            KUBECONFIG,
            line,
        )
        return
    if peer.online is False:
        yield Problem(
            "network-control-plane-offline",
            f"Expected the control plane's device `{peer.label}` to be online, found "
            "Online: false.",
            TAILSCALE_STATUS,
            peer.online_line or peer.line,
        )
    elif peer.expired or (peer.key_expiry is not None and peer.key_expiry <= ctx.now):
        when = f" on {format_time(peer.key_expiry)}" if peer.key_expiry else ""
        yield Problem(
            "network-control-plane-expired",
            f"Expected the control plane's device `{peer.label}` to have a valid node key, "
            f"found it expired{when}.",
            TAILSCALE_STATUS,
            peer.expiry_line or peer.line,
        )


def _kubectl_problems(ctx: CheckContext) -> Iterator[Problem]:
    signal = ctx.kubectl_signal(*_KUBECTL_KINDS)
    if signal is None:
        return
    target = signal.host + (f":{signal.port}" if signal.port else "") if signal.host else ""
    to = f" to {target}" if target else ""
    if signal.kind == "timeout":
        yield Problem(
            "network-timeout",
            f"Expected the control plane to answer, found that the connection{to} timed "
            "out (or had no route): packets get no answer over the tailnet.",
            KUBECTL_OUTPUT,
            signal.line,
        )
    elif signal.kind == "no-such-host":
        yield Problem(
            "network-no-such-host",
            f'Expected the server name {signal.host or ""} to resolve, found "no such '
            'host": MagicDNS did not resolve it on this device.',
            KUBECTL_OUTPUT,
            signal.line,
        )
    else:
        yield Problem(
            "network-connection-refused",
            f"Expected the API server to accept the connection{to}, found it refused: "
            "the address answers, but nothing listens on that port.",
            KUBECTL_OUTPUT,
            signal.line,
        )
