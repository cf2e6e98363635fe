"""Are you allowed to do what you asked?

kubectl reached the API server and was authenticated, but Kubernetes RBAC said
Forbidden. The finding names the user, verb, resource and namespace (both the
current wording and the one before 2019), and adds what the role's
permissions usually are, from the organisation data.

Through the Tailscale operator's API server proxy in auth mode, Kubernetes sees
your tailnet login (a tagged device: its MagicDNS name) with the groups the
tailnet policy's grant gives: the Forbidden's user is compared with the status's
login, and `kubectl auth whoami` (table or JSON) shows the groups, which must hold
the ones the organisation data gives your role. Two Forbiddens are not about your
permissions at all: the proxy's own service account not being allowed to
impersonate (the operator's install), and a grant that demands a session recorder
when none is running.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import KUBECTL_OUTPUT
from checker.context import CheckContext
from checker.model import KubectlSignal, Problem
from checker.organisation import AUTH

_KINDS = ("forbidden", "impersonate-forbidden", "recorder-required", "whoami", "success")


def applies(ctx: CheckContext) -> bool:
    return ctx.kubectl_signal(*_KINDS) is not None


def check(ctx: CheckContext) -> Iterator[Problem]:
    if signal := ctx.kubectl_signal("impersonate-forbidden"):
        yield Problem(
            "rbac-proxy-cannot-impersonate",
            f"Expected the API server proxy to act as you, found Forbidden for its own "
            f"service account: `{signal.user}` may not impersonate {signal.resource}. "
            "The operator was installed without the right to (its `tailscale-auth-proxy` "
            "ClusterRole); your own permissions were never checked.",
            KUBECTL_OUTPUT,
            signal.line,
        )
        return
    if signal := ctx.kubectl_signal("recorder-required"):
        yield Problem(
            "rbac-proxy-recorder-unavailable",
            'Expected the API server proxy to pass the request on, found "must be '
            'recorded, but no recorders are available": the tailnet policy requires this '
            "session to be recorded, and no session recorder is running.",
            KUBECTL_OUTPUT,
            signal.line,
        )
        return
    yield from _groups(ctx)
    signal = ctx.kubectl_signal("forbidden")
    if signal is None:
        return
    mismatch = _login_mismatch(ctx, signal)
    if mismatch is not None:
        yield mismatch
        return
    message = f"Expected to be allowed, found Forbidden: {_action(signal)}."
    role = ctx.role
    if role is not None:
        permissions = " ".join(p for p in (role.permissions.default, role.permissions.more) if p)
        if permissions:
            message += f" For the {role.title} role: {permissions}"
    yield Problem("rbac-forbidden", message, KUBECTL_OUTPUT, signal.line)


def _groups(ctx: CheckContext) -> Iterator[Problem]:
    """`kubectl auth whoami` must show the groups the grant gives the reader's role."""
    me = ctx.kubectl.whoami if ctx.kubectl else None
    role = ctx.role
    if me is None or role is None or not role.kubernetes_groups:
        return
    if ctx.organisation.kubernetes.proxy is None or ctx.proxy_mode() not in (AUTH, None):
        return
    missing = [g for g in role.kubernetes_groups if g not in me.groups]
    if missing:
        found = " ".join(me.groups) or "none"
        yield Problem(
            "rbac-proxy-group-missing",
            f"Expected the group{'s' if len(missing) > 1 else ''} "
            f"{', '.join(f'`{g}`' for g in missing)} (what the tailnet policy's grant gives "
            f"the {role.title} role), found the groups [{found}]: Kubernetes sees you "
            f"as `{me.username}` without the permissions of your role.",
            KUBECTL_OUTPUT,
            me.groups_line or me.line,
        )


def _login_mismatch(ctx: CheckContext, signal: KubectlSignal) -> Problem | None:
    """Through the auth proxy, a Forbidden names the tailnet login that asked."""
    status = ctx.status
    if ctx.proxy_mode() != AUTH or status is None or not signal.user or not status.login_name:
        return None
    if signal.user.casefold() == status.login_name.casefold():
        return None
    suffix = status.magic_dns_suffix or "ts.net"
    if status.self_tags or signal.user.rstrip(".").endswith("." + suffix):
        tags = f" (its tags: {', '.join(status.self_tags)})" if status.self_tags else ""
        return Problem(
            "rbac-proxy-tagged-device",
            f"Expected the API server proxy to act as your tailnet login "
            f"`{status.login_name}`, found Forbidden for `{signal.user}`: this device is "
            f"tagged{tags}, and the proxy acts as a tagged device by its name, with the "
            "groups the grant gives its tags.",
            KUBECTL_OUTPUT,
            signal.line,
        )
    return Problem(
        "rbac-proxy-other-login",
        f"Expected the API server proxy to act as `{status.login_name}` (the login of "
        f"the pasted status), found Forbidden for `{signal.user}`: kubectl ran on a "
        "device signed in with another tailnet login.",
        KUBECTL_OUTPUT,
        signal.line,
    )


def _action(signal: KubectlSignal) -> str:
    if signal.user is None:
        return "Kubernetes RBAC does not allow the action"
    what = f"user `{signal.user}` may not {signal.verb} {signal.resource or 'that'}"
    if signal.group:
        what += f" (API group `{signal.group}`)"
    if signal.namespace:
        what += f" in namespace `{signal.namespace}`"
    elif signal.resource and not signal.resource.startswith("/"):
        what += " at the cluster scope"
    return what
