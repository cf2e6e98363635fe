"""The access path as a picture: drawn at build time from the organisation data, on the
overview (one per role) and at the top of each role's guide, every hop a link to the
step that sets it up, with words that say the same."""

from __future__ import annotations

import posixpath
import re
from pathlib import Path

import pytest
from site_html import ids, organisation, page
from support import LAYER_IDS, REPO, build_site

OTHER_FILE = REPO / "tests" / "site" / "data" / "other-org.yml"
SVG = re.compile(r'<svg class="access-path".*?</svg>', re.S)
HOP = re.compile(
    r'<a class="access-path__hop" xlink:href="([^"]+)"[^>]*data-access-layer="([^"]+)"'
)

pytestmark = [pytest.mark.slow]


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(
        tmp_path_factory.mktemp("other-path") / "site",
        env={"ORGANISATION_FILE": str(OTHER_FILE), "CHECKER_ASSETS": "off"},
    )


def drawings(html: str) -> list[str]:
    return SVG.findall(html)


def words(svg: str) -> str:
    found = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
    assert found, "a drawing without its words"
    return found.group(1).replace("&lt;", "<").replace("&gt;", ">")


def test_the_overview_draws_one_path_per_role_and_each_guide_its_own(site_dir: Path) -> None:
    roles = organisation()["roles"]
    overview = drawings(page(site_dir, ""))
    assert len(overview) == len(roles)
    for role, svg in zip(roles, overview, strict=True):
        assert f'aria-labelledby="access-path-{role}-title access-path-{role}-desc"' in svg
        guide = drawings(page(site_dir, f"connect/{role}/"))
        assert len(guide) == 1
        assert words(guide[0]) == words(svg)


def test_hots_path_goes_through_the_operator_proxy_with_each_roles_names(site_dir: Path) -> None:
    data = organisation()
    proxy = data["kubernetes"]["operator_proxy"]
    for role_id, role in data["roles"].items():
        said = words(drawings(page(site_dir, f"connect/{role_id}/"))[0])
        assert f"signed in to {role['tailnets'][0]}" in said
        assert (
            f"API server proxy {proxy['hostname']} ({proxy['tag']}; acts as your tailnet login)"
            in said
        )
        assert f"server: https://{proxy['hostname']}.<tailnet>.ts.net" in said
        assert f"groups: {', '.join(role['kubernetes_groups'])}" in said
    staff = words(drawings(page(site_dir, "connect/staff/"))[0])
    assert "groups: viewers" in staff
    assert "groups: contractor" in words(drawings(page(site_dir, "connect/contractor/"))[0])


def test_a_direct_path_has_no_proxy(other_site: Path) -> None:
    data = organisation(OTHER_FILE)
    assert data["kubernetes"]["path"] == "direct"
    for role_id, role in data["roles"].items():
        said = words(drawings(page(other_site, f"connect/{role_id}/"))[0])
        assert "API server proxy" not in said
        assert f"Tailnet path (to {data['kubernetes']['control_plane']})" in said
        assert f"signed in to {role['tailnets'][0]}" in said


@pytest.mark.parametrize("which", ["hot", "other"])
def test_every_hop_links_to_its_step_in_layer_order(
    which: str, site_dir: Path, other_site: Path
) -> None:
    site = site_dir if which == "hot" else other_site
    data = organisation(REPO / "organisation.yml" if which == "hot" else OTHER_FILE)
    addresses = ["", *(f"connect/{role_id}/" for role_id in data["roles"])]
    for address in addresses:
        for svg in drawings(page(site, address)):
            hops = HOP.findall(svg)
            layers = [layer for _, layer in hops]
            assert layers == [layer for layer in LAYER_IDS if layer in layers]
            assert {"tailscale", "account", "device", "kubeconfig", "rbac"} <= set(layers)
            for href, _ in hops:
                target, _, anchor = href.partition("#")
                resolved = posixpath.normpath(posixpath.join(address or ".", target))
                resolved = "" if resolved == "." else resolved + "/"
                assert anchor in ids(page(site, resolved)), (address, href)
