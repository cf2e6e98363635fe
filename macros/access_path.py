"""The access path as a picture: inline SVG drawn at build time from the organisation data.

A request goes from the reader's laptop through the Tailscale client, the tailnet
account and the device's approval, the kubeconfig, the tailnet path (through the
operator's API server proxy where the organisation uses one) to the control plane,
and its credentials and RBAC. One box a hop, in that order, each a link to the guide
step that sets it up; the names come from the data (the tailnet, the proxy, the
groups). The colours are the theme's (CSS classes in docs/assets/stylesheets/site.css),
so the picture follows the light and dark palettes; a <title> and <desc> say the same
in words, and each box's link has its own label. The links are `xlink:href`: Material's
instant navigation rewrites every `[href]` on a page it swaps in, and an SVG link's
`href` cannot be set.
"""

from __future__ import annotations

import posixpath
from dataclasses import dataclass
from html import escape

from checker.organisation import AUTH, Organisation, Role

WIDTH = 360
BOX_HEIGHT = 52
GAP = 18


@dataclass(frozen=True)
class Hop:
    title: str
    detail: str
    step: str | None  # the guide step that sets it up
    layer: str | None  # the checker's layer for it


def hops(organisation: Organisation, role: Role) -> list[Hop]:
    kubernetes = organisation.kubernetes
    proxy = kubernetes.proxy
    server = (
        f"https://{proxy.hostname}.<tailnet>.ts.net"
        if proxy
        else f"{kubernetes.control_plane}'s Tailscale IP"
    )
    path = [
        Hop("Your laptop", "kubectl and the Tailscale app", None, None),
        Hop("Tailscale client", "installed, running, connected", "install-tailscale", "tailscale"),
        Hop("Tailnet account", f"signed in to {role.tailnet}", "select-tailnet", "account"),
        Hop("Device approval", f"by {organisation.tailscale.admins}", "approve-device", "device"),
        Hop("Kubeconfig", f"server: {server}", "add-kubeconfig", "kubeconfig"),
    ]
    if proxy:
        mode = "acts as your tailnet login" if proxy.mode == AUTH else "passes your token on"
        name = f"API server proxy {proxy.hostname}"
        path.append(Hop(name, f"{proxy.tag}; {mode}", "check-server", "network"))
        path.append(Hop("Control plane", "the Kubernetes API server", None, None))
    else:
        where = f"to {kubernetes.control_plane}"
        path.append(Hop("Tailnet path", where, "check-server", "network"))
    if proxy and proxy.mode == AUTH:
        who = "your tailnet login"
        groups = ", ".join(role.kubernetes_groups)
        rbac = f"groups: {groups}" if groups else "your Kubernetes RBAC"
    else:
        who = "your kubeconfig's user"
        rbac = "your Kubernetes RBAC"
    path.append(Hop("Credentials", who, "add-kubeconfig", "credentials"))
    path.append(Hop("RBAC permissions", rbac, "test-access", "rbac"))
    return path


def svg(organisation: Organisation, role: Role, page_url: str) -> str:
    """The picture for `role`, with links relative to the page at `page_url`."""
    path = hops(organisation, role)
    height = len(path) * BOX_HEIGHT + (len(path) - 1) * GAP
    words = "; then ".join(f"{hop.title} ({hop.detail})" for hop in path)
    ids = f"access-path-{role.id}"
    out = [
        f'<svg class="access-path" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'aria-labelledby="{ids}-title {ids}-desc" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{ids}-title">The path from your laptop to the cluster, for '
        f"{escape(role.title)}</title>",
        f'<desc id="{ids}-desc">{escape(words)}.</desc>',
    ]
    guide = role.guide
    for i, hop in enumerate(path):
        y = i * (BOX_HEIGHT + GAP)
        box = (
            f'<rect class="access-path__box" x="1" y="{y + 1}" width="{WIDTH - 2}" '
            f'height="{BOX_HEIGHT - 2}" rx="6"/>'
            f'<text class="access-path__title" x="14" y="{y + 21}">{escape(hop.title)}</text>'
            f'<text class="access-path__detail" x="14" y="{y + 40}">{escape(hop.detail)}</text>'
        )
        if hop.step:
            href = relative(f"{guide}#{hop.step}", page_url)
            label = f"{hop.title}: step {hop.step.replace('-', ' ')} of your guide"
            layer = f' data-access-layer="{hop.layer}"' if hop.layer else ""
            out.append(
                f'<a class="access-path__hop" xlink:href="{escape(href)}" '
                f'aria-label="{escape(label)}"{layer}>{box}</a>'
            )
        else:
            out.append(f'<g class="access-path__hop access-path__hop--end">{box}</g>')
        if i < len(path) - 1:
            x, top = WIDTH // 2, y + BOX_HEIGHT
            out.append(
                f'<path class="access-path__arrow" d="M{x} {top + 2} V{top + GAP - 4} '
                f'M{x - 5} {top + GAP - 9} L{x} {top + GAP - 3} L{x + 5} {top + GAP - 9}"/>'
            )
    out.append("</svg>")
    return "".join(out)


def relative(target: str, page_url: str) -> str:
    """`target` (relative to the site root) as seen from the page at `page_url`."""
    target_path, _, anchor = target.partition("#")
    here = page_url if page_url.endswith("/") or not page_url else posixpath.dirname(page_url)
    if target_path.rstrip("/") == here.rstrip("/"):
        return f"#{anchor}" if anchor else "./"
    rel = posixpath.relpath(target_path or ".", here or ".")
    rel = rel + "/" if target_path.endswith("/") and not rel.endswith("/") else rel
    return f"{rel}#{anchor}" if anchor else rel
