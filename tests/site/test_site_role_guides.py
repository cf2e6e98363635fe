"""The role guides come from one template: same steps, differing only by role data."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from site_html import STEP_IDS, article, normalise, organisation, page, sections
from support import REPO

ROLES: dict[str, Any] = organisation()["roles"]
# Where the site's own words live; a shared step sentence must be written once.
SOURCES = [
    path
    for folder in ("docs", "macros", "hooks", "site_build", "overrides")
    for path in sorted((REPO / folder).rglob("*"))
    if path.is_file() and path.suffix in (".md", ".py", ".html", ".yml", ".js")
] + [REPO / "mkdocs.yml", REPO / "organisation.yml"]
SHARED_SENTENCES = [
    "Make sure you are not connected to a personal or private tailnet.",
    "Tailscale is connected to one tailnet at a time.",
    "If the command works, you can use the cluster according to your Kubernetes RBAC",
]


def role_values(role: dict[str, Any]) -> list[str]:
    """Every text of a role entry, longest first (so no value is cut by a shorter one)."""
    values: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and node:
            values.append(node)

    walk(role)
    return sorted(set(values), key=len, reverse=True)


def steps(site: Path, role_id: str) -> list[tuple[str, str]]:
    """(anchor, text) of each numbered step of a role's guide."""
    return [
        (anchor, content)
        for anchor, content in sections(article(page(site, f"connect/{role_id}/")))
        if re.match(r"\d+\. ", content)
    ]


def tokenised(content: str, role: dict[str, Any]) -> str:
    for value in role_values(role):
        content = content.replace(normalise(value), "<ROLE VALUE>")
    return content


def test_the_template_declares_the_step_ids_the_checker_links_to() -> None:
    from macros.main import STEPS_TEMPLATE, parse_steps

    template = (REPO / "docs" / STEPS_TEMPLATE).read_text(encoding="utf-8")
    assert tuple(step["id"] for step in parse_steps(template)) == STEP_IDS


@pytest.mark.parametrize("role_id", ROLES)
def test_every_role_gets_every_step_in_order(site_dir: Path, role_id: str) -> None:
    found = steps(site_dir, role_id)
    assert [anchor for anchor, _ in found] == list(STEP_IDS)
    numbers = [int(content.split(".", 1)[0]) for _, content in found]
    assert numbers == list(range(1, len(STEP_IDS) + 1))


def test_steps_differ_exactly_where_the_role_data_differ(site_dir: Path) -> None:
    first, *others = ROLES
    expected = steps(site_dir, first)
    for other in others:
        found = steps(site_dir, other)
        # The roles' tailnets, sign-in and kubeconfig sources do show up in the steps...
        assert [content for _, content in found] != [content for _, content in expected]
        # ...and they are the only difference.
        for (anchor, a), (_, b) in zip(expected, found, strict=True):
            assert tokenised(a, ROLES[first]) == tokenised(b, ROLES[other]), anchor


@pytest.mark.parametrize("role_id", ROLES)
def test_each_guide_names_its_own_role_and_not_the_others(site_dir: Path, role_id: str) -> None:
    content = " ".join(text for _, text in steps(site_dir, role_id))
    role = ROLES[role_id]
    assert f"Select the {role['tailnets'][0]} tailnet." in content
    assert normalise(role["sign_in"]) in content
    for other_id, other in ROLES.items():
        if other_id != role_id:
            assert other["tailnets"][0] not in content


@pytest.mark.parametrize("sentence", SHARED_SENTENCES)
def test_a_shared_step_is_written_once_and_rendered_in_every_guide(
    site_dir: Path, sentence: str
) -> None:
    in_sources = {
        path.relative_to(REPO).as_posix(): normalise(path.read_text(encoding="utf-8")).count(
            sentence
        )
        for path in SOURCES
    }
    assert sum(in_sources.values()) == 1, {k: v for k, v in in_sources.items() if v}
    assert in_sources["docs/_templates/steps.md"] == 1

    pages = sorted(site_dir.rglob("*.html"))
    rendered = {
        path.relative_to(site_dir).as_posix(): normalise(path.read_text(encoding="utf-8")).count(
            sentence
        )
        for path in pages
    }
    assert {k: v for k, v in rendered.items() if v} == {
        f"connect/{role_id}/index.html": 1 for role_id in ROLES
    }
