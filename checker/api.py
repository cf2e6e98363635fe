"""The one entry point for the browser: a JSON request string in, a JSON report out.

Request keys: "tailscale_status", "kubeconfig", "kubectl_output" (str or null),
"role" (str or null), "tailnets" (list of str), "now" (ISO 8601 or null), and
"organisation" (organisation.yml as a JSON object). The answer is exactly what
`python -m checker --format json` prints. `run` never raises: a request it
cannot read gives a report with verdict "input".
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from checker.catalogue import load_catalogue
from checker.engine import diagnose
from checker.organisation import OrganisationError, organisation_from_dict
from checker.parse.x509 import load_asn1crypto
from checker.report import INPUT, NOT_CHECKED, Finding, LayerResult, Report, render_json

_TEXT_KEYS = ("tailscale_status", "kubeconfig", "kubectl_output")


class BadRequest(ValueError):
    pass


def run(request_json: str) -> str:
    """Diagnose the request and return the report as JSON text."""
    try:
        request = _read(request_json)
        organisation = organisation_from_dict(request.get("organisation"))
    except (BadRequest, OrganisationError) as error:
        return render_json(bad_request_report(str(error)))
    try:
        report = diagnose(
            organisation=organisation,
            tailscale_status=request.get("tailscale_status"),
            kubeconfig=request.get("kubeconfig"),
            kubectl_output=request.get("kubectl_output"),
            role=request.get("role"),
            tailnets=request.get("tailnets") or (),
            now=request.get("now"),
        )
    # The page must always get a report to show: an exception here is a bug in
    # the checker, and saying so beats a frozen page.
    except Exception as error:
        reason = f"internal error in the checker ({type(error).__name__})"
        return render_json(bad_request_report(reason))
    return render_json(report)


def warm_up() -> None:
    """Do now what the first check would do on first use: read the catalogue, import
    what reading a certificate needs. The page's worker calls this once Python is
    ready, while the reader is still copying what to paste; no check needs it."""
    load_catalogue()
    load_asn1crypto()


def _read(request_json: str) -> dict[str, Any]:
    try:
        request = json.loads(request_json)
    except (TypeError, ValueError, RecursionError) as error:
        raise BadRequest(f"the request is not JSON: {error}") from error
    if not isinstance(request, dict):
        raise BadRequest("the request is not a JSON object")
    for key in _TEXT_KEYS:
        if request.get(key) is not None and not isinstance(request[key], str):
            raise BadRequest(f"{key} must be a string or null")
    if request.get("role") is not None and not isinstance(request["role"], str):
        raise BadRequest("role must be a string or null")
    tailnets = request.get("tailnets") or []
    if not isinstance(tailnets, list) or not all(isinstance(t, str) for t in tailnets):
        raise BadRequest("tailnets must be a list of strings")
    request["tailnets"] = tuple(t for t in tailnets if t.strip())
    now = request.get("now")
    if now is not None:
        try:
            request["now"] = datetime.fromisoformat(now) if isinstance(now, str) else None
        except ValueError as error:
            raise BadRequest(f"now is not an ISO 8601 time: {now!r}") from error
        if request["now"] is None:
            raise BadRequest("now must be an ISO 8601 string or null")
    return request


def bad_request_report(reason: str) -> Report:
    """A report for a request that could not be diagnosed at all."""
    catalogue = load_catalogue()
    check = catalogue.checks["input-bad-request"]
    finding = Finding(
        id=check.id,
        layer=check.layer,
        severity=check.severity,
        message=f"Expected a checker request, found a problem: {reason}.",
        source=None,
        line=None,
        evidence=None,
        fix=check.fix,
        guide="",
        troubleshooting=f"troubleshooting/#{check.id}",
    )
    layers = tuple(LayerResult(x.id, x.title, x.question, NOT_CHECKED) for x in catalogue.layers)
    headline = "Verdict: input - the checker could not read its request."
    return Report(
        verdict=INPUT,
        headline=headline,
        role=None,
        tailnets=(),
        now="",
        layers=layers,
        findings=(finding,),
        facts=(),
        inputs=(),
        site_url="",
        summary=f"{headline}\n{finding.message}",
    )
