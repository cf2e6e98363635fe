"""What people really paste: transcripts, trims, wrappers, mis-decoding; and no layer
passed without the evidence it needs.

The real captures in tests/cases/real-* run through the CLI, Pyodide and the page
like every case; these tests pin each repair down, with the note it leaves.
"""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from checker_testkit import GOOD, layer_status, only
from hypothesis import given, settings
from hypothesis import strategies as st

from checker import Report
from checker.boxes import KUBECTL_OUTPUT, TAILSCALE_STATUS
from checker.parse.forgiving import tidy
from checker.text import open_box

Run = Callable[..., Report]
STATUS = (GOOD / "tailscale-status.json").read_text()
KUBECONFIG = (GOOD / "kubeconfig.yaml").read_text()


def tidied(source: str, text: str) -> tuple[tuple[str, ...], tuple[int, ...], str | None]:
    box, _ = open_box(source, text)
    assert box is not None
    result = tidy(box)
    note = result.repairs[0].message if result.repairs else None
    return result.box.lines, result.box.commands, note


def test_prompts_and_commands_are_set_aside_line_for_line() -> None:
    lines, commands, note = tidied(
        KUBECTL_OUTPUT,
        "PS C:\\Users\\alex> kubectl get ns\nerror: You must be logged in to the server "
        "(Unauthorized)\nPS C:\\Users\\alex> ",
    )
    assert lines == ("", "error: You must be logged in to the server (Unauthorized)", "")
    assert commands == (1,)
    assert note is not None and "prompts and command lines (line 1)" in note
    assert "empty prompts (line 3)" in note


@pytest.mark.parametrize(
    "prompt",
    [
        "$ ",
        "alex@box:~$ ",
        "[alex@box k8s]$ ",
        "root@box:~# ",
        "\u279c  k8s ",
        "\u276f ",
        "% ",
        "(venv) $ ",
        "bash-4.3# ",
        "C:\\Users\\alex>",
        "",
    ],
)
def test_every_prompt_shape(prompt: str) -> None:
    lines, commands, _ = tidied(KUBECTL_OUTPUT, f"{prompt}kubectl get pods\nerror: Unauthorized")
    assert (lines[0], commands) == ("", (1,))


def test_output_that_names_a_command_is_not_a_command() -> None:
    text = "NAME        STATUS   AGE\ntailscale   Active   226d\nkubectl-x   Active   1d"
    lines, commands, note = tidied(KUBECTL_OUTPUT, text)
    assert (lines, commands, note) == (tuple(text.split("\n")), (), None)
    text = "Tailscale is stopped."
    assert tidied(TAILSCALE_STATUS, text)[2] is None


def test_quotes_fences_timestamps_bold_and_margins() -> None:
    text = (
        "> ```\n"
        "> 2024-05-02T10:11:12.1234567Z   **Unable to connect to the server: EOF**\n"
        "> ```"
    )
    lines, _, note = tidied(KUBECTL_OUTPUT, text)
    assert lines == ("", "Unable to connect to the server: EOF", "")
    assert note is not None
    for what in ("quote marks", "code fences", "log timestamps", "bold marks"):
        assert what in note


def test_text_mis_decoded_by_a_windows_code_page_is_read_again() -> None:
    mangled = "Get \u00e2\u20ac\u0153https://x.example/key\u00e2\u20ac\u009d: no such host"
    lines, _, note = tidied(KUBECTL_OUTPUT, mangled)
    assert lines == ('Get "https://x.example/key": no such host',)
    assert note is not None
    assert "the checker undid text a Windows code page mis-decoded (line" in note


def test_a_status_trimmed_with_dots_is_read_as_far_as_it_goes(run: Run) -> None:
    trimmed = (
        '{\n  "Version": "1.98.9",\n  "BackendState": "NeedsLogin",\n'
        '  "AuthURL": "https://login.tailscale.com/a/1f2e3d4c5b",\n  "Self": {\n'
        '    "HostName": "devbox",\n....\n'
    )
    report = run(tailscale_status=trimmed)
    assert report.verdict == "account"
    note = only(report, "input-status-incomplete")
    assert note.severity == "warning" and note.line == 7
    assert "1 line left out (line 7) and the rest cut off after line 7" in note.message
    assert "1f2e3d4c5b" not in json.dumps([f.message for f in report.findings]) + report.summary


def test_a_cut_off_status_never_passes_the_peers_it_lost(run: Run) -> None:
    status = json.loads(STATUS)
    text = json.dumps(status, indent=2)
    cut = text[: text.index('"Peer"') + 20]  # cut inside the peer map
    report = run(tailscale_status=cut, kubeconfig=KUBECONFIG)
    assert layer_status(report)["network"] == "not_checked"
    only(report, "input-status-incomplete")


def test_a_status_quoted_inside_another_programs_error(run: Run) -> None:
    line = "error: unexpected status: " + json.dumps(json.loads(STATUS))
    report = run(tailscale_status=line, kubeconfig=KUBECONFIG)
    assert report.verdict == "ok"


