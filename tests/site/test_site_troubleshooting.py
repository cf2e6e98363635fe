"""The troubleshooting page is the check catalogue, and its links land where they say."""

from __future__ import annotations

import re
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
ACCESS_LAYERS = {layer["id"] for layer in CATALOGUE["layers"]}


def h3_chunks(html: str) -> list[tuple[str, str]]:
    """(anchor, HTML) from each h3 heading to the next."""
    found = []
    for chunk in re.split(r"(?=<h3\b)", html):
        heading = re.match(r'<h3 id="([^"]+)"', chunk)
        if heading:
            found.append((heading.group(1), chunk))
    return found


def test_every_check_has_its_id_as_an_anchor(site_dir: Path) -> None:
    anchors = ids(article(page(site_dir, TROUBLESHOOTING)))
    missing = [check["id"] for check in CHECKS if check["id"] not in anchors]
    assert not missing
    assert len({check["id"] for check in CHECKS}) == len(CHECKS)


def test_checks_are_grouped_under_their_layer_in_order(site_dir: Path) -> None:
    html = article(page(site_dir, TROUBLESHOOTING))
    layer_sections = dict(sections(html, level="h3"))
    layers = [layer for layer in CATALOGUE["layers"] if layer["id"] != "input"]
    assert [anchor for anchor in layer_sections if anchor in ACCESS_LAYERS] == [
        layer["id"] for layer in layers
    ]
    for layer in layers:
        assert layer["title"] in layer_sections[layer["id"]]
        assert layer["question"] in layer_sections[layer["id"]]
    # Each check sits in its layer's section; checks about the input come last.
    chunks = {anchor: chunk for anchor, chunk in h3_chunks(html)}
    if any(check["layer"] == "input" for check in CHECKS):
        assert list(chunks)[-1] == "checker-messages"
    for check in CHECKS:
        section = "checker-messages" if check["layer"] == "input" else check["layer"]
        assert f'id="{check["id"]}"' in chunks[section], check["id"]


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


def test_every_message_the_checker_knows_is_its_own_search_entry(site_dir: Path) -> None:
    """The built search index has one entry per tool message, titled with the message
    as the tool prints it, at an anchor whose text links to the check it belongs to."""
    import json

    index = json.loads((site_dir / "search" / "search_index.json").read_text(encoding="utf-8"))
    entries = {
        doc["location"].split("#", 1)[1]: doc
        for doc in index["docs"]
        if doc["location"].startswith(TROUBLESHOOTING + "#message-")
    }
    messages = [(check["id"], t) for check in CHECKS for t in check.get("texts", ())]
    assert len(messages) >= 60
    assert len(entries) == len(messages)
    html = page(site_dir, TROUBLESHOOTING)
    titles = {text(doc["title"]) for doc in entries.values()}
    for _, message in messages:
        assert text(message) in titles, message
    for anchor in entries:
        entry = rf'<h3 id="{re.escape(anchor)}">.*?</h3>\s*<p>[^<]*<a href="#([^"]+)"'
        link = re.search(entry, html, re.S)
        assert link and link.group(1) in {c["id"] for c in CHECKS}, anchor
