"""Diagnose access to a Kubernetes control plane on a Tailscale tailnet."""
