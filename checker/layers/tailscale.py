"""Is Tailscale installed, running and connected on this device?

Fails when the `tailscale` command is missing, when the CLI cannot reach the
daemon ("failed to connect to local tailscaled..." in its Linux, macOS and
Windows wordings), when another Windows user owns the service
(`InUseOtherUser`), when Tailscale is turned off (`Stopped`, text mode
"Tailscale is stopped.") and when it has not finished starting (`NoState`
without a logged-out hint: that one is the account layer's).
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import KUBECTL_OUTPUT, TAILSCALE_STATUS
from checker.context import CheckContext
from checker.model import Problem, Status

_WHERE = {
    "linux": "this Linux computer",
    "macos": "this Mac",
    "windows": "this Windows computer",
}


def applies(ctx: CheckContext) -> bool:
    return ctx.status is not None or ctx.kubectl_signal("tailscale-daemon") is not None


def check(ctx: CheckContext) -> Iterator[Problem]:
    status = ctx.status
    if status is None:
        signal = ctx.kubectl_signal("tailscale-daemon")
        if signal:
            yield Problem(
                "tailscale-daemon-unreachable",
                'Expected Tailscale to answer, found "failed to connect to local '
                'tailscaled": the Tailscale service is not running on this device.',
                KUBECTL_OUTPUT,
                signal.line,
            )
        return
    if found := status.signal("not-installed"):
        yield Problem(
            "tailscale-not-installed",
            'Expected the `tailscale` command to run, found "command not found": '
            "Tailscale is not installed on this device (or not on its PATH).",
            TAILSCALE_STATUS,
            found.line,
        )
    elif found := status.signal("daemon-unreachable"):
        where = _WHERE.get(found.detail, "this device")
        yield Problem(
            "tailscale-daemon-unreachable",
            'Expected `tailscale status --json` to print the status, found "failed to '
            f'connect to local Tailscale": the Tailscale service is not running on {where}.',
            TAILSCALE_STATUS,
            found.line,
        )
    elif found := status.signal("access-denied"):
        yield Problem(
            "tailscale-access-denied",
            "Expected the `tailscale` command to talk to the Tailscale service, found "
            '"Access denied": this user is neither root nor the operator Tailscale allows.',
            TAILSCALE_STATUS,
            found.line,
        )
    elif line := _state_line(status, "InUseOtherUser", "in-use-other-user"):
        yield Problem(
            "tailscale-in-use-other-user",
            "Expected BackendState Running, found InUseOtherUser: another user account "
            "on this computer is using Tailscale.",
            TAILSCALE_STATUS,
            line,
        )
    elif line := _state_line(status, "Stopped", "stopped"):
        yield Problem(
            "tailscale-stopped",
            "Expected BackendState Running, found Stopped: Tailscale is installed and "
            "signed in but turned off.",
            TAILSCALE_STATUS,
            line,
        )
    elif (line := _state_line(status, "NoState", "no-state")) and not _logged_out(ctx):
        yield Problem(
            "tailscale-starting",
            "Expected BackendState Running, found NoState: Tailscale has not finished "
            "starting (or cannot read its saved state).",
            TAILSCALE_STATUS,
            line,
        )


def _state_line(status: Status, state: str, signal_kind: str) -> int | None:
    """The line showing `state` (JSON) or its text-mode message; None if neither.

    A JSON status whose BackendState line was not found still counts: line 1.
    """
    if status.backend_state == state:
        return status.backend_state_line or 1
    found = status.signal(signal_kind)
    return found.line if found else None


def _logged_out(ctx: CheckContext) -> bool:
    status = ctx.status
    if status is None:
        return False
    return status.signal("logged-out", "login-link") is not None or any(
        text.startswith("You are logged out") for text, _ in status.health
    )
