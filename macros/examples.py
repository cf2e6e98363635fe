"""Examples one click away on the checker page, made from the project's own test cases.

Each example is a case folder of tests/cases/ (one for the organisation's path: through
the operator's API server proxy, or direct), its names swapped for the organisation's
(its roles' tailnets, its proxy's hostname), and checked at build time with the checker
itself: an example whose verdict is not the one it shows fails the build, so the
examples stay true whatever the data says.
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from checker import diagnose
from checker.boxes import BOXES
from checker.organisation import Organisation

CASES = Path(__file__).resolve().parents[1] / "tests" / "cases"
FILES = {
    "tailscale_status": ("tailscale-status.json", "tailscale-status.txt"),
    "kubeconfig": ("kubeconfig.yaml", "kubeconfig.json"),
    "kubectl_output": ("kubectl.txt",),
}
# id, button label, the case for each path (operator-proxy, direct), the verdict shown.
EXAMPLES = (
    ("all-good", "All good", ("proxy-all-good-whoami-table", "staff-all-good"), "ok"),
    ("wrong-tailnet", "On a personal tailnet", ("personal-tailnet", "personal-tailnet"), "account"),
    (
        "awaiting-approval",
        "Awaiting approval",
        ("awaiting-device-approval", "awaiting-device-approval"),
        "device",
    ),
    (
        "forbidden",
        "Forbidden",
        ("operator-proxy-forbidden-tailnet-user", "forbidden-rbac"),
        "rbac",
    ),
)
# The names the cases use, which the organisation's own replace.
STAFF_TAILNET, CONTRACTOR_TAILNET, PROXY = "user@hotosm", "hotosm-contractors@hotosm", "k8s-api"


class ExampleError(ValueError):
    """An example no longer shows what it says (the build names it)."""


def examples(organisation: Organisation) -> list[dict[str, Any]]:
    path = 0 if organisation.kubernetes.proxy else 1
    found = []
    for example_id, label, cases, verdict in EXAMPLES:
        folder = CASES / cases[path]
        meta = json.loads((folder / "case.json").read_text(encoding="utf-8"))
        texts = {}
        for field, names in FILES.items():
            existing = [folder / name for name in names if (folder / name).is_file()]
            text = existing[0].read_text(encoding="utf-8") if existing else None
            texts[field] = rebrand(text, organisation) if text is not None else None
        role = _role(meta.get("role"), organisation)
        report = diagnose(
            organisation=organisation,
            role=role,
            now=datetime.fromisoformat(meta["now"]),
            **texts,
        )
        if report.verdict != verdict:
            raise ExampleError(
                f"the checker page's example {example_id!r} (tests/cases/{folder.name}) "
                f"should show {verdict}, but the checker says {report.verdict}: "
                f"{[f.id for f in report.findings]}"
            )
        found.append(
            {
                "id": example_id,
                "label": label,
                "role": role,
                "now": meta["now"],
                "verdict": verdict,
                "texts": texts,
            }
        )
    assert [b.field for b in BOXES] == list(FILES)
    return found


def rebrand(text: str, organisation: Organisation) -> str:
    """A case's text with the organisation's names in place of the cases' own."""
    roles = organisation.roles
    text = text.replace(CONTRACTOR_TAILNET, roles[-1].tailnet)
    text = text.replace(STAFF_TAILNET, roles[0].tailnet)
    proxy = organisation.kubernetes.proxy
    if proxy:
        text = re.sub(rf"\b{re.escape(PROXY)}\b", proxy.hostname, text)
    return text


def _role(role: object, organisation: Organisation) -> str:
    ids = [r.id for r in organisation.roles]
    if role == "contractor" and len(ids) > 1:
        return ids[-1]
    return ids[0]
