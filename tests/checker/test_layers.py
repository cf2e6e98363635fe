"""One focused test per check, layer by layer, with exact messages where they matter."""

# Real kubectl lines are quoted whole, as users paste them.
# ruff: noqa: E501

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import pytest
from checker_testkit import GOOD, layer_status, only
from support import REPO

from checker import Report
from checker.catalogue import load_catalogue
from checker.layers import layers

Run = Callable[..., Report]
StatusWith = Callable[..., str]
KUBECONFIG = (GOOD / "kubeconfig.yaml").read_text()
STATUS = (GOOD / "tailscale-status.json").read_text()


def test_registry_matches_the_catalogue() -> None:
    catalogue = load_catalogue()
    assert [layer for layer, _ in layers()] == list(catalogue.layers)
    for layer, module in layers():
        assert (module.__doc__ or "").strip(), layer.id
        assert getattr(module, "__name__", "") == f"checker.layers.{layer.id}"
    modules = {p.stem for p in (REPO / "checker" / "layers").glob("*.py")}
    assert modules - {"__init__"} == {layer.id for layer in catalogue.layers}


def test_all_good_passes_every_layer_it_can_check(run: Run) -> None:
    report = run(tailscale_status=STATUS, kubeconfig=KUBECONFIG)
    assert report.verdict == "ok" and report.findings == ()
    assert layer_status(report) == {
        "tailscale": "passed",
        "account": "passed",
        "device": "passed",
        "kubeconfig": "passed",
        "network": "passed",
        "credentials": "passed",
        "rbac": "not_checked",
    }


def test_layers_without_input_are_not_checked(run: Run) -> None:
    report = run(kubeconfig=KUBECONFIG)
    assert report.verdict == "ok"
    statuses = layer_status(report)
    assert statuses["tailscale"] == statuses["account"] == statuses["device"] == "not_checked"
    assert statuses["network"] == "not_checked"
    assert statuses["kubeconfig"] == statuses["credentials"] == "passed"


# --- tailscale ------------------------------------------------------------------


def test_stopped(run: Run, status_with: StatusWith) -> None:
    report = run(tailscale_status=status_with(BackendState="Stopped"))
    finding = only(report, "tailscale-stopped")
    assert finding.message == (
        "Expected BackendState Running, found Stopped: Tailscale is installed and signed in "
        "but turned off."
    )
    assert (finding.source, finding.line, finding.evidence) == (
        "tailscale-status",
        4,
        '  "BackendState": "Stopped",',
    )
    assert finding.guide == "connect/staff/#confirm-connected"
    assert finding.troubleshooting == "troubleshooting/#tailscale-stopped"
    assert layer_status(report)["account"] == "not_checked"


def test_daemon_unreachable_says_which_os(run: Run) -> None:
    report = run(
        tailscale_status="failed to connect to local Tailscale service; is Tailscale running?"
    )
    assert only(report, "tailscale-daemon-unreachable").message.endswith("not running on this Mac.")


def test_daemon_error_pasted_in_the_kubectl_box(run: Run) -> None:
    report = run(
        kubectl_output="failed to connect to local tailscaled; it doesn't appear to be running"
    )
    assert report.verdict == "tailscale"
    assert only(report, "tailscale-daemon-unreachable").source == "kubectl-output"


def test_not_installed(run: Run) -> None:
    assert run(tailscale_status="zsh: command not found: tailscale").verdict == "tailscale"


def test_in_use_other_user(run: Run, status_with: StatusWith) -> None:
    only(
        run(tailscale_status=status_with(BackendState="InUseOtherUser")),
        "tailscale-in-use-other-user",
    )


