"""Has a tailnet admin approved this device, and is its node key still valid?

Fails on `NeedsMachineAuth` (text mode "Machine is not yet approved by tailnet
admin."), on an expired node key (`NeedsLogin` while the tailnet is still known,
`Self.Expired`, or `Self.KeyExpiry` in the past) and on a Tailnet Lock
lock-out. Warns when the key expires within a week.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import TAILSCALE_STATUS
from checker.clock import format_time
from checker.context import SOON, CheckContext
from checker.model import Problem


def applies(ctx: CheckContext) -> bool:
    status = ctx.status
    if status is None:
        return False
    if status.form == "json":
        # It passes on this device's own entry (Self) in a connected state, and can fail
        # on NeedsMachineAuth, NeedsLogin with a tailnet (an expired key) or a lock-out.
        return (
            status.backend_state == "NeedsMachineAuth"
            or (status.backend_state == "NeedsLogin" and status.has_netmap)
            or status.health_line("locked out") is not None
            or (status.self_known and status.backend_state in ("Running", "Starting"))
        )
    return status.signal("needs-approval", "locked-out") is not None


def check(ctx: CheckContext) -> Iterator[Problem]:
    status = ctx.status
    if status is None:
        return
    name = f" Its device name is `{status.self_host_name}`." if status.self_host_name else ""
    if signal := status.signal("needs-approval"):
        yield Problem(
            "device-awaiting-approval",
            'Expected an approved device, found "Machine is not yet approved by tailnet '
            'admin.": a tailnet admin has not approved this device yet.',
            TAILSCALE_STATUS,
            signal.line,
        )
        return
    locked = next(((t, n) for t, n in status.health if "locked out" in t), None)
    if locked is None and (signal := status.signal("locked-out")):
        locked = ("", signal.line)
    if locked:
        yield Problem(
            "device-locked-out",
            'Expected a device signed by Tailnet Lock, found "this node is locked out": '
            "it has no connectivity until a tailnet admin signs its key." + name,
            TAILSCALE_STATUS,
            locked[1],
        )
        return
    if status.backend_state == "NeedsMachineAuth":
        yield Problem(
            "device-awaiting-approval",
            "Expected BackendState Running, found NeedsMachineAuth: a tailnet admin has not "
            "approved this device yet." + name,
            TAILSCALE_STATUS,
            status.backend_state_line,
        )
        return
    expiry = status.self_key_expiry
    when = f" on {format_time(expiry)}" if expiry else ""
    if status.backend_state == "NeedsLogin" and status.has_netmap:
        yield Problem(
            "device-key-expired",
            "Expected BackendState Running, found NeedsLogin while the tailnet is still "
            f"known: this device's node key expired{when} and it must sign in again."
            + (" A login link is waiting for that." if status.auth_url_waiting else ""),
            TAILSCALE_STATUS,
            status.backend_state_line,
        )
    elif status.self_expired:
        yield Problem(
            "device-key-expired",
            f"Expected a valid node key, found Expired: true: this device's node key "
            f"expired{when}.",
            TAILSCALE_STATUS,
            status.self_expired_line,
        )
    elif expiry and expiry <= ctx.now:
        yield Problem(
            "device-key-expired",
            f"Expected a node key valid now, found KeyExpiry {format_time(expiry)}, which "
            "has passed: this device's node key expired.",
            TAILSCALE_STATUS,
            status.self_key_expiry_line,
        )
    elif expiry and expiry - ctx.now < SOON:
        yield Problem(
            "device-key-expiring-soon",
            f"Expected a node key valid for a while, found KeyExpiry {format_time(expiry)}: "
            "this device's node key expires within a week.",
            TAILSCALE_STATUS,
            status.self_key_expiry_line,
        )
