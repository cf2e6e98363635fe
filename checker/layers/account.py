"""Are you signed in to Tailscale, and to the right tailnet for your role?

Fails on `NeedsLogin` without a tailnet (never signed in, or logged out), on
text mode "Logged out.", on a "You are logged out" health line, and when
`CurrentTailnet.Name` is not a tailnet your role uses: a personal tailnet, staff
on the contractors' tailnet or the other way round. A waiting login link is
mentioned, never shown: it lets anyone who has it sign the device in.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import TAILSCALE_STATUS
from checker.context import CheckContext
from checker.model import Problem

_LINK = (
    " A login link is waiting: finish signing in in the browser window Tailscale "
    "opened (or run `tailscale up` again for a new link)."
)


def applies(ctx: CheckContext) -> bool:
    status = ctx.status
    if status is None:
        return False
    if status.form == "json":
        # No evidence, no pass: it passes on the tailnet's name, and can fail on a
        # NeedsLogin or a logged-out health line; anything else says nothing of it.
        return (
            status.tailnet is not None
            or status.backend_state == "NeedsLogin"
            or status.health_line("You are logged out") is not None
        )
    return status.signal("logged-out", "login-link", "auth-key-invalid") is not None


def check(ctx: CheckContext) -> Iterator[Problem]:
    status = ctx.status
    if status is None:
        return
    link = _LINK if status.auth_url_waiting else ""
    if status.form == "text":
        if key := status.signal("auth-key-invalid"):
            yield Problem(
                "account-auth-key-invalid",
                "Expected the control server to take the auth key, found \"backend error: "
                f'invalid key: {key.detail}": the key was revoked, has expired or was '
                "mistyped, so this device is not signed in.",
                TAILSCALE_STATUS,
                key.line,
            )
            return
        if status.signal("needs-approval"):
            return  # signed in: what it waits for is an admin's approval (device layer)
        signal = status.signal("logged-out", "login-link")
        if signal and signal.detail:
            yield Problem(
                "account-auth-key-invalid",
                f'Expected Tailscale to be signed in, found "logged out" with the last login '
                f'error "invalid key: {signal.detail}": the auth key it signed in with is '
                "no longer valid.",
                TAILSCALE_STATUS,
                signal.line,
            )
            return
        if signal:
            yield Problem(
                "account-logged-out",
                'Expected Tailscale to be signed in, found "Logged out.": this device is '
                "not signed in to any tailnet." + link,
                TAILSCALE_STATUS,
                signal.line,
            )
        return
    logged_out_health = next(
        ((text, line) for text, line in status.health if text.startswith("You are logged out")),
        None,
    )
    if not status.has_netmap and status.backend_state == "NeedsLogin":
        reason = ""
        if logged_out_health and "error was:" in logged_out_health[0]:
            error = logged_out_health[0].split("error was:", 1)[1].strip()
            reason = f" The last login error was: {error}"
        yield Problem(
            "account-logged-out",
            "Expected BackendState Running, found NeedsLogin with no tailnet: this device "
            "is not signed in (never signed in, or logged out)." + link + reason,
            TAILSCALE_STATUS,
            status.backend_state_line,
        )
        return
    if logged_out_health and not status.has_netmap:
        yield Problem(
            "account-logged-out",
            f"Expected Tailscale to be signed in, found the health message "
            f'"{logged_out_health[0]}".' + link,
            TAILSCALE_STATUS,
            logged_out_health[1],
        )
        return
    if status.tailnet and not _expected(ctx, status.tailnet):
        yield Problem(
            "account-wrong-tailnet",
            _wrong_tailnet_message(ctx, status.tailnet),
            TAILSCALE_STATUS,
            status.tailnet_line,
        )


def _expected(ctx: CheckContext, tailnet: str) -> bool:
    return tailnet.casefold() in {t.casefold() for t in ctx.expected_tailnets}


def _wrong_tailnet_message(ctx: CheckContext, found: str) -> str:
    expected = ", ".join(f"`{t}`" for t in ctx.expected_tailnets)
    role = ctx.role if ctx.role_given else None
    wanted = f"the {role.title} tailnet {expected}" if role else f"one of the tailnets {expected}"
    other = ctx.organisation.role_of_tailnet(found)
    if other is not None:
        why = f"the {other.title} tailnet"
        if role is not None:
            why += f", which is not for {role.title.lower()}"
    else:
        why = (
            f"a tailnet that is not one of {ctx.organisation.short_name}'s "
            "(often a personal tailnet)"
        )
    return f"Expected {wanted}, found `{found}`: {why}."
