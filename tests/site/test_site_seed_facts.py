"""Every fact of HOT's one-page guide is on the site, on the page where a reader looks.

One row per sentence or bullet of that guide: (what the guide said, page address,
what the site must say). The site rewords and restructures, so each row names the
phrase that carries the fact on the site; none may be lost.

HOT reaches its cluster through the Tailscale Kubernetes operator's API server
proxy (organisation.yml, kubernetes.path), so the guide's "the control plane's
Tailscale IP" is said as what it is on that path: the control plane's Tailscale
address, the proxy's MagicDNS name. The direct path keeps the guide's words
(tests/site/test_site_rebrand.py builds an organisation that uses it).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from site_html import article, page, text

OVERVIEW, PRIVACY, BEFORE = "", "privacy/", "before-you-start/"
STAFF, CONTRACTOR = "connect/staff/", "connect/contractor/"
TROUBLESHOOTING, LEAVING = "troubleshooting/", "leaving/"

SEED_FACTS = [
    # Using Tailscale to Access Kubernetes Clusters
    ("title", OVERVIEW, "Using Tailscale to access Kubernetes clusters"),
    (
        "We use Tailscale to keep Kubernetes control planes off the public internet.",
        OVERVIEW,
        "(HOT) uses Tailscale to keep its Kubernetes control planes off the public internet.",
    ),
    (
        "Instead of opening the Kubernetes API to public IP addresses, approved devices join a "
        "private HOT network called a tailnet.",
        OVERVIEW,
        "Instead of opening the Kubernetes API to public IP addresses, approved devices "
        "join a private HOT network called a tailnet.",
    ),
    (
        "kubectl can then reach the control plane through its Tailscale IP.",
        OVERVIEW,
        "kubectl can then reach the control plane through its Tailscale address: the "
        "Tailscale Kubernetes operator's API server proxy, hotosm-k8s-operator",
    ),
    (
        "Tailscale only handles the network path.",
        OVERVIEW,
        "Tailscale only handles the network path.",
    ),
    (
        "Kubernetes access is still controlled by your kubeconfig and Kubernetes RBAC permissions.",
        OVERVIEW,
        "Kubernetes access is still controlled by your kubeconfig and Kubernetes RBAC permissions.",
    ),
    # Access Model
    ("Cluster access has three layers:", OVERVIEW, "Cluster access has three layers"),
    (
        "Tailscale account access: you must be allowed into the HOT tailnet.",
        OVERVIEW,
        "Tailscale account access: you must be allowed into the HOT tailnet",
    ),
    (
        "Device approval: your laptop must be approved by a tailnet admin.",
        OVERVIEW,
        "Device approval: your laptop must be approved by a tailnet admin.",
    ),
    (
        "Kubernetes access: your kubeconfig and RBAC permissions decide what you can do.",
        OVERVIEW,
        "Kubernetes access: your kubeconfig and RBAC permissions decide what you can do.",
    ),
    # Privacy And Device Access
    (
        "Installing Tailscale does not give everyone access to your laptop.",
        PRIVACY,
        "Installing Tailscale does not give everyone access to your laptop.",
    ),
    (
        "Other users do not automatically get SSH, file, screen, or browser access.",
        PRIVACY,
        "Other users do not automatically get SSH, file, screen, or browser access",
    ),
    (
        "SSH access must be explicitly enabled and allowed by Tailscale policy.",
        PRIVACY,
        "SSH access must be explicitly enabled and allowed by Tailscale policy.",
    ),
    (
        "Normal SSH also requires an SSH server, a local user, and valid credentials.",
        PRIVACY,
        "Normal SSH also requires an SSH server, a local user, and valid credentials",
    ),
    (
        "Kubernetes permissions are separate from Tailscale.",
        PRIVACY,
        "Kubernetes permissions are separate from Tailscale.",
    ),
    (
        "Being on the tailnet does not grant cluster admin access.",
        PRIVACY,
        "Being on the tailnet does not grant cluster admin access.",
    ),
    (
        "Tailnet admins can see device metadata such as device name, account, tailnet IP, "
        "operating system, and connection status.",
        PRIVACY,
        "Tailnet admins can see device metadata such as device name, account, tailnet IP, "
        "operating system, and connection status.",
    ),
    ("This is needed to manage access.", PRIVACY, "This is needed to manage access."),
    (
        "Tailnet admins cannot see your local files, screen, browser history, or non-Tailscale "
        "traffic through the admin console.",
        PRIVACY,
        "Tailnet admins cannot see your local files, screen, browser history, or "
        "non-Tailscale traffic through the admin console.",
    ),
    (
        "You can disconnect Tailscale when you are not working with cluster resources.",
        PRIVACY,
        "You can disconnect Tailscale when you are not working with cluster resources",
    ),
    (
        "Use a clear device name such as first-last-laptop.",
        PRIVACY,
        "use a clear device name such as first-last-laptop.",
    ),
    (
        "Avoid putting private details in the device name, since it may be visible in the tailnet.",
        PRIVACY,
        "Avoid putting private details in the device name, since it may be visible in the tailnet.",
    ),
    # Before You Start
    ("You need:", BEFORE, "You need:"),
    ("Tailscale installed on your machine.", BEFORE, "Tailscale installed on your machine."),
    ("kubectl installed.", BEFORE, "kubectl installed"),
    (
        "Access to the correct HOT GitHub account or organization.",
        BEFORE,
        "Access to the correct HOT GitHub account or organisation",
    ),
    (
        "A kubeconfig from a cluster admin.",
        BEFORE,
        "A kubeconfig: your guide shows how to make one with tailscale configure kubeconfig "
        "hotosm-k8s-operator, or use one from a cluster admin.",
    ),
    ("Device approval from a Tailscale admin.", BEFORE, "Device approval from a Tailscale admin"),
    ("Keep your kubeconfig private.", BEFORE, "Keep your kubeconfig private"),
    (
        "It is the credential that tells Kubernetes who you are and what you can access.",
        BEFORE,
        "Your kubeconfig is the credential that tells Kubernetes who you are and what you "
        "can access.",
    ),
    # Connecting As Staff
    ("Connecting As Staff", STAFF, "Connecting as staff"),
    (
        "Install Tailscale from https://tailscale.com/download.",
        STAFF,
        "Install Tailscale from https://tailscale.com/download.",
    ),
    ("Open Tailscale and sign in with GitHub.", STAFF, "Open Tailscale and sign in with GitHub"),
    ("Select the user@hotosm tailnet.", STAFF, "Select the user@hotosm tailnet."),
    (
        "Make sure you are not connected to a personal or private tailnet.",
        STAFF,
        "Make sure you are not connected to a personal or private tailnet.",
    ),
    (
        "Ask a Tailscale admin to approve your device.",
        STAFF,
        "Ask a Tailscale admin to approve your device.",
    ),
    (
        "Confirm you are connected: tailscale status",
        STAFF,
        "Confirm you are connected: tailscale status",
    ),
    (
        "Add the kubeconfig provided by the cluster admin.",
        STAFF,
        "You can also add the kubeconfig provided by the cluster admin instead",
    ),
    (
        "Make sure the kubeconfig points to the cluster control plane Tailscale IP.",
        STAFF,
        "Make sure the kubeconfig points to the cluster control plane's Tailscale address: "
        "for HOT, the MagicDNS name of its API server proxy on the tailnet.",
    ),
    ("Test access: kubectl get namespaces", STAFF, "Test access: kubectl get namespaces"),
    (
        "If the command works, you can use the cluster according to your Kubernetes RBAC "
        "permissions.",
        STAFF,
        "If the command works, you can use the cluster according to your Kubernetes RBAC "
        "permissions",
    ),
    # Connecting As A Contractor
    ("Connecting As A Contractor", CONTRACTOR, "Connecting as a contractor"),
    (
        "Contractor access is more restricted than staff access.",
        CONTRACTOR,
        "Contractor access is more restricted than staff access.",
    ),
    (
        "Install Tailscale from https://tailscale.com/download. (contractor)",
        CONTRACTOR,
        "Install Tailscale from https://tailscale.com/download.",
    ),
    (
        "Open Tailscale and sign in with the GitHub account provided for the contract.",
        CONTRACTOR,
        "Open Tailscale and sign in with GitHub, using the GitHub account provided "
        "for the contract.",
    ),
    (
        "Select the hotosm-contractors@hotosm tailnet.",
        CONTRACTOR,
        "Select the hotosm-contractors@hotosm tailnet.",
    ),
    (
        "Ask a Tailscale admin to approve your device. (contractor)",
        CONTRACTOR,
        "Ask a Tailscale admin to approve your device.",
    ),
    (
        "Add the kubeconfig provided for your work.",
        CONTRACTOR,
        "You can also add the kubeconfig provided by the cluster admin, for your work instead",
    ),
    (
        "Test access: kubectl get namespaces (contractor)",
        CONTRACTOR,
        "Test access: kubectl get namespaces",
    ),
    (
        "Contractor access is usually read-only by default.",
        CONTRACTOR,
        "Contractor access is usually read-only by default.",
    ),
    (
        "Edit access can be granted for specific namespaces when needed.",
        CONTRACTOR,
        "Edit access can be granted for specific namespaces when needed",
    ),
    # The steps the one-pager left out of the contractor list: every role gets every step.
    (
        "(fixed) contractor: not on a personal tailnet",
        CONTRACTOR,
        "Make sure you are not connected to a personal or private tailnet.",
    ),
    (
        "(fixed) contractor: confirm you are connected",
        CONTRACTOR,
        "Confirm you are connected: tailscale status",
    ),
    (
        "(fixed) contractor: the server is the control plane's Tailscale IP",
        CONTRACTOR,
        "Make sure the kubeconfig points to the cluster control plane's Tailscale address: "
        "for HOT, the MagicDNS name of its API server proxy on the tailnet.",
    ),
    # Troubleshooting
    ("If kubectl cannot connect:", TROUBLESHOOTING, "If kubectl cannot connect"),
    ("Check that Tailscale is running.", TROUBLESHOOTING, "Check that Tailscale is running"),
    (
        "Check that you joined the correct tailnet.",
        TROUBLESHOOTING,
        "Check that you joined the correct tailnet",
    ),
    (
        "Check that your device has been approved.",
        TROUBLESHOOTING,
        "Check that your device has been approved",
    ),
    (
        "Check that the kubeconfig server address is the cluster control plane Tailscale IP.",
        TROUBLESHOOTING,
        "Check that the kubeconfig server address is the cluster control plane's Tailscale "
        "address: the MagicDNS name of the API server proxy",
    ),
    (
        "If kubectl connects but says Forbidden, the network is working.",
        TROUBLESHOOTING,
        "If kubectl connects but says Forbidden, the network is working.",
    ),
    (
        "Ask a cluster admin to check your Kubernetes RBAC permissions.",
        TROUBLESHOOTING,
        "Ask a cluster admin to check your Kubernetes RBAC permissions",
    ),
    # Offboarding
    (
        "If you no longer need access, ask a Tailscale admin to remove your device from the "
        "tailnet.",
        LEAVING,
        "If you no longer need access, ask a Tailscale admin to remove your device from "
        "the tailnet.",
    ),
]


@pytest.mark.parametrize(
    ("seed", "address", "phrase"), SEED_FACTS, ids=[row[0][:60] for row in SEED_FACTS]
)
def test_seed_fact_is_on_its_page(site_dir: Path, seed: str, address: str, phrase: str) -> None:
    content = text(article(page(site_dir, address)))
    assert phrase in content, f"{seed!r}: expected {phrase!r} on /{address}"


def test_troubleshooting_checklist_keeps_the_guide_order(site_dir: Path) -> None:
    content = text(article(page(site_dir, TROUBLESHOOTING)))
    checklist = [
        "If kubectl cannot connect",
        "Check that Tailscale is running",
        "Check that you joined the correct tailnet",
        "Check that your device has been approved",
        "Check that the kubeconfig server address",
        "If kubectl connects but says Forbidden",
    ]
    positions = [content.find(item) for item in checklist]
    assert -1 not in positions and positions == sorted(positions), positions
