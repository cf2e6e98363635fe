"""Are you allowed to do what you asked?

kubectl reached the API server and was authenticated, but Kubernetes RBAC said
Forbidden. The finding names the user, verb, resource and namespace (both the
current wording and the one before 2019), and adds what the role's
permissions usually are, from the organisation data.
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import KUBECTL_OUTPUT
from checker.context import CheckContext
from checker.model import KubectlSignal, Problem


def applies(ctx: CheckContext) -> bool:
    return ctx.kubectl_signal("forbidden", "success") is not None


def check(ctx: CheckContext) -> Iterator[Problem]:
    signal = ctx.kubectl_signal("forbidden")
    if signal is None:
        return
    message = f"Expected to be allowed, found Forbidden: {_action(signal)}."
    role = ctx.role
    if role is not None:
        permissions = " ".join(p for p in (role.permissions.default, role.permissions.more) if p)
        if permissions:
            message += f" For the {role.title} role: {permissions}"
    yield Problem("rbac-forbidden", message, KUBECTL_OUTPUT, signal.line)


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
