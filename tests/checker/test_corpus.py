"""Every labelled case, through the CLI: the verdict, its findings, and no secret leaks.

Cases are folders in tests/cases/; adding a scenario is adding a folder. A
case.json may also list the exact finding ids expected ("findings").

The cases run through `checker.cli.main` in this process (the same code that
`python -m checker` runs); `test_the_entry_point_runs_the_same` runs a few of them
through a real `python -m checker` to show that it is the same.
"""

from __future__ import annotations

import base64
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from support import REPO, VERDICTS, Case, all_cases, run_cli

CASES = all_cases()
HOT_CORPUS = "HOT's labelled corpus"


@pytest.fixture(scope="module")
def json_reports() -> dict[str, tuple[int, dict[str, object], str]]:
    results = {}
    for case in CASES:
        code, out = run_cli(case, "json")
        results[case.name] = (code, json.loads(out or "null"), out)
    return results


def test_the_entry_point_runs_the_same(
    json_reports: dict[str, tuple[int, dict[str, object], str]],
) -> None:
    for name in ("staff-all-good", "forbidden-rbac", "not-a-status"):
        case = next(c for c in CASES if c.name == name)
        done = subprocess.run(
            [sys.executable, "-m", "checker", *case.cli_args(), "--format", "json"],
            cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=60, check=False,
        )  # fmt: skip
        code, report, _ = json_reports[name]
        assert (done.returncode, json.loads(done.stdout)) == (code, report), done.stderr


def test_there_are_enough_cases() -> None:
    assert len([c for c in CASES if c.source.startswith(HOT_CORPUS)]) >= 14
    assert len([c for c in CASES if not c.source.startswith(HOT_CORPUS)]) >= 40


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_verdict(case: Case, json_reports: dict[str, tuple[int, dict[str, object], str]]) -> None:
    code, report, printed = json_reports[case.name]
    assert isinstance(report, dict), printed
    assert report["verdict"] == case.verdict, (
        f"{case.why}\n{json.dumps(report['findings'], indent=1)}"
    )
    assert code == {"ok": 0, "input": 2}.get(case.verdict, 1)
    findings = report["findings"]
    assert isinstance(findings, list)
    errors = [f for f in findings if f["severity"] == "error"]
    if case.verdict == "ok":
        assert not errors
    elif case.verdict == "input":
        assert any(f["layer"] == "input" for f in errors)
    else:
        assert any(f["layer"] == case.verdict for f in errors)
        statuses = {layer["id"]: layer["status"] for layer in report["layers"]}  # type: ignore[union-attr]
        assert statuses[case.verdict] == "failed"
        order = [layer["id"] for layer in report["layers"]]  # type: ignore[union-attr]
        for later in order[order.index(case.verdict) + 1 :]:
            assert statuses[later] == "not_checked"
    if case.findings is not None:
        assert [f["id"] for f in findings] == list(case.findings)


def secrets_of(case: Case) -> set[str]:
    """Every secret value in the case's inputs, found without the checker's parsers.

    Besides the usual keys, the redaction cases plant secrets whose text contains
    `Planted` in every other place one can hide (URLs, exec arguments, free text).
    """
    found: set[str] = set()
    for box in ("tailscale_status", "kubeconfig", "kubectl_output"):
        text = case.text(box)
        if not text:
            continue
        for m in re.finditer(
            r'"?(token|client-key-data|client-certificate-data|certificate-authority-data|'
            r'password|AuthURL|id-token|refresh-token|client-secret)"?\s*:\s*"?([^"\s,]+)',
            text,
        ):
            found.add(m.group(2))
        found |= set(re.findall(r"https://login\.tailscale\.com/a/\w+", text))
        found |= set(re.findall(r"eyJ[\w-]+\.[\w-]+\.[\w-]*", text))
        found |= set(re.findall(r"[A-Za-z0-9+/=_-]*Planted[A-Za-z0-9+/=_-]*", text))
    found -= {"unused", "DATA+OMITTED", "REDACTED", "", "null"}
    # The decoded PEM of a key or certificate must not leak either.
    decoded = set()
    for value in found:
        try:
            pem = base64.b64decode(value, validate=True).decode()
        except ValueError:
            continue
        decoded |= {line for line in pem.splitlines() if len(line) > 20 and "-----" not in line}
    return {s for s in found | decoded if len(s) >= 3}


def leaks(secret: str, text: str) -> bool:
    """A long secret anywhere; a short one as a word of its own."""
    if len(secret) >= 8:
        return secret in text
    return re.search(rf"(?<![A-Za-z0-9]){re.escape(secret)}(?![A-Za-z0-9])", text) is not None


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_no_secret_in_any_output(
    case: Case,
    json_reports: dict[str, tuple[int, dict[str, object], str]],
) -> None:
    _, report, _ = json_reports[case.name]
    assert isinstance(report, dict)
    whole_json = json.dumps(report, ensure_ascii=False)
    _, text_output = run_cli(case, "text")
    for secret in secrets_of(case):
        assert not leaks(secret, str(report["summary"])), secret
        assert not leaks(secret, whole_json), secret
        assert not leaks(secret, text_output), secret


def test_secret_collection_finds_what_it_should() -> None:
    """The redaction test above is only as good as this collection."""
    by_name = {c.name: c for c in CASES}
    assert any("login.tailscale.com" in s for s in secrets_of(by_name["logged-out"]))
    assert any(s.startswith("eyJ") for s in secrets_of(by_name["unauthorized"]))
    assert len(secrets_of(by_name["staff-all-good"])) >= 3
    assert "s3cr3t-Passw0rd" in secrets_of(by_name["token-and-password"])
    assert "Pl4n" in secrets_of(by_name["redaction-short-secret"])
    assert "argPlanted10" in secrets_of(by_name["redaction-json-kubeconfig-exec-args"])


def test_cases_are_real_folders() -> None:
    for case in CASES:
        assert case.inputs, case.name
        assert case.verdict in VERDICTS
        for path in case.inputs.values():
            assert Path(path).stat().st_size < 200_000
