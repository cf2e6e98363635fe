"""Can your kubeconfig user prove who you are to Kubernetes?

The user of the current context needs exactly one way to authenticate: a client
certificate with its key, a bearer token, an exec plugin or an auth provider.
A client certificate must be valid now, a JWT bearer token's `exp` must not
have passed (tokens are decoded, never verified). Through the Tailscale
operator's API server proxy in auth mode, the kubeconfig's credentials are not
used at all (the proxy identifies you by your tailnet login, and `tailscale
configure kubeconfig` writes `token: unused`), so they are not judged; in noauth
mode they are, but a client certificate cannot pass the proxy, which ends TLS.
kubectl's own messages count too: "Unauthorized", "You
must be logged in", a missing or failing exec plugin, and Forbidden for
`system:anonymous` (no credentials were recognised).
"""

from __future__ import annotations

from collections.abc import Iterator

from checker.boxes import KUBECONFIG, KUBECTL_OUTPUT
from checker.clock import format_time
from checker.context import SOON, CheckContext
from checker.model import CertificateData, Problem, User, program
from checker.organisation import AUTH, NOAUTH

_KUBECTL_KINDS = (
    "unauthorized",
    "exec-missing",
    "exec-failed",
    "exec-api-version",
    "auth-provider-failed",
    "forbidden-anonymous",
)


def applies(ctx: CheckContext) -> bool:
    return ctx.user is not None or ctx.kubectl_signal(*_KUBECTL_KINDS) is not None


def check(ctx: CheckContext) -> Iterator[Problem]:
    user = ctx.user
    mode = ctx.proxy_mode()
    if user is not None and mode != AUTH:
        yield from _user_problems(ctx, user)
    if user is not None and mode == NOAUTH and (user.client_cert_data or user.client_cert_file):
        yield Problem(
            "credentials-proxy-client-certificate",
            f"Expected user `{user.name}` to send a token through the API server proxy "
            "(noauth mode passes on what kubectl sends), found a client certificate: the "
            "proxy ends TLS itself, so the certificate never reaches the API server.",
            KUBECONFIG,
            user.client_cert_line,
        )
    yield from _kubectl_problems(ctx)


def _user_problems(ctx: CheckContext, user: User) -> Iterator[Problem]:
    methods = user.methods()
    if not methods:
        yield Problem(
            "credentials-missing",
            f"Expected user `{user.name}` to have a client certificate, token, exec plugin "
            "or auth provider, found none of them.",
            KUBECONFIG,
            user.line,
        )
        return
    has_cert = bool(user.client_cert_data or user.client_cert_file)
    has_key = bool(user.client_key_data or user.client_key_file)
    if has_cert != has_key:
        have, lack = ("certificate", "key") if has_cert else ("key", "certificate")
        yield Problem(
            "credentials-incomplete",
            f"Expected user `{user.name}` to have a client {have} and its client {lack}, "
            f"found the {have} without the {lack}.",
            KUBECONFIG,
            user.client_cert_line if has_cert else user.client_key_line,
        )
    conflicts = [m for m in methods if m != "client certificate"]
    if len(conflicts) > 1:
        yield Problem(
            "credentials-incomplete",
            f"Expected one way to authenticate for user `{user.name}`, found several: "
            f"{', '.join(conflicts)}.",
            KUBECONFIG,
            user.line,
        )
    if user.client_certificate is not None:
        yield from _certificate_problems(ctx, user, user.client_certificate)
    claims = user.token_claims
    if claims is not None and claims.expires and claims.expires <= ctx.now:
        yield Problem(
            "credentials-token-expired",
            f"Expected a bearer token valid now, found one that expired on "
            f"{format_time(claims.expires)} (its `exp` claim).",
            KUBECONFIG,
            user.token_line,
        )


def _certificate_problems(
    ctx: CheckContext, user: User, data: CertificateData
) -> Iterator[Problem]:
    if data.error is not None or not data.certificates:
        yield Problem(
            "credentials-bad-certificate",
            f"Expected `client-certificate-data` to be a base64 PEM certificate, found that "
            f"{data.error}.",
            KUBECONFIG,
            user.client_cert_line,
        )
        return
    certificate = data.certificates[0]
    if certificate.not_after <= ctx.now:
        yield Problem(
            "credentials-certificate-expired",
            f"Expected a client certificate valid now, found one that expired on "
            f"{format_time(certificate.not_after)}.",
            KUBECONFIG,
            user.client_cert_line,
        )
    elif certificate.not_before > ctx.now:
        yield Problem(
            "credentials-certificate-expired",
            f"Expected a client certificate valid now, found one that is not valid until "
            f"{format_time(certificate.not_before)} (or this computer's clock is wrong).",
            KUBECONFIG,
            user.client_cert_line,
        )
    elif certificate.not_after - ctx.now < SOON:
        yield Problem(
            "credentials-certificate-expiring-soon",
            f"Expected a client certificate valid for a while, found one that expires on "
            f"{format_time(certificate.not_after)}.",
            KUBECONFIG,
            user.client_cert_line,
        )


def _kubectl_problems(ctx: CheckContext) -> Iterator[Problem]:
    signal = ctx.kubectl_signal(*_KUBECTL_KINDS)
    if signal is None:
        return
    if signal.kind == "unauthorized":
        yield Problem(
            "credentials-rejected",
            'Expected the API server to accept your credentials, found "You must be '
            'logged in to the server (Unauthorized)": they are wrong, expired or revoked.',
            KUBECTL_OUTPUT,
            signal.line,
        )
    elif signal.kind == "exec-missing":
        yield Problem(
            "credentials-exec-plugin-missing",
            f"Expected the credential plugin `{program(signal.detail)}` to be installed, found "
            '"executable not found".',
            KUBECTL_OUTPUT,
            signal.line,
        )
    elif signal.kind == "exec-api-version":
        yield Problem(
            "credentials-exec-api-version",
            "Expected the credential plugin to speak an API version kubectl takes, found "
            f"`{signal.detail}`: the kubeconfig's `exec` block (or the plugin) is older "
            "than this kubectl.",
            KUBECTL_OUTPUT,
            signal.line,
        )
    elif signal.kind == "auth-provider-failed":
        yield Problem(
            "credentials-auth-provider-failed",
            "Expected the kubeconfig's auth provider to give kubectl a token, found that it "
            "could not (its login has expired, or it needs you to sign in again).",
            KUBECTL_OUTPUT,
            signal.line,
        )
    elif signal.kind == "exec-failed":
        yield Problem(
            "credentials-exec-plugin-failed",
            "Expected the credential plugin to return credentials, found that it failed"
            f"{f': {signal.detail}' if signal.detail else ''}.",
            KUBECTL_OUTPUT,
            signal.line,
        )
    else:
        yield Problem(
            "credentials-anonymous",
            "Expected the API server to recognise you, found Forbidden for user "
            "`system:anonymous`: it saw no credentials it accepts.",
            KUBECTL_OUTPUT,
            signal.line,
        )
