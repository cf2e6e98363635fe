"""Shared test helpers: where things are, the labelled cases, and a real site build."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from checker.catalogue import load_catalogue
from checker.organisation import load_organisation_file, organisation_path

REPO = Path(__file__).resolve().parents[1]
# The labelled cases: one folder each (tests/cases/README.md).
CASES_DIR = REPO / "tests" / "cases"

# The access layers in connection order, from the catalogue (the contract itself is
# tests/checker/test_catalogue_organisation.py::test_layers_are_the_stable_contract).
LAYER_IDS = tuple(layer.id for layer in load_catalogue().layers)
VERDICTS = frozenset({"ok", "input", *LAYER_IDS})
# The guide steps' anchors, in guide order: the checker and the troubleshooting page
# link to connect/<role>/#<step>, so these never change (test_site_role_guides.py
# checks that docs/_templates/steps.md declares exactly these).
STEP_IDS = (
    "install-tailscale",
    "sign-in",
    "select-tailnet",
    "not-personal-tailnet",
    "approve-device",
    "confirm-connected",
    "add-kubeconfig",
    "check-server",
    "test-access",
)

INPUT_FILES = {
    "tailscale_status": ("tailscale-status.json", "tailscale-status.txt"),
    "kubeconfig": ("kubeconfig.yaml", "kubeconfig.json"),
    "kubectl_output": ("kubectl.txt",),
}


@dataclass(frozen=True)
class Case:
    """One labelled scenario folder: the pasted texts and the expected verdict."""

    name: str
    path: Path
    role: str | None
    tailnets: tuple[str, ...]
    verdict: str
    why: str
    now: str | None
    source: str
    findings: tuple[str, ...] | None = None
    inputs: dict[str, Path] = field(default_factory=dict)
    # The organisation data the case is checked with, when not the repository's.
    organisation: Path | None = None

    def text(self, box: str) -> str | None:
        p = self.inputs.get(box)
        return p.read_text(encoding="utf-8", errors="surrogateescape") if p else None

    def cli_args(self) -> list[str]:
        flag = {
            "tailscale_status": "--tailscale-status",
            "kubeconfig": "--kubeconfig",
            "kubectl_output": "--kubectl-output",
        }
        args: list[str] = []
        for box, p in self.inputs.items():
            args += [flag[box], str(p)]
        if self.role:
            args += ["--role", self.role]
        for t in self.tailnets:
            args += ["--tailnet", t]
        if self.now:
            args += ["--now", self.now]
        if self.organisation:
            args += ["--organisation", str(self.organisation)]
        return args

    def request(self, now: str | None = None) -> str:
        """The request the checker page sends for this case's boxes, role and clock."""
        from checker.boxes import BOXES
        from checker.request import Request

        def box(field: str) -> str | None:
            text = self.text(field)
            return text if text is not None and text.strip() else None

        when = self.now or now
        return Request(
            organisation=load_organisation_file(organisation_path(self.organisation)),
            **{b.field: box(b.field) for b in BOXES},
            role=self.role,
            tailnets=self.tailnets,
            now=datetime.fromisoformat(when) if when else None,
        ).to_json()

    def organisation_data(self) -> dict[str, Any]:
        """The organisation data this case is checked with, as the browser gets it."""
        return organisation_data(self.organisation)


def load_case(path: Path) -> Case:
    meta = json.loads((path / "case.json").read_text(encoding="utf-8"))
    inputs = {}
    for box, names in INPUT_FILES.items():
        for name in names:
            if (path / name).exists():
                inputs[box] = path / name
    findings = meta.get("findings")
    return Case(
        name=path.name,
        path=path,
        role=meta.get("role"),
        tailnets=tuple(meta.get("tailnets") or ()),
        verdict=meta["verdict"],
        why=meta.get("why", ""),
        now=meta.get("now"),
        source=meta.get("source", ""),
        findings=tuple(findings) if findings is not None else None,
        inputs=inputs,
        organisation=path / meta["organisation"] if meta.get("organisation") else None,
    )


def case(name: str) -> Case:
    return load_case(CASES_DIR / name)


def all_cases() -> list[Case]:
    return [load_case(p) for p in sorted(CASES_DIR.iterdir()) if (p / "case.json").is_file()]


def run_cli(case: Case, fmt: str = "json") -> tuple[int, str]:
    """What `python -m checker` prints for the case, run in this process."""
    from checker.cli import main

    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main([*case.cli_args(), "--format", fmt])
    return code, out.getvalue()


def cli_report(case: Case) -> dict[str, Any]:
    """The CLI's JSON report for the case."""
    _, printed = run_cli(case)
    report: dict[str, Any] = json.loads(printed)
    return report


def organisation_data(path: Path | None = None) -> dict[str, Any]:
    """The organisation data as the site, the CLI and the browser get it: through the
    one loader, every default filled in. Default: the file the build would use."""
    return load_organisation_file(organisation_path(path)).to_dict()


def build_site(dest: Path, *, env: dict[str, str] | None = None) -> Path:
    """Run a real `mkdocs build --strict` into dest and return dest."""
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(dest)],
        cwd=REPO,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    # A log line at WARNING level, not any text that says WARNING: Material's notice
    # about its successor ends with "set NO_MKDOCS_2_WARNING=1".
    if result.returncode != 0 or re.search(r"^WARNING\b", result.stderr, re.MULTILINE):
        raise AssertionError(f"mkdocs build failed:\n{result.stdout}\n{result.stderr}")
    return dest
