"""Drive the checker page the way its contract describes it (docs/checker.md).

Inputs carry data-checker-input="tailscale-status" | "kubeconfig" | "kubectl-output"
| "role"; the report root carries data-checker-state and data-checker-verdict.
Tests pin the clock and the expected tailnets with data-checker-now and
data-checker-tailnets on the report root: attributes no reader sees or sets. A case
with its own organisation data swaps data-checker-organisation (which the build
fills with the site's) for the time of its check.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from playwright.sync_api import Page

# Pyodide's boot downloads ~13 MB and compiles WebAssembly on a shared 2-core
# machine: generous limits for waiting, never an assertion about speed.
BOOT_TIMEOUT_MS = 180_000
CHECK_TIMEOUT_MS = 60_000
REPORT = "[data-checker-report]"
# Case.text() names the boxes as the request does; the page names them as the contract.
BOXES = {
    "tailscale_status": "tailscale-status",
    "kubeconfig": "kubeconfig",
    "kubectl_output": "kubectl-output",
}
FINISHED = (
    f"{REPORT}[data-checker-verdict][data-checker-state=done], {REPORT}[data-checker-state=error]"
)

FILL = """([texts, role, now, tailnets, organisation]) => {
  const report = document.querySelector("[data-checker-report]");
  report.removeAttribute("data-checker-verdict");
  if (!report.dataset.builtOrganisation) {
    report.dataset.builtOrganisation = report.dataset.checkerOrganisation;
  }
  report.dataset.checkerOrganisation = organisation || report.dataset.builtOrganisation;
  if (now) report.dataset.checkerNow = now; else delete report.dataset.checkerNow;
  if (tailnets.length) report.dataset.checkerTailnets = JSON.stringify(tailnets);
  else delete report.dataset.checkerTailnets;
  const select = document.querySelector('[data-checker-input="role"]');
  if (![...select.options].some((o) => o.value === (role || ""))) {
    throw new Error(`the role selector has no option ${role}`);
  }
  select.value = role || "";
  select.dispatchEvent(new Event("change", { bubbles: true }));
  for (const [box, text] of Object.entries(texts)) {
    const input = document.querySelector(`[data-checker-input="${box}"]`);
    input.value = text;
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  return report.dataset.checkerState;
}"""

READ = """() => {
  const report = document.querySelector("[data-checker-report]");
  return {
    state: report.dataset.checkerState,
    verdict: report.dataset.checkerVerdict || null,
    layers: [...report.querySelectorAll("[data-layer]")].map((li) => [
      li.dataset.layer,
      [...li.classList].find((c) => c.startsWith("checker-layer--")).slice(15),
    ]),
    findings: [...report.querySelectorAll("[data-finding]")].map((f) => f.dataset.finding),
    title: report.querySelector("[data-verdict]")?.textContent ?? null,
    statusWords: [...report.querySelectorAll("[data-layer] .checker-layer__status")].map(
      (s) => s.textContent,
    ),
    text: report.textContent,
  };
}"""


@dataclass(frozen=True)
class Shown:
    """What the report shows after a check."""

    state: str
    verdict: str | None
    layers: list[tuple[str, str]]
    findings: list[str]
    title: str | None
    status_words: list[str]
    text: str

    @property
    def failing_layer(self) -> str | None:
        return next((layer for layer, status in self.layers if status == "failed"), None)


def open_checker(page: Page, site_url: str) -> None:
    page.goto(site_url + "checker/")
    wait_until_ready(page)


def wait_until_ready(page: Page) -> None:
    page.wait_for_selector(f"{REPORT}:not([data-checker-state=booting])", timeout=BOOT_TIMEOUT_MS)
    state = page.get_attribute(REPORT, "data-checker-state")
    assert state != "error", page.text_content(REPORT)


def fill(
    page: Page,
    texts: dict[str, str | None],
    role: str | None,
    now: str | None = None,
    tailnets: tuple[str, ...] = (),
    organisation: dict[str, Any] | None = None,
) -> str:
    """Set every box at once (one input event each); returns the state just after."""
    boxes = {BOXES.get(k, k): v or "" for k, v in texts.items()}
    data = json.dumps(organisation) if organisation else None
    state: str = page.evaluate(FILL, [boxes, role, now, list(tailnets), data])
    return state


def wait_for_report(page: Page, timeout: float = CHECK_TIMEOUT_MS) -> Shown:
    page.wait_for_selector(FINISHED, timeout=timeout)
    shown: dict[str, Any] = page.evaluate(READ)
    return Shown(
        state=shown["state"],
        verdict=shown["verdict"],
        layers=[(layer, status) for layer, status in shown["layers"]],
        findings=shown["findings"],
        title=shown["title"],
        status_words=shown["statusWords"],
        text=shown["text"],
    )


def check(page: Page, texts: dict[str, str | None], role: str | None, **kw: Any) -> Shown:
    fill(page, texts, role, **kw)
    return wait_for_report(page)
