"""`python -m checker`: flags, exit codes, stdin, text output, --collect."""

from __future__ import annotations

import codecs
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from checker_testkit import GOOD
from support import CASES_DIR, LAYER_IDS, REPO

from checker.cli import decode, main

STATUS = GOOD / "tailscale-status.json"
KUBECONFIG = GOOD / "kubeconfig.yaml"


def cli(
    *args: str, stdin: str | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "checker", *args],
        cwd=REPO,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, **(env or {})},
        timeout=60,
        check=False,
    )


def test_ok_exits_0_with_a_checklist() -> None:
    done = cli(
        "--tailscale-status", str(STATUS), "--kubeconfig", str(KUBECONFIG), "--role", "staff"
    )
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith("Verdict: ok")
    assert "  \u2713 tailscale    Tailscale is running" in lines
    assert "  \u2013 rbac         Kubernetes permissions (RBAC)  (not checked)" in lines


def test_failing_layer_exits_1_with_fix_and_guide_url() -> None:
    case = CASES_DIR / "tailscale-stopped"
    done = cli("--tailscale-status", str(case / "tailscale-status.json"), "--role", "staff")
    assert done.returncode == 1
    out = done.stdout
    assert out.startswith("Verdict: tailscale - Tailscale is running:")
    assert "\u2717 [tailscale] tailscale-stopped" in out
    assert 'in tailscale-status line 4: "BackendState": "Stopped",' in out
    assert (
        "  Fix: Turn Tailscale on: use Connect in the Tailscale app, or run `tailscale up`." in out
    )
    assert (
        "  Guide: https://hotosm.github.io/k8s-tailnet-access/connect/staff/#confirm-connected"
        in out
    )


def test_input_exits_2() -> None:
    case = CASES_DIR / "not-a-status"
    done = cli("--tailscale-status", str(case / "tailscale-status.txt"), "--format", "json")
    assert done.returncode == 2
    report = json.loads(done.stdout)
    assert report["verdict"] == "input"
    assert report["findings"][0]["message"].endswith(
        "this looks like a kubeconfig; paste it in the kubeconfig box."
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--role", "intern"],
        ["--now", "yesterday"],
        ["--format", "xml"],
        ["--kubeconfig", "/does/not/exist"],
        ["--kubeconfig", "-", "--tailscale-status", "-"],
        ["--organisation", "/does/not/exist.yml"],
    ],
)
def test_usage_errors_exit_2(args: list[str]) -> None:
    done = cli(*args, stdin="")
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.strip()


def test_stdin() -> None:
    done = cli("--tailscale-status", "-", "--format", "json", stdin=STATUS.read_text())
    assert json.loads(done.stdout)["verdict"] == "ok"


def test_ascii_fallback() -> None:
    done = cli("--tailscale-status", str(STATUS), env={"PYTHONIOENCODING": "ascii"})
    assert done.returncode == 0
    assert "  ok tailscale" in done.stdout
    done.stdout.encode("ascii")


def test_json_has_the_contract_keys() -> None:
    done = cli("--kubeconfig", str(KUBECONFIG), "--format", "json", "--now", "2026-11-28T12:00:00Z")
    report = json.loads(done.stdout)
    assert {"verdict", "layers", "findings", "facts", "summary"} <= report.keys()
    assert report["now"] == "2026-11-28T12:00:00Z"
    assert tuple(layer["id"] for layer in report["layers"]) == LAYER_IDS


def test_naive_now_is_utc(capsys: pytest.CaptureFixture[str]) -> None:
    main(["--kubeconfig", str(KUBECONFIG), "--format", "json", "--now", "2026-11-28T12:00:00"])
    assert json.loads(capsys.readouterr().out)["now"] == "2026-11-28T12:00:00Z"


def test_tailnet_flag_overrides_the_role(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--tailscale-status",
            str(STATUS),
            "--tailnet",
            "a@b",
            "--tailnet",
            "c@d",
            "--format",
            "json",
        ]
    )
    report = json.loads(capsys.readouterr().out)
    assert code == 1 and report["tailnets"] == ["a@b", "c@d"]


OTHER_ORG = """
organisation: {name: Example Org, short_name: EX, site_url: "https://docs.example.org/access/"}
tailscale:
  identity_provider: Google
  admins: the IT desk
  cluster_admins: the platform team
  contact: "#platform"
kubernetes: {test_command: kubectl get pods}
roles:
  volunteer:
    title: Volunteer
    tailnets: [volunteers.example.org]
    sign_in: your volunteer Google account
    permissions: {default: Volunteers can read., more: Ask for more.}
"""