def test_nostate_is_starting_unless_logged_out(run: Run, status_with: StatusWith) -> None:
    only(run(tailscale_status=status_with(BackendState="NoState")), "tailscale-starting")
    logged_out = status_with(
        BackendState="NoState",
        CurrentTailnet=None,
        Self={"InNetworkMap": False},
        Health=["You are logged out."],
    )
    report = run(tailscale_status=logged_out)
    assert report.verdict == "account"
    assert only(report, "account-logged-out").evidence == '    "You are logged out."'


def test_starting_counts_as_running(run: Run, status_with: StatusWith) -> None:
    assert run(tailscale_status=status_with(BackendState="Starting")).verdict == "ok"


# --- account --------------------------------------------------------------------------


def test_logged_out_never_shows_the_link(run: Run) -> None:
    text = (GOOD.parent / "logged-out" / "tailscale-status.json").read_text()
    report = run(tailscale_status=text, role="staff")
    finding = only(report, "account-logged-out")
    assert "A login link is waiting" in finding.message
    assert "login.tailscale.com" not in json.dumps(
        [finding.message, finding.evidence, report.summary]
    )
    assert finding.fix == (
        "Open Tailscale and sign in with GitHub, using your GitHub account that is a member of "
        "the HOT organisation. Then select the `user@hotosm` tailnet."
    )


def test_logged_out_with_login_error(run: Run, status_with: StatusWith) -> None:
    text = status_with(
        BackendState="NeedsLogin",
        CurrentTailnet=None,
        Self={"InNetworkMap": False},
        Health=[
            "You are logged out. The last login error was: invalid key: API key does not exist"
        ],
    )
    assert only(run(tailscale_status=text), "account-logged-out").message.endswith(
        "The last login error was: invalid key: API key does not exist"
    )


def test_wrong_tailnet_messages(run: Run) -> None:
    contractor = (GOOD.parent / "awaiting-device-approval" / "tailscale-status.json").read_text()
    contractor = contractor.replace("NeedsMachineAuth", "Running")
    report = run(tailscale_status=contractor, role="staff")
    assert only(report, "account-wrong-tailnet").message == (
        "Expected the Staff tailnet `user@hotosm`, found `hotosm-contractors@hotosm`: the "
        "Contractor tailnet, which is not for staff."
    )
    personal = (GOOD.parent / "personal-tailnet" / "tailscale-status.json").read_text()
    report = run(tailscale_status=personal)
    assert only(report, "account-wrong-tailnet").message == (
        "Expected one of the tailnets `user@hotosm`, `hotosm-contractors@hotosm`, found "
        "`first.last@github`: a tailnet that is not one of HOT's (often a personal tailnet)."
    )
    assert only(report, "account-wrong-tailnet").line == 43


def test_tailnet_match_ignores_case(run: Run, status_with: StatusWith) -> None:
    text = status_with(
        CurrentTailnet={"Name": "User@HOTOSM", "MagicDNSSuffix": "tail4c21e8.ts.net"}
    )
    assert run(tailscale_status=text, role="staff").verdict == "ok"


def test_tailnet_override_fills_the_fix(run: Run, status_with: StatusWith) -> None:
    report = run(tailscale_status=STATUS, tailnets=["ops@example.org"])
    finding = only(report, "account-wrong-tailnet")
    assert "`ops@example.org`" in finding.fix


def test_role_is_inferred_from_the_tailnet_for_links(run: Run) -> None:
    text = (GOOD.parent / "forbidden-rbac" / "tailscale-status.json").read_text()
    report = run(
        tailscale_status=text,
        kubectl_output=(GOOD.parent / "forbidden-rbac" / "kubectl.txt").read_text(),
    )
    finding = only(report, "rbac-forbidden")
    assert finding.guide == "connect/contractor/#test-access"
    assert "Contractor access is usually read-only by default." in finding.message
    assert dict(report.facts)["role"] == "contractor (from the tailnet)"


# --- device -------------------------------------------------------------------------------


