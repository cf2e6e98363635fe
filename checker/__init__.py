"""Diagnose access to a Kubernetes control plane on a Tailscale tailnet.

`diagnose(...)` is the pure core (texts in, `Report` out); `checker.api.run`
wraps it for the browser (a JSON string in and out); `python -m checker` is the
command line.
"""

from checker.engine import diagnose
from checker.report import Finding, LayerResult, Report

__all__ = ["Finding", "LayerResult", "Report", "diagnose"]