def test_other_organisation_file(tmp_path: Path) -> None:
    org = tmp_path / "org.yml"
    org.write_text(OTHER_ORG)
    done = cli("--organisation", str(org), "--tailscale-status", str(STATUS), "--role", "volunteer")
    assert done.returncode == 1
    assert (
        "Expected the Volunteer tailnet `volunteers.example.org`, found `user@hotosm`"
        in done.stdout
    )
    assert "https://docs.example.org/access/connect/volunteer/#select-tailnet" in done.stdout
    assert "sign in again with Google using your volunteer Google account" in done.stdout
    assert cli("--organisation", str(org), "--role", "staff").returncode == 2
    # The environment variable is the next place looked at.
    env_done = cli(
        "--tailscale-status",
        str(STATUS),
        "--role",
        "volunteer",
        env={"ORGANISATION_FILE": str(org)},
    )
    assert env_done.returncode == 1


def test_broken_organisation_file(tmp_path: Path) -> None:
    org = tmp_path / "org.yml"
    org.write_text("organisation: {name: X}\nroles: {}\n")
    done = cli("--organisation", str(org))
    assert done.returncode == 2 and "organisation data" in done.stderr


def test_utf16_file_from_powershell(tmp_path: Path) -> None:
    path = tmp_path / "status.json"
    path.write_bytes(
        codecs.BOM_UTF16_LE + STATUS.read_text().replace("\n", "\r\n").encode("utf-16-le")
    )
    done = cli("--tailscale-status", str(path), "--format", "json")
    assert json.loads(done.stdout)["verdict"] == "ok"


def test_decode() -> None:
    assert decode(codecs.BOM_UTF8 + b"x") == "x"
    assert decode(codecs.BOM_UTF16_BE + "y".encode("utf-16-be")) == "y"
    assert decode(b"\xff\xfeA\x00") == "A"
    assert decode(b"caf\xe9") == "caf\ufffd"


# --- --collect ------------------------------------------------------------------------