def test_awaiting_approval_message(run: Run) -> None:
    text = (GOOD.parent / "awaiting-device-approval" / "tailscale-status.json").read_text()
    finding = only(run(tailscale_status=text, role="contractor"), "device-awaiting-approval")
    assert finding.message == (
        "Expected BackendState Running, found NeedsMachineAuth: a tailnet admin has not "
        "approved this device yet. Its device name is `first-last-laptop`."
    )
    assert finding.fix.startswith("Ask a Tailscale admin (the HOT infrastructure team) to approve")
    assert finding.guide == "connect/contractor/#approve-device"


@pytest.mark.parametrize(
    ("changes", "check_id"),
    [
        ({"BackendState": "NeedsLogin"}, "device-key-expired"),
        ({"Self": {"Expired": True}}, "device-key-expired"),
        ({"Self": {"KeyExpiry": "2026-11-01T00:00:00Z"}}, "device-key-expired"),
        ({"Self": {"KeyExpiry": "2026-12-01T00:00:00Z"}}, "device-key-expiring-soon"),
        (
            {
                "Health": [
                    "this node is locked out; it will not have connectivity until it is signed."
                ]
            },
            "device-locked-out",
        ),
    ],
)
def test_device_checks(
    run: Run, status_with: StatusWith, changes: dict[str, Any], check_id: str
) -> None:
    report = run(tailscale_status=status_with(**changes))
    finding = only(report, check_id)
    assert finding.source == "tailscale-status" and finding.line is not None
    assert report.verdict == ("ok" if check_id.endswith("soon") else "device")


def test_key_expiry_message_names_the_date(run: Run, status_with: StatusWith) -> None:
    report = run(tailscale_status=status_with(Self={"KeyExpiry": "2026-11-01T00:00:00Z"}))
    assert only(report, "device-key-expired").message == (
        "Expected a node key valid now, found KeyExpiry 2026-11-01 00:00 UTC, which has passed: "
        "this device's node key expired."
    )


# --- kubeconfig -----------------------------------------------------------------------------------


def kubeconfig_with(old: str, new: str) -> str:
    assert old in KUBECONFIG
    return KUBECONFIG.replace(old, new)


def test_public_server_message(run: Run) -> None:
    report = run(kubeconfig=kubeconfig_with("100.101.7.20", "203.0.113.40"))
    finding = only(report, "kubeconfig-server-not-tailnet")
    assert finding.message == (
        "Expected the server to be a Tailscale address (100.64.0.0/10 or fd7a:115c:a1e0::/48) "
        "or a `*.ts.net` name, found 203.0.113.40: a public internet address, not a Tailscale one."
    )
    assert (finding.line, finding.evidence) == (7, "    server: https://203.0.113.40:6443")


@pytest.mark.parametrize(
    ("old", "new", "check_id"),
    [
        ("current-context: hot-prod", "current-context: ''", "kubeconfig-no-current-context"),
        ("current-context: hot-prod", "current-context: staging", "kubeconfig-context-not-found"),
        ("    user: me\n", "    user: you\n", "kubeconfig-incomplete-context"),
        ("    cluster: hot-prod\n", "", "kubeconfig-incomplete-context"),
        ("    server: https://100.101.7.20:6443\n", "", "kubeconfig-no-server"),
        ("https://100.101.7.20:6443", "https://localhost:6443", "kubeconfig-server-not-tailnet"),
        (
            "certificate-authority-data: LS0t",
            "certificate-authority-data: AAAA",
            "kubeconfig-bad-certificate-authority",
        ),
        ("clusters:\n", "clusters:\n  - [\n", "kubeconfig-unreadable"),
    ],
)
def test_kubeconfig_checks(run: Run, old: str, new: str, check_id: str) -> None:
    report = run(kubeconfig=kubeconfig_with(old, new))
    assert report.verdict == "kubeconfig"
    assert only(report, check_id).source == "kubeconfig"


