"""The troubleshooting page is the check catalogue, and its links land where they say."""

from __future__ import annotations

from pathlib import Path

import pytest
from site_html import (
    STEP_IDS,
    article,
    catalogue,
    hrefs,
    ids,
    organisation,
    page,
    sections,
    text,
)

CATALOGUE = catalogue()
CHECKS = CATALOGUE["checks"]
ROLES = organisation()["roles"]
TROUBLESHOOTING = "troubleshooting/"


def test_every_check_has_its_id_as_an_anchor(site_dir: Path) -> None:
    anchors = ids(article(page(site_dir, TROUBLESHOOTING)))
    missing = [check["id"] for check in CHECKS if check["id"] not in anchors]
    assert not missing
    assert len({check["id"] for check in CHECKS}) == len(CHECKS)


def test_checks_are_grouped_under_their_layer_in_order(site_dir: Path) -> None:
    layer_sections = dict(sections(article(page(site_dir, TROUBLESHOOTING)), level="h3"))
    layers = [layer["id"] for layer in CATALOGUE["layers"]]
    assert [anchor for anchor in layer_sections if anchor in layers] == layers
    for layer in CATALOGUE["layers"]:
        assert layer["title"] in layer_sections[layer["id"]]
        assert layer["question"] in layer_sections[layer["id"]]
    html = article(page(site_dir, TROUBLESHOOTING))
    for check in CHECKS:
        section = "checker-messages" if check["layer"] == "input" else check["layer"]
        # The check's anchor sits after its section's heading and before the next one.
        start = html.index(f'id="{section}"')
        following = [html.find('<h3 id="', start + 1)]
        end = following[0] if following[0] != -1 else len(html)
        assert start < html.index(f'id="{check["id"]}"') < end, check["id"]


@pytest.mark.parametrize("role_id", ROLES)
def test_every_step_a_check_names_exists_in_every_guide(site_dir: Path, role_id: str) -> None:
    anchors = set(ids(article(page(site_dir, f"connect/{role_id}/"))))
    assert set(STEP_IDS) <= anchors
    assert {check["step"] for check in CHECKS} <= anchors


def test_each_check_links_to_its_step_in_every_guide(site_dir: Path) -> None:
    links = hrefs(article(page(site_dir, TROUBLESHOOTING)))
    for check in CHECKS:
        for role_id in ROLES:
            assert f"../connect/{role_id}/#{check['step']}" in links, (check["id"], role_id)


def test_placeholders_are_filled_for_the_reader(site_dir: Path) -> None:
    content = text(article(page(site_dir, TROUBLESHOOTING)))
    assert "{" + "admins}" not in content and "{tailnet}" not in content
    tailscale = organisation()["tailscale"]
    assert f"Ask {tailscale['admins']} ({tailscale['contact']}) to approve your device" in content
    # Role-specific texts are shown once per role.
    for role in ROLES.values():
        assert f"pick the {role['tailnets'][0]} tailnet" in content


def test_forbidden_rule_is_stated(site_dir: Path) -> None:
    forbidden = dict(sections(article(page(site_dir, TROUBLESHOOTING))))["forbidden"]
    assert (
        "If kubectl connects but says Forbidden, the network is working. "
        "Ask a cluster admin to check your Kubernetes RBAC permissions" in forbidden
    )


@pytest.mark.parametrize(
    "address", [TROUBLESHOOTING, *(f"connect/{role_id}/" for role_id in ROLES)]
)
def test_guides_and_troubleshooting_link_to_the_checker(site_dir: Path, address: str) -> None:
    depth = address.count("/")
    assert "../" * depth + "checker/" in hrefs(article(page(site_dir, address)))
    assert (site_dir / "checker" / "index.html").is_file()
