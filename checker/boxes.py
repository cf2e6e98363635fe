"""The three things a person pastes: one entry per input box, the one source of their names.

The page's textareas, the request's keys, the CLI's options and every message that
names a box come from here (the checker page's template loops over `BOXES`).
"""

from __future__ import annotations

from dataclasses import dataclass

TAILSCALE_STATUS = "tailscale-status"
KUBECONFIG = "kubeconfig"
KUBECTL_OUTPUT = "kubectl-output"


@dataclass(frozen=True)
class InputBox:
    id: str  # a finding's `source`, the page's data-checker-input
    field: str  # the request key, and the CLI option's destination
    name: str  # what people call it: "tailscale status --json"
    code: bool  # whether the name is a command (shown as code)
    wanted: str  # how a sentence asks for it: "paste your kubeconfig"

    @property
    def label(self) -> str:
        """The name as plain text with `code` marks: "`tailscale status --json`"."""
        return f"`{self.name}`" if self.code else self.name

    @property
    def title(self) -> str:
        """How a message names the box: "`tailscale status --json` box"."""
        return f"{self.label} box"

    @property
    def option(self) -> str:
        """The CLI option that reads this box from a file."""
        return "--" + self.id


BOXES = (
    InputBox(
        TAILSCALE_STATUS,
        "tailscale_status",
        "tailscale status --json",
        code=True,
        wanted="the output of tailscale status --json",
    ),
    InputBox(KUBECONFIG, "kubeconfig", "kubeconfig", code=False, wanted="your kubeconfig"),
    InputBox(
        KUBECTL_OUTPUT, "kubectl_output", "kubectl output", code=False, wanted="what kubectl says"
    ),
)
BOX = {box.id: box for box in BOXES}