def test_secret_line_evidence_is_redacted(run: Run) -> None:
    report = run(
        kubeconfig=kubeconfig_with(
            "certificate-authority-data: LS0t", "certificate-authority-data: AAAA"
        )
    )
    assert only(report, "kubeconfig-bad-certificate-authority").evidence == (
        "    certificate-authority-data: REDACTED"
    )


def test_insecure_skip_tls_verify_is_a_warning(run: Run) -> None:
    report = run(
        kubeconfig=kubeconfig_with("    server:", "    insecure-skip-tls-verify: true\n    server:")
    )
    assert report.verdict == "ok"
    assert only(report, "kubeconfig-insecure-skip-tls-verify").severity == "warning"
    assert layer_status(report)["kubeconfig"] == "warning"


@pytest.mark.parametrize(
    ("kubectl", "check_id"),
    [
        (
            "The connection to the server localhost:8080 was refused - did you specify the right host or port?",
            "kubeconfig-no-current-context",
        ),
        (
            "Error in configuration: context was not found for specified context: x",
            "kubeconfig-context-not-found",
        ),
        (
            'Error in configuration:\n* user "u" was not found for context "c"',
            "kubeconfig-incomplete-context",
        ),
        ('invalid configuration: no server found for cluster "c"', "kubeconfig-no-server"),
        (
            'error loading config file "/x": yaml: line 2: did not find expected key',
            "kubeconfig-unreadable",
        ),
        (
            "Unable to connect to the server: x509: certificate signed by unknown authority",
            "kubeconfig-tls-unknown-authority",
        ),
        (
            "Unable to connect to the server: x509: certificate is valid for kubernetes, not 100.101.7.20",
            "kubeconfig-tls-name-mismatch",
        ),
        (
            "Unable to connect to the server: x509: certificate has expired or is not yet valid",
            "kubeconfig-tls-certificate-expired",
        ),
        (
            "Unable to connect to the server: dial tcp 192.168.1.5:6443: i/o timeout",
            "kubeconfig-server-not-tailnet",
        ),
    ],
)
def test_kubectl_kubeconfig_messages(run: Run, kubectl: str, check_id: str) -> None:
    report = run(kubectl_output=kubectl)
    assert report.verdict == "kubeconfig"
    assert only(report, check_id).source == "kubectl-output"


def test_localhost_8080_with_a_good_kubeconfig_points_at_another_file(run: Run) -> None:
    report = run(
        kubeconfig=KUBECONFIG,
        kubectl_output="The connection to the server localhost:8080 was refused - did you specify the right host or port?",
    )
    assert (
        "kubectl is reading another file" in only(report, "kubeconfig-no-current-context").message
    )


# --- network ------------------------------------------------------------------------------------


def peer_changed(**changes: Any) -> str:
    data = json.loads(STATUS)
    (peer,) = data["Peer"].values()
    peer.update(changes)
    return json.dumps(data, indent=2)


def test_control_plane_offline(run: Run) -> None:
    report = run(tailscale_status=peer_changed(Online=False), kubeconfig=KUBECONFIG)
    finding = only(report, "network-control-plane-offline")
    assert finding.message == (
        "Expected the control plane's device `k8s-control-plane` to be online, found Online: false."
    )
    assert finding.line == 71 and finding.evidence == '      "Online": false,'


def test_control_plane_expired(run: Run) -> None:
    report = run(tailscale_status=peer_changed(Expired=True), kubeconfig=KUBECONFIG)
    assert only(report, "network-control-plane-expired").source == "tailscale-status"


def test_control_plane_not_visible(run: Run) -> None:
    report = run(
        tailscale_status=STATUS, kubeconfig=kubeconfig_with("100.101.7.20", "100.101.7.21")
    )
    assert only(report, "network-control-plane-not-visible").message == (
        "Expected the server 100.101.7.21 in a peer's TailscaleIPs, found no device with it "
        "among the 1 peers this device can see."
    )


