"""The pure core: texts -> parsed model -> ordered layer checks -> report.

No I/O and no exceptions for bad input: every problem with a pasted text
becomes an `input-*` finding. The verdict is the first failing layer; layers
after it, and layers whose inputs were not given, are "not checked".
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from checker import facts as facts_module
from checker.catalogue import INPUT_LAYER, Catalogue, fill, load_catalogue
from checker.context import CheckContext
from checker.layers import LAYERS
from checker.model import (
    BOX_TITLES,
    KUBECONFIG,
    KUBECTL_OUTPUT,
    SOURCES,
    TAILSCALE_STATUS,
    Kubeconfig,
    KubectlOutput,
    Problem,
    Status,
)
from checker.organisation import Organisation, Role
from checker.parse.common import format_time
from checker.parse.kubeconfig import parse_kubeconfig
from checker.parse.kubectl import parse_kubectl
from checker.parse.tailscale import parse_status
from checker.redact import Redactor, secrets_in_status
from checker.report import (
    FAILED,
    INPUT,
    NOT_CHECKED,
    OK,
    PASSED,
    WARNING,
    Finding,
    LayerResult,
    Report,
    render_summary,
)
from checker.text import Box, open_box


def diagnose(
    *,
    organisation: Organisation,
    tailscale_status: str | None = None,
    kubeconfig: str | None = None,
    kubectl_output: str | None = None,
    role: str | None = None,
    tailnets: Sequence[str] = (),
    now: datetime | None = None,
) -> Report:
    """Check the pasted texts layer by layer and say where access breaks.

    A text that is None or blank was not given. `role` is a role id from the
    organisation data (None: any role's tailnet is fine); `tailnets` overrides
    the role's expected tailnets; `now` (default: the current time) decides
    what has expired.
    """
    catalogue = load_catalogue()
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)
    now = now.astimezone(UTC)
    problems: list[Problem] = []
    role_obj = organisation.role(role) if role else None
    if role and role_obj is None:
        known = ", ".join(r.id for r in organisation.roles)
        problems.append(
            Problem("input-unknown-role", f"Expected one of the roles {known}, found `{role}`.")
        )

    texts = {
        TAILSCALE_STATUS: tailscale_status,
        KUBECONFIG: kubeconfig,
        KUBECTL_OUTPUT: kubectl_output,
    }
    boxes: dict[str, Box] = {}
    inputs: dict[str, str] = {}
    for source in SOURCES:
        box, problem = open_box(source, texts[source])
        if problem:
            problems.append(problem)
        if box:
            boxes[source] = box
        inputs[source] = "given" if box else ("unusable" if problem else "not given")

    status: Status | None = None
    kc: Kubeconfig | None = None
    kubectl: KubectlOutput | None = None
    if TAILSCALE_STATUS in boxes:
        status, found = parse_status(boxes[TAILSCALE_STATUS])
        problems += found
    if KUBECONFIG in boxes:
        kc, found = parse_kubeconfig(boxes[KUBECONFIG])
        problems += found
        if kc is not None and kc.data_omitted:
            problems.append(
                Problem(
                    "input-kubeconfig-data-omitted",
                    "Expected the kubeconfig's certificates and tokens, found `DATA+OMITTED` "
                    "or `REDACTED` in their place (`kubectl config view` without `--raw`), so "
                    "they were not checked.",
                    KUBECONFIG,
                    boxes[KUBECONFIG].first_line_matching("DATA+OMITTED")
                    or boxes[KUBECONFIG].first_line_matching("REDACTED"),
                )
            )
    if KUBECTL_OUTPUT in boxes:
        kubectl, found = parse_kubectl(boxes[KUBECTL_OUTPUT])
        problems += found
    for source, parsed in ((TAILSCALE_STATUS, status), (KUBECONFIG, kc), (KUBECTL_OUTPUT, kubectl)):
        if source in boxes and parsed is None:
            inputs[source] = "unusable"

    expected = tuple(tailnets) or (role_obj.tailnets if role_obj else organisation.all_tailnets)
    effective_role: Role | None = role_obj
    if effective_role is None and not role and status is not None and status.tailnet:
        effective_role = organisation.role_of_tailnet(status.tailnet)
    ctx = CheckContext(
        status=status,
        kubeconfig=kc,
        kubectl=kubectl,
        organisation=organisation,
        role=effective_role,
        role_given=role_obj is not None,
        expected_tailnets=expected,
        now=now,
    )

    secrets: set[str] = set(kc.secrets) if kc else set()
    if TAILSCALE_STATUS in boxes:
        secrets |= secrets_in_status(boxes[TAILSCALE_STATUS].text)
    stamp = _Stamper(
        catalogue, organisation, effective_role, tuple(tailnets), boxes, Redactor(secrets)
    )

    findings = [stamp(p) for p in problems]
    layers: list[LayerResult] = []
    verdict: str | None = None
    checked_any = False
    for layer in LAYERS:
        info = catalogue.layer(layer.ID)
        if verdict is not None or not layer.applies(ctx):
            layers.append(LayerResult(info.id, info.title, info.question, NOT_CHECKED))
            continue
        checked_any = True
        found_here = [stamp(p) for p in layer.check(ctx)]
        findings += found_here
        severities = {f.severity for f in found_here}
        result = FAILED if "error" in severities else WARNING if "warning" in severities else PASSED
        layers.append(LayerResult(info.id, info.title, info.question, result))
        if result == FAILED:
            verdict = layer.ID

    input_failed = any(f.layer == INPUT_LAYER and f.severity == "error" for f in findings)
    if not checked_any and not input_failed:
        findings.append(
            stamp(
                Problem(
                    "input-nothing-to-check",
                    "Expected at least one box with `tailscale status --json` output, a "
                    "kubeconfig or kubectl output the checker recognises, found none, so no "
                    "layer could be checked.",
                )
            )
        )
        input_failed = True
    final = INPUT if input_failed else verdict or OK
    headline = _headline(final, layers, catalogue)
    fact_list = tuple((k, stamp.redactor.text(v)) for k, v in facts_module.gather(ctx))
    layer_tuple, finding_tuple = tuple(layers), tuple(findings)
    when = format_time(now)
    summary = render_summary(
        headline,
        layer_tuple,
        finding_tuple,
        fact_list,
        inputs,
        when,
        role_obj.id if role_obj else None,
    )
    return Report(
        verdict=final,
        headline=headline,
        role=role_obj.id if role_obj else None,
        tailnets=expected,
        now=now.isoformat().replace("+00:00", "Z"),
        layers=layer_tuple,
        findings=finding_tuple,
        facts=fact_list,
        inputs=tuple(inputs.items()),
        site_url=organisation.site_url,
        summary=stamp.redactor.text(summary),
    )


def _headline(verdict: str, layers: list[LayerResult], catalogue: Catalogue) -> str:
    if verdict == OK:
        checked = sum(1 for r in layers if r.status != NOT_CHECKED)
        return f"Verdict: ok - no problem found in the {checked} layers that could be checked."
    if verdict == INPUT:
        return "Verdict: input - a pasted text cannot be used; fix that box first."
    layer = catalogue.layer(verdict)
    return f"Verdict: {verdict} - {layer.title}: {layer.question}"


class _Stamper:
    """Problem -> Finding: catalogue severity and fix, guide links, redacted evidence."""

    def __init__(
        self,
        catalogue: Catalogue,
        organisation: Organisation,
        role: Role | None,
        tailnets: tuple[str, ...],
        boxes: dict[str, Box],
        redactor: Redactor,
    ) -> None:
        self.catalogue = catalogue
        self.organisation = organisation
        self.role_id = role.id if role else organisation.roles[0].id
        self.tailnets = tailnets
        self.boxes = boxes
        self.redactor = redactor

    def __call__(self, problem: Problem) -> Finding:
        check = self.catalogue.checks[problem.id]
        box = self.boxes.get(problem.source or "")
        evidence = box.line(problem.line) if box else None
        if evidence is not None:
            # Redact the whole line first: a cut secret would leak its first part.
            evidence = self.redactor.line(evidence)
            if len(evidence) > 300:
                evidence = evidence[:300] + "\u2026"
        message = problem.message
        if check.layer == INPUT_LAYER and problem.source:
            # Input problems are about a box; say which one before what is wrong in it.
            message = f"In the {BOX_TITLES[problem.source]}: {message[:1].lower()}{message[1:]}"
        return Finding(
            id=check.id,
            layer=check.layer,
            severity=problem.severity or check.severity,
            message=self.redactor.text(message),
            source=problem.source,
            line=problem.line,
            evidence=evidence,
            fix=fill(check.fix, self.organisation, self.role_id, self.tailnets),
            guide=f"connect/{self.role_id}/#{check.step}"
            if check.step
            else f"connect/{self.role_id}/",
            troubleshooting=f"troubleshooting/#{check.id}",
        )
