"""The built site as the browser receives it: its policy, its own-origin resources, its runtime."""

from __future__ import annotations

import base64
import hashlib
import json
import re
import tomllib
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from support import REPO, organisation_data

pytestmark = [pytest.mark.slow]

CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')
# Attributes whose URL the browser fetches by itself (an <a href> is only followed on click).
FETCHED = {"src", "srcset", "poster", "data", "action", "formaction", "background"}
JS_TYPES = {"", "module", "text/javascript", "application/javascript"}


def pages(site_dir: Path) -> list[Path]:
    found = sorted(site_dir.rglob("*.html"))
    assert found
    return found


def directives(policy: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in policy.split(";") if d.strip()}


class Resources(HTMLParser):
    """The URLs a page makes the browser fetch, and its inline scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []
        self.inline_scripts: list[str] = []
        self.before_policy: list[str] = []
        self._policy_seen = False
        self._script: list[str] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy":
            self._policy_seen = True
        elif not self._policy_seen and tag in ("script", "link", "style", "img", "base"):
            self.before_policy.append(tag)
        for name in FETCHED & a.keys():
            self.urls += [part.split()[0] for part in a[name].split(",") if part.strip()]
        if tag == "link" and a.get("rel") not in ("canonical", "prev", "next", "alternate"):
            self.urls.append(a.get("href", ""))
        if tag == "script" and "src" not in a and a.get("type", "").lower() in JS_TYPES:
            self._script = []

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.inline_scripts.append("".join(self._script))
            self._script = None


def parsed(page: Path) -> Resources:
    resources = Resources()
    resources.feed(page.read_text(encoding="utf-8"))
    resources.close()
    return resources


def test_every_page_has_the_same_policy_before_anything_it_loads(site_dir: Path) -> None:
    policies = {}
    for page in pages(site_dir):
        found = CSP_META.findall(page.read_text(encoding="utf-8"))
        assert len(found) == 1, page
        policies[page] = found[0]
        assert parsed(page).before_policy == [], page
    assert len(set(policies.values())) == 1
    policy = directives(next(iter(policies.values())))

    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"][:2] == ["'self'", "'wasm-unsafe-eval'"]
    assert all(s.startswith("'sha256-") for s in policy["script-src"][2:])
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert "'unsafe-inline'" not in policy["style-src"]
    assert policy["connect-src"] == ["'self'"]
    assert policy["worker-src"] == ["'self'", "blob:"]
    assert policy["img-src"] == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'self'"]
    assert policy["form-action"] == ["'none'"]


def test_the_policy_allows_every_inline_script_of_every_page(site_dir: Path) -> None:
    allowed = set(
        directives(CSP_META.findall((site_dir / "index.html").read_text())[0])["script-src"]
    )
    for page in pages(site_dir):
        for script in parsed(page).inline_scripts:
            digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
            assert f"'sha256-{digest}'" in allowed, (page, script[:80])


def test_pages_load_nothing_from_another_host(site_dir: Path) -> None:
    organisation = organisation_data(REPO / "organisation.yml")
    own_host = urlsplit(organisation["organisation"]["site_url"]).netloc
    for page in pages(site_dir):
        for url in parsed(page).urls:
            host = urlsplit(url).netloc
            assert host in ("", own_host), (page, url)


def test_the_checkers_scripts_name_no_url(site_dir: Path) -> None:
    for script in sorted((site_dir / "assets" / "checker").glob("*.js")):
        assert not re.search(r"[a-z]+://", script.read_text(encoding="utf-8")), script


def test_the_pages_scripts_build_nodes_not_html(site_dir: Path) -> None:
    # What a report quotes was pasted: it is set as text, into nodes made with DOM APIs.
    scripts = sorted((site_dir / "assets" / "checker").glob("*.js"))
    scripts += sorted((site_dir / "assets" / "javascripts").glob("*.js"))
    own = [s for s in scripts if not s.name.startswith("bundle.")]
    assert len(own) >= 8
    for script in own:
        source = script.read_text(encoding="utf-8")
        html = re.search(r"innerHTML|outerHTML|insertAdjacentHTML|document\.write", source)
        assert not html, script


def test_the_lock_lists_exactly_the_shipped_wheels(site_dir: Path) -> None:
    shipped = site_dir / "assets" / "pyodide"
    lock = json.loads((shipped / "pyodide-lock.json").read_text(encoding="utf-8"))
    stock = json.loads((REPO / "node_modules/pyodide/pyodide-lock.json").read_text("utf-8"))
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    pins = {
        re.sub(r"[-_.]+", "-", name).lower(): version
        for name, version in (d.split("==") for d in project["dependencies"])
    }

    assert lock["info"] == stock["info"]
    assert {name: p["version"] for name, p in lock["packages"].items()} == {
        "checker": project["version"],
        **pins,
    }
    assert sorted(lock["packages"]["checker"]["depends"]) == sorted(pins)
    for package in lock["packages"].values():
        wheel = shipped / package["file_name"]
        assert hashlib.sha256(wheel.read_bytes()).hexdigest() == package["sha256"]
        assert wheel.name.endswith("-none-any.whl")
    assert sorted(p.name for p in shipped.glob("*.whl")) == sorted(
        p["file_name"] for p in lock["packages"].values()
    )
    for name in ("pyodide.mjs", "pyodide.asm.mjs", "pyodide.asm.wasm", "python_stdlib.zip"):
        assert (shipped / name).read_bytes() == (REPO / "node_modules/pyodide" / name).read_bytes()


def test_a_missing_runtime_says_run_npm_ci(tmp_path: Path) -> None:
    from site_build.base import BuildError
    from site_build.runtime import pyodide_dir

    (tmp_path / "package.json").write_text('{"dependencies": {"pyodide": "314.0.7"}}')
    with pytest.raises(BuildError, match="run `npm ci`"):
        pyodide_dir(tmp_path)
