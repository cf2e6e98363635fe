"""Read the built site the way a reader sees it: pages by address, their text and anchors."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import yaml
from support import REPO, STEP_IDS, organisation_data

__all__ = ["STEP_IDS"]

ARTICLE = re.compile(r'<article class="md-content__inner md-typeset">(.*?)</article>', re.S)


def load_yaml(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def organisation(path: Path = REPO / "organisation.yml") -> dict[str, Any]:
    """The organisation data through the one loader the site uses, as a dict."""
    return organisation_data(path)


def catalogue() -> dict[str, Any]:
    return load_yaml(REPO / "checker" / "catalogue.yml")


def page_file(site: Path, address: str) -> Path:
    """The HTML file served at `address` ("" for the home page, "connect/staff/", ...)."""
    return site / address / "index.html"


def page(site: Path, address: str) -> str:
    return page_file(site, address).read_text(encoding="utf-8")


def article(html: str) -> str:
    """The page's own content, without Material's header, navigation and footer."""
    found = ARTICLE.search(html)
    assert found, "no <article> in the page"
    return found.group(1)


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self._skip: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.ids.append(attributes["id"] or "")
        if tag == "a" and attributes.get("href"):
            self.hrefs.append(attributes["href"] or "")
        # Permalink pilcrows, scripts and styles are not part of what one reads.
        if tag in ("script", "style") or "headerlink" in (attributes.get("class") or ""):
            self._skip.append(tag)
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if self._skip and self._skip[-1] == tag:
            self._skip.pop()
        self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _parse(html: str) -> _Text:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return parser


def text(html: str) -> str:
    """Text content with tags stripped and whitespace collapsed."""
    return normalise("".join(_parse(html).parts))


def normalise(value: str) -> str:
    spaced = re.sub(r"\s+", " ", value).strip()
    # Tags become spaces, so punctuation after inline code or a link gets one in front.
    return re.sub(r" ([.,:;)])", r"\1", spaced).replace("( ", "(")


def ids(html: str) -> list[str]:
    return _parse(html).ids


def hrefs(html: str) -> list[str]:
    return _parse(html).hrefs


def sections(html: str, level: str = "h2") -> list[tuple[str, str]]:
    """(anchor, text) of each `level` heading's section, heading included."""
    found = []
    for chunk in re.split(rf"(?=<{level}\b)", html):
        heading = re.match(rf'<{level} id="([^"]+)"', chunk)
        if heading:
            found.append((heading.group(1), text(chunk)))
    return found
