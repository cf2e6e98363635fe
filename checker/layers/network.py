"""Can this device see the control plane on the tailnet?

The kubeconfig's server must be a device in `tailscale status --json`: its IP in
a peer's `TailscaleIPs` (or the pre-v1.20 `TailAddr`), or its MagicDNS name a
peer's `DNSName`. That peer must be online and its key not expired, and a MagicDNS
server must be in this tailnet's MagicDNS domain, with MagicDNS on. When the server
is the Tailscale operator's API server proxy, the proxy must be among the peers
(the tailnet policy hides the devices it does not let you reach), online, and able
to get its HTTPS certificate (`CertDomains` empty: HTTPS certificates are off for the
tailnet). kubectl's own network errors count too: "i/o timeout", "no such host",
"was refused", and the proxy's TLS alert "remote error: tls: internal error".
Userspace networking (`TUN: false`), routes not accepted and an offline exit node
fail the layer where they explain a failure kubectl printed, and warn otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import KUBECONFIG, KUBECTL_OUTPUT, TAILSCALE_STATUS
from checker.clock import format_time
from checker.context import CheckContext
from checker.model import KubectlSignal, Problem
from checker.tailnet import MAGICDNS

_KUBECTL_KINDS = ("timeout", "no-such-host", "refused", "reset", "tls-internal-error")
_ACCEPT_ROUTES = "--accept-routes is false"


def applies(ctx: CheckContext) -> bool:
    return (
        _can_match_peer(ctx)
        or ctx.kubectl_signal(*_KUBECTL_KINDS) is not None
        or (ctx.status is not None and ctx.status.signal("proxy-unreachable") is not None)
    )


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
    unreachable = ctx.status.signal("proxy-unreachable") if ctx.status else None
    if unreachable is not None:
        yield Problem(
            "network-proxy-not-visible",
            "Expected `tailscale configure kubeconfig` to find the API server proxy among "
            "the devices this one can reach, found none that serves it: the tailnet policy "
            "does not let this device reach it, or it is offline.",
            TAILSCALE_STATUS,
            unreachable.line,
        )
    failure = ctx.kubectl_signal(*_KUBECTL_KINDS)
    yield from _device_problems(ctx, failure)
    if _can_match_peer(ctx):
        yield from _peer_problems(ctx, failure)
    yield from _kubectl_problems(ctx, failure)


def _device_problems(ctx: CheckContext, failure: KubectlSignal | None) -> Iterator[Problem]:
    """This device's own settings that keep kubectl off the tailnet."""
    status = ctx.status
    if status is None or status.form != "json":
        return
    severity = "error" if failure is not None else "warning"
    if status.tun is False:
        yield Problem(
            "network-userspace-networking",
            "Expected Tailscale to route this device's traffic to the tailnet, found "
            "`TUN: false`: Tailscale runs in userspace networking mode, where programs "
            "such as kubectl cannot reach tailnet addresses."
            + (" That explains what kubectl printed." if failure else ""),
            TAILSCALE_STATUS,
            status.tun_line,
            severity,
        )
    routes = status.health_line(_ACCEPT_ROUTES)
    server = ctx.server
    via_route = server is not None and ctx.control_plane_peer() is None
    if routes is not None and (failure is None or via_route):
        yield Problem(
            "network-routes-not-accepted",
            'Expected this device to use the routes that peers offer, found the health '
            'message "Some peers are advertising routes but --accept-routes is false"'
            + (
                ": the server is not a device of the tailnet, so it can only be reached "
                "through such a route."
                if failure is not None
                else "."
            ),
            TAILSCALE_STATUS,
            routes[1],
            "error" if failure is not None else "warning",
        )
    if status.exit_node_online is False:
        yield Problem(
            "network-exit-node-offline",
            f"Expected the exit node this device uses ({status.exit_node}) to be online, "
            "found it offline: traffic to the internet stops. Tailnet devices, such as "
            "the control plane, are reached without it.",
            TAILSCALE_STATUS,
            status.exit_node_line,
            "warning",
        )


