"""Bad input becomes a finding, never an exception, and fast.

The list from the issue: empty, binary, 10 MB, deeply nested JSON, YAML alias
bombs, multi-document YAML, broken base64, a certificate that is not a
certificate; plus property-based tests that any text gives a report.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable

import pytest
from checker_testkit import GOOD, NOW, layer_status, only
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import REPO, VERDICTS

from checker import Report, diagnose
from checker.organisation import load_organisation
from checker.report import render_json, render_text

Run = Callable[..., Report]
KUBECONFIG = (GOOD / "kubeconfig.yaml").read_text()
STATUS = (GOOD / "tailscale-status.json").read_text()
BOXES = ("tailscale_status", "kubeconfig", "kubectl_output")
ORGANISATION = load_organisation((REPO / "organisation.yml").read_text())


def check(**texts: str) -> Report:
    """diagnose() without fixtures, for hypothesis (which reruns one test many times)."""
    return diagnose(organisation=ORGANISATION, now=NOW, **texts)


@pytest.mark.parametrize("box", BOXES)
@pytest.mark.parametrize("text", ["", "   \n\t\n", None])
def test_empty_boxes_are_not_given(run: Run, box: str, text: str | None) -> None:
    report = run(**{box: text})
    assert report.verdict == "input"
    assert [f.id for f in report.findings] == ["input-nothing-to-check"]
    assert all(status == "not_checked" for status in layer_status(report).values())


def test_empty_box_next_to_a_good_one(run: Run) -> None:
    report = run(tailscale_status="", kubeconfig=KUBECONFIG)
    assert report.verdict == "ok"
    assert dict(report.inputs)["tailscale-status"] == "not given"


@pytest.mark.parametrize("box", BOXES)
def test_binary(run: Run, box: str) -> None:
    blob = bytes(range(256)).decode("latin-1") * 40
    report = run(**{box: blob})
    assert report.verdict == "input"
    assert only(report, "input-binary").source == box.replace("_", "-").replace("status", "status")


@pytest.mark.parametrize("box", BOXES)
def test_ten_megabytes(run: Run, box: str) -> None:
    report = run(**{box: "a" * 10_000_000})
    assert report.verdict == "input"
    assert "10.0 MB" in only(report, "input-too-large").message


def test_deeply_nested_json_status(run: Run) -> None:
    deep = '{"BackendState": "Running", "x": ' + "[" * 200_000 + "]" * 200_000 + "}"
    report = run(tailscale_status=deep)
    assert report.verdict == "input"
    only(report, "input-too-complex")


def test_deeply_nested_json_kubeconfig(run: Run) -> None:
    report = run(kubeconfig='{"clusters": ' + "[" * 100_000 + "]" * 100_000 + "}")
    assert report.verdict == "input"
    only(report, "input-too-complex")


def test_alias_bomb(run: Run) -> None:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for i in range(1, 9):
        lines.append(f"{chr(97 + i)}: &{chr(97 + i)} [{','.join(['*' + chr(96 + i)] * 9)}]")
    report = run(kubeconfig="\n".join(lines) + "\nclusters: *i\n")
    assert report.verdict == "input"
    only(report, "input-too-complex")


def test_multi_document(run: Run) -> None:
    report = run(kubeconfig=KUBECONFIG + "---\n" + KUBECONFIG)
    assert report.verdict == "input"
    assert only(report, "input-kubeconfig-multiple-documents").line == 21


def test_broken_base64_and_not_a_certificate(run: Run) -> None:
    broken = KUBECONFIG.replace("client-certificate-data: LS0t", "client-certificate-data: LS0t!!")
    assert only(run(kubeconfig=broken), "credentials-bad-certificate").message.endswith(
        "found that it is not valid base64."
    )
    text = base64.b64encode(
        b"-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"
    )
    not_cert = KUBECONFIG.replace(
        KUBECONFIG.split("client-certificate-data: ")[1].split("\n")[0], text.decode()
    )
    assert only(run(kubeconfig=not_cert), "credentials-bad-certificate").message.endswith(
        "found that it is not a valid X.509 certificate."
    )


def test_unknown_role_is_an_input_problem(run: Run) -> None:
    report = run(tailscale_status=STATUS, role="intern")
    assert report.verdict == "input"
    assert only(report, "input-unknown-role").message == (
        "Expected one of the roles staff, contractor, found `intern`."
    )


def test_surrogates_and_odd_unicode(run: Run) -> None:
    report = run(tailscale_status="\udcff\udcfe{", kubeconfig="\u2028\u2029clusters: []\n")
    render_json(report)
    render_text(report)


# --- properties: any text gives a report ------------------------------------------------

texts = st.one_of(
    st.text(max_size=400),
    st.lists(st.sampled_from([*'{}[]":,-\n 1a&*!|>', "null", "true", "- ", ": "])).map("".join),
    st.sampled_from([STATUS, KUBECONFIG]).flatmap(
        lambda base: st.integers(0, len(base)).map(lambda cut: base[:cut])
    ),
    st.sampled_from([STATUS, KUBECONFIG]).flatmap(
        lambda base: st.tuples(st.integers(0, len(base)), st.text(max_size=20)).map(
            lambda p: base[: p[0]] + p[1] + base[p[0] :]
        )
    ),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_report(report: Report) -> None:
    assert report.verdict in VERDICTS
    assert next(layer.id for layer in report.layers) == "tailscale"
    json.loads(render_json(report))
    render_text(report)


@SETTINGS
@given(text=texts)
def test_any_status_text_gives_a_report(text: str) -> None:
    check_report(check(tailscale_status=text))


@SETTINGS
@given(text=texts)
def test_any_kubeconfig_text_gives_a_report(text: str) -> None:
    check_report(check(kubeconfig=text, tailscale_status=STATUS))


@SETTINGS
@given(text=texts)
def test_any_kubectl_text_gives_a_report(text: str) -> None:
    check_report(check(kubectl_output=text, kubeconfig=KUBECONFIG))


@SETTINGS
@given(
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "BackendState",
                        "Self",
                        "Peer",
                        "CurrentTailnet",
                        "Name",
                        "Health",
                        "TailscaleIPs",
                        "Online",
                        "KeyExpiry",
                        "Expired",
                        "DNSName",
                        "User",
                        "AuthURL",
                        "x",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_any_status_shaped_json_gives_a_report(data: object) -> None:
    if isinstance(data, dict):
        data.setdefault("BackendState", "Running")
    check_report(check(tailscale_status=json.dumps(data), kubeconfig=KUBECONFIG))


@SETTINGS
@given(
    data=st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=10),
        lambda children: (
            st.lists(children, max_size=4)
            | st.dictionaries(
                st.sampled_from(
                    [
                        "clusters",
                        "contexts",
                        "users",
                        "current-context",
                        "name",
                        "cluster",
                        "context",
                        "user",
                        "server",
                        "token",
                        "client-certificate-data",
                        "exec",
                        "command",
                        "x",
                    ]
                ),
                children,
                max_size=5,
            )
        ),
        max_leaves=30,
    )
)
def test_any_kubeconfig_shaped_json_gives_a_report(data: object) -> None:
    check_report(check(kubeconfig=json.dumps(data), tailscale_status=STATUS))


@pytest.mark.parametrize(
    "text",
    [
        "- x\n" * 100_000,
        "".join(f"k{i}: v\n" for i in range(40_000)),
        "[" + ",".join(["1"] * 50_000) + "]",
    ],
)
def test_yaml_with_very_many_tokens_is_refused_before_parsing(run: Run, text: str) -> None:
    # ruamel's pure-Python scanner would take many seconds on these.
    report = run(kubeconfig=text)
    assert report.verdict == "input"
    assert "kubectl config view --raw --minify" in only(report, "input-too-large").message


@pytest.mark.parametrize("levels", [101, 5_000])
def test_deep_json_is_refused_before_it_is_decoded(
    run: Run, levels: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the browser a few thousand levels overflow the stack before Python can raise
    RecursionError: the depth is measured first, so the decoder never sees it."""
    import json as json_module

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("the decoder saw JSON nested too deeply")

    deep = '{"BackendState": "Running", "x": ' + "[" * levels + "]" * levels + "}"
    monkeypatch.setattr(json_module.JSONDecoder, "raw_decode", no_decoding)
    finding = only(run(tailscale_status=deep), "input-too-complex")
    assert finding.source == "tailscale-status" and finding.line == 1
    assert finding.message.startswith("In the `tailscale status --json` box:")


def test_a_jwt_nested_too_deeply_names_the_kubeconfig_box(run: Run) -> None:
    payload = base64.urlsafe_b64encode(
        ('{"sub": "x", "a": ' + "[" * 5000 + "]" * 5000 + "}").encode()
    ).decode()
    token = "eyJhbGciOiJub25lIn0." + payload.rstrip("=") + ".c2ln"
    text = KUBECONFIG.replace(
        "client-certificate-data:", f"token: {token}\n    x-client-certificate-data:"
    )
    finding = only(run(kubeconfig=text), "input-too-complex")
    assert finding.source == "kubeconfig"
    assert finding.message.startswith("In the kubeconfig box: expected a bearer token for user")


def test_many_health_messages_each_with_its_line(run: Run) -> None:
    status = json.loads(STATUS)
    status["Health"] = [f"warning {i}" for i in range(40_000)] + [
        "You are logged out. The last login error was: invalid key"
    ]
    status["BackendState"] = "NeedsLogin"
    status.pop("CurrentTailnet", None)
    status["Self"]["InNetworkMap"] = False
    text = json.dumps(status, indent=2)
    finding = only(run(tailscale_status=text), "account-logged-out")
    assert "invalid key" in finding.message
