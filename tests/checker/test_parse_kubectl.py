"""kubectl output: each failure class in its wordings across versions."""

# Real kubectl lines are quoted whole, as users paste them.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from checker.boxes import KUBECTL_OUTPUT
from checker.model import KubectlSignal
from checker.parse.kubectl import parse_kubectl, recognise
from checker.text import open_box


def signal(line: str) -> KubectlSignal:
    (found,) = recognise([line])
    return found


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        (
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
            "no-kubeconfig",
        ),
        (
            "invalid configuration: no configuration has been provided, try setting KUBERNETES_MASTER environment variable",
            "no-kubeconfig",
        ),
        ("error: current-context is not set", "no-current-context"),
        (
            "Error in configuration: context was not found for specified context: hot-prod",
            "context-not-found",
        ),
        ('error: context "hot-staging" does not exist', "context-not-found"),
        ('error: no context exists with the name: "x"', "context-not-found"),
        ('* user "admin" was not found for context "hot-prod"', "context-incomplete"),
        ('* cluster was not specified for context "hot-prod"', "context-incomplete"),
        ('invalid configuration: no server found for cluster "hot-prod"', "no-server"),
        (
            'error loading config file "/home/a/.kube/config": yaml: line 3: mapping values are not allowed',
            "config-unreadable",
        ),
        (
            "Unable to connect to the server: x509: certificate signed by unknown authority",
            "tls-unknown-authority",
        ),
        (
            'Unable to connect to the server: x509: certificate signed by unknown authority (possibly because of "crypto/rsa: verification error" while trying to verify candidate authority certificate "kubernetes")',
            "tls-unknown-authority",
        ),
        (
            "Unable to connect to the server: tls: failed to verify certificate: x509: certificate signed by unknown authority",
            "tls-unknown-authority",
        ),
        (
            "Unable to connect to the server: x509: certificate is valid for 10.240.0.2, 10.200.100.1, not 146.148.119.50",
            "tls-name-mismatch",
        ),
        (
            "Unable to connect to the server: x509: certificate has expired or is not yet valid",
            "tls-expired",
        ),
        (
            "Unable to connect to the server: getting credentials: exec: executable kubelogin not found",
            "exec-missing",
        ),
        (
            "Unable to connect to the server: getting credentials: exec: executable kubelogin failed with exit code 1",
            "exec-failed",
        ),
        (
            "Unable to connect to the server: getting credentials: exec: fork/exec /usr/bin/x: permission denied",
            "exec-failed",
        ),
        ("error: You must be logged in to the server (Unauthorized)", "unauthorized"),
        (
            "error: You must be logged in to the server (the server has asked for the client to provide credentials)",
            "unauthorized",
        ),
        (
            'E0703 12:26:41 "Unhandled Error" err="couldn\'t get current server API group list: the server has asked for the client to provide credentials"',
            "unauthorized",
        ),
        (
            'Error from server (Forbidden): nodes is forbidden: User "system:anonymous" cannot list nodes at the cluster scope',
            "forbidden-anonymous",
        ),
        (
            'Error from server (Forbidden): pods is forbidden: User "vesurbag" cannot list resource "pods" in API group "" at the cluster scope',
            "forbidden",
        ),
        ("Unable to connect to the server: dial tcp 100.101.7.20:6443: i/o timeout", "timeout"),
        ("Unable to connect to the server: net/http: TLS handshake timeout", "timeout"),
        (
            "Unable to connect to the server: dial tcp 100.101.7.20:6443: connect: no route to host",
            "timeout",
        ),
        (
            "Unable to connect to the server: dial tcp: lookup api.example.com on 10.192.64.1:53: no such host",
            "no-such-host",
        ),
        (
            "Unable to connect to the server: dial tcp: lookup kube-apiserver.weave.local: no such host",
            "no-such-host",
        ),
        (
            "The connection to the server 192.168.0.17:6443 was refused - did you specify the right host or port?",
            "refused",
        ),
        ("NAME              STATUS   AGE", "success"),
        ("No resources found in default namespace.", "success"),
        (
            "failed to connect to local tailscaled; it doesn't appear to be running",
            "tailscale-daemon",
        ),
    ],
)
def test_line_kinds(line: str, kind: str) -> None:
    assert signal(line).kind == kind


def test_addresses_are_extracted() -> None:
    timeout = signal("Unable to connect to the server: dial tcp 100.101.7.20:6443: i/o timeout")
    assert (timeout.host, timeout.port) == ("100.101.7.20", "6443")
    v6 = signal("dial tcp [fd7a:115c:a1e0::b01:714]:443: i/o timeout")
    assert (v6.host, v6.port) == ("fd7a:115c:a1e0::b01:714", "443")
    refused = signal(
        "The connection to the server 100.64.1.1:6443 was refused - did you specify the right host or port?"
    )
    assert refused.host == "100.64.1.1"
    dns = signal("dial tcp: lookup k8s.tail1.ts.net on 100.100.100.100:53: no such host")
    assert dns.host == "k8s.tail1.ts.net"
    mismatch = signal("x509: certificate is valid for kubernetes, not 100.64.0.9")
    assert (mismatch.host, mismatch.detail) == ("100.64.0.9", "kubernetes")


def test_forbidden_current_wording() -> None:
    found = signal(
        'Error from server (Forbidden): deployments.apps "x" is forbidden: User "jane" cannot '
        'patch resource "deployments" in API group "apps" in the namespace "tm"'
    )
    assert (found.user, found.verb, found.resource, found.group, found.namespace) == (
        "jane",
        "patch",
        "deployments",
        "apps",
        "tm",
    )


def test_forbidden_pre_2019_wording() -> None:
    found = signal(
        'Error from server (Forbidden): pods is forbidden: User "bob" cannot list pods in the namespace "default"'
    )
    assert (found.user, found.verb, found.resource, found.group, found.namespace) == (
        "bob",
        "list",
        "pods",
        None,
        "default",
    )


def test_forbidden_non_resource_path() -> None:
    found = signal(
        'Error from server (Forbidden): forbidden: User "bob" cannot get path "/metrics"'
    )
    assert (found.verb, found.resource) == ("get", "/metrics")


def test_memcache_lines_then_summary_last_wins() -> None:
    box, _ = open_box(
        KUBECTL_OUTPUT,
        'E0101 memcache.go:265] couldn\'t get current server API group list: Get "https://100.64.0.1:6443/api": dial tcp 100.64.0.1:6443: i/o timeout\n'
        'E0101 memcache.go:265] couldn\'t get current server API group list: Get "https://100.64.0.1:6443/api": dial tcp 100.64.0.1:6443: i/o timeout\n'
        "Unable to connect to the server: dial tcp 100.64.0.1:6443: i/o timeout\n",
    )
    assert box is not None
    output, problems = parse_kubectl(box)
    assert problems == [] and output is not None
    last = output.last("timeout")
    assert last is not None and last.line == 3


def test_unrecognised_text_is_a_warning_not_a_failure() -> None:
    box, _ = open_box(KUBECTL_OUTPUT, "\n\nwhat is this\n")
    assert box is not None
    output, problems = parse_kubectl(box)
    assert output is not None and output.signals == ()
    assert [(p.id, p.line) for p in problems] == [("input-kubectl-unrecognised", 3)]
