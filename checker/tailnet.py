"""Tailscale addresses and kubeconfig server URLs (net/tsaddr ranges)."""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from urllib.parse import urlsplit

CGNAT = ipaddress.ip_network("100.64.0.0/10")
CHROMEOS_VMS = ipaddress.ip_network("100.115.92.0/23")  # inside CGNAT, never Tailscale's
TAILSCALE_ULA = ipaddress.ip_network("fd7a:115c:a1e0::/48")
SERVICE_IPS = (ipaddress.ip_address("100.100.100.100"), ipaddress.ip_address("fd7a:115c:a1e0::53"))
RANGES_TEXT = "100.64.0.0/10 or fd7a:115c:a1e0::/48"
# Office and home networks. Not `ip.is_private`: that also holds the documentation
# ranges (203.0.113.0/24...), which stand for public addresses.
LAN = tuple(
    ipaddress.ip_network(n)
    for n in (
        "10.0.0.0/8",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "169.254.0.0/16",
        "fc00::/7",
        "fe80::/10",
    )
)

# What kind of place a server address points at, in the words the messages use.
TAILNET_IP = "tailnet-ip"
MAGICDNS = "magicdns"
SHORT_NAME = "short-name"
LOOPBACK = "loopback"
PRIVATE = "private"
CHROMEOS = "chromeos"
SERVICE = "service"
PUBLIC = "public"
OTHER_NAME = "other-name"
INVALID = "invalid"

DESCRIPTIONS = {
    LOOPBACK: "this computer itself (loopback), e.g. a port-forward or a local cluster",
    PRIVATE: "an office or home network (private LAN) address, not a Tailscale one",
    CHROMEOS: "in 100.115.92.0/23, which ChromeOS uses for its VMs and Tailscale never assigns",
    SERVICE: "Tailscale's own DNS service address, not a device",
    PUBLIC: "a public internet address, not a Tailscale one",
    OTHER_NAME: "a DNS name outside the tailnet (not *.ts.net)",
    INVALID: "not a valid https:// URL",
}


@dataclass(frozen=True)
class Server:
    url: str
    host: str  # lower case; IPv6 without brackets
    port: str | None
    kind: str
    ip: ipaddress.IPv4Address | ipaddress.IPv6Address | None = None

    @property
    def is_tailnet(self) -> bool:
        return self.kind in (TAILNET_IP, MAGICDNS, SHORT_NAME)


def parse_server(url: str, magic_dns_suffix: str | None = None) -> Server:
    """Classify a kubeconfig `server:` value.

    A name under `magic_dns_suffix` (the status's own MagicDNS domain) is a tailnet
    name even when it does not end in .ts.net: a self-hosted control server
    (Headscale) gives its tailnet a domain of its own.
    """
    raw = url.strip()
    full = raw if "://" in raw else "https://" + raw
    try:
        parts = urlsplit(full)
        host = (parts.hostname or "").lower()
        port = str(parts.port) if parts.port is not None else None
    except ValueError:
        return Server(raw, "", None, INVALID)
    if not host:
        return Server(raw, "", None, INVALID)
    kind, ip = classify_host(host)
    suffix = (magic_dns_suffix or "").strip(".").lower()
    if kind == OTHER_NAME and suffix and host.rstrip(".").endswith("." + suffix):
        kind = MAGICDNS
    return Server(raw, host, port, kind, ip)


def classify_host(
    host: str,
) -> tuple[str, ipaddress.IPv4Address | ipaddress.IPv6Address | None]:
    host = host.strip("[]").rstrip(".").lower()
    try:
        ip = ipaddress.ip_address(host.split("%")[0])
    except ValueError:
        if host == "localhost" or host.endswith(".localhost"):
            return LOOPBACK, None
        if host.endswith(".ts.net"):
            return MAGICDNS, None
        if "." not in host:
            return SHORT_NAME, None
        return OTHER_NAME, None
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if ip in SERVICE_IPS:
        return SERVICE, ip
    if isinstance(ip, ipaddress.IPv4Address) and ip in CHROMEOS_VMS:
        return CHROMEOS, ip
    if (isinstance(ip, ipaddress.IPv4Address) and ip in CGNAT) or (
        isinstance(ip, ipaddress.IPv6Address) and ip in TAILSCALE_ULA
    ):
        return TAILNET_IP, ip
    if ip.is_loopback or ip.is_unspecified:
        return LOOPBACK, ip
    if any(ip in net for net in LAN if net.version == ip.version):
        return PRIVATE, ip
    return PUBLIC, ip


def same_ip(a: str, b: str) -> bool:
    try:
        x, y = ipaddress.ip_address(a.strip("[]")), ipaddress.ip_address(b.strip("[]"))
    except ValueError:
        return a.strip().lower() == b.strip().lower()
    if isinstance(x, ipaddress.IPv6Address) and x.ipv4_mapped is not None:
        x = x.ipv4_mapped
    if isinstance(y, ipaddress.IPv6Address) and y.ipv4_mapped is not None:
        y = y.ipv4_mapped
    return x == y