def test_server_on_this_device_is_fine(run: Run) -> None:
    report = run(
        tailscale_status=STATUS, kubeconfig=kubeconfig_with("100.101.7.20", "100.88.12.34")
    )
    assert report.verdict == "ok"


def test_magicdns_name_of_another_tailnet(run: Run) -> None:
    report = run(
        tailscale_status=STATUS,
        kubeconfig=kubeconfig_with("https://100.101.7.20:6443", "https://k8s.tail9e0b33.ts.net"),
    )
    assert only(report, "network-other-tailnet-name").message == (
        "Expected a `*.tail4c21e8.ts.net` name (this tailnet's MagicDNS domain), found "
        "`k8s.tail9e0b33.ts.net`, a name in another tailnet's domain (tail9e0b33.ts.net)."
    )


def test_magicdns_service_name_from_extra_records(run: Run) -> None:
    data = json.loads(STATUS)
    data["ExtraRecords"] = [{"Name": "k8s-api.tail4c21e8.ts.net.", "Value": "100.100.1.1"}]
    report = run(
        tailscale_status=json.dumps(data),
        kubeconfig=kubeconfig_with(
            "https://100.101.7.20:6443", "https://k8s-api.tail4c21e8.ts.net"
        ),
    )
    assert report.verdict == "ok"


@pytest.mark.parametrize(
    ("kubectl", "check_id", "message"),
    [
        (
            "Unable to connect to the server: dial tcp 100.101.7.20:6443: i/o timeout",
            "network-timeout",
            "Expected the control plane to answer, found that the connection to "
            "100.101.7.20:6443 timed out (or had no route): packets get no answer over the tailnet.",
        ),
        (
            "Unable to connect to the server: dial tcp: lookup k8s.tail4c21e8.ts.net: no such host",
            "network-no-such-host",
            'Expected the server name k8s.tail4c21e8.ts.net to resolve, found "no such host": '
            "MagicDNS did not resolve it on this device.",
        ),
        (
            "The connection to the server 100.101.7.20:6443 was refused - did you specify the right host or port?",
            "network-connection-refused",
            "Expected the API server to accept the connection to 100.101.7.20:6443, found it "
            "refused: the address answers, but nothing listens on that port.",
        ),
    ],
)
def test_network_kubectl(run: Run, kubectl: str, check_id: str, message: str) -> None:
    report = run(kubectl_output=kubectl)
    assert report.verdict == "network"
    assert only(report, check_id).message == message


# --- credentials -------------------------------------------------------------------------------


def user_block(body: str) -> str:
    head = KUBECONFIG.split("users:\n")[0]
    return head + "users:\n- name: me\n  user:\n" + body


@pytest.mark.parametrize(
    ("body", "check_id"),
    [
        ("    {}\n", "credentials-missing"),
        ("    client-key-data: AAAA\n", "credentials-incomplete"),
        (
            "    token: abcdefgh\n    username: u\n    password: p4ssw0rd!\n",
            "credentials-incomplete",
        ),
        (
            "    exec:\n      command: x\n    auth-provider:\n      name: oidc\n",
            "credentials-incomplete",
        ),
        (
            "    client-certificate-data: QUJD\n    client-key-data: QUJD\n",
            "credentials-bad-certificate",
        ),
    ],
)
def test_credentials_checks(run: Run, body: str, check_id: str) -> None:
    report = run(kubeconfig=user_block(body))
    assert report.verdict == "credentials"
    only(report, check_id)


def test_operator_proxy_token_unused_is_fine(run: Run) -> None:
    text = user_block("    token: unused\n").replace(
        "https://100.101.7.20:6443", "https://k8s.tail4c21e8.ts.net"
    )
    # What `tailscale configure kubeconfig` writes has no certificate authority: the
    # proxy's certificate is a public one.
    text = re.sub(r"\n    certificate-authority-data: \S+", "", text)
    report = run(kubeconfig=text)
    assert report.verdict == "ok"
    assert (
        dict(report.facts)["kubernetes identity"]
        == "your tailnet login (Tailscale operator auth proxy)"
    )


