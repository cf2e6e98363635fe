"""The built site loads nothing from another host: it works with no internet."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

from site_html import organisation

SITE_HOST = urlsplit(organisation()["organisation"]["site_url"]).hostname
# The attributes through which a page makes the browser fetch something.
LOADING = {
    "script": ("src",),
    "link": ("href",),
    "img": ("src", "srcset"),
    "source": ("src", "srcset"),
    "iframe": ("src",),
    "video": ("src", "poster"),
    "audio": ("src",),
    "embed": ("src",),
    "object": ("data",),
}
EXTERNAL = re.compile(r"^\s*(?:https?:)?//", re.I)


class Loads(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.urls: list[tuple[str, str]] = []
        self._style = False
        self.styles: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in LOADING.get(tag, ()) and value:
                for candidate in value.split(","):
                    self.urls.append((tag, candidate.strip().split(" ")[0]))
            if name == "style" and value:
                self.styles.append(value)
        self._style = tag == "style"

    def handle_data(self, data: str) -> None:
        if self._style:
            self.styles.append(data)

    def handle_endtag(self, tag: str) -> None:
        self._style = False


def third_party(url: str) -> bool:
    return bool(EXTERNAL.match(url)) and urlsplit(url.strip()).hostname != SITE_HOST


def test_no_page_loads_from_another_host(site_dir: Path) -> None:
    pages = sorted(site_dir.rglob("*.html"))
    assert len(pages) >= 8
    offenders = []
    for path in pages:
        parser = Loads()
        parser.feed(path.read_text(encoding="utf-8"))
        offenders += [
            (path.relative_to(site_dir).as_posix(), tag, url)
            for tag, url in parser.urls
            if third_party(url)
        ]
        offenders += [
            (path.relative_to(site_dir).as_posix(), "style", style)
            for style in parser.styles
            if re.search(r"url\(\s*['\"]?(https?:)?//", style)
        ]
    assert not offenders


def test_no_stylesheet_imports_from_another_host(site_dir: Path) -> None:
    offenders = []
    for path in sorted(site_dir.rglob("*.css")):
        css = path.read_text(encoding="utf-8")
        for url in re.findall(r"""(?:url\(|@import)\s*['"]?([^'")\s]+)""", css):
            if third_party(url):
                offenders.append((path.relative_to(site_dir).as_posix(), url))
    assert not offenders


def test_the_check_itself_catches_a_cdn() -> None:
    parser = Loads()
    parser.feed(
        '<link rel="stylesheet" href="https://fonts.googleapis.com/css?family=Roboto">'
        '<script src="//cdn.example.org/x.js"></script><img src="assets/logo.svg">'
    )
    assert [third_party(url) for _, url in parser.urls] == [True, True, False]


def test_no_web_fonts_and_no_analytics(site_dir: Path) -> None:
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert "fonts.googleapis.com" not in home and "fonts.gstatic.com" not in home
    assert "googletagmanager" not in home
    # Material's search runs in the browser from the site's own index.
    assert (site_dir / "search" / "search_index.json").is_file()
