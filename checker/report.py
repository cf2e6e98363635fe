"""The report: a dumb, frozen result, and its renderers (JSON, terminal text, summary).

The CLI's `--format json`, `api.run` (the browser) and the tests all use
`render_json`, so the page and the terminal show the same report. The report carries
every word the page shows of it (the short title, each layer's status word, where a
finding's evidence is), so that the page only places them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from checker.boxes import BOX

if TYPE_CHECKING:
    from checker.catalogue import Catalogue, Layer

FORMAT_VERSION = 1
PASSED, FAILED, WARNING, NOT_CHECKED = "passed", "failed", "warning", "not_checked"
OK, INPUT = "ok", "input"
STATUS_WORDS = {PASSED: "passed", FAILED: "failed", WARNING: "warning", NOT_CHECKED: "not checked"}


@dataclass(frozen=True)
class Finding:
    id: str
    layer: str
    severity: str
    message: str
    source: str | None
    line: int | None
    evidence: str | None
    where: str | None  # "kubeconfig, line 3", or "In the kubeconfig box" without evidence
    fix: str
    guide: str
    troubleshooting: str


@dataclass(frozen=True)
class LayerResult:
    id: str
    title: str
    question: str
    status: str

    @classmethod
    def of(cls, layer: Layer, status: str) -> LayerResult:
        return cls(layer.id, layer.title, layer.question, status)

    @property
    def status_text(self) -> str:
        return STATUS_WORDS[self.status]


@dataclass(frozen=True)
class Report:
    verdict: str  # a layer id, "ok" or "input"
    headline: str
    title: str  # the headline, short, for the page: "Fails at: Device approval"
    role: str | None
    tailnets: tuple[str, ...]
    now: str
    layers: tuple[LayerResult, ...]
    findings: tuple[Finding, ...]
    facts: tuple[tuple[str, str], ...]
    inputs: tuple[tuple[str, str], ...]  # box -> "given" | "not_given" | "unusable"
    site_url: str
    summary: str

    @property
    def exit_code(self) -> int:
        """0 ok, 1 a failing layer, 2 unusable input (as the CLI exits)."""
        return {OK: 0, INPUT: 2}.get(self.verdict, 1)


def to_dict(report: Report) -> dict[str, Any]:
    return {
        "format": FORMAT_VERSION,
        "verdict": report.verdict,
        "headline": report.headline,
        "title": report.title,
        "role": report.role,
        "tailnets": list(report.tailnets),
        "now": report.now,
        "layers": [
            {
                "id": r.id,
                "title": r.title,
                "question": r.question,
                "status": r.status,
                "status_text": r.status_text,
            }
            for r in report.layers
        ],
        "findings": [
            {
                "id": f.id,
                "layer": f.layer,
                "severity": f.severity,
                "message": f.message,
                "source": f.source,
                "line": f.line,
                "evidence": f.evidence,
                "where": f.where,
                "fix": f.fix,
                "guide": f.guide,
                "troubleshooting": f.troubleshooting,
            }
            for f in report.findings
        ],
        "facts": dict(report.facts),
        "inputs": dict(report.inputs),
        "site_url": report.site_url,
        "summary": report.summary,
    }


def render_json(report: Report) -> str:
    return json.dumps(to_dict(report), ensure_ascii=False, indent=2)


# --- text ----------------------------------------------------------------------

_SYMBOLS = {PASSED: "\u2713", FAILED: "\u2717", WARNING: "!", NOT_CHECKED: "\u2013"}
_ASCII = {PASSED: "ok", FAILED: "XX", WARNING: "!!", NOT_CHECKED: "--"}


def title_of(
    verdict: str,
    layers: tuple[LayerResult, ...],
    catalogue: Catalogue,
    inputs: Mapping[str, str] | None = None,
) -> str:
    """The verdict in a few words, for the page's heading: never "passed" for a layer
    that was not checked."""
    if verdict == INPUT:
        return "The checker cannot use what was pasted"
    if verdict != OK:
        return f"Fails at: {catalogue.layer(verdict).title}"
    warned = ", with warnings" if any(layer.status == WARNING for layer in layers) else ""
    unchecked = sum(1 for layer in layers if layer.status == NOT_CHECKED)
    if not unchecked:
        return f"Every layer passed{warned}"
    checked = len(layers) - unchecked
    missing = [BOX[b].wanted for b, state in (inputs or {}).items() if state == "not given"]
    more = (
        f"paste {_join(missing)} to check {unchecked} more"
        if missing
        else f"{unchecked} could not be checked from what was pasted"
    )
    return f"No problem in the {checked} layer{'s' if checked != 1 else ''} checked{warned}; {more}"


def _join(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def where_of(source: str | None, line: int | None, has_evidence: bool) -> str | None:
    """Where a finding's evidence is, in the page's words."""
    box = BOX[source].name if source in BOX else None
    if not has_evidence:
        return f"In the {box} box" if box else None
    label = f"line {line}" if line else "evidence"
    return f"{box}, {label}" if box else label


def _link(site_url: str, path: str) -> str:
    if not site_url:
        return path
    return site_url.rstrip("/") + "/" + path


# What a terminal would obey instead of show: C0 controls but tab and newline (ESC
# above all: colours, cursor moves, OSC 52 clipboard writes, OSC 8 links), DEL, C1
# controls, and the bidirectional overrides that reorder what is shown.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def visible(text: str) -> str:
    """`text` with every control character written out (`\\x1b`), never executed."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}" if ord(m.group()) < 0x100
                        else f"\\u{ord(m.group()):04x}", text)  # fmt: skip


