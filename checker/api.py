"""The one entry point for the browser: a JSON request string in, a JSON report out.

The request is described in checker/request.py. The answer is exactly what
`python -m checker --format json` prints. `run` never raises: a request it cannot
read gives a report with verdict "input".
"""

from __future__ import annotations

from checker.catalogue import load_catalogue
from checker.engine import diagnose
from checker.parse.x509 import load_asn1crypto
from checker.report import INPUT, NOT_CHECKED, Finding, LayerResult, Report, render_json
from checker.request import BadRequest, Request


def run(request_json: str) -> str:
    """Diagnose the request and return the report as JSON text."""
    try:
        request = Request.from_json(request_json)
    except BadRequest as error:
        return render_json(bad_request_report(str(error)))
    try:
        report = diagnose(
            organisation=request.organisation,
            role=request.role,
            tailnets=request.tailnets,
            now=request.now,
            **request.texts,
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
        where=None,
        fix=check.fix,
        guide="",
        troubleshooting=f"troubleshooting/#{check.id}",
    )
    layers = tuple(LayerResult.of(layer, NOT_CHECKED) for layer in catalogue.layers)
    headline = "Verdict: input - the checker could not read its request."
    return Report(
        verdict=INPUT,
        headline=headline,
        title="The checker cannot use what was pasted",
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
