"""`checker.api.run`: the browser's entry point gives the CLI's JSON and never raises."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from support import CASES_DIR, REPO, Case, all_cases

from checker.api import run
from checker.cli import main

ORGANISATION_YAML = (REPO / "organisation.yml").read_text()
NOW = "2026-11-28T12:00:00Z"


def organisation_json() -> object:
    from checker.parse import yamltree

    data, _ = yamltree.load(ORGANISATION_YAML)
    return json.loads(json.dumps(data))


ORG = organisation_json()


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_same_json_as_the_cli(case: Case, capsys: pytest.CaptureFixture[str]) -> None:
    args = case.cli_args()
    if not case.now:
        args += ["--now", NOW]
    main([*args, "--format", "json"])
    assert run(case.request(NOW)) + "\n" == capsys.readouterr().out


def verdict_of(request: object) -> dict[str, object]:
    text = request if isinstance(request, str) else json.dumps(request)
    report = json.loads(run(text))
    assert isinstance(report, dict)
    return report


@pytest.mark.parametrize(
    "request_",
    [
        "",
        "not json",
        "[1, 2]",
        "null",
        {"organisation": ORG, "kubeconfig": 5},
        {"organisation": ORG, "role": ["staff"]},
        {"organisation": ORG, "tailnets": "user@hotosm"},
        {"organisation": ORG, "now": "next tuesday"},
        {"organisation": ORG, "now": 12},
        {"kubeconfig": "x"},
        {"organisation": {"organisation": {"name": "X"}}},
        {"organisation": {**ORG, "roles": {"staff": {"title": "S"}}}},  # type: ignore[dict-item]
    ],
)
def test_bad_requests_give_an_input_report(request_: object) -> None:
    report = verdict_of(request_)
    assert report["verdict"] == "input"
    findings = report["findings"]
    assert isinstance(findings, list) and findings[0]["id"] == "input-bad-request"
    assert [layer["status"] for layer in report["layers"]] == ["not_checked"] * 7  # type: ignore[union-attr]


def test_unknown_role_and_blank_boxes() -> None:
    report = verdict_of({"organisation": ORG, "role": "intern", "kubeconfig": "  ", "tailnets": []})
    assert report["verdict"] == "input"
    assert [f["id"] for f in report["findings"]] == ["input-unknown-role"]  # type: ignore[union-attr]


def test_missing_now_means_the_current_time() -> None:
    report = verdict_of(
        {
            "organisation": ORG,
            "kubeconfig": (
                CASES_DIR / "staff-all-good" / "kubeconfig.yaml"
            ).read_text(),
        }
    )
    assert report["verdict"] == "ok"
    assert str(report["now"]).startswith("20")


@settings(max_examples=100, deadline=None)
@given(
    st.text(max_size=200)
    | st.builds(json.dumps, st.dictionaries(st.text(max_size=10), st.text(max_size=10)))
)
def test_run_never_raises(text: str) -> None:
    assert json.loads(run(text))["verdict"] == "input"


def test_the_core_has_no_runtime_glue() -> None:
    """Nothing the browser imports may touch js/pyodide, threads or subprocesses."""
    for path in (REPO / "checker").rglob("*.py"):
        if path.name in ("cli.py", "__main__.py"):
            continue
        source = path.read_text()
        for banned in (r"^\s*(import|from) (js|pyodide|subprocess|threading)\b", r"\bopen\("):
            assert not re.search(banned, source, re.MULTILINE), f"{path.name}: {banned}"


def test_warm_up_imports_what_the_first_certificate_would() -> None:
    # In a fresh interpreter: the test session has imported everything already.
    code = (
        "import sys, checker.api\n"
        "assert 'asn1crypto.x509' not in sys.modules\n"
        "checker.api.warm_up()\n"
        "assert 'asn1crypto.x509' in sys.modules\n"
        "assert checker.api.load_catalogue.cache_info().currsize == 1\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)