def render_text(report: Report, *, unicode: bool = True) -> str:
    """A terminal report: verdict, per-layer checklist, findings with fixes, facts.

    What was pasted is quoted in it, so control characters are written out.
    """
    return visible(_render_text(report, unicode=unicode))


def _render_text(report: Report, *, unicode: bool = True) -> str:
    symbols = _SYMBOLS if unicode else _ASCII
    out = [report.headline, ""]
    width = max(len(r.id) for r in report.layers) if report.layers else 10
    for r in report.layers:
        note = "" if r.status in (PASSED, FAILED) else f"  ({r.status_text})"
        out.append(f"  {symbols[r.status]} {r.id:<{width}}  {r.title}{note}")
    for f in report.findings:
        mark = symbols[FAILED] if f.severity == "error" else symbols[WARNING]
        if f.severity == "info":
            mark = "i"
        out += ["", f"{mark} [{f.layer}] {f.id}", f"  {f.message}"]
        if f.source:
            where = f"{f.source} line {f.line}" if f.line else f.source
            out.append(f"  in {where}" + (f": {f.evidence.strip()}" if f.evidence else ""))
        out.append(f"  Fix: {f.fix}")
        out.append(f"  Guide: {_link(report.site_url, f.guide)}")
    if report.facts:
        out += ["", "Facts:"]
        out += [f"  {k}: {v}" for k, v in report.facts]
    if report.findings:
        first = report.findings[0]
        out += ["", f"More help: {_link(report.site_url, first.troubleshooting)}"]
    return "\n".join(out) + "\n"


def render_summary(
    headline: str,
    layers: tuple[LayerResult, ...],
    findings: tuple[Finding, ...],
    facts: tuple[tuple[str, str], ...],
    inputs: Mapping[str, str],
    now: str,
    role: str | None,
) -> str:
    """Plain text for a support request. Built only from already-redacted parts."""
    given = [f"{BOX[b].label}: {state}" for b, state in inputs.items()]
    out = [headline, f"Checked at {now}; role: {role or 'any'}.", "Inputs: " + "; ".join(given)]
    out += ["", "Layers:"]
    out += [f"  [{r.status_text}] {r.id}: {r.title}" for r in layers]
    if findings:
        out += ["", "Findings:"]
        for f in findings:
            where = f" ({f.source} line {f.line})" if f.source and f.line else ""
            out.append(f"  [{f.severity}] {f.id}{where}: {f.message}")
            if f.evidence:
                out.append(f"      {f.evidence.strip()}")
    if facts:
        out += ["", "Facts:"]
        out += [f"  {k}: {v}" for k, v in facts]
    return "\n".join(out)