def fake_tailscale(bin_dir: Path, stdout: str, stderr: str = "", code: int = 0) -> None:
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "out.txt").write_text(stdout)
    (bin_dir / "err.txt").write_text(stderr)
    script = bin_dir / "tailscale"
    script.write_text(
        "#!/bin/sh\n"
        '[ "$1 $2" = "status --json" ] || exit 9\n'
        f'cat "{bin_dir}/out.txt"\ncat "{bin_dir}/err.txt" >&2\nexit {code}\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)


def collect_env(tmp_path: Path, bin_dir: Path, kubeconfig: str | None) -> dict[str, str]:
    env = {"PATH": f"{bin_dir}:/usr/bin:/bin", "HOME": str(tmp_path / "home")}
    if kubeconfig is not None:
        env["KUBECONFIG"] = kubeconfig
    return env


def test_collect_reads_status_and_first_existing_kubeconfig(tmp_path: Path) -> None:
    fake_tailscale(tmp_path / "bin", STATUS.read_text())
    missing = tmp_path / "missing.yaml"
    env = collect_env(tmp_path, tmp_path / "bin", f"{missing}{os.pathsep}{KUBECONFIG}")
    done = cli("--collect", "--format", "json", "--role", "staff", env=env)
    report = json.loads(done.stdout)
    assert done.returncode == 0, report["findings"]
    assert report["inputs"] == {
        "tailscale-status": "given",
        "kubeconfig": "given",
        "kubectl-output": "not given",
    }
    assert str(KUBECONFIG) in done.stderr


def test_collect_home_kube_config(tmp_path: Path) -> None:
    fake_tailscale(tmp_path / "bin", STATUS.read_text())
    kube = tmp_path / "home" / ".kube"
    kube.mkdir(parents=True)
    (kube / "config").write_text(KUBECONFIG.read_text().replace("100.101.7.20", "10.0.0.5"))
    done = cli("--collect", "--format", "json", env=collect_env(tmp_path, tmp_path / "bin", None))
    assert json.loads(done.stdout)["verdict"] == "kubeconfig"


def test_collect_daemon_error_goes_to_stderr(tmp_path: Path) -> None:
    fake_tailscale(
        tmp_path / "bin",
        "",
        "failed to connect to local tailscaled; it doesn't appear to be running\n",
        code=1,
    )
    done = cli("--collect", "--format", "json", env=collect_env(tmp_path, tmp_path / "bin", None))
    report = json.loads(done.stdout)
    assert report["verdict"] == "tailscale"
    assert report["findings"][0]["id"] == "tailscale-daemon-unreachable"
    assert "no kubeconfig found" in done.stderr


def test_collect_without_tailscale_installed(tmp_path: Path) -> None:
    (tmp_path / "empty-bin").mkdir()
    done = cli("--collect", env=collect_env(tmp_path, tmp_path / "empty-bin", None))
    assert done.returncode == 1
    assert "not installed" in done.stderr
    assert "tailscale-not-installed" in done.stdout
    assert "Install Tailscale from https://tailscale.com/download" in done.stdout


def test_explicit_file_beats_collect(tmp_path: Path) -> None:
    fake_tailscale(tmp_path / "bin", "garbage")
    env = collect_env(tmp_path, tmp_path / "bin", None)
    done = cli("--collect", "--tailscale-status", str(STATUS), "--format", "json", env=env)
    assert json.loads(done.stdout)["verdict"] == "ok"


# --- hostile and unlucky inputs: one line and exit 2, never a traceback ------------------


def test_an_unreadable_kubeconfig_under_collect_is_a_note(tmp_path: Path) -> None:
    fake_tailscale(tmp_path / "bin", STATUS.read_text())
    folder = tmp_path / "a-folder"  # root reads any file; nobody reads a folder as one
    folder.mkdir()
    env = collect_env(tmp_path, tmp_path / "bin", str(folder))
    done = cli("--collect", "--format", "json", env=env)
    assert "Traceback" not in done.stderr
    assert f"cannot read the kubeconfig {folder}" in done.stderr
    assert json.loads(done.stdout)["inputs"]["kubeconfig"] == "not given"


def test_kubeconfig_set_to_a_missing_file_never_falls_back(tmp_path: Path) -> None:
    fake_tailscale(tmp_path / "bin", STATUS.read_text())
    kube = tmp_path / "home" / ".kube"
    kube.mkdir(parents=True)
    (kube / "config").write_text(KUBECONFIG.read_text())
    missing = tmp_path / "gone.yaml"
    env = collect_env(tmp_path, tmp_path / "bin", str(missing))
    done = cli("--collect", "--format", "json", env=env)
    assert f"KUBECONFIG names {missing}, which does not exist; kubectl skips it." in done.stderr
    assert json.loads(done.stdout)["inputs"]["kubeconfig"] == "not given"


def test_kubeconfig_files_are_merged_as_kubectl_merges_them(tmp_path: Path) -> None:
    fake_tailscale(tmp_path / "bin", STATUS.read_text())
    first = tmp_path / "first.yaml"
    first.write_text("apiVersion: v1\nkind: Config\ncurrent-context: hot-prod\n")
    second = tmp_path / "second.yaml"
    second.write_text(KUBECONFIG.read_text().replace("current-context:", "# current-context:"))
    env = collect_env(tmp_path, tmp_path / "bin", f"{first}{os.pathsep}{second}")
    done = cli("--collect", "--format", "json", "--role", "staff", env=env)
    assert "merged the kubeconfigs" in done.stderr
    report = json.loads(done.stdout)
    assert (report["verdict"], report["facts"]["context"]) == ("ok", "hot-prod")


def test_a_tailscale_that_prints_without_end_is_cut(tmp_path: Path) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "tailscale"
    script.write_text("#!/bin/sh\nexec yes 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'\n")
    script.chmod(0o755)
    done = cli("--collect", "--format", "json", env=collect_env(tmp_path, bin_dir, None))
    report = json.loads(done.stdout)
    assert [f["id"] for f in report["findings"]][:1] == ["input-too-large"]


def test_a_non_utf8_organisation_file_is_one_line(tmp_path: Path) -> None:
    organisation = tmp_path / "org.yml"
    organisation.write_bytes("organisation: {name: Équipe}\n".encode("latin-1"))
    done = cli("--organisation", str(organisation), "--tailscale-status", str(STATUS))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: organisation data: {organisation}: expected UTF-8 text, found a byte that is "
        "not (at offset 21)"
    ]


def test_terminal_escapes_are_shown_not_run(tmp_path: Path) -> None:
    osc8 = "\x1b]8;;https://evil.example/\x07ctx\x1b]8;;\x07"
    osc52 = "\x1b]52;c;ZWNobyBwd25lZA==\x07"
    kubeconfig = tmp_path / "kubeconfig.json"
    name = f"{osc8}{osc52}\x1b[2K"
    kubeconfig.write_text(
        json.dumps({"current-context": name, "contexts": [], "clusters": [], "users": []})
    )
    done = cli("--kubeconfig", str(kubeconfig))
    assert done.returncode == 1
    assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    assert "\\x1b]8;;https://evil.example/\\x07ctx" in done.stdout