def _peer_problems(ctx: CheckContext, failure: KubectlSignal | None) -> Iterator[Problem]:
    status, server, cluster = ctx.status, ctx.server, ctx.cluster
    if status is None or server is None or cluster is None:
        return
    line = cluster.server_line
    suffix = status.magic_dns_suffix
    if server.kind == MAGICDNS and suffix and not server.host.endswith("." + suffix):
        other = ".".join(server.host.split(".")[1:])
        yield Problem(
            "network-other-tailnet-name",
            f"Expected a `*.{suffix}` name (this tailnet's MagicDNS domain), found "
            f"`{server.host}`, a name in another tailnet's domain ({other}).",
            KUBECONFIG,
            line,
        )
        return
    if server.kind == MAGICDNS and status.magic_dns_enabled is False:
        yield Problem(
            "network-magicdns-off",
            f"Expected MagicDNS to resolve `{server.host}`, found `MagicDNSEnabled: false` "
            "for this tailnet: the name does not resolve on this device.",
            TAILSCALE_STATUS,
            status.magic_dns_line,
        )
    if ctx.server_is_self() or server.host in status.extra_names:
        return
    peer = ctx.control_plane_peer()
    proxy = ctx.organisation.kubernetes.proxy
    is_proxy = ctx.server_is_proxy()
    if peer is None:
        if is_proxy and proxy is not None:
            yield Problem(
                "network-proxy-not-visible",
                f"Expected the API server proxy `{proxy.hostname}` among the devices this "
                f"one can see, found it missing from the {_peers(len(status.peers))}: the "
                "tailnet policy does not let this device reach it, so Tailscale hides it.",
                KUBECONFIG,
                line,
            )
            return
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
            "network-proxy-offline" if is_proxy else "network-control-plane-offline",
            f"Expected the {'API server proxy' if is_proxy else 'control plane'}'s device "
            f"`{peer.label}` to be online, found Online: false.",
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
    elif is_proxy and status.cert_domains == () and status.backend_state == "Running":
        tls = failure is not None and failure.kind == "tls-internal-error"
        yield Problem(
            "network-proxy-https-off",
            "Expected the tailnet to give the API server proxy an HTTPS certificate, found "
            "`CertDomains` empty: HTTPS certificates are off for this tailnet, so the proxy "
            "cannot complete TLS"
            + (' (kubectl\'s "remote error: tls: internal error").' if tls else "."),
            TAILSCALE_STATUS,
            status.cert_domains_line,
            "error" if tls else "warning",
        )


def _peers(count: int) -> str:
    return f"{count} peer{'' if count == 1 else 's'}"


def _kubectl_problems(ctx: CheckContext, signal: KubectlSignal | None) -> Iterator[Problem]:
    if signal is None:
        return
    target = signal.host + (f":{signal.port}" if signal.port else "") if signal.host else ""
    to = f" to {target}" if target else ""
    proxy = ctx.server_is_proxy()
    if signal.kind == "tls-internal-error":
        if ctx.status is not None and ctx.status.cert_domains == () and proxy:
            return  # network-proxy-https-off says why
        yield Problem(
            "network-proxy-tls-error",
            f"Expected the server{to} to complete TLS, found \"remote error: tls: internal "
            'error": the Tailscale operator\'s API server proxy sends this when it has no '
            "certificate for the name kubectl asked for: HTTPS certificates are off for "
            "the tailnet, the proxy could not get its certificate yet, or the server is "
            "not the proxy's MagicDNS name.",
            KUBECTL_OUTPUT,
            signal.line,
        )
    elif signal.kind == "timeout" and signal.detail == "tls-handshake" and proxy:
        yield Problem(
            "network-proxy-tls-timeout",
            f"Expected the API server proxy{to} to complete TLS, found \"net/http: TLS "
            'handshake timeout": kubectl reached it, but it took longer than 10 seconds to '
            "present its certificate (it fetches one the first time, or after it expires).",
            KUBECTL_OUTPUT,
            signal.line,
        )
    elif signal.kind == "timeout":
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
    elif signal.kind == "reset":
        yield Problem(
            "network-connection-reset",
            f"Expected the API server to answer, found the connection{to} closed before it "
            "did (a reset, or an EOF during the TLS handshake): something on the way ended "
            "it.",
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
