"""The CI workflow is valid (checked offline against the vendored schema) and deploys safely."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from site_html import load_yaml
from support import REPO

WORKFLOW = REPO / ".github" / "workflows" / "site.yml"


def validate(path: Path) -> subprocess.CompletedProcess[str]:
    # The schema ships inside check-jsonschema: no network needed.
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            str(path),
        ],
        capture_output=True,
        text=True,
        check=False,
    )


def test_workflow_matches_the_github_workflow_schema() -> None:
    result = validate(WORKFLOW)
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_schema_check_rejects_a_broken_workflow(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text(
        WORKFLOW.read_text(encoding="utf-8").replace("runs-on:", "runs_on:"), encoding="utf-8"
    )
    assert validate(broken).returncode != 0


def test_pull_requests_test_and_main_deploys() -> None:
    workflow = load_yaml(WORKFLOW)
    # YAML 1.1 reads the key `on` as True.
    triggers = workflow.get("on", workflow.get(True))
    assert "pull_request" in triggers and triggers["push"]["branches"] == ["main"]
    assert "concurrency" in workflow
    test_steps = " ".join(
        str(step.get("run", "")) + str(step.get("uses", ""))
        for step in workflow["jobs"]["test"]["steps"]
    )
    for needed in (
        "actions/setup-python",
        "actions/setup-node",
        "CHROMIUM=$(command -v google-chrome)",
        "make build",
        "make test",
    ):
        assert needed in test_steps, needed

    deploy = workflow["jobs"]["deploy"]
    assert deploy["needs"] == "test"
    assert "refs/heads/main" in deploy["if"] and "push" in deploy["if"]
    assert deploy["permissions"]["pages"] == "write"
    assert deploy["permissions"]["id-token"] == "write"
    assert deploy["environment"]["name"] == "github-pages"
    actions = [step["uses"].split("@")[0] for step in deploy["steps"] if "uses" in step]
    pages_actions = [action for action in actions if "pages" in action]
    assert pages_actions == [
        "actions/configure-pages",
        "actions/upload-pages-artifact",
        "actions/deploy-pages",
    ]
    # Only the deploy job may write to Pages.
    assert workflow["permissions"] == {"contents": "read"}