def test_the_proxy_with_the_clusters_own_authority_cannot_work(run: Run) -> None:
    text = user_block("    token: unused\n").replace(
        "https://100.101.7.20:6443", "https://k8s.tail4c21e8.ts.net"
    )
    finding = only(run(kubeconfig=text), "kubeconfig-proxy-pinned-ca")
    assert finding.message.startswith(
        "Expected no `certificate-authority-data` for the API server proxy "
        "`k8s.tail4c21e8.ts.net`, found the certificate authority CN=kubernetes: the proxy "
    )


def test_expired_client_certificate_message(run: Run) -> None:
    text = (GOOD.parent / "client-cert-expired" / "kubeconfig.yaml").read_text()
    finding = only(run(kubeconfig=text), "credentials-certificate-expired")
    assert (
        finding.message
        == "Expected a client certificate valid now, found one that expired on 2021-06-30 00:00 UTC."
    )
    assert finding.evidence == "    client-certificate-data: REDACTED"


@pytest.mark.parametrize(
    ("kubectl", "check_id"),
    [
        ("error: You must be logged in to the server (Unauthorized)", "credentials-rejected"),
        (
            "Unable to connect to the server: getting credentials: exec: executable kubelogin not found",
            "credentials-exec-plugin-missing",
        ),
        (
            "Unable to connect to the server: getting credentials: exec: executable kubelogin failed with exit code 1",
            "credentials-exec-plugin-failed",
        ),
        (
            'Error from server (Forbidden): namespaces is forbidden: User "system:anonymous" cannot list resource "namespaces" in API group "" at the cluster scope',
            "credentials-anonymous",
        ),
    ],
)
def test_credentials_kubectl(run: Run, kubectl: str, check_id: str) -> None:
    report = run(kubectl_output=kubectl)
    assert report.verdict == "credentials"
    only(report, check_id)


# --- rbac ------------------------------------------------------------------------------------------


def test_forbidden_names_user_verb_resource_namespace(run: Run) -> None:
    kubectl = (
        'Error from server (Forbidden): deployments.apps "tm" is forbidden: User "jane.contractor" '
        'cannot patch resource "deployments" in API group "apps" in the namespace "tasking-manager"'
    )
    finding = only(run(kubectl_output=kubectl, role="contractor"), "rbac-forbidden")
    assert finding.message == (
        "Expected to be allowed, found Forbidden: user `jane.contractor` may not patch "
        "deployments (API group `apps`) in namespace `tasking-manager`. For the Contractor role: "
        "Contractor access is usually read-only by default. Edit access can be granted for "
        "specific namespaces when needed; ask a cluster admin."
    )


def test_forbidden_old_wording(run: Run) -> None:
    kubectl = 'Error from server (Forbidden): nodes is forbidden: User "first.last" cannot list nodes at the cluster scope'
    finding = only(run(kubectl_output=kubectl, role="staff"), "rbac-forbidden")
    assert finding.message.startswith(
        "Expected to be allowed, found Forbidden: user `first.last` may not list nodes at the cluster scope."
    )


def test_kubectl_success_passes_rbac(run: Run) -> None:
    report = run(kubectl_output="NAME      STATUS   AGE\ndefault   Active   3d\n")
    assert report.verdict == "ok" and layer_status(report)["rbac"] == "passed"


def test_first_failing_layer_wins(run: Run, status_with: StatusWith) -> None:
    report = run(
        tailscale_status=status_with(BackendState="NeedsMachineAuth"),
        kubeconfig=kubeconfig_with("100.101.7.20", "203.0.113.40"),
        kubectl_output="error: You must be logged in to the server (Unauthorized)",
    )
    assert report.verdict == "device"
    assert [f.id for f in report.findings] == ["device-awaiting-approval"]
