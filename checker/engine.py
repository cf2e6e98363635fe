"""The pure core: texts -> parsed model -> ordered layer checks -> report.

`diagnose` is four steps, each a function below:

1. `read_inputs`: each box's text opened (size, binary, line endings), tidied (what
   was pasted around the output set aside: checker/parse/forgiving.py) and parsed;
2. `identify_reader`: the reader's role and expected tailnets (given, or known from
   the tailnet the status shows);
3. `run_layers`: the layers in connection order, until the first that fails;
4. `build_report`: verdict, headline, facts and the redacted summary.

No I/O and no exceptions for bad input: every problem with a pasted text becomes
an `input-*` finding. The verdict is the first failing layer; layers after it, and
layers whose inputs were not given, are "not checked".
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from checker import facts
from checker.boxes import BOX, BOXES, KUBECONFIG, KUBECTL_OUTPUT, TAILSCALE_STATUS
from checker.catalogue import INPUT_LAYER, Catalogue, fill, load_catalogue
from checker.clock import format_time, iso, utc
from checker.context import CheckContext
from checker.layers import layers
from checker.model import Kubeconfig, KubectlOutput, Problem, Status
from checker.organisation import Organisation, Role
from checker.parse.forgiving import tidy
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
    title_of,
    where_of,
)
from checker.text import Box, open_box

# Each box's parser: the box -> its model (None: unusable) and the input problems.
PARSERS: Mapping[str, Callable[[Box], tuple[Any, list[Problem]]]] = {
    TAILSCALE_STATUS: parse_status,
    KUBECONFIG: parse_kubeconfig,
    KUBECTL_OUTPUT: parse_kubectl,
}
GIVEN, UNUSABLE, NOT_GIVEN = "given", "unusable", "not given"


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
    clock = utc(now)
    pasted = read_inputs(
        {TAILSCALE_STATUS: tailscale_status, KUBECONFIG: kubeconfig, KUBECTL_OUTPUT: kubectl_output}
    )
    reader = identify_reader(organisation, role, tuple(tailnets), pasted.status)
    ctx = CheckContext(
        status=pasted.status,
        kubeconfig=pasted.kubeconfig,
        kubectl=pasted.kubectl,
        organisation=organisation,
        role=reader.role,
        role_given=reader.role_given is not None,
        expected_tailnets=reader.expected_tailnets,
        now=clock,
    )
    stamp = Stamper(
        load_catalogue(),
        organisation,
        reader.role,
        tuple(tailnets),
        pasted.boxes,
        Redactor(pasted.secrets),
    )
    findings = [stamp(p) for p in (*reader.problems, *pasted.problems)]
    checked = run_layers(ctx, stamp)
    return build_report(ctx, reader, pasted, stamp, findings + checked.findings, checked)


# --- 1. the inputs ------------------------------------------------------------


@dataclass(frozen=True)
class Pasted:
    """What the boxes held, opened and parsed."""

    boxes: dict[str, Box]  # the usable boxes, by box id
    models: dict[str, Any]  # box id -> its parsed model
    problems: tuple[Problem, ...]  # opening problems first, then parsing problems
    states: dict[str, str]  # box id -> given | unusable | not given
    secrets: frozenset[str]  # values no output may show

    @property
    def status(self) -> Status | None:
        value: Status | None = self.models.get(TAILSCALE_STATUS)
        return value

    @property
    def kubeconfig(self) -> Kubeconfig | None:
        value: Kubeconfig | None = self.models.get(KUBECONFIG)
        return value

    @property
    def kubectl(self) -> KubectlOutput | None:
        value: KubectlOutput | None = self.models.get(KUBECTL_OUTPUT)
        return value


def read_inputs(texts: Mapping[str, str | None]) -> Pasted:
    boxes: dict[str, Box] = {}
    problems: list[Problem] = []
    states: dict[str, str] = {}
    for box_info in BOXES:
        box, problem = open_box(box_info.id, texts.get(box_info.id))
        if problem:
            problems.append(problem)
        if box:
            boxes[box_info.id] = box
        states[box_info.id] = GIVEN if box else (UNUSABLE if problem else NOT_GIVEN)
    models: dict[str, Any] = {}
    for box_id, box in boxes.items():
        tidied = tidy(box)
        problems += tidied.repairs
        model, found = PARSERS[box_id](tidied.box)
        problems += found
        if model is None:
            states[box_id] = UNUSABLE
        else:
            models[box_id] = model
    secrets: set[str] = set()
    kc = models.get(KUBECONFIG)
    if isinstance(kc, Kubeconfig):
        secrets |= kc.secrets
    if TAILSCALE_STATUS in boxes:
        secrets |= secrets_in_status(boxes[TAILSCALE_STATUS].text)
    return Pasted(boxes, models, tuple(problems), states, frozenset(secrets))


# --- 2. the reader ----------------------------------------------------------------


@dataclass(frozen=True)
class Reader:
    """Who is asking: the role given (if any), the role used and the tailnets expected."""

    role_given: Role | None
    role: Role | None  # given, or known from the tailnet in the status
    expected_tailnets: tuple[str, ...]
    problems: tuple[Problem, ...] = ()


def identify_reader(
    organisation: Organisation,
    role_id: str | None,
    tailnets: tuple[str, ...],
    status: Status | None,
) -> Reader:
    given = organisation.role(role_id) if role_id else None
    problems: tuple[Problem, ...] = ()
    if role_id and given is None:
        known = ", ".join(r.id for r in organisation.roles)
        problems = (
            Problem("input-unknown-role", f"Expected one of the roles {known}, found `{role_id}`."),
        )
    expected = tailnets or (given.tailnets if given else organisation.all_tailnets)
    role = given
    if role is None and not role_id and status is not None and status.tailnet:
        role = organisation.role_of_tailnet(status.tailnet)
    return Reader(given, role, expected, problems)


# --- 3. the layers --------------------------------------------------------------------


@dataclass(frozen=True)
class Checked:
    layers: tuple[LayerResult, ...]
    findings: list[Finding] = field(default_factory=list)
    verdict: str | None = None  # the first failing layer
    checked_any: bool = False


def run_layers(ctx: CheckContext, stamp: Stamper) -> Checked:
    """Each layer in order until one fails; the rest, and those without input, not checked."""
    results: list[LayerResult] = []
    findings: list[Finding] = []
    verdict: str | None = None
    checked_any = False
    for layer, module in layers():
        if verdict is not None or not module.applies(ctx):
            results.append(LayerResult.of(layer, NOT_CHECKED))
            continue
        checked_any = True
        found = [stamp(p) for p in module.check(ctx)]
        findings += found
        severities = {f.severity for f in found}
        status = FAILED if "error" in severities else WARNING if "warning" in severities else PASSED
        results.append(LayerResult.of(layer, status))
        if status == FAILED:
            verdict = layer.id
    return Checked(tuple(results), findings, verdict, checked_any)


# --- 4. the report --------------------------------------------------------------------


def build_report(
    ctx: CheckContext,
    reader: Reader,
    pasted: Pasted,
    stamp: Stamper,
    findings: list[Finding],
    checked: Checked,
) -> Report:
    input_failed = any(f.layer == INPUT_LAYER and f.severity == "error" for f in findings)
    if not checked.checked_any and not input_failed:
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
    verdict = INPUT if input_failed else checked.verdict or OK
    headline = _headline(verdict, checked.layers, stamp.catalogue)
    fact_list = tuple((k, stamp.redactor.text(v)) for k, v in facts.gather(ctx))
    finding_tuple = tuple(findings)
    role_id = reader.role_given.id if reader.role_given else None
    summary = render_summary(
        headline,
        checked.layers,
        finding_tuple,
        fact_list,
        pasted.states,
        format_time(ctx.now),
        role_id,
    )
    return Report(
        verdict=verdict,
        headline=headline,
        title=title_of(verdict, checked.layers, stamp.catalogue, pasted.states),
        role=role_id,
        tailnets=reader.expected_tailnets,
        now=iso(ctx.now),
        layers=checked.layers,
        findings=finding_tuple,
        facts=fact_list,
        inputs=tuple(pasted.states.items()),
        site_url=ctx.organisation.site_url,
        summary=stamp.redactor.text(summary),
    )


def _headline(verdict: str, layers: Sequence[LayerResult], catalogue: Catalogue) -> str:
    if verdict == OK:
        checked = sum(1 for r in layers if r.status != NOT_CHECKED)
        return f"Verdict: ok - no problem found in the {checked} layers that could be checked."
    if verdict == INPUT:
        return "Verdict: input - a pasted text cannot be used; fix that box first."
    layer = catalogue.layer(verdict)
    return f"Verdict: {verdict} - {layer.title}: {layer.question}"


class Stamper:
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
        self.role = role or organisation.roles[0]
        self.tailnets = tailnets
        self.boxes = boxes
        self.redactor = redactor

    def __call__(self, problem: Problem) -> Finding:
        check = self.catalogue.checks[problem.id]
        box = self.boxes.get(problem.source or "")
        evidence = box.line(problem.line) if box else None
        if evidence is not None:
            # Redact the whole line first: a cut secret would leak its first part.
            evidence = self.redactor.line(evidence, unparsed=problem.unparsed)
            if len(evidence) > 300:
                evidence = evidence[:300] + "\u2026"
        message = problem.message
        if check.layer == INPUT_LAYER and problem.source:
            # Input problems are about a box; say which one before what is wrong in it.
            title = BOX[problem.source].title
            message = f"In the {title}: {message[:1].lower()}{message[1:]}"
        return Finding(
            id=check.id,
            layer=check.layer,
            severity=problem.severity or check.severity,
            message=self.redactor.text(message),
            source=problem.source,
            line=problem.line,
            evidence=evidence,
            where=where_of(problem.source, problem.line, evidence is not None),
            fix=fill(check.fix, self.organisation, self.role.id, self.tailnets),
            guide=self.role.guide + (f"#{check.step}" if check.step else ""),
            troubleshooting=f"troubleshooting/#{check.id}",
        )
