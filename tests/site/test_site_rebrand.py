"""Another organisation re-brands the whole site by pointing ORGANISATION_FILE at its file."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from site_html import STEP_IDS, article, ids, organisation, page, text
from support import build_site

OTHER_FILE = Path(__file__).parent / "data" / "other-org.yml"
OTHER = organisation(OTHER_FILE)
# Names of the default organisation that must not survive a re-brand, anywhere.
HOT_NAMES = [
    re.compile(r"\bHOT\b"),
    re.compile(r"hotosm", re.I),
    re.compile(r"Humanitarian OpenStreetMap", re.I),
    re.compile(r"user@hotosm"),
    re.compile(r"hotosm-contractors@hotosm"),
    # HOT signs in with GitHub; the other organisation does not.
    re.compile(r"GitHub"),
]
TEXT_FILES = {".html", ".js", ".mjs", ".json", ".xml", ".css", ".txt", ".svg", ".yml", ".md"}


@pytest.fixture(scope="module")
def other_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_site(
        tmp_path_factory.mktemp("other-org") / "site",
        # Relative to the repository root, as a team would write it.
        env={"ORGANISATION_FILE": "tests/site/data/other-org.yml"},
    )


def test_the_other_file_really_is_different() -> None:
    default = organisation()
    assert set(OTHER["roles"]) != set(default["roles"])
    assert OTHER["tailscale"]["identity_provider"] != default["tailscale"]["identity_provider"]


@pytest.mark.slow
def test_no_name_of_the_default_organisation_survives(other_site: Path) -> None:
    found = []
    for path in sorted(other_site.rglob("*")):
        # Source maps are Material's own source code, not the site.
        if path.suffix not in TEXT_FILES or not path.is_file():
            continue
        content = path.read_text(encoding="utf-8", errors="replace")
        for name in HOT_NAMES:
            for match in name.finditer(content):
                context = content[max(0, match.start() - 40) : match.end() + 40]
                found.append((path.relative_to(other_site).as_posix(), context))
    assert not found


@pytest.mark.slow
def test_one_guide_per_role_of_the_other_file(other_site: Path) -> None:
    guides = sorted(p.name for p in (other_site / "connect").iterdir())
    assert guides == sorted(OTHER["roles"])
    for role_id, role in OTHER["roles"].items():
        html = article(page(other_site, f"connect/{role_id}/"))
        assert set(STEP_IDS) <= set(ids(html))
        content = text(html)
        assert f"Select the {role['tailnets'][0]} tailnet." in content
        assert f"sign in with Google, using {role['sign_in']}" in content
        assert f"Ask {OTHER['tailscale']['admins']} to approve your device." in content
        assert role["permissions"]["default"] in content


@pytest.mark.slow
def test_header_title_footer_and_links_come_from_the_file(other_site: Path) -> None:
    org = OTHER["organisation"]
    home = page(other_site, "")
    assert f"<title>Overview - {org['site_name']}</title>" in home
    assert f'<meta name="description" content="{org["site_description"]}">' in home
    assert f'<link rel="canonical" href="{org["site_url"]}">' in home
    assert re.search(
        r'class="md-header__topic">\s*<span class="md-ellipsis">\s*' + re.escape(org["site_name"]),
        home,
    )
    assert f'href="{org["repo_url"]}"' in home and org["repo_name"] in home
    assert f"© {org['copyright']}" in home
    assert "Example Relief Org (ERO) uses Tailscale" in text(article(home))
    guide = page(other_site, "connect/vendor/")
    assert f'href="{org["repo_url"]}/{org["edit_uri"]}_templates/guide.md"' in guide
    sitemap = (other_site / "sitemap.xml").read_text(encoding="utf-8")
    assert f"<loc>{org['site_url']}connect/vendor/</loc>" in sitemap


@pytest.mark.slow
def test_palette_comes_from_the_file(other_site: Path) -> None:
    css = (other_site / "assets" / "stylesheets" / "organisation.css").read_text(encoding="utf-8")
    colours = OTHER["organisation"]["colors"]
    assert f"--md-primary-fg-color: {colours['primary']};" in css
    assert f"--md-primary-fg-color--dark: {colours['primary_dark']};" in css
    assert f"--md-accent-fg-color: {colours['accent']};" in css
    assert 'data-md-color-primary="custom"' in page(other_site, "")
    assert "assets/stylesheets/organisation.css" in page(other_site, "")


@pytest.mark.slow
def test_troubleshooting_speaks_for_the_other_roles(other_site: Path) -> None:
    content = text(article(page(other_site, "troubleshooting/")))
    for role in OTHER["roles"].values():
        assert f"pick the {role['tailnets'][0]} tailnet" in content
    assert f"Ask {OTHER['tailscale']['cluster_admins']} to check your Kubernetes RBAC" in content


@pytest.mark.slow
def test_the_guides_follow_each_organisations_path(other_site: Path, site_dir: Path) -> None:
    """HOT's data says its cluster is reached through the operator's API server proxy;
    the other organisation's says directly. Each guide describes its own path."""
    direct = text(article(page(other_site, "connect/vendor/")))
    assert "Make sure the kubeconfig points to the relief control plane's Tailscale IP." in direct
    assert "configure kubeconfig" not in direct and "whoami" not in direct
    assert "API server proxy" not in text(article(page(other_site, "")))

    for role_id, group in (("staff", "viewers"), ("contractor", "contractor")):
        proxy = text(article(page(site_dir, f"connect/{role_id}/")))
        # One command per operating system tab.
        assert proxy.count("tailscale configure kubeconfig hotosm-k8s-operator") >= 3
        assert "user: tailscale-auth" in proxy and "token: unused" in proxy
        assert "kubectl auth whoami" in proxy
        assert f"Groups [{group} system:authenticated]" in proxy
        assert "https://hotosm-k8s-operator.<your tailnet>.ts.net" in proxy
    overview = text(article(page(site_dir, "")))
    assert "viewers for HOT staff members" in overview
