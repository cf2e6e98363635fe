"""Made-up checker requests that warm up the Python the checker page starts with.

Runs inside Pyodide under Node.js at build time, imported by both makers' Python
sides: hooks/bytecode_compile.py (whatever these checks import is compiled to
bytecode) and hooks/snapshot_image.py (whatever they import or compile is in the
memory image). The results are thrown away; nothing here is real data.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

# A self-signed client certificate (CN=warm-up, O=viewers, valid until 2126), as a
# kubeconfig holds it: base64 of the PEM. Made with openssl for this sample only.
SAMPLE_CERTIFICATE = (
    "LS0tLS1CRUdJTiBDRVJUSUZJQ0FURS0tLS0tCk1JSUJuekNDQVVXZ0F3SUJBZ0lVVWYxRWpuOXJzSFhYZUZQ"
    "NnpEL0xtNVBEeWdzd0NnWUlLb1pJemowRUF3SXcKSkRFUU1BNEdBMVVFQXd3SGQyRnliUzExY0RFUU1BNEdB"
    "MVVFQ2d3SGRtbGxkMlZ5Y3pBZ0Z3MHlOakV4TWpneApNekUyTlRSYUdBOHlNVEkyTVRFd05ERXpNVFkxTkZv"
    "d0pERVFNQTRHQTFVRUF3d0hkMkZ5YlMxMWNERVFNQTRHCkExVUVDZ3dIZG1sbGQyVnljekJaTUJNR0J5cUdT"
    "TTQ5QWdFR0NDcUdTTTQ5QXdFSEEwSUFCR0pFc3l2c25Rc20KR0RvUzN5cm9jYml2QlFtVFc2SVlqSHRrUW5H"
    "b3NnSm5teEg2eVNSTk1XMnBrdzE0c3BpaEJzRm1ZenJta2RvWQpzdFNCQXFxLzR3dWpVekJSTUIwR0ExVWRE"
    "Z1FXQkJSaHVzblRmemw5LzFYWXF0UXpERlFSQW5FQzBqQWZCZ05WCkhTTUVHREFXZ0JSaHVzblRmemw5LzFY"
    "WXF0UXpERlFSQW5FQzBqQVBCZ05WSFJNQkFmOEVCVEFEQVFIL01Bb0cKQ0NxR1NNNDlCQU1DQTBnQU1FVUNJ"
    "UUROZTB5SG5Nb2RML1JyUGpuNFVGYXNadzJrL1ZHd2pPWGdmZERzc3BOWgpKQUlnYjVwN3ZiZTJ2bTY0V1JI"
    "eU1tbElkT1pwUXBaYi9mc1h5bWZncHFOUVE5UT0KLS0tLS1FTkQgQ0VSVElGSUNBVEUtLS0tLQo="
)


def sample_organisation() -> dict[str, Any]:
    return {
        "organisation": {"name": "Sample organisation", "short_name": "Sample"},
        "tailscale": {
            "identity_provider": "an identity provider",
            "admins": "an admin",
            "cluster_admins": "a cluster admin",
            "contact": "the sample team",
        },
        "kubernetes": {},
        "roles": {
            "member": {
                "title": "Member",
                "tailnets": ["sample@example"],
                "sign_in": "your sample account",
            }
        },
    }


def sample_requests() -> list[str]:
    """A few requests through every layer and the input errors (results are thrown away)."""
    peer = "nodekey:" + "ab" * 32
    status = {
        "Version": "1.98.9-tsample",
        "BackendState": "Running",
        "TailscaleIPs": ["100.64.0.1", "fd7a:115c:a1e0::1"],
        "Self": {
            "HostName": "laptop",
            "DNSName": "laptop.tailsample.ts.net.",
            "OS": "linux",
            "TailscaleIPs": ["100.64.0.1"],
            "Online": True,
            "KeyExpiry": "2099-01-01T00:00:00Z",
        },
        "Health": [],
        "MagicDNSSuffix": "tailsample.ts.net",
        "CurrentTailnet": {"Name": "sample@example", "MagicDNSSuffix": "tailsample.ts.net"},
        "Peer": {
            peer: {
                "HostName": "control-plane",
                "DNSName": "control-plane.tailsample.ts.net.",
                "OS": "linux",
                "TailscaleIPs": ["100.64.0.2"],
                "Online": True,
            }
        },
    }
    kubeconfig = f"""apiVersion: v1
kind: Config
clusters:
- name: sample
  cluster:
    server: https://100.64.0.2:6443
    certificate-authority-data: {SAMPLE_CERTIFICATE}
contexts:
- name: sample
  context: {{cluster: sample, user: me}}
current-context: sample
users:
- name: me
  user:
    client-certificate-data: {SAMPLE_CERTIFICATE}
    client-key-data: c2FtcGxl
- name: token
  user:
    token: eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjE3MDAwMDAwMDB9.c2ln
"""
    from checker.organisation import organisation_from_dict
    from checker.request import Request

    organisation = organisation_from_dict(sample_organisation())
    now = datetime(2027, 1, 1, tzinfo=UTC)
    forbidden = (
        "Error from server (Forbidden): namespaces is forbidden: "
        'User "warm-up" cannot list resource "namespaces" in API group "" at the cluster scope'
    )
    requests = [
        Request(
            organisation,
            tailscale_status=json.dumps(status, indent=2),
            kubeconfig=kubeconfig,
            kubectl_output=forbidden,
            role="member",
            now=now,
        ),
        Request(
            organisation,
            tailscale_status=kubeconfig,
            kubeconfig="{not yaml: [",
            role="member",
            now=now,
        ),
        Request(organisation, tailscale_status="Tailscale is stopped.", now=now),
    ]
    return [request.to_json() for request in requests]