def test_a_logged_out_health_line_under_nostate_means_log_in_again(run: Run) -> None:
    text = (
        "# Health check:\n"
        "#     - You are logged out. The last login error was: invalid key: API key "
        "kA1b2C3d4CNTRL not valid\n\nunexpected state: NoState\n"
    )
    report = run(tailscale_status=text)
    assert report.verdict == "account"
    assert only(report, "account-auth-key-invalid").line == 2


def test_the_last_command_that_answers_sets_earlier_failures_right(run: Run) -> None:
    text = (
        "$ tailscale ping k8s\nfailed to connect to local tailscaled (which appears to be "
        'running as tailscaled, pid 4242). Got error: Get "http://local-tailscaled.sock/'
        'localapi/v0/status": EOF\n$ tailscale ping k8s\npong from k8s (100.101.7.20) via '
        "DERP(fra) in 41ms\n"
    )
    report = run(tailscale_status=text)
    assert (report.verdict, layer_status(report)["tailscale"]) == ("ok", "passed")
    assert "read the last one (from line 4)" in report.findings[1].message


def test_a_windows_error_wrapped_mid_sentence_is_read_whole(run: Run) -> None:
    text = (
        "Unable to connect to the server: dial tcp 100.101.7.20:6443: connectex: A connection\n"
        "attempt failed because the connected party did not properly respond after a period "
        "of time\n"
    )
    assert only(run(kubectl_output=text), "network-timeout").line == 1


# --- no evidence, no pass ---------------------------------------------------------------

FIELDS = {
    "BackendState": "tailscale",
    "CurrentTailnet": "account",
    "Self": "device",
}


def test_a_status_of_nulls_is_an_input_problem(run: Run) -> None:
    nulls = dict.fromkeys(json.loads(STATUS), None)
    report = run(tailscale_status=json.dumps(nulls, indent=2))
    assert (report.verdict, report.exit_code) == ("input", 2)
    only(report, "input-status-unusable")
    assert all(status == "not_checked" for status in layer_status(report).values())


@given(nulled=st.sets(st.sampled_from(sorted(FIELDS)), min_size=1))
@settings(max_examples=40, deadline=None)
def test_a_layer_whose_field_is_null_never_passes(nulled: set[str]) -> None:
    from checker import diagnose
    from checker.organisation import load_organisation_file, organisation_path

    status = json.loads(STATUS)
    for field in nulled:
        status[field] = None
    report = diagnose(
        organisation=load_organisation_file(organisation_path()),
        tailscale_status=json.dumps(status),
        role="staff",
    )
    statuses = layer_status(report)
    for field in nulled:
        assert statuses[FIELDS[field]] != "passed", (field, statuses)


# --- every client's messages ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "verdict", "finding"),
    [
        (  # Linux with systemd
            "failed to connect to local tailscaled; it doesn't appear to be running "
            "(sudo systemctl start tailscaled ?)",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        (  # Linux without systemd (OpenWrt, Alpine, containers)
            "failed to connect to local tailscaled; it doesn't appear to be running",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        (  # Windows
            "failed to connect to local tailscaled process; is the Tailscale service running?",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        (  # macOS
            "failed to connect to local Tailscale service; is Tailscale running?",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        (  # FreeBSD before v1.90, and after
            "failed to connect to local tailscaled process (is it running?); got: dial unix "
            "/var/run/tailscale/tailscaled.sock: connect: no such file or directory",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        (
            "Failed to connect to local Tailscale daemon for /localapi/v0/status; not running? "
            "Error: dial unix /var/run/tailscale/tailscaled.sock: connect: no such file or "
            "directory",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        (  # the macOS app's CLI
            "The Tailscale CLI failed to start: Failed to load preferences.",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        (  # Windows: the service answers, its backend never started
            "failed to connect to local tailscaled (which appears to be running as "
            "tailscaled.exe, pid 4321). Got error: 503 Service Unavailable: no backend",
            "tailscale",
            "tailscale-daemon-unreachable",
        ),
        ("Access denied: status access denied", "tailscale", "tailscale-access-denied"),
        ("Tailscale is stopped.", "tailscale", "tailscale-stopped"),
        ("Logged out.\nLog in at: https://login.tailscale.com/a/abc123", "account",
         "account-logged-out"),
        ("backend error: invalid key: unable to validate API key", "account",
         "account-auth-key-invalid"),
        ("\nTo authenticate, visit:\n\n\thttps://login.tailscale.com/a/abc123\n", "account",
         "account-logged-out"),
        ("Machine is not yet approved by tailnet admin.", "device", "device-awaiting-approval"),
        (
            "# Health check:\n#     - this node is locked out; it will not have connectivity "
            "until it is signed. For more info, see https://tailscale.com/s/locked-out\n",
            "device",
            "device-locked-out",
        ),
        ("zsh: command not found: tailscale", "tailscale", "tailscale-not-installed"),
        (
            "tailscale : The term 'tailscale' is not recognized as the name of a cmdlet, "
            "function, script file, or operable program.",
            "tailscale",
            "tailscale-not-installed",
        ),
    ],
)
def test_every_clients_message(run: Run, text: str, verdict: str, finding: str) -> None:
    report = run(tailscale_status=text)
    assert report.verdict == verdict, [f.id for f in report.findings]
    assert finding in [f.id for f in report.findings]
